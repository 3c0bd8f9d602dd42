/* creds_sts.c -- STS: AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity, and the little XML
 * they answer with. */
#include "aws/creds_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "buf.h"

/* Nesting of source_profile chains before we call it a loop. */
#define MAX_CHAIN 8

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

/* The start of every STS form we post: Action and Version, then RoleArn and RoleSessionName
 * when role is given. */
static enum cd_result form_start(struct buf *b, const char *action, const char *role,
				 const char *rsn)
{
	enum cd_result r = form_add(b, "Action", action);
	if (r == CD_OK)
		r = form_add(b, "Version", "2011-06-15");
	if (r == CD_OK && role)
		r = form_add(b, "RoleArn", role);
	if (r == CD_OK && role)
		r = form_add(b, "RoleSessionName", rsn);
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
	if ((r = creds_http(p, &c, err, errlen)) != CD_OK)
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
	    !xml_text(cr, "Expiration", exp, 64) || !creds_parse_time(exp, &expiration) ||
	    !creds_fill(out, akid, secret, token)) {
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
	free(akid);
	free(secret);
	free(token);
	free(exp);
	creds_response_wipe(&resp);
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

enum cd_result creds_assume_role(struct creds_provider *p, const char *profile, int depth,
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
		r = creds_from_profile(p, srcp, depth + 1, strcmp(srcp, profile) == 0, &src, err, errlen);
		if (r == CD_NOT_FOUND)
			snprintf(err, errlen, "the source_profile '%s' of profile '%s' has no "
				 "credentials", srcp, profile);
	} else if (strcmp(csrc, "Environment") == 0) {
		r = creds_from_env(p, &src, err, errlen);
	} else if (strcmp(csrc, "Ec2InstanceMetadata") == 0) {
		r = creds_from_imds(p, profile, &src, err, errlen);
	} else if (strcmp(csrc, "EcsContainer") == 0) {
		r = creds_from_container(p, &src, err, errlen);
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
	r = form_start(&form, "AssumeRole", role, rsn);
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

enum cd_result creds_web_identity(struct creds_provider *p, const char *profile,
				  const char *token_file, const char *role, const char *rsn_in,
				  struct creds *out, char *err, size_t errlen)
{
	enum cd_result r;
	struct buf tok = BUF_INIT(SMALL_MAX), form = BUF_INIT(SMALL_MAX + 4096);
	char rsn[128];
	creds_looked(p, "web identity token '%s'", token_file);
	if (!role || !*role) {
		snprintf(err, errlen, "a web identity token file is set but no role ARN to assume");
		return CD_AUTH;
	}
	r = creds_read_file(token_file, &tok, err, errlen);
	if (r != CD_OK) {
		r = CD_AUTH;
		goto out;
	}
	creds_trim(&tok);
	if (rsn_in && *rsn_in)
		snprintf(rsn, sizeof rsn, "%s", rsn_in);
	else
		session_name(p, profile, rsn, sizeof rsn);
	r = form_start(&form, "AssumeRoleWithWebIdentity", role, rsn);
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

enum cd_result creds_caller_identity(struct creds_provider *p, const struct creds *c, char *arn,
				     size_t arnlen, char *account, size_t accountlen, char *err,
				     size_t errlen)
{
	struct buf form = BUF_INIT(256);
	struct http_response resp = { 0 };
	pthread_mutex_lock(&p->lock);
	enum cd_result r = form_start(&form, "GetCallerIdentity", NULL, NULL);
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
