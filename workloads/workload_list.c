/* The workload registry built from workload_list.h. */
#include "workloads/workload_list.h"

#include <stdio.h>
#include <string.h>

#define VP_WORKLOAD_PTR(sym) &sym,
static const struct vp_workload *const registry[] = {
    VP_WORKLOADS(VP_WORKLOAD_PTR)};

size_t vp_workload_count(void)
{
	return sizeof(registry) / sizeof(registry[0]);
}

const struct vp_workload *vp_workload_at(size_t i)
{
	return i < vp_workload_count() ? registry[i] : NULL;
}

const struct vp_workload *vp_workload_find(const char *name)
{
	for (size_t i = 0; i < vp_workload_count(); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

void vp_workload_class(const char *name, char *buf, size_t len)
{
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);
	snprintf(buf, len, "%.*s", (int)n, name);
}
