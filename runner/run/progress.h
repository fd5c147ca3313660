/* Progress on stderr during long runs: step k of n, what runs, elapsed and
 * ETA. On a terminal one line is redrawn; otherwise one line per step so CI
 * logs stay readable. When stderr fails (a reader that went away: EPIPE),
 * printing stops and the run goes on. */
#ifndef VP_PROGRESS_H
#define VP_PROGRESS_H

#define VP_PROGRESS_MAX_LANES 32

struct vp_progress {
	int tty;
	int quiet;
	int total;
	double t_start;
	double step_cost_s; /* planned seconds per step, for the first ETA */
	int drawn;	    /* tty lines on screen */
	int closed;	    /* stderr failed (EPIPE...): print nothing more */
	/* --parallel hosts: a line per host ("lane"). */
	int nlanes;
	int started; /* steps started over all lanes */
	char lane_name[VP_PROGRESS_MAX_LANES][64];
	char lane_text[VP_PROGRESS_MAX_LANES][192];
};

void vp_progress_init(struct vp_progress *p, int total, double step_cost_s,
		      int quiet);
void vp_progress_step(struct vp_progress *p, int step, const char *label);
/* Switches to one line per lane (host), named by names. */
void vp_progress_lanes(struct vp_progress *p, int nlanes,
		       const char *const *names);
/* A step starts in a lane: on a terminal the lanes' lines are redrawn,
 * otherwise one line "[k/n] <host>: label". Not thread-safe: the caller
 * serialises. */
void vp_progress_lane(struct vp_progress *p, int lane, const char *label);
/* A lane has run all its targets: its line says "done". */
void vp_progress_lane_done(struct vp_progress *p, int lane);
/* Prints a message on its own line (clearing a tty progress line). */
void vp_progress_note(struct vp_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vp_progress_done(struct vp_progress *p);

#endif
