/* mem.tlb: dependent random loads (a pointer chase) over a working set far
 * larger than the TLB reach. The region holds one 8-byte node per 4 KiB
 * page, at a random cache line of the page (so nodes do not pile into the
 * same cache sets); the nodes form one random cycle over all pages
 * (Sattolo's shuffle). Every load therefore lands on another page: with 4 KiB
 * pages nearly every load misses the TLB and walks the page table; under
 * nested paging (EPT/NPT) that walk is two-dimensional, each guest level
 * itself translated through the host's table. With 2 MiB pages the same
 * chase touches 512 times fewer pages, so most of the walks disappear: the
 * 4k/2m ratio of ns_per_access, host against guest, is the nested-paging
 * cost. The access sequence is the same for both page sizes.
 *
 * One op is one load. ops_per_s sums the threads' loads per second;
 * ns_per_access is the threads' summed time on a CPU per load (from their
 * schedstat), so a thread waiting for a CPU does not inflate it. Threads
 * share the region read-only, each starting at a different point of the
 * cycle. The region is mapped, populated and the chase built once per
 * workload in setup, outside every measured window; the note of ops_per_s
 * says how the region was backed and huge_pages_pct how much of it the
 * kernel reports on 2 MiB pages (AnonHugePages for THP), never assumed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/mem_pages.h"
#include "workloads/workload_list.h"

#define NODE_STRIDE 4096u /* one node per 4 KiB page */
#define CHASE_BATCH 256u  /* loads between two polls of the phase */

struct mem_tlb_opts {
	uint64_t size;
	char pages[VP_OPT_STRING_MAX];
};

static const struct vp_option mem_tlb_options[] = {
    {"size", VP_OPT_SIZE, offsetof(struct mem_tlb_opts, size), "256M", 1 << 20,
     64ull << 30, NULL,
     "working set chased (k/M/G); one node per 4 KiB page, far beyond the "
     "TLB reach at the default"},
    {"pages", VP_OPT_CHOICE, offsetof(struct mem_tlb_opts, pages), "4k", 0, 0,
     "4k|2m",
     "page size backing the working set: 2m takes the hugetlb pool "
     "(MAP_HUGETLB) or else transparent huge pages"},
    VP_OPT_END};

struct mem_tlb_state {
	struct vp_region region;
	void **starts; /* one start node per possible thread */
	unsigned nstarts;
};

struct mem_tlb_run {
	struct mem_tlb_state *st;
	void **sink; /* where each worker's chase ended: the loads are live */
};

static uint64_t mix(uint64_t *s)
{
	/* splitmix64: good enough spread for a shuffle and line offsets */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void **node_at(const struct vp_region *r, uint32_t page, uint64_t seed)
{
	uint64_t s = seed ^ page;
	unsigned line = (unsigned)(mix(&s) % (NODE_STRIDE / 64));
	return (void **)(r->base + (size_t)page * NODE_STRIDE + line * 64u);
}

/* Links the nodes into one random cycle and records evenly spaced start
 * points for up to max_threads threads. Returns 0 or -ENOMEM. */
static int build_chase(struct mem_tlb_state *st, unsigned max_threads)
{
	size_t n = st->region.len / NODE_STRIDE;
	uint32_t *order = malloc(n * sizeof(*order));
	st->nstarts = max_threads ? max_threads : 1;
	st->starts = calloc(st->nstarts, sizeof(*st->starts));
	if (!order || !st->starts) {
		free(order);
		return -ENOMEM;
	}
	uint64_t seed = 0x5DEECE66Dull;
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	/* Sattolo: a uniformly random permutation with exactly one cycle */
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(mix(&seed) % i);
		uint32_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		*node_at(&st->region, order[i], 7) =
		    node_at(&st->region, order[(i + 1) % n], 7);
	for (unsigned t = 0; t < st->nstarts; t++)
		st->starts[t] =
		    node_at(&st->region, order[(size_t)t * n / st->nstarts], 7);
	free(order);
	return 0;
}

static void mem_tlb_teardown(void *state)
{
	struct mem_tlb_state *st = state;
	if (!st)
		return;
	vp_region_unmap(&st->region);
	free(st->starts);
	free(st);
}

static int mem_tlb_setup(const struct vp_workload_ctx *ctx, void **state,
			 char *err, size_t errlen)
{
	const struct mem_tlb_opts *o = ctx->opts;
	struct mem_tlb_state *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int huge = strcmp(o->pages, "2m") == 0;
	int rc = vp_region_map(&st->region, (size_t)o->size, huge, err, errlen);
	if (!rc && (rc = build_chase(st, ctx->max_threads)) != 0)
		snprintf(err, errlen, "out of memory for the chase order");
	if (rc) {
		mem_tlb_teardown(st);
		return rc;
	}
	*state = st;
	return 0;
}

static void mem_tlb_worker(struct vp_worker *w, void *arg)
{
	struct mem_tlb_run *r = arg;
	void **p = r->st->starts[w->id % r->st->nstarts];
	while (vp_worker_phase(w) < VP_PHASE_MEASURE)
		for (unsigned i = 0; i < CHASE_BATCH; i++)
			p = (void **)*p;
	vp_worker_measure_begin(w);
	uint64_t ops = 0;
	while (vp_worker_phase(w) == VP_PHASE_MEASURE) {
		for (unsigned i = 0; i < CHASE_BATCH; i++)
			p = (void **)*p;
		ops += CHASE_BATCH;
	}
	vp_worker_measure_end(w, ops);
	r->sink[w->id] = p;
}

/* ns_per_access from the threads' time on a CPU (schedstat run_ns over
 * their windows), so run-queue waits and threads outnumbering CPUs do not
 * pass for memory latency; from the windows' wall time, with a note, when
 * schedstat is unavailable. */
static void access_metric(struct vp_team *team, struct vp_metrics *out)
{
	double cpu_ns = 0, wall_ns = 0;
	uint64_t ops = 0;
	int err = 0;
	for (unsigned i = 0; i < vp_team_size(team); i++) {
		const struct vp_worker *w = vp_team_worker(team, i);
		wall_ns += (w->t_end - w->t_begin) * 1e9;
		ops += w->ops;
		if (w->sched_err)
			err = w->sched_err;
		else if (vp_schedstat_is_off(&w->sched_end))
			err = -ENODATA;
		else if (w->sched_end.run_ns > w->sched_begin.run_ns)
			cpu_ns += (double)(w->sched_end.run_ns -
					   w->sched_begin.run_ns);
	}
	if (!ops) {
		vp_metrics_unavailable(out, "ns_per_access", "ns",
				       "no load completed");
		return;
	}
	if (!err && cpu_ns > 0) {
		vp_metrics_ok(out, "ns_per_access", cpu_ns / (double)ops, "ns");
		return;
	}
	struct vp_metric *m =
	    vp_metrics_ok(out, "ns_per_access", wall_ns / (double)ops, "ns");
	snprintf(m->note, sizeof(m->note),
		 "wall time, includes run-queue waits: %s",
		 err ? vp_schedstat_why(err) : "no CPU time recorded");
}

static void tlb_metrics(struct vp_team *team, const struct mem_tlb_state *st,
			struct vp_metrics *out)
{
	size_t first = out->n;
	vp_team_metrics(team, "ops_per_s", "ops/s", out);
	char sz[32];
	vp_format_size(st->region.len, sz, sizeof(sz));
	for (size_t i = first; i < out->n; i++)
		if (strcmp(out->v[i].name, "ops_per_s") == 0)
			snprintf(out->v[i].note, sizeof(out->v[i].note),
				 "%s working set on %s; %.1f%% on 2 MiB pages",
				 sz, st->region.how, st->region.huge_pct);
	access_metric(team, out);
	vp_metrics_ok(out, "huge_pages_pct", st->region.huge_pct, "%");
}

static int mem_tlb_run(const struct vp_workload_ctx *ctx, void *state,
		       struct vp_team *team, struct vp_metrics *out, char *err,
		       size_t errlen)
{
	struct mem_tlb_run r = {.st = state};
	r.sink = calloc(vp_team_size(team), sizeof(*r.sink));
	if (!r.sink) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int rc = vp_team_run(team, mem_tlb_worker, &r, err, errlen);
	if (!rc)
		tlb_metrics(team, r.st, out);
	free(r.sink);
	return rc;
}

/* Refuses a working set the target cannot hold (a guest has 512 MiB) and,
 * for pages=2m, a machine without huge pages. With pages=4k the remark
 * says whether 2m would work here (shown by `vpbench list`). */
static int mem_tlb_supported(const struct vp_workload_ctx *ctx, char *why,
			     size_t len)
{
	const struct mem_tlb_opts *o = ctx->opts;
	char how[256], sz[32], av[32];
	uint64_t avail = 0;
	char *mi = NULL;
	FILE *f = fopen("/proc/meminfo", "re");
	if (f) {
		size_t cap = 0;
		if (getdelim(&mi, &cap, '\0', f) < 0) {
			free(mi);
			mi = NULL;
		}
		fclose(f);
	}
	int have_avail = mi && vp_meminfo_available(mi, &avail) == 0;
	free(mi);
	if (have_avail && o->size > avail / 10 * 8) {
		vp_format_size(o->size, sz, sizeof(sz));
		vp_format_size(avail, av, sizeof(av));
		snprintf(why, len,
			 "size=%s is more than 80%% of MemAvailable (%s) "
			 "here: lower -O size",
			 sz, av);
		return -ENOMEM;
	}
	int huge_rc = vp_hugepages_probe("", (size_t)o->size, how, sizeof(how));
	if (strcmp(o->pages, "2m") == 0) {
		if (huge_rc)
			snprintf(why, len, "%s", how);
		return huge_rc;
	}
	snprintf(why, len, "pages=2m %s: %s",
		 huge_rc ? "unavailable" : "possible", how);
	return 0;
}

const struct vp_workload vp_wl_mem_tlb = {
    .name = "mem.tlb",
    .summary = "dependent random loads over a working set beyond the TLB "
	       "reach (nested paging; -O pages=4k|2m)",
    .in_default_set = true,
    .throughput_metric = "ops_per_s",
    .options = mem_tlb_options,
    .opts_size = sizeof(struct mem_tlb_opts),
    .supported = mem_tlb_supported,
    .setup = mem_tlb_setup,
    .run = mem_tlb_run,
    .teardown = mem_tlb_teardown,
};
