/* generate.c -- `connect-emu generate`: deterministic synthetic instances with planted duplicates. */
#include "emu_commands.h"
#include "log.h"

/* Placeholder until the generator lands (issue 2). */
static enum cd_result generate_run(int argc, char **argv)
{
	log_error("generate is not implemented yet");
	return CD_INTERNAL;
}

const struct cli_cmd emu_cmd_generate = {
	.name = "generate",
	.synopsis = "--users N --seed S [--dup-rate F] --out FILE [--truth FILE]",
	.summary = "write a synthetic instance with planted duplicates",
	.run = generate_run,
};
