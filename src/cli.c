/* cli.c -- option parser, generated help text and subcommand lookup, shared by both binaries. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

enum cd_result cli_parse(const struct cli_opt *opts, size_t nopts, int argc, char **argv,
			 cli_handler handler, void *ctx, char **pos, size_t max_pos, size_t *npos,
			 bool *help, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	bool only_pos = false;
	*npos = 0;
	*help = false;
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
				snprintf(err, errlen, "unknown option '--%.*s'", (int)len, name);
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
			r = handler(ctx, o->id, val, err, errlen);
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
				r = handler(ctx, o->id, NULL, err, errlen);
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
			r = handler(ctx, o->id, val, err, errlen);
			break;
		}
	}
	return r;
}

void cli_print_help(FILE *out, const char *prog, const struct cli_cmd *cmd)
{
	fprintf(out, "usage: %s %s %s\n", prog, cmd->name, cmd->synopsis ? cmd->synopsis : "");
	fprintf(out, "\n%s\n", cmd->summary);
	if (cmd->description)
		fprintf(out, "\n%s\n", cmd->description);
	if (!cmd->nopts)
		return;
	fprintf(out, "\noptions:\n");
	for (size_t i = 0; i < cmd->nopts; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		char left[64];
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		fprintf(out, "  %-30s %s\n", left, o->help);
	}
	fprintf(out, "  %-30s %s\n", "-h, --help", "show this help");
}

void cli_print_commands(FILE *out, const char *prog, const struct cli_cmd *const *cmds, size_t n)
{
	fprintf(out, "usage: %s COMMAND [options]\n\ncommands:\n", prog);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-12s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(out, "\n'%s COMMAND --help' describes a command's options.\n", prog);
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
