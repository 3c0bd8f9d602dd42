/* test_jsonesc.c -- unit tests for the one JSON escaper: every byte's rule, both sinks agree, jansson reads it back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "jsonesc.h"

static void byte_rules(void **state)
{
	char e[6];
	assert_int_equal(jsonesc_byte('"', e), 2);
	assert_memory_equal(e, "\\\"", 2);
	assert_int_equal(jsonesc_byte('\\', e), 2);
	assert_memory_equal(e, "\\\\", 2);
	assert_int_equal(jsonesc_byte('\n', e), 2);
	assert_memory_equal(e, "\\n", 2);
	assert_int_equal(jsonesc_byte('\t', e), 2);
	assert_memory_equal(e, "\\t", 2);
	assert_int_equal(jsonesc_byte(0x1b, e), 6);
	assert_memory_equal(e, "\\u001b", 6);
	assert_int_equal(jsonesc_byte(0x01, e), 6);
	assert_memory_equal(e, "\\u0001", 6);
	assert_int_equal(jsonesc_byte('a', e), 0);
	assert_int_equal(jsonesc_byte(0x7f, e), 0);
	assert_int_equal(jsonesc_byte(0xc3, e), 0);
}

/* Every byte 1..255 in one string: both sinks write the same text, and jansson decodes it to
 * the original (the high bytes are made a valid UTF-8 sequence each). */
static void sinks_agree_and_round_trip(void **state)
{
	char in[400];
	size_t n = 0;
	for (int c = 1; c < 0x80; c++)
		in[n++] = (char)c;
	memcpy(in + n, "\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80", 12);
	n += 12;
	in[n] = '\0';
	struct buf b = BUF_INIT(1 << 16);
	assert_int_equal(jsonesc_append(&b, in), CD_OK);
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	jsonesc_fput(f, in);
	fclose(f);
	assert_int_equal(memlen, b.len);
	assert_memory_equal(mem, buf_str(&b), memlen);
	json_error_t je;
	json_t *v = json_loadb(mem, memlen, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	assert_non_null(v);
	assert_string_equal(json_string_value(v), in);
	json_decref(v);
	free(mem);
	buf_release(&b);
}

/* The script-safe form: no '<' and no raw U+2028/U+2029 in the output, every other byte as
 * jsonesc_fput writes it, and jansson still reads back the original. */
static void script_safe(void **state)
{
	const char *in = "a</script><!--x\xe2\x80\xa8y\xe2\x80\xa9z\xe2\x82\xac\"\\\n\x01 <img>";
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	jsonesc_fput_script(f, in);
	fclose(f);
	assert_string_equal(mem, "\"a\\u003c/script>\\u003c!--x\\u2028y\\u2029z\xe2\x82\xac\\\"\\\\\\n"
				 "\\u0001 \\u003cimg>\"");
	assert_null(memchr(mem, '<', memlen));
	json_error_t je;
	json_t *v = json_loadb(mem, memlen, JSON_DECODE_ANY, &je);
	assert_non_null(v);
	assert_string_equal(json_string_value(v), in);
	json_decref(v);
	free(mem);
}

static void cap_reported(void **state)
{
	struct buf b = BUF_INIT(8);
	assert_int_equal(jsonesc_append(&b, "0123456789"), CD_TOOBIG);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(byte_rules),
		cmocka_unit_test(sinks_agree_and_round_trip),
		cmocka_unit_test(script_safe),
		cmocka_unit_test(cap_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
