/* Environment probe: collects the facts that explain a run's figures
 * (hypervisor, CPU, topology, kernel, clocks, counter libraries and which
 * default counters work here) as ordered snake_case keys. A fact that cannot
 * be read says "unavailable: <why>" instead of being left out. */
#include "probes/envinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "probes/counters.h"
#include "probes/counters_internal.h"
#include "probes/env_tuning.h"
#include "probes/pin.h"
#include "probes/topo.h"
#include "probes/tsc.h"

/* Reads up to cap-1 bytes of a (proc/sys) file; NULL with errno on error. */
char *vp_read_text(const char *path, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = malloc(cap);
	size_t n = 0;
	while (buf && n + 1 < cap) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	int e = errno;
	close(fd);
	if (buf)
		buf[n] = '\0';
	errno = e;
	return buf;
}

int vp_read_first_line(const char *path, char *buf, size_t len)
{
	char *t = vp_read_text(path, 4096);
	if (!t)
		return -errno;
	t[strcspn(t, "\n")] = '\0';
	snprintf(buf, len, "%s", t);
	free(t);
	return 0;
}

/* Value of the first "key<spaces/tabs>: value" line, or NULL. */
static const char *cpuinfo_field(const char *text, const char *key,
				 size_t *vlen)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, key, kl) == 0) {
			const char *q = p + kl;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == ':') {
				q++;
				while (*q == ' ' || *q == '\t')
					q++;
				*vlen = strcspn(q, "\n");
				return q;
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

int vp_cpuinfo_model(const char *text, char *buf, size_t len)
{
	size_t vl;
	const char *v = cpuinfo_field(text, "model name", &vl);
	if (!v || vl == 0)
		return -ENOENT;
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	snprintf(buf, len, "%.*s", (int)vl, v);
	return 0;
}

int vp_cpuinfo_has_flag(const char *text, const char *flag)
{
	size_t vl, fl = strlen(flag);
	const char *v = cpuinfo_field(text, "flags", &vl);
	if (!v || fl == 0)
		return 0;
	const char *p = v, *end = v + vl;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *w = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if ((size_t)(p - w) == fl && strncmp(w, flag, fl) == 0)
			return 1;
	}
	return 0;
}

static void env_cpu(struct vp_kvlist *out)
{
	char model[256];
	char *ci = vp_read_text("/proc/cpuinfo", 1 << 20);
	if (!ci) {
		vp_kvlist_set(out, "cpu_model",
			      "unavailable: /proc/cpuinfo: %s",
			      strerror(errno));
	} else if (vp_cpuinfo_model(ci, model, sizeof(model)) == 0) {
		vp_kvlist_set(out, "cpu_model", "%s", model);
	} else {
		struct utsname u;
		uname(&u);
		vp_kvlist_set(out, "cpu_model",
			      "unavailable: no model name in /proc/cpuinfo "
			      "(%s)",
			      u.machine);
	}
	vp_kvlist_set(out, "cpus_online", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	vp_kvlist_set(out, "cpus_available", "%u", vp_cpus_available());
	const char *flags[] = {"constant_tsc", "nonstop_tsc"};
	for (size_t i = 0; i < 2; i++)
		vp_kvlist_set(out, flags[i], "%s",
			      ci && vp_cpuinfo_has_flag(ci, flags[i]) ? "yes"
								      : "no");
	free(ci);
}

#if HAVE_HWLOC
static void size_text(uint64_t b, char *buf, size_t len)
{
	if (b >= (1ull << 20) && b % (1ull << 20) == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(b >> 20));
	else if (b >= 1024)
		snprintf(buf, len, "%lluK", (unsigned long long)(b >> 10));
	else
		snprintf(buf, len, "%lluB", (unsigned long long)b);
}

/* "L1d 32K x2, L1i 32K x2, L2 1M x2, L3 32M x1" (size of the first object
 * of each level; hwloc reports them per instance). */
static void cache_summary(hwloc_topology_t t, char *buf, size_t len)
{
	static const hwloc_obj_type_t types[] = {
	    HWLOC_OBJ_L1CACHE,	HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2CACHE,
	    HWLOC_OBJ_L2ICACHE, HWLOC_OBJ_L3CACHE,  HWLOC_OBJ_L3ICACHE,
	    HWLOC_OBJ_L4CACHE,	HWLOC_OBJ_L5CACHE,
	};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int n = hwloc_get_nbobjs_by_type(t, types[i]);
		hwloc_obj_t o =
		    n > 0 ? hwloc_get_obj_by_type(t, types[i], 0) : NULL;
		if (!o)
			continue;
		char name[32], size[32];
		hwloc_obj_type_snprintf(name, sizeof(name), o, 0);
		size_text(o->attr->cache.size, size, sizeof(size));
		int w = snprintf(buf + used, len - used, "%s%s %s x%d",
				 used ? ", " : "", name, size, n);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	if (!used)
		snprintf(buf, len, "unavailable: hwloc found no caches");
}

static void env_topology(struct vp_kvlist *out)
{
	const char *why = NULL;
	hwloc_topology_t t = vp_topology(&why);
	unsigned v = hwloc_get_api_version();
	vp_kvlist_set(out, "hwloc", "API %u.%u.%u", v >> 16, (v >> 8) & 0xff,
		      v & 0xff);
	if (!t) {
		const char *k[] = {"packages", "cores", "pus", "numa_nodes",
				   "caches"};
		for (size_t i = 0; i < 5; i++)
			vp_kvlist_set(out, k[i], "unavailable: %s", why);
		return;
	}
	vp_kvlist_set(out, "packages", "%d",
		      hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE));
	vp_kvlist_set(out, "cores", "%d",
		      hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE));
	vp_kvlist_set(out, "pus", "%d",
		      hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU));
	vp_kvlist_set(out, "numa_nodes", "%d",
		      hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE));
	char caches[VP_KV_VALUE_MAX];
	cache_summary(t, caches, sizeof(caches));
	vp_kvlist_set(out, "caches", "%s", caches);
}
#else
static void env_topology(struct vp_kvlist *out)
{
	const char *k[] = {"hwloc", "packages",	  "cores",
			   "pus",   "numa_nodes", "caches"};
	for (size_t i = 0; i < 6; i++)
		vp_kvlist_set(out, k[i], "unavailable: built without hwloc");
}
#endif

static void env_kernel(struct vp_kvlist *out)
{
	struct utsname u;
	if (uname(&u) == 0) {
		vp_kvlist_set(out, "kernel", "%s", u.release);
		vp_kvlist_set(out, "kernel_version", "%s", u.version);
		vp_kvlist_set(out, "arch", "%s", u.machine);
	} else {
		vp_kvlist_set(out, "kernel", "unavailable: uname: %s",
			      strerror(errno));
	}
	char buf[256];
	int r =
	    vp_read_first_line("/sys/devices/system/clocksource/clocksource0/"
			       "current_clocksource",
			       buf, sizeof(buf));
	if (r)
		vp_kvlist_set(out, "clocksource", "unavailable: %s",
			      strerror(-r));
	else
		vp_kvlist_set(out, "clocksource", "%s", buf);
	if (vp_tsc_available())
		vp_kvlist_set(out, "tsc_ghz", "%.3f", vp_tsc_ticks_per_ns());
	else
		vp_kvlist_set(out, "tsc_ghz", "unavailable: no TSC on %s",
			      uname(&u) == 0 ? u.machine : "this CPU");
	char *mi = vp_read_text("/proc/meminfo", 8192);
	unsigned long long kb = 0;
	const char *p = mi ? strstr(mi, "MemTotal:") : NULL;
	if (p && sscanf(p, "MemTotal: %llu kB", &kb) == 1)
		vp_kvlist_set(out, "mem_total_mib", "%llu", kb / 1024);
	else
		vp_kvlist_set(out, "mem_total_mib",
			      "unavailable: no MemTotal in /proc/meminfo");
	free(mi);
}

static void env_counters(struct vp_kvlist *out)
{
	char buf[VP_KV_VALUE_MAX];
	vp_cnt_papi_describe(buf, sizeof(buf));
	vp_kvlist_set(out, "papi", "%s", buf);
	vp_cnt_pfm_describe(buf, sizeof(buf));
	vp_kvlist_set(out, "libpfm4", "%s", buf);
	int r = vp_read_first_line("/proc/sys/kernel/perf_event_paranoid", buf,
				   sizeof(buf));
	if (r)
		vp_kvlist_set(out, "perf_event_paranoid", "unavailable: %s",
			      strerror(-r));
	else
		vp_kvlist_set(out, "perf_event_paranoid", "%s", buf);
	struct vp_counter_set *set = NULL;
	char err[256];
	if (vp_counters_resolve("auto", &set, err, sizeof(err))) {
		vp_kvlist_set(out, "counters", "unavailable: %s", err);
		return;
	}
	for (size_t i = 0; i < vp_counters_count(set); i++) {
		char key[VP_KV_KEY_MAX];
		snprintf(key, sizeof(key), "counter.%s",
			 vp_counters_event_name(set, i));
		vp_kvlist_set(out, key, "%s", vp_counters_event_status(set, i));
	}
	vp_counters_free(set);
}

void vp_env_collect(struct vp_kvlist *out)
{
	char name[128], cpuid[64], sysfs[64], buf[256];
	vp_env_hypervisor_detail(name, sizeof(name), cpuid, sizeof(cpuid),
				 sysfs, sizeof(sysfs));
	vp_kvlist_set(out, "hypervisor", "%s", name);
	vp_kvlist_set(out, "hypervisor_cpuid", "%s", cpuid);
	vp_kvlist_set(out, "hypervisor_sysfs", "%s", sysfs);
	if (vp_read_first_line("/sys/class/dmi/id/sys_vendor", buf,
			       sizeof(buf)) == 0) {
		char prod[128] = "";
		vp_read_first_line("/sys/class/dmi/id/product_name", prod,
				   sizeof(prod));
		vp_kvlist_set(out, "dmi_system", "%s %s", buf, prod);
	} else {
		vp_kvlist_set(out, "dmi_system", "unavailable: no DMI tables");
	}
	env_cpu(out);
	env_topology(out);
	env_kernel(out);
	vp_env_paravirt(out);
	env_counters(out);
	vp_env_tuning_collect(out);
}
