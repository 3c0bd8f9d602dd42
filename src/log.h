/* log.h -- levels, timestamps, the run's log file and the live progress line. */
#ifndef CD_LOG_H
#define CD_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include "result.h"

/* The logger is the one piece of process-wide state: messages come from the CLI layer (modules
 * do not print, they fill error buffers), and every line also goes to the run's log file.
 * Never pass secrets, signatures or Authorization headers to it. Thread-safe. */
enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* `prog` prefixes console lines ("connect-dupes: error: ..."); `console` is the most verbose
 * level shown on stderr (-q: LOG_ERROR, default LOG_INFO, -v: LOG_DEBUG). */
void log_init(const char *prog, enum log_level console);
void log_set_console_level(enum log_level console);

/* Opens (creates 0600, truncates) the log file; every later line, at any level up to
 * `file_level`, is written there with a "[YYYY-MM-DD HH:MM:SS] LEVEL" prefix. Lines logged
 * before the file was opened are kept in memory and written first, so the file tells the whole
 * run. `err` receives a one-line reason on failure. */
enum cd_result log_open_file(const char *path, enum log_level file_level, char *err, size_t errlen);
void log_close_file(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The live progress line: on a terminal (and when enabled) it is redrawn in place on stderr;
 * elsewhere it is dropped (callers log a periodic line instead). log_progress_done() clears it.
 * Other log lines clear it first so output never interleaves. The line never wraps: it is cut
 * to the terminal's width (read again after SIGWINCH), dropping whole " | "-separated fields
 * from the end, so a caller puts what matters first. */
void log_progress_enable(bool on);
bool log_progress_active(void);
void log_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_progress_done(void);
/* How many bytes of `line` log_progress shows in `cols` columns (for tests). */
size_t log_progress_fit(const char *line, size_t cols);

/* Whether messages may use colour: stderr is a terminal, NO_COLOR is unset or empty and TERM
 * is not "dumb". */
bool log_colour(void);

#endif
