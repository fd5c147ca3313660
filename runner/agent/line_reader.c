/* Poll-driven line reader (line_reader.h). */
#include "runner/agent/line_reader.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int vp_line_reader_poll(struct vp_line_reader *r, int fd, int timeout_ms,
			vp_line_fn fn, void *arg)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	if (r->cap - r->len < 65536) {
		char *nb = realloc(r->buf, r->cap + 131072);
		if (!nb)
			return -ENOMEM;
		r->buf = nb;
		r->cap += 131072;
	}
	ssize_t n = read(fd, r->buf + r->len, r->cap - r->len - 1);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	r->len += (size_t)n;
	r->buf[r->len] = '\0';
	char *p = r->buf, *nl;
	while ((nl = memchr(p, '\n', r->len - (size_t)(p - r->buf)))) {
		*nl = '\0';
		fn(p, arg);
		p = nl + 1;
	}
	r->len -= (size_t)(p - r->buf);
	memmove(r->buf, p, r->len);
	return 1;
}

void vp_line_reader_free(struct vp_line_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
