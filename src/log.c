/* log.c -- levels, timestamps, log file and TTY-aware progress line. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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
	int colour;             /* -1 not decided yet, 0 no, 1 yes */
	size_t cols;            /* the terminal's width, 0 until read */
} L = { PTHREAD_MUTEX_INITIALIZER, "connect-dupes", LOG_INFO, LOG_DEBUG, NULL,
	BUF_INIT(LOG_EARLY_MAX), false, false, -1, 0 };

/* Set by SIGWINCH, read at the next redraw: a handler may do nothing more (the width is read
 * with ioctl outside it, under the lock). */
static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

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

/* Colour only on a terminal, never with NO_COLOR set to anything (https://no-color.org) nor
 * on a terminal that says it cannot (TERM=dumb). Decided once. */
static bool colour_locked(void)
{
	if (L.colour < 0) {
		const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
		L.colour = isatty(STDERR_FILENO) && !(nc && nc[0]) &&
			   !(term && strcmp(term, "dumb") == 0);
	}
	return L.colour == 1;
}

bool log_colour(void)
{
	pthread_mutex_lock(&L.lock);
	bool c = colour_locked();
	pthread_mutex_unlock(&L.lock);
	return c;
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
		bool c = colour_locked();
		if (level == LOG_ERROR)
			fprintf(stderr, "%s: %serror:%s %s\n", L.prog, c ? "\033[1;31m" : "",
				c ? "\033[0m" : "", msg);
		else if (level == LOG_WARN)
			fprintf(stderr, "%s: %swarning:%s %s\n", L.prog, c ? "\033[1;33m" : "",
				c ? "\033[0m" : "", msg);
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
	if (L.progress_on) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_winch;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGWINCH, &sa, NULL);
		winch = 1;
	}
	pthread_mutex_unlock(&L.lock);
}

bool log_progress_active(void)
{
	return L.progress_on;
}

/* Columns a string takes: one per UTF-8 character (the line is ASCII in practice). */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* Byte length of the longest prefix of s[0..n) that takes at most `max` columns. */
static size_t prefix_for(const char *s, size_t n, size_t max)
{
	size_t c = 0, i = 0;
	for (; i < n; i++) {
		bool start = ((unsigned char)s[i] & 0xC0) != 0x80;
		if (start && c++ == max)
			break;
	}
	return i;
}

size_t log_progress_fit(const char *line, size_t cols)
{
	size_t n = strlen(line);
	if (cols == 0 || columns(line, n) <= cols)
		return n;
	/* Drop whole " | " fields from the end while the rest is too wide. */
	const char *cut = NULL;
	for (const char *p = line; (p = strstr(p, " | ")) != NULL; p += 3) {
		if (columns(line, (size_t)(p - line)) > cols)
			break;
		cut = p;
	}
	if (cut)
		return (size_t)(cut - line);
	return prefix_for(line, n, cols);
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
	if (winch || L.cols == 0) {
		struct winsize ws;
		winch = 0;
		L.cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
	}
	if (L.console >= LOG_INFO) {
		/* One column short of the width: writing the last column leaves many terminals
		 * in a pending wrap that the next \r does not undo. */
		size_t n = log_progress_fit(msg, L.cols > 1 ? L.cols - 1 : 1);
		fprintf(stderr, "\r\033[K%.*s", (int)n, msg);
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
