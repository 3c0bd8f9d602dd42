/* test_notdup.c -- the --not-duplicates file: parsing, lookup in either order, filtering pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect/notdup.h"

static void parse(void **state)
{
	struct notdup *n;
	char err[256];
	const char *ok = "User1_ID,User2_ID,Note\r\n# reviewed\n\nb,a,\"same name, two people\"\n"
			 "  \"c\" , 'd\nx,x\n";
	assert_int_equal(notdup_parse(ok, strlen(ok), &n, err, sizeof err), CD_OK);
	assert_int_equal(notdup_count(n), 2); /* x,x is no pair */
	assert_true(notdup_has(n, "a", "b"));
	assert_true(notdup_has(n, "b", "a"));
	assert_true(notdup_has(n, "d", "c"));
	assert_false(notdup_has(n, "a", "c"));
	notdup_free(n);
	static const char *const bad[] = { "a\n", "a,\n", "{\"Users\":[1,2]}\n", "a,b c\n" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(notdup_parse(bad[i], strlen(bad[i]), &n, err, sizeof err), CD_INPUT);
	assert_non_null(strstr(err, "line 1"));
}

static void filter(void **state)
{
	struct user_set users;
	struct notdup *n;
	char err[256];
	user_set_init(&users);
	const char *ids[] = { "u0", "u1", "u2" };
	for (int i = 0; i < 3; i++) {
		struct user_fields f = { .id = ids[i] };
		assert_int_equal(user_set_add(&users, &f), CD_OK);
	}
	assert_int_equal(notdup_parse("u2,u1\n", 6, &n, err, sizeof err), CD_OK);
	struct match_opts o;
	match_opts_init(&o, MATCH_STANDARD);
	struct match_pair v[3];
	memset(v, 0, sizeof v);
	v[0].a = 0, v[0].b = 1, v[0].confidence = 0.9f;
	v[1].a = 1, v[1].b = 2, v[1].confidence = 0.9f;
	v[2].a = 0, v[2].b = 2, v[2].confidence = 0.55f;
	struct match_result m = { .v = v, .n = 3 };
	m.stats.duplicates = 2;
	m.stats.possible = 1;
	assert_int_equal(notdup_filter_match(n, &users, &o, &m), 1);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.v[1].b, 2);
	assert_int_equal(m.v[1].a, 0);
	assert_int_equal(m.stats.duplicates, 1);
	notdup_free(n);
	user_set_release(&users);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse),
		cmocka_unit_test(filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
