/* test_sigv4.c -- SigV4 signer: AWS test-suite vectors, canonical forms, key cache, errors.
 *
 * Run with "--vectors" it is instead the C side of tests/py/test_sigv4_oracle.py: it reads one
 * JSON request a line on stdin and prints one Authorization header a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>
#include <jansson.h>

#include "aws/sigv4.h"

static const struct sigv4_creds EXAMPLE = {
	"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL
};
#define T20150830 ((time_t)1440938160) /* 2015-08-30T12:36:00Z */

static void sign_ok(const struct sigv4_request *req, const struct sigv4_creds *c,
		    struct sigv4_signed *out)
{
	char err[256] = "";
	enum cd_result r = sigv4_sign(req, c, out, err, sizeof err);
	if (r != CD_OK)
		fail_msg("sigv4_sign: %s", err);
}

/* Vectors from the AWS SigV4 test suite (get-vanilla, get-vanilla-query-order-key-case,
 * post-vanilla) and the IAM documentation's ListUsers example. */
static void aws_suite_vectors(void **state)
{
	struct sigv4_signed s;
	struct sigv4_request req = { .method = "GET", .host = "example.amazonaws.com", .path = "/",
				     .region = "us-east-1", .service = "service",
				     .when = T20150830 };
	sign_ok(&req, &EXAMPLE, &s);
	assert_string_equal(s.amz_date, "20150830T123600Z");
	assert_string_equal(s.authorization,
			    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
			    "aws4_request, SignedHeaders=host;x-amz-date, Signature="
			    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
	assert_string_equal(s.signature,
			    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
	assert_string_equal(s.payload_hash,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	req.query = "Param2=value2&Param1=value1";
	sign_ok(&req, &EXAMPLE, &s);
	assert_string_equal(s.signature,
			    "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");

	req.query = NULL;
	req.method = "POST";
	req.path = ""; /* "" means "/" */
	sign_ok(&req, &EXAMPLE, &s);
	assert_string_equal(s.signature,
			    "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");

	struct sigv4_header ct = { "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" };
	struct sigv4_request iam = { .method = "GET", .host = "iam.amazonaws.com", .path = "/",
				     .query = "Action=ListUsers&Version=2010-05-08",
				     .headers = &ct, .nheaders = 1, .region = "us-east-1",
				     .service = "iam", .when = T20150830 };
	sign_ok(&iam, &EXAMPLE, &s);
	assert_string_equal(s.authorization,
			    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/"
			    "aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
			    "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

static char *canon(const char *method, const char *path, const char *query,
		   const struct sigv4_header *h, size_t nh, const char *token)
{
	struct buf b = BUF_INIT(1 << 20);
	struct sigv4_request req = { .method = method, .host = "h", .path = path, .query = query,
				     .headers = h, .nheaders = nh, .region = "r", .service = "s" };
	assert_int_equal(sigv4_canonical_request(&req, "20150830T123600Z", token, &b), CD_OK);
	return buf_detach(&b, NULL);
}

/* The second line of the canonical request. */
static void expect_path(const char *path, const char *want)
{
	char *c = canon("GET", path, NULL, NULL, 0, NULL);
	char *nl1 = strchr(c, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
	assert_non_null(nl2);
	*nl2 = '\0';
	if (strcmp(nl1 + 1, want) != 0)
		fail_msg("path '%s': got '%s', want '%s'", path, nl1 + 1, want);
	free(c);
}

static void canonical_paths(void **state)
{
	expect_path("", "/");
	expect_path("/", "/");
	expect_path("/users/i-1/u%20x", "/users/i-1/u%2520x"); /* encoded twice: non-S3 rule */
	expect_path("/example space/", "/example%20space/");
	expect_path("/\xe1\x88\xb4", "/%E1%88%B4");             /* get-utf8 */
	expect_path("//example//", "/example/");                /* get-slashes */
	expect_path("/example1/example2/../..", "/");           /* get-relative-relative */
	expect_path("/example/..", "/");
	expect_path("/./example/./a", "/example/a");
	expect_path("/../../a", "/a");
	expect_path("/a/b/../c/", "/a/c/");
	expect_path("/-._~0123456789AZaz", "/-._~0123456789AZaz");
	expect_path("/a+b=c:d@e!$&'()*,;", "/a%2Bb%3Dc%3Ad%40e%21%24%26%27%28%29%2A%2C%3B");
}

static void expect_query(const char *q, const char *want)
{
	char *c = canon("GET", "/", q, NULL, 0, NULL);
	char *l = strchr(strchr(c, '\n') + 1, '\n') + 1;
	*strchr(l, '\n') = '\0';
	if (strcmp(l, want) != 0)
		fail_msg("query '%s': got '%s', want '%s'", q ? q : "(null)", l, want);
	free(c);
}

static void canonical_queries(void **state)
{
	expect_query(NULL, "");
	expect_query("", "");
	expect_query("b=2&a=1", "a=1&b=2");
	expect_query("a=2&a=1&a=10", "a=1&a=10&a=2"); /* repeated keys sorted by value */
	expect_query("flag&a=", "a=&flag=");
	expect_query("k=a%2fb", "k=a%2Fb");            /* hex upper-cased */
	expect_query("k=a/b c", "k=a%2Fb%20c");         /* raw reserved bytes encoded */
	expect_query("k=a+b", "k=a%2Bb");               /* plus is a plus */
	expect_query("k=100%", "k=100%25");             /* lone percent */
	expect_query("k=%E2%82%AC&K=1", "K=1&k=%E2%82%AC");
	expect_query("nextToken=abc%3D%3D&maxResults=1000", "maxResults=1000&nextToken=abc%3D%3D");
}

static void canonical_headers_rules(void **state)
{
	struct sigv4_header h[] = {
		{ "X-Custom", "  a   b\tc  " },
		{ "Content-Type", "application/json" },
		{ "x-custom", "second" },
		{ "Host", "ignored.example" },     /* the signer's own */
		{ "X-Amz-Date", "19990101T000000Z" },
		{ "Authorization", "nope" },
	};
	char *c = canon("POST", "/", NULL, h, 6, "TOKEN");
	const char *want =
		"POST\n/\n\n"
		"content-type:application/json\n"
		"host:h\n"
		"x-amz-date:20150830T123600Z\n"
		"x-amz-security-token:TOKEN\n"
		"x-custom:a b c,second\n"
		"\n"
		"content-type;host;x-amz-date;x-amz-security-token;x-custom\n"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	assert_string_equal(c, want);
	free(c);
	/* "" session token is no token */
	c = canon("GET", "/", NULL, NULL, 0, "");
	assert_null(strstr(c, "security-token"));
	free(c);
}

static void session_token_is_signed(void **state)
{
	struct sigv4_creds tmp = EXAMPLE;
	struct sigv4_signed a, b;
	struct sigv4_request req = { .method = "GET", .host = "connect.us-east-1.amazonaws.com",
				     .path = "/users-summary/i-1", .region = "us-east-1",
				     .service = "connect", .when = T20150830 };
	sign_ok(&req, &tmp, &a);
	tmp.session_token = "FQoGZXIvYXdzEXAMPLE";
	sign_ok(&req, &tmp, &b);
	assert_non_null(strstr(b.authorization, "SignedHeaders=host;x-amz-date;x-amz-security-token,"));
	assert_string_not_equal(a.signature, b.signature);
	/* the token itself never goes into the Authorization header */
	assert_null(strstr(b.authorization, "FQoG"));
}

static void body_changes_signature(void **state)
{
	struct sigv4_signed a, b;
	const char body[] = "{\"InstanceId\":\"i-1\"}";
	struct sigv4_request req = { .method = "POST", .host = "h", .path = "/search-users",
				     .body = body, .body_len = strlen(body),
				     .region = "us-west-2", .service = "connect",
				     .when = T20150830 };
	sign_ok(&req, &EXAMPLE, &a);
	req.body_len--;
	sign_ok(&req, &EXAMPLE, &b);
	assert_string_not_equal(a.signature, b.signature);
	assert_string_not_equal(a.payload_hash, b.payload_hash);
}

/* The key cache must never hand one secret's key to another, nor one day's to the next. */
static void key_cache_keeps_keys_apart(void **state)
{
	struct sigv4_creds other = { "AKIDOTHER", "another/secret+KEY", NULL };
	struct sigv4_request req = { .method = "GET", .host = "example.amazonaws.com", .path = "/",
				     .region = "us-east-1", .service = "service",
				     .when = T20150830 };
	struct sigv4_signed s, first_other;
	sign_ok(&req, &other, &first_other);
	for (int round = 0; round < 3; round++) {
		for (int d = 0; d < 12; d++) { /* more dates than cache slots */
			struct sigv4_request r2 = req;
			r2.when = T20150830 + (time_t)d * 86400;
			sign_ok(&r2, d % 2 ? &other : &EXAMPLE, &s);
		}
		sign_ok(&req, &EXAMPLE, &s);
		assert_string_equal(s.signature,
				    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
		sign_ok(&req, &other, &s);
		assert_string_equal(s.signature, first_other.signature);
	}
	assert_string_not_equal(first_other.signature,
				"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

static void *sign_many(void *arg)
{
	int *bad = arg;
	struct sigv4_request req = { .method = "GET", .host = "example.amazonaws.com", .path = "/",
				     .region = "us-east-1", .service = "service" };
	for (int i = 0; i < 300; i++) {
		struct sigv4_signed s;
		char err[128];
		req.when = T20150830 + (time_t)(i % 10) * 86400;
		if (sigv4_sign(&req, &EXAMPLE, &s, err, sizeof err) != CD_OK)
			(*bad)++;
		else if (i % 10 == 0 &&
			 strcmp(s.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))
			(*bad)++;
	}
	return NULL;
}

static void concurrent_signing(void **state)
{
	pthread_t t[4];
	int bad[4] = { 0 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, sign_many, &bad[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(bad[i], 0);
	}
}

static void errors(void **state)
{
	struct sigv4_signed s;
	char err[256];
	struct sigv4_creds none = { "", "", NULL };
	struct sigv4_request req = { .method = "GET", .host = "h", .path = "/",
				     .region = "us-east-1", .service = "connect", .when = 0 };
	assert_int_equal(sigv4_sign(&req, &none, &s, err, sizeof err), CD_AUTH);
	assert_non_null(strstr(err, "no credentials"));
	req.region = "us-east-1\nx";
	assert_int_equal(sigv4_sign(&req, &EXAMPLE, &s, err, sizeof err), CD_INPUT);
	req.region = NULL;
	assert_int_equal(sigv4_sign(&req, &EXAMPLE, &s, err, sizeof err), CD_INPUT);
	req.region = "us-east-1";
	req.host = NULL;
	assert_int_equal(sigv4_sign(&req, &EXAMPLE, &s, err, sizeof err), CD_INTERNAL);
	/* an access key too long for the header is refused, not truncated */
	char longkey[1100];
	memset(longkey, 'A', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	struct sigv4_creds big = { longkey, "s", NULL };
	req.host = "h";
	assert_int_equal(sigv4_sign(&req, &big, &s, err, sizeof err), CD_TOOBIG);
	assert_string_equal(s.authorization, "");
}

static void amz_date_parsing(void **state)
{
	time_t t;
	assert_true(sigv4_parse_amz_date("20150830T123600Z", &t));
	assert_int_equal(t, T20150830);
	assert_false(sigv4_parse_amz_date("20150830T123600", &t));
	assert_false(sigv4_parse_amz_date("2015083OT123600Z", &t));
	assert_false(sigv4_parse_amz_date("20151330T123600Z", &t));
	assert_false(sigv4_parse_amz_date(NULL, &t));
}

static void uri_encode(void **state)
{
	struct buf b = BUF_INIT(100);
	assert_int_equal(sigv4_uri_encode(&b, "a b/c~\xff", 7, false), CD_OK);
	assert_string_equal(buf_str(&b), "a%20b%2Fc~%FF");
	buf_reset(&b);
	assert_int_equal(sigv4_uri_encode(&b, "a b/c", 5, true), CD_OK);
	assert_string_equal(buf_str(&b), "a%20b/c");
	buf_release(&b);
}

/* --vectors: {"method","host","path","query","headers":[[name,value]...],"body_hex","region",
 * "service","when","akid","secret","token"} per line -> Authorization header per line. */
static int hexv(char c)
{
	return c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
}

static int run_vectors(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_error_t je;
		json_t *o = json_loads(line, 0, &je);
		if (!o) {
			fprintf(stderr, "bad json: %s\n", je.text);
			rc = 1;
			break;
		}
		json_t *jh = json_object_get(o, "headers");
		size_t nh = json_array_size(jh);
		struct sigv4_header *h = calloc(nh + 1, sizeof *h);
		for (size_t i = 0; i < nh; i++) {
			h[i].name = json_string_value(json_array_get(json_array_get(jh, i), 0));
			h[i].value = json_string_value(json_array_get(json_array_get(jh, i), 1));
		}
		const char *hex = json_string_value(json_object_get(o, "body_hex"));
		size_t blen = hex ? strlen(hex) / 2 : 0;
		unsigned char *body = malloc(blen + 1);
		for (size_t i = 0; i < blen; i++)
			body[i] = (unsigned char)(hexv(hex[2 * i]) * 16 + hexv(hex[2 * i + 1]));
		struct sigv4_request req = {
			.method = json_string_value(json_object_get(o, "method")),
			.host = json_string_value(json_object_get(o, "host")),
			.path = json_string_value(json_object_get(o, "path")),
			.query = json_string_value(json_object_get(o, "query")),
			.headers = h, .nheaders = nh, .body = body, .body_len = blen,
			.region = json_string_value(json_object_get(o, "region")),
			.service = json_string_value(json_object_get(o, "service")),
			.when = (time_t)json_integer_value(json_object_get(o, "when")),
		};
		struct sigv4_creds c = {
			json_string_value(json_object_get(o, "akid")),
			json_string_value(json_object_get(o, "secret")),
			json_string_value(json_object_get(o, "token")),
		};
		struct sigv4_signed s;
		char err[256];
		if (sigv4_sign(&req, &c, &s, err, sizeof err) == CD_OK)
			printf("%s\n", s.authorization);
		else
			printf("error: %s\n", err);
		free(body);
		free(h);
		json_decref(o);
	}
	free(line);
	fflush(stdout);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--vectors") == 0)
		return run_vectors();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aws_suite_vectors),
		cmocka_unit_test(canonical_paths),
		cmocka_unit_test(canonical_queries),
		cmocka_unit_test(canonical_headers_rules),
		cmocka_unit_test(session_token_is_signed),
		cmocka_unit_test(body_changes_signature),
		cmocka_unit_test(key_cache_keeps_keys_apart),
		cmocka_unit_test(concurrent_signing),
		cmocka_unit_test(errors),
		cmocka_unit_test(amz_date_parsing),
		cmocka_unit_test(uri_encode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
