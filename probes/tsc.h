/* Time stamp counter helpers for timing lock slow paths cheaply (rdtsc is
 * ~11 ns here against ~1.1 us for a syscall). The rate is calibrated once
 * against CLOCK_MONOTONIC_RAW. */
#ifndef VP_TSC_H
#define VP_TSC_H

#include <stdint.h>

static inline uint64_t vp_rdtsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
#else
	return 0; /* vp_tsc_available() is false here */
#endif
}

/* Calibrates once (about 20 ms) and caches; thread-safe. Ticks per ns. */
double vp_tsc_ticks_per_ns(void);
int vp_tsc_available(void);
/* Monotonic seconds (CLOCK_MONOTONIC). */
double vp_now_s(void);
/* Sleeps for `s` seconds, resuming after signals until the time is up or
 * *stop becomes non-zero (stop may be NULL). */
void vp_sleep_s(double s, volatile int *stop);

#endif
