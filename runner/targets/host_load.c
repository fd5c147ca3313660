/* Busy threads for --host-load (see host_load.h). */
#include "runner/targets/host_load.h"

#include <pthread.h>
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

struct vp_host_load *vp_host_load_start(unsigned n, char *err, size_t errlen)
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
		int rc = pthread_create(&l->tids[l->n], NULL, burn, l);
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
