/* The shared collector loop: a finished stream, a stream that ends without
 * X (reason from the explain hook plus evidence), a check hook that gives
 * up (timeout errno, child stopped), Ctrl-C, target-private lines kept from
 * the stream parser. Streams come from a pipe written by a real child
 * process (sh -c printf), as a guest's channel or ssh's stdout would. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/results_csv.h"
#include "runner/agent/collector.h"
#include "runner/util/child.h"

struct seen {
	size_t rows, env, own_lines, records;
	char last_env[128];
};

static int on_row(struct vp_emitter *e, const struct vp_row *row)
{
	(void)row;
	((struct seen *)e->ctx)->rows++;
	return 0;
}

static int on_env(struct vp_emitter *e, const char *k, const char *v)
{
	struct seen *s = e->ctx;
	s->env++;
	snprintf(s->last_env, sizeof(s->last_env), "%s=%s", k, v);
	return 0;
}

static const char row_rec[] =
    "R," VP_RESULTS_SCHEMA
    ",r,vm2,vm,tcg,TCG,2,2,cpu.int,1,1,ops_per_s,5,ops/s,ok,\n";

/* Starts `sh -c script` with stdout into a pipe; fills c. */
static void start(struct vp_collector *c, struct vp_emitter *out,
		  struct vp_target_info *ti, const char *script)
{
	int p[2];
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	char err[256];

	cr_assert_eq(pipe(p), 0);
	memset(c, 0, sizeof(*c));
	c->pid = vp_child_spawn(argv, -1, p[1], -1, err, sizeof(err));
	cr_assert_gt(c->pid, 0, "%s", err);
	close(p[1]);
	c->fd = p[0];
	c->poll_ms = 20;
	c->ti = ti;
	c->out = out;
	c->eof_grace_s = 2;
}

static bool own_line(struct vp_collector *c, const char *line)
{
	struct seen *s = c->out->ctx;
	if (strncmp(line, "V,", 2) != 0)
		return false;
	s->own_lines++;
	return true;
}

static void count_record(struct vp_collector *c)
{
	((struct seen *)c->out->ctx)->records++;
	cr_assert_gt(c->first, 0);
}

static void explain(struct vp_collector *c, char *reason, size_t len)
{
	snprintf(reason, len, "agent gone (exit %d)",
		 c->exited && WIFEXITED(c->status) ? WEXITSTATUS(c->status)
						   : -1);
}

static void evidence(struct vp_collector *c, const char *reason, char *out,
		     size_t len)
{
	(void)c;
	snprintf(out, len, "tail: [%s]", reason);
}

static enum vp_collect_end give_up_after(struct vp_collector *c, double now)
{
	if (now - c->t0 < 0.3)
		return VP_COLLECT_FINISHED;
	snprintf(c->reason, sizeof(c->reason), "run timeout: test");
	return VP_COLLECT_TIMEOUT;
}

Test(collector, finished_stream)
{
	struct seen s = {0};
	struct vp_emitter out = {.row = on_row, .env = on_env, .ctx = &s};
	struct vp_target_info ti = {.target = "vm2", .run_id = "r"};
	struct vp_collector c;
	struct vp_collector_hooks h = {.line = own_line,
				       .record = count_record};
	char err[512] = "", script[512];

	snprintf(script, sizeof(script),
		 "printf 'noise\\nV,init,1.0\\nE,kernel,6.1\\n%sX,0,ok\\n'",
		 row_rec);
	start(&c, &out, &ti, script);
	cr_assert_eq(vp_collect(&c, &h, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.end, VP_COLLECT_FINISHED);
	cr_assert_eq(s.rows, 1);
	cr_assert_eq(s.env, 1);
	cr_assert_eq(s.own_lines, 1, "V, lines go to the target, not parsed");
	cr_assert_eq(s.records, 3, "E, R and X are agent records");
	cr_assert_eq(c.pid, -1);
	cr_assert(c.exited);
	close(c.fd);
}

Test(collector, stream_ends_without_x)
{
	struct seen s = {0};
	struct vp_emitter out = {.row = on_row, .env = on_env, .ctx = &s};
	struct vp_target_info ti = {.target = "vm2"};
	struct vp_collector c;
	struct vp_collector_hooks h = {.explain = explain,
				       .evidence = evidence};
	char err[512] = "", script[512];

	snprintf(script, sizeof(script), "printf '%s'; exit 3", row_rec);
	start(&c, &out, &ti, script);
	cr_assert_eq(vp_collect(&c, &h, err, sizeof(err)), -EIO);
	cr_assert_eq(c.end, VP_COLLECT_EOF);
	cr_assert_eq(s.rows, 1, "rows before the end are kept");
	cr_assert_str_eq(err,
			 "agent gone (exit 3); tail: [agent gone (exit 3)]");
	close(c.fd);
}

Test(collector, check_hook_times_out_and_stops_child)
{
	struct seen s = {0};
	struct vp_emitter out = {.row = on_row, .env = on_env, .ctx = &s};
	struct vp_target_info ti = {.target = "vm2"};
	struct vp_collector c;
	struct vp_collector_hooks h = {.check = give_up_after,
				       .evidence = evidence};
	char err[512] = "";
	pid_t pid;

	start(&c, &out, &ti, "sleep 30");
	pid = c.pid;
	double t0 = vp_child_now();
	cr_assert_eq(vp_collect(&c, &h, err, sizeof(err)), -ETIMEDOUT);
	cr_assert_lt(vp_child_now() - t0, 10.0, "the child was stopped");
	cr_assert_eq(c.end, VP_COLLECT_TIMEOUT);
	cr_assert_not(c.exited);
	cr_assert_eq(kill(pid, 0), -1, "reaped");
	cr_assert_str_eq(err, "run timeout: test; tail: [run timeout: test]");
	close(c.fd);
}

Test(collector, interrupt)
{
	struct seen s = {0};
	struct vp_emitter out = {.row = on_row, .env = on_env, .ctx = &s};
	struct vp_target_info ti = {.target = "vm2"};
	struct vp_collector c;
	struct vp_collector_hooks h = {0};
	volatile int stop = 1;
	char err[512] = "";

	start(&c, &out, &ti, "sleep 30");
	c.interrupted = &stop;
	cr_assert_eq(vp_collect(&c, &h, err, sizeof(err)), -EINTR);
	cr_assert_str_eq(err, "interrupted");
	close(c.fd);
}

Test(collector, errno_per_end)
{
	cr_assert_eq(vp_collect_errno(VP_COLLECT_FINISHED), 0);
	cr_assert_eq(vp_collect_errno(VP_COLLECT_EOF), -EIO);
	cr_assert_eq(vp_collect_errno(VP_COLLECT_FAULT), -EIO);
	cr_assert_eq(vp_collect_errno(VP_COLLECT_TIMEOUT), -ETIMEDOUT);
	cr_assert_eq(vp_collect_errno(VP_COLLECT_INTERRUPTED), -EINTR);
	cr_assert_eq(vp_collect_errno(VP_COLLECT_NOMEM), -ENOMEM);
}
