/* Block device facts from sysfs (blkinfo.h). */
#include "probes/blkinfo.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* The scheduler file lists all with the active one in brackets. */
static void active_scheduler(const char *sys, char *out, size_t len)
{
	char p[128], line[256] = "", *a, *b;
	FILE *f;

	snprintf(p, sizeof(p), "%s/queue/scheduler", sys);
	snprintf(out, len, "unknown");
	f = fopen(p, "re");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (a = strchr(line, '[')) &&
	    (b = strchr(a, ']'))) {
		*b = '\0';
		snprintf(out, len, "%s", a + 1);
	} else if (line[0]) {
		line[strcspn(line, " \n")] = '\0';
		snprintf(out, len, "%s", line);
	}
	fclose(f);
}

int vp_blk_describe(const char *path, char *buf, size_t len)
{
	char sys[96], mq[128], sched[64];
	struct stat st;
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (stat(path, &st)) {
		int rc = -errno;
		snprintf(buf, len, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(buf, len, "%s is not a block device", path);
		return -ENOTBLK;
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	snprintf(mq, sizeof(mq), "%s/mq", sys);
	d = opendir(mq);
	if (!d) {
		int rc = -errno;
		snprintf(buf, len, "%s: %s", mq, strerror(errno));
		return rc;
	}
	while ((e = readdir(d)))
		n += e->d_name[0] >= '0' && e->d_name[0] <= '9';
	closedir(d);
	active_scheduler(sys, sched, sizeof(sched));
	snprintf(buf, len, "hw_queues=%d scheduler=%s", n, sched);
	return 0;
}
