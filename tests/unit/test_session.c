/* test_session.c -- unit tests for what --instance names (id, ARN with its region, alias). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "connect/session.h"

static char err[256];

static void uuid_is_an_id(void **state)
{
	struct instance_ref r;
	assert_int_equal(connect_parse_instance("0a1b2c3d-4e5f-4a6b-8c7d-9E0F1A2B3C4D", &r, err, sizeof err), CD_OK);
	assert_string_equal(r.id, "0a1b2c3d-4e5f-4a6b-8c7d-9E0F1A2B3C4D");
	assert_false(r.is_alias);
	assert_string_equal(r.region, "");
}

static void anything_else_is_an_alias(void **state)
{
	struct instance_ref r;
	const char *aliases[] = { "prod-contact-centre", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4", "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d00000", "x" };
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
		assert_int_equal(connect_parse_instance(aliases[i], &r, err, sizeof err), CD_OK);
		assert_true(r.is_alias);
		assert_string_equal(r.id, aliases[i]);
	}
	assert_int_equal(connect_parse_instance("", &r, err, sizeof err), CD_USAGE);
}

static void arn_gives_id_and_region(void **state)
{
	struct instance_ref r;
	assert_int_equal(connect_parse_instance("arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
						&r, err, sizeof err), CD_OK);
	assert_string_equal(r.id, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
	assert_string_equal(r.region, "eu-west-2");
	assert_false(r.is_alias);
	assert_int_equal(connect_parse_instance("arn:aws-us-gov:connect:us-gov-west-1:1:instance/abc", &r, err, sizeof err), CD_OK);
	assert_string_equal(r.region, "us-gov-west-1");
	assert_string_equal(r.id, "abc");
}

static void bad_arns(void **state)
{
	struct instance_ref r;
	const char *bad[] = {
		"arn:aws:s3:::bucket",
		"arn:aws:connect:eu-west-2:1:instance/",
		"arn:aws:connect::1:instance/abc",
		"arn:aws:connect:eu-west-2:1:instance/abc/agent/u1",
		"arn:aws:connect:eu-west-2:1:queue/abc",
		"arn:aws:connect",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = 0;
		assert_int_equal(connect_parse_instance(bad[i], &r, err, sizeof err), CD_USAGE);
		assert_non_null(strstr(err, "not a Connect instance ARN"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid_is_an_id),
		cmocka_unit_test(anything_else_is_an_alias),
		cmocka_unit_test(arn_gives_id_and_region),
		cmocka_unit_test(bad_arns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
