/* test_file_source.c -- the three input shapes, raw text, and the one-line errors with positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "source/file.h"

static char dir[] = "/tmp/cdtest_fs.XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* Writes text to a fresh file and loads it; returns the result, err filled. */
static enum cd_result load(const char *text, size_t len, struct user_set *s,
			   struct source_meta *meta, char *err, size_t errlen)
{
	static int n;
	char path[128];
	snprintf(path, sizeof path, "%s/in%d.json", dir, n++);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(text, 1, len, f);
	fclose(f);
	user_set_init(s);
	enum cd_result rc = source_file_load(path, s, meta, err, errlen);
	/* The input is parsed as it is read: windows of a few bytes put a window's end at every
	 * place in these texts, and must change nothing, neither the users nor the error. */
	static const size_t windows[] = { 1, 2, 3, 5, 8, 13, 64 };
	for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
		struct user_set t;
		char terr[512] = "";
		user_set_init(&t);
		source_file_test_window(windows[w]);
		enum cd_result trc = source_file_load(path, &t, NULL, terr, sizeof terr);
		source_file_test_window(0);
		if (trc != rc || (rc != CD_OK && strcmp(terr, err) != 0) || t.n != s->n) {
			print_error("window %zu: rc %d '%s' vs rc %d '%s', %zu vs %zu users\n",
				    windows[w], (int)trc, terr, (int)rc, rc == CD_OK ? "" : err, t.n, s->n);
			fail();
		}
		for (size_t i = 0; i < t.n; i++) {
			assert_string_equal(t.v[i].id, s->v[i].id);
			assert_string_equal(t.v[i].username, s->v[i].username);
			assert_string_equal(t.v[i].security_profiles, s->v[i].security_profiles);
			assert_int_equal(t.v[i].raw_len, s->v[i].raw_len);
			assert_memory_equal(t.v[i].raw, s->v[i].raw, t.v[i].raw_len);
		}
		user_set_release(&t);
	}
	/* Without the text (no report echoes it, user_set.no_raw) the values are the same. */
	struct user_set t;
	char terr[512] = "";
	user_set_init(&t);
	t.no_raw = true;
	assert_int_equal(source_file_load(path, &t, NULL, terr, sizeof terr), rc);
	assert_int_equal(t.n, s->n);
	for (size_t i = 0; i < t.n; i++) {
		const struct user *a = &t.v[i], *b = &s->v[i];
		const char *av[] = { a->id, a->arn, a->username, a->first_name, a->last_name,
				     a->email, a->secondary_email, a->mobile, a->desk_phone,
				     a->routing_profile_id, a->security_profiles };
		const char *bv[] = { b->id, b->arn, b->username, b->first_name, b->last_name,
				     b->email, b->secondary_email, b->mobile, b->desk_phone,
				     b->routing_profile_id, b->security_profiles };
		for (size_t k = 0; k < sizeof av / sizeof av[0]; k++)
			assert_string_equal(av[k], bv[k]);
		assert_int_equal(a->raw_len, 0);
		assert_string_equal(a->raw, "");
	}
	user_set_release(&t);
	return rc;
}

#define LOAD(text, s, err) load(text, strlen(text), s, NULL, err, sizeof err)

static void array_shape_pretty_and_raw_compact(void **state)
{
	const char *text =
		"[\n  {\n    \"Id\": \"u1\",\n    \"Username\": \"jdoe\",\n"
		"    \"IdentityInfo\": {\"FirstName\": \"John  Q\", \"LastName\": \"Doe\",\n"
		"      \"Email\": \"j@x.com\", \"SecondaryEmail\": \"s@x.com\", \"Mobile\": \"+1555\"},\n"
		"    \"PhoneConfig\": {\"PhoneType\": \"SOFT_PHONE\", \"DeskPhoneNumber\": \"+1666\"},\n"
		"    \"SecurityProfileIds\": [\"a\", \"b\"], \"Tags\": {\"k\": \"v\"},\n"
		"    \"LastModifiedTime\": 1700000000.5, \"LastModifiedRegion\": \"us-east-1\",\n"
		"    \"Arn\": \"arn:x\", \"DirectoryUserId\": \"d\", \"RoutingProfileId\": \"r\",\n"
		"    \"HierarchyGroupId\": \"h\"\n  },\n  {\"Id\":\"u2\"}\n]\n";
	struct user_set s;
	char err[512];
	assert_int_equal(LOAD(text, &s, err), CD_OK);
	assert_int_equal(s.n, 2);
	const struct user *u = &s.v[0];
	assert_string_equal(u->id, "u1");
	assert_string_equal(u->username, "jdoe");
	assert_string_equal(u->first_name, "John  Q");
	assert_string_equal(u->last_name, "Doe");
	assert_string_equal(u->email, "j@x.com");
	assert_string_equal(u->secondary_email, "s@x.com");
	assert_string_equal(u->mobile, "+1555");
	assert_string_equal(u->desk_phone, "+1666");
	assert_string_equal(u->arn, "arn:x");
	assert_string_equal(u->directory_user_id, "d");
	assert_string_equal(u->routing_profile_id, "r");
	assert_string_equal(u->hierarchy_group_id, "h");
	assert_string_equal(u->last_modified_region, "us-east-1");
	assert_string_equal(u->security_profiles, "a,b");
	assert_string_equal(s.v[1].security_profiles, "");
	assert_true(u->last_modified == 1700000000.5);
	/* Raw text: white space outside strings removed, inside kept, order kept. */
	assert_int_equal(u->raw_len, strlen(u->raw));
	assert_non_null(strstr(u->raw, "{\"Id\":\"u1\",\"Username\":\"jdoe\",\"IdentityInfo\":{\"FirstName\":\"John  Q\""));
	assert_null(strchr(u->raw, '\n'));
	assert_string_equal(s.v[1].raw, "{\"Id\":\"u2\"}");
	assert_string_equal(s.v[1].email, "");
	user_set_release(&s);
}

static void users_object_with_meta(void **state)
{
	const char *text = "{\"InstanceId\":\"inst-1\",\"Region\":\"eu-west-2\",\"Users\":"
			   "[{\"Id\":\"a\",\"Username\":null},{\"Id\":\"b\"}],\"Extra\":[1,2,{}]}";
	struct user_set s;
	struct source_meta meta;
	char err[512];
	memset(&meta, 0, sizeof meta);
	assert_int_equal(load(text, strlen(text), &s, &meta, err, sizeof err), CD_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].username, "");
	assert_string_equal(meta.instance_id, "inst-1");
	assert_string_equal(meta.region, "eu-west-2");
	user_set_release(&s);
}

static void describe_user_stream(void **state)
{
	const char *text = "{\n    \"User\": {\"Id\": \"x1\", \"Username\": \"caf\\u00e9\"}\n}\n"
			   "{\"User\":{\"Id\":\"x2\",\"Username\":\"\\ud83d\\ude00\\t\"}}"
			   "{\"User\":{\"Id\":\"x1\"}}\n";
	struct user_set s;
	char err[512];
	assert_int_equal(LOAD(text, &s, err), CD_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0].username, "café");
	assert_string_equal(s.v[1].username, "\xF0\x9F\x98\x80\t");
	assert_string_equal(s.v[2].id, "x1");
	user_set_release(&s);
}

static void empty_inputs_and_bom(void **state)
{
	struct user_set s;
	char err[512];
	assert_int_equal(LOAD("[]", &s, err), CD_OK);
	assert_int_equal(s.n, 0);
	user_set_release(&s);
	assert_int_equal(LOAD("{\"Users\":[]}", &s, err), CD_OK);
	user_set_release(&s);
	assert_int_equal(LOAD("\xEF\xBB\xBF[{\"Id\":\"b\"}]", &s, err), CD_OK);
	assert_int_equal(s.n, 1);
	user_set_release(&s);
}

/* Each bad input gives CD_INPUT and a message naming the file, the position and the problem. */
static void error_is(const char *text, size_t len, const char *pos, const char *problem)
{
	struct user_set s;
	char err[512];
	assert_int_equal(load(text, len, &s, NULL, err, sizeof err), CD_INPUT);
	if (!strstr(err, pos) || !strstr(err, problem) || !strstr(err, "/in")) {
		print_error("message '%s' lacks '%s' or '%s'\n", err, pos, problem);
		fail();
	}
	user_set_release(&s);
}

#define ERR(text, pos, problem) error_is(text, sizeof(text) - 1, pos, problem)

static void errors(void **state)
{
	ERR("", ":1:1:", "empty file");
	ERR("  \n", ":2:1:", "empty file");
	ERR("[{\"Id\":\"a\"},\n {\"Id\":\"b\" \"x\"}]", ":2:12:", "expected ',' or '}'");
	ERR("[{\"Id\":\"a\"}", ":1:12:", "unexpected end of file");
	ERR("[{\"Id\":\"a\",\"Username\":\"\xC3\"}]", ":1:24:", "invalid UTF-8");
	ERR("[{\"Id\":\"a\",\"Username\":\"\xED\xA0\x80\"}]", ":1:24:", "invalid UTF-8");
	ERR("[{\"Id\":\"a\",\"Username\":\"\xC0\xAF\"}]", ":1:24:", "invalid UTF-8");
	ERR("[{\"Id\":\"é\"},\n{\"Username\":\"x\"}]", ":2:1:", "user has no \"Id\"");
	ERR("[{\"Id\":\"\"}]", ":1:2:", "empty \"Id\"");
	ERR("[{\"Id\":5}]", ":1:8:", "\"Id\" is a number, not a string");
	ERR("[{\"Id\":\"a\",\"IdentityInfo\":[]}]", ":1:27:", "\"IdentityInfo\" is an array, not an object");
	ERR("[{\"Id\":\"a\",\"IdentityInfo\":{\"Email\":true}}]", ":1:36:",
	    "\"IdentityInfo.Email\" is a boolean, not a string");
	ERR("[{\"Id\":\"a\",\"LastModifiedTime\":\"yesterday\"}]", ":1:31:", "not an ISO-8601 time");
	ERR("[\"u\"]", ":1:2:", "a user is a string, not an object");
	ERR("{\"Users\":{}}", ":1:10:", "\"Users\" is an object, not an array");
	ERR("{\"Items\":[]}", ":1:1:", "no \"Users\" array or \"User\" object");
	/* ListUsers output has summaries, not users: refused rather than read as empty */
	ERR("{\"UserSummaryList\":[{\"Id\":\"a\"}]}", ":1:1:", "no \"Users\" array");
	ERR("{\"X\":{\"Users\":[]}}", ":1:1:", "no \"Users\" array");
	ERR("[] x", ":1:4:", "unexpected text after the array");
	ERR("{\"User\":{\"Id\":\"a\"}} [", ":1:21:", "expected '{'");
	ERR("42", ":1:1:", "expected a JSON array or object of users, found a number");
	/* Not JSON at all: said of the input, at its first byte, without reading on. */
	ERR("\0\0\0", "' is not JSON: ", "first byte 0x00 at 1:1");
	ERR("\n  x[]", "' is not JSON: ", "first byte 0x78 at 2:3");
	ERR("\xEF\xBB\xBF\x1f\x8b", "' is not JSON: ", "first byte 0x1f at 1:2");
	ERR("PK\x03\x04", "' is not JSON: ", "first byte 0x50 at 1:1");
	ERR("[{\"Id\":\"a\\u0000\"}]", ":1:10:", "\\u0000");
	ERR("[{\"Id\":\"a\\ud800\"}]", ":1:10:", "unpaired surrogate");
	ERR("[{\"Id\":\"a\\q\"}]", ":1:10:", "bad escape");
	ERR("[{\"Id\":\"a\nb\"}]", ":1:10:", "control character");
	ERR("[{\"Id\":\"a\",\"n\":01}]", ":1:17:", "expected ',' or '}'");
	ERR("[{\"Id\":\"a\",\"n\":1.}]", ":1:18:", "digits expected");
	ERR("[{\"Id\":\"a\",\"n\":tru}]", ":1:16:", "unexpected character");
	ERR("[{\"Id\":\"a\",\"n\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]",
	    ":1:", "nested deeper");
	/* a NUL byte in the file is not JSON */
	ERR("[{\"Id\":\"a\0\"}]", ":1:10:", "control character");
}

/* SecurityProfileIds: sorted, unique, joined; absent, null and [] all give "". */
static void security_profiles(void **state)
{
	const char *text =
		"[{\"Id\":\"a\",\"SecurityProfileIds\":[\"sp-3\", \"sp-1\",\"sp-3\",\"sp-\\u0032\",\"sp-1\"]},\n"
		" {\"Id\":\"b\",\"SecurityProfileIds\":[]},\n"
		" {\"Id\":\"c\"},\n"
		" {\"Id\":\"d\",\"SecurityProfileIds\":null},\n"
		" {\"Id\":\"e\",\"SecurityProfileIds\":[\"x\"],\"SecurityProfileIds\":[\"z\",\"y\"]},\n"
		" {\"Id\":\"f\",\"SecurityProfileIds\":[\"p19\",\"p18\",\"p17\",\"p16\",\"p15\",\"p14\","
		"\"p13\",\"p12\",\"p11\",\"p10\",\"p09\",\"p08\",\"p07\",\"p06\",\"p05\",\"p04\",\"p03\","
		"\"p02\",\"p01\",\"p00\"],\"Username\":\"after\"},\n"
		" {\"Id\":\"g\",\"SecurityProfileIds\":[\"only\"]}]";
	struct user_set s;
	char err[512];
	assert_int_equal(LOAD(text, &s, err), CD_OK);
	assert_int_equal(s.n, 7);
	assert_string_equal(s.v[0].security_profiles, "sp-1,sp-2,sp-3");
	assert_string_equal(s.v[1].security_profiles, "");
	assert_string_equal(s.v[2].security_profiles, "");
	assert_string_equal(s.v[3].security_profiles, "");
	assert_string_equal(s.v[4].security_profiles, "y,z"); /* the later member wins */
	assert_string_equal(s.v[5].security_profiles,
			    "p00,p01,p02,p03,p04,p05,p06,p07,p08,p09,p10,p11,p12,p13,p14,p15,p16,"
			    "p17,p18,p19");
	assert_string_equal(s.v[5].username, "after");
	assert_string_equal(s.v[6].security_profiles, "only");
	/* the ids stay in the raw text as written */
	assert_non_null(strstr(s.v[0].raw, "[\"sp-3\",\"sp-1\""));
	user_set_release(&s);
}

static void security_profiles_errors(void **state)
{
	ERR("[{\"Id\":\"a\",\"SecurityProfileIds\":\"sp-1\"}]", ":1:33:",
	    "\"SecurityProfileIds\" is a string, not an array");
	ERR("[{\"Id\":\"a\",\n\"SecurityProfileIds\":{}}]", ":2:22:",
	    "\"SecurityProfileIds\" is an object, not an array");
	ERR("[{\"Id\":\"a\",\"SecurityProfileIds\":[\"sp-1\", 5]}]", ":1:42:",
	    "\"SecurityProfileIds[1]\" is a number, not a string");
	ERR("[{\"Id\":\"a\",\"SecurityProfileIds\":[null]}]", ":1:34:",
	    "\"SecurityProfileIds[0]\" is null, not a string");
	ERR("[{\"Id\":\"a\",\"SecurityProfileIds\":[[\"x\"]]}]", ":1:34:",
	    "\"SecurityProfileIds[0]\" is an array, not a string");
	/* broken JSON inside the list is a grammar error, not a type error */
	ERR("[{\"Id\":\"a\",\"SecurityProfileIds\":[\"x\",]}]", ":1:38:", "unexpected character");
	ERR("[{\"Id\":\"a\",\"SecurityProfileIds\":[\"x\" \"y\"]}]", ":1:38:",
	    "expected ',' or ']' in an array");
	ERR("[{\"Id\":\"a\",\"SecurityProfileIds\":[\"x\\q\"]}]", ":1:36:", "bad escape");
	ERR("[{\"Id\":\"a\",\"SecurityProfileIds\":[\"x\"", ":1:37:", "unexpected end of file");
}

static void missing_file_and_directory(void **state)
{
	struct user_set s;
	char err[512];
	user_set_init(&s);
	assert_int_equal(source_file_load("/nonexistent/users.json", &s, NULL, err, sizeof err),
			 CD_INPUT);
	assert_non_null(strstr(err, "cannot open '/nonexistent/users.json'"));
	assert_int_equal(source_file_load(dir, &s, NULL, err, sizeof err), CD_INPUT);
	assert_non_null(strstr(err, "is a directory"));
	user_set_release(&s);
}

static void duplicate_keys_last_wins_and_escaped_keys(void **state)
{
	struct user_set s;
	char err[512];
	assert_int_equal(LOAD("[{\"Id\":\"a\",\"Username\":\"one\",\"User\\u006eame\":\"two\"}]", &s, err),
			 CD_OK);
	assert_string_equal(s.v[0].username, "two");
	user_set_release(&s);
}

/* Writes a ~18 MB array of 2000 users (each with a 9000-byte member the reader skips). */
static void write_big(FILE *f)
{
	static char pad[9001];
	memset(pad, 'a', sizeof pad - 1);
	fputs("[", f);
	for (int i = 0; i < 2000; i++)
		fprintf(f, "%s{\"Id\":\"u%d\",\"Username\":\"u%d\",\"Note\":\"%s\"}", i ? "," : "", i, i, pad);
	fputs("]", f);
}

static void check_big(const struct user_set *s)
{
	assert_int_equal(s->n, 2000);
	assert_string_equal(s->v[1999].id, "u1999");
	assert_int_equal(s->v[1999].raw_len, strlen("{\"Id\":\"u1999\",\"Username\":\"u1999\",\"Note\":\"\"}") + 9000);
	assert_memory_equal(s->v[1999].raw, "{\"Id\":\"u1999\",", 14);
	assert_int_equal(s->v[1999].raw[s->v[1999].raw_len - 1], '}');
}

/* The users keep copies of their text: a file truncated (or replaced) after loading changes
 * nothing the reports will write, and nothing can fault under the reader. */
static void truncated_after_loading(void **state)
{
	char path[128];
	snprintf(path, sizeof path, "%s/big.json", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	write_big(f);
	fclose(f);
	struct user_set s;
	char err[256];
	user_set_init(&s);
	assert_int_equal(source_file_load(path, &s, NULL, err, sizeof err), CD_OK);
	assert_int_equal(truncate(path, 0), 0);
	check_big(&s);
	user_set_release(&s);
}

/* A pipe (no size known up front) larger than one read: the buffer grows as it fills. */
static void read_from_a_pipe(void **state)
{
	char path[128];
	snprintf(path, sizeof path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(path, "wb");
		if (!f)
			_exit(1);
		write_big(f);
		_exit(fclose(f) == 0 ? 0 : 1);
	}
	struct user_set s;
	char err[256];
	user_set_init(&s);
	enum cd_result rc = source_file_load(path, &s, NULL, err, sizeof err);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(rc, CD_OK);
	check_big(&s);
	user_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(array_shape_pretty_and_raw_compact),
		cmocka_unit_test(users_object_with_meta),
		cmocka_unit_test(describe_user_stream),
		cmocka_unit_test(empty_inputs_and_bom),
		cmocka_unit_test(errors),
		cmocka_unit_test(security_profiles),
		cmocka_unit_test(security_profiles_errors),
		cmocka_unit_test(missing_file_and_directory),
		cmocka_unit_test(duplicate_keys_last_wins_and_escaped_keys),
		cmocka_unit_test(truncated_after_loading),
		cmocka_unit_test(read_from_a_pipe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
