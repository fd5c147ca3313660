/* Lock kind names and cache-line aligned storage for locks and their
 * per-thread nodes (shared by both lock builds). */
#include "workloads/locks.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[VP_LOCK_KINDS] = {
    [VP_LOCK_TAS] = "tas",	 [VP_LOCK_TTAS] = "ttas",
    [VP_LOCK_TICKET] = "ticket", [VP_LOCK_MCS] = "mcs",
    [VP_LOCK_MUTEX] = "mutex",	 [VP_LOCK_HYBRID] = "hybrid",
};

int vp_lock_kind_parse(const char *name)
{
	for (int k = 0; k < VP_LOCK_KINDS; k++)
		if (strcmp(kind_names[k], name) == 0)
			return k;
	return -1;
}

const char *vp_lock_kind_name(enum vp_lock_kind kind)
{
	return (unsigned)kind < VP_LOCK_KINDS ? kind_names[kind] : "unknown";
}

static size_t round_line(size_t n)
{
	return (n + VP_CACHE_LINE - 1) / VP_CACHE_LINE * VP_CACHE_LINE;
}

void *vp_lock_alloc(const struct vp_lock_ops *ops, size_t data_size,
		    void **data)
{
	size_t lock_bytes = round_line(ops->size ? ops->size : 1);
	size_t total = lock_bytes + round_line(data_size ? data_size : 1);
	char *p = aligned_alloc(VP_CACHE_LINE, total);
	if (!p)
		return NULL;
	memset(p, 0, total);
	*data = p + lock_bytes;
	return p;
}

void *vp_lock_nodes_alloc(const struct vp_lock_ops *ops, unsigned n,
			  size_t *stride)
{
	*stride = 0;
	if (!ops->node_size || !n)
		return NULL;
	size_t s = round_line(ops->node_size);
	char *p = aligned_alloc(VP_CACHE_LINE, s * n);
	if (!p)
		return NULL;
	memset(p, 0, s * n);
	*stride = s;
	return p;
}
