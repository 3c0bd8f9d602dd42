/* cli.c -- option parser, generated help, man page and completion, subcommand lookup (both binaries). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- "did you mean" ---------------------------------------------------------------------- */

/* Optimal-string-alignment distance (Levenshtein plus adjacent transposition: "--instnace"),
 * on names of at most 63 bytes; longer ones count as far apart. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	enum { MAXN = 64 };
	size_t d[MAXN][MAXN];
	if (la >= MAXN || lb >= MAXN)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* Scores a candidate for a mistyped word: lower is closer, (size_t)-1 is "not close". A word
 * that begins a candidate ("--out" for "--output") is close; otherwise at most one edit per
 * three characters, two at most, as git's help.c judges "similar". */
static size_t closeness(const char *word, size_t len, const char *cand)
{
	size_t lc = strlen(cand);
	if (len >= 2 && len < lc && strncmp(cand, word, len) == 0)
		return lc - len; /* shortest completion first */
	size_t d = edit_distance(word, len, cand, lc);
	size_t max = len / 3 < 2 ? (len >= 3 ? 1 : 0) : 2;
	return d <= max ? 100 + d : (size_t)-1;
}

static const char *suggest_opt(const struct cli_opt *opts, size_t n, const char *word, size_t len)
{
	const char *best = NULL;
	size_t bd = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (CLI_OPT_FLAGS(&opts[i]) & CLI_HIDDEN)
			continue;
		size_t d = closeness(word, len, opts[i].name);
		if (d < bd) {
			bd = d;
			best = opts[i].name;
		}
	}
	size_t dh = closeness(word, len, "help");
	return dh < bd ? "help" : best;
}

const char *cli_suggest_command(const struct cli_cmd *const *cmds, size_t n, const char *name)
{
	const char *best = NULL;
	size_t bd = (size_t)-1, len = strlen(name);
	for (size_t i = 0; i < n; i++) {
		size_t d = closeness(name, len, cmds[i]->name);
		if (d < bd) {
			bd = d;
			best = cmds[i]->name;
		}
	}
	return best;
}

static const struct cli_opt *find_long(const struct cli_opt *opts, size_t n, const char *name,
				       size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && memcmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *opts, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i].short_name == c)
			return &opts[i];
	return NULL;
}

/* A value option given a second time: an error unless it is CLI_REPEAT. */
static enum cd_result once(const struct cli_opt *opts, const struct cli_opt *o,
			   unsigned char *seen, char *err, size_t errlen)
{
	size_t i = (size_t)(o - opts);
	if (!o->arg)
		return CD_OK; /* -v -v: harmless */
	if (seen[i]++ && !(CLI_OPT_FLAGS(o) & CLI_REPEAT)) {
		snprintf(err, errlen, "option '--%s' given twice (it takes one value)", o->name);
		return CD_USAGE;
	}
	return CD_OK;
}

enum cd_result cli_parse(const struct cli_opt *opts, size_t nopts, int argc, char **argv,
			 cli_handler handler, void *ctx, char **pos, size_t max_pos, size_t *npos,
			 bool *help, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	bool only_pos = false;
	unsigned char seen[CLI_MAX_OPTS] = { 0 };
	*npos = 0;
	*help = false;
	if (nopts > CLI_MAX_OPTS) {
		snprintf(err, errlen, "internal error: more than %d options", CLI_MAX_OPTS);
		return CD_INTERNAL;
	}
	for (int i = 0; i < argc && r == CD_OK; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= max_pos) {
				snprintf(err, errlen, "unexpected argument '%s'", a);
				r = CD_USAGE;
				break;
			}
			pos[(*npos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = true;
			break;
		}
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct cli_opt *o = find_long(opts, nopts, name, len);
			if (!o) {
				const char *near = suggest_opt(opts, nopts, name, len);
				if (near)
					snprintf(err, errlen,
						 "unknown option '--%.*s' (did you mean '--%s'?)",
						 (int)len, name, near);
				else
					snprintf(err, errlen, "unknown option '--%.*s'", (int)len,
						 name);
				r = CD_USAGE;
				break;
			}
			const char *val = NULL;
			if (o->arg) {
				if (eq)
					val = eq + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else {
					snprintf(err, errlen, "option '--%s' needs a value (%s)", o->name, o->arg);
					r = CD_USAGE;
					break;
				}
			} else if (eq) {
				snprintf(err, errlen, "option '--%s' takes no value", o->name);
				r = CD_USAGE;
				break;
			}
			if ((r = once(opts, o, seen, err, errlen)) != CD_OK)
				break;
			r = handler(ctx, o->id & CLI_ID_MASK, val, err, errlen);
			continue;
		}
		/* A group of short options: -qv, or -o VALUE / -oVALUE for the last one. */
		for (const char *p = a + 1; *p && r == CD_OK; p++) {
			const struct cli_opt *o = find_short(opts, nopts, *p);
			if (!o) {
				snprintf(err, errlen, "unknown option '-%c'", *p);
				r = CD_USAGE;
				break;
			}
			if (!o->arg) {
				r = handler(ctx, o->id & CLI_ID_MASK, NULL, err, errlen);
				continue;
			}
			const char *val;
			if (p[1])
				val = p + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				snprintf(err, errlen, "option '-%c' needs a value (%s)", *p, o->arg);
				r = CD_USAGE;
				break;
			}
			if ((r = once(opts, o, seen, err, errlen)) != CD_OK)
				break;
			r = handler(ctx, o->id & CLI_ID_MASK, val, err, errlen);
			break;
		}
	}
	return r;
}

/* Writes text folded at spaces to fit `width` columns, continuation lines indented by `indent`
 * (the first line is assumed to start at column `indent`). */
static void print_wrapped(FILE *out, const char *text, size_t indent, size_t width)
{
	size_t col = indent;
	const char *p = text;
	while (*p) {
		size_t w = strcspn(p, " ");
		if (col > indent && col + 1 + w > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)w, p);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

static void print_exits(FILE *out, unsigned exits)
{
	if (!exits)
		return;
	fprintf(out, "\nexit status:\n");
	for (int c = 0; c < 32; c++)
		if (exits & CLI_EXIT(c) && result_exit_meaning(c)) {
			fprintf(out, "  %d  ", c);
			print_wrapped(out, result_exit_meaning(c), 5, 79);
		}
}

void cli_print_help(FILE *out, const char *prog, const struct cli_cmd *cmd)
{
	fprintf(out, "usage: %s %s %s\n", prog, cmd->name, cmd->synopsis ? cmd->synopsis : "");
	fprintf(out, "\n%s\n", cmd->summary);
	if (cmd->description)
		fprintf(out, "\n%s\n", cmd->description);
	if (!cmd->nopts) {
		print_exits(out, cmd->exits);
		return;
	}
	fprintf(out, "\noptions:\n");
	for (size_t i = 0; i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		char left[64];
		if (CLI_OPT_FLAGS(o) & CLI_HIDDEN)
			continue;
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		if (strlen(left) > 30) /* a long metavar: the help on a line of its own */
			fprintf(out, "  %s\n  %-30s %s\n", left, "", o->help);
		else
			fprintf(out, "  %-30s %s\n", left, o->help);
	}
	fprintf(out, "  %-30s %s\n", "-h, --help", "show this help");
	print_exits(out, cmd->exits);
}

void cli_print_commands(FILE *out, const char *prog, const struct cli_cmd *const *cmds, size_t n)
{
	fprintf(out, "usage: %s COMMAND [options]\n\ncommands:\n", prog);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-12s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(out, "\n'%s help COMMAND' (or '%s COMMAND --help') describes a command.\n", prog,
		prog);
}

const struct cli_cmd *cli_find(const struct cli_cmd *const *cmds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cmds[i]->name, name) == 0)
			return cmds[i];
	return NULL;
}

enum cd_result cli_uint(const char *opt, const char *arg, unsigned long long min,
			unsigned long long max, unsigned long long *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (!*arg || *end || errno || arg[0] == '-' || v < min || v > max) {
		snprintf(err, errlen, "option '--%s' takes a whole number from %llu to %llu, not '%s'",
			 opt, min, max, arg);
		return CD_USAGE;
	}
	*out = v;
	return CD_OK;
}

enum cd_result cli_double(const char *opt, const char *arg, double min, double max, double *out,
			  char *err, size_t errlen)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (!*arg || *end || errno || !isfinite(v) || v < min || v > max) {
		snprintf(err, errlen, "option '--%s' takes a number from %g to %g, not '%s'", opt, min,
			 max, arg);
		return CD_USAGE;
	}
	*out = v;
	return CD_OK;
}

enum cd_result cli_output_parse(const char *arg, enum cli_output *out, char *err, size_t errlen)
{
	static const char *const names[] = { "text", "json", "table" };
	for (size_t i = 0; i < CLI_ARRAY_LEN(names); i++)
		if (strcmp(arg, names[i]) == 0) {
			*out = (enum cli_output)i;
			return CD_OK;
		}
	snprintf(err, errlen, "option '--output' takes text, json or table, not '%s'%s", arg,
		 strchr(arg, '/') || strchr(arg, '.') ? " (a file? see --file or --output-dir)" : "");
	return CD_USAGE;
}

static size_t text_cols(const char *s)
{
	size_t c = 0;
	for (; s && *s; s++)
		c += ((unsigned char)*s & 0xC0) != 0x80;
	return c;
}

static void table_rule(FILE *out, const size_t *w, size_t ncols, char corner)
{
	for (size_t c = 0; c < ncols; c++) {
		fputc(corner, out);
		for (size_t i = 0; i < w[c] + 4; i++)
			fputc('-', out);
	}
	fprintf(out, "%c\n", corner);
}

void cli_print_table(FILE *out, const char *title, bool header, size_t ncols,
		     const char *const *cells, size_t ncells)
{
	enum { MAXC = 16 };
	size_t w[MAXC] = { 0 }, total = 0;
	if (ncols == 0 || ncols > MAXC)
		return;
	for (size_t i = 0; i < ncells; i++)
		if (text_cols(cells[i]) > w[i % ncols])
			w[i % ncols] = text_cols(cells[i]);
	for (size_t c = 0; c < ncols; c++)
		total += w[c] + 5;
	total -= 1; /* the inner width between the outer bars */
	size_t tl = text_cols(title);
	if (tl + 4 > total) {
		w[ncols - 1] += tl + 4 - total;
		total = tl + 4;
	}
	for (size_t i = 0; i < total + 2; i++)
		fputc('-', out);
	size_t left = (total - tl) / 2;
	fprintf(out, "\n|%*s%s%*s|\n", (int)left, "", title ? title : "", (int)(total - tl - left), "");
	table_rule(out, w, ncols, '+');
	for (size_t i = 0; i < ncells; i++) {
		const char *v = cells[i] ? cells[i] : "";
		size_t pad = w[i % ncols] - text_cols(v);
		fprintf(out, "|  %s%*s  ", v, (int)pad, "");
		if (i % ncols == ncols - 1) {
			fputs("|\n", out);
			if (header && i == ncols - 1)
				table_rule(out, w, ncols, '+');
		}
	}
	table_rule(out, w, ncols, '+');
}

/* --- the top level of a binary ----------------------------------------------------------- */

bool cli_toplevel(const struct cli_prog *p, int argc, char **argv, FILE *out, FILE *usage,
		  const struct cli_cmd **cmd, int *code, char *err, size_t errlen)
{
	const char *near;
	*cmd = NULL;
	*code = EXIT_COMPLETE;
	err[0] = 0;
	if (argc < 2) {
		cli_print_commands(usage, p->name, p->cmds, p->ncmds);
		*code = EXIT_USAGE;
		return true;
	}
	const char *a = argv[1];
	if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help")) {
		if (argc > 2 && strcmp(a, "help") == 0 && argv[2][0] != '-') {
			const struct cli_cmd *c = cli_find(p->cmds, p->ncmds, argv[2]);
			if (!c)
				goto unknown_help;
			cli_print_help(out, p->name, c);
			return true;
		}
		cli_print_commands(out, p->name, p->cmds, p->ncmds);
		return true;
	}
	if (!strcmp(a, "--version")) {
		fprintf(out, "%s %s\n", p->name, p->version);
		return true;
	}
	if (!strcmp(a, "--help-man")) {
		cli_print_man(out, p);
		return true;
	}
	if (!strcmp(a, "--completion")) {
		if (argc < 3 || cli_print_completion(out, p, argv[2]) != CD_OK) {
			snprintf(err, errlen, "--completion takes bash or zsh");
			*code = EXIT_USAGE;
		}
		return true;
	}
	if ((*cmd = cli_find(p->cmds, p->ncmds, a)))
		return false;
	if (a[0] == '-')
		snprintf(err, errlen, "unknown option '%s' before the command (try '%s --help')", a,
			 p->name);
	else if ((near = cli_suggest_command(p->cmds, p->ncmds, a)))
		snprintf(err, errlen, "unknown command '%s' (did you mean '%s'?)", a, near);
	else
		snprintf(err, errlen, "unknown command '%s' (try '%s --help')", a, p->name);
	*code = EXIT_USAGE;
	return true;
unknown_help:
	near = cli_suggest_command(p->cmds, p->ncmds, argv[2]);
	if (near)
		snprintf(err, errlen, "no help for '%s': not a command (did you mean '%s'?)", argv[2],
			 near);
	else
		snprintf(err, errlen, "no help for '%s': not a command (try '%s --help')", argv[2],
			 p->name);
	*code = EXIT_USAGE;
	return true;
}

/* --- man page ---------------------------------------------------------------------------- */

/* Text for a troff line: backslashes and hyphens escaped (\- is the minus a user types), and a
 * line that would start with '.' or '\'' guarded by \&, so no table text becomes a request. */
static void man_text(FILE *out, const char *s)
{
	bool bol = true;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static void man_upper(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s == '-' ? '-' : toupper((unsigned char)*s), out);
}

/* The free-form descriptions are laid out for an 80-column terminal; in the man page a line
 * that starts with spaces is kept as it is (a small table), the others are refilled. */
static void man_paragraph(FILE *out, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, "\n");
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
		if (line[0] == 0)
			fputs(".PP\n", out);
		else {
			if (line[0] == ' ')
				fputs(".br\n", out);
			man_text(out, line);
			fputc('\n', out);
		}
		p += n + (p[n] == '\n');
	}
}

/* "NAME\tmeaning" lines as tagged paragraphs. */
static void man_tagged(FILE *out, const char *lines, bool bold)
{
	const char *p = lines;
	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *tab = memchr(p, '\t', n);
		char tag[256], text[1024];
		size_t tl = tab ? (size_t)(tab - p) : n;
		snprintf(tag, sizeof tag, "%.*s", (int)(tl < sizeof tag ? tl : sizeof tag - 1), p);
		snprintf(text, sizeof text, "%.*s", tab ? (int)(n - tl - 1) : 0, tab ? tab + 1 : "");
		fprintf(out, ".TP\n%s", bold ? "\\fB" : "");
		man_text(out, tag);
		fprintf(out, "%s\n", bold ? "\\fR" : "");
		man_text(out, text);
		fputc('\n', out);
		p += n + (p[n] == '\n');
	}
}

static void man_opt(FILE *out, const struct cli_opt *o)
{
	fputs(".TP\n", out);
	if (o->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", out);
	man_text(out, o->name);
	fputs("\\fR", out);
	if (o->arg) {
		fputs(" \\fI", out);
		man_text(out, o->arg);
		fputs("\\fR", out);
	}
	fputc('\n', out);
	man_text(out, o->help);
	if (CLI_OPT_FLAGS(o) & CLI_REPEAT && !strstr(o->help, "repeatable"))
		fputs(" (repeatable)", out);
	fputc('\n', out);
}

void cli_print_man(FILE *out, const struct cli_prog *p)
{
	unsigned exits = 0;
	fprintf(out, ".\\\" %s.1 -- generated by '%s --help-man' from its option tables; do not edit.\n",
		p->name, p->name);
	fputs(".TH ", out);
	man_upper(out, p->name);
	fprintf(out, " 1 \"\" \"%s %s\" \"User Commands\"\n", p->name, p->version);
	fputs(".SH NAME\n", out);
	man_text(out, p->name);
	fputs(" \\- ", out);
	man_text(out, p->summary);
	fputs("\n.SH SYNOPSIS\n", out);
	for (size_t i = 0; i < p->ncmds; i++) {
		fprintf(out, "%s\\fB", i ? ".br\n" : "");
		man_text(out, p->name);
		fputs(" ", out);
		man_text(out, p->cmds[i]->name);
		fputs("\\fR ", out);
		man_text(out, p->cmds[i]->synopsis ? p->cmds[i]->synopsis : "");
		fputc('\n', out);
	}
	fputs(".br\n\\fB", out);
	man_text(out, p->name);
	fputs(" help\\fR [\\fICOMMAND\\fR]\n.br\n\\fB", out);
	man_text(out, p->name);
	fputs(" \\-\\-version\\fR\n", out);
	if (p->description) {
		fputs(".SH DESCRIPTION\n", out);
		man_paragraph(out, p->description);
	}
	fputs(".SH COMMANDS\n", out);
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct cli_cmd *c = p->cmds[i];
		exits |= c->exits;
		fputs(".SS \"", out);
		man_text(out, c->name);
		fputs(" ", out);
		man_text(out, c->synopsis ? c->synopsis : "");
		fputs("\"\n", out);
		man_text(out, c->summary);
		fputs(".\n", out);
		if (c->description) {
			fputs(".PP\n", out);
			man_paragraph(out, c->description);
		}
		for (size_t j = 0; j < c->nopts; j++)
			if (!(CLI_OPT_FLAGS(&c->opts[j]) & CLI_HIDDEN))
				man_opt(out, &c->opts[j]);
		fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow this help\n", out);
	}
	if (exits) {
		fputs(".SH EXIT STATUS\n", out);
		for (int code = 0; code < 32; code++)
			if (exits & CLI_EXIT(code) && result_exit_meaning(code)) {
				fprintf(out, ".TP\n\\fB%d\\fR\n", code);
				man_text(out, result_exit_meaning(code));
				fputc('\n', out);
			}
	}
	if (p->environment) {
		fputs(".SH ENVIRONMENT\n", out);
		man_tagged(out, p->environment, true);
	}
	if (p->files) {
		fputs(".SH FILES\n", out);
		man_tagged(out, p->files, false);
	}
	if (p->see_also) {
		fputs(".SH SEE ALSO\n", out);
		man_text(out, p->see_also);
		fputc('\n', out);
	}
}

/* --- shell completion -------------------------------------------------------------------- */

/* A metavar that lists its values ("text|json|table") completes to them; "DIR" to folders;
 * one naming a file to files; anything else to nothing (the user types a value). */
static bool metavar_choices(const char *arg)
{
	if (!strchr(arg, '|'))
		return false;
	for (const char *p = arg; *p; p++)
		if (!islower((unsigned char)*p) && *p != '|' && *p != '-' && !isdigit((unsigned char)*p))
			return false;
	return true;
}

static bool metavar_file(const char *arg)
{
	return strstr(arg, "FILE") || strstr(arg, "PATH");
}

/* The first word of a synopsis when it lists actions ("info|export|prune ..."). */
static size_t synopsis_actions(const char *syn, char *out, size_t outlen)
{
	size_t n = syn ? strcspn(syn, " ") : 0;
	if (!n || n >= outlen)
		return 0;
	snprintf(out, outlen, "%.*s", (int)n, syn);
	return metavar_choices(out) ? n : 0;
}

static void words(FILE *out, const char *choices)
{
	for (const char *p = choices; *p; p++)
		fputc(*p == '|' ? ' ' : *p, out);
}

static void bash_completion(FILE *out, const struct cli_prog *p)
{
	char fn[64], act[128];
	snprintf(fn, sizeof fn, "_%s", p->name);
	for (char *c = fn; *c; c++)
		if (*c == '-')
			*c = '_';
	fprintf(out, "# bash completion for %s -- generated by '%s --completion bash' from its option\n"
		     "# tables; do not edit.\n", p->name, p->name);
	fprintf(out, "%s()\n{\n\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
		     "\tlocal cmd=${COMP_WORDS[1]} opts=\n\tCOMPREPLY=()\n", fn);
	fputs("\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n\t\tCOMPREPLY=($(compgen -W \"", out);
	for (size_t i = 0; i < p->ncmds; i++)
		fprintf(out, "%s ", p->cmds[i]->name);
	fputs("help --help --version\" -- \"$cur\"))\n\t\treturn\n\tfi\n", out);
	fputs("\tcase \"$cmd\" in\n\thelp)\n\t\t[ \"$COMP_CWORD\" -eq 2 ] && COMPREPLY=($(compgen -W \"", out);
	for (size_t i = 0; i < p->ncmds; i++)
		fprintf(out, "%s%s", i ? " " : "", p->cmds[i]->name);
	fputs("\" -- \"$cur\"))\n\t\treturn ;;\n", out);
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct cli_cmd *c = p->cmds[i];
		fprintf(out, "\t%s)\n\t\tcase \"$prev\" in\n", c->name);
		for (size_t j = 0; j < c->nopts; j++) {
			const struct cli_opt *o = &c->opts[j];
			if (!o->arg || CLI_OPT_FLAGS(o) & CLI_HIDDEN)
				continue;
			fprintf(out, "\t\t--%s", o->name);
			if (o->short_name)
				fprintf(out, "|-%c", o->short_name);
			if (metavar_choices(o->arg)) {
				fputs(") COMPREPLY=($(compgen -W \"", out);
				words(out, o->arg);
				fputs("\" -- \"$cur\")); return ;;\n", out);
			} else if (strcmp(o->arg, "DIR") == 0)
				fputs(") COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n", out);
			else if (metavar_file(o->arg))
				fputs(") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", out);
			else
				fputs(") return ;;\n", out);
		}
		fputs("\t\tesac\n\t\topts=\"", out);
		for (size_t j = 0; j < c->nopts; j++)
			if (!(CLI_OPT_FLAGS(&c->opts[j]) & CLI_HIDDEN))
				fprintf(out, "--%s ", c->opts[j].name);
		fputs("--help\"\n", out);
		if (synopsis_actions(c->synopsis, act, sizeof act)) {
			fputs("\t\tif [ \"$COMP_CWORD\" -eq 2 ]; then COMPREPLY=($(compgen -W \"", out);
			words(out, act);
			fputs("\" -- \"$cur\")); return; fi\n", out);
		}
		fputs("\t\t;;\n", out);
	}
	fputs("\t*) return ;;\n\tesac\n", out);
	fputs("\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\telse\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n\tfi\n}\n", out);
	fprintf(out, "complete -o filenames -F %s %s\n", fn, p->name);
}

/* Text inside a single-quoted zsh word, inside [...] of an _arguments spec. */
static void zsh_help(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

static void zsh_opt(FILE *out, const struct cli_opt *o, const char *spelled)
{
	fprintf(out, "\t\t\t'%s%s%s[", CLI_OPT_FLAGS(o) & CLI_REPEAT ? "*" : "", spelled, o->arg &&
		spelled[1] == '-' ? "=" : "");
	zsh_help(out, o->help);
	fputs("]", out);
	if (o->arg) {
		fputs(":", out);
		zsh_help(out, o->arg);
		if (metavar_choices(o->arg)) {
			fputs(":(", out);
			words(out, o->arg);
			fputs(")", out);
		} else if (strcmp(o->arg, "DIR") == 0)
			fputs(":_files -/", out);
		else if (metavar_file(o->arg))
			fputs(":_files", out);
		else
			fputs(": ", out);
	}
	fputs("' \\\n", out);
}

static void zsh_completion(FILE *out, const struct cli_prog *p)
{
	char fn[64], act[128], spelled[80];
	snprintf(fn, sizeof fn, "_%s", p->name);
	for (char *c = fn; *c; c++)
		if (*c == '-')
			*c = '_';
	fprintf(out, "#compdef %s\n# zsh completion for %s -- generated by '%s --completion zsh' from "
		     "its option\n# tables; do not edit.\n", p->name, p->name, p->name);
	fprintf(out, "%s() {\n\tlocal -a cmds\n\tcmds=(\n", fn);
	for (size_t i = 0; i < p->ncmds; i++) {
		fprintf(out, "\t\t'%s:", p->cmds[i]->name);
		zsh_help(out, p->cmds[i]->summary);
		fputs("'\n", out);
	}
	fputs("\t\t'help:describe a command'\n\t)\n", out);
	fputs("\tif (( CURRENT == 2 )); then\n\t\t_describe -t commands command cmds\n\t\treturn\n"
	      "\tfi\n\tlocal cmd=$words[2]\n\tshift words\n\t(( CURRENT-- ))\n\tcase $cmd in\n", out);
	fputs("\thelp) _describe -t commands command cmds ;;\n", out);
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct cli_cmd *c = p->cmds[i];
		fprintf(out, "\t%s)\n\t\t_arguments -s \\\n", c->name);
		for (size_t j = 0; j < c->nopts; j++) {
			const struct cli_opt *o = &c->opts[j];
			if (CLI_OPT_FLAGS(o) & CLI_HIDDEN)
				continue;
			snprintf(spelled, sizeof spelled, "--%s", o->name);
			zsh_opt(out, o, spelled);
			if (o->short_name) {
				snprintf(spelled, sizeof spelled, "-%c", o->short_name);
				zsh_opt(out, o, spelled);
			}
		}
		fputs("\t\t\t'(- *)'{-h,--help}'[show this help]' \\\n", out);
		if (synopsis_actions(c->synopsis, act, sizeof act)) {
			fputs("\t\t\t'1:action:(", out);
			words(out, act);
			fputs(")'\n", out);
		} else
			fputs("\t\t\t'*:file:_files'\n", out);
		fputs("\t\t;;\n", out);
	}
	fprintf(out, "\tesac\n}\n%s \"$@\"\n", fn);
}

enum cd_result cli_print_completion(FILE *out, const struct cli_prog *p, const char *shell)
{
	if (strcmp(shell, "bash") == 0)
		bash_completion(out, p);
	else if (strcmp(shell, "zsh") == 0)
		zsh_completion(out, p);
	else
		return CD_USAGE;
	return CD_OK;
}
