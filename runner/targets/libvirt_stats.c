/* libvirt vCPU statistics -> vcpu_run_pct / vcpu_delay_pct
 * (libvirt_stats.h). */
#include "runner/targets/libvirt_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vp_domstats_sample_init(struct vp_domstats_sample *s, double t)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
}

int vp_domstats_sample_field(struct vp_domstats_sample *s, const char *name,
			     unsigned long long value)
{
	char *end;
	unsigned long i;

	if (strncmp(name, "vcpu.", 5) != 0 || name[5] < '0' || name[5] > '9')
		return 0;
	i = strtoul(name + 5, &end, 10);
	if (*end != '.' || i >= VP_DOMSTATS_VCPU_MAX)
		return 0;
	if (strcmp(end, ".time") == 0) {
		s->time_ns[i] = value;
		s->has_time[i] = true;
		if (i + 1 > s->n)
			s->n = (unsigned)i + 1;
		return 1;
	}
	if (strcmp(end, ".delay") == 0) {
		s->delay_ns[i] = value;
		s->has_delay[i] = true;
		return 1;
	}
	return 0;
}

int vp_domstats_sample_parse_text(struct vp_domstats_sample *s,
				  const char *text)
{
	int used = 0;

	while (*text) {
		size_t len = strcspn(text, "\n");
		char line[256], *eq, *end;

		snprintf(line, sizeof(line), "%.*s", (int)len, text);
		text += len + (text[len] == '\n');
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		unsigned long long v = strtoull(eq + 1, &end, 10);
		if (end == eq + 1 || *end)
			continue;
		used +=
		    vp_domstats_sample_field(s, line + strspn(line, " \t"), v);
	}
	return used;
}

/* Sum of one counter's growth over all vCPUs; false with why set when a
 * vCPU lacks it or it went backwards. */
static bool delta_sum(const struct vp_domstats_sample *a,
		      const struct vp_domstats_sample *b, bool delay,
		      double *sum, char *why, size_t len)
{
	*sum = 0;
	for (unsigned i = 0; i < b->n; i++) {
		bool ha = delay ? a->has_delay[i] : a->has_time[i];
		bool hb = delay ? b->has_delay[i] : b->has_time[i];
		unsigned long long va = delay ? a->delay_ns[i] : a->time_ns[i];
		unsigned long long vb = delay ? b->delay_ns[i] : b->time_ns[i];

		if (!ha || !hb) {
			snprintf(why, len,
				 "libvirt gives no vcpu.%u.%s for this domain "
				 "(vcpu.N.delay needs libvirt 7.9 or later)",
				 i, delay ? "delay" : "time");
			return false;
		}
		if (vb < va) {
			snprintf(why, len, "vcpu.%u.%s went backwards", i,
				 delay ? "delay" : "time");
			return false;
		}
		*sum += (double)(vb - va);
	}
	return true;
}

void vp_domstats_figures(const struct vp_domstats_sample *a,
			 const struct vp_domstats_sample *b,
			 struct vp_domstats_figures *f)
{
	double wall = b->t - a->t, sum;

	memset(f, 0, sizeof(*f));
	if (!a->n || a->n != b->n) {
		snprintf(f->why, sizeof(f->why),
			 "vCPU statistics incomplete (%u vCPUs, then %u)", a->n,
			 b->n);
		return;
	}
	if (!(wall > 0)) {
		snprintf(f->why, sizeof(f->why),
			 "no time passed between the step's samples");
		return;
	}
	wall *= 1e9 * b->n;
	if ((f->run_ok = delta_sum(a, b, false, &sum, f->why, sizeof(f->why))))
		f->run_pct = sum / wall * 100.0;
	if ((f->delay_ok = delta_sum(a, b, true, &sum, f->why, sizeof(f->why))))
		f->delay_pct = sum / wall * 100.0;
}
