/* creds_process.c -- credential_process: split the command as botocore does, run it, read JSON. */
#include "aws/creds_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "buf.h"

extern char **environ;

/* Splits a command line the way botocore does (shlex, POSIX mode): white space separates words,
 * single quotes are literal, double quotes allow \" \\ \$ \`, a backslash outside quotes
 * escapes the next character. Returns the number of words or -1 on an unterminated quote. */
static int split_command(const char *cmd, char *storage, size_t storelen, char **argv, int max)
{
	int argc = 0;
	size_t o = 0;
	const char *s = cmd;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		if (argc >= max - 1)
			return -1;
		argv[argc++] = storage + o;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
			if (o + 2 >= storelen)
				return -1;
			if (*s == '\'') {
				const char *e = strchr(s + 1, '\'');
				if (!e || o + (size_t)(e - s) + 2 >= storelen)
					return -1;
				memcpy(storage + o, s + 1, (size_t)(e - s - 1));
				o += (size_t)(e - s - 1);
				s = e + 1;
			} else if (*s == '"') {
				for (s++; *s && *s != '"'; s++) {
					if (o + 2 >= storelen)
						return -1;
					if (*s == '\\' && (s[1] == '"' || s[1] == '\\' || s[1] == '$' ||
							   s[1] == '`'))
						s++;
					storage[o++] = *s;
				}
				if (*s != '"')
					return -1;
				s++;
			} else if (*s == '\\' && s[1]) {
				storage[o++] = s[1];
				s += 2;
			} else {
				storage[o++] = *s++;
			}
		}
		storage[o++] = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum cd_result creds_from_process(struct creds_provider *p, const char *profile,
				  const char *cmd, struct creds *out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	char storage[8192], *argv[128], chunk[4096];
	int pipefd[2] = { -1, -1 };
	pid_t pid = -1;
	struct buf o = BUF_INIT(SMALL_MAX);
	json_t *j = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	bool fa_init = false, attr_init = false;
	creds_looked(p, "credential_process of profile '%s'", profile);
	if (strlen(cmd) >= sizeof storage || split_command(cmd, storage, sizeof storage, argv, 128) < 1) {
		snprintf(err, errlen, "the credential_process of profile '%s' cannot be parsed "
			 "(unbalanced quotes?)", profile);
		return CD_AUTH;
	}
	double timeout_s = 60;
	const char *t = getenv("CONNECT_DUPES_CREDENTIAL_PROCESS_TIMEOUT");
	if (t && atof(t) > 0)
		timeout_s = atof(t);
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot run the credential_process: %s", strerror(errno));
		r = CD_INTERNAL;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	fa_init = true;
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	attr_init = true;
	/* its own process group, so a timeout kills whatever it started too */
	posix_spawnattr_setpgroup(&attr, 0);
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	int se = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	close(pipefd[1]);
	pipefd[1] = -1;
	if (se != 0) {
		pid = -1;
		snprintf(err, errlen, "cannot run the credential_process '%.100s' of profile '%s': %s",
			 argv[0], profile, strerror(se));
		r = CD_AUTH;
		goto out;
	}
	double deadline = mono_now() + timeout_s;
	for (;;) {
		double left = deadline - mono_now();
		if (left <= 0) {
			kill(-pid, SIGKILL);
			snprintf(err, errlen, "the credential_process of profile '%s' did not finish in "
				 "%.0f s", profile, timeout_s);
			r = CD_AUTH;
			goto out;
		}
		struct pollfd pfd = { pipefd[0], POLLIN, 0 };
		int pr = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue;
		ssize_t n = read(pipefd[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_append(&o, chunk, (size_t)n) != CD_OK) {
			kill(-pid, SIGKILL);
			snprintf(err, errlen, "the credential_process of profile '%s' wrote too much",
				 profile);
			r = CD_AUTH;
			goto out;
		}
	}
	int status = 0;
	/* stdout is closed; give it the rest of the time to exit */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = 0;
			break;
		}
		if (mono_now() > deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(10 * 1000);
	}
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status))
			snprintf(err, errlen, "the credential_process of profile '%s' failed (exit "
				 "status %d)", profile, WEXITSTATUS(status));
		else
			snprintf(err, errlen, "the credential_process of profile '%s' was killed by "
				 "signal %d", profile, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		r = CD_AUTH;
		goto out;
	}
	json_error_t je;
	j = json_loadb(o.data ? o.data : "", o.len, 0, &je);
	if (!j || !json_is_object(j)) {
		snprintf(err, errlen, "the credential_process of profile '%s' did not print a JSON "
			 "object", profile);
		r = CD_AUTH;
		goto out;
	}
	json_t *v = json_object_get(j, "Version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		snprintf(err, errlen, "the credential_process of profile '%s' printed an unsupported "
			 "Version (want 1)", profile);
		r = CD_AUTH;
		goto out;
	}
	char what[200];
	snprintf(what, sizeof what, "the credential_process of profile '%s'", profile);
	r = creds_from_json(j, out, what, err, errlen);
	if (r == CD_OK) {
		snprintf(out->provider, sizeof out->provider, "credential-process");
		snprintf(out->source, sizeof out->source, "profile '%s'", profile);
	}
out:
	if (pid > 0) {
		int st;
		kill(-pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_init)
		posix_spawnattr_destroy(&attr);
	json_decref(j);
	if (o.data)
		OPENSSL_cleanse(o.data, o.len);
	OPENSSL_cleanse(chunk, sizeof chunk);
	buf_release(&o);
	return r;
}
