/* Plan files: `key = value` lines read into a plan through vp_plan_set and
 * written from the run-key table, so both sides use the same parsing and
 * formatting code. */
#include "runner/plan/plan.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/plan/plan_keys.h"
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

/* Plans are a few hundred bytes; the bound keeps a wrong --plan argument
 * (a log, an image) from being read whole. */
#define PLAN_MAX_BYTES (1 << 20)

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket"
			     : "not a regular file";
}

/* The whole file, NUL-terminated, if it is a regular file of at most
 * PLAN_MAX_BYTES. O_NONBLOCK: opening a FIFO must not wait for a writer. */
static int read_text(const char *path, const char *shown, char **text,
		     size_t *len, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), rc;
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen, "plan file %s: %s", shown,
			 strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen,
			 "plan file %s is %s: a plan is a regular text file",
			 shown, file_kind(st.st_mode));
		rc = -EINVAL;
		goto out;
	}
	*text = malloc(PLAN_MAX_BYTES + 2);
	*len = 0;
	rc = *text ? 0 : -ENOMEM;
	while (!rc && *len <= PLAN_MAX_BYTES) {
		ssize_t n = read(fd, *text + *len, PLAN_MAX_BYTES + 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -errno;
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	if (rc)
		snprintf(err, errlen, "plan file %s: %s", shown, strerror(-rc));
	else if (*len > PLAN_MAX_BYTES) {
		snprintf(err, errlen,
			 "plan file %s is larger than %d KiB: not a plan",
			 shown, PLAN_MAX_BYTES >> 10);
		rc = -EFBIG;
	} else
		(*text)[*len] = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A NUL would silently cut the line short and other control bytes have
 * no place in a text file (a trailing \r of CRLF files aside). */
static int check_line_bytes(const char *line, size_t n, char *err,
			    size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == '\t' || (c == '\r' && i + 1 == n))
			continue;
		if (c < 0x20 || c == 0x7f) {
			snprintf(err, errlen,
				 "control byte 0x%02x at column %zu: a plan "
				 "is a text file",
				 c, i + 1);
			return -EINVAL;
		}
		/* Bidirectional controls (U+202A..U+202E, U+2066..U+2069)
		 * make a value display as something else ("Trojan
		 * source"): no plan value needs one. */
		unsigned char c1 = i + 2 < n ? (unsigned char)line[i + 1] : 0,
			      c2 = i + 2 < n ? (unsigned char)line[i + 2] : 0;
		if (c == 0xe2 && ((c1 == 0x80 && c2 >= 0xaa && c2 <= 0xae) ||
				  (c1 == 0x81 && c2 >= 0xa6 && c2 <= 0xa9))) {
			snprintf(err, errlen,
				 "bidirectional control U+%04X at column "
				 "%zu: it makes the text display other than "
				 "it reads",
				 c1 == 0x80 ? 0x2000 + c2 - 0x80
					    : 0x2040 + c2 - 0x80,
				 i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

int vp_plan_load(struct vp_plan *p, const char *path, char *err, size_t errlen)
{
	char shown[256], e2[1024], *text = NULL, *key, *value;
	size_t len = 0;
	vp_printable(path, shown, sizeof(shown));
	int rc = read_text(path, shown, &text, &len, err, errlen);
	int lineno = 0;
	for (size_t at = 0; !rc && at < len;) {
		char *line = text + at;
		char *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;
		at += n + 1;
		lineno++;
		rc = check_line_bytes(line, n, e2, sizeof(e2));
		line[n] = 0;
		if (!rc)
			rc = parse_line(line, &key, &value, e2, sizeof(e2));
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (!rc)
			rc = vp_plan_set(p, key, value, e2, sizeof(e2));
		if (rc)
			snprintf(err, errlen, "%s:%d: %s", shown, lineno, e2);
	}
	free(text);
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
	fputs("# vpbench plan; re-run with: vpbench run --plan FILE (the run "
	      "folder\n# and run id are not part of it: each run gets its "
	      "own)\n",
	      m);
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++) {
		if (k->flags & (VP_KEY_CLI | VP_KEY_RUN_LOCAL))
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
