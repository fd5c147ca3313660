/* Freeing a results-history series set (series.h): the one place that knows
 * which members are owned, so the store, the check and the charts never free
 * a set by hand. */
#include <stdlib.h>

#include "reports/history/series.h"

static void point_free(struct vp_series_point *p)
{
	free(p->run_id);
	free(p->started_utc);
	free(p->build);
}

static void series_free(struct vp_series *s)
{
	for (size_t i = 0; i < s->n; i++)
		point_free(&s->pts[i]);
	free(s->pts);
	free(s->key);
	free(s->host);
	free(s->target);
	free(s->accel);
	free(s->workload);
	free(s->metric);
}

void vp_series_set_free(struct vp_series_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		series_free(&set->s[i]);
	free(set->s);
	free(set);
}
