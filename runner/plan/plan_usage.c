/* `vpbench run` flags from the run-key table (plan_keys.h): the getopt
 * arrays and the option part of --help, bounds, choices and defaults
 * included, so the help cannot drift from what the parser accepts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "runner/plan/plan_internal.h"
#include "runner/plan/plan_keys.h"
#include "runner/util/wrap.h"

void vp_plan_keys_getopt(struct option *longopts, size_t n, char *shortopts,
			 size_t len)
{
	size_t o = 0, s = 0;
	if (len > 1)
		shortopts[s++] = ':';
	for (size_t i = 0; vp_plan_keys[i].name && o + 1 < n; i++) {
		const struct vp_plan_key *k = &vp_plan_keys[i];
		int has_arg = k->metavar ? required_argument : no_argument;
		longopts[o++] = (struct option){
		    k->name, has_arg, NULL, k->flag ? k->flag : 256 + (int)i};
		if (k->flag && s + 3 < len) {
			shortopts[s++] = (char)k->flag;
			if (has_arg)
				shortopts[s++] = ':';
		}
	}
	longopts[o] = (struct option){0, 0, 0, 0};
	if (len)
		shortopts[s < len ? s : len - 1] = 0;
}

/* "(1 .. 1000; default 3)", "(auto, kvm or tcg; default auto)". */
static void usage_note(const struct vp_plan_key *k, char *buf, size_t len)
{
	char what[256] = "", lo[32], hi[32];
	if (k->choices) {
		vp_choices_text(k->choices, what, sizeof(what));
	} else if (k->max > k->min) {
		vp_plan_key_bound(k, k->min, lo, sizeof(lo));
		vp_plan_key_bound(k, k->max, hi, sizeof(hi));
		snprintf(what, sizeof(what), "%s%s .. %s",
			 k->type == VP_KEY_CUSTOM ? "each " : "", lo, hi);
	}
	/* A bare flag's default is simply its absence. */
	const char *def = k->metavar ? k->def : NULL;
	buf[0] = 0;
	if (what[0] || def)
		snprintf(buf, len, "(%s%s%s%s)", what,
			 what[0] && def ? "; " : "", def ? "default " : "",
			 def ? def : "");
}

void vp_plan_keys_usage(FILE *f)
{
	for (const struct vp_plan_key *k = vp_plan_keys; k->name; k++) {
		char head[64], note[320], text[1024];
		snprintf(head, sizeof(head), "  %c%c%c --%s%s%s",
			 k->flag ? '-' : ' ', k->flag ? k->flag : ' ',
			 k->flag ? ',' : ' ', k->name, k->metavar ? " " : "",
			 k->metavar ? k->metavar : "");
		usage_note(k, note, sizeof(note));
		snprintf(text, sizeof(text), "%s%s%s", k->help,
			 note[0] ? " " : "", note);
		if (strlen(head) > 24)
			fprintf(f, "%s\n%25s", head, "");
		else
			fprintf(f, "%-25s", head);
		vp_wrap(f, text, 25, 25, 79);
	}
}
