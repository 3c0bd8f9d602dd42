/* test_apply.c -- apply's decisions: dry run never writes, keepers refused, re-check, journal resume. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "act/apply.h"

/* A fake instance: users with a LastModifiedTime, quick connects with a target. */
struct fake_user { const char *id, *lm; bool gone; };
struct fake_qc { const char *id, *user; bool gone; };
struct fake {
	struct fake_user u[8];
	struct fake_qc q[8];
	int describes, deletes, qc_deletes;
	char deleted[16][64];
	int ndeleted;
};

static struct fake_user *fu(struct fake *f, const char *id)
{
	for (int i = 0; i < 8 && f->u[i].id; i++)
		if (!strcmp(f->u[i].id, id))
			return &f->u[i];
	return NULL;
}

static struct fake_qc *fq(struct fake *f, const char *id)
{
	for (int i = 0; i < 8 && f->q[i].id; i++)
		if (!strcmp(f->q[i].id, id))
			return &f->q[i];
	return NULL;
}

static enum cd_result f_describe(void *ctx, const char *id, char *lm, char *username,
				 size_t unlen, char *err, size_t errlen)
{
	struct fake *f = ctx;
	struct fake_user *u = fu(f, id);
	f->describes++;
	if (!u || u->gone)
		return CD_NOT_FOUND;
	snprintf(lm, 32, "%s", u->lm);
	snprintf(username, unlen, "%s", u->id); /* usernames equal ids in this fake */
	return CD_OK;
}

static enum cd_result f_describe_qc(void *ctx, const char *id, char *user, size_t ulen, char *err,
				    size_t errlen)
{
	struct fake_qc *q = fq(ctx, id);
	if (!q || q->gone)
		return CD_NOT_FOUND;
	snprintf(user, ulen, "%s", q->user);
	return CD_OK;
}

static enum cd_result f_delete(void *ctx, const char *id, char *err, size_t errlen)
{
	struct fake *f = ctx;
	struct fake_user *u = fu(f, id);
	f->deletes++;
	if (!u || u->gone)
		return CD_NOT_FOUND;
	u->gone = true;
	snprintf(f->deleted[f->ndeleted++], 64, "%s", id);
	return CD_OK;
}

static enum cd_result f_delete_qc(void *ctx, const char *id, char *err, size_t errlen)
{
	struct fake *f = ctx;
	struct fake_qc *q = fq(f, id);
	f->qc_deletes++;
	if (!q || q->gone)
		return CD_NOT_FOUND;
	q->gone = true;
	return CD_OK;
}

/* keep k1 (cluster 1) and k2 (cluster 2); remove a (2 quick connects), b (skip), c (changed),
 * k2 (a keeper elsewhere), d (gone already), a again (listed twice), e. */
static const char plan_text[] =
	"{\"version\":1,\"instance\":{\"Id\":\"i-1\",\"Arn\":\"arn:aws:connect:us-east-1:123:instance/i-1\","
	"\"Alias\":\"shop\",\"Region\":\"us-east-1\"},\"created\":\"2026-01-01T00:00:00.000Z\","
	"\"clusters\":[{\"confidence\":0.9,\"keep\":{\"Id\":\"k1\",\"Username\":\"k1\"},\"remove\":["
	"{\"Id\":\"a\",\"Username\":\"a\",\"LastModifiedTime\":\"2025-01-01T00:00:00.100Z\",\"QuickConnectIds\":[\"qa1\",\"qa2\"]},"
	"{\"Id\":\"b\",\"Username\":\"b\",\"LastModifiedTime\":\"2025-01-01T00:00:00.000Z\",\"QuickConnectIds\":[\"qb\"],\"skip\":true},"
	"{\"Id\":\"c\",\"Username\":\"c\",\"LastModifiedTime\":\"2025-01-01T00:00:00.000Z\",\"QuickConnectIds\":[\"qc\"]},"
	"{\"Id\":\"k2\",\"Username\":\"k2\",\"LastModifiedTime\":\"2025-01-01T00:00:00.000Z\"}]},"
	"{\"confidence\":0.8,\"keep\":{\"Id\":\"k2\",\"Username\":\"k2\"},\"remove\":["
	"{\"Id\":\"d\",\"Username\":\"d\",\"LastModifiedTime\":\"2025-01-01T00:00:00.000Z\"},"
	"{\"Id\":\"a\",\"Username\":\"a\",\"LastModifiedTime\":\"2025-01-01T00:00:00.100Z\"},"
	"{\"Id\":\"e\",\"Username\":\"e\",\"LastModifiedTime\":\"1735689600\",\"QuickConnectIds\":[\"qe\"]}]}]}";

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof *f);
	struct fake_user u[] = { { "k1", "2025-01-01T00:00:00.000Z", false },
				 { "k2", "2025-01-01T00:00:00.000Z", false },
				 { "a", "2025-01-01T00:00:00.100Z", false },
				 { "b", "2025-01-01T00:00:00.000Z", false },
				 { "c", "2025-06-01T00:00:00.000Z", false }, /* changed */
				 { "d", "2025-01-01T00:00:00.000Z", true },
				 { "e", "2025-01-01T00:00:00.000Z", false } };
	memcpy(f->u, u, sizeof u);
	struct fake_qc q[] = { { "qa1", "a", false }, { "qa2", "a", false }, { "qb", "b", false },
			       { "qc", "c", false }, { "qe", "someone-else", false } };
	memcpy(f->q, q, sizeof q);
}

static struct apply_ops ops_for(struct fake *f, bool writes)
{
	return (struct apply_ops){ f, f_describe, f_describe_qc, writes ? f_delete : NULL,
				   writes ? f_delete_qc : NULL };
}

static char jpath[256];

static struct journal *fresh_journal(void)
{
	char err[256];
	struct journal *j;
	snprintf(jpath, sizeof jpath, "/tmp/cdapply.%d.journal", (int)getpid());
	unlink(jpath);
	assert_int_equal(journal_open(jpath, "i-1", &j, err, sizeof err), CD_OK);
	return j;
}

static void load(struct plan *p)
{
	char err[256];
	assert_int_equal(plan_parse(plan_text, strlen(plan_text), p, err, sizeof err), CD_OK);
}

static void dry_run_never_writes(void **state)
{
	struct fake f;
	struct plan p;
	struct apply_summary s;
	char err[256];
	fake_init(&f);
	load(&p);
	struct apply_ops ops = ops_for(&f, false);
	struct apply_opts o = { .dry_run = true };
	assert_int_equal(apply_run(&p, &ops, &o, &s, err, sizeof err), CD_INCOMPLETE);
	assert_int_equal(f.deletes + f.qc_deletes, 0);
	assert_int_equal(s.users_would_delete, 2); /* a, e */
	assert_int_equal(s.users_gone, 1);         /* d */
	assert_int_equal(s.changed, 1);            /* c */
	assert_int_equal(s.skipped, 1);            /* b */
	assert_int_equal(s.refused, 2);            /* k2, a twice */
	assert_int_equal(s.qcs_would_delete, 2);   /* qa1, qa2; qe points elsewhere */
	/* a dry run handed write operations refuses to start */
	struct apply_ops wops = ops_for(&f, true);
	assert_int_equal(apply_run(&p, &wops, &o, &s, err, sizeof err), CD_INTERNAL);
	assert_int_equal(f.deletes + f.qc_deletes, 0);
	assert_int_equal(f.describes, 6); /* k1, a, c, k2, d, e: the refused run asked nothing */
	/* and a real run without its journal too */
	struct apply_opts real = { .dry_run = false };
	assert_int_equal(apply_run(&p, &wops, &real, &s, err, sizeof err), CD_INTERNAL);
	assert_int_equal(f.deletes + f.qc_deletes, 0);
	plan_release(&p);
}

static void real_run(void **state)
{
	struct fake f;
	struct plan p;
	struct apply_summary s;
	char err[256];
	fake_init(&f);
	load(&p);
	struct journal *j = fresh_journal();
	struct apply_ops ops = ops_for(&f, true);
	struct apply_opts o = { .journal = j };
	assert_int_equal(apply_run(&p, &ops, &o, &s, err, sizeof err), CD_INCOMPLETE);
	assert_int_equal(f.ndeleted, 2);
	assert_string_equal(f.deleted[0], "a");
	assert_string_equal(f.deleted[1], "e");
	assert_false(fu(&f, "k1")->gone);
	assert_false(fu(&f, "k2")->gone);
	assert_false(fu(&f, "b")->gone);
	assert_false(fu(&f, "c")->gone);
	assert_true(fq(&f, "qa1")->gone && fq(&f, "qa2")->gone);
	assert_false(fq(&f, "qb")->gone || fq(&f, "qc")->gone || fq(&f, "qe")->gone);
	assert_int_equal(s.users_deleted, 2);
	assert_int_equal(s.qcs_deleted, 2);
	assert_int_equal(journal_state(j, "DeleteUser", "a"), JOURNAL_DONE);
	journal_close(j);

	/* the rerun repeats nothing: no write request at all */
	char err2[256];
	assert_int_equal(journal_open(jpath, "i-1", &j, err2, sizeof err2), CD_OK);
	o.journal = j;
	f.deletes = f.qc_deletes = 0;
	assert_int_equal(apply_run(&p, &ops, &o, &s, err, sizeof err), CD_INCOMPLETE);
	assert_int_equal(f.deletes + f.qc_deletes, 0);
	assert_int_equal(s.users_done_before, 2); /* a, e */
	assert_int_equal(s.users_gone, 1);        /* d */
	assert_int_equal(s.qcs_deleted, 2);       /* qa1, qa2: from the journal */
	journal_close(j);
	unlink(jpath);
	plan_release(&p);
}

static void begun_then_killed(void **state)
{
	struct fake f;
	struct plan p;
	struct apply_summary s;
	char err[256];
	fake_init(&f);
	load(&p);
	struct journal *j = fresh_journal();
	/* killed after sending DeleteUser a (the service did it) and before its answer */
	assert_int_equal(journal_begin(j, "DeleteUser", "a", err, sizeof err), CD_OK);
	fu(&f, "a")->gone = true;
	struct apply_ops ops = ops_for(&f, true);
	struct apply_opts o = { .journal = j, .keep_quick_connects = true };
	assert_int_equal(apply_run(&p, &ops, &o, &s, err, sizeof err), CD_INCOMPLETE);
	assert_int_equal(s.users_deleted, 2); /* a (ours, found gone) and e */
	assert_int_equal(f.deletes, 1);       /* only e */
	assert_int_equal(f.qc_deletes, 0);    /* --keep-quick-connects */
	assert_int_equal(journal_state(j, "DeleteUser", "a"), JOURNAL_DONE);
	journal_close(j);
	unlink(jpath);
	plan_release(&p);
}

static void stop_before_anything(void **state)
{
	struct fake f;
	struct plan p;
	struct apply_summary s;
	char err[256];
	volatile sig_atomic_t stop = 1;
	fake_init(&f);
	load(&p);
	struct journal *j = fresh_journal();
	struct apply_ops ops = ops_for(&f, true);
	struct apply_opts o = { .journal = j, .stop = &stop };
	assert_int_equal(apply_run(&p, &ops, &o, &s, err, sizeof err), CD_INTERRUPTED);
	assert_int_equal(f.describes + f.deletes + f.qc_deletes, 0);
	journal_close(j);
	unlink(jpath);
	plan_release(&p);
}

static void all_clean_is_ok(void **state)
{
	static const char text[] =
		"{\"version\":1,\"instance\":{\"Id\":\"i-1\",\"Region\":\"us-east-1\"},\"clusters\":["
		"{\"confidence\":0.9,\"keep\":{\"Id\":\"k1\"},\"remove\":["
		"{\"Id\":\"a\",\"LastModifiedTime\":\"2025-01-01T00:00:00.100Z\"},"
		"{\"Id\":\"d\",\"LastModifiedTime\":\"2025-01-01T00:00:00.000Z\"}]}]}";
	struct fake f;
	struct plan p;
	struct apply_summary s;
	char err[256];
	fake_init(&f);
	assert_int_equal(plan_parse(text, strlen(text), &p, err, sizeof err), CD_OK);
	struct journal *j = fresh_journal();
	struct apply_ops ops = ops_for(&f, true);
	struct apply_opts o = { .journal = j };
	assert_int_equal(apply_run(&p, &ops, &o, &s, err, sizeof err), CD_OK);
	assert_int_equal(s.users_deleted, 1);
	assert_int_equal(s.users_gone, 1);
	journal_close(j);
	unlink(jpath);
	plan_release(&p);
}

static void keeper_gone_or_entry_renamed(void **state)
{
	struct fake f;
	struct plan p;
	struct apply_summary s;
	char err[256];
	fake_init(&f);
	load(&p);
	fu(&f, "k1")->gone = true; /* someone deleted the account to keep of cluster 1 */
	free(p.clusters[1].remove[2].username);
	p.clusters[1].remove[2].username = strdup("not-e"); /* an entry edited to another name */
	struct journal *j = fresh_journal();
	struct apply_ops ops = ops_for(&f, true);
	struct apply_opts o = { .journal = j };
	assert_int_equal(apply_run(&p, &ops, &o, &s, err, sizeof err), CD_INCOMPLETE);
	assert_int_equal(f.deletes + f.qc_deletes, 0);
	assert_false(fu(&f, "a")->gone);
	assert_false(fu(&f, "e")->gone);
	assert_int_equal(s.changed, 3); /* a and c (keeper gone), e (renamed) */
	journal_close(j);
	unlink(jpath);
	plan_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dry_run_never_writes),
		cmocka_unit_test(real_run),
		cmocka_unit_test(begun_then_killed),
		cmocka_unit_test(stop_before_anything),
		cmocka_unit_test(all_clean_is_ok),
		cmocka_unit_test(keeper_gone_or_entry_renamed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
