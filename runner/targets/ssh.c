/* The ssh:[user@]host[:port] target, for machines vpbench did not create
 * (Hyper-V, VMware, cloud guests, other hosts). The system OpenSSH client
 * runs in batch mode with the user's own config and host-key checking.
 * vpbench, its ELF interpreter and its libraries are copied into a private
 * mktemp -d folder on the remote and started through that interpreter, so
 * the remote needs no matching libraries; the agent stream comes back on
 * ssh's stdout; the folder is removed afterwards, by the remote shell as
 * soon as the agent ends (so also when vpbench is killed) and again at
 * teardown. Every remote word is single-quoted; local programs get argv
 * arrays. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/agent/agent_cmdline.h"
#include "runner/agent/collector.h"
#include "runner/guest/guest.h"
#include "runner/targets/ssh_args.h"
#include "runner/targets/target.h"
#include "runner/util/child.h"
#include "runner/util/leftovers.h"

#define SSH_SETUP_TIMEOUT 60.0

struct ssh_state {
	struct vp_ssh_dest d;
	char dest[300];
	char remote_dir[256];
	char local_dir[PATH_MAX];
	char interp_name[64];
	char log[PATH_MAX];
	const char *opts;
	pid_t pid;
	double timeout_s; /* the whole remote run */
};

/* Runs `ssh dest -- command` to completion, output captured. */
static int ssh_capture(struct ssh_state *s, const char *command, char **out,
		       char *err, size_t errlen)
{
	struct vp_strlist a = {0};
	int rc = vp_ssh_base_argv("ssh", &s->d, s->opts, &a);

	rc |= vp_strlist_add(&a, "--");
	rc |= vp_strlist_add(&a, s->dest);
	rc |= vp_strlist_add(&a, command);
	rc |= vp_strlist_terminate(&a);
	if (rc) {
		vp_strlist_free(&a);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = vp_child_capture(a.v, out, NULL, true, SSH_SETUP_TIMEOUT, err,
			      errlen);
	vp_strlist_free(&a);
	return rc;
}

/* The last non-empty line of ssh's output, for error messages. */
static void last_line(const char *text, char *out, size_t len)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

static bool safe_path(const char *p)
{
	if (*p != '/')
		return false;
	for (; *p; p++)
		if (!strchr(
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789/._-",
			*p))
			return false;
	return true;
}

/* uname -m and a private folder in one round trip. */
static int remote_setup(struct vp_target *t, struct ssh_state *s, char *err,
			size_t errlen)
{
	static const char cmd[] =
	    "uname -m && mktemp -d \"${TMPDIR:-/tmp}/vpbench.XXXXXX\"";
	char *out = NULL, line[512], *save = NULL;
	bool x86 = false;
	int rc;

	rc = ssh_capture(s, cmd, &out, err, errlen);
	if (rc != 0) {
		if (rc > 0) {
			last_line(out ? out : "", line, sizeof(line));
			snprintf(err, errlen, "ssh %s failed (exit %d): %s%s",
				 s->dest, rc, line[0] ? line : "no message",
				 rc == 255 ? " (unreachable host, refused "
					     "connection or authentication "
					     "failure; ssh runs with "
					     "BatchMode=yes)"
					   : "");
			rc = rc == 255 ? -EHOSTUNREACH : -EIO;
		}
		goto out;
	}
	for (char *l = strtok_r(out, "\r\n", &save); l;
	     l = strtok_r(NULL, "\r\n", &save)) {
		if (strcmp(l, "x86_64") == 0)
			x86 = true;
		else if (*l == '/' && safe_path(l))
			snprintf(s->remote_dir, sizeof(s->remote_dir), "%s", l);
	}
	if (!x86) {
		rc = -ENOEXEC;
		snprintf(err, errlen,
			 "remote %s is not x86_64: this vpbench binary cannot "
			 "run there",
			 s->dest);
	} else if (!s->remote_dir[0]) {
		rc = -EIO;
		snprintf(err, errlen,
			 "mktemp -d on %s gave no usable folder (needs a "
			 "plain path under $TMPDIR or /tmp)",
			 s->dest);
	}
	(void)t;
out:
	free(out);
	return rc;
}

/* Plan file and the list of files to copy (binary, interpreter, libs). */
static int stage(struct vp_target *t, struct ssh_state *s,
		 struct vp_strlist *files, char *err, size_t errlen)
{
	struct vp_strlist dirs = {0}, libs = {0};
	char interp[256], path[PATH_MAX], ibase[PATH_MAX];
	FILE *f;
	int rc;

	snprintf(s->local_dir, sizeof(s->local_dir), "/tmp/vpbench-ssh.XXXXXX");
	if (!mkdtemp(s->local_dir)) {
		rc = -errno;
		snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
		s->local_dir[0] = '\0';
		return rc;
	}
	vp_leftovers_add(s->local_dir,
			 (const char *const[]){"plan.conf", "vpbench", NULL});
	snprintf(path, sizeof(path), "%s/plan.conf", s->local_dir);
	f = fopen(path, "we");
	if (!f || vp_plan_write(t->plan, f) != 0) {
		rc = -errno ? -errno : -EIO;
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		if (f)
			fclose(f);
		return rc;
	}
	if (fclose(f) != 0) {
		rc = -errno;
		snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
		return rc;
	}
	vp_ld_search_dirs("", &dirs);
	rc = vp_elf_closure(t->self_exe, &dirs, &libs, interp, sizeof(interp),
			    err, errlen);
	if (!rc && !interp[0]) {
		rc = -ENOEXEC;
		snprintf(err, errlen, "%s has no ELF interpreter", t->self_exe);
	}
	if (!rc) {
		snprintf(ibase, sizeof(ibase), "%s", interp);
		snprintf(s->interp_name, sizeof(s->interp_name), "%s",
			 basename(ibase));
		/* scp names the copy after the source: the binary must
		 * arrive as "vpbench", so link it under that name. */
		snprintf(path, sizeof(path), "%s/vpbench", s->local_dir);
		if (symlink(t->self_exe, path) != 0) {
			rc = -errno;
			snprintf(err, errlen, "symlink %s: %s", path,
				 strerror(errno));
		}
	}
	if (!rc) {
		rc |= vp_strlist_add(files, path);
		snprintf(path, sizeof(path), "%s/plan.conf", s->local_dir);
		rc |= vp_strlist_add(files, path);
		rc |= vp_strlist_add(files, interp);
		for (size_t i = 0; i < libs.n; i++)
			rc |= vp_strlist_add(files, libs.v[i]);
		if (rc) {
			rc = -ENOMEM;
			snprintf(err, errlen, "out of memory");
		}
	}
	vp_strlist_free(&dirs);
	vp_strlist_free(&libs);
	return rc;
}

static int copy_files(struct ssh_state *s, struct vp_strlist *files, char *err,
		      size_t errlen)
{
	struct vp_strlist a = {0};
	char target[600], *out = NULL, line[512];
	int rc = vp_ssh_base_argv("scp", &s->d, s->opts, &a);

	char rdir[300];
	snprintf(rdir, sizeof(rdir), "%s/", s->remote_dir);
	vp_scp_dest_string(&s->d, rdir, target, sizeof(target));
	rc |= vp_strlist_add(&a, "--");
	for (size_t i = 0; i < files->n; i++)
		rc |= vp_strlist_add(&a, files->v[i]);
	rc |= vp_strlist_add(&a, target);
	rc |= vp_strlist_terminate(&a);
	if (rc) {
		vp_strlist_free(&a);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = vp_child_capture(a.v, &out, NULL, true, 300, err, errlen);
	if (rc > 0) {
		last_line(out ? out : "", line, sizeof(line));
		snprintf(err, errlen, "copying vpbench to %s:%s failed: %s",
			 s->dest, s->remote_dir, line[0] ? line : "scp failed");
		rc = -EIO;
	}
	free(out);
	vp_strlist_free(&a);
	return rc;
}

static int ssh_prepare(struct vp_target *t, char *err, size_t errlen)
{
	struct ssh_state *s = calloc(1, sizeof(*s));
	struct vp_strlist files = {0};
	char tool[PATH_MAX];
	int rc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	t->priv = s;
	s->pid = -1;
	s->opts = getenv("VPBENCH_SSH_OPTS");
	snprintf(t->ti.target_kind, sizeof(t->ti.target_kind), "ssh");
	snprintf(t->ti.accel, sizeof(t->ti.accel), "none");
	/* The machine behind an ssh target is not visible from here. */
	t->ti.host_cpus = 0;
	rc = vp_ssh_parse_target(t->name, &s->d, err, errlen);
	if (rc)
		return rc;
	vp_ssh_dest_string(&s->d, s->dest, sizeof(s->dest));
	if (vp_which("ssh", tool, sizeof(tool)) != 0 ||
	    vp_which("scp", tool, sizeof(tool)) != 0) {
		snprintf(err, errlen,
			 "ssh/scp not found in PATH (apt-get install "
			 "openssh-client)");
		return -ENOENT;
	}
	rc = remote_setup(t, s, err, errlen);
	if (!rc)
		rc = stage(t, s, &files, err, errlen);
	if (!rc)
		rc = copy_files(s, &files, err, errlen);
	vp_strlist_free(&files);
	return rc;
}

/* The end of ssh's stderr log (ssh's own messages and the agent's), one
 * line. */
static void ssh_stream_name(const char *name, char *out, size_t len)
{
	size_t o = 0;

	for (; *name && o + 1 < len; name++)
		out[o++] = strchr("@:[]", *name) ? '_' : *name;
	out[o] = '\0';
}

/* ssh's exit says why the agent did not finish. */
static void ssh_explain(struct vp_collector *c, char *reason, size_t len)
{
	int st = c->status;

	snprintf(reason, len, "remote agent ended without finishing (%s %d)%s",
		 WIFEXITED(st) ? "exit" : "signal",
		 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
		 WIFEXITED(st) && WEXITSTATUS(st) == 255
		     ? ": lost ssh connection"
		     : "");
}

static void ssh_evidence(struct vp_collector *c, const char *reason, char *out,
			 size_t len)
{
	struct ssh_state *s = c->priv;
	char tail[512];

	(void)reason;
	vp_log_tail(s->log, 3, tail, sizeof(tail));
	snprintf(out, len, "ssh output: %s%s", tail[0] ? tail : "(empty)",
		 strstr(tail, "ermission denied") && !strstr(tail, "publickey")
		     ? " (is the remote temporary folder mounted noexec? set "
		       "TMPDIR for the remote login to another folder)"
		     : "");
}

/* The whole run has one deadline (there is no boot to wait for). */
static enum vp_collect_end ssh_check(struct vp_collector *c, double now)
{
	struct ssh_state *s = c->priv;

	if (now - c->t0 <= s->timeout_s)
		return VP_COLLECT_FINISHED;
	snprintf(c->reason, sizeof(c->reason),
		 "run timeout: the remote agent did not finish within %.0f s "
		 "(--run-timeout)",
		 s->timeout_s);
	return VP_COLLECT_TIMEOUT;
}

static const struct vp_collector_hooks ssh_hooks = {
    .check = ssh_check,
    .explain = ssh_explain,
    .evidence = ssh_evidence,
};

/* `ssh dest -- '<loader>' --library-path '<dir>' '<vpbench>' agent ...;
 * s=$?; rm -rf -- '<dir>'; exit $s`: the remote command, every word
 * quoted. */
static int remote_agent_argv(struct vp_target *t, struct ssh_state *s,
			     struct vp_strlist *a, char *err, size_t errlen)
{
	char cmd[8192], ld[300], exe[300], plan[300];
	struct vp_agent_cmdline ac = {
	    .plan = plan,
	    .target = t->name,
	    .kind = "ssh",
	    .accel = "none",
	    .scratch_dir = s->remote_dir,
	    .run_id = t->ti.run_id,
	};
	struct vp_strlist words = {0};
	int rc;

	snprintf(ld, sizeof(ld), "%s/%s", s->remote_dir, s->interp_name);
	snprintf(exe, sizeof(exe), "%s/vpbench", s->remote_dir);
	snprintf(plan, sizeof(plan), "%s/plan.conf", s->remote_dir);
	rc = vp_strlist_add(&words, ld);
	rc |= vp_strlist_add(&words, "--library-path");
	rc |= vp_strlist_add(&words, s->remote_dir);
	rc |= vp_strlist_add(&words, exe);
	rc |= vp_agent_cmdline_write(&ac, &words);
	if (rc) {
		vp_strlist_free(&words);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = vp_shell_join((const char *const *)words.v, words.n, cmd,
			   sizeof(cmd));
	vp_strlist_free(&words);
	/* The remote shell removes the folder once the agent has ended, with
	 * the agent's status: should this process be killed (SIGKILL, no
	 * teardown), ssh dies with it, the agent's next write fails (EPIPE)
	 * and ends it, and the folder still goes. */
	char q[300];
	size_t used = strlen(cmd);
	if (!rc)
		rc = vp_shell_quote(s->remote_dir, q, sizeof(q));
	if (!rc && (size_t)snprintf(cmd + used, sizeof(cmd) - used,
				    "; s=$?; rm -rf -- %s; exit $s",
				    q) >= sizeof(cmd) - used)
		rc = -E2BIG;
	if (rc) {
		snprintf(err, errlen, "remote command too long");
		return -E2BIG;
	}
	rc = vp_ssh_base_argv("ssh", &s->d, s->opts, a);
	rc |= vp_strlist_add(a, "--");
	rc |= vp_strlist_add(a, s->dest);
	rc |= vp_strlist_add(a, cmd);
	rc |= vp_strlist_terminate(a);
	if (rc) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int ssh_run_agent(struct vp_target *t, struct vp_emitter *out, char *err,
			 size_t errlen)
{
	struct ssh_state *s = t->priv;
	struct vp_strlist a = {0};
	struct vp_collector c = {0};
	char safe[200];
	int pipefd[2] = {-1, -1}, logfd = -1, rc;

	s->timeout_s = t->plan->run_timeout_s > 0
			   ? t->plan->run_timeout_s
			   : vp_plan_measure_seconds(t->plan) * 2.0 +
				 (double)vp_plan_steps(t->plan) + 120.0;
	rc = remote_agent_argv(t, s, &a, err, errlen);
	if (rc)
		goto out;
	ssh_stream_name(t->name, safe, sizeof(safe));
	snprintf(s->log, sizeof(s->log), "%s/%s.log", t->run_dir, safe);
	logfd =
	    open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		 0644);
	if (logfd < 0 || pipe2(pipefd, O_CLOEXEC) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", s->log,
			 strerror(errno));
		goto out;
	}
	out->env(out, "ssh_destination", s->dest);
	out->env(out, "ssh_remote_dir", s->remote_dir);
	out->env(out, "host_cpus",
		 "unknown (ssh target: the machine behind it is not visible)");
	s->pid = vp_child_spawn(a.v, -1, pipefd[1], logfd, err, errlen);
	close(pipefd[1]);
	pipefd[1] = -1;
	if (s->pid < 0) {
		rc = (int)s->pid;
		s->pid = -1;
		goto out;
	}
	c.fd = pipefd[0];
	c.poll_ms = 200;
	c.ti = &t->ti;
	c.out = out;
	c.interrupted = t->interrupted;
	c.pid = s->pid;
	c.eof_grace_s = 10;
	c.priv = s;
	rc = vp_collect(&c, &ssh_hooks, err, errlen);
	s->pid = -1;
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (logfd >= 0)
		close(logfd);
	vp_strlist_free(&a);
	return rc;
}

static void ssh_teardown(struct vp_target *t)
{
	struct ssh_state *s = t->priv;
	char cmd[600], q[300], e[256];
	char *out = NULL;

	if (!s)
		return;
	if (s->pid > 0)
		vp_child_stop(s->pid, 2);
	if (s->remote_dir[0] &&
	    vp_shell_quote(s->remote_dir, q, sizeof(q)) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf -- %s", q);
		ssh_capture(s, cmd, &out, e, sizeof(e));
		free(out);
	}
	if (s->local_dir[0]) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/plan.conf", s->local_dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/vpbench", s->local_dir);
		unlink(p);
		rmdir(s->local_dir);
	}
	free(s);
	t->priv = NULL;
}

const struct vp_target_ops vp_target_ssh_ops = {
    .kind = "ssh",
    .prepare = ssh_prepare,
    .run_agent = ssh_run_agent,
    .teardown = ssh_teardown,
};
