/* The plan: defaults and the one setter shared by CLI flags and plan files
 * (both driven by the run-key table, plan_keys.c), -O option application,
 * step counts. Plan files are read and written in plan_file.c. */
#include "runner/plan/plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner/plan/plan_keys.h"
#include "runner/targets/vm_cond.h"
#include "runner/util/printable.h"

void vp_plan_defaults(struct vp_plan *p)
{
	char err[256];
	memset(p, 0, sizeof(*p));
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++)
		if (k->def)
			vp_plan_key_set(p, k, k->def, err, sizeof(err));
}

void vp_plan_free(struct vp_plan *p)
{
	for (size_t i = 0; i < p->nworkloads; i++) {
		free(p->workloads[i].opts);
		p->workloads[i].opts = NULL;
	}
	p->nworkloads = 0;
}

int vp_plan_set(struct vp_plan *p, const char *key, const char *value,
		char *err, size_t errlen)
{
	const struct vp_plan_key *k = vp_plan_key_find(key);
	char shown[160];
	if (!k || (k->flags & VP_KEY_CLI)) {
		char valid[512];
		vp_plan_keys_valid(valid, sizeof(valid));
		snprintf(err, errlen, "unknown plan key '%s'; valid: %s",
			 vp_printable(key, shown, sizeof(shown)), valid);
		return -EINVAL;
	}
	/* An empty value would silently mean the default (-o ""). */
	if (!*value) {
		snprintf(err, errlen,
			 "%s: empty value (leave the key out for its default)",
			 key);
		return -EINVAL;
	}
	/* One line per value in plan files: a newline would smuggle in keys
	 * of its own, and no value needs a control byte. */
	long bad = vp_first_control(value);
	if (bad >= 0) {
		snprintf(err, errlen,
			 "%s: '%s' holds a control byte (0x%02x); values are "
			 "one line of text",
			 key, vp_printable(value, shown, sizeof(shown)),
			 (unsigned char)value[bad]);
		return -EINVAL;
	}
	return vp_plan_key_set(p, k, value, err, errlen);
}

static int apply_defaults(struct vp_plan *p, char *err, size_t errlen)
{
	char e2[512];
	for (size_t i = 0; i < p->nworkloads; i++) {
		struct vp_plan_workload *pw = &p->workloads[i];
		if (pw->opts)
			continue;
		pw->opts = calloc(1, pw->wl->opts_size ? pw->wl->opts_size : 1);
		if (!pw->opts) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		if (vp_options_defaults(pw->wl->options, pw->opts,
					pw->wl->opts_size, e2, sizeof(e2))) {
			snprintf(err, errlen, "%s: bad default: %s",
				 pw->wl->name, e2);
			return -EINVAL;
		}
	}
	return 0;
}

/* Applies one "K=V" to every selected workload that declares K. */
static int apply_option(struct vp_plan *p, const char *kv, char *err,
			size_t errlen)
{
	char key[VP_OPT_STRING_MAX], e2[512];
	const char *eq = strchr(kv, '=');
	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
	int used = 0;
	for (size_t i = 0; i < p->nworkloads; i++) {
		struct vp_plan_workload *pw = &p->workloads[i];
		const struct vp_option *o =
		    vp_options_find(pw->wl->options, key);
		if (!o)
			continue;
		used = 1;
		if (vp_option_set(o, pw->opts, eq + 1, e2, sizeof(e2))) {
			snprintf(err, errlen, "-O %s: %s: %s", kv, pw->wl->name,
				 e2);
			return -EINVAL;
		}
	}
	if (!used) {
		snprintf(err, errlen,
			 "-O %s: no selected workload has an option '%s' "
			 "(see `vpbench list`)",
			 kv, key);
		return -EINVAL;
	}
	return 0;
}

/* The workload's own rules on its complete option set: a bad -O fails
 * here, before a run folder exists, not in the run. */
static int check_options(const struct vp_plan_workload *pw, char *err,
			 size_t errlen)
{
	char e2[512];
	if (!pw->wl->check || !pw->wl->check(pw->opts, e2, sizeof(e2)))
		return 0;
	snprintf(err, errlen, "-O: %s: %s", pw->wl->name, e2);
	return -EINVAL;
}

int vp_plan_finalize(struct vp_plan *p, char *err, size_t errlen)
{
	int rc = apply_defaults(p, err, errlen);
	for (size_t k = 0; !rc && k < p->noptions; k++)
		rc = apply_option(p, p->options[k], err, errlen);
	for (size_t i = 0; !rc && i < p->nworkloads; i++)
		rc = check_options(&p->workloads[i], err, errlen);
	if (rc)
		return rc;
	if (p->ntargets == 0 || p->nworkloads == 0 || p->nthreads == 0) {
		snprintf(err, errlen,
			 "the plan needs at least one target, "
			 "workload and thread count");
		return -EINVAL;
	}
	for (size_t i = 0; i < p->ntargets; i++)
		if (vp_vm_cond_accel_check(p->targets[i], p->accel, err,
					   errlen))
			return -EINVAL;
	if (p->reps_auto && p->min_reps > p->max_reps) {
		snprintf(err, errlen,
			 "min-reps %u is above max-reps %u (-r auto repeats "
			 "each cell between the two)",
			 p->min_reps, p->max_reps);
		return -EINVAL;
	}
	/* auto is resolved here, so plan.conf, the agents and env.csv's
	 * step_order all see the order that ran. Interleaved by default:
	 * back-to-back reps of a cell share one moment of the machine's
	 * drift, so their spread understates the run-to-run change. */
	if (strcmp(p->order, "auto") == 0)
		snprintf(p->order, sizeof(p->order), "%s",
			 p->reps_auto || p->reps > 1 ? "random" : "sequential");
	/* The seed is chosen once, here, so plan.conf records it and every
	 * target (and a re-run with --plan) shuffles the same way. */
	if (strcmp(p->order, "random") == 0 && p->seed == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		p->seed = (unsigned)(ts.tv_nsec ^ ts.tv_sec ^ getpid()) | 1u;
	}
	return 0;
}

unsigned vp_plan_max_reps(const struct vp_plan *p)
{
	return p->reps_auto ? p->max_reps : p->reps;
}

unsigned vp_plan_required_reps(const struct vp_plan *p)
{
	return p->reps_auto ? p->min_reps : p->reps;
}

size_t vp_plan_steps(const struct vp_plan *p)
{
	return p->nworkloads * p->nthreads * vp_plan_max_reps(p);
}

double vp_plan_measure_seconds(const struct vp_plan *p)
{
	return (double)vp_plan_steps(p) * (p->duration_s + p->warmup_s);
}
