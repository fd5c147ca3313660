/* Machine settings and provenance: sysfs mode choices, per-CPU value
 * summaries, vulnerability classes (samples recorded from real kernels),
 * command-line quoting, plan hash stability. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "probes/env_tuning.h"
#include "runner/plan/plan.h"
#include "runner/run/provenance.h"

Test(env_tuning, sysfs_choice)
{
	static const struct {
		const char *text, *want;
		int rc;
	} cases[] = {
	    {"always [madvise] never", "madvise", 0},
	    {"[always] madvise never\n", "always", 0},
	    {"always defer defer+madvise [madvise] never", "madvise", 0},
	    {"always madvise never", "", -EINVAL},
	    {"[] x", "", -EINVAL},
	    {"[unterminated", "", -EINVAL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[32] = "";
		cr_assert_eq(vp_sysfs_choice(cases[i].text, buf, sizeof(buf)),
			     cases[i].rc, "case %zu", i);
		if (!cases[i].rc)
			cr_assert_str_eq(buf, cases[i].want);
	}
}

Test(env_tuning, value_summary)
{
	const char *same[] = {"performance", "performance", "performance"};
	const char *mixed[] = {"powersave", "performance", "powersave"};
	char buf[128];

	vp_value_summary(same, 3, buf, sizeof(buf));
	cr_assert_str_eq(buf, "performance");
	vp_value_summary(mixed, 3, buf, sizeof(buf));
	cr_assert_str_eq(buf, "powersave x2, performance x1");
}

Test(env_tuning, vuln_class)
{
	/* Texts as Linux 6.1 prints them. */
	cr_assert_eq(vp_vuln_class("Not affected"), 'n');
	cr_assert_eq(vp_vuln_class("Vulnerable: Clear CPU buffers attempted, "
				   "no microcode; SMT Host state unknown"),
		     'v');
	cr_assert_eq(vp_vuln_class("Mitigation: TSX disabled"), 'm');
	cr_assert_eq(vp_vuln_class("Mitigation: Enhanced / Automatic IBRS; "
				   "IBPB: conditional; BHI: Vulnerable"),
		     'v', "partly mitigated counts as vulnerable");
	cr_assert_eq(vp_vuln_class("Unknown: Dependent on hypervisor status"),
		     '?');
}

Test(env_tuning, collect_has_every_key)
{
	struct vp_kvlist kv;
	static const char *const keys[] = {
	    "kernel_cmdline", "cpu_governor", "cpu_boost",	"smt",
	    "thp_enabled",    "thp_defrag",   "cpu_mitigations"};
	vp_kvlist_init(&kv);
	vp_env_tuning_collect(&kv);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = vp_kvlist_get(&kv, keys[i]);
		cr_assert_not_null(v, "%s missing", keys[i]);
		cr_assert_neq(strlen(v), 0, "%s empty", keys[i]);
	}
	vp_kvlist_free(&kv);
}

Test(provenance, command_line_quoting)
{
	char *argv[] = {"vpbench", "run", "-o",	       "my dir", "--run-id",
			"a'b",	   "-O",  "size=256M", "x\ny"};
	char buf[256];

	vp_provenance_set_argv(9, argv);
	vp_provenance_command_line(buf, sizeof(buf));
	cr_assert_str_eq(buf, "vpbench run -o 'my dir' --run-id 'a'\\''b' -O "
			      "size=256M 'x?y'");
}

Test(provenance, plan_hash_changes_with_the_plan)
{
	static struct vp_plan a, b;
	char err[256];

	vp_plan_defaults(&a);
	vp_plan_defaults(&b);
	cr_assert_eq(vp_provenance_plan_hash(&a), vp_provenance_plan_hash(&b));
	cr_assert_neq(vp_provenance_plan_hash(&a), 0);
	cr_assert_eq(vp_plan_set(&b, "reps", "5", err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_neq(vp_provenance_plan_hash(&a), vp_provenance_plan_hash(&b));
	vp_plan_free(&a);
	vp_plan_free(&b);
}
