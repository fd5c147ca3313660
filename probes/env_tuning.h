/* The machine's performance settings, recorded beside every figure so that
 * two runs can be told apart by more than their numbers (what mmtests and
 * the Phoronix Test Suite record): kernel command line, CPU frequency
 * governor, turbo/boost, SMT, transparent huge pages, CPU vulnerability
 * mitigations. Each fact that the machine does not expose is recorded as
 * "unavailable: <why>". The parsers are pure, for tests on recorded
 * samples; vp_env_tuning_collect reads /proc and /sys. */
#ifndef VP_ENV_TUNING_H
#define VP_ENV_TUNING_H

#include <stddef.h>

#include "probes/envinfo.h"

/* The bracketed choice of a sysfs mode file ("always [madvise] never" ->
 * "madvise"); 0, or -EINVAL when there is no bracketed word. */
int vp_sysfs_choice(const char *text, char *buf, size_t len);

/* Folds per-CPU values into "value" (all the same) or "a x2, b x1" (first
 * seen first). */
void vp_value_summary(const char *const *values, size_t n, char *buf,
		      size_t len);

/* Classifies one /sys/devices/system/cpu/vulnerabilities/<name> text:
 * 'v' vulnerable, 'm' mitigated, 'n' not affected, '?' anything else. */
char vp_vuln_class(const char *text);

/* Adds kernel_cmdline, cpu_governor, cpu_boost, smt, thp_enabled,
 * thp_defrag, cpu_mitigations (summary) and vuln.<name> (each). */
void vp_env_tuning_collect(struct vp_kvlist *out);

#endif
