/* Guest network interfaces up by ioctl (see guest_net.h). */
#include "runner/guest/guest_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int set_addr(int fd, const char *name, unsigned long req,
		    const char *addr)
{
	struct ifreq ifr;
	struct sockaddr_in *sa = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
		return -EINVAL;
	return ioctl(fd, req, &ifr) ? -errno : 0;
}

int vp_guest_net_up(const char *name, const char *addr, const char *mask,
		    char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;
	const char *step = "socket";

	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	if (addr) {
		step = "SIOCSIFADDR";
		rc = set_addr(fd, name, SIOCSIFADDR, addr);
		if (!rc && mask) {
			step = "SIOCSIFNETMASK";
			rc = set_addr(fd, name, SIOCSIFNETMASK, mask);
		}
		if (rc)
			goto out;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	step = "SIOCGIFFLAGS";
	if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		rc = -errno;
		goto out;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	step = "SIOCSIFFLAGS";
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		rc = -errno;
out:
	if (rc)
		snprintf(err, errlen, "%s %s: %s", name, step, strerror(-rc));
	if (fd >= 0)
		close(fd);
	return rc;
}
