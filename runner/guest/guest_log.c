/* Guest console log helpers (see guest_log.h). */
#include "runner/guest/guest_log.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

void vp_log_tail(const char *path, int lines, char *out, size_t len)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t size;
	ssize_t n;
	int seen = 0;
	char *start;
	size_t o = 0;

	out[0] = '\0';
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	n = pread(fd, buf, sizeof(buf) - 1,
		  size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1
						: 0);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\r')
			buf[i] = '\n';
	/* Walk back over `lines` non-empty lines. */
	start = buf + n;
	while (start > buf && seen < lines) {
		char *e = start;

		while (e > buf && e[-1] == '\n')
			e--;
		start = e;
		while (start > buf && start[-1] != '\n')
			start--;
		if (start < e)
			seen++;
	}
	for (char *p = start; *p && o + 4 < len; p++) {
		if (*p == '\n') {
			if (o && p[1] && p[1] != '\n') {
				memcpy(out + o, " | ", 3);
				o += 3;
			}
			continue;
		}
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			continue;
		out[o++] = *p;
	}
	out[o] = '\0';
}

bool vp_log_find(const char *path, long from, const char *needle, char *line,
		 size_t len)
{
	FILE *f = fopen(path, "re");
	char buf[1024];
	bool found = false;

	if (!f)
		return false;
	if (from > 0)
		fseek(f, from, SEEK_SET);
	while (fgets(buf, sizeof(buf), f))
		if (strstr(buf, needle)) {
			buf[strcspn(buf, "\r\n")] = '\0';
			snprintf(line, len, "%s", buf);
			found = true;
			break;
		}
	fclose(f);
	return found;
}

bool vp_log_has(const char *path, const char *needle, char *line, size_t len)
{
	return vp_log_find(path, 0, needle, line, len);
}

/* Kernel messages that mean the guest is wedged: waiting for a timeout
 * would only waste minutes. */
bool vp_console_wedged(const char *console, long from, char *line, size_t len)
{
	static const char *const pat[] = {"soft lockup", "self-detected stall",
					  "detected stalls on CPUs",
					  "hard LOCKUP"};

	for (size_t i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (vp_log_find(console, from, pat[i], line, len))
			return true;
	return false;
}
