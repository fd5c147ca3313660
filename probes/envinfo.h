/* Environment probe: facts about the machine the agent runs on, as ordered
 * key/value pairs for env.csv and `vpbench env`: hypervisor (CPUID leaf
 * 0x40000000 signature and /sys/hypervisor; "bare metal" only when neither
 * finds one), CPU model, hwloc topology summary, kernel, clocksource, TSC
 * rate, counter availability. */
#ifndef VP_ENVINFO_H
#define VP_ENVINFO_H

#include <stddef.h>

#define VP_KV_KEY_MAX	64
#define VP_KV_VALUE_MAX 512

struct vp_kv {
	char key[VP_KV_KEY_MAX];
	char value[VP_KV_VALUE_MAX];
};

struct vp_kvlist {
	struct vp_kv *v;
	size_t n, cap;
};

void vp_kvlist_init(struct vp_kvlist *l);
void vp_kvlist_free(struct vp_kvlist *l);
/* Sets (replacing an existing key) key to a printf-formatted value. */
void vp_kvlist_set(struct vp_kvlist *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *vp_kvlist_get(const struct vp_kvlist *l, const char *key);

/* Maps a CPUID 0x40000000 vendor signature (12 bytes, e.g. "KVMKVMKVM\0\0\0",
 * "Microsoft Hv", "VMwareVMware", "TCGTCGTCGTCG") to a display name;
 * returns NULL when unknown. Exposed for tests. */
const char *vp_hypervisor_from_signature(const char sig[12]);
/* Hypervisor name of this machine ("KVM", "TCG", "Microsoft Hv", ...,
 * or "bare metal"). */
void vp_env_hypervisor(char *buf, size_t len);
/* Collects everything; keys are stable snake_case (hypervisor, cpu_model,
 * cpus_online, packages, cores, pus, numa_nodes, caches, kernel,
 * clocksource, tsc_ghz, ...). */
void vp_env_collect(struct vp_kvlist *out);

#endif
