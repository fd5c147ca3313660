/* Entry point of the `history` subcommand (history_cli.c). */
#ifndef VP_HISTORY_CLI_H
#define VP_HISTORY_CLI_H

/* `vpbench history import|list|export|check ...`; argv[0] is "history".
 * Returns the exit code: 0 ok, 1 a regression at the newest run (check),
 * 2 bad usage or bad input. */
int vp_history_main(int argc, char **argv);

#endif
