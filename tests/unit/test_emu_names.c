/* test_emu_names.c -- connect-emu's listings of routing profiles, security profiles and hierarchy groups: routing, names from the users' ids, pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "emu_store.h"
#include "server_names.h"

#define INST "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

static struct emu_store *store;

static int setup(void **state)
{
	struct user_set set;
	user_set_init(&set);
	/* raw User JSON, as a generated instance has it */
	const char *raw[] = {
		"{\"Id\":\"u-1\",\"Username\":\"ann\",\"SecurityProfileIds\":[\"s-b\",\"s-a\"],"
		"\"RoutingProfileId\":\"rp-2\",\"HierarchyGroupId\":\"h-1\"}",
		"{\"Id\":\"u-2\",\"Username\":\"bob\",\"SecurityProfileIds\":[\"s-a\"],"
		"\"RoutingProfileId\":\"rp-1\"}",
		"{\"Id\":\"u-3\",\"Username\":\"cy\",\"SecurityProfileIds\":[\"s\\\"q\"],"
		"\"RoutingProfileId\":\"rp-2\",\"HierarchyGroupId\":\"h-2\"}",
	};
	const char *ids[] = { "u-1", "u-2", "u-3" };
	const char *rps[] = { "rp-2", "rp-1", "rp-2" }, *hgs[] = { "h-1", NULL, "h-2" };
	for (int i = 0; i < 3; i++) {
		struct user_fields f = { .id = ids[i], .routing_profile_id = rps[i],
					 .hierarchy_group_id = hgs[i], .last_modified = 1704067200,
					 .raw = raw[i], .raw_len = strlen(raw[i]) };
		assert_int_equal(user_set_add(&set, &f), CD_OK);
	}
	char err[200];
	struct emu_instance_info info = { INST, "eu-west-2", 9 };
	assert_int_equal(emu_store_open(&store, &set, &info, err, sizeof err), CD_OK);
	user_set_release(&set);
	return 0;
}

static int teardown(void **state)
{
	emu_store_close(store);
	return 0;
}

static json_t *call(int op, const char *query, unsigned *status)
{
	char seg[4][512] = { "", INST };
	struct buf body = BUF_INIT(1 << 20);
	struct emu_act_reply o = { .body = &body };
	emu_names_handle(op, store, 42, seg, 2, query, &o);
	*status = o.status;
	json_t *j = o.error ? NULL : json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	buf_release(&body);
	return j;
}

static void route(void **state)
{
	char seg[4][512] = { "routing-profiles-summary", INST };
	assert_int_equal(emu_names_route("GET", seg, 2), EMU_OP_LIST_ROUTING_PROFILES);
	assert_int_equal(emu_names_route("POST", seg, 2), -1);
	assert_int_equal(emu_names_route("GET", seg, 3), -1);
	snprintf(seg[0], sizeof seg[0], "%s", "user-hierarchy-groups-summary");
	assert_int_equal(emu_names_route("GET", seg, 2), EMU_OP_LIST_USER_HIERARCHY_GROUPS);
	snprintf(seg[0], sizeof seg[0], "%s", "security-profiles-summary");
	assert_int_equal(emu_names_route("GET", seg, 2), EMU_OP_LIST_SECURITY_PROFILES);
	snprintf(seg[0], sizeof seg[0], "%s", "users-summary");
	assert_int_equal(emu_names_route("GET", seg, 2), -1);
}

static void listings(void **state)
{
	unsigned st;
	json_t *j = call(EMU_OP_LIST_ROUTING_PROFILES, "", &st);
	assert_int_equal(st, 200);
	json_t *l = json_object_get(j, "RoutingProfileSummaryList");
	assert_int_equal(json_array_size(l), 2);
	/* ranked by id: rp-1 first */
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "Id")), "rp-1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "Name")),
			    "Basic Routing Profile");
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 1), "Name")), "Sales");
	assert_null(json_object_get(j, "NextToken"));
	json_decref(j);
	/* the escaped id is passed over */
	j = call(EMU_OP_LIST_SECURITY_PROFILES, "", &st);
	l = json_object_get(j, "SecurityProfileSummaryList");
	assert_int_equal(json_array_size(l), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "Name")), "Agent");
	json_decref(j);
	/* pages of one */
	j = call(EMU_OP_LIST_USER_HIERARCHY_GROUPS, "maxResults=1", &st);
	l = json_object_get(j, "UserHierarchyGroupSummaryList");
	assert_int_equal(json_array_size(l), 1);
	const char *tok = json_string_value(json_object_get(j, "NextToken"));
	assert_non_null(tok);
	char q[256] = "maxResults=1&nextToken=";
	for (const char *p = tok; *p; p++)
		snprintf(q + strlen(q), sizeof q - strlen(q), "%%%02X", (unsigned char)*p);
	json_t *j2 = call(EMU_OP_LIST_USER_HIERARCHY_GROUPS, q, &st);
	assert_int_equal(st, 200);
	l = json_object_get(j2, "UserHierarchyGroupSummaryList");
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "Id")), "h-2");
	assert_null(json_object_get(j2, "NextToken"));
	json_decref(j);
	json_decref(j2);
	/* bad arguments */
	assert_null(call(EMU_OP_LIST_ROUTING_PROFILES, "maxResults=0", &st));
	assert_int_equal(st, 400);
	assert_null(call(EMU_OP_LIST_ROUTING_PROFILES, "nextToken=bogus", &st));
	assert_int_equal(st, 400);
}

static void names(void **state)
{
	char n[96];
	emu_names_name(EMU_OP_LIST_ROUTING_PROFILES, 0, n, sizeof n);
	assert_string_equal(n, "Basic Routing Profile");
	emu_names_name(EMU_OP_LIST_ROUTING_PROFILES, 99, n, sizeof n);
	assert_string_equal(n, "Routing Profile 100");
	emu_names_name(EMU_OP_LIST_USER_HIERARCHY_GROUPS, 0, n, sizeof n);
	assert_string_equal(n, "London Team 1");
	emu_names_name(EMU_OP_LIST_USER_HIERARCHY_GROUPS, 10, n, sizeof n);
	assert_string_equal(n, "London Team 2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route),
		cmocka_unit_test_setup_teardown(listings, setup, teardown),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
