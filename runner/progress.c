/* Progress output (progress.h). */
#include "runner/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "probes/tsc.h"

void vp_progress_init(struct vp_progress *p, int total, double step_cost_s,
		      int quiet)
{
	p->tty = isatty(STDERR_FILENO);
	p->quiet = quiet;
	p->total = total;
	p->t_start = vp_now_s();
	p->step_cost_s = step_cost_s;
	p->drawn = 0;
	p->closed = 0;
}

/* After a failed write the stream is gone for good (a pipe whose reader
 * exited): stop printing rather than fail on every step. */
static void flush(struct vp_progress *p)
{
	if (fflush(stderr) == EOF || ferror(stderr)) {
		p->closed = 1;
		clearerr(stderr);
	}
}

static void format_duration(double s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%luh%02lum%02lus", t / 3600, t / 60 % 60,
			 t % 60);
	else if (t >= 60)
		snprintf(buf, len, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(buf, len, "%lus", t);
}

void vp_progress_step(struct vp_progress *p, int step, const char *label)
{
	if (p->quiet || p->closed)
		return;
	double elapsed = vp_now_s() - p->t_start;
	int done = step - 1;
	/* Observed pace once some steps ran, the plan's pace before. */
	double per = done > 0 ? elapsed / done : p->step_cost_s;
	char el[32], eta[32];
	format_duration(elapsed, el, sizeof(el));
	format_duration(per * (p->total - done), eta, sizeof(eta));
	if (p->tty) {
		fprintf(stderr, "\r\033[K[%d/%d] %s  (elapsed %s, ETA %s)",
			step, p->total, label, el, eta);
		p->drawn = 1;
	} else {
		fprintf(stderr, "[%d/%d] %s (elapsed %s, ETA %s)\n", step,
			p->total, label, el, eta);
	}
	flush(p);
}

void vp_progress_note(struct vp_progress *p, const char *fmt, ...)
{
	if (p->closed)
		return;
	if (p->tty && p->drawn) {
		fputs("\r\033[K", stderr);
		p->drawn = 0;
	}
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	flush(p);
}

void vp_progress_done(struct vp_progress *p)
{
	if (p->tty && p->drawn && !p->closed) {
		fputs("\r\033[K", stderr);
		flush(p);
		p->drawn = 0;
	}
}
