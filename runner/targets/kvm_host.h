/* Facts about the host that decide what a KVM guest's figures mean, read
 * from /sys and /proc: KVM module parameters (halt polling, pause-loop
 * exiting, vPMU, NX huge pages), transparent huge pages, hugetlbfs for
 * guest RAM, hybrid Intel CPUs, the host's own PMU, and from these why a
 * guest would have no vPMU. Every reader takes a root prefix ("" for this
 * machine) so tests run them on recorded trees; the parsers are pure. */
#ifndef VP_KVM_HOST_H
#define VP_KVM_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/env_tuning.h" /* vp_sysfs_choice */

#include "probes/envinfo.h"

/* Adds host_kvm.<module>.<param> for the parameters that shape a guest
 * (kvm: halt_poll_ns, enable_pmu, nx_huge_pages; kvm_intel: ple_gap,
 * ple_window; kvm_amd: pause_filter_count, pause_filter_thresh). A missing
 * file is "absent (module M not loaded)" or "absent (M has no parameter P)",
 * never left out. */
void vp_kvm_params_collect(const char *root, struct vp_kvlist *out);

/* "madvise (defrag madvise)" or "unavailable: ..." from
 * <root>/sys/kernel/mm/transparent_hugepage/. */
void vp_thp_describe(const char *root, char *buf, size_t len);

/* Page size (kB) of the hugetlbfs mounted at `path` according to a
 * /proc/mounts text (its pagesize= option, else the default Hugepagesize of
 * the /proc/meminfo text). 0, or -ENOENT with why (not mounted, not
 * hugetlbfs). Pure. */
int vp_hugetlbfs_page_kb(const char *mounts, const char *meminfo,
			 const char *path, unsigned long *kb, char *why,
			 size_t len);

/* Whether free_pages pages of page_kb hold mem_mb of guest RAM; else
 * -ENOMEM with the shortfall and the sysctl that fixes it. Pure. */
int vp_hugepages_enough(unsigned long page_kb, unsigned long free_pages,
			unsigned mem_mb, char *why, size_t len);

/* Both checks on <root>/proc/mounts, /proc/meminfo and the free count in
 * /sys/kernel/mm/hugepages/hugepages-<kB>kB/free_hugepages. 0 or -errno
 * with why. */
int vp_hugepages_check(const char *root, const char *path, unsigned mem_mb,
		       char *why, size_t len);

/* A hybrid Intel CPU (P- and E-cores: perf PMUs cpu_core and cpu_atom). */
bool vp_host_hybrid(const char *root);
/* Whether perf has a CPU PMU here (event_source cpu, cpu_core, or an
 * armv8 PMU). */
bool vp_host_has_pmu(const char *root);

/* Why a guest on this host has no vPMU, or NULL when it should have one:
 * TCG (no PMU emulation), kvm.enable_pmu=N (enable_pmu is the parameter's
 * text or NULL when absent), a hybrid host (KVM turns the vPMU off), or a
 * host without a PMU of its own. Pure. */
const char *vp_vpmu_absent_reason(bool kvm, const char *enable_pmu, bool hybrid,
				  bool host_pmu, char *buf, size_t len);

/* The same for this machine (root "") under accel kvm or not. */
const char *vp_vpmu_absent_here(bool kvm, char *buf, size_t len);

#endif
