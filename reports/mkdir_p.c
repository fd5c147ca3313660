/* mkdir -p (mkdir_p.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "reports/mkdir_p.h"

int vp_mkdir_p(const char *dir, char *failed, size_t len)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		goto fail;
	return 0;
fail:;
	int e = errno;
	snprintf(failed, len, "%s", buf);
	return -e;
}
