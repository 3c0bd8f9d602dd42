/* test_gen.c -- unit tests for the synthetic-instance generator: determinism, uniqueness, kinds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "gen.h"
#include "model/user_json.h"

/* One generated instance shared by the property tests (3,000 accounts at 10%: every kind
 * appears about twenty times). */
static struct user_set g_users;
static struct gen_truth g_truth;
static struct gen_opts g_opts;

static int setup(void **state)
{
	char err[256] = "";
	user_set_init(&g_users);
	gen_truth_init(&g_truth);
	gen_opts_init(&g_opts);
	g_opts.users = 3000;
	g_opts.seed = 42;
	g_opts.dup_rate = 0.10;
	if (gen_instance(&g_opts, &g_users, &g_truth, err, sizeof err) != CD_OK) {
		fprintf(stderr, "gen_instance: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	user_set_release(&g_users);
	gen_truth_release(&g_truth);
	return 0;
}

static char lc(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* The classic rules' comparison (ASCII lower-casing only). */
static int ceq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lc(*a) != lc(*b))
			return 0;
	return *a == *b;
}

static int classic_email(const struct user *a, const struct user *b)
{
	return a->email[0] && ceq(a->email, b->email);
}

static int classic_username(const struct user *a, const struct user *b)
{
	return a->username[0] && ceq(a->username, b->username);
}

static int classic_name(const struct user *a, const struct user *b)
{
	return a->first_name[0] && a->last_name[0] && ceq(a->first_name, b->first_name) &&
	       ceq(a->last_name, b->last_name) && !classic_email(a, b);
}

static int is_planted(size_t i, size_t j)
{
	for (size_t k = 0; k < g_truth.n; k++) {
		const struct gen_pair *p = &g_truth.v[k];
		if (!p->distractor && ((p->user1 == i && p->user2 == j) || (p->user1 == j && p->user2 == i)))
			return 1;
	}
	return 0;
}

static const struct gen_pair *find_pair(size_t i, size_t j, int distractor)
{
	for (size_t k = 0; k < g_truth.n; k++) {
		const struct gen_pair *p = &g_truth.v[k];
		if (p->distractor == distractor && p->user1 == i && p->user2 == j)
			return p;
	}
	return NULL;
}

static char *instance_bytes(unsigned long users, unsigned long long seed, double rate, size_t *len)
{
	struct gen_opts o;
	struct user_set s;
	struct gen_truth t;
	char err[256] = "";
	gen_opts_init(&o);
	o.users = users;
	o.seed = seed;
	o.dup_rate = rate;
	user_set_init(&s);
	gen_truth_init(&t);
	assert_int_equal(gen_instance(&o, &s, &t, err, sizeof err), CD_OK);
	size_t total = 0;
	for (size_t i = 0; i < s.n; i++)
		total += s.v[i].raw_len + 1;
	char *b = malloc(total + 1), *p = b;
	assert_non_null(b);
	for (size_t i = 0; i < s.n; i++) {
		memcpy(p, s.v[i].raw, s.v[i].raw_len);
		p += s.v[i].raw_len;
		*p++ = '\n';
	}
	*p = 0;
	*len = total;
	user_set_release(&s);
	gen_truth_release(&t);
	return b;
}

static void same_seed_same_bytes_other_seed_differs(void **state)
{
	size_t a_len, b_len, c_len;
	char *a = instance_bytes(500, 7, 0.05, &a_len);
	char *b = instance_bytes(500, 7, 0.05, &b_len);
	char *c = instance_bytes(500, 8, 0.05, &c_len);
	assert_int_equal(a_len, b_len);
	assert_memory_equal(a, b, a_len);
	assert_true(a_len != c_len || memcmp(a, c, a_len) != 0);
	free(a);
	free(b);
	free(c);
}

static void exact_count_and_complete_fields(void **state)
{
	assert_int_equal(g_users.n, 3000);
	for (size_t i = 0; i < g_users.n; i++) {
		const struct user *u = &g_users.v[i];
		assert_int_equal(strlen(u->id), 36);
		assert_int_equal(u->id[14], '4'); /* UUID version 4 */
		assert_non_null(strstr(u->arn, ":instance/"));
		assert_non_null(strstr(u->arn, u->id));
		assert_true(u->username[0] && u->email[0] && u->first_name[0] && u->last_name[0]);
		assert_true(u->routing_profile_id[0]);
		assert_true(u->last_modified > 1.5e9 && u->last_modified < 1.9e9);
		assert_true(u->raw_len > 100);
		assert_non_null(strstr(u->raw, "\"SecurityProfileIds\":[\""));
		assert_non_null(strstr(u->raw, "\"LastModifiedRegion\":\"us-east-1\""));
		/* the profiles the set holds are the ones its JSON text lists, canonical */
		json_t *o = json_loadb(u->raw, u->raw_len, 0, NULL);
		struct user_fields f;
		char *raw, err[256];
		assert_int_equal(user_from_json(o, &f, &raw, err, sizeof err), CD_OK);
		assert_true(u->security_profiles[0]);
		assert_string_equal(u->security_profiles, f.security_profiles);
		free(raw);
		json_decref(o);
		if (u->mobile[0])
			assert_int_equal(u->mobile[0], '+');
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted lower-cased values; equal neighbours must be planted pairs of one person. */
static void check_unique(const char *(*get)(const struct user *))
{
	size_t n = g_users.n;
	char **v = calloc(n, sizeof *v);
	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		const char *s = get(&g_users.v[i]);
		size_t l = strlen(s);
		v[i] = malloc(l + 32);
		for (size_t k = 0; k < l; k++)
			v[i][k] = lc(s[k]);
		snprintf(v[i] + l, 32, "\t%zu", i);
	}
	qsort(v, n, sizeof *v, cmp_str);
	size_t clashes = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		size_t la = strcspn(v[i], "\t"), lb = strcspn(v[i + 1], "\t");
		if (la && la == lb && !memcmp(v[i], v[i + 1], la)) {
			size_t x = strtoul(v[i] + la + 1, NULL, 10), y = strtoul(v[i + 1] + lb + 1, NULL, 10);
			if (!is_planted(x, y)) {
				fprintf(stderr, "unrelated users %zu and %zu share '%.*s'\n", x, y, (int)la, v[i]);
				clashes++;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	assert_int_equal(clashes, 0);
}

static const char *get_email(const struct user *u) { return u->email; }
static const char *get_username(const struct user *u) { return u->username; }
static const char *get_mobile(const struct user *u) { return u->mobile; }

static void unrelated_users_share_no_email_username_or_mobile(void **state)
{
	check_unique(get_email);
	check_unique(get_username);
	/* mobiles: only non-empty ones */
	size_t n = 0;
	for (size_t i = 0; i < g_users.n; i++)
		n += g_users.v[i].mobile[0] != 0;
	assert_true(n > g_users.n / 4);
	for (size_t i = 0; i < g_users.n; i++) {
		if (!g_users.v[i].mobile[0])
			continue;
		for (size_t j = i + 1; j < g_users.n; j++)
			if (!strcmp(g_users.v[i].mobile, g_users.v[j].mobile) && !is_planted(i, j)) {
				fprintf(stderr, "unrelated users %zu and %zu share a mobile\n", i, j);
				fail();
			}
	}
	(void)get_mobile;
}

static size_t count_kind(const char *kind, int distractor)
{
	size_t n = 0;
	for (size_t k = 0; k < g_truth.n; k++)
		n += g_truth.v[k].distractor == distractor && !strcmp(g_truth.v[k].kind, kind);
	return n;
}

static void every_kind_is_planted_and_counts_add_up(void **state)
{
	size_t planted = 0;
	for (size_t k = 0; gen_dup_kinds[k]; k++) {
		size_t n = count_kind(gen_dup_kinds[k], 0);
		if (n < 15)
			fprintf(stderr, "kind %s: %zu pairs\n", gen_dup_kinds[k], n);
		assert_true(n >= 15);
		planted += n;
	}
	assert_int_equal(planted, 300); /* 10% of 3,000 */
	assert_true(count_kind("distractor_similar_name", 1) >= 100);
	assert_true(count_kind("distractor_same_name", 1) >= 100);
	for (size_t k = 0; k < g_truth.n; k++) {
		const struct gen_pair *p = &g_truth.v[k];
		assert_true(p->user1 < p->user2);
		assert_true(p->user2 < g_users.n);
	}
}

/* Unicode helpers for the kind checks. */
static int has_byte_seq(const char *s, const char *seq)
{
	return strstr(s, seq) != NULL;
}

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static int ascii_only(const char *s)
{
	return !has_non_ascii(s);
}

static char *trim_collapse(const char *s)
{
	char *o = malloc(strlen(s) + 1);
	size_t n = 0;
	int sp = 1;
	for (; *s; s++) {
		int ws = *s == ' ' || (!strncmp(s, "\xc2\xa0", 2) && (s++, 1));
		if (ws) {
			sp = 1;
			continue;
		}
		if (sp && n)
			o[n++] = ' ';
		sp = 0;
		o[n++] = *s;
	}
	o[n] = 0;
	return o;
}

static void local_part(const char *e, char *out, size_t n)
{
	snprintf(out, n, "%.*s", (int)strcspn(e, "@"), e);
}

static void kind_properties_hold(void **state)
{
	size_t checked = 0;
	for (size_t k = 0; k < g_truth.n; k++) {
		const struct gen_pair *p = &g_truth.v[k];
		if (p->distractor)
			continue;
		const struct user *a = &g_users.v[p->user1], *b = &g_users.v[p->user2];
		const char *kind = p->kind;
		int e = classic_email(a, b), u = classic_username(a, b), n = classic_name(a, b);
		char la[256], lb[256];
		local_part(a->email, la, sizeof la);
		local_part(b->email, lb, sizeof lb);
		/* a second account of the person: later modification time, new id */
		if (strcmp(a->id, b->id) == 0)
			fail_msg("%s: same id", kind);
		if (!strcmp(kind, "email_case")) {
			assert_true(e && strcmp(a->email, b->email) && !u);
		} else if (!strcmp(kind, "username_case")) {
			assert_true(u && strcmp(a->username, b->username) && !e);
		} else if (!strcmp(kind, "name_case")) {
			assert_true(n && !e && !u);
			assert_true(strcmp(a->first_name, b->first_name) || strcmp(a->last_name, b->last_name));
			/* one more shared attribute: mobile, e-mail local part, or team */
			assert_true((a->mobile[0] && !strcmp(a->mobile, b->mobile)) || ceq(la, lb) ||
				    (!strcmp(a->routing_profile_id, b->routing_profile_id) &&
				     !strcmp(a->hierarchy_group_id, b->hierarchy_group_id)));
		} else {
			/* harder kinds: no classic rule matches */
			if (e || u || n)
				fail_msg("%s pair %zu/%zu matches a classic rule", kind, p->user1, p->user2);
			if (!strcmp(kind, "name_whitespace")) {
				char *fa = trim_collapse(a->first_name), *fb = trim_collapse(b->first_name);
				char *xa = trim_collapse(a->last_name), *xb = trim_collapse(b->last_name);
				assert_string_equal(fa, fb);
				assert_string_equal(xa, xb);
				free(fa), free(fb), free(xa), free(xb);
			} else if (!strcmp(kind, "name_accents")) {
				int na = has_non_ascii(a->first_name) || has_non_ascii(a->last_name);
				int nb = has_non_ascii(b->first_name) || has_non_ascii(b->last_name);
				assert_true(na != nb); /* one accented, one plain */
			} else if (!strcmp(kind, "name_fullwidth")) {
				/* full-width forms are U+FF01..FF5E (EF BC xx / EF BD xx); ligatures EF AC xx */
				assert_true(has_byte_seq(b->first_name, "\xef\xbc") || has_byte_seq(b->first_name, "\xef\xbd") ||
					    has_byte_seq(b->last_name, "\xef\xbc") || has_byte_seq(b->last_name, "\xef\xbd") ||
					    has_byte_seq(b->last_name, "\xef\xac"));
			} else if (!strcmp(kind, "name_typo")) {
				/* one name equal, the other one edit away (lengths differ by at most 1) */
				int fs = !strcmp(a->first_name, b->first_name), ls = !strcmp(a->last_name, b->last_name);
				assert_true(fs != ls);
				const char *x = fs ? a->last_name : a->first_name, *y = fs ? b->last_name : b->first_name;
				long d = (long)strlen(x) - (long)strlen(y);
				assert_true(d >= -1 && d <= 1);
			} else if (!strcmp(kind, "nickname")) {
				assert_string_equal(a->last_name, b->last_name);
				assert_string_not_equal(a->first_name, b->first_name);
			} else if (!strcmp(kind, "name_swapped")) {
				assert_string_equal(a->first_name, b->last_name);
				assert_string_equal(a->last_name, b->first_name);
			} else if (!strcmp(kind, "email_plus_tag")) {
				const char *plus = strchr(b->email, '+');
				assert_non_null(plus);
				assert_int_equal((size_t)(plus - b->email), strlen(la));
				assert_memory_equal(b->email, a->email, strlen(la));
				assert_string_equal(strchr(a->email, '@'), strchr(b->email, '@'));
			} else if (!strcmp(kind, "email_gmail_dots")) {
				char x[256], y[256];
				size_t nx = 0, ny = 0;
				for (const char *s = la; *s; s++)
					if (*s != '.')
						x[nx++] = *s;
				for (const char *s = lb; *s; s++)
					if (*s != '.')
						y[ny++] = *s;
				x[nx] = y[ny] = 0;
				assert_string_equal(x, y);
				assert_string_equal(strchr(a->email, '@'), "@gmail.com");
				assert_string_equal(strchr(b->email, '@'), "@gmail.com");
			} else if (!strcmp(kind, "username_is_email")) {
				assert_true(!strcmp(b->username, a->email) || !strcmp(b->username, la));
			} else if (!strcmp(kind, "secondary_email")) {
				assert_true((a->secondary_email[0] && !strcmp(a->secondary_email, b->email)) ||
					    (b->secondary_email[0] && !strcmp(b->secondary_email, a->email)));
			} else if (!strcmp(kind, "phone")) {
				const char *pa = a->mobile[0] ? a->mobile : a->desk_phone;
				assert_true(pa[0] && (!strcmp(pa, b->mobile) || !strcmp(pa, b->desk_phone)));
			} else {
				fail_msg("unknown kind '%s'", kind);
			}
		}
		checked++;
	}
	assert_true(checked >= 300);
}

static void accidental_same_names_are_distractors(void **state)
{
	size_t same = 0;
	for (size_t i = 0; i < g_users.n; i++)
		for (size_t j = i + 1; j < g_users.n; j++) {
			const struct user *a = &g_users.v[i], *b = &g_users.v[j];
			if (strcmp(a->first_name, b->first_name) || strcmp(a->last_name, b->last_name))
				continue;
			if (is_planted(i, j))
				continue;
			same++;
			if (!find_pair(i, j, 1))
				fail_msg("users %zu and %zu share the name '%s %s' but are not a distractor", i,
					 j, a->first_name, a->last_name);
			/* different people: nothing else shared */
			assert_false(ceq(a->email, b->email));
			assert_false(ceq(a->username, b->username));
		}
	assert_true(same >= 100);
	/* distractor_similar_name: different e-mail, phone, team */
	for (size_t k = 0; k < g_truth.n; k++) {
		const struct gen_pair *p = &g_truth.v[k];
		if (!p->distractor || strcmp(p->kind, "distractor_similar_name"))
			continue;
		const struct user *a = &g_users.v[p->user1], *b = &g_users.v[p->user2];
		assert_true(strcmp(a->first_name, b->first_name) || strcmp(a->last_name, b->last_name));
		assert_string_not_equal(a->routing_profile_id, b->routing_profile_id);
		assert_false(ceq(a->email, b->email));
		assert_true(!a->mobile[0] || strcmp(a->mobile, b->mobile));
	}
}

static void diverse_scripts(void **state)
{
	size_t non_ascii = 0, cjk = 0, cyrillic = 0, greek = 0, irish = 0, hyphen = 0, ascii = 0;
	for (size_t i = 0; i < g_users.n; i++) {
		const struct user *u = &g_users.v[i];
		char name[1024];
		snprintf(name, sizeof name, "%s %s", u->first_name, u->last_name);
		if (ascii_only(name))
			ascii++;
		else
			non_ascii++;
		for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
			if (*s >= 0xe3 && *s <= 0xed && s[1] >= 0x80) { /* U+3000..U+DFFF: kana, CJK, hangul */
				cjk++;
				break;
			}
			if (*s == 0xd0 || *s == 0xd1) { /* Cyrillic U+0400..U+047F */
				cyrillic++;
				break;
			}
			if (*s == 0xce || *s == 0xcf) { /* Greek */
				greek++;
				break;
			}
		}
		irish += strstr(u->last_name, "O'") != NULL;
		hyphen += strchr(u->last_name, '-') != NULL;
	}
	assert_true(non_ascii > g_users.n / 5);
	assert_true(ascii > g_users.n / 3);
	assert_true(cjk > 20);
	assert_true(cyrillic > 20);
	assert_true(greek > 0);
	assert_true(irish > 0);
	assert_true(hyphen > 10);
}

/* The streaming writer and gen_write_instance over gen_instance give the same file. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void streamed_and_stored_files_match(void **state)
{
	char dir[] = "/tmp/test_gen.XXXXXX", a[256], b[256], ta[256], tb[256], err[256] = "";
	struct stat st;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof a, "%s/a.json", dir);
	snprintf(b, sizeof b, "%s/b.json", dir);
	snprintf(ta, sizeof ta, "%s/ta.json", dir);
	snprintf(tb, sizeof tb, "%s/tb.json", dir);
	assert_int_equal(gen_files(&g_opts, a, ta, err, sizeof err), CD_OK);
	assert_int_equal(gen_write_instance(b, &g_opts, &g_users, err, sizeof err), CD_OK);
	assert_int_equal(gen_write_truth(tb, &g_opts, &g_users, &g_truth, err, sizeof err), CD_OK);
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(x, y, la);
	assert_non_null(strstr(x, "{\"InstanceId\":\""));
	free(x), free(y);
	x = slurp(ta, &la), y = slurp(tb, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(x, y, la);
	assert_non_null(strstr(x, "{\"seed\":42,\"users\":3000,\"pairs\":[\n{\"user1\":\""));
	free(x), free(y);
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a folder that does not exist: an I/O error naming the file, nothing left behind */
	char bad[300];
	snprintf(bad, sizeof bad, "%s/missing/x.json", dir);
	assert_int_equal(gen_files(&g_opts, bad, NULL, err, sizeof err), CD_IO);
	assert_non_null(strstr(err, "missing/x.json"));
	unlink(a), unlink(b), unlink(ta), unlink(tb);
	assert_int_equal(rmdir(dir), 0);
}

static void bad_options_refused(void **state)
{
	struct gen_opts o;
	struct user_set s;
	struct gen_truth t;
	char err[256] = "";
	gen_opts_init(&o);
	user_set_init(&s);
	gen_truth_init(&t);
	o.users = 0;
	assert_int_equal(gen_instance(&o, &s, &t, err, sizeof err), CD_USAGE);
	o.users = 10;
	o.dup_rate = 0.9;
	assert_int_equal(gen_instance(&o, &s, &t, err, sizeof err), CD_USAGE);
	/* tiny instances and the extremes of the rate still work and stay consistent */
	o.dup_rate = 0.5;
	o.users = 3;
	assert_int_equal(gen_instance(&o, &s, &t, err, sizeof err), CD_OK);
	assert_int_equal(s.n, 3);
	user_set_release(&s);
	gen_truth_release(&t);
	user_set_init(&s);
	gen_truth_init(&t);
	o.dup_rate = 0.5;
	o.users = 200;
	assert_int_equal(gen_instance(&o, &s, &t, err, sizeof err), CD_OK);
	assert_int_equal(s.n, 200);
	size_t planted = 0;
	for (size_t k = 0; k < t.n; k++)
		planted += !t.v[k].distractor;
	assert_int_equal(planted, 100);
	user_set_release(&s);
	gen_truth_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_bytes_other_seed_differs),
		cmocka_unit_test(exact_count_and_complete_fields),
		cmocka_unit_test(unrelated_users_share_no_email_username_or_mobile),
		cmocka_unit_test(every_kind_is_planted_and_counts_add_up),
		cmocka_unit_test(kind_properties_hold),
		cmocka_unit_test(accidental_same_names_are_distractors),
		cmocka_unit_test(diverse_scripts),
		cmocka_unit_test(streamed_and_stored_files_match),
		cmocka_unit_test(bad_options_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
