/* gen_ident.c -- e-mails, usernames and phone numbers, unique across different people. */
#include "gen_int.h"

#include <stdio.h>
#include <string.h>

#include "hash.h"

/* Identifier key: an e-mail's local part or a username (without its domain), lower-cased, plus
 * tag dropped, letters and digits only. Keeping these unique across unrelated people means no
 * two of them share an e-mail, a username, a gmail dot variant or a username that is someone
 * else's e-mail by accident: every such match in the output was planted. */
static uint64_t ident_key(const char *s)
{
	char t[256];
	size_t n = 0;
	for (; *s && *s != '@' && *s != '+' && n < sizeof t; s++) {
		char c = alower(*s);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80)
			t[n++] = c;
	}
	return hash_bytes(t, n) ^ 0x6964;
}

static uint64_t phone_key(const char *s)
{
	return hash_bytes(s, strlen(s)) ^ 0x7068;
}

/* ---- identifiers --------------------------------------------------------------------- */

static int owns_key(const struct acct *a, uint64_t k)
{
	for (size_t i = 0; i < a->nkeys; i++)
		if (a->keys[i] == k)
			return 1;
	return 0;
}

/* Free for this person: nobody else holds the key (the person's own keys are fine). */
int ident_free(const struct gen_ctx *g, const struct acct *a, const char *s)
{
	uint64_t k = ident_key(s);
	return owns_key(a, k) || !htab_has(&g->idents, k);
}

int claim(struct gen_ctx *g, struct acct *a, const char *s)
{
	if (!*s)
		return 0;
	uint64_t k = ident_key(s);
	if (owns_key(a, k))
		return 0;
	if (a->nkeys < sizeof a->keys / sizeof a->keys[0])
		a->keys[a->nkeys++] = k;
	return htab_add(&g->idents, k);
}

/* Local part styles companies use: first.last, flast, firstl, first_last. */
static void local_style(struct gen_ctx *g, const struct acct *a, int style, char *out, size_t n)
{
	const char *f = a->first_key[0] ? a->first_key : "user";
	const char *l = a->last_key[0] ? a->last_key : "agent";
	char fi[2] = { f[0], 0 }, li[2] = { l[0], 0 };
	out[0] = 0;
	switch (style) {
	case 0: scat(out, n, f); scat(out, n, "."); scat(out, n, l); break;
	case 1: scat(out, n, fi); scat(out, n, l); break;
	case 2: scat(out, n, f); scat(out, n, li); break;
	case 3: scat(out, n, f); scat(out, n, "_"); scat(out, n, l); break;
	default: scat(out, n, f); scat(out, n, l); break;
	}
}

/* Appends digits until the identifier is free for this person: john.smith, then john.smith2,
 * john.smith3 ... as admins number them. The next number per base is remembered, so a common
 * name costs one probe, not one per earlier namesake. */
static void make_unique(struct gen_ctx *g, const struct acct *a, const char *base,
	const char *suffix, char *out, size_t n)
{
	char num[24];
	scpy(out, n, base);
	scat(out, n, suffix);
	if (owns_key(a, ident_key(out))) /* the person's own: username = e-mail local part */
		return;
	uint32_t *next = htab_slot(&g->idnext, ident_key(base), 1);
	uint32_t i = next ? *next : 0;
	for (uint32_t tries = 0; i || !ident_free(g, a, out); tries++, i++) {
		if (i) {
			snprintf(num, sizeof num, "%u", (unsigned)i + 1);
			scpy(out, n, base);
			scat(out, n, num);
			scat(out, n, suffix);
			if (ident_free(g, a, out))
				break;
		}
		if (tries > 1000000) /* cannot happen with 32-bit numbers to spare; stay bounded */
			break;
	}
	if (next)
		*next = i + 1;
}

const char *pick_domain(struct gen_ctx *g, const char *avoid)
{
	for (int t = 0; t < 8; t++) {
		const char *d = rng_pct(&g->r, 70) ? names_domains[0]
						   : names_domains[1 + rng_below(&g->r, names_ndomains - 1)];
		if (!avoid || strcmp(d, avoid))
			return d;
	}
	return !avoid || strcmp(avoid, names_domains[1]) ? names_domains[1] : names_domains[2];
}

const char *domain_of(const char *email)
{
	const char *at = strchr(email, '@');
	return at ? at + 1 : "";
}

void local_of(const char *email, char *out, size_t n)
{
	const char *at = strchr(email, '@');
	scpy(out, n, email);
	if (at && (size_t)(at - email) < n)
		out[at - email] = 0;
}

/* A company e-mail for the person at domain d (NULL: pick one), unique among other people. */
void new_email(struct gen_ctx *g, struct acct *a, const char *d, int style, char *out,
	size_t n)
{
	char local[STRLEN], suffix[STRLEN];
	if (style < 0) {
		size_t s = rng_below(&g->r, 100);
		style = s < 55 ? 0 : s < 80 ? 1 : s < 88 ? 2 : s < 95 ? 3 : 4;
	}
	local_style(g, a, style, local, sizeof local);
	scpy(suffix, sizeof suffix, "@");
	scat(suffix, sizeof suffix, d ? d : pick_domain(g, NULL));
	make_unique(g, a, local, suffix, out, n);
}

void personal_email(struct gen_ctx *g, struct acct *a, const char *d, char *out, size_t n)
{
	char local[STRLEN], suffix[STRLEN], num[16];
	local_style(g, a, rng_pct(&g->r, 50) ? 0 : 4, local, sizeof local);
	if (rng_pct(&g->r, 60)) {
		snprintf(num, sizeof num, "%u", (unsigned)(60 + rng_below(&g->r, 45)) % 100);
		scat(local, sizeof local, num);
	}
	scpy(suffix, sizeof suffix, "@");
	scat(suffix, sizeof suffix,
		d ? d : names_personal_domains[rng_below(&g->r, names_npersonal_domains)]);
	make_unique(g, a, local, suffix, out, n);
}

/* Username styles: the e-mail itself, first.last, flast, flast with digits, employee number. */
void new_username(struct gen_ctx *g, struct acct *a, int style, char *out, size_t n)
{
	char base[STRLEN], num[16];
	if (style < 0) {
		size_t s = rng_below(&g->r, 100);
		style = s < 35 ? 0 : s < 60 ? 1 : s < 80 ? 2 : s < 92 ? 3 : 4;
	}
	switch (style) {
	case 0:
		if (a->email[0]) {
			scpy(out, n, a->email);
			if (ident_free(g, a, out) && strlen(out) <= USERNAME_MAX)
				return;
		}
		/* fall through */
	case 1:
		local_style(g, a, 0, base, sizeof base);
		break;
	case 2:
		local_style(g, a, 1, base, sizeof base);
		break;
	case 3:
		local_style(g, a, 1, base, sizeof base);
		snprintf(num, sizeof num, "%u", (unsigned)(1 + rng_below(&g->r, 99)));
		scat(base, sizeof base, num);
		break;
	default:
		snprintf(base, sizeof base, "%c%06u", "aeu"[rng_below(&g->r, 3)],
			(unsigned)rng_below(&g->r, 1000000));
		break;
	}
	make_unique(g, a, base, "", out, n);
	if (strlen(out) > USERNAME_MAX) /* the service's limit; long double names hit it */
		new_username(g, a, 4, out, n);
}

int new_phone(struct gen_ctx *g, const struct acct *a, char *out, size_t n)
{
	const struct names_culture *c = g->cult[a->culture].c;
	for (int t = 0; t < MAX_TRIES; t++) {
		char digits[24];
		int k = 0;
		for (; k < c->phone_digits && k < 20; k++)
			digits[k] = (char)('0' + rng_below(&g->r, 10));
		digits[k] = 0;
		if (!strcmp(c->phone_cc, "+1")) /* NANP: area code and exchange start with 2-9 */
			digits[0] = (char)('2' + rng_below(&g->r, 8)), digits[3] = (char)('2' + rng_below(&g->r, 8));
		snprintf(out, n, "%s%s%s", c->phone_cc, c->phone_prefix, digits);
		if (!htab_has(&g->phones, phone_key(out)))
			return htab_add(&g->phones, phone_key(out));
	}
	return -1;
}
