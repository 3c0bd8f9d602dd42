/* emu_resources.h -- what connect-emu keeps beside the users: quick connects and user proficiencies. */
#ifndef CD_EMU_RESOURCES_H
#define CD_EMU_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "buf.h"
#include "emu_store.h"
#include "result.h"

/* Quick connects live in one array in creation order with tombstones, like users, so a page
 * position keeps its meaning; proficiencies are a list per user id. One mutex: these
 * operations are rare next to the user listings. Ownership: emu_resources_new's result
 * belongs to the caller, free with emu_resources_free. */
struct emu_resources;

enum cd_result emu_resources_new(struct emu_resources **out);
void emu_resources_free(struct emu_resources *r);

/* Loads a resources file written by `connect-emu generate --resources`:
 * {"QuickConnects":[QuickConnect...],"UserProficiencies":{"USERID":[UserProficiency...]},
 *  "UserTags":{"USERID":{"key":"value"}}} -- the tags are merged into the store's users. */
enum cd_result emu_resources_load(struct emu_resources *r, struct emu_store *store,
				  const char *path, char *err, size_t errlen);

/* ListQuickConnects: up to `max` QuickConnectSummary objects (comma-separated) of type `type`
 * (NULL: all) from position `from`; *next is where to continue, 0 at the end. */
enum cd_result emu_resources_qc_page(struct emu_resources *r, const char *type, size_t from,
				     size_t max, struct buf *out, size_t *next);
/* {"QuickConnect":{...}}; CD_NOT_FOUND when unknown or deleted. */
enum cd_result emu_resources_qc_describe(struct emu_resources *r, const char *id,
					 struct buf *out);
enum cd_result emu_resources_qc_delete(struct emu_resources *r, const char *id);
/* The UserProficiencyList array of a user ("[]" when none). */
enum cd_result emu_resources_proficiencies(struct emu_resources *r, const char *user_id,
					   struct buf *out);
/* Adds (or updates the Level of) each proficiency of the array `list`, already validated. */
enum cd_result emu_resources_associate(struct emu_resources *r, const char *user_id,
				       json_t *list);
/* Admin view: {"quick_connects":[{"Id","UserId"}...live],"deleted_quick_connects":N}. */
enum cd_result emu_resources_admin(struct emu_resources *r, struct buf *out);

#endif
