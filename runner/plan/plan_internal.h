/* Private to runner/plan*.c: the CUSTOM run keys of the run-key table
 * (plan_lists.c: comma lists of targets, workloads and threads, repeatable
 * -O options, pinning, counters) and the value helpers they share with the
 * table's generic types (plan_values.c). */
#ifndef VP_PLAN_INTERNAL_H
#define VP_PLAN_INTERNAL_H

#include <stddef.h>

#include "runner/plan/plan_keys.h"

int vp_plan_set_targets(struct vp_plan *p, const struct vp_plan_key *k,
			const char *v, char *err, size_t errlen);
int vp_plan_format_targets(const struct vp_plan *p, const struct vp_plan_key *k,
			   size_t i, char *buf, size_t len);
int vp_plan_set_workloads(struct vp_plan *p, const struct vp_plan_key *k,
			  const char *v, char *err, size_t errlen);
int vp_plan_format_workloads(const struct vp_plan *p,
			     const struct vp_plan_key *k, size_t i, char *buf,
			     size_t len);
int vp_plan_set_vm_cpus(struct vp_plan *p, const struct vp_plan_key *k,
			const char *v, char *err, size_t errlen);
int vp_plan_format_vm_cpus(const struct vp_plan *p,
			   const struct vp_plan_key *k, size_t i, char *buf,
			   size_t len);
int vp_plan_set_parallel(struct vp_plan *p, const struct vp_plan_key *k,
			 const char *v, char *err, size_t errlen);
int vp_plan_format_parallel(const struct vp_plan *p,
			    const struct vp_plan_key *k, size_t i, char *buf,
			    size_t len);
int vp_plan_set_reps(struct vp_plan *p, const struct vp_plan_key *k,
		     const char *v, char *err, size_t errlen);
int vp_plan_format_reps(const struct vp_plan *p, const struct vp_plan_key *k,
			size_t i, char *buf, size_t len);
int vp_plan_set_threads(struct vp_plan *p, const struct vp_plan_key *k,
			const char *v, char *err, size_t errlen);
int vp_plan_format_threads(const struct vp_plan *p, const struct vp_plan_key *k,
			   size_t i, char *buf, size_t len);
int vp_plan_set_option(struct vp_plan *p, const struct vp_plan_key *k,
		       const char *v, char *err, size_t errlen);
int vp_plan_format_option(const struct vp_plan *p, const struct vp_plan_key *k,
			  size_t i, char *buf, size_t len);
int vp_plan_set_counters(struct vp_plan *p, const struct vp_plan_key *k,
			 const char *v, char *err, size_t errlen);
int vp_plan_set_pin(struct vp_plan *p, const struct vp_plan_key *k,
		    const char *v, char *err, size_t errlen);
int vp_plan_format_pin(const struct vp_plan *p, const struct vp_plan_key *k,
		       size_t i, char *buf, size_t len);

/* Shared helpers (plan_values.c). */
/* The char[k->size] field at k->offset; 1 (nothing to write) when empty. */
int vp_plan_format_string(const struct vp_plan *p, const struct vp_plan_key *k,
			  size_t i, char *buf, size_t len);
/* Copies s into a char[k->size] field; -EINVAL when too long. */
int vp_plan_set_string(const struct vp_plan_key *k, char *field, const char *s,
		       char *err, size_t errlen);
/* A whole number within k's bounds; -ERANGE naming them otherwise. */
int vp_plan_parse_uint(const struct vp_plan_key *k, const char *s,
		       unsigned *out, char *err, size_t errlen);
/* A bound of k as shown to users (sizes with suffix). */
void vp_plan_key_bound(const struct vp_plan_key *k, double v, char *buf,
		       size_t len);
/* "KEY: 'V' is not valid; use a, b or c" from k->choices. */
int vp_plan_choice_error(const struct vp_plan_key *k, const char *s, char *err,
			 size_t errlen);

#endif
