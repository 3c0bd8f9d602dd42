/* emu_json.c -- the timestamp writer for responses built by hand (strings go through jsonesc). */
#include "emu_json.h"

enum cd_result emu_json_time(struct buf *b, double t)
{
	/* %.15g keeps millisecond precision for present-day epochs, as jansson's
	 * JSON_REAL_PRECISION(15) does for the bodies built with it. */
	return buf_printf(b, "%.15g", t);
}
