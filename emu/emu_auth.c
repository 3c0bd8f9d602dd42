/* emu_auth.c -- verifies SigV4 by re-signing the raw request with the configured secret. */
#include "emu_auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/sigv4.h"

#define MAX_SIGNED 32
#define SKEW_SECONDS 300

/* The Authorization header's parts: "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/
 * aws4_request, SignedHeaders=a;b;c, Signature=hex". Copies, bounded. */
struct auth_parts {
	char akid[129], date[9], region[64], service[64], term[32];
	char signed_headers[1024];
	char signature[65];
};

static bool get_param(const char *h, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	for (const char *p = h; (p = strstr(p, name)); p += nl) {
		if (p != h && p[-1] != ' ' && p[-1] != ',')
			continue;
		if (p[nl] != '=')
			continue;
		p += nl + 1;
		size_t n = strcspn(p, ", ");
		if (n >= outlen)
			return false;
		memcpy(out, p, n);
		out[n] = '\0';
		return n > 0;
	}
	return false;
}

static bool copy_part(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static bool parse_auth(const char *h, struct auth_parts *ap)
{
	char cred[400];
	if (strncmp(h, "AWS4-HMAC-SHA256 ", 17))
		return false;
	h += 17;
	if (!get_param(h, "Credential", cred, sizeof cred) ||
	    !get_param(h, "SignedHeaders", ap->signed_headers, sizeof ap->signed_headers) ||
	    !get_param(h, "Signature", ap->signature, sizeof ap->signature))
		return false;
	char *f[5];
	int nf = 0;
	char *p = cred;
	f[nf++] = p;
	for (; *p && nf < 5; p++)
		if (*p == '/') {
			*p = '\0';
			f[nf++] = p + 1;
		}
	if (nf != 5 || strchr(f[4], '/'))
		return false;
	return copy_part(ap->akid, sizeof ap->akid, f[0]) &&
	       copy_part(ap->date, sizeof ap->date, f[1]) &&
	       copy_part(ap->region, sizeof ap->region, f[2]) &&
	       copy_part(ap->service, sizeof ap->service, f[3]) &&
	       copy_part(ap->term, sizeof ap->term, f[4]);
}

static void fmt_amz(time_t t, char out[17])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static bool const_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

#define FAIL(name, ...)                                   \
	do {                                              \
		snprintf(msg, msglen, __VA_ARGS__);       \
		res = name;                               \
		goto out;                                 \
	} while (0)

const char *emu_auth_check(const struct emu_auth *a, const struct emu_auth_request *rq, char *msg,
			   size_t msglen)
{
	const char *res = NULL;
	struct auth_parts ap;
	struct sigv4_header extra[MAX_SIGNED];
	size_t nextra = 0;
	char names[1024];
	char err[256];
	const char *h = rq->header(rq->ctx, "Authorization");
	const char *date_h = rq->header(rq->ctx, "X-Amz-Date");
	const char *host = rq->header(rq->ctx, "Host");
	const char *token = rq->header(rq->ctx, "X-Amz-Security-Token");
	time_t when;

	msg[0] = '\0';
	if (!h || !*h)
		FAIL("MissingAuthenticationTokenException", "Missing Authentication Token");
	memset(&ap, 0, sizeof ap);
	if (!parse_auth(h, &ap))
		FAIL("IncompleteSignatureException",
		     "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' "
		     "parameters");
	/* A rotated-out session token is "expired" whatever key it came with: that is what a
	 * client holding stale temporary credentials sees, and what makes it refresh them. */
	if (token && *token && a->expired_token && *a->expired_token &&
	    !strcmp(token, a->expired_token))
		FAIL("ExpiredTokenException", "The security token included in the request is expired");
	if (strcmp(ap.akid, a->access_key_id))
		FAIL("UnrecognizedClientException",
		     "The security token included in the request is invalid.");
	if (a->session_token && *a->session_token ? !token || strcmp(token, a->session_token)
						  : token && *token)
		FAIL("UnrecognizedClientException",
		     "The security token included in the request is invalid.");
	if (strcmp(ap.term, "aws4_request"))
		FAIL("IncompleteSignatureException", "Credential should be scoped with a valid terminator: 'aws4_request'");
	const char *service = rq->service && *rq->service ? rq->service : "connect";
	if (strcmp(ap.service, service))
		FAIL("InvalidSignatureException", "Credential should be scoped to correct service: '%s'. ",
		     service);
	if (strcmp(ap.region, a->region))
		FAIL("InvalidSignatureException",
		     "Credential should be scoped to a valid region. ");
	if (!sigv4_parse_amz_date(date_h, &when))
		FAIL("IncompleteSignatureException",
		     "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
		     "header.");
	if (when < rq->now - SKEW_SECONDS || when > rq->now + SKEW_SECONDS) {
		char now_s[17], lim[17];
		fmt_amz(rq->now, now_s);
		fmt_amz(when < rq->now ? rq->now - SKEW_SECONDS : rq->now + SKEW_SECONDS, lim);
		FAIL("InvalidSignatureException", "Signature %s: %s is now %s than %s (%s %s 5 min.)",
		     when < rq->now ? "expired" : "not yet current", date_h,
		     when < rq->now ? "earlier" : "later", lim, now_s, when < rq->now ? "-" : "+");
	}
	if (strncmp(date_h, ap.date, 8))
		FAIL("InvalidSignatureException",
		     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
		     "from HTTP: '%s' != '%.8s', from '%s'.", ap.date, date_h, date_h);

	/* The signer always signs host, x-amz-date and the token; every other header the client
	 * signed is handed over as an extra. */
	snprintf(names, sizeof names, "%s", ap.signed_headers);
	bool has_host = false;
	for (char *name = names, *next; name && *name; name = next) {
		next = strchr(name, ';');
		if (next)
			*next++ = '\0';
		if (!strcmp(name, "host")) {
			has_host = true;
			continue;
		}
		if (!strcmp(name, "x-amz-date") || !strcmp(name, "x-amz-security-token"))
			continue;
		const char *v = rq->header(rq->ctx, name);
		if (!v)
			FAIL("InvalidSignatureException",
			     "The request signature we calculated does not match the signature you "
			     "provided. Check your AWS Secret Access Key and signing method. Consult "
			     "the service documentation for details.");
		if (nextra == MAX_SIGNED)
			FAIL("IncompleteSignatureException", "too many signed headers");
		extra[nextra].name = name;
		extra[nextra++].value = v;
	}
	if (!has_host || !host)
		FAIL("IncompleteSignatureException",
		     "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

	struct sigv4_creds creds = {
		.access_key_id = a->access_key_id,
		.secret_access_key = a->secret_access_key,
		.session_token = strstr(ap.signed_headers, "x-amz-security-token") ? token : NULL,
	};
	struct sigv4_request req = {
		.method = rq->method, .host = host, .path = rq->path, .query = rq->query,
		.headers = extra, .nheaders = nextra, .body = rq->body, .body_len = rq->body_len,
		.region = a->region, .service = service, .when = when,
	};
	struct sigv4_signed out;
	if (sigv4_sign(&req, &creds, &out, err, sizeof err) != CD_OK)
		FAIL("InvalidSignatureException",
		     "The request signature we calculated does not match the signature you provided. "
		     "Check your AWS Secret Access Key and signing method. Consult the service "
		     "documentation for details.");
	/* Both the header list and the signature must agree: a client that signed a header we
	 * could not reproduce must not pass by accident. */
	char want_list[1024];
	if (!get_param(out.authorization + 17, "SignedHeaders", want_list, sizeof want_list) ||
	    strcmp(want_list, ap.signed_headers) || !const_eq(out.signature, ap.signature))
		FAIL("InvalidSignatureException",
		     "The request signature we calculated does not match the signature you provided. "
		     "Check your AWS Secret Access Key and signing method. Consult the service "
		     "documentation for details.");
out:
	return res;
}
