/* test_rules.c -- the classic rules: each rule's edge cases and an all-pairs reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect/rules.h"

/* id, username, email, first, last */
struct row {
	const char *id, *username, *email, *first, *last;
};

static void build(struct user_set *s, const struct row *rows, size_t n)
{
	user_set_init(s);
	for (size_t i = 0; i < n; i++) {
		struct user_fields f = { 0 };
		f.id = rows[i].id;
		f.username = rows[i].username;
		f.email = rows[i].email;
		f.first_name = rows[i].first;
		f.last_name = rows[i].last;
		assert_int_equal(user_set_add(s, &f), CD_OK);
	}
}

static void find(const struct row *rows, size_t n, struct user_set *s, struct rule_pairs *p)
{
	char err[256];
	build(s, rows, n);
	assert_int_equal(rules_find(s, p, err, sizeof err), CD_OK);
}

static void done(struct user_set *s, struct rule_pairs *p)
{
	rules_release(p);
	user_set_release(s);
}

static void email_mixed_case_excludes_other_rules(void **state)
{
	const struct row rows[] = {
		{ "1", "jdoe", "John.Doe@Example.com", "John", "Doe" },
		{ "2", "JDOE", "john.doe@example.COM", "john", "DOE" },
	};
	struct user_set s;
	struct rule_pairs p;
	find(rows, 2, &s, &p);
	assert_int_equal(p.n[RULE_EMAIL], 1);
	assert_int_equal(p.v[RULE_EMAIL][0].a, 0);
	assert_int_equal(p.v[RULE_EMAIL][0].b, 1);
	assert_string_equal(p.v[RULE_EMAIL][0].reason, "Duplicate email: john.doe@example.com");
	/* Same username and name too, but the e-mails are equal: only the e-mail pair. */
	assert_int_equal(p.n[RULE_USERNAME], 0);
	assert_int_equal(p.n[RULE_NAME], 0);
	done(&s, &p);
}

static void empty_emails_and_fields(void **state)
{
	const struct row rows[] = {
		{ "1", "agent", "", "", "" },
		{ "2", "Agent", "", "", "" },         /* both e-mails empty: username pair */
		{ "3", "", "", "", "" },              /* empty username never matches */
		{ "4", "", "", "", "" },
		{ "5", "solo", "", "Ann", "" },       /* name needs first AND last */
		{ "6", "solo2", "", "Ann", "" },
		{ "7", "x1", "", "", "Lee" },
		{ "8", "x2", "", "", "Lee" },
	};
	struct user_set s;
	struct rule_pairs p;
	find(rows, 8, &s, &p);
	assert_int_equal(p.n[RULE_EMAIL], 0);
	assert_int_equal(p.n[RULE_USERNAME], 1);
	assert_int_equal(p.v[RULE_USERNAME][0].a, 0);
	assert_int_equal(p.v[RULE_USERNAME][0].b, 1);
	assert_string_equal(p.v[RULE_USERNAME][0].reason, "Duplicate username: agent");
	assert_int_equal(p.n[RULE_NAME], 0);
	done(&s, &p);
}

static void first_email_empty_or_different(void **state)
{
	const struct row rows[] = {
		{ "1", "sam", "", "Sam", "Roe" },
		{ "2", "SAM", "sam@example.com", "SAM", "roe" },   /* first empty: counts */
		{ "3", "Sam", "other@example.com", "Sam", "Roe" }, /* differs from both */
	};
	struct user_set s;
	struct rule_pairs p;
	find(rows, 3, &s, &p);
	assert_int_equal(p.n[RULE_USERNAME], 3);
	assert_int_equal(p.n[RULE_NAME], 3);
	assert_string_equal(p.v[RULE_NAME][0].reason, "Duplicate name: sam roe");
	done(&s, &p);
}

static void three_or_more_give_all_pairs_in_order(void **state)
{
	const struct row rows[] = {
		{ "a", "u1", "x@e.com", "", "" },
		{ "b", "v1", "y@e.com", "", "" },
		{ "c", "u2", "X@E.COM", "", "" },
		{ "d", "v2", "Y@e.com", "", "" },
		{ "e", "u3", "x@E.com", "", "" },
		{ "f", "u4", "x@e.com", "", "" },
	};
	struct user_set s;
	struct rule_pairs p;
	find(rows, 6, &s, &p);
	/* x@e.com: 0,2,4,5 -> 6 pairs; y@e.com: 1,3 -> 1 pair; all ordered by (a, b). */
	static const uint32_t want[][2] = { { 0, 2 }, { 0, 4 }, { 0, 5 }, { 1, 3 },
					     { 2, 4 }, { 2, 5 }, { 4, 5 } };
	assert_int_equal(p.n[RULE_EMAIL], 7);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(p.v[RULE_EMAIL][i].a, want[i][0]);
		assert_int_equal(p.v[RULE_EMAIL][i].b, want[i][1]);
	}
	assert_string_equal(p.v[RULE_EMAIL][3].reason, "Duplicate email: y@e.com");
	done(&s, &p);
}

static void non_ascii_left_as_is(void **state)
{
	const struct row rows[] = {
		{ "1", "ÉMILE", "", "ÉMILE", "DUPONT" },
		{ "2", "émile", "", "émile", "dupont" }, /* É and é differ for the classic rules */
		{ "3", "Émile", "", "Émile", "Dupont" }, /* same as 1 after ASCII lower-casing */
		{ "4", "Иван", "", "Иван", "Петров" },
		{ "5", "ИВАН", "", "ИВАН", "ПЕТРОВ" },  /* Cyrillic case is not folded */
	};
	struct user_set s;
	struct rule_pairs p;
	find(rows, 5, &s, &p);
	assert_int_equal(p.n[RULE_USERNAME], 1);
	assert_int_equal(p.v[RULE_USERNAME][0].a, 0);
	assert_int_equal(p.v[RULE_USERNAME][0].b, 2);
	assert_string_equal(p.v[RULE_USERNAME][0].reason, "Duplicate username: Émile");
	assert_int_equal(p.n[RULE_NAME], 1);
	assert_string_equal(p.v[RULE_NAME][0].reason, "Duplicate name: Émile dupont");
	done(&s, &p);
}

static void name_parts_do_not_run_together(void **state)
{
	const struct row rows[] = {
		{ "1", "", "", "Mary Ann", "Lee" },
		{ "2", "", "", "Mary", "Ann Lee" },
	};
	struct user_set s;
	struct rule_pairs p;
	find(rows, 2, &s, &p);
	assert_int_equal(p.n[RULE_NAME], 0);
	done(&s, &p);
}

static void empty_set(void **state)
{
	struct user_set s;
	struct rule_pairs p;
	find(NULL, 0, &s, &p);
	for (int k = 0; k < RULE_COUNT; k++)
		assert_int_equal(p.n[k], 0);
	assert_string_equal(rules_kind_name(RULE_NAME), "name");
	done(&s, &p);
}

/* The O(n^2) reference, written straight from DESIGN.md's wording. */
static int lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, const char *b)
{
	while (*a && *b && lc((unsigned char)*a) == lc((unsigned char)*b))
		a++, b++;
	return *a == *b;
}

static void random_sets_match_all_pairs_reference(void **state)
{
	static const char *const pool[] = { "", "a", "A", "b", "B", "ab", "É", "é" };
	unsigned seed = 12345;
	for (int round = 0; round < 200; round++) {
		size_t n = 1 + (size_t)(round % 40);
		struct row rows[40];
		char ids[40][24];
		for (size_t i = 0; i < n; i++) {
			snprintf(ids[i], sizeof ids[i], "%zu", i);
			seed = seed * 1103515245u + 12345u;
			rows[i] = (struct row){ ids[i], pool[(seed >> 4) % 8], pool[(seed >> 8) % 8],
						pool[(seed >> 12) % 8], pool[(seed >> 16) % 8] };
		}
		struct user_set s;
		struct rule_pairs p;
		find(rows, n, &s, &p);
		size_t at[RULE_COUNT] = { 0 };
		for (size_t i = 0; i < n; i++) {
			for (size_t j = i + 1; j < n; j++) {
				const struct row *x = &rows[i], *y = &rows[j];
				int em = *x->email && ieq(x->email, y->email);
				int want[RULE_COUNT] = {
					em,
					!em && *x->username && ieq(x->username, y->username),
					!em && *x->first && *x->last && ieq(x->first, y->first) &&
						ieq(x->last, y->last),
				};
				for (int k = 0; k < RULE_COUNT; k++) {
					if (!want[k])
						continue;
					assert_true(at[k] < p.n[k]);
					assert_int_equal(p.v[k][at[k]].a, i);
					assert_int_equal(p.v[k][at[k]].b, j);
					at[k]++;
				}
			}
		}
		for (int k = 0; k < RULE_COUNT; k++)
			assert_int_equal(at[k], p.n[k]);
		done(&s, &p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(email_mixed_case_excludes_other_rules),
		cmocka_unit_test(empty_emails_and_fields),
		cmocka_unit_test(first_email_empty_or_different),
		cmocka_unit_test(three_or_more_give_all_pairs_in_order),
		cmocka_unit_test(non_ascii_left_as_is),
		cmocka_unit_test(name_parts_do_not_run_together),
		cmocka_unit_test(empty_set),
		cmocka_unit_test(random_sets_match_all_pairs_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
