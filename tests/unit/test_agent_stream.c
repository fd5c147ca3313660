/* Agent stream: rows, env, progress and the end marker survive a round
 * trip (with awkward characters), noise lines are ignored, malformed
 * records are counted, a stream without X is not finished. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/agent/agent_stream.h"

struct capture {
	struct vp_metric m[16];
	char workload[16][64];
	int threads[16], rep[16], vcpus[16];
	char hypervisor[16][64], target[16][64];
	size_t nrows;
	char env[16][2][128];
	size_t nenv;
	int progress_step;
};

static int cap_row(struct vp_emitter *e, const struct vp_row *row)
{
	struct capture *c = e->ctx;
	size_t i = c->nrows++;
	c->m[i] = *row->m;
	snprintf(c->workload[i], 64, "%s", row->workload);
	snprintf(c->hypervisor[i], 64, "%s", row->ti->hypervisor);
	snprintf(c->target[i], 64, "%s", row->ti->target);
	c->threads[i] = row->threads;
	c->rep[i] = row->rep;
	c->vcpus[i] = row->ti->vcpus;
	return 0;
}

static int cap_env(struct vp_emitter *e, const char *k, const char *v)
{
	struct capture *c = e->ctx;
	snprintf(c->env[c->nenv][0], 128, "%s", k);
	snprintf(c->env[c->nenv][1], 128, "%s", v);
	c->nenv++;
	return 0;
}

static void cap_progress(struct vp_emitter *e, int step, int steps,
			 const char *label)
{
	struct capture *c = e->ctx;
	(void)steps;
	(void)label;
	c->progress_step = step;
}

Test(agent_stream, round_trip_with_noise)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vp_emitter w;
	vp_stream_emitter_init(&w, f);
	struct vp_target_info guest = {.run_id = "r1",
				       .target = "vm2",
				       .target_kind = "vm",
				       .accel = "tcg",
				       .hypervisor = "TCG",
				       .vcpus = 2,
				       .host_cpus = 2};
	struct vp_metric ok = {.name = "ops_per_s",
			       .unit = "ops/s",
			       .value = 12345.5,
			       .status = VP_STATUS_OK};
	struct vp_metric na = {.name = "cnt.cycles",
			       .unit = "count",
			       .status = VP_STATUS_UNAVAILABLE,
			       .note =
				   "no hardware PMU, \"ENOENT\"\nsecond line"};
	struct vp_row r1 = {&guest, "lock.tas", 2, 1, &ok};
	struct vp_row r2 = {&guest, "lock.tas", 2, 1, &na};
	fputs("[    0.1234] Linux version 6.1\n", f);
	w.env(&w, "hypervisor", "TCG, emulated");
	w.progress(&w, 3, 10, "vm2 lock.tas threads=2 rep=1/3");
	w.row(&w, &r1);
	fputs("R,garbage\n", f);
	w.row(&w, &r2);
	w.finish(&w, 0, "ok");
	fclose(f);

	struct capture c;
	memset(&c, 0, sizeof(c));
	struct vp_emitter out = {.row = cap_row,
				 .env = cap_env,
				 .progress = cap_progress,
				 .ctx = &c};
	struct vp_target_info host_view = {.run_id = "r1",
					   .target = "vm2",
					   .target_kind = "vm",
					   .accel = "tcg",
					   .host_cpus = 2};
	struct vp_stream_stats st;
	memset(&st, 0, sizeof(st));
	FILE *in = fmemopen(buf, len, "r");
	vp_stream_collect(in, &host_view, &out, &st);
	fclose(in);
	free(buf);

	cr_assert_eq(st.rows, 2);
	cr_assert_eq(st.bad_lines, 1);
	cr_assert(st.finished);
	cr_assert_eq(st.exit_code, 0);
	cr_assert_eq(c.progress_step, 3);
	cr_assert_eq(c.nenv, 1);
	cr_assert_str_eq(c.env[0][1], "TCG, emulated");
	cr_assert_float_eq(c.m[0].value, 12345.5, 1e-6);
	cr_assert_eq(c.m[0].status, VP_STATUS_OK);
	cr_assert_str_eq(c.workload[0], "lock.tas");
	cr_assert_eq(c.threads[0], 2);
	cr_assert_eq(c.vcpus[0], 2, "vcpus come from the guest's own probe");
	cr_assert_str_eq(c.hypervisor[0], "TCG");
	cr_assert_eq(c.m[1].status, VP_STATUS_UNAVAILABLE);
	cr_assert_str_eq(c.m[1].note,
			 "no hardware PMU, \"ENOENT\" second line");
}

Test(agent_stream, truncated_stream_is_not_finished)
{
	const char *text = "E,kernel,6.1\nP,1,4,host cpu.int\nR,1,r,vm1";
	struct capture c;
	memset(&c, 0, sizeof(c));
	struct vp_emitter out = {.row = cap_row,
				 .env = cap_env,
				 .progress = cap_progress,
				 .ctx = &c};
	struct vp_target_info ti = {.target = "vm1"};
	struct vp_stream_stats st;
	memset(&st, 0, sizeof(st));
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	vp_stream_collect(in, &ti, &out, &st);
	fclose(in);
	cr_assert_not(st.finished);
	cr_assert_eq(st.rows, 0);
	cr_assert_eq(st.bad_lines, 1);
	cr_assert_eq(st.last_step, 1);
	cr_assert_str_eq(st.last_progress, "host cpu.int");
}

struct marks {
	struct vp_step_mark m[8];
	char workload[8][64];
	size_t n;
};

static void cap_mark(struct vp_emitter *e, const struct vp_step_mark *m)
{
	struct marks *c = e->ctx;
	size_t i = c->n++;

	c->m[i] = *m;
	snprintf(c->workload[i], 64, "%s", m->workload);
	c->m[i].workload = c->workload[i];
}

Test(agent_stream, step_marks_round_trip)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vp_emitter w;
	struct vp_step_mark b = {7, VP_MARK_BEGIN, "lock.ticket", 4, 2};
	struct vp_step_mark e = {7, VP_MARK_END, "lock.ticket", 4, 2};

	vp_stream_emitter_init(&w, f);
	cr_assert_not_null(w.mark, "the stream writer carries marks");
	w.mark(&w, &b);
	w.mark(&w, &e);
	/* Malformed marks: phase, a missing field, a non-number, no name. */
	fputs("M,7,x,lock.ticket,4,2\nM,7,b,lock.ticket,4\n"
	      "M,7,b,lock.ticket,four,2\nM,7,e,,4,2\n",
	      f);
	fclose(f);
	cr_expect(strstr(buf, "M,7,b,lock.ticket,4,2\n"), "%s", buf);

	struct marks c;
	memset(&c, 0, sizeof(c));
	struct vp_emitter out = {.mark = cap_mark, .ctx = &c};
	struct vp_target_info ti = {.target = "vm4"};
	struct vp_stream_stats st;
	memset(&st, 0, sizeof(st));
	FILE *in = fmemopen(buf, len, "r");
	vp_stream_collect(in, &ti, &out, &st);
	fclose(in);
	free(buf);
	cr_assert_eq(c.n, 2);
	cr_assert_eq(st.marks, 2);
	cr_expect_eq(st.bad_lines, 4);
	cr_expect_eq(c.m[0].phase, VP_MARK_BEGIN);
	cr_expect_eq(c.m[1].phase, VP_MARK_END);
	cr_expect_eq(c.m[1].step, 7);
	cr_expect_str_eq(c.m[1].workload, "lock.ticket");
	cr_expect_eq(c.m[1].threads, 4);
	cr_expect_eq(c.m[1].rep, 2);

	/* An emitter without a mark callback drops marks quietly. */
	struct vp_emitter none = {.ctx = &c};
	memset(&st, 0, sizeof(st));
	cr_expect_eq(vp_stream_feed_line("M,1,b,cpu.int,1,1", &ti, &none, &st),
		     1);
	cr_expect_eq(st.marks, 1);
	cr_expect_eq(st.bad_lines, 0);
}

/* Bucket rows travel as short B records after their family's
 * <family>_hist_sub_buckets row and come back as whole rows of that step;
 * a B without that context (another family, after an E, first in the
 * stream) is a bad line, not a row of the wrong step. */
Test(agent_stream, bucket_rows_compact_round_trip)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vp_emitter w;
	struct vp_target_info agent_ti = {.hypervisor = "TCG", .vcpus = 2};
	struct vp_metrics m;

	vp_metrics_init(&m);
	vp_metrics_ok(&m, "call_p50_ns", 1159.5, "ns");
	vp_metrics_ok(&m, "call_hist_sub_buckets", 64, "count");
	vp_metrics_ok(&m, "call_bucket_le_1151", 7, "count");
	vp_metrics_ok(&m, "call_bucket_le_1167", 12345, "count");
	vp_stream_emitter_init(&w, f);
	for (size_t i = 0; i < m.n; i++) {
		struct vp_row row = {&agent_ti, "lock.kernel", 4, 3, &m.v[i]};
		cr_assert_eq(w.row(&w, &row), 0);
	}
	/* the whole name (earlier agents) still reads; a foreign family, a
	 * B after an E and a bound that is no number do not */
	fputs("B,call_bucket_le_2047,3\nB,wake_bucket_le_7,1\nB,12x,1\n"
	      "E,k,v\nB,2047,1\n",
	      f);
	fclose(f);
	cr_expect(strstr(buf, "\nB,1167,12345\n"), "%s", buf);
	cr_expect_null(strstr(buf, "R,2,,,,,,,,,,call_bucket"), "%s", buf);

	struct capture c;
	memset(&c, 0, sizeof(c));
	struct vp_emitter out = {.row = cap_row, .env = cap_env, .ctx = &c};
	struct vp_target_info host_view = {.target = "vm2", .vcpus = 2};
	struct vp_stream_stats st;
	memset(&st, 0, sizeof(st));
	FILE *in = fmemopen(buf, len, "r");
	vp_stream_collect(in, &host_view, &out, &st);
	fclose(in);
	free(buf);
	vp_metrics_free(&m);
	cr_assert_eq(st.rows, 5);
	cr_expect_eq(st.bad_lines, 3,
		     "B of another family, no number, after E");
	cr_expect_str_eq(c.m[3].name, "call_bucket_le_1167");
	cr_expect_float_eq(c.m[3].value, 12345, 1e-9);
	cr_expect_str_eq(c.m[3].unit, "count");
	cr_expect_str_eq(c.m[4].name, "call_bucket_le_2047");
	cr_expect_float_eq(c.m[4].value, 3, 1e-9);
	cr_expect_eq(c.m[3].status, VP_STATUS_OK);
	cr_expect_str_eq(c.workload[3], "lock.kernel");
	cr_expect_eq(c.threads[3], 4);
	cr_expect_eq(c.rep[3], 3);
	cr_expect_str_eq(c.target[3], "vm2");
	cr_expect_str_eq(c.hypervisor[3], "TCG");
}
