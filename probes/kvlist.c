/* Ordered key/value list for environment facts (env.csv, `vpbench env`). */
#include "probes/envinfo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vp_kvlist_init(struct vp_kvlist *l)
{
	memset(l, 0, sizeof(*l));
}

void vp_kvlist_free(struct vp_kvlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void vp_kvlist_set(struct vp_kvlist *l, const char *key, const char *fmt, ...)
{
	struct vp_kv *e = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			e = &l->v[i];
	if (!e) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 32;
			struct vp_kv *v = realloc(l->v, cap * sizeof(*v));
			if (!v)
				abort(); /* a few KiB; nothing sensible left */
			l->v = v;
			l->cap = cap;
		}
		e = &l->v[l->n++];
		snprintf(e->key, sizeof(e->key), "%s", key);
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->value, sizeof(e->value), fmt, ap);
	va_end(ap);
}

const char *vp_kvlist_get(const struct vp_kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}
