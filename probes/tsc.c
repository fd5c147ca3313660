/* TSC calibration and monotonic-clock helpers. */
#include "probes/tsc.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

static double ticks_per_ns;
static pthread_once_t calibrate_once = PTHREAD_ONCE_INIT;

static double mono_raw_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#if defined(__x86_64__) || defined(__i386__)
/* One (tsc, ns) pair with the clock read bracketed by two rdtsc; the pair
 * with the tightest bracket is the least disturbed by an interrupt. */
static void sample(uint64_t *tsc, double *ns)
{
	uint64_t best_gap = UINT64_MAX;
	for (int i = 0; i < 5; i++) {
		uint64_t a = vp_rdtsc();
		double t = mono_raw_ns();
		uint64_t b = vp_rdtsc();
		if (b - a < best_gap) {
			best_gap = b - a;
			*tsc = a + (b - a) / 2;
			*ns = t;
		}
	}
}
#endif

static void calibrate(void)
{
#if defined(__x86_64__) || defined(__i386__)
	/* Both clocks measure the same 5 ms interval; the sleep's own length
	 * does not matter, only the read jitter (~100 ns, 2e-5 relative).
	 * Kept short: it is part of every agent's start-up, also in guests. */
	uint64_t c0, c1;
	double t0, t1;
	sample(&c0, &t0);
	struct timespec d = {0, 5 * 1000 * 1000};
	while (nanosleep(&d, &d) == -1 && errno == EINTR)
		;
	sample(&c1, &t1);
	ticks_per_ns = t1 > t0 ? (double)(c1 - c0) / (t1 - t0) : 0;
#else
	ticks_per_ns = 0;
#endif
}

double vp_tsc_ticks_per_ns(void)
{
	pthread_once(&calibrate_once, calibrate);
	return ticks_per_ns;
}

int vp_tsc_available(void)
{
	return vp_tsc_ticks_per_ns() > 0;
}

double vp_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void vp_sleep_s(double s, volatile int *stop)
{
	double end = vp_now_s() + s;
	for (;;) {
		if (stop && *stop)
			return;
		double left = end - vp_now_s();
		if (left <= 0)
			return;
		/* Wake at least every 50 ms to notice Ctrl-C promptly. */
		if (left > 0.05)
			left = 0.05;
		struct timespec d = {
		    (time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
		nanosleep(&d, NULL);
	}
}
