/* test_crawl.c -- the crawl against an in-process connect-emu server (SigV4 checked): completeness, faults, throttling, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "aws/http.h"
#include "connect/crawl.h"
#include "server.h"
#include "store/cache.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

struct env {
	struct user_set users;
	struct emu_store *store;
	struct emu_quota quota;
	struct emu_fault fault;
	struct emu_auth auth;
	struct emu_server *srv;
	char endpoint[64];
	char instance[64];
	char dir[64];
	char cache_path[128];
	struct cache *cache;
	struct http_client *http;
	long long scan_id;
	const char *secret;      /* what the client signs with */
	size_t stop_after;       /* stop the server after this many descriptions (0: never) */
	unsigned ticks;
	bool estimated;
	double last_eta;         /* the ETA at the previous tick (-1: none yet) */
	unsigned eta_jumps;      /* ticks where the ETA moved by more than 3x */
	unsigned refreshes;      /* creds_fn calls with refresh */
	bool rotate;             /* session tokens: "old" until the first refresh, then "new" */
};

static enum cd_result creds_fn(void *ctx, bool refresh, struct sigv4_creds *out, char *err,
			       size_t errlen)
{
	struct env *e = ctx;
	out->access_key_id = AKID;
	out->secret_access_key = e->secret;
	out->session_token = NULL;
	if (refresh)
		e->refreshes++;
	if (e->rotate)
		out->session_token = e->refreshes ? "new-token" : "old-token";
	return CD_OK;
}

static void progress_fn(void *ctx, enum crawl_event ev, const struct crawl_stats *st)
{
	struct env *e = ctx;
	if (ev == CRAWL_EVENT_ESTIMATE)
		e->estimated = true;
	e->ticks++;
	/* the ETA is smoothed: it never swings by 3x from one tick to the next */
	if (e->ticks > 1 && e->last_eta >= 1 && st->eta >= 1 &&
	    (st->eta > 3 * e->last_eta || e->last_eta > 3 * st->eta))
		e->eta_jumps++;
	e->last_eta = st->eta;
	if (e->stop_after && st->described >= e->stop_after && e->srv) {
		emu_server_stop(e->srv);
		e->srv = NULL;
	}
}

/* Users with ids that need percent-encoding now and then, names with accents. */
static void make_users(struct user_set *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		char id[64], un[64], em[64], fn[32], ln[32], raw[512];
		snprintf(id, sizeof id, i % 7 == 0 ? "u+%05lu=" : "u-%05lu", i);
		snprintf(un, sizeof un, "user%05lu", i);
		snprintf(em, sizeof em, "user%05lu@example.com", i % 50 == 3 ? i - 1 : i);
		snprintf(fn, sizeof fn, "Ren\u00e9e%lu", i % 13);
		snprintf(ln, sizeof ln, "Smith%lu", i % 17);
		int k = snprintf(raw, sizeof raw,
				 "{\"Id\":\"%s\",\"Arn\":\"arn:aws:connect:eu-west-2:1:instance/x/agent/%s\","
				 "\"Username\":\"%s\",\"IdentityInfo\":{\"FirstName\":\"%s\","
				 "\"LastName\":\"%s\",\"Email\":\"%s\"},\"PhoneConfig\":"
				 "{\"PhoneType\":\"SOFT_PHONE\"},\"LastModifiedTime\":%lu}",
				 id, id, un, fn, ln, em, 1700000000UL + i);
		struct user_fields f = { .id = id, .username = un, .email = em, .first_name = fn,
					 .last_name = ln, .raw = raw, .raw_len = (size_t)k };
		assert_int_equal(user_set_add(s, &f), CD_OK);
	}
}

/* n users; rates like "DescribeUser=100"; fault share. */
static void env_start(struct env *e, unsigned long n, const char *const *rates,
		      const char *const *bursts, double fault)
{
	char err[256];
	memset(e, 0, sizeof *e);
	e->secret = SECRET;
	user_set_init(&e->users);
	make_users(&e->users, n);
	snprintf(e->instance, sizeof e->instance, "6f1c2a9e-8d7b-4c3e-9a51-0b2d4e6f8a10");
	struct emu_instance_info info = { .instance_id = e->instance, .region = "eu-west-2", .seed = 1 };
	assert_int_equal(emu_store_open(&e->store, &e->users, &info, err, sizeof err), CD_OK);
	emu_quota_init(&e->quota);
	for (; rates && *rates; rates++)
		assert_int_equal(emu_quota_set(&e->quota, false, *rates, err, sizeof err), CD_OK);
	for (; bursts && *bursts; bursts++)
		assert_int_equal(emu_quota_set(&e->quota, true, *bursts, err, sizeof err), CD_OK);
	emu_quota_start(&e->quota);
	emu_fault_init(&e->fault, fault, 9);
	e->auth = (struct emu_auth){ .access_key_id = AKID, .secret_access_key = SECRET,
				     .region = "eu-west-2" };
	struct emu_server_opts so = { .port = 0, .store = e->store, .quota = &e->quota,
				      .fault = fault > 0 ? &e->fault : NULL, .auth = &e->auth,
				      .seed = 3 };
	assert_int_equal(emu_server_start(&so, &e->srv, err, sizeof err), CD_OK);
	snprintf(e->endpoint, sizeof e->endpoint, "http://127.0.0.1:%u", emu_server_port(e->srv));
	snprintf(e->dir, sizeof e->dir, "/tmp/cdcrawl.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->cache_path, sizeof e->cache_path, "%s/c.db", e->dir);
	struct http_client_opts ho = { .request_timeout_ms = 5000, .connect_timeout_ms = 2000 };
	assert_int_equal(http_client_new(&ho, &e->http, err, sizeof err), CD_OK);
}

static void open_cache(struct env *e)
{
	char err[256];
	assert_int_equal(cache_open(&e->cache, e->cache_path, e->instance, 0, err, sizeof err), CD_OK);
	assert_int_equal(cache_scan_start(e->cache, (double)time(NULL), &e->scan_id, err, sizeof err),
			 CD_OK);
}

static void env_stop(struct env *e)
{
	char err[256];
	http_client_free(e->http);
	cache_close(e->cache);
	emu_server_stop(e->srv);
	emu_store_close(e->store);
	emu_quota_release(&e->quota);
	emu_fault_release(&e->fault);
	user_set_release(&e->users);
	cache_remove(e->cache_path, err, sizeof err);
	rmdir(e->dir);
}

static enum cd_result run(struct env *e, bool adaptive, double describe_rate, unsigned attempts,
			  struct crawl_stats *st, char *err, size_t errlen)
{
	struct crawl_opts o = {
		.instance_id = e->instance,
		.endpoint = e->endpoint,
		.region = "eu-west-2",
		.creds = creds_fn,
		.creds_ctx = e,
		.cache = e->cache,
		.scan_id = e->scan_id,
		.scan_start = (double)time(NULL),
		.describe = true,
		.adaptive = adaptive,
		.max_attempts = attempts,
		.progress = progress_fn,
		.progress_ctx = e,
		.seed = 5,
	};
	for (int i = 0; i < API_NOPS; i++)
		o.rate[i] = 50;
	o.rate[API_DESCRIBE_USER] = describe_rate;
	o.burst[API_DESCRIBE_USER] = 10;
	return crawl_run(&o, e->http, st, err, errlen);
}

/* Every generated user is in the cache, described (the e-mail only DescribeUser gives). */
static void expect_all_described(struct env *e)
{
	char err[256];
	struct user_set got;
	user_set_init(&got);
	size_t undescribed = 99;
	assert_int_equal(cache_load_users(e->cache, &got, &undescribed, err, sizeof err), CD_OK);
	assert_int_equal(undescribed, 0);
	assert_int_equal(got.n, e->users.n);
	for (size_t i = 0; i < e->users.n; i++) {
		const struct user *w = &e->users.v[i];
		size_t k;
		for (k = 0; k < got.n; k++)
			if (strcmp(got.v[k].id, w->id) == 0)
				break;
		assert_true(k < got.n);
		assert_string_equal(got.v[k].email, w->email);
		assert_string_equal(got.v[k].username, w->username);
	}
	user_set_release(&got);
	struct emu_store_counts ec;
	emu_store_counts(e->store, &ec);
	assert_int_equal(ec.described, e->users.n);
}

static void complete_with_sigv4(void **state)
{
	struct env e;
	const char *rates[] = { "DescribeUser=200", "SearchUsers=20", "ListUsers=20", NULL };
	const char *bursts[] = { "DescribeUser=10", NULL };
	env_start(&e, 700, rates, bursts, 0);
	open_cache(&e);
	struct crawl_stats st;
	char err[256] = "";
	enum cd_result r = run(&e, true, 200, 0, &st, err, sizeof err);
	assert_int_equal(r, CD_OK);
	assert_int_equal(st.described, 700);
	assert_int_equal(st.searched, 700);
	assert_int_equal(st.listed, 700);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.op[API_SEARCH_USERS].done, 2);
	assert_true(st.search_done && st.list_done);
	assert_true(e.estimated);
	assert_int_equal(e.eta_jumps, 0);
	expect_all_described(&e);
	struct emu_store_counts ec;
	emu_store_counts(e.store, &ec);
	assert_int_equal(ec.described_again, 0);
	env_stop(&e);
}

/* 10% of requests fail (500, 503, dropped, truncated, slow): retried, nobody lost. */
static void complete_with_faults(void **state)
{
	struct env e;
	const char *rates[] = { "0", NULL };
	env_start(&e, 400, rates, NULL, 0.1);
	open_cache(&e);
	struct crawl_stats st;
	char err[256] = "";
	enum cd_result r = run(&e, true, 300, 8, &st, err, sizeof err);
	if (r != CD_OK)
		print_message("# %s\n", err);
	assert_int_equal(r, CD_OK);
	assert_int_equal(st.failed, 0);
	assert_true(st.op[API_DESCRIBE_USER].retries > 0);
	expect_all_described(&e);
	env_stop(&e);
}

/* The tool believes 100/s, the service allows 10/s burst 5: throttles slow the bucket down
 * and cost no retries; everybody arrives. */
static void throttled_but_complete(void **state)
{
	struct env e;
	const char *rates[] = { "DescribeUser=10", "SearchUsers=20", "ListUsers=20", NULL };
	const char *bursts[] = { "DescribeUser=5", NULL };
	env_start(&e, 60, rates, bursts, 0);
	open_cache(&e);
	struct crawl_stats st;
	char err[256] = "";
	double t0 = crawl_now();
	enum cd_result r = run(&e, true, 100, 2, &st, err, sizeof err);
	double t = crawl_now() - t0;
	print_message("# 60 users at 10/s: %.1fs, %zu throttled\n", t, st.op[API_DESCRIBE_USER].throttled);
	assert_int_equal(r, CD_OK);
	assert_true(st.op[API_DESCRIBE_USER].throttled > 0);
	assert_int_equal(st.failed, 0);
	assert_true(st.op[API_DESCRIBE_USER].rate < 100);
	assert_true(t < 20);
	expect_all_described(&e);
	env_stop(&e);
}

/* The session token expires during the scan: ExpiredTokenException, one refresh, complete. */
static void expired_token_refreshes_once(void **state)
{
	struct env e;
	env_start(&e, 150, NULL, NULL, 0);
	emu_server_stop(e.srv);
	e.auth.session_token = "old-token";
	struct emu_server_opts so = { .port = 0, .store = e.store, .quota = &e.quota,
				      .auth = &e.auth, .seed = 3 };
	char err[256] = "";
	assert_int_equal(emu_server_start(&so, &e.srv, err, sizeof err), CD_OK);
	snprintf(e.endpoint, sizeof e.endpoint, "http://127.0.0.1:%u", emu_server_port(e.srv));
	/* Rotate: "old-token" is expired from now on, "new-token" is the valid one. */
	char url[128];
	snprintf(url, sizeof url, "%s/_emu/credentials", e.endpoint);
	const char *body = "{\"AccessKeyId\":\"" AKID "\",\"SecretAccessKey\":\"" SECRET
			   "\",\"SessionToken\":\"new-token\"}";
	struct http_request hr = { .method = "POST", .url = url, .body = body,
				   .body_len = strlen(body) };
	struct http_response resp;
	assert_int_equal(http_do(e.http, &hr, &resp), CD_OK);
	http_response_release(&resp);
	e.rotate = true;
	open_cache(&e);
	struct crawl_stats st;
	enum cd_result r = run(&e, true, 100, 0, &st, err, sizeof err);
	if (r != CD_OK)
		print_message("# %s\n", err);
	assert_int_equal(r, CD_OK);
	assert_int_equal(e.refreshes, 1);
	expect_all_described(&e);
	env_stop(&e);
}

static void wrong_secret_is_auth(void **state)
{
	struct env e;
	env_start(&e, 20, NULL, NULL, 0);
	open_cache(&e);
	e.secret = "wrong/secret+key";
	struct crawl_stats st;
	char err[256] = "";
	assert_int_equal(run(&e, true, 100, 0, &st, err, sizeof err), CD_AUTH);
	assert_non_null(strstr(err, "403"));
	assert_null(strstr(err, "wrong/secret"));
	env_stop(&e);
}

static void unknown_instance(void **state)
{
	struct env e;
	env_start(&e, 20, NULL, NULL, 0);
	open_cache(&e);
	snprintf(e.instance, sizeof e.instance, "00000000-0000-0000-0000-000000000000");
	struct crawl_stats st;
	char err[256] = "";
	enum cd_result r = run(&e, true, 100, 0, &st, err, sizeof err);
	assert_true(r == CD_NOT_FOUND || r == CD_INPUT);
	assert_non_null(strstr(err, "00000000-0000"));
	env_stop(&e);
}

/* The service goes away in the middle: the crawl stops with CD_NETWORK after its retries, and
 * what was described before is in the cache. */
static void server_gone_keeps_what_arrived(void **state)
{
	struct env e;
	const char *rates[] = { "DescribeUser=100", NULL };
	env_start(&e, 300, rates, NULL, 0);
	open_cache(&e);
	e.stop_after = 50;
	struct crawl_stats st;
	char err[256] = "";
	double t0 = crawl_now();
	enum cd_result r = run(&e, true, 100, 3, &st, err, sizeof err);
	assert_int_equal(r, CD_NETWORK);
	assert_true(crawl_now() - t0 < 30);
	assert_true(st.described >= 50 && st.described < 300);
	struct user_set got;
	user_set_init(&got);
	size_t undescribed = 0;
	assert_int_equal(cache_load_users(e.cache, &got, &undescribed, err, sizeof err), CD_OK);
	assert_int_equal(got.n - undescribed, st.described);
	user_set_release(&got);
	env_stop(&e);
}

/* A server that accepts connections and never answers: timeouts, retries, CD_NETWORK. */
static void server_silent_times_out(void **state)
{
	char err[256] = "";
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 16), 0);
	socklen_t al = sizeof a;
	getsockname(fd, (struct sockaddr *)&a, &al);
	struct env e;
	memset(&e, 0, sizeof e);
	e.secret = SECRET;
	snprintf(e.instance, sizeof e.instance, "inst-1");
	snprintf(e.endpoint, sizeof e.endpoint, "http://127.0.0.1:%u", ntohs(a.sin_port));
	snprintf(e.dir, sizeof e.dir, "/tmp/cdcrawl.XXXXXX");
	assert_non_null(mkdtemp(e.dir));
	snprintf(e.cache_path, sizeof e.cache_path, "%s/c.db", e.dir);
	struct http_client_opts ho = { .request_timeout_ms = 300, .connect_timeout_ms = 300 };
	assert_int_equal(http_client_new(&ho, &e.http, err, sizeof err), CD_OK);
	user_set_init(&e.users);
	emu_quota_init(&e.quota);
	emu_fault_init(&e.fault, 0, 1);
	open_cache(&e);
	struct crawl_stats st;
	double t0 = crawl_now();
	enum cd_result r = run(&e, true, 100, 3, &st, err, sizeof err);
	assert_int_equal(r, CD_NETWORK);
	assert_true(crawl_now() - t0 < 15);
	assert_true(st.op[API_SEARCH_USERS].retries >= 2);
	env_stop(&e);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(complete_with_sigv4),
		cmocka_unit_test(complete_with_faults),
		cmocka_unit_test(throttled_but_complete),
		cmocka_unit_test(expired_token_refreshes_once),
		cmocka_unit_test(wrong_secret_is_auth),
		cmocka_unit_test(unknown_instance),
		cmocka_unit_test(server_gone_keeps_what_arrived),
		cmocka_unit_test(server_silent_times_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
