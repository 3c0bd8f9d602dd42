/* cache_int.h -- private to src/store/cache*.c: struct cache, the statement ids and the helpers
 * the cache's files share (not for use outside src/store; cache.h is the interface).
 *
 * The files:
 *   cache.c        the statement table and these helpers, open / validate / migrate, close,
 *                  accessors, batches
 *   cache_files.c  default folder and path, making parents, the writer's lock, cache_find,
 *                  cache_in_use, cache_remove
 *   cache_users.c  scans, listing facts, descriptions, failures and deletions
 *   cache_read.c   loading users, export, info
 *   cache_names.c  names of profiles and groups (through cache_sqlite only) */
#ifndef CD_STORE_CACHE_INT_H
#define CD_STORE_CACHE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/cache.h"

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

struct cache {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT]; /* prepared on first use (cache_stmt_get), finalized on close */
	bool in_batch;
	bool read_only;
	int lock_fd;  /* the writer's lock on "<path>-lock", -1 for a reader */
	char *path;
	char *instance_id;
	char *region, *account, *alias; /* recorded (or learned from ARNs); "" when unknown */
};

/* --- cache.c ------------------------------------------------------------------------------- */

/* vsnprintf into err; err may be NULL or errlen 0 (nothing is written). */
void cache_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
double cache_now_epoch(void);
/* Maps an SQLite failure to our result and a message naming the cache file. */
enum cd_result cache_db_fail(const struct cache *c, int rc, const char *what, char *err,
			     size_t errlen);
enum cd_result cache_exec(struct cache *c, const char *sql, const char *what, char *err,
			  size_t errlen);
/* Runs a query that returns one integer (0 when it returns no row). */
enum cd_result cache_query_int(struct cache *c, const char *sql, long long *out, char *err,
			       size_t errlen);
/* The statement id, prepared once and reset with its bindings cleared; *out is borrowed. */
enum cd_result cache_stmt_get(struct cache *c, enum stmt_id id, sqlite3_stmt **out, char *err,
			      size_t errlen);
/* Steps a write statement to completion and resets it. */
enum cd_result cache_stmt_done(struct cache *c, sqlite3_stmt *st, const char *what, char *err,
			       size_t errlen);
/* Binds s (NULL: "") as a copy. */
void cache_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Whether c was opened read-only (err then says so). */
bool cache_read_only_checked(const struct cache *c, char *err, size_t errlen);
/* cache_stmt_get for a statement that writes: refused on a cache opened read-only. */
enum cd_result cache_write_stmt(struct cache *c, enum stmt_id id, sqlite3_stmt **out, char *err,
				size_t errlen);

/* --- cache_files.c (for cache_open_key and cache_get_info) --------------------------------- */

/* mkdir -p of path's parent folder (0700). */
enum cd_result cache_make_parent(const char *path, char *err, size_t errlen);
/* Creates path 0600 unless it exists; *created says whether it did. */
enum cd_result cache_create_file(const char *path, bool *created, char *err, size_t errlen);
/* Takes the writer's lock ("<path>-lock") into c->lock_fd, or fails at once if it is held. */
enum cd_result cache_take_lock(struct cache *c, char *err, size_t errlen);
/* Whether a writer holds the lock of the cache at path. */
bool cache_lock_is_held(const char *path);

/* --- for store/cache_names.c --------------------------------------------------------------- */

/* The cache's connection (borrowed): for statements in its own transaction (cache_begin /
 * cache_commit) on tables the companion file owns. */
sqlite3 *cache_sqlite(struct cache *c);

#endif
