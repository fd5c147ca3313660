/* Plan files: `key = value` lines read into a plan through vp_plan_set and
 * written from the run-key table, so both sides use the same parsing and
 * formatting code. */
#include "runner/plan.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/plan_keys.h"

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
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
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen,
				 "%s:%d: expected 'key = value', got '%s'",
				 path, lineno, s);
			rc = -EINVAL;
			break;
		}
		*eq = 0;
		char *key = trim(s), *value = trim(eq + 1);
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
			fprintf(m, "%s = %s\n", k->name, val);
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
