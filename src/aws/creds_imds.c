/* creds_imds.c -- credentials of an EC2 instance's IAM role from the metadata service (IMDSv2). */
#include "aws/creds_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "buf.h"

enum cd_result creds_from_imds(struct creds_provider *p, const char *profile, struct creds *out,
			       char *err, size_t errlen)
{
	enum cd_result r = CD_NOT_FOUND;
	struct http_response resp = { 0 };
	json_t *o = NULL;
	char base[1024], url[1400], token[1024] = "", role[256] = "";
	if (aws_truthy(getenv("AWS_EC2_METADATA_DISABLED")))
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
	creds_looked(p, "EC2 instance metadata '%s'", base);
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
		creds_looked(p, "(no IMDSv2 session token: HTTP %d)", resp.status);
		goto out;
	}
	if (resp.status != 200 || resp.body.len == 0 || resp.body.len >= sizeof token) {
		snprintf(err, errlen, "the EC2 metadata service refused a session token (HTTP %d)",
			 resp.status);
		r = CD_AUTH;
		goto out;
	}
	snprintf(token, sizeof token, "%s", buf_str(&resp.body));
	creds_response_wipe(&resp);
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
		creds_looked(p, "(the instance has no IAM role)");
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
	if (!(o = creds_parse_json(&resp, "the EC2 metadata service", err, errlen))) {
		r = CD_AUTH;
		goto out;
	}
	const char *code = creds_jstr(o, "Code");
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
	creds_response_wipe(&resp);
	return r;
}
