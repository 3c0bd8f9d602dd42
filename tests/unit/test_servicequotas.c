/* test_servicequotas.c -- unit tests for ListServiceQuotas: request, parser (incl. hostile answers), mapping to Connect operations, the rate plan, connect-emu's answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "aws/servicequotas.h"
#include "connect/quotas.h"
#include "emu_quotas.h"

static char err[512];

/* One page in the shape Service Quotas answers (values as published for a new account). */
static const char page1[] =
	"{\"NextToken\":\"AAEAAZ+/x1==\",\"Quotas\":["
	"{\"ServiceCode\":\"connect\",\"ServiceName\":\"Amazon Connect\",\"QuotaArn\":"
	"\"arn:aws:servicequotas:eu-west-2:123456789012:connect/L-EE6F0D82\",\"QuotaCode\":"
	"\"L-EE6F0D82\",\"QuotaName\":\"Rate of DescribeUser API requests\",\"Value\":10.0,"
	"\"Unit\":\"None\",\"Adjustable\":true,\"GlobalQuota\":false},"
	"{\"QuotaCode\":\"L-9A46857E\",\"QuotaName\":\"Users per instance\",\"Value\":500.0,"
	"\"Unit\":\"None\"},"
	"{\"QuotaCode\":\"L-E2C35CCE\",\"QuotaName\":\"Rate of SearchUsers API requests\","
	"\"Value\":2,\"Unit\":\"None\"}]}";
static const char page2[] =
	"{\"Quotas\":[{\"QuotaCode\":\"L-CCC38177\",\"QuotaName\":\"Rate of ListUsers API requests\","
	"\"Value\":10.0,\"Unit\":\"None\"},"
	"{\"QuotaCode\":\"L-X\",\"QuotaName\":\"Burst of DescribeUser API requests\",\"Value\":15,"
	"\"Unit\":\"None\"}],\"NextToken\":null}";

static enum cd_result parse(const char *body, struct sq_rates *r, char **tok)
{
	err[0] = '\0';
	return sq_parse_list(body, strlen(body), r, tok, err, sizeof err);
}

static void request_body(void **state)
{
	struct buf b = BUF_INIT(4096);
	assert_int_equal(sq_list_request(&b, "connect", NULL, 100, err, sizeof err), CD_OK);
	assert_string_equal(buf_str(&b), "{\"ServiceCode\":\"connect\",\"MaxResults\":100}");
	buf_reset(&b);
	assert_int_equal(sq_list_request(&b, "connect", "ab+/c==", 7, err, sizeof err), CD_OK);
	assert_string_equal(buf_str(&b),
			    "{\"ServiceCode\":\"connect\",\"MaxResults\":7,\"NextToken\":\"ab+/c==\"}");
	buf_reset(&b);
	/* a token is escaped, never pasted: a hostile one cannot add members */
	assert_int_equal(sq_list_request(&b, "connect", "x\",\"ServiceCode\":\"ec2", 1, err,
					 sizeof err), CD_OK);
	assert_null(strstr(buf_str(&b), "\"ServiceCode\":\"ec2"));
	buf_reset(&b);
	assert_int_equal(sq_list_request(&b, "", NULL, 100, err, sizeof err), CD_INPUT);
	assert_int_equal(sq_list_request(&b, "connect", NULL, 0, err, sizeof err), CD_INPUT);
	assert_int_equal(sq_list_request(&b, "connect", NULL, 101, err, sizeof err), CD_INPUT);
	buf_release(&b);
}

static void quota_names(void **state)
{
	char op[64];
	assert_int_equal(sq_quota_name("Rate of DescribeUser API requests", op, sizeof op), 'r');
	assert_string_equal(op, "DescribeUser");
	assert_int_equal(sq_quota_name("Burst of SearchUsers API requests", op, sizeof op), 'b');
	assert_string_equal(op, "SearchUsers");
	const char *no[] = {
		"Users per instance", "Rate of  API requests", "Rate of API requests",
		"rate of DescribeUser API requests", "Rate of DescribeUser API request",
		"Rate of Describe User API requests", "Rate of Describe\x1b[2JUser API requests",
		"Rate of DescribeUser API requests ", "Rate of DescribeUser requests", "",
		"Rate of AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA API requests",
	};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_int_equal(sq_quota_name(no[i], op, sizeof op), 0);
	assert_int_equal(sq_quota_name(NULL, op, sizeof op), 0);
}

static void two_pages_merge(void **state)
{
	struct sq_rates r;
	char *tok = NULL;
	sq_rates_init(&r);
	assert_int_equal(parse(page1, &r, &tok), CD_OK);
	assert_non_null(tok);
	assert_string_equal(tok, "AAEAAZ+/x1==");
	free(tok);
	assert_int_equal(parse(page2, &r, &tok), CD_OK);
	assert_null(tok);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.other, 1);
	assert_int_equal(r.rejected, 0);
	const struct sq_rate *d = sq_rates_find(&r, "DescribeUser");
	assert_non_null(d);
	assert_true(d->rate == 10 && d->burst == 15);
	assert_string_equal(d->rate_code, "L-EE6F0D82");
	assert_true(sq_rates_find(&r, "SearchUsers")->rate == 2);
	assert_true(sq_rates_find(&r, "ListUsers")->rate == 10);
	assert_null(sq_rates_find(&r, "describeuser"));

	struct connect_quotas q;
	memset(&q, 0, sizeof q);
	connect_quotas_from_sq(&r, &q);
	assert_true(q.rate[API_DESCRIBE_USER] == 10 && q.burst[API_DESCRIBE_USER] == 15);
	assert_true(q.rate[API_SEARCH_USERS] == 2 && q.burst[API_SEARCH_USERS] == 0);
	assert_true(q.rate[API_LIST_USERS] == 10);
	assert_true(q.rate[API_LIST_INSTANCES] == 0);
	assert_string_equal(q.code[API_DESCRIBE_USER], "L-EE6F0D82");
	assert_int_equal(q.listed, 5);
	sq_rates_release(&r);
}

/* Account and resource level, or a repeated entry: the lowest throttles first. */
static void lowest_wins(void **state)
{
	struct sq_rates r;
	char *tok = NULL;
	sq_rates_init(&r);
	assert_int_equal(parse("{\"Quotas\":[{\"QuotaName\":\"Rate of ListUsers API requests\","
			       "\"Value\":9,\"QuotaCode\":\"L-A\"},{\"QuotaName\":\"Rate of ListUsers "
			       "API requests\",\"Value\":4,\"QuotaCode\":\"L-B\"},{\"QuotaName\":"
			       "\"Rate of ListUsers API requests\",\"Value\":6}]}", &r, &tok), CD_OK);
	assert_int_equal(r.n, 1);
	assert_true(r.v[0].rate == 4);
	assert_string_equal(r.v[0].rate_code, "L-B");
	sq_rates_release(&r);
}

static void periods_and_units(void **state)
{
	struct sq_rates r;
	char *tok = NULL;
	sq_rates_init(&r);
	assert_int_equal(parse("{\"Quotas\":["
			       "{\"QuotaName\":\"Rate of A API requests\",\"Value\":120,\"Unit\":\"None\","
			       "\"Period\":{\"PeriodValue\":1,\"PeriodUnit\":\"MINUTE\"}},"
			       "{\"QuotaName\":\"Rate of B API requests\",\"Value\":5,\"Period\":null,"
			       "\"Unit\":null},"
			       "{\"QuotaName\":\"Rate of C API requests\",\"Value\":5,\"Unit\":\"Seconds\"},"
			       "{\"QuotaName\":\"Rate of D API requests\",\"Value\":5,"
			       "\"Period\":{\"PeriodValue\":1,\"PeriodUnit\":\"FORTNIGHT\"}},"
			       "{\"QuotaName\":\"Rate of E API requests\",\"Value\":5,"
			       "\"Period\":{\"PeriodValue\":0,\"PeriodUnit\":\"SECOND\"}},"
			       "{\"QuotaName\":\"Rate of F API requests\",\"Value\":5,\"Period\":\"SECOND\"},"
			       "{\"QuotaName\":\"Rate of G API requests\",\"Value\":1,"
			       "\"Period\":{\"PeriodValue\":1,\"PeriodUnit\":\"WEEK\"}},"
			       "{\"QuotaName\":\"Rate of H API requests\",\"Value\":10000000000,"
			       "\"Period\":{\"PeriodValue\":1,\"PeriodUnit\":\"MICROSECOND\"}},"
			       "{\"QuotaName\":\"Rate of I API requests\",\"Value\":0.001}"
			       "]}", &r, &tok), CD_OK);
	assert_true(sq_rates_find(&r, "A")->rate == 2);
	assert_true(sq_rates_find(&r, "B")->rate == 5);
	assert_null(sq_rates_find(&r, "C"));
	assert_null(sq_rates_find(&r, "D"));
	assert_null(sq_rates_find(&r, "E"));
	assert_null(sq_rates_find(&r, "F"));
	/* a rate a scan could never finish at, or beyond the model's maximum a second */
	assert_null(sq_rates_find(&r, "G"));
	assert_null(sq_rates_find(&r, "H"));
	assert_null(sq_rates_find(&r, "I"));
	assert_int_equal(r.rejected, 7);
	sq_rates_release(&r);
}

/* Values a hostile or broken service might send: none may become a rate. */
static void hostile_values(void **state)
{
	const char *values[] = {
		"0", "-5", "\"37\"", "null", "true", "1e300", "10000000001", "[1]", "{}", "-0",
	};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		struct sq_rates r;
		char *tok = NULL, body[256];
		sq_rates_init(&r);
		snprintf(body, sizeof body,
			 "{\"Quotas\":[{\"QuotaName\":\"Rate of DescribeUser API requests\",\"Value\":%s}]}",
			 values[i]);
		assert_int_equal(parse(body, &r, &tok), CD_OK);
		assert_int_equal(r.n, 0);
		assert_int_equal(r.rejected, 1);
		sq_rates_release(&r);
	}
	/* a burst below one request is no bucket */
	struct sq_rates r;
	char *tok = NULL;
	sq_rates_init(&r);
	assert_int_equal(parse("{\"Quotas\":[{\"QuotaName\":\"Burst of X API requests\",\"Value\":0.5},"
			       "{\"QuotaName\":\"Rate of X API requests\"},"
			       "7, \"Rate of X API requests\", null, [], {\"QuotaName\":7,\"Value\":3}]}",
			       &r, &tok), CD_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.rejected, 2);
	assert_int_equal(r.other, 5);
	sq_rates_release(&r);
}

static void malformed_answers(void **state)
{
	const char *bad[] = {
		"", "not json", "[]", "{\"Quotas\":{}}", "{}", "{\"Quotas\":null}",
		"{\"Quotas\":[],\"NextToken\":5}", "{\"Quotas\":[],\"NextToken\":\"a b\"}",
		"{\"Quotas\":[],\"NextToken\":\"abc===\"}", "{\"Quotas\":[],\"NextToken\":\"a=b\"}",
		"{\"Quotas\":[],\"NextToken\":\"\\u001b[2J\"}", "{\"Quotas\":[]",
		"{\"Quotas\":[],\"Quotas\":[]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct sq_rates r;
		char *tok = (char *)"sentinel";
		sq_rates_init(&r);
		assert_int_equal(parse(bad[i], &r, &tok), CD_SERVICE);
		assert_null(tok);
		assert_non_null(strstr(err, "ListServiceQuotas"));
		sq_rates_release(&r);
	}
	/* a token over the model's 2,048 characters */
	size_t n = 3000;
	char *big = malloc(n + 64);
	assert_non_null(big);
	int k = snprintf(big, n + 64, "{\"Quotas\":[],\"NextToken\":\"");
	memset(big + k, 'A', 2049);
	snprintf(big + k + 2049, 8, "\"}");
	struct sq_rates r;
	char *tok = NULL;
	sq_rates_init(&r);
	assert_int_equal(parse(big, &r, &tok), CD_SERVICE);
	free(big);
	/* an empty token ends the listing, like null */
	assert_int_equal(parse("{\"Quotas\":[],\"NextToken\":\"\"}", &r, &tok), CD_OK);
	assert_null(tok);
	sq_rates_release(&r);
}

static void plan(void **state)
{
	struct connect_quotas q;
	struct quota_use u;
	memset(&q, 0, sizeof q);
	q.rate[API_DESCRIBE_USER] = 37;
	q.burst[API_DESCRIBE_USER] = 37;
	q.rate[API_SEARCH_USERS] = 3;
	/* share of the applied quota, capped */
	connect_quotas_plan(&q, 0.8, API_DESCRIBE_USER, 0, false, 0, &u);
	assert_int_equal(u.origin, QUOTA_SERVICE);
	assert_true(u.capped);
	assert_true(u.rate > 29.59 && u.rate < 29.61);
	assert_true(u.burst > 29.59 && u.burst < 29.61);
	/* no burst listed: the published default stands */
	connect_quotas_plan(&q, 0.5, API_SEARCH_USERS, 0, false, 0, &u);
	assert_true(u.rate == 1.5 && u.burst == 0 && u.capped);
	/* a tiny burst share never goes below one request */
	q.burst[API_SEARCH_USERS] = 1;
	connect_quotas_plan(&q, 0.5, API_SEARCH_USERS, 0, false, 0, &u);
	assert_true(u.burst == 1);
	/* --burst wins over the listed burst */
	connect_quotas_plan(&q, 0.8, API_DESCRIBE_USER, 0, false, 12, &u);
	assert_true(u.burst == 12);
	/* --rate wins over Service Quotas, whatever the share */
	connect_quotas_plan(&q, 0.8, API_DESCRIBE_USER, 100, true, 0, &u);
	assert_int_equal(u.origin, QUOTA_OPTION);
	assert_true(u.rate == 100 && u.capped && u.burst == 0);
	/* not listed, or no lookup at all: adaptive from the default, no ceiling */
	connect_quotas_plan(&q, 0.8, API_LIST_USERS, 0, false, 0, &u);
	assert_int_equal(u.origin, QUOTA_ADAPTIVE);
	assert_false(u.capped);
	assert_true(u.rate == 0);
	connect_quotas_plan(NULL, 0.8, API_DESCRIBE_USER, 0, false, 0, &u);
	assert_int_equal(u.origin, QUOTA_ADAPTIVE);
	assert_false(u.capped);
}

/* connect-emu's answer, paged through with the client's parser: what it enforces comes back. */
static void emu_round_trip(void **state)
{
	struct emu_quota eq;
	emu_quota_init(&eq);
	assert_int_equal(emu_quota_set(&eq, false, "DescribeUser=37", err, sizeof err), CD_OK);
	assert_int_equal(emu_quota_set(&eq, false, "SearchUsers=3", err, sizeof err), CD_OK);
	assert_int_equal(emu_quota_set(&eq, false, "ListUsers=7", err, sizeof err), CD_OK);
	assert_int_equal(emu_quota_set(&eq, true, "ListUsers=9", err, sizeof err), CD_OK);
	emu_quota_start(&eq);
	struct sq_rates r;
	sq_rates_init(&r);
	char *tok = NULL;
	unsigned pages = 0;
	do {
		struct buf req = BUF_INIT(4096), out = BUF_INIT(1 << 20);
		const char *error = NULL;
		assert_int_equal(sq_list_request(&req, "connect", tok, 100, err, sizeof err), CD_OK);
		free(tok);
		tok = NULL;
		unsigned st = emu_quotas_answer(&eq, false, "us-east-1",
						"ServiceQuotasV20190624.ListServiceQuotas", req.data,
						req.len, &out, &error);
		assert_int_equal(st, 200);
		assert_null(error);
		assert_int_equal(sq_parse_list(out.data, out.len, &r, &tok, err, sizeof err), CD_OK);
		buf_release(&req);
		buf_release(&out);
		pages++;
	} while (tok && pages < 10);
	assert_null(tok);
	assert_int_equal(pages, 2); /* 6 rate/burst entries + 2 others, 4 a page */
	struct connect_quotas q;
	memset(&q, 0, sizeof q);
	connect_quotas_from_sq(&r, &q);
	assert_true(q.rate[API_DESCRIBE_USER] == 37 && q.burst[API_DESCRIBE_USER] == 37);
	assert_true(q.rate[API_SEARCH_USERS] == 3 && q.burst[API_SEARCH_USERS] == 3);
	assert_true(q.rate[API_LIST_USERS] == 7 && q.burst[API_LIST_USERS] == 9);
	assert_true(q.rate[API_LIST_INSTANCES] == 0); /* unlimited there: not a quota */
	assert_int_equal(q.listed, 8);
	sq_rates_release(&r);
	emu_quota_release(&eq);
}

static void emu_refusals(void **state)
{
	struct emu_quota eq;
	emu_quota_init(&eq);
	emu_quota_start(&eq);
	static const struct {
		const char *target, *body, *error;
		bool denied;
	} c[] = {
		{ "ServiceQuotasV20190624.ListServiceQuotas", "{\"ServiceCode\":\"connect\"}",
		  "AccessDeniedException", true },
		{ "ServiceQuotasV20190624.GetServiceQuota", "{}", "UnknownOperationException", false },
		{ "ServiceQuotasV20190624.ListServiceQuotas", "{\"ServiceCode\":\"ec2\"}",
		  "NoSuchResourceException", false },
		{ "ServiceQuotasV20190624.ListServiceQuotas", "[]", "IllegalArgumentException", false },
		{ "ServiceQuotasV20190624.ListServiceQuotas",
		  "{\"ServiceCode\":\"connect\",\"MaxResults\":0}", "IllegalArgumentException", false },
		{ "ServiceQuotasV20190624.ListServiceQuotas",
		  "{\"ServiceCode\":\"connect\",\"NextToken\":\"page99\"}",
		  "InvalidPaginationTokenException", false },
		{ "ServiceQuotasV20190624.ListServiceQuotas",
		  "{\"ServiceCode\":\"connect\",\"NextToken\":\"pagex\"}",
		  "InvalidPaginationTokenException", false },
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		struct buf out = BUF_INIT(1 << 16);
		const char *error = NULL;
		unsigned st = emu_quotas_answer(&eq, c[i].denied, "us-east-1", c[i].target, c[i].body,
						strlen(c[i].body), &out, &error);
		assert_int_equal(st, 400);
		assert_non_null(error);
		assert_string_equal(error, c[i].error);
		assert_non_null(strstr(buf_str(&out), c[i].error));
		buf_release(&out);
	}
	/* no quota enforced: an answer without API rates */
	struct buf out = BUF_INIT(1 << 16);
	const char *error = NULL;
	const char *body = "{\"ServiceCode\":\"connect\"}";
	assert_int_equal(emu_quotas_answer(&eq, false, "us-east-1",
					   "ServiceQuotasV20190624.ListServiceQuotas", body,
					   strlen(body), &out, &error), 200);
	assert_null(strstr(buf_str(&out), "API requests"));
	buf_release(&out);
	assert_true(emu_quotas_is_target("ServiceQuotasV20190624.ListServiceQuotas"));
	assert_false(emu_quotas_is_target("Connect.DescribeUser"));
	assert_false(emu_quotas_is_target(NULL));
	emu_quota_release(&eq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_body),
		cmocka_unit_test(quota_names),
		cmocka_unit_test(two_pages_merge),
		cmocka_unit_test(lowest_wins),
		cmocka_unit_test(periods_and_units),
		cmocka_unit_test(hostile_values),
		cmocka_unit_test(malformed_answers),
		cmocka_unit_test(plan),
		cmocka_unit_test(emu_round_trip),
		cmocka_unit_test(emu_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
