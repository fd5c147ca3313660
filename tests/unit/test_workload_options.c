/* Workload option tables (workloads/options.c): size suffixes, bounds with
 * the bounds in the message, choices, formatting and defaults, plus the
 * real tables of the registered workloads. Table-driven. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "workloads/options.h"
#include "workloads/workload_list.h"

/* --- sizes --------------------------------------------------------------- */

/* Criterion copies parameters into the test's own process, where pointers
 * into this binary's data need not be valid: cases hold arrays, not
 * pointers. */
struct size_case {
	char text[32];
	int rc;
	uint64_t value;
};

ParameterizedTestParameters(options, parse_size)
{
	static struct size_case cases[] = {
	    {"0", 0, 0},
	    {"4096", 0, 4096},
	    {"4k", 0, 4096},
	    {"4K", 0, 4096},
	    {"4kB", 0, 4096},
	    {"4KiB", 0, 4096},
	    {"256M", 0, 256ull << 20},
	    {"256m", 0, 256ull << 20},
	    {"1G", 0, 1ull << 30},
	    {"3g", 0, 3ull << 30},
	    {"2T", 0, 2ull << 40},
	    {"18446744073709551615", 0, UINT64_MAX},
	    {"", -EINVAL, 0},
	    {"k", -EINVAL, 0},
	    {"-1", -EINVAL, 0},
	    {"-4k", -EINVAL, 0},
	    {"4x", -EINVAL, 0},
	    {"4kk", -EINVAL, 0},
	    {"4 k", -EINVAL, 0},
	    {"4Mi", -EINVAL, 0},
	    {"1.5G", -EINVAL, 0},
	    {"18446744073709551616", -EINVAL, 0}, /* 2^64 */
	    {"17179869184G", -EINVAL, 0},	  /* 2^34 G = 2^64 */
	};
	return cr_make_param_array(struct size_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct size_case *c, options, parse_size)
{
	uint64_t v = 12345;
	int rc = vp_parse_size(c->text, &v);
	cr_expect_eq(rc, c->rc, "\"%s\": rc %d, expected %d", c->text, rc,
		     c->rc);
	if (c->rc == 0)
		cr_expect_eq(v, c->value, "\"%s\" -> %llu, expected %llu",
			     c->text, (unsigned long long)v,
			     (unsigned long long)c->value);
	else
		cr_expect_eq(v, 12345, "\"%s\": output touched on error",
			     c->text);
}

struct fmt_case {
	uint64_t value;
	char text[16];
};

ParameterizedTestParameters(options, format_size)
{
	static struct fmt_case cases[] = {
	    {0, "0"},
	    {1000, "1000"},
	    {1536, "1536"},
	    {4096, "4k"},
	    {256ull << 20, "256M"},
	    {1ull << 30, "1G"},
	    {3ull << 40, "3T"},
	    {1ull << 50, "1024T"},
	    {(1ull << 30) + 1024, "1048577k"},
	};
	return cr_make_param_array(struct fmt_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct fmt_case *c, options, format_size)
{
	char buf[32];
	vp_format_size(c->value, buf, sizeof(buf));
	cr_expect_str_eq(buf, c->text);
	/* What is printed parses back to the same value. */
	uint64_t back = 0;
	cr_expect_eq(vp_parse_size(buf, &back), 0);
	cr_expect_eq(back, c->value);
}

/* --- setting values against a table ---------------------------------------
 */

struct test_opts {
	int64_t n;
	uint64_t bs;
	double ratio;
	char mode[VP_OPT_STRING_MAX];
	char path[VP_OPT_STRING_MAX];
};

static const struct vp_option table[] = {
    {"n", VP_OPT_INT, offsetof(struct test_opts, n), "10", -5, 1000000, NULL,
     "count"},
    {"bs", VP_OPT_SIZE, offsetof(struct test_opts, bs), "4k", 512, 64 << 20,
     NULL, "block size"},
    {"ratio", VP_OPT_DOUBLE, offsetof(struct test_opts, ratio), "0.25", 0, 1,
     NULL, "a fraction"},
    {"mode", VP_OPT_CHOICE, offsetof(struct test_opts, mode), "on", 0, 0,
     "on|off|auto", "a choice"},
    {"path", VP_OPT_STRING, offsetof(struct test_opts, path), "", 0, 0, NULL,
     "a path"},
    VP_OPT_END};

struct set_case {
	char name[16], value[32];
	int rc;
	char msg[64]; /* a substring of the error, or the formatted value
			 when rc == 0 */
};

ParameterizedTestParameters(options, set)
{
	static struct set_case cases[] = {
	    {"n", "0", 0, "0"},
	    {"n", "-5", 0, "-5"},
	    {"n", "1000000", 0, "1000000"},
	    {"n", "1000001", -ERANGE,
	     "n=1000001 is out of range: must be -5 .. 1000000"},
	    {"n", "-6", -ERANGE, "must be -5 .. 1000000"},
	    {"n", "1.5", -EINVAL, "n=1.5: expected an integer"},
	    {"n", "", -EINVAL, "expected an integer"},
	    {"n", "12abc", -EINVAL, "expected an integer"},
	    {"n", "99999999999999999999", -EINVAL, "expected an integer"},
	    {"bs", "512", 0, "512"},
	    {"bs", "4k", 0, "4k"},
	    {"bs", "64M", 0, "64M"},
	    {"bs", "1048576", 0, "1M"},
	    {"bs", "256", -ERANGE,
	     "bs=256 is out of range: must be 512 .. 64M"},
	    {"bs", "3G", -ERANGE, "bs=3G is out of range: must be 512 .. 64M"},
	    {"bs", "4q", -EINVAL, "expected a size"},
	    {"ratio", "0", 0, "0"},
	    {"ratio", "1", 0, "1"},
	    {"ratio", "0.5", 0, "0.5"},
	    {"ratio", "1.5", -ERANGE,
	     "ratio=1.5 is out of range: must be 0 .. 1"},
	    {"ratio", "-0.1", -ERANGE, "must be 0 .. 1"},
	    {"ratio", "nan", -EINVAL, "expected a number"},
	    {"ratio", "inf", -EINVAL, "expected a number"},
	    {"ratio", "x", -EINVAL, "expected a number"},
	    {"mode", "off", 0, "off"},
	    {"mode", "auto", 0, "auto"},
	    {"mode", "o", -EINVAL, "mode=o: must be one of on|off|auto"},
	    {"mode", "onoff", -EINVAL, "must be one of on|off|auto"},
	    {"mode", "", -EINVAL, "must be one of on|off|auto"},
	    {"path", "/var/tmp/scratch", 0, "/var/tmp/scratch"},
	};
	return cr_make_param_array(struct set_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct set_case *c, options, set)
{
	struct test_opts o;
	char err[256] = "";
	cr_assert_eq(
	    vp_options_defaults(table, &o, sizeof(o), err, sizeof(err)), 0,
	    "%s", err);
	const struct vp_option *opt = vp_options_find(table, c->name);
	cr_assert_not_null(opt);
	struct test_opts before = o;
	int rc = vp_option_set(opt, &o, c->value, err, sizeof(err));
	cr_expect_eq(rc, c->rc, "%s=%s: rc %d (%s), expected %d", c->name,
		     c->value, rc, err, c->rc);
	if (c->rc == 0) {
		char buf[VP_OPT_STRING_MAX];
		vp_option_format(opt, &o, buf, sizeof(buf));
		cr_expect_str_eq(buf, c->msg);
	} else {
		cr_expect_not_null(strstr(err, c->msg),
				   "message \"%s\" lacks \"%s\"", err, c->msg);
		cr_expect_eq(memcmp(&before, &o, sizeof(o)), 0,
			     "%s=%s: refused value still changed the options",
			     c->name, c->value);
	}
}

Test(options, long_string_refused)
{
	struct test_opts o;
	char err[256];
	cr_assert_eq(
	    vp_options_defaults(table, &o, sizeof(o), err, sizeof(err)), 0);
	char big[VP_OPT_STRING_MAX + 1];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_expect_eq(vp_option_set(vp_options_find(table, "path"), &o, big, err,
				   sizeof(err)),
		     -EINVAL);
	cr_expect_not_null(strstr(err, "longer than 255"), "%s", err);
	big[VP_OPT_STRING_MAX - 1] = '\0'; /* 255 characters fit */
	cr_expect_eq(vp_option_set(vp_options_find(table, "path"), &o, big, err,
				   sizeof(err)),
		     0);
}

Test(options, defaults_and_find)
{
	struct test_opts o;
	char err[256];
	memset(&o, 0x5a, sizeof(o));
	cr_assert_eq(
	    vp_options_defaults(table, &o, sizeof(o), err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_eq(o.n, 10);
	cr_expect_eq(o.bs, 4096);
	cr_expect_float_eq(o.ratio, 0.25, 1e-12);
	cr_expect_str_eq(o.mode, "on");
	cr_expect_str_eq(o.path, "");
	cr_expect_null(vp_options_find(table, "nope"));
	cr_expect_null(vp_options_find(NULL, "n"));
	cr_expect_eq(vp_options_find(table, "ratio"), &table[2]);
}

Test(options, bad_default_is_reported)
{
	static const struct vp_option bad[] = {{"n", VP_OPT_INT,
						offsetof(struct test_opts, n),
						"2000", 0, 100, NULL, "count"},
					       VP_OPT_END};
	struct test_opts o;
	char err[256] = "";
	cr_expect_eq(vp_options_defaults(bad, &o, sizeof(o), err, sizeof(err)),
		     -ERANGE);
	cr_expect_not_null(strstr(err, "must be 0 .. 100"), "%s", err);
}

/* --- the registered workloads' own tables ---------------------------------
 */

Test(options, every_workload_default_is_valid)
{
	for (size_t i = 0; i < vp_workload_count(); i++) {
		const struct vp_workload *w = vp_workload_at(i);
		char buf[4096], err[256] = "";
		cr_assert_leq(w->opts_size, sizeof(buf), "%s", w->name);
		cr_expect_eq(vp_options_defaults(w->options, buf, w->opts_size,
						 err, sizeof(err)),
			     0, "%s: %s", w->name, err);
		for (const struct vp_option *o = w->options; o && o->name;
		     o++) {
			cr_expect_leq(o->offset, w->opts_size, "%s %s", w->name,
				      o->name);
			cr_expect_not_null(o->help, "%s %s has no help",
					   w->name, o->name);
			if (o->type == VP_OPT_INT || o->type == VP_OPT_SIZE ||
			    o->type == VP_OPT_DOUBLE)
				cr_expect_leq(o->min, o->max, "%s %s", w->name,
					      o->name);
		}
	}
}

struct wl_case {
	char workload[16], key[16], value[16];
	int rc;
	char msg[48]; /* a substring of the error, "" when none */
};

ParameterizedTestParameters(options, workload_keys)
{
	static struct wl_case cases[] = {
	    {"lock.tas", "cs", "0", 0, ""},
	    {"lock.tas", "cs", "1000001", -ERANGE, "must be 0 .. 1000000"},
	    {"lock.ticket", "think", "-1", -ERANGE, "must be 0 .. 10000000"},
	    {"lock.mcs", "probe", "off", 0, ""},
	    {"lock.mcs", "probe", "maybe", -EINVAL, "must be one of on|off"},
	    {"lock.hybrid", "spins", "0", 0, ""},
	    {"lock.hybrid", "spins", "10000001", -ERANGE,
	     "must be 0 .. 10000000"},
	    {"cpu.int", "batch", "0", -ERANGE, "must be 1 .. 1048576"},
	    {"cpu.fp", "batch", "1", 0, ""},
	};
	return cr_make_param_array(struct wl_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct wl_case *c, options, workload_keys)
{
	const struct vp_workload *w = vp_workload_find(c->workload);
	cr_assert_not_null(w, "%s is not registered", c->workload);
	const struct vp_option *o = vp_options_find(w->options, c->key);
	cr_assert_not_null(o, "%s has no option %s", c->workload, c->key);
	char buf[4096], err[256] = "";
	cr_assert_eq(vp_options_defaults(w->options, buf, w->opts_size, err,
					 sizeof(err)),
		     0);
	int rc = vp_option_set(o, buf, c->value, err, sizeof(err));
	cr_expect_eq(rc, c->rc, "%s %s=%s: %d (%s)", c->workload, c->key,
		     c->value, rc, err);
	if (c->msg[0])
		cr_expect_not_null(strstr(err, c->msg), "\"%s\" lacks \"%s\"",
				   err, c->msg);
}

Test(options, spins_only_on_hybrid)
{
	/* -O spins=N must be an error unless a selected workload declares
	 * it: only lock.hybrid does. */
	cr_expect_not_null(vp_options_find(vp_wl_lock_hybrid.options, "spins"));
	cr_expect_null(vp_options_find(vp_wl_lock_tas.options, "spins"));
	cr_expect_null(vp_options_find(vp_wl_lock_mutex.options, "spins"));
}
