/* Guest console helpers: the tail that goes into failure notes (CRLF, blank
 * lines, control characters, long logs), line search from an offset, and
 * the kernel reports that count as a wedged guest. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/guest/guest_log.h"

static char path[64];

static void write_log(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/vp-console-test.XXXXXX");
	cr_assert_neq(mkstemp(path), -1);
	f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

static void drop(void)
{
	if (path[0])
		unlink(path);
}

TestSuite(console, .fini = drop);

Test(console, tail_lines)
{
	char out[256];

	write_log("one\r\ntwo\n\n\nthree\x1b[0m\r\nfour\n\n");
	vp_log_tail(path, 2, out, sizeof(out));
	cr_expect_str_eq(out, "three[0m | four");
	vp_log_tail(path, 10, out, sizeof(out));
	cr_expect_str_eq(out, "one | two | three[0m | four");
	vp_log_tail("/nonexistent/log", 3, out, sizeof(out));
	cr_expect_str_eq(out, "");
}

Test(console, tail_of_long_log_and_small_buffer)
{
	char *big = malloc(20000), out[16];
	size_t o = 0;

	for (int i = 0; o < 19000; i++)
		o += (size_t)sprintf(big + o, "line %d\n", i);
	write_log(big);
	free(big);
	vp_log_tail(path, 1, out, sizeof(out));
	cr_expect(strncmp(out, "line ", 5) == 0, "%s", out);
	cr_expect(strlen(out) < sizeof(out));
}

Test(console, find_from_offset)
{
	char line[64];

	write_log("[1] soft lockup A\n[2] ok\n[3] soft lockup B\n");
	cr_assert(vp_log_has(path, "soft lockup", line, sizeof(line)));
	cr_expect_str_eq(line, "[1] soft lockup A");
	cr_assert(vp_log_find(path, 20, "soft lockup", line, sizeof(line)));
	cr_expect_str_eq(line, "[3] soft lockup B");
	cr_expect(!vp_log_find(path, 40, "soft lockup", line, sizeof(line)));
	cr_expect(!vp_log_has(path, "panic", line, sizeof(line)));
}

Test(console, wedged_reports)
{
	static const char *const wedged[] = {
	    "[ 52.4] watchdog: BUG: soft lockup - CPU#0 stuck for 44s! "
	    "[init:1]\n",
	    "[ 26.4] rcu: INFO: rcu_preempt self-detected stall on CPU\n",
	    "[ 30.1] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n",
	    "[ 12.0] watchdog: Watchdog detected hard LOCKUP on cpu 1\n",
	};
	char line[128];

	for (size_t i = 0; i < sizeof(wedged) / sizeof(wedged[0]); i++) {
		write_log(wedged[i]);
		cr_expect(vp_console_wedged(path, 0, line, sizeof(line)), "%s",
			  wedged[i]);
		unlink(path);
	}
	write_log("[ 2.8] reboot: Power down\nvpbench-init: agent ended\n");
	cr_expect(!vp_console_wedged(path, 0, line, sizeof(line)));
}
