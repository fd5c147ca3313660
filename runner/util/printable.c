/* Escaping control bytes for messages (printable.h). */
#include "runner/util/printable.h"

#include <stdio.h>
#include <string.h>

static int is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

long vp_first_control(const char *s)
{
	for (const char *p = s; *p; p++)
		if (is_control((unsigned char)*p))
			return (long)(p - s);
	return -1;
}

const char *vp_printable(const char *s, char *out, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		size_t n;

		if (!is_control(*p)) {
			esc[0] = (char)*p;
			esc[1] = 0;
		} else if (*p == '\n') {
			snprintf(esc, sizeof(esc), "\\n");
		} else if (*p == '\t') {
			snprintf(esc, sizeof(esc), "\\t");
		} else if (*p == '\r') {
			snprintf(esc, sizeof(esc), "\\r");
		} else {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
		}
		n = strlen(esc);
		if (o + n + 1 > len) {
			/* Mark the cut so a truncated value is not mistaken
			 * for the whole one. */
			if (len >= 4)
				o = o < len - 4 ? o : len - 4;
			if (len >= 4) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o] = 0;
	return out;
}
