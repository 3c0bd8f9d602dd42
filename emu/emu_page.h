/* emu_page.h -- opaque pagination tokens, deliberately full of '+', '/' and '='. */
#ifndef CD_EMU_PAGE_H
#define CD_EMU_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "emu_op.h"

/* Base64 text of: a fixed prefix that encodes to "+/+/", version, operation, position, and a
 * 32-bit check keyed by `key` over all of it and the instance id, so a token only works for the
 * operation and instance that issued it and a mangled one (a '+' decoded to a space because the
 * client did not percent-encode it) is refused instead of silently restarting. */
#define EMU_PAGE_TOKEN_MAX 32

void emu_page_encode(uint64_t key, enum emu_op op, const char *instance_id, size_t pos,
		     char out[EMU_PAGE_TOKEN_MAX]);
/* true and *pos when tok is a token emu_page_encode made for (key, op, instance_id). */
bool emu_page_decode(uint64_t key, enum emu_op op, const char *instance_id, const char *tok,
		     size_t *pos);

#endif
