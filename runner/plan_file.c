/* Plan files: `key = value` lines read into a plan through vp_plan_set and
 * written from the run-key table, so both sides use the same parsing and
 * formatting code. */
#include "runner/plan.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/plan_keys.h"
#include "runner/util/printable.h"

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* A value written in double quotes: \" and \\ are the only escapes. The
 * unquoted text is written over the quoted one, in place. */
static int unquote(char *v, char *err, size_t errlen)
{
	char *o = v;
	const char *p = v + 1;
	for (; *p && *p != '"'; p++) {
		if (*p == '\\') {
			if (p[1] != '"' && p[1] != '\\') {
				snprintf(err, errlen,
					 "in a quoted value only \\\" and \\\\ "
					 "are escapes");
				return -EINVAL;
			}
			p++;
		}
		*o++ = *p;
	}
	if (*p != '"') {
		snprintf(err, errlen, "quoted value without its closing quote");
		return -EINVAL;
	}
	p++;
	p += strspn(p, " \t");
	if (*p && *p != '#') {
		snprintf(err, errlen,
			 "text after a quoted value (only a # comment may "
			 "follow)");
		return -EINVAL;
	}
	*o = 0;
	return 0;
}

/* Splits one line into key and value; 1 for a blank or comment line. */
static int parse_line(char *line, char **key, char **value, char *err,
		      size_t errlen)
{
	char *s = trim(line), *eq = strchr(s, '='), *hash = strchr(s, '#');
	if (hash && (!eq || hash < eq)) {
		*hash = 0;
		eq = NULL;
		s = trim(s);
	}
	if (!*s)
		return 1;
	if (!eq) {
		snprintf(err, errlen, "expected 'key = value', got '%s'", s);
		return -EINVAL;
	}
	*eq = 0;
	*key = trim(s);
	char *v = eq + 1;
	v += strspn(v, " \t");
	if (*v == '"') {
		*value = v;
		return unquote(v, err, errlen);
	}
	hash = strchr(v, '#');
	if (hash)
		*hash = 0;
	*value = trim(v);
	return 0;
}

int vp_plan_load(struct vp_plan *p, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "plan file %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	char line[8192], e2[1024];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			snprintf(err, errlen, "%s:%d: line too long", path,
				 lineno);
			rc = -EINVAL;
			break;
		}
		char *key, *value;
		rc = parse_line(line, &key, &value, e2, sizeof(e2));
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (!rc)
			rc = vp_plan_set(p, key, value, e2, sizeof(e2));
		if (rc) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, e2);
			break;
		}
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "plan file %s: read error", path);
		rc = -EIO;
	}
	fclose(f);
	return rc;
}

/* Writes v so that parse_line gives it back exactly: quoted when it holds
 * a comment sign, a quote, a backslash or blanks at either end. Control
 * bytes cannot be written faithfully on one line: refused. */
static int write_value(FILE *m, const char *key, const char *v)
{
	size_t n = strlen(v);
	if (vp_first_control(v) >= 0)
		return -EINVAL;
	if (!strpbrk(v, "#\"\\") && n && !isspace((unsigned char)v[0]) &&
	    !isspace((unsigned char)v[n - 1]) && v[0] != '"') {
		fprintf(m, "%s = %s\n", key, v);
		return 0;
	}
	fprintf(m, "%s = \"", key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', m);
		fputc(*v, m);
	}
	fputs("\"\n", m);
	return 0;
}

/* One `key = value` line per value of each plan key, in table order. */
static int plan_text(const struct vp_plan *p, FILE *m)
{
	char val[8192];
	fputs("# vpbench plan\n", m);
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++) {
		if (k->flags & VP_KEY_CLI)
			continue;
		for (size_t i = 0;; i++) {
			int rc = vp_plan_key_format(p, k, i, val, sizeof(val));
			if (rc)
				break;
			if (strlen(val) >= sizeof(val) - 1)
				return -E2BIG;
			if (write_value(m, k->name, val))
				return -EINVAL;
			if (!(k->flags & VP_KEY_REPEAT))
				break;
		}
	}
	return 0;
}

int vp_plan_write(const struct vp_plan *p, FILE *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return -errno;
	int rc = plan_text(p, m);
	if (fclose(m) != 0 && !rc)
		rc = -ENOMEM;
	/* One write: the file holds the whole plan or nothing of it. */
	errno = 0;
	if (!rc && (fwrite(text, 1, len, f) != len || fflush(f) == EOF))
		rc = errno ? -errno : -EIO;
	free(text);
	return rc;
}
