/* Orchestration of a run: folder, writers, targets in order (or, with
 * --parallel hosts, one thread per host, each running its targets in
 * order), failed rows for what a broken target did not measure, host load,
 * final report. */
#include "runner/run.h"

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
#include "runner/progress.h"
#include "runner/scratch_image.h"
#include "runner/stop_signal.h"
#include "runner/targets/host_load.h"
#include "runner/targets/target.h"

/* Set by vp_stop_signal_install's handlers; polled between steps. */
static volatile int *stop_flag;

/* What all targets share: the plan, the writers, the counters. With
 * --parallel hosts several lanes (threads) write through it, so every
 * write and every progress line happens under `lock`, one whole row at a
 * time. */
struct run_state {
	const struct vp_plan *plan;
	FILE *results, *env;
	struct vp_progress progress;
	pthread_mutex_t lock;
	size_t rows, failed_rows, write_errors;
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
	const char *run_dir, *image;
	const struct vp_run_options *o;
};

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
	    rep > (int)p->reps)
		return -1;
	return (long)((w * p->nthreads + t) * p->reps + (size_t)(rep - 1));
}

static int run_row(struct vp_emitter *e, const struct vp_row *row)
{
	struct lane *l = e->ctx;
	struct run_state *s = l->run;
	long i = step_index(s->plan, row->workload, row->threads, row->rep);
	int rc;

	if (i >= 0)
		l->seen[i] = 1;
	pthread_mutex_lock(&s->lock);
	s->rows++;
	if (row->m->status == VP_STATUS_FAILED) {
		s->failed_rows++;
		/* Say why on stderr too, once per distinct reason, so a user
		 * need not dig in results.csv (a dead guest fails many steps
		 * with one reason). */
		if (strcmp(l->last_failure, row->m->note) != 0) {
			snprintf(l->last_failure, sizeof(l->last_failure), "%s",
				 row->m->note);
			vp_progress_note(&s->progress,
					 "vpbench: %s %s threads=%d rep=%d "
					 "failed: %s",
					 row->ti->target, row->workload,
					 row->threads, row->rep, row->m->note);
		}
	}
	rc = vp_results_write_row(s->results, row);
	if (rc && s->write_errors++ == 0)
		vp_progress_note(&s->progress,
				 "vpbench: writing results.csv failed: %s",
				 strerror(-rc));
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static int run_env(struct vp_emitter *e, const char *key, const char *value)
{
	struct lane *l = e->ctx;
	int rc;

	/* The host side and the agent inside may both state a fact (e.g.
	 * host_load): write it once per target unless they disagree. */
	const char *seen = vp_kvlist_get(&l->env_seen, key);
	if (seen && strcmp(seen, value) == 0)
		return 0;
	vp_kvlist_set(&l->env_seen, key, "%s", value);
	pthread_mutex_lock(&l->run->lock);
	rc = vp_env_write_row(l->run->env, l->target, key, value);
	pthread_mutex_unlock(&l->run->lock);
	return rc;
}

static void run_progress(struct vp_emitter *e, int step, int steps,
			 const char *label)
{
	struct lane *l = e->ctx;
	(void)steps;
	pthread_mutex_lock(&l->run->lock);
	if (l->index >= 0)
		vp_progress_lane(&l->run->progress, l->index, label);
	else
		vp_progress_step(&l->run->progress, l->step_offset + step,
				 label);
	pthread_mutex_unlock(&l->run->lock);
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
	/* The caller already told the user why the target failed. */
	snprintf(l->last_failure, sizeof(l->last_failure), "%s", why);
	for (size_t w = 0; w < p->nworkloads; w++)
		for (size_t t = 0; t < p->nthreads; t++)
			for (unsigned r = 1; r <= p->reps; r++) {
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

static int make_dirs(const char *path, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen,
		 "cannot create run folder %s: %s (choose another with -o DIR)",
		 buf, strerror(errno));
	return -errno;
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

static FILE *open_new_csv(const char *dir, const char *name, char *path,
			  size_t pathlen, char *err, size_t errlen)
{
	snprintf(path, pathlen, "%s/%s", dir, name);
	FILE *f = fopen(path, "wx");
	if (!f)
		snprintf(err, errlen, "cannot create %s: %s%s", path,
			 strerror(errno),
			 errno == EEXIST
			     ? " (the folder holds an earlier run; "
			       "choose a new one with -o DIR)"
			     : " (choose another folder with -o DIR)");
	return f;
}

static void default_run_dir(struct vp_plan *plan)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (!plan->output[0])
		snprintf(plan->output, sizeof(plan->output), "results/%s",
			 stamp);
	if (!plan->run_id[0])
		snprintf(plan->run_id, sizeof(plan->run_id), "%s-%ld", stamp,
			 (long)getpid());
}

static void run_target(struct lane *l, struct vp_emitter *e,
		       struct vp_plan *plan, const char *name)
{
	char err[4096] = "";
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
	t.plan = plan;
	t.run_dir = l->run_dir;
	t.self_exe = l->o->self_exe;
	t.interrupted = stop_flag;
	t.scratch_image = l->image;
	t.step_offset = l->step_offset;
	t.total_steps = l->run->progress.total;
	snprintf(t.ti.run_id, sizeof(t.ti.run_id), "%s", plan->run_id);
	t.ti.host_cpus = (int)vp_cpus_available();
	snprintf(t.ti.hypervisor, sizeof(t.ti.hypervisor), "unknown");
	snprintf(t.ti.accel, sizeof(t.ti.accel), "none");
	int rc = t.ops->prepare(&t, err, sizeof(err));
	if (rc) {
		lane_note(l, "target ", name, err);
		char why[512];
		snprintf(why, sizeof(why), "deploy failed: %s", err);
		fail_missing_steps(l, e, &t.ti, why);
		t.ops->teardown(&t);
		return;
	}
	struct vp_host_load *load = NULL;
	if (plan->host_load) {
		load = vp_host_load_start(plan->host_load, err, sizeof(err));
		if (!load)
			lane_note(l, "", "", err);
	}
	rc = t.ops->run_agent(&t, e, err, sizeof(err));
	vp_host_load_stop(load);
	if (rc || *stop_flag) {
		const char *why = rc ? err : "interrupted by signal";
		if (rc)
			lane_note(l, "target ", name, err);
		fail_missing_steps(l, e, &t.ti, why);
	}
	t.ops->teardown(&t);
}

/* A lane's targets, one after another (a thread with --parallel hosts). */
static void *run_lane(void *arg)
{
	struct lane *l = arg;
	struct vp_plan *plan = (struct vp_plan *)l->run->plan;
	struct vp_emitter e = {run_row, run_env, run_progress, NULL, l};
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
		      const struct vp_run_options *o, const char *image)
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

/* Absolute, so the line is usable from any folder (scripts grep it). */
static void print_path(const char *what, const char *path)
{
	char abs[PATH_MAX];
	printf("%s: %s\n", what, realpath(path, abs) ? abs : path);
}

int vp_run_execute(struct vp_plan *plan, const struct vp_run_options *o)
{
	char err[4096], path[PATH_MAX], image[PATH_MAX] = "";
	struct run_state s;
	memset(&s, 0, sizeof(s));
	s.plan = plan;
	default_run_dir(plan);
	const char *dir = plan->output;
	if (make_dirs(dir, err, sizeof(err))) {
		fprintf(stderr, "vpbench run: %s\n", err);
		return 2;
	}
	if (!(s.results = open_new_csv(dir, "results.csv", path, sizeof(path),
				       err, sizeof(err))) ||
	    !(s.env = open_new_csv(dir, "env.csv", path, sizeof(path), err,
				   sizeof(err)))) {
		fprintf(stderr, "vpbench run: %s\n", err);
		if (s.results)
			fclose(s.results);
		return 2;
	}
	vp_results_write_header(s.results);
	vp_env_write_header(s.env);
	snprintf(path, sizeof(path), "%s/plan.conf", dir);
	FILE *pf = fopen(path, "w");
	if (pf) {
		vp_plan_write(plan, pf);
		fclose(pf);
	}
	size_t steps = vp_plan_steps(plan);
	pthread_mutex_init(&s.lock, NULL);
	int total = (int)(steps * plan->ntargets);
	vp_progress_init(&s.progress, total, plan->duration_s + plan->warmup_s,
			 o->quiet);

	stop_flag = vp_stop_signal_install();

	if (!o->quiet)
		vp_progress_note(&s.progress,
				 "vpbench: run %s -> %s (%zu targets x "
				 "%zu steps)",
				 plan->run_id, dir, plan->ntargets, steps);
	int rc_image = 0;
	if (plan_needs_image(plan)) {
		snprintf(image, sizeof(image), "%s/scratch.img", dir);
		rc_image = vp_scratch_image_create(image, plan->disk_size, err,
						   sizeof(err));
		if (rc_image) {
			vp_progress_note(&s.progress, "vpbench: %s", err);
			image[0] = 0;
		}
	}
	run_lanes(&s, dir, o, image[0] ? image : NULL);
	vp_progress_done(&s.progress);
	if (image[0])
		unlink(image);
	fclose(s.results);
	fclose(s.env);
	pthread_mutex_destroy(&s.lock);

	fprintf(stderr, "vpbench: %zu rows written, %zu failed%s\n", s.rows,
		s.failed_rows, *stop_flag ? " (interrupted)" : "");
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	print_path("results", path);
	if (!o->no_report) {
		char html[PATH_MAX], summary[PATH_MAX];
		snprintf(html, sizeof(html), "%s/report.html", dir);
		snprintf(summary, sizeof(summary), "%s/summary.csv", dir);
		const char *dirs[] = {dir};
		if (vp_report_build(dirs, 1, html, summary, NULL, err,
				    sizeof(err)))
			fprintf(stderr, "vpbench: report not written: %s\n",
				err);
		else
			print_path("report", html);
	}
	fflush(stdout);
	if (*stop_flag)
		return 130;
	return s.failed_rows || s.write_errors || rc_image ? 1 : 0;
}
