/* Host-side vCPU figures of a libvirt domain: libvirt's statistics
 * (virDomainListGetStats with VIR_DOMAIN_STATS_VCPU: vcpu.N.time = ns on a
 * host CPU, vcpu.N.delay = ns runnable but waiting in the host run queue)
 * sampled at the agent's step marks and turned into the rows the vm target's
 * host-side attribution writes:
 *   vcpu_run_pct   = sum over vCPUs of delta time  / (vCPUs x wall) x 100
 *   vcpu_delay_pct = sum over vCPUs of delta delay / (vCPUs x wall) x 100
 * Pure: samples are built from (name, value) fields, as libvirt's typed
 * parameters or `virsh domstats --vcpu` text give them, so the mapping is
 * tested on recorded samples without a daemon. */
#ifndef VP_LIBVIRT_STATS_H
#define VP_LIBVIRT_STATS_H

#include <stdbool.h>
#include <stddef.h>

#define VP_DOMSTATS_VCPU_MAX 64

struct vp_domstats_sample {
	double t;   /* host monotonic seconds when taken */
	unsigned n; /* vCPUs seen (1 + highest N with a time field) */
	unsigned long long time_ns[VP_DOMSTATS_VCPU_MAX];
	unsigned long long delay_ns[VP_DOMSTATS_VCPU_MAX];
	bool has_time[VP_DOMSTATS_VCPU_MAX], has_delay[VP_DOMSTATS_VCPU_MAX];
};

/* Starts an empty sample taken at t. */
void vp_domstats_sample_init(struct vp_domstats_sample *s, double t);
/* Takes one statistics field; fields other than vcpu.N.time and
 * vcpu.N.delay are ignored. Returns 1 when used. */
int vp_domstats_sample_field(struct vp_domstats_sample *s, const char *name,
			     unsigned long long value);
/* Takes `virsh domstats --vcpu` style text: one "name=value" a line,
 * leading blanks and other lines ignored. Returns the fields used. */
int vp_domstats_sample_parse_text(struct vp_domstats_sample *s,
				  const char *text);

struct vp_domstats_figures {
	double run_pct, delay_pct;
	bool run_ok, delay_ok;
	char why[160]; /* reason when a figure is unavailable */
};

/* The figures between two samples of one domain. A figure is unavailable
 * (ok = false, why says so) when a vCPU lacks the field in either sample
 * (libvirt before 7.9 or a driver without delay), when the vCPU count
 * changed, when a counter went backwards or when no time passed. */
void vp_domstats_figures(const struct vp_domstats_sample *a,
			 const struct vp_domstats_sample *b,
			 struct vp_domstats_figures *f);

#endif
