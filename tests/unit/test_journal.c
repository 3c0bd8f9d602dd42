/* test_journal.c -- apply's journal: states, persistence, torn last line, wrong instance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "act/journal.h"

static char path[256];

static int setup(void **state)
{
	snprintf(path, sizeof path, "%s/cdjournal.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path); /* journal_open creates it */
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

static void states_persist(void **state)
{
	char err[256];
	struct journal *j;
	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_OK);
	assert_int_equal(journal_state(j, "DeleteUser", "u1"), JOURNAL_NONE);
	assert_int_equal(journal_begin(j, "DeleteUser", "u1", err, sizeof err), CD_OK);
	assert_int_equal(journal_state(j, "DeleteUser", "u1"), JOURNAL_BEGUN);
	assert_int_equal(journal_end(j, "DeleteUser", "u1", "ok", err, sizeof err), CD_OK);
	assert_int_equal(journal_begin(j, "DeleteUser", "u2", err, sizeof err), CD_OK);
	assert_int_equal(journal_begin(j, "DeleteQuickConnect", "q1", err, sizeof err), CD_OK);
	assert_int_equal(journal_end(j, "DeleteQuickConnect", "q1", "failed", err, sizeof err), CD_OK);
	assert_int_equal(journal_state(j, "DeleteQuickConnect", "q1"), JOURNAL_NONE);
	/* the same id under another operation is another entry */
	assert_int_equal(journal_state(j, "DeleteQuickConnect", "u1"), JOURNAL_NONE);
	journal_close(j);

	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_OK);
	assert_int_equal(journal_state(j, "DeleteUser", "u1"), JOURNAL_DONE);
	assert_int_equal(journal_state(j, "DeleteUser", "u2"), JOURNAL_BEGUN);
	assert_int_equal(journal_state(j, "DeleteQuickConnect", "q1"), JOURNAL_NONE);
	assert_int_equal(journal_done_count(j), 1);
	assert_int_equal(journal_end(j, "DeleteUser", "u2", "gone", err, sizeof err), CD_OK);
	journal_close(j);
	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_OK);
	assert_int_equal(journal_state(j, "DeleteUser", "u2"), JOURNAL_DONE);
	journal_close(j);
}

static void torn_last_line(void **state)
{
	char err[256];
	struct journal *j;
	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_OK);
	assert_int_equal(journal_begin(j, "DeleteUser", "u1", err, sizeof err), CD_OK);
	journal_close(j);
	FILE *f = fopen(path, "a");
	fputs("E DeleteUser u1 o", f); /* killed in the middle of the line */
	fclose(f);
	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_OK);
	/* the answer was not recorded: still begun, the caller asks the service */
	assert_int_equal(journal_state(j, "DeleteUser", "u1"), JOURNAL_BEGUN);
	assert_int_equal(journal_end(j, "DeleteUser", "u1", "ok", err, sizeof err), CD_OK);
	journal_close(j);
	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_OK);
	assert_int_equal(journal_state(j, "DeleteUser", "u1"), JOURNAL_DONE);
	journal_close(j);
}

static void refuses_other_instance_and_garbage(void **state)
{
	char err[256];
	struct journal *j;
	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_OK);
	journal_close(j);
	assert_int_equal(journal_open(path, "inst-2", &j, err, sizeof err), CD_INPUT);
	assert_non_null(strstr(err, "inst-2"));
	FILE *f = fopen(path, "a");
	fputs("X something\n", f);
	fclose(f);
	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_INPUT);
	/* an id with a space cannot be journaled (it would not read back) */
	unlink(path);
	assert_int_equal(journal_open(path, "inst-1", &j, err, sizeof err), CD_OK);
	assert_int_equal(journal_begin(j, "DeleteUser", "a b", err, sizeof err), CD_INPUT);
	journal_close(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(states_persist, setup, teardown),
		cmocka_unit_test_setup_teardown(torn_last_line, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_other_instance_and_garbage, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
