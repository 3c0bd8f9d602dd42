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

static const struct cli_prog emu_program = {
	.name = "connect-emu",
	.version = CD_VERSION,
	.summary = "a local emulator of the Amazon Connect user APIs, and a generator of instances",
	.description =
		"connect-emu serves the Connect user APIs (SearchUsers, ListUsers, DescribeUser,\n"
		"ListInstances, ...) over HTTP on 127.0.0.1 with the real REST JSON protocol: paths,\n"
		"field names, error shapes, opaque pagination tokens, SigV4 checks, per-API quotas,\n"
		"injected faults and users changing while it serves. The AWS CLI, boto3 and\n"
		"connect-dupes work against it, so everything can be tried and tested without an AWS\n"
		"account. 'generate' writes synthetic instances with planted duplicates and the\n"
		"truth about them.",
	.cmds = emu_commands,
	.ncmds = CLI_ARRAY_LEN(emu_commands),
	.environment =
		"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN\tthe key 'serve' expects, unless given as options",
	.see_also = "connect-dupes(1)",
};

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	char err[512];
	int code;
	log_init("connect-emu", LOG_INFO);
	if (cli_toplevel(&emu_program, argc, argv, stdout, stderr, &cmd, &code, err, sizeof err)) {
		if (err[0])
			log_error("%s", err);
		return code;
	}
	return result_exit_code(cmd->run(argc - 2, argv + 2));
}
