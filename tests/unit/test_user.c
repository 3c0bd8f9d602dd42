/* test_user.c -- struct user_set and the canonical SecurityProfileIds form every loader shares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "model/user.h"

/* The canonical form of n ids, as a string the caller frees. */
static char *canon(const char **ids, size_t n)
{
	struct buf b = BUF_INIT(1 << 20);
	assert_int_equal(user_canon_ids(ids, n, &b), CD_OK);
	size_t len;
	char *s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, strlen(s) + 1); /* the form and its NUL, nothing after */
	return s;
}

static void canon_sorts_and_drops_duplicates(void **state)
{
	const char *ids[] = { "sp-c", "sp-a", "sp-c", "sp-b", "sp-a" };
	char *s = canon(ids, 5);
	assert_string_equal(s, "sp-a,sp-b,sp-c");
	free(s);
	/* strcmp order: bytes, not locale or case folding */
	const char *mixed[] = { "b", "B", "a", "ab", "A" };
	s = canon(mixed, 5);
	assert_string_equal(s, "A,B,a,ab,b");
	free(s);
	const char *one[] = { "x" };
	s = canon(one, 1);
	assert_string_equal(s, "x");
	free(s);
}

static void canon_empty(void **state)
{
	char *s = canon(NULL, 0);
	assert_string_equal(s, "");
	free(s);
	/* empty ids say nothing: no stray commas */
	const char *blanks[] = { "", "q", "", "q" };
	s = canon(blanks, 4);
	assert_string_equal(s, "q");
	free(s);
	const char *only[] = { "", "" };
	s = canon(only, 2);
	assert_string_equal(s, "");
	free(s);
}

static void canon_appends(void **state)
{
	struct buf b = BUF_INIT(64);
	assert_int_equal(buf_puts(&b, "raw"), CD_OK);
	const char *ids[] = { "2", "1" };
	assert_int_equal(user_canon_ids(ids, 2, &b), CD_OK);
	assert_int_equal(b.len, 3 + 4);
	assert_string_equal(b.data + 3, "1,2");
	buf_release(&b);
	/* a bounded buffer's cap is reported, not exceeded */
	struct buf small = BUF_INIT(4);
	const char *big[] = { "abc", "def" };
	assert_int_equal(user_canon_ids(big, 2, &small), CD_TOOBIG);
	buf_release(&small);
}

static void set_copies_and_borrows(void **state)
{
	struct user_set s;
	user_set_init(&s);
	char sp[] = "a,b";
	struct user_fields f = { .id = "u1", .security_profiles = sp };
	assert_int_equal(user_set_add(&s, &f), CD_OK);
	sp[0] = 'z'; /* copied: the caller's buffer may change */
	assert_string_equal(s.v[0].security_profiles, "a,b");
	struct user_fields g = { .id = "u2" };
	assert_int_equal(user_set_add(&s, &g), CD_OK);
	assert_string_equal(s.v[1].security_profiles, "");
	assert_int_equal(user_set_add_borrowed(&s, &g), CD_OK);
	assert_string_equal(s.v[2].security_profiles, "");
	struct user_fields h = { .id = "u1", .security_profiles = "c" };
	assert_int_equal(user_set_add_borrowed(&s, &h), CD_OK);
	size_t dropped;
	assert_int_equal(user_set_dedupe_ids(&s, &dropped, NULL), CD_OK);
	assert_int_equal(dropped, 2);
	assert_string_equal(s.v[0].security_profiles, "c"); /* later record wins */
	user_set_release(&s);
}

/* A set that keeps no JSON text (no_raw) stores raw "" however the user is added, and every
 * value as usual. */
static void set_without_raw(void **state)
{
	struct user_set s;
	user_set_init(&s);
	s.no_raw = true;
	const char *text = "{\"Id\":\"u1\"}";
	struct user_fields f = { .id = "u1", .username = "jdoe", .raw = text, .raw_len = strlen(text) };
	assert_int_equal(user_set_add(&s, &f), CD_OK);
	assert_int_equal(user_set_add_borrowed(&s, &f), CD_OK);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(s.v[i].username, "jdoe");
		assert_string_equal(s.v[i].raw, "");
		assert_int_equal(s.v[i].raw_len, 0);
	}
	user_set_release(&s);
	user_set_init(&s); /* and a set that keeps it does */
	assert_int_equal(user_set_add(&s, &f), CD_OK);
	assert_int_equal(s.v[0].raw_len, strlen(text));
	assert_memory_equal(s.v[0].raw, text, strlen(text));
	user_set_release(&s);
}

/* The array grows (ARRAY_GROW, doubling) past many sizes and keeps every user in order. */
static void set_grows_in_order(void **state)
{
	(void)state;
	struct user_set s;
	user_set_init(&s);
	for (int i = 0; i < 5000; i++) {
		char id[16];
		snprintf(id, sizeof id, "id-%d", i);
		struct user_fields f = { .id = id, .raw = id, .raw_len = strlen(id) };
		assert_int_equal(user_set_add(&s, &f), CD_OK);
	}
	assert_int_equal(s.n, 5000);
	assert_true(s.cap >= s.n);
	for (int i = 0; i < 5000; i += 499) {
		char id[16];
		snprintf(id, sizeof id, "id-%d", i);
		assert_string_equal(s.v[i].id, id);
		assert_int_equal(s.v[i].raw_len, strlen(id));
		assert_memory_equal(s.v[i].raw, id, strlen(id));
		assert_string_equal(s.v[i].email, "");
	}
	user_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canon_sorts_and_drops_duplicates),
		cmocka_unit_test(canon_empty),
		cmocka_unit_test(canon_appends),
		cmocka_unit_test(set_copies_and_borrows),
		cmocka_unit_test(set_without_raw),
		cmocka_unit_test(set_grows_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
