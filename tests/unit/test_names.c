/* test_names.c -- unit tests for the names of routing profiles, security profiles and hierarchy groups: the table, the ListRoutingProfiles-style parsers (hostile pages too), the cache's table and the evidence sentences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "connect/api.h"
#include "detect/explain_names.h"
#include "model/names.h"
#include "store/cache.h"
#include "store/cache_names.h"

static char err[512];

/* --- the table ---------------------------------------------------------------------------- */

static void lookup(void **state)
{
	struct name_table t;
	names_init(&t);
	assert_false(names_known(&t, NAME_ROUTING_PROFILE));
	assert_null(names_lookup(&t, NAME_ROUTING_PROFILE, "rp-1"));
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "rp-2", "Sales"), CD_OK);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "rp-1", "Basic Routing Profile"), CD_OK);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "rp-2", "Sales EMEA"), CD_OK);
	/* unsorted lookups see the later entry too */
	assert_string_equal(names_lookup(&t, NAME_ROUTING_PROFILE, "rp-2"), "Sales EMEA");
	names_finish(&t);
	assert_int_equal(t.n[NAME_ROUTING_PROFILE], 2);
	assert_true(names_known(&t, NAME_ROUTING_PROFILE));
	assert_false(names_known(&t, NAME_HIERARCHY_GROUP));
	assert_string_equal(names_lookup(&t, NAME_ROUTING_PROFILE, "rp-1"), "Basic Routing Profile");
	assert_string_equal(names_lookup(&t, NAME_ROUTING_PROFILE, "rp-2"), "Sales EMEA");
	assert_null(names_lookup(&t, NAME_ROUTING_PROFILE, "rp-3"));
	assert_null(names_lookup(&t, NAME_ROUTING_PROFILE, ""));
	assert_null(names_lookup(&t, NAME_SECURITY_PROFILE, "rp-1"));
	assert_null(names_lookup(NULL, NAME_ROUTING_PROFILE, "rp-1"));
	assert_false(names_known(NULL, NAME_ROUTING_PROFILE));
	names_set_known(&t, NAME_HIERARCHY_GROUP); /* an empty listing is a listing */
	assert_true(names_known(&t, NAME_HIERARCHY_GROUP));
	names_clear(&t, NAME_ROUTING_PROFILE);
	assert_false(names_known(&t, NAME_ROUTING_PROFILE));
	assert_null(names_lookup(&t, NAME_ROUTING_PROFILE, "rp-1"));
	names_release(&t);
}

static void refused_entries(void **state)
{
	struct name_table t;
	char big[NAMES_MAX_NAME + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	names_init(&t);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "", "x"), CD_INPUT);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "a", ""), CD_INPUT);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "a\nb", "x"), CD_INPUT);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "a", big), CD_INPUT);
	assert_int_equal(names_add(&t, NAME_KINDS, "a", "x"), CD_INPUT);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, NULL, "x"), CD_INPUT);
	assert_int_equal(t.n[NAME_ROUTING_PROFILE], 0);
	assert_false(names_known(&t, NAME_ROUTING_PROFILE));
	/* control characters in a name are replaced, not stored */
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "a", "Sales\x1b[31m\r\n"), CD_OK);
	assert_string_equal(names_lookup(&t, NAME_ROUTING_PROFILE, "a"), "Sales?[31m??");
	names_release(&t);
}

static void join(void **state)
{
	struct name_table t;
	struct buf b = BUF_INIT(4096);
	names_init(&t);
	assert_int_equal(names_add(&t, NAME_SECURITY_PROFILE, "s1", "CallCenterManager"), CD_OK);
	assert_int_equal(names_add(&t, NAME_SECURITY_PROFILE, "s2", "Agent"), CD_OK);
	names_finish(&t);
	assert_int_equal(names_join(&t, NAME_SECURITY_PROFILE, "s1,s2", &b), CD_OK);
	assert_string_equal(buf_str(&b), "Agent, CallCenterManager");
	buf_reset(&b);
	assert_int_equal(names_join(&t, NAME_SECURITY_PROFILE, "s1,,s9", &b), CD_OK);
	assert_string_equal(buf_str(&b), "CallCenterManager, s9");
	buf_reset(&b);
	assert_int_equal(names_join(&t, NAME_SECURITY_PROFILE, "", &b), CD_OK);
	assert_string_equal(buf_str(&b), "");
	buf_release(&b);
	names_release(&t);
}

/* --- the parsers ---------------------------------------------------------------------------- */

static void requests(void **state)
{
	struct api_request r;
	assert_int_equal(api_list_names(&r, NAME_ROUTING_PROFILE, "i-1", "a+b=", 0, err, sizeof err),
			 CD_OK);
	assert_int_equal(r.op, API_LIST_ROUTING_PROFILES);
	assert_string_equal(r.method, "GET");
	assert_string_equal(buf_str(&r.path), "/routing-profiles-summary/i-1");
	assert_string_equal(buf_str(&r.query), "maxResults=1000&nextToken=a%2Bb%3D");
	api_request_release(&r);
	assert_int_equal(api_list_names(&r, NAME_SECURITY_PROFILE, "i-1", NULL, 10, err, sizeof err),
			 CD_OK);
	assert_string_equal(buf_str(&r.path), "/security-profiles-summary/i-1");
	assert_string_equal(buf_str(&r.query), "maxResults=10");
	api_request_release(&r);
	assert_int_equal(api_list_names(&r, NAME_HIERARCHY_GROUP, "i-1", NULL, 0, err, sizeof err),
			 CD_OK);
	assert_string_equal(buf_str(&r.path), "/user-hierarchy-groups-summary/i-1");
	api_request_release(&r);
	assert_int_equal(api_list_names(&r, NAME_HIERARCHY_GROUP, "", NULL, 0, err, sizeof err),
			 CD_INPUT);
	assert_string_equal(api_op_name(API_LIST_USER_HIERARCHY_GROUPS), "ListUserHierarchyGroups");
	assert_int_equal(api_names_op(NAME_SECURITY_PROFILE), API_LIST_SECURITY_PROFILES);
}

static void parse_pages(void **state)
{
	struct name_table t;
	char *tok = NULL;
	size_t skipped = 0;
	names_init(&t);
	const char *p1 = "{\"RoutingProfileSummaryList\":[{\"Id\":\"rp-1\",\"Arn\":\"arn:x\","
			 "\"Name\":\"Basic Routing Profile\",\"LastModifiedTime\":1.7e9},"
			 "{\"Id\":\"rp-2\",\"Name\":\"Sales\"}],\"NextToken\":\"t+1\"}";
	assert_int_equal(api_parse_list_names(NAME_ROUTING_PROFILE, p1, strlen(p1), &t, &skipped,
					      &tok, err, sizeof err), CD_OK);
	assert_string_equal(tok, "t+1");
	free(tok);
	const char *p2 = "{\"RoutingProfileSummaryList\":[{\"Id\":\"rp-3\",\"Name\":\"Support\"}]}";
	assert_int_equal(api_parse_list_names(NAME_ROUTING_PROFILE, p2, strlen(p2), &t, &skipped,
					      &tok, err, sizeof err), CD_OK);
	assert_null(tok);
	names_finish(&t);
	assert_int_equal(t.n[NAME_ROUTING_PROFILE], 3);
	assert_int_equal(skipped, 0);
	assert_string_equal(names_lookup(&t, NAME_ROUTING_PROFILE, "rp-3"), "Support");
	/* each kind reads its own member */
	const char *h = "{\"UserHierarchyGroupSummaryList\":[{\"Id\":\"h-1\",\"Name\":\"London\"}],"
			"\"RoutingProfileSummaryList\":[{\"Id\":\"h-2\",\"Name\":\"wrong\"}]}";
	assert_int_equal(api_parse_list_names(NAME_HIERARCHY_GROUP, h, strlen(h), &t, NULL, &tok, err,
					      sizeof err), CD_OK);
	names_finish(&t);
	assert_string_equal(names_lookup(&t, NAME_HIERARCHY_GROUP, "h-1"), "London");
	assert_null(names_lookup(&t, NAME_HIERARCHY_GROUP, "h-2"));
	/* an empty listing: known, no entries */
	const char *e = "{\"SecurityProfileSummaryList\":[]}";
	assert_int_equal(api_parse_list_names(NAME_SECURITY_PROFILE, e, strlen(e), &t, NULL, &tok,
					      err, sizeof err), CD_OK);
	assert_true(names_known(&t, NAME_SECURITY_PROFILE));
	names_release(&t);
}

static void hostile_pages(void **state)
{
	struct name_table t;
	char *tok = NULL;
	size_t skipped = 0;
	names_init(&t);
	/* entries that are not usable are skipped and counted, the rest kept */
	const char *mixed = "{\"SecurityProfileSummaryList\":[1,\"x\",null,{},{\"Id\":7,\"Name\":\"n\"},"
			    "{\"Id\":\"s-1\"},{\"Id\":\"\",\"Name\":\"n\"},{\"Id\":\"s-2\",\"Name\":\"\"},"
			    "{\"Id\":\"s\\nx\",\"Name\":\"newline\"},"
			    "{\"Id\":\"s-4\",\"Name\":\"Agent\\u001b[2J\"},"
			    "{\"Id\":\"s-5\",\"Name\":\"Admin\"}]}";
	assert_int_equal(api_parse_list_names(NAME_SECURITY_PROFILE, mixed, strlen(mixed), &t,
					      &skipped, &tok, err, sizeof err), CD_OK);
	names_finish(&t);
	assert_int_equal(t.n[NAME_SECURITY_PROFILE], 2);
	assert_int_equal(skipped, 9);
	assert_string_equal(names_lookup(&t, NAME_SECURITY_PROFILE, "s-4"), "Agent?[2J");
	assert_string_equal(names_lookup(&t, NAME_SECURITY_PROFILE, "s-5"), "Admin");
	/* not JSON, not an object, a list that is not a list, a bad token, duplicate keys */
	const char *bad[] = {
		"", "not json", "[]", "{\"SecurityProfileSummaryList\":{}}",
		"{\"SecurityProfileSummaryList\":[],\"NextToken\":5}",
		"{\"SecurityProfileSummaryList\":[],\"SecurityProfileSummaryList\":[]}",
		/* a NUL inside a string: the JSON reader refuses the page */
		"{\"SecurityProfileSummaryList\":[{\"Id\":\"s\\u0000x\",\"Name\":\"nul\"}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum cd_result r = api_parse_list_names(NAME_SECURITY_PROFILE, bad[i], strlen(bad[i]),
							&t, NULL, &tok, err, sizeof err);
		assert_int_not_equal(r, CD_OK);
		assert_null(tok);
		/* the message never quotes the body */
		assert_null(strstr(err, "not json"));
	}
	assert_int_equal(api_parse_list_names(NAME_KINDS, "{}", 2, &t, NULL, &tok, err, sizeof err),
			 CD_INTERNAL);
	names_release(&t);
}

/* --- the cache's table ---------------------------------------------------------------------- */

static void cache_table(void **state)
{
	char dir[] = "/tmp/cd-names-XXXXXX", path[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/c.db", dir);
	struct cache *c = NULL;
	struct name_table t, back;
	names_init(&t);
	names_init(&back);
	assert_int_equal(cache_open(&c, path, "i-1", 0, err, sizeof err), CD_OK);
	/* a cache without the tables: no names, no error */
	assert_int_equal(cache_names_load(c, &back, err, sizeof err), CD_OK);
	assert_false(names_known(&back, NAME_ROUTING_PROFILE));
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "rp-1", "Basic Routing Profile"), CD_OK);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "rp-2", "Sales"), CD_OK);
	names_finish(&t);
	assert_int_equal(cache_names_put(c, NAME_ROUTING_PROFILE, &t, 1.0, err, sizeof err), CD_OK);
	/* a listing that arrived empty is stored as listed */
	assert_int_equal(cache_names_put(c, NAME_HIERARCHY_GROUP, &t, 1.0, err, sizeof err), CD_OK);
	/* a second listing replaces the first */
	names_clear(&t, NAME_ROUTING_PROFILE);
	assert_int_equal(names_add(&t, NAME_ROUTING_PROFILE, "rp-2", "Sales EMEA"), CD_OK);
	names_finish(&t);
	assert_int_equal(cache_names_put(c, NAME_ROUTING_PROFILE, &t, 2.0, err, sizeof err), CD_OK);
	cache_close(c);

	/* read-only, as analyze --instance opens it */
	assert_int_equal(cache_open(&c, path, NULL, CACHE_READ_ONLY, err, sizeof err), CD_OK);
	assert_int_equal(cache_names_load(c, &back, err, sizeof err), CD_OK);
	assert_true(names_known(&back, NAME_ROUTING_PROFILE));
	assert_true(names_known(&back, NAME_HIERARCHY_GROUP));
	assert_false(names_known(&back, NAME_SECURITY_PROFILE));
	assert_int_equal(back.n[NAME_ROUTING_PROFILE], 1);
	assert_string_equal(names_lookup(&back, NAME_ROUTING_PROFILE, "rp-2"), "Sales EMEA");
	assert_null(names_lookup(&back, NAME_ROUTING_PROFILE, "rp-1"));
	/* a read-only cache refuses writes */
	assert_int_not_equal(cache_names_put(c, NAME_ROUTING_PROFILE, &t, 3.0, err, sizeof err), CD_OK);
	cache_close(c);

	/* the schema version is the users' one: an older build still opens the file */
	assert_int_equal(cache_open(&c, path, "i-1", 0, err, sizeof err), CD_OK);
	struct cache_info info;
	assert_int_equal(cache_get_info(c, &info, err, sizeof err), CD_OK);
	assert_int_equal(info.schema_version, CACHE_SCHEMA_VERSION);
	cache_close(c);
	names_release(&t);
	names_release(&back);
	char rerr[256];
	cache_remove(path, rerr, sizeof rerr);
	rmdir(dir);
}

/* --- the sentences ---------------------------------------------------------------------------- */

static struct user mk(const char *rp, const char *hg, const char *sp)
{
	struct user u = { .id = "u", .arn = "", .username = "", .first_name = "", .last_name = "",
			  .email = "", .secondary_email = "", .mobile = "", .desk_phone = "",
			  .directory_user_id = "", .routing_profile_id = rp, .hierarchy_group_id = hg,
			  .last_modified_region = "", .security_profiles = sp, .raw = "" };
	return u;
}

static void sentences(void **state)
{
	struct name_table t;
	struct buf b = BUF_INIT(4096);
	struct user a = mk("rp-1", "h-1", "s1,s2"), c = mk("rp-1", "h-1", "s1,s2"),
		    d = mk("rp-2", "h-9", "s1");
	names_init(&t);
	/* no names: match_explain's text */
	assert_false(match_explain_sentence(MK_ROUTING, NULL));
	assert_int_equal(match_explain_named(&a, &c, MK_ROUTING, NULL, &b), CD_OK);
	assert_string_equal(buf_str(&b), "routing profile \"rp-1\"");
	names_add(&t, NAME_ROUTING_PROFILE, "rp-1", "Basic Routing Profile");
	names_add(&t, NAME_ROUTING_PROFILE, "rp-2", "Sales");
	names_add(&t, NAME_HIERARCHY_GROUP, "h-1", "London");
	names_finish(&t);
	assert_true(match_explain_sentence(MK_ROUTING, &t));
	assert_true(match_explain_sentence(MK_HIERARCHY, &t));
	assert_false(match_explain_sentence(MK_EMAIL, &t));
	buf_reset(&b);
	assert_int_equal(match_explain_named(&a, &c, MK_ROUTING, &t, &b), CD_OK);
	assert_string_equal(buf_str(&b), "Same routing profile: Basic Routing Profile");
	names_add(&t, NAME_SECURITY_PROFILE, "s1", "CallCenterManager");
	names_add(&t, NAME_SECURITY_PROFILE, "s2", "Agent");
	names_finish(&t);
	buf_reset(&b);
	assert_int_equal(match_explain_named(&a, &c, MK_ROUTING, &t, &b), CD_OK);
	assert_string_equal(buf_str(&b), "Same routing profile: Basic Routing Profile (same security "
					  "profiles: Agent, CallCenterManager)");
	buf_reset(&b);
	assert_int_equal(match_explain_named(&a, &d, MK_ROUTING, &t, &b), CD_OK);
	assert_string_equal(buf_str(&b), "Different routing profiles: Basic Routing Profile / Sales");
	buf_reset(&b);
	assert_int_equal(match_explain_named(&a, &c, MK_HIERARCHY, &t, &b), CD_OK);
	assert_string_equal(buf_str(&b), "Same hierarchy group: London");
	/* an id the listing lacks shows as itself */
	buf_reset(&b);
	assert_int_equal(match_explain_named(&a, &d, MK_HIERARCHY, &t, &b), CD_OK);
	assert_string_equal(buf_str(&b), "Different hierarchy groups: London / h-9");
	buf_release(&b);
	names_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup),
		cmocka_unit_test(refused_entries),
		cmocka_unit_test(join),
		cmocka_unit_test(requests),
		cmocka_unit_test(parse_pages),
		cmocka_unit_test(hostile_pages),
		cmocka_unit_test(cache_table),
		cmocka_unit_test(sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
