/* The libcsv driver behind csv_read.c: a strict RFC 4180 parser fed one
 * line at a time, so each record knows the line it started on, and the
 * helpers that turn a problem into "file line N: what was expected" (or a
 * skipped truncated last row with a warning). */
#ifndef VP_CSV_INTERNAL_H
#define VP_CSV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/csv_read.h"

struct reader {
	const char *path;
	/* the record's fields; the buffers and their capacities stay for the
	 * next record, so reading allocates per file, not per field */
	char **fields;
	size_t *fcap;
	size_t nf, capf;
	long line;	/* line being fed */
	long rec_start; /* line the pending record started on, 0: none */
	long nrecords;
	bool failed;	/* a handler or the parser reported an error */
	bool truncated; /* the record being handled has no final newline */
	int rc;
	char *err;
	size_t errlen;
	int (*on_record)(struct reader *r, long line);
	struct vp_run *run;
};

/* Parses r->path, calling r->on_record for each record (the header is
 * record 1). Returns 0 or -errno with r->err set. */
int vp_csv_parse(struct reader *r);
/* Checks the header record against cols. */
int vp_csv_check_header(struct reader *r, const char *const *cols, size_t n,
			long line);
/* A bad row: an error, or a skipped row with a warning when it is the
 * truncated last one (then 0). */
int vp_csv_bad_row(struct reader *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
