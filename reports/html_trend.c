/* The report's history section (see html_trend.h): picks the series of the
 * report's runs out of the history, runs the change-point check on them and
 * draws each as a trend chart (svg_trend.c).
 *
 * The ratio axis is value / the median of the series' first segment (the
 * runs before its first change point; the whole series when it has none):
 * 1 is where the series started, and a regression reads as the distance
 * from it. The check runs with its defaults on the charted series alone,
 * so the change points are where `history check` puts them (each series'
 * shuffles are seeded by its key); only the correction's family is these
 * series instead of the whole database. */
#include "reports/html_trend.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/history/check.h"
#include "reports/history/series.h"
#include "reports/history/store.h"
#include "reports/html_escape.h"
#include "reports/stats.h"
#include "reports/svg_trend.h"

struct vp_html_history {
	char *db;		       /* as the user named it */
	struct vp_series_set *set;     /* the series drawn */
	struct vp_hcheck_result check; /* on set, default options */
	char **run_ids;		       /* the report's runs */
	size_t nrun_ids;
	size_t n_more; /* matching series beyond VP_HTML_MAX_TRENDS */
};

/* The headline metric of a cell: what the report's headline ranks by. */
static bool headline_metric(const char *m)
{
	return !strcmp(m, "ops_per_s") || !strcmp(m, "iops");
}

static bool report_run(const char *id, char *const *ids, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(id, ids[k]))
			return true;
	return false;
}

static bool has_run(const struct vp_series *s, char *const *ids, size_t n)
{
	for (size_t i = 0; i < s->n; i++)
		if (report_run(s->pts[i].run_id, ids, n))
			return true;
	return false;
}

static int run_ids(const struct vp_summary *s, struct vp_html_history *h)
{
	h->run_ids = calloc(s->nruns ? s->nruns : 1, sizeof(*h->run_ids));
	if (!h->run_ids)
		return -ENOMEM;
	for (size_t r = 0; r < s->nruns; r++) {
		if (!s->runs[r].nrows)
			continue;
		if (!(h->run_ids[h->nrun_ids] =
			  strdup(s->runs[r].rows[0].run_id)))
			return -ENOMEM;
		h->nrun_ids++;
	}
	return 0;
}

/* Moves the matching series of all into h->set (at most
 * VP_HTML_MAX_TRENDS; the others counted). */
static int pick(struct vp_series_set *all, struct vp_html_history *h)
{
	h->set = calloc(1, sizeof(*h->set));
	if (!h->set)
		return -ENOMEM;
	h->set->s = calloc(VP_HTML_MAX_TRENDS, sizeof(*h->set->s));
	if (!h->set->s)
		return -ENOMEM;
	for (size_t i = 0; i < all->n; i++) {
		struct vp_series *s = &all->s[i];
		if (!headline_metric(s->metric) ||
		    !has_run(s, h->run_ids, h->nrun_ids))
			continue;
		if (h->set->n == VP_HTML_MAX_TRENDS) {
			h->n_more++;
			continue;
		}
		h->set->s[h->set->n++] = *s;
		memset(s, 0, sizeof(*s)); /* owned by h->set now */
	}
	return 0;
}

int vp_html_history_load(const char *db, const struct vp_summary *s,
			 struct vp_html_history **out, char *err, size_t errlen)
{
	struct vp_html_history *h = calloc(1, sizeof(*h));
	struct vp_store *st = NULL;
	struct vp_series_set *all = NULL;
	static const char *const metrics[] = {"ops_per_s", "iops"};
	struct vp_series_filter flt = {.metrics = metrics, .nmetrics = 2};
	struct vp_hcheck_opts o;
	int rc;

	*out = NULL;
	/* reading only: a mistyped path must not become a new, empty
	 * database (opening creates one) */
	if (strncmp(db, "postgres", 8) && access(db, R_OK)) {
		snprintf(err, errlen,
			 "--history %s: %s (name a database that vpbench "
			 "history import wrote)",
			 db, strerror(errno));
		free(h);
		return -ENOENT;
	}
	if (!h || !(h->db = strdup(db)) || (rc = run_ids(s, h)))
		goto nomem;
	if ((rc = vp_store_open(db, &st, err, errlen)))
		goto fail;
	rc = vp_history_load_series(st, &flt, &all, err, errlen);
	vp_store_close(st);
	if (rc)
		goto fail;
	rc = pick(all, h);
	vp_series_set_free(all);
	if (rc)
		goto nomem;
	vp_hcheck_opts_default(&o);
	if ((rc = vp_history_check(h->set, &o, &h->check))) {
		snprintf(err, errlen, "history check of %s failed: %s", db,
			 strerror(-rc));
		goto fail;
	}
	*out = h;
	return 0;
nomem:
	rc = -ENOMEM;
	snprintf(err, errlen, "out of memory");
fail:
	vp_html_history_free(h);
	return rc;
}

void vp_html_history_free(struct vp_html_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nrun_ids; i++)
		free(h->run_ids[i]);
	free(h->run_ids);
	vp_series_set_free(h->set);
	vp_hcheck_result_free(&h->check);
	free(h->db);
	free(h);
}

/* The ratio reference: the median of the points before the first change
 * point (all points when there is none). */
static double reference(const struct vp_series *s, size_t end)
{
	double *v = malloc((s->n ? s->n : 1) * sizeof(*v)), med = NAN;
	size_t k = 0;
	if (!v)
		return NAN;
	for (size_t i = 0; i < end && i < s->n; i++)
		if (isfinite(s->pts[i].median) && s->pts[i].median > 0)
			v[k++] = s->pts[i].median;
	vp_sort_doubles(v, k);
	if (k)
		med = vp_median_sorted(v, k);
	free(v);
	return med;
}

static const char *unit_of(const char *metric)
{
	return !strcmp(metric, "iops") ? "IOPS" : "ops/s";
}

struct chart_buf {
	struct vp_trend_point *pts;
	struct vp_trend_mark *marks;
	char (*label)[32];
	char (*title)[512];
};

static void chart(const struct vp_html_history *h, size_t i,
		  struct chart_buf *b, FILE *f)
{
	const struct vp_series *s = &h->set->s[i];
	size_t nm = 0, first_cp = s->n;
	for (size_t j = 0; j < s->n; j++) {
		const struct vp_series_point *p = &s->pts[j];
		b->pts[j] = (struct vp_trend_point){
		    .run_id = p->run_id,
		    .date = p->started_utc,
		    .build = p->build,
		    .value = p->median,
		    .highlight =
			report_run(p->run_id, h->run_ids, h->nrun_ids)};
	}
	for (size_t k = 0; k < h->check.n_cp; k++) {
		const struct vp_hcheck_cp *c = &h->check.cp[k];
		if (c->series != i)
			continue;
		if (c->at < first_cp)
			first_cp = c->at;
		struct vp_trend_mark *m = &b->marks[nm];
		snprintf(b->label[nm], sizeof(b->label[nm]), "%s%+.1f%%",
			 c->regression ? "▼ " : "", c->shift_pct);
		snprintf(b->title[nm], sizeof(b->title[nm]),
			 "%s: change point from run %s (%s, build %s) after "
			 "run %s: %+.1f%% [%+.1f%%, %+.1f%%], median %.6g -> "
			 "%.6g, p %.2g, p adjusted %.2g",
			 c->regression ? "REGRESSION"
			 : c->worse    ? "worse"
				       : "change",
			 s->pts[c->at].run_id, s->pts[c->at].started_utc,
			 s->pts[c->at].build, s->pts[c->prev].run_id,
			 c->shift_pct, c->ci_lo_pct, c->ci_hi_pct, c->before,
			 c->after, c->p_value, c->p_adj);
		*m = (struct vp_trend_mark){.at = c->at,
					    .label = b->label[nm],
					    .title = b->title[nm],
					    .bad = c->regression != 0};
		nm++;
	}
	char title[256];
	snprintf(title, sizeof(title), "%s · %u thread%s · %s", s->workload,
		 s->threads, s->threads == 1 ? "" : "s", s->target);
	struct vp_trend t = {.title = title,
			     .unit = unit_of(s->metric),
			     .ref = reference(s, first_cp),
			     .ref_label = first_cp < s->n
					      ? "ratio to the first segment"
					      : "ratio to the median",
			     .n = s->n,
			     .pts = b->pts,
			     .nmarks = nm,
			     .marks = b->marks};
	fputs("<figure>", f);
	vp_svg_trend(f, &t, 560, 230);
	fputs("<figcaption class=\"sub\">", f);
	vp_html_escape(f, s->key);
	fputs("</figcaption></figure>\n", f);
}

void vp_html_trends(const struct vp_html_history *h, FILE *f)
{
	fputs("<h2 id=\"history\">History: trend per headline cell</h2>\n"
	      "<p class=\"sub\">From the results history ",
	      f);
	vp_html_escape(f, h->db);
	fputs(". One point per run: the run's median of the cell, oldest "
	      "left; the report's own run circled in black. Log ratio axis: "
	      "value / the median of the series' first segment (the runs "
	      "before its first change point, or all runs when there is "
	      "none). Dashed: each segment's median. Vertical lines: change "
	      "points (E-divisive means with a permutation test, as "
	      "<code>vpbench history check</code> finds them; red with ▼: a "
	      "regression). Hover a point for its run, date and build, a "
	      "line for the change.</p>\n",
	      f);
	if (!h->set || !h->set->n) {
		fputs("<p>None of this report's runs (", f);
		for (size_t i = 0; i < h->nrun_ids; i++) {
			fputs(i ? ", " : "", f);
			vp_html_escape(f, h->run_ids[i]);
		}
		fputs(") has a headline cell in the history: import the run "
		      "folders with <code>vpbench history import</code> "
		      "first.</p>\n",
		      f);
		return;
	}
	size_t maxn = 1, maxm = 1;
	for (size_t i = 0; i < h->set->n; i++)
		if (h->set->s[i].n > maxn)
			maxn = h->set->s[i].n;
	if (h->check.n_cp > maxm)
		maxm = h->check.n_cp;
	struct chart_buf b = {
	    calloc(maxn, sizeof(*b.pts)), calloc(maxm, sizeof(*b.marks)),
	    calloc(maxm, sizeof(*b.label)), calloc(maxm, sizeof(*b.title))};
	if (!b.pts || !b.marks || !b.label || !b.title) {
		fputs("<p>Trend charts left out: out of memory.</p>\n", f);
	} else {
		fputs("<div class=\"grid2\">\n", f);
		for (size_t i = 0; i < h->set->n; i++)
			chart(h, i, &b, f);
		fputs("</div>\n", f);
	}
	if (h->n_more)
		fprintf(f,
			"<p class=\"sub\">%zu more series of these runs are "
			"not drawn; <code>vpbench history check</code> lists "
			"their change points.</p>\n",
			h->n_more);
	free(b.pts);
	free(b.marks);
	free(b.label);
	free(b.title);
}
