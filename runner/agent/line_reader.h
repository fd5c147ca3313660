/* Reads a child's pipe (guest channel, ssh stdout) without blocking past a
 * poll timeout and hands over complete lines, so the caller's loop can
 * check timeouts and Ctrl-C between reads. */
#ifndef VP_LINE_READER_H
#define VP_LINE_READER_H

#include <stddef.h>

struct vp_line_reader {
	char *buf;
	size_t len, cap;
};

typedef void (*vp_line_fn)(char *line, void *arg);

/* Waits up to timeout_ms for data on fd, then calls fn for each complete
 * line (newline stripped, NUL-terminated). Returns 1 when data was read,
 * 0 on timeout or EINTR, -1 at end of file (or a read error), -ENOMEM. */
int vp_line_reader_poll(struct vp_line_reader *r, int fd, int timeout_ms,
			vp_line_fn fn, void *arg);
void vp_line_reader_free(struct vp_line_reader *r);

#endif
