/* json.c -- streams the compatible JSON reports with a small escaper instead of a json_t tree. */
#include "report/json.h"

#include <stdbool.h>
#include <string.h>

void report_json_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	fputc_unlocked('"', f);
	const char *run = s;
	for (const char *p = s;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (p > run)
			fwrite_unlocked(run, 1, (size_t)(p - run), f);
		if (!c)
			break;
		run = p + 1;
		fputc_unlocked('\\', f);
		switch (c) {
		case '"': fputc_unlocked('"', f); break;
		case '\\': fputc_unlocked('\\', f); break;
		case '\n': fputc_unlocked('n', f); break;
		case '\r': fputc_unlocked('r', f); break;
		case '\t': fputc_unlocked('t', f); break;
		case '\b': fputc_unlocked('b', f); break;
		case '\f': fputc_unlocked('f', f); break;
		default:
			fputs_unlocked("u00", f);
			fputc_unlocked(hex[c >> 4], f);
			fputc_unlocked(hex[c & 15], f);
		}
	}
	fputc_unlocked('"', f);
}

static void member(FILE *f, bool *first, const char *key, const char *val)
{
	if (!*val)
		return;
	fputs_unlocked(*first ? "\"" : ",\"", f);
	fputs_unlocked(key, f);
	fputs_unlocked("\":", f);
	report_json_string(f, val);
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
		report_json_string(f, u->desk_phone);
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
		if (u->raw_len)
			fwrite_unlocked(u->raw, 1, u->raw_len, f);
		else
			user_from_fields(f, u);
	}
	fputs_unlocked(users->n ? "\n]\n" : "]\n", f);
}

static void pair_user(FILE *f, const struct user *u)
{
	fputs_unlocked("{\"Id\":", f);
	report_json_string(f, u->id);
	fputs_unlocked(",\"Username\":", f);
	report_json_string(f, u->username);
	fputs_unlocked(",\"Email\":", f);
	report_json_string(f, u->email);
	fputs_unlocked(",\"FirstName\":", f);
	report_json_string(f, u->first_name);
	fputs_unlocked(",\"LastName\":", f);
	report_json_string(f, u->last_name);
	fputc_unlocked('}', f);
}

void report_json_pairs(FILE *f, const struct user_set *users, const struct rule_pairs *pairs)
{
	static const char *const keys[RULE_COUNT] = { "duplicate_emails", "duplicate_usernames",
						      "duplicate_names" };
	fputc_unlocked('{', f);
	for (int k = 0; k < RULE_COUNT; k++) {
		fprintf(f, "%s\n  \"%s\": [", k ? "," : "", keys[k]);
		for (size_t i = 0; i < pairs->n[k]; i++) {
			const struct rule_pair *p = &pairs->v[k][i];
			fputs_unlocked(i ? ",\n    {\"user1\":" : "\n    {\"user1\":", f);
			pair_user(f, &users->v[p->a]);
			fputs_unlocked(",\"user2\":", f);
			pair_user(f, &users->v[p->b]);
			fputs_unlocked(",\"reason\":", f);
			report_json_string(f, p->reason);
			fputc_unlocked('}', f);
		}
		fputs_unlocked(pairs->n[k] ? "\n  ]" : "]", f);
	}
	fputs_unlocked("\n}\n", f);
}
