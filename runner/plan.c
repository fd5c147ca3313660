/* The plan: defaults, setters shared by CLI flags and plan files, plan-file
 * reading and writing, workload selection and -O option application. */
#include "runner/plan.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "probes/counters.h"
#include "runner/targets/target.h"

void vp_plan_defaults(struct vp_plan *p)
{
	memset(p, 0, sizeof(*p));
	char err[256];
	vp_plan_set(p, "targets", "host,vm1,vm2,vm4", err, sizeof(err));
	vp_plan_set(p, "workloads", "cpu,lock,io", err, sizeof(err));
	vp_plan_set(p, "threads", "1,2,4", err, sizeof(err));
	p->reps = 3;
	p->duration_s = 0.5;
	/* Short: the measured window excludes it, and the harness-efficiency
	 * target (measuring / wall >= 0.75) leaves little room. */
	p->warmup_s = 0.05;
	snprintf(p->counters, sizeof(p->counters), "auto");
	p->pin = VP_PIN_NONE;
	snprintf(p->accel, sizeof(p->accel), "auto");
	p->disk_size = 128ull << 20;
	p->boot_timeout_s = 60;
	p->run_timeout_s = 0;
}

void vp_plan_free(struct vp_plan *p)
{
	for (size_t i = 0; i < p->nworkloads; i++) {
		free(p->workloads[i].opts);
		p->workloads[i].opts = NULL;
	}
	p->nworkloads = 0;
}

static int add_workload(struct vp_plan *p, const struct vp_workload *wl,
			char *err, size_t errlen)
{
	for (size_t i = 0; i < p->nworkloads; i++)
		if (p->workloads[i].wl == wl)
			return 0;
	if (p->nworkloads == VP_PLAN_MAX_WORKLOADS) {
		snprintf(err, errlen, "too many workloads (at most %d)",
			 VP_PLAN_MAX_WORKLOADS);
		return -EINVAL;
	}
	p->workloads[p->nworkloads++] = (struct vp_plan_workload){wl, NULL};
	return 0;
}

static void list_workload_choices(char *buf, size_t len)
{
	size_t off = 0;
	char prev[32] = "";
	for (size_t i = 0; i < vp_workload_count() && off < len; i++) {
		const struct vp_workload *wl = vp_workload_at(i);
		char cls[32];
		vp_workload_class(wl->name, cls, sizeof(cls));
		if (strcmp(cls, prev) != 0) {
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off ? ", " : "", cls);
			snprintf(prev, sizeof(prev), "%s", cls);
		}
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, ", %s",
						wl->name);
	}
	if (off < len)
		snprintf(buf + off, len - off, ", all");
}

static int select_workload(struct vp_plan *p, const char *name, char *err,
			   size_t errlen)
{
	int found = 0;
	for (size_t i = 0; i < vp_workload_count(); i++) {
		const struct vp_workload *wl = vp_workload_at(i);
		char cls[32];
		vp_workload_class(wl->name, cls, sizeof(cls));
		int match = strcmp(name, "all") == 0 ||
			    strcmp(wl->name, name) == 0 ||
			    (strcmp(cls, name) == 0 && wl->in_default_set);
		if (match) {
			int rc = add_workload(p, wl, err, errlen);
			if (rc)
				return rc;
			found = 1;
		}
	}
	if (!found) {
		char choices[1024];
		list_workload_choices(choices, sizeof(choices));
		snprintf(err, errlen, "unknown workload '%s'; valid: %s", name,
			 choices);
		return -EINVAL;
	}
	return 0;
}

/* Splits a comma list in place-safe copies and calls fn for each item. */
static int for_each_item(const char *list, const char *what,
			 int (*fn)(struct vp_plan *, const char *, char *,
				   size_t),
			 struct vp_plan *p, char *err, size_t errlen)
{
	char buf[4096];
	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errlen, "%s list too long", what);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	int n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		char *end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = 0;
		if (!*tok)
			continue;
		int rc = fn(p, tok, err, errlen);
		if (rc)
			return rc;
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty %s list", what);
		return -EINVAL;
	}
	return 0;
}

static int add_target(struct vp_plan *p, const char *name, char *err,
		      size_t errlen)
{
	int rc = vp_target_name_valid(name, err, errlen);
	if (rc)
		return rc;
	for (size_t i = 0; i < p->ntargets; i++)
		if (strcmp(p->targets[i], name) == 0)
			return 0;
	if (p->ntargets == VP_PLAN_MAX_TARGETS ||
	    strlen(name) >= sizeof(p->targets[0])) {
		snprintf(err, errlen, "too many targets or name too long: %s",
			 name);
		return -EINVAL;
	}
	snprintf(p->targets[p->ntargets++], sizeof(p->targets[0]), "%s", name);
	return 0;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int add_threads(struct vp_plan *p, const char *s, char *err,
		       size_t errlen)
{
	unsigned long v;
	if (parse_uint(s, 1, 1024, &v)) {
		snprintf(err, errlen,
			 "threads: '%s' is not a thread count in 1 .. 1024", s);
		return -EINVAL;
	}
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i] == v)
			return 0;
	if (p->nthreads == VP_PLAN_MAX_THREADS) {
		snprintf(err, errlen, "threads: at most %d counts",
			 VP_PLAN_MAX_THREADS);
		return -EINVAL;
	}
	p->threads[p->nthreads++] = (unsigned)v;
	return 0;
}

static int parse_seconds(const char *key, const char *s, double min, double max,
			 double *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v)) {
		snprintf(err, errlen, "%s: '%s' is not a number of seconds",
			 key, s);
		return -EINVAL;
	}
	if (v < min || v > max) {
		snprintf(err, errlen,
			 "%s: %s is out of range: must be %g .. %g", key, s,
			 min, max);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

static int set_string(char *dst, size_t len, const char *key, const char *v,
		      char *err, size_t errlen)
{
	if (strlen(v) >= len) {
		snprintf(err, errlen, "%s: value too long", key);
		return -EINVAL;
	}
	snprintf(dst, len, "%s", v);
	return 0;
}

int vp_plan_set(struct vp_plan *p, const char *key, const char *value,
		char *err, size_t errlen)
{
	unsigned long u;
	if (strcmp(key, "targets") == 0) {
		p->ntargets = 0;
		return for_each_item(value, "target", add_target, p, err,
				     errlen);
	}
	if (strcmp(key, "workloads") == 0) {
		vp_plan_free(p);
		return for_each_item(value, "workload", select_workload, p, err,
				     errlen);
	}
	if (strcmp(key, "threads") == 0) {
		p->nthreads = 0;
		return for_each_item(value, "threads", add_threads, p, err,
				     errlen);
	}
	if (strcmp(key, "reps") == 0) {
		if (parse_uint(value, 1, 1000, &u)) {
			snprintf(err, errlen,
				 "reps: '%s' is not a count in 1 .. 1000",
				 value);
			return -EINVAL;
		}
		p->reps = (unsigned)u;
		return 0;
	}
	if (strcmp(key, "duration") == 0)
		return parse_seconds("duration", value, 0.01, 86400,
				     &p->duration_s, err, errlen);
	if (strcmp(key, "warmup") == 0)
		return parse_seconds("warmup", value, 0, 3600, &p->warmup_s,
				     err, errlen);
	if (strcmp(key, "boot-timeout") == 0)
		return parse_seconds("boot-timeout", value, 1, 3600,
				     &p->boot_timeout_s, err, errlen);
	if (strcmp(key, "run-timeout") == 0)
		return parse_seconds("run-timeout", value, 0, 86400 * 7,
				     &p->run_timeout_s, err, errlen);
	if (strcmp(key, "counters") == 0) {
		char e2[512];
		if (vp_counters_spec_check(value, e2, sizeof(e2))) {
			snprintf(err, errlen, "%s", e2);
			return -EINVAL;
		}
		return set_string(p->counters, sizeof(p->counters), key, value,
				  err, errlen);
	}
	if (strcmp(key, "pin") == 0) {
		if (vp_pin_mode_parse(value, &p->pin)) {
			snprintf(err, errlen,
				 "pin: '%s' is not valid; use none, compact or "
				 "scatter",
				 value);
			return -EINVAL;
		}
		return 0;
	}
	if (strcmp(key, "accel") == 0) {
		if (strcmp(value, "auto") && strcmp(value, "kvm") &&
		    strcmp(value, "tcg")) {
			snprintf(
			    err, errlen,
			    "accel: '%s' is not valid; use auto, kvm or tcg",
			    value);
			return -EINVAL;
		}
		return set_string(p->accel, sizeof(p->accel), key, value, err,
				  errlen);
	}
	if (strcmp(key, "kernel") == 0)
		return set_string(p->kernel, sizeof(p->kernel), key, value, err,
				  errlen);
	if (strcmp(key, "modules") == 0)
		return set_string(p->modules, sizeof(p->modules), key, value,
				  err, errlen);
	if (strcmp(key, "output") == 0)
		/* Room for the file names the run folder receives. */
		return set_string(p->output, sizeof(p->output) - 64, key, value,
				  err, errlen);
	if (strcmp(key, "run-id") == 0)
		return set_string(p->run_id, sizeof(p->run_id), key, value, err,
				  errlen);
	if (strcmp(key, "host-load") == 0) {
		if (parse_uint(value, 0, 1024, &u)) {
			snprintf(
			    err, errlen,
			    "host-load: '%s' is not a thread count in 0 .. "
			    "1024",
			    value);
			return -EINVAL;
		}
		p->host_load = (unsigned)u;
		return 0;
	}
	if (strcmp(key, "vcpu-pin") == 0) {
		if (strcmp(value, "1") == 0 || strcmp(value, "yes") == 0 ||
		    strcmp(value, "true") == 0)
			p->vcpu_pin = true;
		else if (strcmp(value, "0") == 0 || strcmp(value, "no") == 0 ||
			 strcmp(value, "false") == 0)
			p->vcpu_pin = false;
		else {
			snprintf(err, errlen,
				 "vcpu-pin: '%s' is not valid; use yes or no",
				 value);
			return -EINVAL;
		}
		return 0;
	}
	if (strcmp(key, "parallel") == 0) {
		/* Targets on different hosts at once; one host's targets stay
		 * sequential (they would disturb each other). */
		if (strcmp(value, "hosts") && strcmp(value, "none")) {
			snprintf(err, errlen,
				 "parallel: '%s' is not valid; use none or "
				 "hosts",
				 value);
			return -EINVAL;
		}
		p->parallel_hosts = strcmp(value, "hosts") == 0;
		return 0;
	}
	if (strcmp(key, "disk-size") == 0) {
		uint64_t v;
		if (vp_parse_size(value, &v) || v < (16ull << 20) ||
		    v > (1ull << 40)) {
			snprintf(err, errlen,
				 "disk-size: '%s' must be a size in 16M .. 1T "
				 "(e.g. 256M)",
				 value);
			return -EINVAL;
		}
		p->disk_size = v;
		return 0;
	}
	if (strcmp(key, "option") == 0) {
		const char *eq = strchr(value, '=');
		if (!eq || eq == value) {
			snprintf(err, errlen,
				 "-O '%s': expected KEY=VALUE (e.g. -O bs=4k)",
				 value);
			return -EINVAL;
		}
		if (p->noptions == VP_PLAN_MAX_OPTIONS ||
		    strlen(value) >= sizeof(p->options[0])) {
			snprintf(err, errlen,
				 "-O: too many or too long options");
			return -EINVAL;
		}
		snprintf(p->options[p->noptions++], sizeof(p->options[0]), "%s",
			 value);
		return 0;
	}
	snprintf(err, errlen,
		 "unknown plan key '%s'; valid: targets, workloads, threads, "
		 "reps, duration, warmup, counters, pin, accel, kernel, "
		 "modules, host-load, vcpu-pin, disk-size, boot-timeout, "
		 "run-timeout, parallel, output, run-id, option",
		 key);
	return -EINVAL;
}

int vp_plan_finalize(struct vp_plan *p, char *err, size_t errlen)
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
	for (size_t k = 0; k < p->noptions; k++) {
		char key[VP_OPT_STRING_MAX];
		const char *eq = strchr(p->options[k], '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - p->options[k]),
			 p->options[k]);
		int used = 0;
		for (size_t i = 0; i < p->nworkloads; i++) {
			struct vp_plan_workload *pw = &p->workloads[i];
			const struct vp_option *o =
			    vp_options_find(pw->wl->options, key);
			if (!o)
				continue;
			used = 1;
			if (vp_option_set(o, pw->opts, eq + 1, e2,
					  sizeof(e2))) {
				snprintf(err, errlen, "-O %s: %s: %s",
					 p->options[k], pw->wl->name, e2);
				return -EINVAL;
			}
		}
		if (!used) {
			snprintf(
			    err, errlen,
			    "-O %s: no selected workload has an option '%s' "
			    "(see `vpbench list`)",
			    p->options[k], key);
			return -EINVAL;
		}
	}
	if (p->ntargets == 0 || p->nworkloads == 0 || p->nthreads == 0) {
		snprintf(err, errlen,
			 "the plan needs at least one target, "
			 "workload and thread count");
		return -EINVAL;
	}
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int vp_plan_load(struct vp_plan *p, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "plan file %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	char line[8192], e2[1024];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			snprintf(err, errlen, "%s:%d: line too long", path,
				 lineno);
			rc = -EINVAL;
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen,
				 "%s:%d: expected 'key = value', got '%s'",
				 path, lineno, s);
			rc = -EINVAL;
			break;
		}
		*eq = 0;
		char *key = trim(s), *value = trim(eq + 1);
		rc = vp_plan_set(p, key, value, e2, sizeof(e2));
		if (rc) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, e2);
			break;
		}
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "plan file %s: read error", path);
		rc = -EIO;
	}
	fclose(f);
	return rc;
}

static void join_targets(const struct vp_plan *p, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = 0;
	for (size_t i = 0; i < p->ntargets && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? "," : "", p->targets[i]);
}

int vp_plan_write(const struct vp_plan *p, FILE *f)
{
	char buf[8192];
	join_targets(p, buf, sizeof(buf));
	fprintf(f, "# vpbench plan\ntargets = %s\nworkloads = ", buf);
	for (size_t i = 0; i < p->nworkloads; i++)
		fprintf(f, "%s%s", i ? "," : "", p->workloads[i].wl->name);
	fprintf(f, "\nthreads = ");
	for (size_t i = 0; i < p->nthreads; i++)
		fprintf(f, "%s%u", i ? "," : "", p->threads[i]);
	fprintf(f, "\nreps = %u\nduration = %.17g\nwarmup = %.17g\n", p->reps,
		p->duration_s, p->warmup_s);
	fprintf(f, "counters = %s\npin = %s\naccel = %s\n", p->counters,
		vp_pin_mode_name(p->pin), p->accel);
	if (p->kernel[0])
		fprintf(f, "kernel = %s\n", p->kernel);
	if (p->modules[0])
		fprintf(f, "modules = %s\n", p->modules);
	char size[32];
	vp_format_size(p->disk_size, size, sizeof(size));
	fprintf(f, "host-load = %u\nvcpu-pin = %s\ndisk-size = %s\n",
		p->host_load, p->vcpu_pin ? "yes" : "no", size);
	fprintf(f, "boot-timeout = %.17g\nrun-timeout = %.17g\n",
		p->boot_timeout_s, p->run_timeout_s);
	if (p->parallel_hosts)
		fprintf(f, "parallel = hosts\n");
	if (p->output[0])
		fprintf(f, "output = %s\n", p->output);
	if (p->run_id[0])
		fprintf(f, "run-id = %s\n", p->run_id);
	for (size_t i = 0; i < p->noptions; i++)
		fprintf(f, "option = %s\n", p->options[i]);
	return fflush(f) == EOF || ferror(f) ? -EIO : 0;
}

size_t vp_plan_steps(const struct vp_plan *p)
{
	return p->nworkloads * p->nthreads * p->reps;
}

double vp_plan_measure_seconds(const struct vp_plan *p)
{
	return (double)vp_plan_steps(p) * (p->duration_s + p->warmup_s);
}
