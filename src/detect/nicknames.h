/* nicknames.h -- the nickname table: which given names are forms of the same name. */
#ifndef CD_DETECT_NICKNAMES_H
#define CD_DETECT_NICKNAMES_H

#include <stddef.h>
#include <stdint.h>
#include "result.h"

/* Built once from nicknames.def (lines merged by canonical name); read-only afterwards, so
 * threads may share it. Owned by the caller of nick_table_new; nick_table_free releases it. */
struct nick_table;

enum cd_result nick_table_new(struct nick_table **out, char *err, size_t errlen);
void nick_table_free(struct nick_table *t);

/* The groups a given name belongs to. `name` is in norm_compact form ("jose", "саша"). Writes
 * up to max group ids into ids and returns how many there are (0: not in the table). */
size_t nick_groups(const struct nick_table *t, const char *name, uint32_t *ids, size_t max);
/* The canonical name of a group ("alexander"), for evidence text. */
const char *nick_group_name(const struct nick_table *t, uint32_t id);
/* True when the two names share a group (a name always matches itself). */
int nick_related(const struct nick_table *t, const char *a, const char *b);

#endif
