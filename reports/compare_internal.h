/* Pieces the compare outputs share (compare_out.c: terminal table,
 * compare_md.c: Markdown, compare_junit.c: JUnit XML): formatted figures
 * of a row and the lines that state the method and the outcome, so the
 * three say the same thing. */
#ifndef VP_COMPARE_INTERNAL_H
#define VP_COMPARE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/compare.h"

struct vp_cmp_cells {
	char base[32], new[32], change[16], pw[16], padj[16], pm[16];
};

void vp_cmp_row_cells(const struct vp_cmp_row *r, struct vp_cmp_cells *c);
/* "2 regressed, 1 improved, ..." */
void vp_cmp_summary_line(const struct vp_comparison *c, char *buf, size_t len);
/* "threshold 5%, alpha 0.05, correction holm (Holm step-down (...)) over
 * 183 tested cells" */
void vp_cmp_method_line(const struct vp_comparison *c, char *buf, size_t len);
const char *vp_cmp_run_id(const struct vp_run *r);
/* The caveats of one side (0 BASE, 1 NEW) from its verdicts and its
 * env.csv, e.g. "TCG: vm1, vm2; 2 noisy throughput cells (CV > 5%)"; ""
 * when there are none. */
void vp_cmp_caveats(const struct vp_comparison *c, int side, char *buf,
		    size_t len);
/* Whether a row is listed (changes_only: regressed and improved only). */
bool vp_cmp_listed(const struct vp_comparison *c, const struct vp_cmp_row *r);
/* Writes the file through fill(f, c); 0 or -errno with a message. */
int vp_cmp_write_file(const struct vp_comparison *c, const char *path,
		      void (*fill)(const struct vp_comparison *, FILE *),
		      char *err, size_t errlen);

#endif
