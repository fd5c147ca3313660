/* Target name -> physical host, and the same-host bare-metal baseline
 * (target_host.h). */
#include "reports/target_host.h"

#include <stdio.h>
#include <string.h>

/* Host part of "[user@]host[:port]" or "[user@][v6]:port" (len bytes of
 * authority), copied without brackets; "" when empty. */
static void authority_host(const char *a, size_t alen, char *host, size_t len)
{
	const char *end = a + alen, *at = NULL, *h, *hend;

	for (const char *p = a; p < end; p++)
		if (*p == '@')
			at = p;
	h = at ? at + 1 : a;
	if (h < end && *h == '[') {
		h++;
		hend = memchr(h, ']', (size_t)(end - h));
		if (!hend)
			hend = end;
	} else {
		hend = memchr(h, ':', (size_t)(end - h));
		if (!hend)
			hend = end;
	}
	snprintf(host, len, "%.*s", (int)(hend - h), h);
}

void vp_target_host(const char *target, char *host, size_t len)
{
	if (strncmp(target, "ssh:", 4) == 0) {
		authority_host(target + 4, strlen(target + 4), host, len);
		if (!host[0])
			snprintf(host, len, "%s", VP_HOST_LOCAL);
		return;
	}
	if (strncmp(target, "libvirt:", 8) == 0) {
		const char *at = strchr(target, '@');
		const char *auth = at ? strstr(at + 1, "://") : NULL;

		if (auth) {
			auth += 3;
			authority_host(auth, strcspn(auth, "/?"), host, len);
			if (host[0])
				return;
		}
	}
	snprintf(host, len, "%s", VP_HOST_LOCAL);
}

bool vp_target_is_vm(const char *target)
{
	return (strncmp(target, "vm", 2) == 0 && target[2] >= '0' &&
		target[2] <= '9') ||
	       strncmp(target, "libvirt:", 8) == 0;
}

bool vp_target_is_bare_metal(const char *target)
{
	return strcmp(target, "host") == 0 || strncmp(target, "ssh:", 4) == 0;
}

long vp_baseline_pick(const char *const *targets, size_t n, size_t i,
		      long fallback)
{
	char want[256], have[256];

	if (vp_target_is_vm(targets[i])) {
		vp_target_host(targets[i], want, sizeof(want));
		for (size_t j = 0; j < n; j++) {
			if (!vp_target_is_bare_metal(targets[j]))
				continue;
			vp_target_host(targets[j], have, sizeof(have));
			if (strcmp(want, have) == 0)
				return (long)j;
		}
	}
	return fallback == (long)i ? -1 : fallback;
}
