/* `vpbench run` option parsing: flags override a plan file, which overrides
 * the defaults. Every bad value exits 2 naming the valid choices. */
#include "runner/cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/run.h"

void vp_run_usage(FILE *f)
{
	fprintf(f,
"usage: vpbench run [options]\n"
"Runs workloads on targets and writes results.csv, env.csv, summary.csv\n"
"and report.html into a run folder; prints where they are.\n"
"\n"
"  -t, --targets LIST     host, vmN (any N), ssh:[user@]host[:port],\n"
"                         libvirt:vmN@URI (e.g. libvirt:vm2@qemu:///system)\n"
"                         (default host,vm1,vm2,vm4)\n"
"  -w, --workloads LIST   class.variant or a bare class for its default set\n"
"                         (cpu, lock, io) or all; see `vpbench list`\n"
"                         (default cpu,lock,io)\n"
"  -j, --threads LIST     thread counts, e.g. 1,2,4 (default 1,2,4)\n"
"  -r, --reps N           repetitions per cell (default 3)\n"
"  -d, --duration SEC     measured seconds per rep, fractions allowed (0.5)\n"
"      --warmup SEC       unmeasured warm-up per rep (default 0.05)\n"
"  -o, --output DIR       run folder (default results/<UTC timestamp>)\n"
"  -O KEY=VALUE           workload option, repeatable (e.g. -O bs=4k)\n"
"      --counters SPEC    auto, none or a comma list of events (auto)\n"
"      --pin MODE         none, compact or scatter thread pinning (none)\n"
"      --accel MODE       auto, kvm or tcg for vmN targets (auto)\n"
"      --kernel FILE      guest kernel (default: host's, else the cache\n"
"                         filled by ci/fetch-guest-kernel.sh)\n"
"      --modules DIR      guest kernel's module tree (lib/modules/<ver>)\n"
"      --host-load N      N busy host threads during every target's run\n"
"      --vcpu-pin         pin each vCPU thread to its own host core\n"
"      --disk-size SIZE   guest scratch disk size (default 128M)\n"
"      --boot-timeout SEC guest boot timeout (default 60)\n"
"      --run-timeout SEC  guest run timeout (default: derived from plan)\n"
"      --parallel MODE    none, or hosts: targets on different hosts (libvirt\n"
"                         URIs, ssh hosts) at once, one host's in turn (none)\n"
"      --plan FILE        read options from a plan file (key = value)\n"
"      --run-id ID        run identifier (default timestamp-pid)\n"
"      --no-report        do not write report.html at the end\n"
"  -q, --quiet            no progress output\n"
"  -h, --help             this help\n"
"\n"
"Exit: 0 ok, 1 some steps failed (rows say why), 2 bad usage, 130 "
"interrupted.\n");
}

enum {
	OPT_WARMUP = 256, OPT_COUNTERS, OPT_PIN, OPT_ACCEL, OPT_KERNEL,
	OPT_MODULES, OPT_HOST_LOAD, OPT_VCPU_PIN, OPT_DISK_SIZE,
	OPT_BOOT_TIMEOUT, OPT_RUN_TIMEOUT, OPT_PLAN, OPT_RUN_ID, OPT_NO_REPORT,
	OPT_PARALLEL,
};

static const struct option run_longopts[] = {
	{"targets", required_argument, 0, 't'},
	{"workloads", required_argument, 0, 'w'},
	{"threads", required_argument, 0, 'j'},
	{"reps", required_argument, 0, 'r'},
	{"duration", required_argument, 0, 'd'},
	{"output", required_argument, 0, 'o'},
	{"option", required_argument, 0, 'O'},
	{"warmup", required_argument, 0, OPT_WARMUP},
	{"counters", required_argument, 0, OPT_COUNTERS},
	{"pin", required_argument, 0, OPT_PIN},
	{"accel", required_argument, 0, OPT_ACCEL},
	{"kernel", required_argument, 0, OPT_KERNEL},
	{"modules", required_argument, 0, OPT_MODULES},
	{"host-load", required_argument, 0, OPT_HOST_LOAD},
	{"vcpu-pin", no_argument, 0, OPT_VCPU_PIN},
	{"disk-size", required_argument, 0, OPT_DISK_SIZE},
	{"boot-timeout", required_argument, 0, OPT_BOOT_TIMEOUT},
	{"run-timeout", required_argument, 0, OPT_RUN_TIMEOUT},
	{"parallel", required_argument, 0, OPT_PARALLEL},
	{"plan", required_argument, 0, OPT_PLAN},
	{"run-id", required_argument, 0, OPT_RUN_ID},
	{"no-report", no_argument, 0, OPT_NO_REPORT},
	{"quiet", no_argument, 0, 'q'},
	{"help", no_argument, 0, 'h'},
	{0, 0, 0, 0}};

static const char *plan_key(int c)
{
	switch (c) {
	case 't': return "targets";
	case 'w': return "workloads";
	case 'j': return "threads";
	case 'r': return "reps";
	case 'd': return "duration";
	case 'o': return "output";
	case 'O': return "option";
	case OPT_WARMUP: return "warmup";
	case OPT_COUNTERS: return "counters";
	case OPT_PIN: return "pin";
	case OPT_ACCEL: return "accel";
	case OPT_KERNEL: return "kernel";
	case OPT_MODULES: return "modules";
	case OPT_HOST_LOAD: return "host-load";
	case OPT_DISK_SIZE: return "disk-size";
	case OPT_BOOT_TIMEOUT: return "boot-timeout";
	case OPT_RUN_TIMEOUT: return "run-timeout";
	case OPT_PARALLEL: return "parallel";
	case OPT_RUN_ID: return "run-id";
	}
	return NULL;
}

int vp_cli_parse_run(int argc, char **argv, struct vp_plan *plan,
		     struct vp_run_options *ro, char *err, size_t errlen)
{
	char e2[2048];
	int c;
	/* Pass 1: the plan file, so flags given anywhere override it. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:w:j:r:d:o:O:qh", run_longopts,
				NULL)) != -1) {
		if (c == 'h')
			return 1;
		if (c == OPT_PLAN &&
		    vp_plan_load(plan, optarg, err, errlen))
			return -1;
	}
	/* Pass 2: the flags. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:w:j:r:d:o:O:qh", run_longopts,
				NULL)) != -1) {
		const char *key = plan_key(c);
		if (key) {
			if (vp_plan_set(plan, key, optarg, e2, sizeof(e2))) {
				snprintf(err, errlen, "%s", e2);
				return -1;
			}
			continue;
		}
		switch (c) {
		case OPT_PLAN:
			break;
		case OPT_VCPU_PIN:
			plan->vcpu_pin = true;
			break;
		case OPT_NO_REPORT:
			ro->no_report = 1;
			break;
		case 'q':
			ro->quiet = 1;
			break;
		case ':':
			snprintf(err, errlen, "option %s needs a value",
				 argv[optind - 1]);
			return -1;
		default:
			snprintf(err, errlen, "unknown option '%s'",
				 argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (vp_plan_finalize(plan, err, errlen))
		return -1;
	return 0;
}

int vp_cli_run(int argc, char **argv, const char *self_exe)
{
	static struct vp_plan plan;
	struct vp_run_options ro = {self_exe, 0, 0};
	char err[4096];
	vp_plan_defaults(&plan);
	int rc = vp_cli_parse_run(argc, argv, &plan, &ro, err, sizeof(err));
	if (rc == 1) {
		vp_run_usage(stdout);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "vpbench run: %s\n(see vpbench run --help)\n",
			err);
		vp_plan_free(&plan);
		return 2;
	}
	rc = vp_run_execute(&plan, &ro);
	vp_plan_free(&plan);
	return rc;
}
