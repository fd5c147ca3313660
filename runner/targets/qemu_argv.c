/* The QEMU command line of a vmN guest (see qemu.h), built as an argv
 * array: machine, accelerator, CPU model with the target's conditions,
 * explicit topology, RAM (anonymous or hugetlbfs), kernel, the two serial
 * channels, QMP and the scratch disk with its conditions. Pure: no QEMU
 * is run. */
#include "runner/targets/qemu.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int add(struct vp_strlist *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int add(struct vp_strlist *l, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return vp_strlist_add(l, buf);
}

/* QEMU option values separate sub-options with ','; a literal comma is
 * written ",,". Paths come from the run folder, which the user names. */
static void qemu_escape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 2 < len; in++) {
		out[o++] = *in;
		if (*in == ',')
			out[o++] = ',';
	}
	out[o] = '\0';
}

/* -cpu: host (KVM) or max (TCG), with the target's conditions. */
static int add_cpu_model(struct vp_strlist *a, const struct vp_qemu_cfg *c)
{
	char cpu[256];
	size_t o;

	if (!c->kvm)
		return add(a, "max");
	o = (size_t)snprintf(cpu, sizeof(cpu), "host");
	/* -cpu host is migratable by default, which filters the invariant
	 * TSC out; invtsc=on asks for it explicitly. */
	if (c->invtsc)
		o += (size_t)snprintf(cpu + o, sizeof(cpu) - o,
				      ",migratable=no,+invtsc");
	if (c->pv_unhalt)
		snprintf(cpu + o, sizeof(cpu) - o, ",kvm-pv-unhalt=%s",
			 c->pv_unhalt > 0 ? "on" : "off");
	return add(a, "%s", cpu);
}

/* The NIC of net.* peer=host, one queue: virtio-net on QEMU user
 * networking (slirp maps 10.0.2.2 to the host's 127.0.0.1) or on a tap
 * device the runner opened in a network namespace of its own. The guest
 * sets its own static address and has no default route. No option ROM:
 * the guest boots its kernel directly and the ROM file may not be
 * installed. */
static int add_nic(struct vp_strlist *a, const struct vp_qemu_cfg *c)
{
	int rc = 0;

	if (!c->nic)
		return 0;
	rc |= add(a, "-netdev");
	if (strcmp(c->nic, "tap") == 0)
		rc |= add(a, "tap,id=vpnet,fd=%d,vhost=%s", c->nic_fd,
			  c->nic_vhost ? "on" : "off");
	else
		rc |= add(a, "user,id=vpnet,ipv6=off");
	rc |= add(a, "-device");
	rc |= add(a, "virtio-net-pci,netdev=vpnet,romfile=");
	return rc;
}

/* The scratch disk: raw image on virtio-blk with the target's disk
 * conditions (runner/targets/vm_disk_cond.h). */
static int add_disk(struct vp_strlist *a, const struct vp_qemu_cfg *c)
{
	char p[PATH_MAX * 2], dev[128];
	size_t o;
	int rc = 0;

	qemu_escape(c->disk, p, sizeof(p));
	if (c->disk_iothread) {
		rc |= add(a, "-object");
		rc |= add(a, "iothread,id=iothread0");
	}
	rc |= add(a, "-drive");
	rc |= add(a, "file=%s,if=none,id=scratch,format=raw,cache=%s,aio=%s", p,
		  c->disk_cache ? c->disk_cache : "none",
		  c->disk_aio ? c->disk_aio : "native");
	o = (size_t)snprintf(dev, sizeof(dev), "virtio-blk-pci,drive=scratch");
	if (c->disk_iothread)
		o += (size_t)snprintf(dev + o, sizeof(dev) - o,
				      ",iothread=iothread0");
	if (c->disk_queues)
		snprintf(dev + o, sizeof(dev) - o, ",num-queues=%u",
			 c->disk_queues);
	rc |= add(a, "-device");
	rc |= add(a, "%s", dev);
	return rc;
}

unsigned vp_qemu_cpu_slots(unsigned vcpus, bool kvm)
{
	return !kvm && vcpus == 1 ? 2 : vcpus;
}

void vp_qemu_tcg_note(char *buf, size_t len, const char *why, unsigned vcpus)
{
	snprintf(buf, len,
		 "TCG emulation (%s): figures do not represent hardware "
		 "virtualization overhead%s",
		 why,
		 vp_qemu_cpu_slots(vcpus, false) != vcpus
		     ? "; the 1-vCPU guest has a second, unplugged CPU slot "
		       "(maxcpus=2) so that TCG executes its memory barriers "
		       "and atomics (QEMU before 8.1 drops them for a 1-CPU "
		       "guest, and virtio disk completions went missing)"
		     : "");
}

int vp_qemu_build_argv(const struct vp_qemu_cfg *c, struct vp_strlist *a)
{
	const unsigned slots = vp_qemu_cpu_slots(c->vcpus, c->kvm);
	char p[PATH_MAX * 2];
	int rc = 0;

	rc |= add(a, "%s", c->qemu);
	rc |= add(a, "-nodefaults");
	rc |= add(a, "-no-user-config");
	rc |= add(a, "-display");
	rc |= add(a, "none");
	rc |= add(a, "-monitor");
	rc |= add(a, "none");
	rc |= add(a, "-no-reboot");
	/* Named threads ("CPU 1/KVM", "worker"...): the host-side views of
	 * /proc/<pid>/task tell vCPUs from the rest. */
	rc |= add(a, "-name");
	rc |= add(a, "vpbench,debug-threads=on");
	rc |= add(a, "-machine");
	rc |= add(a, "%s", c->mem_path ? "pc,memory-backend=ram0" : "pc");
	rc |= add(a, "-accel");
	rc |= add(a, "%s", c->kvm ? "kvm" : "tcg,thread=multi");
	rc |= add(a, "-cpu");
	rc |= add_cpu_model(a, c);
	if (c->kvm && c->cpu_pm) {
		/* HLT, PAUSE and MWAIT stay in the guest: no exits. */
		rc |= add(a, "-overcommit");
		rc |= add(a, "cpu-pm=on");
	}
	/* An explicit split: QEMU documents its default as liable to change,
	 * and the guest's scheduler domains follow it. */
	rc |= add(a, "-smp");
	if (slots != c->vcpus)
		rc |= add(a, "%u,maxcpus=%u,sockets=1,cores=%u,threads=1",
			  c->vcpus, slots, slots);
	else
		rc |= add(a, "%u,sockets=1,cores=%u,threads=1", c->vcpus,
			  c->vcpus);
	rc |= add(a, "-m");
	rc |= add(a, "%uM", c->mem_mb);
	if (c->mem_path) {
		/* prealloc: a shortage of huge pages fails at start, not as a
		 * SIGBUS in the middle of a measurement. */
		qemu_escape(c->mem_path, p, sizeof(p));
		rc |= add(a, "-object");
		rc |= add(a,
			  "memory-backend-file,id=ram0,size=%uM,mem-path=%s,"
			  "share=off,prealloc=on",
			  c->mem_mb, p);
	}
	if (c->bios) {
		rc |= add(a, "-bios");
		rc |= add(a, "%s", c->bios);
	}
	rc |= add(a, "-kernel");
	rc |= add(a, "%s", c->kernel);
	rc |= add(a, "-initrd");
	rc |= add(a, "%s", c->initrd);
	rc |= add(a, "-append");
	rc |= add(a, "%s", c->append);
	/* ttyS0: kernel console into the log; ttyS1: the agent channel on
	 * QEMU's stdout, a pipe the runner reads. */
	qemu_escape(c->console_log, p, sizeof(p));
	rc |= add(a, "-chardev");
	rc |= add(a, "file,id=con,path=%s", p);
	rc |= add(a, "-serial");
	rc |= add(a, "chardev:con");
	rc |= add(a, "-chardev");
	rc |= add(a, "stdio,id=agent,signal=off");
	rc |= add(a, "-serial");
	rc |= add(a, "chardev:agent");
	if (c->qmp_sock) {
		qemu_escape(c->qmp_sock, p, sizeof(p));
		rc |= add(a, "-qmp");
		rc |= add(a, "unix:%s,server=on,wait=off", p);
	}
	if (c->disk)
		rc |= add_disk(a, c);
	rc |= add_nic(a, c);
	return rc ? -ENOMEM : 0;
}
