/* "Read this first": the findings of reports/verdicts.h grouped by kind,
 * one bullet per kind naming every target or run it concerns, cell
 * findings folded into <details> lists. Nothing is decided here. */
#include <string.h>

#include "reports/html_escape.h"
#include "reports/html_internal.h"

struct box {
	FILE *f;
	size_t n;
};

static void item(struct box *b)
{
	if (!b->n++)
		fputs("<div class=\"warn\"><ul>\n", b->f);
	fputs("<li>", b->f);
}

/* The runner's own explanation of why a guest ran under TCG (env.csv
 * accel_note), each distinct one once. */
static void accel_notes(const struct vp_summary *s, FILE *f)
{
	for (size_t t = 0; t < s->ntargets; t++) {
		const struct vp_target_ref *tr = &s->targets[t];
		const char *note =
		    vp_run_env(&s->runs[tr->run], tr->name, "accel_note");
		bool seen = false;
		for (size_t u = 0; u < t && note && !seen; u++) {
			const char *o =
			    vp_run_env(&s->runs[s->targets[u].run],
				       s->targets[u].name, "accel_note");
			seen = o && !strcmp(o, note);
		}
		if (!note || seen)
			continue;
		fputs("<br><span class=\"muted\">", f);
		vp_html_escape(f, tr->label);
		fputs(": ", f);
		vp_html_escape(f, note);
		fputs("</span>", f);
	}
}

static const struct {
	enum vp_finding_kind kind;
	const char *lead, *tail;
} target_kinds[] = {
    {VP_FIND_TCG, "TCG emulation is not hardware virtualization: ",
     " QEMU translated the guest's code in software (accel=tcg, no usable "
     "KVM); these figures measure the emulator, not a hypervisor's cost. "
     "Use KVM for representative numbers."},
    {VP_FIND_TCG_1VCPU,
     "A 1-vCPU TCG guest executes no real atomic instructions: ",
     " QEMU runs such a guest on one thread, so its lock figures are not "
     "comparable with hardware."},
    {VP_FIND_VCPU_OVERCOMMIT, "More vCPUs than host CPUs: ",
     " its vCPUs take turns on the host's CPUs, so a preempted vCPU can "
     "hold a lock that the others spin on (the cost this suite measures, "
     "but on an overcommitted host, not an idle one)."},
    {VP_FIND_BASE_IS_VM,
     "The \"bare metal\" reference is itself a virtual "
     "machine: ",
     " (hypervisor as seen from inside in brackets): its figures, and "
     "ratios against it, compare guests with a guest, not with bare "
     "metal."},
};

static void target_bullet(const struct vp_summary *s,
			  const struct vp_verdicts *v, struct box *b,
			  size_t kind)
{
	size_t n = 0;
	char buf[64];
	for (size_t i = 0; i < v->nfindings; i++) {
		const struct vp_finding *x = &v->findings[i];
		if (x->kind != target_kinds[kind].kind)
			continue;
		const struct vp_target_ref *tr = &s->targets[x->target];
		if (!n++) {
			item(b);
			fputs("<span class=\"bad\">", b->f);
			vp_html_escape(b->f, target_kinds[kind].lead);
		} else {
			fputs(", ", b->f);
		}
		vp_html_escape(b->f, tr->label);
		if (x->kind == VP_FIND_BASE_IS_VM) {
			fputs(" (", b->f);
			vp_html_escape(b->f, x->text);
			fputs(")", b->f);
		} else if (x->kind == VP_FIND_VCPU_OVERCOMMIT) {
			snprintf(buf, sizeof(buf), " (%d vCPUs on %d)",
				 tr->vcpus, tr->host_cpus);
			fputs(buf, b->f);
		}
	}
	if (!n)
		return;
	fputs(".</span>", b->f);
	vp_html_escape(b->f, target_kinds[kind].tail);
	if (target_kinds[kind].kind == VP_FIND_TCG)
		accel_notes(s, b->f);
	fputs("</li>\n", b->f);
}

static void run_bullets(const struct vp_summary *s, const struct vp_verdicts *v,
			struct box *b)
{
	for (size_t i = 0; i < v->nfindings; i++) {
		const struct vp_finding *x = &v->findings[i];
		if (x->kind == VP_FIND_NO_BASELINE) {
			item(b);
			fputs("Run ", b->f);
			vp_html_escape(b->f, s->runs[x->run].label);
			fputs(" has no baseline target (default "
			      "<code>host</code>): no ratios for its "
			      "targets.</li>\n",
			      b->f);
		} else if (x->kind == VP_FIND_READER ||
			   x->kind == VP_FIND_MISSING_STEPS) {
			item(b);
			vp_html_escape(b->f, x->text);
			fputs("</li>\n", b->f);
		}
	}
}

/* One cell of a <details> list. */
static void cell_line(const struct vp_summary *s, const struct vp_finding *x,
		      FILE *f)
{
	const struct vp_cell *c = &s->cells[x->cell];
	fputs("<li>", f);
	vp_html_escape(f, s->targets[c->target].label);
	fputs(" · ", f);
	vp_html_escape(f, s->workloads[c->workload]);
	fprintf(f, " · %d thr · ", c->threads);
	vp_html_escape(f, s->metrics[c->metric]);
	fprintf(f, ": n=%zu", c->d.n);
	if (c->d.n >= 2)
		fprintf(f, ", CV %.1f%%", 100 * c->d.cv);
	if (c->d.n_outliers)
		fprintf(f, ", %zu outlier%s (modified z &gt; 3.5)",
			c->d.n_outliers, c->d.n_outliers == 1 ? "" : "s");
	if (x->kind == VP_FIND_NOT_CONVERGED) {
		/* The figure that matters here: how close the cell got. */
		long h =
		    vp_summary_find(s, c->target, s->workloads[c->workload],
				    c->threads, "ci_half_width_pct");
		if (h >= 0 && s->cells[h].d.n)
			fprintf(f, ", 95%% CI half-width %.1f%% of the mean",
				s->cells[h].d.max);
	}
	if (x->kind == VP_FIND_SUSPENDED) {
		fprintf(f, "; %zu suspended: ", c->n_suspended);
		vp_html_escape(f, c->suspended_reason);
	} else if (c->reason && (c->n_failed || c->n_unavail)) {
		fprintf(f, "; %zu failed, %zu unavailable: ", c->n_failed,
			c->n_unavail);
		vp_html_escape(f, c->reason);
	}
	fputs("</li>\n", f);
}

static void excluded_line(const struct vp_summary *s,
			  const struct vp_verdicts *v,
			  const struct vp_finding *x, FILE *f)
{
	char why[160];
	size_t w = s->cells[x->cell].workload;
	for (size_t k = 0; k < v->head.ntargets; k++) {
		const struct vp_hl_cell *h = vp_hl_cell_at(v, k, w);
		if (!h || h->cell != x->cell)
			continue;
		vp_exclusion_text(s, h, why, sizeof(why));
		fputs("<li>", f);
		vp_html_escape(f, s->targets[h->target].label);
		fputs(" · ", f);
		vp_html_escape(f, s->workloads[w]);
		fprintf(f, " · %d thr: ", h->threads);
		vp_html_escape(f, why);
		fputs("</li>\n", f);
	}
}

static const struct {
	enum vp_finding_kind kind;
	const char *text, *what;
} cell_kinds[] = {
    {VP_FIND_EXCLUDED,
     "Headline cells left out of their class's geometric mean because the "
     "baseline is degenerate (overcommitted, too noisy, or a ratio CI "
     "wider than the limit); the table still shows them, hatched.",
     "cell(s) left out"},
    {VP_FIND_THREAD_OVERCOMMIT,
     "More threads than the target's CPUs: threads take turns, so a lock "
     "waiter can preempt the holder on the target itself.",
     "overcommitted cell(s)"},
    {VP_FIND_NOISY,
     "Noisy cells: throughput varies by more than 5% between repetitions "
     "(CV); differences smaller than the noise mean little.",
     "noisy cell(s) (CV > 5%)"},
    {VP_FIND_FEW_REPS,
     "Fewer than 3 successful repetitions: the confidence intervals are "
     "wide or missing (run with <code>-r 5</code> or more).",
     "cell(s) with n < 3"},
    {VP_FIND_FAILED, "Failed repetitions were left out of the statistics.",
     "cell(s) with failed repetitions"},
    {VP_FIND_OUTLIERS,
     "Outliers (modified z-score over 3.5) are kept in the figures but "
     "flagged.",
     "cell(s) with outliers"},
    {VP_FIND_OTHER_LOAD,
     "Measured under other load: other processes used more than 10% of the "
     "machine during these steps (median <code>other_load_pct</code>); "
     "their figures reflect that load as well as the workload.",
     "cell(s) measured under other load"},
    {VP_FIND_NOT_CONVERGED,
     "<code>-r auto</code> stopped at <code>--max-reps</code> before the "
     "95% CI half-width of the throughput came within "
     "<code>--ci-target</code> (<code>ci_half_width_pct</code> says how "
     "close it got): raise <code>--max-reps</code>, lengthen "
     "<code>-d</code>, or quiet the machine.",
     "cell(s) not converged"},
    {VP_FIND_SUSPENDED,
     "Suspended steps: the measured window ran far past its planned length "
     "(the target was stopped or not run: a signal, a host that paused the "
     "guest, a suspended machine). Their figures stay in results.csv, "
     "marked, and are left out of every statistic, ratio and compare.",
     "cell(s) with suspended repetitions"},
};

static void cell_bullet(const struct vp_summary *s, const struct vp_verdicts *v,
			struct box *b, size_t k)
{
	enum vp_finding_kind kind = cell_kinds[k].kind;
	if (!v->count[kind])
		return;
	item(b);
	fputs(cell_kinds[k].text, b->f); /* our own HTML, no CSV text */
	fprintf(b->f, "<details><summary>%zu ", v->count[kind]);
	vp_html_escape(b->f, cell_kinds[k].what);
	fputs("</summary><ul>\n", b->f);
	for (size_t i = 0; i < v->nfindings; i++) {
		const struct vp_finding *x = &v->findings[i];
		if (x->kind != kind)
			continue;
		if (kind == VP_FIND_EXCLUDED)
			excluded_line(s, v, x, b->f);
		else
			cell_line(s, x, b->f);
	}
	fputs("</ul></details></li>\n", b->f);
}

void vp_html_findings(const struct vp_summary *s, const struct vp_verdicts *v,
		      FILE *f)
{
	struct box b = {f, 0};
	fputs("<h2 id=\"warnings\">Read this first</h2>\n", f);
	for (size_t k = 0; k < sizeof(target_kinds) / sizeof(target_kinds[0]);
	     k++)
		target_bullet(s, v, &b, k);
	run_bullets(s, v, &b);
	for (size_t k = 0; k < sizeof(cell_kinds) / sizeof(cell_kinds[0]); k++)
		cell_bullet(s, v, &b, k);
	if (b.n)
		fputs("</ul></div>\n", f);
	else
		fputs("<p class=\"muted\">No warnings.</p>\n", f);
}
