/* test_emu_search.c -- SearchCriteria parsing and evaluation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "emu_search.h"

static const char raw[] = "{\"SecurityProfileIds\":[\"sp-admin\",\"sp-agent\"],"
			  "\"Tags\":{\"team\":\"blue\",\"site\":\"Lima\"}}";
static const struct emu_search_view ann = {
	.id = "id-1", .username = "Ann.Lee@example.com", .first_name = "Ann", .last_name = "Lee",
	.routing_profile_id = "rp-1", .hierarchy_group_id = "hg-1", .raw = raw,
	.raw_len = sizeof raw - 1,
};

static int match(const char *criteria)
{
	json_t *j = json_loads(criteria, 0, NULL);
	struct emu_cond *c = NULL;
	char err[256];
	assert_non_null(j);
	enum cd_result r = emu_search_parse(j, &c, err, sizeof err);
	json_decref(j);
	if (r != CD_OK)
		return -1;
	int m = emu_search_match(c, &ann);
	emu_search_free(c);
	return m;
}

#define SC(f, v, t) "{\"StringCondition\":{\"FieldName\":\"" f "\",\"Value\":\"" v "\",\"ComparisonType\":\"" t "\"}}"

static void string_conditions(void **state)
{
	assert_int_equal(match(SC("Username", "ann.", "STARTS_WITH")), 1);
	assert_int_equal(match(SC("Username", "example", "CONTAINS")), 1);
	assert_int_equal(match(SC("Username", "ann", "EXACT")), 0);
	assert_int_equal(match(SC("FirstName", "ANN", "EXACT")), 1);
	assert_int_equal(match(SC("LastName", "e", "STARTS_WITH")), 0);
	assert_int_equal(match(SC("resourceId", "id-1", "EXACT")), 1);
	assert_int_equal(match(SC("RoutingProfileId", "rp-2", "EXACT")), 0);
	assert_int_equal(match(SC("SecurityProfileId", "sp-agent", "EXACT")), 1);
	assert_int_equal(match(SC("SecurityProfileId", "sp-x", "EXACT")), 0);
	assert_int_equal(match("{\"HierarchyGroupCondition\":{\"Value\":\"hg-1\",\"HierarchyGroupMatchType\":\"EXACT\"}}"), 1);
}

static void and_or(void **state)
{
	assert_int_equal(match("{\"AndConditions\":[" SC("FirstName", "Ann", "EXACT") "," SC("LastName", "Lee", "EXACT") "]}"), 1);
	assert_int_equal(match("{\"AndConditions\":[" SC("FirstName", "Ann", "EXACT") "," SC("LastName", "Li", "EXACT") "]}"), 0);
	assert_int_equal(match("{\"OrConditions\":[" SC("FirstName", "Bob", "EXACT") "," SC("LastName", "Lee", "EXACT") "]}"), 1);
	assert_int_equal(match("{\"OrConditions\":[{\"AndConditions\":[" SC("FirstName", "Ann", "EXACT") "," SC("LastName", "X", "EXACT") "]}," SC("Username", "nobody", "CONTAINS") "]}"), 0);
	assert_int_equal(match("{}"), 1);
}

static void refusals(void **state)
{
	assert_int_equal(match(SC("Email", "x", "EXACT")), -1);
	assert_int_equal(match(SC("Username", "x", "ENDS_WITH")), -1);
	assert_int_equal(match("{\"StringCondition\":{\"FieldName\":\"Username\"}}"), -1);
	assert_int_equal(match("{\"ListCondition\":{}}"), -1);
	assert_int_equal(match("{\"OrConditions\":[1]}"), -1);
	/* one condition per object */
	assert_int_equal(match("{\"OrConditions\":[],\"StringCondition\":{\"FieldName\":\"Username\","
			       "\"Value\":\"x\",\"ComparisonType\":\"EXACT\"}}"), -1);
	/* nesting is bounded */
	char deep[4096] = "";
	size_t o = 0;
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(deep + o, sizeof deep - o, "{\"AndConditions\":[");
	o += (size_t)snprintf(deep + o, sizeof deep - o, "{}");
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(deep + o, sizeof deep - o, "]}");
	assert_int_equal(match(deep), -1);
}

static int filter(const char *f, const char *criteria)
{
	json_t *j = json_loads(f, 0, NULL), *k = criteria ? json_loads(criteria, 0, NULL) : NULL;
	struct emu_cond *c = NULL, *d = NULL;
	char err[256];
	assert_non_null(j);
	enum cd_result r = emu_search_parse_filter(j, &c, err, sizeof err);
	json_decref(j);
	if (r == CD_OK && k)
		assert_int_equal(emu_search_parse(k, &d, err, sizeof err), CD_OK);
	json_decref(k);
	if (r != CD_OK)
		return r == CD_AUTH ? -2 : -1;
	c = emu_search_and(c, d);
	int m = emu_search_match(c, &ann);
	emu_search_free(c);
	return m;
}

#define TC(k, v) "{\"TagKey\":\"" k "\",\"TagValue\":\"" v "\"}"

static void search_filters(void **state)
{
	assert_int_equal(filter("{\"TagFilter\":{\"TagCondition\":" TC("team", "blue") "}}", NULL), 1);
	assert_int_equal(filter("{\"TagFilter\":{\"TagCondition\":" TC("team", "Blue") "}}", NULL), 0);
	assert_int_equal(filter("{\"TagFilter\":{\"TagCondition\":{\"TagKey\":\"site\"}}}", NULL), 1);
	assert_int_equal(filter("{\"TagFilter\":{\"AndConditions\":[" TC("team", "blue") "," TC("site", "Oslo") "]}}", NULL), 0);
	assert_int_equal(filter("{\"TagFilter\":{\"OrConditions\":[[" TC("team", "red") "],[" TC("site", "Lima") "]]}}", NULL), 1);
	assert_int_equal(filter("{\"UserAttributeFilter\":{\"AndCondition\":{\"TagConditions\":[" TC("team", "blue") "],"
				"\"HierarchyGroupCondition\":{\"Value\":\"hg-1\",\"HierarchyGroupMatchType\":\"EXACT\"}}}}", NULL), 1);
	assert_int_equal(filter("{\"UserAttributeFilter\":{\"OrConditions\":[{\"HierarchyGroupCondition\":{\"Value\":\"hg-2\"}},"
				"{\"TagConditions\":[" TC("team", "blue") "]}]}}", NULL), 1);
	/* filter and criteria both apply */
	assert_int_equal(filter("{\"TagFilter\":{\"TagCondition\":" TC("team", "blue") "}}", SC("FirstName", "Bob", "EXACT")), 0);
	assert_int_equal(filter("{\"TagFilter\":{\"TagCondition\":" TC("team", "blue") "}}", SC("FirstName", "Ann", "EXACT")), 1);
	assert_int_equal(filter("{\"TagFilter\":{},\"UserAttributeFilter\":{}}", NULL), -2);
	assert_int_equal(filter("{\"TagFilter\":{\"TagCondition\":{\"TagValue\":\"x\"}}}", NULL), -1);
	assert_int_equal(filter("{\"TagFilter\":{\"OrConditions\":7}}", NULL), -1);
	assert_int_equal(filter("{}", NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(string_conditions),
		cmocka_unit_test(and_or),
		cmocka_unit_test(refusals),
		cmocka_unit_test(search_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
