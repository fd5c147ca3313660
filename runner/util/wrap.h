/* Word wrapping for the terminal help and listings: text continued from
 * the current column, broken at spaces (the text's own '\n' count as
 * spaces) so that no line passes the width, continuation lines indented.
 * "1 .. 1000" stays on one line. */
#ifndef VP_WRAP_H
#define VP_WRAP_H

#include <stdio.h>

/* Prints text starting at column col (what is already on the line), then
 * a newline; continuation lines start at column indent. */
void vp_wrap(FILE *f, const char *text, int col, int indent, int width);

#endif
