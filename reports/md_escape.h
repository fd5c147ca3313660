/* Untrusted text in Markdown (compare's and history check's CI job
 * summaries): every value that comes from a CSV file, a database or the
 * command line is written as a code span, the one Markdown construct whose
 * content is never interpreted, so no link, image, emphasis, raw HTML or
 * autolink can be smuggled in through a run id, folder, target or note. */
#ifndef VP_MD_ESCAPE_H
#define VP_MD_ESCAPE_H

#include <stdbool.h>
#include <stdio.h>

/* s as a code span: fenced by one backtick more than the longest run
 * inside, padded with a space when it starts or ends with a backtick or a
 * space (CommonMark strips one of each), control bytes as spaces; inside
 * a table (in_table) a pipe is escaped as \| (GFM splits cells before
 * parsing inlines, also in code spans). Empty or NULL: nothing (an empty
 * code span does not exist). */
void vp_md_code(FILE *f, const char *s, bool in_table);

#endif
