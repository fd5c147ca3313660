/* Host facts for KVM runs (see kvm_host.h): module parameters, THP,
 * hugetlbfs, hybrid CPUs, PMU, and why a guest would have no vPMU. */
#include "runner/targets/kvm_host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
	const char *module, *param;
} kvm_params[] = {
    {"kvm", "halt_poll_ns"},
    {"kvm", "enable_pmu"},
    {"kvm", "nx_huge_pages"},
    {"kvm_intel", "ple_gap"},
    {"kvm_intel", "ple_window"},
    {"kvm_amd", "pause_filter_count"},
    {"kvm_amd", "pause_filter_thresh"},
};

static char *read_under(const char *root, const char *path, size_t cap)
{
	char full[512];

	snprintf(full, sizeof(full), "%s%s", root ? root : "", path);
	return vp_read_text(full, cap);
}

static bool exists_under(const char *root, const char *path)
{
	char full[512];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", root ? root : "", path);
	return stat(full, &st) == 0;
}

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

void vp_kvm_params_collect(const char *root, struct vp_kvlist *out)
{
	for (size_t i = 0; i < sizeof(kvm_params) / sizeof(kvm_params[0]);
	     i++) {
		const char *m = kvm_params[i].module, *p = kvm_params[i].param;
		char path[256], key[VP_KV_KEY_MAX];
		char *text;

		snprintf(key, sizeof(key), "host_kvm.%s.%s", m, p);
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", m,
			 p);
		text = read_under(root, path, 256);
		if (text) {
			trim_end(text);
			vp_kvlist_set(out, key, "%s", text);
			free(text);
			continue;
		}
		snprintf(path, sizeof(path), "/sys/module/%s", m);
		if (!exists_under(root, path))
			vp_kvlist_set(out, key, "absent (module %s not loaded)",
				      m);
		else
			vp_kvlist_set(out, key,
				      "absent (%s has no parameter %s)", m, p);
	}
}

void vp_thp_describe(const char *root, char *buf, size_t len)
{
	char *en = read_under(
	    root, "/sys/kernel/mm/transparent_hugepage/enabled", 256);
	char *df =
	    read_under(root, "/sys/kernel/mm/transparent_hugepage/defrag", 256);
	char e[32], d[32];

	if (!en || vp_sysfs_choice(en, e, sizeof(e)))
		snprintf(buf, len,
			 "unavailable: no /sys/kernel/mm/transparent_hugepage "
			 "(kernel without THP)");
	else if (!df || vp_sysfs_choice(df, d, sizeof(d)))
		snprintf(buf, len, "%s", e);
	else
		snprintf(buf, len, "%s (defrag %s)", e, d);
	free(en);
	free(df);
}

/* Value of "Key:   N kB" in a /proc/meminfo text, or 0. */
static unsigned long meminfo_value(const char *meminfo, const char *key)
{
	const char *p = meminfo ? strstr(meminfo, key) : NULL;

	return p ? strtoul(p + strlen(key), NULL, 10) : 0;
}

int vp_hugetlbfs_page_kb(const char *mounts, const char *meminfo,
			 const char *path, unsigned long *kb, char *why,
			 size_t len)
{
	char dev[256], dir[256], type[64], opts[512];

	for (const char *p = mounts; p && *p;) {
		if (sscanf(p, "%255s %255s %63s %511s", dev, dir, type, opts) ==
			4 &&
		    strcmp(dir, path) == 0) {
			const char *ps = strstr(opts, "pagesize=");

			if (strcmp(type, "hugetlbfs") != 0) {
				snprintf(why, len,
					 "%s is a %s mount, not hugetlbfs",
					 path, type);
				return -ENOENT;
			}
			if (ps) {
				char unit = 0;
				unsigned long v = 0;

				sscanf(ps + 9, "%lu%c", &v, &unit);
				*kb = unit == 'G'   ? v << 20
				      : unit == 'M' ? v << 10
						    : v;
			} else {
				*kb = meminfo_value(meminfo, "Hugepagesize:");
			}
			if (!*kb) {
				snprintf(why, len,
					 "cannot tell the page size of %s",
					 path);
				return -ENOENT;
			}
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	snprintf(why, len,
		 "no hugetlbfs mounted at %s; fix: mount -t hugetlbfs none %s",
		 path, path);
	return -ENOENT;
}

int vp_hugepages_enough(unsigned long page_kb, unsigned long free_pages,
			unsigned mem_mb, char *why, size_t len)
{
	unsigned long need = ((unsigned long)mem_mb * 1024 + page_kb - 1) /
			     (page_kb ? page_kb : 1);

	if (page_kb && free_pages >= need)
		return 0;
	snprintf(why, len,
		 "guest RAM of %u MiB needs %lu free huge pages of %lu kB, "
		 "%lu are free; fix: sysctl vm.nr_hugepages=%lu (as root, "
		 "more for several guests)",
		 mem_mb, need, page_kb, free_pages, need);
	return -ENOMEM;
}

int vp_hugepages_check(const char *root, const char *path, unsigned mem_mb,
		       char *why, size_t len)
{
	char *mounts = read_under(root, "/proc/mounts", 1 << 20);
	char *meminfo = read_under(root, "/proc/meminfo", 1 << 16);
	unsigned long kb = 0, free_pages = 0;
	char sys[128];
	char *text;
	int rc;

	rc = vp_hugetlbfs_page_kb(mounts, meminfo, path, &kb, why, len);
	if (!rc) {
		snprintf(sys, sizeof(sys),
			 "/sys/kernel/mm/hugepages/hugepages-%lukB/"
			 "free_hugepages",
			 kb);
		text = read_under(root, sys, 64);
		free_pages = text ? strtoul(text, NULL, 10)
				  : meminfo_value(meminfo, "HugePages_Free:");
		free(text);
		rc = vp_hugepages_enough(kb, free_pages, mem_mb, why, len);
	}
	free(mounts);
	free(meminfo);
	return rc;
}

bool vp_host_hybrid(const char *root)
{
	return exists_under(root, "/sys/bus/event_source/devices/cpu_core") &&
	       exists_under(root, "/sys/bus/event_source/devices/cpu_atom");
}

bool vp_host_has_pmu(const char *root)
{
	return exists_under(root, "/sys/bus/event_source/devices/cpu") ||
	       exists_under(root, "/sys/bus/event_source/devices/cpu_core") ||
	       exists_under(root, "/sys/bus/event_source/devices/armv8_pmuv3");
}

const char *vp_vpmu_absent_reason(bool kvm, const char *enable_pmu, bool hybrid,
				  bool host_pmu, char *buf, size_t len)
{
	if (!kvm)
		snprintf(buf, len, "no vPMU: TCG emulates no PMU");
	else if (hybrid)
		snprintf(buf, len,
			 "no vPMU: hybrid Intel host (P- and E-cores): KVM "
			 "turns its vPMU off on hybrid CPUs");
	else if (enable_pmu && (enable_pmu[0] == 'N' || enable_pmu[0] == 'n' ||
				enable_pmu[0] == '0'))
		snprintf(buf, len,
			 "no vPMU: the host's kvm.enable_pmu=N; fix: "
			 "kvm.enable_pmu=1 on the host kernel command line "
			 "(or reload kvm with enable_pmu=1)");
	else if (!host_pmu)
		snprintf(buf, len,
			 "no vPMU: the host has no hardware PMU itself (it is "
			 "a VM without one, or perf has no CPU PMU)");
	else
		return NULL;
	return buf;
}

const char *vp_vpmu_absent_here(bool kvm, char *buf, size_t len)
{
	char *ep = read_under("", "/sys/module/kvm/parameters/enable_pmu", 64);
	const char *r = vp_vpmu_absent_reason(kvm, ep, vp_host_hybrid(""),
					      vp_host_has_pmu(""), buf, len);

	free(ep);
	return r;
}
