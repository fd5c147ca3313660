/* The agent command line: what the writer writes, the parser reads back
 * (every field, awkward values), and the parser refuses what it must. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "runner/agent/agent_cmdline.h"

Test(agent_cmdline, round_trip_all_fields)
{
	struct vp_agent_cmdline in = {.plan = "/tmp/x y/plan.conf",
				      .out = "-",
				      .target = "ssh:bench@h1:22",
				      .kind = "ssh",
				      .accel = "none",
				      .host_cpus = "0",
				      .run_id = "run id,with comma",
				      .scratch_dev = "/dev/vda",
				      .scratch_dir = "/tmp"};
	struct vp_agent_cmdline back;
	struct vp_strlist argv = {0};
	char err[256] = "";

	cr_assert_eq(vp_agent_cmdline_write(&in, &argv), 0);
	cr_assert_str_eq(argv.v[0], "agent");
	cr_assert_eq(vp_agent_cmdline_parse((int)argv.n, argv.v, &back, err,
					    sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(back.plan, in.plan);
	cr_assert_str_eq(back.out, in.out);
	cr_assert_str_eq(back.target, in.target);
	cr_assert_str_eq(back.kind, in.kind);
	cr_assert_str_eq(back.accel, in.accel);
	cr_assert_str_eq(back.host_cpus, "0");
	cr_assert_eq(vp_agent_cmdline_cpus(&back), 0);
	cr_assert_str_eq(back.run_id, in.run_id);
	cr_assert_str_eq(back.scratch_dev, in.scratch_dev);
	cr_assert_str_eq(back.scratch_dir, in.scratch_dir);
	vp_strlist_free(&argv);
}

Test(agent_cmdline, unset_fields_are_not_written)
{
	struct vp_agent_cmdline in = {.plan = "p.conf"};
	struct vp_agent_cmdline back;
	struct vp_strlist argv = {0};
	char err[256] = "";

	cr_assert_eq(vp_agent_cmdline_write(&in, &argv), 0);
	cr_assert_eq(argv.n, 3, "agent --plan p.conf");
	cr_assert_eq(vp_agent_cmdline_parse((int)argv.n, argv.v, &back, err,
					    sizeof(err)),
		     0);
	cr_assert_null(back.target);
	cr_assert_null(back.host_cpus);
	cr_assert_eq(vp_agent_cmdline_cpus(&back), -1);
	vp_strlist_free(&argv);
}

static int parse(char **argv, int argc, char *err, size_t len)
{
	struct vp_agent_cmdline c;
	return vp_agent_cmdline_parse(argc, argv, &c, err, len);
}

Test(agent_cmdline, refusals)
{
	static const struct {
		char *argv[6];
		int argc;
		int rc;
		const char *msg;
	} cases[] = {
	    {{"agent"}, 1, -EINVAL, "--plan FILE is required"},
	    {{"agent", "--plan", "p", "--host-cpus", "two"},
	     5,
	     -EINVAL,
	     "--host-cpus: 'two' is not a CPU count"},
	    {{"agent", "--plan", "p", "--host-cpus", "-1"},
	     5,
	     -EINVAL,
	     "not a CPU count"},
	    {{"agent", "--plan", "p", "extra"},
	     4,
	     -EINVAL,
	     "unexpected argument 'extra'"},
	    {{"agent", "--bogus", "x"}, 3, -EINVAL, "unknown"},
	    {{"agent", "--plan"}, 2, -EINVAL, "incomplete"},
	    {{"agent", "--help"}, 2, 1, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";
		cr_assert_eq(parse((char **)cases[i].argv, cases[i].argc, err,
				   sizeof(err)),
			     cases[i].rc, "case %zu", i);
		cr_assert(strstr(err, cases[i].msg), "case %zu: %s", i, err);
	}
}
