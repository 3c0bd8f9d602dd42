/* cache_int.h -- what the cache's companion files (store/cache_names.c) may reach inside struct cache. */
#ifndef CD_STORE_CACHE_INT_H
#define CD_STORE_CACHE_INT_H

#include <sqlite3.h>
#include "store/cache.h"

/* The cache's connection (borrowed): for statements in its own transaction (cache_begin /
 * cache_commit) on tables the companion file owns. */
sqlite3 *cache_sqlite(struct cache *c);

#endif
