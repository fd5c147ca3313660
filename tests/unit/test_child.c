/* Child processes die with the runner (issue 11 defect 11): a SIGKILLed
 * runner takes its children along (PR_SET_PDEATHSIG), a child of a thread
 * that ends is not killed with that thread, and exec failures come back as
 * -errno naming the program. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/util/child.h"

static char *sleep_argv[] = {"sleep", "30", NULL};

/* Gone or a zombie waiting for init: either way no longer running. */
static int running(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	const char *p = strrchr(buf, ')');
	return ok && p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static int wait_gone(pid_t pid, double seconds)
{
	for (int i = 0; i < (int)(seconds * 100); i++) {
		if (!running(pid))
			return 1;
		usleep(10000);
	}
	return 0;
}

/* A stand-in runner: spawns `sleep 30` from its main thread, reports the
 * pid, waits to be killed. */
static pid_t start_runner(pid_t *child)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t runner = fork();
	cr_assert_geq(runner, 0);
	if (runner == 0) {
		char err[256];
		pid_t c =
		    vp_child_spawn(sleep_argv, -1, -1, -1, err, sizeof(err));
		if (write(p[1], &c, sizeof(c)) != sizeof(c))
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	cr_assert_eq(read(p[0], child, sizeof(*child)), sizeof(*child));
	close(p[0]);
	cr_assert_gt(*child, 0, "spawn failed in the runner");
	return runner;
}

Test(child, children_die_with_a_sigkilled_runner, .timeout = 20)
{
	pid_t child;
	pid_t runner = start_runner(&child);
	cr_assert(running(child));
	kill(runner, SIGKILL);
	waitpid(runner, NULL, 0);
	int gone = wait_gone(child, 5);
	if (!gone)
		kill(child, SIGKILL); /* ours: do not leave it behind */
	cr_expect(gone, "sleep %d outlived its SIGKILLed runner", (int)child);
}

struct thread_spawn {
	pid_t child;
};

static void *spawn_and_end(void *arg)
{
	struct thread_spawn *ts = arg;
	char err[256];
	ts->child = vp_child_spawn(sleep_argv, -1, -1, -1, err, sizeof(err));
	return NULL;
}

/* PDEATHSIG follows the forking thread: a child spawned by a thread that
 * then ends must not die with that thread. */
Test(child, a_thread_ending_does_not_kill_its_child, .timeout = 20)
{
	pthread_t t;
	struct thread_spawn ts = {0};
	cr_assert_eq(pthread_create(&t, NULL, spawn_and_end, &ts), 0);
	pthread_join(t, NULL);
	cr_assert_gt(ts.child, 0);
	usleep(300000);
	int alive = running(ts.child);
	kill(ts.child, SIGKILL);
	waitpid(ts.child, NULL, 0);
	cr_expect(alive, "the child died with the thread that spawned it");
}

Test(child, exec_failures_are_errors_naming_the_program)
{
	char err[256];
	char *missing[] = {"/nonexistent/vpbench-prog", NULL};
	cr_expect_eq(vp_child_spawn(missing, -1, -1, -1, err, sizeof(err)),
		     -ENOENT);
	cr_expect(strstr(err, "/nonexistent/vpbench-prog"), "%s", err);
	char *not_found[] = {"vpbench-no-such-program-here", NULL};
	cr_expect_eq(vp_child_spawn(not_found, -1, -1, -1, err, sizeof(err)),
		     -ENOENT);
	cr_expect(strstr(err, "not found in PATH"), "%s", err);
	char *echo[] = {"sh", "-c", "exit 7", NULL};
	int status = 0;
	pid_t pid = vp_child_spawn(echo, -1, -1, -1, err, sizeof(err));
	cr_assert_gt(pid, 0, "%s", err);
	cr_expect_eq(vp_child_wait(pid, 10, &status), 1);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

Test(child, capture_and_descriptors)
{
	char err[256], *out = NULL;
	char *argv[] = {"sh", "-c", "echo out; echo err >&2; cat", NULL};
	cr_expect_eq(
	    vp_child_capture(argv, &out, NULL, true, 10, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_str_eq(out, "out\nerr\n", "stdin is /dev/null: %s", out);
	free(out);
}
