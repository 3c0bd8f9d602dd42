/* log.c -- levels, timestamps, log file and TTY-aware progress line. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "termsafe.h"

#define LOG_EARLY_MAX (1u << 20) /* lines kept before the log file opens */

static struct {
	pthread_mutex_t lock;
	const char *prog;
	enum log_level console;
	enum log_level file_level;
	FILE *file;
	struct buf early;       /* lines logged before log_open_file */
	bool progress_on;       /* progress line wanted and stderr is a terminal */
	bool progress_shown;    /* a progress line is on screen now */
} L = { PTHREAD_MUTEX_INITIALIZER, "connect-dupes", LOG_INFO, LOG_DEBUG, NULL,
	BUF_INIT(LOG_EARLY_MAX), false, false };

static const char *level_name(enum log_level l)
{
	switch (l) {
	case LOG_ERROR: return "ERROR";
	case LOG_WARN: return "WARN";
	case LOG_INFO: return "INFO";
	case LOG_DEBUG: return "DEBUG";
	}
	return "?";
}

void log_init(const char *prog, enum log_level console)
{
	pthread_mutex_lock(&L.lock);
	L.prog = prog;
	L.console = console;
	pthread_mutex_unlock(&L.lock);
}

void log_set_console_level(enum log_level console)
{
	pthread_mutex_lock(&L.lock);
	L.console = console;
	pthread_mutex_unlock(&L.lock);
}

enum cd_result log_open_file(const char *path, enum log_level file_level, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create log file '%s': %s", path, strerror(errno));
		return CD_IO;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		snprintf(err, errlen, "cannot open log file '%s': %s", path, strerror(errno));
		return CD_IO;
	}
	pthread_mutex_lock(&L.lock);
	if (L.file)
		fclose(L.file);
	L.file = f;
	L.file_level = file_level;
	if (L.early.len)
		fwrite(L.early.data, 1, L.early.len, f);
	buf_release(&L.early);
	fflush(f);
	pthread_mutex_unlock(&L.lock);
	return CD_OK;
}

void log_close_file(void)
{
	pthread_mutex_lock(&L.lock);
	if (L.file)
		fclose(L.file);
	L.file = NULL;
	pthread_mutex_unlock(&L.lock);
}

static void clear_progress_locked(void)
{
	if (L.progress_shown) {
		fputs("\r\033[K", stderr);
		L.progress_shown = false;
	}
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
	char raw[4096], msg[4096 * 4];
	vsnprintf(raw, sizeof raw, fmt, ap);
	/* Messages quote data (names, ids, server errors): escape it here, once, so that neither
	 * the terminal nor the log file ever receives a control sequence or a forged line. */
	termsafe_copy(msg, sizeof msg, raw);
	/* An error or warning must say why; an empty one is a bug, but the user still learns that
	 * much (tests/cli/error_reasons.sh fails on both). */
	if (!msg[0] && level <= LOG_WARN)
		snprintf(msg, sizeof msg, "a failure without a message (a bug: please report it with the log file)");

	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);

	pthread_mutex_lock(&L.lock);
	if (level <= L.console) {
		clear_progress_locked();
		if (level == LOG_ERROR)
			fprintf(stderr, "%s: error: %s\n", L.prog, msg);
		else if (level == LOG_WARN)
			fprintf(stderr, "%s: warning: %s\n", L.prog, msg);
		else
			fprintf(stderr, "%s\n", msg);
	}
	if (L.file) {
		if (level <= L.file_level) {
			fprintf(L.file, "[%s] %-5s %s\n", stamp, level_name(level), msg);
			fflush(L.file);
		}
	} else {
		/* Kept until the log file opens; silently capped. */
		buf_printf(&L.early, "[%s] %-5s %s\n", stamp, level_name(level), msg);
	}
	pthread_mutex_unlock(&L.lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

#define LOG_FN(name, level)                    \
	void name(const char *fmt, ...)        \
	{                                      \
		va_list ap;                    \
		va_start(ap, fmt);             \
		vlog(level, fmt, ap);          \
		va_end(ap);                    \
	}
LOG_FN(log_error, LOG_ERROR)
LOG_FN(log_warn, LOG_WARN)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_debug, LOG_DEBUG)

void log_progress_enable(bool on)
{
	pthread_mutex_lock(&L.lock);
	L.progress_on = on && isatty(STDERR_FILENO);
	pthread_mutex_unlock(&L.lock);
}

bool log_progress_active(void)
{
	return L.progress_on;
}

void log_progress(const char *fmt, ...)
{
	if (!L.progress_on)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&L.lock);
	if (L.console >= LOG_INFO) {
		fprintf(stderr, "\r\033[K%s", msg);
		fflush(stderr);
		L.progress_shown = true;
	}
	pthread_mutex_unlock(&L.lock);
}

void log_progress_done(void)
{
	pthread_mutex_lock(&L.lock);
	clear_progress_locked();
	pthread_mutex_unlock(&L.lock);
}
