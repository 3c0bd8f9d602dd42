/* cache_read.c -- what is read back from the cache: loading its users, exporting them, its info. */
#include "store/cache.h"

#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/user_json.h"
#include "store/cache_int.h"

/* --- reading --------------------------------------------------------------------------------- */

/* Where a loaded record came from. */
enum rec_src { REC_DESCRIBED, REC_SUMMARY, REC_LISTING };

/* The record the loader hands to user_from_json: the description, else the summary, else (a user
 * only ListUsers has returned so far) the listing's fields. */
static json_t *load_record(sqlite3_stmt *st, enum rec_src *src)
{
	const char *uj = (const char *)sqlite3_column_text(st, 3);
	const char *sj = (const char *)sqlite3_column_text(st, 4);
	json_t *o = NULL;
	if (uj) {
		o = json_loadb(uj, (size_t)sqlite3_column_bytes(st, 3), 0, NULL);
		if (json_is_object(o)) {
			*src = REC_DESCRIBED;
			return o;
		}
		json_decref(o);
	}
	if (sj) {
		o = json_loadb(sj, (size_t)sqlite3_column_bytes(st, 4), 0, NULL);
		if (json_is_object(o)) {
			*src = REC_SUMMARY;
			return o;
		}
		json_decref(o);
	}
	*src = REC_LISTING;
	o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "Id", json_string((const char *)sqlite3_column_text(st, 0)));
	const char *arn = (const char *)sqlite3_column_text(st, 1);
	const char *un = (const char *)sqlite3_column_text(st, 2);
	if (arn && arn[0])
		json_object_set_new(o, "Arn", json_string(arn));
	if (un && un[0])
		json_object_set_new(o, "Username", json_string(un));
	return o;
}

/* Called for each record, in the loader's order; o is borrowed and st's columns are valid for the
 * call. An error stops the walk: the callback sets err itself. */
typedef enum cd_result (*record_fn)(void *ctx, sqlite3_stmt *st, json_t *o, enum rec_src src,
				    char *err, size_t errlen);

/* Walks every user record in one read transaction: a consistent snapshot even while a scan
 * writes. what ("loading", "exporting") names the walk in an out-of-memory message. */
static enum cd_result each_record(struct cache *c, const char *what, record_fn fn, void *ctx,
				  char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	int rc;
	bool in_tx = false;
	if (!c->in_batch) {
		if ((r = cache_exec(c, "BEGIN", "reading users", err, errlen)) != CD_OK)
			return r;
		in_tx = true;
	}
	if ((r = cache_stmt_get(c, ST_LOAD, &st, err, errlen)) != CD_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum rec_src src;
		json_t *o = load_record(st, &src);
		if (!o) {
			cache_seterr(err, errlen, "out of memory %s users", what);
			r = CD_NOMEM;
			break;
		}
		r = fn(ctx, st, o, src, err, errlen);
		json_decref(o);
		if (r != CD_OK)
			break;
	}
	if (r == CD_OK && rc != SQLITE_DONE)
		r = cache_db_fail(c, rc, "reading users", err, errlen);
	sqlite3_reset(st);
out:
	if (in_tx)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return r;
}

struct load_ctx {
	struct user_set *s;
	size_t undescribed;
};

static enum cd_result load_one(void *ctx, sqlite3_stmt *st, json_t *o, enum rec_src src,
			       char *err, size_t errlen)
{
	struct load_ctx *l = ctx;
	struct user_fields f;
	char *raw = NULL;
	enum cd_result r = user_from_json(o, &f, &raw, err, errlen);
	if (r == CD_OK) {
		/* The text as received, not jansson's re-encoding of it. */
		int col = src == REC_DESCRIBED ? 3 : src == REC_SUMMARY ? 4 : -1;
		if (col >= 0) {
			f.raw = (const char *)sqlite3_column_text(st, col);
			f.raw_len = (size_t)sqlite3_column_bytes(st, col);
		}
		/* A summary carries no LastModifiedTime; the listing's is the best we know. */
		if (f.last_modified <= 0 && sqlite3_column_type(st, 5) == SQLITE_FLOAT)
			f.last_modified = sqlite3_column_double(st, 5);
		r = user_set_add(l->s, &f);
		if (r != CD_OK)
			cache_seterr(err, errlen, "out of memory loading users");
	}
	free(raw);
	if (r == CD_OK && src != REC_DESCRIBED)
		l->undescribed++;
	return r;
}

enum cd_result cache_load_users(struct cache *c, struct user_set *s, size_t *undescribed,
				char *err, size_t errlen)
{
	struct load_ctx l = { .s = s };
	enum cd_result r = each_record(c, "loading", load_one, &l, err, errlen);
	if (undescribed)
		*undescribed = l.undescribed;
	return r;
}

enum cd_result cache_load_file(const char *path, struct user_set *s, size_t *undescribed,
			       char *err, size_t errlen)
{
	struct cache *c = NULL;
	enum cd_result r = cache_open(&c, path, NULL, CACHE_READ_ONLY, err, errlen);
	if (r == CD_OK)
		r = cache_load_users(c, s, undescribed, err, errlen);
	cache_close(c);
	return r;
}

struct export_ctx {
	FILE *out;
	size_t n;
};

static enum cd_result export_one(void *ctx, sqlite3_stmt *st, json_t *o, enum rec_src src,
				 char *err, size_t errlen)
{
	struct export_ctx *x = ctx;
	/* The stored text as received when there is one, re-encoded only when we built it. */
	char *made = NULL;
	const char *text;
	if (src == REC_DESCRIBED)
		text = (const char *)sqlite3_column_text(st, 3);
	else if (src == REC_SUMMARY)
		text = (const char *)sqlite3_column_text(st, 4);
	else
		text = made = json_dumps(o, JSON_COMPACT);
	/* The "[" comes with the first record (or, with none, at the end): a failed read writes
	 * nothing. */
	int bad = !text || fprintf(x->out, "%s\n%s", x->n ? "," : "[", text) < 0;
	free(made);
	if (bad) {
		cache_seterr(err, errlen, "cannot write the export: %s", strerror(errno));
		return CD_IO;
	}
	x->n++;
	return CD_OK;
}

enum cd_result cache_export_json(struct cache *c, FILE *out, char *err, size_t errlen)
{
	struct export_ctx x = { .out = out };
	enum cd_result r = each_record(c, "exporting", export_one, &x, err, errlen);
	if (r != CD_OK)
		return r;
	if (fputs(x.n ? "\n]\n" : "[]\n", out) == EOF || fflush(out) != 0) {
		cache_seterr(err, errlen, "cannot write the export: %s", strerror(errno));
		return CD_IO;
	}
	return CD_OK;
}

enum cd_result cache_get_info(struct cache *c, struct cache_info *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	long long v;
	memset(out, 0, sizeof *out);
	bool in_tx = false;
	if (!c->in_batch) {
		if ((r = cache_exec(c, "BEGIN", "reading the cache", err, errlen)) != CD_OK)
			return r;
		in_tx = true;
	}
	if ((r = cache_query_int(c, "PRAGMA user_version", &v, err, errlen)) != CD_OK)
		goto out;
	out->schema_version = (int)v;
	int rc = sqlite3_prepare_v2(c->db,
				    "SELECT count(*), count(user_json), min(described_at),"
				    " max(described_at), (SELECT count(*) FROM failures) FROM users",
				    -1, &st, NULL);
	if (rc != SQLITE_OK || (rc = sqlite3_step(st)) != SQLITE_ROW) {
		r = cache_db_fail(c, rc, "reading the cache", err, errlen);
		goto out;
	}
	out->users = (size_t)sqlite3_column_int64(st, 0);
	out->described = (size_t)sqlite3_column_int64(st, 1);
	out->oldest_described = sqlite3_column_double(st, 2);
	out->newest_described = sqlite3_column_double(st, 3);
	out->failures = (size_t)sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	st = NULL;
	rc = sqlite3_prepare_v2(c->db,
				"SELECT started_at, ended_at, complete, searched, listed, described,"
				" skipped, failed, deleted,"
				" (SELECT max(ended_at) FROM scans WHERE complete = 1)"
				" FROM scans ORDER BY id DESC LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "reading the cache", err, errlen);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->has_scan = true;
		out->last_scan_start = sqlite3_column_double(st, 0);
		out->last_scan_end = sqlite3_column_double(st, 1);
		out->last_scan_complete = sqlite3_column_int(st, 2) != 0;
		out->last_scan.searched = (size_t)sqlite3_column_int64(st, 3);
		out->last_scan.listed = (size_t)sqlite3_column_int64(st, 4);
		out->last_scan.described = (size_t)sqlite3_column_int64(st, 5);
		out->last_scan.skipped = (size_t)sqlite3_column_int64(st, 6);
		out->last_scan.failed = (size_t)sqlite3_column_int64(st, 7);
		out->last_scan.deleted = (size_t)sqlite3_column_int64(st, 8);
		out->last_complete_scan_end = sqlite3_column_double(st, 9);
	} else if (rc != SQLITE_DONE) {
		r = cache_db_fail(c, rc, "reading the cache", err, errlen);
	}
	out->scan_running = c->lock_fd >= 0 || cache_lock_is_held(c->path);
out:
	sqlite3_finalize(st);
	if (in_tx)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return r;
}
