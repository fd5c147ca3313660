/* Leftovers of runs that were killed (SIGKILL, a crash, a power cut):
 * QEMU's QMP socket folder, the guest initramfs, the scratch image. Their
 * children die with them (PR_SET_PDEATHSIG, child.c); these files do not.
 *
 * Each run keeps a ledger of what it creates in a private per-user folder
 * (${XDG_RUNTIME_DIR}/vpbench or /tmp/vpbench-<uid>, mode 0700, owned by
 * the user): the run's identity (boot id, pid namespace, pid and the
 * pid's start time, so a reused pid is not mistaken for it) and, per
 * path, its device and inode. A run that ends removes its ledger. A later
 * run sweeps the ledgers whose run is provably gone (same boot and pid
 * namespace, no process with that pid and start time; or another boot)
 * and removes only what is still the very file or folder recorded (same
 * device and inode, not a symbolic link): that proves it is a leftover of
 * vpbench and nothing else. Folders lose only the entries named with them
 * and are removed when then empty. */
#ifndef VP_LEFTOVERS_H
#define VP_LEFTOVERS_H

#include <stddef.h>

/* Records a file (or a folder and the names inside it that this run may
 * create: "qmp.sock", NULL-terminated) in this process's ledger. Best
 * effort: 0 or -errno, never fatal to the run. */
int vp_leftovers_add(const char *path, const char *const *inside);

/* Removes this process's ledger (its files were removed by their owners). */
void vp_leftovers_done(void);

/* Removes the leftovers of dead runs; returns how many paths were removed
 * and describes them in note ("" when none). */
int vp_leftovers_sweep(char *note, size_t len);

/* The ledger folder (created on demand); for tests. */
int vp_leftovers_dir(char *buf, size_t len);

#endif
