/* The run-key table: every plan key round-trips through a plan file with a
 * non-default value, every flag appears in --help within 79 columns and maps
 * back to its key through getopt, and error lists name every plan key. */
#include <criterion/criterion.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/cli/cli.h"
#include "runner/plan/plan.h"
#include "runner/plan/plan_keys.h"

/* A non-default value per plan key, in the canonical form the writer uses.
 * A new key without a line here fails every_key_has_a_sample. */
static const char *const samples[][2] = {
    {"targets", "host,vm2,ssh:me@box:2222"},
    {"workloads", "lock.ticket,io.randread"},
    {"threads", "8,1,3"},
    {"reps", "7"},
    {"min-reps", "4"},
    {"max-reps", "12"},
    {"ci-target", "1.5"},
    {"order", "random"},
    {"seed", "12345"},
    {"duration", "0.1"},
    {"warmup", "0.3"},
    {"output", "/tmp/some where/run"},
    {"option", "bs=16k"},
    {"counters", "none"},
    {"counter-scope", "user+kernel"},
    {"pin", "scatter"},
    {"accel", "tcg"},
    {"kernel", "/boot/vmlinuz-x"},
    {"modules", "/lib/modules/x"},
    {"host-load", "3"},
    {"vcpu-pin", "yes"},
    {"vm-cpus", "0"},
    {"disk-size", "256M"},
    {"parallel", "hosts"},
    {"boot-timeout", "12.5"},
    {"run-timeout", "1e-05"},
    {"run-id", "nightly-7"},
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

static char *plan_to_text(const struct vp_plan *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	cr_assert_not_null(m);
	cr_assert_eq(vp_plan_write(p, m), 0);
	fclose(m);
	return text;
}

static void text_to_plan(const char *text, struct vp_plan *p)
{
	char path[] = "/tmp/vp-plankeys-XXXXXX", err[1024] = "";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	vp_plan_defaults(p);
	int rc = vp_plan_load(p, path, err, sizeof(err));
	unlink(path);
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert_eq(vp_plan_finalize(p, err, sizeof(err)), 0, "%s", err);
}

Test(plan_keys, every_key_has_a_sample)
{
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++) {
		if (k->flags & VP_KEY_CLI)
			continue;
		int found = 0;
		for (size_t i = 0; i < NSAMPLES; i++)
			found |= strcmp(samples[i][0], k->name) == 0;
		cr_expect(found, "plan key %s has no round-trip sample",
			  k->name);
	}
}

Test(plan_keys, every_key_round_trips_through_a_plan_file)
{
	static struct vp_plan a, b;
	char err[1024], buf[8192];
	vp_plan_defaults(&a);
	for (size_t i = 0; i < NSAMPLES; i++)
		cr_assert_eq(vp_plan_set(&a, samples[i][0], samples[i][1], err,
					 sizeof(err)),
			     0, "%s = %s: %s", samples[i][0], samples[i][1],
			     err);
	cr_assert_eq(vp_plan_finalize(&a, err, sizeof(err)), 0, "%s", err);
	char *text = plan_to_text(&a);
	text_to_plan(text, &b);
	char *again = plan_to_text(&b);
	cr_expect_str_eq(again, text, "written, read and written again");
	for (size_t i = 0; i < NSAMPLES; i++) {
		const struct vp_plan_key *k = vp_plan_key_find(samples[i][0]);
		cr_assert_not_null(k);
		/* Issue 10 section 5: the run folder and id name one run;
		 * a written plan re-runs as a new run. */
		int local = !!(k->flags & VP_KEY_RUN_LOCAL);
		int rc = vp_plan_key_format(&b, k, 0, buf, sizeof(buf));
		cr_expect_eq(rc, local, "%s written: %d", k->name, !rc);
		if (local)
			continue;
		cr_expect_str_eq(buf, samples[i][1], "%s", k->name);
	}
	cr_expect_null(strstr(text, "output ="), "%s", text);
	cr_expect_null(strstr(text, "run-id ="), "%s", text);
	cr_expect_eq(b.duration_s, 0.1, "floats read back exactly");
	cr_expect_eq(b.run_timeout_s, 1e-05);
	free(text);
	free(again);
	vp_plan_free(&a);
	vp_plan_free(&b);
}

Test(plan_keys, defaults_come_from_the_table)
{
	static struct vp_plan p;
	char buf[256];
	vp_plan_defaults(&p);
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++) {
		/* Lists expand (cpu -> its workloads): generic types only. */
		if ((k->flags & VP_KEY_CLI) || !k->def ||
		    k->type == VP_KEY_CUSTOM)
			continue;
		cr_assert_eq(vp_plan_key_format(&p, k, 0, buf, sizeof(buf)), 0);
		cr_expect_str_eq(buf, k->def, "default of %s", k->name);
	}
	vp_plan_free(&p);
}

Test(plan_keys, help_shows_every_flag_within_79_columns)
{
	char *text = NULL, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	vp_run_usage(m);
	fclose(m);
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++) {
		char want[64];
		snprintf(want, sizeof(want), "--%s", k->name);
		cr_expect(strstr(text, want), "--help lacks %s", want);
		if (k->flag) {
			snprintf(want, sizeof(want), "-%c, --%s", k->flag,
				 k->name);
			cr_expect(strstr(text, want), "--help lacks %s", want);
		}
	}
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		cr_expect_leq(strlen(l), 79, "long help line: %s", l);
	free(text);
}

Test(plan_keys, getopt_values_map_back_to_their_key)
{
	struct option lo[64];
	char so[160];
	vp_plan_keys_getopt(lo, 64, so, sizeof(so));
	cr_expect_eq(so[0], ':', "missing values reported as ':'");
	size_t n = 0;
	for (; lo[n].name; n++) {
		const struct vp_plan_key *k = vp_plan_key_by_val(lo[n].val);
		cr_assert_not_null(k, "%s", lo[n].name);
		cr_expect_str_eq(k->name, lo[n].name);
		cr_expect_eq(lo[n].has_arg != no_argument, k->metavar != NULL,
			     "%s", k->name);
	}
	cr_expect_eq(n, vp_plan_keys_count());
}

Test(plan_keys, unknown_key_lists_every_plan_key_and_no_cli_flag)
{
	static struct vp_plan p;
	char err[2048];
	vp_plan_defaults(&p);
	cr_assert_neq(vp_plan_set(&p, "frobnicate", "1", err, sizeof(err)), 0);
	const char *valid = strstr(err, "valid: ");
	cr_assert_not_null(valid, "%s", err);
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++) {
		int listed = strstr(valid, k->name) != NULL;
		cr_expect_eq(listed, !(k->flags & VP_KEY_CLI), "%s in '%s'",
			     k->name, valid);
	}
	cr_expect_neq(vp_plan_set(&p, "plan", "x", err, sizeof(err)), 0,
		      "a CLI-only flag is not a plan key");
	vp_plan_free(&p);
}

Test(plan_keys, doubles_are_written_shortest_and_exact)
{
	static const double v[] = {0.1,	  0.125, 1.0 / 3, 1e-5,
				   86400, 0.05,	 2.5e-7};
	char buf[64];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		vp_format_double(v[i], buf, sizeof(buf));
		cr_expect_eq(strtod(buf, NULL), v[i], "%s", buf);
	}
	vp_format_double(0.1, buf, sizeof(buf));
	cr_expect_str_eq(buf, "0.1");
	vp_format_double(0.05, buf, sizeof(buf));
	cr_expect_str_eq(buf, "0.05");
	vp_format_double(60, buf, sizeof(buf));
	cr_expect_str_eq(buf, "60");
	vp_format_double(86400, buf, sizeof(buf));
	cr_expect_str_eq(buf, "86400");
}

/* Defect 6 of issue 11: a newline in a value was written raw into
 * plan.conf, so the re-run read injected keys. */
Test(plan_keys, control_bytes_are_refused_and_shown_escaped)
{
	static struct vp_plan p;
	static const char *const keys[] = {"run-id",  "output", "kernel",
					   "modules", "option", "targets",
					   "counters"};
	char err[1024];
	vp_plan_defaults(&p);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = strcmp(keys[i], "option") == 0
				    ? "path=/x\nthreads = 9"
				    : "x\nthreads = 9";
		cr_expect_neq(vp_plan_set(&p, keys[i], v, err, sizeof(err)), 0,
			      "%s accepted a newline", keys[i]);
		cr_expect(strstr(err, "control byte"), "%s: %s", keys[i], err);
		cr_expect(strstr(err, "x\\nthreads"), "%s: %s", keys[i], err);
		cr_expect_null(strchr(err, '\n'), "raw newline in: %s", err);
	}
	cr_expect_neq(vp_plan_set(&p, "run-id", "a\033[2Jb", err, sizeof(err)),
		      0);
	cr_expect(strstr(err, "a\\x1b[2Jb"), "%s", err);
	vp_plan_free(&p);
}

Test(plan_keys, awkward_values_round_trip_exactly)
{
	static struct vp_plan a, b;
	static const char *const cases[][2] = {
	    {"kernel", "/boot/vmlinuz#1"},     {"modules", " /lead/and/trail "},
	    {"run-id", "say \"hi\" \\ there"}, {"output", "\"quoted\""},
	    {"option", "path=/tmp/a # b"},
	};
	char err[1024], buf[512];
	vp_plan_defaults(&a);
	cr_assert_eq(
	    vp_plan_set(&a, "workloads", "io.randread", err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(
		    vp_plan_set(&a, cases[i][0], cases[i][1], err, sizeof(err)),
		    0, "%s", err);
	cr_assert_eq(vp_plan_finalize(&a, err, sizeof(err)), 0, "%s", err);
	char *text = plan_to_text(&a);
	text_to_plan(text, &b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vp_plan_key *k = vp_plan_key_find(cases[i][0]);
		int rc = vp_plan_key_format(&b, k, 0, buf, sizeof(buf));
		if (rc == 1 && (k->flags & VP_KEY_RUN_LOCAL))
			continue; /* not part of a written plan */
		cr_assert_eq(rc, 0, "%s lost", k->name);
		cr_expect_str_eq(buf, cases[i][1], "%s in:\n%s", k->name, text);
	}
	free(text);
	vp_plan_free(&a);
	vp_plan_free(&b);
}

Test(plan_keys, writer_refuses_what_would_not_read_back)
{
	static struct vp_plan p;
	char *text = NULL;
	size_t len = 0;
	vp_plan_defaults(&p);
	snprintf(p.kernel, sizeof(p.kernel), "/boot/x\nreps = 9");
	FILE *m = open_memstream(&text, &len);
	cr_expect_eq(vp_plan_write(&p, m), -EINVAL);
	fclose(m);
	cr_expect_eq(len, 0, "nothing written: %s", text);
	free(text);
	vp_plan_free(&p);
}

struct bad_file {
	const char *text, *want;
};

Test(plan_keys, bad_quoting_names_file_and_line)
{
	static const struct bad_file cases[] = {
	    {"reps = 2\nkernel = \"/boot/x\n", ":2: quoted value without"},
	    {"kernel = \"/a\\n\"\n", ":1: in a quoted value"},
	    {"reps = 2\n\nkernel = \"/a\" b\n", ":3: text after a quoted"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct vp_plan p;
		char path[] = "/tmp/vp-plankeys-XXXXXX", err[1024] = "";
		int fd = mkstemp(path);
		cr_assert_geq(fd, 0);
		cr_assert_eq(write(fd, cases[i].text, strlen(cases[i].text)),
			     (ssize_t)strlen(cases[i].text));
		close(fd);
		vp_plan_defaults(&p);
		cr_expect_neq(vp_plan_load(&p, path, err, sizeof(err)), 0);
		cr_expect(strstr(err, cases[i].want), "%s", err);
		unlink(path);
		vp_plan_free(&p);
	}
}

/* Defect 7 of issue 11: `--plan /dev/zero` read forever and a NUL byte cut
 * a line short without a word. */
static int load_bytes(const char *bytes, size_t n, char *err, size_t errlen)
{
	static struct vp_plan p;
	char path[] = "/tmp/vp-plankeys-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, bytes, n), (ssize_t)n);
	close(fd);
	vp_plan_defaults(&p);
	int rc = vp_plan_load(&p, path, err, errlen);
	unlink(path);
	vp_plan_free(&p);
	return rc;
}

Test(plan_keys, plans_are_regular_files, .timeout = 10)
{
	static struct vp_plan p;
	char err[1024], dir[] = "/tmp/vp-plankeys-XXXXXX", fifo[64];
	vp_plan_defaults(&p);
	cr_expect_neq(vp_plan_load(&p, "/dev/zero", err, sizeof(err)), 0);
	cr_expect(strstr(err, "character device"), "%s", err);
	cr_assert_not_null(mkdtemp(dir));
	cr_expect_neq(vp_plan_load(&p, dir, err, sizeof(err)), 0);
	cr_expect(strstr(err, "a directory"), "%s", err);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_expect_neq(vp_plan_load(&p, fifo, err, sizeof(err)), 0,
		      "a FIFO without a writer neither blocks nor passes");
	cr_expect(strstr(err, "FIFO"), "%s", err);
	unlink(fifo);
	rmdir(dir);
	vp_plan_free(&p);
}

Test(plan_keys, control_bytes_in_a_plan_name_file_and_line)
{
	static const char nul[] = "reps = 2\nthreads = 1\0,2\n";
	char err[1024];
	cr_expect_neq(load_bytes(nul, sizeof(nul) - 1, err, sizeof(err)), 0);
	cr_expect(strstr(err, ":2: control byte 0x00 at column 12"), "%s", err);
	static const char esc[] = "# x\n\nrun-id = a\033]0;pwn\007\n";
	cr_expect_neq(load_bytes(esc, sizeof(esc) - 1, err, sizeof(err)), 0);
	cr_expect(strstr(err, ":3: control byte 0x1b"), "%s", err);
	cr_expect_null(strchr(err, '\033'), "raw ESC in: %s", err);
	static const char crlf[] = "reps = 2\r\nthreads = 1,2\r\n";
	cr_expect_eq(load_bytes(crlf, sizeof(crlf) - 1, err, sizeof(err)), 0,
		     "CRLF plans are text: %s", err);
}

Test(plan_keys, plans_have_a_size_bound)
{
	size_t n = (1u << 20) + 10;
	char *big = malloc(n), err[1024];
	cr_assert_not_null(big);
	memset(big, '#', n);
	big[n - 1] = '\n';
	cr_expect_neq(load_bytes(big, n, err, sizeof(err)), 0);
	cr_expect(strstr(err, "larger than 1024 KiB"), "%s", err);
	free(big);
}
