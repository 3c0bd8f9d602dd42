/* cache.c -- the SQLite cache itself: the statement table and helpers its files share, open /
 * validate / migrate, close, accessors and batches. */
#include "store/cache.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/cache_int.h"

/* 'CDUP': PRAGMA application_id marks a file as ours, so a foreign SQLite file is told apart
 * from an old or empty cache. */
#define CACHE_APP_ID 0x43445550
/* A cache held by another process (a second scan of the same instance) waits this long for the
 * write lock before giving up with a clear message. */
#define CACHE_BUSY_MS 10000
/* A described record larger than this is not a Connect user; refuse it rather than store it. */

/* The statements the crawl runs thousands of times are prepared once, on first use. */
static const char *const stmt_sql[ST_COUNT] = {
	[ST_PUT_SEARCHED] =
		"INSERT INTO users(id, arn, username, summary_json, searched_at, search_pos,"
		" searched_scan) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		" ON CONFLICT(id) DO UPDATE SET arn = CASE WHEN excluded.arn <> '' THEN excluded.arn"
		" ELSE arn END, username = excluded.username, summary_json = excluded.summary_json,"
		" searched_at = excluded.searched_at, search_pos = excluded.search_pos,"
		" searched_scan = excluded.searched_scan",
	[ST_PUT_LISTED] =
		"INSERT INTO users(id, arn, username, listed_modified, list_pos, listed_scan)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT(id) DO UPDATE SET arn = CASE WHEN excluded.arn <> '' THEN excluded.arn"
		" ELSE arn END, username = CASE WHEN excluded.username <> '' THEN excluded.username"
		" ELSE username END, listed_modified = excluded.listed_modified,"
		" list_pos = excluded.list_pos, listed_scan = excluded.listed_scan",
	[ST_PUT_DESCRIBED] =
		"INSERT INTO users(id, arn, username, user_json, described_at, described_modified)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT(id) DO UPDATE SET arn = CASE WHEN excluded.arn <> '' THEN excluded.arn"
		" ELSE arn END, username = excluded.username, user_json = excluded.user_json,"
		" described_at = excluded.described_at,"
		" described_modified = COALESCE(excluded.described_modified, listed_modified)",
	[ST_CLEAR_DESCRIBE_FAILURE] =
		"DELETE FROM failures WHERE id = ?1 AND operation = 'DescribeUser'",
	[ST_NEEDS] =
		"SELECT u.id FROM users u LEFT JOIN failures f"
		" ON f.id = u.id AND f.operation = 'DescribeUser'"
		" WHERE (?1 <= 0 OR u.searched_scan = ?1 OR u.listed_scan = ?1) AND ("
		"  u.user_json IS NULL OR u.listed_modified > u.described_modified"
		"  OR u.described_at < ?2 OR f.id IS NOT NULL)"
		" ORDER BY f.id IS NULL, f.attempts, u.search_pos IS NULL, u.search_pos,"
		" u.list_pos IS NULL, u.list_pos, u.id",
	[ST_CHECK] =
		"SELECT (u.user_json IS NULL OR u.listed_modified > u.described_modified"
		"  OR u.described_at < ?2 OR EXISTS(SELECT 1 FROM failures f"
		"  WHERE f.id = u.id AND f.operation = 'DescribeUser'))"
		" AND (?3 <= 0 OR u.searched_scan = ?3 OR u.listed_scan = ?3)"
		" FROM users u WHERE u.id = ?1",
	[ST_RECORD_FAILURE] =
		"INSERT INTO failures(id, operation, error, attempts, first_at, last_at)"
		" VALUES(?1, ?2, ?3, 1, ?4, ?4)"
		" ON CONFLICT(id, operation) DO UPDATE SET error = excluded.error,"
		" attempts = attempts + 1, last_at = excluded.last_at",
	[ST_CLEAR_FAILURE] = "DELETE FROM failures WHERE id = ?1 AND operation = ?2",
	[ST_DELETE_USER] = "DELETE FROM users WHERE id = ?1",
	[ST_DELETE_USER_FAILURES] = "DELETE FROM failures WHERE id = ?1",
	[ST_LOAD] =
		"SELECT id, arn, username, user_json, summary_json, listed_modified FROM users"
		" ORDER BY search_pos IS NULL, search_pos, list_pos IS NULL, list_pos, id",
};

/* Schema version 1. Text columns the loader may fall back on are NOT NULL so that a record is
 * always something user_from_json can be given. */
static const char schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE users("
	" id TEXT PRIMARY KEY,"
	" arn TEXT NOT NULL DEFAULT '',"
	" username TEXT NOT NULL DEFAULT '',"
	" summary_json TEXT,"          /* SearchUsers UserSearchSummary as received */
	" searched_at REAL,"
	" search_pos INTEGER,"         /* position in the latest SearchUsers listing */
	" searched_scan INTEGER,"      /* scan that last saw it in SearchUsers */
	" listed_modified REAL,"       /* LastModifiedTime from the latest ListUsers */
	" list_pos INTEGER,"
	" listed_scan INTEGER,"        /* scan that last saw it in ListUsers */
	" user_json TEXT,"             /* DescribeUser User as received */
	" described_at REAL,"
	" described_modified REAL"     /* LastModifiedTime the description reflects */
	");"
	"CREATE TABLE failures("
	" id TEXT NOT NULL, operation TEXT NOT NULL, error TEXT NOT NULL,"
	" attempts INTEGER NOT NULL, first_at REAL NOT NULL, last_at REAL NOT NULL,"
	" PRIMARY KEY(id, operation)) WITHOUT ROWID;"
	"CREATE TABLE scans("
	" id INTEGER PRIMARY KEY, started_at REAL NOT NULL, ended_at REAL,"
	" complete INTEGER NOT NULL DEFAULT 0,"
	" searched INTEGER NOT NULL DEFAULT 0, listed INTEGER NOT NULL DEFAULT 0,"
	" described INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,"
	" failed INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX users_order ON users(search_pos, list_pos);";

/* migrations[v] takes a file from version v to v + 1; migrations[0] creates the schema in an
 * empty file. A new version appends a step here and bumps CACHE_SCHEMA_VERSION. */
static const char *const migrations[CACHE_SCHEMA_VERSION] = {
	schema_v1,
};

void cache_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

double cache_now_epoch(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Maps an SQLite failure to our result and a message naming the cache file. */
enum cd_result cache_db_fail(const struct cache *c, int rc, const char *what, char *err,
			     size_t errlen)
{
	const char *path = c && c->path ? c->path : "";
	const char *msg = c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		cache_seterr(err, errlen, "file is not a connect-dupes cache: '%s'", path);
		return CD_INPUT;
	case SQLITE_CORRUPT:
		cache_seterr(err, errlen,
			     "cache '%s' is corrupt (%s): delete it with 'connect-dupes cache prune' or "
			     "scan with --no-cache", path, msg);
		return CD_INPUT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		cache_seterr(err, errlen, "cache '%s' is in use by another process (%s)", path, msg);
		return CD_IO;
	case SQLITE_NOMEM:
		cache_seterr(err, errlen, "out of memory in cache '%s'", path);
		return CD_NOMEM;
	case SQLITE_TOOBIG:
		cache_seterr(err, errlen, "record too big for cache '%s'", path);
		return CD_TOOBIG;
	case SQLITE_MISUSE:
	case SQLITE_RANGE:
	case SQLITE_ERROR:
	case SQLITE_CONSTRAINT:
		cache_seterr(err, errlen, "cache '%s': %s failed: %s", path, what, msg);
		return CD_INTERNAL;
	default: /* READONLY, CANTOPEN, IOERR, FULL, PERM, ... */
		cache_seterr(err, errlen, "cache '%s': %s failed: %s", path, what, msg);
		return CD_IO;
	}
}

enum cd_result cache_exec(struct cache *c, const char *sql, const char *what, char *err,
			  size_t errlen)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? CD_OK : cache_db_fail(c, rc, what, err, errlen);
}

/* Runs a query that returns one integer. */
enum cd_result cache_query_int(struct cache *c, const char *sql, long long *out, char *err,
			       size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "reading", err, errlen);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	else
		r = cache_db_fail(c, rc, "reading", err, errlen);
out:
	sqlite3_finalize(st);
	return r;
}

enum cd_result cache_stmt_get(struct cache *c, enum stmt_id id, sqlite3_stmt **out, char *err,
			      size_t errlen)
{
	if (!c->st[id]) {
		int rc = sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					    &c->st[id], NULL);
		if (rc != SQLITE_OK)
			return cache_db_fail(c, rc, "preparing a statement", err, errlen);
	}
	sqlite3_reset(c->st[id]);
	sqlite3_clear_bindings(c->st[id]);
	*out = c->st[id];
	return CD_OK;
}

/* Steps a write statement to completion and resets it. */
enum cd_result cache_stmt_done(struct cache *c, sqlite3_stmt *st, const char *what, char *err,
			       size_t errlen)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? CD_OK : cache_db_fail(c, rc, what, err, errlen);
}

void cache_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

bool cache_read_only_checked(const struct cache *c, char *err, size_t errlen)
{
	if (c->read_only)
		cache_seterr(err, errlen, "cache '%s' was opened read-only", c->path);
	return c->read_only;
}

/* A statement that writes: refused in one place on a cache opened read-only. */
enum cd_result cache_write_stmt(struct cache *c, enum stmt_id id, sqlite3_stmt **out, char *err,
				size_t errlen)
{
	if (cache_read_only_checked(c, err, errlen))
		return CD_IO;
	return cache_stmt_get(c, id, out, err, errlen);
}

/* --- open / validate / migrate --------------------------------------------------------------- */

static enum cd_result meta_get(struct cache *c, const char *key, char **out, char *err,
			       size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	*out = NULL;
	int rc = sqlite3_prepare_v2(c->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "reading metadata", err, errlen);
		goto out;
	}
	cache_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		*out = strdup(v ? v : "");
		if (!*out)
			r = CD_NOMEM;
	} else if (rc != SQLITE_DONE) {
		r = cache_db_fail(c, rc, "reading metadata", err, errlen);
	}
out:
	sqlite3_finalize(st);
	return r;
}

static enum cd_result meta_set(struct cache *c, const char *key, const char *value, char *err,
			       size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r;
	int rc = sqlite3_prepare_v2(c->db,
				    "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key)"
				    " DO UPDATE SET value = excluded.value", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "writing metadata", err, errlen);
		goto out;
	}
	cache_bind_text(st, 1, key);
	cache_bind_text(st, 2, value);
	r = cache_stmt_done(c, st, "writing metadata", err, errlen);
out:
	sqlite3_finalize(st);
	return r;
}

/* Region and account of a cache written before they were recorded: from the first user ARN
 * ("arn:aws:connect:REGION:ACCOUNT:instance/ID/agent/UID"). *users says whether there is any
 * user at all; region/account stay "" when no ARN tells. */
static enum cd_result arn_facts(struct cache *c, char *region, size_t rlen, char *account,
				size_t alen, long long *users, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	region[0] = account[0] = '\0';
	if ((r = cache_query_int(c, "SELECT count(*) FROM users", users, err, errlen)) != CD_OK)
		return r;
	int rc = sqlite3_prepare_v2(c->db,
				    "SELECT arn FROM users WHERE arn LIKE 'arn:%:connect:%:%:instance/%'"
				    " LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return cache_db_fail(c, rc, "reading", err, errlen);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *arn = (const char *)sqlite3_column_text(st, 0);
		const char *f[5] = { 0 }, *p = arn;
		for (int i = 0; i < 5 && p; i++) {
			f[i] = p;
			p = strchr(p, ':');
			p = p ? p + 1 : NULL;
		}
		if (f[4] && p) {
			snprintf(region, rlen, "%.*s", (int)(f[4] - f[3] - 1), f[3]);
			snprintf(account, alen, "%.*s", (int)(p - f[4] - 1), f[4]);
		}
	} else if (rc != SQLITE_DONE) {
		r = cache_db_fail(c, rc, "reading", err, errlen);
	}
	sqlite3_finalize(st);
	return r;
}

/* One fact of the key (region or account): recorded, else learned from the ARNs; checked
 * against what the caller says (want "" or NULL: anything); a writer records what it learned.
 * *out (owned) is the fact, "" when unknown. */
static enum cd_result key_fact(struct cache *c, const char *name, const char *want,
			       const char *learned, long long users, const char *instance_id,
			       char **out, char *err, size_t errlen)
{
	char *rec = NULL;
	enum cd_result r = meta_get(c, name, &rec, err, errlen);
	if (r != CD_OK)
		return r;
	const char *have = rec && rec[0] ? rec : learned;
	if (want && want[0]) {
		if (have[0] && strcmp(have, want) != 0) {
			cache_seterr(err, errlen, "cache '%s' holds instance '%s' of %s '%s', not '%s' (check "
				     "--%s, or use another --cache file)", c->path, instance_id, name, have,
				     want, strcmp(name, "region") == 0 ? "region" : "profile");
			r = CD_INPUT;
			goto out;
		}
		if (!have[0] && users > 0) {
			/* Written before the key was recorded, and no ARN says where from: using it
			 * could report another Region's users. */
			cache_seterr(err, errlen, "cache '%s' does not say which %s its %lld users are from "
				     "(an older cache): delete it with 'connect-dupes cache prune' or use "
				     "another --cache file", c->path, name, users);
			r = CD_INPUT;
			goto out;
		}
		have = want;
	}
	if (!c->read_only && have[0] && (!rec || strcmp(rec, have) != 0) &&
	    (r = meta_set(c, name, have, err, errlen)) != CD_OK)
		goto out;
	if (!(*out = strdup(have)))
		r = CD_NOMEM;
out:
	free(rec);
	return r;
}

/* Brings the file to CACHE_SCHEMA_VERSION in one write transaction, after checking (inside it,
 * so two processes opening a new file at once do not both create the schema) that it is ours. */
static enum cd_result validate_and_migrate(struct cache *c, const struct cache_key *key,
					   char *err, size_t errlen)
{
	const char *instance_id = key ? key->instance_id : NULL;
	enum cd_result r;
	long long app = 0, version = 0, tables = 0;
	char *recorded = NULL;
	bool in_tx = false;

	if (!c->read_only) {
		r = cache_exec(c, "BEGIN IMMEDIATE", "locking", err, errlen);
		if (r != CD_OK)
			goto out;
		in_tx = true;
	}
	if ((r = cache_query_int(c, "PRAGMA application_id", &app, err, errlen)) != CD_OK ||
	    (r = cache_query_int(c, "PRAGMA user_version", &version, err, errlen)) != CD_OK ||
	    (r = cache_query_int(c, "SELECT count(*) FROM sqlite_master", &tables, err, errlen)) != CD_OK)
		goto out;

	if (app != CACHE_APP_ID && !(app == 0 && version == 0 && tables == 0)) {
		cache_seterr(err, errlen, "file is not a connect-dupes cache: '%s'", c->path);
		r = CD_INPUT;
		goto out;
	}
	if (version > CACHE_SCHEMA_VERSION) {
		cache_seterr(err, errlen,
			     "cache '%s' has schema version %lld, newer than this connect-dupes knows (%d): "
			     "upgrade connect-dupes, or use another --cache file or --no-cache",
			     c->path, version, CACHE_SCHEMA_VERSION);
		r = CD_INPUT;
		goto out;
	}
	if (version < CACHE_SCHEMA_VERSION) {
		if (c->read_only) {
			cache_seterr(err, errlen, version == 0 ? "cache '%s' is empty" :
				       "cache '%s' has an older schema: run a scan to upgrade it",
				     c->path);
			r = version == 0 ? CD_NOT_FOUND : CD_INPUT;
			goto out;
		}
		for (long long v = version; v < CACHE_SCHEMA_VERSION; v++) {
			r = cache_exec(c, migrations[v], "upgrading the schema", err, errlen);
			if (r != CD_OK)
				goto out;
		}
		char sql[96];
		snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
			 CACHE_APP_ID, CACHE_SCHEMA_VERSION);
		if ((r = cache_exec(c, sql, "upgrading the schema", err, errlen)) != CD_OK)
			goto out;
	}

	r = meta_get(c, "instance_id", &recorded, err, errlen);
	if (r != CD_OK)
		goto out;
	if (instance_id && instance_id[0]) {
		if (recorded && recorded[0] && strcmp(recorded, instance_id) != 0) {
			cache_seterr(err, errlen, "cache '%s' belongs to instance '%s', not '%s'", c->path,
				     recorded, instance_id);
			r = CD_INPUT;
			goto out;
		}
		if ((!recorded || !recorded[0]) && !c->read_only) {
			r = meta_set(c, "instance_id", instance_id, err, errlen);
			if (r != CD_OK)
				goto out;
			free(recorded);
			recorded = strdup(instance_id);
			if (!recorded) {
				r = CD_NOMEM;
				goto out;
			}
		}
	}
	c->instance_id = recorded ? recorded : strdup("");
	recorded = NULL;
	if (!c->instance_id) {
		r = CD_NOMEM;
		goto out;
	}
	/* Account and Region: a report must never be built from another Region's users. */
	char lregion[64], laccount[32];
	long long users = 0;
	if ((r = arn_facts(c, lregion, sizeof lregion, laccount, sizeof laccount, &users, err,
			   errlen)) != CD_OK ||
	    (r = key_fact(c, "region", key ? key->region : NULL, lregion, users, c->instance_id,
			  &c->region, err, errlen)) != CD_OK ||
	    (r = key_fact(c, "account", key ? key->account : NULL, laccount, users,
			  c->instance_id, &c->account, err, errlen)) != CD_OK ||
	    (r = meta_get(c, "alias", &c->alias, err, errlen)) != CD_OK)
		goto out;
	if (!c->read_only && key && key->alias && key->alias[0] &&
	    (!c->alias || strcmp(c->alias, key->alias) != 0)) {
		if ((r = meta_set(c, "alias", key->alias, err, errlen)) != CD_OK)
			goto out;
		free(c->alias);
		c->alias = strdup(key->alias);
	}
	if (!c->alias && !(c->alias = strdup(""))) {
		r = CD_NOMEM;
		goto out;
	}
	if (in_tx) {
		r = cache_exec(c, "COMMIT", "committing", err, errlen);
		in_tx = false;
	}
out:
	if (in_tx)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	free(recorded);
	return r;
}

enum cd_result cache_open(struct cache **out, const char *path, const char *instance_id,
			  unsigned flags, char *err, size_t errlen)
{
	struct cache_key key = { .instance_id = instance_id };
	return cache_open_key(out, path, &key, flags, err, errlen);
}

enum cd_result cache_open_key(struct cache **out, const char *path, const struct cache_key *key,
			      unsigned flags, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	struct cache *c = NULL;
	bool created = false;
	struct stat sb;
	*out = NULL;

	if (!path || !path[0]) {
		cache_seterr(err, errlen, "empty cache path");
		return CD_USAGE;
	}
	if (flags & (CACHE_NO_CREATE | CACHE_READ_ONLY)) {
		if (stat(path, &sb) != 0) {
			cache_seterr(err, errlen, "cannot open cache '%s': %s", path, strerror(errno));
			return errno == ENOENT ? CD_NOT_FOUND : CD_IO;
		}
	} else {
		if ((r = cache_make_parent(path, err, errlen)) != CD_OK ||
		    (r = cache_create_file(path, &created, err, errlen)) != CD_OK)
			return r;
	}
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		cache_seterr(err, errlen, "file is not a connect-dupes cache: '%s'", path);
		r = CD_INPUT;
		goto out;
	}

	c = calloc(1, sizeof *c);
	if (!c || !(c->path = strdup(path))) {
		cache_seterr(err, errlen, "out of memory opening cache '%s'", path);
		r = CD_NOMEM;
		goto out;
	}
	c->lock_fd = -1;
	c->read_only = (flags & CACHE_READ_ONLY) != 0;
	if (!c->read_only && (r = cache_take_lock(c, err, errlen)) != CD_OK)
		goto out;
	int oflags = (c->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
	int rc = sqlite3_open_v2(path, &c->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		r = cache_db_fail(c, rc, "opening", err, errlen);
		goto out;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);
	/* A cache is the crawl's notebook, not a place to run other people's code. */
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

	/* The first read tells a foreign or corrupt file apart (SQLITE_NOTADB). */
	long long dummy;
	if ((r = cache_query_int(c, "SELECT count(*) FROM sqlite_master", &dummy, err, errlen)) != CD_OK)
		goto out;
	if (!c->read_only) {
		/* WAL: readers (cache info during a scan) never block the crawl, and a commit is one
		 * append. synchronous=NORMAL loses nothing on kill -9, only on power loss. */
		long long app = 0;
		if ((r = cache_query_int(c, "PRAGMA application_id", &app, err, errlen)) != CD_OK)
			goto out;
		if (app == CACHE_APP_ID || dummy == 0) {
			if ((r = cache_exec(c, "PRAGMA journal_mode = WAL", "enabling WAL", err, errlen)) != CD_OK)
				goto out;
		}
		if ((r = cache_exec(c, "PRAGMA synchronous = NORMAL", "configuring", err, errlen)) != CD_OK)
			goto out;
	}
	r = validate_and_migrate(c, key, err, errlen);
out:
	if (r != CD_OK) {
		cache_close(c);
		/* A file we created for nothing (foreign instance, read-only folder) is not left. */
		if (created)
			cache_remove(path, NULL, 0);
		return r;
	}
	*out = c;
	return CD_OK;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	if (c->db) {
		if (c->in_batch)
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		for (int i = 0; i < ST_COUNT; i++)
			sqlite3_finalize(c->st[i]);
		sqlite3_close(c->db);
	}
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c->path);
	free(c->instance_id);
	free(c->region);
	free(c->account);
	free(c->alias);
	free(c);
}

const char *cache_path(const struct cache *c)
{
	return c->path;
}

const char *cache_instance_id(const struct cache *c)
{
	return c->instance_id;
}

const char *cache_region(const struct cache *c)
{
	return c->region ? c->region : "";
}

const char *cache_account(const struct cache *c)
{
	return c->account ? c->account : "";
}

const char *cache_alias(const struct cache *c)
{
	return c->alias ? c->alias : "";
}

/* --- batches --------------------------------------------------------------------------------- */

enum cd_result cache_begin(struct cache *c, char *err, size_t errlen)
{
	if (c->in_batch) {
		cache_seterr(err, errlen, "cache '%s': a batch is already open", c->path);
		return CD_INTERNAL;
	}
	if (cache_read_only_checked(c, err, errlen))
		return CD_IO;
	/* IMMEDIATE takes the write lock now, so a second writer waits here (busy timeout)
	 * rather than failing half-way through a batch. */
	enum cd_result r = cache_exec(c, "BEGIN IMMEDIATE", "starting a batch", err, errlen);
	if (r == CD_OK)
		c->in_batch = true;
	return r;
}

enum cd_result cache_commit(struct cache *c, char *err, size_t errlen)
{
	if (!c->in_batch) {
		cache_seterr(err, errlen, "cache '%s': no batch to commit", c->path);
		return CD_INTERNAL;
	}
	enum cd_result r = cache_exec(c, "COMMIT", "committing a batch", err, errlen);
	if (r != CD_OK)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	c->in_batch = false;
	return r;
}

void cache_rollback(struct cache *c)
{
	if (c && c->in_batch) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		c->in_batch = false;
	}
}

/* --- for store/cache_names.c: the connection its own tables go through --------------------- */

sqlite3 *cache_sqlite(struct cache *c)
{
	return c->db;
}
