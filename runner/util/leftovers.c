/* Ledgers of what runs create, and the sweep of dead runs' leftovers
 * (leftovers.h). */
#include "runner/util/leftovers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/util/printable.h"

struct run_id {
	char boot[64], pidns[64];
	long pid;
	unsigned long long start;
};

static char ledger[PATH_MAX]; /* this process's ledger, once created */
static long ledger_pid;

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/* Field 22 of /proc/PID/stat: start time in clock ticks after boot. 0 when
 * there is no such process. */
static unsigned long long start_time(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	read_line(path, buf, sizeof(buf));
	char *p = strrchr(buf, ')'); /* the command name may hold blanks */
	unsigned long long t = 0;
	for (int field = 2; p && *p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p && sscanf(p, " %llu", &t) != 1)
		t = 0;
	return t;
}

static void self_id(struct run_id *id)
{
	ssize_t n;
	read_line("/proc/sys/kernel/random/boot_id", id->boot,
		  sizeof(id->boot));
	n = readlink("/proc/self/ns/pid", id->pidns, sizeof(id->pidns) - 1);
	id->pidns[n > 0 ? n : 0] = 0;
	id->pid = (long)getpid();
	id->start = start_time(id->pid);
}

int vp_leftovers_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	if (xdg && *xdg == '/')
		snprintf(buf, len, "%s/vpbench", xdg);
	else
		snprintf(buf, len, "/tmp/vpbench-%u", (unsigned)geteuid());
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -errno;
	/* In a shared /tmp the folder must be ours alone: another user's
	 * ledger could name our files. */
	if (lstat(buf, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077))
		return -EPERM;
	return 0;
}

static int append(const char *text)
{
	int fd =
	    open(ledger, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		 0600);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int rc = n == (ssize_t)strlen(text) ? 0 : -EIO;
	close(fd);
	return rc;
}

static int open_ledger(void)
{
	struct run_id id;
	char dir[PATH_MAX - 64], head[256];
	int rc;
	if (ledger[0] && ledger_pid == (long)getpid())
		return 0;
	rc = vp_leftovers_dir(dir, sizeof(dir));
	if (rc)
		return rc;
	self_id(&id);
	snprintf(ledger, sizeof(ledger), "%s/%ld-%llu.ledger", dir, id.pid,
		 id.start);
	ledger_pid = id.pid;
	snprintf(head, sizeof(head), "boot %s\npidns %s\npid %ld %llu\n",
		 id.boot, id.pidns, id.pid, id.start);
	rc = append(head);
	if (rc)
		ledger[0] = 0;
	return rc;
}

int vp_leftovers_add(const char *path, const char *const *inside)
{
	char real[PATH_MAX], line[PATH_MAX + 128];
	struct stat st;
	int rc = open_ledger();
	if (rc)
		return rc;
	if (!realpath(path, real) || lstat(real, &st) != 0)
		return -errno;
	if (vp_first_control(real) >= 0)
		return -EINVAL; /* one path per line */
	snprintf(line, sizeof(line), "%s %ju %ju %s\n",
		 S_ISDIR(st.st_mode) ? "dir" : "file", (uintmax_t)st.st_dev,
		 (uintmax_t)st.st_ino, real);
	rc = append(line);
	for (size_t i = 0; !rc && inside && inside[i]; i++) {
		if (strchr(inside[i], '/') || vp_first_control(inside[i]) >= 0)
			return -EINVAL;
		snprintf(line, sizeof(line), "in %s\n", inside[i]);
		rc = append(line);
	}
	return rc;
}

void vp_leftovers_done(void)
{
	/* Only the process that wrote it: a forked child that exits must
	 * not take its parent's ledger along. */
	if (ledger[0] && ledger_pid == (long)getpid())
		unlink(ledger);
	ledger[0] = 0;
}

/* Is the run of this ledger provably gone? */
static bool run_is_gone(const struct run_id *self, const struct run_id *r)
{
	if (!r->boot[0] || strcmp(r->boot, self->boot) != 0)
		return r->boot[0] != 0; /* another boot: every pid is gone */
	if (strcmp(r->pidns, self->pidns) != 0)
		return false; /* its pids are not visible from here */
	return start_time(r->pid) != r->start;
}

/* The recorded object, if it is still the very one: same device and
 * inode, same kind, not a symbolic link put in its place. */
static bool same_object(const char *path, const char *kind, uintmax_t dev,
			uintmax_t ino)
{
	struct stat st;
	if (lstat(path, &st) != 0 || (uintmax_t)st.st_dev != dev ||
	    (uintmax_t)st.st_ino != ino)
		return false;
	return strcmp(kind, "dir") == 0 ? S_ISDIR(st.st_mode)
					: S_ISREG(st.st_mode);
}

static void noted(char *note, size_t len, const char *path)
{
	size_t o = strlen(note);
	char shown[256];
	if (o + 1 < len)
		snprintf(note + o, len - o, "%s%s", o ? ", " : "",
			 vp_printable(path, shown, sizeof(shown)));
}

/* Removes the leftovers one dead run's ledger names; returns how many. */
static int sweep_ledger(FILE *f, char *note, size_t len)
{
	char line[PATH_MAX + 128], kind[8], path[PATH_MAX] = "";
	char dirpath[PATH_MAX] = "";
	uintmax_t dev, ino;
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%7s %ju %ju %4095[^\n]", kind, &dev, &ino,
			   path) == 4 &&
		    (!strcmp(kind, "file") || !strcmp(kind, "dir"))) {
			if (dirpath[0] && rmdir(dirpath) == 0)
				n++, noted(note, len, dirpath);
			dirpath[0] = 0;
			if (!same_object(path, kind, dev, ino))
				continue;
			if (!strcmp(kind, "dir"))
				snprintf(dirpath, sizeof(dirpath), "%s", path);
			else if (unlink(path) == 0)
				n++, noted(note, len, path);
		} else if (!strncmp(line, "in ", 3) && dirpath[0] &&
			   !strchr(line + 3, '/')) {
			char p[PATH_MAX];
			struct stat st;
			snprintf(p, sizeof(p), "%s/%s", dirpath, line + 3);
			if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode))
				unlink(p);
		}
	}
	if (dirpath[0] && rmdir(dirpath) == 0)
		n++, noted(note, len, dirpath);
	return n;
}

static void read_id(FILE *f, struct run_id *r)
{
	char line[256];
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 3 && fgets(line, sizeof(line), f); i++) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "boot ", 5))
			snprintf(r->boot, sizeof(r->boot), "%s", line + 5);
		else if (!strncmp(line, "pidns ", 6))
			snprintf(r->pidns, sizeof(r->pidns), "%s", line + 6);
		else
			sscanf(line, "pid %ld %llu", &r->pid, &r->start);
	}
}

int vp_leftovers_sweep(char *note, size_t len)
{
	char dir[PATH_MAX - 300], path[PATH_MAX];
	struct run_id self, r;
	int n = 0;
	note[0] = 0;
	if (vp_leftovers_dir(dir, sizeof(dir)))
		return 0;
	self_id(&self);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		if (l < 8 || strcmp(e->d_name + l - 7, ".ledger") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		read_id(f, &r);
		if (r.pid > 0 &&
		    !(r.pid == self.pid && r.start == self.start) &&
		    run_is_gone(&self, &r)) {
			n += sweep_ledger(f, note, len);
			unlink(path);
		}
		fclose(f);
	}
	closedir(d);
	return n;
}
