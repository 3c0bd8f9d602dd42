/* cache.h -- the SQLite cache of one instance's users: resume, incremental re-scans, offline re-analysis. */
#ifndef CD_STORE_CACHE_H
#define CD_STORE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "result.h"
#include "model/user.h"

/*
 * One cache file per instance, default $XDG_CACHE_HOME/connect-dupes/<instance-id>.db (else
 * ~/.cache/connect-dupes/): SQLite in WAL mode, file 0600 in a 0700 folder, schema versioned with
 * PRAGMA user_version. The crawl drives it like this:
 *
 *   cache_open(&c, path, instance_id, 0, ...)
 *   cache_scan_start(c, now, &scan)
 *   per SearchUsers / ListUsers page:   cache_begin; cache_put_searched / cache_put_listed ...;
 *                                       cache_commit
 *   cache_needs_describe(c, &opts, &ids)   (failures of earlier runs first)  or, while listing
 *   runs concurrently, cache_check_describe(c, id, &opts, &need) per listed user
 *   per batch of DescribeUser results:  cache_begin; cache_put_described / cache_record_failure /
 *                                       cache_delete_user (404) ...; cache_commit
 *   when a listing finished complete:   cache_drop_unseen(c, scan, ...)
 *   cache_scan_finish(c, scan, now, complete, &counts); cache_load_users(c, &set); cache_close(c)
 *
 * A kill -9 at any moment loses at most the uncommitted batch: a batch not committed is not
 * visible after reopening. Every function that takes err fills it (one line, lower-case) on
 * failure. Times are epoch seconds (double), as the service's LastModifiedTime.
 * Not thread-safe: one struct cache is used by one thread (the crawl's event loop).
 */

struct cache; /* opaque; owns the SQLite connection and its prepared statements */

/* The newest schema this build knows; a file with a higher user_version is refused. */
#define CACHE_SCHEMA_VERSION 1

/* Flags for cache_open. */
enum {
	CACHE_NO_CREATE = 1 << 0, /* the file must exist (analyze --cache, cache info/export) */
	CACHE_READ_ONLY = 1 << 1, /* open read-only: no migration, no writes */
};

/* Writes the default cache path for an instance into out ("<dir>/<instance-id>.db"). instance
 * is a bare instance id or an instance ARN ("arn:aws:connect:R:A:instance/ID", the id is used);
 * anything else with a '/' is refused (CD_USAGE). Does not create anything. */
enum cd_result cache_default_path(const char *instance_id, char *out, size_t outlen, char *err,
				  size_t errlen);
/* Writes the default cache folder ($XDG_CACHE_HOME/connect-dupes or ~/.cache/connect-dupes). */
enum cd_result cache_default_dir(char *out, size_t outlen, char *err, size_t errlen);

/* Opens (creating when missing unless CACHE_NO_CREATE; the folder is created 0700, the file
 * 0600) and validates the cache at path: a file that is not SQLite or has no connect-dupes
 * schema -> CD_INPUT "file is not a connect-dupes cache"; a newer schema -> CD_INPUT naming
 * both versions; an older one is migrated in a transaction. instance_id may be NULL (accept
 * whatever instance the file belongs to); otherwise a file recorded for another instance is
 * refused with CD_INPUT, and a new file records it. Unwritable folder/file -> CD_IO. A writer
 * (no CACHE_READ_ONLY) holds an exclusive lock until cache_close: a second writer gets CD_IO
 * ("in use by another connect-dupes scan") at once; readers never wait for it.
 * On success *out is owned by the caller: release with cache_close. */
enum cd_result cache_open(struct cache **out, const char *path, const char *instance_id,
			  unsigned flags, char *err, size_t errlen);
/* Whose users a cache holds. A scan's cache records its instance id, Region and account (meta
 * table) and refuses to be opened for another: a report is never built from another Region's
 * (or account's) users. A cache written before Region and account were recorded learns them
 * from its users' ARNs; one with users and no ARN to tell is refused when a Region is asked
 * for. NULL or "" members accept anything; a writer records what it is given (and the alias,
 * which is not checked: `cache --instance ALIAS` finds a cache by it, see cache_find). */
struct cache_key {
	const char *instance_id;
	const char *region;
	const char *account;
	const char *alias;
};
/* cache_open with a whole key (cache_open checks the instance id only). A mismatch is CD_INPUT
 * "cache 'P' holds instance 'I' of region 'R', not 'S' (...)". */
enum cd_result cache_open_key(struct cache **out, const char *path, const struct cache_key *key,
			      unsigned flags, char *err, size_t errlen);
/* Rolls back an open batch, finalises statements, closes the file. NULL is fine. */
void cache_close(struct cache *c);
/* Borrowed strings, valid until cache_close. The instance id is "" when never recorded. */
const char *cache_path(const struct cache *c);
const char *cache_instance_id(const struct cache *c);
/* Region, account and alias recorded (or learned from ARNs); "" when unknown. */
const char *cache_region(const struct cache *c);
const char *cache_account(const struct cache *c);
const char *cache_alias(const struct cache *c);

/* The cache file `cache` and `analyze --instance` mean, offline: an instance id (its default
 * path), an instance ARN (the id's default path; the file must be of the ARN's Region and
 * account) or an alias that a scan recorded (the one cache in the cache folder with that
 * alias, case-insensitively; several: CD_USAGE naming two). None: CD_NOT_FOUND, err saying
 * "run a scan first". */
enum cd_result cache_find(const char *instance, char *path, size_t pathlen, char *err,
			  size_t errlen);

/* A batch: everything between begin and commit becomes visible atomically. Calls made outside a
 * batch commit one by one. Batches do not nest (CD_INTERNAL). cache_rollback discards the open
 * batch (no-op when none). */
enum cd_result cache_begin(struct cache *c, char *err, size_t errlen);
enum cd_result cache_commit(struct cache *c, char *err, size_t errlen);
void cache_rollback(struct cache *c);

/* --- scans ------------------------------------------------------------------------------- */

struct cache_scan_counts {
	size_t searched;   /* users returned by SearchUsers in this scan */
	size_t listed;     /* users returned by ListUsers in this scan */
	size_t described;  /* successful DescribeUser calls in this scan */
	size_t skipped;    /* users whose cached description was still current */
	size_t failed;     /* users left in the failures table */
	size_t deleted;    /* users dropped (not listed any more, or DescribeUser 404) */
};

/* Records a scan row (started now, not complete) and returns its id, which the put functions
 * use as the "seen in this scan" marker. */
enum cd_result cache_scan_start(struct cache *c, double now, long long *scan_id, char *err,
				size_t errlen);
/* Sets the scan's end time, counts and complete flag. */
enum cd_result cache_scan_finish(struct cache *c, long long scan_id, double now, bool complete,
				 const struct cache_scan_counts *counts, char *err, size_t errlen);

/* --- listing facts ----------------------------------------------------------------------- */

/* One user from a SearchUsers page: f->id (required), arn, username, first_name, last_name and
 * f->raw (the UserSearchSummary JSON text, stored as the fallback record until the user is
 * described); other fields are ignored. pos is the user's position in this scan's SearchUsers
 * listing (0, 1, 2, ... across pages): cache_load_users returns users in that order, so reports
 * do not depend on timing. Marks the user seen in scan_id. */
enum cd_result cache_put_searched(struct cache *c, long long scan_id, const struct user_fields *f,
				  long long pos, double searched_at, char *err, size_t errlen);
/* One user from a ListUsers page: f->id (required), arn, username, f->last_modified
 * (LastModifiedTime); other fields are ignored. pos is its position in the ListUsers listing
 * (used for ordering only for users SearchUsers did not return). Marks the user seen. */
enum cd_result cache_put_listed(struct cache *c, long long scan_id, const struct user_fields *f,
				long long pos, char *err, size_t errlen);

/* --- descriptions ------------------------------------------------------------------------ */

/* Stores a DescribeUser result: raw is the User object's JSON text as received (copied). The
 * record remembers the LastModifiedTime it was described at (the User's own LastModifiedTime,
 * else the listed one) and described_at. Clears the user's DescribeUser failure. A raw text that
 * is not a JSON object with the Id given -> CD_INPUT, nothing stored. */
enum cd_result cache_put_described(struct cache *c, const char *id, const char *raw,
				   size_t raw_len, double described_at, char *err, size_t errlen);

/* Which users need DescribeUser. A user needs it when it has no described record, or its listed
 * LastModifiedTime is newer than the one it was described at, or it was described before
 * described_before (0 = no such limit): --refresh passes the scan's start time (so a resumed
 * refresh does not redo its own work), --max-age D passes now - D; the larger wins. */
struct cache_need_opts {
	double described_before;
	long long scan_id; /* > 0: only users seen in this scan's listings; 0: every cached user */
};

/* A list of user ids; owned by the caller, release with cache_ids_release. */
struct cache_ids {
	char **v;
	size_t n;
};
void cache_ids_release(struct cache_ids *ids);

/* Fills *out (initialised here) with the ids needing DescribeUser: users with a recorded
 * DescribeUser failure first (most attempts last, so a poison user does not block the others),
 * then the rest in listing order. */
enum cd_result cache_needs_describe(struct cache *c, const struct cache_need_opts *o,
				    struct cache_ids *out, char *err, size_t errlen);
/* The same test for one id (false for an id not in the cache). It compares with the latest
 * listed LastModifiedTime, so call it after cache_put_listed for that user. */
enum cd_result cache_check_describe(struct cache *c, const char *id,
				    const struct cache_need_opts *o, bool *need, char *err,
				    size_t errlen);

/* --- failures and deletions -------------------------------------------------------------- */

/* Records that operation (e.g. "DescribeUser") failed for id with a one-line error; attempts
 * accumulates across runs. cache_clear_failure removes it (no-op when absent). */
enum cd_result cache_record_failure(struct cache *c, const char *id, const char *operation,
				    const char *error, char *err, size_t errlen);
enum cd_result cache_clear_failure(struct cache *c, const char *id, const char *operation,
				   char *err, size_t errlen);

struct cache_failure {
	char *id, *operation, *error; /* owned by the array */
	long long attempts;
	double last_at;
};
/* All recorded failures, ordered by id; release with cache_failures_release. */
enum cd_result cache_list_failures(struct cache *c, struct cache_failure **out, size_t *n,
				   char *err, size_t errlen);
void cache_failures_release(struct cache_failure *v, size_t n);
/* What a report built from the cache lacks: every recorded failure, plus every user never
 * described and without a failure (operation "DescribeUser", error CACHE_NOT_DESCRIBED,
 * attempts 0), ordered by id. Same ownership as cache_list_failures. */
#define CACHE_NOT_DESCRIBED "not described yet (run the scan again to resume)"
enum cd_result cache_list_missing(struct cache *c, struct cache_failure **out, size_t *n,
				  char *err, size_t errlen);

/* Drops a user (DescribeUser said 404) with its failures. Not an error when absent. */
enum cd_result cache_delete_user(struct cache *c, const char *id, char *err, size_t errlen);
/* After a listing finished complete in scan_id: drops every user that no listing of this scan
 * (or of a later one) has seen: deleted from the instance since it was cached. *dropped may be
 * NULL. */
enum cd_result cache_drop_unseen(struct cache *c, long long scan_id, size_t *dropped, char *err,
				 size_t errlen);

/* --- reading ----------------------------------------------------------------------------- */

/* Appends every cached user to s (initialised by the caller) in listing order: the described
 * record when there is one, else the SearchUsers summary, through user_from_json. *undescribed
 * (may be NULL) counts users that have only a summary (no e-mail yet). */
enum cd_result cache_load_users(struct cache *c, struct user_set *s, size_t *undescribed,
				char *err, size_t errlen);

/* For `analyze --cache FILE` / `--instance ID`: opens an existing cache read-only, appends its
 * users to s (as cache_load_users) and closes it. A missing file is CD_NOT_FOUND. */
enum cd_result cache_load_file(const char *path, struct user_set *s, size_t *undescribed,
			       char *err, size_t errlen);

/* Writes the cached users as an all_users-style JSON array (the raw objects, in listing order)
 * to out. I/O errors -> CD_IO. */
enum cd_result cache_export_json(struct cache *c, FILE *out, char *err, size_t errlen);

struct cache_info {
	int schema_version;
	size_t users, described, failures;
	double oldest_described, newest_described; /* 0 when nothing is described */
	bool has_scan;                             /* the fields below are set */
	double last_scan_start, last_scan_end;     /* end 0 when it never finished */
	bool last_scan_complete;
	struct cache_scan_counts last_scan;
	double last_complete_scan_end;             /* 0 when no scan ever completed */
	bool scan_running;                         /* a writer holds the cache's lock now */
};
enum cd_result cache_get_info(struct cache *c, struct cache_info *out, char *err, size_t errlen);

/* Whether a scan (a writer) holds the cache at path open right now. */
bool cache_in_use(const char *path);

/* Deletes a cache file with its -wal, -shm, -journal and -lock companions. A missing file is
 * CD_NOT_FOUND. */
enum cd_result cache_remove(const char *path, char *err, size_t errlen);

#endif
