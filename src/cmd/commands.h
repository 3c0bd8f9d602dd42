/* commands.h -- the subcommands of connect-dupes, one file each under src/cmd/. */
#ifndef CD_CMD_COMMANDS_H
#define CD_CMD_COMMANDS_H

#include "cli.h"

extern const struct cli_cmd cmd_analyze;
extern const struct cli_cmd cmd_apply;
extern const struct cli_cmd cmd_cache;
extern const struct cli_cmd cmd_instances;
extern const struct cli_cmd cmd_plan;
extern const struct cli_cmd cmd_restore;
extern const struct cli_cmd cmd_scan;
extern const struct cli_cmd cmd_whoami;

#endif
