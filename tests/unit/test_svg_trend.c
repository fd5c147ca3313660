/* The trend chart on fixtures: one point per run with a hover title naming
 * run, date and build, the report's run circled, change points drawn
 * between the right runs with their titles, hostile run ids and builds
 * escaped, and no point for values a log axis cannot place. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/svg_trend.h"

static char *render(const struct vp_trend *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(f);
	vp_svg_trend(f, t, 560, 230);
	fclose(f);
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

#define N 30
static struct vp_trend_point pts[N];
static char ids[N][32];

static struct vp_trend fixture(const struct vp_trend_mark *m, size_t nm)
{
	for (size_t i = 0; i < N; i++) {
		snprintf(ids[i], sizeof(ids[i]), "run-%02zu", i + 1);
		pts[i] = (struct vp_trend_point){
		    .run_id = ids[i],
		    .date = "2026-01-02T03:04:05Z",
		    .build = "v1.2-3-gabc",
		    .value = (i < 20 ? 1000.0 : 900.0) + (double)(i % 3),
		    .highlight = i == N - 1};
	}
	return (struct vp_trend){.title = "cpu.int · 1 thread · host",
				 .unit = "ops/s",
				 .ref = 1000,
				 .ref_label = "ratio to the first segment",
				 .n = N,
				 .pts = pts,
				 .nmarks = nm,
				 .marks = m};
}

Test(svg_trend, points_marks_and_titles)
{
	struct vp_trend_mark m = {.at = 20,
				  .label = "▼ -10.0%",
				  .title = "REGRESSION from run-21",
				  .bad = true};
	struct vp_trend t = fixture(&m, 1);
	char *s = render(&t);
	cr_assert(strstr(s, "<svg") && strstr(s, "</svg>"));
	cr_assert_eq(count(s, "<circle"), N);
	cr_assert_eq(count(s, "r=\"5\""), 1, "one circled report run");
	cr_assert(strstr(s, "<title>run run-21, 2026-01-02T03:04:05Z, build "
			    "v1.2-3-gabc: "),
		  "%s", s);
	/* the mark between run 20 and 21: x = 52 + 494 * 20 / 30 */
	char want[64];
	snprintf(want, sizeof(want), "x1=\"%.1f\"", 52 + 494.0 * 20 / 30);
	cr_assert(strstr(s, want), "no mark at %s in %s", want, s);
	cr_assert(strstr(s, "<title>REGRESSION from run-21</title>"));
	cr_assert(strstr(s, "▼ -10.0%"));
	cr_assert(strstr(s, "#a3250f"), "regression in the alarm colour");
	/* two dashed segment levels: before and after the change */
	cr_assert_eq(count(s, "stroke-dasharray"), 2);
	free(s);
}

Test(svg_trend, hostile_strings_escaped)
{
	struct vp_trend_mark m = {.at = 20,
				  .label = "<b>x</b>",
				  .title = "</title><script>alert(1)</script>",
				  .bad = false};
	struct vp_trend t = fixture(&m, 1);
	pts[3].run_id = "<script>alert(\"id\")</script>";
	pts[4].build = "v1 & <img src=x onerror=alert(1)>";
	t.title = "<svg onload=alert(1)>";
	char *s = render(&t);
	cr_assert(!strstr(s, "<script>") && !strstr(s, "<img") &&
		      !strstr(s, "<b>") && !strstr(s, "<svg onload"),
		  "%s", s);
	cr_assert(strstr(s, "&lt;script&gt;alert(&quot;id&quot;)"));
	cr_assert(strstr(s, "v1 &amp; &lt;img"));
	free(s);
}

Test(svg_trend, unplaceable_values_left_out)
{
	struct vp_trend t = fixture(NULL, 0);
	pts[2].value = NAN;
	pts[5].value = 0;
	pts[6].value = -3;
	pts[7].value = INFINITY;
	pts[8].value = 1e300;
	char *s = render(&t);
	cr_assert_eq(count(s, "<circle"), N - 5);
	cr_assert_eq(count(s, "stroke-dasharray"), 1, "one level, no mark");
	free(s);
	/* nothing usable, or no reference: "no data", no loop */
	for (size_t i = 0; i < N; i++)
		pts[i].value = NAN;
	s = render(&t);
	cr_assert(strstr(s, "no data") && !strstr(s, "<circle"));
	free(s);
	t = fixture(NULL, 0);
	t.ref = 0;
	s = render(&t);
	cr_assert(strstr(s, "no data"));
	free(s);
}
