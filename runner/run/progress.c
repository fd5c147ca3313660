/* Progress output (progress.h). */
#include "runner/run/progress.h"

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

/* Erases what is drawn on a terminal: the step line or the lanes. */
static void erase(struct vp_progress *p)
{
	if (!p->tty || !p->drawn || p->closed)
		return;
	if (p->drawn > 1)
		fprintf(stderr, "\r\033[%dA\033[J", p->drawn - 1);
	else
		fputs("\r\033[K", stderr);
	p->drawn = 0;
}

void vp_progress_lanes(struct vp_progress *p, int nlanes,
		       const char *const *names)
{
	if (nlanes > VP_PROGRESS_MAX_LANES)
		nlanes = VP_PROGRESS_MAX_LANES;
	p->nlanes = nlanes;
	for (int i = 0; i < nlanes; i++) {
		snprintf(p->lane_name[i], sizeof(p->lane_name[i]), "%s",
			 names[i]);
		snprintf(p->lane_text[i], sizeof(p->lane_text[i]), "waiting");
	}
}

void vp_progress_lane(struct vp_progress *p, int lane, const char *label)
{
	char el[32], eta[32];
	double elapsed, per;

	if (lane < 0 || lane >= p->nlanes)
		return;
	p->started++;
	if (p->quiet || p->closed)
		return;
	elapsed = vp_now_s() - p->t_start;
	/* Lanes run at once: the pace is steps finished per second overall. */
	per = p->started > 1 ? elapsed / (p->started - 1) : p->step_cost_s;
	format_duration(elapsed, el, sizeof(el));
	format_duration(per * (p->total - p->started + 1), eta, sizeof(eta));
	snprintf(p->lane_text[lane], sizeof(p->lane_text[lane]), "[%d/%d] %s",
		 p->started, p->total, label);
	if (!p->tty) {
		fprintf(stderr, "[%d/%d] %s: %s (elapsed %s, ETA %s)\n",
			p->started, p->total, p->lane_name[lane], label, el,
			eta);
		flush(p);
		return;
	}
	erase(p);
	for (int i = 0; i < p->nlanes; i++)
		fprintf(stderr, "\033[K%-16s %s%s", p->lane_name[i],
			p->lane_text[i], i + 1 < p->nlanes ? "\n" : "");
	fprintf(stderr, "  (elapsed %s, ETA %s)", el, eta);
	p->drawn = p->nlanes;
	flush(p);
}

void vp_progress_lane_done(struct vp_progress *p, int lane)
{
	if (lane >= 0 && lane < p->nlanes)
		snprintf(p->lane_text[lane], sizeof(p->lane_text[lane]),
			 "done");
}

void vp_progress_note(struct vp_progress *p, const char *fmt, ...)
{
	if (p->closed)
		return;
	erase(p);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	flush(p);
}

void vp_progress_done(struct vp_progress *p)
{
	if (!p->closed) {
		erase(p);
		flush(p);
	}
}
