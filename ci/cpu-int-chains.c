/* Why cpu.int is one dependency chain (ci/bench-cpu-int-chains.sh): the
 * same xorshift-multiply-rotate op as four independent chains (the old
 * cpu.int, bound by the throughput of the core's execution ports) and as
 * one chain (today's, bound by instruction latency), next to a
 * sysbench-like prime search (trial division), alternated in windows of
 * WINDOW seconds within one process so that every kernel sees the same
 * machine. Prints one line per round: the three rates. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static void four_chains(uint64_t s[4])
{
	uint64_t a = s[0], b = s[1], c = s[2], d = s[3];
	for (int i = 0; i < 32; i++) {
		a ^= a >> 32;
		b ^= b >> 32;
		c ^= c >> 32;
		d ^= d >> 32;
		a = rotl64(a * 0x9E3779B97F4A7C15ull, 23);
		b = rotl64(b * 0xBF58476D1CE4E5B9ull, 29);
		c = rotl64(c * 0x94D049BB133111EBull, 31);
		d = rotl64(d * 0xD6E8FEB86659FD93ull, 37);
	}
	__asm__ __volatile__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
	s[0] = a;
	s[1] = b;
	s[2] = c;
	s[3] = d;
}

static void one_chain(uint64_t s[4])
{
	uint64_t a = s[0];
	for (int i = 0; i < 32; i++) {
		a ^= a >> 32;
		a = rotl64(a * 0x9E3779B97F4A7C15ull, 23);
	}
	__asm__ __volatile__("" : "+r"(a));
	s[0] = a;
}

/* sysbench cpu's event: the primes below 10000 by trial division. */
static void primes(uint64_t s[4])
{
	uint64_t n = 0;
	for (uint64_t c = 3; c < 10000; c++) {
		uint64_t l, lim = (uint64_t)sqrt((double)c);
		for (l = 2; l <= lim; l++)
			if (c % l == 0)
				break;
		n += l > lim;
	}
	__asm__ __volatile__("" : "+r"(n));
	s[3] += n;
}

int main(int argc, char **argv)
{
	static void (*const kernel[3])(uint64_t *) = {four_chains, one_chain,
						      primes};
	static const int batch[3] = {64, 64, 1};
	double window = argc > 1 ? atof(argv[1]) : 0.04;
	int rounds = argc > 2 ? atoi(argv[2]) : 500;
	uint64_t s[4] = {1, 2, 3, 4};

	if (window <= 0 || rounds < 1) {
		fprintf(stderr, "usage: cpu-int-chains [WINDOW_S [ROUNDS]]\n");
		return 2;
	}
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < 3; k++) {
			double t0 = now(), t;
			uint64_t ops = 0;
			do {
				for (int i = 0; i < batch[k]; i++)
					kernel[k](s);
				ops += (uint64_t)batch[k];
				t = now();
			} while (t - t0 < window);
			printf("%.1f%c", (double)ops / (t - t0),
			       k == 2 ? '\n' : ' ');
		}
	return (int)(s[0] & s[3] & 0);
}
