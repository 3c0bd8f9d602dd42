/* csv.c -- RFC 4180 CSV rows and the two compatible CSV reports, with the injection guard. */
#include "report/csv.h"

#include <string.h>

static bool needs_guard(const char *s, bool raw)
{
	return !raw && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
			s[0] == '\r');
}

static bool needs_quotes(const char *s)
{
	return strpbrk(s, ",\"\r\n") != NULL;
}

enum cd_result csv_cell(struct buf *b, const char *s, bool raw)
{
	enum cd_result rc = CD_OK;
	bool quote = needs_quotes(s);
	if (quote)
		rc = buf_putc(b, '"');
	if (rc == CD_OK && needs_guard(s, raw))
		rc = buf_putc(b, '\'');
	if (rc == CD_OK && !quote)
		return buf_puts(b, s);
	for (const char *p = s; rc == CD_OK && *p; p++) {
		if (*p == '"')
			rc = buf_putc(b, '"');
		if (rc == CD_OK)
			rc = buf_putc(b, *p);
	}
	if (rc == CD_OK && quote)
		rc = buf_putc(b, '"');
	return rc;
}


/* The bytes that end a plain cell: NUL and those that make it quoted. */
static const bool cell_stop[256] = { [0] = true, [','] = true, ['"'] = true, ['\r'] = true,
				     ['\n'] = true };

/* Cells go straight into the report's stdio buffer (the one buffer between the writer and
 * the file); the common cell, with no special character, is found by one scan (a table look-up
 * per byte: cells are short, and strcspn's setup per call cost 4% of analyze at 100,000 users)
 * and written by one fwrite. */
static void put_cell(FILE *f, const char *s, bool raw)
{
	size_t n = 0;
	while (!cell_stop[(unsigned char)s[n]])
		n++;
	bool quote = s[n] != '\0';
	if (quote)
		putc_unlocked('"', f);
	if (needs_guard(s, raw))
		putc_unlocked('\'', f);
	if (!quote) {
		fwrite_unlocked(s, 1, n, f);
		return;
	}
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			putc_unlocked('"', f);
		putc_unlocked(*p, f);
	}
	putc_unlocked('"', f);
}

static void row(FILE *f, const char *const *cells, size_t n, bool raw)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc_unlocked(',', f);
		put_cell(f, cells[i], raw);
	}
	fwrite_unlocked("\r\n", 1, 2, f);
}

void csv_row(FILE *f, const char *const *cells, size_t n, bool raw)
{
	row(f, cells, n, raw);
}

void csv_write_users(FILE *f, const struct user_set *users, bool raw)
{
	static const char *const head[] = { "Username", "Email", "FirstName", "LastName",
					    "User_ID", "ARN" };
	row(f, head, 6, true);
	for (size_t i = 0; i < users->n; i++) {
		const struct user *u = &users->v[i];
		const char *cells[] = { u->username, u->email, u->first_name, u->last_name, u->id,
					u->arn };
		row(f, cells, 6, raw);
	}
}

void csv_write_pairs(FILE *f, const struct user_set *users, const struct rule_pairs *pairs,
		     bool raw)
{
	static const char *const head[] = {
		"User1_ID", "User1_Username", "User1_Email", "User1_FirstName", "User1_LastName",
		"User2_ID", "User2_Username", "User2_Email", "User2_FirstName", "User2_LastName",
		"Reason"
	};
	row(f, head, 11, true);
	for (int k = 0; k < RULE_COUNT; k++) {
		for (size_t i = 0; i < pairs->n[k]; i++) {
			const struct rule_pair *p = &pairs->v[k][i];
			const struct user *a = &users->v[p->a], *b = &users->v[p->b];
			const char *cells[] = { a->id, a->username, a->email, a->first_name,
						a->last_name, b->id, b->username, b->email,
						b->first_name, b->last_name, p->reason };
			row(f, cells, 11, raw);
		}
	}
}
