/* Child processes for the vm and ssh targets (QEMU, ssh, scp, decompressors):
 * always spawned from an argv array (posix_spawn, PATH lookup), never
 * through a shell, with explicit stdin/stdout/stderr. */
#ifndef VP_CHILD_H
#define VP_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Spawns argv[0] (searched in PATH) with the given descriptors as stdin,
 * stdout, stderr (-1 = /dev/null). The child gets SIGKILL when the runner
 * dies (PR_SET_PDEATHSIG) if spawned from the main thread: the signal
 * follows the forking thread's life, so children of other threads are not
 * tied (vpbench spawns from its main thread only). Returns the pid, or
 * -errno with a message naming the program (ENOENT: "not found in PATH"). */
pid_t vp_child_spawn(char *const argv[], int in_fd, int out_fd, int err_fd,
		     char *err, size_t errlen);

/* vp_child_spawn, and the child also inherits keep_fd (> 2, CLOEXEC in
 * the runner) under the same number; -1 for none. */
pid_t vp_child_spawn_keep(char *const argv[], int in_fd, int out_fd,
			  int err_fd, int keep_fd, char *err, size_t errlen);

/* Runs argv to completion with stdin from /dev/null, capturing stdout (and
 * stderr when merge_stderr) into a NUL-terminated malloc'd buffer (*out,
 * may be NULL to discard). Kills the child after timeout_s (0 = none).
 * Returns the exit status (0..255), 128+signal when killed, or -errno. */
int vp_child_capture(char *const argv[], char **out, size_t *outlen,
		     bool merge_stderr, double timeout_s, char *err,
		     size_t errlen);

/* Sends SIGTERM, waits up to grace_s, then SIGKILL; reaps the child.
 * Returns the wait status, or -errno. */
int vp_child_stop(pid_t pid, double grace_s);

/* Waits for pid up to timeout_s (0 = poll once). Returns 1 and the status
 * when it exited, 0 when still running, -errno on error. */
int vp_child_wait(pid_t pid, double timeout_s, int *status);

/* Finds prog in PATH (or accepts a path with '/'); 0 and the absolute path
 * in buf, -ENOENT otherwise. */
int vp_which(const char *prog, char *buf, size_t len);

/* Monotonic seconds. */
double vp_child_now(void);

#endif
