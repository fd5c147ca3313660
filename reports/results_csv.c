/* Writers for results.csv and env.csv (libcsv's csv_fwrite for quoting when
 * available). Every row is flushed so nothing measured is lost on a crash. */
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

int vp_csv_write_record(FILE *f, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i && fputc(',', f) == EOF)
			return -EIO;
		int rc = write_field(f, fields[i] ? fields[i] : "");
		if (rc)
			return rc;
	}
	if (fputc('\n', f) == EOF || fflush(f) == EOF)
		return errno ? -errno : -EIO;
	return 0;
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

int vp_results_write_row(FILE *f, const struct vp_row *row)
{
	const struct vp_target_info *ti = row->ti;
	const struct vp_metric *m = row->m;
	char vcpus[16], host_cpus[16], threads[16], rep[16], value[48] = "";
	/* Unknown CPU counts (an ssh target's hypervisor host, a guest that
	 * never booted) stay empty rather than a made-up 0. */
	vcpus[0] = host_cpus[0] = 0;
	if (ti->vcpus > 0)
		snprintf(vcpus, sizeof(vcpus), "%d", ti->vcpus);
	if (ti->host_cpus > 0)
		snprintf(host_cpus, sizeof(host_cpus), "%d", ti->host_cpus);
	snprintf(threads, sizeof(threads), "%d", row->threads);
	snprintf(rep, sizeof(rep), "%d", row->rep);
	if (m->status == VP_STATUS_OK)
		vp_format_value(m->value, value, sizeof(value));
	const char *fields[VP_RESULTS_NCOLS] = {VP_RESULTS_SCHEMA,
						ti->run_id,
						ti->target,
						ti->target_kind,
						ti->accel,
						ti->hypervisor,
						vcpus,
						host_cpus,
						row->workload,
						threads,
						rep,
						m->name,
						value,
						m->unit,
						vp_status_name(m->status),
						m->note};
	return vp_csv_write_record(f, fields, VP_RESULTS_NCOLS);
}

int vp_env_write_row(FILE *f, const char *target, const char *key,
		     const char *value)
{
	const char *fields[] = {target, key, value};
	return vp_csv_write_record(f, fields, 3);
}
