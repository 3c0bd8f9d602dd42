/* test_cli.c -- the table-driven option parser: long, short, =, grouped, --, errors, help, did you mean, repeats; --output; the progress line's fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "cmd/commands.h"
#include "cmd/common.h"
#include "log.h"

enum { ID_NAME = 1, ID_QUIET, ID_VERBOSE, ID_OUT, ID_RATE };

static const struct cli_opt opts[] = {
	{ "name", 'n', "NAME", ID_NAME, "a name" },
	{ "output", 'o', "DIR", ID_OUT, "a folder" },
	{ "quiet", 'q', NULL, ID_QUIET, "quiet" },
	{ "rate", 'r', "N", ID_RATE | CLI_REPEAT, "a rate; repeatable" },
	{ "secret", 0, "S", 6 | CLI_HIDDEN, "hidden" },
	{ "verbose", 'v', NULL, ID_VERBOSE, "verbose" },
};

/* The handler records "id=value;" for each occurrence. */
static enum cd_result record(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	char *log = ctx;
	size_t n = strlen(log);
	snprintf(log + n, 256 - n, "%d=%s;", id, arg ? arg : "-");
	if (arg && strcmp(arg, "bad") == 0) {
		snprintf(err, errlen, "value 'bad' refused");
		return CD_USAGE;
	}
	return CD_OK;
}

struct outcome {
	enum cd_result rc;
	char log[256];
	char pos[256];
	bool help;
	char err[256];
};

static struct outcome run(int argc, const char **argv)
{
	struct outcome o;
	memset(&o, 0, sizeof o);
	char *pos[4];
	size_t npos = 0;
	o.rc = cli_parse(opts, CLI_ARRAY_LEN(opts), argc, (char **)argv, record, o.log, pos, 4, &npos, &o.help, o.err,
			 sizeof o.err);
	for (size_t i = 0; i < npos; i++) {
		size_t n = strlen(o.pos);
		snprintf(o.pos + n, sizeof o.pos - n, "%s|", pos[i]);
	}
	return o;
}

#define RUN(...)                                                          \
	({                                                                \
		const char *argv_[] = { __VA_ARGS__ };                    \
		run((int)(sizeof argv_ / sizeof argv_[0]), argv_);        \
	})

static void long_forms(void **state)
{
	struct outcome o = RUN("--name", "ann", "--output=/tmp/x", "file1", "--quiet", "file2");
	assert_int_equal(o.rc, CD_OK);
	assert_string_equal(o.log, "1=ann;4=/tmp/x;2=-;");
	assert_string_equal(o.pos, "file1|file2|");
	o = RUN("--name=");
	assert_int_equal(o.rc, CD_OK);
	assert_string_equal(o.log, "1=;");
}

static void short_forms(void **state)
{
	struct outcome o = RUN("-n", "bob", "-oDIR", "-qv", "-vr", "carl", "-");
	assert_int_equal(o.rc, CD_OK);
	assert_string_equal(o.log, "1=bob;4=DIR;2=-;3=-;3=-;5=carl;");
	assert_string_equal(o.pos, "-|"); /* a lone "-" is a file name (standard input) */
}

static void double_dash_ends_options(void **state)
{
	struct outcome o = RUN("-q", "--", "--name", "-v");
	assert_int_equal(o.rc, CD_OK);
	assert_string_equal(o.log, "2=-;");
	assert_string_equal(o.pos, "--name|-v|");
}

static void errors(void **state)
{
	struct outcome o = RUN("--nope");
	assert_int_equal(o.rc, CD_USAGE);
	assert_string_equal(o.err, "unknown option '--nope'");
	o = RUN("-x");
	assert_int_equal(o.rc, CD_USAGE);
	assert_string_equal(o.err, "unknown option '-x'");
	o = RUN("--name");
	assert_int_equal(o.rc, CD_USAGE);
	assert_non_null(strstr(o.err, "needs a value"));
	o = RUN("-qn");
	assert_int_equal(o.rc, CD_USAGE);
	assert_non_null(strstr(o.err, "'-n' needs a value"));
	o = RUN("--quiet=yes");
	assert_int_equal(o.rc, CD_USAGE);
	assert_non_null(strstr(o.err, "takes no value"));
	o = RUN("--name", "bad", "--quiet");
	assert_int_equal(o.rc, CD_USAGE);
	assert_string_equal(o.err, "value 'bad' refused");
	assert_string_equal(o.log, "1=bad;"); /* stops at the first error */
	o = RUN("a", "b", "c", "d", "e");
	assert_int_equal(o.rc, CD_USAGE);
	assert_string_equal(o.err, "unexpected argument 'e'");
	o = RUN("--na", "x"); /* no abbreviations: they break when options are added */
	assert_int_equal(o.rc, CD_USAGE);
}

static void did_you_mean(void **state)
{
	struct outcome o = RUN("--nmae", "x"); /* a transposition */
	assert_string_equal(o.err, "unknown option '--nmae' (did you mean '--name'?)");
	o = RUN("--out=x"); /* the beginning of a name */
	assert_string_equal(o.err, "unknown option '--out' (did you mean '--output'?)");
	o = RUN("--verbos");
	assert_string_equal(o.err, "unknown option '--verbos' (did you mean '--verbose'?)");
	o = RUN("--hlep");
	assert_string_equal(o.err, "unknown option '--hlep' (did you mean '--help'?)");
	o = RUN("--secre", "x"); /* never suggests a hidden option */
	assert_string_equal(o.err, "unknown option '--secre'");
	o = RUN("--secret", "x"); /* which still works */
	assert_int_equal(o.rc, CD_OK);
	assert_string_equal(o.log, "6=x;");
	o = RUN("--zzzzzz");
	assert_string_equal(o.err, "unknown option '--zzzzzz'");
	assert_string_equal(cli_suggest_command(cli_commands, cli_ncommands, "scna"), "scan");
	assert_string_equal(cli_suggest_command(cli_commands, cli_ncommands, "analyse"), "analyze");
	assert_string_equal(cli_suggest_command(cli_commands, cli_ncommands, "inst"), "instances");
	assert_null(cli_suggest_command(cli_commands, cli_ncommands, "frobnicate"));
}

static void repeats(void **state)
{
	struct outcome o = RUN("--name", "a", "-n", "b");
	assert_int_equal(o.rc, CD_USAGE);
	assert_string_equal(o.err, "option '--name' given twice (it takes one value)");
	assert_string_equal(o.log, "1=a;"); /* the second never reaches the handler */
	o = RUN("--name=a", "--name=a");
	assert_int_equal(o.rc, CD_USAGE);
	o = RUN("--rate", "1", "-r2", "--rate=3"); /* CLI_REPEAT */
	assert_int_equal(o.rc, CD_OK);
	assert_string_equal(o.log, "5=1;5=2;5=3;");
	o = RUN("-v", "--verbose", "-vv"); /* a repeated flag is harmless */
	assert_int_equal(o.rc, CD_OK);
}

static void output_format(void **state)
{
	enum cli_output f = CLI_OUTPUT_TEXT;
	char err[256];
	assert_int_equal(cli_output_parse("json", &f, err, sizeof err), CD_OK);
	assert_int_equal(f, CLI_OUTPUT_JSON);
	assert_int_equal(cli_output_parse("table", &f, err, sizeof err), CD_OK);
	assert_int_equal(f, CLI_OUTPUT_TABLE);
	assert_int_equal(cli_output_parse("text", &f, err, sizeof err), CD_OK);
	assert_int_equal(f, CLI_OUTPUT_TEXT);
	assert_int_equal(cli_output_parse("JSON", &f, err, sizeof err), CD_USAGE);
	assert_int_equal(cli_output_parse("users.json", &f, err, sizeof err), CD_USAGE);
	assert_non_null(strstr(err, "--file"));
}

static void progress_fit(void **state)
{
	const char *l = "DescribeUser 10/3000 | ETA 1m05s | 12 users/s | 0 throttled";
	assert_int_equal(log_progress_fit(l, 200), strlen(l));
	assert_int_equal(log_progress_fit(l, strlen(l)), strlen(l));
	/* whole fields are dropped from the end */
	assert_int_equal(log_progress_fit(l, strlen(l) - 1), strlen("DescribeUser 10/3000 | ETA 1m05s | 12 users/s"));
	assert_int_equal(log_progress_fit(l, 34), strlen("DescribeUser 10/3000 | ETA 1m05s"));
	assert_int_equal(log_progress_fit(l, 32), strlen("DescribeUser 10/3000 | ETA 1m05s"));
	assert_int_equal(log_progress_fit(l, 31), strlen("DescribeUser 10/3000"));
	/* the first field alone is cut */
	assert_int_equal(log_progress_fit(l, 8), 8);
	/* columns, not bytes: "é" is one column */
	assert_int_equal(log_progress_fit("\xc3\xa9\xc3\xa9\xc3\xa9", 2), 4);
}

static void help_stops(void **state)
{
	struct outcome o = RUN("-q", "--help", "--nope");
	assert_int_equal(o.rc, CD_OK);
	assert_true(o.help);
	o = RUN("-h");
	assert_true(o.help);
}

static void report_options(void **state)
{
	struct pipeline_opts p;
	char err[256];
	cmd_report_opts_init(&p);
	assert_int_equal(p.formats, PIPE_FMT_CSV | PIPE_FMT_JSON | PIPE_FMT_HTML); /* all three by default */
	assert_int_equal(cmd_report_opt(&p, CMD_ID_FORMAT, "json", err, sizeof err), CD_OK);
	assert_int_equal(p.formats, PIPE_FMT_JSON);
	assert_int_equal(cmd_report_opt(&p, CMD_ID_FORMAT, "CSV,json", err, sizeof err), CD_OK);
	assert_int_equal(p.formats, PIPE_FMT_CSV | PIPE_FMT_JSON);
	assert_int_equal(cmd_report_opt(&p, CMD_ID_FORMAT, "csv,,json", err, sizeof err), CD_USAGE);
	assert_int_equal(cmd_report_opt(&p, CMD_ID_FORMAT, "xml", err, sizeof err), CD_USAGE);
	assert_non_null(strstr(err, "'xml'"));
	assert_int_equal(cmd_report_opt(&p, CMD_ID_OUTPUT_DIR, "", err, sizeof err), CD_USAGE);
	assert_int_equal(cmd_report_opt(&p, CMD_ID_QUIET, NULL, err, sizeof err), CD_OK);
	assert_int_equal(p.verbosity, -1);
	assert_int_equal(cmd_report_opt(&p, CMD_ID_VERBOSE, NULL, err, sizeof err), CD_OK);
	assert_int_equal(p.verbosity, 1);
	assert_int_equal(cmd_report_opt(&p, 5, NULL, err, sizeof err), CD_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_forms),
		cmocka_unit_test(short_forms),
		cmocka_unit_test(double_dash_ends_options),
		cmocka_unit_test(errors),
		cmocka_unit_test(help_stops),
		cmocka_unit_test(did_you_mean),
		cmocka_unit_test(repeats),
		cmocka_unit_test(output_format),
		cmocka_unit_test(progress_fit),
		cmocka_unit_test(report_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
