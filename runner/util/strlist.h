/* A growable list of owned strings (dependency walks, module lists). */
#ifndef VP_STRLIST_H
#define VP_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

/* A growable list of strings (owned copies). */
struct vp_strlist {
	char **v;
	size_t n, cap;
};

void vp_strlist_free(struct vp_strlist *l);
int vp_strlist_add(struct vp_strlist *l, const char *s);
bool vp_strlist_has(const struct vp_strlist *l, const char *s);
/* Makes l->v a NULL-terminated array (for exec), without counting the
 * NULL; later adds overwrite it. 0 or -ENOMEM. */
int vp_strlist_terminate(struct vp_strlist *l);

#endif
