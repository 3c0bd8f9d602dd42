/* test_restore.c -- restore: the CreateUser body (same fields, never a password), skips, dry run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "act/restore.h"
#include "connect/api.h"

static const char backup[] =
	"{\"instance\":{\"Id\":\"i-1\",\"Region\":\"us-east-1\",\"Alias\":\"shop\"},\"users\":["
	"{\"User\":{\"Id\":\"old1\",\"Arn\":\"arn:x\",\"Username\":\"ann\",\"IdentityInfo\":{\"FirstName\":\"Ann\","
	"\"Email\":\"ann@x\"},\"PhoneConfig\":{\"PhoneType\":\"SOFT_PHONE\",\"AutoAccept\":false,"
	"\"AfterContactWorkTimeLimit\":30},\"SecurityProfileIds\":[\"sp\"],\"RoutingProfileId\":\"rp\","
	"\"HierarchyGroupId\":\"hg\",\"DirectoryUserId\":\"\",\"Tags\":{\"team\":\"a\"},"
	"\"LastModifiedTime\":1735689600.5,\"LastModifiedRegion\":\"us-east-1\",\"Password\":\"leaked\"},"
	"\"Proficiencies\":[{\"AttributeName\":\"Language\",\"AttributeValue\":\"German\",\"Level\":3.0}],"
	"\"QuickConnects\":[]},"
	"{\"User\":{\"Id\":\"old2\",\"Username\":\"bob\",\"Tags\":{},\"SecurityProfileIds\":[\"sp\"],"
	"\"RoutingProfileId\":\"rp\"},\"Proficiencies\":[],\"QuickConnects\":[]}]}";

static void body(void **state)
{
	struct restore_backup *b;
	char err[256];
	assert_int_equal(restore_parse(backup, strlen(backup), &b, err, sizeof err), CD_OK);
	assert_string_equal(restore_instance_alias(b), "shop");
	assert_int_equal(restore_count(b), 2);
	struct buf t = BUF_INIT(1 << 16);
	assert_int_equal(restore_create_body(b, 0, "i-9", NULL, &t), CD_OK);
	json_t *o = json_loads(buf_str(&t), 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "Username")), "ann");
	assert_string_equal(json_string_value(json_object_get(o, "InstanceId")), "i-9");
	assert_string_equal(json_string_value(json_object_get(o, "HierarchyGroupId")), "hg");
	assert_non_null(json_object_get(o, "IdentityInfo"));
	assert_non_null(json_object_get(o, "PhoneConfig"));
	assert_non_null(json_object_get(o, "Tags"));
	/* never a password, nor what CreateUser does not take */
	assert_null(json_object_get(o, "Password"));
	assert_null(json_object_get(o, "Id"));
	assert_null(json_object_get(o, "Arn"));
	assert_null(json_object_get(o, "LastModifiedTime"));
	assert_null(json_object_get(o, "DirectoryUserId")); /* "" means none */
	json_decref(o);
	buf_reset(&t);
	assert_int_equal(restore_create_body(b, 1, "i-9", NULL, &t), CD_OK);
	assert_null(strstr(buf_str(&t), "Tags")); /* an empty map is "no tags" */
	buf_release(&t);
	restore_free(b);
	assert_int_equal(restore_parse("{\"users\":[]}", 12, &b, err, sizeof err), CD_INPUT);
}

/* A password is sent only when given, and its rules are the service model's pattern. */
static void password(void **state)
{
	struct restore_backup *b;
	char err[256], why[128];
	assert_int_equal(restore_parse(backup, strlen(backup), &b, err, sizeof err), CD_OK);
	struct buf t = BUF_INIT(1 << 16);
	assert_int_equal(restore_create_body(b, 0, "i-9", "Xy3-secret", &t), CD_OK);
	json_t *o = json_loads(buf_str(&t), 0, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "Password")), "Xy3-secret");
	json_decref(o);
	buf_release(&t);
	restore_free(b);
	assert_true(api_password_ok("Abcdefg1", why, sizeof why));
	assert_true(api_password_ok("Ab1!@#$%^&*()_+{}|:<>?", why, sizeof why));
	const char *bad[] = { "Abcdef1", "abcdefg1", "ABCDEFG1", "Abcdefgh", "Abc defg1",
			      "Abcdefg1\t", "Abcdefghijklmnopqrstuvwxyz1234567890abcdefghijklmnopqrstuvwxyz123" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why[0] = '\0';
		assert_false(api_password_ok(bad[i], why, sizeof why));
		assert_true(why[0] != '\0');
		assert_null(strstr(why, bad[i])); /* the reason never quotes it */
	}
}

struct fake { int creates, associates; char last_body[2048]; };

static enum cd_result f_exists(void *ctx, const char *u, bool *exists, char *err, size_t errlen)
{
	*exists = !strcmp(u, "bob");
	return CD_OK;
}

static enum cd_result f_create(void *ctx, const char *body_json, char *id, size_t idlen,
			       char *err, size_t errlen)
{
	struct fake *f = ctx;
	f->creates++;
	snprintf(f->last_body, sizeof f->last_body, "%s", body_json);
	snprintf(id, idlen, "new%d", f->creates);
	return CD_OK;
}

static enum cd_result f_assoc(void *ctx, const char *id, const char *body_json, char *err,
			      size_t errlen)
{
	struct fake *f = ctx;
	f->associates++;
	assert_string_equal(id, "new1");
	assert_non_null(strstr(body_json, "\"UserProficiencies\""));
	return CD_OK;
}

static void run(void **state)
{
	struct restore_backup *b;
	struct restore_summary s;
	struct fake f = { 0 };
	char err[256];
	assert_int_equal(restore_parse(backup, strlen(backup), &b, err, sizeof err), CD_OK);
	struct restore_ops dry = { &f, f_exists, NULL, NULL };
	assert_int_equal(restore_run(b, NULL, 0, "i-1", NULL, true, &dry, NULL, NULL, &s, err, sizeof err),
			 CD_INCOMPLETE);
	assert_int_equal(s.would_create, 1);
	assert_int_equal(s.exists, 1);
	assert_int_equal(f.creates, 0);
	struct restore_ops wr = { &f, f_exists, f_create, f_assoc };
	/* a dry run given write operations refuses to start */
	assert_int_equal(restore_run(b, NULL, 0, "i-1", NULL, true, &wr, NULL, NULL, &s, err, sizeof err),
			 CD_INTERNAL);
	const char *only[] = { "old1" };
	assert_int_equal(restore_run(b, only, 1, "i-1", NULL, false, &wr, NULL, NULL, &s, err, sizeof err),
			 CD_OK);
	assert_int_equal(f.creates, 1);
	assert_int_equal(f.associates, 1);
	assert_null(strstr(f.last_body, "leaked"));
	const char *unknown[] = { "nobody" };
	assert_int_equal(restore_run(b, unknown, 1, "i-1", NULL, false, &wr, NULL, NULL, &s, err,
				     sizeof err), CD_INPUT);
	assert_int_equal(f.creates, 1);
	restore_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(body),
		cmocka_unit_test(password),
		cmocka_unit_test(run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
