/* Leftovers of killed runs (issue 11 defect 11): a later run removes what
 * a dead run's ledger names, and only that: nothing of a live run, nothing
 * replaced since, nothing named from another pid namespace. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/util/leftovers.h"

static char base[] = "/tmp/vp-leftovers-XXXXXX";
static char work[PATH_MAX];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(base));
	char rt[PATH_MAX];
	snprintf(rt, sizeof(rt), "%s/rt", base);
	mkdir(rt, 0700);
	setenv("XDG_RUNTIME_DIR", rt, 1);
	snprintf(work, sizeof(work), "%s/work", base);
	mkdir(work, 0755);
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static void teardown(void)
{
	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(leftovers, .init = setup, .fini = teardown);

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0, "%s", path);
	close(fd);
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* A run that records its files and is killed before it ends. */
static void dead_run(const char *file, const char *dir)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int rc = vp_leftovers_add(file, NULL);
		if (!rc && dir)
			rc = vp_leftovers_add(
			    dir, (const char *const[]){"qmp.sock", NULL});
		_exit(rc ? 1 : 0); /* no vp_leftovers_done: "killed" */
	}
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(leftovers, a_dead_runs_files_are_removed)
{
	char file[PATH_MAX], dir[PATH_MAX], sock[PATH_MAX + 16], note[1024];
	snprintf(file, sizeof(file), "%s/guest-initramfs.cpio", work);
	snprintf(dir, sizeof(dir), "%s/vpbench-qmp.x", work);
	snprintf(sock, sizeof(sock), "%s/qmp.sock", dir);
	touch(file);
	mkdir(dir, 0700);
	touch(sock);
	dead_run(file, dir);
	cr_expect_eq(vp_leftovers_sweep(note, sizeof(note)), 2, "%s", note);
	cr_expect_not(exists(file));
	cr_expect_not(exists(dir));
	cr_expect(strstr(note, "guest-initramfs.cpio"), "%s", note);
	cr_expect_eq(vp_leftovers_sweep(note, sizeof(note)), 0,
		     "the ledger went with them");
}

Test(leftovers, replaced_or_foreign_things_stay)
{
	char file[PATH_MAX], other[PATH_MAX], dir[PATH_MAX],
	    mine[PATH_MAX + 16];
	char note[1024];
	snprintf(file, sizeof(file), "%s/scratch.img", work);
	snprintf(other, sizeof(other), "%s/precious", work);
	snprintf(dir, sizeof(dir), "%s/vpbench-qmp.y", work);
	snprintf(mine, sizeof(mine), "%s/users-file", dir);
	touch(file);
	touch(other);
	mkdir(dir, 0700);
	dead_run(file, dir);
	/* After the run died: the path now holds something else, and the
	 * folder holds a file the run never named. */
	unlink(file);
	cr_assert_eq(symlink(other, file), 0);
	touch(mine);
	cr_expect_eq(vp_leftovers_sweep(note, sizeof(note)), 0, "%s", note);
	cr_expect(exists(file), "a symbolic link put in its place stays");
	cr_expect(exists(other));
	cr_expect(exists(mine), "a file the run never named stays");
	cr_expect(exists(dir));
}

Test(leftovers, a_live_runs_files_stay)
{
	char file[PATH_MAX], note[1024];
	snprintf(file, sizeof(file), "%s/live", work);
	touch(file);
	cr_assert_eq(vp_leftovers_add(file, NULL), 0);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char n[1024];
		int got = vp_leftovers_sweep(n, sizeof(n));
		_exit(got == 0 ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "another run swept a live run's files");
	cr_expect(exists(file));
	vp_leftovers_done();
	cr_expect_eq(vp_leftovers_sweep(note, sizeof(note)), 0);
	cr_expect(exists(file), "a run that ended cleanly leaves no ledger");
}

Test(leftovers, other_pid_namespaces_are_not_judged)
{
	char dir[PATH_MAX], ledger[PATH_MAX + 32], file[PATH_MAX], note[1024];
	struct stat st;
	cr_assert_eq(vp_leftovers_dir(dir, sizeof(dir)), 0);
	snprintf(file, sizeof(file), "%s/theirs", work);
	touch(file);
	cr_assert_eq(stat(file, &st), 0);
	char boot[64] = "";
	FILE *b = fopen("/proc/sys/kernel/random/boot_id", "r");
	cr_assert(b && fgets(boot, sizeof(boot), b));
	fclose(b);
	boot[strcspn(boot, "\n")] = 0;
	snprintf(ledger, sizeof(ledger), "%s/1-1.ledger", dir);
	FILE *f = fopen(ledger, "w");
	fprintf(f, "boot %s\npidns pid:[1]\npid 999999 1\nfile %ju %ju %s\n",
		boot, (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, file);
	fclose(f);
	cr_expect_eq(vp_leftovers_sweep(note, sizeof(note)), 0, "%s", note);
	cr_expect(exists(file), "a pid from another namespace proves nothing");
}
