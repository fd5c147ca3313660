/* cpu.* workloads: fixed-time compute kernels with a fixed amount of work per
 * operation, so ops/s compare across targets (bare metal, VMs, guests over
 * SSH). They touch no shared data, so any difference between targets is the
 * cost of virtualising compute itself (vCPU scheduling, steal, exits).
 *
 *   cpu.int  one op = 32 rounds of xorshift-multiply-rotate mixing on one
 *            64-bit value: a single dependency chain, so the op's time is
 *            the latency of its instructions, not the throughput of the
 *            core's execution ports. Why: a hyperthread sibling (another
 *            tenant's vCPU on a cloud host) competes for those ports, and
 *            a four-chain version of this op swung +-10% over seconds with
 *            the sibling's load (1 s CV 7.8-8.3% against 2.1-3.1% for one
 *            chain, alternated 40 ms windows in one process, this VM); one
 *            chain is as steady as sysbench's prime division loop;
 *   cpu.fp   one op = 1024 multiply-adds over a 2 KiB per-thread array
 *            (256 doubles, L1 resident), contracted into FMA instructions
 *            where the compile target has them.
 *
 * Threads come from OpenMP (the team's OpenMP path) when built with it; a
 * build without OpenMP runs the same kernels on the team's pthreads and says
 * so in the note of its ops_per_s row. The phase is polled once per batch of
 * `batch` ops (a few microseconds), keeping the poll off the hot path. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_OPENMP
#include <omp.h>
#endif
#if HAVE_OMP_PAUSE
#include <dlfcn.h>
#endif

#include "workloads/workload_list.h"

struct cpu_opts {
	int64_t batch;
};

static const struct vp_option cpu_int_options[] = {
    {"batch", VP_OPT_INT, offsetof(struct cpu_opts, batch), "64", 1, 1 << 20,
     NULL,
     "ops between two polls of the phase (one op is about 75 ns here); "
     "does not change the work per op"},
    VP_OPT_END};

static const struct vp_option cpu_fp_options[] = {
    {"batch", VP_OPT_INT, offsetof(struct cpu_opts, batch), "32", 1, 1 << 20,
     NULL,
     "ops between two polls of the phase (one op is about 100 ns here); "
     "does not change the work per op"},
    VP_OPT_END};

#define FP_LEN 256

enum cpu_kernel { CPU_INT, CPU_FP };

struct cpu_run {
	enum cpu_kernel kernel;
	unsigned batch;
	uint64_t *sink; /* one result per worker: the work cannot be dead */
};

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

/* One cpu.int op: one dependency chain of 32 rounds. */
static inline void int_op(uint64_t *s)
{
	uint64_t a = *s;
	for (int i = 0; i < 32; i++) {
		a ^= a >> 32;
		a = rotl64(a * 0x9E3779B97F4A7C15ull, 23);
	}
	/* Opaque to the optimiser, so ops are neither merged nor skipped. */
	__asm__ __volatile__("" : "+r"(a));
	*s = a;
}

/* One cpu.fp op. Each factor pair keeps the values near 1 (fixed point of
 * x*m + (1-m)), so no overflow or denormals ever slow a target down. */
static inline void fp_op(double *restrict v)
{
	for (int i = 0; i < FP_LEN; i++) {
		double x = v[i];
		x = x * 0.9990234375 + 0.0009765625;
		x = x * 1.0009765625 - 0.0009765625;
		x = x * 0.998046875 + 0.001953125;
		x = x * 1.001953125 - 0.001953125;
		v[i] = x;
	}
	__asm__ __volatile__("" : : "r"(v) : "memory");
}

static void cpu_int_loop(struct vp_worker *w, const struct cpu_run *r)
{
	uint64_t s = 0x2545F4914F6CDD1Dull * ((uint64_t)w->id + 1);
	while (vp_worker_phase(w) < VP_PHASE_MEASURE)
		for (unsigned i = 0; i < r->batch; i++)
			int_op(&s);
	vp_worker_measure_begin(w);
	uint64_t ops = 0;
	while (vp_worker_phase(w) == VP_PHASE_MEASURE) {
		for (unsigned i = 0; i < r->batch; i++)
			int_op(&s);
		ops += r->batch;
	}
	vp_worker_measure_end(w, ops);
	r->sink[w->id] = s;
}

static void cpu_fp_loop(struct vp_worker *w, const struct cpu_run *r)
{
	double v[FP_LEN] __attribute__((aligned(64)));
	for (int i = 0; i < FP_LEN; i++)
		v[i] = 1.0 + (double)(i + (int)w->id) * (1.0 / 1024);
	while (vp_worker_phase(w) < VP_PHASE_MEASURE)
		for (unsigned i = 0; i < r->batch; i++)
			fp_op(v);
	vp_worker_measure_begin(w);
	uint64_t ops = 0;
	while (vp_worker_phase(w) == VP_PHASE_MEASURE) {
		for (unsigned i = 0; i < r->batch; i++)
			fp_op(v);
		ops += r->batch;
	}
	vp_worker_measure_end(w, ops);
	double sum = 0;
	for (int i = 0; i < FP_LEN; i++)
		sum += v[i];
	memcpy(&r->sink[w->id], &sum, sizeof(sum));
}

static void cpu_worker(struct vp_worker *w, void *arg)
{
	const struct cpu_run *r = arg;
	if (r->kernel == CPU_INT)
		cpu_int_loop(w, r);
	else
		cpu_fp_loop(w, r);
}

#if HAVE_OPENMP
/* OpenMP keeps its threads (the calling thread included) between parallel
 * regions, so a pinning done by vp_team_enter would outlive this run and be
 * inherited by the threads of later workloads: each thread restores its own
 * affinity once its measured window is over. */
static void omp_worker(struct vp_team *team, struct cpu_run *r)
{
	cpu_set_t saved;
	int have =
	    pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) == 0;
	struct vp_worker *w =
	    vp_team_enter(team, (unsigned)omp_get_thread_num());
	cpu_worker(w, r);
	if (have)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
}

/* Ends OpenMP's idle threads now. libgomp keeps them after a region,
 * spin-waiting for the next one (GOMP_SPINCOUNT, 300000 pauses unless
 * OMP_WAIT_POLICY says otherwise: traced here, one such thread stayed on a
 * CPU 70 ms into the next step, a lock.* one, eating its warm-up and, with
 * a short --warmup, its measured window). Set through the environment that
 * would apply to the whole process and be read before main; the next step
 * creates its threads again before its start barrier, outside any window. */
static void release_omp_threads(void)
{
#if HAVE_OMP_PAUSE
	/* Ending them goes through pthread_exit, which aborts the process
	 * when glibc cannot load libgcc_s (a minimal guest without it): then
	 * they are left to spin. The vpbench binary lists it as needed. */
	static int unwinder = -1;
	if (unwinder < 0)
		unwinder = dlopen("libgcc_s.so.1", RTLD_NOW) != NULL;
	if (unwinder)
		(void)omp_pause_resource_all(omp_pause_soft);
#endif
}

/* Runs the team on OpenMP threads. Returns 1 when OpenMP cannot supply
 * exactly n threads (the caller falls back to pthreads), 0, or -errno
 * (-ETIMEDOUT: a worker was not scheduled in time to be measured). */
static int run_openmp(struct vp_team *team, struct cpu_run *r, char *why,
		      size_t whylen, char *err, size_t errlen)
{
	int n = (int)vp_team_size(team);
	int got = 0;
	omp_set_dynamic(0);
	/* A team barrier waits for every worker: make sure all n will come,
	 * before any of them starts waiting. */
#pragma omp parallel num_threads(n)
	{
#pragma omp master
		got = omp_get_num_threads();
	}
	if (got != n) {
		snprintf(why, whylen,
			 "pthreads: OpenMP gave %d of %d threads "
			 "(OMP_THREAD_LIMIT?)",
			 got, n);
		return 1;
	}
	int rc = vp_team_start_clock(team, err, errlen);
	if (rc)
		return rc < 0 ? rc : -rc;
#pragma omp parallel num_threads(n)
	omp_worker(team, r);
	release_omp_threads();
	return vp_team_finish(team, err, errlen);
}
#endif

static int cpu_run_kernel(enum cpu_kernel k, const struct vp_workload_ctx *ctx,
			  struct vp_team *team, struct vp_metrics *out,
			  char *err, size_t errlen)
{
	const struct cpu_opts *o = ctx->opts;
	struct cpu_run r = {.kernel = k, .batch = (unsigned)o->batch};
	char note[VP_METRIC_NOTE_MAX] = "pthreads: built without OpenMP";
	int rc = 1;
	r.sink = calloc(vp_team_size(team), sizeof(*r.sink));
	if (!r.sink) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
#if HAVE_OPENMP
	rc = run_openmp(team, &r, note, sizeof(note), err, errlen);
	if (rc < 0)
		goto out;
	if (rc == 0)
		note[0] = '\0';
#endif
	if (rc == 1) {
		rc = vp_team_run(team, cpu_worker, &r, err, errlen);
		if (rc)
			goto out;
	}
	size_t first = out->n;
	vp_team_metrics(team, "ops_per_s", "ops/s", out);
	for (size_t i = first; note[0] && i < out->n; i++)
		if (strcmp(out->v[i].name, "ops_per_s") == 0)
			snprintf(out->v[i].note, sizeof(out->v[i].note), "%s",
				 note);
out:
	free(r.sink);
	return rc;
}

static int cpu_int_run(const struct vp_workload_ctx *ctx, void *state,
		       struct vp_team *team, struct vp_metrics *out, char *err,
		       size_t errlen)
{
	return cpu_run_kernel(CPU_INT, ctx, team, out, err, errlen);
}

static int cpu_fp_run(const struct vp_workload_ctx *ctx, void *state,
		      struct vp_team *team, struct vp_metrics *out, char *err,
		      size_t errlen)
{
	return cpu_run_kernel(CPU_FP, ctx, team, out, err, errlen);
}

const struct vp_workload vp_wl_cpu_int = {
    .name = "cpu.int",
    .summary = "integer mixing (xorshift-multiply-rotate), 32 rounds on one "
               "dependency chain per op",
    .in_default_set = true,
    .throughput_metric = "ops_per_s",
    .options = cpu_int_options,
    .opts_size = sizeof(struct cpu_opts),
    .run = cpu_int_run,
};

const struct vp_workload vp_wl_cpu_fp = {
    .name = "cpu.fp",
    .summary = "floating-point multiply-add on a 2 KiB array, 1024 per op",
    .in_default_set = true,
    .throughput_metric = "ops_per_s",
    .options = cpu_fp_options,
    .opts_size = sizeof(struct cpu_opts),
    .run = cpu_fp_run,
};
