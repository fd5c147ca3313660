/* vpbench report --json: the document parses back (json-c's own parser),
 * holds the summary cells, the headline verdicts with their exclusions and
 * the environments, and stays valid UTF-8 and NaN-free whatever the CSV
 * holds. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/json_out.h"

#include <json-c/json.h>

static char path[] = "/tmp/vp_json_XXXXXX";

static struct json_object *write_and_parse(const char *fixture)
{
	struct vp_run run;
	struct vp_summary s;
	struct vp_verdicts v;
	char err[1024], dir[512];
	snprintf(dir, sizeof(dir), "%s/runs/%s", VP_TEST_DATA, fixture);
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_summary_build(&run, 1, NULL, &s, err, sizeof(err)), 0);
	cr_assert_eq(vp_verdicts_build(&s, &v), 0);
	close(mkstemp(path));
	cr_assert_eq(vp_json_write(&s, &v, path, err, sizeof(err)), 0, "%s",
		     err);
	size_t nonbucket = 0;
	for (size_t i = 0; i < s.ncells; i++)
		nonbucket += !s.cells[i].bucket;
	vp_verdicts_free(&v);
	vp_summary_free(&s);
	vp_run_free(&run);
	struct json_object *doc = json_object_from_file(path);
	cr_assert_not_null(doc, "%s does not parse: %s", path,
			   json_util_get_last_err());
	cr_assert_eq(
	    json_object_array_length(json_object_object_get(doc, "summary")),
	    nonbucket);
	unlink(path);
	return doc;
}

static struct json_object *at(struct json_object *o, const char *dotted)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", dotted);
	for (char *save, *p = strtok_r(buf, ".", &save); p;
	     p = strtok_r(NULL, ".", &save)) {
		char *end;
		long i = strtol(p, &end, 10);
		o = *end ? json_object_object_get(o, p)
			 : json_object_array_get_idx(o, (size_t)i);
		cr_assert_not_null(o, "no %s in the document", dotted);
	}
	return o;
}

Test(json, degenerate_headline_round_trip)
{
	struct json_object *d = write_and_parse("degenerate");
	cr_assert_str_eq(json_object_get_string(at(d, "format")),
			 "vpbench-report");
	cr_assert_eq(json_object_get_int(at(d, "format_version")), 1);
	cr_assert_eq(json_object_get_int(at(d, "headline.cells_excluded")), 6);
	cr_assert_eq(json_object_get_int(at(d, "headline.cells_with_ratio")),
		     8);
	struct json_object *cells = at(d, "headline.cells");
	bool seen = false;
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		if (strcmp(json_object_get_string(at(c, "target")), "vm4") ||
		    strcmp(json_object_get_string(at(c, "workload")),
			   "lock.ticket"))
			continue;
		seen = true;
		cr_assert(fabs(json_object_get_double(at(c, "ratio")) - 42) <
			  1e-6);
		cr_assert(json_object_get_boolean(at(c, "excluded")));
		cr_assert_str_eq(json_object_get_string(at(c, "exclusion")),
				 "baseline_overcommitted");
		cr_assert_str_eq(json_object_get_string(at(c, "caveats.1")),
				 "vcpu_overcommit");
	}
	cr_assert(seen, "vm4 lock.ticket in headline.cells");
	cr_assert_str_eq(
	    json_object_get_string(at(d, "targets.0.environment.hostname")),
	    "benchbox");
	cr_assert_str_eq(json_object_get_string(at(d, "targets.2.caveats.1")),
			 "vcpu_overcommit");
	cr_assert_str_eq(json_object_get_string(at(d, "findings.0.kind")),
			 "tcg");
	json_object_put(d);
}

Test(json, hostile_strings_stay_valid)
{
	/* The xss fixture: markup in labels and notes is plain JSON text. */
	struct json_object *d = write_and_parse("xss");
	struct json_object *t = at(d, "targets.1.label");
	cr_assert_str_eq(json_object_get_string(t),
			 "<script>alert(1)</script>");
	/* Not computable figures are null, not NaN. */
	struct json_object *c = at(d, "summary.0");
	cr_assert(json_object_get_type(at(c, "mean")) == json_type_double ||
		  json_object_get_type(at(c, "mean")) == json_type_int);
	cr_assert_null(json_object_object_get(c, "ratio"));
	json_object_put(d);
}
