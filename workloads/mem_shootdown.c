/* mem.shootdown: thread 0 (the changer) keeps changing a small mapped range
 * while every other thread (the touchers, on other CPUs) keeps reading one
 * byte of each of its pages. Each change rewrites the range's page-table
 * entries, and the kernel must flush the stale translations from every CPU
 * that may cache them: a TLB-shootdown IPI to each CPU running a toucher,
 * with the changer waiting in flush_tlb_mm_range() until all have answered.
 * On a physical machine an IPI takes a microsecond or two; in a VM it is an
 * exit on the sender and an interrupt injection on each target vCPU, and a
 * target vCPU that the host has preempted answers only when it runs again,
 * so the changer's call waits for the host scheduler.
 *
 *   op=mprotect  one op is one mprotect() of the range, alternating
 *                read-only and read-write (touchers only read, so they
 *                never fault); the pages stay populated, every call flushes;
 *   op=remap     one op is one mmap(MAP_FIXED) of fresh anonymous memory
 *                over the range: it unmaps the old pages (flush) and the
 *                touchers' next reads fault zero pages back in.
 *
 * ops_per_s is changes/s by the changer; call_*_ns time each change with the
 * TSC. The touchers serve the changer and are left out of throughput and
 * fairness. At 1 thread nobody else touches the range, so there is no IPI:
 * the figures are the cost of the change alone, and the note says so (with
 * op=remap nothing repopulates the range then, so there is nothing to
 * flush either). Unless the plan pins threads, they are spread over
 * different CPUs (scatter order). */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "workloads/team_hist.h"
#include "workloads/workload_list.h"

#define PAGE 4096u

struct mem_shootdown_opts {
	uint64_t range;
	char op[VP_OPT_STRING_MAX];
};

static const struct vp_option mem_shootdown_options[] = {
    {"range", VP_OPT_SIZE, offsetof(struct mem_shootdown_opts, range), "64k",
     4096, 64ull << 20, NULL,
     "bytes changed per op (k/M); up to 33 pages x86 Linux flushes page by "
     "page, beyond that the whole TLB"},
    {"op", VP_OPT_CHOICE, offsetof(struct mem_shootdown_opts, op), "mprotect",
     0, 0, "mprotect|remap",
     "the change: mprotect read-only <-> read-write, or mmap(MAP_FIXED) of "
     "fresh memory over the range"},
    VP_OPT_END};

struct shootdown_run {
	char *base;
	size_t len;
	int remap;
	int timing;
	double ns_per_tick;
	_Atomic int error; /* first -errno of a failed change */
};

static int change(struct shootdown_run *r, int i)
{
	if (r->remap) {
		void *m = mmap(r->base, r->len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		return m == MAP_FAILED ? -errno : 0;
	}
	int prot = (i & 1) ? PROT_READ | PROT_WRITE : PROT_READ;
	return mprotect(r->base, r->len, prot) ? -errno : 0;
}

static void changer(struct vp_worker *w, struct shootdown_run *r)
{
	int rc = 0, i = 0;
	while (!rc && vp_worker_phase(w) < VP_PHASE_MEASURE)
		rc = change(r, i++);
	vp_worker_measure_begin(w);
	uint64_t ops = 0;
	while (!rc && vp_worker_phase(w) == VP_PHASE_MEASURE) {
		uint64_t t0 = r->timing ? vp_rdtsc() : 0;
		rc = change(r, i++);
		if (r->timing)
			vp_worker_record_ticks(w, t0, vp_rdtsc(),
					       r->ns_per_tick);
		ops++;
	}
	vp_worker_measure_end(w, ops);
	if (rc) {
		int zero = 0;
		atomic_compare_exchange_strong(&r->error, &zero, rc);
	}
}

/* Reads one byte per page, round and round; the sum keeps the loads live. */
static void toucher(struct vp_worker *w, struct shootdown_run *r)
{
	uint64_t sum = 0, rounds = 0;
	w->helper = true;
	while (vp_worker_phase(w) < VP_PHASE_MEASURE)
		for (size_t off = 0; off < r->len; off += PAGE)
			sum += ((volatile char *)r->base)[off];
	vp_worker_measure_begin(w);
	while (vp_worker_phase(w) == VP_PHASE_MEASURE) {
		for (size_t off = 0; off < r->len; off += PAGE)
			sum += ((volatile char *)r->base)[off];
		rounds++;
	}
	vp_worker_measure_end(w, 0);
	w->aux[0] = rounds;
	w->aux[1] = sum;
}

static void shootdown_worker(struct vp_worker *w, void *arg)
{
	struct shootdown_run *r = arg;
	vp_worker_spread(w);
	if (w->id == 0)
		changer(w, r);
	else
		toucher(w, r);
}

static void shootdown_metrics(struct vp_team *team,
			      const struct shootdown_run *r,
			      struct vp_metrics *out)
{
	unsigned n = vp_team_size(team);
	size_t first = out->n;
	vp_team_metrics(team, "ops_per_s", "ops/s", out);
	char note[VP_METRIC_NOTE_MAX];
	if (n == 1)
		snprintf(note, sizeof(note),
			 "1 thread: no other CPU touches the range, so no "
			 "TLB-shootdown IPI; the cost of the %s alone",
			 r->remap ? "remap" : "mprotect");
	else
		vp_team_placement_note(team, note, sizeof(note));
	for (size_t i = first; i < out->n; i++)
		if (strcmp(out->v[i].name, "ops_per_s") == 0)
			snprintf(out->v[i].note, sizeof(out->v[i].note), "%s",
				 note);
	const char *why = "no usable TSC on this CPU: changes are not timed";
	vp_team_hist_metrics(team, "call", r->timing, why, out);
	vp_team_long_metric(team, "long_calls", r->timing, why, out);
	if (n < 2)
		return;
	/* The touchers really ran: rounds over the range per second. */
	double rounds = 0;
	for (unsigned i = 1; i < n; i++) {
		const struct vp_worker *w = vp_team_worker(team, i);
		double win = w->t_end - w->t_begin;
		rounds += win > 0 ? (double)w->aux[0] / win : 0;
	}
	vp_metrics_ok(out, "touch_rounds_per_s", rounds, "ops/s");
}

static int mem_shootdown_run(const struct vp_workload_ctx *ctx, void *state,
			     struct vp_team *team, struct vp_metrics *out,
			     char *err, size_t errlen)
{
	const struct mem_shootdown_opts *o = ctx->opts;
	struct shootdown_run r = {.len = (size_t)o->range / PAGE * PAGE,
				  .remap = strcmp(o->op, "remap") == 0};
	r.timing = vp_tsc_available();
	r.ns_per_tick = r.timing ? 1.0 / vp_tsc_ticks_per_ns() : 0;
	atomic_init(&r.error, 0);
	void *m = mmap(NULL, r.len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		int e = errno;
		snprintf(err, errlen, "cannot map the %zu-byte range: %s",
			 r.len, strerror(e));
		return -e;
	}
	r.base = m;
	/* Populated before the touchers start, so the first changes already
	 * have translations to shoot down. */
	for (size_t off = 0; off < r.len; off += PAGE)
		r.base[off] = 1;
	int rc = vp_team_run(team, shootdown_worker, &r, err, errlen);
	munmap(m, r.len);
	if (rc)
		return rc;
	rc = atomic_load(&r.error);
	if (rc) {
		snprintf(err, errlen, "%s of the range failed: %s",
			 r.remap ? "mmap(MAP_FIXED)" : "mprotect",
			 strerror(-rc));
		return rc;
	}
	shootdown_metrics(team, &r, out);
	return 0;
}

const struct vp_workload vp_wl_mem_shootdown = {
    .name = "mem.shootdown",
    .summary = "one thread changes a range's protection while the others "
	       "read it (TLB-shootdown IPIs)",
    .in_default_set = true,
    .throughput_metric = "ops_per_s",
    .options = mem_shootdown_options,
    .opts_size = sizeof(struct mem_shootdown_opts),
    .run = mem_shootdown_run,
};
