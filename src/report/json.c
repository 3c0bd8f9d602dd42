/* json.c -- streams the compatible JSON reports with a small escaper instead of a json_t tree. */
#include "report/json.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "report/wbuf.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif


/* Offset of the first byte in s that ends a plain run: NUL, a control byte, '"' or '\\'.
 * Aligned 16-byte loads under SSE2 (never across a page, so the over-read is safe; not under
 * ASan, which would flag it). */
static inline size_t plain_run(const char *s)
{
#if defined(__SSE2__) && !defined(__SANITIZE_ADDRESS__)
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
		      bias = _mm_set1_epi8((char)0x80), lim = _mm_set1_epi8((char)(0x20 ^ 0x80));
	uintptr_t at = (uintptr_t)s & ~(uintptr_t)15;
	unsigned skip = (unsigned)((uintptr_t)s & 15);
	for (;; at += 16) {
		__m128i v = _mm_load_si128((const __m128i *)at);
		/* unsigned v < 0x20 as a signed compare of the biased bytes */
		__m128i m = _mm_or_si128(
			_mm_cmplt_epi8(_mm_xor_si128(v, bias), lim),
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m) >> skip << skip;
		skip = 0;
		if (bits)
			return (size_t)(at + (uintptr_t)__builtin_ctz(bits) - (uintptr_t)s);
	}
#else
	const unsigned char *p = (const unsigned char *)s;
	while (*p >= 0x20 && *p != '"' && *p != '\\')
		p++;
	return (size_t)(p - (const unsigned char *)s);
#endif
}

static void jb_string(struct wbuf *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	wb_putc(w, '"');
	for (;;) {
		size_t n = plain_run(s);
		wb_put(w, s, n);
		unsigned char c = (unsigned char)s[n];
		if (!c)
			break;
		s += n + 1;
		char e[6] = { '\\', 0 };
		size_t en = 2;
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		default:
			memcpy(e + 1, "u00", 3);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			en = 6;
		}
		wb_put(w, e, en);
	}
	wb_putc(w, '"');
}

void report_json_string(FILE *f, const char *s)
{
	struct wbuf w;
	w.f = f;
	w.n = 0;
	jb_string(&w, s);
	wb_flush(&w);
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
