/* Environment probe: facts about the machine the agent runs on, as ordered
 * key/value pairs for env.csv and `vpbench env`: hypervisor (CPUID leaf
 * 0x40000000 signature and /sys/hypervisor; "bare metal" only when neither
 * finds one), CPU model, hwloc topology summary, kernel, clocksource, TSC
 * rate, counter availability. */
#ifndef VP_ENVINFO_H
#define VP_ENVINFO_H

#include <stddef.h>
#include <stdint.h>

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

/* First line of a small (proc/sys) file, without its newline; 0 or
 * -errno. */
int vp_read_first_line(const char *path, char *buf, size_t len);

/* Maps a CPUID 0x40000000 vendor signature (12 bytes, e.g. "KVMKVMKVM\0\0\0",
 * "Microsoft Hv", "VMwareVMware", "TCGTCGTCGTCG") to a display name;
 * returns NULL when unknown. Exposed for tests. */
const char *vp_hypervisor_from_signature(const char sig[12]);
struct vp_cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* Hypervisor from CPUID registers (leaf 1, leaf 0x40000000 and, when known,
 * leaf 0x40000100 for KVM behind Hyper-V enlightenments; may be NULL).
 * Returns NULL when leaf 1 ECX bit 31 (hypervisor present) is clear; else a
 * display name, possibly written to buf ("unknown (SIGNATURE)"). */
const char *vp_hypervisor_from_cpuid(const struct vp_cpuid_regs *leaf1,
				     const struct vp_cpuid_regs *base,
				     const struct vp_cpuid_regs *next,
				     char *buf, size_t len);
/* Finds `leaf` (subleaf 0) in a raw dump in the format of `cpuid -r`
 * ("   0x40000000 0x00: eax=0x... ebx=0x... ecx=0x... edx=0x...").
 * Returns 0 or -ENOENT. Exposed for tests with saved samples. */
int vp_cpuid_dump_find(const char *text, uint32_t leaf,
		       struct vp_cpuid_regs *out);
/* /proc/cpuinfo text: first "model name" value (0, or -ENOENT), and whether
 * the first "flags" line lists `flag`. Exposed for tests. */
int vp_cpuinfo_model(const char *text, char *buf, size_t len);
int vp_cpuinfo_has_flag(const char *text, const char *flag);

/* The KVM feature leaf: base is the signature leaf (0x40000000 or
 * 0x40000100), features the leaf after it. Writes "0x01007efb
 * (clocksource ... pv_unhalt ...)" and the hints word ("0x00000000 (none)",
 * realtime = KVM_HINTS_REALTIME); -ENOENT with "none (not a KVM guest)"
 * when base is not KVM's signature. Pure (probes/paravirt.c). */
int vp_kvm_features_describe(const struct vp_cpuid_regs *base,
			     const struct vp_cpuid_regs *features, char *feat,
			     size_t flen, char *hints, size_t hlen);
/* The kernel's last "... PV spinlocks ..." line in a log text (klogctl or
 * dmesg format), without level and timestamp: "kvm-guest: PV spinlocks
 * enabled". -ENOENT with a sentence when there is none. Pure. */
int vp_pvspin_from_log(const char *log, char *buf, size_t len);
/* kvm_features, kvm_hints and pv_spinlocks of this machine. */
void vp_env_paravirt(struct vp_kvlist *out);

/* A small (proc/sys) file's text, up to cap-1 bytes, NUL-terminated and
 * malloc'd; NULL with errno set when it cannot be read. */
char *vp_read_text(const char *path, size_t cap);

/* Hypervisor name of this machine ("KVM", "TCG", "Microsoft Hv", ...,
 * or "bare metal"). */
void vp_env_hypervisor(char *buf, size_t len);
/* The same with its evidence: the raw CPUID signature (or why there is
 * none) and /sys/hypervisor/type ("absent" when missing). */
void vp_env_hypervisor_detail(char *name, size_t nlen, char *cpuid, size_t clen,
			      char *sysfs, size_t slen);
/* Collects everything; keys are stable snake_case (hypervisor, cpu_model,
 * cpus_online, packages, cores, pus, numa_nodes, caches, kernel,
 * clocksource, tsc_ghz, ...). */
void vp_env_collect(struct vp_kvlist *out);

#endif
