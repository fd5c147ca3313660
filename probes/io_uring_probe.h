/* Whether io_uring works in this process, and why not: the kernel may lack
 * it (older than 5.1, CONFIG_IO_URING off), the io_uring_disabled sysctl
 * (Linux 6.6+) or a seccomp filter (containers' default profile) may deny
 * it. Used by the io.* engine=io_uring (its own ring setup's errno goes
 * through vp_io_uring_why) and by the vm target before it asks QEMU for
 * aio=io_uring. No liburing needed: the probe is the raw system call. */
#ifndef VP_IO_URING_PROBE_H
#define VP_IO_URING_PROBE_H

#include <stddef.h>

/* kernel.io_uring_disabled: 0 allowed, 1 only for root and the
 * io_uring_group, 2 disabled; -1 when the sysctl does not exist. */
int vp_io_uring_disabled_sysctl(void);

/* The reason io_uring setup failed with errno e, given the sysctl's value
 * (as above), for rows and messages: "io_uring_queue_init: Operation not
 * permitted: denied by ...". `call` names the call that failed. Pure. */
void vp_io_uring_why(const char *call, int e, int disabled, char *why,
		     size_t len);

/* Sets up and closes a one-entry ring with io_uring_setup(2). 0, or
 * -errno with the reason in why. */
int vp_io_uring_probe(char *why, size_t len);

#endif
