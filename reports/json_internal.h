/* Builders shared by the JSON report files (json_out.c: document, summary
 * cells; json_sections.c: runs, targets, headline, findings). NULL stands
 * for JSON null. */
#ifndef VP_JSON_INTERNAL_H
#define VP_JSON_INTERNAL_H

#include <json-c/json.h>

#include "reports/summary.h"
#include "reports/verdicts.h"

/* A string made valid UTF-8 (NULL: null). */
struct json_object *vp_jstr(const char *s);
/* A number as "%.9g" (what the CSV files hold); not finite: null. */
struct json_object *vp_jnum(double v);
struct json_object *vp_jint(long long v);

struct json_object *vp_json_runs(const struct vp_summary *s);
struct json_object *vp_json_targets(const struct vp_summary *s,
				    const struct vp_verdicts *v);
struct json_object *vp_json_headline(const struct vp_summary *s,
				     const struct vp_verdicts *v);
struct json_object *vp_json_findings(const struct vp_summary *s,
				     const struct vp_verdicts *v);

#endif
