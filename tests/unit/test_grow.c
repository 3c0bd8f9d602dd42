/* test_grow.c -- unit tests for ARRAY_GROW: doubling, the cap, overflow, state kept on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "grow.h"

static void grows_and_keeps_contents(void **state)
{
	int *v = NULL;
	size_t cap = 0, n = 0;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(ARRAY_GROW(v, n + 1, cap, 10000), CD_OK);
		assert_true(cap >= n + 1);
		v[n++] = i;
	}
	for (int i = 0; i < 1000; i++)
		assert_int_equal(v[i], i);
	assert_int_equal(cap, 1024); /* doubling from 16 */
	free(v);
}

static void cap_is_enforced_and_state_kept(void **state)
{
	long *v = NULL;
	size_t cap = 0;
	assert_int_equal(ARRAY_GROW(v, 10, cap, 20), CD_OK);
	assert_int_equal(cap, 16);
	long *before = v;
	assert_int_equal(ARRAY_GROW(v, 20, cap, 20), CD_OK);
	assert_int_equal(cap, 20); /* clipped to the cap, not doubled past it */
	before = v;
	assert_int_equal(ARRAY_GROW(v, 21, cap, 20), CD_TOOBIG);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 20);
	assert_int_equal(ARRAY_GROW(v, 5, cap, 20), CD_OK); /* no shrinking, no work */
	assert_int_equal(cap, 20);
	free(v);
}

static void byte_overflow_refused(void **state)
{
	struct big { char b[1 << 20]; } *v = NULL;
	size_t cap = 0;
	assert_int_equal(ARRAY_GROW(v, SIZE_MAX / 2, cap, SIZE_MAX), CD_NOMEM);
	assert_null(v);
	assert_int_equal(cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_and_keeps_contents),
		cmocka_unit_test(cap_is_enforced_and_state_kept),
		cmocka_unit_test(byte_overflow_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
