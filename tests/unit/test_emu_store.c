/* test_emu_store.c -- the emulated instance: loading, normalising, pages across changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "emu_store.h"

#define INST "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

static struct emu_store *open_store(size_t n)
{
	struct user_set set;
	user_set_init(&set);
	for (size_t i = 0; i < n; i++) {
		char id[32], raw[512];
		snprintf(id, sizeof id, "u-%04zu", i);
		/* odd users come as raw JSON with an ISO time (as the aws CLI writes), even ones as
		 * bare fields: both must come out with epoch-second timestamps and an Arn */
		snprintf(raw, sizeof raw,
			 "{\"Id\":\"%s\",\"Username\":\"user%zu\",\"IdentityInfo\":{\"FirstName\":\"F\","
			 "\"LastName\":\"L%zu\",\"Email\":\"e%zu@x.org\"},\"LastModifiedTime\":"
			 "\"2024-01-01T00:00:00Z\",\"PhoneConfig\":{\"AfterContactWorkTimeLimit\":7}}",
			 id, i, i, i);
		struct user_fields f = { .id = id, .username = "bare", .email = "b@x.org",
					 .last_modified = 1704067200 };
		if (i % 2) {
			f.raw = raw;
			f.raw_len = strlen(raw);
		}
		assert_int_equal(user_set_add(&set, &f), CD_OK);
	}
	struct emu_store *s;
	char err[200];
	struct emu_instance_info info = { INST, "eu-west-2", 9 };
	assert_int_equal(emu_store_open(&s, &set, &info, err, sizeof err), CD_OK);
	user_set_release(&set);
	return s;
}

static void describe_and_normalise(void **state)
{
	struct emu_store *s = open_store(10);
	struct buf b = BUF_INIT(1 << 20);
	assert_int_equal(emu_store_describe(s, "u-0001", &b), CD_OK);
	json_t *j = json_loads(buf_str(&b), 0, NULL);
	json_t *u = json_object_get(j, "User");
	assert_true(json_is_number(json_object_get(u, "LastModifiedTime")));
	assert_true(json_number_value(json_object_get(u, "LastModifiedTime")) == 1704067200);
	assert_string_equal(json_string_value(json_object_get(u, "LastModifiedRegion")), "eu-west-2");
	assert_string_equal(json_string_value(json_object_get(u, "Arn")),
			    "arn:aws:connect:eu-west-2:123456789012:instance/" INST "/agent/u-0001");
	json_decref(j);
	buf_reset(&b);
	assert_int_equal(emu_store_describe(s, "u-0002", &b), CD_OK);
	assert_non_null(strstr(buf_str(&b), "\"Email\":\"b@x.org\""));
	assert_int_equal(emu_store_describe(s, "u-0002", &b), CD_OK);
	assert_int_equal(emu_store_describe(s, "nobody", &b), CD_NOT_FOUND);
	struct emu_store_counts c;
	emu_store_counts(s, &c);
	assert_int_equal(c.users, 10);
	assert_int_equal(c.described, 2);
	assert_int_equal(c.described_again, 1);
	emu_store_reset_counts(s);
	emu_store_counts(s, &c);
	assert_int_equal(c.described, 0);
	assert_true(emu_store_is_instance(s, INST));
	assert_true(emu_store_is_instance(s, "arn:aws:connect:eu-west-2:123456789012:instance/" INST));
	assert_false(emu_store_is_instance(s, "other"));
	buf_release(&b);
	emu_store_close(s);
}

static void search_summary_hides_contact_fields(void **state)
{
	struct emu_store *s = open_store(4);
	struct buf b = BUF_INIT(1 << 20);
	size_t next, total;
	assert_int_equal(emu_store_search_page(s, NULL, 0, 10, &b, &next, &total), CD_OK);
	assert_int_equal(total, 4);
	assert_int_equal(next, 0);
	assert_null(strstr(buf_str(&b), "Email"));
	assert_null(strstr(buf_str(&b), "LastModified"));
	assert_non_null(strstr(buf_str(&b), "\"AfterContactWorkTimeLimit\":7000"));
	buf_release(&b);
	emu_store_close(s);
}

static size_t page_ids(struct emu_store *s, size_t from, size_t max, char ids[][40], size_t *n)
{
	struct buf b = BUF_INIT(1 << 20);
	size_t next;
	assert_int_equal(buf_putc(&b, '['), CD_OK);
	assert_int_equal(emu_store_list_page(s, from, max, &b, &next), CD_OK);
	assert_int_equal(buf_putc(&b, ']'), CD_OK);
	json_t *arr = json_loads(buf_str(&b), 0, NULL);
	assert_non_null(arr);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		snprintf(ids[*n], 40, "%s", json_string_value(json_object_get(v, "Id")));
		++*n;
	}
	json_decref(arr);
	buf_release(&b);
	return next;
}

static void pages_survive_changes(void **state)
{
	struct emu_store *s = open_store(50);
	char ids[200][40];
	size_t n = 0;
	size_t next = page_ids(s, 0, 20, ids, &n);
	assert_int_equal(n, 20);
	assert_true(next > 0);
	struct buf rep = BUF_INIT(1 << 16);
	assert_int_equal(emu_store_mutate(s, 3, 5, 4, &rep), CD_OK);
	json_t *r = json_loads(buf_str(&rep), 0, NULL);
	assert_int_equal(json_array_size(json_object_get(r, "modified")), 3);
	assert_int_equal(json_array_size(json_object_get(r, "created")), 5);
	assert_int_equal(json_array_size(json_object_get(r, "deleted")), 4);
	while (next)
		next = page_ids(s, next, 7, ids, &n);
	/* every original user that was not deleted, and every created one, appears once */
	for (int i = 0; i < 50; i++) {
		char id[16];
		snprintf(id, sizeof id, "u-%04d", i);
		int seen = 0, deleted = 0;
		for (size_t k = 0; k < n; k++)
			seen += !strcmp(ids[k], id);
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(r, "deleted"), k, v)
			deleted |= !strcmp(json_string_value(v), id);
		assert_true(seen == 1 || (deleted && seen <= 1 && i >= 20) || (deleted && i < 20));
	}
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(r, "created"), k, v) {
		int seen = 0;
		for (size_t q = 0; q < n; q++)
			seen += !strcmp(ids[q], json_string_value(v));
		assert_int_equal(seen, 1);
	}
	struct buf b = BUF_INIT(1 << 20);
	assert_int_equal(emu_store_describe(s, json_string_value(json_array_get(json_object_get(r, "deleted"), 0)), &b),
			 CD_NOT_FOUND);
	json_t *patch = json_loads("{\"IdentityInfo\":{\"Email\":\"new@x.org\"}}", 0, NULL);
	char err[200];
	const char *alive = json_string_value(json_array_get(json_object_get(r, "created"), 0));
	assert_int_equal(emu_store_update(s, alive, patch, err, sizeof err), CD_OK);
	assert_int_equal(emu_store_describe(s, alive, &b), CD_OK);
	assert_non_null(strstr(buf_str(&b), "new@x.org"));
	json_decref(patch);
	patch = json_loads("{\"Id\":\"x\"}", 0, NULL);
	assert_int_equal(emu_store_update(s, alive, patch, err, sizeof err), CD_INPUT);
	json_decref(patch);
	struct emu_store_counts c;
	emu_store_counts(s, &c);
	assert_int_equal(c.users, 51);
	assert_int_equal(c.deleted, 4);
	json_decref(r);
	buf_release(&b);
	buf_release(&rep);
	emu_store_close(s);
}

/* A record that already has what the service sends is served byte for byte (the fast path),
 * and its search summary is built on first use. */
static void complete_records_served_as_is(void **state)
{
	static const char raw[] =
		"{\"Id\":\"u-9\",\"Arn\":\"arn:aws:connect:eu-west-2:1:instance/i/agent/u-9\","
		"\"Username\":\"nine\",\"IdentityInfo\":{\"FirstName\":\"N\",\"Email\":\"n@x.org\"},"
		"\"PhoneConfig\":{\"AfterContactWorkTimeLimit\":3},"
		"\"LastModifiedTime\": 1700000000.125, \"LastModifiedRegion\":\"eu-west-2\"}";
	struct user_set set;
	user_set_init(&set);
	struct user_fields f = { .id = "u-9", .arn = "arn:aws:connect:eu-west-2:1:instance/i/agent/u-9",
				 .username = "nine", .first_name = "N", .email = "n@x.org",
				 .last_modified_region = "eu-west-2", .last_modified = 1700000000.125,
				 .raw = raw, .raw_len = sizeof raw - 1 };
	assert_int_equal(user_set_add(&set, &f), CD_OK);
	struct emu_store *s;
	char err[200];
	struct emu_instance_info info = { INST, "eu-west-2", 9 };
	assert_int_equal(emu_store_open(&s, &set, &info, err, sizeof err), CD_OK);
	user_set_release(&set);
	struct buf b = BUF_INIT(1 << 20);
	assert_int_equal(emu_store_describe(s, "u-9", &b), CD_OK);
	assert_int_equal(b.len, sizeof raw - 1 + 9);
	assert_memory_equal(b.data + 8, raw, sizeof raw - 1);
	buf_reset(&b);
	size_t next, total;
	for (int i = 0; i < 2; i++) { /* built once, then reused */
		buf_reset(&b);
		assert_int_equal(emu_store_search_page(s, NULL, 0, 10, &b, &next, &total), CD_OK);
		assert_null(strstr(buf_str(&b), "Email"));
		assert_null(strstr(buf_str(&b), "LastModified"));
		assert_non_null(strstr(buf_str(&b), "\"AfterContactWorkTimeLimit\":3000"));
	}
	buf_reset(&b);
	assert_int_equal(emu_store_list_page(s, 0, 10, &b, &next), CD_OK);
	assert_non_null(strstr(buf_str(&b), "\"LastModifiedTime\":1700000000.125,"));
	/* a change rebuilds everything from the parsed record */
	assert_int_equal(emu_store_mutate(s, 1, 0, 0, NULL), CD_OK);
	buf_reset(&b);
	assert_int_equal(emu_store_describe(s, "u-9", &b), CD_OK);
	assert_non_null(strstr(buf_str(&b), "\"Mobile\":\"+1555"));
	buf_release(&b);
	emu_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(describe_and_normalise),
		cmocka_unit_test(search_summary_hides_contact_fields),
		cmocka_unit_test(pages_survive_changes),
		cmocka_unit_test(complete_records_served_as_is),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
