/* emu_store.h -- the emulated instance: users, id index, pages, changes while serving. */
#ifndef CD_EMU_STORE_H
#define CD_EMU_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "buf.h"
#include "emu_search.h"
#include "model/user.h"
#include "result.h"

/* Users live in one array in creation order; a deleted user stays as a tombstone so that a
 * position (what a page token holds) keeps its meaning while users come and go, as a cursor
 * over the real service does: nobody is skipped, new users appear at the end. Readers take a
 * read lock, changes a write lock, so requests on many threads see whole users only. */
struct emu_store;

struct emu_instance_info {
	const char *instance_id; /* NULL: required unless users give it (generator / file meta) */
	const char *region;      /* NULL: "us-east-1" */
	uint64_t seed;           /* for ids and values of users created while serving */
};

/* Copies every user of `users` (their raw User JSON, or their fields when raw is empty),
 * normalising LastModifiedTime to epoch seconds and filling LastModifiedRegion and Arn when
 * absent. Duplicate Ids: the first wins (callers dedupe first). `users` may be released after.
 * Ownership: *out belongs to the caller, free with emu_store_close. */
enum cd_result emu_store_open(struct emu_store **out, const struct user_set *users,
			      const struct emu_instance_info *info, char *err, size_t errlen);
void emu_store_close(struct emu_store *s);

const char *emu_store_instance_id(const struct emu_store *s);
const char *emu_store_instance_arn(const struct emu_store *s); /* quick connect ARNs */
const char *emu_store_region(const struct emu_store *s);
/* true when `id` names this instance by its id or its full ARN. */
bool emu_store_is_instance(const struct emu_store *s, const char *id);
/* Appends the InstanceSummary JSON object of ListInstances. */
enum cd_result emu_store_instance_summary(const struct emu_store *s, struct buf *out);

/* Appends {"User":{...}} for a live user and counts the describe; CD_NOT_FOUND otherwise. */
enum cd_result emu_store_describe(struct emu_store *s, const char *user_id, struct buf *out);

/* Appends up to `max` comma-separated UserSummary objects (ListUsers) from position `from`;
 * *next is the position to continue from, 0 when no user is left. */
enum cd_result emu_store_list_page(struct emu_store *s, size_t from, size_t max, struct buf *out,
				   size_t *next);
/* Same for SearchUsers (UserSearchSummary objects matching `cond`); *total counts all matches. */
enum cd_result emu_store_search_page(struct emu_store *s, const struct emu_cond *cond, size_t from,
				     size_t max, struct buf *out, size_t *next, size_t *total);

/* Changes while serving. Each change bumps LastModifiedTime. `report` (may be NULL) receives
 * {"modified":[ids],"created":[ids],"deleted":[ids]}. */
enum cd_result emu_store_mutate(struct emu_store *s, unsigned modify, unsigned create,
				unsigned del, struct buf *report);
/* Merges `patch` (a partial User object) into user `id` (Id and Arn cannot change).
 * CD_NOT_FOUND for an unknown or deleted user, CD_INPUT for a bad patch. */
enum cd_result emu_store_update(struct emu_store *s, const char *id, json_t *patch, char *err,
				size_t errlen);

/* The remediation operations (emu/server_act.c). Delete makes user `id` a tombstone
 * (CD_NOT_FOUND when unknown or deleted already). Create adds a user from a CreateUser request
 * (Username and the profile fields; Password is never stored) with a fresh Id, writing it to
 * id_out and its Arn to arn_out; CD_INPUT when the Username is taken (err says so). */
enum cd_result emu_store_delete(struct emu_store *s, const char *id);
enum cd_result emu_store_create(struct emu_store *s, json_t *request, char id_out[37],
				char *arn_out, size_t arnlen, char *err, size_t errlen);
bool emu_store_exists(struct emu_store *s, const char *id);
/* Merges `patch` into user `id` without counting it as a change or touching LastModifiedTime:
 * for what the generator's resources file adds (Tags) before serving starts. */
enum cd_result emu_store_patch_quiet(struct emu_store *s, const char *id, json_t *patch);
/* Calls fn for every live user's RoutingProfileId (kind 0), each SecurityProfileIds element
 * (kind 1) and HierarchyGroupId (kind 2), under the read lock: the ids ListRoutingProfiles and
 * the others name (emu/server_names.c). Ids with a JSON escape in them are passed over. */
void emu_store_profile_ids(struct emu_store *s,
			   void (*fn)(void *ctx, int kind, const char *id, size_t len), void *ctx);
/* Appends the Ids of the live users as a JSON array. */
enum cd_result emu_store_live_ids(struct emu_store *s, struct buf *out);

struct emu_store_counts {
	size_t users;     /* live users */
	size_t deleted;   /* tombstones */
	size_t described; /* distinct users described at least once */
	size_t described_again; /* users described more than once */
	size_t modified, created; /* changes made while serving (deletions are `deleted`) */
};
void emu_store_counts(struct emu_store *s, struct emu_store_counts *c);
void emu_store_reset_counts(struct emu_store *s);

#endif
