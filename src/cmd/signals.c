/* signals.c -- SIGINT and SIGTERM for the commands: stop softly once during a scan, else remove the temporaries and die of the signal. */
#include "cmd/signals.h"

#include <string.h>

#include "outfile.h"

volatile sig_atomic_t cmd_signal_stop;
static volatile sig_atomic_t soft_mode;

static void on_signal(int sig)
{
	if (soft_mode && !cmd_signal_stop) {
		cmd_signal_stop = sig;
		return;
	}
	/* Only async-signal-safe calls from here: unlink(2) in a fixed table, signal, raise. */
	outfile_remove_all_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

void cmd_signals_catch(bool soft)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a wait in the crawl's event loop returns at once and sees the flag. */
	soft_mode = soft;
	cmd_signal_stop = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
