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
#include "runner/progress.h"
#include "runner/provenance.h"
#include "runner/run_folder.h"
#include "runner/scratch_image.h"
#include "runner/stop_signal.h"
#include "runner/targets/host_load.h"
#include "runner/targets/target.h"
#include "runner/util/leftovers.h"

/* Set by vp_stop_signal_install's handlers; polled between steps. */
static volatile int *stop_flag;

struct run_state {
	const struct vp_plan *plan;
	struct vp_run_files files;
	struct vp_progress progress;
	const char *target; /* current target name */
	int step_offset;
	unsigned char *seen;	   /* steps of the current target with rows */
	struct vp_kvlist env_seen; /* env facts of the current target */
	size_t rows, failed_rows;  /* rows on disk */
	int write_failed;	   /* a write to the run folder failed */
	char last_failure[VP_METRIC_NOTE_MAX]; /* last reason told on stderr */
};

/* The first failed write ends the run: measuring on would only produce
 * rows that cannot be kept. Every whole row written so far stays. */
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

static int run_row(struct vp_emitter *e, const struct vp_row *row)
{
	struct run_state *s = e->ctx;
	if (s->write_failed)
		return -EIO;
	if (row->m->status == VP_STATUS_FAILED &&
	    strcmp(s->last_failure, row->m->note) != 0) {
		/* Say why on stderr too, once per distinct reason, so a user
		 * need not dig in results.csv (a dead guest fails many steps
		 * with one reason). */
		snprintf(s->last_failure, sizeof(s->last_failure), "%s",
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
		s->seen[i] = 1;
	s->rows++;
	s->failed_rows += row->m->status == VP_STATUS_FAILED;
	return 0;
}

static int run_env(struct vp_emitter *e, const char *key, const char *value)
{
	struct run_state *s = e->ctx;
	if (s->write_failed)
		return -EIO;
	/* The host side and the agent inside may both state a fact (e.g.
	 * host_load): write it once per target unless they disagree. */
	const char *seen = vp_kvlist_get(&s->env_seen, key);
	if (seen && strcmp(seen, value) == 0)
		return 0;
	vp_kvlist_set(&s->env_seen, key, "%s", value);
	const char *fields[] = {s->target, key, value};
	size_t len;
	char *text = vp_csv_record_text(fields, 3, &len);
	int rc = text ? vp_out_write(&s->files.env, text, len) : -ENOMEM;
	free(text);
	if (rc)
		stop_writing(s, &s->files.env);
	return rc;
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
	if (s->write_failed)
		return;
	/* The caller already told the user why the target failed. Under -r
	 * auto only the reps every cell needs are owed; a cell may have
	 * converged before max_reps. */
	snprintf(s->last_failure, sizeof(s->last_failure), "%s", why);
	for (size_t w = 0; w < p->nworkloads; w++)
		for (size_t t = 0; t < p->nthreads; t++)
			for (unsigned r = 1; r <= vp_plan_required_reps(p);
			     r++) {
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

static int plan_needs_image(const struct vp_plan *p)
{
	int vm = 0, io = 0;
	for (size_t i = 0; i < p->ntargets; i++)
		vm |= strncmp(p->targets[i], "vm", 2) == 0;
	for (size_t i = 0; i < p->nworkloads; i++)
		io |= strncmp(p->workloads[i].wl->name, "io.", 3) == 0;
	return vm && io;
}

static void run_target(struct run_state *s, struct vp_emitter *e,
		       struct vp_plan *plan, const char *name,
		       const char *run_dir, const struct vp_run_options *o,
		       const char *image)
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
	vp_provenance_emit_start(e, plan);
	t.plan = plan;
	t.run_dir = run_dir;
	t.self_exe = o->self_exe;
	t.interrupted = stop_flag;
	t.scratch_image = image;
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
		vp_provenance_emit_end(e);
		t.ops->teardown(&t);
		return;
	}
	struct vp_host_load *load = NULL;
	if (plan->host_load) {
		load = vp_host_load_start(plan->host_load, err, sizeof(err));
		if (!load)
			vp_progress_note(&s->progress, "vpbench: %s", err);
	}
	rc = t.ops->run_agent(&t, e, err, sizeof(err));
	vp_host_load_stop(load);
	if ((rc || *stop_flag) && !s->write_failed) {
		const char *why = rc ? err : "interrupted by signal";
		if (rc)
			vp_progress_note(&s->progress,
					 "vpbench: target %s failed: %s", name,
					 err);
		fail_missing_steps(s, e, &t.ti, why);
	}
	vp_provenance_emit_end(e);
	t.ops->teardown(&t);
	/* A target's rows survive a crash of the machine from here on. */
	if (vp_out_sync(&s->files.results))
		stop_writing(s, &s->files.results);
	else if (vp_out_sync(&s->files.env))
		stop_writing(s, &s->files.env);
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
	int interrupted = *stop_flag && !s->write_failed;
	if (vp_run_folder_close(&s->files))
		stop_writing(s, s->files.results.error ? &s->files.results
						       : &s->files.env);
	fprintf(stderr, "vpbench: %zu rows written, %zu failed%s\n", s->rows,
		s->failed_rows,
		s->write_failed ? " (stopped: a write to the run folder failed)"
		: interrupted	? " (interrupted)"
				: "");
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	print_path("results", path);
	if (!o->no_report && !s->write_failed) {
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
	if (s->write_failed)
		return 1;
	if (interrupted)
		return 130;
	return s->failed_rows || rc_image ? 1 : 0;
}

int vp_run_execute(struct vp_plan *plan, const struct vp_run_options *o)
{
	char err[4096], image[PATH_MAX] = "";
	struct run_state s;
	memset(&s, 0, sizeof(s));
	s.plan = plan;
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
	s.seen = calloc(steps ? steps : 1, 1);
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
	int rc_image = 0;
	if (plan_needs_image(plan)) {
		snprintf(image, sizeof(image), "%s/scratch.img", dir);
		rc_image = vp_scratch_image_create(image, plan->disk_size, err,
						   sizeof(err));
		if (!rc_image)
			vp_leftovers_add(image, NULL);
		if (rc_image) {
			vp_progress_note(&s.progress, "vpbench: %s", err);
			image[0] = 0;
		}
	}
	struct vp_emitter e = {.row = run_row,
			       .env = run_env,
			       .progress = run_progress,
			       .ctx = &s};
	for (size_t i = 0; i < plan->ntargets && !*stop_flag; i++) {
		s.step_offset = (int)(i * steps);
		run_target(&s, &e, plan, plan->targets[i], dir, o,
			   image[0] ? image : NULL);
	}
	vp_progress_done(&s.progress);
	if (image[0])
		unlink(image);
	free(s.seen);
	vp_kvlist_free(&s.env_seen);
	/* Everything the ledger names was removed by its owner. */
	vp_leftovers_done();
	return finish(&s, o, rc_image);
}
