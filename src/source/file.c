/* file.c -- the offline source: a strict streaming JSON reader that turns user files into users. */
/* One file on purpose (about 1,200 lines): the grammar (first half) and the sliding window it
 * reads through (from "the window" on) share one struct jr, whose positions the window moves
 * when it refills, and a unit cut by the window's end is parsed again; split, every parser
 * function would need that state through a private header for no reader's gain. */
#include "source/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "grow.h"
#include "isotime.h"
#include "model/user_json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Why not jansson here: building a json_t tree costs about 40 s for a million users (measured
 * 3.8 s for 100,000), while this reader validates the same grammar, extracts the fields the
 * model needs and keeps each User's text, one user at a time, at several hundred MB/s. The
 * live crawl, whose pages are small, uses user_from_json; both apply the same type rules. */

#define JR_MAX_DEPTH 64                  /* nesting allowed inside one document */
#define JR_SCRATCH_MAX ((size_t)1 << 30) /* one user's unescaped fields and compacted text */
#define JR_VALUE_MAX SOURCE_FILE_VALUE_MAX
#define JR_INPUT_MAX SOURCE_FILE_INPUT_MAX
#define JR_WINDOW ((size_t)4 << 20)      /* what one refill of the window asks read(2) for */

enum uf {
	UF_ID, UF_ARN, UF_USERNAME, UF_FIRST, UF_LAST, UF_EMAIL, UF_EMAIL2, UF_MOBILE, UF_DESK,
	UF_DIRID, UF_RPID, UF_HGID, UF_REGION,
	UF_SECPROF, /* SecurityProfileIds in canonical form (user_canon_ids), built in scratch */
	UF_COUNT
};

struct jr {
	const char *base, *p, *end;
	const char *path;
	const char *fail_at;        /* first error position, NULL while all is well */
	enum cd_result rc;          /* with fail_at: CD_INPUT, or CD_NOMEM where memory ran out */
	char msg[256];
	struct buf scratch;         /* current user's field values, NUL-separated */
	struct buf key;             /* an object key that had escapes */
	struct buf ids;             /* the current SecurityProfileIds elements, NUL-separated */
	const char **idv;           /* pointers into ids for sorting, kept from user to user */
	size_t idcap;
	size_t off[UF_COUNT], len[UF_COUNT];
	bool set[UF_COUNT];
	double last_modified;
	bool spaced;                /* white space seen inside the current user */
	bool doc_has_users;         /* the current document had a "Users" or "User" member */
	struct user_set *users;
	struct source_meta *meta;
	/* The window: input bytes [base, end) are in memory, base at line base_line, column
	 * base_col of the input. Pointers into it (p, fail_at, doc) move
	 * when refill() slides it, and nothing else may hold one across a refill. */
	int fd;
	bool eof;                   /* read(2) said end of file (or the input cap was reached) */
	char *win;
	size_t wcap, wfirst;
	uint64_t total;             /* bytes read */
	size_t base_line, base_col;
	const char *doc;            /* the current document's '{' while it has no users yet */
	bool doc_gone;              /* ...slid out of the window, at doc_line:doc_col */
	size_t doc_line, doc_col;
	bool fail_pos;              /* the failure is at fail_line:fail_col, not at fail_at */
	size_t fail_line, fail_col;
	bool whole_msg;             /* msg is the whole error line, without a position */
	int key_kind;               /* the last document key read (enum dkey) */
};

static bool fail(struct jr *r, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(struct jr *r, const char *at, const char *fmt, ...)
{
	if (r->fail_at)
		return false;
	r->fail_at = at ? at : r->p;
	r->rc = CD_INPUT;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	return false;
}

static bool fail_whole(struct jr *r, enum cd_result rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool oom(struct jr *r, enum cd_result rc)
{
	if (rc == CD_TOOBIG)
		return fail(r, r->p, "a user is larger than %zu bytes", (size_t)JR_SCRATCH_MAX);
	if (!r->fail_at) {
		fail(r, r->p, "out of memory");
		r->rc = CD_NOMEM;
	}
	return false;
}

static inline bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline void ws(struct jr *r)
{
	const char *p = r->p;
	while (p < r->end && is_ws(*p))
		p++;
	if (p != r->p) {
		r->spaced = true;
		r->p = p;
	}
}

/* Length of the valid UTF-8 sequence at p (2..4 bytes, *p >= 0x80), 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid: Unicode table 3-7). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n = (size_t)(end - p);
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

static int hex4(const unsigned char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t utf8_put(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* A string at r->p ('"'). Validates escapes and UTF-8; when `out` is not NULL appends the
 * unescaped value and a NUL to it. *raw_len (may be NULL) receives the length of the text
 * between the quotes, and *escaped whether it held an escape. */
static bool str(struct jr *r, struct buf *out, bool *escaped)
{
	const unsigned char *s = (const unsigned char *)r->p + 1;
	const unsigned char *p = s, *end = (const unsigned char *)r->end, *run = s;
	enum cd_result rc;
	if (escaped)
		*escaped = false;
	for (;;) {
#if defined(__SSE2__)
		/* 16 bytes at a time: a signed compare with 0x20 catches both control bytes and
		 * bytes >= 0x80, so one mask finds the next byte the slow loop must look at. */
		const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
			      space = _mm_set1_epi8(0x20);
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
							      _mm_cmpeq_epi8(v, bslash)),
						 _mm_cmplt_epi8(v, space));
			int bits = _mm_movemask_epi8(m);
			if (bits) {
				p += __builtin_ctz((unsigned)bits);
				break;
			}
			p += 16;
		}
#endif
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p >= end)
			return fail(r, r->p, "invalid JSON: unterminated string");
		unsigned char c = *p;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(r, (const char *)p,
				    "invalid JSON: control character 0x%02x in a string", c);
		if (c >= 0x80) {
			size_t n = utf8_seq(p, end);
			if (!n)
				return fail(r, (const char *)p, "invalid UTF-8 in a string");
			p += n;
			continue;
		}
		/* A backslash escape. */
		if (escaped)
			*escaped = true;
		if (out && (rc = buf_append(out, run, (size_t)(p - run))) != CD_OK)
			return oom(r, rc);
		if (end - p < 2)
			return fail(r, r->p, "invalid JSON: unterminated string");
		char tmp[4];
		size_t tn = 1;
		switch (p[1]) {
		case '"': tmp[0] = '"'; break;
		case '\\': tmp[0] = '\\'; break;
		case '/': tmp[0] = '/'; break;
		case 'b': tmp[0] = '\b'; break;
		case 'f': tmp[0] = '\f'; break;
		case 'n': tmp[0] = '\n'; break;
		case 'r': tmp[0] = '\r'; break;
		case 't': tmp[0] = '\t'; break;
		case 'u': {
			int cp = end - p >= 6 ? hex4(p + 2) : -1;
			if (cp < 0)
				return fail(r, (const char *)p, "invalid JSON: bad \\u escape");
			if (cp == 0)
				return fail(r, (const char *)p, "\\u0000 in a string is not supported");
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail(r, (const char *)p,
					    "invalid JSON: lone low surrogate \\u%04X", (unsigned)cp);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				int lo = end - p >= 12 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8) : -1;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail(r, (const char *)p,
						    "invalid JSON: unpaired surrogate \\u%04X",
						    (unsigned)cp);
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			tn = utf8_put(tmp, (unsigned)cp);
			p += 4;
			break;
		}
		default:
			return fail(r, (const char *)p, "invalid JSON: bad escape '\\%c'",
				    p[1] >= 0x20 && p[1] < 0x7f ? p[1] : '?');
		}
		p += 2;
		run = p;
		if (out && (rc = buf_append(out, tmp, tn)) != CD_OK)
			return oom(r, rc);
	}
	if (out) {
		if ((rc = buf_append(out, run, (size_t)(p - run))) != CD_OK ||
		    (rc = buf_putc(out, '\0')) != CD_OK)
			return oom(r, rc);
	}
	r->p = (const char *)p + 1;
	return true;
}

static bool number(struct jr *r)
{
	const char *p = r->p, *e = r->end;
	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (p < e && *p >= '1' && *p <= '9')
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	else
		return fail(r, r->p, "invalid JSON: unexpected character");
	if (p < e && *p == '.') {
		p++;
		if (p >= e || *p < '0' || *p > '9')
			return fail(r, p, "invalid JSON: digits expected after '.'");
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || *p < '0' || *p > '9')
			return fail(r, p, "invalid JSON: digits expected in the exponent");
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	r->p = p;
	return true;
}

static bool literal(struct jr *r, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return fail(r, r->p, "invalid JSON: unexpected character");
	r->p += n;
	return true;
}

typedef bool (*member_fn)(struct jr *r, const char *key, size_t klen, int depth);

static bool value(struct jr *r, int depth);

/* The members of the object at r->p ('{'); `member` is called at each value and consumes it. */
/* After an object member or array element: ',' means another follows (1, white space after it
 * skipped), `close` ends the container (0); anything else is reported (-1). */
static int after_item(struct jr *r, char close, const char *container)
{
	ws(r);
	if (r->p < r->end && *r->p == ',') {
		r->p++;
		ws(r);
		return 1;
	}
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	if (r->p >= r->end)
		fail(r, r->p, "invalid JSON: unexpected end of file");
	else
		fail(r, r->p, "invalid JSON: expected ',' or '%c' in %s", close, container);
	return -1;
}

static bool object(struct jr *r, int depth, member_fn member)
{
	if (depth > JR_MAX_DEPTH)
		return fail(r, r->p, "JSON nested deeper than %d levels", JR_MAX_DEPTH);
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return true;
	}
	for (;;) {
		if (r->p >= r->end || *r->p != '"')
			return fail(r, r->p, r->p >= r->end ? "invalid JSON: unexpected end of file"
							    : "invalid JSON: expected a string key");
		const char *k = r->p + 1;
		bool esc;
		if (!str(r, NULL, &esc))
			return false;
		size_t klen = (size_t)(r->p - 1 - k);
		if (esc) {
			const char *save = r->p;
			buf_reset(&r->key);
			r->p = k - 1;
			if (!str(r, &r->key, NULL))
				return false;
			r->p = save;
			k = r->key.data;
			klen = strlen(k);
		}
		ws(r);
		if (r->p >= r->end || *r->p != ':')
			return fail(r, r->p, "invalid JSON: expected ':' after an object key");
		r->p++;
		ws(r);
		if (r->p >= r->end)
			return fail(r, r->p, "invalid JSON: unexpected end of file");
		if (!(member ? member(r, k, klen, depth) : value(r, depth + 1)))
			return false;
		int more = after_item(r, '}', "an object");
		if (more <= 0)
			return more == 0;
	}
}

static bool array(struct jr *r, int depth)
{
	if (depth > JR_MAX_DEPTH)
		return fail(r, r->p, "JSON nested deeper than %d levels", JR_MAX_DEPTH);
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return true;
	}
	for (;;) {
		if (!value(r, depth + 1))
			return false;
		int more = after_item(r, ']', "an array");
		if (more <= 0)
			return more == 0;
	}
}

/* Validates and skips any value at r->p. */
static bool value(struct jr *r, int depth)
{
	if (r->p >= r->end)
		return fail(r, r->p, "invalid JSON: unexpected end of file");
	switch (*r->p) {
	case '{': return object(r, depth, NULL);
	case '[': return array(r, depth);
	case '"': return str(r, NULL, NULL);
	case 't': return literal(r, "true");
	case 'f': return literal(r, "false");
	case 'n': return literal(r, "null");
	default: return number(r);
	}
}

#define KEY_IS(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, klen) == 0)

/* A string member of the user: captured into scratch; null means absent. */
static bool field(struct jr *r, enum uf which, const char *name)
{
	if (*r->p == '"') {
		r->off[which] = r->scratch.len;
		if (!str(r, &r->scratch, NULL))
			return false;
		r->len[which] = r->scratch.len - 1 - r->off[which];
		r->set[which] = true;
		return true;
	}
	if (*r->p == 'n' && literal(r, "null")) {
		r->set[which] = false;
		return true;
	}
	return fail(r, r->p, "\"%s\" is %s, not a string", name, user_json_kind(*r->p));
}

static bool identity_member(struct jr *r, const char *key, size_t klen, int depth)
{
	if (KEY_IS("FirstName"))
		return field(r, UF_FIRST, "IdentityInfo.FirstName");
	if (KEY_IS("LastName"))
		return field(r, UF_LAST, "IdentityInfo.LastName");
	if (KEY_IS("Email"))
		return field(r, UF_EMAIL, "IdentityInfo.Email");
	if (KEY_IS("SecondaryEmail"))
		return field(r, UF_EMAIL2, "IdentityInfo.SecondaryEmail");
	if (KEY_IS("Mobile"))
		return field(r, UF_MOBILE, "IdentityInfo.Mobile");
	return value(r, depth + 1);
}

static bool phone_member(struct jr *r, const char *key, size_t klen, int depth)
{
	if (KEY_IS("DeskPhoneNumber"))
		return field(r, UF_DESK, "PhoneConfig.DeskPhoneNumber");
	return value(r, depth + 1);
}

static bool sub_object(struct jr *r, int depth, member_fn fn, const char *name)
{
	if (*r->p == '{')
		return object(r, depth + 1, fn);
	if (*r->p == 'n')
		return literal(r, "null");
	return fail(r, r->p, "\"%s\" is %s, not an object", name, user_json_kind(*r->p));
}

static bool last_modified(struct jr *r)
{
	const char *at = r->p;
	if (*at == '"') {
		size_t off = r->scratch.len;
		if (!str(r, &r->scratch, NULL))
			return false;
		const char *s = r->scratch.data + off;
		if (!isotime_parse(s, strlen(s), &r->last_modified))
			return fail(r, at, "\"LastModifiedTime\" '%.40s' is not an ISO-8601 time", s);
		return true;
	}
	if (*at == 'n')
		return literal(r, "null");
	if (*at == '-' || (*at >= '0' && *at <= '9')) {
		if (!number(r))
			return false;
		char tmp[64];
		size_t n = (size_t)(r->p - at);
		if (n >= sizeof tmp)
			n = sizeof tmp - 1;
		memcpy(tmp, at, n);
		tmp[n] = '\0';
		r->last_modified = strtod(tmp, NULL);
		return true;
	}
	return fail(r, at, "\"LastModifiedTime\" is %s, not a number or time string",
		    user_json_kind(*at));
}

/* SecurityProfileIds: an array of strings (null: absent). The elements go to their own buffer,
 * reused from user to user, so that only the canonical form joins the user's fields in
 * scratch. */
static bool security_profiles(struct jr *r, int depth)
{
	const char *at = r->p;
	if (*at == 'n') {
		r->set[UF_SECPROF] = false;
		return literal(r, "null");
	}
	if (*at != '[')
		return fail(r, at, "\"SecurityProfileIds\" is %s, not an array", user_json_kind(*at));
	buf_reset(&r->ids);
	size_t n = 0;
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == ']')
		r->p++;
	else
		for (;;) {
			if (r->p >= r->end)
				return fail(r, r->p, "invalid JSON: unexpected end of file");
			if (*r->p != '"') {
				/* Broken JSON is reported as such, a valid non-string as the type. */
				const char *el = r->p;
				if (!value(r, depth + 2))
					return false;
				return fail(r, el, "\"SecurityProfileIds[%zu]\" is %s, not a string", n,
					    user_json_kind(*el));
			}
			if (!str(r, &r->ids, NULL))
				return false;
			n++;
			int more = after_item(r, ']', "an array");
			if (more < 0)
				return false;
			if (more == 0)
				break;
		}
	enum cd_result rc;
	if ((rc = ARRAY_GROW(r->idv, n, r->idcap, GROW_MAX_ELEMS)) != CD_OK)
		return oom(r, CD_NOMEM);
	/* str() refuses \u0000, so each element ends at its NUL. */
	const char *p = r->ids.data;
	for (size_t i = 0; i < n; i++) {
		r->idv[i] = p;
		p += strlen(p) + 1;
	}
	r->off[UF_SECPROF] = r->scratch.len;
	if ((rc = user_canon_ids(r->idv, n, &r->scratch)) != CD_OK)
		return oom(r, rc);
	r->len[UF_SECPROF] = r->scratch.len - 1 - r->off[UF_SECPROF];
	r->set[UF_SECPROF] = true;
	return true;
}

static bool user_member(struct jr *r, const char *key, size_t klen, int depth)
{
	switch (klen) {
	case 2:
		if (KEY_IS("Id"))
			return field(r, UF_ID, "Id");
		break;
	case 3:
		if (KEY_IS("Arn"))
			return field(r, UF_ARN, "Arn");
		break;
	case 8:
		if (KEY_IS("Username"))
			return field(r, UF_USERNAME, "Username");
		break;
	case 11:
		if (KEY_IS("PhoneConfig"))
			return sub_object(r, depth, phone_member, "PhoneConfig");
		break;
	case 12:
		if (KEY_IS("IdentityInfo"))
			return sub_object(r, depth, identity_member, "IdentityInfo");
		break;
	case 15:
		if (KEY_IS("DirectoryUserId"))
			return field(r, UF_DIRID, "DirectoryUserId");
		break;
	case 16:
		if (KEY_IS("RoutingProfileId"))
			return field(r, UF_RPID, "RoutingProfileId");
		if (KEY_IS("HierarchyGroupId"))
			return field(r, UF_HGID, "HierarchyGroupId");
		if (KEY_IS("LastModifiedTime"))
			return last_modified(r);
		break;
	case 18:
		if (KEY_IS("LastModifiedRegion"))
			return field(r, UF_REGION, "LastModifiedRegion");
		if (KEY_IS("SecurityProfileIds"))
			return security_profiles(r, depth);
		break;
	}
	return value(r, depth + 1);
}

/* Appends s[0..n) without the white space outside strings (the raw text is kept compact, as
 * json_dumps(JSON_COMPACT) writes it for users from the API). */
static enum cd_result compact(struct buf *out, const char *s, size_t n)
{
	enum cd_result rc = CD_OK;
	bool in = false;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in = false;
		} else if (c == '"') {
			in = true;
		} else if (is_ws(c)) {
			if (i > run && (rc = buf_append(out, s + run, i - run)) != CD_OK)
				return rc;
			run = i + 1;
		}
	}
	if (n > run)
		rc = buf_append(out, s + run, n - run);
	return rc;
}

static bool one_user(struct jr *r)
{
	const char *start = r->p;
	if (*start != '{')
		return fail(r, start, "a user is %s, not an object", user_json_kind(*start));
	buf_reset(&r->scratch);
	memset(r->set, 0, sizeof r->set);
	r->last_modified = 0;
	r->spaced = false;
	if (!object(r, 1, user_member))
		return false;
	if (!r->set[UF_ID] || r->len[UF_ID] == 0)
		return fail(r, start, r->set[UF_ID] ? "user has an empty \"Id\"" : "user has no \"Id\"");
	/* The byte cap alone would let a stream of tiny users take ~12 bytes of memory for each
	 * byte read (200 MB of {"User":{"Id":"x"}} took 2.4 GB): count them too. */
	if (r->users->n >= SOURCE_FILE_USERS_MAX)
		return fail_whole(r, CD_INPUT, "'%s': more than %d users (the limit for one analysis)",
				  r->path, SOURCE_FILE_USERS_MAX);
	struct user_fields f;
	enum cd_result rc;
	memset(&f, 0, sizeof f);
	/* The input buffer is freed after loading, so the set keeps a copy of the User's text as
	 * received: compacted into scratch, with the values, when it held white space; otherwise
	 * copied straight from the input (a pass less over the text than through scratch). */
	size_t n = (size_t)(r->p - start);
	size_t raw_off = r->scratch.len;
	if (r->users->no_raw) {
		f.raw_len = 0; /* f.raw stays NULL: "" */
	} else if (r->spaced) {
		if ((rc = compact(&r->scratch, start, n)) != CD_OK)
			return oom(r, rc);
		f.raw_len = r->scratch.len - raw_off;
	} else {
		f.raw_len = n;
		if (!(f.raw = user_set_strdup(r->users, start, n)))
			return oom(r, CD_NOMEM);
	}
	/* Pointers only now: compact() may have moved the scratch buffer. The user's values
	 * (NUL-separated in scratch) go into the set in one copy instead of one per field. */
	const char *copy = user_set_strdup(r->users, r->scratch.data, r->scratch.len);
	if (!copy)
		return oom(r, CD_NOMEM);
	const char **dst[UF_COUNT] = {
		&f.id, &f.arn, &f.username, &f.first_name, &f.last_name, &f.email,
		&f.secondary_email, &f.mobile, &f.desk_phone, &f.directory_user_id,
		&f.routing_profile_id, &f.hierarchy_group_id, &f.last_modified_region,
		&f.security_profiles,
	};
	for (int i = 0; i < UF_COUNT; i++)
		*dst[i] = r->set[i] ? copy + r->off[i] : NULL;
	if (r->spaced && !r->users->no_raw)
		f.raw = copy + raw_off;
	f.last_modified = r->last_modified;
	if ((rc = user_set_add_borrowed(r->users, &f)) != CD_OK)
		return oom(r, CD_NOMEM); /* CD_TOOBIG there: 2^32 users, not one large user */
	return true;
}

/* ---- the window: the input is parsed as it is read ----
 *
 * The grammar above works on bytes in memory. The input is read into a window of JR_WINDOW
 * bytes that slides: the top level (the array of users, the documents, the white space and
 * punctuation between them) asks for more bytes when it reaches the window's end, and each
 * "unit" (one user, one document key, one other member's value) is parsed whole from the
 * window. A unit that fails is parsed again with more bytes when the failure may be the
 * window's end and not the input (see truncated()): at most once per window for ordinary users,
 * since a retry keeps the unit and reads a window more after it. Memory is the window plus the
 * users kept, whatever the input's size; /dev/zero fails at its first byte. */

static size_t first_window = JR_WINDOW;

void source_file_test_window(size_t bytes)
{
	first_window = bytes ? bytes : JR_WINDOW;
}

/* Newlines in [p, e), and characters (bytes that do not continue a UTF-8 sequence): every byte
 * of the input passes through advance() once as the window slides, so 16 at a time (the
 * 100,000-user file is one line of 73 MB: loading it took 0.32 s with a byte loop, 0.25 s with
 * this, 0.23 s before the window; best of 10 each, alternated, on the loaded 2-core machine). */
static size_t count_newlines(const char *p, const char *e)
{
	size_t n = 0;
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n');
	for (; e - p >= 16; p += 16)
		n += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), nl)));
#endif
	for (; p < e; p++)
		n += *p == '\n';
	return n;
}

static size_t count_chars(const char *p, const char *e)
{
	size_t n = (size_t)(e - p), cont = 0;
#if defined(__SSE2__)
	const __m128i top = _mm_set1_epi8((char)0xC0), c80 = _mm_set1_epi8((char)0x80);
	for (; e - p >= 16; p += 16)
		cont += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_and_si128(_mm_loadu_si128((const __m128i *)p), top), c80)));
#endif
	for (; p < e; p++)
		cont += ((unsigned char)*p & 0xC0) == 0x80;
	return n - cont;
}

/* Advances the position (line, column in characters) over [p, e). */
static void advance(size_t *line, size_t *col, const char *p, const char *e)
{
	const char *nl = e > p ? memrchr(p, '\n', (size_t)(e - p)) : NULL;
	if (nl) {
		*line += count_newlines(p, nl + 1);
		*col = 1;
		p = nl + 1;
	}
	*col += count_chars(p, e);
}

/* A failure whose message is the whole line (the input as such, not a place in it). */
static bool fail_whole(struct jr *r, enum cd_result rc, const char *fmt, ...)
{
	if (r->fail_at)
		return false;
	r->fail_at = r->p;
	r->rc = rc;
	r->whole_msg = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	return false;
}

/* Drops the bytes before *keep from the window, grows it when what is kept fills more than
 * half of it, and reads: until the window is full when `fill` (a unit being retried must get
 * a window more, or retries would cost the square of its size), else until a read returns
 * something. *keep and r->p follow the bytes they point at. False at the end of the input or
 * on failure (r->fail_at set then). */
static bool refill(struct jr *r, const char **keep, bool fill)
{
	if (r->eof)
		return false;
	const char *k = *keep;
	if (r->doc && r->doc < k) {
		r->doc_line = r->base_line;
		r->doc_col = r->base_col;
		advance(&r->doc_line, &r->doc_col, r->base, r->doc);
		r->doc_gone = true;
		r->doc = NULL;
	}
	advance(&r->base_line, &r->base_col, r->base, k);
	size_t have = (size_t)(r->end - k), dp = (size_t)(r->p - k);
	size_t ddoc = r->doc ? (size_t)(r->doc - k) : 0;
	if (have > r->wcap / 2 || !r->win) {
		size_t ncap = r->win ? r->wcap * 2 : r->wfirst;
		char *nw = malloc(ncap);
		if (!nw)
			return oom(r, CD_NOMEM);
		memcpy(nw, k, have);
		free(r->win);
		r->win = nw;
		r->wcap = ncap;
	} else if (have) {
		memmove(r->win, k, have);
	}
	r->base = r->win;
	r->end = r->win + have;
	r->p = r->win + dp;
	if (r->doc)
		r->doc = r->win + ddoc;
	*keep = r->win;
	size_t got_any = 0;
	while ((size_t)(r->end - r->base) < r->wcap) {
		size_t room = r->wcap - (size_t)(r->end - r->base);
		if (r->total + room > JR_INPUT_MAX + 1)
			room = (size_t)(JR_INPUT_MAX + 1 - r->total);
		if (room == 0) {
			r->eof = true;
			return fail_whole(r, CD_INPUT, "'%s' is larger than %llu bytes (the limit for one input)",
					  r->path, (unsigned long long)JR_INPUT_MAX);
		}
		ssize_t got = read(r->fd, (char *)r->end, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r->eof = true;
			return fail_whole(r, CD_INPUT, "cannot read '%s': %s", r->path, strerror(errno));
		}
		if (got == 0) {
			r->eof = true;
			break;
		}
		r->end += got;
		r->total += (uint64_t)got;
		got_any += (size_t)got;
		if (!fill)
			break;
	}
	return got_any > 0;
}

/* At least one byte at r->p, reading when the window is used up. */
static bool more(struct jr *r)
{
	while (r->p >= r->end) {
		const char *keep = r->p;
		if (!refill(r, &keep, false))
			return false;
	}
	return true;
}

/* White space between units, across windows: a stream of blanks is read, never kept. */
static void ows(struct jr *r)
{
	do
		ws(r);
	while (r->p >= r->end && !r->fail_at && more(r));
}

/* Whether the unit that starts at s failed for want of bytes: true when its value does not
 * end inside the window. A structural scan (strings and their escapes, brackets), enough
 * because the parser and it agree on where any value the parser accepts ends: when the value
 * ends before the window does, the parser failed on bytes before that end, and more input
 * cannot change where or why. */
static bool truncated(const struct jr *r, const char *s)
{
	const char *p = s, *e = r->end;
	size_t depth = 0;
	while (p < e) {
		char c = *p;
		if (c == '"') {
			for (p++; p < e && *p != '"'; p++)
				if (*p == '\\')
					p++;
			if (p >= e)
				return true;
			p++;
			if (depth == 0)
				return false;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth <= 1)
				return false;
			depth--;
		} else if (depth == 0 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
					   c == '-' || c == '+' || c == '.' || c == 'E')) {
			return false; /* the end of a number or literal (or a byte no value starts with) */
		}
		p++;
	}
	return true;
}

enum dkey { DK_OTHER, DK_USERS, DK_USER, DK_INSTANCE, DK_REGION };
enum unit { UNIT_USER, UNIT_KEY, UNIT_VALUE, UNIT_INSTANCE, UNIT_REGION };

static bool meta_string(struct jr *r, char *dst, size_t cap)
{
	if (*r->p != '"')
		return value(r, 2);
	size_t off = r->scratch.len;
	if (!str(r, &r->scratch, NULL))
		return false;
	if (dst)
		snprintf(dst, cap, "%s", r->scratch.data + off);
	return true;
}

/* A document key: read, and classified before the window may move. */
static bool doc_key(struct jr *r)
{
	const char *key = r->p + 1;
	bool esc;
	if (!str(r, NULL, &esc))
		return false;
	size_t klen = (size_t)(r->p - 1 - key);
	if (esc) {
		const char *save = r->p;
		buf_reset(&r->key);
		r->p = key - 1;
		if (!str(r, &r->key, NULL))
			return false;
		r->p = save;
		key = r->key.data;
		klen = strlen(key);
	}
	r->key_kind = KEY_IS("Users") ? DK_USERS : KEY_IS("User") ? DK_USER
		      : KEY_IS("InstanceId") ? DK_INSTANCE : KEY_IS("Region") ? DK_REGION : DK_OTHER;
	return true;
}

static bool unit_once(struct jr *r, enum unit u)
{
	switch (u) {
	case UNIT_USER: return one_user(r);
	case UNIT_KEY: return doc_key(r);
	case UNIT_INSTANCE:
		return meta_string(r, r->meta ? r->meta->instance_id : NULL, sizeof r->meta->instance_id);
	case UNIT_REGION:
		return meta_string(r, r->meta ? r->meta->region : NULL, sizeof r->meta->region);
	case UNIT_VALUE: break;
	}
	return value(r, 1);
}

/* One unit at r->p, with as many more bytes as it needs (up to JR_VALUE_MAX). */
static bool unit(struct jr *r, enum unit u)
{
	for (;;) {
		const char *start = r->p;
		if (unit_once(r, u)) {
			/* a number that ends where the window does may go on in the next one */
			if (r->p < r->end || r->eof || !(*start == '-' || (*start >= '0' && *start <= '9')))
				return true;
			if (!refill(r, &start, true) && r->fail_at)
				return false;
			r->p = start;
			continue;
		}
		if (r->eof || r->rc != CD_INPUT || r->whole_msg || !truncated(r, start))
			return false;
		r->fail_at = NULL; /* the failure was the window's end, not the input's */
		if ((size_t)(r->end - start) >= JR_VALUE_MAX)
			return fail(r, start, "%s is larger than %zu bytes",
				    u == UNIT_USER ? "a user" : "a value", (size_t)JR_VALUE_MAX);
		r->rc = CD_OK;
		r->p = start;
		if (!refill(r, &start, true) && r->fail_at)
			return false;
		r->p = start;
	}
}

static bool users_array(struct jr *r)
{
	r->p++;
	ows(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return true;
	}
	for (;;) {
		if (r->p >= r->end)
			return fail(r, r->p, "invalid JSON: unexpected end of file");
		if (!unit(r, UNIT_USER))
			return false;
		ows(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			ows(r);
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return true;
		}
		return fail(r, r->p, r->p >= r->end ? "invalid JSON: unexpected end of file"
						    : "invalid JSON: expected ',' or ']' after a user");
	}
}

static bool doc_member(struct jr *r, enum dkey k)
{
	switch (k) {
	case DK_USERS:
		r->doc_has_users = true;
		if (*r->p != '[')
			return fail(r, r->p, "\"Users\" is %s, not an array", user_json_kind(*r->p));
		return users_array(r);
	case DK_USER:
		r->doc_has_users = true;
		return unit(r, UNIT_USER);
	case DK_INSTANCE: return unit(r, UNIT_INSTANCE);
	case DK_REGION: return unit(r, UNIT_REGION);
	case DK_OTHER: break;
	}
	return unit(r, UNIT_VALUE);
}

/* One top-level document at r->p ('{'): object() for the top level, whose values are units. */
static bool document(struct jr *r)
{
	r->p++;
	ows(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return true;
	}
	for (;;) {
		if (r->p >= r->end || *r->p != '"')
			return fail(r, r->p, r->p >= r->end ? "invalid JSON: unexpected end of file"
							    : "invalid JSON: expected a string key");
		if (!unit(r, UNIT_KEY))
			return false;
		enum dkey k = (enum dkey)r->key_kind;
		ows(r);
		if (r->p >= r->end || *r->p != ':')
			return fail(r, r->p, "invalid JSON: expected ':' after an object key");
		r->p++;
		ows(r);
		if (r->p >= r->end)
			return fail(r, r->p, "invalid JSON: unexpected end of file");
		if (!doc_member(r, k))
			return false;
		ows(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			ows(r);
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return true;
		}
		if (r->p >= r->end)
			return fail(r, r->p, "invalid JSON: unexpected end of file");
		return fail(r, r->p, "invalid JSON: expected ',' or '}' in an object");
	}
}

/* A byte that may start a JSON text (after white space and a byte order mark). */
static bool json_start(char c)
{
	return c == '[' || c == '{' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
	       c == 't' || c == 'f' || c == 'n';
}

static bool parse(struct jr *r)
{
	while (r->end - r->p < 3 && !r->eof) {
		const char *keep = r->p;
		if (!refill(r, &keep, false) && r->fail_at)
			return false;
	}
	if (r->end - r->p >= 3 && memcmp(r->p, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3; /* a byte order mark, as Windows editors write */
	ows(r);
	if (r->fail_at)
		return false;
	if (r->p >= r->end)
		return fail(r, r->p, "empty file, expected a JSON array or object of users");
	if (!json_start(*r->p)) {
		/* Not JSON at all (/dev/zero, a binary, a spreadsheet): said at once, in words
		 * about the input rather than about JSON's grammar. */
		size_t line = r->base_line, col = r->base_col;
		advance(&line, &col, r->base, r->p);
		return fail_whole(r, CD_INPUT, "'%s' is not JSON: first byte 0x%02x at %zu:%zu",
				  r->path, (unsigned char)*r->p, line, col);
	}
	if (*r->p == '[') {
		if (!users_array(r))
			return false;
		ows(r);
		if (r->p < r->end)
			return fail(r, r->p, "invalid JSON: unexpected text after the array of users");
		return !r->fail_at;
	}
	if (*r->p != '{')
		return fail(r, r->p, "expected a JSON array or object of users, found %s",
			    user_json_kind(*r->p));
	/* One object with "Users", or a stream of {"User":{...}} documents. */
	while (r->p < r->end) {
		if (*r->p != '{')
			return fail(r, r->p, "invalid JSON: expected '{' to start the next document");
		r->doc = r->p;
		r->doc_gone = false;
		r->doc_has_users = false;
		if (!document(r))
			return false;
		if (!r->doc_has_users) {
			if (r->doc_gone) {
				r->fail_pos = true;
				r->fail_line = r->doc_line;
				r->fail_col = r->doc_col;
			}
			return fail(r, r->doc ? r->doc : r->p,
				    "no \"Users\" array or \"User\" object in this document");
		}
		r->doc = NULL;
		ows(r);
	}
	return !r->fail_at;
}

enum cd_result source_file_load(const char *path, struct user_set *users, struct source_meta *meta,
				char *err, size_t errlen)
{
	enum cd_result rc = CD_OK;
	struct jr r;
	memset(&r, 0, sizeof r);
	buf_init(&r.scratch, JR_SCRATCH_MAX);
	buf_init(&r.key, 1 << 20);
	buf_init(&r.ids, JR_SCRATCH_MAX);
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		rc = CD_INPUT;
		goto out;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		rc = CD_INPUT;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot read '%s': it is a directory", path);
		rc = CD_INPUT;
		goto out;
	}
	r.fd = fd;
	/* a small file gets a window of its size (the fuzzers load thousands a second) */
	r.wfirst = first_window;
	if (S_ISREG(st.st_mode) && first_window == JR_WINDOW && (uint64_t)st.st_size < JR_WINDOW)
		r.wfirst = (size_t)st.st_size + 64;
	r.base = r.p = r.end = "";
	r.base_line = r.base_col = 1;
	r.path = path;
	r.users = users;
	r.meta = meta;
	if (!parse(&r)) {
		if (r.whole_msg) {
			snprintf(err, errlen, "%s", r.msg);
		} else {
			size_t line = r.base_line, col = r.base_col;
			if (r.fail_pos) {
				line = r.fail_line;
				col = r.fail_col;
			} else {
				advance(&line, &col, r.base, r.fail_at);
			}
			snprintf(err, errlen, "'%s':%zu:%zu: %s", path, line, col, r.msg);
		}
		rc = r.rc;
	}
out:
	free(r.win);
	if (fd >= 0 && !is_stdin)
		close(fd);
	buf_release(&r.scratch);
	buf_release(&r.key);
	buf_release(&r.ids);
	free(r.idv);
	return rc;
}
