/* names.h -- id -> name of an instance's routing profiles, security profiles and hierarchy groups, for the reports. */
#ifndef CD_MODEL_NAMES_H
#define CD_MODEL_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "result.h"

/* The kinds of resource a user refers to by id. The numbers are stored in the cache
 * (store/cache_names.c): append only. */
enum name_kind {
	NAME_ROUTING_PROFILE = 0, /* ListRoutingProfiles */
	NAME_SECURITY_PROFILE,    /* ListSecurityProfiles */
	NAME_HIERARCHY_GROUP,     /* ListUserHierarchyGroups */
	NAME_KINDS
};

/* "routing profile", "security profile", "hierarchy group" */
const char *name_kind_label(enum name_kind k);

/* Bounds: an entry outside them is not stored (names_add says CD_INPUT). The service's own
 * limits are far below (names of at most 127 characters, a few thousand profiles). */
#define NAMES_MAX_ID 256
#define NAMES_MAX_NAME 512
#define NAMES_MAX_ENTRIES 200000 /* per kind */

struct name_entry {
	char *id;   /* owned */
	char *name; /* owned; control characters already replaced by '?' */
};

/* One table per kind. `known[k]` says that kind's listing arrived (possibly empty: an instance
 * with no hierarchy groups), so that the reports speak in names; a kind not known falls back to
 * ids. Zero-initialised (or names_init) is an empty table. */
struct name_table {
	struct name_entry *v[NAME_KINDS];
	size_t n[NAME_KINDS], cap[NAME_KINDS];
	bool sorted[NAME_KINDS];
	bool known[NAME_KINDS];
};

void names_init(struct name_table *t);
void names_release(struct name_table *t);
/* Empties one kind (known becomes false). */
void names_clear(struct name_table *t, enum name_kind k);
/* Copies (id, name) into the table and marks the kind known. CD_INPUT for an empty or oversized
 * id or name, an id with a control character, or a bad kind (nothing stored); CD_TOOBIG past
 * NAMES_MAX_ENTRIES; CD_NOMEM. A later entry for the same id wins (names_lookup). */
enum cd_result names_add(struct name_table *t, enum name_kind k, const char *id, const char *name);
/* Marks a kind's listing as arrived, also when it had no entry. */
void names_set_known(struct name_table *t, enum name_kind k);
/* Sorts a kind for lookups (names_lookup does it lazily through a const table otherwise: call
 * this once after loading). Duplicate ids keep the last one added. */
void names_finish(struct name_table *t);
/* The name for id, or NULL (unknown id, kind not listed, NULL table). */
const char *names_lookup(const struct name_table *t, enum name_kind k, const char *id);
/* The kind's listing arrived (reports then speak in names). false for a NULL table. */
bool names_known(const struct name_table *t, enum name_kind k);
/* Appends the names of a comma-separated id list (user.security_profiles' canonical form),
 * sorted by name and joined with ", "; an unknown id appears as itself. */
enum cd_result names_join(const struct name_table *t, enum name_kind k, const char *ids,
			  struct buf *out);

#endif
