/* The results.csv / env.csv contract (README.md) and the writers that append
 * to them, one flushed row at a time, so an interrupted run keeps every
 * finished row and the file stays valid CSV.
 *
 * results.csv columns (schema VP_RESULTS_SCHEMA):
 *   schema,run_id,target,target_kind,accel,hypervisor,vcpus,host_cpus,
 *   workload,threads,rep,metric,value,unit,status,note
 * env.csv columns: target,key,value */
#ifndef VP_RESULTS_CSV_H
#define VP_RESULTS_CSV_H

#include <stdio.h>

#include "probes/metrics.h"

/* 2: log-linear latency buckets (probes/lat_hist.h), every bucket bound in
 * ns, <family>_hist_sub_buckets, p90/p999/p9999 and <family>_samples rows.
 * 1: power-of-two buckets (lat_ bounds in us). Reports read both. */
#define VP_RESULTS_SCHEMA     "2"
#define VP_RESULTS_SCHEMA_NUM 2
#define VP_RESULTS_NCOLS      16
extern const char *const vp_results_columns[VP_RESULTS_NCOLS];
#define VP_ENV_NCOLS 3
extern const char *const vp_env_columns[VP_ENV_NCOLS];

/* Where rows come from: filled once per target. */
struct vp_target_info {
	char run_id[64];
	char target[128];     /* "host", "vm2", "ssh:user@box" */
	char target_kind[16]; /* "host", "vm", "ssh" */
	char accel[16];	      /* "none", "kvm", "tcg" */
	char hypervisor[64];  /* as seen from inside the target */
	int vcpus;	      /* CPUs the target saw (its own probe); <= 0:
			       * unknown, written as an empty field */
	int host_cpus;	      /* CPUs of the host that runs the target;
			       * <= 0: unknown (ssh), empty field */
};

/* One results.csv row. */
struct vp_row {
	const struct vp_target_info *ti;
	const char *workload;
	int threads;
	int rep;
	const struct vp_metric *m;
};

/* Writes one CSV record (fields quoted when needed, RFC 4180) and a newline.
 * Newlines inside fields are replaced by spaces so a record is one line
 * (the guest channel and tail -f rely on it). One write per record.
 * Returns 0 or -errno. */
int vp_csv_write_record(FILE *f, const char *const *fields, size_t n);

/* The same record as malloc'd text with its newline (*len bytes), for
 * writers that need it whole (runner/util/out_file.h); NULL when out of
 * memory. */
char *vp_csv_record_text(const char *const *fields, size_t n, size_t *len);
/* One results row as text, like vp_results_write_row writes it. */
char *vp_results_row_text(const struct vp_row *row, size_t *len);

/* Writes the results header when the file is empty, 0 or -errno. */
int vp_results_write_header(FILE *f);
/* Writes and flushes one row. */
int vp_results_write_row(FILE *f, const struct vp_row *row);
int vp_env_write_header(FILE *f);
int vp_env_write_row(FILE *f, const char *target, const char *key,
		     const char *value);

/* Formats a metric value as results.csv does ("%.9g"). */
void vp_format_value(double v, char *buf, size_t len);

#endif
