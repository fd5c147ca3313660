/* Ctrl-C, SIGTERM and SIGHUP set one flag that every long loop polls, so a
 * run stops between steps (or cuts the current window short) and writes
 * what it measured instead of dying mid-row. */
#ifndef VP_STOP_SIGNAL_H
#define VP_STOP_SIGNAL_H

/* Installs the handlers (once); returns the flag they set. */
volatile int *vp_stop_signal_install(void);

#endif
