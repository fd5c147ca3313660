/* Orchestration of a run: folder, writers, targets in order, failed rows
 * for what a broken target did not measure, host load, final report. */
#include "runner/run.h"

#include <errno.h>
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
#include "runner/counter_scope.h"
#include "runner/targets/host_load.h"
#include "runner/progress.h"
#include "runner/scratch_image.h"
#include "runner/stop_signal.h"
#include "runner/targets/target.h"

/* Set by vp_stop_signal_install's handlers; polled between steps. */
static volatile int *stop_flag;

struct run_state {
	const struct vp_plan *plan;
	int vm_cpu_order[CPU_SETSIZE]; /* --vm-cpus in hwloc order */
	unsigned vm_cpu_n;
	FILE *results, *env;
	struct vp_progress progress;
	const char *target; /* current target name */
	int step_offset;
	unsigned char *seen;	   /* steps of the current target with rows */
	struct vp_kvlist env_seen; /* env facts of the current target */
	size_t rows, failed_rows, write_errors;
	char last_failure[VP_METRIC_NOTE_MAX]; /* last reason told on stderr */
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
	struct run_state *s = e->ctx;
	long i = step_index(s->plan, row->workload, row->threads, row->rep);
	if (i >= 0)
		s->seen[i] = 1;
	s->rows++;
	if (row->m->status == VP_STATUS_FAILED) {
		s->failed_rows++;
		/* Say why on stderr too, once per distinct reason, so a user
		 * need not dig in results.csv (a dead guest fails many steps
		 * with one reason). */
		if (strcmp(s->last_failure, row->m->note) != 0) {
			snprintf(s->last_failure, sizeof(s->last_failure), "%s",
				 row->m->note);
			vp_progress_note(&s->progress,
					 "vpbench: %s %s threads=%d rep=%d "
					 "failed: %s",
					 row->ti->target, row->workload,
					 row->threads, row->rep, row->m->note);
		}
	}
	int rc = vp_results_write_row(s->results, row);
	if (rc && s->write_errors++ == 0)
		vp_progress_note(&s->progress,
				 "vpbench: writing results.csv failed: %s",
				 strerror(-rc));
	return rc;
}

static int run_env(struct vp_emitter *e, const char *key, const char *value)
{
	struct run_state *s = e->ctx;
	/* The host side and the agent inside may both state a fact (e.g.
	 * host_load): write it once per target unless they disagree. */
	const char *seen = vp_kvlist_get(&s->env_seen, key);
	if (seen && strcmp(seen, value) == 0)
		return 0;
	vp_kvlist_set(&s->env_seen, key, "%s", value);
	return vp_env_write_row(s->env, s->target, key, value);
}

static void run_progress(struct vp_emitter *e, int step, int steps,
			 const char *label)
{
	struct run_state *s = e->ctx;
	(void)steps;
	vp_progress_step(&s->progress, s->step_offset + step, label);
}

/* Steps a target did not deliver become failed rows carrying the reason,
 * so the gap is visible in results.csv and the report. */
static void fail_missing_steps(struct run_state *s, struct vp_emitter *e,
			       const struct vp_target_info *ti, const char *why)
{
	const struct vp_plan *p = s->plan;
	/* The caller already told the user why the target failed. */
	snprintf(s->last_failure, sizeof(s->last_failure), "%s", why);
	for (size_t w = 0; w < p->nworkloads; w++)
		for (size_t t = 0; t < p->nthreads; t++)
			for (unsigned r = 1; r <= p->reps; r++) {
				long i = step_index(p, p->workloads[w].wl->name,
						    (int)p->threads[t], (int)r);
				if (s->seen[i])
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
		vm |= strncmp(p->targets[i], "vm", 2) == 0;
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

static void run_target(struct run_state *s, struct vp_emitter *e,
		       struct vp_plan *plan, const char *name,
		       const char *run_dir, const struct vp_run_options *o,
		       const char *image, const char *image_why)
{
	char err[4096] = "";
	struct vp_target t;
	size_t steps = vp_plan_steps(plan);
	memset(s->seen, 0, steps);
	vp_kvlist_free(&s->env_seen);
	vp_kvlist_init(&s->env_seen);
	s->target = name;
	if (vp_target_init(&t, name, err, sizeof(err))) {
		vp_progress_note(&s->progress, "vpbench: %s", err);
		return;
	}
	t.plan = plan;
	t.run_dir = run_dir;
	t.self_exe = o->self_exe;
	t.interrupted = stop_flag;
	t.scratch_image = image;
	t.scratch_why = image_why;
	t.vm_cpu_order = s->vm_cpu_order;
	t.vm_cpu_n = s->vm_cpu_n;
	t.step_offset = s->step_offset;
	t.total_steps = s->progress.total;
	snprintf(t.ti.run_id, sizeof(t.ti.run_id), "%s", plan->run_id);
	t.ti.host_cpus = (int)vp_cpus_available();
	snprintf(t.ti.hypervisor, sizeof(t.ti.hypervisor), "unknown");
	snprintf(t.ti.accel, sizeof(t.ti.accel), "none");
	int rc = t.ops->prepare(&t, err, sizeof(err));
	if (rc) {
		vp_progress_note(&s->progress, "vpbench: target %s: %s", name,
				 err);
		char why[512];
		snprintf(why, sizeof(why), "deploy failed: %s", err);
		fail_missing_steps(s, e, &t.ti, why);
		t.ops->teardown(&t);
		return;
	}
	struct vp_host_load *load = NULL;
	if (plan->host_load) {
		load = vp_host_load_start(plan->host_load, s->vm_cpu_order,
					  s->vm_cpu_n, err, sizeof(err));
		if (!load)
			vp_progress_note(&s->progress, "vpbench: %s", err);
	}
	rc = t.ops->run_agent(&t, e, err, sizeof(err));
	vp_host_load_stop(load);
	if (rc || *stop_flag) {
		const char *why = rc ? err : "interrupted by signal";
		if (rc)
			vp_progress_note(&s->progress,
					 "vpbench: target %s failed: %s", name,
					 err);
		fail_missing_steps(s, e, &t.ti, why);
	}
	t.ops->teardown(&t);
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
	if (rc) {
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

int vp_run_execute(struct vp_plan *plan, const struct vp_run_options *o)
{
	char err[4096], path[PATH_MAX], image[PATH_MAX] = "";
	char image_why[1024] = "";
	struct run_state s;
	memset(&s, 0, sizeof(s));
	s.plan = plan;
	/* Before anything is created: a refused set leaves no folder. */
	if (vm_cpus_order(plan, &s))
		return 2;
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
	/* One counter scope for every target, fixed before the plan is
	 * written for the agents. */
	if (vp_counter_scope_resolve(plan, err, sizeof(err)) &&
	    strcmp(plan->counter_scope, "user") == 0 && !o->quiet)
		fprintf(stderr,
			"vpbench: counter scope user for every target: %s\n",
			err);
	vp_results_write_header(s.results);
	vp_env_write_header(s.env);
	snprintf(path, sizeof(path), "%s/plan.conf", dir);
	FILE *pf = fopen(path, "w");
	if (pf) {
		vp_plan_write(plan, pf);
		fclose(pf);
	}
	size_t steps = vp_plan_steps(plan);
	s.seen = calloc(steps ? steps : 1, 1);
	int total = (int)(steps * plan->ntargets);
	vp_progress_init(&s.progress, total, plan->duration_s + plan->warmup_s,
			 o->quiet);

	stop_flag = vp_stop_signal_install();

	if (!o->quiet)
		vp_progress_note(&s.progress,
				 "vpbench: run %s -> %s (%zu targets x "
				 "%zu steps)",
				 plan->run_id, dir, plan->ntargets, steps);
	if (vp_target_tcg_fallback_note(plan, err, sizeof(err)))
		vp_progress_note(&s.progress, "%s", err);
	int rc_image = make_image(&s, dir, image, sizeof(image), image_why,
				  sizeof(image_why));
	struct vp_emitter e = {run_row, run_env, run_progress, NULL, &s};
	for (size_t i = 0; i < plan->ntargets && !*stop_flag; i++) {
		s.step_offset = (int)(i * steps);
		run_target(&s, &e, plan, plan->targets[i], dir, o,
			   image[0] ? image : NULL,
			   image_why[0] ? image_why : NULL);
	}
	vp_progress_done(&s.progress);
	if (image[0])
		unlink(image);
	fclose(s.results);
	fclose(s.env);
	free(s.seen);
	vp_kvlist_free(&s.env_seen);

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
