/* Page regions of the mem.* workloads: the huge-page probe against folders
 * that mimic /proc and /sys (THP modes, hugetlb pools, a kernel without
 * THP), the smaps and meminfo parsers on samples recorded here, and real
 * mappings: a 4 KiB region must report 0% huge pages, a 2 MiB one (when
 * this machine has huge pages) more than 0%, read back from smaps. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_data.h"
#include "workloads/mem_pages.h"

static char *slurp(const char *name)
{
	return vp_test_slurp("mem", name);
}

struct probe_case {
	const char *root;
	size_t len;
	int rc;
	const char *says[3]; /* substrings of the explanation */
};

Test(mem_pages, hugepage_probe_names_the_way_or_the_reason)
{
	static const struct probe_case cases[] = {
	    {"thp_madvise", 256 << 20, 0, {"THP", "enabled=madvise"}},
	    {"thp_always", 256 << 20, 0, {"THP", "enabled=always"}},
	    {"pool", 256 << 20, 0, {"hugetlb pool", "200 free", "MAP_HUGETLB"}},
	    {"thp_never",
	     256 << 20,
	     -ENOTSUP,
	     {"no huge pages", "nr_hugepages is 0", "THP is 'never'"}},
	    {"no_thp", 4 << 20, -ENOTSUP, {"no huge pages", "has no THP"}},
	    {"pool_too_small",
	     256 << 20,
	     -ENOTSUP,
	     {"10 free", "128 needed", "THP is 'never'"}},
	    {"nonexistent", 2 << 20, -ENOTSUP, {"no huge pages"}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct probe_case *c = &cases[i];
		char root[512], how[512];
		snprintf(root, sizeof(root), "%s/hugepages/%s", VP_TEST_DATA,
			 c->root);
		cr_expect_eq(vp_hugepages_probe(root, c->len, how, sizeof(how)),
			     c->rc, "%s: %s", c->root, how);
		for (int k = 0; k < 3 && c->says[k]; k++)
			cr_expect(strstr(how, c->says[k]),
				  "%s: '%s' lacks '%s'", c->root, how,
				  c->says[k]);
	}
}

struct smaps_case {
	unsigned long long lo, hi;
	int rc;
	unsigned long long bytes;
};

Test(mem_pages, smaps_counts_anon_huge_pages_of_the_range_only)
{
	/* smaps_thp.txt: an 8 MiB THP region 7f24dc800000-7f24dd000000 with
	 * AnonHugePages 8192 kB between the heap and a 2 MiB mapping with
	 * none, recorded on this machine. */
	static const struct smaps_case cases[] = {
	    {0x7f24dc800000ull, 0x7f24dd000000ull, 0, 8ull << 20},
	    {0x7f24dc800000ull, 0x7f24dcc00000ull, 0, 4ull << 20},
	    {0x7f24dc800000ull, 0x7f24dd200000ull, 0, 8ull << 20},
	    {0x7f24dd000000ull, 0x7f24dd200000ull, 0, 0},
	    {0x55ce7725c000ull, 0x55ce7740c000ull, 0, 0},
	    {0x1000, 0x2000, -EINVAL, 0},
	};
	char *t = slurp("smaps_thp.txt");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct smaps_case *c = &cases[i];
		uint64_t b = 12345;
		cr_expect_eq(vp_smaps_anon_huge(t, c->lo, c->hi, &b), c->rc,
			     "case %zu", i);
		if (!c->rc)
			cr_expect_eq(b, c->bytes, "case %zu: %llu", i,
				     (unsigned long long)b);
	}
	uint64_t b;
	cr_expect_eq(vp_smaps_anon_huge("", 0x1000, 0x2000, &b), -EINVAL);
	cr_expect_eq(
	    vp_smaps_anon_huge("garbage\nAnonHugePages: 5 kB\n", 0, ~0ull, &b),
	    -EINVAL);
	free(t);
}

Test(mem_pages, meminfo_available)
{
	char *t = slurp("meminfo_host.txt");
	uint64_t b = 0;
	cr_expect_eq(vp_meminfo_available(t, &b), 0);
	cr_expect_gt(b, 1ull << 30, "recorded MemAvailable %llu",
		     (unsigned long long)b);
	free(t);
	t = slurp("meminfo_old_kernel.txt");
	cr_expect_eq(vp_meminfo_available(t, &b), -EINVAL);
	free(t);
	cr_expect_eq(vp_meminfo_available("MemAvailable: x kB\n", &b), -EINVAL);
	cr_expect_eq(vp_meminfo_available("XMemAvailable: 5 kB\n", &b),
		     -EINVAL);
}

Test(mem_pages, small_pages_region_has_no_huge_page)
{
	struct vp_region r;
	char err[512] = "";
	cr_assert_eq(vp_region_map(&r, (8u << 20) + 100, 0, err, sizeof(err)),
		     0, "%s", err);
	cr_expect_eq(r.len, (8u << 20) + 4096, "rounded up to 4 KiB");
	cr_expect_eq(r.backing, VP_BACK_4K);
	cr_expect_float_eq(r.huge_pct, 0.0, 1e-9, "%s: %g%%", r.how,
			   r.huge_pct);
	cr_expect_eq(r.base[4096], 1, "pages are populated");
	vp_region_unmap(&r);
	cr_expect_null(r.base);
}

Test(mem_pages, huge_region_is_backed_by_huge_pages)
{
	char how[512];
	if (vp_hugepages_probe("", 8 << 20, how, sizeof(how)))
		cr_skip_test("%s", how);
	struct vp_region r;
	char err[512] = "";
	int rc = vp_region_map(&r, 8u << 20, 1, err, sizeof(err));
	if (rc == -EOPNOTSUPP)
		cr_skip_test("%s", err);
	cr_assert_eq(rc, 0, "%s", err);
	cr_expect_eq((uintptr_t)r.base % VP_HUGE_2M, 0, "2 MiB aligned");
	cr_expect_neq(r.backing, VP_BACK_4K);
	cr_expect_gt(r.huge_pct, 0.0, "%s", r.how);
	cr_expect_leq(r.huge_pct, 100.0);
	vp_region_unmap(&r);
}
