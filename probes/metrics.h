/* Metrics a workload run hands back to the runner: name, value, unit and a
 * status. Kernels never print; the runner turns each entry into one
 * results.csv row. An unavailable or failed entry carries its reason and no
 * value, never a zero in place of a missing figure. */
#ifndef VP_METRICS_H
#define VP_METRICS_H

#include <stdbool.h>
#include <stddef.h>

enum vp_status { VP_STATUS_OK = 0, VP_STATUS_UNAVAILABLE, VP_STATUS_FAILED };

#define VP_METRIC_NAME_MAX 64
#define VP_METRIC_UNIT_MAX 16
#define VP_METRIC_NOTE_MAX 256

struct vp_metric {
	char name[VP_METRIC_NAME_MAX];
	char unit[VP_METRIC_UNIT_MAX];
	double value; /* meaningful only when status == VP_STATUS_OK */
	enum vp_status status;
	char note[VP_METRIC_NOTE_MAX];
};

struct vp_metrics {
	struct vp_metric *v;
	size_t n, cap;
};

void vp_metrics_init(struct vp_metrics *m);
void vp_metrics_free(struct vp_metrics *m);
void vp_metrics_clear(struct vp_metrics *m);
/* Appends an ok value; returns the entry so a note can be added. */
struct vp_metric *vp_metrics_ok(struct vp_metrics *m, const char *name,
				double value, const char *unit);
/* Appends an entry without value; reason is printf-style. */
struct vp_metric *vp_metrics_unavailable(struct vp_metrics *m, const char *name,
					 const char *unit, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
struct vp_metric *vp_metrics_failed(struct vp_metrics *m, const char *name,
				    const char *unit, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const struct vp_metric *vp_metrics_find(const struct vp_metrics *m,
					const char *name);
const char *vp_status_name(enum vp_status s);

/* [-]digits[.digits][e[+-]digits] (the sign only when `sign`), as "%.9g"
 * writes: what results.csv values and the plan's seconds may be. strtod
 * alone would also take "inf", "nan", hex ("0x10" = 16) and blanks. */
bool vp_decimal_syntax(const char *s, bool sign);

/* A step whose measured window ran far past its planned length (the target
 * was stopped or not run: SIGSTOP, a host that paused its guest, a laptop
 * lid, a live migration) keeps its rows `ok` with their values, and each
 * row's note begins with this prefix and the reason. Readers leave such
 * rows out of every statistic: a row is suspended when its status is ok
 * and its note begins with "suspended:" (results.csv contract). */
#define VP_NOTE_SUSPENDED "suspended:"
/* Whether a note marks a suspended step's row. */
int vp_note_is_suspended(const char *note);
/* Marks every ok entry of m from index `first` on: why (which begins with
 * VP_NOTE_SUSPENDED) goes in front of its note. */
void vp_metrics_mark_suspended(struct vp_metrics *m, size_t first,
			       const char *why);
/* Parses "ok" / "unavailable" / "failed"; returns -1 when unknown. */
int vp_status_parse(const char *s, enum vp_status *out);

#endif
