/* Markdown code spans for untrusted text (see md_escape.h); issue 11
 * defect 9 is why compare writes every value this way. */
#include "reports/md_escape.h"

#include <string.h>

/* Longest run of backticks in s. */
static size_t max_ticks(const char *s)
{
	size_t best = 0, run = 0;
	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

void vp_md_code(FILE *f, const char *s, bool in_table)
{
	if (!s || !*s)
		return;
	size_t n = max_ticks(s) + 1, len = strlen(s);
	bool pad = s[0] == '`' || s[len - 1] == '`' || s[0] == ' ' ||
		   s[len - 1] == ' ';
	for (size_t i = 0; i < n; i++)
		fputc('`', f);
	if (pad)
		fputc(' ', f);
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x20 || ch == 0x7f)
			fputc(' ', f);
		else if (ch == '|' && in_table)
			fputs("\\|", f);
		else
			fputc(ch, f);
	}
	if (pad)
		fputc(' ', f);
	for (size_t i = 0; i < n; i++)
		fputc('`', f);
}
