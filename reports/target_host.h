/* Which physical host a target name runs on, and which bare-metal target of
 * a plan measures that host. Pure string functions on target names (host,
 * vmN, ssh:[user@]host[:port], libvirt:vmN@URI), shared by the runner
 * (`--parallel hosts` runs targets of different hosts at once) and the
 * summary (a VM target's baseline is the bare metal under it). */
#ifndef VP_TARGET_HOST_H
#define VP_TARGET_HOST_H

#include <stdbool.h>
#include <stddef.h>

/* The host key of this machine: host, vmN and libvirt URIs without a host
 * name (qemu:///system). */
#define VP_HOST_LOCAL "local"

/* Copies the host a target runs on into host: VP_HOST_LOCAL, the ssh host
 * name (without user, port or IPv6 brackets) or the libvirt URI's host name.
 * Host names are compared as written: qemu+ssh://root@127.0.0.1/system is
 * not VP_HOST_LOCAL even though it reaches the same daemon. */
void vp_target_host(const char *target, char *host, size_t len);

/* A guest on some host: vmN or libvirt:vmN@URI. */
bool vp_target_is_vm(const char *target);

/* A bare-metal target: host, or ssh:... (an ssh target is taken as the bare
 * metal of the host it names). */
bool vp_target_is_bare_metal(const char *target);

/* The baseline of targets[i] among the n targets of one run: for a VM
 * target, the bare-metal target of the same host (host for local ones, an
 * ssh: target naming the same host for remote ones) when there is one;
 * else the fallback index (-1 for none). A target is never its own
 * baseline: returns -1 then. */
long vp_baseline_pick(const char *const *targets, size_t n, size_t i,
		      long fallback);

#endif
