/* test_emu_act.c -- connect-emu's remediation operations: routing, quick connects, proficiencies, users deleted and created. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "emu_resources.h"
#include "emu_store.h"
#include "server_act.h"

#define INST "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

static struct emu_store *store;
static struct emu_resources *res;

static int setup(void **state)
{
	struct user_set set;
	user_set_init(&set);
	const char *ids[] = { "u-1", "u-2", "u-3" }, *names[] = { "ann", "bob", "cy" };
	for (int i = 0; i < 3; i++) {
		struct user_fields f = { .id = ids[i], .username = names[i], .last_modified = 1704067200 };
		assert_int_equal(user_set_add(&set, &f), CD_OK);
	}
	char err[200], path[] = "/tmp/cdemuact.XXXXXX";
	struct emu_instance_info info = { INST, "eu-west-2", 9 };
	assert_int_equal(emu_store_open(&store, &set, &info, err, sizeof err), CD_OK);
	user_set_release(&set);
	int fd = mkstemp(path);
	const char *text =
		"{\"QuickConnects\":["
		"{\"QuickConnectId\":\"q1\",\"Name\":\"a\",\"QuickConnectConfig\":{\"QuickConnectType\":\"USER\","
		"\"UserConfig\":{\"UserId\":\"u-1\",\"ContactFlowId\":\"f\"}}},"
		"{\"QuickConnectId\":\"q2\",\"Name\":\"b\",\"QuickConnectConfig\":{\"QuickConnectType\":\"QUEUE\","
		"\"QueueConfig\":{\"QueueId\":\"x\",\"ContactFlowId\":\"f\"}}},"
		"{\"QuickConnectId\":\"q3\",\"Name\":\"c\",\"QuickConnectConfig\":{\"QuickConnectType\":\"USER\","
		"\"UserConfig\":{\"UserId\":\"u-2\",\"ContactFlowId\":\"f\"}}}],"
		"\"UserProficiencies\":{\"u-1\":[{\"AttributeName\":\"L\",\"AttributeValue\":\"de\",\"Level\":2.0}]},"
		"\"UserTags\":{\"u-2\":{\"team\":\"x\"}}}";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(emu_resources_new(&res), CD_OK);
	assert_int_equal(emu_resources_load(res, store, path, err, sizeof err), CD_OK);
	unlink(path);
	return 0;
}

static int teardown(void **state)
{
	emu_resources_free(res);
	emu_store_close(store);
	return 0;
}

static json_t *call(const char *method, const char *path, const char *query, const char *body,
		    unsigned *status, const char **error)
{
	char seg[4][512];
	int n = 0;
	for (const char *p = path; *p == '/' && n < 4; n++) {
		p++;
		size_t len = strcspn(p, "/");
		snprintf(seg[n], sizeof seg[n], "%.*s", (int)len, p);
		p += len;
	}
	int op = emu_act_route(method, seg, n);
	struct buf b = BUF_INIT(1 << 20);
	struct emu_act_reply r = { .body = &b };
	if (op < 0) {
		*status = 404;
		*error = "UnknownOperation";
		buf_release(&b);
		return NULL;
	}
	emu_act_handle(op, store, res, 42, seg, n, query, body, body ? strlen(body) : 0, &r);
	*status = r.status;
	*error = r.error;
	json_t *o = b.len ? json_loads(buf_str(&b), 0, NULL) : NULL;
	buf_release(&b);
	return o;
}

static void quick_connects(void **state)
{
	unsigned st;
	const char *e;
	json_t *o = call("GET", "/quick-connects/" INST, "QuickConnectTypes=USER&maxResults=1", NULL, &st, &e);
	assert_int_equal(st, 200);
	json_t *l = json_object_get(o, "QuickConnectSummaryList");
	assert_int_equal(json_array_size(l), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 0), "Id")), "q1");
	assert_non_null(json_object_get(o, "NextToken"));
	json_decref(o);
	o = call("GET", "/quick-connects/" INST, "", NULL, &st, &e);
	assert_int_equal(json_array_size(json_object_get(o, "QuickConnectSummaryList")), 3);
	json_decref(o);
	o = call("GET", "/quick-connects/" INST, "QuickConnectTypes=NOPE", NULL, &st, &e);
	assert_int_equal(st, 400);
	json_decref(o);
	o = call("GET", "/quick-connects/" INST "/q1", "", NULL, &st, &e);
	assert_int_equal(st, 200);
	const char *arn = json_string_value(json_object_get(json_object_get(o, "QuickConnect"), "QuickConnectARN"));
	assert_non_null(arn);
	assert_non_null(strstr(arn, "/transfer-destination/q1"));
	json_decref(o);
	o = call("DELETE", "/quick-connects/" INST "/q1", "", NULL, &st, &e);
	assert_int_equal(st, 200);
	json_decref(o);
	o = call("DELETE", "/quick-connects/" INST "/q1", "", NULL, &st, &e);
	assert_int_equal(st, 404);
	assert_string_equal(e, "ResourceNotFoundException");
	json_decref(o);
	o = call("GET", "/quick-connects/other-instance", "", NULL, &st, &e);
	assert_int_equal(st, 404);
	json_decref(o);
}

static void users_and_proficiencies(void **state)
{
	unsigned st;
	const char *e;
	json_t *o = call("GET", "/users/" INST "/u-1/proficiencies", "", NULL, &st, &e);
	assert_int_equal(json_array_size(json_object_get(o, "UserProficiencyList")), 1);
	json_decref(o);
	o = call("POST", "/users/" INST "/u-1/associate-proficiencies", "",
		 "{\"UserProficiencies\":[{\"AttributeName\":\"L\",\"AttributeValue\":\"de\",\"Level\":4}]}",
		 &st, &e);
	assert_int_equal(st, 200);
	json_decref(o);
	o = call("GET", "/users/" INST "/u-1/proficiencies", "", NULL, &st, &e);
	json_t *p = json_array_get(json_object_get(o, "UserProficiencyList"), 0);
	assert_int_equal((int)json_number_value(json_object_get(p, "Level")), 4);
	json_decref(o);
	o = call("POST", "/users/" INST "/u-1/associate-proficiencies", "",
		 "{\"UserProficiencies\":[{\"AttributeName\":\"L\",\"AttributeValue\":\"de\",\"Level\":9}]}",
		 &st, &e);
	assert_int_equal(st, 400);
	json_decref(o);
	/* tags from the resources file are on the user */
	struct buf b = BUF_INIT(1 << 16);
	assert_int_equal(emu_store_describe(store, "u-2", &b), CD_OK);
	assert_non_null(strstr(buf_str(&b), "\"team\":\"x\""));
	buf_release(&b);

	o = call("DELETE", "/users/" INST "/u-3", "", NULL, &st, &e);
	assert_int_equal(st, 200);
	assert_false(emu_store_exists(store, "u-3"));
	o = call("DELETE", "/users/" INST "/u-3", "", NULL, &st, &e);
	assert_int_equal(st, 404);
	o = call("GET", "/users/" INST "/u-3/proficiencies", "", NULL, &st, &e);
	assert_int_equal(st, 404);

	o = call("PUT", "/users/" INST, "", "{\"Username\":\"cy\",\"SecurityProfileIds\":[\"s\"],"
		 "\"RoutingProfileId\":\"r\",\"Password\":\"Secret-Pw-123\",\"Tags\":{\"t\":\"1\"}}", &st,
		 &e);
	assert_int_equal(st, 200);
	const char *nid = json_string_value(json_object_get(o, "UserId"));
	assert_non_null(nid);
	b = (struct buf)BUF_INIT(1 << 16);
	assert_int_equal(emu_store_describe(store, nid, &b), CD_OK);
	assert_null(strstr(buf_str(&b), "Secret-Pw")); /* a password is never stored */
	assert_non_null(strstr(buf_str(&b), "\"Username\":\"cy\""));
	buf_release(&b);
	json_decref(o);
	o = call("PUT", "/users/" INST, "", "{\"Username\":\"cy\",\"SecurityProfileIds\":[\"s\"],"
		 "\"RoutingProfileId\":\"r\",\"Password\":\"Secret-Pw-123\"}", &st, &e);
	assert_int_equal(st, 409);
	assert_string_equal(e, "DuplicateResourceException");
	o = call("PUT", "/users/" INST, "", "{\"Username\":\"dee\",\"RoutingProfileId\":\"r\"}", &st, &e);
	assert_int_equal(st, 400);
	/* the emulated instance is CONNECT_MANAGED: no password, or a weak one, is refused */
	o = call("PUT", "/users/" INST, "", "{\"Username\":\"eve\",\"SecurityProfileIds\":[\"s\"],"
		 "\"RoutingProfileId\":\"r\"}", &st, &e);
	assert_int_equal(st, 400);
	assert_string_equal(e, "InvalidParameterException");
	o = call("PUT", "/users/" INST, "", "{\"Username\":\"eve\",\"SecurityProfileIds\":[\"s\"],"
		 "\"RoutingProfileId\":\"r\",\"Password\":\"short1A\"}", &st, &e);
	assert_int_equal(st, 400);
	o = call("PATCH", "/users/" INST "/u-1", "", NULL, &st, &e);
	assert_int_equal(st, 404);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(quick_connects, setup, teardown),
		cmocka_unit_test_setup_teardown(users_and_proficiencies, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
