/* Escaping of untrusted text (every string that comes from a CSV file) for
 * HTML, inline SVG and XML (JUnit): & < > " ' become entities and control
 * characters other than tab and newline become spaces (they are invalid in
 * XML 1.0) and invalid UTF-8 becomes U+FFFD, so a target label like
 * <script> shows as text and the XML stays well-formed. */
#ifndef VP_HTML_ESCAPE_H
#define VP_HTML_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Writes s escaped to f ("" for NULL). */
void vp_html_escape(FILE *f, const char *s);
/* Same into buf (always terminated, cut at a whole entity); returns the
 * length the full result needs, like snprintf. */
size_t vp_html_escape_buf(char *buf, size_t len, const char *s);

/* A malloc'd copy of s that is valid UTF-8 (bad bytes become U+FFFD,
 * other text unchanged), for outputs that must be UTF-8 (JSON). NULL when
 * out of memory. */
char *vp_utf8_dup(const char *s);

#endif
