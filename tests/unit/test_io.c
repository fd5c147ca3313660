/* Unit tests of the io.* workloads: offset generators, block size rules,
 * the scratch-target safety rules (refuse foreign files, symlinks, memory
 * filesystems with O_DIRECT), scratch file creation/fill/removal, and short
 * real runs of every io.* workload on a team. Scratch files live in a
 * mkdtemp folder under /var/tmp (disk-backed here). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "probes/io_uring_probe.h"
#include "workloads/io_gen.h"
#include "workloads/io_scratch.h"
#include "workloads/team.h"
#include "workloads/workload.h"

static char tmpdir[64];
static char errbuf[1024];

static void mk_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/var/tmp/vpbench-test-io.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static void rm_tmpdir(void)
{
	/* Tests leave only files they name themselves; remove what is left
	 * so a failed assertion does not litter /var/tmp. */
	static const char *const leftovers[] = {"scratch", "plain", "empty",
						"link",	   "image", "kept"};
	for (size_t i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]); i++) {
		char p[512];
		snprintf(p, sizeof(p), "%s/%s", tmpdir, leftovers[i]);
		unlink(p);
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

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%.64s", tmpdir, name);
}

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* ---- offset generators ------------------------------------------------ */

struct gen_case {
	bool random;
	uint64_t base, size, bs;
	unsigned threads;
};

static const struct gen_case gen_cases[] = {
    {true, 4096, 64 << 20, 4096, 1},   {true, 4096, 64 << 20, 4096, 4},
    {true, 0, 1 << 20, 512, 2},	       {true, 4096, 3 * 65536, 65536, 3},
    {false, 4096, 64 << 20, 4096, 1},  {false, 4096, 64 << 20, 4096, 3},
    {false, 0, 10 * 4096, 4096, 4},    {false, 4096, 2 * 4096, 4096, 4},
    {false, 4096, 1 << 20, 131072, 2}, {true, 4096, 4096, 4096, 2},
};

/* A scratch image as the runner makes it: signed, size bytes. */
static int make_image(const char *path, off_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0, "%s", path);
	cr_assert_eq(vp_io_write_signature(fd), 0);
	cr_assert_eq(ftruncate(fd, size), 0);
	return fd;
}

Test(io_gen, offsets_aligned_and_in_range)
{
	for (size_t c = 0; c < sizeof(gen_cases) / sizeof(gen_cases[0]); c++) {
		const struct gen_case *k = &gen_cases[c];
		uint64_t nblk = k->size / k->bs;
		for (unsigned id = 0; id < k->threads; id++) {
			struct vp_io_gen g;
			vp_io_gen_init(&g, k->random, k->base, k->size, k->bs,
				       id, k->threads, 42);
			for (int i = 0; i < 20000; i++) {
				uint64_t off = vp_io_gen_next(&g);
				cr_assert_geq(off, k->base, "case %zu", c);
				cr_assert_leq(off + k->bs, k->base + k->size,
					      "case %zu off %llu", c,
					      (unsigned long long)off);
				cr_assert_eq((off - k->base) % k->bs, 0,
					     "case %zu", c);
				cr_assert_eq(off % 512, 0, "case %zu", c);
			}
			cr_assert_leq(g.nblocks, nblk);
		}
	}
}

Test(io_gen, sequential_regions_are_contiguous_disjoint_and_cover)
{
	for (size_t c = 0; c < sizeof(gen_cases) / sizeof(gen_cases[0]); c++) {
		const struct gen_case *k = &gen_cases[c];
		if (k->random)
			continue;
		uint64_t nblk = k->size / k->bs, covered = 0;
		uint64_t prev_end = 0;
		for (unsigned id = 0; id < k->threads; id++) {
			struct vp_io_gen g;
			vp_io_gen_init(&g, false, k->base, k->size, k->bs, id,
				       k->threads, 1);
			uint64_t start = vp_io_gen_next(&g);
			cr_assert_eq(start, k->base + g.first * k->bs);
			/* walks its region in order, then wraps to its start */
			uint64_t off = start;
			for (uint64_t i = 1; i < g.nblocks; i++) {
				uint64_t nx = vp_io_gen_next(&g);
				cr_assert_eq(nx, off + k->bs, "case %zu", c);
				off = nx;
			}
			cr_assert_eq(vp_io_gen_next(&g), start, "case %zu", c);
			if (nblk >= k->threads) {
				cr_assert_eq(g.first, prev_end,
					     "case %zu: regions must tile", c);
				prev_end = g.first + g.nblocks;
				covered += g.nblocks;
			} else {
				cr_assert_eq(g.nblocks, 1);
			}
		}
		if (nblk >= k->threads)
			cr_assert_eq(covered, nblk, "case %zu", c);
	}
}

Test(io_gen, random_spreads_and_differs_between_threads_and_seeds)
{
	const uint64_t bs = 4096, size = 1024 * bs;
	struct vp_io_gen a, b, c;
	vp_io_gen_init(&a, true, 4096, size, bs, 0, 2, 7);
	vp_io_gen_init(&b, true, 4096, size, bs, 1, 2, 7);
	vp_io_gen_init(&c, true, 4096, size, bs, 0, 2, 8);
	static unsigned char seen[1024];
	unsigned distinct = 0, same_ab = 0, same_ac = 0;
	for (int i = 0; i < 4096; i++) {
		uint64_t x = vp_io_gen_next(&a);
		uint64_t blk = (x - 4096) / bs;
		if (!seen[blk]++)
			distinct++;
		same_ab += x == vp_io_gen_next(&b);
		same_ac += x == vp_io_gen_next(&c);
	}
	/* 4096 uniform draws over 1024 blocks leave ~2% unseen */
	cr_assert_gt(distinct, 950, "only %u of 1024 blocks drawn", distinct);
	cr_assert_lt(same_ab, 40);
	cr_assert_lt(same_ac, 40);
}

/* ---- options and block size ------------------------------------------- */

Test(io_opts, defaults)
{
	struct vp_io_opts o = default_opts();
	cr_assert_str_eq(o.path, "");
	cr_assert_eq(o.size, 0); /* 64M of a scratch file, a whole file read */
	cr_assert_eq(o.bs, 4096);
	cr_assert_eq(o.direct, 1);
	cr_assert_eq(o.keep, 0);
}

struct bs_case {
	const char *text;
	int set_rc;   /* vp_option_set: bounds */
	int check_rc; /* vp_io_check_bs: multiple of 512 */
	uint64_t value;
};

static const struct bs_case bs_cases[] = {
    {"512", 0, 0, 512},		{"4k", 0, 0, 4096},
    {"1000", 0, -EINVAL, 1000}, {"16M", 0, 0, 16u << 20},
    {"4097", 0, -EINVAL, 4097}, {"256", -ERANGE, 0, 0},
    {"32M", -ERANGE, 0, 0},	{"4x", -EINVAL, 0, 0},
};

Test(io_opts, bs_validation)
{
	const struct vp_option *o = vp_options_find(vp_io_options, "bs");
	cr_assert_not_null(o);
	for (size_t i = 0; i < sizeof(bs_cases) / sizeof(bs_cases[0]); i++) {
		const struct bs_case *k = &bs_cases[i];
		struct vp_io_opts opts = default_opts();
		int rc =
		    vp_option_set(o, &opts, k->text, errbuf, sizeof(errbuf));
		cr_assert_eq(rc, k->set_rc, "bs=%s: rc %d (%s)", k->text, rc,
			     errbuf);
		if (rc)
			continue;
		cr_assert_eq(opts.bs, k->value);
		errbuf[0] = 0;
		rc = vp_io_check_bs(opts.bs, errbuf, sizeof(errbuf));
		cr_assert_eq(rc, k->check_rc, "bs=%s", k->text);
		if (rc)
			cr_assert(strstr(errbuf, "multiple of 512"), "%s",
				  errbuf);
	}
}

Test(io_opts, bad_bs_creates_nothing, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	path_in(o.path, sizeof(o.path), "scratch");
	o.bs = 1000;
	cr_assert_eq(vp_io_target_open("io.randread", &o, NULL, NULL, &t,
				       errbuf, sizeof(errbuf)),
		     -EINVAL);
	cr_assert(strstr(errbuf, "bs=1000"), "%s", errbuf);
	cr_assert_not(exists(o.path));
}

/* ---- safety rules ----------------------------------------------------- */

static bool is_memory_fs(const char *dir)
{
	struct statfs sf;
	return statfs(dir, &sf) == 0 &&
	       (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
}

Test(io_safety, memory_fs_refused_with_direct)
{
	if (!is_memory_fs("/dev/shm"))
		cr_skip_test("/dev/shm is not a tmpfs here");
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	snprintf(o.path, sizeof(o.path), "/dev/shm/vpbench-test-io.%d",
		 (int)getpid());
	o.size = 1 << 20;
	int rc = vp_io_target_open("io.randread", &o, NULL, NULL, &t, errbuf,
				   sizeof(errbuf));
	cr_assert_eq(rc, -EINVAL, "rc %d: %s", rc, errbuf);
	cr_assert(strstr(errbuf, "io.randread"), "%s", errbuf);
	cr_assert(strstr(errbuf, o.path), "%s", errbuf);
	cr_assert(strstr(errbuf, "-O path="), "%s", errbuf);
	cr_assert(strstr(errbuf, "-O direct=0"), "%s", errbuf);
	cr_assert_not(exists(o.path), "the refused file must be removed");

	/* The hint works: buffered I/O on tmpfs is allowed. */
	o.direct = 0;
	rc = vp_io_target_open("io.randread", &o, NULL, NULL, &t, errbuf,
			       sizeof(errbuf));
	cr_assert_eq(rc, 0, "%s", errbuf);
	cr_assert(t.created);
	cr_assert_not(fcntl(t.fd, F_GETFL) & O_DIRECT);
	vp_io_target_close(&t, false);
	cr_assert_not(exists(o.path));
}

Test(io_safety, scratch_image_on_memory_fs_refused_but_kept)
{
	if (!is_memory_fs("/dev/shm"))
		cr_skip_test("/dev/shm is not a tmpfs here");
	char img[128];
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	snprintf(img, sizeof(img), "/dev/shm/vpbench-test-img.%d",
		 (int)getpid());
	close(make_image(img, 1 << 20));
	int rc = vp_io_target_open("io.randread", &o, NULL, img, &t, errbuf,
				   sizeof(errbuf));
	bool still_there = exists(img);
	unlink(img);
	cr_assert_eq(rc, -EINVAL, "%s", errbuf);
	cr_assert(strstr(errbuf, "-O direct=0"), "%s", errbuf);
	cr_assert(still_there, "a scratch device is never removed");
}

Test(io_safety, default_scratch_dir_on_memory_fs_refused)
{
	if (!is_memory_fs("/dev/shm"))
		cr_skip_test("/dev/shm is not a tmpfs here");
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	o.size = 1 << 20;
	int rc = vp_io_target_open("io.fsync", &o, "/dev/shm", NULL, &t, errbuf,
				   sizeof(errbuf));
	cr_assert_eq(rc, -EINVAL, "%s", errbuf);
	cr_assert(strstr(errbuf, "-O path="), "%s", errbuf);
}

static void write_file(const char *p, const char *data)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0, "%s: %s", p, strerror(errno));
	ssize_t n = write(fd, data, strlen(data));
	cr_assert_eq(n, (ssize_t)strlen(data));
	close(fd);
}

static void read_file(const char *p, char *buf, size_t len)
{
	int fd = open(p, O_RDONLY);
	cr_assert_geq(fd, 0);
	ssize_t n = read(fd, buf, len - 1);
	cr_assert_geq(n, 0);
	buf[n] = 0;
	close(fd);
}

struct refuse_case {
	const char *name; /* file in tmpdir; NULL: `abs` */
	const char *abs;  /* absolute path */
	const char *data; /* written first (NULL: none) */
	bool make_link;	  /* name is a symlink to a scratch file */
	int rc;
	const char *needle; /* expected in the message */
};

static const struct refuse_case refuse_cases[] = {
    {"plain", NULL, "precious user data\n", false, -EEXIST,
     "not a vpbench scratch file"},
    {"empty", NULL, "", false, -EEXIST, "not a vpbench scratch file"},
    {"plain", NULL, "VPBENCH-SCRATCH v0\n", false, -EEXIST,
     "not a vpbench scratch file"},
    {"link", NULL, NULL, true, -ELOOP, "symbolic link"},
    {NULL, "/dev/null", NULL, false, -EEXIST, "not a regular file"},
};

Test(io_safety, existing_non_scratch_paths_refused, .init = mk_tmpdir,
     .fini = rm_tmpdir)
{
	for (size_t i = 0; i < sizeof(refuse_cases) / sizeof(refuse_cases[0]);
	     i++) {
		const struct refuse_case *k = &refuse_cases[i];
		struct vp_io_opts o = default_opts();
		struct vp_io_target t;
		char before[256] = "", after[256] = "";
		o.size = 1 << 20;
		if (k->name)
			path_in(o.path, sizeof(o.path), k->name);
		else
			snprintf(o.path, sizeof(o.path), "%s", k->abs);
		if (k->data)
			write_file(o.path, k->data);
		if (k->make_link) {
			/* even a link to a genuine scratch file is refused */
			struct vp_io_opts s = default_opts();
			struct vp_io_target st;
			s.size = 1 << 20;
			path_in(s.path, sizeof(s.path), "kept");
			cr_assert_eq(vp_io_target_open("io.randread", &s, NULL,
						       NULL, &st, errbuf,
						       sizeof(errbuf)),
				     0, "%s", errbuf);
			vp_io_target_close(&st, true);
			cr_assert_eq(symlink(s.path, o.path), 0);
		}
		if (k->data)
			read_file(o.path, before, sizeof(before));
		errbuf[0] = 0;
		int rc = vp_io_target_open("io.randwrite", &o, NULL, NULL, &t,
					   errbuf, sizeof(errbuf));
		cr_assert_eq(rc, k->rc, "case %zu: rc %d: %s", i, rc, errbuf);
		cr_assert(strstr(errbuf, k->needle), "case %zu: %s", i, errbuf);
		cr_assert(strstr(errbuf, "io.randwrite"), "%s", errbuf);
		if (k->data) {
			read_file(o.path, after, sizeof(after));
			cr_assert_str_eq(before, after,
					 "case %zu: file was modified", i);
			struct stat sb;
			cr_assert_eq(stat(o.path, &sb), 0,
				     "refused file must stay");
			cr_assert_eq((size_t)sb.st_size, strlen(k->data));
		}
		if (k->name)
			unlink(o.path);
	}
}

/* ---- creation, fill, reuse, removal ----------------------------------- */

Test(io_scratch, created_filled_signed_and_removed, .init = mk_tmpdir,
     .fini = rm_tmpdir)
{
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	struct stat sb;
	path_in(o.path, sizeof(o.path), "scratch");
	o.size = (1 << 20) + 1000; /* rounded down to a multiple of bs */
	cr_assert_eq(vp_io_target_open("io.randread", &o, NULL, NULL, &t,
				       errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	cr_assert(t.created);
	cr_assert_not(t.is_dev);
	cr_assert(t.direct);
	cr_assert(fcntl(t.fd, F_GETFL) & O_DIRECT);
	cr_assert_eq(t.base, VP_IO_SIG_BYTES);
	cr_assert_eq(t.size, 1 << 20);
	cr_assert_eq(stat(o.path, &sb), 0);
	cr_assert_eq((uint64_t)sb.st_size, t.base + t.size);
	/* real data, not a sparse hole */
	cr_assert_geq((uint64_t)sb.st_blocks * 512, t.base + t.size);
	cr_assert(vp_io_has_signature(t.fd));
	vp_io_target_close(&t, false);
	cr_assert_not(exists(o.path), "created scratch file must be removed");
}

Test(io_scratch, kept_file_is_reused_and_not_removed, .init = mk_tmpdir,
     .fini = rm_tmpdir)
{
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	struct stat sb;
	path_in(o.path, sizeof(o.path), "kept");
	o.size = 256 << 10;
	o.keep = 1;
	cr_assert_eq(vp_io_target_open("io.randread", &o, NULL, NULL, &t,
				       errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	vp_io_target_close(&t, true);
	cr_assert(exists(o.path));

	/* reuse with a larger working set: the tail gets real data */
	o.size = 1 << 20;
	cr_assert_eq(vp_io_target_open("io.randwrite", &o, NULL, NULL, &t,
				       errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	cr_assert_not(t.created);
	cr_assert_eq(stat(o.path, &sb), 0);
	cr_assert_eq((uint64_t)sb.st_size, VP_IO_SIG_BYTES + (1 << 20));
	cr_assert_geq((uint64_t)sb.st_blocks * 512, (uint64_t)sb.st_size);
	vp_io_target_close(&t, false);
	cr_assert(exists(o.path), "a reused file is not removed");
	unlink(o.path);
}

Test(io_scratch, default_file_in_scratch_dir_and_in_path_dir, .init = mk_tmpdir,
     .fini = rm_tmpdir)
{
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	o.size = 128 << 10;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			o.path[0] = 0; /* scratch_dir */
		else
			snprintf(o.path, sizeof(o.path), "%s", tmpdir);
		cr_assert_eq(vp_io_target_open("io.seqwrite", &o,
					       pass == 0 ? tmpdir : "/nonexist",
					       NULL, &t, errbuf,
					       sizeof(errbuf)),
			     0, "%s", errbuf);
		cr_assert(t.created);
		cr_assert_eq(strncmp(t.path, tmpdir, strlen(tmpdir)), 0, "%s",
			     t.path);
		cr_assert(exists(t.path));
		char p[sizeof(t.path)];
		snprintf(p, sizeof(p), "%s", t.path);
		vp_io_target_close(&t, false);
		cr_assert_not(exists(p));
	}
}

Test(io_scratch, scratch_device_file_never_extended_or_removed,
     .init = mk_tmpdir, .fini = rm_tmpdir)
{
	char img[512];
	struct vp_io_target t;
	struct stat sb;
	path_in(img, sizeof(img), "image");
	close(make_image(img, 2 << 20));

	/* The working set starts after the signature block. */
	struct {
		uint64_t size, want;
	} cases[] = {{64 << 20, (2 << 20) - VP_IO_SIG_BYTES},
		     {1 << 20, 1 << 20}};
	for (size_t i = 0; i < 2; i++) {
		struct vp_io_opts o = default_opts();
		/* the device wins over path, which must stay untouched */
		path_in(o.path, sizeof(o.path), "scratch");
		o.size = cases[i].size;
		cr_assert_eq(vp_io_target_open("io.randwrite", &o, NULL, img,
					       &t, errbuf, sizeof(errbuf)),
			     0, "%s", errbuf);
		cr_assert(t.is_dev);
		cr_assert_not(t.created);
		cr_assert_eq(t.base, VP_IO_SIG_BYTES);
		cr_assert_eq(t.size, cases[i].want);
		vp_io_target_close(&t, false);
		cr_assert_eq(stat(img, &sb), 0, "the device must stay");
		cr_assert_eq(sb.st_size, 2 << 20, "never extended");
		cr_assert_not(exists(o.path));
	}
	/* the working set was filled with real data */
	cr_assert_geq((uint64_t)sb.st_blocks * 512, 2u << 20);
}

/* The runner fills its image once per run and says so in the signature:
 * a target's io.* use that data as it is (no second fill); an image whose
 * signature claims less than the working set is filled as before. */
Test(io_scratch, runner_filled_image_is_not_filled_again, .init = mk_tmpdir,
     .fini = rm_tmpdir)
{
	/* Each case on its own image: a process fills a device once. */
	static const struct {
		const char *name;
		uint64_t said; /* what the signature says is filled */
		bool kept;     /* the runner's data is still there */
	} cases[] = {{"whole", 1 << 20, true}, {"short", 8192, false}};
	const off_t size = 1 << 20;
	char img[512], probe[4096];
	struct vp_io_target t;
	struct vp_io_opts o = default_opts();

	o.direct = 0; /* a tmpfs test folder refuses O_DIRECT */
	for (size_t c = 0; c < 2; c++) {
		path_in(img, sizeof(img), cases[c].name);
		int fd = open(img, O_RDWR | O_CREAT | O_EXCL, 0600);
		cr_assert_geq(fd, 0);
		memset(probe, 'R', sizeof(probe));
		for (off_t off = VP_IO_SIG_BYTES; off < size;
		     off += (off_t)sizeof(probe))
			cr_assert_eq(pwrite(fd, probe, sizeof(probe), off),
				     (ssize_t)sizeof(probe));
		cr_assert_eq(vp_io_write_signature_filled(fd, cases[c].said),
			     0);
		cr_assert_eq(vp_io_signature_filled(fd), cases[c].said);
		cr_assert_eq(vp_io_target_open("io.randread", &o, NULL, img, &t,
					       errbuf, sizeof(errbuf)),
			     0, "%s", errbuf);
		vp_io_target_close(&t, false);
		cr_assert_eq(pread(fd, probe, sizeof(probe), size - 4096),
			     (ssize_t)sizeof(probe));
		cr_expect_eq(probe[0] == 'R', cases[c].kept,
			     "%s: the runner's data %s", cases[c].name,
			     cases[c].kept ? "was overwritten"
					   : "was not filled over");
		close(fd);
	}
	/* A plain signature says nothing about the data. */
	path_in(img, sizeof(img), "plain");
	close(make_image(img, size));
	int fd = open(img, O_RDONLY);
	cr_assert_eq(vp_io_signature_filled(fd), 0);
	close(fd);
}

/* Defect 5 of issue 11: `vpbench agent --scratch-dev FILE` overwrote any
 * file, even for io.randread. A scratch device must carry the signature
 * like any other scratch target. */
Test(io_scratch, unsigned_scratch_device_is_refused_and_untouched,
     .init = mk_tmpdir, .fini = rm_tmpdir)
{
	static const char *const wls[] = {"io.randread", "io.randwrite",
					  "io.seqread", "io.fsync"};
	char img[512], before[4096], after[4096];
	struct vp_io_target t;
	struct stat sb;
	path_in(img, sizeof(img), "precious");
	int fd = open(img, O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0);
	memset(before, 'p', sizeof(before));
	for (int i = 0; i < 512; i++)
		cr_assert_eq(write(fd, before, sizeof(before)),
			     (ssize_t)sizeof(before));
	close(fd);
	for (size_t i = 0; i < sizeof(wls) / sizeof(wls[0]); i++) {
		struct vp_io_opts o = default_opts();
		o.size = 1 << 20;
		cr_expect_eq(vp_io_target_open(wls[i], &o, NULL, img, &t,
					       errbuf, sizeof(errbuf)),
			     -EEXIST, "%s used an unsigned device", wls[i]);
		cr_expect(strstr(errbuf, "no vpbench signature"), "%s", errbuf);
		cr_expect(strstr(errbuf, img), "%s", errbuf);
	}
	fd = open(img, O_RDONLY);
	cr_assert_eq(fstat(fd, &sb), 0);
	cr_expect_eq(sb.st_size, 512 * 4096);
	for (int i = 0; i < 512; i++) {
		cr_assert_eq(read(fd, after, sizeof(after)),
			     (ssize_t)sizeof(after));
		cr_assert_eq(memcmp(before, after, sizeof(after)), 0,
			     "block %d changed", i);
	}
	close(fd);
}

Test(io_scratch, missing_scratch_device_is_an_error)
{
	struct vp_io_opts o = default_opts();
	struct vp_io_target t;
	int rc = vp_io_target_open("io.randread", &o, NULL, "/nonexistent/vdz",
				   &t, errbuf, sizeof(errbuf));
	cr_assert_eq(rc, -ENOENT);
	cr_assert(strstr(errbuf, "/nonexistent/vdz"), "%s", errbuf);
}

/* ---- real runs on a team ---------------------------------------------- */

struct run_case {
	const char *name;
	unsigned threads;
	const char *qd, *submit; /* -O engine=io_uring with these; NULL psync */
};

static const struct run_case run_cases[] = {
    {"io.randread", 1, NULL, NULL},
    {"io.randread", 2, NULL, NULL},
    {"io.randwrite", 2, NULL, NULL},
    {"io.seqread", 2, NULL, NULL},
    {"io.seqwrite", 1, NULL, NULL},
    {"io.fsync", 1, NULL, NULL},
    {"io.fsync", 2, NULL, NULL},
    {"io.randread", 1, "8", "each"},
    {"io.randread", 2, "32", "each"},
    {"io.randread", 2, "8", "batch"},
    {"io.randwrite", 2, "4", "each"},
    {"io.seqread", 1, "8", "batch"},
    {"io.fsync", 1, "4", "each"},
    {"io.fsync", 2, "4", "batch"},
};

/* -O engine=io_uring -O qd=.. -O submit=.. for an io_uring case. */
static void set_engine(struct vp_io_opts *o, const struct run_case *k)
{
	const char *kv[][2] = {
	    {"engine", "io_uring"}, {"qd", k->qd}, {"submit", k->submit}};
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(
		    vp_option_set(vp_options_find(vp_io_options, kv[i][0]), o,
				  kv[i][1], errbuf, sizeof(errbuf)),
		    0, "%s", errbuf);
}

static double metric(const struct vp_metrics *m, const char *name)
{
	const struct vp_metric *e = vp_metrics_find(m, name);
	cr_assert_not_null(e, "metric %s missing", name);
	cr_assert_eq(e->status, VP_STATUS_OK, "%s: %s", name, e->note);
	return e->value;
}

/* psync, and io_uring at queue depth where this machine has it. */
Test(io_run, every_workload_measures, .init = mk_tmpdir, .fini = rm_tmpdir,
     .timeout = 120)
{
	char no_uring[512] = "";
	if (vp_io_uring_probe(no_uring, sizeof(no_uring)) == 0 &&
	    !HAVE_LIBURING)
		snprintf(no_uring, sizeof(no_uring), "built without liburing");
	for (size_t i = 0; i < sizeof(run_cases) / sizeof(run_cases[0]); i++) {
		const struct run_case *k = &run_cases[i];
		const struct vp_workload *wl = vp_workload_find(k->name);
		cr_assert_not_null(wl, "%s", k->name);
		cr_assert_str_eq(wl->throughput_metric, "iops");
		struct vp_io_opts o = default_opts();
		o.size = 4 << 20;
		if (k->qd && no_uring[0]) {
			cr_log_warn("%s qd=%s not run: io_uring: %s", k->name,
				    k->qd, no_uring);
			continue;
		}
		if (k->qd)
			set_engine(&o, k);
		struct vp_workload_ctx ctx = {.opts = &o,
					      .max_threads = k->threads,
					      .scratch_dir = tmpdir};
		void *state = NULL;
		cr_assert_eq(wl->setup(&ctx, &state, errbuf, sizeof(errbuf)), 0,
			     "%s: %s", k->name, errbuf);
		struct vp_team_params p = {.threads = k->threads,
					   .warmup_s = 0.05,
					   .duration_s = 0.25};
		struct vp_team *team =
		    vp_team_create(&p, errbuf, sizeof(errbuf));
		cr_assert_not_null(team, "%s", errbuf);
		struct vp_metrics m;
		vp_metrics_init(&m);
		int rc = wl->run(&ctx, state, team, &m, errbuf, sizeof(errbuf));
		cr_assert_eq(rc, 0, "%s: %s", k->name, errbuf);

		double iops = metric(&m, "iops");
		double ops = metric(&m, "ops");
		cr_assert_gt(iops, 10, "%s: %g iops", k->name, iops);
		cr_assert_gt(ops, 0);
		cr_assert_float_eq(metric(&m, "mib_per_s"),
				   iops * 4096 / 1048576.0, 1e-6);
		if (k->qd) {
			char want[64];
			snprintf(want, sizeof(want), "engine=io_uring qd=%s%s ",
				 k->qd,
				 strcmp(k->submit, "batch") ? ""
							    : " submit=batch");
			const struct vp_metric *mib =
			    vp_metrics_find(&m, "mib_per_s");
			cr_expect(strstr(mib->note, want), "%s", mib->note);
		}
		/* The ladder rises where the samples support it; thinner
		 * percentiles are unavailable saying so. */
		double n = metric(&m, "lat_samples"), prev = 0;
		cr_assert_eq(n, ops);
		for (unsigned q = 0; q < VP_HIST_NQ; q++) {
			char name[64];
			snprintf(name, sizeof(name), "lat_%s_us",
				 vp_hist_q_tag[q]);
			const struct vp_metric *e = vp_metrics_find(&m, name);
			cr_assert_not_null(e, "%s", name);
			if (n < (double)vp_hist_min_samples(vp_hist_q[q])) {
				cr_assert_eq(e->status, VP_STATUS_UNAVAILABLE);
				cr_assert(strstr(e->note, "samples"));
				continue;
			}
			cr_assert_leq(prev, metric(&m, name), "%s", name);
			prev = metric(&m, name);
		}
		double mx = metric(&m, "lat_max_us");
		cr_assert_leq(prev, mx);
		cr_assert_gt(mx, 0);
		/* the buckets hold exactly the measured I/Os */
		double sum = 0;
		for (size_t j = 0; j < m.n; j++)
			if (strncmp(m.v[j].name, "lat_bucket_le_", 14) == 0) {
				cr_assert_str_eq(m.v[j].unit, "count");
				cr_assert_gt(m.v[j].value, 0);
				sum += m.v[j].value;
			}
		cr_assert_float_eq(sum, ops, 0.5, "%s: buckets %g ops %g",
				   k->name, sum, ops);
		vp_metrics_free(&m);
		vp_team_destroy(team);
		wl->teardown(state);
	}
	/* every created scratch file is gone */
	cr_assert_eq(rmdir(tmpdir), 0, "%s not empty", tmpdir);
	mkdir(tmpdir, 0700);
}

Test(io_run, default_set_is_small)
{
	unsigned n = 0;
	for (size_t i = 0; i < vp_workload_count(); i++) {
		const struct vp_workload *w = vp_workload_at(i);
		if (strncmp(w->name, "io.", 3) == 0 && w->in_default_set)
			n++;
	}
	cr_assert_eq(n, 3);
	cr_assert(vp_workload_find("io.randread")->in_default_set);
	cr_assert(vp_workload_find("io.fsync")->in_default_set);
	cr_assert_not(vp_workload_find("io.seqread")->in_default_set);
}

Test(io_run, io_error_fails_the_run_naming_file_and_offset, .init = mk_tmpdir,
     .fini = rm_tmpdir, .timeout = 60)
{
	/* A scratch device that shrinks under the workload: reads past its
	 * new end come back short, which must fail the run, not count. */
	char img[512];
	path_in(img, sizeof(img), "image");
	int fd = make_image(img, 1 << 20);
	const struct vp_workload *wl = vp_workload_find("io.randread");
	struct vp_io_opts o = default_opts();
	struct vp_workload_ctx ctx = {
	    .opts = &o, .max_threads = 1, .scratch_dev = img};
	void *state = NULL;
	cr_assert_eq(wl->setup(&ctx, &state, errbuf, sizeof(errbuf)), 0, "%s",
		     errbuf);
	cr_assert_eq(ftruncate(fd, 0), 0);
	close(fd);
	struct vp_team_params p = {
	    .threads = 1, .warmup_s = 0.01, .duration_s = 0.05};
	struct vp_team *team = vp_team_create(&p, errbuf, sizeof(errbuf));
	cr_assert_not_null(team);
	struct vp_metrics m;
	vp_metrics_init(&m);
	int rc = wl->run(&ctx, state, team, &m, errbuf, sizeof(errbuf));
	cr_assert_eq(rc, -EIO, "rc %d: %s", rc, errbuf);
	cr_assert(strstr(errbuf, img), "%s", errbuf);
	cr_assert(strstr(errbuf, "offset"), "%s", errbuf);
	cr_assert(strstr(errbuf, "short read"), "%s", errbuf);
	cr_assert_null(vp_metrics_find(&m, "iops"), "no figures on failure");
	vp_metrics_free(&m);
	vp_team_destroy(team);
	wl->teardown(state);
	cr_assert(exists(img), "a scratch device is never removed");
}
