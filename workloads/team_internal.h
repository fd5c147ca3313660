/* The team's insides, shared by team.c (threads and clock) and
 * team_metrics.c (the standard metrics); workloads use team.h only. */
#ifndef VP_TEAM_INTERNAL_H
#define VP_TEAM_INTERNAL_H

#include <pthread.h>

#include "workloads/team.h"

struct vp_team {
	/* Alone on its cache line: every worker polls it, and nothing else
	 * written during a run may share the line. */
	_Atomic int phase __attribute__((aligned(64)));
	struct vp_team_params p __attribute__((aligned(64)));
	double grace_s;
	pthread_barrier_t start;
	pthread_t clock_thread;
	int clock_running;
	struct vp_worker *workers;
	double t_measure_begin, t_measure_end; /* set by the clock thread */
	/* Set by the clock when a worker did not reach `late_stage` in time:
	 * the run's verdict (vp_team_run / vp_team_finish) names it. */
	int late_worker; /* -1: none */
	enum vp_stage late_stage;
	struct vp_hist merged; /* vp_team_merge_hist's result */
};

#endif
