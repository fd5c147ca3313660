/* The vm target's boot: the guest initramfs, the scratch disk mode, the
 * QEMU command line and process, the vCPU placement, and the env facts that
 * say what a boot was. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/io_uring_probe.h"
#include "probes/pin.h"
#include "runner/guest/guest.h"
#include "runner/targets/guest_image.h"
#include "runner/targets/kvm_host.h"
#include "runner/targets/qemu.h"
#include "runner/targets/vm_internal.h"
#include "runner/util/child.h"
#include "runner/util/leftovers.h"

/* One initramfs per run folder: the plan is the same for every vmN. */
int vm_ensure_initramfs(struct vp_target *t, struct vm_state *s, char *err,
			size_t errlen)
{
	snprintf(s->initrd, sizeof(s->initrd), "%s/%s", t->run_dir,
		 VM_INITRAMFS_NAME);
	if (access(s->initrd, R_OK) == 0)
		return 0;
	return vp_guest_image_build(t, &s->k, s->initrd, err, errlen);
}

int vm_pick_disk_mode(struct vp_target *t, struct vm_state *s, char *err,
		      size_t errlen)
{
	const struct vp_vm_disk_cond *d = &s->cond.disk;
	char odirect_why[128] = "", uring_why[384] = "";
	bool odirect_ok = true;
	int fd;

	if (!t->scratch_image) {
		char list[128];

		if (!vp_vm_disk_cond_any(d) || !t->scratch_why)
			return 0;
		vp_vm_disk_cond_format(d, list, sizeof(list), 0);
		snprintf(err, errlen,
			 "conditions %s set the scratch disk, which this run "
			 "could not make: %s",
			 list, t->scratch_why);
		return -ENOTSUP;
	}
	/* cache=none makes QEMU open the image with O_DIRECT, like the host
	 * target's io.*; some file systems refuse it. */
	fd = open(t->scratch_image, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0 && errno == EINVAL) {
		odirect_ok = false;
		snprintf(odirect_why, sizeof(odirect_why),
			 "open with O_DIRECT: %s", strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	/* QEMU inherits this process's io_uring rights (sysctl, seccomp). */
	if (d->aio == VP_AIO_IO_URING &&
	    vp_io_uring_probe(uring_why, sizeof(uring_why)) == 0)
		uring_why[0] = '\0';
	return vp_vm_disk_mode_resolve(d, odirect_ok, odirect_why,
				       uring_why[0] ? uring_why : NULL,
				       &s->disk, err, errlen);
}

/* The shared guest command line, plus the vm target's conditions:
 * pvspin=off is the guest kernel's own switch too, so the guest says "PV
 * spinlocks disabled, forced by nopvspin" whatever the CPUID. */
static void vm_guest_cmdline(struct vp_target *t, struct vm_state *s, char *buf,
			     size_t len)
{
	size_t o;

	vp_guest_cmdline(t, s->fault, buf, len);
	o = strlen(buf);
	if (s->cond.v[VP_COND_PVSPIN] == 0 && o < len)
		snprintf(buf + o, len - o, " nopvspin");
	vm_net_cmdline(s, buf, len);
}

/* What the host gives a KVM guest: the target's conditions, the KVM
 * module parameters, THP, and whether the guest can have a vPMU. The
 * guest's own view (kvm_features, pv_spinlocks) comes from its agent. */
static void emit_host_facts(struct vm_state *s, struct vp_emitter *out)
{
	struct vp_kvlist kv;
	char buf[512];

	vp_vm_cond_format(&s->cond, buf, sizeof(buf));
	vp_emit_envf(out, "conditions", "%s", buf[0] ? buf : "none");
	vp_kvlist_init(&kv);
	vp_kvm_params_collect("", &kv);
	for (size_t i = 0; i < kv.n; i++)
		out->env(out, kv.v[i].key, kv.v[i].value);
	vp_kvlist_free(&kv);
	vp_thp_describe("", buf, sizeof(buf));
	vp_emit_envf(out, "host_thp", "%s", buf);
	vp_emit_envf(out, "guest_vpmu", "%s",
		     s->vpmu_why[0] ? s->vpmu_why
				    : "expected (-cpu host on a host with a "
				      "PMU and kvm.enable_pmu on)");
}

/* The scratch disk as QEMU serves it: the settings one by one (the
 * conditions, or the defaults that stood in for them) and together. */
static void emit_disk_env(struct vp_target *t, struct vm_state *s,
			  struct vp_emitter *out)
{
	char q[32];

	if (s->disk.queues)
		snprintf(q, sizeof(q), "%u", s->disk.queues);
	else
		snprintf(q, sizeof(q), "auto (QEMU: one per vCPU)");
	vp_emit_envf(out, "guest_disk",
		     "virtio-blk %s cache=%s aio=%s iothread=%s queues=%s",
		     t->scratch_image, s->disk.cache, s->disk.aio,
		     s->disk.iothread ? "on" : "off", q);
	vp_emit_envf(out, "guest_disk_cache", "%s", s->disk.cache);
	vp_emit_envf(out, "guest_disk_aio", "%s", s->disk.aio);
	vp_emit_envf(out, "guest_disk_iothread", "%s",
		     s->disk.iothread ? "on" : "off");
	vp_emit_envf(out, "guest_disk_queues", "%s", q);
}

/* What this boot is: accelerator, QEMU, kernel, overcommit, disk, argv. */
static void emit_env(struct vp_target *t, struct vm_state *s,
		     struct vp_emitter *out, const char *cmdline)
{
	vp_emit_envf(out, "accel", "%s", t->ti.accel);
	if (!s->kvm) {
		char note[1024];

		vp_qemu_tcg_note(note, sizeof(note), s->kvm_why, t->vcpus);
		vp_emit_envf(out, "accel_note", "%s", note);
	}
	vp_emit_envf(out, "qemu_version", "%s", s->qemu_version);
	vp_emit_envf(out, "guest_kernel", "%s (%s, from %s)",
		     s->k.version[0] ? s->k.version : "unknown", s->k.kernel,
		     s->k.source);
	vp_emit_envf(out, "vcpus", "%u", t->vcpus);
	vp_emit_envf(out, "guest_cpu_slots", "%u",
		     vp_qemu_cpu_slots(t->vcpus, s->kvm));
	/* host_cpus is the --vm-cpus set when there is one (vm_prepare). */
	vp_emit_envf(out, "vm_cpus", "%s",
		     t->plan->vm_cpus[0] ? t->plan->vm_cpus : "all");
	vp_emit_envf(out, "vm_cpus_count", "%d", t->ti.host_cpus);
	/* Runnable threads (vCPUs + busy neighbours) per host CPU QEMU may
	 * use: above 1 the vCPUs are time-sliced. */
	vp_emit_envf(out, "overcommit_ratio", "%.2f",
		     (double)(t->vcpus + t->plan->host_load) /
			 (t->ti.host_cpus > 0 ? t->ti.host_cpus : 1));
	vp_emit_envf(out, "runnable_per_core", "%.2f",
		     (double)(t->vcpus + t->plan->host_load) /
			 (t->ti.host_cpus > 0 ? t->ti.host_cpus : 1));
	vp_emit_envf(out, "host_load", "%u", t->plan->host_load);
	if (t->scratch_image)
		emit_disk_env(t, s, out);
	else if (t->scratch_why)
		vp_emit_envf(out, "guest_disk", "none: %s", t->scratch_why);
	emit_host_facts(s, out);
	vm_net_emit_env(s, out);
	vp_emit_envf(out, "qemu_cmdline", "%s", cmdline);
}

int vm_spawn_qemu(struct vp_target *t, struct vm_state *s, int *rfd, int *wfd,
		  struct vp_emitter *out, char *err, size_t errlen)
{
	struct vp_strlist argv = {0};
	struct vp_qemu_cfg c = {0};
	struct vm_affinity aff;
	char append[1024], cmdline[8192];
	int pipefd[2] = {-1, -1}, infd[2] = {-1, -1}, logfd = -1, rc;
	size_t o = 0;

	if (s->sockdir[0]) {
		/* A second boot reuses the folder of the first. */
		unlink(s->qmp);
	} else if (snprintf(s->sockdir, sizeof(s->sockdir),
			    "/tmp/vpbench-qmp.XXXXXX") < 0 ||
		   !mkdtemp(s->sockdir)) {
		rc = -errno;
		snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
		s->sockdir[0] = '\0';
		return rc;
	}
	snprintf(s->qmp, sizeof(s->qmp), "%s/qmp.sock", s->sockdir);
	vp_leftovers_add(s->sockdir, (const char *const[]){"qmp.sock", NULL});
	vm_guest_cmdline(t, s, append, sizeof(append));
	c.qemu = s->qemu;
	c.kernel = s->k.kernel;
	c.initrd = s->initrd;
	c.append = append;
	c.vcpus = t->vcpus;
	c.mem_mb = VM_MEM_MB;
	c.kvm = s->kvm;
	c.console_log = s->console;
	c.qmp_sock = s->qmp;
	c.disk = t->scratch_image;
	c.disk_cache = s->disk.cache;
	c.disk_aio = s->disk.aio;
	c.disk_iothread = s->disk.iothread;
	c.disk_queues = s->disk.queues;
	c.pv_unhalt = s->cond.v[VP_COND_PVSPIN] < 0 ? 0
		      : s->cond.v[VP_COND_PVSPIN]   ? 1
						    : -1;
	c.cpu_pm = s->cond.v[VP_COND_CPU_PM] == 1;
	c.invtsc = s->cond.v[VP_COND_INVTSC] == 1;
	c.mem_path =
	    s->cond.v[VP_COND_HUGEPAGES] == 1 ? VM_HUGEPAGES_DIR : NULL;
	vm_net_qemu_cfg(s, &c);
	c.bios = getenv("VPBENCH_QEMU_BIOS");
	if (c.bios && !*c.bios)
		c.bios = NULL;
	rc = vp_qemu_build_argv(&c, &argv);
	if (rc || vp_strlist_terminate(&argv) != 0) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < argv.n && o + 2 < sizeof(cmdline); i++)
		o += (size_t)snprintf(cmdline + o, sizeof(cmdline) - o, "%s%s",
				      i ? " " : "", argv.v[i]);
	logfd =
	    open(s->qemu_log,
		 O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (logfd < 0 || pipe2(pipefd, O_CLOEXEC) != 0 ||
	    pipe2(infd, O_CLOEXEC) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s%s", s->qemu_log,
			 strerror(errno),
			 errno == ENOSPC ? " (disk full)" : "");
		goto out;
	}
	/* QEMU's stdin feeds the guest's ttyS1: the host's only way to ask
	 * a silent guest what its agent is doing. */
	vm_confine_begin(t, &aff);
	s->pid = vp_child_spawn_keep(argv.v, infd[0], pipefd[1], logfd,
				     s->peer.tap_fd, err, errlen);
	vm_confine_end(&aff);
	if (s->pid < 0) {
		rc = (int)s->pid;
		s->pid = -1;
		goto out;
	}
	*rfd = pipefd[0];
	pipefd[0] = -1;
	*wfd = infd[1];
	infd[1] = -1;
	if (out)
		emit_env(t, s, out, cmdline);
	rc = 0;
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	for (int i = 0; i < 2; i++)
		if (infd[i] >= 0)
			close(infd[i]);
	if (logfd >= 0)
		close(logfd);
	vp_strlist_free(&argv);
	return rc;
}
