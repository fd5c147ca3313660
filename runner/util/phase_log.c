/* The run's opt-in phase timeline (phase_log.h): one FILE opened on the
 * first event, appended under a mutex, flushed at target and run ends (a
 * flush per line would add a write system call to every row). */
#include "runner/util/phase_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static _Atomic int state; /* 0 not looked up, 1 on, -1 off */

/* Under the lock: the file, or NULL when the log is off. */
static FILE *log_open(void)
{
	if (state == 0) {
		const char *path = getenv("VPBENCH_PHASE_LOG");

		state = -1;
		if (path && *path && (log_file = fopen(path, "ae")))
			state = 1;
		else if (path && *path)
			fprintf(stderr,
				"vpbench: VPBENCH_PHASE_LOG=%s cannot be "
				"opened; no phase log\n",
				path);
	}
	return state > 0 ? log_file : NULL;
}

void vp_phase_log(const char *who, const char *event, const char *detail)
{
	struct timespec ts;
	FILE *f;

	if (state < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	pthread_mutex_lock(&lock);
	if ((f = log_open()))
		fprintf(f, "%lld.%06ld,%s,%s%s%s\n", (long long)ts.tv_sec,
			ts.tv_nsec / 1000, who, event, detail ? "," : "",
			detail ? detail : "");
	pthread_mutex_unlock(&lock);
}

void vp_phase_log_step(const char *who, const char *event, int step)
{
	char buf[16];

	if (state < 0)
		return;
	snprintf(buf, sizeof(buf), "%d", step);
	vp_phase_log(who, event, buf);
}

void vp_phase_log_flush(void)
{
	pthread_mutex_lock(&lock);
	if (state > 0)
		fflush(log_file);
	pthread_mutex_unlock(&lock);
}
