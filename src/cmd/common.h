/* common.h -- the detection and report options shared by `analyze` and `scan`. */
#ifndef CD_CMD_COMMON_H
#define CD_CMD_COMMON_H

#include "cli.h"
#include "cmd/pipeline.h"

/* Option ids 900.. are reserved for these; a command's own ids stay below. Put the entries
 * into the command's option table in sorted position, e.g.
 *   static const struct cli_opt opts[] = { CMD_OPT_CSV_RAW, ..., { "region", ... }, ... };
 * and pass every id to cmd_report_opt first (it answers CD_NOT_FOUND for ids it does not own). */
enum {
	CMD_ID_CSV_RAW = 900,
	CMD_ID_FAIL_ON_DUPLICATES,
	CMD_ID_FORMAT,
	CMD_ID_MATCH,
	CMD_ID_NO_PROGRESS,
	CMD_ID_OUTPUT,
	CMD_ID_OUTPUT_DIR,
	CMD_ID_QUIET,
	CMD_ID_VERBOSE,
	CMD_ID_THRESHOLD,
	CMD_ID_NOT_DUPLICATES,
};

#define CMD_OPT_CSV_RAW \
	{ "csv-raw", 0, NULL, CMD_ID_CSV_RAW, "no ' before CSV cells starting with = + - @ (for tools, not spreadsheets)" }
#define CMD_OPT_FAIL_ON_DUPLICATES \
	{ "fail-on-duplicates", 0, NULL, CMD_ID_FAIL_ON_DUPLICATES, "exit with status 1 when any duplicate pair is found" }
#define CMD_OPT_FORMAT \
	{ "format", 0, "LIST", CMD_ID_FORMAT, "report formats, comma-separated: csv,json,html (default all three)" }
#define CMD_OPT_MATCH \
	{ "match", 0, "classic|standard|thorough", CMD_ID_MATCH, "classic (exact rules only), standard (default: also accents, typos, nicknames, e-mail and phone rules, clusters) or thorough" }
#define CMD_OPT_NO_PROGRESS \
	{ "no-progress", 0, NULL, CMD_ID_NO_PROGRESS, "no live progress line on the terminal" }
#define CMD_OPT_NOT_DUPLICATES \
	{ "not-duplicates", 0, "FILE", CMD_ID_NOT_DUPLICATES, "CSV of reviewed pairs that are NOT duplicates (User1_ID,User2_ID[,Note]): never joined" }
#define CMD_OPT_OUTPUT \
	{ "output", 0, "text|json|table", CMD_ID_OUTPUT, CLI_OUTPUT_HELP }
#define CMD_OPT_OUTPUT_DIR \
	{ "output-dir", 'o', "DIR", CMD_ID_OUTPUT_DIR, "report folder, created 0700 (default ./duplicate_users_output)" }
#define CMD_OPT_QUIET \
	{ "quiet", 'q', NULL, CMD_ID_QUIET, "print nothing but errors" }
#define CMD_OPT_THRESHOLD \
	{ "threshold", 0, "F", CMD_ID_THRESHOLD, "confidence (0..1) from which a pair is a duplicate (default 0.7); lower finds more, with more mistakes" }
#define CMD_OPT_VERBOSE \
	{ "verbose", 'v', NULL, CMD_ID_VERBOSE, "print debugging detail too" }

void cmd_report_opts_init(struct pipeline_opts *o);
/* CD_OK when handled, CD_USAGE (err filled) for a bad value, CD_NOT_FOUND when `id` is not one
 * of the CMD_ID_* above. */
enum cd_result cmd_report_opt(struct pipeline_opts *o, int id, const char *arg, char *err,
			      size_t errlen);
/* Applies -q/-v and --no-progress to the logger; call after parsing. */
void cmd_report_opts_apply(const struct pipeline_opts *o);

/* Parses a command's options with its own table (cmd->opts): on a usage error logs it with a
 * pointer to the command's --help and returns CD_USAGE; on --help prints the help to standard
 * output and sets *help (the command then returns CD_OK). Positional words as cli_parse. */
enum cd_result cmd_parse(const struct cli_cmd *cmd, int argc, char **argv, cli_handler handler,
			 void *ctx, char **pos, size_t max_pos, size_t *npos, bool *help);

#endif
