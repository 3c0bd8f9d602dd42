/* emu_commands.h -- the subcommands of connect-emu, one file each under emu/. */
#ifndef CD_EMU_COMMANDS_H
#define CD_EMU_COMMANDS_H

#include "cli.h"

extern const struct cli_cmd emu_cmd_generate;
extern const struct cli_cmd emu_cmd_serve;

#endif
