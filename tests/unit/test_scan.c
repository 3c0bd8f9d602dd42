/* test_scan.c -- the scan as a library call: its pure formatting, its refusals, and one scan of an in-process connect-emu with the events it sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "connect/scan.h"
#include "server.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define INSTANCE "6f1c2a9e-8d7b-4c3e-9a51-0b2d4e6f8a10"

/* --- pure parts --------------------------------------------------------------------------- */

static void durations(void **state)
{
	char b[32];
	connect_scan_duration(-1, b, sizeof b);
	assert_string_equal(b, "?");
	connect_scan_duration(INFINITY, b, sizeof b);
	assert_string_equal(b, "?");
	connect_scan_duration(NAN, b, sizeof b);
	assert_string_equal(b, "?");
	connect_scan_duration(0, b, sizeof b);
	assert_string_equal(b, "0s");
	connect_scan_duration(42.4, b, sizeof b);
	assert_string_equal(b, "42s");
	connect_scan_duration(187, b, sizeof b);
	assert_string_equal(b, "3m07s");
	connect_scan_duration(7500, b, sizeof b);
	assert_string_equal(b, "2h05m");
}

static struct crawl_stats stats_at(long long total, double rs, double rl, double rd)
{
	struct crawl_stats st;
	memset(&st, 0, sizeof st);
	st.approx_total = total;
	st.eta = -1;
	st.op[API_SEARCH_USERS].rate = rs;
	st.op[API_LIST_USERS].rate = rl;
	st.op[API_DESCRIBE_USER].rate = rd;
	return st;
}

static void estimates(void **state)
{
	char b[600];
	/* the line a scan of 3,000 users at 1,000/s logs (checked against the log before the
	 * scan moved into the library) */
	struct crawl_stats st = stats_at(3000, 1000, 1000, 1000);
	connect_scan_estimate(&st, true, b, sizeof b);
	assert_string_equal(b, "about 3000 users: 6 SearchUsers + 3 ListUsers calls and up to 3000 "
			       "DescribeUser calls; about 3s at 1e+03/1e+03/1e+03 requests/s "
			       "(faster if the account's quota is higher: the rate adapts)");
	/* the published default quota: DescribeUser is the slowest, 44,000 / 2 per second */
	st = stats_at(44000, 2, 2, 2);
	connect_scan_estimate(&st, true, b, sizeof b);
	assert_non_null(strstr(b, "about 44000 users: 88 SearchUsers + 44 ListUsers calls and up to "
				  "44000 DescribeUser calls; about 6h06m at 2/2/2 requests/s"));
	/* --fields no-email: only SearchUsers counts */
	connect_scan_estimate(&st, false, b, sizeof b);
	assert_string_equal(b, "about 44000 users: 88 SearchUsers calls, about 44s at 2 requests/s");
	/* an empty instance still takes one page */
	st = stats_at(0, 2, 2, 2);
	connect_scan_estimate(&st, false, b, sizeof b);
	assert_string_equal(b, "about 0 users: 1 SearchUsers calls, about 0s at 2 requests/s");
}

static void progress_lines(void **state)
{
	char b[400];
	struct crawl_stats st = stats_at(3000, 5, 5, 5);
	st.op[API_SEARCH_USERS] = (struct crawl_op_stats){ .done = 2, .total = 6, .throttled = 1 };
	st.op[API_LIST_USERS] = (struct crawl_op_stats){ .done = 1, .total = 0, .retries = 2 };
	st.op[API_DESCRIBE_USER] = (struct crawl_op_stats){ .done = 10, .total = 3000,
							     .throttled = 3, .retries = 1 };
	st.eta = 125;
	connect_scan_progress_line(&st, 12.4, true, b, sizeof b);
	assert_string_equal(b, "described 10/3000 | ETA 2m05s | 12 users/s | SearchUsers 2/6 | "
			       "ListUsers 1 | 4 throttled | 3 retries");
	st.eta = -1;
	st.searched = 200;
	connect_scan_progress_line(&st, 0, false, b, sizeof b);
	assert_string_equal(b, "searched 200/3000 | ETA ? | 0 users/s | SearchUsers 2/6 | 4 throttled | "
			       "3 retries");
	st.approx_total = -1;
	connect_scan_progress_line(&st, 0, false, b, sizeof b);
	assert_string_equal(b, "searched 200 | ETA ? | 0 users/s | SearchUsers 2/6 | 4 throttled | "
			       "3 retries");
}

static void outcome_release_twice(void **state)
{
	struct connect_scan_outcome o;
	connect_scan_outcome_init(&o);
	assert_int_equal(o.stats.approx_total, -1);
	connect_scan_outcome_release(&o);
	connect_scan_outcome_release(&o);
	assert_int_equal(o.users.n, 0);
	assert_null(o.missing);
}

/* --- events ------------------------------------------------------------------------------- */

struct seen {
	char notes[64][600];
	enum connect_scan_level level[64];
	size_t n;
	size_t progress;
	int fetching;  /* +1 at begin, -1 at end */
	unsigned begins;
	volatile sig_atomic_t *stop_at_begin; /* set it as the fetch starts */
};

static void on_note(void *ctx, enum connect_scan_level level, const char *text)
{
	struct seen *s = ctx;
	if (s->n < 64) {
		snprintf(s->notes[s->n], sizeof s->notes[s->n], "%s", text);
		s->level[s->n] = level;
		s->n++;
	}
}

static void on_progress(void *ctx, const char *line, size_t users, double elapsed)
{
	struct seen *s = ctx;
	assert_non_null(strstr(line, "SearchUsers "));
	assert_true(elapsed >= 0);
	(void)users;
	s->progress++;
}

static void on_fetching(void *ctx, bool begin)
{
	struct seen *s = ctx;
	s->fetching += begin ? 1 : -1;
	if (begin) {
		s->begins++;
		if (s->stop_at_begin)
			*s->stop_at_begin = 1;
	}
}

/* The index of the first note starting with prefix, or -1. */
static int find(const struct seen *s, const char *prefix)
{
	for (size_t i = 0; i < s->n; i++)
		if (strncmp(s->notes[i], prefix, strlen(prefix)) == 0)
			return (int)i;
	return -1;
}

static void isolate_env(void)
{
	/* credentials and settings from the environment only, never the machine's files */
	setenv("AWS_ACCESS_KEY_ID", AKID, 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	setenv("AWS_REGION", "eu-west-2", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/connect-dupes-test", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/connect-dupes-test", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_CONNECT");
	unsetenv("AWS_CA_BUNDLE");
}

/* Refusals before any request: nothing is opened, nothing is said, err tells why. */
static void refusals(void **state)
{
	struct seen s = { 0 };
	struct connect_scan_events ev = { .ctx = &s, .note = on_note, .fetching = on_fetching };
	struct connect_scan_outcome o;
	char err[512];
	struct connect_scan_request rq = { .instance = "arn:aws:s3:::bucket", .describe = true };
	assert_int_equal(connect_scan(&rq, &ev, &o, err, sizeof err), CD_USAGE);
	assert_non_null(strstr(err, "is not a Connect instance ARN"));
	rq.instance = "arn:aws:connect:eu-west-2:1:instance/" INSTANCE;
	rq.session.region = "us-east-1";
	assert_int_equal(connect_scan(&rq, &ev, &o, err, sizeof err), CD_USAGE);
	assert_string_equal(err, "--region 'us-east-1' contradicts the region 'eu-west-2' of the "
				 "instance ARN");
	assert_int_equal(s.n, 0);
	assert_int_equal(s.begins, 0);
	assert_int_equal(o.users.n, 0);
	connect_scan_outcome_release(&o);
}

/* --- a scan of an in-process emulator ----------------------------------------------------------- */

struct emu {
	struct user_set users;
	struct emu_store *store;
	struct emu_quota quota;
	struct emu_auth auth;
	struct emu_server *srv;
	char endpoint[64];
	char dir[64];
	char cache_path[128];
};

static void emu_up(struct emu *e, unsigned long n)
{
	char err[256];
	memset(e, 0, sizeof *e);
	user_set_init(&e->users);
	for (unsigned long i = 0; i < n; i++) {
		char id[64], un[64], em[64], raw[512];
		snprintf(id, sizeof id, "u-%05lu", i);
		snprintf(un, sizeof un, "user%05lu", i);
		/* every tenth user shares the e-mail of the one before: duplicates to find */
		snprintf(em, sizeof em, "user%05lu@example.com", i % 10 == 9 ? i - 1 : i);
		int k = snprintf(raw, sizeof raw,
				 "{\"Id\":\"%s\",\"Arn\":\"arn:aws:connect:eu-west-2:1:instance/x/agent/%s\","
				 "\"Username\":\"%s\",\"IdentityInfo\":{\"FirstName\":\"Ann%lu\","
				 "\"LastName\":\"Lee%lu\",\"Email\":\"%s\"},\"PhoneConfig\":"
				 "{\"PhoneType\":\"SOFT_PHONE\"},\"LastModifiedTime\":%lu}",
				 id, id, un, i, i, em, 1700000000UL + i);
		struct user_fields f = { .id = id, .username = un, .email = em, .raw = raw,
					 .raw_len = (size_t)k };
		assert_int_equal(user_set_add(&e->users, &f), CD_OK);
	}
	struct emu_instance_info info = { .instance_id = INSTANCE, .region = "eu-west-2", .seed = 1 };
	assert_int_equal(emu_store_open(&e->store, &e->users, &info, err, sizeof err), CD_OK);
	emu_quota_init(&e->quota);
	assert_int_equal(emu_quota_set(&e->quota, false, "500", err, sizeof err), CD_OK);
	emu_quota_start(&e->quota);
	e->auth = (struct emu_auth){ .access_key_id = AKID, .secret_access_key = SECRET,
				     .region = "eu-west-2" };
	struct emu_server_opts so = { .port = 0, .store = e->store, .quota = &e->quota,
				      .auth = &e->auth, .seed = 3 };
	assert_int_equal(emu_server_start(&so, &e->srv, err, sizeof err), CD_OK);
	snprintf(e->endpoint, sizeof e->endpoint, "http://127.0.0.1:%u", emu_server_port(e->srv));
	snprintf(e->dir, sizeof e->dir, "/tmp/cdscan.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->cache_path, sizeof e->cache_path, "%s/c.db", e->dir);
	isolate_env();
}

static void emu_down(struct emu *e)
{
	char err[256];
	emu_server_stop(e->srv);
	emu_store_close(e->store);
	emu_quota_release(&e->quota);
	user_set_release(&e->users);
	cache_remove(e->cache_path, err, sizeof err);
	rmdir(e->dir);
}

static struct connect_scan_request request(struct emu *e, volatile sig_atomic_t *stop)
{
	struct connect_scan_request rq = {
		.instance = INSTANCE,
		.session = { .endpoint_url = e->endpoint, .request_timeout_ms = 5000 },
		.describe = true,
		.adaptive = true,
		.cache_path = e->cache_path,
		.stop = stop,
		.seed = 7,
	};
	for (int i = 0; i < API_NOPS; i++) {
		rq.rate[i] = 500;
		rq.rate_given[i] = true;
	}
	return rq;
}

static void scan_brings_every_user_and_says_so_in_order(void **state)
{
	struct emu e;
	emu_up(&e, 120);
	struct seen s = { 0 };
	struct connect_scan_events ev = { .ctx = &s, .note = on_note, .progress = on_progress,
					  .fetching = on_fetching };
	struct connect_scan_outcome o;
	char err[512];
	volatile sig_atomic_t stop = 0;
	struct connect_scan_request rq = request(&e, &stop);
	assert_int_equal(connect_scan(&rq, &ev, &o, err, sizeof err), CD_OK);
	assert_int_equal(o.fetch, CD_OK);
	assert_false(o.partial);
	assert_int_equal(o.users.n, 120);
	assert_int_equal(o.nmissing, 0);
	assert_int_equal(o.stats.described, 120);
	assert_string_equal(o.instance_id, INSTANCE);
	assert_string_equal(o.region, "eu-west-2");
	assert_string_equal(o.source, "instance " INSTANCE " in eu-west-2, 120 users");
	assert_int_equal(s.begins, 1);
	assert_int_equal(s.fetching, 0);
	/* the lines a user sees, in the order they always came */
	int region = find(&s, "region eu-west-2 (AWS_REGION), endpoint http://127.0.0.1:");
	int cache = find(&s, "cache /tmp/cdscan.");
	int scanning = find(&s, "scanning instance " INSTANCE " in eu-west-2");
	int estimate = find(&s, "about 120 users: 1 SearchUsers + 1 ListUsers calls and up to 120 "
				"DescribeUser calls");
	int finished = find(&s, "fetch finished in ");
	int per_op = find(&s, "  DescribeUser  ");
	assert_true(region == 0);
	assert_true(cache > region && scanning > cache && estimate > scanning);
	assert_true(finished > estimate && per_op > finished);
	assert_non_null(strstr(s.notes[finished], "120 users searched, 120 listed, 120 described, 0 "
						  "deleted during the scan, 0 failed"));
	for (size_t i = 0; i < s.n; i++)
		assert_int_equal(s.level[i], CONNECT_SCAN_INFO);
	connect_scan_outcome_release(&o);

	/* again: the cache knows everyone, nothing is described twice */
	memset(&s, 0, sizeof s);
	assert_int_equal(connect_scan(&rq, &ev, &o, err, sizeof err), CD_OK);
	assert_int_equal(o.users.n, 120);
	assert_int_equal(o.stats.described, 0);
	connect_scan_outcome_release(&o);
	emu_down(&e);
}

/* Ctrl-C as the fetch starts: nothing arrived, so CD_INTERRUPTED with a reason (no reports), a
 * warning that says what is kept, no users. (Stopped later, the scan returns CD_OK with
 * out->fetch CD_INTERRUPTED and partial reports: tests/cli/scan_bounds.sh.) */
static void interrupted_scan_warns_and_reports_nothing(void **state)
{
	struct emu e;
	emu_up(&e, 30);
	struct seen s = { 0 };
	volatile sig_atomic_t stop = 0;
	s.stop_at_begin = &stop;
	struct connect_scan_events ev = { .ctx = &s, .note = on_note, .fetching = on_fetching };
	struct connect_scan_outcome o;
	char err[512];
	struct connect_scan_request rq = request(&e, &stop);
	assert_int_equal(connect_scan(&rq, &ev, &o, err, sizeof err), CD_INTERRUPTED);
	assert_string_equal(err, "interrupted before any user was fetched: no reports written");
	int w = find(&s, "interrupted: 0 users described so far are kept in the cache; run the same "
			 "command again to continue where it stopped");
	assert_true(w > 0);
	assert_int_equal(s.level[w], CONNECT_SCAN_WARN);
	assert_int_equal(s.fetching, 0);
	assert_int_equal(o.users.n, 0);
	connect_scan_outcome_release(&o);
	emu_down(&e);
}

/* --no-cache: the throw-away store is gone afterwards, and no "cache" line is said; a bad
 * AWS_MAX_ATTEMPTS is a warning where it always was, before "scanning instance". */
static void no_cache_leaves_nothing(void **state)
{
	struct emu e;
	emu_up(&e, 20);
	char tmp[96];
	snprintf(tmp, sizeof tmp, "%s/t", e.dir);
	assert_int_equal(mkdir(tmp, 0700), 0);
	setenv("TMPDIR", tmp, 1);
	struct seen s = { 0 };
	struct connect_scan_events ev = { .ctx = &s, .note = on_note };
	struct connect_scan_outcome o;
	char err[512];
	struct connect_scan_request rq = request(&e, NULL);
	rq.cache_path = NULL;
	rq.no_cache = true;
	rq.max_attempts_env = "abc"; /* a bad AWS_MAX_ATTEMPTS: a warning, then the default */
	assert_int_equal(connect_scan(&rq, &ev, &o, err, sizeof err), CD_OK);
	assert_int_equal(o.users.n, 20);
	assert_int_equal(find(&s, "cache "), -1);
	int w = find(&s, "ignoring AWS_MAX_ATTEMPTS: option '--AWS_MAX_ATTEMPTS' takes a whole "
			 "number from 1 to 100, not 'abc'");
	assert_true(w > find(&s, "region ") && w < find(&s, "scanning instance "));
	assert_int_equal(s.level[w], CONNECT_SCAN_WARN);
	assert_int_equal(rmdir(tmp), 0); /* empty again */
	unsetenv("TMPDIR");
	connect_scan_outcome_release(&o);
	emu_down(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations),
		cmocka_unit_test(estimates),
		cmocka_unit_test(progress_lines),
		cmocka_unit_test(outcome_release_twice),
		cmocka_unit_test(refusals),
		cmocka_unit_test(scan_brings_every_user_and_says_so_in_order),
		cmocka_unit_test(interrupted_scan_warns_and_reports_nothing),
		cmocka_unit_test(no_cache_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
