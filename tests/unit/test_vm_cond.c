/* vmN target conditions: parsing with the valid choices in every error,
 * canonical names, target lists whose conditions hold commas, plan-file
 * round trip, the TCG refusal at plan time, and target kinds. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/plan/plan.h"
#include "runner/targets/target.h"
#include "runner/targets/vm_cond.h"

static char err[1024];

Test(vm_cond, parse_and_format)
{
	static const struct {
		const char *spec, *canonical;
	} cases[] = {
	    {"pvspin=off", "pvspin=off"},
	    {"cpu-pm=on,pvspin=off", "pvspin=off,cpu-pm=on"},
	    {"hugepages=on,invtsc=on,cpu-pm=off,pvspin=on",
	     "pvspin=on,cpu-pm=off,invtsc=on,hugepages=on"},
	};
	struct vp_vm_cond c;
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(
		    vp_vm_cond_parse(cases[i].spec, &c, err, sizeof(err)), 0,
		    "%s: %s", cases[i].spec, err);
		vp_vm_cond_format(&c, buf, sizeof(buf));
		cr_expect_str_eq(buf, cases[i].canonical);
		cr_expect(vp_vm_cond_any(&c));
	}
	cr_assert_eq(vp_vm_cond_of_target("vm4", &c, err, sizeof(err)), 0);
	cr_expect(!vp_vm_cond_any(&c));
	cr_assert_eq(
	    vp_vm_cond_of_target("vm2:cpu-pm=on", &c, err, sizeof(err)), 0);
	cr_expect_eq(c.v[VP_COND_CPU_PM], 1);
	cr_expect_eq(c.v[VP_COND_PVSPIN], -1);
}

Test(vm_cond, bad_conditions_name_the_valid_ones)
{
	static const struct {
		const char *spec, *want;
	} cases[] = {
	    {"pvspn=off", "valid keys: pvspin, cpu-pm, invtsc, hugepages"},
	    {"pvspin=maybe", "use on or off"},
	    {"pvspin", "pvspin=on or pvspin=off"},
	    {"pvspin=off,pvspin=on", "given twice"},
	    {"", "empty condition list"},
	    {"pvspin=off,,cpu-pm=on", "empty condition"},
	};
	struct vp_vm_cond c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(
		    vp_vm_cond_parse(cases[i].spec, &c, err, sizeof(err)),
		    -EINVAL, "%s", cases[i].spec);
		cr_expect(strstr(err, cases[i].want), "%s -> %s", cases[i].spec,
			  err);
	}
}

/* KVM-only conditions under TCG: refused with the reason. */
Test(vm_cond, tcg_refusal)
{
	static const struct {
		const char *spec, *want; /* want NULL: allowed under TCG */
	} cases[] = {
	    {"pvspin=off", "pvspin=off needs KVM"},
	    {"pvspin=on", "pvspin=on needs KVM"},
	    {"cpu-pm=on", "cpu-pm=on needs KVM: -overcommit cpu-pm=on"},
	    {"cpu-pm=off", NULL},
	    {"invtsc=on", "invtsc=on needs KVM"},
	    {"invtsc=off", NULL},
	    {"hugepages=on", NULL},
	    {"hugepages=on,cpu-pm=on", "cpu-pm=on needs KVM"},
	};
	struct vp_vm_cond c;
	char buf[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why;

		cr_assert_eq(
		    vp_vm_cond_parse(cases[i].spec, &c, err, sizeof(err)), 0);
		why = vp_vm_cond_tcg_refusal(&c, buf, sizeof(buf));
		if (!cases[i].want)
			cr_expect_null(why, "%s: %s", cases[i].spec, buf);
		else
			cr_expect(why && strstr(why, cases[i].want), "%s: %s",
				  cases[i].spec, why ? why : "(allowed)");
	}
}

struct names {
	char v[8][128];
	size_t n;
};

static int collect(void *ctx, const char *name, char *e, size_t elen)
{
	struct names *n = ctx;

	(void)e;
	(void)elen;
	snprintf(n->v[n->n++], sizeof(n->v[0]), "%s", name);
	return 0;
}

Test(vm_cond, target_lists_join_conditions)
{
	struct names n = {0};

	cr_assert_eq(
	    vp_target_list_each(" host, vm4:cpu-pm=on, pvspin=off ,vm2,"
				"ssh:bench@box:2222,vm4:hugepages=on",
				collect, &n, err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(n.n, 5);
	cr_expect_str_eq(n.v[0], "host");
	cr_expect_str_eq(n.v[1], "vm4:pvspin=off,cpu-pm=on");
	cr_expect_str_eq(n.v[2], "vm2");
	cr_expect_str_eq(n.v[3], "ssh:bench@box:2222");
	cr_expect_str_eq(n.v[4], "vm4:hugepages=on");

	n.n = 0;
	cr_expect_eq(vp_target_list_each("pvspin=off,vm4", collect, &n, err,
					 sizeof(err)),
		     -EINVAL);
	cr_expect(strstr(err, "follows no vmN: target"), "%s", err);
	cr_expect_eq(
	    vp_target_list_each("vm2,cpu-pm=on", collect, &n, err, sizeof(err)),
	    -EINVAL, "a condition after a plain vmN");
	cr_expect_eq(vp_target_list_each(" , ", collect, &n, err, sizeof(err)),
		     -EINVAL);
}

Test(vm_cond, plan_targets_and_round_trip)
{
	static struct vp_plan p, q;
	char path[] = "/tmp/vp-cond-plan.XXXXXX";
	FILE *f;
	int fd;

	vp_plan_defaults(&p);
	cr_assert_eq(vp_plan_set(&p, "targets",
				 "vm4,vm4:cpu-pm=on,pvspin=off,vm4:pvspin=off,"
				 "cpu-pm=on",
				 err, sizeof(err)),
		     0, "%s", err);
	/* The same conditions in another order are the same target. */
	cr_assert_eq(p.ntargets, 2);
	cr_expect_str_eq(p.targets[1], "vm4:pvspin=off,cpu-pm=on");
	cr_assert_eq(vp_plan_set(&p, "vm-cpus", "0-1,3", err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(vp_plan_set(&p, "counter-scope", "user", err, sizeof(err)),
		     0, "%s", err);
	cr_expect_eq(vp_plan_set(&p, "vm-cpus", "0-", err, sizeof(err)),
		     -EINVAL);
	cr_expect(strstr(err, "bad CPU list '0-'"), "%s", err);
	cr_assert_eq(vp_plan_finalize(&p, err, sizeof(err)), 0, "%s", err);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_eq(vp_plan_write(&p, f), 0);
	fclose(f);
	vp_plan_defaults(&q);
	cr_assert_eq(vp_plan_load(&q, path, err, sizeof(err)), 0, "%s", err);
	unlink(path);
	cr_assert_eq(q.ntargets, 2);
	cr_expect_str_eq(q.targets[0], "vm4");
	cr_expect_str_eq(q.targets[1], "vm4:pvspin=off,cpu-pm=on");
	cr_expect_str_eq(q.vm_cpus, "0-1,3");
	cr_expect_str_eq(q.counter_scope, "user");
	vp_plan_free(&p);
	vp_plan_free(&q);
}

Test(vm_cond, plan_refuses_kvm_only_conditions_with_tcg)
{
	static struct vp_plan p;

	vp_plan_defaults(&p);
	cr_assert_eq(
	    vp_plan_set(&p, "targets", "vm2:invtsc=on", err, sizeof(err)), 0);
	cr_assert_eq(vp_plan_set(&p, "accel", "tcg", err, sizeof(err)), 0);
	cr_expect_eq(vp_plan_finalize(&p, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "vm2:invtsc=on with --accel tcg"), "%s", err);
	/* auto is decided at run time; hugepages is fine under TCG */
	cr_assert_eq(vp_plan_set(&p, "accel", "auto", err, sizeof(err)), 0);
	cr_expect_eq(vp_plan_finalize(&p, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(
	    vp_plan_set(&p, "targets", "vm2:hugepages=on", err, sizeof(err)),
	    0);
	cr_assert_eq(vp_plan_set(&p, "accel", "tcg", err, sizeof(err)), 0);
	cr_expect_eq(vp_plan_finalize(&p, err, sizeof(err)), 0, "%s", err);
	vp_plan_free(&p);
}

Test(vm_cond, target_names)
{
	struct vp_target t;

	cr_expect_eq(vp_target_name_valid("vm4:pvspin=off", err, sizeof(err)),
		     0);
	cr_expect_eq(vp_target_name_valid("vm4:pvspin=of", err, sizeof(err)),
		     -EINVAL);
	cr_expect(strstr(err, "bad target 'vm4:pvspin=of'"), "%s", err);
	cr_expect_eq(vp_target_name_valid("vm4x:pvspin=off", err, sizeof(err)),
		     -EINVAL);
	cr_assert_eq(
	    vp_target_init(&t, "vm4:pvspin=off,cpu-pm=on", err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_str_eq(t.ops->kind, "vm");
	cr_expect_eq(t.vcpus, 4);
	cr_expect_str_eq(t.ti.target, "vm4:pvspin=off,cpu-pm=on");
}

/* The scratch disk's conditions (vm_disk_cond.h) ride in target lists
 * like the switches. */
Test(vm_cond, target_lists_carry_disk_conditions)
{
	struct names n = {0};

	cr_assert_eq(vp_target_list_each("host,vm2:cache=none,aio=native,"
					 "iothread=on,vm2:aio=io_uring",
					 collect, &n, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(n.n, 3);
	cr_expect_str_eq(n.v[1], "vm2:iothread=on,aio=native,cache=none");
	cr_expect_str_eq(n.v[2], "vm2:aio=io_uring");
	n.n = 0;
	cr_expect_eq(vp_target_list_each("vm2:aio=native,cache=writeback",
					 collect, &n, err, sizeof(err)),
		     -EINVAL);
}
