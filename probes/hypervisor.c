/* Hypervisor detection: the CPUID hypervisor-present bit (leaf 1 ECX bit
 * 31) and the vendor signature at leaf 0x40000000 (EBX, ECX, EDX), then
 * /sys/hypervisor/type. "bare metal" is said only when neither finds one. */
#include "probes/envinfo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

static const struct {
	const char sig[12];
	const char *name;
} signatures[] = {
    {"KVMKVMKVM\0\0\0", "KVM"},	      {"Microsoft Hv", "Microsoft Hv"},
    {"VMwareVMware", "VMware"},	      {"XenVMMXenVMM", "Xen"},
    {"TCGTCGTCGTCG", "TCG"},	      {"bhyve bhyve ", "bhyve"},
    {"ACRNACRNACRN", "ACRN"},	      {"QNXQVMBSQG\0\0", "QNX"},
    {" lrpepyh  vr", "Parallels"},    {"VBoxVBoxVBox", "VirtualBox"},
    {"Jailhouse\0\0\0", "Jailhouse"}, {"HAXMHAXMHAXM", "HAXM"},
    {"EVMMEVMMEVMM", "Intel EVMM"},   {"UnisysSpar64", "Unisys s-Par"},
    {"OpenBSDVMM58", "OpenBSD vmm"},  {"SRESRESRESRE", "Intel SRE"},
};

const char *vp_hypervisor_from_signature(const char sig[12])
{
	for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++)
		if (memcmp(sig, signatures[i].sig, 12) == 0)
			return signatures[i].name;
	return NULL;
}

static void regs_signature(const struct vp_cpuid_regs *r, char sig[12])
{
	memcpy(sig, &r->ebx, 4);
	memcpy(sig + 4, &r->ecx, 4);
	memcpy(sig + 8, &r->edx, 4);
}

/* Printable form of a signature for reports: NULs dropped, others as '?'. */
static void printable(const char sig[12], char *buf, size_t len)
{
	size_t j = 0;
	for (size_t i = 0; i < 12 && j + 1 < len; i++) {
		if (sig[i] == '\0')
			continue;
		buf[j++] = (sig[i] >= 0x20 && sig[i] < 0x7f) ? sig[i] : '?';
	}
	if (len)
		buf[j] = '\0';
}

const char *vp_hypervisor_from_cpuid(const struct vp_cpuid_regs *leaf1,
				     const struct vp_cpuid_regs *base,
				     const struct vp_cpuid_regs *next,
				     char *buf, size_t len)
{
	if (!leaf1 || !(leaf1->ecx & (1u << 31)))
		return NULL;
	char sig[12], text[16];
	if (!base) {
		snprintf(buf, len,
			 "unknown (hypervisor bit set, no leaf "
			 "0x40000000)");
		return buf;
	}
	regs_signature(base, sig);
	const char *name = vp_hypervisor_from_signature(sig);
	/* KVM (and Xen) offering Hyper-V enlightenments show "Microsoft Hv"
	 * first and their own signature at the next base, 0x40000100. */
	if (name && strcmp(name, "Microsoft Hv") == 0 && next) {
		char sig2[12];
		regs_signature(next, sig2);
		const char *n2 = vp_hypervisor_from_signature(sig2);
		if (n2)
			return n2;
	}
	if (name)
		return name;
	printable(sig, text, sizeof(text));
	if (!text[0])
		snprintf(buf, len,
			 "unknown (hypervisor bit set, empty signature)");
	else
		snprintf(buf, len, "unknown (%s)", text);
	return buf;
}

int vp_cpuid_dump_find(const char *text, uint32_t leaf,
		       struct vp_cpuid_regs *out)
{
	for (const char *p = text; p && *p;) {
		unsigned l, sub;
		struct vp_cpuid_regs r;
		if (sscanf(p, " 0x%x 0x%x: eax=0x%x ebx=0x%x ecx=0x%x edx=0x%x",
			   &l, &sub, &r.eax, &r.ebx, &r.ecx, &r.edx) == 6 &&
		    l == leaf && sub == 0) {
			*out = r;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

/* This machine's CPUID in the same shape the parsers take. */
static int read_cpuid(struct vp_cpuid_regs *leaf1, struct vp_cpuid_regs *base,
		      struct vp_cpuid_regs *next, int *have_next)
{
#if defined(__x86_64__) || defined(__i386__)
	*have_next = 0;
	if (!__get_cpuid(1, &leaf1->eax, &leaf1->ebx, &leaf1->ecx, &leaf1->edx))
		return -ENOTSUP;
	/* hypervisor leaves are not covered by __get_cpuid's max-leaf check
	 * (that is leaf 0's), so ask directly; bit 31 says they exist */
	__cpuid(0x40000000, base->eax, base->ebx, base->ecx, base->edx);
	if (base->eax >= 0x40000100 || (leaf1->ecx & (1u << 31))) {
		__cpuid(0x40000100, next->eax, next->ebx, next->ecx, next->edx);
		*have_next = 1;
	}
	return 0;
#else
	(void)leaf1;
	(void)base;
	(void)next;
	(void)have_next;
	return -ENOTSUP;
#endif
}

static int read_sysfs_type(char *buf, size_t len)
{
	FILE *f = fopen("/sys/hypervisor/type", "r");
	if (!f)
		return -errno;
	int ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? 0 : -ENOENT;
}

/* Fills name (display), cpuid (raw signature or why none), sysfs. */
static void detect(char *name, size_t nlen, char *cpuid, size_t clen,
		   char *sysfs, size_t slen)
{
	struct vp_cpuid_regs l1, base, next;
	int have_next = 0;
	char tmp[128];
	const char *hv = NULL;
	if (read_cpuid(&l1, &base, &next, &have_next) == 0) {
		hv = vp_hypervisor_from_cpuid(
		    &l1, &base, have_next ? &next : NULL, tmp, sizeof(tmp));
		if (!(l1.ecx & (1u << 31))) {
			snprintf(cpuid, clen, "none (hypervisor bit clear)");
		} else {
			char sig[12], text[16];
			regs_signature(&base, sig);
			printable(sig, text, sizeof(text));
			snprintf(cpuid, clen, "%s", text[0] ? text : "(empty)");
		}
	} else {
		snprintf(cpuid, clen, "unavailable: not an x86 CPU");
	}
	int sr = read_sysfs_type(sysfs, slen);
	if (sr)
		snprintf(sysfs, slen, "absent");
	if (hv)
		snprintf(name, nlen, "%s", hv);
	else if (sr == 0 && strcmp(sysfs, "xen") == 0)
		snprintf(name, nlen, "Xen");
	else if (sr == 0)
		snprintf(name, nlen, "%s", sysfs);
	else
		snprintf(name, nlen, "bare metal");
}

void vp_env_hypervisor(char *buf, size_t len)
{
	char cpuid[64], sysfs[64];
	detect(buf, len, cpuid, sizeof(cpuid), sysfs, sizeof(sysfs));
}

void vp_env_hypervisor_detail(char *name, size_t nlen, char *cpuid, size_t clen,
			      char *sysfs, size_t slen)
{
	detect(name, nlen, cpuid, clen, sysfs, slen);
}
