/* The agent's command line, written and parsed in one place: the vm target's
 * guest init and the ssh target write it, `vpbench agent` parses it (as
 * vp_plan_write and vp_plan_load pair up for the plan).
 *
 *   vpbench agent --plan FILE [--out PATH] [--target NAME] [--kind K]
 *                 [--accel A] [--host-cpus N] [--run-id ID]
 *                 [--scratch-dev DEV] [--scratch-dir DIR]
 *                 [--net-peer ADDR:PORT:TOKEN]
 */
#ifndef VP_AGENT_CMDLINE_H
#define VP_AGENT_CMDLINE_H

#include <stddef.h>

#include "runner/util/strlist.h"

struct vp_agent_cmdline {
	const char *plan;	 /* required */
	const char *out;	 /* NULL: stdout */
	const char *target;	 /* NULL: "host" */
	const char *kind;	 /* NULL: "host" */
	const char *accel;	 /* NULL: "none" */
	const char *host_cpus;	 /* a count; NULL: this machine's */
	const char *run_id;	 /* NULL: the plan's */
	const char *scratch_dev; /* NULL: none */
	const char *scratch_dir; /* NULL: none */
	const char *net_peer;	 /* net.* peer=host, ADDR:PORT:TOKEN */
};

/* Appends "agent" and the options set in c to argv (the program word is
 * the caller's). 0 or -ENOMEM. */
int vp_agent_cmdline_write(const struct vp_agent_cmdline *c,
			   struct vp_strlist *argv);

/* Parses argv (argv[0] = "agent"). Returns 0, 1 when --help was asked,
 * -EINVAL with the reason in err. Strings point into argv. */
int vp_agent_cmdline_parse(int argc, char **argv, struct vp_agent_cmdline *c,
			   char *err, size_t errlen);

/* --host-cpus as a number; -1 when not given. */
int vp_agent_cmdline_cpus(const struct vp_agent_cmdline *c);

/* The usage text. */
extern const char vp_agent_cmdline_usage[];

#endif
