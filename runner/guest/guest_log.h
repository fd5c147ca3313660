/* Reading the guest's console log on the host: the tail that goes into
 * failure notes, line search, and the kernel reports that mean a guest is
 * wedged (soft lockup, RCU stall). */
#ifndef VP_GUEST_LOG_H
#define VP_GUEST_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* The last `lines` non-empty lines of path (from its last 4 KiB), joined
 * with " | ", CR treated as a line end, control characters dropped. ""
 * when the file is missing or empty. */
void vp_log_tail(const char *path, int lines, char *out, size_t len);

/* Finds the first line at or after byte `from` that contains needle;
 * copies it (without the newline) into line. */
bool vp_log_find(const char *path, long from, const char *needle, char *line,
		 size_t len);
bool vp_log_has(const char *path, const char *needle, char *line, size_t len);

/* A kernel report of a wedged guest at or after byte `from`. */
bool vp_console_wedged(const char *path, long from, char *line, size_t len);

#endif
