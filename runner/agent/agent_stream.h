/* The agent stream: how an agent running elsewhere (a guest, an SSH host)
 * sends its output back. Line-oriented CSV records whose first field is a
 * tag:
 *   R,<the 16 results.csv fields>     a result row
 *   B,<n>,<value>                     a bucket row (<family>_bucket_le_<n>,
 *                                     unit count, status ok; the whole
 *                                     metric name is read too) of the step of
 *                                     the R row before it, which must be
 *                                     <family>_hist_sub_buckets or a B of
 *                                     the same family (probes/lat_hist.h
 *                                     writes them in that order). A tenth
 *                                     of an R record's bytes: a step has
 *                                     hundreds, and a guest's serial
 *                                     channel is slow
 *   E,<key>,<value>                   an env.csv fact of this target
 *   P,<step>,<steps>,<label>          progress (step about to run)
 *   M,<step>,<b|e>,<workload>,<threads>,<rep>
 *                                     step mark: the step's run (warm-up
 *                                     and measured window) begins (b) or
 *                                     has ended (e); one record before and
 *                                     one after, never inside the window.
 *                                     The host samples its view of the
 *                                     target there (vm: vCPU threads).
 *   X,<code>,<message>                the agent finished (code 0 = ok)
 * On a vm or libvirt guest's channel, guest init (runner/guest/guest_init.c)
 * adds its own records, read by the target and not by this parser:
 *   V,init,<uptime s>                 init started
 *   V,ready,<uptime s>,<module times> modules loaded, the disk is there
 *   V,warn,<message>                  a problem init saw (env guest_warning)
 *   V,agent-exit,<status text>        how the agent process ended
 *   V,dump,<one agent thread>         state, wchan, syscall, CPU ticks;
 *                                     the answer to a 'D' the host writes
 *                                     to the channel on a run timeout
 * A stream that ends without X means the agent died (panic, timeout, lost
 * connection): the collector marks the remaining steps failed.
 * Unknown tags and noise lines (kernel messages on a shared console) are
 * ignored, so the channel can be a serial port. */
#ifndef VP_AGENT_STREAM_H
#define VP_AGENT_STREAM_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/results_csv.h"
#include "runner/agent/emitter.h"

/* The prefix of guest init's records (above). */
#define VP_GUEST_TAG "V,"

/* An emitter that writes the tagged stream to f, flushing each record but
 * B records, which leave with the record after them. Sets f fully
 * buffered: call it before anything is written to f. */
void vp_stream_emitter_init(struct vp_emitter *e, FILE *f);

struct vp_stream_stats {
	size_t rows;	   /* R records accepted */
	size_t marks;	   /* M records accepted */
	size_t bad_lines;  /* malformed records (reported, skipped) */
	int finished;	   /* X seen */
	int exit_code;	   /* from X */
	char message[256]; /* from X */
	char last_progress[256];
	int last_step, steps;
	/* The R row a B record continues (see above); valid when the last
	 * record was that row or a B after it. */
	struct vp_stream_prev {
		bool valid;
		char family[VP_METRIC_NAME_MAX];
		struct vp_target_info ti;
		char workload[128];
		int threads, rep;
	} prev;
};

/* Parses one line (without the newline) and dispatches to `out`. The
 * row's target fields are taken from the record except run_id and target,
 * which come from `ti` (the host names the target). Returns 1 when the line
 * was a record, 0 when ignored. */
int vp_stream_feed_line(const char *line, const struct vp_target_info *ti,
			struct vp_emitter *out, struct vp_stream_stats *st);
/* Reads f to EOF line by line through vp_stream_feed_line. */
void vp_stream_collect(FILE *f, const struct vp_target_info *ti,
		       struct vp_emitter *out, struct vp_stream_stats *st);

#endif
