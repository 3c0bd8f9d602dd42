/* test_api.c -- unit tests for Connect request building, response parsing and error classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "connect/api.h"

static char err[256];

static void op_names(void **state)
{
	enum api_op op;
	assert_true(api_op_from_name("describeuser", &op));
	assert_int_equal(op, API_DESCRIBE_USER);
	assert_true(api_op_from_name("SEARCHUSERS", &op));
	assert_int_equal(op, API_SEARCH_USERS);
	assert_true(api_op_from_name("ListUsers", &op));
	assert_int_equal(op, API_LIST_USERS);
	assert_false(api_op_from_name("ListUser", &op));
	assert_string_equal(api_op_name(API_LIST_INSTANCES), "ListInstances");
}

/* Opaque tokens are base64: '+', '/' and '=' must reach the server intact. */
static void list_users_encodes_token(void **state)
{
	struct api_request r;
	assert_int_equal(api_list_users(&r, "inst-1", "ab+c/d==", 1000, err, sizeof err), CD_OK);
	assert_string_equal(r.method, "GET");
	assert_string_equal(buf_str(&r.path), "/users-summary/inst-1");
	assert_string_equal(buf_str(&r.query), "maxResults=1000&nextToken=ab%2Bc%2Fd%3D%3D");
	assert_string_equal(buf_str(&r.body), "");
	api_request_release(&r);
	assert_int_equal(api_list_users(&r, "inst-1", NULL, 5000, err, sizeof err), CD_OK);
	assert_string_equal(buf_str(&r.query), "maxResults=1000");
	api_request_release(&r);
}

static void describe_user_path(void **state)
{
	struct api_request r;
	assert_int_equal(api_describe_user(&r, "i 1", "u/x~y.z_-", err, sizeof err), CD_OK);
	assert_string_equal(buf_str(&r.path), "/users/i%201/u%2Fx~y.z_-");
	assert_string_equal(buf_str(&r.query), "");
	api_request_release(&r);
	assert_int_equal(api_describe_user(&r, "inst", "", err, sizeof err), CD_INPUT);
	assert_non_null(strstr(err, "user id"));
	char big[300];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	assert_int_equal(api_describe_user(&r, big, "u", err, sizeof err), CD_INPUT);
}

static void search_users_body(void **state)
{
	struct api_request r;
	assert_int_equal(api_search_users(&r, "inst-1", NULL, 500, err, sizeof err), CD_OK);
	assert_string_equal(r.method, "POST");
	assert_string_equal(buf_str(&r.path), "/search-users");
	assert_string_equal(buf_str(&r.query), "");
	assert_string_equal(buf_str(&r.body), "{\"InstanceId\":\"inst-1\",\"MaxResults\":500}");
	api_request_release(&r);
	assert_int_equal(api_search_users(&r, "inst-1", "t+/=\"", 900, err, sizeof err), CD_OK);
	assert_string_equal(buf_str(&r.body),
			    "{\"InstanceId\":\"inst-1\",\"MaxResults\":500,\"NextToken\":\"t+/=\\\"\"}");
	api_request_release(&r);
}

static void list_instances_query(void **state)
{
	struct api_request r;
	assert_int_equal(api_list_instances(&r, "x=", 10, err, sizeof err), CD_OK);
	assert_string_equal(buf_str(&r.path), "/instance");
	assert_string_equal(buf_str(&r.query), "maxResults=10&nextToken=x%3D");
	api_request_release(&r);
}

static void parse_search_page(void **state)
{
	const char *body =
		"{\"Users\":[{\"Id\":\"u1\",\"Arn\":\"arn:u1\",\"Username\":\"ann\","
		"\"IdentityInfo\":{\"FirstName\":\"Ann\",\"LastName\":\"Lee\"},"
		"\"PhoneConfig\":{\"PhoneType\":\"SOFT_PHONE\",\"DeskPhoneNumber\":\"+15550100\"},"
		"\"RoutingProfileId\":\"rp\",\"SecurityProfileIds\":[\"sp-b\",\"sp-a\",7,\"sp-b\"]},"
		"{\"Arn\":\"no id\"},"
		"{\"Id\":\"u2\",\"Username\":\"b\\u00e9\"}],"
		"\"NextToken\":\"n+1=\",\"ApproximateTotalCount\":1234}";
	struct api_page p;
	api_page_init(&p);
	assert_int_equal(api_parse_search_users(body, strlen(body), &p, err, sizeof err), CD_OK);
	assert_int_equal(p.users.n, 2);
	assert_int_equal(p.skipped, 1);
	assert_int_equal(p.nbad, 1);
	assert_int_equal(p.bad[0].index, 1);
	assert_string_equal(p.bad[0].id, "");
	assert_string_equal(p.bad[0].why, "no 'Id'");
	assert_true(p.bad[0].dropped);
	assert_string_equal(p.next_token, "n+1=");
	assert_int_equal(p.approx_total, 1234);
	struct user *u = &p.users.v[0];
	assert_string_equal(u->id, "u1");
	assert_string_equal(u->username, "ann");
	assert_string_equal(u->first_name, "Ann");
	assert_string_equal(u->last_name, "Lee");
	assert_string_equal(u->desk_phone, "+15550100");
	assert_string_equal(u->routing_profile_id, "rp");
	/* canonical; the service's word is taken leniently: a non-string element is passed over */
	assert_string_equal(u->security_profiles, "sp-a,sp-b");
	assert_string_equal(p.users.v[1].security_profiles, "");
	assert_string_equal(u->email, "");
	assert_non_null(strstr(u->raw, "\"PhoneType\":\"SOFT_PHONE\""));
	assert_string_equal(p.users.v[1].username, "b\xc3\xa9");
	api_page_release(&p);

	api_page_init(&p);
	const char *last = "{\"Users\":[],\"NextToken\":null}";
	assert_int_equal(api_parse_search_users(last, strlen(last), &p, err, sizeof err), CD_OK);
	assert_null(p.next_token);
	assert_int_equal(p.approx_total, -1);
	api_page_release(&p);
}

static void parse_list_page(void **state)
{
	const char *body =
		"{\"UserSummaryList\":[{\"Id\":\"u1\",\"Arn\":\"a\",\"Username\":\"x\","
		"\"LastModifiedTime\":1700000000.5,\"LastModifiedRegion\":\"us-east-1\"},"
		"{\"Id\":\"u2\",\"LastModifiedTime\":\"2023-11-14T22:13:20Z\"}]}";
	struct api_page p;
	api_page_init(&p);
	assert_int_equal(api_parse_list_users(body, strlen(body), &p, err, sizeof err), CD_OK);
	assert_int_equal(p.users.n, 2);
	assert_null(p.next_token);
	assert_true(p.users.v[0].last_modified == 1700000000.5);
	assert_string_equal(p.users.v[0].last_modified_region, "us-east-1");
	assert_string_equal(p.users.v[0].security_profiles, ""); /* not in UserSummary */
	assert_true(p.users.v[1].last_modified == 1700000000.0);
	api_page_release(&p);
}

static void parse_bad_pages(void **state)
{
	struct api_page p;
	const char *bad[] = {
		"", "[]", "{\"Users\":{}}", "{\"Users\":[],\"NextToken\":5}", "{\"Users\":[", "nul",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		api_page_init(&p);
		err[0] = 0;
		assert_int_equal(api_parse_search_users(bad[i], strlen(bad[i]), &p, err, sizeof err),
				 CD_SERVICE);
		assert_true(err[0] != 0);
		api_page_release(&p);
	}
}

static void parse_describe(void **state)
{
	const char *body = "{\"User\":{\"Id\":\"u1\",\"Username\":\"z\",\"IdentityInfo\":"
			   "{\"Email\":\"z@example.com\"},\"LastModifiedTime\":1700000000.25}}";
	char *raw;
	size_t n;
	char id[64];
	assert_int_equal(api_parse_describe_user(body, strlen(body), &raw, &n, id, sizeof id, err,
						 sizeof err), CD_OK);
	assert_string_equal(id, "u1");
	assert_string_equal(raw, "{\"Id\":\"u1\",\"Username\":\"z\",\"IdentityInfo\":"
				 "{\"Email\":\"z@example.com\"},\"LastModifiedTime\":1700000000.25}");
	assert_int_equal(n, strlen(raw));
	free(raw);
	const char *noid = "{\"User\":{\"Username\":\"z\"}}";
	assert_int_equal(api_parse_describe_user(noid, strlen(noid), &raw, &n, id, sizeof id, err,
						 sizeof err), CD_SERVICE);
	assert_null(raw);
}

/* The raw text is the bytes received: numbers keep their spelling, strings with braces, quotes
 * and escapes do not confuse the cut. */
static void raw_text_as_received(void **state)
{
	const char *body = "{ \"Other\": {\"User\": 1},\n  \"User\" : {\"Id\":\"u\\\"1\",\"Username\":\"a}b]\","
			   "\"T\":[1,{\"x\":\"{\"}],\"LastModifiedTime\":1552229832.453} }";
	char *raw;
	size_t n;
	char id[64];
	assert_int_equal(api_parse_describe_user(body, strlen(body), &raw, &n, id, sizeof id, err,
						 sizeof err), CD_OK);
	assert_string_equal(id, "u\"1");
	assert_string_equal(raw, "{\"Id\":\"u\\\"1\",\"Username\":\"a}b]\",\"T\":[1,{\"x\":\"{\"}],"
				 "\"LastModifiedTime\":1552229832.453}");
	free(raw);

	const char *page = "{\"NextToken\":\"x\", \"Users\": [ {\"Id\":\"a\",\"V\":1.10} ,\n"
			   "{\"Id\":\"\"}, {\"Id\":\"b\",\"S\":\"],\"} ]}";
	struct api_page p;
	api_page_init(&p);
	assert_int_equal(api_parse_search_users(page, strlen(page), &p, err, sizeof err), CD_OK);
	assert_int_equal(p.users.n, 2);
	assert_string_equal(p.users.v[0].raw, "{\"Id\":\"a\",\"V\":1.10}");
	assert_string_equal(p.users.v[1].raw, "{\"Id\":\"b\",\"S\":\"],\"}");
	api_page_release(&p);
}

static void parse_instances(void **state)
{
	const char *body = "{\"InstanceSummaryList\":[{\"Id\":\"i-1\",\"Arn\":\"arn:aws:connect:eu-west-2:1:instance/i-1\","
			   "\"InstanceAlias\":\"prod\",\"InstanceStatus\":\"ACTIVE\"}],\"NextToken\":\"t\"}";
	struct api_instance *v = NULL;
	size_t n = 0;
	char *next;
	assert_int_equal(api_parse_list_instances(body, strlen(body), &v, &n, &next, err, sizeof err),
			 CD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].alias, "prod");
	assert_string_equal(v[0].status, "ACTIVE");
	assert_string_equal(v[0].identity, "");
	assert_string_equal(next, "t");
	free(next);
	free(v);
}

static void timestamps(void **state)
{
	double t;
	assert_true(api_parse_timestamp("1700000000", &t) && t == 1700000000.0);
	assert_true(api_parse_timestamp("2023-11-14T22:13:20.5Z", &t) && t == 1700000000.5);
	assert_true(api_parse_timestamp("2023-11-15T00:13:20+02:00", &t) && t == 1700000000.0);
	assert_true(api_parse_timestamp("2023-11-14", &t) && t == 1699920000.0); /* isotime_parse */
	assert_false(api_parse_timestamp("yesterday", &t));
	assert_false(api_parse_timestamp("", &t));
}

/* The remediation operations: paths, methods and query keys of the service model. */
static void remediation_requests(void **state)
{
	struct api_request r;
	assert_int_equal(api_delete_user(&r, "i-1", "u+1", err, sizeof err), CD_OK);
	assert_string_equal(r.method, "DELETE");
	assert_string_equal(buf_str(&r.path), "/users/i-1/u%2B1");
	assert_int_equal(r.body.len, 0);
	api_request_release(&r);
	assert_int_equal(api_create_user(&r, "i-1", "{\"Username\":\"x\"}", err, sizeof err), CD_OK);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(buf_str(&r.path), "/users/i-1");
	assert_string_equal(buf_str(&r.body), "{\"Username\":\"x\"}");
	api_request_release(&r);
	assert_int_equal(api_create_user(&r, "i-1", "not json", err, sizeof err), CD_INPUT);
	assert_int_equal(api_list_quick_connects(&r, "i-1", "USER", "a+b=", 5000, err, sizeof err),
			 CD_OK);
	assert_string_equal(r.method, "GET");
	assert_string_equal(buf_str(&r.path), "/quick-connects/i-1");
	assert_string_equal(buf_str(&r.query), "QuickConnectTypes=USER&maxResults=1000&nextToken=a%2Bb%3D");
	api_request_release(&r);
	assert_int_equal(api_describe_quick_connect(&r, "i-1", "q1", err, sizeof err), CD_OK);
	assert_string_equal(buf_str(&r.path), "/quick-connects/i-1/q1");
	api_request_release(&r);
	assert_int_equal(api_delete_quick_connect(&r, "i-1", "q1", err, sizeof err), CD_OK);
	assert_string_equal(r.method, "DELETE");
	api_request_release(&r);
	assert_int_equal(api_delete_quick_connect(&r, "i-1", "", err, sizeof err), CD_INPUT);
	assert_int_equal(api_list_user_proficiencies(&r, "i-1", "u1", NULL, 0, err, sizeof err), CD_OK);
	assert_string_equal(buf_str(&r.path), "/users/i-1/u1/proficiencies");
	assert_string_equal(buf_str(&r.query), "maxResults=100");
	api_request_release(&r);
	assert_int_equal(api_associate_user_proficiencies(&r, "i-1", "u1", "{\"UserProficiencies\":[]}",
							  err, sizeof err), CD_OK);
	assert_string_equal(r.method, "POST");
	assert_string_equal(buf_str(&r.path), "/users/i-1/u1/associate-proficiencies");
	api_request_release(&r);
	assert_int_equal(api_search_username(&r, "i-1", "ann", err, sizeof err), CD_OK);
	assert_non_null(strstr(buf_str(&r.body), "\"ComparisonType\":\"EXACT\""));
	api_request_release(&r);
}

static void remediation_responses(void **state)
{
	char id[64], arn[128], *raw, *tok;
	struct api_quick_connect *v = NULL;
	size_t n = 0;
	const char *page = "{\"QuickConnectSummaryList\":[{\"Id\":\"q1\",\"QuickConnectType\":\"USER\"},"
			   "{\"Name\":\"no id\"},{\"Id\":\"q2\",\"QuickConnectType\":\"QUEUE\"}],\"NextToken\":\"t\"}";
	assert_int_equal(api_parse_list_quick_connects(page, strlen(page), &v, &n, &tok, err, sizeof err),
			 CD_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].type, "QUEUE");
	assert_string_equal(tok, "t");
	free(tok);
	free(v);
	const char *qc = "{\"QuickConnect\":{\"QuickConnectId\":\"q1\",\"QuickConnectConfig\":{"
			 "\"QuickConnectType\":\"USER\",\"UserConfig\":{\"UserId\":\"u1\",\"ContactFlowId\":\"f\"}},"
			 "\"LastModifiedTime\":1640995200.10}}";
	assert_int_equal(api_parse_describe_quick_connect(qc, strlen(qc), &raw, id, sizeof id, err,
							  sizeof err), CD_OK);
	assert_string_equal(id, "u1");
	assert_non_null(strstr(raw, "1640995200.10")); /* as received */
	free(raw);
	const char *queue = "{\"QuickConnect\":{\"QuickConnectId\":\"q2\",\"QuickConnectConfig\":{"
			    "\"QuickConnectType\":\"QUEUE\",\"QueueConfig\":{\"QueueId\":\"x\"}}}}";
	assert_int_equal(api_parse_describe_quick_connect(queue, strlen(queue), &raw, id, sizeof id,
							  err, sizeof err), CD_OK);
	assert_string_equal(id, "");
	free(raw);
	struct buf items = BUF_INIT(1 << 16);
	const char *pr = "{\"UserProficiencyList\":[{\"AttributeName\":\"L\",\"AttributeValue\":\"de\",\"Level\":3.0},"
			 "{\"AttributeName\":\"L\",\"AttributeValue\":\"fr\",\"Level\":1.5}]}";
	assert_int_equal(api_parse_list_user_proficiencies(pr, strlen(pr), &items, &tok, err, sizeof err),
			 CD_OK);
	assert_null(tok);
	assert_string_equal(buf_str(&items), "{\"AttributeName\":\"L\",\"AttributeValue\":\"de\",\"Level\":3.0},"
					     "{\"AttributeName\":\"L\",\"AttributeValue\":\"fr\",\"Level\":1.5}");
	buf_release(&items);
	const char *cu = "{\"UserId\":\"n1\",\"UserArn\":\"arn:n1\"}";
	assert_int_equal(api_parse_create_user(cu, strlen(cu), id, sizeof id, arn, sizeof arn, err,
					       sizeof err), CD_OK);
	assert_string_equal(id, "n1");
	assert_string_equal(arn, "arn:n1");
	assert_int_equal(api_parse_create_user("{}", 2, id, sizeof id, arn, sizeof arn, err, sizeof err),
			 CD_SERVICE);
}

static void classify(void **state)
{
	struct api_error e;
	api_classify(200, NULL, "{}", 2, &e);
	assert_int_equal(e.kind, API_ERR_NONE);

	api_classify(429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/",
		     "{\"message\":\"Rate exceeded\"}", 27, &e);
	assert_int_equal(e.kind, API_ERR_THROTTLED);
	assert_string_equal(e.code, "ThrottlingException");
	assert_string_equal(e.message, "Rate exceeded");
	char line[128];
	api_error_format(&e, line, sizeof line);
	assert_string_equal(line, "429 ThrottlingException: Rate exceeded");

	const char *b = "{\"__type\":\"com.amazon.coral.service#TooManyRequestsException\"}";
	api_classify(400, NULL, b, strlen(b), &e);
	assert_int_equal(e.kind, API_ERR_THROTTLED);
	assert_string_equal(e.code, "TooManyRequestsException");

	b = "{\"__type\":\"LimitExceededException\",\"Message\":\"slow\\ndown\"}";
	api_classify(400, NULL, b, strlen(b), &e);
	assert_int_equal(e.kind, API_ERR_THROTTLED);
	assert_string_equal(e.message, "slow down");

	api_classify(503, NULL, "<html>", 6, &e);
	assert_int_equal(e.kind, API_ERR_RETRY);
	api_classify(500, "InternalServiceException", NULL, 0, &e);
	assert_int_equal(e.kind, API_ERR_RETRY);
	api_classify(504, NULL, NULL, 0, &e);
	assert_int_equal(e.kind, API_ERR_RETRY);

	api_classify(403, "InvalidSignatureException", NULL, 0, &e);
	assert_int_equal(e.kind, API_ERR_AUTH);
	assert_int_equal(api_error_result(&e), CD_AUTH);
	api_classify(400, "UnrecognizedClientException", NULL, 0, &e);
	assert_int_equal(e.kind, API_ERR_AUTH);
	api_classify(403, NULL, "{\"code\":\"AccessDeniedException\"}", 32, &e);
	assert_int_equal(e.kind, API_ERR_AUTH);
	api_classify(403, "ExpiredTokenException", NULL, 0, &e);
	assert_int_equal(e.kind, API_ERR_EXPIRED);
	api_classify(400, NULL, "{\"__type\":\"ExpiredTokenException\"}", 34, &e);
	assert_int_equal(e.kind, API_ERR_EXPIRED);

	api_classify(404, "ResourceNotFoundException", NULL, 0, &e);
	assert_int_equal(e.kind, API_ERR_NOT_FOUND);
	assert_int_equal(api_error_result(&e), CD_NOT_FOUND);
	api_classify(400, "InvalidParameterException", NULL, 0, &e);
	assert_int_equal(e.kind, API_ERR_CLIENT);
	assert_int_equal(api_error_result(&e), CD_INPUT);
}

/* IAM's AccessDenied names the role, the action and the resource: it used to be cut at 255
 * bytes, mid-word ("allows the connect:D -- check ..."). */
static void access_denied_message_whole(void **state)
{
	const char *msg = "User: arn:aws:sts::123456789012:assumed-role/ConnectAdministratorsReadOnly/"
			  "jane.doe@example.com is not authorized to perform: connect:DescribeUser on "
			  "resource: arn:aws:connect:eu-west-2:123456789012:instance/"
			  "0123abcd-4567-89ef-0123-456789abcdef/agent/89abcdef-0123-4567-89ab-cdef01234567 "
			  "because no identity-based policy allows the connect:DescribeUser action";
	char body[2048], line[1200];
	snprintf(body, sizeof body, "{\"Message\":\"%s\"}", msg);
	struct api_error e;
	api_classify(403, "AccessDeniedException", body, strlen(body), &e);
	assert_int_equal(e.kind, API_ERR_AUTH);
	assert_string_equal(e.message, msg);
	api_error_format(&e, line, sizeof line);
	assert_non_null(strstr(line, "allows the connect:DescribeUser action"));
}

/* Nothing silently lost: every malformed entry is in bad[], named where it has an Id; those
 * without a string Id are dropped, the others kept without the bad member. */
static void parse_malformed_entries(void **state)
{
	const char *body =
		"{\"Users\":[{\"Id\":\"ok\"},{\"Id\":12345},{\"Id\":1.5},{\"Id\":\"\"},"
		"{\"Id\":true},\"text\",{\"Id\":\"u9\",\"Username\":7},"
		"{\"Id\":\"u10\",\"IdentityInfo\":\"x\"},{\"Id\":null}]}";
	struct api_page p;
	api_page_init(&p);
	assert_int_equal(api_parse_search_users(body, strlen(body), &p, err, sizeof err), CD_OK);
	assert_int_equal(p.users.n, 3); /* ok, u9, u10 */
	assert_int_equal(p.skipped, 6);
	assert_int_equal(p.nbad, 8);
	static const struct { size_t index; const char *id, *why; bool dropped; } want[] = {
		{ 1, "12345", "'Id' is a number, not a string", true },
		{ 2, "1.5", "'Id' is a number, not a string", true },
		{ 3, "", "empty 'Id'", true },
		{ 4, "", "'Id' is not a string", true },
		{ 5, "", "not an object", true },
		{ 6, "u9", "'Username' is not a string", false },
		{ 7, "u10", "'IdentityInfo' is not an object", false },
		{ 8, "", "no 'Id'", true },
	};
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(p.bad[i].index, want[i].index);
		assert_string_equal(p.bad[i].id, want[i].id);
		assert_string_equal(p.bad[i].why, want[i].why);
		assert_int_equal(p.bad[i].dropped, want[i].dropped);
	}
	assert_string_equal(p.users.v[1].username, "");
	api_page_release(&p);

	const char *list = "{\"UserSummaryList\":[{\"Id\":\"a\",\"LastModifiedTime\":[1]},"
			   "{\"Id\":42}]}";
	api_page_init(&p);
	assert_int_equal(api_parse_list_users(list, strlen(list), &p, err, sizeof err), CD_OK);
	assert_int_equal(p.users.n, 1);
	assert_int_equal(p.nbad, 2);
	assert_string_equal(p.bad[0].why, "'LastModifiedTime' is not a timestamp");
	assert_string_equal(p.bad[1].id, "42");
	api_page_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(op_names),
		cmocka_unit_test(list_users_encodes_token),
		cmocka_unit_test(describe_user_path),
		cmocka_unit_test(search_users_body),
		cmocka_unit_test(list_instances_query),
		cmocka_unit_test(parse_search_page),
		cmocka_unit_test(parse_malformed_entries),
		cmocka_unit_test(parse_list_page),
		cmocka_unit_test(parse_bad_pages),
		cmocka_unit_test(parse_describe),
		cmocka_unit_test(raw_text_as_received),
		cmocka_unit_test(parse_instances),
		cmocka_unit_test(timestamps),
		cmocka_unit_test(classify),
		cmocka_unit_test(access_denied_message_whole),
		cmocka_unit_test(remediation_requests),
		cmocka_unit_test(remediation_responses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
