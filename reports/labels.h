/* Target labels of a summary. With one run a target is labelled by its
 * name ("vm2"); when runs merge (a vendor or fleet comparison) by the
 * machine it ran on, from env.csv: "<host name>/<target>", the host name
 * being the `hostname` of the run's host target (or an env key
 * `host_hostname` of any target), else the run folder's name. Runs whose
 * machine names coincide (the same box twice, e.g. a baseline and a new
 * run) fall back to their folder names, and "#k" (the run's position)
 * separates what is still equal. `--label RUN=TEXT` overrides the prefix
 * of one run ("TEXT/<target>"), also for a single run. */
#ifndef VP_LABELS_H
#define VP_LABELS_H

#include <stddef.h>

struct vp_summary;

struct vp_label_override {
	const char *run;  /* a run folder as given, or its base name */
	const char *text; /* the prefix for its targets */
};

/* Parses "RUN=TEXT" (split at the first '='; both parts non-empty).
 * Returns 0 or -EINVAL with a message. */
int vp_label_parse(const char *arg, struct vp_label_override *o, char *err,
		   size_t errlen);

/* Sets s->targets[].label. Returns 0, -EINVAL when an override names none
 * of the runs (err lists them), -ENOMEM. */
int vp_labels_assign(struct vp_summary *s, const struct vp_label_override *o,
		     size_t n, char *err, size_t errlen);

#endif
