/* commands.c -- the subcommand table of connect-dupes (the command layer, outside libcdupes.a). */
#include "cmd/commands.h"

/* Add a subcommand: define `const struct cli_cmd cmd_NAME` in src/cmd/NAME.c, declare it in
 * src/cmd/commands.h and list it here (the order of `connect-dupes --help`). */
const struct cli_cmd *const cli_commands[] = {
	&cmd_scan,
	&cmd_analyze,
	&cmd_plan,
	&cmd_apply,
	&cmd_restore,
	&cmd_cache,
	&cmd_instances,
	&cmd_whoami,
};
const size_t cli_ncommands = CLI_ARRAY_LEN(cli_commands);
