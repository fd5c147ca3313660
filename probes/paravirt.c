/* Paravirtual features in force on the machine the agent runs on: the KVM
 * feature leaf (CPUID 0x40000001, or 0x40000101 behind Hyper-V
 * enlightenments) decoded by name, and the kernel's own line about PV
 * spinlocks from its log. Inside a vmN guest this is the guest's view, the
 * one that decides how its spinlocks behave when a vCPU is preempted.
 *
 * Bit numbers: Linux arch/x86/include/uapi/asm/kvm_para.h (KVM_FEATURE_*,
 * KVM_HINTS_REALTIME). The log lines are those of Linux 6.1
 * arch/x86/kernel/kvm.c ("kvm-guest: PV spinlocks enabled", "... disabled,
 * no host support", "... disabled, single CPU", "... disabled, forced by
 * \"nopvspin\" parameter", "... disabled with KVM_HINTS_REALTIME hints"),
 * and the Xen and Hyper-V equivalents. The guest boots with `quiet`, so
 * these info lines reach the log buffer but not the console: they are read
 * with klogctl. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

#include "probes/envinfo.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

static const char *const kvm_feature_names[32] = {
    [0] = "clocksource",
    [1] = "nop_io_delay",
    [2] = "mmu_op",
    [3] = "clocksource2",
    [4] = "async_pf",
    [5] = "steal_time",
    [6] = "pv_eoi",
    [7] = "pv_unhalt",
    [9] = "pv_tlb_flush",
    [10] = "async_pf_vmexit",
    [11] = "pv_send_ipi",
    [12] = "poll_control",
    [13] = "pv_sched_yield",
    [14] = "async_pf_int",
    [15] = "msi_ext_dest_id",
    [16] = "hc_map_gpa_range",
    [17] = "migration_control",
    [24] = "clocksource_stable",
};

static void bits_text(uint32_t v, const char *const names[32], const char *none,
		      char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "0x%08x (", v);

	for (int b = 0; b < 32 && o < len; b++) {
		if (!(v & (1u << b)))
			continue;
		if (names && names[b])
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      buf[o - 1] == '(' ? "" : " ",
					      names[b]);
		else
			o += (size_t)snprintf(buf + o, len - o, "%sbit%d",
					      buf[o - 1] == '(' ? "" : " ", b);
	}
	if (o < len && buf[o - 1] == '(')
		o += (size_t)snprintf(buf + o, len - o, "%s", none);
	if (o < len)
		snprintf(buf + o, len - o, ")");
}

static bool is_kvm_signature(const struct vp_cpuid_regs *r)
{
	char sig[12];
	const char *name;

	memcpy(sig, &r->ebx, 4);
	memcpy(sig + 4, &r->ecx, 4);
	memcpy(sig + 8, &r->edx, 4);
	name = vp_hypervisor_from_signature(sig);
	return name && strcmp(name, "KVM") == 0;
}

int vp_kvm_features_describe(const struct vp_cpuid_regs *base,
			     const struct vp_cpuid_regs *features, char *feat,
			     size_t flen, char *hints, size_t hlen)
{
	static const char *const hint_names[32] = {[0] = "realtime"};

	if (!base || !features || !is_kvm_signature(base)) {
		snprintf(feat, flen, "none (not a KVM guest)");
		snprintf(hints, hlen, "none (not a KVM guest)");
		return -ENOENT;
	}
	bits_text(features->eax, kvm_feature_names, "none", feat, flen);
	bits_text(features->edx, hint_names, "none", hints, hlen);
	return 0;
}

/* Skips "<6>" and "[    0.039424] " at the start of a log line. */
static const char *log_message(const char *line)
{
	if (*line == '<') {
		const char *gt = strchr(line, '>');

		if (gt)
			line = gt + 1;
	}
	if (*line == '[') {
		const char *rb = strchr(line, ']');

		if (rb)
			line = rb + 1;
		while (*line == ' ')
			line++;
	}
	return line;
}

int vp_pvspin_from_log(const char *log, char *buf, size_t len)
{
	const char *found = NULL;
	size_t flen = 0;

	for (const char *p = log; p && *p;) {
		size_t n = strcspn(p, "\n");
		const char *hit = memmem(p, n, "PV spinlocks ", 13);

		if (hit) {
			found = log_message(p);
			flen = n - (size_t)(found - p);
		}
		p += n;
		if (*p)
			p++;
	}
	if (!found) {
		snprintf(buf, len,
			 "no PV spinlock line in the kernel log (not a "
			 "paravirtual guest, or the log wrapped)");
		return -ENOENT;
	}
	snprintf(buf, len, "%.*s", (int)flen, found);
	return 0;
}

static void env_kvm_leaf(struct vp_kvlist *out)
{
	char feat[VP_KV_VALUE_MAX], hints[128];
#if defined(__x86_64__) || defined(__i386__)
	struct vp_cpuid_regs l1 = {0}, b0, f0, b1, f1;

	__get_cpuid(1, &l1.eax, &l1.ebx, &l1.ecx, &l1.edx);
	if (!(l1.ecx & (1u << 31))) {
		vp_kvlist_set(out, "kvm_features", "none (no hypervisor)");
		vp_kvlist_set(out, "kvm_hints", "none (no hypervisor)");
		return;
	}
	__cpuid(0x40000000, b0.eax, b0.ebx, b0.ecx, b0.edx);
	__cpuid(0x40000001, f0.eax, f0.ebx, f0.ecx, f0.edx);
	__cpuid(0x40000100, b1.eax, b1.ebx, b1.ecx, b1.edx);
	__cpuid(0x40000101, f1.eax, f1.ebx, f1.ecx, f1.edx);
	/* Behind Hyper-V enlightenments KVM's leaves sit at 0x40000100. */
	if (vp_kvm_features_describe(&b0, &f0, feat, sizeof(feat), hints,
				     sizeof(hints)) != 0)
		vp_kvm_features_describe(&b1, &f1, feat, sizeof(feat), hints,
					 sizeof(hints));
#else
	snprintf(feat, sizeof(feat), "unavailable: not an x86 CPU");
	snprintf(hints, sizeof(hints), "unavailable: not an x86 CPU");
#endif
	vp_kvlist_set(out, "kvm_features", "%s", feat);
	vp_kvlist_set(out, "kvm_hints", "%s", hints);
}

static void env_pvspin(struct vp_kvlist *out)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *log, line[VP_KV_VALUE_MAX];
	int n;

	if (size <= 0)
		size = 1 << 20;
	log = malloc((size_t)size + 1);
	if (!log) {
		vp_kvlist_set(out, "pv_spinlocks",
			      "unavailable: out of memory");
		return;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, size);
	if (n < 0) {
		int e = errno;

		vp_kvlist_set(out, "pv_spinlocks",
			      "unavailable: kernel log: klogctl %s%s",
			      strerrorname_np(e) ? strerrorname_np(e) : "?",
			      e == EPERM ? " (kernel.dmesg_restrict=1 and not "
					   "privileged)"
					 : "");
		free(log);
		return;
	}
	log[n] = '\0';
	vp_pvspin_from_log(log, line, sizeof(line));
	vp_kvlist_set(out, "pv_spinlocks", "%s", line);
	free(log);
}

void vp_env_paravirt(struct vp_kvlist *out)
{
	env_kvm_leaf(out);
	env_pvspin(out);
}
