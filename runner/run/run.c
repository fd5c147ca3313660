/* Orchestration of a run: folder, writers, targets in order (or, with
 * --parallel hosts, one thread per host, each running its targets in
 * order), failed rows for what a broken target did not measure, host load,
 * final report. */
#include "runner/run/run.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "probes/envinfo.h"
#include "probes/pin.h"
#include "probes/tsc.h"
#include "reports/report_cli.h"
#include "reports/results_csv.h"
#include "reports/target_host.h"
#include "runner/run/counter_scope.h"
#include "runner/run/progress.h"
#include "runner/run/provenance.h"
#include "runner/run/run_folder.h"
#include "runner/run/scratch_image.h"
#include "runner/util/stop_signal.h"
#include "runner/targets/host_load.h"
#include "runner/targets/target.h"
#include "runner/util/leftovers.h"
#include "runner/util/phase_log.h"

/* Set by vp_stop_signal_install's handlers; polled between steps. */
static volatile int *stop_flag;

/* What all targets share: the plan, the writers, the counters. With
 * --parallel hosts several lanes (threads) write through it, so every
 * write and every progress line happens under `lock`, one whole row at a
 * time. */
struct run_state {
	const struct vp_plan *plan;
	int vm_cpu_order[CPU_SETSIZE]; /* --vm-cpus in hwloc order */
	unsigned vm_cpu_n;
	struct vp_run_files files;
	struct vp_progress progress;
	pthread_mutex_t lock;
	size_t rows, failed_rows;	/* rows on disk */
	size_t auto_cells, unconverged; /* -r auto: cells, short of target */
	size_t suspended_steps; /* steps marked "suspended:" (their wall_s) */
	int write_failed;		/* a write to the run folder failed */
};

/* One host's targets, run one after another (all targets when not
 * parallel). The emitter's ctx. */
struct lane {
	struct run_state *run;
	int index;	/* progress line (parallel) or -1 */
	char host[128]; /* vp_target_host of its targets */
	size_t targets[VP_PLAN_MAX_TARGETS]; /* plan indices, in order */
	size_t ntargets;
	const char *target; /* current target name */
	int step_offset;
	unsigned char *seen;	   /* steps of the current target with rows */
	struct vp_kvlist env_seen; /* env facts of the current target */
	char last_failure[VP_METRIC_NOTE_MAX]; /* last reason told on stderr */
	const char *run_dir, *image, *image_why;
	const struct vp_run_options *o;
};

/* The first failed write ends the run: measuring on would only produce
 * rows that cannot be kept. Every whole row written so far stays. Called
 * with the lock held (or before the lanes start). */
static void stop_writing(struct run_state *s, const struct vp_out_file *f)
{
	char why[PATH_MAX + 128];
	if (s->write_failed++)
		return;
	vp_out_error(f, why, sizeof(why));
	vp_progress_note(&s->progress,
			 "vpbench: %s; stopping the run (the rows written so "
			 "far are kept whole)",
			 why);
	if (stop_flag)
		*stop_flag = 1;
}

static long step_index(const struct vp_plan *p, const char *workload,
		       int threads, int rep)
{
	size_t w, t;
	for (w = 0; w < p->nworkloads; w++)
		if (strcmp(p->workloads[w].wl->name, workload) == 0)
			break;
	for (t = 0; t < p->nthreads; t++)
		if ((int)p->threads[t] == threads)
			break;
	if (w == p->nworkloads || t == p->nthreads || rep < 1 ||
	    rep > (int)vp_plan_max_reps(p))
		return -1;
	return (long)((w * p->nthreads + t) * vp_plan_max_reps(p) +
		      (size_t)(rep - 1));
}

/* run_row's work, under the lock. */
static int lane_row(struct lane *l, struct run_state *s,
		    const struct vp_row *row)
{
	if (s->write_failed)
		return -EIO;
	if (row->m->status == VP_STATUS_FAILED &&
	    strcmp(l->last_failure, row->m->note) != 0) {
		/* Say why on stderr too, once per distinct reason, so a user
		 * need not dig in results.csv (a dead guest fails many steps
		 * with one reason). */
		snprintf(l->last_failure, sizeof(l->last_failure), "%s",
			 row->m->note);
		vp_progress_note(&s->progress,
				 "vpbench: %s %s threads=%d rep=%d failed: %s",
				 row->ti->target, row->workload, row->threads,
				 row->rep, row->m->note);
	}
	size_t len;
	char *text = vp_results_row_text(row, &len);
	int rc = text ? vp_out_write(&s->files.results, text, len) : -ENOMEM;
	free(text);
	if (rc) {
		stop_writing(s, &s->files.results);
		return rc;
	}
	long i = step_index(s->plan, row->workload, row->threads, row->rep);
	if (i >= 0)
		l->seen[i] = 1;
	s->rows++;
	s->failed_rows += row->m->status == VP_STATUS_FAILED;
	/* Every row of a suspended step is marked; wall_s is one per
	 * step. */
	if (row->m->status == VP_STATUS_OK &&
	    vp_note_is_suspended(row->m->note) &&
	    !strcmp(row->m->name, "wall_s")) {
		s->suspended_steps++;
		vp_progress_note(&s->progress,
				 "vpbench: %s %s threads=%d "
				 "rep=%d %s",
				 row->ti->target, row->workload, row->threads,
				 row->rep, row->m->note);
	}
	if (row->m->status == VP_STATUS_OK &&
	    !strcmp(row->m->name, "ci_converged")) {
		s->auto_cells++;
		s->unconverged += row->m->value < 0.5;
	}
	return 0;
}

static int run_row(struct vp_emitter *e, const struct vp_row *row)
{
	struct lane *l = e->ctx;
	struct run_state *s = l->run;
	int rc;

	pthread_mutex_lock(&s->lock);
	rc = lane_row(l, s, row);
	pthread_mutex_unlock(&s->lock);
	vp_phase_log(l->target, "row", NULL);
	return rc;
}
static int run_env(struct vp_emitter *e, const char *key, const char *value)
{
	struct lane *l = e->ctx;
	struct run_state *s = l->run;
	int rc = 0;

	/* The host side and the agent inside may both state a fact (e.g.
	 * host_load): write it once per target unless they disagree. */
	const char *seen = vp_kvlist_get(&l->env_seen, key);
	if (seen && strcmp(seen, value) == 0)
		return 0;
	vp_kvlist_set(&l->env_seen, key, "%s", value);
	const char *fields[] = {l->target, key, value};
	size_t len;
	char *text = vp_csv_record_text(fields, 3, &len);
	pthread_mutex_lock(&s->lock);
	if (s->write_failed)
		rc = -EIO;
	else if (!text)
		rc = -ENOMEM;
	else if ((rc = vp_out_write(&s->files.env, text, len)))
		stop_writing(s, &s->files.env);
	pthread_mutex_unlock(&s->lock);
	free(text);
	return rc;
}

static void run_progress(struct vp_emitter *e, int step, int steps,
			 const char *label)
{
	struct lane *l = e->ctx;
	(void)steps;
	vp_phase_log_step(l->target, "p", step);
	pthread_mutex_lock(&l->run->lock);
	if (l->index >= 0)
		vp_progress_lane(&l->run->progress, l->index, label);
	else
		vp_progress_step(&l->run->progress, l->step_offset + step,
				 label);
	pthread_mutex_unlock(&l->run->lock);
}

/* Step marks matter to the run only through the phase log. */
static void run_mark(struct vp_emitter *e, const struct vp_step_mark *m)
{
	struct lane *l = e->ctx;

	vp_phase_log_step(l->target, m->phase == VP_MARK_BEGIN ? "b" : "e",
			  m->step);
}

/* A message on stderr from a lane. */
static void lane_note(struct lane *l, const char *what, const char *name,
		      const char *msg)
{
	pthread_mutex_lock(&l->run->lock);
	vp_progress_note(&l->run->progress, "vpbench: %s%s%s%s", what, name,
			 *name ? ": " : "", msg);
	pthread_mutex_unlock(&l->run->lock);
}

/* Steps a target did not deliver become failed rows carrying the reason,
 * so the gap is visible in results.csv and the report. */
static void fail_missing_steps(struct lane *l, struct vp_emitter *e,
			       const struct vp_target_info *ti, const char *why)
{
	const struct vp_plan *p = l->run->plan;
	if (l->run->write_failed)
		return;
	/* The caller already told the user why the target failed. Under -r
	 * auto only the reps every cell needs are owed; a cell may have
	 * converged before max_reps. */
	snprintf(l->last_failure, sizeof(l->last_failure), "%s", why);
	for (size_t w = 0; w < p->nworkloads; w++)
		for (size_t t = 0; t < p->nthreads; t++)
			for (unsigned r = 1; r <= vp_plan_required_reps(p);
			     r++) {
				long i = step_index(p, p->workloads[w].wl->name,
						    (int)p->threads[t], (int)r);
				if (l->seen[i])
					continue;
				struct vp_metric m;
				memset(&m, 0, sizeof(m));
				snprintf(m.name, sizeof(m.name), "%s",
					 p->workloads[w].wl->throughput_metric);
				snprintf(m.unit, sizeof(m.unit), "ops/s");
				m.status = VP_STATUS_FAILED;
				snprintf(m.note, sizeof(m.note), "%s", why);
				struct vp_row row = {
				    ti, p->workloads[w].wl->name,
				    (int)p->threads[t], (int)r, &m};
				run_row(e, &row);
			}
}

static int plan_needs_image(const struct vp_plan *p)
{
	int vm = 0, io = 0;
	for (size_t i = 0; i < p->ntargets; i++)
		vm |= vp_target_is_vm(p->targets[i]);
	for (size_t i = 0; i < p->nworkloads; i++)
		io |= strncmp(p->workloads[i].wl->name, "io.", 3) == 0;
	return vm && io;
}

static void run_target(struct lane *l, struct vp_emitter *e,
		       struct vp_plan *plan, const char *name)
{
	struct run_state *s = l->run;
	char err[4096] = "", msg[4200];
	struct vp_target t;
	size_t steps = vp_plan_steps(plan);
	memset(l->seen, 0, steps);
	vp_kvlist_free(&l->env_seen);
	vp_kvlist_init(&l->env_seen);
	l->target = name;
	if (vp_target_init(&t, name, err, sizeof(err))) {
		lane_note(l, "", "", err);
		return;
	}
	vp_provenance_emit_start(e, plan);
	t.plan = plan;
	t.run_dir = l->run_dir;
	t.self_exe = l->o->self_exe;
	t.interrupted = stop_flag;
	t.scratch_image = l->image;
	t.scratch_why = l->image_why;
	t.vm_cpu_order = s->vm_cpu_order;
	t.vm_cpu_n = s->vm_cpu_n;
	t.step_offset = l->step_offset;
	t.total_steps = s->progress.total;
	snprintf(t.ti.run_id, sizeof(t.ti.run_id), "%s", plan->run_id);
	t.ti.host_cpus = (int)vp_cpus_available();
	snprintf(t.ti.hypervisor, sizeof(t.ti.hypervisor), "unknown");
	snprintf(t.ti.accel, sizeof(t.ti.accel), "none");
	vp_phase_log(name, "begin", NULL);
	int rc = t.ops->prepare(&t, err, sizeof(err));
	vp_phase_log(name, "prepared", NULL);
	if (rc) {
		lane_note(l, "target ", name, err);
		char why[512];
		snprintf(why, sizeof(why), "deploy failed: %s", err);
		fail_missing_steps(l, e, &t.ti, why);
		vp_provenance_emit_end(e);
		t.ops->teardown(&t);
		return;
	}
	struct vp_host_load *load = NULL;
	if (plan->host_load) {
		load = vp_host_load_start(plan->host_load, s->vm_cpu_order,
					  s->vm_cpu_n, err, sizeof(err));
		if (!load)
			lane_note(l, "", "", err);
	}
	rc = t.ops->run_agent(&t, e, err, sizeof(err));
	vp_phase_log(name, "agent_end", NULL);
	vp_host_load_stop(load);
	if ((rc || *stop_flag) && !s->write_failed) {
		const char *why = rc ? err : "interrupted by signal";
		if (rc) {
			snprintf(msg, sizeof(msg), "failed: %s", err);
			lane_note(l, "target ", name, msg);
		}
		fail_missing_steps(l, e, &t.ti, why);
	}
	vp_provenance_emit_end(e);
	t.ops->teardown(&t);
	/* A target's rows survive a crash of the machine from here on. */
	pthread_mutex_lock(&s->lock);
	if (vp_out_sync(&s->files.results))
		stop_writing(s, &s->files.results);
	else if (vp_out_sync(&s->files.env))
		stop_writing(s, &s->files.env);
	pthread_mutex_unlock(&s->lock);
	vp_phase_log(name, "end", NULL);
	vp_phase_log_flush();
}

/* A lane's targets, one after another (a thread with --parallel hosts). */
static void *run_lane(void *arg)
{
	struct lane *l = arg;
	struct vp_plan *plan = (struct vp_plan *)l->run->plan;
	struct vp_emitter e = {.row = run_row,
			       .env = run_env,
			       .progress = run_progress,
			       .mark = run_mark,
			       .ctx = l};
	size_t steps = vp_plan_steps(plan);

	for (size_t k = 0; k < l->ntargets && !*stop_flag; k++) {
		l->step_offset = (int)(l->targets[k] * steps);
		run_target(l, &e, plan, plan->targets[l->targets[k]]);
	}
	pthread_mutex_lock(&l->run->lock);
	vp_progress_lane_done(&l->run->progress, l->index);
	pthread_mutex_unlock(&l->run->lock);
	return NULL;
}

/* Groups the plan's targets into lanes: one per host with --parallel
 * hosts (in order of first appearance), else one for all. */
static size_t make_lanes(struct run_state *s, struct lane *lanes)
{
	const struct vp_plan *p = s->plan;
	size_t n = 0;

	for (size_t i = 0; i < p->ntargets; i++) {
		char host[128];
		size_t k = 0;

		vp_target_host(p->targets[i], host, sizeof(host));
		if (p->parallel_hosts)
			while (k < n && strcmp(lanes[k].host, host))
				k++;
		if (k == n) {
			lanes[n].run = s;
			lanes[n].index = -1;
			snprintf(lanes[n].host, sizeof(lanes[n].host), "%s",
				 p->parallel_hosts ? host : "all");
			n++;
		}
		lanes[k].targets[lanes[k].ntargets++] = i;
	}
	return n;
}

/* Runs the lanes: in this thread when there is one, else a thread each
 * and a progress line per host. */
static void run_lanes(struct run_state *s, const char *dir,
		      const struct vp_run_options *o, const char *image,
		      const char *image_why)
{
	static struct lane lanes[VP_PLAN_MAX_TARGETS];
	pthread_t th[VP_PLAN_MAX_TARGETS];
	const char *names[VP_PLAN_MAX_TARGETS];
	size_t steps = vp_plan_steps(s->plan), n;
	bool started[VP_PLAN_MAX_TARGETS] = {false};

	memset(lanes, 0, sizeof(lanes));
	n = make_lanes(s, lanes);
	for (size_t k = 0; k < n; k++) {
		lanes[k].seen = calloc(steps ? steps : 1, 1);
		lanes[k].run_dir = dir;
		lanes[k].image = image;
		lanes[k].image_why = image_why;
		lanes[k].o = o;
		vp_kvlist_init(&lanes[k].env_seen);
		names[k] = lanes[k].host;
		if (n > 1)
			lanes[k].index = (int)k;
	}
	if (n > 1) {
		vp_progress_lanes(&s->progress, (int)n, names);
		for (size_t k = 0; k < n; k++)
			started[k] = pthread_create(&th[k], NULL, run_lane,
						    &lanes[k]) == 0;
		for (size_t k = 0; k < n; k++)
			if (started[k])
				pthread_join(th[k], NULL);
			else
				run_lane(&lanes[k]); /* no thread: in turn */
	} else {
		run_lane(&lanes[0]);
	}
	for (size_t k = 0; k < n; k++) {
		free(lanes[k].seen);
		vp_kvlist_free(&lanes[k].env_seen);
	}
}

/* --vm-cpus as host PUs in hwloc order; 0, or -EINVAL said on stderr. */
static int vm_cpus_order(const struct vp_plan *plan, struct run_state *s)
{
	char err[512];
	cpu_set_t set;
	int n;

	if (!plan->vm_cpus[0])
		return 0;
	n = vp_cpulist_parse(plan->vm_cpus, &set, err, sizeof(err));
	if (!n)
		n = vp_pin_order_of(&set, s->vm_cpu_order, CPU_SETSIZE, err,
				    sizeof(err));
	if (n < 0) {
		fprintf(stderr, "vpbench run: --vm-cpus %s: %s\n",
			plan->vm_cpus, err);
		return -EINVAL;
	}
	s->vm_cpu_n = (unsigned)n;
	return 0;
}

/* The guests' scratch image, when the plan has VM targets and io.*: made
 * in the run folder unless that is RAM. On failure image is "" and why
 * says what went wrong (the VM targets record it). */
static int make_image(struct run_state *s, const char *dir, char *image,
		      size_t len, char *why, size_t wlen)
{
	int rc;

	if (!plan_needs_image(s->plan))
		return 0;
	snprintf(image, len, "%s/scratch.img", dir);
	rc = vp_scratch_image_check_dir(dir, why, wlen);
	if (!rc)
		rc = vp_scratch_image_create(image, s->plan->disk_size, why,
					     wlen);
	if (!rc) {
		vp_leftovers_add(image, NULL);
	} else {
		vp_progress_note(&s->progress, "vpbench: %s", why);
		image[0] = '\0';
	}
	return rc;
}

/* Absolute, so the line is usable from any folder (scripts grep it). */
static void print_path(const char *what, const char *path)
{
	char abs[PATH_MAX];
	printf("%s: %s\n", what, realpath(path, abs) ? abs : path);
}

/* The end of a run: the totals, the paths, the report. Returns the exit
 * code. */
static int finish(struct run_state *s, const struct vp_run_options *o,
		  int rc_image)
{
	const char *dir = s->plan->output;
	char err[4096], path[PATH_MAX];
	int interrupted = *stop_flag && !s->write_failed, report_failed = 0;
	if (vp_run_folder_close(&s->files))
		stop_writing(s, s->files.results.error ? &s->files.results
						       : &s->files.env);
	fprintf(stderr, "vpbench: %zu rows written, %zu failed%s\n", s->rows,
		s->failed_rows,
		s->write_failed ? " (stopped: a write to the run folder failed)"
		: interrupted	? " (interrupted)"
				: "");
	if (s->suspended_steps)
		fprintf(stderr,
			"vpbench: %zu step%s suspended (measured window far "
			"past its planned length: the target was stopped or "
			"not run); their rows are marked \"suspended:\" and "
			"left out of the report's statistics\n",
			s->suspended_steps, s->suspended_steps == 1 ? "" : "s");
	if (s->unconverged)
		fprintf(stderr,
			"vpbench: -r auto: %zu of %zu cells stopped at "
			"--max-reps %u before their 95%% CI came within "
			"--ci-target %g%% (ci_half_width_pct says how close); "
			"raise --max-reps or -d for tighter figures\n",
			s->unconverged, s->auto_cells, s->plan->max_reps,
			s->plan->ci_target_pct);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	print_path("results", path);
	if (!o->no_report && !s->write_failed) {
		char html[PATH_MAX], summary[PATH_MAX];
		snprintf(html, sizeof(html), "%s/report.html", dir);
		snprintf(summary, sizeof(summary), "%s/summary.csv", dir);
		const char *dirs[] = {dir};
		if (vp_report_build(dirs, 1, html, summary, NULL, err,
				    sizeof(err))) {
			/* The rows are safe in results.csv: exit 1, and
			 * `vpbench report` can write the report later. */
			fprintf(stderr,
				"vpbench: report not written: %s (the results "
				"are complete; vpbench report %s writes it "
				"once the cause is fixed)\n",
				err, dir);
			report_failed = 1;
		} else
			print_path("report", html);
		vp_phase_log("run", "report", NULL);
	}
	vp_phase_log("run", "end", NULL);
	vp_phase_log_flush();
	fflush(stdout);
	if (s->write_failed)
		return 1;
	if (interrupted)
		return 130;
	return s->failed_rows || rc_image || report_failed ? 1 : 0;
}

int vp_run_execute(struct vp_plan *plan, const struct vp_run_options *o)
{
	char err[4096], image[PATH_MAX] = "", image_why[1024] = "";
	struct run_state s;
	memset(&s, 0, sizeof(s));
	s.plan = plan;
	/* Before anything is created: a refused set leaves no folder. */
	if (vm_cpus_order(plan, &s))
		return 2;
	/* One counter scope for every target, fixed before the plan is
	 * written for the agents. */
	if (vp_counter_scope_resolve(plan, err, sizeof(err)) &&
	    strcmp(plan->counter_scope, "user") == 0 && !o->quiet)
		fprintf(stderr,
			"vpbench: counter scope user for every target: %s\n",
			err);
	vp_run_folder_default(plan);
	const char *dir = plan->output;
	size_t steps = vp_plan_steps(plan);
	vp_progress_init(&s.progress, (int)(steps * plan->ntargets),
			 plan->duration_s + plan->warmup_s, o->quiet);
	stop_flag = vp_stop_signal_install();
	int rc = vp_run_folder_open(plan, &s.files, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "vpbench run: %s\n", err);
		vp_run_folder_close(&s.files);
		return rc;
	}
	pthread_mutex_init(&s.lock, NULL);
	vp_phase_log("run", "start", NULL);
	/* What runs killed earlier left (their children died with them). */
	char swept[1024];
	if (vp_leftovers_sweep(swept, sizeof(swept)) > 0 && !o->quiet)
		vp_progress_note(
		    &s.progress,
		    "vpbench: removed leftovers of killed runs: %s", swept);
	if (!o->quiet)
		vp_progress_note(&s.progress,
				 "vpbench: run %s -> %s (%zu targets x "
				 "%zu steps)",
				 plan->run_id, dir, plan->ntargets, steps);
	if (vp_target_tcg_fallback_note(plan, err, sizeof(err)))
		vp_progress_note(&s.progress, "%s", err);
	int rc_image = make_image(&s, dir, image, sizeof(image), image_why,
				  sizeof(image_why));
	vp_phase_log("run", "image", NULL);
	run_lanes(&s, dir, o, image[0] ? image : NULL,
		  image_why[0] ? image_why : NULL);
	vp_phase_log("run", "lanes_done", NULL);
	vp_progress_done(&s.progress);
	if (image[0])
		unlink(image);
	pthread_mutex_destroy(&s.lock);
	/* Everything the ledger names was removed by its owner. */
	vp_leftovers_done();
	return finish(&s, o, rc_image);
}
