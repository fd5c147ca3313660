/* Pairing and judging of two runs' cells (see compare.h). A cell regresses
 * only when the change is both statistically significant (Welch's t-test,
 * p < alpha) and practically relevant (at least the threshold, in the bad
 * direction): noise alone cannot fail a CI job, and neither can a
 * significant but negligible shift. */
#include "reports/compare.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *vp_verdict_name(enum vp_verdict v)
{
	switch (v) {
	case VP_REGRESSED:
		return "regressed";
	case VP_IMPROVED:
		return "improved";
	case VP_NOT_COMPARABLE:
		return "not comparable";
	case VP_UNCHANGED:
	default:
		return "unchanged";
	}
}

static long target_named(const struct vp_summary *s, const char *name)
{
	for (size_t i = 0; i < s->ntargets; i++)
		if (!strcmp(s->targets[i].name, name))
			return (long)i;
	return -1;
}

static int add_row(struct vp_comparison *c, const struct vp_cmp_row *r)
{
	struct vp_cmp_row *n = realloc(c->rows, (c->nrows + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	c->rows = n;
	c->rows[c->nrows++] = *r;
	return 0;
}

const char *vp_correction_title(enum vp_p_adjust how)
{
	switch (how) {
	case VP_ADJ_HOLM:
		return "Holm step-down (family-wise error rate)";
	case VP_ADJ_BH:
		return "Benjamini-Hochberg (false discovery rate)";
	case VP_ADJ_NONE:
	default:
		return "none (each cell at alpha on its own)";
	}
}

/* Change, Welch and Mann-Whitney p of a paired row; the verdict waits for
 * the family's adjusted p (decide), except for cells that cannot be
 * tested. */
static void measure(struct vp_cmp_row *r)
{
	const struct vp_desc *a = &r->a->d, *b = &r->b->d;
	r->change = r->p_welch = r->p_mwu = r->p_adj = NAN;
	r->verdict = VP_UNCHANGED;
	if (!a->n || !b->n) {
		const struct vp_cell *e = !a->n ? r->a : r->b;
		r->verdict = VP_NOT_COMPARABLE;
		snprintf(r->why, sizeof(r->why), "no ok value in %s: %s",
			 !a->n ? "BASE" : "NEW",
			 e->reason ? e->reason : "no rows");
		return;
	}
	if (a->mean != 0)
		r->change = (b->mean - a->mean) / fabs(a->mean);
	else
		r->change = b->mean == 0 ? 0 : copysign(INFINITY, b->mean);
	if (a->n < 2 || b->n < 2) {
		r->verdict = VP_NOT_COMPARABLE;
		snprintf(r->why, sizeof(r->why),
			 "n=%zu in BASE, n=%zu in NEW: the test needs at least "
			 "2 repetitions on each side",
			 a->n, b->n);
		return;
	}
	struct vp_welch w;
	vp_welch_test(a->mean, a->sd, a->n, b->mean, b->sd, b->n, &w);
	r->p_welch = w.p;
	double u;
	if (vp_mann_whitney(r->a->v, r->a->n, r->b->v, r->b->n, &u, &r->p_mwu))
		r->p_mwu = NAN;
}

/* The verdict of a tested row: significant after the correction and at
 * least the threshold. */
static void decide(const struct vp_compare_opts *o, struct vp_cmp_row *r)
{
	bool worse = (r->dir == VP_DIR_HIGHER && r->change < 0) ||
		     (r->dir == VP_DIR_LOWER && r->change > 0);
	bool significant = r->p_adj < o->alpha;
	bool large = fabs(r->change) >= o->threshold;
	const char *corr = vp_p_adjust_name(o->correction);
	if (significant && large) {
		r->verdict = worse ? VP_REGRESSED : VP_IMPROVED;
		snprintf(r->why, sizeof(r->why),
			 "%+.1f%% (%s), p_adj=%.2g (%s)", 100 * r->change,
			 vp_direction_name(r->dir), r->p_adj, corr);
	} else if (!large) {
		snprintf(r->why, sizeof(r->why),
			 "%+.1f%% is within the %.0f%% threshold",
			 100 * r->change, 100 * o->threshold);
	} else {
		snprintf(r->why, sizeof(r->why),
			 "%+.1f%% is not significant (p_adj=%.2g >= %.2g, %s; "
			 "p=%.2g)",
			 100 * r->change, r->p_adj, o->alpha, corr, r->p_welch);
	}
}

/* One family: every row with a Welch p, adjusted together. */
static int correct(struct vp_comparison *c)
{
	double *p = malloc((c->nrows ? c->nrows : 1) * sizeof(*p));
	double *adj = malloc((c->nrows ? c->nrows : 1) * sizeof(*adj));
	int rc = p && adj ? 0 : -ENOMEM;
	for (size_t i = 0; !rc && i < c->nrows; i++)
		p[i] = c->rows[i].p_welch;
	if (!rc)
		rc = vp_p_adjust(p, c->nrows, c->opts.correction, adj,
				 &c->n_tested);
	for (size_t i = 0; !rc && i < c->nrows; i++) {
		struct vp_cmp_row *r = &c->rows[i];
		if (isnan(r->p_welch))
			continue;
		r->p_adj = adj[i];
		decide(&c->opts, r);
	}
	free(p);
	free(adj);
	return rc;
}

static void env_note(struct vp_comparison *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void env_note(struct vp_comparison *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char **n = realloc(c->env_notes, (c->nenv + 1) * sizeof(*n));
	if (!n)
		return;
	c->env_notes = n;
	if ((n[c->nenv] = strdup(buf)))
		c->nenv++;
}

static void compare_env(struct vp_comparison *c)
{
	/* accel and hypervisor come from every results row; these only
	 * from env.csv. */
	static const char *const keys[] = {
	    "cpu_model",   "kernel",	       "guest_kernel", "qemu_version",
	    "cpus_online", "thread_pinning",   "vcpu_pinning", "host_load",
	    "overcommit",  "overcommit_ratio", "clocksource",  "counter_scope",
	    "conditions",  "vm_cpus"};
	for (size_t i = 0; i < c->base.ntargets; i++) {
		const struct vp_target_ref *a = &c->base.targets[i];
		long j = target_named(&c->new, a->name);
		if (j < 0) {
			env_note(c, "target %s is only in BASE", a->name);
			continue;
		}
		const struct vp_target_ref *b = &c->new.targets[j];
		if (strcmp(a->accel, b->accel))
			env_note(
			    c, "target %s: accel differs: BASE '%s', NEW '%s'",
			    a->name, a->accel, b->accel);
		if (strcmp(a->hypervisor, b->hypervisor))
			env_note(c,
				 "target %s: hypervisor differs: BASE '%s', "
				 "NEW '%s'",
				 a->name, a->hypervisor, b->hypervisor);
		if (a->vcpus != b->vcpus || a->host_cpus != b->host_cpus)
			env_note(c,
				 "target %s: CPUs differ: BASE %d vCPUs on %d "
				 "host CPUs, NEW %d on %d",
				 a->name, a->vcpus, a->host_cpus, b->vcpus,
				 b->host_cpus);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *va =
			    vp_run_env(c->base_run, a->name, keys[k]);
			const char *vb =
			    vp_run_env(c->new_run, b->name, keys[k]);
			if ((!va && !vb) || (va && vb && !strcmp(va, vb)))
				continue;
			env_note(c,
				 "target %s: %s differs: BASE '%s', NEW '%s'",
				 a->name, keys[k], va ? va : "(not recorded)",
				 vb ? vb : "(not recorded)");
		}
	}
	for (size_t j = 0; j < c->new.ntargets; j++)
		if (target_named(&c->base, c->new.targets[j].name) < 0)
			env_note(c, "target %s is only in NEW",
				 c->new.targets[j].name);
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct vp_cmp_row *a = pa, *b = pb;
	return (a->verdict > b->verdict) - (a->verdict < b->verdict);
}

int vp_compare_runs(struct vp_run *base, struct vp_run *newr,
		    const struct vp_compare_opts *o, struct vp_comparison *c,
		    char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->base_run = base;
	c->new_run = newr;
	c->opts = *o;
	int rc = vp_summary_build(base, 1, NULL, &c->base, err, errlen);
	if (!rc)
		rc = vp_summary_build(newr, 1, NULL, &c->new, err, errlen);
	if (rc)
		return rc;
	/* BASE cells, paired with NEW where it has them. */
	for (int side = 0; side < 2; side++) {
		const struct vp_summary *s = side ? &c->new : &c->base;
		const struct vp_summary *other = side ? &c->base : &c->new;
		for (size_t i = 0; i < s->ncells; i++) {
			const struct vp_cell *x = &s->cells[i];
			if (x->bucket)
				continue;
			const struct vp_target_ref *t = &s->targets[x->target];
			const char *wl = s->workloads[x->workload];
			const char *m = s->metrics[x->metric];
			long ot = target_named(other, t->name);
			long j = ot < 0 ? -1
					: vp_summary_find(other, (size_t)ot, wl,
							  x->threads, m);
			if (side == 1 && j >= 0)
				continue; /* paired already */
			struct vp_cmp_row r = {
			    .target = t->name,
			    .workload = wl,
			    .metric = m,
			    .unit = x->unit,
			    .threads = x->threads,
			    .dir = vp_metric_direction(m),
			    .change = NAN,
			    .p_welch = NAN,
			    .p_mwu = NAN,
			    .p_adj = NAN,
			};
			if (r.dir == VP_DIR_NONE) {
				c->n_undirected++;
				continue;
			}
			if (j < 0) {
				r.a = side ? NULL : x;
				r.b = side ? x : NULL;
				r.verdict = VP_NOT_COMPARABLE;
				snprintf(r.why, sizeof(r.why), "only in %s",
					 side ? "NEW" : "BASE");
			} else {
				r.a = x;
				r.b = &other->cells[j];
				measure(&r);
			}
			if (add_row(c, &r)) {
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
		}
	}
	if (correct(c)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* Stable order: verdict, then the natural cell order. */
	for (size_t i = 1; i < c->nrows; i++) {
		struct vp_cmp_row r = c->rows[i];
		size_t k = i;
		while (k > 0 && cmp_rows(&c->rows[k - 1], &r) > 0) {
			c->rows[k] = c->rows[k - 1];
			k--;
		}
		c->rows[k] = r;
	}
	for (size_t i = 0; i < c->nrows; i++)
		c->count[c->rows[i].verdict]++;
	compare_env(c);
	if (vp_verdicts_build(&c->base, &c->base_v) ||
	    vp_verdicts_build(&c->new, &c->new_v)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

void vp_comparison_free(struct vp_comparison *c)
{
	vp_verdicts_free(&c->base_v);
	vp_verdicts_free(&c->new_v);
	vp_summary_free(&c->base);
	vp_summary_free(&c->new);
	for (size_t i = 0; i < c->nenv; i++)
		free(c->env_notes[i]);
	free(c->env_notes);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}
