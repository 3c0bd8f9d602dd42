/* commands.h -- the subcommands of connect-dupes, one file each under src/cmd/. */
#ifndef CD_CMD_COMMANDS_H
#define CD_CMD_COMMANDS_H

#include "cli.h"

extern const struct cli_cmd cmd_analyze;
extern const struct cli_cmd cmd_apply;
extern const struct cli_cmd cmd_cache;
extern const struct cli_cmd cmd_explain;
extern const struct cli_cmd cmd_instances;
extern const struct cli_cmd cmd_plan;
extern const struct cli_cmd cmd_restore;
extern const struct cli_cmd cmd_scan;
extern const struct cli_cmd cmd_whoami;

/* Every subcommand in the order of `connect-dupes --help` (src/cmd/commands.c). */
extern const struct cli_cmd *const cli_commands[];
extern const size_t cli_ncommands;
/* The binary as a whole: those commands plus the man page's other sections. */
extern const struct cli_prog cli_program;

#endif
