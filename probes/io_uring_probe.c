/* io_uring availability and the reasons it is missing (io_uring_probe.h). */
#include "probes/io_uring_probe.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int vp_io_uring_disabled_sysctl(void)
{
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "re");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

void vp_io_uring_why(const char *call, int e, int disabled, char *why,
		     size_t len)
{
	const char *what;

	switch (e) {
	case ENOSYS:
		what = "the kernel has no io_uring (older than 5.1 or built "
		       "without CONFIG_IO_URING), or a seccomp filter hides "
		       "io_uring_setup";
		break;
	case EPERM:
	case EACCES:
		what = disabled > 0
			   ? "denied by the kernel's io_uring_disabled sysctl"
			   : "denied: a seccomp filter (containers' default "
			     "profile) or a security module blocks "
			     "io_uring_setup";
		break;
	case ENOMEM:
		what = "no memory for the ring (kernels before 5.12 charge it "
		       "to RLIMIT_MEMLOCK: raise ulimit -l)";
		break;
	default:
		what = "io_uring_setup refused";
		break;
	}
	if (disabled > 0 && (e == EPERM || e == EACCES))
		snprintf(why, len, "%s: %s: %s (kernel.io_uring_disabled=%d)",
			 call, strerror(e), what, disabled);
	else
		snprintf(why, len, "%s: %s: %s", call, strerror(e), what);
}

int vp_io_uring_probe(char *why, size_t len)
{
#ifdef __NR_io_uring_setup
	struct io_uring_params p;
	long fd;

	memset(&p, 0, sizeof(p));
	fd = syscall(__NR_io_uring_setup, 1u, &p);
	if (fd >= 0) {
		close((int)fd);
		why[0] = '\0';
		return 0;
	}
	int e = errno;
	vp_io_uring_why("io_uring_setup", e, vp_io_uring_disabled_sysctl(), why,
			len);
	return -e;
#else
	vp_io_uring_why("io_uring_setup", ENOSYS, -1, why, len);
	return -ENOSYS;
#endif
}
