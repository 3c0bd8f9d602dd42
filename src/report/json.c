/* json.c -- streams the compatible JSON reports through jsonesc instead of a json_t tree. */
#include "report/json.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "jsonesc.h"
#include "report/wbuf.h"

/* A string as JSON into the writer's buffer, by jsonesc's rules. */
static void jb_string(struct wbuf *w, const char *s)
{
	wb_putc(w, '"');
	for (;;) {
		size_t n = jsonesc_plain(s);
		wb_put(w, s, n);
		if (!s[n])
			break;
		char e[6];
		wb_put(w, e, jsonesc_byte((unsigned char)s[n], e));
		s += n + 1;
	}
	wb_putc(w, '"');
}

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
	const char *done = NULL; /* raw text written since the last release */
	for (size_t i = 0; i < users->n; i++) {
		const struct user *u = &users->v[i];
		fputs_unlocked(i ? ",\n" : "\n", f);
		if (u->raw_len) {
			fwrite_unlocked(u->raw, 1, u->raw_len, f);
			/* text borrowed from a mapped input file: give the pages behind us back
			 * (32 MiB at a time) so the whole file is never resident at once */
			if (!done || u->raw < done)
				done = u->raw;
			else if ((size_t)(u->raw - done) >= ((size_t)32 << 20)) {
				user_set_release_raw(users, done, u->raw);
				done = u->raw;
			}
		} else {
			user_from_fields(f, u);
		}
	}
	fputs_unlocked(users->n ? "\n]\n" : "]\n", f);
}

static void pair_user(struct wbuf *w, const struct user *u)
{
	WB_LIT(w, "{\"Id\":");
	jb_string(w, u->id);
	WB_LIT(w, ",\"Username\":");
	jb_string(w, u->username);
	WB_LIT(w, ",\"Email\":");
	jb_string(w, u->email);
	WB_LIT(w, ",\"FirstName\":");
	jb_string(w, u->first_name);
	WB_LIT(w, ",\"LastName\":");
	jb_string(w, u->last_name);
	wb_putc(w, '}');
}

void report_json_pairs(FILE *f, const struct user_set *users, const struct rule_pairs *pairs)
{
	static const char *const keys[RULE_COUNT] = { "duplicate_emails", "duplicate_usernames",
						      "duplicate_names" };
	struct wbuf w;
	w.f = f;
	w.n = 0;
	wb_putc(&w, '{');
	for (int k = 0; k < RULE_COUNT; k++) {
		if (k)
			wb_putc(&w, ',');
		WB_LIT(&w, "\n  \"");
		wb_put(&w, keys[k], strlen(keys[k]));
		WB_LIT(&w, "\": [");
		for (size_t i = 0; i < pairs->n[k]; i++) {
			const struct rule_pair *p = &pairs->v[k][i];
			if (i)
				WB_LIT(&w, ",\n    {\"user1\":");
			else
				WB_LIT(&w, "\n    {\"user1\":");
			pair_user(&w, &users->v[p->a]);
			WB_LIT(&w, ",\"user2\":");
			pair_user(&w, &users->v[p->b]);
			WB_LIT(&w, ",\"reason\":");
			jb_string(&w, p->reason);
			wb_putc(&w, '}');
		}
		if (pairs->n[k])
			WB_LIT(&w, "\n  ]");
		else
			wb_putc(&w, ']');
	}
	WB_LIT(&w, "\n}\n");
	wb_flush(&w);
}
