/* io.* workloads: block I/O on a scratch target. The default engine is
 * psync, one I/O in flight per thread (fio ioengine=psync, iodepth=1), so
 * per-I/O latency is what virtualization adds to each request's round
 * trip; -O engine=io_uring -O qd=N keeps N in flight per thread (fio
 * ioengine=io_uring, iodepth=N, io_ring.c), the deep queue where a
 * virtual disk's queueing and interrupt path show. io.fsync is the
 * database-log pattern: sequential write + fdatasync per operation.
 * The scratch target (creation, safety, filling) lives in io_scratch.c, the
 * offset generators in io_gen.h. */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probes/tsc.h"
#include "workloads/io_gen.h"
#include "workloads/io_internal.h"
#include "workloads/io_scratch.h"
#include "workloads/workload.h"
#include "workloads/workload_list.h"

enum { IO_RANDREAD, IO_RANDWRITE, IO_SEQREAD, IO_SEQWRITE, IO_FSYNC };

static const struct io_kind io_kinds[] = {
    [IO_RANDREAD] = {"io.randread", true, false, false},
    [IO_RANDWRITE] = {"io.randwrite", true, true, false},
    [IO_SEQREAD] = {"io.seqread", false, false, false},
    [IO_SEQWRITE] = {"io.seqwrite", false, true, false},
    [IO_FSYNC] = {"io.fsync", false, true, true},
};

/* Reads the kernel's clocksource: the TSC is used for per-I/O timing only
 * when the kernel trusts it too (rdtsc ~11 ns); otherwise CLOCK_MONOTONIC,
 * which may be a ~1 us system call on hpet/acpi_pm guests. */
static bool kernel_uses_tsc(void)
{
	char buf[32] = "";
	FILE *f = fopen(
	    "/sys/devices/system/clocksource/clocksource0/current_clocksource",
	    "re");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strncmp(buf, "tsc", 3) == 0 && (buf[3] == '\n' || !buf[3]);
}

/* Out of line: keeps the per-I/O path short. */
__attribute__((noinline, cold)) int io_fail(struct io_run *r, uint64_t off,
					    ssize_t n, int e)
{
	const struct io_state *st = r->st;
	int rc = n < 0 ? -e : -EIO;
	int expected = 0;
	if (atomic_compare_exchange_strong(&r->failed, &expected, 1)) {
		const char *what = st->kind->write ? "write" : "read";
		if (n < 0 && st->kind->sync && e == 0)
			e = EIO;
		r->err = rc;
		if (n < 0)
			snprintf(
			    r->msg, sizeof(r->msg),
			    "%s: %.300s: %s%s%s of %llu bytes at offset %llu "
			    "failed: %s",
			    st->kind->name, st->t.path,
			    st->ring ? "io_uring " : "", what,
			    st->kind->sync ? "+fdatasync" : "",
			    (unsigned long long)st->t.bs,
			    (unsigned long long)off, strerror(e));
		else
			snprintf(
			    r->msg, sizeof(r->msg),
			    "%s: %.300s: short %s at offset %llu: %zd of %llu "
			    "bytes",
			    st->kind->name, st->t.path, what,
			    (unsigned long long)off, n,
			    (unsigned long long)st->t.bs);
	}
	return rc;
}

/* One I/O, timed with one timestamp pair around the system call(s). */
static inline int io_once(struct io_run *r, struct vp_worker *w,
			  struct vp_io_gen *g, void *buf)
{
	const struct io_state *st = r->st;
	const int fd = st->t.fd;
	const size_t bs = (size_t)st->t.bs;
	uint64_t off = vp_io_gen_next(g);
	ssize_t n;
	uint64_t t0 = io_clock(st);
	do {
		n = st->kind->write ? pwrite(fd, buf, bs, (off_t)off)
				    : pread(fd, buf, bs, (off_t)off);
	} while (n < 0 && errno == EINTR);
	if (st->kind->sync && n == (ssize_t)bs && fdatasync(fd))
		n = -1;
	uint64_t t1 = io_clock(st);
	if (n != (ssize_t)bs)
		return io_fail(r, off, n, errno);
	io_record(st, w, t0, t1);
	return 0;
}

static void io_worker(struct vp_worker *w, void *arg)
{
	struct io_run *r = arg;
	const struct io_state *st = r->st;
	struct vp_io_gen g;
	void *buf = r->bufs[w->id];
	uint64_t ops = 0;
	int rc = 0;
	vp_io_gen_init(&g, st->kind->random, st->t.base, st->t.size, st->t.bs,
		       w->id, r->nthreads, r->seed);
	/* Warm-up (and the instant before the clock starts it): uncounted. */
	while (!rc && vp_worker_phase(w) < VP_PHASE_MEASURE)
		rc = io_once(r, w, &g, buf);
	vp_worker_measure_begin(w);
	while (!rc && vp_worker_phase(w) == VP_PHASE_MEASURE) {
		rc = io_once(r, w, &g, buf);
		if (!rc)
			ops++;
	}
	vp_worker_measure_end(w, ops);
}

/* lat_p50_us ... lat_p9999_us, lat_max_us, lat_samples and the buckets
 * (bounds in ns, like every family's), plus lat_mean_us. */
static void io_latency_metrics(struct vp_team *team, struct vp_metrics *out)
{
	static const char why[] = "no I/O completed in the measured window";
	const struct vp_hist *h = vp_team_merge_hist(team);

	if (h->n)
		vp_metrics_ok(out, "lat_mean_us",
			      (double)h->sum / (double)h->n * 1e-3, "us");
	else
		vp_metrics_unavailable(out, "lat_mean_us", "us", why);
	vp_hist_emit(h, "lat", "us", 1e-3, why, out);
}

static int io_run_fn(const struct vp_workload_ctx *ctx, void *state,
		     struct vp_team *team, struct vp_metrics *out, char *err,
		     size_t errlen)
{
	struct io_state *st = state;
	struct io_run r;
	int rc = 0;
	memset(&r, 0, sizeof(r));
	r.st = st;
	r.nthreads = vp_team_size(team);
	r.seed = 0x76706265ull + st->runs++;
	atomic_init(&r.failed, 0);
	r.bufs = calloc(r.nthreads, sizeof(*r.bufs));
	if (!r.bufs) {
		snprintf(err, errlen, "%s: out of memory", st->kind->name);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < r.nthreads; i++) {
		size_t len = (size_t)st->t.bs * st->qd;
		/* 4 KiB alignment satisfies O_DIRECT on 512e and 4Kn disks. */
		if (posix_memalign(&r.bufs[i], 4096, len)) {
			r.bufs[i] = NULL;
			snprintf(err, errlen,
				 "%s: out of memory for %u "
				 "buffers of %zu bytes (qd=%u x bs=%llu)",
				 st->kind->name, r.nthreads, len, st->qd,
				 (unsigned long long)st->t.bs);
			rc = -ENOMEM;
			goto out;
		}
		/* Non-zero data so writes cannot be elided as zeroes. */
		uint64_t *p = r.bufs[i];
		for (size_t j = 0; j < len / sizeof(*p); j++)
			p[j] = 0x9e3779b97f4a7c15ull * (j + 1) + i;
	}
	if (st->ring) {
		rc = io_ring_prepare(&r, err, errlen);
		if (rc)
			goto out;
	}
	rc = vp_team_run(team, st->ring ? io_ring_worker : io_worker, &r, err,
			 errlen);
	if (rc)
		goto out;
	if (atomic_load(&r.failed)) {
		rc = r.err;
		snprintf(err, errlen, "%s", r.msg);
		goto out;
	}
	vp_team_metrics(team, "iops", "ops/s", out);
	const struct vp_metric *iops = vp_metrics_find(out, "iops");
	if (iops && iops->status == VP_STATUS_OK) {
		char bs[32], size[32];
		double mib = iops->value * (double)st->t.bs / 1048576.0;
		struct vp_metric *m =
		    vp_metrics_ok(out, "mib_per_s", mib, "MiB/s");
		vp_format_size(st->t.bs, bs, sizeof(bs));
		vp_format_size(st->t.size, size, sizeof(size));
		snprintf(m->note, sizeof(m->note),
			 "bs=%s size=%s direct=%d engine=%s qd=%u%s%s%s "
			 "%s=%.160s%s",
			 bs, size, st->t.direct ? 1 : 0,
			 st->ring ? "io_uring" : "psync", st->qd,
			 st->batch ? " submit=batch" : "",
			 r.ring_setup ? " ring=" : "",
			 r.ring_setup ? r.ring_setup : "",
			 st->t.is_dev || st->t.is_blk ? "device" : "file",
			 st->t.path, st->t.readonly ? " read-only" : "");
	}
	io_latency_metrics(team, out);
out:
	io_ring_release(&r);
	for (unsigned i = 0; i < r.nthreads; i++)
		free(r.bufs[i]);
	free(r.bufs);
	return rc;
}

static int io_setup(const struct io_kind *k, const struct vp_workload_ctx *ctx,
		    void **state, char *err, size_t errlen)
{
	const struct vp_io_opts *o = ctx->opts;
	struct io_state *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "%s: out of memory", k->name);
		return -ENOMEM;
	}
	st->kind = k;
	st->keep = o->keep != 0;
	st->ring = strcmp(o->engine, "io_uring") == 0;
	st->qd = (unsigned)o->qd;
	st->batch = strcmp(o->submit, "batch") == 0;
	if (st->ring) {
		/* Before any scratch file is made: a target without io_uring
		 * gives unavailable rows with the reason, not failed ones. */
		char why[384];
		if (io_ring_available(io_ring_entries(st->qd, k->sync), why,
				      sizeof(why))) {
			snprintf(err, errlen, "%s: engine=io_uring: %s",
				 k->name, why);
			free(st);
			return -EOPNOTSUPP;
		}
	}
	vp_io_set_created_hook(ctx->created);
	/* Readers may measure the user's own file read-only; writers only
	 * ever touch what vpbench created. */
	int rc =
	    k->write
		? vp_io_target_open(k->name, o, ctx->scratch_dir,
				    ctx->scratch_dev, &st->t, err, errlen)
		: vp_io_target_open_read(k->name, o, ctx->scratch_dir,
					 ctx->scratch_dev, &st->t, err, errlen);
	if (rc) {
		free(st);
		return rc;
	}
	st->use_tsc = kernel_uses_tsc() && vp_tsc_available();
	st->ns_per_tick = st->use_tsc ? 1.0 / vp_tsc_ticks_per_ns() : 1.0;
	*state = st;
	return 0;
}

/* A remark for `vpbench list`: whether engine=io_uring works here. */
static int io_supported(const struct vp_workload_ctx *ctx, char *why,
			size_t len)
{
	char r[384];
	if (io_ring_available(1, r, sizeof(r)))
		snprintf(why, len, "engine=io_uring unavailable: %s", r);
	else
		snprintf(why, len, "engine=io_uring available");
	return 0;
}

static void io_teardown(void *state)
{
	struct io_state *st = state;
	if (!st)
		return;
	vp_io_target_close(&st->t, st->keep);
	free(st);
}

/* The descriptor's name literal must match io_kinds[idx].name (messages). */
#define IO_WORKLOAD(sym, idx, wl_name, dflt, text)                             \
	static int sym##_setup(const struct vp_workload_ctx *ctx,              \
			       void **state, char *err, size_t errlen)         \
	{                                                                      \
		return io_setup(&io_kinds[idx], ctx, state, err, errlen);      \
	}                                                                      \
	const struct vp_workload sym = {                                       \
	    .name = wl_name,                                                   \
	    .summary = text,                                                   \
	    .in_default_set = dflt,                                            \
	    .throughput_metric = "iops",                                       \
	    .options = vp_io_options,                                          \
	    .opts_size = sizeof(struct vp_io_opts),                            \
	    .supported = io_supported,                                         \
	    .check = vp_io_check_opts,                                         \
	    .setup = sym##_setup,                                              \
	    .run = io_run_fn,                                                  \
	    .teardown = io_teardown,                                           \
	}

IO_WORKLOAD(vp_wl_io_randread, IO_RANDREAD, "io.randread", true,
	    "random O_DIRECT reads, one in flight per thread (psync) or qd "
	    "(io_uring)");
IO_WORKLOAD(vp_wl_io_randwrite, IO_RANDWRITE, "io.randwrite", true,
	    "random O_DIRECT writes, one in flight per thread (psync) or qd "
	    "(io_uring)");
IO_WORKLOAD(vp_wl_io_seqread, IO_SEQREAD, "io.seqread", false,
	    "sequential O_DIRECT pread, one region per thread");
IO_WORKLOAD(vp_wl_io_seqwrite, IO_SEQWRITE, "io.seqwrite", false,
	    "sequential O_DIRECT pwrite, one region per thread");
IO_WORKLOAD(vp_wl_io_fsync, IO_FSYNC, "io.fsync", true,
	    "sequential pwrite + fdatasync per op (database log pattern)");
