/* PID 1 of the embedded guest: vpbench itself, started by the kernel as
 * /init from the initramfs the vm target builds. It mounts /proc, /sys and
 * /dev, switches transparent huge pages from `never` (the kernel's choice
 * below 512 MiB of RAM) to `madvise` so that mem.tlb -O pages=2m can run,
 * loads the kernel modules shipped in the initramfs, runs the agent
 * with the plan file and the parameters from the kernel command line
 * (vpbench.*), sends the agent stream over a serial port of its own
 * (/dev/ttyS1, the kernel console stays on ttyS0) and powers the guest off.
 * It never returns. */
#ifndef VP_GUEST_INIT_H
#define VP_GUEST_INIT_H

#include <stddef.h>

#include "runner/agent/agent_stream.h"

/* Kernel command line parameters the vm target passes (all optional):
 *   vpbench.target=NAME vpbench.accel=tcg|kvm vpbench.host_cpus=N
 *   vpbench.run_id=ID vpbench.disk=1 (scratch disk on /dev/vda)
 *   vpbench.chan=/dev/ttyS1
 *   vpbench.net=ADDR:PORT:TOKEN  the host-side peer of net.* peer=host:
 *     eth0 gets its static address, the agent gets --net-peer
 *   vpbench.fault=hang|panic|stall|lockup|lockup-recover  TEST HOOK ONLY:
 *     set by the runner from the environment variable VPBENCH_GUEST_FAULT
 *     so the fault tests can make a guest hang before the agent starts
 *     (boot timeout), panic, stop the agent after vpbench.stall_s seconds
 *     (run timeout), or log a kernel soft-lockup report with the agent
 *     stopped (lockup: wedged guest) or still running (lockup-recover). */
struct vp_guest_params {
	char target[128];
	char accel[16];
	char host_cpus[16];
	char run_id[64];
	char chan[64];
	char fault[16];
	char net[96];
	double stall_s;
	int disk;
	int boot_floor; /* vpbench.floor=1: power off at once (boot bench) */
};

/* Parses a kernel command line into params (defaults for the rest). */
void vp_guest_params_parse(const char *cmdline, struct vp_guest_params *p);

/* Guest init writes V, records on the agent channel beside the agent
 * stream; their tags are documented with the others in
 * runner/agent/agent_stream.h (VP_GUEST_TAG). */

int vp_guest_init_main(int argc, char **argv);

#endif
