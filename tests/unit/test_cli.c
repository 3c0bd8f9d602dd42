/* test_cli.c -- the table-driven option parser: long, short, =, grouped, --, errors, help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "cmd/common.h"

enum { ID_NAME = 1, ID_QUIET, ID_VERBOSE, ID_OUT };

static const struct cli_opt opts[] = {
	{ "name", 'n', "NAME", ID_NAME, "a name" },
	{ "output", 'o', "DIR", ID_OUT, "a folder" },
	{ "quiet", 'q', NULL, ID_QUIET, "quiet" },
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
	o.rc = cli_parse(opts, 4, argc, (char **)argv, record, o.log, pos, 4, &npos, &o.help, o.err,
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
	struct outcome o = RUN("-n", "bob", "-oDIR", "-qv", "-vn", "carl", "-");
	assert_int_equal(o.rc, CD_OK);
	assert_string_equal(o.log, "1=bob;4=DIR;2=-;3=-;3=-;1=carl;");
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
		cmocka_unit_test(report_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
