/* cache.c -- the SQLite cache: schema and migrations, batches, listing facts, descriptions, failures. */
#include "store/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "model/user_json.h"
#include "store/cache_int.h"

/* 'CDUP': PRAGMA application_id marks a file as ours, so a foreign SQLite file is told apart
 * from an old or empty cache. */
#define CACHE_APP_ID 0x43445550
/* A cache held by another process (a second scan of the same instance) waits this long for the
 * write lock before giving up with a clear message. */
#define CACHE_BUSY_MS 10000
/* A described record larger than this is not a Connect user; refuse it rather than store it. */
#define CACHE_MAX_RAW (1024 * 1024)

enum stmt_id {
	ST_PUT_SEARCHED,
	ST_PUT_LISTED,
	ST_PUT_DESCRIBED,
	ST_CLEAR_DESCRIBE_FAILURE,
	ST_NEEDS,
	ST_CHECK,
	ST_RECORD_FAILURE,
	ST_CLEAR_FAILURE,
	ST_DELETE_USER,
	ST_DELETE_USER_FAILURES,
	ST_LOAD,
	ST_COUNT
};

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

struct cache {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	bool in_batch;
	bool read_only;
	int lock_fd;  /* the writer's lock on "<path>-lock", -1 for a reader */
	char *path;
	char *instance_id;
	char *region, *account, *alias; /* recorded (or learned from ARNs); "" when unknown */
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

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static double now_epoch(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Maps an SQLite failure to our result and a message naming the cache file. */
static enum cd_result db_fail(const struct cache *c, int rc, const char *what, char *err,
			      size_t errlen)
{
	const char *path = c && c->path ? c->path : "";
	const char *msg = c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		seterr(err, errlen, "file is not a connect-dupes cache: '%s'", path);
		return CD_INPUT;
	case SQLITE_CORRUPT:
		seterr(err, errlen,
		       "cache '%s' is corrupt (%s): delete it with 'connect-dupes cache prune' or "
		       "scan with --no-cache", path, msg);
		return CD_INPUT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		seterr(err, errlen, "cache '%s' is in use by another process (%s)", path, msg);
		return CD_IO;
	case SQLITE_NOMEM:
		seterr(err, errlen, "out of memory in cache '%s'", path);
		return CD_NOMEM;
	case SQLITE_TOOBIG:
		seterr(err, errlen, "record too big for cache '%s'", path);
		return CD_TOOBIG;
	case SQLITE_MISUSE:
	case SQLITE_RANGE:
	case SQLITE_ERROR:
	case SQLITE_CONSTRAINT:
		seterr(err, errlen, "cache '%s': %s failed: %s", path, what, msg);
		return CD_INTERNAL;
	default: /* READONLY, CANTOPEN, IOERR, FULL, PERM, ... */
		seterr(err, errlen, "cache '%s': %s failed: %s", path, what, msg);
		return CD_IO;
	}
}

static enum cd_result exec(struct cache *c, const char *sql, const char *what, char *err,
			   size_t errlen)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? CD_OK : db_fail(c, rc, what, err, errlen);
}

/* Runs a query that returns one integer. */
static enum cd_result query_int(struct cache *c, const char *sql, long long *out, char *err,
				size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = db_fail(c, rc, "reading", err, errlen);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	else
		r = db_fail(c, rc, "reading", err, errlen);
out:
	sqlite3_finalize(st);
	return r;
}

static enum cd_result stmt_get(struct cache *c, enum stmt_id id, sqlite3_stmt **out, char *err,
			       size_t errlen)
{
	if (!c->st[id]) {
		int rc = sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					    &c->st[id], NULL);
		if (rc != SQLITE_OK)
			return db_fail(c, rc, "preparing a statement", err, errlen);
	}
	sqlite3_reset(c->st[id]);
	sqlite3_clear_bindings(c->st[id]);
	*out = c->st[id];
	return CD_OK;
}

/* Steps a write statement to completion and resets it. */
static enum cd_result stmt_done(struct cache *c, sqlite3_stmt *st, const char *what, char *err,
				size_t errlen)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? CD_OK : db_fail(c, rc, what, err, errlen);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

static bool read_only_checked(const struct cache *c, char *err, size_t errlen)
{
	if (c->read_only)
		seterr(err, errlen, "cache '%s' was opened read-only", c->path);
	return c->read_only;
}

/* A statement that writes: refused in one place on a cache opened read-only. */
static enum cd_result write_stmt(struct cache *c, enum stmt_id id, sqlite3_stmt **out, char *err,
				 size_t errlen)
{
	if (read_only_checked(c, err, errlen))
		return CD_IO;
	return stmt_get(c, id, out, err, errlen);
}

/* --- paths --------------------------------------------------------------------------------- */

enum cd_result cache_default_dir(char *out, size_t outlen, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;
	/* The XDG spec says a relative value is invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(out, outlen, "%s/connect-dupes", xdg);
	else if (home && home[0])
		n = snprintf(out, outlen, "%s/.cache/connect-dupes", home);
	else {
		seterr(err, errlen, "no cache folder: neither XDG_CACHE_HOME nor HOME is set "
				    "(use --cache FILE or --no-cache)");
		return CD_USAGE;
	}
	if (n < 0 || (size_t)n >= outlen) {
		seterr(err, errlen, "cache folder path too long");
		return CD_TOOBIG;
	}
	return CD_OK;
}

enum cd_result cache_default_path(const char *instance_id, char *out, size_t outlen, char *err,
				  size_t errlen)
{
	char dir[PATH_MAX];
	enum cd_result r;
	if (instance_id && strncmp(instance_id, "arn:", 4) == 0) {
		const char *p = strstr(instance_id, ":instance/");
		instance_id = p ? p + 10 : "";
	}
	if (!instance_id || !instance_id[0] || strchr(instance_id, '/') ||
	    strcmp(instance_id, ".") == 0 || strcmp(instance_id, "..") == 0) {
		seterr(err, errlen, "instance id '%s' cannot name a cache file",
		       instance_id ? instance_id : "");
		return CD_USAGE;
	}
	r = cache_default_dir(dir, sizeof dir, err, errlen);
	if (r != CD_OK)
		return r;
	int n = snprintf(out, outlen, "%s/%s.db", dir, instance_id);
	if (n < 0 || (size_t)n >= outlen) {
		seterr(err, errlen, "cache path for instance '%s' too long", instance_id);
		return CD_TOOBIG;
	}
	return CD_OK;
}

/* mkdir -p of path's parent folder; folders we create are 0700 (they hold personal data). */
static enum cd_result make_parent(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	size_t n = strlen(path);
	if (n >= sizeof dir) {
		seterr(err, errlen, "cache path too long: '%s'", path);
		return CD_TOOBIG;
	}
	memcpy(dir, path, n + 1);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return CD_OK;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			seterr(err, errlen, "cannot create cache folder '%s': %s (scan with "
			       "--cache FILE elsewhere, or --no-cache)", dir, strerror(errno));
			return CD_IO;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	return CD_OK;
}

/* Creates the file 0600 before SQLite opens it (SQLite would honour the umask instead); the WAL
 * and shared-memory files SQLite creates later copy the database file's mode. */
static enum cd_result create_file(const char *path, bool *created, char *err, size_t errlen)
{
	*created = false;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return CD_OK;
		seterr(err, errlen, "cannot create cache '%s': %s (scan with --cache FILE "
		       "elsewhere, or --no-cache)", path, strerror(errno));
		return CD_IO;
	}
	*created = true;
	enum cd_result r = CD_OK;
	if (fchmod(fd, 0600) != 0) {
		seterr(err, errlen, "cannot set the mode of cache '%s': %s", path, strerror(errno));
		r = CD_IO;
	}
	close(fd);
	return r;
}

/* One writer at a time: two scans of one instance would describe the same users twice, and one
 * scan's "not seen in my listing" is not another's. flock on a companion file, not on the database
 * (SQLite's own POSIX locks on it must not be disturbed; on NFS flock is emulated with them); the
 * kernel releases it when the process dies, kill -9 included. Readers (info, export, analyze)
 * take no lock. */
static enum cd_result take_lock(struct cache *c, char *err, size_t errlen)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof p, "%s-lock", c->path) >= (int)sizeof p) {
		seterr(err, errlen, "cache path too long: '%s'", c->path);
		return CD_TOOBIG;
	}
	c->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (c->lock_fd < 0) {
		seterr(err, errlen, "cannot create '%s': %s", p, strerror(errno));
		return CD_IO;
	}
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			seterr(err, errlen, "cache '%s' is in use by another connect-dupes scan: let it "
					    "finish, or use another --cache file", c->path);
		else
			seterr(err, errlen, "cannot lock '%s': %s", p, strerror(errno));
		return CD_IO;
	}
	return CD_OK;
}

/* Whether a writer holds the lock (for `cache info`: a scan without an end time is running, not
 * interrupted). Only tests it: a shared lock taken is dropped at once. */
static bool lock_is_held(const char *path)
{
	char p[PATH_MAX];
	bool held = false;
	if (snprintf(p, sizeof p, "%s-lock", path) >= (int)sizeof p)
		return false;
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		held = errno == EWOULDBLOCK;
	close(fd);
	return held;
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
		r = db_fail(c, rc, "reading metadata", err, errlen);
		goto out;
	}
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		*out = strdup(v ? v : "");
		if (!*out)
			r = CD_NOMEM;
	} else if (rc != SQLITE_DONE) {
		r = db_fail(c, rc, "reading metadata", err, errlen);
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
		r = db_fail(c, rc, "writing metadata", err, errlen);
		goto out;
	}
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	r = stmt_done(c, st, "writing metadata", err, errlen);
out:
	sqlite3_finalize(st);
	return r;
}

/* Brings the file to CACHE_SCHEMA_VERSION in one write transaction, after checking (inside it,
 * so two processes opening a new file at once do not both create the schema) that it is ours. */
/* Region and account of a cache written before they were recorded: from the first user ARN
 * ("arn:aws:connect:REGION:ACCOUNT:instance/ID/agent/UID"). *users says whether there is any
 * user at all; region/account stay "" when no ARN tells. */
static enum cd_result arn_facts(struct cache *c, char *region, size_t rlen, char *account,
				size_t alen, long long *users, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	region[0] = account[0] = '\0';
	if ((r = query_int(c, "SELECT count(*) FROM users", users, err, errlen)) != CD_OK)
		return r;
	int rc = sqlite3_prepare_v2(c->db,
				    "SELECT arn FROM users WHERE arn LIKE 'arn:%:connect:%:%:instance/%'"
				    " LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(c, rc, "reading", err, errlen);
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
		r = db_fail(c, rc, "reading", err, errlen);
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
			seterr(err, errlen, "cache '%s' holds instance '%s' of %s '%s', not '%s' (check "
			       "--%s, or use another --cache file)", c->path, instance_id, name, have,
			       want, strcmp(name, "region") == 0 ? "region" : "profile");
			r = CD_INPUT;
			goto out;
		}
		if (!have[0] && users > 0) {
			/* Written before the key was recorded, and no ARN says where from: using it
			 * could report another Region's users. */
			seterr(err, errlen, "cache '%s' does not say which %s its %lld users are from "
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

static enum cd_result validate_and_migrate(struct cache *c, const struct cache_key *key,
					   char *err, size_t errlen)
{
	const char *instance_id = key ? key->instance_id : NULL;
	enum cd_result r;
	long long app = 0, version = 0, tables = 0;
	char *recorded = NULL;
	bool in_tx = false;

	if (!c->read_only) {
		r = exec(c, "BEGIN IMMEDIATE", "locking", err, errlen);
		if (r != CD_OK)
			goto out;
		in_tx = true;
	}
	if ((r = query_int(c, "PRAGMA application_id", &app, err, errlen)) != CD_OK ||
	    (r = query_int(c, "PRAGMA user_version", &version, err, errlen)) != CD_OK ||
	    (r = query_int(c, "SELECT count(*) FROM sqlite_master", &tables, err, errlen)) != CD_OK)
		goto out;

	if (app != CACHE_APP_ID && !(app == 0 && version == 0 && tables == 0)) {
		seterr(err, errlen, "file is not a connect-dupes cache: '%s'", c->path);
		r = CD_INPUT;
		goto out;
	}
	if (version > CACHE_SCHEMA_VERSION) {
		seterr(err, errlen,
		       "cache '%s' has schema version %lld, newer than this connect-dupes knows (%d): "
		       "upgrade connect-dupes, or use another --cache file or --no-cache",
		       c->path, version, CACHE_SCHEMA_VERSION);
		r = CD_INPUT;
		goto out;
	}
	if (version < CACHE_SCHEMA_VERSION) {
		if (c->read_only) {
			seterr(err, errlen, version == 0 ? "cache '%s' is empty" :
				       "cache '%s' has an older schema: run a scan to upgrade it",
			       c->path);
			r = version == 0 ? CD_NOT_FOUND : CD_INPUT;
			goto out;
		}
		for (long long v = version; v < CACHE_SCHEMA_VERSION; v++) {
			r = exec(c, migrations[v], "upgrading the schema", err, errlen);
			if (r != CD_OK)
				goto out;
		}
		char sql[96];
		snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
			 CACHE_APP_ID, CACHE_SCHEMA_VERSION);
		if ((r = exec(c, sql, "upgrading the schema", err, errlen)) != CD_OK)
			goto out;
	}

	r = meta_get(c, "instance_id", &recorded, err, errlen);
	if (r != CD_OK)
		goto out;
	if (instance_id && instance_id[0]) {
		if (recorded && recorded[0] && strcmp(recorded, instance_id) != 0) {
			seterr(err, errlen, "cache '%s' belongs to instance '%s', not '%s'", c->path,
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
		r = exec(c, "COMMIT", "committing", err, errlen);
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
		seterr(err, errlen, "empty cache path");
		return CD_USAGE;
	}
	if (flags & (CACHE_NO_CREATE | CACHE_READ_ONLY)) {
		if (stat(path, &sb) != 0) {
			seterr(err, errlen, "cannot open cache '%s': %s", path, strerror(errno));
			return errno == ENOENT ? CD_NOT_FOUND : CD_IO;
		}
	} else {
		if ((r = make_parent(path, err, errlen)) != CD_OK ||
		    (r = create_file(path, &created, err, errlen)) != CD_OK)
			return r;
	}
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		seterr(err, errlen, "file is not a connect-dupes cache: '%s'", path);
		r = CD_INPUT;
		goto out;
	}

	c = calloc(1, sizeof *c);
	if (!c || !(c->path = strdup(path))) {
		seterr(err, errlen, "out of memory opening cache '%s'", path);
		r = CD_NOMEM;
		goto out;
	}
	c->lock_fd = -1;
	c->read_only = (flags & CACHE_READ_ONLY) != 0;
	if (!c->read_only && (r = take_lock(c, err, errlen)) != CD_OK)
		goto out;
	int oflags = (c->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
	int rc = sqlite3_open_v2(path, &c->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		r = db_fail(c, rc, "opening", err, errlen);
		goto out;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);
	/* A cache is the crawl's notebook, not a place to run other people's code. */
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

	/* The first read tells a foreign or corrupt file apart (SQLITE_NOTADB). */
	long long dummy;
	if ((r = query_int(c, "SELECT count(*) FROM sqlite_master", &dummy, err, errlen)) != CD_OK)
		goto out;
	if (!c->read_only) {
		/* WAL: readers (cache info during a scan) never block the crawl, and a commit is one
		 * append. synchronous=NORMAL loses nothing on kill -9, only on power loss. */
		long long app = 0;
		if ((r = query_int(c, "PRAGMA application_id", &app, err, errlen)) != CD_OK)
			goto out;
		if (app == CACHE_APP_ID || dummy == 0) {
			if ((r = exec(c, "PRAGMA journal_mode = WAL", "enabling WAL", err, errlen)) != CD_OK)
				goto out;
		}
		if ((r = exec(c, "PRAGMA synchronous = NORMAL", "configuring", err, errlen)) != CD_OK)
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

/* An instance ARN's region, account and id, or false. */
static bool split_arn(const char *arn, char *region, size_t rlen, char *account, size_t alen,
		      const char **id)
{
	const char *f[6], *p = arn;
	if (strncmp(arn, "arn:", 4) != 0)
		return false;
	for (int i = 0; i < 6; i++) {
		f[i] = p;
		const char *colon = i < 5 ? strchr(p, ':') : NULL;
		if (i < 5 && !colon)
			return false;
		p = colon ? colon + 1 : p;
	}
	if (strncmp(f[5], "instance/", 9) != 0)
		return false;
	snprintf(region, rlen, "%.*s", (int)(f[4] - f[3] - 1), f[3]);
	snprintf(account, alen, "%.*s", (int)(f[5] - f[4] - 1), f[4]);
	*id = f[5] + 9;
	return true;
}

enum cd_result cache_find(const char *instance, char *path, size_t pathlen, char *err,
			  size_t errlen)
{
	char region[64] = "", account[32] = "", dir[PATH_MAX], cand[PATH_MAX];
	const char *id = instance;
	enum cd_result r;
	struct cache *c = NULL;
	bool arn = instance && split_arn(instance, region, sizeof region, account, sizeof account,
					 &id);
	if (!instance || !instance[0] || (!arn && strncmp(instance, "arn:", 4) == 0)) {
		seterr(err, errlen, "'%s' is not an instance id, ARN or alias", instance ? instance : "");
		return CD_USAGE;
	}
	if ((r = cache_default_path(id, path, pathlen, err, errlen)) != CD_OK &&
	    (arn || strchr(id, '/')))
		return r;
	if (r == CD_OK && access(path, F_OK) == 0) {
		if (!arn)
			return CD_OK;
		/* The ARN names a region and an account: the cache must be of those. */
		struct cache_key key = { .instance_id = id, .region = region, .account = account };
		r = cache_open_key(&c, path, &key, CACHE_READ_ONLY, err, errlen);
		cache_close(c);
		return r;
	}
	if (arn) {
		seterr(err, errlen, "no cache for instance '%s' at '%s' (run a scan first)", id, path);
		return CD_NOT_FOUND;
	}
	/* Not a file: an alias a scan recorded in its cache. */
	if ((r = cache_default_dir(dir, sizeof dir, err, errlen)) != CD_OK)
		return r;
	DIR *d = opendir(dir);
	size_t hits = 0;
	char found[2][PATH_MAX];
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".db") != 0 ||
		    snprintf(cand, sizeof cand, "%s/%s", dir, e->d_name) >= (int)sizeof cand)
			continue;
		char oerr[256];
		if (cache_open(&c, cand, NULL, CACHE_READ_ONLY, oerr, sizeof oerr) != CD_OK)
			continue; /* damaged, foreign or empty: not the one */
		if (strcasecmp(cache_alias(c), instance) == 0) {
			if (hits < 2)
				snprintf(found[hits], sizeof found[hits], "%s", cand);
			hits++;
		}
		cache_close(c);
		c = NULL;
	}
	if (d)
		closedir(d);
	if (hits == 1) {
		if (snprintf(path, pathlen, "%s", found[0]) >= (int)pathlen) {
			seterr(err, errlen, "cache path too long: '%s'", found[0]);
			return CD_TOOBIG;
		}
		return CD_OK;
	}
	if (hits > 1) {
		seterr(err, errlen, "alias '%s' names the caches of %zu instances ('%s', '%s'%s): give "
		       "--instance ID or ARN", instance, hits, found[0], found[1],
		       hits > 2 ? ", ..." : "");
		return CD_USAGE;
	}
	seterr(err, errlen, "no cache for instance '%s' in '%s' (no cache file of that id, and no "
	       "scan recorded it as an alias): run a scan first", instance, dir);
	return CD_NOT_FOUND;
}

/* --- batches --------------------------------------------------------------------------------- */

enum cd_result cache_begin(struct cache *c, char *err, size_t errlen)
{
	if (c->in_batch) {
		seterr(err, errlen, "cache '%s': a batch is already open", c->path);
		return CD_INTERNAL;
	}
	if (read_only_checked(c, err, errlen))
		return CD_IO;
	/* IMMEDIATE takes the write lock now, so a second writer waits here (busy timeout)
	 * rather than failing half-way through a batch. */
	enum cd_result r = exec(c, "BEGIN IMMEDIATE", "starting a batch", err, errlen);
	if (r == CD_OK)
		c->in_batch = true;
	return r;
}

enum cd_result cache_commit(struct cache *c, char *err, size_t errlen)
{
	if (!c->in_batch) {
		seterr(err, errlen, "cache '%s': no batch to commit", c->path);
		return CD_INTERNAL;
	}
	enum cd_result r = exec(c, "COMMIT", "committing a batch", err, errlen);
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

/* --- scans ----------------------------------------------------------------------------------- */

enum cd_result cache_scan_start(struct cache *c, double now, long long *scan_id, char *err,
				size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r;
	if (read_only_checked(c, err, errlen))
		return CD_IO;
	int rc = sqlite3_prepare_v2(c->db, "INSERT INTO scans(started_at) VALUES(?1)", -1, &st,
				    NULL);
	if (rc != SQLITE_OK) {
		r = db_fail(c, rc, "recording the scan", err, errlen);
		goto out;
	}
	sqlite3_bind_double(st, 1, now);
	r = stmt_done(c, st, "recording the scan", err, errlen);
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
	if (read_only_checked(c, err, errlen))
		return CD_IO;
	int rc = sqlite3_prepare_v2(c->db,
				    "UPDATE scans SET ended_at = ?2, complete = ?3, searched = ?4,"
				    " listed = ?5, described = ?6, skipped = ?7, failed = ?8,"
				    " deleted = ?9 WHERE id = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = db_fail(c, rc, "recording the scan", err, errlen);
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
	r = stmt_done(c, st, "recording the scan", err, errlen);
	if (r == CD_OK && sqlite3_changes(c->db) != 1) {
		seterr(err, errlen, "cache '%s': no scan %lld", c->path, scan_id);
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
	seterr(err, errlen, "cache '%s': a user without an id", c_path);
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
	if ((r = write_stmt(c, ST_PUT_SEARCHED, &st, err, errlen)) != CD_OK)
		return r;
	bind_text(st, 1, f->id);
	bind_text(st, 2, f->arn);
	bind_text(st, 3, f->username);
	if (f->raw && f->raw_len > 0) {
		sqlite3_bind_text(st, 4, f->raw, (int)f->raw_len, SQLITE_TRANSIENT);
	} else {
		made = summary_from_fields(f);
		if (!made) {
			seterr(err, errlen, "out of memory storing user '%s'", f->id);
			return CD_NOMEM;
		}
		sqlite3_bind_text(st, 4, made, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_double(st, 5, searched_at);
	sqlite3_bind_int64(st, 6, pos);
	sqlite3_bind_int64(st, 7, scan_id);
	r = stmt_done(c, st, "storing a searched user", err, errlen);
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
	if ((r = write_stmt(c, ST_PUT_LISTED, &st, err, errlen)) != CD_OK)
		return r;
	bind_text(st, 1, f->id);
	bind_text(st, 2, f->arn);
	bind_text(st, 3, f->username);
	if (f->last_modified > 0)
		sqlite3_bind_double(st, 4, f->last_modified);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, pos);
	sqlite3_bind_int64(st, 6, scan_id);
	return stmt_done(c, st, "storing a listed user", err, errlen);
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
		seterr(err, errlen, "cache '%s': a described user without an id", c->path);
		return CD_INPUT;
	}
	if (read_only_checked(c, err, errlen))
		return CD_IO;
	if (raw_len > CACHE_MAX_RAW) {
		seterr(err, errlen, "described user '%s' is too big (%zu bytes)", id, raw_len);
		return CD_TOOBIG;
	}
	o = json_loadb(raw, raw_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(o)) {
		seterr(err, errlen, "described user '%s' is not a JSON object: %s", id,
		       o ? "wrong type" : jerr.text);
		r = CD_INPUT;
		goto out;
	}
	if (strcmp(json_str(o, "Id"), id) != 0) {
		seterr(err, errlen, "described user '%s' carries the id '%s'", id, json_str(o, "Id"));
		r = CD_INPUT;
		goto out;
	}
	if ((r = stmt_get(c, ST_PUT_DESCRIBED, &st, err, errlen)) != CD_OK)
		goto out;
	bind_text(st, 1, id);
	bind_text(st, 2, json_str(o, "Arn"));
	bind_text(st, 3, json_str(o, "Username"));
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
	if ((r = stmt_done(c, st, "storing a described user", err, errlen)) != CD_OK)
		goto out;
	if ((r = stmt_get(c, ST_CLEAR_DESCRIBE_FAILURE, &st, err, errlen)) != CD_OK)
		goto out;
	bind_text(st, 1, id);
	r = stmt_done(c, st, "clearing a failure", err, errlen);
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
	if ((r = stmt_get(c, ST_NEEDS, &st, err, errlen)) != CD_OK)
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
		r = db_fail(c, rc, "finding users to describe", err, errlen);
out:
	sqlite3_reset(st);
	if (r == CD_NOMEM || r == CD_TOOBIG)
		seterr(err, errlen, "out of memory listing users to describe");
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
	if ((r = stmt_get(c, ST_CHECK, &st, err, errlen)) != CD_OK)
		return r;
	bind_text(st, 1, id);
	sqlite3_bind_double(st, 2, o ? o->described_before : 0);
	sqlite3_bind_int64(st, 3, o ? o->scan_id : 0);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*need = sqlite3_column_int(st, 0) != 0;
	else if (rc != SQLITE_DONE)
		r = db_fail(c, rc, "checking a user", err, errlen);
	sqlite3_reset(st);
	return r;
}

/* --- failures and deletions ------------------------------------------------------------------ */

enum cd_result cache_record_failure(struct cache *c, const char *id, const char *operation,
				    const char *error, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	if ((r = write_stmt(c, ST_RECORD_FAILURE, &st, err, errlen)) != CD_OK)
		return r;
	bind_text(st, 1, id);
	bind_text(st, 2, operation);
	bind_text(st, 3, error);
	sqlite3_bind_double(st, 4, now_epoch());
	return stmt_done(c, st, "recording a failure", err, errlen);
}

enum cd_result cache_clear_failure(struct cache *c, const char *id, const char *operation,
				   char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	if ((r = write_stmt(c, ST_CLEAR_FAILURE, &st, err, errlen)) != CD_OK)
		return r;
	bind_text(st, 1, id);
	bind_text(st, 2, operation);
	return stmt_done(c, st, "clearing a failure", err, errlen);
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
		r = db_fail(c, rc, "reading failures", err, errlen);
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
		r = db_fail(c, rc, "reading failures", err, errlen);
out:
	sqlite3_finalize(st);
	if (r == CD_NOMEM || r == CD_TOOBIG)
		seterr(err, errlen, "out of memory reading failures");
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
	if ((r = write_stmt(c, ST_DELETE_USER, &st, err, errlen)) != CD_OK)
		return r;
	bind_text(st, 1, id);
	if ((r = stmt_done(c, st, "deleting a user", err, errlen)) != CD_OK)
		return r;
	if ((r = stmt_get(c, ST_DELETE_USER_FAILURES, &st, err, errlen)) != CD_OK)
		return r;
	bind_text(st, 1, id);
	return stmt_done(c, st, "deleting a user", err, errlen);
}

enum cd_result cache_drop_unseen(struct cache *c, long long scan_id, size_t *dropped, char *err,
				 size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r;
	bool own_tx = false;
	if (dropped)
		*dropped = 0;
	if (read_only_checked(c, err, errlen))
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
		r = db_fail(c, rc, "dropping deleted users", err, errlen);
		goto out;
	}
	sqlite3_bind_int64(st, 1, scan_id);
	if ((r = stmt_done(c, st, "dropping deleted users", err, errlen)) != CD_OK)
		goto out;
	if (dropped)
		*dropped = (size_t)sqlite3_changes(c->db);
	/* Failures of users that are gone; page failures (empty id) stay. */
	r = exec(c, "DELETE FROM failures WHERE id <> '' AND id NOT IN (SELECT id FROM users)",
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

enum cd_result cache_load_users(struct cache *c, struct user_set *s, size_t *undescribed,
				char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	size_t und = 0;
	int rc;
	bool in_tx = false;
	/* One read transaction: a consistent snapshot even while a scan writes. */
	if (!c->in_batch) {
		if ((r = exec(c, "BEGIN", "reading users", err, errlen)) != CD_OK)
			return r;
		in_tx = true;
	}
	if ((r = stmt_get(c, ST_LOAD, &st, err, errlen)) != CD_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum rec_src src;
		json_t *o = load_record(st, &src);
		if (!o) {
			seterr(err, errlen, "out of memory loading users");
			r = CD_NOMEM;
			break;
		}
		struct user_fields f;
		char *raw = NULL;
		r = user_from_json(o, &f, &raw, err, errlen);
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
			r = user_set_add(s, &f);
			if (r != CD_OK)
				seterr(err, errlen, "out of memory loading users");
		}
		free(raw);
		json_decref(o);
		if (r != CD_OK)
			break;
		if (src != REC_DESCRIBED)
			und++;
	}
	if (r == CD_OK && rc != SQLITE_DONE)
		r = db_fail(c, rc, "reading users", err, errlen);
	sqlite3_reset(st);
out:
	if (in_tx)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (undescribed)
		*undescribed = und;
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

enum cd_result cache_export_json(struct cache *c, FILE *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	enum cd_result r;
	int rc;
	size_t n = 0;
	bool in_tx = false;
	if (!c->in_batch) {
		if ((r = exec(c, "BEGIN", "reading users", err, errlen)) != CD_OK)
			return r;
		in_tx = true;
	}
	if ((r = stmt_get(c, ST_LOAD, &st, err, errlen)) != CD_OK)
		goto out;
	if (fputs("[", out) == EOF)
		goto io;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum rec_src src;
		json_t *o = load_record(st, &src);
		if (!o) {
			seterr(err, errlen, "out of memory exporting users");
			r = CD_NOMEM;
			goto reset;
		}
		/* The stored text as received when there is one, re-encoded only when we built it. */
		char *made = NULL;
		const char *text;
		if (src == REC_DESCRIBED)
			text = (const char *)sqlite3_column_text(st, 3);
		else if (src == REC_SUMMARY)
			text = (const char *)sqlite3_column_text(st, 4);
		else
			text = made = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		int bad = !text || fprintf(out, "%s\n%s", n ? "," : "", text) < 0;
		free(made);
		if (bad) {
			sqlite3_reset(st);
			goto io;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		r = db_fail(c, rc, "reading users", err, errlen);
		goto reset;
	}
	if (fputs(n ? "\n]\n" : "]\n", out) == EOF || fflush(out) != 0)
		goto io;
reset:
	sqlite3_reset(st);
	goto out;
io:
	seterr(err, errlen, "cannot write the export: %s", strerror(errno));
	r = CD_IO;
out:
	if (in_tx)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return r;
}

enum cd_result cache_get_info(struct cache *c, struct cache_info *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum cd_result r = CD_OK;
	long long v;
	memset(out, 0, sizeof *out);
	bool in_tx = false;
	if (!c->in_batch) {
		if ((r = exec(c, "BEGIN", "reading the cache", err, errlen)) != CD_OK)
			return r;
		in_tx = true;
	}
	if ((r = query_int(c, "PRAGMA user_version", &v, err, errlen)) != CD_OK)
		goto out;
	out->schema_version = (int)v;
	int rc = sqlite3_prepare_v2(c->db,
				    "SELECT count(*), count(user_json), min(described_at),"
				    " max(described_at), (SELECT count(*) FROM failures) FROM users",
				    -1, &st, NULL);
	if (rc != SQLITE_OK || (rc = sqlite3_step(st)) != SQLITE_ROW) {
		r = db_fail(c, rc, "reading the cache", err, errlen);
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
		r = db_fail(c, rc, "reading the cache", err, errlen);
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
		r = db_fail(c, rc, "reading the cache", err, errlen);
	}
	out->scan_running = c->lock_fd >= 0 || lock_is_held(c->path);
out:
	sqlite3_finalize(st);
	if (in_tx)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return r;
}

bool cache_in_use(const char *path)
{
	return lock_is_held(path);
}

enum cd_result cache_remove(const char *path, char *err, size_t errlen)
{
	static const char *const suffix[] = { "-wal", "-shm", "-journal", "-lock" };
	char p[PATH_MAX];
	enum cd_result r = CD_OK;
	if (unlink(path) != 0) {
		seterr(err, errlen, "cannot delete cache '%s': %s", path, strerror(errno));
		r = errno == ENOENT ? CD_NOT_FOUND : CD_IO;
	}
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		int n = snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		if (n > 0 && (size_t)n < sizeof p && unlink(p) != 0 && errno != ENOENT && r == CD_OK) {
			seterr(err, errlen, "cannot delete '%s': %s", p, strerror(errno));
			r = CD_IO;
		}
	}
	return r;
}

/* --- for store/cache_names.c: the connection its own tables go through --------------------- */

sqlite3 *cache_sqlite(struct cache *c)
{
	return c->db;
}
