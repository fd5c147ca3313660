/* The guest room: everything that makes and reads the embedded guest that
 * the vm (and libvirt) targets boot. Code outside runner/guest/ includes
 * this header only.
 *
 * What the room offers:
 *   guest_kernel.h  find a guest kernel and its module tree (--kernel,
 *                   --modules, the host's /boot, the fetch script's cache)
 *   initramfs.h     build the per-run initramfs: this very binary as /init,
 *                   its ELF closure, the plan, the virtio modules
 *   guest_init.h    PID 1 inside the guest: mounts, modules, runs the agent,
 *                   V, records on the channel, power-off
 *   guest_log.h     read the console log on the host: tail, search, wedged
 *                   kernel reports
 * Inside the room, not for outside use: cpio.h (the newc writer),
 * elf_deps.h (shared-library closure), kmod_deps.h (module dependencies). */
#ifndef VP_GUEST_H
#define VP_GUEST_H

#include "runner/guest/guest_init.h"
#include "runner/guest/guest_kernel.h"
#include "runner/guest/guest_log.h"
#include "runner/guest/initramfs.h"

#endif
