/* Word wrapping for the terminal (see wrap.h). */
#include "runner/util/wrap.h"

#include <string.h>

void vp_wrap(FILE *f, const char *text, int col, int indent, int width)
{
	int first = 1;
	for (const char *p = text + strspn(text, " \n"); *p; first = 0) {
		size_t n = strcspn(p, " \n");
		/* Keep "1 .. 1000" on one line. */
		while (strncmp(p + n, " .. ", 4) == 0)
			n += 4 + strcspn(p + n + 4, " \n");
		if (!first && col + 1 + (int)n > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, p);
		col += (int)n;
		p += n;
		p += strspn(p, " \n");
	}
	fputc('\n', f);
}
