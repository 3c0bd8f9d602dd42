/* test_isotime.c -- unit tests for the one ISO-8601 timestamp parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "isotime.h"

static bool parse(const char *s, double *t)
{
	return isotime_parse(s, strlen(s), t);
}

static void accepted_forms(void **state)
{
	double t;
	assert_true(parse("1970-01-01T00:00:00Z", &t) && t == 0);
	assert_true(parse("2024-05-01T10:20:30.5Z", &t) && t == 1714558830.5);
	assert_true(parse("2024-05-01t10:20:30z", &t) && t == 1714558830.0);
	assert_true(parse("2024-05-01 10:20:30", &t) && t == 1714558830.0); /* no zone: UTC */
	assert_true(parse("2024-05-01T10:20:30UTC", &t) && t == 1714558830.0);
	assert_true(parse("2024-05-01T12:20:30+02:00", &t) && t == 1714558830.0);
	assert_true(parse("2024-05-01T12:20:30+0200", &t) && t == 1714558830.0);
	assert_true(parse("2024-05-01T05:20:30-05:00", &t) && t == 1714558830.0);
	assert_true(parse("2024-05-01", &t) && t == 1714521600.0);
	/* A length shorter than the string: only the prefix counts. */
	assert_true(isotime_parse("2024-05-01T10:20:30Zjunk", 20, &t) && t == 1714558830.0);
}

static void refused_forms(void **state)
{
	double t = 42;
	const char *bad[] = { "", "2024-05-01T10:20", "2024-05-01T10:20:30Zjunk", "20240501",
			      "20240501T102030Z", "2024-13-01", "2024-05-32", "2024-05-01T24:00:00Z",
			      "2024-05-01T10:60:00Z", "2024-05-01T10:20:30.Z", "2024-05-01T10:20:30+2",
			      "2024-05-01T10:20:30+24:00", "2024/05/01", "yesterday", "2024-05-01X" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_false(parse(bad[i], &t));
		assert_true(t == 42); /* untouched on failure */
	}
	assert_false(isotime_parse(NULL, 0, &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted_forms),
		cmocka_unit_test(refused_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
