/* The agent stream (agent_stream.h): writer emitter and line collector. */
#include "runner/agent/agent_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#if HAVE_LIBCSV
#include <csv.h>
#endif

/* ---- writer ---- */

static const char bucket_tag[] = "_bucket_le_";

static int stream_row(struct vp_emitter *e, const struct vp_row *row)
{
	FILE *f = e->ctx;
	const struct vp_metric *m = row->m;
	if (m->status == VP_STATUS_OK && !strcmp(m->unit, "count") &&
	    strstr(m->name, bucket_tag)) {
		/* Not flushed: a family's hundreds of B records leave with
		 * the record after them (every other record flushes) in a
		 * few large writes, on a fully buffered stream
		 * (vp_stream_emitter_init); each write is costly on a guest's
		 * serial line. */
		/* The bound alone: the family is the R row's before it
		 * (two fifths of the bytes of the whole metric name). */
		char v[32];
		vp_format_value(m->value, v, sizeof(v));
		return fprintf(f, "B,%s,%s\n",
			       strstr(m->name, bucket_tag) +
				   sizeof(bucket_tag) - 1,
			       v) < 0
			   ? -EIO
			   : 0;
	}
	if (fputs("R,", f) == EOF)
		return -EIO;
	return vp_results_write_row(f, row);
}

static int stream_env(struct vp_emitter *e, const char *key, const char *value)
{
	const char *fields[] = {"E", key, value};
	return vp_csv_write_record(e->ctx, fields, 3);
}

static void stream_progress(struct vp_emitter *e, int step, int steps,
			    const char *label)
{
	char a[16], b[16];
	snprintf(a, sizeof(a), "%d", step);
	snprintf(b, sizeof(b), "%d", steps);
	const char *fields[] = {"P", a, b, label};
	vp_csv_write_record(e->ctx, fields, 4);
}

static void stream_finish(struct vp_emitter *e, int code, const char *message)
{
	char c[16];
	snprintf(c, sizeof(c), "%d", code);
	const char *fields[] = {"X", c, message ? message : ""};
	vp_csv_write_record(e->ctx, fields, 3);
}

static void stream_mark(struct vp_emitter *e, const struct vp_step_mark *m)
{
	char step[16], phase[2] = {(char)m->phase, 0}, thr[16], rep[16];
	snprintf(step, sizeof(step), "%d", m->step);
	snprintf(thr, sizeof(thr), "%d", m->threads);
	snprintf(rep, sizeof(rep), "%d", m->rep);
	const char *fields[] = {"M", step, phase, m->workload, thr, rep};
	vp_csv_write_record(e->ctx, fields, 6);
}

void vp_stream_emitter_init(struct vp_emitter *e, FILE *f)
{
	/* Full buffering so that unflushed B records batch (a tty would be
	 * line buffered); every other record still leaves at once. */
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	*e = (struct vp_emitter){.row = stream_row,
				 .env = stream_env,
				 .progress = stream_progress,
				 .finish = stream_finish,
				 .ctx = f,
				 .mark = stream_mark};
}

/* ---- reader ---- */

#define MAX_FIELDS 24

struct fields {
	char *v[MAX_FIELDS];
	size_t n;
	int overflow;
};

#if HAVE_LIBCSV
static void on_field(void *s, size_t len, void *data)
{
	struct fields *f = data;
	if (f->n == MAX_FIELDS) {
		f->overflow = 1;
		return;
	}
	char *copy = malloc(len + 1);
	if (!copy) {
		f->overflow = 1;
		return;
	}
	memcpy(copy, s, len);
	copy[len] = 0;
	f->v[f->n++] = copy;
}

static int split_line(const char *line, struct fields *f)
{
	struct csv_parser p;
	memset(f, 0, sizeof(*f));
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -ENOMEM;
	size_t len = strlen(line);
	int rc = 0;
	if (csv_parse(&p, line, len, on_field, NULL, f) != len ||
	    csv_fini(&p, on_field, NULL, f) != 0)
		rc = -EINVAL;
	csv_free(&p);
	return f->overflow ? -EINVAL : rc;
}
#else
static int split_line(const char *line, struct fields *f)
{
	(void)line;
	memset(f, 0, sizeof(*f));
	return -ENOTSUP; /* built without libcsv */
}
#endif

static void free_fields(struct fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	f->n = 0;
}

static int parse_int(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* Remembers an R row that B records may continue: <family>_hist_sub_buckets
 * only. */
static void keep_prev(struct vp_stream_prev *p, const struct vp_row *row)
{
	static const char sub[] = "_hist_sub_buckets";
	size_t n = strlen(row->m->name), k = strlen(sub);
	p->valid = n > k && !strcmp(row->m->name + n - k, sub) &&
		   n - k < sizeof(p->family);
	if (!p->valid)
		return;
	snprintf(p->family, sizeof(p->family), "%.*s", (int)(n - k),
		 row->m->name);
	p->ti = *row->ti;
	snprintf(p->workload, sizeof(p->workload), "%s", row->workload);
	p->threads = row->threads;
	p->rep = row->rep;
}

/* B,<bound>,<value>: a bucket row of the step and family before it
 * (B,<metric>,<value> with the whole name, as earlier agents sent it, is
 * read too). */
static int feed_bucket(struct fields *f, struct vp_stream_prev *p,
		       struct vp_emitter *out)
{
	size_t fl = strlen(p->family), tl = sizeof(bucket_tag) - 1;
	if (f->n != 3 || !p->valid)
		return -EINVAL;
	const char *bound = f->v[1];
	if (!strncmp(bound, p->family, fl) &&
	    !strncmp(bound + fl, bucket_tag, tl))
		bound += fl + tl;
	if (!bound[0] || strspn(bound, "0123456789") != strlen(bound) ||
	    strlen(bound) > 20)
		return -EINVAL;
	struct vp_metric m = {.status = VP_STATUS_OK};
	char *end;
	m.value = strtod(f->v[2], &end);
	if (end == f->v[2] || *end)
		return -EINVAL;
	snprintf(m.name, sizeof(m.name), "%s%s%s", p->family, bucket_tag,
		 bound);
	snprintf(m.unit, sizeof(m.unit), "count");
	struct vp_row row = {&p->ti, p->workload, p->threads, p->rep, &m};
	return out->row(out, &row);
}

static int feed_row(struct fields *f, const struct vp_target_info *ti,
		    struct vp_emitter *out, struct vp_stream_prev *prev)
{
	/* f->v[0] is the tag; then the 16 results columns. */
	if (f->n != 1 + VP_RESULTS_NCOLS ||
	    strcmp(f->v[1], VP_RESULTS_SCHEMA) != 0)
		return -EINVAL;
	char **c = f->v + 1;
	struct vp_target_info rti = *ti;
	/* The agent knows what it saw inside; the host names the target. */
	snprintf(rti.hypervisor, sizeof(rti.hypervisor), "%s", c[5]);
	if (!c[6][0])
		rti.vcpus = -1;
	else if (parse_int(c[6], &rti.vcpus))
		return -EINVAL;
	struct vp_metric m;
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", c[11]);
	snprintf(m.unit, sizeof(m.unit), "%s", c[13]);
	snprintf(m.note, sizeof(m.note), "%s", c[15]);
	if (vp_status_parse(c[14], &m.status))
		return -EINVAL;
	if (m.status == VP_STATUS_OK) {
		char *end;
		m.value = strtod(c[12], &end);
		if (end == c[12] || *end)
			return -EINVAL;
	}
	struct vp_row row = {&rti, c[8], 0, 0, &m};
	if (parse_int(c[9], &row.threads) || parse_int(c[10], &row.rep))
		return -EINVAL;
	keep_prev(prev, &row);
	return out->row(out, &row);
}

/* M,<step>,<b|e>,<workload>,<threads>,<rep> */
static int feed_mark(struct fields *f, struct vp_emitter *out)
{
	struct vp_step_mark m = {0};
	if (f->n != 6 || strlen(f->v[2]) != 1 || !f->v[3][0] ||
	    parse_int(f->v[1], &m.step) || parse_int(f->v[4], &m.threads) ||
	    parse_int(f->v[5], &m.rep))
		return -EINVAL;
	if (f->v[2][0] != VP_MARK_BEGIN && f->v[2][0] != VP_MARK_END)
		return -EINVAL;
	m.phase = (enum vp_mark_phase)f->v[2][0];
	m.workload = f->v[3];
	if (out->mark)
		out->mark(out, &m);
	return 0;
}

int vp_stream_feed_line(const char *line, const struct vp_target_info *ti,
			struct vp_emitter *out, struct vp_stream_stats *st)
{
	/* Records start with a one-letter tag and a comma; anything else on
	 * the channel (console noise) is ignored. */
	if (!line[0] || line[1] != ',' || !strchr("RBEPMX", line[0]))
		return 0;
	struct fields f;
	char clean[16384];
	snprintf(clean, sizeof(clean), "%s", line);
	clean[strcspn(clean, "\r\n")] = 0;
	if (split_line(clean, &f)) {
		free_fields(&f);
		st->bad_lines++;
		return 0;
	}
	int rc = 0;
	bool was_valid = st->prev.valid;
	st->prev.valid = false; /* only an R or B keeps a B's context */
	switch (line[0]) {
	case 'R':
		rc = feed_row(&f, ti, out, &st->prev);
		if (rc)
			st->bad_lines++;
		else
			st->rows++;
		break;
	case 'B':
		st->prev.valid = was_valid;
		rc = feed_bucket(&f, &st->prev, out);
		if (rc)
			st->bad_lines++;
		else
			st->rows++;
		break;
	case 'E':
		if (f.n == 3)
			out->env(out, f.v[1], f.v[2]);
		else
			st->bad_lines++;
		break;
	case 'P':
		if (f.n == 4 && !parse_int(f.v[1], &st->last_step) &&
		    !parse_int(f.v[2], &st->steps)) {
			snprintf(st->last_progress, sizeof(st->last_progress),
				 "%s", f.v[3]);
			if (out->progress)
				out->progress(out, st->last_step, st->steps,
					      f.v[3]);
		} else {
			st->bad_lines++;
		}
		break;
	case 'M':
		if (feed_mark(&f, out))
			st->bad_lines++;
		else
			st->marks++;
		break;
	case 'X':
		if (f.n == 3 && !parse_int(f.v[1], &st->exit_code)) {
			st->finished = 1;
			snprintf(st->message, sizeof(st->message), "%s",
				 f.v[2]);
		} else {
			st->bad_lines++;
		}
		break;
	}
	free_fields(&f);
	return 1;
}

void vp_stream_collect(FILE *f, const struct vp_target_info *ti,
		       struct vp_emitter *out, struct vp_stream_stats *st)
{
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) != -1)
		vp_stream_feed_line(line, ti, out, st);
	free(line);
}
