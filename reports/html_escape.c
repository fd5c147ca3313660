/* Entity escaping for HTML/SVG/XML output (see html_escape.h). Bytes that
 * are not valid UTF-8 (a Latin-1 message from some guest) become U+FFFD, so
 * the JUnit XML stays well-formed whatever the CSV holds. */
#include "reports/html_escape.h"

#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"

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

/* Length of the valid UTF-8 sequence at p that XML 1.0 allows, 0 if none.
 * Stops at the first bad byte, so it never reads past a terminating NUL. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) ||
	    (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
		return 0; /* overlong, surrogate, beyond U+10FFFF */
	if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
		return 0; /* U+FFFE, U+FFFF */
	return n;
}

/* Calls out(piece, len) for each escaped piece of s. */
static void walk(const char *s, void (*out)(const char *, size_t, void *),
		 void *ctx)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		size_t n = utf8_len(p);
		const char *e = n == 1 ? entity(*p) : NULL;
		if (!n) {
			out(REPLACEMENT, 3, ctx);
			p++;
		} else if (e) {
			out(e, strlen(e), ctx);
			p++;
		} else {
			out((const char *)p, n, ctx);
			p += n;
		}
	}
}

struct buf_ctx {
	char *buf;
	size_t len, need;
	int full;
};

static void to_buf(const char *piece, size_t n, void *ctx)
{
	struct buf_ctx *b = ctx;
	if (!b->full && b->need + n < b->len) {
		memcpy(b->buf + b->need, piece, n);
		b->buf[b->need + n] = 0;
	} else {
		b->full = 1;
	}
	b->need += n;
}

size_t vp_html_escape_buf(char *buf, size_t len, const char *s)
{
	struct buf_ctx b = {buf, len, 0, 0};
	if (len)
		buf[0] = 0;
	walk(s, to_buf, &b);
	return b.need;
}

static void to_file(const char *piece, size_t n, void *ctx)
{
	fwrite(piece, 1, n, (FILE *)ctx);
}

void vp_html_escape(FILE *f, const char *s)
{
	walk(s, to_file, f);
}

char *vp_utf8_dup(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p);
	char *out = malloc(3 * len + 1), *o = out; /* each bad byte: 3 */
	if (!out)
		return NULL;
	while (*p) {
		size_t n = utf8_len(p);
		if (!n) {
			memcpy(o, REPLACEMENT, 3);
			o += 3;
			p++;
		} else {
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	*o = 0;
	return out;
}
