/* Entity escaping for HTML/SVG/XML output (see html_escape.h). */
#include "reports/html_escape.h"

#include <string.h>

static const char *entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\t':
	case '\n':
		return NULL;
	default:
		return c < 0x20 || c == 0x7f ? " " : NULL;
	}
}

size_t vp_html_escape_buf(char *buf, size_t len, const char *s)
{
	size_t need = 0;
	int full = 0;
	if (len)
		buf[0] = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
	     p++) {
		const char *e = entity(*p);
		char one[2] = {(char)*p, 0};
		const char *piece = e ? e : one;
		size_t n = strlen(piece);
		if (!full && need + n < len)
			memcpy(buf + need, piece, n + 1);
		else
			full = 1;
		need += n;
	}
	return need;
}

void vp_html_escape(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
	     p++) {
		const char *e = entity(*p);
		if (e)
			fputs(e, f);
		else
			fputc(*p, f);
	}
}
