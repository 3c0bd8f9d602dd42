/* restore.h -- re-creating users from a plan's backup: CreateUser with the same fields, proficiencies. */
#ifndef CD_ACT_RESTORE_H
#define CD_ACT_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "result.h"

/*
 * backup_<ts>.json (written by plan): {"instance":{"Id","Arn","Alias","Region"},"created":T,
 * "users":[{"User":{DescribeUser User},"Proficiencies":[...],"QuickConnects":[...]}]}.
 * A user is re-created with CreateUser from the backed-up Username, IdentityInfo, PhoneConfig,
 * RoutingProfileId, SecurityProfileIds, HierarchyGroupId, DirectoryUserId and Tags, then
 * AssociateUserProficiencies. A Password is sent only when the caller gives one (an instance
 * whose identity management is CONNECT_MANAGED requires it; a password is never in a backup,
 * never invented, never logged). A user whose Username exists is skipped. Quick connects are not
 * re-created (their target would be the new Id; docs/remediation.md).
 */

struct restore_ops {
	void *ctx;
	/* *exists when a user with exactly this Username is in the instance */
	enum cd_result (*username_exists)(void *ctx, const char *username, bool *exists,
					  char *err, size_t errlen);
	/* writes: NULL in a dry run */
	enum cd_result (*create_user)(void *ctx, const char *body_json, char *new_id,
				      size_t idlen, char *err, size_t errlen);
	enum cd_result (*associate_proficiencies)(void *ctx, const char *user_id,
						  const char *body_json, char *err,
						  size_t errlen);
};

struct restore_backup;

/* Reads and checks a backup file. *out belongs to the caller: restore_free. */
enum cd_result restore_load(const char *path, struct restore_backup **out, char *err,
			    size_t errlen);
enum cd_result restore_parse(const char *text, size_t len, struct restore_backup **out,
			     char *err, size_t errlen);
void restore_free(struct restore_backup *b);

/* The backup's instance (strings owned by b; "" when absent). */
const char *restore_instance_id(const struct restore_backup *b);
const char *restore_instance_region(const struct restore_backup *b);
const char *restore_instance_alias(const struct restore_backup *b);
const char *restore_instance_arn(const struct restore_backup *b);
size_t restore_count(const struct restore_backup *b);
/* The old Id of user i. */
const char *restore_user_id(const struct restore_backup *b, size_t i);

/* The CreateUser body of user i for instance_id (JSON text appended to out), with "Password"
 * when password is not NULL (the caller wipes out afterwards). */
enum cd_result restore_create_body(const struct restore_backup *b, size_t i,
				   const char *instance_id, const char *password, struct buf *out);


enum restore_outcome {
	RESTORE_CREATED,
	RESTORE_WOULD_CREATE,
	RESTORE_EXISTS,     /* a user with that Username exists: skipped */
	RESTORE_FAILED,
	RESTORE_PARTIAL,    /* created, but its proficiencies could not be associated */
};

typedef void (*restore_event_fn)(void *ctx, const char *old_id, const char *username,
				 enum restore_outcome o, const char *new_id, const char *detail);

struct restore_summary {
	size_t created, would_create, exists, failed, partial, selected;
};

/* Re-creates the users whose old Id is in only[0..nonly) (nonly 0: all). An Id in only that is
 * not in the backup is CD_INPUT before anything is done. CD_OK when every selected user was
 * created (or would be), CD_INCOMPLETE when any exists already or failed. */
enum cd_result restore_run(const struct restore_backup *b, const char *const *only, size_t nonly,
			   const char *instance_id, const char *password, bool dry_run,
			   const struct restore_ops *ops,
			   restore_event_fn event, void *event_ctx, struct restore_summary *s,
			   char *err, size_t errlen);

#endif
