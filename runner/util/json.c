/* Strict recursive-descent JSON reader (see json.h). */
#include "runner/util/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *s;
	size_t len, pos;
	int depth;
	char *err;
	size_t errlen;
	int rc;
};

static int fail(struct parser *p, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, int rc, const char *fmt, ...)
{
	va_list ap;
	int o;

	if (p->rc)
		return p->rc;
	p->rc = rc;
	o = snprintf(p->err, p->errlen, "offset %zu: ", p->pos);
	if (o >= 0 && (size_t)o < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + o, p->errlen - (size_t)o, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) &&
	       p->s[p->pos])
		p->pos++;
}

static int peek(struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return false;
	p->pos += n;
	return true;
}

static int hex4(struct parser *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		int c = peek(p);
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return fail(p, -EINVAL, "expected 4 hex digits");
		*out = *out << 4 | d;
		p->pos++;
	}
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \u escape (the backslash and u already consumed), with surrogate
 * pairs; lone surrogates become U+FFFD. */
static int unicode_escape(struct parser *p, char *o, size_t *n)
{
	unsigned cp, lo;

	if (hex4(p, &cp))
		return p->rc;
	if (cp >= 0xd800 && cp < 0xdc00 && p->len - p->pos >= 6 &&
	    p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
		size_t save = p->pos;

		p->pos += 2;
		if (hex4(p, &lo))
			return p->rc;
		if (lo >= 0xdc00 && lo < 0xe000)
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		else
			p->pos = save;
	}
	if (cp >= 0xd800 && cp < 0xe000)
		cp = 0xfffd;
	*n += put_utf8(o + *n, cp);
	return 0;
}

/* A string (the opening quote is at p->pos) into a new heap copy. */
static int string(struct parser *p, char **out)
{
	static const char esc_in[] = "\"\\/bfnrt",
			  esc_out[] = "\"\\/\b\f\n\r\t";
	size_t n = 0;
	char *o;

	p->pos++;
	/* Decoded text is never longer than its source. */
	o = malloc(p->len - p->pos + 1);
	if (!o)
		return fail(p, -ENOMEM, "out of memory");
	for (;;) {
		int c = peek(p);

		if (c < 0) {
			free(o);
			return fail(p, -EINVAL, "unterminated string");
		}
		p->pos++;
		if (c == '"')
			break;
		if (c < 0x20) {
			free(o);
			return fail(p, -EINVAL, "control character in string");
		}
		if (c != '\\') {
			o[n++] = (char)c;
			continue;
		}
		c = peek(p);
		p->pos++;
		if (c == 'u') {
			if (unicode_escape(p, o, &n)) {
				free(o);
				return p->rc;
			}
		} else if (c > 0 && strchr(esc_in, c)) {
			o[n++] = esc_out[strchr(esc_in, c) - esc_in];
		} else {
			free(o);
			return fail(p, -EINVAL, "bad escape in string");
		}
	}
	o[n] = '\0';
	*out = o;
	return 0;
}

static int number(struct parser *p, struct vp_json *j)
{
	size_t start = p->pos;
	bool integer = true, neg = false;
	char buf[64];

	if (peek(p) == '-') {
		neg = true;
		p->pos++;
	}
	if (peek(p) == '0') {
		p->pos++;
	} else if (peek(p) >= '1' && peek(p) <= '9') {
		while (peek(p) >= '0' && peek(p) <= '9')
			p->pos++;
	} else {
		return fail(p, -EINVAL, "expected a value");
	}
	if (peek(p) == '.') {
		integer = false;
		p->pos++;
		if (!(peek(p) >= '0' && peek(p) <= '9'))
			return fail(p, -EINVAL, "expected a digit after '.'");
		while (peek(p) >= '0' && peek(p) <= '9')
			p->pos++;
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		integer = false;
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!(peek(p) >= '0' && peek(p) <= '9'))
			return fail(p, -EINVAL, "expected an exponent");
		while (peek(p) >= '0' && peek(p) <= '9')
			p->pos++;
	}
	if (p->pos - start >= sizeof(buf))
		return fail(p, -EINVAL, "number too long");
	memcpy(buf, p->s + start, p->pos - start);
	buf[p->pos - start] = '\0';
	j->type = VP_JSON_NUMBER;
	j->num = strtod(buf, NULL);
	if (integer && !neg) {
		errno = 0;
		j->u = strtoull(buf, NULL, 10);
		j->is_uint = errno == 0;
	}
	return 0;
}

static struct vp_json *value(struct parser *p);

/* Members ("key": value) or elements up to the closing bracket. */
static int container(struct parser *p, struct vp_json *j, bool object)
{
	struct vp_json **tail = &j->child;
	int close = object ? '}' : ']';

	if (++p->depth > VP_JSON_MAX_DEPTH)
		return fail(p, -EINVAL, "nested deeper than %d",
			    VP_JSON_MAX_DEPTH);
	j->type = object ? VP_JSON_OBJECT : VP_JSON_ARRAY;
	p->pos++;
	skip_ws(p);
	if (peek(p) == close) {
		p->pos++;
		p->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		struct vp_json *v;

		skip_ws(p);
		if (object) {
			if (peek(p) != '"')
				return fail(p, -EINVAL,
					    "expected a member name");
			if (string(p, &key))
				return p->rc;
			skip_ws(p);
			if (peek(p) != ':') {
				free(key);
				return fail(p, -EINVAL, "expected ':'");
			}
			p->pos++;
		}
		v = value(p);
		if (!v) {
			free(key);
			return p->rc;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip_ws(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == close) {
			p->pos++;
			p->depth--;
			return 0;
		}
		return fail(p, -EINVAL, "expected ',' or '%c'", close);
	}
}

static struct vp_json *value(struct parser *p)
{
	struct vp_json *j = calloc(1, sizeof(*j));
	int c, rc = 0;

	if (!j) {
		fail(p, -ENOMEM, "out of memory");
		return NULL;
	}
	skip_ws(p);
	c = peek(p);
	if (c == '{' || c == '[') {
		rc = container(p, j, c == '{');
	} else if (c == '"') {
		j->type = VP_JSON_STRING;
		rc = string(p, &j->str);
	} else if (literal(p, "true")) {
		j->type = VP_JSON_BOOL;
		j->b = true;
	} else if (literal(p, "false")) {
		j->type = VP_JSON_BOOL;
	} else if (literal(p, "null")) {
		j->type = VP_JSON_NULL;
	} else {
		rc = number(p, j);
	}
	if (rc) {
		vp_json_free(j);
		return NULL;
	}
	return j;
}

int vp_json_parse(const char *text, size_t len, struct vp_json **out, char *err,
		  size_t errlen)
{
	struct parser p = {text, len, 0, 0, err, errlen, 0};
	struct vp_json *j;

	*out = NULL;
	j = value(&p);
	if (!j)
		return p.rc ? p.rc : -EINVAL;
	skip_ws(&p);
	if (p.pos != len) {
		vp_json_free(j);
		return fail(&p, -EINVAL, "text after the value");
	}
	*out = j;
	return 0;
}

void vp_json_free(struct vp_json *j)
{
	while (j) {
		struct vp_json *next = j->next;

		vp_json_free(j->child);
		free(j->key);
		free(j->str);
		free(j);
		j = next;
	}
}

const struct vp_json *vp_json_get(const struct vp_json *j, const char *key)
{
	if (!j || j->type != VP_JSON_OBJECT)
		return NULL;
	for (const struct vp_json *m = j->child; m; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const char *vp_json_get_str(const struct vp_json *j, const char *key)
{
	const struct vp_json *m = vp_json_get(j, key);

	return m && m->type == VP_JSON_STRING ? m->str : NULL;
}

size_t vp_json_count(const struct vp_json *j)
{
	size_t n = 0;

	for (const struct vp_json *c = j ? j->child : NULL; c; c = c->next)
		n++;
	return n;
}
