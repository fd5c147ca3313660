/* The HTML report: self-contained (no script, no external reference), the
 * warnings users need, every CSV string escaped (XSS fixture), and the
 * escaper itself. */
#include <criterion/criterion.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html.h"
#include "reports/html_escape.h"
#include "reports/svg.h"

static char *render(const char *fixture, const char *baseline)
{
	struct vp_run run;
	struct vp_summary s;
	char err[1024], path[512];
	snprintf(path, sizeof(path), "%s/runs/%s", VP_TEST_DATA, fixture);
	cr_assert_eq(vp_run_load(path, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_summary_build(&run, 1, baseline, &s, err, sizeof(err)),
		     0, "%s", err);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	struct vp_verdicts v;
	cr_assert_eq(vp_verdicts_build(&s, &v), 0);
	vp_html_render(&s, &v, f);
	fclose(f);
	vp_verdicts_free(&v);
	vp_summary_free(&s);
	vp_run_free(&run);
	return buf;
}

static bool matches(const char *text, const char *pattern)
{
	regex_t re;
	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_ICASE), 0);
	bool m = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

Test(html, escape_buf)
{
	char buf[128];
	size_t n = vp_html_escape_buf(buf, sizeof(buf), "<a href='x'>&\"\x01");
	cr_assert_str_eq(buf, "&lt;a href=&#39;x&#39;&gt;&amp;&quot; ");
	cr_assert_eq(n, strlen(buf));
	/* Cut at a whole entity, still terminated, full length reported. */
	n = vp_html_escape_buf(buf, 6, "a<b");
	cr_assert_str_eq(buf, "a&lt;");
	cr_assert_eq(n, 6);
	cr_assert_eq(vp_html_escape_buf(buf, sizeof(buf), NULL), 0);
	cr_assert_str_eq(buf, "");
}

Test(html, escape_invalid_utf8)
{
	char buf[64];
	/* Latin-1 "é", a lone continuation byte, a surrogate: U+FFFD each;
	 * valid multi-byte text passes. */
	vp_html_escape_buf(buf, sizeof(buf), "caf\xe9 \x80 \xed\xa0\x80 µs");
	cr_assert_str_eq(buf, "caf\xEF\xBF\xBD \xEF\xBF\xBD "
			      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD µs");
}

Test(html, self_contained)
{
	char *h = render("basic", NULL);
	cr_assert(!strncmp(h, "<!DOCTYPE html>", 15));
	cr_assert(strstr(h, "<style>"), "inline CSS");
	cr_assert(strstr(h, "<svg "), "inline SVG charts");
	cr_assert(!matches(h, "<script"), "no script");
	cr_assert(!matches(h, "<(link|img|iframe|object|embed)"),
		  "no external element");
	cr_assert(!matches(h, "(src|href|xlink:href)[[:space:]]*=[[:space:]]*"
			      "[\"']?[[:space:]]*(https?:|//|ftp:)"),
		  "no external reference");
	cr_assert(!matches(h, "url\\(|@import"), "no CSS fetch");
	cr_assert(strstr(h, "</html>"));
	free(h);
}

Test(html, warnings_and_headline)
{
	char *h = render("basic", NULL);
	cr_assert(strstr(h, "TCG emulation is not hardware virtualization: "
			    "vm1, vm2.</span>"));
	cr_assert(strstr(h, "1-vCPU TCG guest executes no real atomic "
			    "instructions: vm1.</span>"));
	cr_assert(strstr(h, "noisy cell(s) (CV &gt; 5%)"));
	cr_assert(strstr(h, "cell(s) with n &lt; 3"));
	cr_assert(strstr(h, "guest I/O timed out after 30 s"));
	cr_assert(strstr(h, "no hardware PMU: perf_event_open ENOENT"));
	/* vm2 cpu.int: 0.27 [0.21-0.34], the CI excludes 1 -> coloured and
	 * marked ▼ (readable without telling red from green). */
	cr_assert(strstr(h, "<td class=\"worse\"><span class=\"big\">0.27"
			    "</span><span class=\"mark\">▼</span> <span "
			    "class=\"ci\">[0.21–0.34]</span>"),
		  "headline ratio coloured when its CI excludes 1");
	/* Charts present for each section. */
	cr_assert(strstr(h, "cpu.int: ops_per_s vs threads"));
	cr_assert(strstr(h, "Throughput relative to the baseline"));
	cr_assert(strstr(h, "vm2, 2 threads"), "spin histogram per target");
	cr_assert(strstr(h, "io.randread: I/O latency percentiles"));
	cr_assert(strstr(h, "Intel(R) Xeon(R) Platinum 8272CL"), "env table");
	free(h);
}

Test(html, baseline_that_is_a_vm_is_named)
{
	char *h = render("basic", NULL);
	cr_assert(strstr(h, "reference is itself a virtual machine: host "
			    "(KVM).</span>"));
	free(h);
	/* vm1 as baseline: TCG, not bare metal either; host is still named. */
	h = render("basic", "vm1");
	cr_assert(strstr(h, "reference is itself a virtual machine: host "
			    "(KVM), vm1 (TCG).</span>"));
	free(h);
}

Test(html, xss_strings_are_escaped)
{
	char *h = render("xss", NULL);
	cr_assert(!matches(h, "<script"), "a <script> label must be text");
	cr_assert(!matches(h, "<img"), "a note with <img> must be text");
	cr_assert(!matches(h, "<b>bold"), "env values are text");
	cr_assert(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	cr_assert(strstr(h, "&lt;img src=x onerror=alert(1)&gt; &amp; "
			    "&quot;quoted&quot;"));
	free(h);
}

Test(html, axis_formats)
{
	char b[32];
	vp_fmt_axis(1500000, VP_AXIS_NUM, b, sizeof(b));
	cr_assert_str_eq(b, "1.5M");
	vp_fmt_axis(4350, VP_AXIS_NUM, b, sizeof(b));
	cr_assert_str_eq(b, "4350");
	vp_fmt_axis(2500, VP_AXIS_NS, b, sizeof(b));
	cr_assert_str_eq(b, "2.5 µs");
	vp_fmt_axis(200, VP_AXIS_US, b, sizeof(b));
	cr_assert_str_eq(b, "200 µs");
	vp_fmt_axis(3e6, VP_AXIS_NS, b, sizeof(b));
	cr_assert_str_eq(b, "3 ms");
}

/* Defence in depth behind the reader's checks (issue 11 defect 1): the
 * chart code terminates on any double, infinite and NaN included, because
 * every axis loop is bounded by an integer tick count. */
static char *svg_of(int kind, double v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vp_chart c = vp_chart_defaults("t", "x", "y", 300, 200);
	double lo[2] = {32, v / 2}, up[2] = {64, v}, cnt[2] = {3, v};
	double x[2] = {1, 2}, y[2] = {1, v};
	const char *cats[2] = {"a", "b"};
	struct vp_series s = {"s", "#000", 2, x, y, NULL, NULL};
	struct vp_marker m = {"max", v};
	if (kind == 0)
		vp_svg_histogram(f, &c, lo, up, cnt, 2, "#000", &m, 1);
	else if (kind == 1)
		vp_svg_lines(f, &c, &s, 1);
	else {
		c.height = 0;
		c.xlog = kind == 3;
		vp_svg_bars(f, &c, cats, 2, &s, 1);
	}
	fclose(f);
	return buf;
}

Test(html, charts_terminate_on_any_number, .timeout = 20)
{
	const double bad[] = {INFINITY, -INFINITY, NAN, 1e308, 5e-324, 0, -1};
	for (int kind = 0; kind < 4; kind++)
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *h = svg_of(kind, bad[i]);
			cr_assert(strstr(h, "</svg>"), "chart %d, value %g",
				  kind, bad[i]);
			cr_assert(!strstr(h, "nan") && !strstr(h, "inf\""),
				  "chart %d, value %g: non-finite coordinate",
				  kind, bad[i]);
			free(h);
		}
}
