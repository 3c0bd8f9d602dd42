/* test_user_json.c -- jansson User objects to fields: types, nulls, times, and agreement with the file reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "model/user_json.h"
#include "source/file.h"

static const char *full =
	"{\"Id\":\"u1\",\"Arn\":\"arn:aws:connect:us-east-1:1:instance/i/agent/u1\","
	"\"Username\":\"Émile.Dupont\",\"IdentityInfo\":{\"FirstName\":\"Émile\",\"LastName\":"
	"\"Dupont\",\"Email\":\"e@x.fr\",\"SecondaryEmail\":\"\",\"Mobile\":\"+33600000000\"},"
	"\"PhoneConfig\":{\"PhoneType\":\"DESK_PHONE\",\"AutoAccept\":false,"
	"\"DeskPhoneNumber\":\"+33100000000\"},\"DirectoryUserId\":\"dir\",\"SecurityProfileIds\":"
	"[\"s1\"],\"RoutingProfileId\":\"rp\",\"HierarchyGroupId\":\"hg\",\"Tags\":{\"a\":\"b\"},"
	"\"LastModifiedTime\":1714558830.25,\"LastModifiedRegion\":\"eu-west-3\"}";

static void full_user(void **state)
{
	json_error_t jerr;
	json_t *o = json_loads(full, 0, &jerr);
	assert_non_null(o);
	struct user_fields f;
	char *raw, err[256];
	assert_int_equal(user_from_json(o, &f, &raw, err, sizeof err), CD_OK);
	assert_string_equal(f.id, "u1");
	assert_string_equal(f.username, "Émile.Dupont");
	assert_string_equal(f.first_name, "Émile");
	assert_string_equal(f.last_name, "Dupont");
	assert_string_equal(f.email, "e@x.fr");
	assert_string_equal(f.secondary_email, "");
	assert_string_equal(f.mobile, "+33600000000");
	assert_string_equal(f.desk_phone, "+33100000000");
	assert_string_equal(f.directory_user_id, "dir");
	assert_string_equal(f.routing_profile_id, "rp");
	assert_string_equal(f.hierarchy_group_id, "hg");
	assert_string_equal(f.last_modified_region, "eu-west-3");
	assert_string_equal(f.security_profiles, "s1");
	assert_true(f.last_modified == 1714558830.25);
	assert_string_equal(raw, full); /* compact, order preserved */

	/* The file reader gives the same fields and the same raw text. */
	char path[] = "/tmp/cdtest_uj.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[", 1), 1);
	assert_int_equal(write(fd, full, strlen(full)), (ssize_t)strlen(full));
	assert_int_equal(write(fd, "]", 1), 1);
	close(fd);
	struct user_set s;
	user_set_init(&s);
	assert_int_equal(source_file_load(path, &s, NULL, err, sizeof err), CD_OK);
	unlink(path);
	assert_int_equal(s.n, 1);
	const struct user *u = &s.v[0];
	assert_string_equal(u->username, f.username);
	assert_string_equal(u->first_name, f.first_name);
	assert_string_equal(u->mobile, f.mobile);
	assert_string_equal(u->desk_phone, f.desk_phone);
	assert_string_equal(u->security_profiles, f.security_profiles);
	assert_true(u->last_modified == f.last_modified);
	assert_int_equal(u->raw_len, strlen(raw));
	assert_memory_equal(u->raw, raw, u->raw_len);
	user_set_release(&s);
	free(raw);
	json_decref(o);
}

static void expect_error(const char *text, const char *want)
{
	json_error_t jerr;
	json_t *o = json_loads(text, JSON_DECODE_ANY, &jerr);
	assert_non_null(o);
	struct user_fields f;
	char *raw = (char *)1, err[256] = "";
	assert_int_equal(user_from_json(o, &f, &raw, err, sizeof err), CD_INPUT);
	assert_null(raw);
	if (!strstr(err, want)) {
		print_error("'%s' does not contain '%s'\n", err, want);
		fail();
	}
	json_decref(o);
}

static void type_errors(void **state)
{
	expect_error("{\"Username\":\"x\"}", "user has no \"Id\"");
	expect_error("{\"Id\":\"\"}", "user has an empty \"Id\"");
	expect_error("{\"Id\":7}", "\"Id\" is a number, not a string");
	expect_error("{\"Id\":\"a\",\"Username\":[]}", "\"Username\" is an array, not a string");
	expect_error("{\"Id\":\"a\",\"IdentityInfo\":\"x\"}", "\"IdentityInfo\" is a string, not an object");
	expect_error("{\"Id\":\"a\",\"IdentityInfo\":{\"LastName\":{}}}",
		     "\"IdentityInfo.LastName\" is an object, not a string");
	expect_error("{\"Id\":\"a\",\"PhoneConfig\":{\"DeskPhoneNumber\":1}}",
		     "\"PhoneConfig.DeskPhoneNumber\" is a number");
	expect_error("{\"Id\":\"a\",\"LastModifiedTime\":true}", "\"LastModifiedTime\" is a boolean");
	expect_error("{\"Id\":\"a\",\"LastModifiedTime\":\"2024-13-01T00:00:00Z\"}", "not an ISO-8601");
	expect_error("[1]", "a user is an array, not an object");
	expect_error("{\"Id\":\"a\",\"SecurityProfileIds\":\"sp-1\"}",
		     "\"SecurityProfileIds\" is a string, not an array");
	expect_error("{\"Id\":\"a\",\"SecurityProfileIds\":[\"sp-1\",{}]}",
		     "\"SecurityProfileIds[1]\" is an object, not a string");
	expect_error("{\"Id\":\"a\",\"SecurityProfileIds\":[null]}",
		     "\"SecurityProfileIds[0]\" is null, not a string");
}

static void nulls_are_absent(void **state)
{
	json_error_t jerr;
	json_t *o = json_loads("{\"Id\":\"a\",\"Username\":null,\"IdentityInfo\":null,"
			       "\"LastModifiedTime\":\"2024-05-01T10:20:30Z\"}", 0, &jerr);
	struct user_fields f;
	char *raw, err[256];
	assert_int_equal(user_from_json(o, &f, &raw, err, sizeof err), CD_OK);
	assert_null(f.username);
	assert_null(f.email);
	assert_true(f.last_modified == 1714558830.0);
	free(raw);
	json_decref(o);
}

/* The canonical form rides in the raw block: sorted, unique, joined; [], null and absent are "".
 * The file reader must agree on every case. */
static void security_profiles(void **state)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "{\"Id\":\"a\",\"SecurityProfileIds\":[\"sp-3\",\"sp-1\",\"sp-3\",\"sp-2\",\"sp-1\"]}",
		  "sp-1,sp-2,sp-3" },
		{ "{\"Id\":\"a\",\"SecurityProfileIds\":[]}", "" },
		{ "{\"Id\":\"a\",\"SecurityProfileIds\":null}", "" },
		{ "{\"Id\":\"a\"}", "" },
		{ "{\"Id\":\"a\",\"SecurityProfileIds\":[\"q\",\"p\",\"o\",\"n\",\"m\",\"l\",\"k\",\"j\","
		  "\"i\",\"h\",\"g\",\"f\",\"e\",\"d\",\"c\",\"b\",\"a\",\"a\"]}",
		  "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_error_t jerr;
		json_t *o = json_loads(cases[i].json, 0, &jerr);
		assert_non_null(o);
		struct user_fields f;
		char *raw, err[256];
		assert_int_equal(user_from_json(o, &f, &raw, err, sizeof err), CD_OK);
		assert_non_null(f.security_profiles);
		assert_string_equal(f.security_profiles, cases[i].want);
		assert_string_equal(raw, cases[i].json); /* the raw text is untouched */
		assert_int_equal(f.raw_len, strlen(cases[i].json));
		/* what the cache and crawl do with it: a copy in a set */
		struct user_set s;
		user_set_init(&s);
		assert_int_equal(user_set_add(&s, &f), CD_OK);
		free(raw);
		json_decref(o);
		assert_string_equal(s.v[0].security_profiles, cases[i].want);
		user_set_release(&s);

		char path[] = "/tmp/cdtest_uj.XXXXXX";
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		user_set_init(&s);
		char werr[256];
		/* a bare object is not a file shape: as a DescribeUser document */
		FILE *fp = fopen(path, "w");
		assert_non_null(fp);
		fprintf(fp, "{\"User\":%s}", cases[i].json);
		fclose(fp);
		assert_int_equal(source_file_load(path, &s, NULL, werr, sizeof werr), CD_OK);
		unlink(path);
		assert_string_equal(s.v[0].security_profiles, cases[i].want);
		user_set_release(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_user),
		cmocka_unit_test(type_errors),
		cmocka_unit_test(nulls_are_absent),
		cmocka_unit_test(security_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
