/* A growable list of owned strings (dependency walks, module lists). */
#include "runner/util/strlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void vp_strlist_free(struct vp_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int vp_strlist_add(struct vp_strlist *l, const char *s)
{
	char *copy;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		char **nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	l->v[l->n++] = copy;
	return 0;
}

bool vp_strlist_has(const struct vp_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

int vp_strlist_terminate(struct vp_strlist *l)
{
	if (vp_strlist_add(l, "") != 0)
		return -ENOMEM;
	free(l->v[--l->n]);
	l->v[l->n] = NULL;
	return 0;
}
