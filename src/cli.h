/* cli.h -- table-driven option parsing, generated help and subcommand lookup (each binary keeps
 * its own subcommand table: src/cmd/commands.c, emu/main.c). */
#ifndef CD_CLI_H
#define CD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "result.h"

/* One option of a subcommand. Tables are kept sorted by long name; --help is generated from
 * them, so help never drifts from behaviour. */
struct cli_opt {
	const char *name;     /* long name without "--" */
	char short_name;      /* 0 when none */
	const char *arg;      /* metavar for an option that takes a value; NULL for a flag */
	int id;               /* passed to the handler */
	const char *help;     /* one line */
};

/* Called once per option occurrence, in command-line order. `arg` is NULL for flags. Fill `err`
 * (one line, lower-case, the failing thing in quotes) and return CD_USAGE to reject it. */
typedef enum cd_result (*cli_handler)(void *ctx, int id, const char *arg, char *err, size_t errlen);

/* Parses argv[0..argc) (argv[0] is the first word after the subcommand). Accepts --name value,
 * --name=value, -x value, -x, grouped short flags (-qv) and "--". Non-option words are stored
 * in order into pos[] (at most max_pos, else a usage error) and counted in *npos. "--help" /
 * "-h" sets *help and stops. */
enum cd_result cli_parse(const struct cli_opt *opts, size_t nopts, int argc, char **argv,
			 cli_handler handler, void *ctx, char **pos, size_t max_pos, size_t *npos,
			 bool *help, char *err, size_t errlen);

/* A subcommand of a binary. */
struct cli_cmd {
	const char *name;
	const char *synopsis;    /* "FILE... [options]" */
	const char *summary;     /* one line for the command list */
	const char *description; /* a paragraph for --help, may be NULL */
	const struct cli_opt *opts;
	size_t nopts;
	enum cd_result (*run)(int argc, char **argv); /* argv after the subcommand name */
};

/* Writes "usage: PROG NAME SYNOPSIS", the description and the option table. */
void cli_print_help(FILE *out, const char *prog, const struct cli_cmd *cmd);
/* Writes the list of subcommands. */
void cli_print_commands(FILE *out, const char *prog, const struct cli_cmd *const *cmds, size_t n);
const struct cli_cmd *cli_find(const struct cli_cmd *const *cmds, size_t n, const char *name);

/* Value helpers for handlers: parse whole numbers / fractions with range checks; on failure
 * fill err naming the option and return CD_USAGE. */
enum cd_result cli_uint(const char *opt, const char *arg, unsigned long long min,
			unsigned long long max, unsigned long long *out, char *err, size_t errlen);
enum cd_result cli_double(const char *opt, const char *arg, double min, double max, double *out,
			  char *err, size_t errlen);

#define CLI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
