/* test_creds.c -- credential refresh: when the chain is asked again, invalidation, failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "aws/creds.h"
#include "aws/creds_int.h"

/* A credential_process that counts its runs and answers with an expiry the test chooses. */
static const char SCRIPT[] =
	"#!/bin/sh\n"
	"d=$(dirname \"$0\")\n"
	"n=$(cat \"$d/count\" 2>/dev/null || echo 0); n=$((n+1)); echo $n >\"$d/count\"\n"
	"[ -f \"$d/fail\" ] && { echo 'process says no' >&2; exit 1; }\n"
	"exp=$(cat \"$d/expires_in\")\n"
	"if [ \"$exp\" = none ]; then\n"
	"  printf '{\"Version\":1,\"AccessKeyId\":\"AKIAREFRESH%04d\",\"SecretAccessKey\":\"s\"}' $n\n"
	"else\n"
	"  printf '{\"Version\":1,\"AccessKeyId\":\"ASIAREFRESH%04d\",\"SecretAccessKey\":\"s\","
	"\"SessionToken\":\"t\",\"Expiration\":\"%s\"}' $n "
	"\"$(date -u -d @$(( $(date +%s) + exp )) +%Y-%m-%dT%H:%M:%SZ)\"\n"
	"fi\n";

static char dir[] = "/tmp/cd-creds-XXXXXX";
static char path[512];

static void write_file(const char *name, const char *text)
{
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int runs(void)
{
	snprintf(path, sizeof path, "%s/count", dir);
	FILE *f = fopen(path, "r");
	int n = 0;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	char cfg[1024];
	write_file("proc.sh", SCRIPT);
	chmod(path, 0700);
	snprintf(cfg, sizeof cfg, "[default]\nregion = us-east-1\ncredential_process = %s/proc.sh\n",
		 dir);
	write_file("config", cfg);
	setenv("AWS_CONFIG_FILE", path, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	const char *clear[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
				"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION",
				"AWS_CONTAINER_CREDENTIALS_FULL_URI",
				"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
				"AWS_WEB_IDENTITY_TOKEN_FILE" };
	for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++)
		unsetenv(clear[i]);
	return 0;
}

static int teardown(void **state)
{
	const char *files[] = { "proc.sh", "config", "count", "expires_in", "fail" };
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

struct world {
	struct aws_settings s;
	struct creds_provider *p;
};

/* Each test: fresh counter, the given expiry, a new provider. */
static void world_up(struct world *w, const char *expires_in)
{
	char err[256];
	snprintf(path, sizeof path, "%s/count", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/fail", dir);
	unlink(path);
	write_file("expires_in", expires_in);
	assert_int_equal(aws_settings_resolve(&(struct aws_settings_input){ 0 }, &w->s, err,
					      sizeof err), CD_OK);
	assert_int_equal(creds_provider_new(&w->s, NULL, &w->p, err, sizeof err), CD_OK);
}

static void world_down(struct world *w)
{
	creds_provider_free(w->p);
	aws_settings_release(&w->s);
}

static void get_ok(struct world *w, struct creds *c)
{
	char err[256] = "";
	enum cd_result r = creds_get(w->p, c, err, sizeof err);
	if (r != CD_OK)
		fail_msg("creds_get: %s", err);
}

static void lasting_credentials_fetched_once(void **state)
{
	struct world w;
	struct creds c;
	world_up(&w, "none");
	for (int i = 0; i < 3; i++)
		get_ok(&w, &c);
	assert_int_equal(runs(), 1);
	assert_string_equal(c.access_key_id, "AKIAREFRESH0001");
	assert_string_equal(c.provider, "credential-process");
	assert_int_equal(c.expiration, 0);
	world_down(&w);

	world_up(&w, "3600");
	for (int i = 0; i < 3; i++)
		get_ok(&w, &c);
	assert_int_equal(runs(), 1);
	assert_true(c.expiration > time(NULL) + 3500);
	assert_string_equal(c.session_token, "t");
	world_down(&w);
}

static void refreshed_ahead_of_expiration(void **state)
{
	struct world w;
	struct creds c;
	world_up(&w, "120"); /* inside the five-minute window: every use fetches again */
	get_ok(&w, &c);
	assert_string_equal(c.access_key_id, "ASIAREFRESH0001");
	get_ok(&w, &c);
	assert_string_equal(c.access_key_id, "ASIAREFRESH0002");
	get_ok(&w, &c);
	assert_int_equal(runs(), 3);
	/* the new ones last: no more fetching */
	write_file("expires_in", "3600");
	get_ok(&w, &c);
	get_ok(&w, &c);
	assert_int_equal(runs(), 4);
	assert_string_equal(c.access_key_id, "ASIAREFRESH0004");
	world_down(&w);
}

static void invalidate_fetches_again(void **state)
{
	struct world w;
	struct creds c;
	world_up(&w, "3600");
	get_ok(&w, &c);
	creds_invalidate(w.p);
	get_ok(&w, &c);
	assert_int_equal(runs(), 2);
	assert_string_equal(c.access_key_id, "ASIAREFRESH0002");
	/* after invalidation a failing refresh is an error: the old ones were refused */
	creds_invalidate(w.p);
	write_file("fail", "");
	char err[256] = "";
	assert_int_equal(creds_get(w.p, &c, err, sizeof err), CD_AUTH);
	assert_string_equal(err, "the credential_process of profile 'default' failed (exit status 1)");
	world_down(&w);
}

static void failed_refresh_keeps_working_credentials(void **state)
{
	struct world w;
	struct creds c;
	char err[256] = "";
	world_up(&w, "200"); /* due for refresh, but still good for minutes */
	get_ok(&w, &c);
	write_file("fail", "");
	memset(&c, 0, sizeof c);
	assert_int_equal(creds_get(w.p, &c, err, sizeof err), CD_OK);
	assert_string_equal(c.access_key_id, "ASIAREFRESH0001");
	assert_int_equal(runs(), 2); /* it did try */
	world_down(&w);

	world_up(&w, "30"); /* nearly expired: a failed refresh is an error */
	get_ok(&w, &c);
	write_file("fail", "");
	assert_int_equal(creds_get(w.p, &c, err, sizeof err), CD_AUTH);
	world_down(&w);
}

static void expired_on_arrival_is_an_error(void **state)
{
	struct world w;
	struct creds c;
	char err[256] = "";
	world_up(&w, "-60");
	assert_int_equal(creds_get(w.p, &c, err, sizeof err), CD_AUTH);
	assert_string_equal(err, "the credential-process credentials (profile 'default') had already "
				 "expired when they arrived: check the clock");
	world_down(&w);
}

static void *get_in_thread(void *arg)
{
	struct world *w = arg;
	struct creds c;
	char err[256];
	for (int i = 0; i < 20; i++)
		if (creds_get(w->p, &c, err, sizeof err) != CD_OK ||
		    strcmp(c.access_key_id, "ASIAREFRESH0001") != 0)
			return (void *)1;
	return NULL;
}

static void concurrent_users_share_one_fetch(void **state)
{
	struct world w;
	pthread_t t[4];
	world_up(&w, "3600");
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, get_in_thread, &w), 0);
	for (int i = 0; i < 4; i++) {
		void *rv;
		pthread_join(t[i], &rv);
		assert_null(rv);
	}
	assert_int_equal(runs(), 1);
	world_down(&w);
}

static void helpers(void **state)
{
	struct creds c;
	memset(&c, 0, sizeof c);
	snprintf(c.access_key_id, sizeof c.access_key_id, "AKIAIOSFODNN7EXAMPLE");
	snprintf(c.secret_access_key, sizeof c.secret_access_key, "wJalrXUtnFEMI");
	char hint[16];
	assert_string_equal(creds_key_hint(&c, hint, sizeof hint), "...MPLE");
	struct sigv4_creds s = creds_for_sigv4(&c);
	assert_ptr_equal(s.access_key_id, c.access_key_id);
	assert_string_equal(s.session_token, "");
	creds_clear(&c);
	assert_string_equal(c.secret_access_key, "");
	assert_string_equal(c.access_key_id, "");
	c.access_key_id[0] = 'A';
	c.access_key_id[1] = '\0';
	assert_string_equal(creds_key_hint(&c, hint, sizeof hint), "...");
}

/* The Expiration spellings the providers meet: STS and IMDS write "Z", the SSO cache "UTC" or
 * no zone, credential_process scripts offsets and fractions. */
static void expiration_times(void **state)
{
	static const struct { const char *s; bool ok; time_t want; } cases[] = {
		{ "2026-11-28T18:00:00Z", true, 1795888800 },
		{ "2026-11-28T18:00:00UTC", true, 1795888800 },
		{ "2026-11-28T18:00:00", true, 1795888800 },
		{ "2026-11-28T18:00:00.999Z", true, 1795888800 },
		{ "2026-11-28T19:30:00+01:30", true, 1795888800 },
		{ "2026-11-28T16:00:00-0200", true, 1795888800 },
		{ "2026-11-28 18:00:00Z", true, 1795888800 },
		{ "2026-11-28T18:00:00Q", false, 0 },
		{ "2026-13-28T18:00:00Z", false, 0 },
		{ "2026-11-28T18:00", false, 0 },
		{ "tomorrow", false, 0 },
		{ "", false, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		time_t t = 42;
		bool ok = creds_parse_time(cases[i].s, &t);
		if (ok != cases[i].ok || (ok && t != cases[i].want))
			fail_msg("'%s': ok %d, %lld", cases[i].s, ok, (long long)t);
	}
	time_t t;
	assert_false(creds_parse_time(NULL, &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lasting_credentials_fetched_once),
		cmocka_unit_test(refreshed_ahead_of_expiration),
		cmocka_unit_test(invalidate_fetches_again),
		cmocka_unit_test(failed_refresh_keeps_working_credentials),
		cmocka_unit_test(expired_on_arrival_is_an_error),
		cmocka_unit_test(concurrent_users_share_one_fetch),
		cmocka_unit_test(helpers),
		cmocka_unit_test(expiration_times),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
