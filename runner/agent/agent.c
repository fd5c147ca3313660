/* The agent: runs every step of the plan on this machine (host, guest or SSH
 * target) and emits rows, env facts and progress through an emitter. */
#include "runner/agent/agent.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/blkinfo.h"
#include "probes/counters.h"
#include "probes/envinfo.h"
#include "probes/pin.h"
#include "probes/sysstat.h"
#include "runner/agent/agent_cmdline.h"
#include "runner/agent/agent_stream.h"
#include "runner/agent/schedule.h"
#include "runner/util/stop_signal.h"
#include "runner/util/leftovers.h"

/* Scratch files (vpbench-io.*, 64 MiB) go into the leftovers ledger: a
 * run killed with SIGKILL cannot remove them, the next run does. */
static void note_created(const char *path)
{
	vp_leftovers_add(path, NULL);
}

static void emit_metrics(struct vp_emitter *out,
			 const struct vp_target_info *ti, const char *workload,
			 unsigned threads, unsigned rep,
			 const struct vp_metrics *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct vp_row row = {ti, workload, (int)threads, (int)rep,
				     &m->v[i]};
		out->row(out, &row);
	}
}

/* One row saying why a whole step produced nothing else. */
static void emit_step_status(struct vp_emitter *out,
			     const struct vp_target_info *ti,
			     const struct vp_workload *wl, unsigned threads,
			     unsigned rep, enum vp_status st, const char *why)
{
	struct vp_metrics m;
	vp_metrics_init(&m);
	if (st == VP_STATUS_UNAVAILABLE)
		vp_metrics_unavailable(&m, wl->throughput_metric, "ops/s", "%s",
				       why);
	else
		vp_metrics_failed(&m, wl->throughput_metric, "ops/s", "%s",
				  why);
	emit_metrics(out, ti, wl->name, threads, rep, &m);
	vp_metrics_free(&m);
}

static void emit_env(const struct vp_agent_args *a, struct vp_emitter *out,
		     struct vp_counter_set *counters)
{
	const struct vp_plan *p = a->plan;
	char buf[256];
	struct vp_kvlist kv;
	vp_kvlist_init(&kv);
	vp_env_collect(&kv);
	/* Reports label merged runs by host; a guest reports its own name. */
	if (gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = 0;
		vp_kvlist_set(&kv, "hostname", "%s", buf);
	}
	vp_kvlist_set(&kv, "target_kind", "%s", a->ti.target_kind);
	vp_kvlist_set(&kv, "thread_pinning", "%s", vp_pin_mode_name(p->pin));
	vp_kvlist_set(&kv, "host_load", "%u", p->host_load);
	vp_kvlist_set(&kv, "vm_cpus", "%s", p->vm_cpus[0] ? p->vm_cpus : "all");
	vp_kvlist_set(&kv, "counters_requested", "%s", p->counters);
	vp_kvlist_set(&kv, "counter_scope", "%s", p->counter_scope);
	/* The requested set replaces the env probe's view of the auto set. */
	for (size_t i = 0; counters && i < vp_counters_count(counters); i++) {
		char key[VP_KV_KEY_MAX];
		snprintf(key, sizeof(key), "counter.%s",
			 vp_counters_event_name(counters, i));
		vp_kvlist_set(&kv, key, "%s",
			      vp_counters_event_status(counters, i));
	}
	for (size_t i = 0; i < kv.n; i++)
		out->env(out, kv.v[i].key, kv.v[i].value);
	vp_kvlist_free(&kv);
	if (strcmp(p->order, "random") == 0)
		snprintf(buf, sizeof(buf), "random (seed %u)", p->seed);
	else
		snprintf(buf, sizeof(buf), "sequential");
	out->env(out, "step_order", buf);
	if (p->reps_auto)
		snprintf(buf, sizeof(buf),
			 "auto: 95%% CI half-width <= %g%% of the mean, %u .. "
			 "%u reps",
			 p->ci_target_pct, p->min_reps, p->max_reps);
	else
		snprintf(buf, sizeof(buf), "%u", p->reps);
	out->env(out, "reps_rule", buf);
	snprintf(buf, sizeof(buf), "%.3f", p->duration_s);
	out->env(out, "duration_s", buf);
	snprintf(buf, sizeof(buf), "%.3f", p->warmup_s);
	out->env(out, "warmup_s", buf);
	if (a->scratch_dev)
		out->env(out, "io_scratch", a->scratch_dev);
	/* A guest's disk: whether the queues condition reached its driver. */
	if (a->scratch_dev && vp_blk_describe(a->scratch_dev, buf,
					      sizeof(buf)) == 0)
		out->env(out, "io_scratch_blk", buf);
}

/* A step mark (emitter.h): outside the measured window, one record before
 * the run and one after it. */
static void emit_mark(struct vp_emitter *out, int step, enum vp_mark_phase ph,
		      const char *workload, unsigned threads, unsigned rep)
{
	struct vp_step_mark m = {step, ph, workload, (int)threads, (int)rep};
	if (out->mark)
		out->mark(out, &m);
}

static int run_step(const struct vp_agent_args *a, struct vp_emitter *out,
		    const struct vp_plan_workload *pw,
		    const struct vp_workload_ctx *ctx, void *state,
		    struct vp_counter_set *counters, unsigned threads,
		    unsigned rep, int step, double *throughput,
		    bool *unavailable)
{
	*throughput = NAN;
	*unavailable = false;
	const struct vp_plan *p = a->plan;
	char err[512] = "";
	struct vp_team_params tp = {threads, p->warmup_s, p->duration_s,
				    p->pin,  counters,	  a->interrupted};
	struct vp_team *team = vp_team_create(&tp, err, sizeof(err));
	if (!team) {
		emit_step_status(out, &a->ti, pw->wl, threads, rep,
				 VP_STATUS_FAILED, err);
		return 1;
	}
	struct vp_metrics m;
	vp_metrics_init(&m);
	struct vp_sysstat_snapshot before, after;
	vp_sysstat_take(&before);
	emit_mark(out, step, VP_MARK_BEGIN, pw->wl->name, threads, rep);
	int rc = pw->wl->run(ctx, state, team, &m, err, sizeof(err));
	emit_mark(out, step, VP_MARK_END, pw->wl->name, threads, rep);
	vp_sysstat_take(&after);
	int failed = 0;
	if (a->interrupted && *a->interrupted) {
		/* A cut-short window is not a measurement. */
		emit_step_status(out, &a->ti, pw->wl, threads, rep,
				 VP_STATUS_FAILED, "interrupted by signal");
		failed = 1;
	} else if (rc == -EOPNOTSUPP) {
		/* The workload cannot run at this thread count (sched.wake at
		 * an odd one): a reason, not a failure. */
		emit_step_status(out, &a->ti, pw->wl, threads, rep,
				 VP_STATUS_UNAVAILABLE,
				 err[0] ? err : strerror(-rc));
		*unavailable = true;
	} else if (rc) {
		emit_step_status(out, &a->ti, pw->wl, threads, rep,
				 VP_STATUS_FAILED,
				 err[0] ? err : strerror(-rc));
		failed = 1;
	} else {
		const struct vp_metric *tm =
		    vp_metrics_find(&m, pw->wl->throughput_metric);

		if (tm && tm->status == VP_STATUS_OK)
			*throughput = tm->value;
		vp_sysstat_metrics(&before, &after, &m);
		/* A stopped target's figures are not the workload's: every
		 * row says so (machine-readable: probes/metrics.h). */
		char why[VP_METRIC_NOTE_MAX];
		if (vp_team_suspended(team, why, sizeof(why))) {
			vp_metrics_mark_suspended(&m, 0, why);
			*throughput = NAN;
		}
		emit_metrics(out, &a->ti, pw->wl->name, threads, rep, &m);
	}
	vp_metrics_free(&m);
	vp_team_destroy(team);
	return failed;
}

/* One workload of the plan as the step loop sees it: set up at its first
 * step, torn down after its last cell (at once in sequential order, at the
 * end in random order). */
struct slot {
	const struct vp_plan_workload *pw;
	struct vp_workload_ctx ctx;
	void *state;
	enum vp_status skip; /* why it cannot run, from supported/setup */
	char why[512];
	bool set_up, torn_down;
	size_t cells_left;
};

static void slot_prepare(struct slot *sl)
{
	const struct vp_workload *wl = sl->pw->wl;
	int rc;

	if (sl->set_up)
		return;
	sl->set_up = true;
	if (wl->supported && wl->supported(&sl->ctx, sl->why, sizeof(sl->why)))
		sl->skip = VP_STATUS_UNAVAILABLE;
	else if (wl->setup && (rc = wl->setup(&sl->ctx, &sl->state, sl->why,
					      sizeof(sl->why))))
		/* -EOPNOTSUPP: the target cannot give what the options ask
		 * (mem.tlb pages=2m without a huge page). */
		sl->skip = rc == -EOPNOTSUPP ? VP_STATUS_UNAVAILABLE
					     : VP_STATUS_FAILED;
}

static void slot_teardown(struct slot *sl)
{
	if (sl->set_up && !sl->torn_down && sl->skip == VP_STATUS_OK &&
	    sl->pw->wl->teardown)
		sl->pw->wl->teardown(sl->state);
	sl->torn_down = true;
}

/* Under -r auto, the end of a cell says how many reps it took and whether
 * its confidence interval reached the target. */
static void emit_cell_end(const struct vp_agent_args *a, struct vp_emitter *out,
			  const struct slot *sl, unsigned threads,
			  const struct vp_cell *c)
{
	struct vp_metrics m;
	double ci = vp_cell_ci_pct(c);

	vp_metrics_init(&m);
	vp_metrics_ok(&m, "reps_used", c->reps_run, "count");
	vp_metrics_ok(&m, "ci_converged", c->converged ? 1 : 0, "bool");
	if (ci >= 0)
		vp_metrics_ok(&m, "ci_half_width_pct", ci, "%");
	else
		vp_metrics_unavailable(&m, "ci_half_width_pct", "%",
				       "fewer than 2 successful repetitions");
	emit_metrics(out, &a->ti, sl->pw->wl->name, threads, c->reps_run, &m);
	vp_metrics_free(&m);
}

static void schedule_params(const struct vp_plan *p,
			    struct vp_schedule_params *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->nworkloads = p->nworkloads;
	sp->nthreads = p->nthreads;
	sp->auto_reps = p->reps_auto;
	sp->reps = p->reps;
	sp->min_reps = p->min_reps;
	sp->max_reps = p->max_reps;
	sp->ci_target_pct = p->ci_target_pct;
	sp->order = strcmp(p->order, "random") == 0 ? VP_ORDER_RANDOM
						    : VP_ORDER_SEQUENTIAL;
	sp->seed = p->seed;
}

/* Runs one scheduled step; returns 1 when it failed. */
static int schedule_step(const struct vp_agent_args *a, struct vp_emitter *out,
			 struct slot *sl, struct vp_counter_set *counters,
			 unsigned threads, unsigned rep, int step,
			 double *throughput, bool *unavailable)
{
	*throughput = NAN;
	slot_prepare(sl);
	*unavailable = sl->skip == VP_STATUS_UNAVAILABLE;
	if (sl->skip != VP_STATUS_OK) {
		emit_step_status(out, &a->ti, sl->pw->wl, threads, rep,
				 sl->skip, sl->why);
		return sl->skip == VP_STATUS_FAILED;
	}
	return run_step(a, out, sl->pw, &sl->ctx, sl->state, counters, threads,
			rep, step, throughput, unavailable);
}

static int run_schedule(const struct vp_agent_args *a, struct vp_emitter *out,
			struct slot *slots, struct vp_schedule *sched,
			struct vp_counter_set *counters)
{
	const struct vp_plan *p = a->plan;
	int step = a->step_offset, any_failed = 0;
	int total = a->total_steps ? a->total_steps : (int)vp_plan_steps(p);
	size_t w, t;
	unsigned rep;

	while (!(a->interrupted && *a->interrupted) &&
	       vp_schedule_next(sched, &w, &t, &rep)) {
		struct slot *sl = &slots[w];
		char label[256];
		double tp;
		bool na;

		snprintf(label, sizeof(label), "%s %s threads=%u rep=%u/%u%s",
			 a->ti.target, sl->pw->wl->name, p->threads[t], rep,
			 p->reps_auto ? p->max_reps : p->reps,
			 p->reps_auto ? " (at most)" : "");
		if (out->progress)
			out->progress(out, ++step, total, label);
		any_failed |= schedule_step(a, out, sl, counters, p->threads[t],
					    rep, step, &tp, &na);
		if (!vp_schedule_record(sched, !isnan(tp), tp, na))
			continue;
		if (p->reps_auto)
			emit_cell_end(a, out, sl, p->threads[t],
				      vp_schedule_cell(sched, w, t));
		if (--sl->cells_left == 0)
			slot_teardown(sl);
	}
	return any_failed;
}

int vp_agent_run(const struct vp_agent_args *a, struct vp_emitter *out)
{
	const struct vp_plan *p = a->plan;
	char err[512];
	struct vp_counter_set *counters = NULL;
	struct vp_schedule_params sp;
	struct vp_schedule sched;
	struct slot *slots;
	unsigned max_threads = 1;
	int any_failed;

	enum vp_counter_scope scope = VP_SCOPE_AUTO;
	/* The runner resolved auto; a plan run by hand may still say it. */
	vp_counter_scope_parse(p->counter_scope, &scope);
	vp_counters_set_scope(scope);
	if (vp_counters_resolve(p->counters, &counters, err, sizeof(err))) {
		if (out->finish)
			out->finish(out, 2, err);
		return -EINVAL;
	}
	schedule_params(p, &sp);
	slots = calloc(p->nworkloads ? p->nworkloads : 1, sizeof(*slots));
	if (!slots || vp_schedule_init(&sched, &sp) != 0) {
		free(slots);
		vp_counters_free(counters);
		if (out->finish)
			out->finish(out, 2,
				    "bad repetition settings or no memory");
		return -EINVAL;
	}
	emit_env(a, out, counters);
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i] > max_threads)
			max_threads = p->threads[i];
	for (size_t w = 0; w < p->nworkloads; w++) {
		slots[w].pw = &p->workloads[w];
		slots[w].ctx = (struct vp_workload_ctx){
		    p->workloads[w].opts, max_threads, a->scratch_dir,
		    a->scratch_dev, note_created, a->net_peer};
		slots[w].cells_left = p->nthreads;
	}
	any_failed = run_schedule(a, out, slots, &sched, counters);
	for (size_t w = 0; w < p->nworkloads; w++)
		slot_teardown(&slots[w]);
	free(slots);
	vp_schedule_free(&sched);
	vp_counters_free(counters);
	int interrupted = a->interrupted && *a->interrupted;
	if (out->finish)
		out->finish(out, interrupted ? 130 : any_failed,
			    interrupted	 ? "interrupted"
			    : any_failed ? "some steps failed"
					 : "ok");
	return any_failed || interrupted ? 1 : 0;
}

/* ---- `vpbench agent` ---- */

/* The target fields every row carries, from the command line. */
static void target_from_cmdline(const struct vp_agent_cmdline *c,
				struct vp_agent_args *a)
{
	snprintf(a->ti.target, sizeof(a->ti.target), "%s",
		 c->target ? c->target : "host");
	snprintf(a->ti.target_kind, sizeof(a->ti.target_kind), "%s",
		 c->kind ? c->kind : "host");
	snprintf(a->ti.accel, sizeof(a->ti.accel), "%s",
		 c->accel ? c->accel : "none");
	if (c->run_id)
		snprintf(a->ti.run_id, sizeof(a->ti.run_id), "%s", c->run_id);
	a->ti.host_cpus =
	    c->host_cpus ? vp_agent_cmdline_cpus(c) : (int)vp_cpus_available();
	a->scratch_dev = c->scratch_dev;
	a->scratch_dir = c->scratch_dir;
	a->net_peer = c->net_peer;
}

int vp_agent_main(int argc, char **argv)
{
	struct vp_agent_cmdline c;
	const char *plan_path, *out_path;
	struct vp_agent_args a;
	char err[1024];
	int rc = vp_agent_cmdline_parse(argc, argv, &c, err, sizeof(err));

	if (rc == 1) {
		fputs(vp_agent_cmdline_usage, stdout);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "vpbench agent: %s\n%s", err,
			vp_agent_cmdline_usage);
		return 2;
	}
	memset(&a, 0, sizeof(a));
	target_from_cmdline(&c, &a);
	plan_path = c.plan;
	out_path = c.out;
	static struct vp_plan plan;
	vp_plan_defaults(&plan);
	if (vp_plan_load(&plan, plan_path, err, sizeof(err)) ||
	    vp_plan_finalize(&plan, err, sizeof(err))) {
		fprintf(stderr, "vpbench agent: %s\n", err);
		return 2;
	}
	FILE *out = stdout;
	if (out_path && !(out = fopen(out_path, "w"))) {
		fprintf(stderr, "vpbench agent: cannot open %s: %s\n", out_path,
			strerror(errno));
		return 2;
	}
	if (!a.ti.run_id[0])
		snprintf(a.ti.run_id, sizeof(a.ti.run_id), "%s", plan.run_id);
	a.ti.vcpus = (int)vp_cpus_available();
	vp_env_hypervisor(a.ti.hypervisor, sizeof(a.ti.hypervisor));
	a.plan = &plan;
	a.interrupted = vp_stop_signal_install();
	struct vp_emitter em;
	vp_stream_emitter_init(&em, out);
	rc = vp_agent_run(&a, &em);
	if (out != stdout)
		fclose(out);
	else
		fflush(stdout);
	vp_plan_free(&plan);
	return rc < 0 ? 2 : rc;
}
