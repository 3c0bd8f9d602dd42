/* sigv4.h -- AWS Signature Version 4 for restJson services (connect, sts, sso), with OpenSSL. */
#ifndef CD_AWS_SIGV4_H
#define CD_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "buf.h"
#include "result.h"

struct sigv4_creds {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /* NULL or "" when the credentials are not temporary */
};

struct sigv4_header {
	const char *name;  /* any case; signed lower-cased, value trimmed and inner spaces folded */
	const char *value;
};

/* One request as it goes on the wire. `path` and `query` are exactly what the client sends
 * (already percent-encoded by the request builder); the signer derives the canonical forms:
 * the path normalised and encoded once more (non-S3 rule), the query re-encoded and sorted. */
struct sigv4_request {
	const char *method;    /* "GET", "POST" */
	const char *host;      /* Host header value: "connect.us-east-1.amazonaws.com" or "127.0.0.1:8080" */
	const char *path;      /* "/users/i-1/u%20x"; "" means "/" */
	const char *query;     /* "maxResults=1000&nextToken=..." without '?'; NULL or "" for none */
	const struct sigv4_header *headers; /* extra headers to sign (e.g. content-type); may be NULL.
					     * host, x-amz-date, x-amz-security-token and
					     * authorization are the signer's own and skipped here */
	size_t nheaders;
	const void *body;      /* may be NULL when body_len is 0 */
	size_t body_len;
	const char *region;    /* "us-east-1" */
	const char *service;   /* "connect" */
	time_t when;           /* signing time, UTC epoch seconds */
};

/* What the client adds to the request. Header values are NUL-terminated strings. */
struct sigv4_signed {
	char amz_date[17];          /* X-Amz-Date: 20261128T164500Z */
	char payload_hash[65];      /* hex SHA-256 of the body (x-amz-content-sha256 if wanted) */
	char authorization[1024];   /* Authorization header value: never log it */
	char signature[65];         /* hex signature (the tail of authorization) */
};

/* Signs req with creds. The signing key is derived per (secret, date, region, service) and cached
 * in a small thread-safe cache, so signing thousands of requests a day costs one HMAC chain. */
enum cd_result sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
			  struct sigv4_signed *out, char *err, size_t errlen);

/* Helpers the request builders and the emulator share with the signer. */

/* Appends s[0..n) percent-encoded as SigV4 wants: every byte except A-Za-z0-9 - _ . ~ (and '/'
 * when keep_slash) becomes %XX with upper-case hex. */
enum cd_result sigv4_uri_encode(struct buf *out, const char *s, size_t n, bool keep_slash);

/* The byte the escape "%XX" (two hex digits, either case) at the start of s[0..n) stands for,
 * or -1 when s does not start with one: the one percent decoder, for the signer's re-encoding
 * and the emulator's query parsing (each decides what a '%' without two hex digits means). */
int sigv4_pct_byte(const char *s, size_t n);

/* Appends the canonical request of req (the text whose hash is signed) to out, with amz_date
 * ("20261128T164500Z") and session_token (NULL or "" for none) as the signer adds them. For
 * tests and diagnostics; it holds the session token when one is given, so never log it then. */
enum cd_result sigv4_canonical_request(const struct sigv4_request *req, const char *amz_date,
				       const char *session_token, struct buf *out);

/* Parses an X-Amz-Date value ("20261128T164500Z") into UTC epoch seconds; false when malformed. */
bool sigv4_parse_amz_date(const char *s, time_t *out);

#endif
