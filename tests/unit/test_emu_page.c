/* test_emu_page.c -- pagination tokens: round trip, the awkward characters, tamper refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "emu_page.h"

static void round_trip_and_characters(void **state)
{
	const size_t positions[] = { 0, 1, 99, 1000, 123456789, (size_t)1 << 40 };
	for (size_t i = 0; i < sizeof positions / sizeof *positions; i++) {
		char tok[EMU_PAGE_TOKEN_MAX];
		size_t pos = 7;
		emu_page_encode(42, EMU_OP_LIST_USERS, "inst-1", positions[i], tok);
		assert_non_null(strchr(tok, '+'));
		assert_non_null(strchr(tok, '/'));
		assert_non_null(strchr(tok, '='));
		assert_true(emu_page_decode(42, EMU_OP_LIST_USERS, "inst-1", tok, &pos));
		assert_int_equal(pos, positions[i]);
	}
}

static void refuses_foreign_and_mangled_tokens(void **state)
{
	char tok[EMU_PAGE_TOKEN_MAX], bad[EMU_PAGE_TOKEN_MAX];
	size_t pos;
	emu_page_encode(42, EMU_OP_SEARCH_USERS, "inst-1", 500, tok);
	assert_false(emu_page_decode(42, EMU_OP_LIST_USERS, "inst-1", tok, &pos));  /* other op */
	assert_false(emu_page_decode(42, EMU_OP_SEARCH_USERS, "inst-2", tok, &pos)); /* other instance */
	assert_false(emu_page_decode(43, EMU_OP_SEARCH_USERS, "inst-1", tok, &pos)); /* other key */
	memcpy(bad, tok, sizeof tok);
	*strchr(bad, '+') = ' '; /* what a client that does not percent-encode sends */
	assert_false(emu_page_decode(42, EMU_OP_SEARCH_USERS, "inst-1", bad, &pos));
	memcpy(bad, tok, sizeof tok);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	assert_false(emu_page_decode(42, EMU_OP_SEARCH_USERS, "inst-1", bad, &pos));
	assert_false(emu_page_decode(42, EMU_OP_SEARCH_USERS, "inst-1", "", &pos));
	assert_false(emu_page_decode(42, EMU_OP_SEARCH_USERS, "inst-1", "+/+/", &pos));
	assert_true(emu_page_decode(42, EMU_OP_SEARCH_USERS, "inst-1", tok, &pos));
	assert_int_equal(pos, 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_and_characters),
		cmocka_unit_test(refuses_foreign_and_mangled_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
