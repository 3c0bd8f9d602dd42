/* cache_names.c -- names of routing profiles, security profiles and hierarchy groups in the
 * cache, so that `analyze --instance` shows them without the network. */
#include "store/cache_names.h"

#include <stdio.h>

#include "store/cache_int.h"

static const char create_sql[] =
	"CREATE TABLE IF NOT EXISTS names("
	" kind INTEGER NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,"
	" PRIMARY KEY(kind, id)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS names_listed("
	" kind INTEGER PRIMARY KEY, listed_at REAL NOT NULL);";

static enum cd_result fail(struct cache *c, const char *what, char *err, size_t errlen)
{
	sqlite3 *db = cache_sqlite(c);
	int rc = sqlite3_errcode(db);
	snprintf(err, errlen, "cache '%s': %s failed: %s", cache_path(c), what, sqlite3_errmsg(db));
	return (rc & 0xff) == SQLITE_NOMEM ? CD_NOMEM : CD_IO;
}

enum cd_result cache_names_put(struct cache *c, enum name_kind k, const struct name_table *t,
			       double now, char *err, size_t errlen)
{
	if ((unsigned)k >= NAME_KINDS) {
		snprintf(err, errlen, "no such kind of name");
		return CD_INTERNAL;
	}
	sqlite3 *db = cache_sqlite(c);
	sqlite3_stmt *del = NULL, *ins = NULL, *listed = NULL;
	enum cd_result r = cache_begin(c, err, errlen);
	if (r != CD_OK)
		return r;
	if (sqlite3_exec(db, create_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM names WHERE kind = ?", -1, &del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO names(kind, id, name) VALUES(?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO names_listed(kind, listed_at) VALUES(?, ?)",
			       -1, &listed, NULL) != SQLITE_OK) {
		r = fail(c, "storing names", err, errlen);
		goto out;
	}
	sqlite3_bind_int(del, 1, (int)k);
	if (sqlite3_step(del) != SQLITE_DONE) {
		r = fail(c, "storing names", err, errlen);
		goto out;
	}
	for (size_t i = 0; i < t->n[k]; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_int(ins, 1, (int)k);
		sqlite3_bind_text(ins, 2, t->v[k][i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, t->v[k][i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			r = fail(c, "storing names", err, errlen);
			goto out;
		}
	}
	sqlite3_bind_int(listed, 1, (int)k);
	sqlite3_bind_double(listed, 2, now);
	if (sqlite3_step(listed) != SQLITE_DONE)
		r = fail(c, "storing names", err, errlen);
out:
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	sqlite3_finalize(listed);
	if (r == CD_OK)
		return cache_commit(c, err, errlen);
	cache_rollback(c);
	return r;
}

enum cd_result cache_names_load(struct cache *c, struct name_table *t, char *err, size_t errlen)
{
	sqlite3 *db = cache_sqlite(c);
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	int rc, have = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
				   "name IN ('names', 'names_listed')", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		r = fail(c, "reading names", err, errlen);
		goto out;
	}
	have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (have != 2)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT kind FROM names_listed", -1, &st, NULL) != SQLITE_OK) {
		r = fail(c, "reading names", err, errlen);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = sqlite3_column_int(st, 0);
		if (k >= 0 && k < NAME_KINDS)
			names_set_known(t, (enum name_kind)k);
	}
	if (rc != SQLITE_DONE) {
		r = fail(c, "reading names", err, errlen);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT kind, id, name FROM names ORDER BY kind, id", -1, &st,
			       NULL) != SQLITE_OK) {
		r = fail(c, "reading names", err, errlen);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = sqlite3_column_int(st, 0);
		const char *id = (const char *)sqlite3_column_text(st, 1);
		const char *name = (const char *)sqlite3_column_text(st, 2);
		/* only a kind whose listing completed: rows of another are not trusted */
		if (k < 0 || k >= NAME_KINDS || !t->known[k])
			continue;
		enum cd_result a = names_add(t, (enum name_kind)k, id, name);
		if (a == CD_INPUT)
			continue;
		if (a != CD_OK) {
			snprintf(err, errlen, "cache '%s': too many names", cache_path(c));
			r = a;
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		r = fail(c, "reading names", err, errlen);
out:
	sqlite3_finalize(st);
	names_finish(t);
	return r;
}
