/* test_session.c -- unit tests for what --instance names (id, ARN with its region, alias) and for the one-off calls' retries against an in-process connect-emu. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "connect/session.h"
#include "server.h"

static char err[256];

static void uuid_is_an_id(void **state)
{
	struct instance_ref r;
	assert_int_equal(connect_parse_instance("0a1b2c3d-4e5f-4a6b-8c7d-9E0F1A2B3C4D", &r, err, sizeof err), CD_OK);
	assert_string_equal(r.id, "0a1b2c3d-4e5f-4a6b-8c7d-9E0F1A2B3C4D");
	assert_false(r.is_alias);
	assert_string_equal(r.region, "");
}

static void anything_else_is_an_alias(void **state)
{
	struct instance_ref r;
	const char *aliases[] = { "prod-contact-centre", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4", "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d00000", "x" };
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
		assert_int_equal(connect_parse_instance(aliases[i], &r, err, sizeof err), CD_OK);
		assert_true(r.is_alias);
		assert_string_equal(r.id, aliases[i]);
	}
	assert_int_equal(connect_parse_instance("", &r, err, sizeof err), CD_USAGE);
}

static void arn_gives_id_and_region(void **state)
{
	struct instance_ref r;
	assert_int_equal(connect_parse_instance("arn:aws:connect:eu-west-2:123456789012:instance/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
						&r, err, sizeof err), CD_OK);
	assert_string_equal(r.id, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
	assert_string_equal(r.region, "eu-west-2");
	assert_false(r.is_alias);
	assert_int_equal(connect_parse_instance("arn:aws-us-gov:connect:us-gov-west-1:1:instance/abc", &r, err, sizeof err), CD_OK);
	assert_string_equal(r.region, "us-gov-west-1");
	assert_string_equal(r.id, "abc");
}

static void bad_arns(void **state)
{
	struct instance_ref r;
	const char *bad[] = {
		"arn:aws:s3:::bucket",
		"arn:aws:connect:eu-west-2:1:instance/",
		"arn:aws:connect::1:instance/abc",
		"arn:aws:connect:eu-west-2:1:instance/abc/agent/u1",
		"arn:aws:connect:eu-west-2:1:queue/abc",
		"arn:aws:connect",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = 0;
		assert_int_equal(connect_parse_instance(bad[i], &r, err, sizeof err), CD_USAGE);
		assert_non_null(strstr(err, "not a Connect instance ARN"));
	}
}


/* --- one-off calls (ListInstances) against an in-process emulator ------------------------------ */

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define INSTANCE "6f1c2a9e-8d7b-4c3e-9a51-0b2d4e6f8a10"

struct emu {
	struct user_set users;
	struct emu_store *store;
	struct emu_fault fault;
	struct emu_auth auth;
	struct emu_server *srv;
	char endpoint[64];
};

static void emu_up(struct emu *e, double fault_rate, uint64_t fault_seed)
{
	memset(e, 0, sizeof *e);
	user_set_init(&e->users);
	struct emu_instance_info info = { .instance_id = INSTANCE, .region = "eu-west-2", .seed = 1 };
	assert_int_equal(emu_store_open(&e->store, &e->users, &info, err, sizeof err), CD_OK);
	emu_fault_init(&e->fault, fault_rate, fault_seed);
	assert_int_equal(emu_fault_parse_kinds(&e->fault, "503", err, sizeof err), CD_OK);
	e->auth = (struct emu_auth){ .access_key_id = AKID, .secret_access_key = SECRET,
				     .region = "eu-west-2" };
	struct emu_server_opts so = { .port = 0, .store = e->store, .fault = &e->fault,
				      .auth = &e->auth, .seed = 3 };
	assert_int_equal(emu_server_start(&so, &e->srv, err, sizeof err), CD_OK);
	snprintf(e->endpoint, sizeof e->endpoint, "http://127.0.0.1:%u", emu_server_port(e->srv));
	/* credentials and settings from the environment only, never the machine's files */
	setenv("AWS_ACCESS_KEY_ID", AKID, 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	setenv("AWS_REGION", "eu-west-2", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/connect-dupes-test", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/connect-dupes-test", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SESSION_TOKEN");
}

static void emu_down(struct emu *e)
{
	emu_server_stop(e->srv);
	emu_store_close(e->store);
	emu_fault_release(&e->fault);
	user_set_release(&e->users);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A fault seed whose first draws at `rate` are two faults, then none: the emulator answers the
 * n-th request with the n-th draw, so the call needs exactly two retries. */
static uint64_t seed_with_two_faults_first(double rate)
{
	for (uint64_t seed = 1; seed < 10000; seed++) {
		struct emu_fault f;
		emu_fault_init(&f, rate, seed);
		assert_int_equal(emu_fault_parse_kinds(&f, "503", err, sizeof err), CD_OK);
		bool hit = emu_fault_pick(&f) != EMU_FAULT_NONE && emu_fault_pick(&f) != EMU_FAULT_NONE &&
			   emu_fault_pick(&f) == EMU_FAULT_NONE;
		emu_fault_release(&f);
		if (hit)
			return seed;
	}
	fail_msg("no seed gives two faults first");
	return 0;
}

static void list_instances_rides_out_503s(void **state)
{
	struct emu e;
	emu_up(&e, 0.5, seed_with_two_faults_first(0.5));
	struct connect_session s;
	struct connect_session_opts o = { .endpoint_url = e.endpoint, .jitter_seed = 11 };
	assert_int_equal(connect_session_open(&s, &o, err, sizeof err), CD_OK);
	struct api_instance *v = NULL;
	size_t n = 0;
	double t0 = now_s();
	assert_int_equal(connect_list_instances(&s, &v, &n, err, sizeof err), CD_OK);
	/* two back-offs of full jitter: at most 0.5 s + 1 s */
	assert_true(now_s() - t0 < 1.5 + 1.0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, INSTANCE);
	free(v);
	struct instance_ref ref;
	/* the emulator's alias is "emu-" and the id's first eight characters */
	assert_int_equal(connect_parse_instance("EMU-6f1c2a9e", &ref, err, sizeof err), CD_OK);
	assert_int_equal(connect_resolve_alias(&s, &ref, err, sizeof err), CD_OK);
	assert_string_equal(ref.id, INSTANCE);
	connect_session_close(&s);
	emu_down(&e);
}

/* Every answer a 503: five tries, then the service's error, within the policy's back-off. */
static void list_instances_gives_up_after_five_tries(void **state)
{
	struct emu e;
	emu_up(&e, 1.0, 1);
	struct connect_session s;
	struct connect_session_opts o = { .endpoint_url = e.endpoint, .jitter_seed = 11 };
	assert_int_equal(connect_session_open(&s, &o, err, sizeof err), CD_OK);
	struct api_instance *v = NULL;
	size_t n = 0;
	double t0 = now_s();
	enum cd_result r = connect_list_instances(&s, &v, &n, err, sizeof err);
	double took = now_s() - t0;
	assert_int_not_equal(r, CD_OK);
	assert_non_null(strstr(err, "ListInstances: "));
	assert_null(v);
	assert_int_equal(n, 0);
	/* four back-offs: at most 0.5 + 1 + 2 + 4 s */
	assert_true(took < 7.5 + 1.5);
	connect_session_close(&s);
	emu_down(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid_is_an_id),
		cmocka_unit_test(anything_else_is_an_alias),
		cmocka_unit_test(arn_gives_id_and_region),
		cmocka_unit_test(bad_arns),
		cmocka_unit_test(list_instances_rides_out_503s),
		cmocka_unit_test(list_instances_gives_up_after_five_tries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
