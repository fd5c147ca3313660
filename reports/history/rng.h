/* The seeded pseudo-random generator of the history check (permutations,
 * bootstrap): xoshiro256** (Blackman & Vigna) seeded through splitmix64,
 * so the same seed gives the same answer on every machine. Not for
 * anything secret. */
#ifndef VP_HISTORY_RNG_H
#define VP_HISTORY_RNG_H

#include <stddef.h>
#include <stdint.h>

struct vp_rng {
	uint64_t s[4];
};

static inline uint64_t vp_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void vp_rng_seed(struct vp_rng *g, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		g->s[i] = vp_splitmix64(&seed);
}

static inline uint64_t vp_rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t vp_rng_next(struct vp_rng *g)
{
	uint64_t *s = g->s, res = vp_rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = vp_rng_rotl(s[3], 45);
	return res;
}

/* Uniform in [0, bound), bound > 0; the modulo bias (bound / 2^64) is far
 * below anything a permutation test resolves. */
static inline size_t vp_rng_below(struct vp_rng *g, size_t bound)
{
	return (size_t)(vp_rng_next(g) % bound);
}

#endif
