/* test_termsafe.c -- unit tests for terminal-safe text and for the log, which must pass no control character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "termsafe.h"

static void escapes_controls_keeps_text(void **state)
{
	char out[128];
	termsafe_copy(out, sizeof out, "a\x1b[31mred\x07 b\r\nc\x7f");
	assert_string_equal(out, "a\\x1b[31mred\\x07 b\\x0d\\x0ac\\x7f");
	termsafe_copy(out, sizeof out, "M\xc3\xbcller \xe5\xb1\xb1\xe7\x94\xb0");
	assert_string_equal(out, "M\xc3\xbcller \xe5\xb1\xb1\xe7\x94\xb0");
	/* C1 CSI as UTF-8, a lone 0x9b byte, a truncated sequence */
	termsafe_copy(out, sizeof out, "x\xc2\x9by\x9bz\xe5\xb1");
	assert_string_equal(out, "x\\u009by\\x9bz\\xe5\\xb1");
}

static void cut_on_character_boundary(void **state)
{
	char out[6];
	assert_int_equal(termsafe_copy(out, sizeof out, "ab\x1b"), 2); /* "\x1b" does not fit */
	assert_string_equal(out, "ab");
	assert_int_equal(termsafe_copy(out, sizeof out, "abc\xc3\xbc"), 5);
	assert_int_equal(termsafe_copy(out, sizeof out, "abcd\xc3\xbc"), 4);
	assert_string_equal(out, "abcd");
}

/* What commands print on standard output keeps its lines, nothing else. */
static void fput_keeps_newlines(void **state)
{
	char *mem = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&mem, &n);
	termsafe_fput(f, "a\x1b]0;t\x07\nb\rc\n");
	fclose(f);
	assert_string_equal(mem, "a\\x1b]0;t\\x07\nb\\x0dc\n");
	free(mem);
}

/* A message quoting data with a newline and ESC stays one line in the log file. */
static void log_file_gets_one_escaped_line(void **state)
{
	char path[] = "/tmp/test_termsafe.XXXXXX", err[256];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	log_init("test", LOG_ERROR);
	assert_int_equal(log_open_file(path, LOG_DEBUG, err, sizeof err), CD_OK);
	log_warn("duplicate Id '%s'", "abc\n[2026-01-01 00:00:00] ERROR forged\x1b]0;x\x07");
	log_close_file();
	FILE *f = fopen(path, "r");
	char line[512];
	int lines = 0;
	while (fgets(line, sizeof line, f)) {
		lines++;
		assert_null(strchr(line, '\x1b'));
		assert_non_null(strstr(line, "abc\\x0a[2026-01-01 00:00:00] ERROR forged\\x1b]0;x\\x07"));
	}
	fclose(f);
	unlink(path);
	assert_int_equal(lines, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_controls_keeps_text),
		cmocka_unit_test(cut_on_character_boundary),
		cmocka_unit_test(fput_keeps_newlines),
		cmocka_unit_test(log_file_gets_one_escaped_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
