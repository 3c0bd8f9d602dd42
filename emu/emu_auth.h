/* emu_auth.h -- SigV4 verification of incoming requests, with the service's error names. */
#ifndef CD_EMU_AUTH_H
#define CD_EMU_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The key pair (and session token) requests must be signed with. Strings borrowed. */
struct emu_auth {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /* NULL or "": requests must not need one */
	const char *region;        /* the credential scope's region must be this */
	const char *expired_token; /* NULL or a token that gets ExpiredTokenException (rotated) */
};

/* One request as received: path and query exactly as on the wire (still percent-encoded). */
struct emu_auth_request {
	const char *method, *path, *query;
	const void *body;
	size_t body_len;
	/* Returns the value of header `name` (case-insensitive) or NULL. */
	const char *(*header)(void *ctx, const char *name);
	void *ctx;
	time_t now;
	const char *service;       /* the signing name it must be scoped to; NULL: "connect" */
};

/* NULL when the request is properly signed; otherwise the error name the service uses
 * (MissingAuthenticationTokenException, IncompleteSignatureException,
 * UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException; all HTTP 403)
 * with the service's message in msg. Never puts the signature or secret into msg. */
const char *emu_auth_check(const struct emu_auth *a, const struct emu_auth_request *rq, char *msg,
			   size_t msglen);

#endif
