/* Progress on stderr during long runs: step k of n, what runs, elapsed and
 * ETA. On a terminal one line is redrawn; otherwise one line per step so CI
 * logs stay readable. When stderr fails (a reader that went away: EPIPE),
 * printing stops and the run goes on. */
#ifndef VP_PROGRESS_H
#define VP_PROGRESS_H

struct vp_progress {
	int tty;
	int quiet;
	int total;
	double t_start;
	double step_cost_s; /* planned seconds per step, for the first ETA */
	int drawn;	    /* a tty line is on screen */
	int closed;	    /* stderr failed (EPIPE...): print nothing more */
};

void vp_progress_init(struct vp_progress *p, int total, double step_cost_s,
		      int quiet);
void vp_progress_step(struct vp_progress *p, int step, const char *label);
/* Prints a message on its own line (clearing a tty progress line). */
void vp_progress_note(struct vp_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vp_progress_done(struct vp_progress *p);

#endif
