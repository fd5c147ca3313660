/* Host facts for KVM runs on recorded and synthesized host trees
 * (tests/data/kvm_host/README): module parameters with absent ones said,
 * THP, hugetlbfs and free huge pages, hybrid CPUs and why a guest would
 * have no vPMU. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/targets/kvm_host.h"

static const char *root(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/kvm_host/%s", VP_TEST_DATA, name);
	return buf;
}

static const char *param(const struct vp_kvlist *l, const char *key)
{
	const char *v = vp_kvlist_get(l, key);

	cr_assert_not_null(v, "no %s", key);
	return v;
}

Test(kvm_host, module_params)
{
	static const struct {
		const char *tree, *key, *want;
	} cases[] = {
	    {"this_machine", "host_kvm.kvm.enable_pmu", "N"},
	    {"this_machine", "host_kvm.kvm.halt_poll_ns", "200000"},
	    {"this_machine", "host_kvm.kvm.nx_huge_pages", "N"},
	    {"this_machine", "host_kvm.kvm_intel.ple_gap",
	     "absent (module kvm_intel not loaded)"},
	    {"this_machine", "host_kvm.kvm_amd.pause_filter_count",
	     "absent (module kvm_amd not loaded)"},
	    {"intel_host", "host_kvm.kvm_intel.ple_gap", "128"},
	    {"intel_host", "host_kvm.kvm_intel.ple_window", "4096"},
	    {"intel_host", "host_kvm.kvm.nx_huge_pages", "auto"},
	    {"amd_host", "host_kvm.kvm_amd.pause_filter_count", "3000"},
	    {"amd_host", "host_kvm.kvm_amd.pause_filter_thresh", "128"},
	    {"amd_host", "host_kvm.kvm.halt_poll_ns", "0"},
	    {"hybrid_host", "host_kvm.kvm.halt_poll_ns",
	     "absent (kvm has no parameter halt_poll_ns)"},
	    {"hybrid_host", "host_kvm.kvm_intel.ple_window",
	     "absent (kvm_intel has no parameter ple_window)"},
	    {"no_such_tree", "host_kvm.kvm.enable_pmu",
	     "absent (module kvm not loaded)"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_kvlist l;

		vp_kvlist_init(&l);
		vp_kvm_params_collect(root(cases[i].tree), &l);
		cr_expect_eq(l.n, 7, "every parameter is listed");
		cr_expect_str_eq(param(&l, cases[i].key), cases[i].want,
				 "%s %s", cases[i].tree, cases[i].key);
		vp_kvlist_free(&l);
	}
}

Test(kvm_host, thp)
{
	char buf[128];

	cr_expect_eq(
	    vp_sysfs_choice("always [madvise] never", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "madvise");
	cr_expect_eq(vp_sysfs_choice("always madvise never", buf, sizeof(buf)),
		     -EINVAL);
	vp_thp_describe(root("this_machine"), buf, sizeof(buf));
	cr_expect_str_eq(buf, "madvise (defrag madvise)");
	vp_thp_describe(root("intel_host"), buf, sizeof(buf));
	cr_expect_str_eq(buf, "always (defrag madvise)");
	vp_thp_describe(root("amd_host"), buf, sizeof(buf));
	cr_expect_str_eq(buf, "madvise");
	vp_thp_describe(root("hybrid_host"), buf, sizeof(buf));
	cr_expect(strstr(buf, "unavailable"), "%s", buf);
}

Test(kvm_host, hugepages)
{
	char why[512];
	unsigned long kb = 0;

	/* 300 free 2 MiB pages hold 512 MiB (256 pages), not 1 GiB. */
	cr_expect_eq(vp_hugepages_check(root("intel_host"), "/dev/hugepages",
					512, why, sizeof(why)),
		     0, "%s", why);
	cr_expect_eq(vp_hugepages_check(root("intel_host"), "/dev/hugepages",
					1024, why, sizeof(why)),
		     -ENOMEM);
	cr_expect(strstr(why, "needs 512 free huge pages of 2048 kB, 300 are "
			      "free; fix: sysctl vm.nr_hugepages=512"),
		  "%s", why);
	/* Not mounted on this machine. */
	cr_expect_eq(vp_hugepages_check(root("this_machine"), "/dev/hugepages",
					512, why, sizeof(why)),
		     -ENOENT);
	cr_expect(strstr(why, "no hugetlbfs mounted at /dev/hugepages; fix: "
			      "mount -t hugetlbfs"),
		  "%s", why);
	/* A 1 GiB-page mount: its own page size and free count. */
	cr_expect_eq(vp_hugetlbfs_page_kb("hugetlbfs /dev/hugepages hugetlbfs "
					  "rw,pagesize=1024M 0 0\n",
					  "Hugepagesize:       2048 kB\n",
					  "/dev/hugepages", &kb, why,
					  sizeof(why)),
		     0);
	cr_expect_eq(kb, 1048576);
	cr_expect_eq(vp_hugepages_check(root("amd_host"), "/dev/hugepages", 512,
					why, sizeof(why)),
		     -ENOMEM);
	cr_expect(strstr(why, "needs 1 free huge pages of 1048576 kB, 0 are"),
		  "%s", why);
	/* Without pagesize=, the default size from meminfo. */
	cr_expect_eq(vp_hugetlbfs_page_kb("none /dev/hugepages hugetlbfs rw "
					  "0 0\n",
					  "Hugepagesize:       2048 kB\n",
					  "/dev/hugepages", &kb, why,
					  sizeof(why)),
		     0);
	cr_expect_eq(kb, 2048);
	cr_expect_eq(vp_hugetlbfs_page_kb("tmpfs /dev/hugepages tmpfs rw 0 "
					  "0\n",
					  "", "/dev/hugepages", &kb, why,
					  sizeof(why)),
		     -ENOENT);
	cr_expect(strstr(why, "a tmpfs mount, not hugetlbfs"), "%s", why);
}

Test(kvm_host, vpmu_reasons)
{
	static const struct {
		const char *tree;
		bool kvm;
		const char *want; /* NULL: a vPMU is expected */
	} cases[] = {
	    {"this_machine", true, "kvm.enable_pmu=N"},
	    {"this_machine", false, "TCG emulates no PMU"},
	    {"intel_host", true, NULL},
	    {"amd_host", true, NULL},
	    {"hybrid_host", true, "hybrid Intel host"},
	};
	char buf[256], path[600];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *r = root(cases[i].tree);
		char *ep;
		const char *why;

		snprintf(path, sizeof(path),
			 "%s/sys/module/kvm/parameters/enable_pmu", r);
		ep = vp_read_text(path, 64);
		why =
		    vp_vpmu_absent_reason(cases[i].kvm, ep, vp_host_hybrid(r),
					  vp_host_has_pmu(r), buf, sizeof(buf));
		if (cases[i].want)
			cr_expect(why && strstr(why, cases[i].want), "%s: %s",
				  cases[i].tree, why ? why : "(vPMU)");
		else
			cr_expect_null(why, "%s: %s", cases[i].tree, buf);
		free(ep);
	}
	/* enable_pmu Y but the host has no PMU itself (nested without one). */
	cr_expect(strstr(
	    vp_vpmu_absent_reason(true, "Y\n", false, false, buf, sizeof(buf)),
	    "the host has no hardware PMU itself"));
	cr_expect(vp_host_hybrid(root("hybrid_host")));
	cr_expect(!vp_host_hybrid(root("intel_host")));
	cr_expect(!vp_host_has_pmu(root("this_machine")));
}
