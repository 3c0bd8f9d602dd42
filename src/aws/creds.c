/* creds.c -- the AWS credential provider chain, in the AWS SDKs' order, with refresh; what the
 * providers (creds_*.c, one each) share. */
#include "aws/creds_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "isotime.h"

/* Temporary credentials are fetched again this long before they expire (botocore refreshes 15
 * to 10 minutes ahead; a scan signs requests for a few seconds at most, so 5 is plenty). */
#define REFRESH_AHEAD_S 300
/* If a refresh fails, credentials with at least this much left are still used. */
#define STILL_GOOD_S 60

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

/* The fraction is dropped (a time_t), as the credentials' Expiration never carries one that
 * matters. */
bool creds_parse_time(const char *s, time_t *out)
{
	double t;
	if (!s || !isotime_parse(s, strlen(s), &t))
		return false;
	*out = (time_t)t;
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
bool creds_fill(struct creds *c, const char *akid, const char *secret, const char *token)
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

void creds_looked(struct creds_provider *p, const char *fmt, ...)
{
	va_list ap;
	if (p->looked.len)
		buf_puts(&p->looked, ", ");
	va_start(ap, fmt);
	buf_vprintf(&p->looked, fmt, ap);
	va_end(ap);
}

enum cd_result creds_read_file(const char *path, struct buf *out, char *err, size_t errlen)
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
	OPENSSL_cleanse(chunk, sizeof chunk); /* token files */
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

void creds_trim(struct buf *b)
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

/* ---- HTTP helpers ---------------------------------------------------------------------- */

/* The client for STS, SSO and container calls: the caller's, or our own made on first use. */
enum cd_result creds_http(struct creds_provider *p, struct http_client **out, char *err,
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
json_t *creds_parse_json(const struct http_response *resp, const char *what, char *err,
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

void creds_response_wipe(struct http_response *resp)
{
	if (resp->body.data)
		OPENSSL_cleanse(resp->body.data, resp->body.len);
	http_response_release(resp);
}

const char *creds_jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Credentials from the JSON shape the container endpoint, IMDS and credential_process share:
 * AccessKeyId, SecretAccessKey, Token or SessionToken, Expiration. */
enum cd_result creds_from_json(json_t *o, struct creds *out, const char *what, char *err,
			       size_t errlen)
{
	const char *token = creds_jstr(o, "Token");
	if (!token)
		token = creds_jstr(o, "SessionToken");
	if (!creds_fill(out, creds_jstr(o, "AccessKeyId"), creds_jstr(o, "SecretAccessKey"),
			token)) {
		snprintf(err, errlen, "%s returned no usable AccessKeyId and SecretAccessKey", what);
		return CD_AUTH;
	}
	const char *exp = creds_jstr(o, "Expiration");
	if (exp && !creds_parse_time(exp, &out->expiration)) {
		snprintf(err, errlen, "%s returned an Expiration that is not a time", what);
		return CD_AUTH;
	}
	return CD_OK;
}

/* ---- the chain ----------------------------------------------------------------------------- */

static enum cd_result resolve_chain(struct creds_provider *p, struct creds *out, char *err,
				    size_t errlen)
{
	enum cd_result r;
	const char *profile = p->s->profile;
	buf_reset(&p->looked);
	if (!p->s->profile_from_cli) {
		creds_looked(p, "environment");
		r = creds_from_env(p, out, err, errlen);
		if (r != CD_NOT_FOUND)
			return r;
	}
	/* AWS_WEB_IDENTITY_TOKEN_FILE applies when the profile does not assume a role itself */
	const char *wif = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	if (wif && *wif && !aws_config_get(p->s->config, profile, "role_arn"))
		return creds_web_identity(p, profile, wif, getenv("AWS_ROLE_ARN"),
					  getenv("AWS_ROLE_SESSION_NAME"), out, err, errlen);
	r = creds_from_profile(p, profile, 0, false, out, err, errlen);
	if (r != CD_NOT_FOUND)
		return r;
	r = creds_from_container(p, out, err, errlen);
	if (r != CD_NOT_FOUND)
		return r;
	r = creds_from_imds(p, profile, out, err, errlen);
	if (r != CD_NOT_FOUND)
		return r;
	/* Where it looked, then what to do: the three ways an administrator usually gets them. */
	snprintf(err, errlen, "no AWS credentials found (looked in: %.300s); run 'aws configure' "
		 "(access key) or 'aws sso login' (IAM Identity Center), set AWS_PROFILE, or run in "
		 "AWS CloudShell", buf_str(&p->looked));
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
	/* From here the process holds (or is about to hold) a secret key, a session token and
	 * signatures: a core dump would write them to disk, and another process of the same user
	 * could read them from /proc/PID/mem or environ. Non-dumpable closes both, until the
	 * process exits: freed copies may linger, so it is never set back. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
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
