/* The targets room: where an agent runs and how its rows come back, behind
 * one small interface (prepare / run agent / teardown). Code outside
 * runner/targets/ includes this header only.
 *
 * What the room offers:
 *   host.c           the agent runs in this very process
 *   vm.c, vm_boot.c, vm_collect.c (vm_internal.h)
 *                    vmN: a QEMU guest with N vCPUs built around this
 *                    binary (runner/guest/), collected from its serial
 *                    channel with the shared collector loop
 *   qemu.c           QEMU argv, version, KVM usability
 *   qmp.c            one persistent QMP connection per boot (ids, deadlines)
 *   vm_attrib.c, vcpu_stats.c, qmp_stats.c
 *                    host-side view of each step of a guest: its vCPU
 *                    threads' run-queue delay, time on CPU, preemptions,
 *                    KVM statistics, sampled at the agent's step marks
 *   vm_cond.c        vmN:KEY=on|off conditions in the target name
 *   vm_pin.c         --vm-cpus confinement, vCPU placement
 *   vm_vpmu.c        why a guest has no vPMU, on its counter rows
 *   qemu.c, qemu_argv.c
 *                    QEMU binary, argv, version, KVM usability, QMP vCPU
 *                    threads
 *   kvm_host.c       host KVM facts: module parameters, THP, hugetlbfs
 *   host_load.c      busy threads beside the guests (--host-load)
 *   ssh.c, ssh_args.c
 *                    ssh:[user@]host[:port]: the binary copied to an
 *                    existing machine, its stream on ssh's stdout
 *   libvirt.c, libvirt_*.c (libvirt_internal.h)
 *                    libvirt:vmN@URI: the same guest as vmN booted as a
 *                    transient libvirt domain on a local or remote host,
 *                    collected from virDomainOpenConsole streams, with
 *                    the vm target's host-side rows (libvirt_sample.c,
 *                    libvirt_vcpu.c)
 *   guest_watch.c, guest_image.c
 *                    what vm and libvirt share: guest init's records and
 *                    milestones, timeouts, panic, console tail; the
 *                    initramfs and the kernel command line
 *   target.c         target names -> kinds (validated at plan time)
 * A failing target yields failed rows with the reason and the run goes on
 * with the next target. Data flows one way: plan -> run -> target -> agent
 * -> rows (runner/agent/) -> report (reports/). */
#ifndef VP_TARGET_H
#define VP_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/results_csv.h"
#include "runner/agent/emitter.h"
#include "runner/plan/plan.h"

struct vp_run; /* the run folder and its writers (run.h) */

struct vp_target {
	const struct vp_target_ops *ops;
	char name[128];		  /* as given: host, vm2, ssh:user@box:22 */
	struct vp_target_info ti; /* filled by prepare / the agent */
	const struct vp_plan *plan;
	const char *run_dir;  /* run folder (console logs etc. go here) */
	const char *self_exe; /* path of this vpbench binary */
	volatile int *interrupted;
	int step_offset, total_steps; /* progress numbering across targets */
	unsigned vcpus;		      /* vmN: N */
	/* Raw scratch image created by the runner when the plan has io.*
	 * workloads and VM targets: guests get it as virtio-blk, the host
	 * target runs io.* on the same file. NULL otherwise. */
	const char *scratch_image;
	/* Why there is no image although the plan has io.* and VM targets
	 * (run folder on tmpfs, disk full...), else NULL. */
	const char *scratch_why;
	/* --vm-cpus: the host PUs for every QEMU thread (and the load
	 * threads), in hwloc scatter order; n == 0: no confinement. */
	const int *vm_cpu_order;
	unsigned vm_cpu_n;
	void *priv;
};

struct vp_target_ops {
	const char *kind; /* "host", "vm", "ssh", "libvirt" */
	/* Deploy: check prerequisites, build the guest / copy the binary.
	 * 0 or -errno with a message that names the fix. */
	int (*prepare)(struct vp_target *t, char *err, size_t errlen);
	/* Run the agent and collect its output into `out` (rows, env,
	 * progress), streaming as it arrives. Returns 0 when the agent
	 * finished, -errno with a message when it did not (hang, panic, lost
	 * connection); the caller then writes failed rows for missing steps. */
	int (*run_agent)(struct vp_target *t, struct vp_emitter *out, char *err,
			 size_t errlen);
	void (*teardown)(struct vp_target *t);
};

/* Parses a target name and binds its ops; -EINVAL with the valid forms. */
int vp_target_init(struct vp_target *t, const char *name, char *err,
		   size_t errlen);
/* Checks a target name without side effects. */
int vp_target_name_valid(const char *name, char *err, size_t errlen);

/* True when the plan has vmN targets, --accel auto and KVM is not usable:
 * buf then says so with the reason and its fix, for one line on stderr at
 * run start (env.csv and the report say it per target). */
bool vp_target_tcg_fallback_note(const struct vp_plan *p, char *buf,
				 size_t len);

extern const struct vp_target_ops vp_target_host_ops;
extern const struct vp_target_ops vp_target_vm_ops;
extern const struct vp_target_ops vp_target_ssh_ops;
extern const struct vp_target_ops vp_target_libvirt_ops;

#endif
