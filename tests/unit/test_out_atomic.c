/* Issue 20 defects 2 and 3: the one output writer replaces a file whole
 * through a temporary file, refuses a default path that is a link or not a
 * file (the link's target keeps its bytes), follows a link the user named,
 * keeps the old file when the write fails; outputs that are inputs or each
 * other are refused, compared as files. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/out_atomic.h"
#include "reports/out_clash.h"

static char dir[] = "/tmp/vp-outatomic-XXXXXX";
static char err[1024];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' ||
		    (e->d_name[1] && e->d_name[1] != '.' &&
		     strcmp(e->d_name, "..") != 0)) {
			snprintf(cmd, sizeof(cmd), "%s/%s", dir, e->d_name);
			if (unlink(cmd))
				rmdir(cmd);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

TestSuite(out_atomic, .init = setup, .fini = teardown);

static void put(const char *name, const char *text, char *path)
{
	sprintf(path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void fill_hello(const void *ctx, FILE *f)
{
	fputs(ctx, f);
}

static const char *slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int temps_left(void)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, ".vpbench-out.", 13) == 0;
	closedir(d);
	return n;
}

Test(out_atomic, replaces_a_file_whole_keeping_its_mode)
{
	char path[PATH_MAX], buf[64];
	struct stat st;
	put("report.html", "old", path);
	chmod(path, 0640);
	cr_assert_eq(vp_atomic_write(path, VP_OUT_DEFAULT, fill_hello, "new",
				     err, sizeof(err)),
		     0, "%s", err);
	cr_expect_str_eq(slurp(path, buf, sizeof(buf)), "new");
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640);
	cr_expect_eq(temps_left(), 0);
}

Test(out_atomic, default_path_refuses_a_link_and_its_target_keeps_its_bytes)
{
	char victim[PATH_MAX], link[PATH_MAX], buf[64];
	put("victim", "precious", victim);
	sprintf(link, "%s/summary.csv", dir);
	cr_assert_eq(symlink(victim, link), 0);
	cr_assert_eq(vp_atomic_write(link, VP_OUT_DEFAULT, fill_hello, "x", err,
				     sizeof(err)),
		     -ELOOP);
	cr_expect(strstr(err, "is a symbolic link"), "%s", err);
	cr_expect_str_eq(slurp(victim, buf, sizeof(buf)), "precious");
	struct stat st;
	cr_expect(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	cr_expect_eq(temps_left(), 0);
}

Test(out_atomic, named_link_is_followed_and_stays_a_link)
{
	char victim[PATH_MAX], link[PATH_MAX], buf[64];
	put("target.html", "old", victim);
	sprintf(link, "%s/named.html", dir);
	cr_assert_eq(symlink(victim, link), 0);
	cr_assert_eq(vp_atomic_write(link, VP_OUT_NAMED, fill_hello, "new", err,
				     sizeof(err)),
		     0, "%s", err);
	cr_expect_str_eq(slurp(victim, buf, sizeof(buf)), "new");
	struct stat st;
	cr_expect(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
}

Test(out_atomic, refusals_name_what_is_there)
{
	char path[PATH_MAX];
	sprintf(path, "%s/folder", dir);
	mkdir(path, 0755);
	cr_expect_eq(vp_atomic_write(path, VP_OUT_NAMED, fill_hello, "x", err,
				     sizeof(err)),
		     -EISDIR);
	cr_expect(strstr(err, "it is a folder"), "%s", err);
	sprintf(path, "%s/fifo", dir);
	mkfifo(path, 0600);
	cr_expect_eq(vp_atomic_write(path, VP_OUT_DEFAULT, fill_hello, "x", err,
				     sizeof(err)),
		     -EINVAL);
	cr_expect(strstr(err, "not a regular file"), "%s", err);
	sprintf(path, "%s/dangling", dir);
	symlink("/nonexistent/x", path);
	cr_expect_eq(vp_atomic_write(path, VP_OUT_NAMED, fill_hello, "x", err,
				     sizeof(err)),
		     -ENOENT);
	cr_expect(strstr(err, "dangling symbolic link (to /nonexistent/x"),
		  "%s", err);
	cr_expect_eq(vp_atomic_write("/dev/full", VP_OUT_NAMED, fill_hello, "x",
				     err, sizeof(err)),
		     -ENOSPC);
	cr_expect(strstr(err, "No space left on device"), "%s", err);
}

Test(out_atomic, abort_keeps_the_old_file)
{
	char path[PATH_MAX], buf[64];
	struct vp_atomic_out o;
	put("summary.csv", "old", path);
	cr_assert_eq(vp_atomic_open(&o, path, VP_OUT_DEFAULT, err, sizeof(err)),
		     0);
	fputs("half", o.f);
	vp_atomic_abort(&o);
	cr_expect_str_eq(slurp(path, buf, sizeof(buf)), "old");
	cr_expect_eq(temps_left(), 0);
}

Test(out_atomic, clash_by_file_not_by_string)
{
	char in[PATH_MAX], hard[PATH_MAX], dotted[PATH_MAX], a[PATH_MAX],
	    b[PATH_MAX];
	put("results.csv", "rows", in);
	sprintf(hard, "%s/hard.csv", dir);
	cr_assert_eq(link(in, hard), 0);
	sprintf(dotted, "%s/./results.csv", dir);
	const struct vp_path_role ins[] = {{in, "input"}};
	struct vp_path_role outs[2] = {{hard, "--json"}, {NULL, NULL}};
	cr_expect_eq(vp_out_clash_check(outs, 1, ins, 1, err, sizeof(err)),
		     -EINVAL, "a hard link to the input passed");
	outs[0].path = dotted;
	cr_expect_eq(vp_out_clash_check(outs, 1, ins, 1, err, sizeof(err)),
		     -EINVAL);
	/* Two new files: by folder and name. */
	sprintf(a, "%s/new.html", dir);
	sprintf(b, "%s/../%s/new.html", dir, strrchr(dir, '/') + 1);
	outs[0] = (struct vp_path_role){a, "-o"};
	outs[1] = (struct vp_path_role){b, "--json"};
	cr_expect_eq(vp_out_clash_check(outs, 2, ins, 1, err, sizeof(err)),
		     -EINVAL);
	cr_expect(strstr(err, "are the same file"), "%s", err);
	sprintf(b, "%s/other.html", dir);
	cr_expect_eq(vp_out_clash_check(outs, 2, ins, 1, err, sizeof(err)), 0,
		     "%s", err);
	outs[0].path = outs[1].path = "/dev/null";
	cr_expect_eq(vp_out_clash_check(outs, 2, ins, 1, err, sizeof(err)), 0,
		     "/dev/null twice: %s", err);
}
