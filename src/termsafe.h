/* termsafe.h -- text from data made safe for a terminal and a log: no control character passes. */
#ifndef CD_TERMSAFE_H
#define CD_TERMSAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Copies the NUL-terminated src into dst (dstlen bytes, always NUL-terminated, cut on a
 * character boundary when full) with every character a terminal could act on written as text:
 * C0 controls and DEL as "\xNN" (ESC, BEL, CR, a newline that would forge a log line), the C1
 * controls U+0080-U+009F as "\u00NN", and each byte of invalid UTF-8 as "\xNN" (a lone 0x9b is
 * CSI to a terminal that is not in UTF-8 mode). Valid UTF-8 text is kept as it is (Müller,
 * 山田). Returns the length written. */
size_t termsafe_copy(char *dst, size_t dstlen, const char *src);

/* Writes s to f by the same rules, but newlines pass: for what a command prints on standard
 * output about data (explain's waterfall, listings). */
void termsafe_fput(FILE *f, const char *s);

#endif
