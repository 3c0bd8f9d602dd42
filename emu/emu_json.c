/* emu_json.c -- JSON string and timestamp writers for responses built by hand. */
#include "emu_json.h"

#include <string.h>

enum cd_result emu_json_string(struct buf *b, const char *s)
{
	enum cd_result r = buf_putc(b, '"');
	const char *run = s;
	for (; r == CD_OK && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		r = buf_append(b, run, (size_t)(s - run));
		if (r != CD_OK)
			break;
		if (c == '"' || c == '\\')
			r = buf_printf(b, "\\%c", c);
		else if (c == '\n')
			r = buf_puts(b, "\\n");
		else
			r = buf_printf(b, "\\u%04x", c);
		run = s + 1;
	}
	if (r == CD_OK)
		r = buf_append(b, run, (size_t)(s - run));
	if (r == CD_OK)
		r = buf_putc(b, '"');
	return r;
}

enum cd_result emu_json_time(struct buf *b, double t)
{
	/* %.15g keeps millisecond precision for present-day epochs, as jansson's
	 * JSON_REAL_PRECISION(15) does for the bodies built with it. */
	return buf_printf(b, "%.15g", t);
}
