/* main.c -- connect-dupes: argv -> subcommand -> exit code. The only place that exits. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd/commands.h"
#include "cmd/signals.h"
#include "log.h"
#include "result.h"

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	char err[512];
	int code;
	log_init("connect-dupes", LOG_INFO);
	if (cli_toplevel(&cli_program, argc, argv, stdout, stderr, &cmd, &code, err, sizeof err)) {
		if (err[0])
			log_error("%s", err);
		return code;
	}
	cmd_signals_catch(false); /* a signal leaves no temporary behind (scan softens this) */
	enum cd_result r = cmd->run(argc - 2, argv + 2);
	return result_exit_code(r);
}
