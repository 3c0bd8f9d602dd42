/* json.c -- streams the compatible JSON reports with a small escaper instead of a json_t tree. */
#include "report/json.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Output is gathered in a stack buffer and handed to stdio in big calls: the pair report is
 * ~30 pieces per pair, and a stdio call per piece cost more than the bytes. */
struct jbuf {
	FILE *f;
	size_t n;
	char b[16384];
};

static void jb_flush(struct jbuf *w)
{
	if (w->n)
		fwrite_unlocked(w->b, 1, w->n, w->f);
	w->n = 0;
}

static inline void jb_put(struct jbuf *w, const char *s, size_t n)
{
	if (sizeof w->b - w->n < n) {
		jb_flush(w);
		if (n >= sizeof w->b) {
			fwrite_unlocked(s, 1, n, w->f);
			return;
		}
	}
	memcpy(w->b + w->n, s, n);
	w->n += n;
}

#define JB_LIT(w, lit) jb_put((w), (lit), sizeof(lit) - 1)

static inline void jb_putc(struct jbuf *w, char c)
{
	if (w->n == sizeof w->b)
		jb_flush(w);
	w->b[w->n++] = c;
}

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

static void jb_string(struct jbuf *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	jb_putc(w, '"');
	for (;;) {
		size_t n = plain_run(s);
		jb_put(w, s, n);
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
		jb_put(w, e, en);
	}
	jb_putc(w, '"');
}

void report_json_string(FILE *f, const char *s)
{
	struct jbuf w;
	w.f = f;
	w.n = 0;
	jb_string(&w, s);
	jb_flush(&w);
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

static void pair_user(struct jbuf *w, const struct user *u)
{
	JB_LIT(w, "{\"Id\":");
	jb_string(w, u->id);
	JB_LIT(w, ",\"Username\":");
	jb_string(w, u->username);
	JB_LIT(w, ",\"Email\":");
	jb_string(w, u->email);
	JB_LIT(w, ",\"FirstName\":");
	jb_string(w, u->first_name);
	JB_LIT(w, ",\"LastName\":");
	jb_string(w, u->last_name);
	jb_putc(w, '}');
}

void report_json_pairs(FILE *f, const struct user_set *users, const struct rule_pairs *pairs)
{
	static const char *const keys[RULE_COUNT] = { "duplicate_emails", "duplicate_usernames",
						      "duplicate_names" };
	struct jbuf w;
	w.f = f;
	w.n = 0;
	jb_putc(&w, '{');
	for (int k = 0; k < RULE_COUNT; k++) {
		if (k)
			jb_putc(&w, ',');
		JB_LIT(&w, "\n  \"");
		jb_put(&w, keys[k], strlen(keys[k]));
		JB_LIT(&w, "\": [");
		for (size_t i = 0; i < pairs->n[k]; i++) {
			const struct rule_pair *p = &pairs->v[k][i];
			if (i)
				JB_LIT(&w, ",\n    {\"user1\":");
			else
				JB_LIT(&w, "\n    {\"user1\":");
			pair_user(&w, &users->v[p->a]);
			JB_LIT(&w, ",\"user2\":");
			pair_user(&w, &users->v[p->b]);
			JB_LIT(&w, ",\"reason\":");
			jb_string(&w, p->reason);
			jb_putc(&w, '}');
		}
		if (pairs->n[k])
			JB_LIT(&w, "\n  ]");
		else
			jb_putc(&w, ']');
	}
	JB_LIT(&w, "\n}\n");
	jb_flush(&w);
}
