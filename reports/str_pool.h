/* One copy of each distinct string of a run: results.csv repeats its run
 * id, target, workload, metric and unit on every row, so a run of 100,000
 * rows holds a few hundred distinct strings. Interning them keeps reading
 * (report, compare, history import) from spending its time in malloc and
 * page faults, and the run's memory small. Strings live until the pool is
 * freed; callers must not free or change them. */
#ifndef VP_STR_POOL_H
#define VP_STR_POOL_H

#include <stddef.h>

struct vp_str_pool;

/* An empty pool, or NULL when out of memory. */
struct vp_str_pool *vp_str_pool_new(void);
/* The pool's copy of s[0, len) (NUL-terminated; s may hold no NUL), or
 * NULL when out of memory. */
char *vp_str_pool_intern(struct vp_str_pool *p, const char *s, size_t len);
void vp_str_pool_free(struct vp_str_pool *p);

#endif
