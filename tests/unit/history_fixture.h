/* In-memory results-history series for unit tests (check, trend chart):
 * deterministic noise around a level with an optional relative step. */
#ifndef VP_TEST_HISTORY_FIXTURE_H
#define VP_TEST_HISTORY_FIXTURE_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/series.h"

static inline struct vp_series_set *hf_set(size_t n)
{
	struct vp_series_set *set = calloc(1, sizeof(*set));
	cr_assert(set);
	set->n = n;
	set->s = calloc(n, sizeof(*set->s));
	cr_assert(set->s);
	return set;
}

static inline double hf_unif(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

/* n points around level (relative sd `cv`), times (1 + step) from index
 * `from` on when step != 0; run ids r0001..., dates 2026-01-DD, builds
 * v1 before the step and v2 from it. */
static inline void hf_series(struct vp_series *s, const char *key,
			     const char *workload, const char *metric,
			     int better, size_t n, double level, double cv,
			     uint64_t seed, size_t from, double step)
{
	uint64_t st = seed;
	s->key = strdup(key);
	s->host = strdup("h");
	s->target = strdup("host");
	s->accel = strdup("none");
	s->workload = strdup(workload);
	s->metric = strdup(metric);
	s->threads = 1;
	s->better = better;
	s->n = n;
	s->pts = calloc(n, sizeof(*s->pts));
	cr_assert(s->pts && s->key);
	for (size_t i = 0; i < n; i++) {
		char id[32], date[32];
		double g = sqrt(-2 * log(hf_unif(&st))) *
			   cos(6.283185307179586 * hf_unif(&st));
		snprintf(id, sizeof(id), "r%04zu", i + 1);
		snprintf(date, sizeof(date), "2026-01-%02zuT10:00:00Z",
			 i % 28 + 1);
		s->pts[i].run_id = strdup(id);
		s->pts[i].started_utc = strdup(date);
		s->pts[i].build = strdup(step && i >= from ? "v2" : "v1");
		s->pts[i].median =
		    level * (1 + cv * g) * (step && i >= from ? 1 + step : 1);
		s->pts[i].n = 3;
	}
}

#endif
