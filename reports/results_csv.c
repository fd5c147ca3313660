/* Writers for results.csv and env.csv (libcsv's csv_fwrite for quoting when
 * available). Every row is formatted whole and written in one write, then
 * flushed, so nothing measured is lost on a crash and no reader sees half a
 * row. */
#include "reports/results_csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#if HAVE_LIBCSV
#include <csv.h>
#endif

const char *const vp_results_columns[VP_RESULTS_NCOLS] = {
    "schema", "run_id",	   "target",   "target_kind", "accel", "hypervisor",
    "vcpus",  "host_cpus", "workload", "threads",     "rep",   "metric",
    "value",  "unit",	   "status",   "note"};

const char *const vp_env_columns[VP_ENV_NCOLS] = {"target", "key", "value"};

static int needs_quotes(const char *s)
{
	return strpbrk(s, ",\"\r\n") != NULL || (s[0] == ' ') ||
	       (s[0] && s[strlen(s) - 1] == ' ');
}

static int write_field(FILE *f, const char *s)
{
	/* One record per line: fold embedded line breaks into spaces. */
	char *flat = NULL;
	if (strpbrk(s, "\r\n")) {
		flat = strdup(s);
		if (!flat)
			return -ENOMEM;
		for (char *p = flat; *p; p++)
			if (*p == '\r' || *p == '\n')
				*p = ' ';
		s = flat;
	}
	int rc;
#if HAVE_LIBCSV
	if (needs_quotes(s))
		rc = csv_fwrite(f, s, strlen(s));
	else
		rc = fputs(s, f) == EOF ? -1 : 0;
#else
	if (needs_quotes(s)) {
		rc = fputc('"', f) == EOF ? -1 : 0;
		for (const char *p = s; !rc && *p; p++) {
			if (*p == '"' && fputc('"', f) == EOF)
				rc = -1;
			if (!rc && fputc(*p, f) == EOF)
				rc = -1;
		}
		if (!rc && fputc('"', f) == EOF)
			rc = -1;
	} else {
		rc = fputs(s, f) == EOF ? -1 : 0;
	}
#endif
	free(flat);
	return rc ? -EIO : 0;
}

char *vp_csv_record_text(const char *const *fields, size_t n, size_t *len)
{
	char *text = NULL;
	size_t tlen = 0;
	FILE *m = open_memstream(&text, &tlen);
	int rc = m ? 0 : -ENOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		if (i && fputc(',', m) == EOF)
			rc = -ENOMEM;
		if (!rc)
			rc = write_field(m, fields[i] ? fields[i] : "");
	}
	if (!rc && fputc('\n', m) == EOF)
		rc = -ENOMEM;
	if (m && fclose(m) != 0)
		rc = -ENOMEM;
	if (rc) {
		free(text);
		return NULL;
	}
	*len = tlen;
	return text;
}

int vp_csv_write_record(FILE *f, const char *const *fields, size_t n)
{
	size_t len;
	char *text = vp_csv_record_text(fields, n, &len);
	if (!text)
		return -ENOMEM;
	/* One write per record: a reader (tail -f, the agent channel) never
	 * sees half of one. */
	errno = 0;
	int rc = fwrite(text, 1, len, f) != len || fflush(f) == EOF
		     ? (errno ? -errno : -EIO)
		     : 0;
	free(text);
	return rc;
}

static int file_is_empty(FILE *f)
{
	long pos = ftell(f);
	if (pos > 0)
		return 0;
	if (fseek(f, 0, SEEK_END) != 0)
		return 1; /* a pipe or serial line: always write the header */
	return ftell(f) == 0;
}

int vp_results_write_header(FILE *f)
{
	if (!file_is_empty(f))
		return 0;
	return vp_csv_write_record(f, vp_results_columns, VP_RESULTS_NCOLS);
}

int vp_env_write_header(FILE *f)
{
	if (!file_is_empty(f))
		return 0;
	return vp_csv_write_record(f, vp_env_columns, VP_ENV_NCOLS);
}

void vp_format_value(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.9g", v);
}

/* The 16 fields of a results row; numbers go into b. */
struct row_bufs {
	char vcpus[16], host_cpus[16], threads[16], rep[16], value[48];
};

static void row_fields(const struct vp_row *row, struct row_bufs *b,
		       const char *fields[VP_RESULTS_NCOLS])
{
	const struct vp_target_info *ti = row->ti;
	const struct vp_metric *m = row->m;
	/* Unknown CPU counts (an ssh target's hypervisor host, a guest that
	 * never booted) stay empty rather than a made-up 0. */
	memset(b, 0, sizeof(*b));
	if (ti->vcpus > 0)
		snprintf(b->vcpus, sizeof(b->vcpus), "%d", ti->vcpus);
	if (ti->host_cpus > 0)
		snprintf(b->host_cpus, sizeof(b->host_cpus), "%d",
			 ti->host_cpus);
	snprintf(b->threads, sizeof(b->threads), "%d", row->threads);
	snprintf(b->rep, sizeof(b->rep), "%d", row->rep);
	if (m->status == VP_STATUS_OK)
		vp_format_value(m->value, b->value, sizeof(b->value));
	const char *v[VP_RESULTS_NCOLS] = {VP_RESULTS_SCHEMA,
					   ti->run_id,
					   ti->target,
					   ti->target_kind,
					   ti->accel,
					   ti->hypervisor,
					   b->vcpus,
					   b->host_cpus,
					   row->workload,
					   b->threads,
					   b->rep,
					   m->name,
					   b->value,
					   m->unit,
					   vp_status_name(m->status),
					   m->note};
	memcpy(fields, v, sizeof(v));
}

int vp_results_write_row(FILE *f, const struct vp_row *row)
{
	struct row_bufs b;
	const char *fields[VP_RESULTS_NCOLS];
	row_fields(row, &b, fields);
	return vp_csv_write_record(f, fields, VP_RESULTS_NCOLS);
}

char *vp_results_row_text(const struct vp_row *row, size_t *len)
{
	struct row_bufs b;
	const char *fields[VP_RESULTS_NCOLS];
	row_fields(row, &b, fields);
	return vp_csv_record_text(fields, VP_RESULTS_NCOLS, len);
}

int vp_env_write_row(FILE *f, const char *target, const char *key,
		     const char *value)
{
	const char *fields[] = {target, key, value};
	return vp_csv_write_record(f, fields, 3);
}
