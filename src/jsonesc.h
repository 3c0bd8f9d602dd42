/* jsonesc.h -- the one JSON string escaper, for every writer that builds JSON by hand. */
#ifndef CD_JSONESC_H
#define CD_JSONESC_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "result.h"

/* The rules, once: '"' and '\\' get a backslash; \n \r \t \b \f their short forms; every other
 * byte below 0x20 becomes \u00xx (lower-case hex). Everything else, UTF-8 included, goes out
 * as it is (the writers' inputs are valid UTF-8 already). Writes the escape for byte c into e
 * and returns its length, or 0 when c needs none. */
size_t jsonesc_byte(unsigned char c, char e[6]);

/* Length of the run at s that needs no escape (stops at NUL, a control byte, '"', '\\'). */
size_t jsonesc_plain(const char *s);

/* Appends the NUL-terminated s to b as a quoted JSON string. CD_TOOBIG/CD_NOMEM as buf_append. */
enum cd_result jsonesc_append(struct buf *b, const char *s);

/* Writes s to f as a quoted JSON string (write errors show in ferror(f)). */
void jsonesc_fput(FILE *f, const char *s);

/* As jsonesc_fput, for JSON inside an HTML <script type="application/json"> element: also '<'
 * becomes \u003c (so neither "</script" nor "<!--" can end or bend the element) and U+2028,
 * U+2029 become \u2028, \u2029 (line terminators to older JavaScript parsers). JSON.parse
 * reads back the same string. */
void jsonesc_fput_script(FILE *f, const char *s);

#endif
