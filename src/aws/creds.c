/* creds.c -- the AWS credential provider chain, in the AWS SDKs' order, with refresh. */
#include "aws/creds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "buf.h"

extern char **environ;

/* Temporary credentials are fetched again this long before they expire (botocore refreshes 15
 * to 10 minutes ahead; a scan signs requests for a few seconds at most, so 5 is plenty). */
#define REFRESH_AHEAD_S 300
/* If a refresh fails, credentials with at least this much left are still used. */
#define STILL_GOOD_S 60
/* Nesting of source_profile chains before we call it a loop. */
#define MAX_CHAIN 8
#define SMALL_MAX (256 * 1024) /* credential responses and token files */

struct creds_provider {
	const struct aws_settings *s;
	struct http_client *http;     /* STS, SSO, container */
	struct http_client *own_http; /* when the caller gave none */
	struct http_client *imds;     /* short timeouts, created on first use */
	pthread_mutex_t lock;
	struct creds cur;
	bool have;
	bool invalid;
	struct buf looked;            /* "environment, profile 'x', ..." for the final message */
};

void creds_clear(struct creds *c)
{
	if (c)
		OPENSSL_cleanse(c, sizeof *c);
}

struct sigv4_creds creds_for_sigv4(const struct creds *c)
{
	struct sigv4_creds s = { c->access_key_id, c->secret_access_key, c->session_token };
	return s;
}

const char *creds_key_hint(const struct creds *c, char *out, size_t outlen)
{
	size_t n = strlen(c->access_key_id);
	snprintf(out, outlen, "...%s", n >= 4 ? c->access_key_id + n - 4 : "");
	return out;
}

/* ISO 8601 as AWS writes it: 2026-11-28T18:00:00Z, with optional fraction, "Z", "UTC" or
 * "+hh:mm" / "-hh:mm". */
static bool parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, used = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6)
		return false;
	const char *p = s + used;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	long off = 0;
	if (*p == 'Z' || strcmp(p, "UTC") == 0 || *p == '\0') {
		/* UTC */
	} else if (*p == '+' || *p == '-') {
		int oh = 0, om = 0;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) < 1)
			return false;
		off = (long)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
	} else {
		return false;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			 .tm_min = mi, .tm_sec = sec };
	*out = timegm(&tm) - off;
	return true;
}

static bool put(char *dst, size_t dstlen, const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (!v || n == 0 || n >= dstlen)
		return false;
	memcpy(dst, v, n + 1);
	return true;
}

/* Fills c from the three strings; false when key or secret is missing or anything is too long
 * or holds characters no credential has (a newline would become a header injection). */
static bool fill(struct creds *c, const char *akid, const char *secret, const char *token)
{
	memset(c, 0, sizeof *c);
	if (!put(c->access_key_id, sizeof c->access_key_id, akid) ||
	    !put(c->secret_access_key, sizeof c->secret_access_key, secret))
		return false;
	if (token && *token && !put(c->session_token, sizeof c->session_token, token))
		return false;
	const char *fields[3] = { c->access_key_id, c->secret_access_key, c->session_token };
	for (int i = 0; i < 3; i++)
		for (const char *p = fields[i]; *p; p++)
			if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
				return false;
	return true;
}

static void looked(struct creds_provider *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void looked(struct creds_provider *p, const char *fmt, ...)
{
	va_list ap;
	if (p->looked.len)
		buf_puts(&p->looked, ", ");
	va_start(ap, fmt);
	buf_vprintf(&p->looked, fmt, ap);
	va_end(ap);
}

static enum cd_result read_small_file(const char *path, struct buf *out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return errno == ENOENT ? CD_NOT_FOUND : CD_AUTH;
	}
	char chunk[4096];
	size_t n;
	while (r == CD_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		r = buf_append(out, chunk, n);
	if (r == CD_OK && ferror(f)) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		r = CD_AUTH;
	} else if (r == CD_TOOBIG) {
		snprintf(err, errlen, "'%s' is too large", path);
		r = CD_AUTH;
	}
	fclose(f);
	return r;
}

static void trim_buf(struct buf *b)
{
	while (b->len && isspace((unsigned char)b->data[b->len - 1]))
		b->data[--b->len] = '\0';
	size_t i = 0;
	while (i < b->len && isspace((unsigned char)b->data[i]))
		i++;
	if (i) {
		memmove(b->data, b->data + i, b->len - i + 1);
		b->len -= i;
	}
}

/* ---- environment ---------------------------------------------------------------------- */

static enum cd_result from_env(struct creds_provider *p, struct creds *out, char *err,
			       size_t errlen)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	if (!token || !*token)
		token = getenv("AWS_SECURITY_TOKEN"); /* the old name botocore still reads */
	if ((!akid || !*akid) && (!secret || !*secret))
		return CD_NOT_FOUND;
	if (!akid || !*akid || !secret || !*secret) {
		snprintf(err, errlen, "%s is set but %s is not", akid && *akid ? "AWS_ACCESS_KEY_ID" :
			 "AWS_SECRET_ACCESS_KEY", akid && *akid ? "AWS_SECRET_ACCESS_KEY" :
			 "AWS_ACCESS_KEY_ID");
		return CD_AUTH;
	}
	if (!fill(out, akid, secret, token)) {
		snprintf(err, errlen, "the AWS credentials in the environment are malformed");
		return CD_AUTH;
	}
	snprintf(out->provider, sizeof out->provider, "environment");
	snprintf(out->source, sizeof out->source, "AWS_ACCESS_KEY_ID");
	return CD_OK;
}

/* ---- HTTP helpers ---------------------------------------------------------------------- */

/* The client for STS, SSO and container calls: the caller's, or our own made on first use. */
static enum cd_result main_http(struct creds_provider *p, struct http_client **out, char *err,
				size_t errlen)
{
	enum cd_result r = CD_OK;
	if (!p->http) {
		struct http_client_opts o = {
			.ca_bundle = p->s->ca_bundle[0] ? p->s->ca_bundle : NULL,
			.connect_timeout_ms = 5000, .request_timeout_ms = 30000,
			.max_response_bytes = SMALL_MAX, .max_host_connections = 2 };
		r = http_client_new(&o, &p->own_http, err, errlen);
		p->http = p->own_http;
	}
	*out = p->http;
	return r;
}

/* JSON body -> object, or NULL with err set. */
static json_t *parse_json(const struct http_response *resp, const char *what, char *err,
			  size_t errlen)
{
	json_error_t je;
	json_t *o = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, &je);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		snprintf(err, errlen, "%s answered with something that is not a JSON object", what);
	}
	return o && json_is_object(o) ? o : NULL;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Credentials from the JSON shape the container endpoint, IMDS and credential_process share:
 * AccessKeyId, SecretAccessKey, Token or SessionToken, Expiration. */
static enum cd_result creds_from_json(json_t *o, struct creds *out, const char *what, char *err,
				      size_t errlen)
{
	const char *token = jstr(o, "Token");
	if (!token)
		token = jstr(o, "SessionToken");
	if (!fill(out, jstr(o, "AccessKeyId"), jstr(o, "SecretAccessKey"), token)) {
		snprintf(err, errlen, "%s returned no usable AccessKeyId and SecretAccessKey", what);
		return CD_AUTH;
	}
	const char *exp = jstr(o, "Expiration");
	if (exp && !parse_time(exp, &out->expiration)) {
		snprintf(err, errlen, "%s returned an Expiration that is not a time", what);
		return CD_AUTH;
	}
	return CD_OK;
}

/* ---- container credentials (ECS, CloudShell) ------------------------------------------- */

static bool container_host_ok(const struct http_url *u)
{
	if (strcmp(u->scheme, "https") == 0)
		return true;
	/* over plain http only the link-local agent addresses and loopback, as the SDKs allow */
	char host[256];
	snprintf(host, sizeof host, "%s", u->host);
	char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
	if (colon)
		colon[host[0] == '[' ? 1 : 0] = '\0';
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "localhost") == 0 ||
	       strcmp(host, "[::1]") == 0 || strcmp(host, "169.254.170.2") == 0 ||
	       strcmp(host, "169.254.170.23") == 0 || strcasecmp(host, "[fd00:ec2::23]") == 0;
}

static enum cd_result from_container(struct creds_provider *p, struct creds *out, char *err,
				     size_t errlen)
{
	enum cd_result r = CD_OK;
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	char url[2048];
	struct buf tokbuf = BUF_INIT(SMALL_MAX);
	struct http_response resp = { 0 };
	json_t *o = NULL;
	if (rel && *rel)
		snprintf(url, sizeof url, "http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
	else if (full && *full)
		snprintf(url, sizeof url, "%s", full);
	else
		return CD_NOT_FOUND;
	looked(p, "container endpoint '%s'", url);
	struct http_url u;
	if (http_url_parse(url, &u, err, errlen) != CD_OK || !container_host_ok(&u)) {
		snprintf(err, errlen, "the container credentials URL '%.200s' must be https, or http to "
			 "a loopback or ECS agent address", url);
		r = CD_AUTH;
		goto out;
	}
	const char *token = NULL;
	const char *tfile = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	if (tfile && *tfile) {
		r = read_small_file(tfile, &tokbuf, err, errlen);
		if (r != CD_OK) {
			r = CD_AUTH;
			goto out;
		}
		trim_buf(&tokbuf);
		token = buf_str(&tokbuf);
	} else {
		token = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	}
	if (token && (strchr(token, '\r') || strchr(token, '\n'))) {
		snprintf(err, errlen, "the container authorization token has a line break in it");
		r = CD_AUTH;
		goto out;
	}
	struct sigv4_header h = { "Authorization", token };
	struct http_request req = { .method = "GET", .url = url, .headers = &h,
				    .nheaders = token && *token ? 1 : 0 };
	struct http_client *c;
	if ((r = main_http(p, &c, err, errlen)) != CD_OK)
		goto out;
	/* the agent is local and sometimes slow to start: one retry on a transport failure */
	for (int attempt = 0; attempt < 2; attempt++) {
		http_response_release(&resp);
		http_do(c, &req, &resp);
		if (resp.status != 0)
			break;
	}
	if (resp.status == 0) {
		snprintf(err, errlen, "cannot reach the container credentials endpoint: %s", resp.error);
		r = CD_NETWORK;
		goto out;
	}
	if (resp.status != 200) {
		snprintf(err, errlen, "the container credentials endpoint '%.200s' answered HTTP %d",
			 url, resp.status);
		r = CD_AUTH;
		goto out;
	}
	if (!(o = parse_json(&resp, "the container credentials endpoint", err, errlen))) {
		r = CD_AUTH;
		goto out;
	}
	r = creds_from_json(o, out, "the container credentials endpoint", err, errlen);
	if (r == CD_OK) {
		snprintf(out->provider, sizeof out->provider, "container");
		snprintf(out->source, sizeof out->source, "%.250s", url);
	}
out:
	json_decref(o);
	http_response_release(&resp);
	OPENSSL_cleanse(tokbuf.data ? tokbuf.data : (char *)"", tokbuf.len);
	buf_release(&tokbuf);
	return r;
}

/* ---- EC2 instance metadata (IMDSv2) ----------------------------------------------------- */

static bool truthy(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

static enum cd_result from_imds(struct creds_provider *p, const char *profile, struct creds *out,
				char *err, size_t errlen)
{
	enum cd_result r = CD_NOT_FOUND;
	struct http_response resp = { 0 };
	json_t *o = NULL;
	char base[1024], url[1400], token[1024] = "", role[256] = "";
	if (truthy(getenv("AWS_EC2_METADATA_DISABLED")))
		return CD_NOT_FOUND;
	const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	if (!ep || !*ep)
		ep = aws_config_get(p->s->config, profile, "ec2_metadata_service_endpoint");
	if (!ep || !*ep) {
		const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
		if (!mode || !*mode)
			mode = aws_config_get(p->s->config, profile,
					      "ec2_metadata_service_endpoint_mode");
		ep = mode && strcasecmp(mode, "IPv6") == 0 ? "http://[fd00:ec2::254]"
							    : "http://169.254.169.254";
	}
	size_t n = strlen(ep);
	while (n && ep[n - 1] == '/')
		n--;
	snprintf(base, sizeof base, "%.*s", (int)n, ep);
	looked(p, "EC2 instance metadata '%s'", base);
	if (!p->imds) {
		long timeout_ms = 1000;
		const char *t = getenv("AWS_METADATA_SERVICE_TIMEOUT");
		if (t && atoi(t) > 0 && atoi(t) < 60)
			timeout_ms = atoi(t) * 1000L;
		struct http_client_opts opts = { .connect_timeout_ms = timeout_ms,
						 .request_timeout_ms = 2 * timeout_ms,
						 .max_response_bytes = SMALL_MAX,
						 .max_host_connections = 1 };
		if (http_client_new(&opts, &p->imds, err, errlen) != CD_OK)
			return CD_INTERNAL;
	}
	/* 1. the session token: PUT, with its TTL; IMDSv1 is not used (it is the SSRF risk) */
	snprintf(url, sizeof url, "%s/latest/api/token", base);
	struct sigv4_header ttl = { "X-aws-ec2-metadata-token-ttl-seconds", "21600" };
	struct http_request req = { .method = "PUT", .url = url, .headers = &ttl, .nheaders = 1 };
	http_do(p->imds, &req, &resp);
	if (resp.status == 0)
		goto out; /* not on EC2: no error, just not this provider */
	if (resp.status == 403 || resp.status == 404 || resp.status == 405) {
		/* IMDS switched off for this instance, or only IMDSv1 there: we do not use v1 */
		looked(p, "(no IMDSv2 session token: HTTP %d)", resp.status);
		goto out;
	}
	if (resp.status != 200 || resp.body.len == 0 || resp.body.len >= sizeof token) {
		snprintf(err, errlen, "the EC2 metadata service refused a session token (HTTP %d)",
			 resp.status);
		r = CD_AUTH;
		goto out;
	}
	snprintf(token, sizeof token, "%s", buf_str(&resp.body));
	http_response_release(&resp);
	struct sigv4_header th = { "X-aws-ec2-metadata-token", token };
	if (strchr(token, '\r') || strchr(token, '\n')) {
		snprintf(err, errlen, "the EC2 metadata service sent a malformed token");
		r = CD_AUTH;
		goto out;
	}
	/* 2. the role name */
	snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", base);
	struct http_request rreq = { .method = "GET", .url = url, .headers = &th, .nheaders = 1 };
	http_do(p->imds, &rreq, &resp);
	if (resp.status == 404) {
		looked(p, "(the instance has no IAM role)");
		goto out;
	}
	if (resp.status != 200 || resp.body.len == 0) {
		snprintf(err, errlen, "the EC2 metadata service did not name an IAM role (%s)",
			 resp.status ? "HTTP error" : resp.error);
		r = resp.status ? CD_AUTH : CD_NETWORK;
		goto out;
	}
	const char *b = buf_str(&resp.body);
	size_t rl = strcspn(b, "\r\n");
	if (rl == 0 || rl >= sizeof role) {
		snprintf(err, errlen, "the EC2 metadata service sent a malformed role name");
		r = CD_AUTH;
		goto out;
	}
	memcpy(role, b, rl);
	role[rl] = '\0';
	http_response_release(&resp);
	/* 3. the credentials */
	struct buf enc = BUF_INIT(1024);
	sigv4_uri_encode(&enc, role, strlen(role), false);
	snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/%s", base,
		 buf_str(&enc));
	buf_release(&enc);
	http_do(p->imds, &rreq, &resp);
	if (resp.status != 200) {
		snprintf(err, errlen, "the EC2 metadata service gave no credentials for role '%s' (%s)",
			 role, resp.status ? "HTTP error" : resp.error);
		r = resp.status ? CD_AUTH : CD_NETWORK;
		goto out;
	}
	if (!(o = parse_json(&resp, "the EC2 metadata service", err, errlen))) {
		r = CD_AUTH;
		goto out;
	}
	const char *code = jstr(o, "Code");
	if (code && strcmp(code, "Success") != 0) {
		snprintf(err, errlen, "the EC2 metadata service reports '%.60s' for role '%s'", code,
			 role);
		r = CD_AUTH;
		goto out;
	}
	r = creds_from_json(o, out, "the EC2 metadata service", err, errlen);
	if (r == CD_OK) {
		snprintf(out->provider, sizeof out->provider, "imds");
		snprintf(out->source, sizeof out->source, "role '%.80s' via %.150s", role, base);
	}
out:
	OPENSSL_cleanse(token, sizeof token);
	json_decref(o);
	http_response_release(&resp);
	return r;
}

/* ---- credential_process ----------------------------------------------------------------- */

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

static enum cd_result from_process(struct creds_provider *p, const char *profile,
				   const char *cmd, struct creds *out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	char storage[8192], *argv[128];
	int pipefd[2] = { -1, -1 };
	pid_t pid = -1;
	struct buf o = BUF_INIT(SMALL_MAX);
	json_t *j = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	bool fa_init = false, attr_init = false;
	looked(p, "credential_process of profile '%s'", profile);
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
		char chunk[4096];
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
	buf_release(&o);
	return r;
}

/* ---- STS (AssumeRole, AssumeRoleWithWebIdentity) ---------------------------------------- */

/* The text of the first <tag>...</tag> after from, entities decoded, into out. */
static bool xml_text(const char *doc, const char *tag, char *out, size_t outlen)
{
	char open[64], close_[64];
	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close_, sizeof close_, "</%s>", tag);
	const char *a = strstr(doc, open);
	if (!a)
		return false;
	a += strlen(open);
	const char *b = strstr(a, close_);
	if (!b)
		return false;
	size_t o = 0;
	for (const char *s = a; s < b; s++) {
		char c = *s;
		if (c == '&') {
			static const struct { const char *e; char c; } ents[] = {
				{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
				{ "&quot;", '"' }, { "&apos;", '\'' },
			};
			for (size_t i = 0; i < 5; i++) {
				size_t l = strlen(ents[i].e);
				if ((size_t)(b - s) >= l && strncmp(s, ents[i].e, l) == 0) {
					c = ents[i].c;
					s += l - 1;
					break;
				}
			}
		}
		if (o + 1 >= outlen)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

static enum cd_result form_add(struct buf *b, const char *k, const char *v)
{
	enum cd_result r = buf_printf(b, "%s%s=", b->len ? "&" : "", k);
	if (r == CD_OK)
		r = sigv4_uri_encode(b, v, strlen(v), false);
	return r;
}

/* Posts an STS Query-protocol call, signed when src is given; on CD_OK resp holds the 200
 * answer's XML (the caller releases it). */
static enum cd_result sts_post(struct creds_provider *p, const char *profile, const char *action,
			       const struct buf *form, const struct creds *src,
			       struct http_response *resp, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	char url[1024], source[160];
	memset(resp, 0, sizeof *resp);
	const char *region = p->s->region[0] ? p->s->region : "us-east-1";
	const char *sts_region = aws_config_get(p->s->config, profile, "sts_region");
	if (sts_region && aws_region_valid(sts_region))
		region = sts_region;
	r = aws_service_endpoint(p->s->config, profile, "sts", region, url, sizeof url, source,
				 sizeof source, err, errlen);
	if (r != CD_OK)
		return CD_AUTH;
	struct http_url u;
	if (http_url_parse(url, &u, err, errlen) != CD_OK)
		return CD_AUTH;
	struct sigv4_header h[4] = {
		{ "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
	};
	size_t nh = 1;
	struct sigv4_signed sig;
	if (src) {
		struct sigv4_creds sc = creds_for_sigv4(src);
		struct sigv4_request sr = { .method = "POST", .host = u.host, .path = u.path,
					    .query = u.query, .headers = h, .nheaders = 1,
					    .body = form->data, .body_len = form->len,
					    .region = region, .service = "sts", .when = time(NULL) };
		r = sigv4_sign(&sr, &sc, &sig, err, errlen);
		if (r != CD_OK)
			goto out;
		h[nh++] = (struct sigv4_header){ "X-Amz-Date", sig.amz_date };
		h[nh++] = (struct sigv4_header){ "Authorization", sig.authorization };
		if (src->session_token[0])
			h[nh++] = (struct sigv4_header){ "X-Amz-Security-Token", src->session_token };
	}
	struct http_client *c;
	if ((r = main_http(p, &c, err, errlen)) != CD_OK)
		goto out;
	struct http_request req = { .method = "POST", .url = url, .headers = h, .nheaders = nh,
				    .body = form->data, .body_len = form->len };
	http_do(c, &req, resp);
	if (resp->status == 0) {
		snprintf(err, errlen, "cannot reach STS for profile '%s': %s", profile, resp->error);
		r = CD_NETWORK;
		goto out;
	}
	if (resp->status != 200) {
		const char *doc = buf_str(&resp->body);
		char code[128] = "", msg[256] = "";
		xml_text(doc, "Code", code, sizeof code);
		xml_text(doc, "Message", msg, sizeof msg);
		snprintf(err, errlen, "STS %s for profile '%s' failed: HTTP %d %s%s%.200s", action,
			 profile, resp->status, code[0] ? code : "", msg[0] ? ": " : "", msg);
		r = resp->status >= 500 ? CD_SERVICE : CD_AUTH;
	}
out:
	OPENSSL_cleanse(&sig, sizeof sig);
	if (r != CD_OK)
		http_response_release(resp);
	return r;
}

/* An STS call that answers with <Credentials> (AssumeRole, AssumeRoleWithWebIdentity). */
static enum cd_result sts_call(struct creds_provider *p, const char *profile, const char *action,
			       const struct buf *form, const struct creds *src, struct creds *out,
			       char *err, size_t errlen)
{
	struct http_response resp;
	char *akid = NULL, *secret = NULL, *token = NULL, *exp = NULL;
	enum cd_result r = sts_post(p, profile, action, form, src, &resp, err, errlen);
	if (r != CD_OK)
		return r;
	const char *doc = buf_str(&resp.body);
	const char *cr = strstr(doc, "<Credentials>");
	akid = malloc(256);
	secret = malloc(256);
	token = malloc(sizeof out->session_token);
	exp = malloc(64);
	if (!akid || !secret || !token || !exp) {
		r = CD_NOMEM;
		goto out;
	}
	time_t expiration = 0;
	if (!cr || !xml_text(cr, "AccessKeyId", akid, 256) ||
	    !xml_text(cr, "SecretAccessKey", secret, 256) ||
	    !xml_text(cr, "SessionToken", token, sizeof out->session_token) ||
	    !xml_text(cr, "Expiration", exp, 64) || !parse_time(exp, &expiration) ||
	    !fill(out, akid, secret, token)) {
		snprintf(err, errlen, "STS %s for profile '%s' answered without usable credentials",
			 action, profile);
		r = CD_AUTH;
		goto out;
	}
	out->expiration = expiration;
out:
	if (secret)
		OPENSSL_cleanse(secret, 256);
	if (token)
		OPENSSL_cleanse(token, sizeof out->session_token);
	if (resp.body.data)
		OPENSSL_cleanse(resp.body.data, resp.body.len);
	free(akid);
	free(secret);
	free(token);
	free(exp);
	http_response_release(&resp);
	return r;
}

static void session_name(struct creds_provider *p, const char *profile, char *out, size_t outlen)
{
	const char *n = aws_config_get(p->s->config, profile, "role_session_name");
	if (n && *n)
		snprintf(out, outlen, "%s", n);
	else
		snprintf(out, outlen, "connect-dupes-%lld", (long long)time(NULL));
}

static enum cd_result from_profile(struct creds_provider *p, const char *profile, int depth,
				   bool static_only, struct creds *out, char *err, size_t errlen);

static enum cd_result assume_role(struct creds_provider *p, const char *profile, int depth,
				  struct creds *out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	const struct aws_config *cfg = p->s->config;
	const char *role = aws_config_get(cfg, profile, "role_arn");
	const char *srcp = aws_config_get(cfg, profile, "source_profile");
	const char *csrc = aws_config_get(cfg, profile, "credential_source");
	struct creds src;
	struct buf form = BUF_INIT(16384);
	char rsn[128];
	memset(&src, 0, sizeof src);
	if (aws_config_get(cfg, profile, "mfa_serial")) {
		snprintf(err, errlen, "profile '%s' needs an MFA code (mfa_serial) and connect-dupes "
			 "cannot prompt for one: use a profile without mfa_serial, or SSO", profile);
		return CD_AUTH;
	}
	if ((srcp && csrc) || (!srcp && !csrc)) {
		snprintf(err, errlen, "profile '%s' has role_arn and needs exactly one of "
			 "source_profile and credential_source", profile);
		return CD_AUTH;
	}
	if (srcp) {
		if (depth >= MAX_CHAIN) {
			snprintf(err, errlen, "the source_profile chain from profile '%s' is too long "
				 "or loops", profile);
			return CD_AUTH;
		}
		if (!aws_config_has_profile(cfg, srcp)) {
			snprintf(err, errlen, "the source_profile '%s' of profile '%s' does not exist",
				 srcp, profile);
			return CD_AUTH;
		}
		/* a profile that names itself uses its own static keys (botocore's rule) */
		r = from_profile(p, srcp, depth + 1, strcmp(srcp, profile) == 0, &src, err, errlen);
		if (r == CD_NOT_FOUND)
			snprintf(err, errlen, "the source_profile '%s' of profile '%s' has no "
				 "credentials", srcp, profile);
	} else if (strcmp(csrc, "Environment") == 0) {
		r = from_env(p, &src, err, errlen);
	} else if (strcmp(csrc, "Ec2InstanceMetadata") == 0) {
		r = from_imds(p, profile, &src, err, errlen);
	} else if (strcmp(csrc, "EcsContainer") == 0) {
		r = from_container(p, &src, err, errlen);
	} else {
		snprintf(err, errlen, "profile '%s' has credential_source '%.40s' (want Environment, "
			 "Ec2InstanceMetadata or EcsContainer)", profile, csrc);
		return CD_AUTH;
	}
	if (r == CD_NOT_FOUND && csrc) {
		snprintf(err, errlen, "the credential_source '%s' of profile '%s' has no credentials",
			 csrc, profile);
	}
	if (r != CD_OK) {
		if (r == CD_NOT_FOUND)
			r = CD_AUTH;
		goto out;
	}
	session_name(p, profile, rsn, sizeof rsn);
	r = form_add(&form, "Action", "AssumeRole");
	if (r == CD_OK)
		r = form_add(&form, "Version", "2011-06-15");
	if (r == CD_OK)
		r = form_add(&form, "RoleArn", role);
	if (r == CD_OK)
		r = form_add(&form, "RoleSessionName", rsn);
	const char *ext = aws_config_get(cfg, profile, "external_id");
	if (r == CD_OK && ext && *ext)
		r = form_add(&form, "ExternalId", ext);
	const char *dur = aws_config_get(cfg, profile, "duration_seconds");
	if (r == CD_OK && dur && *dur)
		r = form_add(&form, "DurationSeconds", dur);
	if (r != CD_OK)
		goto out;
	r = sts_call(p, profile, "AssumeRole", &form, &src, out, err, errlen);
	if (r == CD_OK) {
		snprintf(out->provider, sizeof out->provider, "assume-role");
		snprintf(out->source, sizeof out->source, "profile '%.60s' (role %.150s)", profile, role);
	}
out:
	creds_clear(&src);
	buf_release(&form);
	return r;
}

static enum cd_result web_identity(struct creds_provider *p, const char *profile,
				   const char *token_file, const char *role, const char *rsn_in,
				   struct creds *out, char *err, size_t errlen)
{
	enum cd_result r;
	struct buf tok = BUF_INIT(SMALL_MAX), form = BUF_INIT(SMALL_MAX + 4096);
	char rsn[128];
	looked(p, "web identity token '%s'", token_file);
	if (!role || !*role) {
		snprintf(err, errlen, "a web identity token file is set but no role ARN to assume");
		return CD_AUTH;
	}
	r = read_small_file(token_file, &tok, err, errlen);
	if (r != CD_OK) {
		r = CD_AUTH;
		goto out;
	}
	trim_buf(&tok);
	if (rsn_in && *rsn_in)
		snprintf(rsn, sizeof rsn, "%s", rsn_in);
	else
		session_name(p, profile, rsn, sizeof rsn);
	r = form_add(&form, "Action", "AssumeRoleWithWebIdentity");
	if (r == CD_OK)
		r = form_add(&form, "Version", "2011-06-15");
	if (r == CD_OK)
		r = form_add(&form, "RoleArn", role);
	if (r == CD_OK)
		r = form_add(&form, "RoleSessionName", rsn);
	if (r == CD_OK)
		r = form_add(&form, "WebIdentityToken", buf_str(&tok));
	if (r != CD_OK)
		goto out;
	/* AssumeRoleWithWebIdentity is not signed: the token is the proof */
	r = sts_call(p, profile, "AssumeRoleWithWebIdentity", &form, NULL, out, err, errlen);
	if (r == CD_OK) {
		snprintf(out->provider, sizeof out->provider, "web-identity");
		snprintf(out->source, sizeof out->source, "role %.200s", role);
	}
out:
	if (tok.data)
		OPENSSL_cleanse(tok.data, tok.len);
	if (form.data)
		OPENSSL_cleanse(form.data, form.len);
	buf_release(&tok);
	buf_release(&form);
	return r;
}

/* ---- IAM Identity Center (SSO) ----------------------------------------------------------- */

/* Writes obj to path through a 0600 temporary file and a rename, so a reader (the AWS CLI)
 * never sees half a file. */
static enum cd_result write_json_atomic(const char *path, json_t *obj, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	char tmp[4200];
	char *text = json_dumps(obj, JSON_COMPACT);
	int fd = -1;
	if (!text)
		return CD_NOMEM;
	snprintf(tmp, sizeof tmp, "%s.connect-dupes-%ld.tmp", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t n = strlen(text);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0 || close(fd) != 0) {
		snprintf(err, errlen, "cannot write '%.150s': %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		r = CD_IO;
	} else if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot replace '%.150s': %s", path, strerror(errno));
		unlink(tmp);
		r = CD_IO;
	}
	OPENSSL_cleanse(text, n);
	free(text);
	return r;
}

/* Refreshes an sso-session token with its refresh token (the SSO OIDC CreateToken call the AWS
 * CLI makes) and writes the new one back to the CLI's cache, as the CLI does: the service may
 * hand out a new refresh token and retire the old one. CD_NOT_FOUND when the cache holds no
 * usable registration. */
static enum cd_result sso_refresh(struct creds_provider *p, const char *profile,
				  const char *region, const char *path, json_t *cache, char *err,
				  size_t errlen)
{
	enum cd_result r = CD_OK;
	const char *rt = jstr(cache, "refreshToken"), *cid = jstr(cache, "clientId");
	const char *cs = jstr(cache, "clientSecret"), *rexp = jstr(cache, "registrationExpiresAt");
	time_t rexp_t, now = time(NULL);
	char url[1200], source[160];
	struct http_response resp = { 0 };
	json_t *body = NULL, *o = NULL;
	char *text = NULL;
	if (!rt || !cid || !cs || !rexp || !parse_time(rexp, &rexp_t) || rexp_t <= now)
		return CD_NOT_FOUND;
	r = aws_service_endpoint(p->s->config, profile, "sso-oidc", region, url, sizeof url - 8,
				 source, sizeof source, err, errlen);
	if (r != CD_OK)
		return r;
	size_t ul = strlen(url);
	memcpy(url + ul, "/token", 7);
	body = json_pack("{s:s, s:s, s:s, s:s}", "grantType", "refresh_token", "clientId", cid,
			 "clientSecret", cs, "refreshToken", rt);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	if (!text) {
		r = CD_NOMEM;
		goto out;
	}
	struct sigv4_header h = { "Content-Type", "application/json" };
	struct http_request req = { .method = "POST", .url = url, .headers = &h, .nheaders = 1,
				    .body = text, .body_len = strlen(text) };
	struct http_client *c;
	if ((r = main_http(p, &c, err, errlen)) != CD_OK)
		goto out;
	http_do(c, &req, &resp);
	if (resp.status != 200) {
		snprintf(err, errlen, "the SSO token refresh failed (%.200s)",
			 resp.status ? "refused" : resp.error);
		r = resp.status ? CD_AUTH : CD_NETWORK;
		goto out;
	}
	if (!(o = parse_json(&resp, "the SSO OIDC service", err, errlen))) {
		r = CD_AUTH;
		goto out;
	}
	const char *at = jstr(o, "accessToken"), *nrt = jstr(o, "refreshToken");
	json_int_t in = json_integer_value(json_object_get(o, "expiresIn"));
	if (!at || !*at || in <= 0 || in > 7 * 86400) {
		snprintf(err, errlen, "the SSO token refresh answered without a token");
		r = CD_AUTH;
		goto out;
	}
	char when[32];
	time_t exp_t = now + (time_t)in;
	struct tm tm;
	gmtime_r(&exp_t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (json_object_set_new(cache, "accessToken", json_string(at)) ||
	    json_object_set_new(cache, "expiresAt", json_string(when)) ||
	    (nrt && *nrt && json_object_set_new(cache, "refreshToken", json_string(nrt)))) {
		r = CD_NOMEM;
		goto out;
	}
	r = write_json_atomic(path, cache, err, errlen);
out:
	if (text) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	if (resp.body.data)
		OPENSSL_cleanse(resp.body.data, resp.body.len);
	json_decref(body);
	json_decref(o);
	http_response_release(&resp);
	return r;
}

static enum cd_result from_sso(struct creds_provider *p, const char *profile, struct creds *out,
			       char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	const struct aws_config *cfg = p->s->config;
	const char *session = aws_config_get(cfg, profile, "sso_session");
	const char *start_url = aws_config_get(cfg, profile, "sso_start_url");
	const char *sso_region = aws_config_get(cfg, profile, "sso_region");
	const char *account = aws_config_get(cfg, profile, "sso_account_id");
	const char *role = aws_config_get(cfg, profile, "sso_role_name");
	struct buf file = BUF_INIT(SMALL_MAX), q = BUF_INIT(4096);
	struct http_response resp = { 0 };
	json_t *cache = NULL, *o = NULL;
	char path[4096], url[2048], source[160];
	if (!session && !start_url)
		return CD_NOT_FOUND;
	looked(p, "SSO of profile '%s'", profile);
	if (session) {
		if (!aws_config_section_get(cfg, "sso-session", session, "sso_start_url")) {
			snprintf(err, errlen, "profile '%s' names sso_session '%s', which has no "
				 "[sso-session %s] section with sso_start_url", profile, session,
				 session);
			return CD_AUTH;
		}
		const char *sr = aws_config_section_get(cfg, "sso-session", session, "sso_region");
		if (sr)
			sso_region = sr;
	}
	if (!account || !role || !sso_region) {
		snprintf(err, errlen, "SSO profile '%s' needs sso_account_id, sso_role_name and "
			 "sso_region", profile);
		return CD_AUTH;
	}
	/* the AWS CLI caches the token under sha1(session name), or sha1(start URL) for legacy
	 * profiles */
	const char *key = session ? session : start_url;
	unsigned char md[SHA_DIGEST_LENGTH];
	char hex[2 * SHA_DIGEST_LENGTH + 1];
	SHA1((const unsigned char *)key, strlen(key), md);
	for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	char rel[128];
	snprintf(rel, sizeof rel, "~/.aws/sso/cache/%s.json", hex);
	if (aws_expand_home(rel, path, sizeof path) != CD_OK) {
		r = CD_AUTH;
		goto out;
	}
	char ferr[256];
	if (read_small_file(path, &file, ferr, sizeof ferr) != CD_OK) {
		snprintf(err, errlen, "the SSO session for profile '%s' has no cached token: run aws "
			 "sso login --profile %s", profile, profile);
		r = CD_AUTH;
		goto out;
	}
	json_error_t je;
	cache = json_loadb(file.data, file.len, 0, &je);
	const char *access = cache ? jstr(cache, "accessToken") : NULL;
	const char *expires = cache ? jstr(cache, "expiresAt") : NULL;
	time_t exp_at;
	if (!access || !*access || !expires || !parse_time(expires, &exp_at)) {
		snprintf(err, errlen, "the SSO token cache '%s' is not readable: run aws sso login "
			 "--profile %s", path, profile);
		r = CD_AUTH;
		goto out;
	}
	/* sso-session tokens are refreshed a quarter hour ahead, as the AWS CLI does; if that fails
	 * a token that is still valid is used as it is */
	if (session && exp_at - time(NULL) < 15 * 60 &&
	    sso_refresh(p, profile, sso_region, path, cache, ferr, sizeof ferr) == CD_OK) {
		access = jstr(cache, "accessToken");
		expires = jstr(cache, "expiresAt");
		if (!access || !expires || !parse_time(expires, &exp_at))
			exp_at = 0;
	}
	if (exp_at <= time(NULL)) {
		snprintf(err, errlen, "the SSO session for profile '%s' has expired: run aws sso login "
			 "--profile %s", profile, profile);
		r = CD_AUTH;
		goto out;
	}
	if (strchr(access, '\r') || strchr(access, '\n')) {
		snprintf(err, errlen, "the SSO token cache '%s' holds a malformed token", path);
		r = CD_AUTH;
		goto out;
	}
	r = aws_service_endpoint(cfg, profile, "sso", sso_region, url, sizeof url - 512, source,
				 sizeof source, err, errlen);
	if (r != CD_OK) {
		r = CD_AUTH;
		goto out;
	}
	buf_puts(&q, "/federation/credentials?account_id=");
	sigv4_uri_encode(&q, account, strlen(account), false);
	buf_puts(&q, "&role_name=");
	if (sigv4_uri_encode(&q, role, strlen(role), false) != CD_OK ||
	    strlen(url) + q.len >= sizeof url) {
		r = CD_AUTH;
		goto out;
	}
	size_t ul = strlen(url);
	memcpy(url + ul, q.data, q.len + 1);
	struct sigv4_header h = { "x-amz-sso_bearer_token", access };
	struct http_request req = { .method = "GET", .url = url, .headers = &h, .nheaders = 1 };
	struct http_client *c;
	if ((r = main_http(p, &c, err, errlen)) != CD_OK)
		goto out;
	http_do(c, &req, &resp);
	if (resp.status == 0) {
		snprintf(err, errlen, "cannot reach the SSO portal for profile '%s': %s", profile,
			 resp.error);
		r = CD_NETWORK;
		goto out;
	}
	if (resp.status == 401 || (resp.status == 403 &&
				   strstr(resp.amzn_error_type, "Unauthorized"))) {
		snprintf(err, errlen, "the SSO session for profile '%s' has expired: run aws sso login "
			 "--profile %s", profile, profile);
		r = CD_AUTH;
		goto out;
	}
	if (resp.status != 200) {
		snprintf(err, errlen, "the SSO portal refused role '%s' in account %s for profile '%s' "
			 "(HTTP %d%s%s)", role, account, profile, resp.status,
			 resp.amzn_error_type[0] ? " " : "", resp.amzn_error_type);
		r = CD_AUTH;
		goto out;
	}
	if (!(o = parse_json(&resp, "the SSO portal", err, errlen))) {
		r = CD_AUTH;
		goto out;
	}
	json_t *rc = json_object_get(o, "roleCredentials");
	if (!fill(out, jstr(rc, "accessKeyId"), jstr(rc, "secretAccessKey"),
		  jstr(rc, "sessionToken"))) {
		snprintf(err, errlen, "the SSO portal answered without usable credentials");
		r = CD_AUTH;
		goto out;
	}
	json_t *e = json_object_get(rc, "expiration");
	if (json_is_integer(e))
		out->expiration = (time_t)(json_integer_value(e) / 1000);
	snprintf(out->provider, sizeof out->provider, "sso");
	snprintf(out->source, sizeof out->source, "profile '%.60s' (account %.20s, role %.100s)",
		 profile, account, role);
out:
	json_decref(cache);
	json_decref(o);
	if (file.data)
		OPENSSL_cleanse(file.data, file.len);
	if (resp.body.data)
		OPENSSL_cleanse(resp.body.data, resp.body.len);
	http_response_release(&resp);
	buf_release(&file);
	buf_release(&q);
	return r;
}

/* ---- profiles ----------------------------------------------------------------------------- */

static enum cd_result static_keys(struct creds_provider *p, const char *profile,
				  bool credentials_file, struct creds *out, char *err,
				  size_t errlen)
{
	const struct aws_config *cfg = p->s->config;
	const char *akid = aws_config_get_in(cfg, profile, "aws_access_key_id", credentials_file);
	const char *secret = aws_config_get_in(cfg, profile, "aws_secret_access_key",
					       credentials_file);
	const char *token = aws_config_get_in(cfg, profile, "aws_session_token", credentials_file);
	const char *file = credentials_file ? aws_config_credentials_file(cfg) : aws_config_file(cfg);
	if (!akid && !secret)
		return CD_NOT_FOUND;
	if (!fill(out, akid, secret, token)) {
		snprintf(err, errlen, "profile '%s' in '%s' has %s", profile, file,
			 akid && secret ? "malformed keys" : akid ? "aws_access_key_id without "
			 "aws_secret_access_key" : "aws_secret_access_key without aws_access_key_id");
		return CD_AUTH;
	}
	snprintf(out->provider, sizeof out->provider, "%s",
		 credentials_file ? "shared-credentials-file" : "config-file");
	snprintf(out->source, sizeof out->source, "profile '%.60s' in '%.170s'", profile, file);
	return CD_OK;
}

/* Everything a profile can say about credentials, in botocore's order. */
static enum cd_result from_profile(struct creds_provider *p, const char *profile, int depth,
				   bool static_only, struct creds *out, char *err, size_t errlen)
{
	enum cd_result r;
	const struct aws_config *cfg = p->s->config;
	if (!static_only) {
		if (aws_config_get(cfg, profile, "role_arn") &&
		    !aws_config_get(cfg, profile, "web_identity_token_file")) {
			looked(p, "role_arn of profile '%s'", profile);
			return assume_role(p, profile, depth, out, err, errlen);
		}
		const char *wif = aws_config_get(cfg, profile, "web_identity_token_file");
		if (wif)
			return web_identity(p, profile, wif, aws_config_get(cfg, profile, "role_arn"),
					    NULL, out, err, errlen);
		r = from_sso(p, profile, out, err, errlen);
		if (r != CD_NOT_FOUND)
			return r;
	}
	looked(p, "profile '%s' in '%s'", profile, aws_config_credentials_file(cfg));
	r = static_keys(p, profile, true, out, err, errlen);
	if (r != CD_NOT_FOUND || static_only)
		goto done;
	const char *proc = aws_config_get(cfg, profile, "credential_process");
	if (proc && *proc)
		return from_process(p, profile, proc, out, err, errlen);
	looked(p, "profile '%s' in '%s'", profile, aws_config_file(cfg));
	r = static_keys(p, profile, false, out, err, errlen);
done:
	if (r == CD_NOT_FOUND && static_only)
		r = static_keys(p, profile, false, out, err, errlen);
	return r;
}

static enum cd_result resolve_chain(struct creds_provider *p, struct creds *out, char *err,
				    size_t errlen)
{
	enum cd_result r;
	const char *profile = p->s->profile;
	buf_reset(&p->looked);
	if (!p->s->profile_from_cli) {
		looked(p, "environment");
		r = from_env(p, out, err, errlen);
		if (r != CD_NOT_FOUND)
			return r;
	}
	/* AWS_WEB_IDENTITY_TOKEN_FILE applies when the profile does not assume a role itself */
	const char *wif = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	if (wif && *wif && !aws_config_get(p->s->config, profile, "role_arn"))
		return web_identity(p, profile, wif, getenv("AWS_ROLE_ARN"),
				    getenv("AWS_ROLE_SESSION_NAME"), out, err, errlen);
	r = from_profile(p, profile, 0, false, out, err, errlen);
	if (r != CD_NOT_FOUND)
		return r;
	r = from_container(p, out, err, errlen);
	if (r != CD_NOT_FOUND)
		return r;
	r = from_imds(p, profile, out, err, errlen);
	if (r != CD_NOT_FOUND)
		return r;
	snprintf(err, errlen, "no AWS credentials found (looked in: %.400s)", buf_str(&p->looked));
	return CD_AUTH;
}

/* ---- the provider --------------------------------------------------------------------------- */

enum cd_result creds_provider_new(const struct aws_settings *settings, struct http_client *http,
				  struct creds_provider **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!settings || !settings->config) {
		snprintf(err, errlen, "credentials: settings not resolved");
		return CD_INTERNAL;
	}
	struct creds_provider *p = calloc(1, sizeof *p);
	if (!p)
		return CD_NOMEM;
	p->s = settings;
	p->http = http;
	buf_init(&p->looked, 4096);
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return CD_OK;
}

enum cd_result creds_get(struct creds_provider *p, struct creds *out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	struct creds fresh;
	pthread_mutex_lock(&p->lock);
	time_t now = time(NULL);
	bool due = !p->have || p->invalid ||
		   (p->cur.expiration && p->cur.expiration - now < REFRESH_AHEAD_S);
	if (due) {
		memset(&fresh, 0, sizeof fresh);
		r = resolve_chain(p, &fresh, err, errlen);
		if (r == CD_OK && fresh.expiration && fresh.expiration <= now) {
			snprintf(err, errlen, "the %s credentials (%s) had already expired when they "
				 "arrived: check the clock", fresh.provider, fresh.source);
			r = CD_AUTH;
		}
		if (r == CD_OK) {
			p->cur = fresh;
			p->have = true;
			p->invalid = false;
		} else if (p->have && !p->invalid && p->cur.expiration &&
			   p->cur.expiration - now > STILL_GOOD_S) {
			r = CD_OK; /* keep using what still works; the next call tries again */
		}
		creds_clear(&fresh);
	}
	if (r == CD_OK)
		*out = p->cur;
	pthread_mutex_unlock(&p->lock);
	return r;
}

void creds_invalidate(struct creds_provider *p)
{
	pthread_mutex_lock(&p->lock);
	p->invalid = true;
	pthread_mutex_unlock(&p->lock);
}

enum cd_result creds_caller_identity(struct creds_provider *p, const struct creds *c, char *arn,
				     size_t arnlen, char *account, size_t accountlen, char *err,
				     size_t errlen)
{
	struct buf form = BUF_INIT(256);
	struct http_response resp = { 0 };
	pthread_mutex_lock(&p->lock);
	enum cd_result r = form_add(&form, "Action", "GetCallerIdentity");
	if (r == CD_OK)
		r = form_add(&form, "Version", "2011-06-15");
	if (r == CD_OK)
		r = sts_post(p, p->s->profile, "GetCallerIdentity", &form, c, &resp, err, errlen);
	if (r == CD_OK) {
		const char *doc = buf_str(&resp.body);
		if (!xml_text(doc, "Arn", arn, arnlen) || !xml_text(doc, "Account", account, accountlen)) {
			snprintf(err, errlen, "STS GetCallerIdentity answered without Arn and Account");
			r = CD_SERVICE;
		}
	}
	http_response_release(&resp);
	buf_release(&form);
	pthread_mutex_unlock(&p->lock);
	return r;
}

void creds_provider_free(struct creds_provider *p)
{
	if (!p)
		return;
	creds_clear(&p->cur);
	http_client_free(p->own_http);
	http_client_free(p->imds);
	buf_release(&p->looked);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
