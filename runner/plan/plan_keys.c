/* The run-key table (plan_keys.h): every `vpbench run` setting once, with
 * lookups by name and by getopt value and the list of valid plan keys.
 * Values are parsed and formatted in plan_values.c, flags and --help are
 * generated in plan_usage.c. */
#include "runner/plan/plan_keys.h"

#include <stdio.h>
#include <string.h>

#include "runner/plan/plan.h"
#include "runner/plan/plan_internal.h"

#define F(field) offsetof(struct vp_plan, field)
#define S(field) sizeof(((struct vp_plan *)0)->field)

/* Order: as `vpbench run --help` lists them and plan files are written. */
const struct vp_plan_key vp_plan_keys[] = {
    {.name = "targets",
     .flag = 't',
     .metavar = "LIST",
     .type = VP_KEY_CUSTOM,
     .def = "host,vm1,vm2,vm4",
     .set = vp_plan_set_targets,
     .format = vp_plan_format_targets,
     .help = "host, vmN (N = 1 .. 64), ssh:[user@]host[:port] (IPv6 as "
	     "[addr]),\nlibvirt:vmN@URI (e.g. libvirt:vm2@qemu:///system); "
	     "vmN:KEY=VALUE,...\nadds conditions (pvspin, cpu-pm, invtsc, "
	     "hugepages; the disk's iothread, aio, cache, queues), e.g. "
	     "vm4:pvspin=off"},
    {.name = "workloads",
     .flag = 'w',
     .metavar = "LIST",
     .type = VP_KEY_CUSTOM,
     .def = "cpu,lock,io,sched",
     .set = vp_plan_set_workloads,
     .format = vp_plan_format_workloads,
     .help = "class.variant or a bare class for its default set (cpu, lock, "
	     "io,\nsched, mem) or all; see `vpbench list`. lock.kernel and "
	     "sched fit\nthe default matrix's 5-minute budget under TCG; mem "
	     "does not"},
    {.name = "threads",
     .flag = 'j',
     .metavar = "LIST",
     .type = VP_KEY_CUSTOM,
     .min = 1,
     .max = 1024,
     .def = "1,2,4",
     .set = vp_plan_set_threads,
     .format = vp_plan_format_threads,
     .help = "thread counts, e.g. 1,2,4"},
    {.name = "reps",
     .flag = 'r',
     .metavar = "N|auto",
     .type = VP_KEY_CUSTOM,
     .min = 1,
     .max = 1000,
     .def = "3",
     .set = vp_plan_set_reps,
     .format = vp_plan_format_reps,
     .help = "repetitions per cell, or auto: repeat each cell until the 95%\n"
	     "CI half-width of its throughput is within --ci-target of\n"
	     "its mean, between --min-reps and --max-reps"},
    {.name = "min-reps",
     .metavar = "N",
     .type = VP_KEY_UINT,
     .offset = F(min_reps),
     .min = 2,
     .max = 1000,
     .def = "3",
     .help = "-r auto: repetitions every cell gets at least"},
    {.name = "max-reps",
     .metavar = "N",
     .type = VP_KEY_UINT,
     .offset = F(max_reps),
     .min = 2,
     .max = 1000,
     .def = "10",
     .help = "-r auto: repetitions after which a cell stops unconverged"},
    {.name = "ci-target",
     .metavar = "PCT",
     .type = VP_KEY_SECONDS,
     .offset = F(ci_target_pct),
     .min = 0.01,
     .max = 100,
     .def = "2",
     .help = "-r auto: 95% CI half-width to reach, in % of the mean"},
    {.name = "order",
     .metavar = "ORDER",
     .type = VP_KEY_CHOICE,
     .offset = F(order),
     .size = S(order),
     .choices = "auto|sequential|random",
     .def = "auto",
     .help = "step order within a target: random, seeded rounds that\n"
	     "run one rep of every cell in a fresh shuffle (slow drift\n"
	     "of the machine then spreads over all cells), or the\n"
	     "plan's sequential order (each cell's reps back to back).\n"
	     "auto: random with more than one rep, else sequential"},
    {.name = "seed",
     .metavar = "N",
     .type = VP_KEY_UINT,
     .offset = F(seed),
     .max = 4294967295.0,
     .def = "0",
     .help = "--order random: shuffle seed; 0 picks one (plan.conf\n"
	     "records it)"},
    {.name = "duration",
     .flag = 'd',
     .metavar = "SEC",
     .type = VP_KEY_SECONDS,
     .offset = F(duration_s),
     .min = 0.01,
     .max = 86400,
     .def = "0.5",
     .help = "measured seconds per rep, fractions allowed"},
    /* Short default: the measured window excludes it, and the
     * harness-efficiency target (measuring / wall >= 0.75) leaves little
     * room. */
    {.name = "warmup",
     .metavar = "SEC",
     .type = VP_KEY_SECONDS,
     .offset = F(warmup_s),
     .max = 3600,
     .def = "0.05",
     .help = "unmeasured warm-up per rep"},
    /* Room is left for the file names the run folder receives. */
    {.name = "output",
     .flag = 'o',
     .metavar = "DIR",
     .type = VP_KEY_STRING,
     .offset = F(output),
     .size = S(output) - 64,
     .flags = VP_KEY_RUN_LOCAL,
     .help =
	 "run folder, new or empty (default results/<UTC timestamp>-<pid>)"},
    {.name = "option",
     .flag = 'O',
     .metavar = "KEY=VALUE",
     .type = VP_KEY_CUSTOM,
     .flags = VP_KEY_REPEAT,
     .set = vp_plan_set_option,
     .format = vp_plan_format_option,
     .help = "workload option, repeatable (e.g. -O bs=4k); see `vpbench "
	     "list`"},
    {.name = "counters",
     .metavar = "SPEC",
     .type = VP_KEY_CUSTOM,
     .offset = F(counters),
     .size = S(counters),
     .def = "auto",
     .set = vp_plan_set_counters,
     .format = vp_plan_format_string,
     .help = "auto, none or a comma list of events"},
    {.name = "counter-scope",
     .metavar = "S",
     .type = VP_KEY_CHOICE,
     .offset = F(counter_scope),
     .size = S(counter_scope),
     .choices = "auto|user|user+kernel",
     .def = "auto",
     .help = "one privilege scope of counting for every target (auto:\n"
	     "user+kernel where all targets may count it, else user)"},
    {.name = "pin",
     .metavar = "MODE",
     .type = VP_KEY_CUSTOM,
     .choices = "none|compact|scatter",
     .def = "none",
     .set = vp_plan_set_pin,
     .format = vp_plan_format_pin,
     .help = "thread pinning"},
    {.name = "accel",
     .metavar = "MODE",
     .type = VP_KEY_CHOICE,
     .offset = F(accel),
     .size = S(accel),
     .choices = "auto|kvm|tcg",
     .def = "auto",
     .help = "accelerator of vmN targets"},
    {.name = "kernel",
     .metavar = "FILE",
     .type = VP_KEY_STRING,
     .offset = F(kernel),
     .size = S(kernel),
     .help = "guest kernel (default: the host's, else the cache filled by "
	     "ci/fetch-guest-kernel.sh)"},
    {.name = "modules",
     .metavar = "DIR",
     .type = VP_KEY_STRING,
     .offset = F(modules),
     .size = S(modules),
     .help = "the guest kernel's module tree (lib/modules/<version>)"},
    {.name = "host-load",
     .metavar = "N",
     .type = VP_KEY_UINT,
     .offset = F(host_load),
     .max = 1024,
     .def = "0",
     .help = "N busy host threads during every target's run"},
    {.name = "vcpu-pin",
     .type = VP_KEY_BOOL,
     .offset = F(vcpu_pin),
     .def = "no",
     .help = "pin each vCPU thread to its own host core, in hwloc order\n"
	     "within the allowed CPUs (plan files: yes or no)"},
    {.name = "vm-cpus",
     .metavar = "LIST",
     .type = VP_KEY_CUSTOM,
     .set = vp_plan_set_vm_cpus,
     .format = vp_plan_format_vm_cpus,
     .help = "host CPUs for all QEMU threads and --host-load threads,\n"
	     "e.g. 0-1 (default: all)"},
    {.name = "disk-size",
     .metavar = "SIZE",
     .type = VP_KEY_SIZE,
     .offset = F(disk_size),
     .min = 16 << 20,
     .max = 1099511627776.0,
     .def = "128M",
     .help = "guest scratch disk size"},
    {.name = "parallel",
     .metavar = "MODE",
     .type = VP_KEY_CUSTOM,
     .choices = "none|hosts",
     .def = "none",
     .set = vp_plan_set_parallel,
     .format = vp_plan_format_parallel,
     .help = "hosts: targets on different hosts (libvirt URIs, ssh hosts)\n"
	     "at once, one host's targets in turn"},
    {.name = "boot-timeout",
     .metavar = "SEC",
     .type = VP_KEY_SECONDS,
     .offset = F(boot_timeout_s),
     .min = 1,
     .max = 3600,
     .def = "60",
     .help = "guest boot timeout"},
    {.name = "run-timeout",
     .metavar = "SEC",
     .type = VP_KEY_SECONDS,
     .offset = F(run_timeout_s),
     .max = 86400 * 7,
     .def = "0",
     .help = "guest and ssh run timeout, 0: derived from the plan"},
    {.name = "run-id",
     .metavar = "ID",
     .type = VP_KEY_STRING,
     .offset = F(run_id),
     .size = S(run_id),
     .flags = VP_KEY_RUN_LOCAL,
     .help = "run identifier (default <UTC timestamp>-<pid>)"},
    {.name = "plan",
     .metavar = "FILE",
     .type = VP_KEY_NONE,
     .flags = VP_KEY_CLI,
     .help = "read settings from a plan file (key = value lines; flags "
	     "override it)"},
    {.name = "no-report",
     .type = VP_KEY_NONE,
     .flags = VP_KEY_CLI,
     .help = "do not write report.html at the end"},
    {.name = "quiet",
     .flag = 'q',
     .type = VP_KEY_NONE,
     .flags = VP_KEY_CLI,
     .help = "no progress output"},
    {.name = "help",
     .flag = 'h',
     .type = VP_KEY_NONE,
     .flags = VP_KEY_CLI,
     .help = "this help"},
    {0},
};

size_t vp_plan_keys_count(void)
{
	size_t n = 0;
	while (vp_plan_keys[n].name)
		n++;
	return n;
}

const struct vp_plan_key *vp_plan_key_find(const char *name)
{
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

const struct vp_plan_key *vp_plan_key_by_val(int val)
{
	size_t n = vp_plan_keys_count();
	if (val >= 256 && (size_t)(val - 256) < n)
		return &vp_plan_keys[val - 256];
	for (size_t i = 0; i < n && val > 0 && val < 256; i++)
		if (vp_plan_keys[i].flag == val)
			return &vp_plan_keys[i];
	return NULL;
}
void vp_plan_keys_valid(char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (const struct vp_plan_key *k = vp_plan_keys; k->name && o < len;
	     k++)
		if (!(k->flags & VP_KEY_CLI))
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? ", " : "", k->name);
}
