/* signals.h -- SIGINT and SIGTERM for the commands: a scan stops and reports what it has; otherwise (or a second time) no temporary is left and the process dies of the signal. */
#ifndef CD_CMD_SIGNALS_H
#define CD_CMD_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/*
 * Two modes, one handler for both signals:
 *   hard  (every command, from main): the report temporaries still open are removed
 *         (outfile_remove_all_temps) and the process dies of the signal as it would have,
 *         so a shell or a supervisor sees "killed by SIGTERM", and nothing with personal data
 *         stays behind;
 *   soft  (scan, from the start of the command until it returns): the first signal only sets
 *         cmd_signal_stop (the crawl's stop flag): the fetch stops, the partial reports are
 *         written and the exit status is 3. A second signal is hard: the user insists.
 */
extern volatile sig_atomic_t cmd_signal_stop; /* the signal number received in soft mode, or 0 */

void cmd_signals_catch(bool soft);

#endif
