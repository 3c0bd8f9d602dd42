/* user.h -- struct user, the record every stage passes along, and struct user_set. */
#ifndef CD_MODEL_USER_H
#define CD_MODEL_USER_H

#include <stdbool.h>
#include <stddef.h>
#include "result.h"

/* One Amazon Connect user as DescribeUser returns it (SearchUsers fills a subset).
 * Every string is non-NULL ("" when the service did not send the field) and owned by the
 * user_set the user lives in; do not free them. */
struct user {
	const char *id;                 /* Id (required, non-empty) */
	const char *arn;                /* Arn */
	const char *username;           /* Username */
	const char *first_name;         /* IdentityInfo.FirstName */
	const char *last_name;          /* IdentityInfo.LastName */
	const char *email;              /* IdentityInfo.Email */
	const char *secondary_email;    /* IdentityInfo.SecondaryEmail */
	const char *mobile;             /* IdentityInfo.Mobile */
	const char *desk_phone;         /* PhoneConfig.DeskPhoneNumber */
	const char *directory_user_id;  /* DirectoryUserId */
	const char *routing_profile_id; /* RoutingProfileId */
	const char *hierarchy_group_id; /* HierarchyGroupId */
	const char *last_modified_region; /* LastModifiedRegion */
	const char *security_profiles;  /* SecurityProfileIds, canonical: sorted (strcmp order),
					 * duplicates and empty ids dropped, joined with ',' ("" when
					 * absent or empty), so two users share exactly the same
					 * profiles when the strings are equal; matching only, never
					 * reported. ListUsers does not send it. */
	double last_modified;           /* LastModifiedTime, epoch seconds; 0 when unknown */
	const char *raw;                /* the User object's JSON text as received ("" if none);
					 * raw_len bytes, not always NUL-terminated */
	size_t raw_len;
};

/* Fields to copy into a set; NULL members mean "absent" and become "". */
struct user_fields {
	const char *id, *arn, *username, *first_name, *last_name, *email, *secondary_email, *mobile,
		*desk_phone, *directory_user_id, *routing_profile_id, *hierarchy_group_id,
		*last_modified_region;
	const char *security_profiles; /* already canonical: build it with user_canon_ids */
	double last_modified;
	const char *raw;
	size_t raw_len;
};

struct arena; /* string storage owned by the set */
struct buf;

/* The canonical form of a user's SecurityProfileIds (see struct user) from its n ids: appends it
 * and a NUL to out (nothing but the NUL when n is 0 or every id is ""). Every loader builds
 * security_profiles with it so that the forms compare equal whatever the source. Sorts the
 * pointers in ids[] in place; the strings are only read. CD_NOMEM or CD_TOOBIG from out. */
enum cd_result user_canon_ids(const char **ids, size_t n, struct buf *out);

/* An ordered collection of users. Input order is the array order: detection pairs are ordered by
 * it. Strings live in one arena so that a million users cost a handful of allocations. */
struct user_set {
	struct user *v;
	size_t n, cap;
	struct arena *arena;
	/* Set by a caller that writes no report echoing the users' JSON text (analyze without
	 * the JSON format, explain): every user added gets raw "" (source/file does not even
	 * copy it), which saves the text's memory, about 700 bytes a user. Analyze --format csv (6 runs alternating
	 * with and without, the shared 2-core machine): 100,000 users median wall 1.72 s against
	 * 1.85 s, peak 159 MB against 231 MB; 1,000,000 users 16.7-18.8 s against 18.9-20.2 s,
	 * peak 1.42 GB against 2.14 GB (3 runs). */
	bool no_raw;
};

void user_set_init(struct user_set *s);
void user_set_release(struct user_set *s);
/* Copies f's strings into the set and appends the user. */
enum cd_result user_set_add(struct user_set *s, const struct user_fields *f);
/* As user_set_add, but f's strings are referenced, not copied (NULL still becomes ""): they
 * must stay valid as long as the set, e.g. one block copied with user_set_strdup (the file
 * reader copies each user's values and text in one piece instead of fourteen). */
enum cd_result user_set_add_borrowed(struct user_set *s, const struct user_fields *f);
/* Copies a string into the set's arena (for loaders that build fields piecemeal). NULL -> "". */
const char *user_set_strdup(struct user_set *s, const char *str, size_t len);
/* Keeps one record per Id: a later record's data replaces the earlier one's, at the earlier
 * position (first-seen order is the order users recognise). *dropped counts the replaced ones;
 * when ids_out is not NULL it receives a malloc'd array of the dropped Ids (borrowed strings). */
enum cd_result user_set_dedupe_ids(struct user_set *s, size_t *dropped, const char ***ids_out);

#endif
