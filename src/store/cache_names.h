/* cache_names.h -- the cache's table of routing profile, security profile and hierarchy group names. */
#ifndef CD_STORE_CACHE_NAMES_H
#define CD_STORE_CACHE_NAMES_H

#include "model/names.h"
#include "result.h"
#include "store/cache.h"

/*
 * Two tables beside the users, created on the first write (CREATE TABLE IF NOT EXISTS):
 *   names(kind INTEGER, id TEXT, name TEXT, PRIMARY KEY(kind, id))  -- kind: enum name_kind
 *   names_listed(kind INTEGER PRIMARY KEY, listed_at REAL)          -- the listing arrived
 * They are an optional addition, not a new schema version: nothing else reads or joins them, a
 * build that does not know them leaves them alone, and a cache without them (older, or a scan
 * whose listings were all denied) loads as "no names" -- the reports then show ids. So a cache
 * stays readable both ways and PRAGMA user_version keeps describing the users' schema.
 */

/* Replaces the stored names of kind k by t's (one transaction; the cache must be writable and
 * no batch open). Call only after a complete listing: a failed one keeps the earlier names. */
enum cd_result cache_names_put(struct cache *c, enum name_kind k, const struct name_table *t,
			       double now, char *err, size_t errlen);
/* Adds every stored name to t (names_finish'ed; rows that names_add refuses are passed over)
 * and marks each listed kind known. A cache without the tables gives an empty table, CD_OK. */
enum cd_result cache_names_load(struct cache *c, struct name_table *t, char *err, size_t errlen);

#endif
