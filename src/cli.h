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
	int id;               /* passed to the handler; may carry CLI_REPEAT / CLI_HIDDEN */
	const char *help;     /* one line */
};

/* Flags or-ed into an option's id (and stripped before the handler sees it): the tables stay
 * five positional fields, so adding a flag never means touching every table. An option that
 * takes a value may be given once, unless it is CLI_REPEAT (--rate API=N for several
 * operations): a second --instance silently replacing the first would surprise. A CLI_HIDDEN
 * option works but is left out of --help, the man page and completion. Ids stay below
 * CLI_ID_MASK. */
#define CLI_REPEAT 0x10000
#define CLI_HIDDEN 0x20000
#define CLI_ID_MASK 0xffff
#define CLI_OPT_FLAGS(o) ((o)->id & ~CLI_ID_MASK)
#define CLI_MAX_OPTS 128 /* options per command (the parser keeps a seen-flag per option) */

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
	unsigned exits;          /* CLI_EXIT(n) bits: the exit codes --help lists; 0: none */
};

#define CLI_EXIT(n) (1u << (n))

/* A binary: its commands plus what its man page says beyond them. The command table is the
 * one source of --help, the man page (cli_print_man) and shell completion (cli_print_completion),
 * so a new command or option shows up in all three. */
struct cli_prog {
	const char *name;        /* "connect-dupes" */
	const char *version;
	const char *summary;     /* NAME line of the man page */
	const char *description; /* paragraphs, blank-line separated */
	const struct cli_cmd *const *cmds;
	size_t ncmds;
	const char *environment; /* "NAME\tmeaning" lines, may be NULL */
	const char *files;       /* "PATH\tmeaning" lines, may be NULL */
	const char *see_also;    /* "aws(1), connect-emu(1)", may be NULL */
};

/* Writes "usage: PROG NAME SYNOPSIS", the description, the option table and the exit codes. */
void cli_print_help(FILE *out, const char *prog, const struct cli_cmd *cmd);
/* Writes the list of subcommands. */
void cli_print_commands(FILE *out, const char *prog, const struct cli_cmd *const *cmds, size_t n);
const struct cli_cmd *cli_find(const struct cli_cmd *const *cmds, size_t n, const char *name);
/* The command name closest to a mistyped one (edit distance), or NULL when none is close. */
const char *cli_suggest_command(const struct cli_cmd *const *cmds, size_t n, const char *name);

/* What the top level of a binary does with argv[1..]: "help [COMMAND]", "--help", "--version",
 * and the hidden "--help-man" (troff man page) and "--completion bash|zsh" that the build uses,
 * printed on `out` (the command list for a bare PROG on `usage`: the library never names
 * stdout or stderr itself).
 * Returns true when argv was one of those (exit code in *code); false: dispatch to a command
 * (then *cmd is set), or an unknown command (*cmd NULL, *code set, error logged by the caller
 * via `err`). */
bool cli_toplevel(const struct cli_prog *p, int argc, char **argv, FILE *out, FILE *usage,
		  const struct cli_cmd **cmd, int *code, char *err, size_t errlen);

/* The man page (troff -man) of a binary: NAME, SYNOPSIS, DESCRIPTION, COMMANDS with every
 * visible option, EXIT STATUS, ENVIRONMENT, FILES, SEE ALSO. */
void cli_print_man(FILE *out, const struct cli_prog *p);
/* A completion script for "bash" or "zsh": commands, then each command's options (and the
 * values of --output / --match style options whose metavar lists them, "text|json|table").
 * CD_USAGE for another shell. */
enum cd_result cli_print_completion(FILE *out, const struct cli_prog *p, const char *shell);

/* What --output selects for standard output: the AWS CLI's convention (a format, never a
 * file; files go to -o/--output-dir or --file). `json` is stable: docs/formats.md. */
enum cli_output { CLI_OUTPUT_TEXT = 0, CLI_OUTPUT_JSON, CLI_OUTPUT_TABLE };
#define CLI_OUTPUT_HELP "what standard output prints: text (default), json or table"
enum cd_result cli_output_parse(const char *arg, enum cli_output *out, char *err, size_t errlen);

/* --output table, drawn like the AWS CLI's: a title bar, then rows of `ncols` cells (cells is
 * row-major, ncells a multiple of ncols; NULL cells print empty). With `header`, the first row
 * is the column names, set off by a rule. Widths are counted in characters, not bytes. */
void cli_print_table(FILE *out, const char *title, bool header, size_t ncols,
		     const char *const *cells, size_t ncells);

/* Value helpers for handlers: parse whole numbers / fractions with range checks; on failure
 * fill err naming the option and return CD_USAGE. */
enum cd_result cli_uint(const char *opt, const char *arg, unsigned long long min,
			unsigned long long max, unsigned long long *out, char *err, size_t errlen);
enum cd_result cli_double(const char *opt, const char *arg, double min, double max, double *out,
			  char *err, size_t errlen);

#define CLI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
