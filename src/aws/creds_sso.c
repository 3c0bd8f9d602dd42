/* creds_sso.c -- IAM Identity Center (SSO): the AWS CLI's token cache, its refresh, the portal. */
#include "aws/creds_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "buf.h"
#include "outfile.h"

/* Writes obj to path through outfile (a 0600 temporary beside it, fsync, rename), so a reader
 * (the AWS CLI) never sees half a file. Unbuffered: the tokens go from `text`, wiped below,
 * straight to write(2), and no copy stays in a stdio buffer that fclose frees unwiped. */
static enum cd_result write_json_atomic(const char *path, json_t *obj, char *err, size_t errlen)
{
	struct outfile of;
	char *text = json_dumps(obj, JSON_COMPACT);
	if (!text)
		return CD_NOMEM;
	size_t n = strlen(text);
	enum cd_result r = outfile_open(&of, path, err, errlen);
	if (r == CD_OK) {
		setvbuf(of.f, NULL, _IONBF, 0);
		fwrite(text, 1, n, of.f); /* a short write shows in ferror, which commit checks */
		r = outfile_commit(&of, err, errlen);
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
	const char *rt = creds_jstr(cache, "refreshToken"), *cid = creds_jstr(cache, "clientId");
	const char *cs = creds_jstr(cache, "clientSecret");
	const char *rexp = creds_jstr(cache, "registrationExpiresAt");
	time_t rexp_t, now = time(NULL);
	char url[1200], source[160];
	struct http_response resp = { 0 };
	json_t *body = NULL, *o = NULL;
	char *text = NULL;
	if (!rt || !cid || !cs || !rexp || !creds_parse_time(rexp, &rexp_t) || rexp_t <= now)
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
	if ((r = creds_http(p, &c, err, errlen)) != CD_OK)
		goto out;
	http_do(c, &req, &resp);
	if (resp.status != 200) {
		snprintf(err, errlen, "the SSO token refresh failed (%.200s)",
			 resp.status ? "refused" : resp.error);
		r = resp.status ? CD_AUTH : CD_NETWORK;
		goto out;
	}
	if (!(o = creds_parse_json(&resp, "the SSO OIDC service", err, errlen))) {
		r = CD_AUTH;
		goto out;
	}
	const char *at = creds_jstr(o, "accessToken"), *nrt = creds_jstr(o, "refreshToken");
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
	json_decref(body);
	json_decref(o);
	creds_response_wipe(&resp);
	return r;
}

enum cd_result creds_from_sso(struct creds_provider *p, const char *profile, struct creds *out,
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
	creds_looked(p, "SSO of profile '%s'", profile);
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
	if (creds_read_file(path, &file, ferr, sizeof ferr) != CD_OK) {
		snprintf(err, errlen, "the SSO session for profile '%s' has no cached token: run aws "
			 "sso login --profile %s", profile, profile);
		r = CD_AUTH;
		goto out;
	}
	json_error_t je;
	cache = json_loadb(file.data, file.len, 0, &je);
	const char *access = cache ? creds_jstr(cache, "accessToken") : NULL;
	const char *expires = cache ? creds_jstr(cache, "expiresAt") : NULL;
	time_t exp_at;
	if (!access || !*access || !expires || !creds_parse_time(expires, &exp_at)) {
		snprintf(err, errlen, "the SSO token cache '%s' is not readable: run aws sso login "
			 "--profile %s", path, profile);
		r = CD_AUTH;
		goto out;
	}
	/* sso-session tokens are refreshed a quarter hour ahead, as the AWS CLI does; if that fails
	 * a token that is still valid is used as it is */
	if (session && exp_at - time(NULL) < 15 * 60 &&
	    sso_refresh(p, profile, sso_region, path, cache, ferr, sizeof ferr) == CD_OK) {
		access = creds_jstr(cache, "accessToken");
		expires = creds_jstr(cache, "expiresAt");
		if (!access || !expires || !creds_parse_time(expires, &exp_at))
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
	if ((r = creds_http(p, &c, err, errlen)) != CD_OK)
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
	if (!(o = creds_parse_json(&resp, "the SSO portal", err, errlen))) {
		r = CD_AUTH;
		goto out;
	}
	json_t *rc = json_object_get(o, "roleCredentials");
	if (!creds_fill(out, creds_jstr(rc, "accessKeyId"), creds_jstr(rc, "secretAccessKey"),
			creds_jstr(rc, "sessionToken"))) {
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
	creds_response_wipe(&resp);
	buf_release(&file);
	buf_release(&q);
	return r;
}
