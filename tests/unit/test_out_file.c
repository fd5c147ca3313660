/* Whole-record output files: a write that stores only part of a record
 * (file-size limit, full disk) is cut back off, the first error sticks,
 * and close reports it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/util/out_file.h"

static char dir[] = "/tmp/vp-outfile-XXXXXX";
static char path[PATH_MAX];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.csv", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

TestSuite(out_file, .init = setup, .fini = teardown);

static off_t file_size(void)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	return st.st_size;
}

/* Criterion runs each test in its own process: the limit stays here. */
Test(out_file, a_partial_record_is_cut_back_off)
{
	struct vp_out_file f;
	char rec[61], err[512];
	memset(rec, 'x', 60);
	rec[59] = '\n';
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = {100, 100};
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	cr_assert_eq(vp_out_open(&f, path, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(vp_out_write(&f, rec, 60), 0);
	/* 40 of these 60 bytes fit under the limit: all 60 must go. */
	cr_expect_eq(vp_out_write(&f, rec, 60), -EFBIG);
	cr_expect_eq(file_size(), 60, "half a record left on disk");
	cr_expect_eq(vp_out_write(&f, rec, 10), -EFBIG,
		     "writes after the first failure fail too");
	cr_expect_eq(file_size(), 60);
	cr_expect_eq(vp_out_close(&f), -EFBIG, "close reports the error");
	vp_out_error(&f, err, sizeof(err));
	cr_expect(strstr(err, path) && strstr(err, "File too large"), "%s",
		  err);
}

Test(out_file, whole_records_and_exclusive_create)
{
	struct vp_out_file f, g;
	char err[512];
	cr_assert_eq(vp_out_open(&f, path, err, sizeof(err)), 0, "%s", err);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(vp_out_write(&f, "a,b,c\n", 6), 0);
	cr_expect_eq(vp_out_sync(&f), 0);
	cr_expect_eq(vp_out_close(&f), 0);
	cr_expect_eq(file_size(), 600);
	cr_expect_eq(vp_out_open(&g, path, err, sizeof(err)), -EEXIST,
		     "an existing file is never overwritten");
	cr_expect(strstr(err, path), "%s", err);
	cr_expect_eq(vp_out_close(&g), -EEXIST);
}
