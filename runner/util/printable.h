/* Text from users, files and guests as it may be shown on a terminal:
 * control bytes (a newline, ESC sequences, NUL) never reach the terminal
 * raw, they are shown as C escapes. */
#ifndef VP_PRINTABLE_H
#define VP_PRINTABLE_H

#include <stddef.h>

/* Copies s into out (len bytes, always NUL-terminated), writing bytes below
 * 0x20 and 0x7f as \n, \t, \r or \xHH. Truncates with "..." when out is too
 * small. Returns out, so it can be used as a printf argument. */
const char *vp_printable(const char *s, char *out, size_t len);

/* Offset of the first control byte (below 0x20, or 0x7f) in s, -1 if none. */
long vp_first_control(const char *s);

#endif
