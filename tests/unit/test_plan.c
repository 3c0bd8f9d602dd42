/* test_plan.c -- plans: reading and checking, times, and building (keepers never removed, backup, CSV guard). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "act/plan.h"

static void parse_errors(void **state)
{
	struct plan p;
	char err[256];
	static const char *const bad[] = {
		"[]",
		"{\"version\":2,\"instance\":{\"Id\":\"i\",\"Region\":\"r\"},\"clusters\":[]}",
		"{\"version\":1,\"instance\":{\"Id\":\"i\"},\"clusters\":[]}",
		"{\"version\":1,\"instance\":{\"Id\":\"i\",\"Region\":\"r\"}}",
		"{\"version\":1,\"instance\":{\"Id\":\"i\",\"Region\":\"r\"},\"clusters\":[{\"remove\":[]}]}",
		"{\"version\":1,\"instance\":{\"Id\":\"i\",\"Region\":\"r\"},\"clusters\":[{\"keep\":{\"Id\":\"k\"},"
		"\"remove\":[{\"Id\":\"a\"}]}]}",
		"{\"version\":1,\"instance\":{\"Id\":\"i\",\"Region\":\"r\"},\"clusters\":[{\"keep\":{\"Id\":\"k\"},"
		"\"remove\":[{\"Id\":\"a\",\"LastModifiedTime\":\"yesterday\"}]}]}",
		"{\"version\":1,\"instance\":{\"Id\":\"i\",\"Region\":\"r\"},\"clusters\":[{\"keep\":{\"Id\":\"k\"},"
		"\"remove\":[{\"Id\":\"a\",\"LastModifiedTime\":\"2025-01-01T00:00:00Z\",\"skip\":\"yes\"}]}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = '\0';
		assert_int_equal(plan_parse(bad[i], strlen(bad[i]), &p, err, sizeof err), CD_INPUT);
		assert_true(err[0] != '\0');
	}
}

static void parse_and_keepers(void **state)
{
	static const char text[] =
		"{\"version\":1,\"instance\":{\"Id\":\"i-1\",\"Arn\":\"arn:aws:connect:eu-west-2:123456789012:instance/i-1\","
		"\"Alias\":\"shop\",\"Region\":\"eu-west-2\"},\"created\":\"2026-01-01T00:00:00.000Z\",\"clusters\":["
		"{\"confidence\":0.9,\"keep\":{\"Id\":\"k1\",\"Username\":\"kim\"},\"remove\":["
		"{\"Id\":\"a\",\"Username\":\"a\",\"LastModifiedTime\":\"2025-01-01T00:00:00.100Z\",\"QuickConnectIds\":[\"q1\",\"q2\"],\"skip\":true}]}]}";
	struct plan p;
	char err[256], acct[32];
	assert_int_equal(plan_parse(text, strlen(text), &p, err, sizeof err), CD_OK);
	assert_string_equal(p.inst.alias, "shop");
	assert_int_equal(p.nclusters, 1);
	assert_int_equal(p.clusters[0].nremove, 1);
	assert_true(p.clusters[0].remove[0].skip);
	assert_int_equal(p.clusters[0].remove[0].nqc, 2);
	assert_true(plan_is_keeper(&p, "k1"));
	assert_false(plan_is_keeper(&p, "a"));
	plan_arn_account(p.inst.arn, acct, sizeof acct);
	assert_string_equal(acct, "123456789012");
	plan_release(&p);
}

static void times(void **state)
{
	char t[32];
	plan_iso_time(1735689600.1234, t);
	assert_string_equal(t, "2025-01-01T00:00:00.123Z");
	plan_iso_time(1735689600.9996, t);
	assert_string_equal(t, "2025-01-01T00:00:01.000Z");
	assert_true(plan_same_time("2025-01-01T00:00:00.123Z", "1735689600.123"));
	assert_true(plan_same_time("2025-01-01T01:00:00.123+01:00", "2025-01-01T00:00:00.123Z"));
	assert_false(plan_same_time("2025-01-01T00:00:00.123Z", "2025-01-01T00:00:00.124Z"));
	assert_false(plan_same_time("2025-01-01T00:00:00Z", "soon"));
	assert_false(plan_same_time(NULL, "2025-01-01T00:00:00Z"));
}

/* The fake service: users by Id (their User text), proficiencies, one that is gone. */
static enum cd_result f_describe(void *ctx, const char *id, struct buf *user, char *err,
				 size_t errlen)
{
	if (!strcmp(id, "gone"))
		return CD_NOT_FOUND;
	if (!strcmp(id, "broken")) {
		snprintf(err, errlen, "DescribeUser: 500 InternalServiceException");
		return CD_SERVICE;
	}
	return buf_printf(user, "{\"Id\":\"%s\",\"Username\":\"%s%s\",\"LastModifiedTime\":1735689600.5,"
			  "\"Tags\":{\"team\":\"a\"}}", id, !strcmp(id, "evil") ? "=cmd|" : "u-", id);
}

static enum cd_result f_profs(void *ctx, const char *id, struct buf *items, char *err,
			      size_t errlen)
{
	if (strcmp(id, "b"))
		return CD_OK;
	return buf_puts(items, "{\"AttributeName\":\"Language\",\"AttributeValue\":\"German\",\"Level\":3.0}");
}

static void build(void **state)
{
	struct plan_member c1[] = {
		{ "k1", "kim", "kim@x", "Kim", "Lee", "" },
		{ "a", "a", "a@x", "A", "Z", "email: same" },
		{ "k2", "k2", "", "", "", "" },   /* the keeper of cluster 2: never removed */
		{ "gone", "g", "", "", "", "" },  /* deleted before the plan: left out */
	};
	struct plan_member c2[] = {
		{ "b", "b", "", "", "", "name: same" },
		{ "k2", "k2", "", "", "", "" },
		{ "evil", "x", "", "", "", "" },
	};
	struct plan_member c3[] = { { "k3", "", "", "", "", "" }, { "low", "", "", "", "", "" } };
	struct plan_input in[] = {
		{ 0.9, c1, 4, 0 },
		{ 0.8, c2, 3, 1 },
		{ 0.5, c3, 2, 0 }, /* below min_confidence */
	};
	struct plan_qc qcs[] = { { "q1", "a", "{\"QuickConnectId\":\"q1\"}" },
				 { "q2", "k1", "{\"QuickConnectId\":\"q2\"}" },
				 { "q3", "b", "{\"QuickConnectId\":\"q3\"}" } };
	struct plan_instance inst = { "i-1", "arn:aws:connect:us-east-1:123:instance/i-1", "shop",
				      "us-east-1" };
	struct plan_live live = { NULL, f_describe, f_profs };
	struct plan_output out;
	char err[256];
	plan_output_init(&out);
	assert_int_equal(plan_build(&inst, "2026-01-01T00:00:00.000Z", in, 3, 0.7, qcs, 3, &live,
				    false, &out, err, sizeof err), CD_OK);
	assert_int_equal(out.clusters, 2);
	assert_int_equal(out.removals, 3); /* a, b, evil */
	assert_int_equal(out.gone, 1);
	assert_int_equal(out.qcs, 2);      /* q1 -> a, q3 -> b; q2 points at a keeper */

	/* the plan reads back, and no keeper is an entry */
	struct plan p;
	assert_int_equal(plan_parse(buf_str(&out.plan_json), out.plan_json.len, &p, err, sizeof err),
			 CD_OK);
	for (size_t c = 0; c < p.nclusters; c++)
		for (size_t i = 0; i < p.clusters[c].nremove; i++) {
			assert_false(plan_is_keeper(&p, p.clusters[c].remove[i].id));
			assert_true(plan_same_time(p.clusters[c].remove[i].last_modified, "1735689600.5"));
		}
	assert_string_equal(p.clusters[0].remove[0].id, "a");
	assert_int_equal(p.clusters[0].remove[0].nqc, 1);
	assert_string_equal(p.clusters[0].remove[0].qc_ids[0], "q1");
	assert_string_equal(p.clusters[1].keep_id, "k2");
	plan_release(&p);

	/* the backup is JSON with each removal's User, proficiencies and quick connects */
	json_error_t je;
	json_t *b = json_loads(buf_str(&out.backup_json), 0, &je);
	assert_non_null(b);
	json_t *users = json_object_get(b, "users");
	assert_int_equal(json_array_size(users), 3);
	json_t *ub = json_array_get(users, 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(ub, "User"), "Id")), "b");
	assert_int_equal(json_array_size(json_object_get(ub, "Proficiencies")), 1);
	assert_int_equal(json_array_size(json_object_get(ub, "QuickConnects")), 1);
	json_decref(b);

	/* the CSV: header, one row per removal, the formula guard on */
	const char *csv = buf_str(&out.plan_csv);
	assert_non_null(strstr(csv, "Cluster,Confidence,Remove_ID,"));
	assert_non_null(strstr(csv, "'=cmd|evil"));
	assert_null(strstr(csv, ",=cmd"));
	plan_output_release(&out);

	/* a failing lookup fails the plan, naming the account */
	struct plan_member c4[] = { { "k", "", "", "", "", "" }, { "broken", "", "", "", "", "" } };
	struct plan_input in4[] = { { 0.9, c4, 2, 0 } };
	plan_output_init(&out);
	assert_int_equal(plan_build(&inst, "t", in4, 1, 0.7, NULL, 0, &live, false, &out, err,
				    sizeof err), CD_SERVICE);
	plan_output_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(parse_and_keepers),
		cmocka_unit_test(times),
		cmocka_unit_test(build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
