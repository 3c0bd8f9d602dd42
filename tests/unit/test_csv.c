/* test_csv.c -- RFC 4180 quoting, the formula-injection guard and the report layouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report/csv.h"

static void cell_is(const char *in, bool raw, const char *want)
{
	struct buf b = BUF_INIT(1024);
	assert_int_equal(csv_cell(&b, in, raw), CD_OK);
	assert_string_equal(buf_str(&b), want);
	buf_release(&b);
}

static void quoting(void **state)
{
	cell_is("plain", false, "plain");
	cell_is("", false, "");
	cell_is("a,b", false, "\"a,b\"");
	cell_is("say \"hi\"", false, "\"say \"\"hi\"\"\"");
	cell_is("two\nlines", false, "\"two\nlines\"");
	cell_is("cr\rhere", false, "\"cr\rhere\"");
	cell_is("Zoë 李", false, "Zoë 李");
}

static void injection_guard(void **state)
{
	cell_is("=HYPERLINK(\"x\")", false, "\"'=HYPERLINK(\"\"x\"\")\"");
	cell_is("=1+2", false, "'=1+2");
	cell_is("+15550100", false, "'+15550100");
	cell_is("-2", false, "'-2");
	cell_is("@SUM(A1)", false, "'@SUM(A1)");
	cell_is("\tx", false, "'\tx");
	cell_is("\rx", false, "\"'\rx\"");
	cell_is("a=b", false, "a=b"); /* only the first character matters */
	/* --csv-raw: no apostrophe, quoting unchanged */
	cell_is("=1+2", true, "=1+2");
	cell_is("=a,b", true, "\"=a,b\"");
}

static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	assert_non_null(f);
	fn(f, arg);
	fclose(f);
	return data;
}

static void write_row(FILE *f, void *arg)
{
	const char *cells[] = { "a", "b,c", "=d" };
	csv_row(f, cells, 3, false);
}

static void rows_end_in_crlf(void **state)
{
	char *s = capture(write_row, NULL);
	assert_string_equal(s, "a,\"b,c\",'=d\r\n");
	free(s);
}

static void write_reports(FILE *f, void *arg)
{
	struct user_set *s = arg;
	struct rule_pairs p;
	char err[128];
	assert_int_equal(rules_find(s, &p, err, sizeof err), CD_OK);
	csv_write_users(f, s, false);
	csv_write_pairs(f, s, &p, false);
	rules_release(&p);
}

static void report_layouts(void **state)
{
	struct user_set s;
	user_set_init(&s);
	struct user_fields a = { .id = "id1", .username = "=cmd", .email = "A@x.com",
				 .first_name = "Ann", .last_name = "O'Neil, Jr", .arn = "arn:1" };
	struct user_fields b = { .id = "id2", .username = "ann2", .email = "a@X.com",
				 .first_name = "Ann", .last_name = "x", .arn = "arn:2" };
	assert_int_equal(user_set_add(&s, &a), CD_OK);
	assert_int_equal(user_set_add(&s, &b), CD_OK);
	char *out = capture(write_reports, &s);
	assert_string_equal(
		out,
		"Username,Email,FirstName,LastName,User_ID,ARN\r\n"
		"'=cmd,A@x.com,Ann,\"O'Neil, Jr\",id1,arn:1\r\n"
		"ann2,a@X.com,Ann,x,id2,arn:2\r\n"
		"User1_ID,User1_Username,User1_Email,User1_FirstName,User1_LastName,User2_ID,"
		"User2_Username,User2_Email,User2_FirstName,User2_LastName,Reason\r\n"
		"id1,'=cmd,A@x.com,Ann,\"O'Neil, Jr\",id2,ann2,a@X.com,Ann,x,"
		"Duplicate email: a@x.com\r\n");
	free(out);
	user_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoting),
		cmocka_unit_test(injection_guard),
		cmocka_unit_test(rows_end_in_crlf),
		cmocka_unit_test(report_layouts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
