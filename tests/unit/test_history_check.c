/* The history check on in-memory series with known changes: a worse step
 * at the newest runs is a regression that fails CI, an old one is a
 * regression that does not, a flat series has no change point, a short one
 * is not tested; the shift's CI holds the injected shift; the correction
 * raises p; bad options are refused; the writers escape hostile strings. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/check.h"
#include "tests/unit/history_fixture.h"

static struct vp_series_set *fixture(void)
{
	struct vp_series_set *set = hf_set(4);
	/* 0: ops/s 10 % down from run 30 of 40 */
	hf_series(&set->s[0], "h|host|none|cpu.int|1|ops_per_s", "cpu.int",
		  "ops_per_s", 1, 40, 1e6, 0.01, 1, 30, -0.10);
	/* 1: flat */
	hf_series(&set->s[1], "h|host|none|lock.ttas|2|ops_per_s", "lock.ttas",
		  "ops_per_s", 1, 40, 5e5, 0.01, 2, 0, 0);
	/* 2: latency 20 % up from run 10: worse, but long ago */
	hf_series(&set->s[2], "h|host|none|io.randread|1|lat_p99_us",
		  "io.randread", "lat_p99_us", -1, 40, 200, 0.01, 3, 10, 0.20);
	/* 3: too short to test */
	hf_series(&set->s[3], "h|host|none|cpu.fp|1|ops_per_s", "cpu.fp",
		  "ops_per_s", 1, 6, 1e6, 0.01, 4, 0, 0);
	return set;
}

Test(history_check, finds_the_regressions_and_which_is_new)
{
	struct vp_series_set *set = fixture();
	struct vp_hcheck_opts o;
	struct vp_hcheck_result r;
	vp_hcheck_opts_default(&o);
	cr_assert_eq(vp_history_check(set, &o, &r), 0);
	cr_assert_eq(r.n_series_tested, 3);
	cr_assert(r.tested[0] && r.tested[1] && r.tested[2] && !r.tested[3]);
	cr_assert_eq(r.n_cp, 2);
	const struct vp_hcheck_cp *a = &r.cp[0], *b = &r.cp[1];
	cr_assert(a->series == 0 && a->at == 30 && a->prev == 29);
	cr_assert(a->worse && a->regression && a->at_newest);
	cr_assert(fabs(a->shift_pct + 10) < 1.5, "shift %g", a->shift_pct);
	cr_assert(a->ci_lo_pct <= a->shift_pct && a->shift_pct <= a->ci_hi_pct);
	cr_assert(a->ci_lo_pct > -13 && a->ci_hi_pct < -7, "CI %g..%g",
		  a->ci_lo_pct, a->ci_hi_pct);
	/* 199 shuffles resolve 0.005, enough for 3 series */
	cr_assert(a->perms == 199 && a->p_value <= 0.005, "p %g from %u",
		  a->p_value, a->perms);
	cr_assert(a->p_adj >= a->p_value && a->p_adj <= 0.05);
	cr_assert(b->series == 2 && b->at == 10 && b->worse && b->regression &&
		  !b->at_newest);
	cr_assert(b->shift_pct > 17 && b->shift_pct < 23);
	cr_assert_eq(r.n_regressions, 2);
	cr_assert_eq(r.n_newest_regressions, 1);
	cr_assert_eq(r.opts.newest_runs, 10);
	vp_hcheck_result_free(&r);
	vp_series_set_free(set);
}

Test(history_check, threshold_and_correction)
{
	struct vp_series_set *set = fixture();
	struct vp_hcheck_opts o;
	struct vp_hcheck_result r, h;
	vp_hcheck_opts_default(&o);
	o.threshold_pct = 15; /* the 10 % step is no regression now */
	cr_assert_eq(vp_history_check(set, &o, &r), 0);
	cr_assert(r.n_cp == 2 && !r.cp[0].regression && r.cp[0].worse &&
		  r.cp[1].regression);
	cr_assert_eq(r.n_newest_regressions, 0);
	snprintf(o.correction, sizeof(o.correction), "holm");
	o.threshold_pct = 5;
	cr_assert_eq(vp_history_check(set, &o, &h), 0);
	for (size_t i = 0; i < h.n_cp; i++)
		cr_assert(h.cp[i].p_adj >= h.cp[i].p_value);
	vp_hcheck_result_free(&r);
	vp_hcheck_result_free(&h);
	vp_series_set_free(set);
}

Test(history_check, refines_p_for_a_large_family)
{
	/* 100 flat series and one with a step at the newest runs: 1 / 200
	 * would not survive the correction over 100 tests, the refined p
	 * does */
	struct vp_series_set *set = hf_set(101);
	char key[32];
	for (size_t i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "flat%zu", i);
		hf_series(&set->s[i], key, "cpu.int", "ops_per_s", 1, 30, 1e6,
			  0.01, 100 + i, 0, 0);
	}
	hf_series(&set->s[100], "step", "cpu.int", "ops_per_s", 1, 30, 1e6,
		  0.01, 7, 22, -0.08);
	struct vp_hcheck_opts o;
	struct vp_hcheck_result r;
	vp_hcheck_opts_default(&o);
	cr_assert_eq(vp_history_check(set, &o, &r), 0);
	/* BH with one would-be regression among n_family tests */
	unsigned want = (unsigned)ceil(2.0 * (double)r.n_family / 0.05) - 1;
	cr_assert(r.n_family >= 101);
	cr_assert_eq(r.opts.max_permutations, want);
	const struct vp_hcheck_cp *c = NULL;
	for (size_t i = 0; i < r.n_cp; i++)
		if (r.cp[i].series == 100)
			c = &r.cp[i];
	cr_assert(c && c->at == 22 && c->regression && c->at_newest);
	cr_assert(c->perms == want && c->p_value < 0.001, "p %g from %u",
		  c->p_value, c->perms);
	cr_assert_eq(r.n_newest_regressions, 1);
	vp_hcheck_result_free(&r);
	vp_series_set_free(set);
}

Test(history_check, refuses_bad_options)
{
	struct vp_series_set *set = fixture();
	struct vp_hcheck_opts o;
	struct vp_hcheck_result r;
	vp_hcheck_opts_default(&o);
	o.min_size = 1;
	cr_assert_eq(vp_history_check(set, &o, &r), -EINVAL);
	vp_hcheck_opts_default(&o);
	o.permutations = 10; /* p can never reach 0.05 */
	cr_assert_eq(vp_history_check(set, &o, &r), -EINVAL);
	vp_hcheck_opts_default(&o);
	snprintf(o.correction, sizeof(o.correction), "bonf");
	cr_assert_eq(vp_history_check(set, &o, &r), -EINVAL);
	vp_series_set_free(set);
}

static char *render(int (*w)(FILE *, const struct vp_series_set *,
			     const struct vp_hcheck_result *),
		    const struct vp_series_set *set,
		    const struct vp_hcheck_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(f);
	cr_assert_eq(w(f, set, r), 0);
	fclose(f);
	return buf;
}

Test(history_check, writers_escape_hostile_strings)
{
	struct vp_series_set *set = fixture();
	free(set->s[0].key);
	set->s[0].key = strdup("<script>alert(1)</script>|`x`");
	free(set->s[0].pts[30].run_id);
	set->s[0].pts[30].run_id = strdup("r\"&<img src=x>\n[l](http://e)");
	struct vp_hcheck_opts o;
	struct vp_hcheck_result r;
	vp_hcheck_opts_default(&o);
	cr_assert_eq(vp_history_check(set, &o, &r), 0);

	char *x = render(vp_hcheck_write_junit, set, &r);
	cr_assert(!strstr(x, "<script>") && !strstr(x, "<img"));
	cr_assert(strstr(x, "&lt;script&gt;"));
	cr_assert(strstr(x, "failures=\"1\""));
	cr_assert(strstr(x, "<failure type=\"regression\""));
	free(x);

	x = render(vp_hcheck_write_markdown, set, &r);
	cr_assert(strstr(x, "regression at the newest runs"));
	/* the key in a code span, its pipe escaped, the backticks fenced */
	cr_assert(strstr(x, "`` <script>alert(1)</script>\\|`x` ``"), "%s", x);
	cr_assert(!strstr(x, "\n[l]"));
	free(x);

	x = render(vp_hcheck_write_text, set, &r);
	cr_assert(strstr(x, "REGRESSION"));
	cr_assert(strstr(x, "1 at the newest runs"));
	cr_assert(!strstr(x, ">\n[l]"), "control bytes pass: %s", x);
	free(x);
	vp_hcheck_result_free(&r);
	vp_series_set_free(set);
}
