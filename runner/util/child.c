/* Spawning helpers shared by the vm and ssh targets: argv only, explicit
 * descriptors, timeouts by polling waitpid (children are few and short). */
#include "runner/util/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

pid_t vp_child_spawn(char *const argv[], int in_fd, int out_fd, int err_fd,
		     char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	pid_t pid = -1;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* The runner may block or ignore signals (SIGPIPE, SIGXFSZ: main.c); an
	 * ignored signal stays ignored across exec, so children start clean. */
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGXFSZ);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
					    POSIX_SPAWN_SETSIGDEF);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
						 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
						 0);
	if (err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	else
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
						 0);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		snprintf(err, errlen, "cannot run %s: %s%s", argv[0],
			 strerror(rc),
			 rc == ENOENT ? " (not found in PATH)" : "");
		return -rc;
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
