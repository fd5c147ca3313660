/* The verdicts of a summary, decided here once and only printed by the
 * outputs (HTML, JSON): which metric is a workload's throughput, at which
 * thread count a target meets its baseline, which headline cells are
 * left out of their class's geometric mean and why, the class means, the
 * caveats of each target and cell, and the warnings as a list of typed
 * findings (hyperfine keeps relative_speed apart from its exporters in
 * the same way).
 *
 * A headline cell is left out of its class mean when its baseline is
 * degenerate: the baseline ran more threads than it has CPUs (waiters
 * preempt lock holders on the reference itself, e.g. lock.ticket
 * collapsing to a few hundred ops/s), the baseline's CV exceeds
 * VP_BASE_MAX_CV, or the ratio's 95% CI spans more than a factor of
 * VP_RATIO_MAX_CI_FACTOR (hi / lo). The cell keeps its figure, marked with
 * the reason. */
#ifndef VP_VERDICTS_H
#define VP_VERDICTS_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/summary.h"

#define VP_BASE_MAX_CV	       0.20 /* baseline CV above: degenerate */
#define VP_RATIO_MAX_CI_FACTOR 4.0  /* ratio CI hi / lo above: too wide */
#define VP_NOISY_CV	       0.05 /* a throughput cell's CV above: noisy */
/* A step's other_load_pct (median of the cell) above this: measured while
 * other processes used that share of the machine. */
#define VP_OTHER_LOAD_PCT 10.0
#define VP_MIN_REPS	  3 /* fewer ok repetitions: flagged */

enum vp_exclusion {
	VP_EXCL_NONE,
	VP_EXCL_BASE_OVERCOMMIT, /* threads > the baseline's CPUs */
	VP_EXCL_BASE_NOISY,	 /* baseline CV > VP_BASE_MAX_CV */
	VP_EXCL_WIDE_CI,	 /* ratio CI hi / lo > VP_RATIO_MAX_CI_FACTOR */
};

/* Caveats of a target or a headline cell (bits). */
enum {
	VP_CAV_TCG = 1u << 0,	    /* QEMU TCG: emulation, not a hypervisor */
	VP_CAV_TCG_1VCPU = 1u << 1, /* 1-vCPU TCG: no real atomics (locks) */
	VP_CAV_VCPU_OVERCOMMIT = 1u << 2,   /* vCPUs > host CPUs */
	VP_CAV_THREAD_OVERCOMMIT = 1u << 3, /* threads > the target's CPUs */
	VP_CAV_BASE_IS_VM = 1u << 4,	    /* the baseline is itself a guest */
};

/* One workload x target of the headline table. */
struct vp_hl_cell {
	size_t target, workload;
	const char *metric; /* the workload's throughput metric */
	int threads;	    /* compared thread count, -1: no cell */
	long cell;	    /* summary cell with the ratio, -1: none */
	enum vp_exclusion excl;
	unsigned caveats;
};

/* The geometric mean of a class's included cells for one target. */
struct vp_hl_class {
	size_t cls, target;   /* index into classes / summary targets */
	double ratio, lo, hi; /* NAN: no cell; lo/hi NAN: no CI (n < 2) */
	size_t n_used, n_excluded;
};

struct vp_headline {
	size_t *targets; /* columns: the targets that have a baseline */
	size_t ntargets;
	char **classes; /* "cpu", "lock": order of first appearance */
	size_t nclasses;
	size_t *class_of;	   /* per summary workload: its class index */
	struct vp_hl_cell *cells;  /* ntargets x nworkloads, row-major by
				      workload (see vp_hl_cell_at) */
	struct vp_hl_class *means; /* nclasses x ntargets */
	size_t n_with_ratio, n_excluded;
};

enum vp_finding_kind {
	VP_FIND_TCG,		   /* target */
	VP_FIND_TCG_1VCPU,	   /* target */
	VP_FIND_BASE_IS_VM,	   /* target (text: its hypervisor) */
	VP_FIND_VCPU_OVERCOMMIT,   /* target */
	VP_FIND_NO_BASELINE,	   /* run */
	VP_FIND_READER,		   /* run (text: the reader's warning) */
	VP_FIND_EXCLUDED,	   /* headline cell (cell, target) */
	VP_FIND_THREAD_OVERCOMMIT, /* throughput cell */
	VP_FIND_NOISY,		   /* throughput cell, CV > VP_NOISY_CV */
	VP_FIND_FEW_REPS,	   /* throughput cell, n < VP_MIN_REPS */
	VP_FIND_FAILED,		   /* cell with failed repetitions */
	VP_FIND_OUTLIERS,	   /* throughput cell with outliers */
	VP_FIND_OTHER_LOAD, /* other_load_pct cell, median > VP_OTHER_LOAD_PCT
			     */
	VP_FIND_NOT_CONVERGED, /* ci_converged cell at 0: -r auto stopped at
				  --max-reps short of --ci-target */
	VP_FIND_SUSPENDED,     /* throughput cell with suspended reps (text:
				  the first one's note) */
	VP_FIND_MISSING_STEPS, /* run (text: how many planned steps have no
				  row, from plan.conf) */
	VP_NFIND
};

struct vp_finding {
	enum vp_finding_kind kind;
	long run, target, cell; /* -1 where the finding is not about one */
	const char *text;	/* detail, may be NULL (points into s) */
	enum vp_exclusion excl; /* VP_FIND_EXCLUDED: why */
};

struct vp_verdicts {
	const char **tp_metric; /* per summary workload, NULL: none */
	struct vp_headline head;
	unsigned *target_caveats; /* per summary target */
	bool *is_baseline;	  /* per summary target */
	struct vp_finding *findings;
	size_t nfindings, capfindings;
	size_t count[VP_NFIND];
};

/* Decides everything above for s (which must outlive v). Returns 0 or
 * -ENOMEM; v is always safe to free. */
int vp_verdicts_build(const struct vp_summary *s, struct vp_verdicts *v);
/* The findings part (findings.c), called by vp_verdicts_build once the
 * headline is decided. */
int vp_findings_build(const struct vp_summary *s, struct vp_verdicts *v);
void vp_verdicts_free(struct vp_verdicts *v);

/* The headline cell of column k (index into head.targets), workload w. */
const struct vp_hl_cell *vp_hl_cell_at(const struct vp_verdicts *v, size_t k,
				       size_t w);
const struct vp_hl_class *vp_hl_mean_at(const struct vp_verdicts *v, size_t cls,
					size_t k);
/* Thread count at which target t is compared with its baseline for
 * workload w: its vCPU count when both measured it, else the largest count
 * both measured, else the largest t measured; -1 when t has no cell. */
int vp_pick_threads(const struct vp_summary *s, size_t t, size_t w,
		    const char *metric);

/* Stable names for JSON and tests: "baseline_overcommitted",
 * "baseline_noisy", "ratio_ci_too_wide", "" for none; "tcg", "tcg_1vcpu",
 * ...; "tcg" etc. for caveat bits (one bit). */
const char *vp_exclusion_name(enum vp_exclusion e);
const char *vp_finding_name(enum vp_finding_kind k);
const char *vp_caveat_name(unsigned bit);
/* A sentence naming the reason with its figures, e.g. "baseline
 * overcommitted: 4 threads on 2 CPUs". */
void vp_exclusion_text(const struct vp_summary *s, const struct vp_hl_cell *h,
		       char *buf, size_t len);

#endif
