/* common.c -- parsing and applying the detection and report options of analyze and scan. */
#include "cmd/common.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "detect/notdup.h"
#include "log.h"

/* The --format names. A format whose writer is not built yet is refused rather than silently
 * skipped, so a script asking for it learns at once. */
static const struct {
	const char *name;
	unsigned bit;
	bool available;
} formats[] = {
	{ "csv", PIPE_FMT_CSV, true },
	{ "json", PIPE_FMT_JSON, true },
	{ "html", PIPE_FMT_HTML, true },
};

static enum cd_result parse_formats(const char *arg, unsigned *out, char *err, size_t errlen)
{
	unsigned bits = 0;
	const char *p = arg;
	for (;;) {
		size_t n = strcspn(p, ",");
		size_t i;
		for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
			if (strlen(formats[i].name) == n && strncasecmp(p, formats[i].name, n) == 0)
				break;
		if (n == 0 || i == sizeof formats / sizeof formats[0]) {
			snprintf(err, errlen, "unknown report format '%.*s' in '--format %s' (csv, json, html)",
				 (int)n, p, arg);
			return CD_USAGE;
		}
		if (!formats[i].available) {
			snprintf(err, errlen, "report format '%s' is not available in this version",
				 formats[i].name);
			return CD_USAGE;
		}
		bits |= formats[i].bit;
		if (!p[n])
			break;
		p += n + 1;
	}
	*out = bits;
	return CD_OK;
}

void cmd_report_opts_init(struct pipeline_opts *o)
{
	memset(o, 0, sizeof *o);
	o->output_dir = NULL;
	/* HTML too by default: auditors open it in a browser; the CSV/JSON are for spreadsheets
	 * and tools. --format csv,json gives exactly the earlier tools' file set. */
	o->formats = PIPE_FMT_CSV | PIPE_FMT_JSON | PIPE_FMT_HTML;
	match_opts_init(&o->match, MATCH_STANDARD);
}

enum cd_result cmd_report_opt(struct pipeline_opts *o, int id, const char *arg, char *err,
			      size_t errlen)
{
	switch (id) {
	case CMD_ID_CSV_RAW:
		o->csv_raw = true;
		return CD_OK;
	case CMD_ID_FAIL_ON_DUPLICATES:
		o->fail_on_duplicates = true;
		return CD_OK;
	case CMD_ID_FORMAT:
		return parse_formats(arg, &o->formats, err, errlen);
	case CMD_ID_MATCH: {
		enum match_mode m;
		if (match_mode_parse(arg, &m) != CD_OK) {
			snprintf(err, errlen, "unknown match mode '%s' in '--match' (classic, standard, thorough)",
				 arg);
			return CD_USAGE;
		}
		double th = o->match.threshold;
		match_opts_init(&o->match, m);
		o->match.threshold = th; /* --threshold may come first */
		if (o->match.possible > th)
			o->match.possible = th;
		return CD_OK;
	}
	case CMD_ID_THRESHOLD: {
		double th;
		enum cd_result rc = cli_double("threshold", arg, 0.01, 1.0, &th, err, errlen);
		if (rc == CD_OK) {
			o->match.threshold = th;
			if (o->match.possible > th)
				o->match.possible = th; /* the "possible" band stays below the threshold */
		}
		return rc;
	}
	case CMD_ID_NOT_DUPLICATES: {
		/* read now so a bad file is an error before a long scan, not after it */
		struct notdup *n = NULL;
		enum cd_result rc = notdup_load(arg, &n, err, errlen);
		notdup_free(n);
		if (rc == CD_OK)
			o->not_duplicates = arg;
		return rc == CD_NOMEM ? rc : rc == CD_OK ? CD_OK : CD_USAGE;
	}
	case CMD_ID_NO_PROGRESS:
		o->no_progress = true;
		return CD_OK;
	case CMD_ID_OUTPUT:
		return cli_output_parse(arg, &o->output, err, errlen);
	case CMD_ID_OUTPUT_DIR:
		if (!*arg) {
			snprintf(err, errlen, "option '--output-dir' needs a folder name");
			return CD_USAGE;
		}
		o->output_dir = arg;
		return CD_OK;
	case CMD_ID_QUIET:
		o->verbosity = -1;
		return CD_OK;
	case CMD_ID_VERBOSE:
		o->verbosity = 1;
		return CD_OK;
	}
	return CD_NOT_FOUND;
}

void cmd_report_opts_apply(const struct pipeline_opts *o)
{
	log_set_console_level(o->verbosity < 0 ? LOG_ERROR : o->verbosity > 0 ? LOG_DEBUG : LOG_INFO);
	log_progress_enable(!o->no_progress && o->verbosity >= 0 && isatty(STDERR_FILENO));
}

enum cd_result cmd_parse(const struct cli_cmd *cmd, int argc, char **argv, cli_handler handler,
			 void *ctx, char **pos, size_t max_pos, size_t *npos, bool *help)
{
	char err[1024];
	*help = false;
	enum cd_result rc = cli_parse(cmd->opts, cmd->nopts, argc, argv, handler, ctx, pos, max_pos,
				      npos, help, err, sizeof err);
	if (rc != CD_OK)
		log_error("%s (try 'connect-dupes %s --help')", err, cmd->name);
	else if (*help)
		cli_print_help(stdout, "connect-dupes", cmd);
	return rc;
}
