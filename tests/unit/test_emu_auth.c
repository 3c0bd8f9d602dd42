/* test_emu_auth.c -- SigV4 verification: accepted signatures and each refusal's error name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "aws/sigv4.h"
#include "emu_auth.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define HOST "127.0.0.1:8080"

struct hdrs {
	const char *names[8], *values[8];
	int n;
};

static const char *lookup(void *ctx, const char *name)
{
	struct hdrs *h = ctx;
	for (int i = 0; i < h->n; i++)
		if (!strcasecmp(h->names[i], name))
			return h->values[i];
	return NULL;
}

static void add(struct hdrs *h, const char *n, const char *v)
{
	h->names[h->n] = n;
	h->values[h->n++] = v;
}

static const char body[] = "{\"InstanceId\":\"i-1\",\"MaxResults\":5}";

/* Signs a POST the way a client would and returns what the verifier says about it. */
static const char *check(const char *sign_secret, const char *sign_region, const char *token,
			 time_t signed_at, time_t now, const struct emu_auth *a, char *msg,
			 bool tamper_body)
{
	struct sigv4_header extra[] = { { "Content-Type", "application/json" } };
	struct sigv4_request rq = {
		.method = "POST", .host = HOST, .path = "/search-users", .query = "",
		.headers = extra, .nheaders = 1, .body = body, .body_len = sizeof body - 1,
		.region = sign_region, .service = "connect", .when = signed_at,
	};
	struct sigv4_creds cr = { AKID, sign_secret, token };
	static struct sigv4_signed out;
	char err[200];
	assert_int_equal(sigv4_sign(&rq, &cr, &out, err, sizeof err), CD_OK);
	static struct hdrs h;
	memset(&h, 0, sizeof h);
	add(&h, "Host", HOST);
	add(&h, "Content-Type", "application/json");
	add(&h, "X-Amz-Date", out.amz_date);
	add(&h, "Authorization", out.authorization);
	if (token)
		add(&h, "X-Amz-Security-Token", token);
	struct emu_auth_request in = {
		.method = "POST", .path = "/search-users", .query = "", .body = body,
		.body_len = sizeof body - 1 - (tamper_body ? 1 : 0), .header = lookup, .ctx = &h,
		.now = now,
	};
	return emu_auth_check(a, &in, msg, 512);
}

static void accepts_and_refuses(void **state)
{
	char msg[512];
	time_t t = 1764340000;
	struct emu_auth a = { AKID, SECRET, NULL, "us-east-1", NULL };
	assert_null(check(SECRET, "us-east-1", NULL, t, t + 10, &a, msg, false));
	assert_string_equal(check("wrong", "us-east-1", NULL, t, t, &a, msg, false),
			    "InvalidSignatureException");
	assert_string_equal(check(SECRET, "us-east-1", NULL, t, t, &a, msg, true),
			    "InvalidSignatureException");
	assert_string_equal(check(SECRET, "eu-west-1", NULL, t, t, &a, msg, false),
			    "InvalidSignatureException");
	/* five minutes of skew either way, not more */
	assert_null(check(SECRET, "us-east-1", NULL, t, t + 299, &a, msg, false));
	assert_string_equal(check(SECRET, "us-east-1", NULL, t, t + 301, &a, msg, false),
			    "InvalidSignatureException");
	assert_non_null(strstr(msg, "Signature expired"));
	assert_string_equal(check(SECRET, "us-east-1", NULL, t + 400, t, &a, msg, false),
			    "InvalidSignatureException");
	struct emu_auth other = { "AKIDOTHER", SECRET, NULL, "us-east-1", NULL };
	assert_string_equal(check(SECRET, "us-east-1", NULL, t, t, &other, msg, false),
			    "UnrecognizedClientException");
	/* the message never carries the secret */
	assert_null(strstr(msg, SECRET));
}

static void session_tokens(void **state)
{
	char msg[512];
	time_t t = 1764340000;
	struct emu_auth a = { AKID, SECRET, "tok+en/1=", "us-east-1", "old-token" };
	assert_null(check(SECRET, "us-east-1", "tok+en/1=", t, t, &a, msg, false));
	assert_string_equal(check(SECRET, "us-east-1", NULL, t, t, &a, msg, false),
			    "UnrecognizedClientException");
	assert_string_equal(check(SECRET, "us-east-1", "other", t, t, &a, msg, false),
			    "UnrecognizedClientException");
	assert_string_equal(check(SECRET, "us-east-1", "old-token", t, t, &a, msg, false),
			    "ExpiredTokenException");
	struct emu_auth plain = { AKID, SECRET, NULL, "us-east-1", NULL };
	assert_string_equal(check(SECRET, "us-east-1", "unexpected", t, t, &plain, msg, false),
			    "UnrecognizedClientException");
}

static void missing_and_malformed(void **state)
{
	char msg[512];
	struct emu_auth a = { AKID, SECRET, NULL, "us-east-1", NULL };
	struct hdrs h;
	memset(&h, 0, sizeof h);
	add(&h, "Host", HOST);
	struct emu_auth_request in = { .method = "GET", .path = "/instance", .query = "",
				       .header = lookup, .ctx = &h, .now = 1764340000 };
	assert_string_equal(emu_auth_check(&a, &in, msg, sizeof msg),
			    "MissingAuthenticationTokenException");
	add(&h, "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251128/us-east-1/connect");
	assert_string_equal(emu_auth_check(&a, &in, msg, sizeof msg), "IncompleteSignatureException");
	h.values[1] = "Basic dXNlcjpwYXNz";
	assert_string_equal(emu_auth_check(&a, &in, msg, sizeof msg), "IncompleteSignatureException");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_and_refuses),
		cmocka_unit_test(session_tokens),
		cmocka_unit_test(missing_and_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
