/* The agent's command line: the writer beside its parser, from one table of
 * options so the two cannot drift apart. */
#include "runner/agent/agent_cmdline.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char vp_agent_cmdline_usage[] =
    "usage: vpbench agent --plan FILE [--out PATH] [--target NAME]\n"
    "                     [--kind host|vm|ssh|libvirt] [--accel A] "
    "[--host-cpus N]\n"
    "                     [--run-id ID] [--scratch-dev DEV] "
    "[--scratch-dir DIR]\n"
    "                     [--net-peer ADDR:PORT:TOKEN]\n"
    "Runs a plan's workloads here and writes the agent stream (internal:\n"
    "used by the vm, ssh and libvirt targets).\n";

/* Where each string option lives in the struct. */
static const struct {
	const char *name;
	size_t offset;
} string_opts[] = {
    {"plan", offsetof(struct vp_agent_cmdline, plan)},
    {"out", offsetof(struct vp_agent_cmdline, out)},
    {"target", offsetof(struct vp_agent_cmdline, target)},
    {"kind", offsetof(struct vp_agent_cmdline, kind)},
    {"accel", offsetof(struct vp_agent_cmdline, accel)},
    {"host-cpus", offsetof(struct vp_agent_cmdline, host_cpus)},
    {"run-id", offsetof(struct vp_agent_cmdline, run_id)},
    {"scratch-dev", offsetof(struct vp_agent_cmdline, scratch_dev)},
    {"scratch-dir", offsetof(struct vp_agent_cmdline, scratch_dir)},
    {"net-peer", offsetof(struct vp_agent_cmdline, net_peer)},
};
#define NSTRING (sizeof(string_opts) / sizeof(string_opts[0]))

static const char **field(struct vp_agent_cmdline *c, size_t i)
{
	return (const char **)((char *)c + string_opts[i].offset);
}

int vp_agent_cmdline_write(const struct vp_agent_cmdline *c,
			   struct vp_strlist *argv)
{
	struct vp_agent_cmdline copy = *c;
	char opt[32];
	int rc = vp_strlist_add(argv, "agent");

	for (size_t i = 0; i < NSTRING; i++) {
		const char *v = *field(&copy, i);

		if (!v)
			continue;
		snprintf(opt, sizeof(opt), "--%s", string_opts[i].name);
		rc |= vp_strlist_add(argv, opt);
		rc |= vp_strlist_add(argv, v);
	}
	return rc ? -ENOMEM : 0;
}

int vp_agent_cmdline_cpus(const struct vp_agent_cmdline *c)
{
	char *end;
	long v;

	if (!c->host_cpus)
		return -1;
	errno = 0;
	v = strtol(c->host_cpus, &end, 10);
	if (errno || end == c->host_cpus || *end || v < 0 || v > 1 << 20)
		return -1;
	return (int)v;
}

int vp_agent_cmdline_parse(int argc, char **argv, struct vp_agent_cmdline *c,
			   char *err, size_t errlen)
{
	struct option longopts[NSTRING + 2];
	int opt;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NSTRING; i++)
		longopts[i] = (struct option){string_opts[i].name,
					      required_argument, 0, (int)i};
	longopts[NSTRING] = (struct option){"help", no_argument, 0, 'h'};
	longopts[NSTRING + 1] = (struct option){0, 0, 0, 0};
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt >= 0 && opt < (int)NSTRING) {
			*field(c, (size_t)opt) = optarg;
		} else if (opt == 'h') {
			return 1;
		} else {
			snprintf(err, errlen,
				 "unknown or incomplete option '%s'",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (c->host_cpus && vp_agent_cmdline_cpus(c) < 0) {
		snprintf(err, errlen, "--host-cpus: '%s' is not a CPU count",
			 c->host_cpus);
		return -EINVAL;
	}
	if (!c->plan) {
		snprintf(err, errlen, "--plan FILE is required");
		return -EINVAL;
	}
	return 0;
}
