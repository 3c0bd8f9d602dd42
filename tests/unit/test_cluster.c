/* test_cluster.c -- unit tests for union-find clusters, their confidence and the keeper choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect/cluster.h"

static void add(struct user_set *s, const char *username, const char *email, const char *dir,
		double modified, const char *mobile)
{
	char id[16];
	snprintf(id, sizeof(id), "u%zu", s->n);
	struct user_fields f = { 0 };
	f.id = id;
	f.username = username;
	f.email = email;
	f.directory_user_id = dir;
	f.last_modified = modified;
	f.mobile = mobile;
	assert_int_equal(user_set_add(s, &f), CD_OK);
}

static struct match_pair pair(uint32_t a, uint32_t b, float conf)
{
	struct match_pair p;
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.b = b;
	p.confidence = conf;
	p.nev = 1;
	p.ev[0].kind = MK_EMAIL;
	p.ev[0].weight = 10;
	return p;
}

/* Chains join transitively; possible pairs do not join; confidence is the weakest link of
 * the maximum spanning tree (a strong alternative path beats a weak direct pair). */
static void union_find_and_confidence(void **state)
{
	struct user_set s;
	user_set_init(&s);
	for (int i = 0; i < 8; i++)
		add(&s, "x", "", "", 0, "");
	struct match_pair v[] = {
		pair(0, 1, 0.99f), pair(0, 2, 0.91f), pair(1, 2, 0.97f), /* triangle: tree 0-1, 1-2 */
		pair(3, 4, 0.95f), pair(4, 6, 0.93f),                    /* chain 3-4-6 */
		pair(5, 7, 0.6f),                                        /* possible only */
	};
	struct match_result m = { v, 6, 6, { 0 } };
	struct match_opts o;
	match_opts_init(&o, MATCH_STANDARD);
	struct cluster_set cs;
	char err[128];
	assert_int_equal(cluster_build(&s, &m, &o, &cs, err, sizeof(err)), CD_OK);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.users_in_clusters, 6);
	assert_int_equal(cs.v[0].nmembers, 3);
	assert_int_equal(cs.v[0].members[0], 0);
	assert_int_equal(cs.v[0].members[2], 2);
	assert_int_equal(cs.v[0].npairs, 3);
	assert_float_equal(cs.v[0].confidence, 0.97, 1e-6);
	assert_int_equal(cs.v[1].nmembers, 3);
	assert_int_equal(cs.v[1].members[0], 3);
	assert_int_equal(cs.v[1].members[2], 6);
	assert_int_equal(cs.v[1].npairs, 2);
	assert_float_equal(cs.v[1].confidence, 0.93, 1e-6);
	cluster_set_release(&cs);
	/* nothing above the threshold: no clusters */
	o.threshold = 0.999;
	assert_int_equal(cluster_build(&s, &m, &o, &cs, err, sizeof(err)), CD_OK);
	assert_int_equal(cs.n, 0);
	cluster_set_release(&cs);
	user_set_release(&s);
}

static enum cluster_keep_reason keeper(struct user_set *s, uint32_t *keep)
{
	struct match_pair v[] = { pair(0, 1, 0.99f), pair(1, 2, 0.99f) };
	struct match_result m = { v, 2, 2, { 0 } };
	struct match_opts o;
	match_opts_init(&o, MATCH_STANDARD);
	struct cluster_set cs;
	char err[128];
	assert_int_equal(cluster_build(s, &m, &o, &cs, err, sizeof(err)), CD_OK);
	assert_int_equal(cs.n, 1);
	enum cluster_keep_reason r = cs.v[0].keep_reason;
	*keep = cs.v[0].keep;
	cluster_set_release(&cs);
	return r;
}

static void keeper_rules_in_order(void **state)
{
	struct user_set s;
	uint32_t k;
	/* directory link wins over recency */
	user_set_init(&s);
	add(&s, "a", "a@x.com", "", 300, "");
	add(&s, "b", "b@x.com", "dir-1", 100, "");
	add(&s, "c", "c@x.com", "", 200, "");
	assert_int_equal(keeper(&s, &k), KEEP_DIRECTORY);
	assert_int_equal(k, 1);
	user_set_release(&s);
	/* then the most recently modified */
	user_set_init(&s);
	add(&s, "a", "a@x.com", "", 100, "+1555");
	add(&s, "b", "b@x.com", "", 300, "");
	add(&s, "c", "c@x.com", "", 200, "");
	assert_int_equal(keeper(&s, &k), KEEP_RECENT);
	assert_int_equal(k, 1);
	user_set_release(&s);
	/* then the most complete */
	user_set_init(&s);
	add(&s, "a", "a@x.com", "", 100, "");
	add(&s, "b", "b@x.com", "", 100, "");
	add(&s, "c", "c@x.com", "", 100, "+1555");
	assert_int_equal(keeper(&s, &k), KEEP_COMPLETE);
	assert_int_equal(k, 2);
	user_set_release(&s);
	/* then the username that matches its e-mail (case and local part) */
	user_set_init(&s);
	add(&s, "jdoe2", "jane@x.com", "", 100, "");
	add(&s, "Jane", "jane@x.com", "", 100, "");
	add(&s, "j.doe", "jane@x.com", "", 100, "");
	assert_int_equal(keeper(&s, &k), KEEP_USERNAME);
	assert_int_equal(k, 1);
	user_set_release(&s);
	/* nothing separates them: the first */
	user_set_init(&s);
	add(&s, "a", "", "", 0, "");
	add(&s, "b", "", "", 0, "");
	add(&s, "c", "", "", 0, "");
	assert_int_equal(keeper(&s, &k), KEEP_FIRST);
	assert_int_equal(k, 0);
	assert_non_null(strstr(cluster_keep_reason_text(KEEP_FIRST), "first"));
	user_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(union_find_and_confidence),
		cmocka_unit_test(keeper_rules_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
