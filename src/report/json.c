/* json.c -- streams the compatible JSON reports through jsonesc instead of a json_t tree. */
#include "report/json.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "jsonesc.h"

static void member(FILE *f, bool *first, const char *key, const char *val)
{
	if (!*val)
		return;
	fputs_unlocked(*first ? "\"" : ",\"", f);
	fputs_unlocked(key, f);
	fputs_unlocked("\":", f);
	jsonesc_fput(f, val);
	*first = false;
}

/* A User object rebuilt from the fields, for users that came without their JSON text. */
static void user_from_fields(FILE *f, const struct user *u)
{
	bool first = true;
	fputc_unlocked('{', f);
	member(f, &first, "Id", u->id);
	member(f, &first, "Arn", u->arn);
	member(f, &first, "Username", u->username);
	if (*u->first_name || *u->last_name || *u->email || *u->secondary_email || *u->mobile) {
		bool inner = true;
		fputs_unlocked(",\"IdentityInfo\":{", f);
		member(f, &inner, "FirstName", u->first_name);
		member(f, &inner, "LastName", u->last_name);
		member(f, &inner, "Email", u->email);
		member(f, &inner, "SecondaryEmail", u->secondary_email);
		member(f, &inner, "Mobile", u->mobile);
		fputc_unlocked('}', f);
	}
	if (*u->desk_phone) {
		fputs_unlocked(",\"PhoneConfig\":{\"DeskPhoneNumber\":", f);
		jsonesc_fput(f, u->desk_phone);
		fputc_unlocked('}', f);
	}
	member(f, &first, "DirectoryUserId", u->directory_user_id);
	member(f, &first, "RoutingProfileId", u->routing_profile_id);
	member(f, &first, "HierarchyGroupId", u->hierarchy_group_id);
	if (u->last_modified)
		fprintf(f, ",\"LastModifiedTime\":%.17g", u->last_modified);
	member(f, &first, "LastModifiedRegion", u->last_modified_region);
	fputc_unlocked('}', f);
}

void report_json_users(FILE *f, const struct user_set *users)
{
	fputc_unlocked('[', f);
	for (size_t i = 0; i < users->n; i++) {
		const struct user *u = &users->v[i];
		fputs_unlocked(i ? ",\n" : "\n", f);
		if (u->raw_len) {
			fwrite_unlocked(u->raw, 1, u->raw_len, f);
		} else {
			user_from_fields(f, u);
		}
	}
	fputs_unlocked(users->n ? "\n]\n" : "]\n", f);
}

#define PUT_LIT(f, lit) fwrite_unlocked((lit), 1, sizeof(lit) - 1, (f))

static void pair_user(FILE *f, const struct user *u)
{
	PUT_LIT(f, "{\"Id\":");
	jsonesc_fput(f, u->id);
	PUT_LIT(f, ",\"Username\":");
	jsonesc_fput(f, u->username);
	PUT_LIT(f, ",\"Email\":");
	jsonesc_fput(f, u->email);
	PUT_LIT(f, ",\"FirstName\":");
	jsonesc_fput(f, u->first_name);
	PUT_LIT(f, ",\"LastName\":");
	jsonesc_fput(f, u->last_name);
	putc_unlocked('}', f);
}

void report_json_pairs(FILE *f, const struct user_set *users, const struct rule_pairs *pairs)
{
	static const char *const keys[RULE_COUNT] = { "duplicate_emails", "duplicate_usernames",
						      "duplicate_names" };
	putc_unlocked('{', f);
	for (int k = 0; k < RULE_COUNT; k++) {
		if (k)
			putc_unlocked(',', f);
		PUT_LIT(f, "\n  \"");
		fputs_unlocked(keys[k], f);
		PUT_LIT(f, "\": [");
		for (size_t i = 0; i < pairs->n[k]; i++) {
			const struct rule_pair *p = &pairs->v[k][i];
			if (i)
				PUT_LIT(f, ",\n    {\"user1\":");
			else
				PUT_LIT(f, "\n    {\"user1\":");
			pair_user(f, &users->v[p->a]);
			PUT_LIT(f, ",\"user2\":");
			pair_user(f, &users->v[p->b]);
			PUT_LIT(f, ",\"reason\":");
			jsonesc_fput(f, p->reason);
			putc_unlocked('}', f);
		}
		if (pairs->n[k])
			PUT_LIT(f, "\n  ]");
		else
			putc_unlocked(']', f);
	}
	PUT_LIT(f, "\n}\n");
}
