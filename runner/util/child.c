/* Spawning helpers shared by the vm and ssh targets: argv only, explicit
 * descriptors, timeouts by polling waitpid (children are few and short).
 * Children die with the runner (PR_SET_PDEATHSIG), so a SIGKILLed vpbench
 * leaves no QEMU or ssh behind. */
#include "runner/util/child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

double vp_child_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int vp_which(const char *prog, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	const char *p;

	if (strchr(prog, '/')) {
		if (access(prog, X_OK) != 0)
			return -ENOENT;
		snprintf(buf, len, "%s", prog);
		return 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	for (p = path; p && *p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct stat st;

		if (n > 0 &&
		    (size_t)snprintf(buf, len, "%.*s/%s", (int)n, p, prog) <
			len &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return 0;
		p = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

/* In the child, between fork and exec: only async-signal-safe calls. The
 * runner may hold threads (host load, a workload team), so nothing that
 * could take a lock another thread held at fork time. */
static void exec_child(const char *path, char *const argv[], const int fds[3],
		       int keep_fd, pid_t parent, bool die_with_parent,
		       int report_fd)
{
	sigset_t none;
	int e;
	/* Die with the runner even on SIGKILL (issue 11 defect 11). The
	 * parent may already be gone between fork and prctl: then the
	 * signal never comes, so check after setting it. */
	if (die_with_parent &&
	    (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent))
		_exit(127);
	for (int i = 0; i < 3; i++) {
		int fd = fds[i];
		if (fd < 0)
			fd = open("/dev/null", i ? O_WRONLY : O_RDONLY);
		if (fd < 0 || (fd != i && dup2(fd, i) < 0))
			goto fail;
		if (fd != i && fds[i] < 0)
			close(fd);
	}
	/* The one descriptor the child inherits under its own number (a tap
	 * device for QEMU's -netdev tap,fd=N); everything else is CLOEXEC. */
	if (keep_fd > 2 && fcntl(keep_fd, F_SETFD, 0) != 0)
		goto fail;
	/* The runner ignores SIGPIPE and SIGXFSZ (main.c) and may block
	 * signals; an ignored signal stays ignored across exec, so children
	 * start clean. */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGXFSZ, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, argv, environ);
fail:
	e = errno;
	if (write(report_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

pid_t vp_child_spawn(char *const argv[], int in_fd, int out_fd, int err_fd,
		     char *err, size_t errlen)
{
	return vp_child_spawn_keep(argv, in_fd, out_fd, err_fd, -1, err,
				   errlen);
}

pid_t vp_child_spawn_keep(char *const argv[], int in_fd, int out_fd, int err_fd,
			  int keep_fd, char *err, size_t errlen)
{
	char path[PATH_MAX];
	const int fds[3] = {in_fd, out_fd, err_fd};
	int report[2], e = 0;
	pid_t parent = getpid(), pid;
	ssize_t n;
	/* PR_SET_PDEATHSIG fires when the *thread* that forked exits, not
	 * the process: only a child of the main thread (vpbench spawns from
	 * it) can be tied to the runner's life without dying early. */
	bool main_thread = gettid() == parent;

	if (vp_which(argv[0], path, sizeof(path)) != 0) {
		snprintf(err, errlen, "cannot run %s: %s (not found in PATH)",
			 argv[0], strerror(ENOENT));
		return -ENOENT;
	}
	if (pipe2(report, O_CLOEXEC) != 0) {
		e = errno;
		snprintf(err, errlen, "cannot run %s: pipe: %s", argv[0],
			 strerror(e));
		return -e;
	}
	pid = fork();
	if (pid == 0)
		exec_child(path, argv, fds, keep_fd, parent, main_thread,
			   report[1]);
	if (pid < 0)
		e = errno;
	close(report[1]);
	/* The report pipe closes on a successful exec (O_CLOEXEC): zero
	 * bytes mean the program runs, an int is exec's errno. */
	while (pid > 0 && (n = read(report[0], &e, sizeof(e))) < 0 &&
	       errno == EINTR)
		;
	close(report[0]);
	if (pid > 0 && e)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	if (pid < 0 || e) {
		snprintf(err, errlen, "cannot run %s: %s%s", argv[0],
			 strerror(e),
			 e == ENOENT ? " (not found in PATH)" : "");
		return -e;
	}
	return pid;
}

int vp_child_wait(pid_t pid, double timeout_s, int *status)
{
	double end = vp_child_now() + timeout_s;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (vp_child_now() >= end)
			return 0;
		usleep(10000);
	}
}

int vp_child_stop(pid_t pid, double grace_s)
{
	int status = 0;
	int rc;

	if (pid <= 0)
		return -EINVAL;
	kill(pid, SIGTERM);
	rc = vp_child_wait(pid, grace_s, &status);
	if (rc == 0) {
		kill(pid, SIGKILL);
		rc = vp_child_wait(pid, 10, &status);
	}
	return rc == 1 ? status : (rc < 0 ? rc : -ETIMEDOUT);
}

int vp_child_capture(char *const argv[], char **out, size_t *outlen,
		     bool merge_stderr, double timeout_s, char *err,
		     size_t errlen)
{
	int fds[2] = {-1, -1};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	double end = vp_child_now() + timeout_s;
	int status = 0, rc;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		rc = -errno;
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return rc;
	}
	pid = vp_child_spawn(argv, -1, fds[1], merge_stderr ? fds[1] : -1, err,
			     errlen);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return (int)pid;
	}
	for (;;) {
		struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
		int wait_ms = 200;
		ssize_t n;

		if (timeout_s > 0) {
			double left = end - vp_child_now();

			if (left <= 0)
				break;
			wait_ms = left < 0.2 ? (int)(left * 1000) + 1 : 200;
		}
		if (poll(&pfd, 1, wait_ms) <= 0)
			continue;
		if (cap - len < 4097) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, ncap);

			if (!nb)
				break;
			buf = nb;
			cap = ncap;
		}
		n = read(fds[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	if (timeout_s > 0 && vp_child_now() >= end) {
		status = vp_child_stop(pid, 1.0);
		snprintf(err, errlen, "%s timed out after %.0f s", argv[0],
			 timeout_s);
		rc = -ETIMEDOUT;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		rc = WIFEXITED(status) ? WEXITSTATUS(status)
				       : 128 + WTERMSIG(status);
	}
	if (buf)
		buf[len] = '\0';
	if (out) {
		*out = buf ? buf : strdup("");
		buf = NULL;
	}
	if (outlen)
		*outlen = len;
	free(buf);
	return rc;
}
