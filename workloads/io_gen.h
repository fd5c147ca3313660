/* Per-thread offset generators of the io.* workloads. Random patterns draw
 * block-aligned offsets uniformly over the whole working set (like fio's
 * randread with norandommap); sequential patterns give each thread its own
 * contiguous region and walk it in order, wrapping at its end, so threads
 * neither collide nor turn each other's streams into random I/O. Header-only
 * and branch-light: next() runs once per I/O. */
#ifndef VP_IO_GEN_H
#define VP_IO_GEN_H

#include <stdbool.h>
#include <stdint.h>

struct vp_io_gen {
	uint64_t base;	  /* byte offset of block 0 of the working set */
	uint64_t bs;	  /* block size */
	uint64_t first;	  /* first block of this thread's range */
	uint64_t nblocks; /* blocks in this thread's range (>= 1) */
	uint64_t next;	  /* sequential: next block within the range */
	uint64_t rng;	  /* random: xorshift64* state (never 0) */
	bool random;
};

/* Working set [base, base + size), size a multiple of bs and >= bs; thread
 * `id` of `nthreads`. `seed` varies the random stream between runs. */
static inline void vp_io_gen_init(struct vp_io_gen *g, bool random,
				  uint64_t base, uint64_t size, uint64_t bs,
				  unsigned id, unsigned nthreads, uint64_t seed)
{
	uint64_t n = size / bs;
	if (nthreads == 0)
		nthreads = 1;
	g->base = base;
	g->bs = bs;
	g->random = random;
	g->next = 0;
	/* splitmix64 of (seed, id): distinct, well-mixed per-thread states */
	uint64_t z = seed + 0x9e3779b97f4a7c15ull * ((uint64_t)id + 1);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	g->rng = z ? z : 0x2545f4914f6cdd1dull;
	if (random) {
		g->first = 0;
		g->nblocks = n;
		return;
	}
	uint64_t lo = n * id / nthreads, hi = n * (id + 1) / nthreads;
	if (hi > lo) {
		g->first = lo;
		g->nblocks = hi - lo;
	} else { /* more threads than blocks: share single blocks */
		g->first = id % n;
		g->nblocks = 1;
	}
}

static inline uint64_t vp_io_gen_next(struct vp_io_gen *g)
{
	uint64_t blk;
	if (g->random) {
		uint64_t x = g->rng;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		g->rng = x;
		x *= 0x2545f4914f6cdd1dull;
		/* Multiply-shift maps x uniformly onto [0, nblocks) without
		 * a division on the hot path. */
		blk = (uint64_t)(((unsigned __int128)x * g->nblocks) >> 64);
	} else {
		blk = g->first + g->next;
		if (++g->next == g->nblocks)
			g->next = 0;
	}
	return g->base + blk * g->bs;
}

#endif
