/* Freeing of a results-history series set (see series.h). */
#include "reports/history/series.h"

#include <stdlib.h>

void vp_series_set_free(struct vp_series_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		struct vp_series *s = &set->s[i];
		for (size_t j = 0; j < s->n; j++) {
			free(s->pts[j].run_id);
			free(s->pts[j].started_utc);
			free(s->pts[j].build);
		}
		free(s->pts);
		free(s->key);
		free(s->host);
		free(s->target);
		free(s->accel);
		free(s->workload);
		free(s->metric);
	}
	free(set->s);
	free(set);
}
