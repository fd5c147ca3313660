/* Unit tests of read-only io targets (workloads/io_readonly.c): the read
 * workloads measure an existing file of the user's opened O_RDONLY and
 * never change it; sizes come from the file and -O size caps them; odd
 * paths (too small, FIFOs, character devices, unreadable files, unwritable
 * directories, memory filesystems with O_DIRECT) are refused with a message
 * that names the path and the fix; writers still refuse the same files.
 * Files live in a mkdtemp folder under /var/tmp (disk-backed here). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workloads/io_scratch.h"
#include "workloads/team.h"
#include "workloads/workload.h"

static char tmpdir[64];
static char errbuf[1024];

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%.64s", tmpdir, name);
}

static void mk_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/var/tmp/vpbench-test-ro.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static void rm_tmpdir(void)
{
	static const char *const names[] = {"user", "link", "dangling",
					    "fifo", "kept", "sub"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[512];
		path_in(p, sizeof(p), names[i]);
		if (unlink(p))
			rmdir(p);
	}
	rmdir(tmpdir);
}

static struct vp_io_opts default_opts(void)
{
	struct vp_io_opts o;
	cr_assert_eq(vp_options_defaults(vp_io_options, &o, sizeof(o), errbuf,
					 sizeof(errbuf)),
		     0, "%s", errbuf);
	return o;
}

/* Writes `len` bytes of a position-dependent pattern (no vpbench
 * signature) and returns a checksum of them. */
static uint64_t make_user_file(const char *p, size_t len)
{
	unsigned char *buf = malloc(len ? len : 1);
	cr_assert_not_null(buf);
	uint64_t sum = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		buf[i] = (unsigned char)(i * 131 + (i >> 12));
		sum = (sum ^ buf[i]) * 1099511628211ull;
	}
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0, "%s: %s", p, strerror(errno));
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	cr_assert_eq(fsync(fd), 0);
	close(fd);
	free(buf);
	return sum;
}

/* FNV-1a of the whole file, and its size and mtime through *st. */
static uint64_t file_sum(const char *p, struct stat *st)
{
	uint64_t sum = 1469598103934665603ull;
	unsigned char buf[65536];
	int fd = open(p, O_RDONLY);
	cr_assert_geq(fd, 0, "%s: %s", p, strerror(errno));
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			sum = (sum ^ buf[i]) * 1099511628211ull;
	cr_assert_eq(fstat(fd, st), 0);
	close(fd);
	return sum;
}

struct size_case {
	size_t file_len;  /* bytes of user data */
	uint64_t size;	  /* -O size (0: whole) */
	uint64_t bs;	  /* -O bs */
	int rc;		  /* expected from open */
	uint64_t want;	  /* working set on success */
	const char *need; /* in the message on failure */
};

static const struct size_case size_cases[] = {
    {1 << 20, 0, 4096, 0, 1 << 20, NULL},
    {(1 << 20) + 1000, 0, 4096, 0, 1 << 20, NULL},  /* partial block left */
    {1 << 20, 256 << 10, 4096, 0, 256 << 10, NULL}, /* -O size caps */
    {1 << 20, 4 << 20, 4096, 0, 1 << 20, NULL},	    /* ...never extends */
    {1 << 20, 0, 65536, 0, 1 << 20, NULL},
    {96 << 10, 0, 65536, 0, 64 << 10, NULL},
    {1000, 0, 4096, -EINVAL, 0, "holds 1000 bytes, less than one block"},
    {0, 0, 4096, -EINVAL, 0, "holds 0 bytes, less than one block"},
    {8192, 0, 16384, -EINVAL, 0, "smaller -O bs"},
    {8192, 0, 1000, -EINVAL, 0, "multiple of 512"},
};

Test(io_readonly, user_file_sized_from_file_and_never_written,
     .init = mk_tmpdir, .fini = rm_tmpdir)
{
	for (size_t i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]);
	     i++) {
		const struct size_case *k = &size_cases[i];
		struct vp_io_opts o = default_opts();
		struct vp_io_target t;
		struct stat before, after;
		path_in(o.path, sizeof(o.path), "user");
		uint64_t sum = make_user_file(o.path, k->file_len);
		cr_assert_eq(file_sum(o.path, &before), sum);
		o.size = k->size;
		o.bs = k->bs;
		errbuf[0] = 0;
		int rc = vp_io_target_open_read("io.randread", &o, NULL, NULL,
						&t, errbuf, sizeof(errbuf));
		cr_assert_eq(rc, k->rc, "case %zu: rc %d: %s", i, rc, errbuf);
		if (rc) {
			cr_assert(strstr(errbuf, k->need), "case %zu: %s", i,
				  errbuf);
			if (k->bs % 512 == 0) /* else the bs rule's message */
				cr_assert(strstr(errbuf, o.path), "%s", errbuf);
			cr_assert_eq(t.fd, -1, "closed after a failure");
		} else {
			cr_assert(t.readonly);
			cr_assert_not(t.created);
			cr_assert_not(t.is_dev);
			cr_assert_eq(t.base, 0);
			cr_assert_eq(t.size, k->want, "case %zu: size %llu", i,
				     (unsigned long long)t.size);
			int fl = fcntl(t.fd, F_GETFL);
			cr_assert_eq(fl & O_ACCMODE, O_RDONLY, "case %zu", i);
			cr_assert(fl & O_DIRECT, "case %zu: O_DIRECT", i);
			cr_assert(t.direct);
			/* the descriptor itself cannot write */
			char c = 'x';
			cr_assert_eq(pwrite(t.fd, &c, 1, 0), -1);
			cr_assert_eq(errno, EBADF);
			vp_io_target_close(&t, false);
		}
		cr_assert_eq(file_sum(o.path, &after), sum,
			     "case %zu: file changed", i);
		cr_assert_eq(after.st_size, before.st_size);
		cr_assert_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
		cr_assert_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
		unlink(o.path);
	}
}

Test(io_readonly, seqread_also_reads_and_writers_still_refuse,
     .init = mk_tmpdir, .fini = rm_tmpdir)
{
	static const struct {
		const char *wl;
		bool read;
	} cases[] = {{"io.seqread", true},
		     {"io.randread", true},
		     {"io.randwrite", false},
		     {"io.seqwrite", false},
		     {"io.fsync", false}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_io_opts o = default_opts();
		struct stat st;
		path_in(o.path, sizeof(o.path), "user");
		uint64_t sum = make_user_file(o.path, 256 << 10);
		const struct vp_workload *wl = vp_workload_find(cases[i].wl);
		cr_assert_not_null(wl);
		struct vp_workload_ctx ctx = {
		    .opts = &o, .max_threads = 1, .scratch_dir = tmpdir};
		void *state = NULL;
		errbuf[0] = 0;
		int rc = wl->setup(&ctx, &state, errbuf, sizeof(errbuf));
		if (cases[i].read) {
			cr_assert_eq(rc, 0, "%s: %s", cases[i].wl, errbuf);
			wl->teardown(state);
		} else {
			cr_assert_eq(rc, -EEXIST, "%s: rc %d", cases[i].wl, rc);
			cr_assert(strstr(errbuf, "not a vpbench scratch file"),
				  "%s", errbuf);
			cr_assert(strstr(errbuf, "io.randread and io.seqread"),
				  "the message names the readers: %s", errbuf);
		}
		cr_assert_eq(file_sum(o.path, &st), sum, "%s", cases[i].wl);
		cr_assert_eq(st.st_size, 256 << 10);
	}
}

Test(io_readonly, signed_scratch_file_read_past_its_signature,
     .init = mk_tmpdir, .fini = rm_tmpdir)
{
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	struct stat a, b;
	path_in(o.path, sizeof(o.path), "kept");
	o.size = 512 << 10;
	cr_assert_eq(vp_io_target_open("io.randwrite", &o, NULL, NULL, &t,
				       errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	vp_io_target_close(&t, true);
	uint64_t sum = file_sum(o.path, &a);

	/* a reader with a larger size neither extends nor fills it */
	o.size = 4 << 20;
	cr_assert_eq(vp_io_target_open_read("io.randread", &o, NULL, NULL, &t,
					    errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	cr_assert(t.readonly);
	cr_assert_eq(t.base, VP_IO_SIG_BYTES);
	cr_assert_eq(t.size, 512 << 10);
	vp_io_target_close(&t, false);
	cr_assert_eq(file_sum(o.path, &b), sum);
	cr_assert_eq(b.st_size, a.st_size);
	cr_assert_eq(access(o.path, F_OK), 0, "a reader never removes it");
}

Test(io_readonly, new_names_and_directories_still_get_scratch_files,
     .init = mk_tmpdir, .fini = rm_tmpdir)
{
	for (int pass = 0; pass < 2; pass++) {
		struct vp_io_opts o = default_opts();
		struct vp_io_target t;
		o.size = 128 << 10;
		if (pass == 0)
			path_in(o.path, sizeof(o.path), "user"); /* absent */
		else
			snprintf(o.path, sizeof(o.path), "%s", tmpdir);
		cr_assert_eq(vp_io_target_open_read("io.seqread", &o, NULL,
						    NULL, &t, errbuf,
						    sizeof(errbuf)),
			     0, "%s", errbuf);
		cr_assert(t.created);
		cr_assert_not(t.readonly);
		cr_assert(vp_io_has_signature(t.fd));
		char p[sizeof(t.path)];
		snprintf(p, sizeof(p), "%s", t.path);
		vp_io_target_close(&t, false);
		cr_assert_neq(access(p, F_OK), 0, "created file removed");
	}
}

Test(io_readonly, symlinks_followed_for_reading_dangling_refused,
     .init = mk_tmpdir, .fini = rm_tmpdir)
{
	char user[512];
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	path_in(user, sizeof(user), "user");
	make_user_file(user, 64 << 10);
	path_in(o.path, sizeof(o.path), "link");
	cr_assert_eq(symlink(user, o.path), 0);
	cr_assert_eq(vp_io_target_open_read("io.randread", &o, NULL, NULL, &t,
					    errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	cr_assert(t.readonly);
	cr_assert_eq(t.size, 64 << 10);
	vp_io_target_close(&t, false);

	/* a link to nowhere is not turned into a new file behind it */
	char gone[512];
	path_in(gone, sizeof(gone), "sub");
	path_in(o.path, sizeof(o.path), "dangling");
	cr_assert_eq(symlink(gone, o.path), 0);
	int rc = vp_io_target_open_read("io.randread", &o, NULL, NULL, &t,
					errbuf, sizeof(errbuf));
	cr_assert_eq(rc, -ELOOP, "rc %d: %s", rc, errbuf);
	cr_assert(strstr(errbuf, "symbolic link"), "%s", errbuf);
	cr_assert_neq(access(gone, F_OK), 0);
}

Test(io_readonly, non_files_refused_without_blocking, .init = mk_tmpdir,
     .fini = rm_tmpdir, .timeout = 10)
{
	char fifo[512];
	path_in(fifo, sizeof(fifo), "fifo");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	static const struct {
		const char *path; /* NULL: the FIFO */
		const char *need;
	} cases[] = {{"/dev/null", "is a character device"},
		     {"/dev/zero", "is a character device"},
		     {NULL, "is a FIFO"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_io_opts o = default_opts();
		struct vp_io_target t;
		snprintf(o.path, sizeof(o.path), "%s",
			 cases[i].path ? cases[i].path : fifo);
		int rc = vp_io_target_open_read("io.randread", &o, NULL, NULL,
						&t, errbuf, sizeof(errbuf));
		cr_assert_eq(rc, -EINVAL, "%s: rc %d: %s", o.path, rc, errbuf);
		cr_assert(strstr(errbuf, cases[i].need), "%s", errbuf);
		cr_assert(strstr(errbuf, "regular files and block devices"),
			  "%s", errbuf);
	}
}

/* Runs `fn` in a child as user nobody; returns its exit status. The child
 * exits 0 when fn's checks hold, 1 with the message on stderr otherwise. */
static int as_nobody(int (*fn)(void))
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(3);
		_exit(fn());
	}
	int status = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int unreadable_file_check(void)
{
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	path_in(o.path, sizeof(o.path), "user");
	int rc = vp_io_target_open_read("io.randread", &o, NULL, NULL, &t,
					errbuf, sizeof(errbuf));
	bool ok = rc == -EACCES && strstr(errbuf, "cannot open for reading") &&
		  strstr(errbuf, "Permission denied") &&
		  strstr(errbuf, "check the file's permissions");
	if (!ok)
		fprintf(stderr, "rc %d: %s\n", rc, errbuf);
	return ok ? 0 : 1;
}

static int unwritable_dir_check(void)
{
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	path_in(o.path, sizeof(o.path), "sub");
	int rc = vp_io_target_open_read("io.seqread", &o, NULL, NULL, &t,
					errbuf, sizeof(errbuf));
	bool ok = rc == -EACCES && strstr(errbuf, "cannot create") &&
		  strstr(errbuf, "is a directory") &&
		  strstr(errbuf, "give its own path");
	if (!ok)
		fprintf(stderr, "rc %d: %s\n", rc, errbuf);
	return ok ? 0 : 1;
}

Test(io_readonly, unreadable_file_and_unwritable_directory_explained,
     .init = mk_tmpdir, .fini = rm_tmpdir)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to run a check as user nobody");
	char p[512];
	path_in(p, sizeof(p), "user");
	make_user_file(p, 64 << 10);
	cr_assert_eq(chmod(p, 0600), 0);
	path_in(p, sizeof(p), "sub");
	cr_assert_eq(mkdir(p, 0755), 0);
	cr_assert_eq(chmod(tmpdir, 0755), 0);
	cr_assert_eq(as_nobody(unreadable_file_check), 0);
	cr_assert_eq(as_nobody(unwritable_dir_check), 0);
}

Test(io_readonly, memory_fs_with_direct_refused_buffered_allowed)
{
	struct statfs sf;
	if (statfs("/dev/shm", &sf) || sf.f_type != TMPFS_MAGIC)
		cr_skip_test("/dev/shm is not a tmpfs here");
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	struct stat st;
	snprintf(o.path, sizeof(o.path), "/dev/shm/vpbench-test-ro.%d",
		 (int)getpid());
	uint64_t sum = make_user_file(o.path, 64 << 10);
	int rc = vp_io_target_open_read("io.randread", &o, NULL, NULL, &t,
					errbuf, sizeof(errbuf));
	cr_assert_eq(rc, -EINVAL, "rc %d: %s", rc, errbuf);
	cr_assert(strstr(errbuf, "-O direct=0"), "%s", errbuf);
	o.direct = 0;
	rc = vp_io_target_open_read("io.randread", &o, NULL, NULL, &t, errbuf,
				    sizeof(errbuf));
	cr_assert_eq(rc, 0, "%s", errbuf);
	cr_assert(t.readonly);
	cr_assert_not(fcntl(t.fd, F_GETFL) & O_DIRECT);
	vp_io_target_close(&t, false);
	uint64_t after = file_sum(o.path, &st);
	unlink(o.path);
	cr_assert_eq(after, sum);
}

Test(io_readonly, measured_runs_leave_the_file_unchanged, .init = mk_tmpdir,
     .fini = rm_tmpdir, .timeout = 60)
{
	static const char *const wls[] = {"io.randread", "io.seqread"};
	char p[512];
	struct stat st;
	path_in(p, sizeof(p), "user");
	uint64_t sum = make_user_file(p, 2 << 20);
	for (size_t i = 0; i < 2; i++) {
		const struct vp_workload *wl = vp_workload_find(wls[i]);
		struct vp_io_opts o = default_opts();
		snprintf(o.path, sizeof(o.path), "%s", p);
		struct vp_workload_ctx ctx = {.opts = &o, .max_threads = 2};
		void *state = NULL;
		cr_assert_eq(wl->setup(&ctx, &state, errbuf, sizeof(errbuf)), 0,
			     "%s", errbuf);
		struct vp_team_params tp = {
		    .threads = 2, .warmup_s = 0.02, .duration_s = 0.2};
		struct vp_team *team =
		    vp_team_create(&tp, errbuf, sizeof(errbuf));
		cr_assert_not_null(team, "%s", errbuf);
		struct vp_metrics m;
		vp_metrics_init(&m);
		cr_assert_eq(
		    wl->run(&ctx, state, team, &m, errbuf, sizeof(errbuf)), 0,
		    "%s: %s", wls[i], errbuf);
		const struct vp_metric *iops = vp_metrics_find(&m, "iops");
		cr_assert(iops && iops->status == VP_STATUS_OK);
		cr_assert_gt(iops->value, 0);
		const struct vp_metric *mib = vp_metrics_find(&m, "mib_per_s");
		cr_assert_not_null(mib);
		cr_assert(strstr(mib->note, "size=2M"), "%s", mib->note);
		cr_assert(strstr(mib->note, "read-only"), "%s", mib->note);
		cr_assert(strstr(mib->note, p), "%s", mib->note);
		vp_metrics_free(&m);
		vp_team_destroy(team);
		wl->teardown(state);
		cr_assert_eq(file_sum(p, &st), sum, "%s changed it", wls[i]);
	}
}
