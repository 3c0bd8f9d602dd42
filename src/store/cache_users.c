/* cache_users.c -- what a scan writes to the cache: scans, listing facts, descriptions,
 * failures and deletions. */
#include "store/cache.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "store/cache_int.h"

#define CACHE_MAX_RAW (1024 * 1024)

/* --- scans ----------------------------------------------------------------------------------- */

enum cd_result cache_scan_start(struct cache *c, double now, long long *scan_id, char *err,
				size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r;
	if (cache_read_only_checked(c, err, errlen))
		return CD_IO;
	int rc = sqlite3_prepare_v2(c->db, "INSERT INTO scans(started_at) VALUES(?1)", -1, &st,
				    NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "recording the scan", err, errlen);
		goto out;
	}
	sqlite3_bind_double(st, 1, now);
	r = cache_stmt_done(c, st, "recording the scan", err, errlen);
	if (r == CD_OK)
		*scan_id = sqlite3_last_insert_rowid(c->db);
out:
	sqlite3_finalize(st);
	return r;
}

enum cd_result cache_scan_finish(struct cache *c, long long scan_id, double now, bool complete,
				 const struct cache_scan_counts *k, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r;
	static const struct cache_scan_counts zero;
	if (!k)
		k = &zero;
	if (cache_read_only_checked(c, err, errlen))
		return CD_IO;
	int rc = sqlite3_prepare_v2(c->db,
				    "UPDATE scans SET ended_at = ?2, complete = ?3, searched = ?4,"
				    " listed = ?5, described = ?6, skipped = ?7, failed = ?8,"
				    " deleted = ?9 WHERE id = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "recording the scan", err, errlen);
		goto out;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_double(st, 2, now);
	sqlite3_bind_int(st, 3, complete);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)k->searched);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)k->listed);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)k->described);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)k->skipped);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)k->failed);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)k->deleted);
	r = cache_stmt_done(c, st, "recording the scan", err, errlen);
	if (r == CD_OK && sqlite3_changes(c->db) != 1) {
		cache_seterr(err, errlen, "cache '%s': no scan %lld", c->path, scan_id);
		r = CD_INTERNAL;
	}
out:
	sqlite3_finalize(st);
	return r;
}

/* --- listing facts --------------------------------------------------------------------------- */

static bool id_ok(const struct user_fields *f, const char *c_path, char *err, size_t errlen)
{
	if (f && f->id && f->id[0])
		return true;
	cache_seterr(err, errlen, "cache '%s': a user without an id", c_path);
	return false;
}

/* A summary without its JSON text (a caller that built fields itself) is stored as the JSON a
 * UserSearchSummary would have been, so the loader has one path. */
static char *summary_from_fields(const struct user_fields *f)
{
	json_t *o = json_object(), *ii = json_object();
	char *s = NULL;
	if (!o || !ii)
		goto out;
	json_object_set_new(o, "Id", json_string(f->id));
	if (f->arn && f->arn[0])
		json_object_set_new(o, "Arn", json_string(f->arn));
	if (f->username && f->username[0])
		json_object_set_new(o, "Username", json_string(f->username));
	if (f->first_name && f->first_name[0])
		json_object_set_new(ii, "FirstName", json_string(f->first_name));
	if (f->last_name && f->last_name[0])
		json_object_set_new(ii, "LastName", json_string(f->last_name));
	if (json_object_size(ii) > 0) {
		json_object_set(o, "IdentityInfo", ii);
	}
	/* The canonical "a,b" form back to the list it came from (ids hold no ','). */
	if (f->security_profiles && f->security_profiles[0]) {
		json_t *sp = json_array();
		if (!sp || json_object_set_new(o, "SecurityProfileIds", sp) != 0)
			goto out;
		for (const char *p = f->security_profiles, *c;; p = c + 1) {
			c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			if (json_array_append_new(sp, json_stringn(p, n)) != 0)
				goto out;
			if (!c)
				break;
		}
	}
	s = json_dumps(o, JSON_COMPACT);
out:
	json_decref(ii);
	json_decref(o);
	return s;
}

enum cd_result cache_put_searched(struct cache *c, long long scan_id, const struct user_fields *f,
				  long long pos, double searched_at, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	char *made = NULL;
	if (!id_ok(f, c->path, err, errlen))
		return CD_INPUT;
	if ((r = cache_write_stmt(c, ST_PUT_SEARCHED, &st, err, errlen)) != CD_OK)
		return r;
	cache_bind_text(st, 1, f->id);
	cache_bind_text(st, 2, f->arn);
	cache_bind_text(st, 3, f->username);
	if (f->raw && f->raw_len > 0) {
		sqlite3_bind_text(st, 4, f->raw, (int)f->raw_len, SQLITE_TRANSIENT);
	} else {
		made = summary_from_fields(f);
		if (!made) {
			cache_seterr(err, errlen, "out of memory storing user '%s'", f->id);
			return CD_NOMEM;
		}
		sqlite3_bind_text(st, 4, made, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_double(st, 5, searched_at);
	sqlite3_bind_int64(st, 6, pos);
	sqlite3_bind_int64(st, 7, scan_id);
	r = cache_stmt_done(c, st, "storing a searched user", err, errlen);
	free(made);
	return r;
}

enum cd_result cache_put_listed(struct cache *c, long long scan_id, const struct user_fields *f,
				long long pos, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	if (!id_ok(f, c->path, err, errlen))
		return CD_INPUT;
	if ((r = cache_write_stmt(c, ST_PUT_LISTED, &st, err, errlen)) != CD_OK)
		return r;
	cache_bind_text(st, 1, f->id);
	cache_bind_text(st, 2, f->arn);
	cache_bind_text(st, 3, f->username);
	if (f->last_modified > 0)
		sqlite3_bind_double(st, 4, f->last_modified);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, pos);
	sqlite3_bind_int64(st, 6, scan_id);
	return cache_stmt_done(c, st, "storing a listed user", err, errlen);
}

/* --- descriptions ---------------------------------------------------------------------------- */

static const char *json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

enum cd_result cache_put_described(struct cache *c, const char *id, const char *raw,
				   size_t raw_len, double described_at, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	json_t *o = NULL;
	json_error_t jerr;
	if (!id || !id[0] || !raw) {
		cache_seterr(err, errlen, "cache '%s': a described user without an id", c->path);
		return CD_INPUT;
	}
	if (cache_read_only_checked(c, err, errlen))
		return CD_IO;
	if (raw_len > CACHE_MAX_RAW) {
		cache_seterr(err, errlen, "described user '%s' is too big (%zu bytes)", id, raw_len);
		return CD_TOOBIG;
	}
	o = json_loadb(raw, raw_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(o)) {
		cache_seterr(err, errlen, "described user '%s' is not a JSON object: %s", id,
			     o ? "wrong type" : jerr.text);
		r = CD_INPUT;
		goto out;
	}
	if (strcmp(json_str(o, "Id"), id) != 0) {
		cache_seterr(err, errlen, "described user '%s' carries the id '%s'", id, json_str(o, "Id"));
		r = CD_INPUT;
		goto out;
	}
	if ((r = cache_stmt_get(c, ST_PUT_DESCRIBED, &st, err, errlen)) != CD_OK)
		goto out;
	cache_bind_text(st, 1, id);
	cache_bind_text(st, 2, json_str(o, "Arn"));
	cache_bind_text(st, 3, json_str(o, "Username"));
	sqlite3_bind_text(st, 4, raw, (int)raw_len, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 5, described_at);
	/* The record reflects its own LastModifiedTime, not the listed one: a listing that arrives
	 * while the request is in flight may already show a later change than the answer holds. Only
	 * a User without the field falls back on the listing. */
	json_t *lm = json_object_get(o, "LastModifiedTime");
	if (json_is_number(lm))
		sqlite3_bind_double(st, 6, json_number_value(lm));
	else
		sqlite3_bind_null(st, 6);
	if ((r = cache_stmt_done(c, st, "storing a described user", err, errlen)) != CD_OK)
		goto out;
	if ((r = cache_stmt_get(c, ST_CLEAR_DESCRIBE_FAILURE, &st, err, errlen)) != CD_OK)
		goto out;
	cache_bind_text(st, 1, id);
	r = cache_stmt_done(c, st, "clearing a failure", err, errlen);
out:
	json_decref(o);
	return r;
}

void cache_ids_release(struct cache_ids *ids)
{
	if (!ids)
		return;
	for (size_t i = 0; i < ids->n; i++)
		free(ids->v[i]);
	free(ids->v);
	ids->v = NULL;
	ids->n = 0;
}

enum cd_result cache_needs_describe(struct cache *c, const struct cache_need_opts *o,
				    struct cache_ids *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	size_t cap = 0;
	int rc;
	out->v = NULL;
	out->n = 0;
	if ((r = cache_stmt_get(c, ST_NEEDS, &st, err, errlen)) != CD_OK)
		return r;
	sqlite3_bind_int64(st, 1, o ? o->scan_id : 0);
	sqlite3_bind_double(st, 2, o ? o->described_before : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = ARRAY_GROW(out->v, out->n + 1, cap, GROW_MAX_ELEMS)) != CD_OK)
			goto out;
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (!(out->v[out->n] = strdup(id ? id : ""))) {
			r = CD_NOMEM;
			goto out;
		}
		out->n++;
	}
	if (rc != SQLITE_DONE)
		r = cache_db_fail(c, rc, "finding users to describe", err, errlen);
out:
	sqlite3_reset(st);
	if (r == CD_NOMEM || r == CD_TOOBIG)
		cache_seterr(err, errlen, "out of memory listing users to describe");
	if (r != CD_OK)
		cache_ids_release(out);
	return r;
}

enum cd_result cache_check_describe(struct cache *c, const char *id,
				    const struct cache_need_opts *o, bool *need, char *err,
				    size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	*need = false;
	if ((r = cache_stmt_get(c, ST_CHECK, &st, err, errlen)) != CD_OK)
		return r;
	cache_bind_text(st, 1, id);
	sqlite3_bind_double(st, 2, o ? o->described_before : 0);
	sqlite3_bind_int64(st, 3, o ? o->scan_id : 0);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*need = sqlite3_column_int(st, 0) != 0;
	else if (rc != SQLITE_DONE)
		r = cache_db_fail(c, rc, "checking a user", err, errlen);
	sqlite3_reset(st);
	return r;
}

/* --- failures and deletions ------------------------------------------------------------------ */

enum cd_result cache_record_failure(struct cache *c, const char *id, const char *operation,
				    const char *error, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	if ((r = cache_write_stmt(c, ST_RECORD_FAILURE, &st, err, errlen)) != CD_OK)
		return r;
	cache_bind_text(st, 1, id);
	cache_bind_text(st, 2, operation);
	cache_bind_text(st, 3, error);
	sqlite3_bind_double(st, 4, cache_now_epoch());
	return cache_stmt_done(c, st, "recording a failure", err, errlen);
}

enum cd_result cache_clear_failure(struct cache *c, const char *id, const char *operation,
				   char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	if ((r = cache_write_stmt(c, ST_CLEAR_FAILURE, &st, err, errlen)) != CD_OK)
		return r;
	cache_bind_text(st, 1, id);
	cache_bind_text(st, 2, operation);
	return cache_stmt_done(c, st, "clearing a failure", err, errlen);
}

void cache_failures_release(struct cache_failure *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].id);
		free(v[i].operation);
		free(v[i].error);
	}
	free(v);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return strdup(s ? s : "");
}

static enum cd_result list_failures(struct cache *c, const char *sql, struct cache_failure **out,
				   size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	struct cache_failure *v = NULL;
	size_t len = 0, cap = 0;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "reading failures", err, errlen);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = ARRAY_GROW(v, len + 1, cap, GROW_MAX_ELEMS)) != CD_OK)
			goto out;
		struct cache_failure *f = &v[len++];
		f->id = col_dup(st, 0);
		f->operation = col_dup(st, 1);
		f->error = col_dup(st, 2);
		f->attempts = sqlite3_column_int64(st, 3);
		f->last_at = sqlite3_column_double(st, 4);
		if (!f->id || !f->operation || !f->error) {
			r = CD_NOMEM;
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		r = cache_db_fail(c, rc, "reading failures", err, errlen);
out:
	sqlite3_finalize(st);
	if (r == CD_NOMEM || r == CD_TOOBIG)
		cache_seterr(err, errlen, "out of memory reading failures");
	if (r != CD_OK) {
		cache_failures_release(v, len);
		v = NULL;
		len = 0;
	}
	*out = v;
	*n = len;
	return r;
}

enum cd_result cache_list_failures(struct cache *c, struct cache_failure **out, size_t *n,
				   char *err, size_t errlen)
{
	return list_failures(c,
			     "SELECT id, operation, error, attempts, last_at FROM failures"
			     " ORDER BY id, operation", out, n, err, errlen);
}

enum cd_result cache_list_missing(struct cache *c, struct cache_failure **out, size_t *n,
				  char *err, size_t errlen)
{
	return list_failures(c,
			     "SELECT id, operation, error, attempts, last_at FROM failures"
			     " UNION ALL"
			     " SELECT u.id, 'DescribeUser', '" CACHE_NOT_DESCRIBED "', 0, 0 FROM users u"
			     " WHERE u.user_json IS NULL AND NOT EXISTS(SELECT 1 FROM failures f"
			     "  WHERE f.id = u.id AND f.operation = 'DescribeUser')"
			     " ORDER BY 1, 2", out, n, err, errlen);
}

enum cd_result cache_delete_user(struct cache *c, const char *id, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	if ((r = cache_write_stmt(c, ST_DELETE_USER, &st, err, errlen)) != CD_OK)
		return r;
	cache_bind_text(st, 1, id);
	if ((r = cache_stmt_done(c, st, "deleting a user", err, errlen)) != CD_OK)
		return r;
	if ((r = cache_stmt_get(c, ST_DELETE_USER_FAILURES, &st, err, errlen)) != CD_OK)
		return r;
	cache_bind_text(st, 1, id);
	return cache_stmt_done(c, st, "deleting a user", err, errlen);
}

enum cd_result cache_drop_unseen(struct cache *c, long long scan_id, size_t *dropped, char *err,
				 size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r;
	bool own_tx = false;
	if (dropped)
		*dropped = 0;
	if (cache_read_only_checked(c, err, errlen))
		return CD_IO;
	if (!c->in_batch) {
		if ((r = cache_begin(c, err, errlen)) != CD_OK)
			return r;
		own_tx = true;
	}
	int rc = sqlite3_prepare_v2(c->db,
				    "DELETE FROM users WHERE coalesce(searched_scan, 0) < ?1"
				    " AND coalesce(listed_scan, 0) < ?1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "dropping deleted users", err, errlen);
		goto out;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	if ((r = cache_stmt_done(c, st, "dropping deleted users", err, errlen)) != CD_OK)
		goto out;
	if (dropped)
		*dropped = (size_t)sqlite3_changes(c->db);
	/* Failures of users that are gone; page failures (empty id) stay. */
	r = cache_exec(c, "DELETE FROM failures WHERE id <> '' AND id NOT IN (SELECT id FROM users)",
		       "dropping deleted users", err, errlen);
out:
	sqlite3_finalize(st);
	if (own_tx) {
		if (r == CD_OK)
			r = cache_commit(c, err, errlen);
		else
			cache_rollback(c);
	}
	return r;
}
