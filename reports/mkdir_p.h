/* mkdir -p: the run folder (runner/run/run_folder.c) and the history
 * database's folder (reports/history/store.c) are created the same way. */
#ifndef VP_MKDIR_P_H
#define VP_MKDIR_P_H

#include <stddef.h>

/* Creates dir and its missing parents (mode 0755). 0, or -errno with the
 * folder that could not be made in failed (len bytes). */
int vp_mkdir_p(const char *dir, char *failed, size_t len);

#endif
