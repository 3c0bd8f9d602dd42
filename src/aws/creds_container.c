/* creds_container.c -- container credentials: the ECS agent's endpoint, and CloudShell's. */
#include "aws/creds_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "buf.h"

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

enum cd_result creds_from_container(struct creds_provider *p, struct creds *out, char *err,
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
	creds_looked(p, "container endpoint '%s'", url);
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
		r = creds_read_file(tfile, &tokbuf, err, errlen);
		if (r != CD_OK) {
			r = CD_AUTH;
			goto out;
		}
		creds_trim(&tokbuf);
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
	if ((r = creds_http(p, &c, err, errlen)) != CD_OK)
		goto out;
	/* the agent is local and sometimes slow to start: one retry on a transport failure */
	for (int attempt = 0; attempt < 2; attempt++) {
		creds_response_wipe(&resp);
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
	if (!(o = creds_parse_json(&resp, "the container credentials endpoint", err, errlen))) {
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
	creds_response_wipe(&resp);
	OPENSSL_cleanse(tokbuf.data ? tokbuf.data : (char *)"", tokbuf.len);
	buf_release(&tokbuf);
	return r;
}
