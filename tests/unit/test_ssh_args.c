/* ssh target helpers: target parsing (user, host, port, IPv6, refusals),
 * single-quote escaping for the remote shell, and the ssh/scp argv
 * prefixes (batch mode, port flag, extra options split into words). */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "runner/targets/ssh_args.h"
#include "runner/targets/target.h"

struct parse_case {
	const char *in;
	int ok;
	const char *user, *host;
	unsigned port;
};

Test(ssh_args, parse_table)
{
	static const struct parse_case cases[] = {
	    {"ssh:box", 1, "", "box", 0},
	    {"ssh:alice@box", 1, "alice", "box", 0},
	    {"ssh:alice@box.example.org:2222", 1, "alice", "box.example.org",
	     2222},
	    {"ssh:10.0.0.7:22", 1, "", "10.0.0.7", 22},
	    {"ssh:[::1]:2200", 1, "", "::1", 2200},
	    {"ssh:bob@[fe80::1%eth0]", 1, "bob", "fe80::1%eth0", 0},
	    {"box", 1, "", "box", 0},
	    {"ssh:", 0, NULL, NULL, 0},
	    {"ssh:-oProxyCommand=x", 0, NULL, NULL, 0},
	    {"ssh:@box", 0, NULL, NULL, 0},
	    {"ssh:-bob@box", 0, NULL, NULL, 0},
	    {"ssh:box:0", 0, NULL, NULL, 0},
	    {"ssh:box:65536", 0, NULL, NULL, 0},
	    {"ssh:box:22x", 0, NULL, NULL, 0},
	    {"ssh:::1", 0, NULL, NULL, 0},
	    {"ssh:box;rm", 0, NULL, NULL, 0},
	    {"ssh:a b", 0, NULL, NULL, 0},
	    {"ssh:[::1", 0, NULL, NULL, 0},
	    /* issue 11 defect 8: IPv6 with a zone, and malformed forms that
	     * used to pass the plan-time check */
	    {"ssh:[::1]:22", 1, "", "::1", 22},
	    {"ssh:[fe80::1%eth0]:22", 1, "", "fe80::1%eth0", 22},
	    {"ssh:[]", 0, NULL, NULL, 0},
	    {"ssh:[::1]:x", 0, NULL, NULL, 0},
	    {"ssh:[::1]x", 0, NULL, NULL, 0},
	    {"ssh:u@h@h", 0, NULL, NULL, 0},
	    {"ssh:u@", 0, NULL, NULL, 0},
	    {"ssh:box:", 0, NULL, NULL, 0},
	    {"ssh:box:+22", 0, NULL, NULL, 0},
	    {"ssh:box%eth0", 0, NULL, NULL, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_ssh_dest d;
		char err[256] = "";
		int rc = vp_ssh_parse_target(cases[i].in, &d, err, sizeof(err));

		if (!cases[i].ok) {
			cr_expect_eq(rc, -EINVAL, "%s accepted", cases[i].in);
			cr_expect(strstr(err, "[user@]host[:port]"),
				  "message for %s: %s", cases[i].in, err);
			continue;
		}
		cr_expect_eq(rc, 0, "%s refused: %s", cases[i].in, err);
		cr_expect_str_eq(d.user, cases[i].user, "%s", cases[i].in);
		cr_expect_str_eq(d.host, cases[i].host, "%s", cases[i].in);
		cr_expect_eq(d.port, cases[i].port, "%s", cases[i].in);
	}
}

Test(ssh_args, dest_string)
{
	struct vp_ssh_dest d = {"alice", "::1", 22};
	char buf[64];

	/* ssh takes IPv6 bare: "[::1]" would be looked up as a name */
	vp_ssh_dest_string(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, "alice@::1");
	vp_scp_dest_string(&d, "/tmp/x/", buf, sizeof(buf));
	cr_expect_str_eq(buf, "alice@[::1]:/tmp/x/");
	d.user[0] = '\0';
	snprintf(d.host, sizeof(d.host), "box");
	vp_ssh_dest_string(&d, buf, sizeof(buf));
	cr_expect_str_eq(buf, "box");
	vp_scp_dest_string(&d, "/tmp/x/", buf, sizeof(buf));
	cr_expect_str_eq(buf, "box:/tmp/x/");
}

/* One parser: the plan-time check accepts exactly what the ssh target can
 * use (issue 11 defect 8). */
Test(ssh_args, plan_check_and_target_agree)
{
	static const char *const names[] = {
	    "ssh:box",	     "ssh:[::1]:22", "ssh:[fe80::1%eth0]:22",
	    "ssh:@host",     "ssh:[]",	     "ssh:[::1",
	    "ssh:[::1]:x",   "ssh:u@h@h",    "ssh:a@b.c:2222",
	    "ssh:-oProxy=x", "ssh:box:0",    "ssh:[::1]:65536",
	    "ssh:box:+22",   "ssh:u@[::1]",  "ssh:bad host"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct vp_ssh_dest d;
		char e1[256], e2[256];
		int a = vp_target_name_valid(names[i], e1, sizeof(e1));
		int b = vp_ssh_parse_target(names[i], &d, e2, sizeof(e2));
		cr_expect_eq(a, b, "%s: plan check %d, target %d", names[i], a,
			     b);
	}
}

Test(ssh_args, quote_table)
{
	static const char *const cases[][2] = {
	    {"plain", "'plain'"},
	    {"", "''"},
	    {"it's", "'it'\\''s'"},
	    {"$(rm -rf /); `x` \"q\" \\ *", "'$(rm -rf /); `x` \"q\" \\ *'"},
	    {"''", "''\\'''\\'''"},
	    {"a\nb", "'a\nb'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128];

		cr_assert_eq(vp_shell_quote(cases[i][0], buf, sizeof(buf)), 0);
		cr_expect_str_eq(buf, cases[i][1], "quoting [%s]", cases[i][0]);
	}
}

Test(ssh_args, quote_too_small)
{
	char buf[6];

	cr_expect_eq(vp_shell_quote("abc", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "'abc'");
	cr_expect_eq(vp_shell_quote("abcd", buf, sizeof(buf)), -ENOSPC);
	cr_expect_eq(vp_shell_quote("a'", buf, sizeof(buf)), -ENOSPC);
}

/* The quoted command, parsed by a real shell, gives back the exact words. */
Test(ssh_args, join_roundtrip_through_sh)
{
	const char *words[] = {"printf", "%s|",	 "a b", "it's",
			       "$HOME",	 "`id`", ";",	"*"};
	char cmd[512], out[512] = "";
	FILE *p;

	cr_assert_eq(vp_shell_join(words, 8, cmd, sizeof(cmd)), 0);
	/* popen runs /bin/sh -c, like sshd runs the login shell. */
	p = popen(cmd, "r");
	cr_assert(p);
	cr_assert(fgets(out, sizeof(out), p));
	pclose(p);
	cr_expect_str_eq(out, "a b|it's|$HOME|`id`|;|*|");
}

Test(ssh_args, base_argv)
{
	struct vp_ssh_dest d = {"", "box", 2222};
	struct vp_strlist a = {0};

	cr_assert_eq(vp_ssh_base_argv("ssh", &d, " -F  /tmp/cfg\t-i k ", &a),
		     0);
	const char *want[] = {"ssh",
			      "-o",
			      "BatchMode=yes",
			      "-o",
			      "ConnectTimeout=15",
			      "-p",
			      "2222",
			      "-F",
			      "/tmp/cfg",
			      "-i",
			      "k"};
	cr_assert_eq(a.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < a.n; i++)
		cr_expect_str_eq(a.v[i], want[i]);
	vp_strlist_free(&a);
	cr_assert_eq(vp_ssh_base_argv("scp", &d, NULL, &a), 0);
	cr_expect_str_eq(a.v[1], "-q");
	cr_expect(vp_strlist_has(&a, "-P"), "scp takes the port with -P");
	cr_expect(!vp_strlist_has(&a, "-p"));
	vp_strlist_free(&a);
}
