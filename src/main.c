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
	log_init("connect-dupes", LOG_INFO);
	if (argc < 2) {
		cli_print_commands(stderr, "connect-dupes", cli_commands, cli_ncommands);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cli_print_commands(stdout, "connect-dupes", cli_commands, cli_ncommands);
		return EXIT_COMPLETE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("connect-dupes %s\n", CD_VERSION);
		return EXIT_COMPLETE;
	}
	const struct cli_cmd *cmd = cli_find(cli_commands, cli_ncommands, argv[1]);
	if (!cmd) {
		log_error("unknown command '%s' (try 'connect-dupes --help')", argv[1]);
		return EXIT_USAGE;
	}
	cmd_signals_catch(false); /* a signal leaves no temporary behind (scan softens this) */
	enum cd_result r = cmd->run(argc - 2, argv + 2);
	return result_exit_code(r);
}
