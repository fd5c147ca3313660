/* The vmN target: boots a QEMU guest with N vCPUs around this very binary
 * (kernel + an initramfs built here, no disk image, no network), streams the
 * agent's records back from the guest's second serial port, and turns
 * boot timeouts, run timeouts, panics and early exits into an error with
 * the console tail, after killing QEMU. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/pin.h"
#include "runner/agent/agent_stream.h"
#include "runner/util/child.h"
#include "runner/guest/guest_init.h"
#include "runner/guest/guest_kernel.h"
#include "runner/guest/guest_log.h"
#include "runner/guest/initramfs.h"
#include "runner/agent/line_reader.h"
#include "runner/targets/qemu.h"
#include "runner/targets/target.h"
#include "runner/util/leftovers.h"

#define VM_MEM_MB	  512
#define VM_MAX_VCPUS	  64
#define VM_INITRAMFS_NAME "guest-initramfs.cpio"

struct vm_state {
	char qemu[PATH_MAX];
	char qemu_version[128];
	struct vp_guest_kernel k;
	bool kvm;
	char kvm_why[256];
	char initrd[PATH_MAX];
	char console[PATH_MAX];
	char qemu_log[PATH_MAX];
	char sockdir[PATH_MAX];
	char qmp[PATH_MAX];
	const char *disk_cache, *disk_aio;
	char fault[16];
	pid_t pid;
};

static const char *const vm_modules[] = {"virtio_pci", "virtio_blk"};

/* The plan file text the guest agent loads. */
static char *plan_text(const struct vp_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (vp_plan_write(p, f) != 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* One initramfs per run folder: the plan is the same for every vmN. */
static int ensure_initramfs(struct vp_target *t, struct vm_state *s, char *err,
			    size_t errlen)
{
	struct vp_initramfs_spec spec = {0};
	uint64_t bytes = 0;
	char *plan;
	int rc;

	snprintf(s->initrd, sizeof(s->initrd), "%s/%s", t->run_dir,
		 VM_INITRAMFS_NAME);
	if (access(s->initrd, R_OK) == 0)
		return 0;
	plan = plan_text(t->plan);
	if (!plan) {
		snprintf(err, errlen, "cannot serialise the plan");
		return -ENOMEM;
	}
	spec.exe = t->self_exe;
	spec.moddir = s->k.modules[0] ? s->k.modules : NULL;
	/* Without a scratch disk the guest needs no driver at all, and every
	 * module load (signature check, relocation) costs boot time. */
	spec.modules = vm_modules;
	spec.nmodules =
	    t->scratch_image ? sizeof(vm_modules) / sizeof(vm_modules[0]) : 0;
	spec.plan_text = plan;
	rc = vp_initramfs_build(&spec, s->initrd, &bytes, err, errlen);
	if (!rc)
		vp_leftovers_add(s->initrd, NULL);
	free(plan);
	return rc;
}

static void pick_disk_mode(struct vp_target *t, struct vm_state *s)
{
	int fd;

	/* cache=none makes QEMU open the image with O_DIRECT, like the host
	 * target's io.*; some file systems (tmpfs) refuse it. */
	s->disk_cache = "none";
	s->disk_aio = "native";
	fd = open(t->scratch_image, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0 && errno == EINVAL) {
		s->disk_cache = "writeback";
		s->disk_aio = "threads";
	}
	if (fd >= 0)
		close(fd);
}

static int vm_prepare(struct vp_target *t, char *err, size_t errlen)
{
	struct vm_state *s = calloc(1, sizeof(*s));
	const char *qemu = getenv("VPBENCH_QEMU");
	const char *fault = getenv("VPBENCH_GUEST_FAULT");
	const char *fault_target = getenv("VPBENCH_GUEST_FAULT_TARGET");
	bool kvm_ok;
	int rc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	t->priv = s;
	s->pid = -1;
	snprintf(t->ti.target_kind, sizeof(t->ti.target_kind), "vm");
	if (t->vcpus < 1 || t->vcpus > VM_MAX_VCPUS) {
		snprintf(err, errlen, "vCPU count %u outside 1 .. %d", t->vcpus,
			 VM_MAX_VCPUS);
		return -EINVAL;
	}
	if (vp_which(qemu && *qemu ? qemu : VP_QEMU_BINARY, s->qemu,
		     sizeof(s->qemu)) != 0) {
		snprintf(err, errlen, "%s not found in PATH (%s)",
			 qemu && *qemu ? qemu : VP_QEMU_BINARY,
			 VP_QEMU_INSTALL_HINT);
		return -ENOENT;
	}
	kvm_ok = vp_kvm_usable(s->kvm_why, sizeof(s->kvm_why));
	rc = vp_qemu_accel_choose(t->plan->accel, kvm_ok, s->kvm_why, &s->kvm,
				  err, errlen);
	if (rc)
		return rc;
	snprintf(t->ti.accel, sizeof(t->ti.accel), "%s",
		 s->kvm ? "kvm" : "tcg");
	rc = vp_guest_kernel_find(t->plan->kernel, t->plan->modules, &s->k, err,
				  errlen);
	if (rc)
		return rc;
	if (t->scratch_image && !s->k.modules[0]) {
		snprintf(err, errlen,
			 "no module tree for guest kernel %s (%s): the guest "
			 "needs virtio_pci and virtio_blk for its scratch "
			 "disk; pass --modules DIR",
			 s->k.kernel, s->k.version[0] ? s->k.version : "?");
		return -ENOENT;
	}
	rc = vp_qemu_version(s->qemu, s->qemu_version, sizeof(s->qemu_version),
			     err, errlen);
	if (rc)
		return rc;
	rc = ensure_initramfs(t, s, err, errlen);
	if (rc)
		return rc;
	if (t->scratch_image)
		pick_disk_mode(t, s);
	snprintf(s->console, sizeof(s->console), "%s/console-%s.log",
		 t->run_dir, t->name);
	snprintf(s->qemu_log, sizeof(s->qemu_log), "%s/qemu-%s.log", t->run_dir,
		 t->name);
	if (fault && *fault &&
	    (!fault_target || !*fault_target ||
	     strcmp(fault_target, t->name) == 0))
		snprintf(s->fault, sizeof(s->fault), "%s", fault);
	return 0;
}

static void env_fmt(struct vp_emitter *out, const char *key, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
static void env_fmt(struct vp_emitter *out, const char *key, const char *fmt,
		    ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out->env(out, key, buf);
}

/* Pins vCPU i to allowed host CPU i mod n; describes the placement. */
static void pin_vcpus(struct vp_target *t, struct vm_state *s, char *desc,
		      size_t len)
{
	int tids[VM_MAX_VCPUS] = {0};
	int cpus[1024];
	cpu_set_t set;
	size_t ncpus = 0, o = 0;
	char err[256];
	int n;

	snprintf(desc, len, "none");
	if (!t->plan->vcpu_pin)
		return;
	n = vp_qmp_vcpu_threads(s->qmp, tids, VM_MAX_VCPUS, 10, err,
				sizeof(err));
	if (n < 0) {
		snprintf(desc, len, "failed: %s", err);
		return;
	}
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	for (int c = 0; c < CPU_SETSIZE && ncpus < 1024; c++)
		if (CPU_ISSET(c, &set))
			cpus[ncpus++] = c;
	if (!ncpus) {
		snprintf(desc, len, "failed: empty affinity mask");
		return;
	}
	for (int i = 0; i < n && o + 48 < len; i++) {
		unsigned pu = (unsigned)cpus[(size_t)i % ncpus];
		int rc = vp_pin_tid(tids[i], pu, err, sizeof(err));

		o += (size_t)snprintf(desc + o, len - o, "%svcpu%d->cpu%u%s",
				      i ? " " : "", i, pu,
				      rc ? " (failed)" : "");
	}
}

static double run_timeout(const struct vp_plan *p, bool kvm)
{
	if (p->run_timeout_s > 0)
		return p->run_timeout_s;
	/* TCG guests are slow at everything around the measured windows
	 * (setup, scratch files, probes); give them a generous margin. */
	return vp_plan_measure_seconds(p) * (kvm ? 2.0 : 3.0) +
	       (double)vp_plan_steps(p) * (kvm ? 0.5 : 2.0) + 60.0;
}

static void build_append(struct vp_target *t, struct vm_state *s, char *buf,
			 size_t len)
{
	int o = snprintf(buf, len,
			 "console=ttyS0 quiet panic=-1 rdinit=/init "
			 "vpbench.target=%s vpbench.accel=%s "
			 "vpbench.host_cpus=%d vpbench.chan=/dev/ttyS1",
			 t->name, t->ti.accel, t->ti.host_cpus);

	if (t->scratch_image)
		o += snprintf(buf + o, len - (size_t)o, " vpbench.disk=1");
	if (s->fault[0])
		o += snprintf(buf + o, len - (size_t)o, " vpbench.fault=%s",
			      s->fault);
	/* Extra guest kernel parameters for diagnosis (e.g. loglevel=7). */
	if (getenv("VPBENCH_GUEST_APPEND") && (size_t)o < len)
		snprintf(buf + o, len - (size_t)o, " %s",
			 getenv("VPBENCH_GUEST_APPEND"));
}

static int spawn_qemu(struct vp_target *t, struct vm_state *s, int *rfd,
		      int *wfd, struct vp_emitter *out, char *err,
		      size_t errlen)
{
	struct vp_strlist argv = {0};
	struct vp_qemu_cfg c = {0};
	char append[1024], cmdline[8192];
	int pipefd[2] = {-1, -1}, infd[2] = {-1, -1}, logfd = -1, rc;
	size_t o = 0;

	if (s->sockdir[0]) {
		/* A second boot reuses the folder of the first. */
		unlink(s->qmp);
	} else if (snprintf(s->sockdir, sizeof(s->sockdir),
			    "/tmp/vpbench-qmp.XXXXXX") < 0 ||
		   !mkdtemp(s->sockdir)) {
		rc = -errno;
		snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
		s->sockdir[0] = '\0';
		return rc;
	}
	snprintf(s->qmp, sizeof(s->qmp), "%s/qmp.sock", s->sockdir);
	vp_leftovers_add(s->sockdir, (const char *const[]){"qmp.sock", NULL});
	build_append(t, s, append, sizeof(append));
	c.qemu = s->qemu;
	c.kernel = s->k.kernel;
	c.initrd = s->initrd;
	c.append = append;
	c.vcpus = t->vcpus;
	c.mem_mb = VM_MEM_MB;
	c.kvm = s->kvm;
	c.console_log = s->console;
	c.qmp_sock = s->qmp;
	c.disk = t->scratch_image;
	c.disk_cache = s->disk_cache;
	c.disk_aio = s->disk_aio;
	c.bios = getenv("VPBENCH_QEMU_BIOS");
	if (c.bios && !*c.bios)
		c.bios = NULL;
	rc = vp_qemu_build_argv(&c, &argv);
	if (rc || vp_strlist_terminate(&argv) != 0) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < argv.n && o + 2 < sizeof(cmdline); i++)
		o += (size_t)snprintf(cmdline + o, sizeof(cmdline) - o, "%s%s",
				      i ? " " : "", argv.v[i]);
	logfd =
	    open(s->qemu_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0 || pipe2(pipefd, O_CLOEXEC) != 0 ||
	    pipe2(infd, O_CLOEXEC) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s%s", s->qemu_log,
			 strerror(errno),
			 errno == ENOSPC ? " (disk full)" : "");
		goto out;
	}
	/* QEMU's stdin feeds the guest's ttyS1: the host's only way to ask
	 * a silent guest what its agent is doing. */
	s->pid = vp_child_spawn(argv.v, infd[0], pipefd[1], logfd, err, errlen);
	if (s->pid < 0) {
		rc = (int)s->pid;
		s->pid = -1;
		goto out;
	}
	*rfd = pipefd[0];
	pipefd[0] = -1;
	*wfd = infd[1];
	infd[1] = -1;
	if (out) {
		env_fmt(out, "accel", "%s", t->ti.accel);
		if (!s->kvm)
			env_fmt(out, "accel_note",
				"TCG emulation (%s): figures do not represent "
				"hardware virtualization overhead%s",
				s->kvm_why,
				t->vcpus == 1
				    ? "; a 1-vCPU TCG guest executes no "
				      "real atomics"
				    : "");
		env_fmt(out, "qemu_version", "%s", s->qemu_version);
		env_fmt(out, "guest_kernel", "%s (%s, from %s)",
			s->k.version[0] ? s->k.version : "unknown", s->k.kernel,
			s->k.source);
		env_fmt(out, "vcpus", "%u", t->vcpus);
		env_fmt(out, "overcommit_ratio", "%.2f",
			(double)t->vcpus /
			    (t->ti.host_cpus > 0 ? t->ti.host_cpus : 1));
		env_fmt(out, "runnable_per_core", "%.2f",
			(double)(t->vcpus + t->plan->host_load) /
			    (t->ti.host_cpus > 0 ? t->ti.host_cpus : 1));
		env_fmt(out, "host_load", "%u", t->plan->host_load);
		if (t->scratch_image)
			env_fmt(out, "guest_disk",
				"virtio-blk %s cache=%s aio=%s",
				t->scratch_image, s->disk_cache, s->disk_aio);
		env_fmt(out, "qemu_cmdline", "%s", cmdline);
	}
	rc = 0;
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	for (int i = 0; i < 2; i++)
		if (infd[i] >= 0)
			close(infd[i]);
	if (logfd >= 0)
		close(logfd);
	vp_strlist_free(&argv);
	return rc;
}

/* Handles one line of the channel: guest-init records, else the agent
 * stream. Returns 1 when it was an agent record. */
/* Host-side timestamps (seconds since QEMU start) of the guest's
 * milestones: the deploy-cost breakdown in env.csv. */
struct milestones {
	double t0, init, ready, first;
	double init_uptime;
	char modules[256];
};

/* Handles one line of the channel: guest-init records, else the agent
 * stream. Returns 1 when it was an agent record. */
static int handle_line(struct vp_target *t, const char *line,
		       struct vp_emitter *out, struct vp_stream_stats *st,
		       char *agent_exit, size_t aelen, struct milestones *ms)
{
	if (strncmp(line, VP_GUEST_TAG, strlen(VP_GUEST_TAG)) == 0) {
		const char *rest = line + strlen(VP_GUEST_TAG);

		if (strncmp(rest, "init,", 5) == 0) {
			ms->init_uptime = atof(rest + 5);
			ms->init = vp_child_now() - ms->t0;
		} else if (strncmp(rest, "ready,", 6) == 0) {
			const char *c = strchr(rest + 6, ',');

			ms->ready = vp_child_now() - ms->t0;
			snprintf(ms->modules, sizeof(ms->modules), "%s",
				 c ? c + 1 : "");
		} else if (strncmp(rest, "agent-exit,", 11) == 0) {
			snprintf(agent_exit, aelen, "%s", rest + 11);
		} else if (strncmp(rest, "warn,", 5) == 0) {
			out->env(out, "guest_warning", rest + 5);
		} else if (strncmp(rest, "dump,", 5) == 0) {
			out->env(out, "guest_agent_dump", rest + 5);
		}
		return 0;
	}
	return vp_stream_feed_line(line, &t->ti, out, st);
}

static void emit_milestones(struct vp_emitter *out, const struct milestones *ms)
{
	env_fmt(out, "boot_s", "%.3f", ms->first);
	if (ms->init > 0)
		env_fmt(out, "boot_breakdown",
			"init started %.3f s (guest uptime %.3f s), modules "
			"loaded %.3f s%s%s%s, first agent record %.3f s after "
			"QEMU start",
			ms->init, ms->init_uptime, ms->ready,
			ms->modules[0] ? " (" : "", ms->modules,
			ms->modules[0] ? ")" : "", ms->first);
}

/* A write to QEMU's stdin that cannot kill the runner with SIGPIPE when
 * QEMU has just exited. */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old;
	struct timespec zero = {0, 0};
	ssize_t n;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	n = write(fd, buf, len);
	if (n < 0 && errno == EPIPE)
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return n;
}

/* A starved (not deadlocked) guest also reports stalls; it gets this long
 * to send another record before it counts as wedged. */
#define VM_WEDGE_GRACE_S 20.0

struct vm_feed {
	struct vp_target *t;
	struct vp_emitter *out;
	struct vp_stream_stats *st;
	char *agent_exit;
	size_t agent_exit_len;
	struct milestones *ms;
	double *first, *last_record;
	double t0;
};

/* Each channel line: records refresh the stall clock; the first one marks
 * the end of the deploy (boot milestones go to env.csv). */
static void vm_feed_line(char *line, void *arg)
{
	struct vm_feed *f = arg;
	int rec = handle_line(f->t, line, f->out, f->st, f->agent_exit,
			      f->agent_exit_len, f->ms);

	if (rec != 1)
		return;
	*f->last_record = vp_child_now();
	if (*f->first == 0) {
		*f->first = *f->last_record;
		f->ms->first = *f->first - f->t0;
		emit_milestones(f->out, f->ms);
	}
}

/* One boot of the guest. *booted tells whether the agent got to send a
 * record (a failure before that can be retried without losing rows). */
static int vm_run_once(struct vp_target *t, struct vp_emitter *out, int attempt,
		       bool *booted, char *err, size_t errlen)
{
	struct vm_state *s = t->priv;
	struct vp_stream_stats st;
	char agent_exit[160] = "", pinning[1024];
	char reason[512] = "", tail[1024];
	struct vp_line_reader lr = {0};
	struct milestones ms = {0};
	double t0, first = 0, done = 0;
	double tmo_run = run_timeout(t->plan, s->kvm);
	double tmo_boot =
	    t->plan->boot_timeout_s > 0 ? t->plan->boot_timeout_s : 60;
	int rfd = -1, wfd = -1, status = 0, rc, exited = 0;
	double dump_at = 0, console_check = 0, wedge_at = 0, last_record = 0;
	off_t console_size = 0, console_scanned = 0;
	char wedge_line[256] = "";
	bool eof = false;

	memset(&st, 0, sizeof(st));
	t0 = vp_child_now();
	ms.t0 = t0;
	*booted = false;
	rc = spawn_qemu(t, s, &rfd, &wfd, attempt == 0 ? out : NULL, err,
			errlen);
	if (rc)
		return rc;
	pin_vcpus(t, s, pinning, sizeof(pinning));
	if (attempt == 0)
		out->env(out, "vcpu_pinning", pinning);
	struct vm_feed feed = {
	    t,	 out,	 &st,	       agent_exit, sizeof(agent_exit),
	    &ms, &first, &last_record, t0};
	while (!eof) {
		double now;
		int got =
		    vp_line_reader_poll(&lr, rfd, 100, vm_feed_line, &feed);

		if (got == -ENOMEM) {
			snprintf(reason, sizeof(reason), "out of memory");
			break;
		}
		eof = got == -1;
		now = vp_child_now();
		if (st.finished && done == 0)
			done = now;
		if (t->interrupted && *t->interrupted) {
			snprintf(reason, sizeof(reason), "interrupted");
			break;
		}
		if (now - console_check > 1.0) {
			struct stat cst;

			console_check = now;
			if (!wedge_at && stat(s->console, &cst) == 0 &&
			    cst.st_size != console_size) {
				console_size = cst.st_size;
				if (vp_console_wedged(
					s->console, (long)console_scanned,
					wedge_line, sizeof(wedge_line)))
					wedge_at = now;
				/* Rescan a little: a line may have been
				 * half-written. */
				console_scanned =
				    console_size > 512 ? console_size - 512 : 0;
			}
		}
		if (wedge_at && last_record > wedge_at) {
			/* It recovered: a starved guest, not a dead one. */
			out->env(out, "guest_kernel_warning", wedge_line);
			wedge_at = 0;
			console_scanned = console_size;
		}
		if (wedge_at && now - wedge_at > VM_WEDGE_GRACE_S) {
			snprintf(reason, sizeof(reason),
				 "guest kernel wedged (no record for %.0f s "
				 "after): %s",
				 VM_WEDGE_GRACE_S, wedge_line);
			break;
		}
		if (!first && now - t0 > tmo_boot) {
			snprintf(reason, sizeof(reason),
				 "boot timeout: no record from the guest "
				 "agent within %.0f s (--boot-timeout)",
				 tmo_boot);
			break;
		}
		if (first && !st.finished && now - first > tmo_run &&
		    !dump_at) {
			/* Ask guest init for the agent's thread states, give
			 * it a moment to answer, then give up. */
			if (write_nosigpipe(wfd, "D\n", 2) != 2)
				dump_at = now - 10;
			else
				dump_at = now;
		}
		if (dump_at && now - dump_at > 3) {
			snprintf(reason, sizeof(reason),
				 "run timeout: the guest agent did not finish "
				 "within %.0f s (--run-timeout); last step: %s",
				 tmo_run,
				 st.last_progress[0] ? st.last_progress
						     : "none");
			break;
		}
		/* The guest powers off after X; do not wait forever if its
		 * power-off hangs. */
		if (done && now - done > 15)
			break;
	}
	if (s->pid > 0) {
		rc = vp_child_wait(s->pid, eof ? 5 : 0, &status);
		if (rc == 1)
			exited = 1;
		else
			status = vp_child_stop(s->pid, 2);
		s->pid = -1;
	}
	close(rfd);
	close(wfd);
	vp_line_reader_free(&lr);
	*booted = first > 0;
	if (st.finished)
		return 0;
	if (!reason[0]) {
		char line[512];

		if (vp_log_has(s->console, "Kernel panic", line, sizeof(line)))
			snprintf(reason, sizeof(reason), "guest panic: %s",
				 line);
		else if (exited && WIFEXITED(status) && WEXITSTATUS(status))
			snprintf(reason, sizeof(reason),
				 "QEMU exited with status %d before the "
				 "agent finished",
				 WEXITSTATUS(status));
		else
			snprintf(reason, sizeof(reason),
				 "guest stopped before the agent finished%s%s",
				 agent_exit[0] ? ": agent " : "", agent_exit);
	}
	vp_log_tail(s->console, 4, tail, sizeof(tail));
	if (!tail[0] || strstr(reason, "QEMU exited"))
		vp_log_tail(s->qemu_log, 3, tail, sizeof(tail));
	snprintf(err, errlen, "%s; console tail: %s", reason,
		 tail[0] ? tail : "(empty)");
	return strstr(reason, "timeout")	    ? -ETIMEDOUT
	       : strcmp(reason, "interrupted") == 0 ? -EINTR
						    : -EIO;
}

static int vm_run_agent(struct vp_target *t, struct vp_emitter *out, char *err,
			size_t errlen)
{
	struct vm_state *s = t->priv;
	bool booted = false;
	int rc = vm_run_once(t, out, 0, &booted, err, errlen);

	/* A guest that stalls before its agent said anything lost nothing:
	 * boot it once more (multi-threaded TCG occasionally wedges a guest
	 * kernel while it patches its own text). Not with fault injection,
	 * whose failures are the point. */
	if (rc && !booted && rc != -EINTR && !s->fault[0] &&
	    !(t->interrupted && *t->interrupted)) {
		char first_err[512];

		char keep[PATH_MAX + 8];

		snprintf(first_err, sizeof(first_err), "%s", err);
		out->env(out, "boot_retry", first_err);
		/* Keep the first boot's logs for diagnosis. */
		snprintf(keep, sizeof(keep), "%s.1", s->console);
		rename(s->console, keep);
		snprintf(keep, sizeof(keep), "%s.1", s->qemu_log);
		rename(s->qemu_log, keep);
		rc = vm_run_once(t, out, 1, &booted, err, errlen);
		if (rc) {
			size_t n = strlen(err);

			snprintf(err + n, errlen - n,
				 " (second boot; the first failed too)");
		}
	}
	return rc;
}

/* True when no vmN target follows t in the plan: the shared initramfs
 * (megabytes, rebuilt from the binary in a second) can go. */
static bool last_vm_target(const struct vp_target *t)
{
	size_t i = 0;

	while (i < t->plan->ntargets && strcmp(t->plan->targets[i], t->name))
		i++;
	for (i++; i < t->plan->ntargets; i++)
		if (strncmp(t->plan->targets[i], "vm", 2) == 0)
			return false;
	return true;
}

static void vm_teardown(struct vp_target *t)
{
	struct vm_state *s = t->priv;
	const char *keep = getenv("VPBENCH_KEEP_GUEST");

	if (!s)
		return;
	if (s->initrd[0] && last_vm_target(t) && !(keep && *keep == '1'))
		unlink(s->initrd);
	if (s->pid > 0)
		vp_child_stop(s->pid, 2);
	if (s->sockdir[0]) {
		unlink(s->qmp);
		rmdir(s->sockdir);
	}
	free(s);
	t->priv = NULL;
}

const struct vp_target_ops vp_target_vm_ops = {
    .kind = "vm",
    .prepare = vm_prepare,
    .run_agent = vm_run_agent,
    .teardown = vm_teardown,
};
