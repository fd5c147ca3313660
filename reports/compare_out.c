/* The terminal output of compare and the pieces all its outputs share
 * (compare_internal.h). Strings from the CSV files reach the terminal with
 * control bytes replaced, so a hostile target name cannot send escape
 * sequences. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "reports/compare.h"
#include "reports/compare_internal.h"
#include "reports/out_atomic.h"
#include "reports/svg.h"

static void fmt_num(double v, const char *unit, char *buf, size_t len)
{
	vp_fmt_value(v, unit, "-", buf, len);
}

static void fmt_change(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", 100 * v);
}

static void fmt_p(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2g", p);
}

const char *vp_cmp_run_id(const struct vp_run *r)
{
	return r->nrows ? r->rows[0].run_id : "";
}

void vp_cmp_row_cells(const struct vp_cmp_row *r, struct vp_cmp_cells *c)
{
	fmt_num(r->a ? r->a->d.mean : NAN, r->unit, c->base, sizeof(c->base));
	fmt_num(r->b ? r->b->d.mean : NAN, r->unit, c->new, sizeof(c->new));
	fmt_change(r->change, c->change, sizeof(c->change));
	fmt_p(r->p_welch, c->pw, sizeof(c->pw));
	fmt_p(r->p_adj, c->padj, sizeof(c->padj));
	fmt_p(r->p_mwu, c->pm, sizeof(c->pm));
}

void vp_cmp_summary_line(const struct vp_comparison *c, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%zu regressed, %zu improved, %zu unchanged, %zu not "
		 "comparable (%zu cells without a better direction not "
		 "judged)",
		 c->count[VP_REGRESSED], c->count[VP_IMPROVED],
		 c->count[VP_UNCHANGED], c->count[VP_NOT_COMPARABLE],
		 c->n_undirected);
}

void vp_cmp_method_line(const struct vp_comparison *c, char *buf, size_t len)
{
	snprintf(buf, len,
		 "threshold %.3g%%, alpha %.3g, correction %s: %s over %zu "
		 "tested cells",
		 100 * c->opts.threshold, c->opts.alpha,
		 vp_p_adjust_name(c->opts.correction),
		 vp_correction_title(c->opts.correction), c->n_tested);
}

static void append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	if (off < len)
		vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

/* Targets whose reps were measured back to back: their spread leaves out
 * the machine's slow drift (seconds to minutes), which moves two runs of
 * identical code apart. Measured on the development VM: two sequential
 * back-to-back runs differed by 4.5-6% in median throughput and 2 of 3
 * pairs had cells flagged even after correction; with --order random, 0
 * of 3. Runs from before step_order was recorded say nothing. */
static void sequential_caveat(const struct vp_summary *s,
			      const struct vp_run *run, char *buf, size_t len)
{
	size_t n = 0;
	for (size_t t = 0; t < s->ntargets; t++) {
		const char *order =
		    vp_run_env(run, s->targets[t].name, "step_order");
		if (!order || strcmp(order, "sequential"))
			continue;
		if (!n++)
			append(buf, len,
			       "%sreps measured back to back, so their spread "
			       "leaves out the machine's drift between runs "
			       "(run with --order random): ",
			       buf[0] ? "; " : "");
		append(buf, len, "%s%s", n > 1 ? ", " : "",
		       s->targets[t].label);
	}
}

void vp_cmp_caveats(const struct vp_comparison *c, int side, char *buf,
		    size_t len)
{
	const struct vp_summary *s = side ? &c->new : &c->base;
	const struct vp_verdicts *v = side ? &c->new_v : &c->base_v;
	static const struct {
		enum vp_finding_kind kind;
		const char *what;
	} targets[] = {{VP_FIND_TCG, "TCG (emulated, not a hypervisor)"},
		       {VP_FIND_TCG_1VCPU, "1-vCPU TCG (no real atomics)"},
		       {VP_FIND_VCPU_OVERCOMMIT, "vCPUs > host CPUs"},
		       {VP_FIND_BASE_IS_VM, "reference is itself a VM"}},
	  cells[] = {
	      {VP_FIND_THREAD_OVERCOMMIT,
	       "throughput cell(s) with more threads than CPUs"},
	      {VP_FIND_NOISY, "noisy throughput cell(s) (CV > 5%)"},
	      {VP_FIND_FEW_REPS, "throughput cell(s) with fewer than 3 reps"},
	      {VP_FIND_FAILED, "cell(s) with failed reps"},
	      {VP_FIND_SUSPENDED,
	       "throughput cell(s) with suspended reps (left out)"},
	      {VP_FIND_MISSING_STEPS, "run(s) with planned steps missing"},
	      {VP_FIND_OTHER_LOAD, "cell(s) measured under other load (> 10%)"},
	      {VP_FIND_NOT_CONVERGED,
	       "cell(s) where -r auto stopped short of --ci-target"}};
	buf[0] = 0;
	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		size_t n = 0;
		for (size_t i = 0; i < v->nfindings; i++) {
			const struct vp_finding *x = &v->findings[i];
			if (x->kind != targets[k].kind)
				continue;
			if (!n++)
				append(buf, len, "%s%s: ", buf[0] ? "; " : "",
				       targets[k].what);
			append(buf, len, "%s%s", n > 1 ? ", " : "",
			       s->targets[x->target].label);
		}
	}
	for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++)
		if (v->count[cells[k].kind])
			append(buf, len, "%s%zu %s", buf[0] ? "; " : "",
			       v->count[cells[k].kind], cells[k].what);
	sequential_caveat(s, side ? c->new_run : c->base_run, buf, len);
}

bool vp_cmp_listed(const struct vp_comparison *c, const struct vp_cmp_row *r)
{
	return !c->opts.changes_only || r->verdict == VP_REGRESSED ||
	       r->verdict == VP_IMPROVED;
}

int vp_cmp_write_file(const struct vp_comparison *c, const char *path,
		      void (*fill)(const struct vp_comparison *, FILE *),
		      char *err, size_t errlen)
{
	struct vp_atomic_out o;
	int rc = vp_atomic_open(&o, path, VP_OUT_NAMED, err, errlen);
	if (rc)
		return rc;
	fill(c, o.f);
	return vp_atomic_commit(&o, err, errlen);
}

/* A CSV string for the terminal: control bytes (ESC...) as '?'. */
static const char *term(const char *s, char *buf, size_t len)
{
	size_t i = 0;
	for (; s && s[i] && i + 1 < len; i++)
		buf[i] =
		    (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = 0;
	return buf;
}

void vp_compare_print(const struct vp_comparison *c, FILE *f)
{
	char line[512], t1[256], t2[256], t3[256], t4[256];
	fprintf(f, "vpbench compare: BASE %s (%s) vs NEW %s (%s)\n",
		term(c->base_run->dir, t1, sizeof(t1)),
		term(vp_cmp_run_id(c->base_run), t2, sizeof(t2)),
		term(c->new_run->dir, t3, sizeof(t3)),
		term(vp_cmp_run_id(c->new_run), t4, sizeof(t4)));
	vp_cmp_method_line(c, line, sizeof(line));
	fprintf(f,
		"%s (Welch's t-test decides on the adjusted p; "
		"Mann-Whitney U p shown)\n",
		line);
	for (size_t i = 0; i < c->nenv; i++)
		fprintf(f, "environment: %s\n",
			term(c->env_notes[i], t1, sizeof(t1)));
	char cav[1024];
	for (int side = 0; side < 2; side++) {
		vp_cmp_caveats(c, side, cav, sizeof(cav));
		if (cav[0])
			fprintf(f, "caveats %s: %s\n", side ? "NEW" : "BASE",
				term(cav, cav, sizeof(cav)));
	}
	if (c->opts.changes_only)
		fputs("changes only: regressed and improved cells\n", f);
	fprintf(f,
		"%-14s %-16s %-14s %4s %-20s %10s %10s %8s %8s %8s %8s  %s\n",
		"verdict", "target", "workload", "thr", "metric", "base", "new",
		"change", "p_welch", "p_adj", "p_mwu", "why");
	for (size_t i = 0; i < c->nrows; i++) {
		const struct vp_cmp_row *r = &c->rows[i];
		if (!vp_cmp_listed(c, r))
			continue;
		struct vp_cmp_cells x;
		vp_cmp_row_cells(r, &x);
		fprintf(
		    f,
		    "%-14s %-16s %-14s %4d %-20s %10s %10s %8s %8s %8s %8s "
		    " %s\n",
		    r->verdict == VP_REGRESSED ? "REGRESSED"
					       : vp_verdict_name(r->verdict),
		    term(r->target, t1, sizeof(t1)),
		    term(r->workload, t2, sizeof(t2)), r->threads,
		    term(r->metric, t3, sizeof(t3)), x.base, x.new, x.change,
		    x.pw, x.padj, x.pm, term(r->why, t4, sizeof(t4)));
	}
	vp_cmp_summary_line(c, line, sizeof(line));
	fprintf(f, "summary: %s\n", line);
}
