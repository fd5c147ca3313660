/* Interned strings (see str_pool.h): an open-addressing hash set of
 * pointers into large blocks that are only ever appended to. */
#include "reports/str_pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MIN (64 * 1024)

struct block {
	struct block *next;
	size_t used, cap;
	char data[];
};

struct slot {
	char *s;
	size_t len;
	uint64_t hash;
};

struct vp_str_pool {
	struct block *blocks;
	struct slot *slots;
	size_t nslots, used; /* nslots a power of two */
};

/* FNV-1a: short strings, no adversary worth more (a hostile file can
 * only make its own import slower). */
static uint64_t hash_of(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

struct vp_str_pool *vp_str_pool_new(void)
{
	struct vp_str_pool *p = calloc(1, sizeof(*p));
	if (p && !(p->slots = calloc(p->nslots = 256, sizeof(*p->slots)))) {
		free(p);
		p = NULL;
	}
	return p;
}

static char *store(struct vp_str_pool *p, const char *s, size_t len)
{
	struct block *b = p->blocks;
	if (!b || b->cap - b->used < len + 1) {
		size_t cap = len + 1 > BLOCK_MIN ? len + 1 : BLOCK_MIN;
		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		*b = (struct block){.next = p->blocks, .cap = cap};
		p->blocks = b;
	}
	char *c = b->data + b->used;
	if (len)
		memcpy(c, s, len);
	c[len] = 0;
	b->used += len + 1;
	return c;
}

static int grow(struct vp_str_pool *p)
{
	size_t n = p->nslots * 2;
	struct slot *t = calloc(n, sizeof(*t));
	if (!t)
		return -1;
	for (size_t i = 0; i < p->nslots; i++) {
		if (!p->slots[i].s)
			continue;
		size_t j = p->slots[i].hash & (n - 1);
		while (t[j].s)
			j = (j + 1) & (n - 1);
		t[j] = p->slots[i];
	}
	free(p->slots);
	p->slots = t;
	p->nslots = n;
	return 0;
}

char *vp_str_pool_intern(struct vp_str_pool *p, const char *s, size_t len)
{
	/* at most half full, so probes stay short; a failed grow only makes
	 * lookups slower until the table is all but full */
	if ((p->used + 1) * 2 > p->nslots && grow(p) &&
	    p->used + 1 >= p->nslots)
		return NULL;
	uint64_t h = hash_of(s, len);
	size_t mask = p->nslots - 1, j = h & mask;
	for (; p->slots[j].s; j = (j + 1) & mask)
		if (p->slots[j].hash == h && p->slots[j].len == len &&
		    !memcmp(p->slots[j].s, s, len))
			return p->slots[j].s;
	char *c = store(p, s, len);
	if (!c)
		return NULL;
	p->slots[j] = (struct slot){.s = c, .len = len, .hash = h};
	p->used++;
	return c;
}

void vp_str_pool_free(struct vp_str_pool *p)
{
	if (!p)
		return;
	for (struct block *b = p->blocks, *n; b; b = n) {
		n = b->next;
		free(b);
	}
	free(p->slots);
	free(p);
}
