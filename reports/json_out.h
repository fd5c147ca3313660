/* `vpbench report --json FILE`: the summary, the verdicts (headline with
 * exclusions, class means, findings), the environment of every target
 * (env.csv, where the runner records provenance: version, build, command
 * line, times...) and each run's provenance (folder, run id, rows, reader
 * warnings, plan.conf) as one JSON document, written with json-c. The
 * layout is documented in reports/README.md; it loads with Python's
 * json.load and flattens with pandas.json_normalize(doc["summary"]). */
#ifndef VP_JSON_OUT_H
#define VP_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/summary.h"
#include "reports/verdicts.h"

#define VP_JSON_FORMAT_VERSION 1

/* Writes the document to path. Returns 0, -ENOMEM or -errno, each with a
 * message. */
int vp_json_write(const struct vp_summary *s, const struct vp_verdicts *v,
		  const char *path, char *err, size_t errlen);
/* The document onto an open stream: 0 or -ENOMEM. */
int vp_json_print(const struct vp_summary *s, const struct vp_verdicts *v,
		  FILE *f);

#endif
