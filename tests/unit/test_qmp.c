/* QMP: replies read through json-c (valid and malformed texts), vCPU thread ids
 * from a recorded query-cpus-fast reply, the KVM statistics schema and values
 * from a reply written from QEMU's documented schema and from the real
 * (empty) TCG reply, step deltas, and the persistent client against a fake
 * QMP server that interleaves events and a stale reply. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/targets/qmp.h"
#include "runner/targets/qmp_stats.h"
#include "runner/util/child.h"
#include "test_data.h"

static char *slurp(const char *name)
{
	return vp_test_slurp("qmp", name);
}

static struct json_object *load(const char *name)
{
	char *text = slurp(name), err[128];
	struct json_object *j = NULL;

	cr_assert_eq(vp_qmp_parse(text, strlen(text), &j, err, sizeof(err)), 0,
		     "%s: %s", name, err);
	free(text);
	return j;
}

/* json-c does the reading; what is tested here is how QMP uses it: one
 * whole text, strict, exact unsigned integers, bounded nesting. */
Test(qmp_json, values_and_lookups)
{
	static const char t[] =
	    " {\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\\"\\u00e9"
	    "\\ud83d\\ude00\\n\", \"big\": 18446744073709551614, "
	    "\"neg\": -1, \"over\": 18446744073709551616, \"o\": {}} ";
	struct json_object *j;
	uint64_t u = 0;
	char err[128];

	cr_assert_eq(vp_qmp_parse(t, strlen(t), &j, err, sizeof(err)), 0, "%s",
		     err);
	const struct json_object *a = vp_qmp_get(j, "a");
	cr_assert_eq(json_object_array_length(a), 5);
	cr_expect(vp_qmp_uint(json_object_array_get_idx(a, 0), &u) && u == 1);
	cr_expect(!vp_qmp_uint(json_object_array_get_idx(a, 1), &u),
		  "-25.0 is no unsigned integer");
	cr_expect(!vp_qmp_uint(json_object_array_get_idx(a, 2), &u),
		  "true is no unsigned integer");
	cr_expect_str_eq(vp_qmp_get_str(j, "s"),
			 "x\"\xc3\xa9\xf0\x9f\x98\x80\n");
	cr_expect(vp_qmp_uint(vp_qmp_get(j, "big"), &u));
	cr_expect_eq(u, UINT64_MAX - 1, "exact above 2^63");
	cr_expect(!vp_qmp_uint(vp_qmp_get(j, "neg"), &u));
	cr_expect(!vp_qmp_uint(vp_qmp_get(j, "over"), &u), "2^64 does not fit");
	cr_expect(json_object_is_type(vp_qmp_get(j, "o"), json_type_object));
	cr_expect_null(vp_qmp_get(j, "missing"));
	cr_expect_null(vp_qmp_get(a, "a"), "not an object");
	cr_expect_null(vp_qmp_get_str(j, "a"), "not a string");
	json_object_put(j);
}

Test(qmp_json, malformed_texts_are_refused)
{
	static const char *const bad[] = {
	    "",		  "{",	      "[1,]",	    "{\"a\" 1}",
	    "{\"a\":1,}", "\"abc",    "\"a\\x\"",   "01",
	    "[1] [2]",	  "tru",      "-",	    "{} x",
	    "1e",	  "{1: 2}",   "{\"a\":1}}", "[\"\\u12\"]",
	    "nul",	  "{\"a\":}",
	};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_object *j = (struct json_object *)1;

		err[0] = '\0';
		cr_expect_eq(
		    vp_qmp_parse(bad[i], strlen(bad[i]), &j, err, sizeof(err)),
		    -EINVAL, "'%s' accepted", bad[i]);
		cr_expect_null(j);
		cr_expect(strstr(err, "offset "), "'%s': %s", bad[i], err);
	}
}

Test(qmp_json, nesting_is_bounded)
{
	char deep[VP_QMP_MAX_DEPTH * 2 + 8], err[128];
	struct json_object *j;
	size_t n = VP_QMP_MAX_DEPTH + 1;

	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	cr_expect_eq(vp_qmp_parse(deep, strlen(deep), &j, err, sizeof(err)),
		     -EINVAL);
	cr_expect(strstr(err, "nested deeper"), "%s", err);
	deep[0] = ' ';
	deep[2 * n - 1] = ' ';
	cr_expect_eq(vp_qmp_parse(deep, strlen(deep), &j, err, sizeof(err)), 0,
		     "%s", err);
	json_object_put(j);
}

/* Every truncation of a real reply is refused, none crashes (run under
 * ASan too); only the whole text parses. The text is not NUL-terminated
 * at the cut, as a line in the client's buffer is not. */
Test(qmp_json, truncated_replies_are_refused)
{
	char *text = slurp("kvm_query_stats_before.json"), err[128];
	size_t len = strlen(text);

	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	for (size_t n = 0; n < len; n++) {
		struct json_object *j = NULL;

		cr_assert_eq(vp_qmp_parse(text, n, &j, err, sizeof(err)),
			     -EINVAL, "prefix of %zu bytes accepted", n);
		cr_assert_null(j);
	}
	struct json_object *j = NULL;
	cr_expect_eq(vp_qmp_parse(text, len, &j, err, sizeof(err)), 0, "%s",
		     err);
	json_object_put(j);
	free(text);
}

Test(qmp, vcpu_threads_from_recorded_reply)
{
	struct json_object *j = load("tcg_query_cpus_fast.json");
	int tids[4] = {0};

	cr_assert_eq(vp_qmp_parse_vcpu_threads(j, tids, 4), 2);
	cr_expect_eq(tids[0], 20918);
	cr_expect_eq(tids[1], 20919, "props.thread-id must not win");
	cr_expect_eq(vp_qmp_parse_vcpu_threads(j, tids, 1), 1, "max bound");
	json_object_put(j);
	j = load("command_not_found.json");
	cr_expect_eq(vp_qmp_parse_vcpu_threads(j, tids, 4), 0);
	json_object_put(j);
}

Test(qmp_stats, kvm_schema_keeps_cumulative_vcpu_scalars)
{
	struct json_object *j = load("kvm_query_stats_schemas.json");
	static struct vp_kvm_schema s;
	char why[256] = "";

	cr_assert_eq(vp_kvm_schema_parse(j, "kvm", &s, why, sizeof(why)), 0,
		     "%s", why);
	json_object_put(j);
	cr_expect_eq(s.n, 39, "39 cumulative vcpu statistics, got %zu", s.n);
	for (size_t i = 0; i < s.n; i++) {
		cr_expect(!strstr(s.v[i].name, "_hist"), "%s", s.v[i].name);
		cr_expect(strcmp(s.v[i].name, "guest_mode"), "instant kept");
		cr_expect(strcmp(s.v[i].name, "remote_tlb_flush"),
			  "vm target kept");
		if (!strcmp(s.v[i].name, "halt_wait_ns")) {
			cr_expect_str_eq(s.v[i].unit, "ns");
			cr_expect_eq(s.v[i].scale, 1.0, "ns exact");
		}
		if (!strcmp(s.v[i].name, "exits")) {
			cr_expect_str_eq(s.v[i].unit, "count");
			cr_expect_eq(s.v[i].scale, 1.0);
		}
	}
}

Test(qmp_stats, tcg_replies_have_no_provider)
{
	struct json_object *j = load("tcg_query_stats_schemas.json");
	static struct vp_kvm_schema s;
	static struct vp_kvm_sample k;
	char why[256] = "";

	cr_expect_eq(vp_kvm_schema_parse(j, "tcg", &s, why, sizeof(why)),
		     -ENODATA);
	cr_expect_str_eq(why, "QEMU query-stats has no KVM provider: "
			      "accelerator is TCG");
	cr_expect_eq(vp_kvm_schema_parse(j, "kvm", &s, why, sizeof(why)),
		     -ENODATA);
	cr_expect(strstr(why, "KVM binary statistics"), "%s", why);
	json_object_put(j);
	j = load("tcg_query_stats.json");
	cr_expect_eq(vp_kvm_sample_parse(j, &s, &k, why, sizeof(why)),
		     -ENODATA);
	cr_expect(strstr(why, "no KVM vCPU entry"), "%s", why);
	json_object_put(j);
	j = load("command_not_found.json");
	cr_expect_eq(vp_kvm_schema_parse(j, "tcg", &s, why, sizeof(why)),
		     -EPROTO);
	json_object_put(j);
}

static double metric(const struct vp_metrics *m, const char *name,
		     enum vp_status want)
{
	const struct vp_metric *x = vp_metrics_find(m, name);

	cr_assert(x, "no %s row", name);
	cr_assert_eq(x->status, want, "%s: status %d (%s)", name, x->status,
		     x->note);
	return x->value;
}

Test(qmp_stats, step_deltas_summed_over_vcpus)
{
	static struct vp_kvm_schema s;
	static struct vp_kvm_sample b, a;
	struct json_object *j = load("kvm_query_stats_schemas.json");
	struct vp_metrics m;
	char why[256] = "";

	cr_assert_eq(vp_kvm_schema_parse(j, "kvm", &s, why, sizeof(why)), 0);
	json_object_put(j);
	j = load("kvm_query_stats_before.json");
	cr_assert_eq(vp_kvm_sample_parse(j, &s, &b, why, sizeof(why)), 0, "%s",
		     why);
	json_object_put(j);
	j = load("kvm_query_stats_after.json");
	cr_assert_eq(vp_kvm_sample_parse(j, &s, &a, why, sizeof(why)), 0);
	json_object_put(j);
	cr_expect_eq(b.nvcpus, 2);
	vp_metrics_init(&m);
	vp_kvm_delta_metrics(&s, &b, &a, &m);
	cr_expect_eq(m.n, s.n, "one row per statistic");
	cr_expect_float_eq(metric(&m, "kvm.exits", VP_STATUS_OK), 103000, 0);
	cr_expect_float_eq(metric(&m, "kvm.halt_exits", VP_STATUS_OK), 4000, 0);
	cr_expect_float_eq(metric(&m, "kvm.halt_successful_poll", VP_STATUS_OK),
			   2900, 0);
	cr_expect_float_eq(
	    metric(&m, "kvm.directed_yield_attempted", VP_STATUS_OK), 600, 0);
	cr_expect_float_eq(
	    metric(&m, "kvm.directed_yield_successful", VP_STATUS_OK), 200, 0);
	cr_expect_float_eq(metric(&m, "kvm.halt_poll_success_ns", VP_STATUS_OK),
			   29e6, 0);
	cr_expect_str_eq(vp_metrics_find(&m, "kvm.halt_poll_success_ns")->unit,
			 "ns");
	cr_expect_float_eq(metric(&m, "kvm.nested_run", VP_STATUS_OK), 0, 0,
			   "a measured zero is a zero");
	cr_expect_null(vp_metrics_find(&m, "kvm.guest_mode"));
	cr_expect_null(vp_metrics_find(&m, "kvm.halt_wait_hist"));

	/* A counter that went backwards, one a vCPU did not report. */
	vp_metrics_clear(&m);
	size_t ex = 0;
	while (strcmp(s.v[ex].name, "exits"))
		ex++;
	a.sum[ex] = b.sum[ex] - 1;
	a.seen[0] = 1;
	vp_kvm_delta_metrics(&s, &b, &a, &m);
	metric(&m, "kvm.exits", VP_STATUS_FAILED);
	cr_expect(strstr(vp_metrics_find(&m, "kvm.exits")->note, "backwards"));
	cr_expect_eq(m.v[0].status, VP_STATUS_FAILED, "%s", m.v[0].name);
	cr_expect(strstr(m.v[0].note, "every vCPU"), "%s", m.v[0].note);
	vp_metrics_free(&m);
}

/* Counters beyond 2^53 keep exact deltas (a double would round). */
Test(qmp_stats, large_counters_stay_exact)
{
	static const char before[] =
	    "{\"return\":[{\"provider\":\"kvm\",\"stats\":[{\"name\":\"exits\","
	    "\"value\":9007199254740993}]}]}";
	static const char after[] =
	    "{\"return\":[{\"provider\":\"kvm\",\"stats\":[{\"name\":\"exits\","
	    "\"value\":9007199254741094}]}]}";
	static struct vp_kvm_schema s = {.n = 1};
	static struct vp_kvm_sample b, a;
	struct json_object *j;
	struct vp_metrics m;
	char why[128];

	snprintf(s.v[0].name, sizeof(s.v[0].name), "exits");
	snprintf(s.v[0].unit, sizeof(s.v[0].unit), "count");
	s.v[0].scale = 1;
	cr_assert_eq(vp_qmp_parse(before, strlen(before), &j, why, sizeof(why)),
		     0);
	cr_assert_eq(vp_kvm_sample_parse(j, &s, &b, why, sizeof(why)), 0);
	json_object_put(j);
	cr_assert_eq(vp_qmp_parse(after, strlen(after), &j, why, sizeof(why)),
		     0);
	cr_assert_eq(vp_kvm_sample_parse(j, &s, &a, why, sizeof(why)), 0);
	json_object_put(j);
	vp_metrics_init(&m);
	vp_kvm_delta_metrics(&s, &b, &a, &m);
	cr_expect_float_eq(metric(&m, "kvm.exits", VP_STATUS_OK), 101, 0);
	vp_metrics_free(&m);
}

/* ---- the client against a fake QMP server ---- */

struct fake {
	int lfd;
	char path[128];
	int replies; /* commands answered */
	bool hang;   /* stop answering after capabilities */
};

static void *serve(void *arg)
{
	struct fake *f = arg;
	int c = accept(f->lfd, NULL, NULL);
	char buf[4096], out[8192];
	size_t n = 0;

	if (c < 0)
		return NULL;
	dprintf(c, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n");
	for (;;) {
		ssize_t r = read(c, buf + n, sizeof(buf) - n - 1);
		char *nl;

		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			char *id = strstr(buf, "\"id\":");
			long v = id ? strtol(id + 5, NULL, 10) : -1;

			*nl = '\0';
			if (!f->hang || f->replies == 0) {
				/* An event, a stale reply, then ours, the
				 * last split over two writes. */
				int o = snprintf(
				    out, sizeof(out),
				    "{\"event\": \"RESUME\", \"timestamp\": "
				    "{}}\r\n{\"return\": {}, \"id\": %ld}\r\n",
				    v + 1000);
				if (strstr(buf, "query-cpus-fast"))
					o += snprintf(
					    out + o, sizeof(out) - (size_t)o,
					    "{\"return\": [{\"cpu-index\": 1, "
					    "\"thread-id\": 77}, {\"cpu-index\""
					    ": 0, \"thread-id\": 76}], \"id\": "
					    "%ld}\r\n",
					    v);
				else if (strstr(buf, "bogus"))
					o += snprintf(
					    out + o, sizeof(out) - (size_t)o,
					    "{\"error\": {\"class\": "
					    "\"CommandNotFound\", \"desc\": "
					    "\"no bogus\"}, \"id\": %ld}\r\n",
					    v);
				else
					o += snprintf(
					    out + o, sizeof(out) - (size_t)o,
					    "{\"return\": {}, \"id\": "
					    "%ld}\r\n",
					    v);
				/* No Criterion asserts off the test thread:
				 * a short write shows as a failed call. */
				if (write(c, out, (size_t)o - 5) < 0)
					break;
				usleep(20000);
				if (write(c, out + o - 5, 5) != 5)
					break;
				f->replies++;
			}
			memmove(buf, nl + 1, strlen(nl + 1) + 1);
			n = strlen(buf);
		}
	}
	close(c);
	return NULL;
}

static void fake_start(struct fake *f, pthread_t *th)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[] = "/tmp/vp-qmp-test.XXXXXX";

	cr_assert(mkdtemp(dir));
	snprintf(f->path, sizeof(f->path), "%s/q.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(f->lfd >= 0);
	cr_assert_eq(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(f->lfd, 1), 0);
	cr_assert_eq(pthread_create(th, NULL, serve, f), 0);
}

static void fake_stop(struct fake *f, pthread_t th)
{
	char dir[128];

	pthread_join(th, NULL);
	close(f->lfd);
	unlink(f->path);
	snprintf(dir, sizeof(dir), "%s", f->path);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
}

Test(qmp_client, ids_events_errors_on_one_connection)
{
	struct fake f = {0};
	struct vp_qmp q;
	struct json_object *r = NULL;
	pthread_t th;
	char err[256] = "";
	int tids[4] = {0};

	fake_start(&f, &th);
	vp_qmp_init(&q);
	cr_assert_eq(vp_qmp_open(&q, f.path, 5, 0, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_eq(
	    vp_qmp_query_vcpu_threads(&q, tids, 4, 5, err, sizeof(err)), 2,
	    "%s", err);
	cr_expect_eq(tids[0], 76);
	cr_expect_eq(tids[1], 77);
	cr_expect_eq(
	    vp_qmp_call(&q, "bogus", "{\"a\":1}", 5, &r, err, sizeof(err)),
	    -EREMOTEIO);
	cr_expect_null(r);
	cr_expect_str_eq(err, "QMP bogus: CommandNotFound: no bogus");
	cr_expect_eq(
	    vp_qmp_call(&q, "query-status", NULL, 5, &r, err, sizeof(err)), 0,
	    "still usable after an error reply: %s", err);
	cr_expect(vp_qmp_get(r, "return"));
	json_object_put(r);
	vp_qmp_close(&q);
	fake_stop(&f, th);
	/* Read after the join: the server counts after its last write. */
	cr_expect_eq(f.replies, 4, "one connection served every command");
}

Test(qmp_client, timeout_and_closed_connection)
{
	struct fake f = {.hang = true};
	struct vp_qmp q;
	struct json_object *r = NULL;
	pthread_t th;
	char err[256] = "";

	fake_start(&f, &th);
	vp_qmp_init(&q);
	cr_assert_eq(vp_qmp_open(&q, f.path, 5, 0, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_eq(
	    vp_qmp_call(&q, "query-stats", NULL, 0.2, &r, err, sizeof(err)),
	    -ETIMEDOUT);
	cr_expect(strstr(err, "no reply within 0.2 s"), "%s", err);
	cr_expect(q.fd >= 0, "a timeout keeps the connection");
	shutdown(q.fd, SHUT_RDWR);
	cr_expect_eq(
	    vp_qmp_call(&q, "query-stats", NULL, 1, &r, err, sizeof(err)), -EIO,
	    "%s", err);
	cr_expect_eq(q.fd, -1, "a broken connection is closed");
	cr_expect_eq(
	    vp_qmp_call(&q, "query-stats", NULL, 1, &r, err, sizeof(err)),
	    -ENOTCONN);
	vp_qmp_close(&q);
	fake_stop(&f, th);
}

Test(qmp_client, no_socket_is_named)
{
	struct vp_qmp q;
	char err[256] = "";

	vp_qmp_init(&q);
	cr_expect_eq(
	    vp_qmp_open(&q, "/nonexistent/vp/q.sock", 0.1, 0, err, sizeof(err)),
	    -ENOENT);
	cr_expect(strstr(err, "/nonexistent/vp/q.sock"), "%s", err);
}

/* A QEMU that died at start ends the wait at once, and stays reapable. */
Test(qmp_client, dead_child_ends_the_wait)
{
	struct vp_qmp q;
	char err[256] = "";
	int status = 0;
	pid_t pid = fork();
	double t0;

	cr_assert(pid >= 0);
	if (pid == 0)
		_exit(3);
	vp_qmp_init(&q);
	t0 = vp_child_now();
	cr_expect_eq(vp_qmp_open(&q, "/nonexistent/vp/q.sock", 10, pid, err,
				 sizeof(err)),
		     -ESRCH);
	cr_expect_lt(vp_child_now() - t0, 5.0, "waited for the timeout");
	cr_expect(strstr(err, "exited before serving it"), "%s", err);
	cr_expect_eq(waitpid(pid, &status, 0), pid, "not reaped by the check");
	cr_expect_eq(WEXITSTATUS(status), 3);
}
