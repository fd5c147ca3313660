/* Guest PID 1 (see guest_init.h). Deliberately small: no shell, no
 * busybox; everything it needs is syscalls. Diagnostics go to the kernel
 * console (stderr -> ttyS0 -> console log on the host); the agent stream goes
 * to its own serial port. */
#include "runner/guest/guest_init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "runner/agent/agent.h"
#include "runner/agent/agent_cmdline.h"
#include "runner/guest/guest_net.h"
#include "runner/guest/initramfs.h"

static void copy_param(char *dst, size_t len, const char *v, size_t vlen)
{
	snprintf(dst, len, "%.*s", (int)vlen, v);
}

void vp_guest_params_parse(const char *cmdline, struct vp_guest_params *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->target, sizeof(p->target), "vm");
	snprintf(p->accel, sizeof(p->accel), "none");
	snprintf(p->host_cpus, sizeof(p->host_cpus), "0");
	snprintf(p->chan, sizeof(p->chan), "/dev/ttyS1");
	p->stall_s = 1;
	for (const char *s = cmdline; s && *s;) {
		size_t n;
		const char *eq;

		s += strspn(s, " \t\n");
		n = strcspn(s, " \t\n");
		if (n == 0)
			break;
		eq = memchr(s, '=', n);
		if (strncmp(s, "vpbench.", 8) == 0 && eq) {
			const char *k = s + 8, *v = eq + 1;
			size_t kl = (size_t)(eq - k), vl = n - (size_t)(v - s);
			char num[32];

#define KEY(name) (kl == strlen(name) && strncmp(k, name, kl) == 0)
			if (KEY("target"))
				copy_param(p->target, sizeof(p->target), v, vl);
			else if (KEY("accel"))
				copy_param(p->accel, sizeof(p->accel), v, vl);
			else if (KEY("host_cpus"))
				copy_param(p->host_cpus, sizeof(p->host_cpus),
					   v, vl);
			else if (KEY("run_id"))
				copy_param(p->run_id, sizeof(p->run_id), v, vl);
			else if (KEY("chan"))
				copy_param(p->chan, sizeof(p->chan), v, vl);
			else if (KEY("net"))
				copy_param(p->net, sizeof(p->net), v, vl);
			else if (KEY("fault"))
				copy_param(p->fault, sizeof(p->fault), v, vl);
			else if (KEY("disk"))
				p->disk = vl == 1 && *v == '1';
			else if (KEY("floor"))
				p->boot_floor = vl == 1 && *v == '1';
			else if (KEY("stall_s")) {
				copy_param(num, sizeof(num), v, vl);
				p->stall_s = atof(num);
			}
#undef KEY
		}
		s += n;
	}
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("vpbench-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double uptime_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	/* Without ACPI power-off, a reboot ends QEMU too (-no-reboot). */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void mount_basics(void)
{
	static const struct {
		const char *src, *dst, *type;
	} m[] = {{"proc", "/proc", "proc"},
		 {"sysfs", "/sys", "sysfs"},
		 {"devtmpfs", "/dev", "devtmpfs"},
		 {"tmpfs", "/tmp", "tmpfs"}};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		mkdir(m[i].dst, 0755);
		if (mount(m[i].src, m[i].dst, m[i].type, 0, NULL) != 0 &&
		    errno != EBUSY)
			say("mount %s: %s", m[i].dst, strerror(errno));
	}
}

/* The kernel switches THP off on machines under 512 MiB (hugepage_init),
 * and the guest has 512 MiB less what the kernel keeps: without this,
 * mem.tlb -O pages=2m could never run in it. `madvise` changes nothing
 * for memory that does not ask for huge pages. */
static void enable_thp_madvise(void)
{
	static const char path[] =
	    "/sys/kernel/mm/transparent_hugepage/enabled";
	char cur[128] = "";
	FILE *f = fopen(path, "re");
	if (!f)
		return; /* a kernel without THP */
	if (!fgets(cur, sizeof(cur), f))
		cur[0] = '\0';
	fclose(f);
	if (!strstr(cur, "[never]"))
		return;
	f = fopen(path, "we");
	int ok = f && fputs("madvise", f) >= 0;
	if (f && fclose(f) != 0) /* sysfs reports a refused write here */
		ok = 0;
	if (!ok)
		say("cannot enable THP (madvise) in %s: %s", path,
		    strerror(errno));
}

/* Loads the modules in order; times[] receives "name ms" pairs for the
 * boot breakdown. */
static void load_modules(FILE *chan, char *times, size_t tlen)
{
	FILE *list = fopen(VP_INITRAMFS_MODLIST, "re");
	char line[256], path[512];
	size_t o = 0;

	times[0] = '\0';
	if (!list)
		return;
	while (fgets(line, sizeof(line), list)) {
		double t0 = uptime_s();
		int fd;

		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		snprintf(path, sizeof(path), "%s/%s", VP_INITRAMFS_MODDIR,
			 line);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) {
			if (errno != EEXIST) {
				say("loading %s: %s", line, strerror(errno));
				if (chan)
					fprintf(chan, "V,warn,module %s: %s\n",
						line, strerror(errno));
			}
		}
		if (fd >= 0)
			close(fd);
		if (o + 1 < tlen)
			o += (size_t)snprintf(times + o, tlen - o,
					      "%s%.*s %.0f ms", o ? " " : "",
					      (int)strcspn(line, "."), line,
					      (uptime_s() - t0) * 1e3);
	}
	fclose(list);
}

/* The kernel console must not alter the stream: raw 8-bit, no CR/LF
 * translation, no echo. */
static FILE *open_channel(const char *path)
{
	struct termios tio;
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	FILE *f;

	if (fd < 0) {
		say("cannot open agent channel %s: %s", path, strerror(errno));
		return NULL;
	}
	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		cfsetispeed(&tio, B115200);
		cfsetospeed(&tio, B115200);
		tcsetattr(fd, TCSANOW, &tio);
	}
	f = fdopen(fd, "w");
	if (f)
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

static void wait_for(const char *path, double seconds)
{
	double end = uptime_s() + seconds;

	while (access(path, F_OK) != 0 && uptime_s() < end)
		usleep(20000);
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", status);
}

/* Reads a small /proc file into buf, first line only. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The host asked why the agent is silent (run timeout): one line per
 * agent thread with its state, kernel wait channel, current system call
 * and CPU time, on the console and the channel. */
static void dump_agent(pid_t pid, FILE *chan)
{
	char dir[64], path[128], stat[512], wchan[64], sc[128];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *rp;
		char state = '?';
		unsigned long ut = 0, st = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/stat", dir, e->d_name);
		read_line(path, stat, sizeof(stat));
		rp = strrchr(stat, ')');
		if (rp)
			sscanf(rp + 2,
			       "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
			       "%*u %lu %lu",
			       &state, &ut, &st);
		snprintf(path, sizeof(path), "%s/%s/wchan", dir, e->d_name);
		read_line(path, wchan, sizeof(wchan));
		snprintf(path, sizeof(path), "%s/%s/syscall", dir, e->d_name);
		read_line(path, sc, sizeof(sc));
		sc[strcspn(sc, " ")] = '\0';
		say("agent thread %s: state %c wchan %s syscall %s utime %lu "
		    "stime %lu ticks",
		    e->d_name, state, wchan[0] ? wchan : "-", sc[0] ? sc : "-",
		    ut, st);
		fprintf(chan,
			"V,dump,thread %s state %c wchan %s syscall %s "
			"utime %lu stime %lu\n",
			e->d_name, state, wchan[0] ? wchan : "-",
			sc[0] ? sc : "-", ut, st);
	}
	closedir(d);
}

/* A 'D' from the host on the channel asks for dump_agent. */
static void poll_host(pid_t pid, FILE *chan)
{
	struct pollfd pfd = {.fd = fileno(chan), .events = POLLIN};
	char buf[64];
	ssize_t n;

	if (poll(&pfd, 1, 0) <= 0)
		return;
	n = read(pfd.fd, buf, sizeof(buf));
	if (n > 0 && memchr(buf, 'D', (size_t)n))
		dump_agent(pid, chan);
}

/* Holds one software perf event of each kind the counters probe uses for
 * the guest's lifetime. Opening the first and closing the last such event
 * flips kernel static keys, which patches kernel text on every vCPU
 * (text_poke_bp + IPIs) at each step boundary. Under multi-threaded TCG,
 * 4-vCPU guests here wedged (soft lockup of the task opening perf events,
 * the other vCPUs spinning with interrupts off) in about 1 of 10 short
 * runs; with the keys held here, 25 of 25 runs passed. The fds stay open
 * (CLOEXEC, so the agent does not inherit them). */
static void hold_perf_keys(void)
{
	static const unsigned long long cfg[] = {
	    PERF_COUNT_SW_CONTEXT_SWITCHES, PERF_COUNT_SW_CPU_MIGRATIONS,
	    PERF_COUNT_SW_PAGE_FAULTS, PERF_COUNT_SW_TASK_CLOCK};

	for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		struct perf_event_attr a;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_SOFTWARE;
		a.config = cfg[i];
		if (syscall(SYS_perf_event_open, &a, 0, -1, -1,
			    PERF_FLAG_FD_CLOEXEC) < 0)
			say("perf_event_open(sw %llu): %s", cfg[i],
			    strerror(errno));
	}
}

/* Writes a soft-lockup line through the kernel log (emergency level, so
 * the console shows it despite "quiet"). Test hook only. */
static void fake_lockup_report(void)
{
	static const char msg[] = "<0>watchdog: BUG: soft lockup - CPU#0 "
				  "stuck for 23s! [vpbench fault injection]\n";
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, msg, sizeof(msg) - 1) < 0)
			say("writing /dev/kmsg: %s", strerror(errno));
		close(fd);
	}
}

/* The loopback always; eth0 when the host runs a net peer. A failure is
 * said on the channel and the console; the net.* rows then fail with
 * "no peer reachable". */
static void net_up(const struct vp_guest_params *p, FILE *chan)
{
	char err[256];

	if (vp_guest_net_up("lo", NULL, NULL, err, sizeof(err)))
		fprintf(chan, "V,warn,loopback: %s\n", err);
	if (!p->net[0])
		return;
	wait_for("/sys/class/net/" VP_GUEST_NET_IF, 10);
	if (vp_guest_net_up(VP_GUEST_NET_IF, VP_GUEST_NET_ADDR,
			    VP_GUEST_NET_MASK, err, sizeof(err))) {
		say("network: %s", err);
		fprintf(chan, "V,warn,network: %s\n", err);
	}
}

/* Runs the agent as a child (a fresh process image of this binary) and
 * reaps every process until it ends; PID 1 must reap orphans too. */
static void run_agent(const struct vp_guest_params *p, FILE *chan)
{
	struct vp_agent_cmdline cmd = {
	    .plan = VP_INITRAMFS_PLAN,
	    .target = p->target,
	    /* The same guest boots under libvirt: say which. */
	    .kind = strncmp(p->target, "libvirt:", 8) == 0 ? "libvirt" : "vm",
	    .accel = p->accel,
	    .host_cpus = p->host_cpus,
	    .scratch_dir = "/tmp",
	    .run_id = p->run_id[0] ? p->run_id : NULL,
	    .scratch_dev = p->disk ? "/dev/vda" : NULL,
	    .net_peer = p->net[0] ? p->net : NULL,
	};
	struct vp_strlist argv = {0};
	int status = 0;
	char how[128];
	double start = uptime_s();
	bool stopped = false;
	pid_t pid;

	if (vp_strlist_add(&argv, "vpbench") ||
	    vp_agent_cmdline_write(&cmd, &argv) ||
	    vp_strlist_terminate(&argv)) {
		fprintf(chan, "V,warn,out of memory for the agent's argv\n");
		return;
	}
	fflush(chan);
	pid = fork();
	if (pid < 0) {
		fprintf(chan, "V,warn,fork: %s\n", strerror(errno));
		vp_strlist_free(&argv);
		return;
	}
	if (pid == 0) {
		dup2(fileno(chan), 1);
		setenv("PATH", "/", 1);
		/* This process already is vpbench with every library mapped
		 * and relocated: calling the agent directly skips an exec and
		 * a dynamic link, which cost real time under TCG. */
		int rc = vp_agent_main((int)argv.n - 1, argv.v + 1);

		fflush(NULL);
		_exit(rc);
	}
	vp_strlist_free(&argv);
	for (;;) {
		pid_t r = waitpid(-1, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno == ECHILD)
			return;
		if (!stopped && strncmp(p->fault, "stall", 5) == 0 &&
		    uptime_s() - start > p->stall_s) {
			/* Test hook: the agent stops producing output while
			 * the guest stays up, as a livelocked guest would. */
			say("fault injection: stopping the agent");
			kill(pid, SIGSTOP);
			stopped = true;
		}
		if (!stopped && strncmp(p->fault, "lockup", 6) == 0 &&
		    uptime_s() - start > p->stall_s) {
			/* Test hook: the kernel's soft-lockup report, with
			 * the agent stopped (lockup) or running on
			 * (lockup-recover, a starved but live guest). */
			fake_lockup_report();
			if (strcmp(p->fault, "lockup") == 0)
				kill(pid, SIGSTOP);
			stopped = true;
		}
		if (r <= 0) {
			poll_host(pid, chan);
			usleep(20000);
		}
	}
	describe_status(status, how, sizeof(how));
	fprintf(chan, "V,agent-exit,%s\n", how);
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
		say("agent ended: %s", how);
}

int vp_guest_init_main(int argc, char **argv)
{
	struct vp_guest_params p;
	char cmdline[4096] = "", modtimes[512];
	FILE *f, *chan;

	(void)argc;
	(void)argv;
	if (getpid() != 1) {
		fprintf(stderr, "vpbench guest-init: runs only as PID 1 of the "
				"vpbench guest (the vm target starts it)\n");
		return 2;
	}
	mount_basics();
	enable_thp_madvise();
	f = fopen("/proc/cmdline", "re");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = '\0';
		fclose(f);
	}
	vp_guest_params_parse(cmdline, &p);
	chan = open_channel(p.chan);
	if (!chan)
		power_off();
	fprintf(chan, "V,init,%.3f\n", uptime_s());
	if (p.boot_floor)
		power_off();
	load_modules(chan, modtimes, sizeof(modtimes));
	if (p.disk)
		wait_for("/dev/vda", 10);
	net_up(&p, chan);
	fprintf(chan, "V,ready,%.3f,%s\n", uptime_s(), modtimes);
	if (strcmp(p.fault, "hang") == 0) {
		/* Test hook: a guest that never starts its agent. */
		say("fault injection: hanging");
		for (;;)
			pause();
	}
	if (strcmp(p.fault, "panic") == 0) {
		/* Test hook: PID 1 exiting panics the kernel ("Attempted to
		 * kill init!"), the real thing the runner must detect. */
		say("fault injection: panicking");
		_exit(1);
	}
	hold_perf_keys();
	run_agent(&p, chan);
	fflush(chan);
	tcdrain(fileno(chan));
	power_off();
	return 0;
}
