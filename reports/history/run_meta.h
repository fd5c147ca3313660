/* What the history keeps about a run besides its rows: the provenance from
 * env.csv (build, start and end, command line, plan hash), plan.conf's text,
 * the host label, and the parts of the series key that plan.conf decides
 * (a workload's -O options, the plan's conditions of a target). */
#ifndef VP_HISTORY_RUN_META_H
#define VP_HISTORY_RUN_META_H

#include <stddef.h>

#include "reports/csv_read.h"

struct vp_run_meta {
	char run_id[128], host[256], started_utc[32], ended_utc[32];
	char build[128], version[64], plan_hash[32], results_schema[16];
	char source[4096];	   /* the folder, absolute */
	char *command_line, *plan; /* malloc'd */
	char **options;		   /* plan.conf "option = K=V", sorted */
	size_t noptions;
	char conditions[256]; /* "+pin=compact+host-load=1", or "" */
};

/* Fills m from run (loaded) and dir/plan.conf. host_label: NULL for the
 * run's own (env.csv runner_host, else the host target's hostname).
 * 0; -EINVAL with the reason (no plan.conf, no start_utc); -ENOMEM. m is
 * always safe to free. */
int vp_run_meta_read(const struct vp_run *run, const char *dir,
		     const char *host_label, struct vp_run_meta *m, char *err,
		     size_t errlen);
void vp_run_meta_free(struct vp_run_meta *m);
/* The series key's workload: the name, then in brackets the -O options it
 * declares that differ from its defaults ("io.randread[bs=8k]"). */
void vp_run_meta_workload(const struct vp_run_meta *m, const char *workload,
			  char *buf, size_t len);
/* The series key's target: results.csv's target (vmN conditions included)
 * and the plan's conditions that change the machine (pinning, host load). */
void vp_run_meta_target(const struct vp_run_meta *m, const char *target,
			char *buf, size_t len);

#endif
