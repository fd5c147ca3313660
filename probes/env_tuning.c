/* Performance settings of this machine for env.csv (see env_tuning.h). */
#include "probes/env_tuning.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CPU_SYS "/sys/devices/system/cpu"

int vp_sysfs_choice(const char *text, char *buf, size_t len)
{
	const char *open = strchr(text, '['), *close;

	if (!open || !(close = strchr(open, ']')) || close == open + 1)
		return -EINVAL;
	snprintf(buf, len, "%.*s", (int)(close - open - 1), open + 1);
	return 0;
}

void vp_value_summary(const char *const *values, size_t n, char *buf,
		      size_t len)
{
	size_t o = 0, distinct = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(values[j], values[i]) == 0;
		if (seen)
			continue;
		for (size_t j = i; j < n; j++)
			count += strcmp(values[j], values[i]) == 0;
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s x%zu",
					      distinct ? ", " : "", values[i],
					      count);
		distinct++;
	}
	if (distinct == 1)
		snprintf(buf, len, "%s", values[0]);
}

char vp_vuln_class(const char *text)
{
	if (strncmp(text, "Not affected", 12) == 0)
		return 'n';
	if (strncmp(text, "Vulnerable", 10) == 0)
		return 'v';
	if (strncmp(text, "Mitigation", 10) == 0)
		/* "Mitigation: ...; BHI: Vulnerable" is only partly mitigated.
		 */
		return strstr(text, "Vulnerable") ? 'v' : 'm';
	return '?';
}

/* The scaling governor of every CPU that has cpufreq. */
static void env_governor(struct vp_kvlist *out)
{
	char *vals[256], path[128], buf[64], sum[VP_KV_VALUE_MAX];
	size_t n = 0;

	for (int cpu = 0; cpu < 4096 && n < 256; cpu++) {
		snprintf(path, sizeof(path),
			 CPU_SYS "/cpu%d/cpufreq/scaling_governor", cpu);
		if (vp_read_first_line(path, buf, sizeof(buf)) != 0) {
			snprintf(path, sizeof(path), CPU_SYS "/cpu%d", cpu);
			if (access(path, F_OK) != 0)
				break;
			continue;
		}
		if (!(vals[n] = strdup(buf)))
			break;
		n++;
	}
	if (!n) {
		vp_kvlist_set(out, "cpu_governor",
			      "unavailable: no cpufreq in " CPU_SYS
			      "/cpu0 (a VM, or a kernel without cpufreq)");
		return;
	}
	vp_value_summary((const char *const *)vals, n, sum, sizeof(sum));
	vp_kvlist_set(out, "cpu_governor", "%s", sum);
	while (n)
		free(vals[--n]);
}

/* intel_pstate says no_turbo; acpi-cpufreq and amd-pstate say boost. */
static void env_boost(struct vp_kvlist *out)
{
	char buf[32];

	if (vp_read_first_line(CPU_SYS "/intel_pstate/no_turbo", buf,
			       sizeof(buf)) == 0)
		vp_kvlist_set(out, "cpu_boost", "%s (intel_pstate no_turbo=%s)",
			      strcmp(buf, "0") == 0 ? "on" : "off", buf);
	else if (vp_read_first_line(CPU_SYS "/cpufreq/boost", buf,
				    sizeof(buf)) == 0)
		vp_kvlist_set(out, "cpu_boost", "%s (cpufreq boost=%s)",
			      strcmp(buf, "1") == 0 ? "on" : "off", buf);
	else
		vp_kvlist_set(out, "cpu_boost",
			      "unavailable: neither intel_pstate/no_turbo nor "
			      "cpufreq/boost in " CPU_SYS);
}

static void env_smt_thp(struct vp_kvlist *out)
{
	char buf[128], active[16], choice[32];

	if (vp_read_first_line(CPU_SYS "/smt/control", buf, sizeof(buf)) == 0) {
		if (vp_read_first_line(CPU_SYS "/smt/active", active,
				       sizeof(active)) != 0)
			snprintf(active, sizeof(active), "?");
		vp_kvlist_set(out, "smt", "control=%s active=%s", buf, active);
	} else {
		vp_kvlist_set(out, "smt", "unavailable: no " CPU_SYS "/smt");
	}
	static const char *const thp[][2] = {
	    {"thp_enabled", "/sys/kernel/mm/transparent_hugepage/enabled"},
	    {"thp_defrag", "/sys/kernel/mm/transparent_hugepage/defrag"}};
	for (size_t i = 0; i < 2; i++) {
		if (vp_read_first_line(thp[i][1], buf, sizeof(buf)) != 0)
			vp_kvlist_set(out, thp[i][0],
				      "unavailable: no %s (kernel without "
				      "transparent huge pages)",
				      thp[i][1]);
		else if (vp_sysfs_choice(buf, choice, sizeof(choice)) == 0)
			vp_kvlist_set(out, thp[i][0], "%s", choice);
		else
			vp_kvlist_set(out, thp[i][0], "%s", buf);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every vulnerability file as vuln.<name>, and one summary line. */
static void env_mitigations(struct vp_kvlist *out)
{
	DIR *d = opendir(CPU_SYS "/vulnerabilities");
	struct dirent *de;
	char *names[64], path[300], text[VP_KV_VALUE_MAX], key[VP_KV_KEY_MAX];
	char vulnerable[VP_KV_VALUE_MAX] = "";
	size_t n = 0, count[4] = {0}, vo = 0;

	if (!d) {
		vp_kvlist_set(out, "cpu_mitigations", "unavailable: %s",
			      strerror(errno));
		return;
	}
	while ((de = readdir(d)) && n < 64)
		if (de->d_name[0] != '.' && (names[n] = strdup(de->d_name)))
			n++;
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		char name[128];

		snprintf(name, sizeof(name), "%s", names[i]);
		free(names[i]);
		snprintf(path, sizeof(path), CPU_SYS "/vulnerabilities/%s",
			 name);
		if (vp_read_first_line(path, text, sizeof(text)) != 0)
			continue;
		char c = vp_vuln_class(text);

		count[c == 'v' ? 0 : c == 'm' ? 1 : c == 'n' ? 2 : 3]++;
		if (c == 'v' && vo < sizeof(vulnerable))
			vo += (size_t)snprintf(vulnerable + vo,
					       sizeof(vulnerable) - vo, "%s%s",
					       vo ? " " : "", name);
		snprintf(key, sizeof(key), "vuln.%s", name);
		vp_kvlist_set(out, key, "%s", text);
	}
	vp_kvlist_set(out, "cpu_mitigations",
		      "%zu vulnerable%s%s%s, %zu mitigated, %zu not affected, "
		      "%zu other",
		      count[0], vo ? " (" : "", vulnerable, vo ? ")" : "",
		      count[1], count[2], count[3]);
}

void vp_env_tuning_collect(struct vp_kvlist *out)
{
	char buf[VP_KV_VALUE_MAX];

	if (vp_read_first_line("/proc/cmdline", buf, sizeof(buf)) == 0)
		vp_kvlist_set(out, "kernel_cmdline", "%s", buf);
	else
		vp_kvlist_set(out, "kernel_cmdline", "unavailable: %s",
			      strerror(errno));
	env_governor(out);
	env_boost(out);
	env_smt_thp(out);
	env_mitigations(out);
}
