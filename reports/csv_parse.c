/* The libcsv driver (see csv_internal.h): strict mode (malformed quoting
 * is an error), fed one line at a time so every record carries the line it
 * started on. The writer ends every record with a newline, so a last
 * record without one comes from an interrupted run and is reported as
 * truncated. Built without libcsv, every read fails saying so. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/csv_internal.h"

#if HAVE_LIBCSV
#include <csv.h>
#endif

#if HAVE_LIBCSV
static void free_fields(struct reader *r)
{
	for (size_t i = 0; i < r->capf; i++)
		free(r->fields[i]);
	free(r->fields);
	free(r->fcap);
	r->fields = NULL;
	r->fcap = NULL;
	r->nf = r->capf = 0;
}

static void oom(struct reader *r)
{
	r->failed = true;
	r->rc = -ENOMEM;
	snprintf(r->err, r->errlen, "out of memory");
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	if (r->failed)
		return;
	if (r->nf == r->capf) {
		size_t cap = r->capf ? r->capf * 2 : 32;
		char **f = realloc(r->fields, cap * sizeof(*f));
		if (f)
			r->fields = f;
		size_t *fc = f ? realloc(r->fcap, cap * sizeof(*fc)) : NULL;
		if (!fc) {
			oom(r);
			return;
		}
		r->fcap = fc;
		for (size_t i = r->capf; i < cap; i++) {
			r->fields[i] = NULL;
			r->fcap[i] = 0;
		}
		r->capf = cap;
	}
	if (r->fcap[r->nf] < len + 1) {
		size_t want = len + 1 < 64 ? 64 : len + 1;
		char *b = realloc(r->fields[r->nf], want);
		if (!b) {
			oom(r);
			return;
		}
		r->fields[r->nf] = b;
		r->fcap[r->nf] = want;
	}
	char *copy = r->fields[r->nf++];
	if (len)
		memcpy(copy, s, len);
	copy[len] = 0;
}

static void on_record_end(int c, void *data)
{
	struct reader *r = data;
	long start = r->rec_start ? r->rec_start : r->line;
	r->rec_start = 0;
	if (!r->failed) {
		r->truncated = c == -1;
		r->nrecords++;
		int rc = r->on_record(r, start);
		if (rc) {
			r->failed = true;
			r->rc = rc;
		}
	}
	r->nf = 0;
}

static bool blank_line(const char *s)
{
	return strspn(s, "\r\n") == strlen(s);
}

/* The longest line read: a vpbench row is well under 4 KiB (its note is
 * the longest field); anything longer is not a vpbench file, and reading
 * it whole (a file of zeros, say) would only eat memory. */
#define CSV_LINE_MAX (1 << 20)

/* Opens path for reading if it is a regular file. O_NONBLOCK so that a
 * FIFO cannot hang the open; a device (/dev/zero) or FIFO would otherwise
 * feed the reader forever. NULL with the reason in r->err and *rc. */
static FILE *open_regular(struct reader *r, int *rc)
{
	struct stat st = {0};
	int fd = open(r->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*rc = -errno;
		snprintf(r->err, r->errlen, "%s: cannot open: %s", r->path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*rc = -EINVAL;
		snprintf(r->err, r->errlen,
			 "%s: not a regular file (%s): give the CSV file a "
			 "run wrote",
			 r->path,
			 S_ISDIR(st.st_mode)	? "a folder"
			 : S_ISFIFO(st.st_mode) ? "a FIFO"
			 : S_ISSOCK(st.st_mode) ? "a socket"
						: "a device");
		return NULL;
	}
	int fl = fcntl(fd, F_GETFL);
	FILE *f = NULL;
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
	    !(f = fdopen(fd, "r"))) {
		*rc = -errno;
		snprintf(r->err, r->errlen, "%s: cannot open: %s", r->path,
			 strerror(errno));
		close(fd);
	}
	return f;
}

/* getline with a bound: the length read, -1 at the end of the file, -2
 * when the line is longer than max (the rest is not read), -3 out of
 * memory. */
static ssize_t read_line(FILE *f, char **buf, size_t *cap, size_t max)
{
	size_t n = 0;
	int c;
	while ((c = getc_unlocked(f)) != EOF) {
		if (n + 2 > *cap) {
			size_t want = *cap ? *cap * 2 : 256;
			if (n + 2 > max)
				return -2;
			char *b = realloc(*buf, want);
			if (!b)
				return -3;
			*buf = b;
			*cap = want;
		}
		(*buf)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (n == 0)
		return -1;
	(*buf)[n] = 0;
	return (ssize_t)n;
}

/* Parses path, calling r->on_record for each record. */
int vp_csv_parse(struct reader *r)
{
	struct csv_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool ended_nl = true;
	int rc = 0;
	FILE *f = open_regular(r, &rc);
	if (!f)
		return rc;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
		fclose(f);
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	while (!r->failed &&
	       (len = read_line(f, &line, &cap, CSV_LINE_MAX)) != -1) {
		if (len < -1) {
			r->failed = true;
			r->rc = len == -2 ? -EINVAL : -ENOMEM;
			if (len == -2)
				snprintf(r->err, r->errlen,
					 "%s line %ld: longer than %d bytes: "
					 "not a CSV file vpbench wrote",
					 r->path, r->line + 1, CSV_LINE_MAX);
			else
				snprintf(r->err, r->errlen,
					 "%s line %ld: out of memory", r->path,
					 r->line + 1);
			break;
		}
		char *text = line;
		r->line++;
		ended_nl = line[len - 1] == '\n';
		/* A UTF-8 byte order mark (spreadsheet exports) is not data. */
		if (r->line == 1 && len >= 3 &&
		    !memcmp(line, "\xEF\xBB\xBF", 3)) {
			text += 3;
			len -= 3;
		}
		if (!r->rec_start && !blank_line(text))
			r->rec_start = r->line;
		if (csv_parse(&p, text, (size_t)len, on_field, on_record_end,
			      r) != (size_t)len &&
		    !r->failed) {
			r->failed = true;
			r->rc = -EINVAL;
			snprintf(r->err, r->errlen,
				 "%s line %ld: malformed CSV quoting (%s); "
				 "expected RFC 4180 fields, quotes doubled "
				 "inside quoted fields",
				 r->path, r->line, csv_strerror(csv_error(&p)));
		}
	}
	if (!r->failed && ferror(f)) {
		r->failed = true;
		r->rc = -EIO;
		snprintf(r->err, r->errlen, "%s: read error", r->path);
	}
	if (!r->failed) {
		long start = r->rec_start;
		if (csv_fini(&p, on_field, on_record_end, r) != 0 &&
		    !r->failed) {
			/* A quoted field still open at the end of the file. */
			if (start == r->line && !ended_nl) {
				vp_run_warn(r->run,
					    "%s line %ld: truncated last row "
					    "(unterminated quoted field; the "
					    "run was probably interrupted): "
					    "skipped",
					    r->path, start);
			} else {
				r->failed = true;
				r->rc = -EINVAL;
				snprintf(r->err, r->errlen,
					 "%s line %ld: unterminated quoted "
					 "field (expected a closing '\"')",
					 r->path, start);
			}
		}
	}
	if (r->failed)
		rc = r->rc ? r->rc : -EINVAL;
	free_fields(r);
	csv_free(&p);
	free(line);
	fclose(f);
	return rc;
}
#else
int vp_csv_parse(struct reader *r)
{
	snprintf(r->err, r->errlen,
		 "%s: built without libcsv, cannot read CSV files "
		 "(install libcsv-dev and rebuild)",
		 r->path);
	return -ENOTSUP;
}
#endif

static void join_columns(const char *const *cols, size_t n, char *buf,
			 size_t len)
{
	size_t off = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? "," : "", cols[i]);
}

int vp_csv_check_header(struct reader *r, const char *const *cols, size_t n,
			long line)
{
	char want[512];
	join_columns(cols, n, want, sizeof(want));
	for (size_t i = 0; i < n; i++) {
		if (i >= r->nf || strcmp(r->fields[i], cols[i]) != 0) {
			snprintf(r->err, r->errlen,
				 "%s line %ld: wrong header: column %zu is "
				 "'%.64s', expected '%s' (header: %s)",
				 r->path, line, i + 1,
				 i < r->nf ? r->fields[i] : "(missing)",
				 cols[i], want);
			return -EINVAL;
		}
	}
	if (r->nf != n) {
		snprintf(r->err, r->errlen,
			 "%s line %ld: wrong header: %zu columns, expected %zu "
			 "(%s)",
			 r->path, line, r->nf, n, want);
		return -EINVAL;
	}
	return 0;
}

int vp_csv_bad_row(struct reader *r, long line, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r->truncated) {
		vp_run_warn(r->run,
			    "%s line %ld: truncated last row (%s; no newline "
			    "at the end: the run was probably interrupted): "
			    "skipped",
			    r->path, line, what);
		return 0;
	}
	snprintf(r->err, r->errlen, "%s line %ld: %s", r->path, line, what);
	return -EINVAL;
}

/* A decimal integer 0..max, digits only (strtol alone would take " 7",
 * "+7" and "-0"). */
