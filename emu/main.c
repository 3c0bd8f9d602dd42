/* main.c -- connect-emu: subcommand dispatch (generate, serve). The only place that exits. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "emu_commands.h"

static const struct cli_cmd *const emu_commands[] = {
	&emu_cmd_generate,
	&emu_cmd_serve,
};

int main(int argc, char **argv)
{
	size_t n = CLI_ARRAY_LEN(emu_commands);
	log_init("connect-emu", LOG_INFO);
	if (argc < 2) {
		cli_print_commands(stderr, "connect-emu", emu_commands, n);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cli_print_commands(stdout, "connect-emu", emu_commands, n);
		return EXIT_COMPLETE;
	}
	const struct cli_cmd *cmd = cli_find(emu_commands, n, argv[1]);
	if (!cmd) {
		log_error("unknown command '%s' (try 'connect-emu --help')", argv[1]);
		return EXIT_USAGE;
	}
	return result_exit_code(cmd->run(argc - 2, argv + 2));
}
