/* normalize.h -- the normalised forms detection compares: text, names, e-mail addresses, phones. */
#ifndef CD_DETECT_NORMALIZE_H
#define CD_DETECT_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "result.h"

/* Every function here appends to `out` (the caller owns and resets it) and never fails on odd
 * input: text that is not valid UTF-8 is lower-cased byte by byte instead, so one broken record
 * cannot stop a scan. Only CD_NOMEM / CD_TOOBIG from the buffer are returned. */

/* Unicode text for matching: compatibility composition (NFKC: full-width letters, ligatures),
 * case folding, combining marks stripped (accents), default-ignorable code points removed
 * (zero-width space, soft hyphen), a fold table for letters with no decomposition (ł→l, ø→o,
 * đ→d, æ→ae, œ→oe, ß→ss, þ→th, ı→i ...), control characters treated as space, white space
 * collapsed to one ASCII space and trimmed. "  JOSÉ\u00a0Ｍａｒｔíｎｅｚ " -> "jose martinez". */
enum cd_result norm_text(const char *s, struct buf *out);

/* norm_text, then only letters and digits kept: "O'Brien-Smith" -> "obriensmith". Used for name
 * keys so that punctuation and spacing differences do not hide a match. */
enum cd_result norm_compact(const char *s, struct buf *out);

/* norm_compact with the German umlauts written out first (ä→ae, ö→oe, ü→ue, either case,
 * precomposed or with a combining diaeresis), the transliteration German speakers use where
 * a system has no umlauts: "Jäger-Müller" -> "jaegermueller", as "Jaeger-Mueller" gives.
 * Sets *had to whether s had one (without one the result is norm_compact's). */
enum cd_result norm_compact_umlaut(const char *s, struct buf *out, int *had);

/* An e-mail address for matching: norm_text with all white space removed; when it has an '@',
 * the local part loses a "+tag", and for gmail.com / googlemail.com its dots too (Google ignores
 * them) with the domain written gmail.com; a trailing dot on the domain is dropped.
 * "John.Smith+connect@GoogleMail.com" -> "johnsmith@gmail.com". */
enum cd_result norm_email(const char *s, struct buf *out);

/* The part of a normalised address before the '@' (all of it when there is none). */
size_t norm_local_len(const char *normalised_email);

/* A phone number reduced to "+digits" (a leading "+" or international "00" kept as "+"), or
 * bare digits when the number has no country prefix. Letters end the number (an "ext"
 * suffix is not part of it). Writes at most outlen-1 bytes and a NUL; returns the digit count
 * (0 when there are none). */
size_t norm_phone(const char *s, char *out, size_t outlen);

/* Decodes UTF-8 into code points (at most max); returns how many. Invalid bytes decode as
 * themselves so lengths stay meaningful. */
size_t norm_codepoints(const char *s, uint32_t *cp, size_t max);

#endif
