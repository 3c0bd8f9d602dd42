/* apply.c -- carrying out a plan: keeper refusal, live re-check, journaled deletions, dry run. */
#include "act/apply.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OP_USER "DeleteUser"
#define OP_QC "DeleteQuickConnect"

const char *apply_outcome_name(enum apply_outcome o)
{
	switch (o) {
	case APPLY_DELETED: return "deleted";
	case APPLY_GONE: return "already deleted";
	case APPLY_DONE_BEFORE: return "deleted by an earlier run";
	case APPLY_WOULD_DELETE: return "would delete";
	case APPLY_SKIPPED: return "skipped (skip in the plan)";
	case APPLY_CHANGED: return "skipped (changed since the plan)";
	case APPLY_REFUSED: return "refused";
	case APPLY_FAILED: return "failed";
	}
	return "?";
}

struct run {
	const struct plan *p;
	const struct apply_ops *ops;
	const struct apply_opts *o;
	struct apply_summary *s;
	char *err;
	size_t errlen;
	size_t keeper_cluster;  /* the cluster whose keeper was checked last (SIZE_MAX: none) */
	enum cd_result keeper;  /* what DescribeUser said of it */
};

static void event(struct run *r, const char *kind, const char *id, const char *username,
		  enum apply_outcome out, const char *detail)
{
	if (r->o->event)
		r->o->event(r->o->event_ctx, kind, id, username ? username : "", out,
			    detail ? detail : "");
}

/* An Id listed in an earlier entry (or cluster) of the plan. */
static bool seen_before(const struct plan *p, size_t c, size_t i, const char *id)
{
	for (size_t k = 0; k <= c; k++) {
		const struct plan_cluster *pc = &p->clusters[k];
		size_t end = k == c ? i : pc->nremove;
		for (size_t e = 0; e < end; e++)
			if (!strcmp(pc->remove[e].id, id))
				return true;
	}
	return false;
}

/* A fatal result stops the whole run: the credentials, the journal, memory. */
static bool fatal(enum cd_result rc)
{
	return rc == CD_AUTH || rc == CD_IO || rc == CD_NOMEM || rc == CD_INTERNAL;
}

/* One write request between its two journal lines. */
static enum cd_result journaled(struct run *r, const char *op, const char *id,
				enum cd_result (*write)(void *, const char *, char *, size_t),
				enum apply_outcome *out, char *detail, size_t dlen)
{
	enum cd_result rc = journal_begin(r->o->journal, op, id, r->err, r->errlen);
	if (rc != CD_OK)
		return rc;
	rc = write(r->ops->ctx, id, detail, dlen);
	const char *res = rc == CD_OK ? "ok" : rc == CD_NOT_FOUND ? "gone" : "failed";
	*out = rc == CD_OK ? APPLY_DELETED : rc == CD_NOT_FOUND ? APPLY_GONE : APPLY_FAILED;
	enum cd_result jr = journal_end(r->o->journal, op, id, res, r->err, r->errlen);
	if (jr != CD_OK)
		return jr;
	if (rc != CD_OK && rc != CD_NOT_FOUND) {
		snprintf(r->err, r->errlen, "%s '%s': %s", op, id, detail);
		return fatal(rc) ? rc : CD_OK;
	}
	return CD_OK;
}

static enum cd_result quick_connects(struct run *r, const struct plan_remove *e)
{
	char detail[512], uid[300];
	for (size_t q = 0; q < e->nqc; q++) {
		const char *id = e->qc_ids[q];
		enum apply_outcome out;
		detail[0] = '\0';
		if (r->o->keep_quick_connects) {
			r->s->qcs_left++;
			continue;
		}
		if (!r->o->dry_run && journal_state(r->o->journal, OP_QC, id) == JOURNAL_DONE) {
			event(r, "quick connect", id, NULL, APPLY_DONE_BEFORE, "");
			r->s->qcs_deleted++;
			continue;
		}
		enum cd_result rc = r->ops->describe_quick_connect(r->ops->ctx, id, uid, sizeof uid,
								   detail, sizeof detail);
		if (rc == CD_NOT_FOUND) {
			out = APPLY_GONE;
		} else if (rc != CD_OK) {
			out = APPLY_FAILED;
			snprintf(r->err, r->errlen, "DescribeQuickConnect '%s': %s", id, detail);
			if (fatal(rc))
				return rc;
		} else if (strcmp(uid, e->id)) {
			/* it transfers to someone else now: not ours to delete */
			out = APPLY_CHANGED;
			snprintf(detail, sizeof detail, "now points at '%.64s'", uid[0] ? uid : "no user");
		} else if (r->o->dry_run) {
			out = APPLY_WOULD_DELETE;
		} else {
			rc = journaled(r, OP_QC, id, r->ops->delete_quick_connect, &out, detail,
				       sizeof detail);
			if (rc != CD_OK)
				return rc;
		}
		event(r, "quick connect", id, NULL, out, detail);
		switch (out) {
		case APPLY_DELETED: r->s->qcs_deleted++; break;
		case APPLY_GONE: r->s->qcs_gone++; break;
		case APPLY_WOULD_DELETE: r->s->qcs_would_delete++; break;
		case APPLY_CHANGED: r->s->qcs_left++; break;
		default: r->s->qcs_failed++; break;
		}
	}
	return CD_OK;
}

static enum cd_result one_entry(struct run *r, size_t c, size_t i)
{
	const struct plan_remove *e = &r->p->clusters[c].remove[i];
	char detail[512] = "", lm[64] = "";
	enum apply_outcome out;
	if (e->skip) {
		r->s->skipped++;
		event(r, "user", e->id, e->username, APPLY_SKIPPED, "");
		return CD_OK;
	}
	if (plan_is_keeper(r->p, e->id) || seen_before(r->p, c, i, e->id)) {
		r->s->refused++;
		event(r, "user", e->id, e->username, APPLY_REFUSED,
		      plan_is_keeper(r->p, e->id) ? "it is the account to keep of a cluster"
						  : "listed twice in the plan");
		return CD_OK;
	}
	enum journal_state js = r->o->dry_run ? JOURNAL_NONE
					      : journal_state(r->o->journal, OP_USER, e->id);
	if (js == JOURNAL_DONE) {
		r->s->users_done_before++;
		event(r, "user", e->id, e->username, APPLY_DONE_BEFORE, "");
		return quick_connects(r, e);
	}
	/* the account to keep must still be there, once a cluster */
	const char *keep = r->p->clusters[c].keep_id;
	if (r->keeper_cluster != c) {
		char klm[64], kname[300];
		r->keeper_cluster = c;
		r->keeper = r->ops->describe_user(r->ops->ctx, keep, klm, kname, sizeof kname, detail,
						  sizeof detail);
		if (fatal(r->keeper))
			return r->keeper;
	}
	if (r->keeper != CD_OK) {
		out = r->keeper == CD_NOT_FOUND ? APPLY_CHANGED : APPLY_FAILED;
		snprintf(detail, sizeof detail, "the account to keep '%.64s' %s", keep,
			 r->keeper == CD_NOT_FOUND ? "no longer exists" : "could not be checked");
		event(r, "user", e->id, e->username, out, detail);
		if (out == APPLY_CHANGED)
			r->s->changed++;
		else
			r->s->failed++;
		return CD_OK;
	}
	char uname[300] = "";
	enum cd_result rc = r->ops->describe_user(r->ops->ctx, e->id, lm, uname, sizeof uname, detail,
						  sizeof detail);
	if (rc == CD_NOT_FOUND) {
		/* after a begun DeleteUser (killed before its answer) this is our own deletion */
		out = js == JOURNAL_BEGUN ? APPLY_DELETED : APPLY_GONE;
		if (js == JOURNAL_BEGUN &&
		    (rc = journal_end(r->o->journal, OP_USER, e->id, "gone", r->err, r->errlen)) !=
			    CD_OK)
			return rc;
	} else if (rc != CD_OK) {
		out = APPLY_FAILED;
		snprintf(r->err, r->errlen, "DescribeUser '%s': %s", e->id, detail);
		if (fatal(rc))
			return rc;
	} else if (!plan_same_time(lm, e->last_modified)) {
		out = APPLY_CHANGED;
		snprintf(detail, sizeof detail, "LastModifiedTime %s, the plan has %s", lm,
			 e->last_modified);
	} else if (e->username[0] && strcmp(uname, e->username)) {
		/* an entry edited to name another account */
		out = APPLY_CHANGED;
		snprintf(detail, sizeof detail, "Username '%.64s', the plan has '%.64s'", uname,
			 e->username);
	} else if (r->o->dry_run) {
		out = APPLY_WOULD_DELETE;
	} else {
		rc = journaled(r, OP_USER, e->id, r->ops->delete_user, &out, detail, sizeof detail);
		if (rc != CD_OK)
			return rc;
	}
	event(r, "user", e->id, e->username, out, detail);
	switch (out) {
	case APPLY_DELETED: r->s->users_deleted++; break;
	case APPLY_GONE: r->s->users_gone++; break;
	case APPLY_WOULD_DELETE: r->s->users_would_delete++; break;
	case APPLY_CHANGED: r->s->changed++; break;
	default: r->s->failed++; break;
	}
	if (out == APPLY_DELETED || out == APPLY_GONE || out == APPLY_WOULD_DELETE)
		return quick_connects(r, e);
	return CD_OK;
}

enum cd_result apply_run(const struct plan *p, const struct apply_ops *ops,
			 const struct apply_opts *o, struct apply_summary *s, char *err,
			 size_t errlen)
{
	memset(s, 0, sizeof *s);
	err[0] = '\0';
	if (!ops->describe_user || !ops->describe_quick_connect) {
		snprintf(err, errlen, "internal: apply without its read operations");
		return CD_INTERNAL;
	}
	if (o->dry_run ? (ops->delete_user || ops->delete_quick_connect)
		       : (!ops->delete_user || !ops->delete_quick_connect || !o->journal)) {
		/* a dry run is given no way to write; a real run no way to write unjournaled */
		snprintf(err, errlen, "internal: %s", o->dry_run ? "a dry run was given write operations"
								: "a run without its journal");
		return CD_INTERNAL;
	}
	struct run r = { p, ops, o, s, err, errlen, SIZE_MAX, CD_OK };
	enum cd_result rc = CD_OK;
	for (size_t c = 0; c < p->nclusters && rc == CD_OK; c++) {
		for (size_t i = 0; i < p->clusters[c].nremove && rc == CD_OK; i++) {
			if (o->stop && *o->stop) {
				s->interrupted = true;
				return CD_INTERRUPTED;
			}
			rc = one_entry(&r, c, i);
		}
	}
	if (rc != CD_OK)
		return rc;
	if (s->skipped || s->changed || s->refused || s->failed || s->qcs_failed)
		return CD_INCOMPLETE;
	return CD_OK;
}
