/* emu_json.h -- JSON timestamps for the emulator's hot paths (no jansson tree; strings: jsonesc.h). */
#ifndef CD_EMU_JSON_H
#define CD_EMU_JSON_H

#include "buf.h"

/* Appends an epoch-seconds timestamp the way the service sends them (a JSON number, ms). */
enum cd_result emu_json_time(struct buf *b, double t);

#endif
