/* Busy threads for --host-load (see host_load.h). */
#include "runner/targets/host_load.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vp_host_load {
	_Atomic int stop;
	unsigned n;
	pthread_t *tids;
};

static void *burn(void *arg)
{
	struct vp_host_load *l = arg;
	volatile unsigned long x = 0;
	while (!atomic_load_explicit(&l->stop, memory_order_relaxed))
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i;
	return NULL;
}

struct vp_host_load *vp_host_load_start(unsigned n, const int *pus,
					unsigned npus, char *err, size_t errlen)
{
	if (n == 0)
		return NULL;
	struct vp_host_load *l = calloc(1, sizeof(*l));
	if (!l || !(l->tids = calloc(n, sizeof(pthread_t)))) {
		free(l);
		snprintf(err, errlen, "out of memory for %u load threads", n);
		return NULL;
	}
	for (; l->n < n; l->n++) {
		pthread_attr_t attr;
		cpu_set_t set;
		int rc = pthread_attr_init(&attr);
		if (!rc && npus) {
			/* Pinned before it runs: no burst elsewhere first. */
			CPU_ZERO(&set);
			CPU_SET(pus[l->n % npus], &set);
			rc = pthread_attr_setaffinity_np(&attr, sizeof(set),
							 &set);
		}
		if (!rc)
			rc = pthread_create(&l->tids[l->n], &attr, burn, l);
		pthread_attr_destroy(&attr);
		if (rc) {
			snprintf(err, errlen, "cannot start load thread %u: %s",
				 l->n + 1, strerror(rc));
			vp_host_load_stop(l);
			return NULL;
		}
	}
	return l;
}

void vp_host_load_stop(struct vp_host_load *l)
{
	if (!l)
		return;
	atomic_store(&l->stop, 1);
	for (unsigned i = 0; i < l->n; i++)
		pthread_join(l->tids[i], NULL);
	free(l->tids);
	free(l);
}
