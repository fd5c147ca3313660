/* TSC calibration and monotonic-clock helpers. */
#include "probes/tsc.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

static double ticks_per_ns;
static pthread_once_t calibrate_once = PTHREAD_ONCE_INIT;

static double mono_raw_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void calibrate(void)
{
#if defined(__x86_64__) || defined(__i386__)
	/* Best of three 10 ms windows: a preempted window only inflates the
	 * elapsed time on both clocks alike, but a short one is noisier. */
	double best = 0;
	for (int i = 0; i < 3; i++) {
		double t0 = mono_raw_ns();
		uint64_t c0 = vp_rdtsc();
		struct timespec d = {0, 10 * 1000 * 1000};
		while (nanosleep(&d, &d) == -1 && errno == EINTR)
			;
		double t1 = mono_raw_ns();
		uint64_t c1 = vp_rdtsc();
		double rate = (double)(c1 - c0) / (t1 - t0);
		if (rate > best)
			best = rate;
	}
	ticks_per_ns = best;
#else
	ticks_per_ns = 0;
#endif
}

double vp_tsc_ticks_per_ns(void)
{
	pthread_once(&calibrate_once, calibrate);
	return ticks_per_ns;
}

int vp_tsc_available(void) { return vp_tsc_ticks_per_ns() > 0; }

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
		struct timespec d = {(time_t)left,
				     (long)((left - (double)(time_t)left) * 1e9)};
		nanosleep(&d, NULL);
	}
}
