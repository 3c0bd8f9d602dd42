/* test_mem.c -- unit tests for the huge-page hint: it never changes what memory holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mem.h"

static void hint_keeps_contents(void **state)
{
	(void)state;
	mem_advise_huge(NULL, 0);
	mem_advise_huge(NULL, (size_t)64 << 20);
	char small[64] = "kept";
	mem_advise_huge(small, sizeof(small));
	assert_string_equal(small, "kept");
	/* unaligned, partly written before the hint, grown after it */
	size_t n = (size_t)9 << 20;
	uint32_t *v = calloc(n / sizeof(*v), sizeof(*v));
	assert_non_null(v);
	v[0] = 7;
	assert_int_equal(v[0], 7);
	mem_advise_huge(v + 1, n - sizeof(*v));
	for (size_t i = 1; i < n / sizeof(*v); i++)
		assert_true(v[i] == 0);
	for (size_t i = 0; i < n / sizeof(*v); i++)
		v[i] = (uint32_t)i * 2654435761u;
	uint32_t *w = realloc(v, 2 * n);
	assert_non_null(w);
	mem_advise_huge(w, 2 * n);
	assert_int_equal(w[1], 2654435761u);
	for (size_t i = 0; i < n / sizeof(*w); i++)
		assert_true(w[i] == (uint32_t)i * 2654435761u);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hint_keeps_contents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
