/* analyze.c -- `connect-dupes analyze FILE...`: detection and reports from files, no network. */
#include "cmd/commands.h"
#include "log.h"

/* Placeholder until the analyze path lands (issue 2). */
static enum cd_result analyze_run(int argc, char **argv)
{
	log_error("analyze is not implemented yet");
	return CD_INTERNAL;
}

const struct cli_cmd cmd_analyze = {
	.name = "analyze",
	.synopsis = "FILE... [options]",
	.summary = "find duplicate users in exported JSON files (no network)",
	.run = analyze_run,
};
