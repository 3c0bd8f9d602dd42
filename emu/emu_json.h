/* emu_json.h -- small JSON writing helpers for the emulator's hot paths (no jansson tree). */
#ifndef CD_EMU_JSON_H
#define CD_EMU_JSON_H

#include "buf.h"

/* Appends s as a JSON string literal, quotes included (UTF-8 passed through, controls escaped). */
enum cd_result emu_json_string(struct buf *b, const char *s);
/* Appends an epoch-seconds timestamp the way the service sends them (a JSON number, ms). */
enum cd_result emu_json_time(struct buf *b, double t);

#endif
