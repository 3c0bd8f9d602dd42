/* test_pipeline.c -- pipeline_run: result codes, partial runs (failed_users csv), files and modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmd/pipeline.h"
#include "log.h"

static char base[] = "/tmp/cdtest_pipe.XXXXXX";

static int setup(void **state)
{
	log_init("test", LOG_ERROR);
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", base);
	return system(cmd);
}

static void two_users(struct user_set *s, bool dup)
{
	user_set_init(s);
	struct user_fields a = { .id = "a", .username = "ann", .email = "ann@x.com",
				 .first_name = "Ann", .last_name = "Lee" };
	struct user_fields b = { .id = "b", .username = "bob", .email = dup ? "ANN@x.com" : "b@x.com",
				 .first_name = "Bob", .last_name = "Ray" };
	assert_int_equal(user_set_add(s, &a), CD_OK);
	assert_int_equal(user_set_add(s, &b), CD_OK);
}

static void opts_in(struct pipeline_opts *o, const char *dir)
{
	memset(o, 0, sizeof *o); /* classic matching, csv+json */
	o->output_dir = dir;
}

static char *read_file(const char *dir, const char *prefix, const char *ts, const char *ext)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s_%s.%s", dir, prefix, ts, ext);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char data[8192];
	size_t n = fread(data, 1, sizeof data - 1, f);
	data[n] = '\0';
	struct stat st;
	fstat(fileno(f), &st);
	fclose(f);
	assert_int_equal(st.st_mode & 0777, 0600);
	return data;
}

static void result_codes(void **state)
{
	struct user_set s;
	struct pipeline_opts o;
	struct pipeline_result res;
	char dir[256];

	two_users(&s, true);
	snprintf(dir, sizeof dir, "%s/r1", base);
	opts_in(&o, dir);
	assert_int_equal(pipeline_run(&s, &o, NULL, &res), CD_OK);
	assert_int_equal(res.pairs[RULE_EMAIL], 1);
	o.fail_on_duplicates = true;
	assert_int_equal(pipeline_run(&s, &o, NULL, &res), CD_DUPLICATES);
	char *csv = read_file(dir, "duplicate_users", res.ts, "csv");
	assert_non_null(csv);
	assert_non_null(strstr(csv, "a,ann,ann@x.com,Ann,Lee,b,bob,ANN@x.com,Bob,Ray,Duplicate email: ann@x.com\r\n"));
	assert_null(read_file(dir, "failed_users", res.ts, "csv")); /* only for partial runs */
	user_set_release(&s);

	two_users(&s, false);
	assert_int_equal(pipeline_run(&s, &o, NULL, &res), CD_OK); /* no pairs: 0 even with the flag */
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	user_set_release(&s);
}

static void partial_runs(void **state)
{
	struct user_set s;
	struct pipeline_opts o;
	struct pipeline_result res;
	char dir[256];
	const struct scan_failure failed[] = {
		{ "u-9", "DescribeUser", "HTTP 503 (ServiceUnavailableException) after 8 attempts" },
		{ "u-10", "DescribeUser", "=cmd, with a comma" },
	};
	struct scan_facts facts = { .source = "instance i-1", .partial = true, .failed = failed,
				    .nfailed = 2 };
	two_users(&s, true);
	snprintf(dir, sizeof dir, "%s/r2", base);
	opts_in(&o, dir);
	o.fail_on_duplicates = true; /* incomplete wins over duplicates */
	assert_int_equal(pipeline_run(&s, &o, &facts, &res), CD_INCOMPLETE);
	char *f = read_file(dir, "failed_users", res.ts, "csv");
	assert_non_null(f);
	assert_string_equal(f, "User_ID,Operation,Error\r\n"
			       "u-9,DescribeUser,HTTP 503 (ServiceUnavailableException) after 8 attempts\r\n"
			       "u-10,DescribeUser,\"'=cmd, with a comma\"\r\n");
	char *log = read_file(dir, "scan_log", res.ts, "log");
	assert_non_null(log);
	assert_non_null(strstr(log, "missing user 'u-10': DescribeUser failed"));
	assert_non_null(strstr(log, "PARTIAL"));
	user_set_release(&s);
}

static void formats(void **state)
{
	struct user_set s;
	struct pipeline_opts o;
	struct pipeline_result res;
	char dir[256];
	two_users(&s, false);
	snprintf(dir, sizeof dir, "%s/r3", base);
	opts_in(&o, dir);
	o.formats = PIPE_FMT_JSON;
	assert_int_equal(pipeline_run(&s, &o, NULL, &res), CD_OK);
	assert_null(read_file(dir, "all_users", res.ts, "csv"));
	char *j = read_file(dir, "all_users", res.ts, "json");
	assert_non_null(j);
	/* users without raw text are rebuilt from their fields */
	assert_string_equal(j, "[\n{\"Id\":\"a\",\"Username\":\"ann\",\"IdentityInfo\":{\"FirstName\":"
			       "\"Ann\",\"LastName\":\"Lee\",\"Email\":\"ann@x.com\"}},\n"
			       "{\"Id\":\"b\",\"Username\":\"bob\",\"IdentityInfo\":{\"FirstName\":"
			       "\"Bob\",\"LastName\":\"Ray\",\"Email\":\"b@x.com\"}}\n]\n");
	j = read_file(dir, "duplicate_users", res.ts, "json");
	assert_string_equal(j, "{\n  \"duplicate_emails\": [],\n  \"duplicate_usernames\": [],\n"
			       "  \"duplicate_names\": []\n}\n");
	user_set_release(&s);
}

static void unwritable_folder(void **state)
{
	struct user_set s;
	struct pipeline_opts o;
	char dir[256];
	two_users(&s, false);
	snprintf(dir, sizeof dir, "%s/file", base);
	FILE *f = fopen(dir, "w");
	assert_non_null(f);
	fclose(f);
	opts_in(&o, dir);
	assert_int_equal(pipeline_run(&s, &o, NULL, NULL), CD_IO);
	user_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(result_codes),
		cmocka_unit_test(partial_runs),
		cmocka_unit_test(formats),
		cmocka_unit_test(unwritable_folder),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
