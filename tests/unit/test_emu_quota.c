/* test_emu_quota.c -- per-operation token buckets and the --rate/--burst syntax. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "emu_quota.h"

static void buckets_refill_per_operation(void **state)
{
	struct emu_quota q;
	char err[200];
	emu_quota_init(&q);
	assert_int_equal(emu_quota_set(&q, false, "describeuser=2", err, sizeof err), CD_OK);
	assert_int_equal(emu_quota_set(&q, true, "DescribeUser=3", err, sizeof err), CD_OK);
	emu_quota_start(&q);
	double t = q.b[EMU_OP_DESCRIBE_USER].last;
	for (int i = 0; i < 3; i++)
		assert_true(emu_quota_take(&q, EMU_OP_DESCRIBE_USER, t));
	assert_false(emu_quota_take(&q, EMU_OP_DESCRIBE_USER, t));
	assert_false(emu_quota_take(&q, EMU_OP_DESCRIBE_USER, t + 0.4)); /* 0.8 token */
	assert_true(emu_quota_take(&q, EMU_OP_DESCRIBE_USER, t + 0.5));
	assert_true(emu_quota_take(&q, EMU_OP_DESCRIBE_USER, t + 1.0));
	/* never more than the burst, however long the pause */
	int n = 0;
	while (emu_quota_take(&q, EMU_OP_DESCRIBE_USER, t + 100) && n < 100)
		n++;
	assert_int_equal(n, 3);
	/* other operations are unlimited */
	for (int i = 0; i < 1000; i++)
		assert_true(emu_quota_take(&q, EMU_OP_LIST_USERS, t));
	emu_quota_release(&q);
}

static void bare_number_and_errors(void **state)
{
	struct emu_quota q;
	char err[200];
	emu_quota_init(&q);
	assert_int_equal(emu_quota_set(&q, false, "5", err, sizeof err), CD_OK);
	for (int i = 0; i < EMU_OP_COUNT; i++)
		assert_true(q.b[i].rate == 5);
	emu_quota_start(&q);
	assert_true(q.b[EMU_OP_SEARCH_USERS].burst == 5); /* default burst: the rate */
	assert_int_equal(emu_quota_set(&q, false, "DescribeUsers=2", err, sizeof err), CD_USAGE);
	assert_non_null(strstr(err, "'DescribeUsers'"));
	assert_int_equal(emu_quota_set(&q, false, "ListUsers=-1", err, sizeof err), CD_USAGE);
	assert_int_equal(emu_quota_set(&q, true, "ListUsers=0.5", err, sizeof err), CD_USAGE);
	assert_int_equal(emu_quota_set(&q, false, "ListUsers=", err, sizeof err), CD_USAGE);
	assert_int_equal(emu_op_find("listinstances", 13), EMU_OP_LIST_INSTANCES);
	emu_quota_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buckets_refill_per_operation),
		cmocka_unit_test(bare_number_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
