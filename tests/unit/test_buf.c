/* test_buf.c -- unit tests for the bounded buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static void append_and_detach(void **state)
{
	struct buf b = BUF_INIT(100);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_puts(&b, "hello"), CD_OK);
	assert_int_equal(buf_putc(&b, ' '), CD_OK);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), CD_OK);
	assert_string_equal(buf_str(&b), "hello 42-x");
	size_t n;
	char *s = buf_detach(&b, &n);
	assert_int_equal(n, 10);
	assert_string_equal(s, "hello 42-x");
	assert_null(b.data);
	free(s);
}

static void cap_is_enforced_and_state_kept(void **state)
{
	struct buf b = BUF_INIT(8);
	assert_int_equal(buf_puts(&b, "12345678"), CD_OK);
	assert_int_equal(buf_putc(&b, '9'), CD_TOOBIG);
	assert_int_equal(buf_printf(&b, "%s", "x"), CD_TOOBIG);
	assert_string_equal(buf_str(&b), "12345678");
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_puts(&b, "abc"), CD_OK);
	assert_string_equal(buf_str(&b), "abc");
	buf_release(&b);
}

static void huge_append_refused_without_overflow(void **state)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	assert_int_equal(buf_puts(&b, "a"), CD_OK);
	/* len + SIZE_MAX would wrap: must be refused, not allocated */
	assert_int_not_equal(buf_append(&b, "x", SIZE_MAX), CD_OK);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_detach),
		cmocka_unit_test(cap_is_enforced_and_state_kept),
		cmocka_unit_test(huge_append_refused_without_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
