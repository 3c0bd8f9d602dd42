/* http.h -- libcurl multi wrapper: many requests in flight, timeouts, capped responses. */
#ifndef CD_AWS_HTTP_H
#define CD_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include "aws/sigv4.h"
#include "buf.h"
#include "result.h"

/* One client wraps one libcurl multi handle: HTTP/2 multiplexing where the server offers it,
 * keep-alive and connection reuse, at most max_host_connections connections per host. TLS
 * peers are always verified (there is no switch to turn that off); proxies come from libcurl's
 * own environment handling (https_proxy, HTTPS_PROXY, no_proxy, NO_PROXY). Headers are never
 * logged: they carry signatures and tokens.
 * A client is used from one thread at a time. */
struct http_client;

struct http_client_opts {
	const char *ca_bundle;        /* PEM file of trusted CAs (AWS_CA_BUNDLE); NULL: system store */
	long connect_timeout_ms;      /* 0: 10 s */
	long request_timeout_ms;      /* whole transfer; 0: 60 s */
	size_t max_response_bytes;    /* body cap; 0: 64 MiB. A bigger body fails with CD_TOOBIG */
	long max_host_connections;    /* 0: 8 */
};

/* What to send. http_submit copies everything it needs (URL, headers, body), so the caller's
 * memory may go away as soon as it returns. `user` comes back in the response untouched. */
struct http_request {
	const char *method;                 /* "GET", "POST", "PUT" */
	const char *url;                    /* "https://connect.us-east-1.amazonaws.com/users/..." */
	const struct sigv4_header *headers; /* sent as given (Authorization, X-Amz-Date, ...) */
	size_t nheaders;
	const void *body;                   /* NULL when body_len is 0 */
	size_t body_len;
	void *user;
};

/* A finished transfer. The response owns `body`; http_response_release frees it.
 *   status 0      transport failure: result is CD_NETWORK (connection refused, reset, timed
 *                 out, TLS failure, truncated body: fewer bytes than Content-Length), CD_TOOBIG
 *                 (body over the cap) or CD_NOMEM; error says which, naming the host.
 *   status 2xx    result CD_OK.
 *   other status  result from http_status_result(); error is "HTTP 403 (AccessDeniedException)";
 *                 the body (the service's JSON error) is kept for the caller to parse. */
struct http_response {
	int status;
	enum cd_result result;
	char error[256];
	struct buf body;
	char amzn_error_type[128]; /* x-amzn-ErrorType up to its first ':'; "" when absent */
	char request_id[80];       /* x-amzn-RequestId (or x-amz-request-id); "" when absent */
	double retry_after_s;      /* Retry-After in seconds; 0 when absent */
	double elapsed_s;          /* submit to completion */
	bool unresolved;           /* status 0 because the host name did not resolve */
	void *user;
};

/* Creates a client. Fails with CD_INPUT when ca_bundle names a file that cannot be read. */
enum cd_result http_client_new(const struct http_client_opts *opts, struct http_client **out,
			       char *err, size_t errlen);
/* Waits for nothing: transfers in flight are abandoned. NULL is fine. */
void http_client_free(struct http_client *c);

/* Queues a request; it starts on the next http_poll. Returns CD_INTERNAL for a request that
 * cannot be sent (no method or URL, a header with CR/LF in it), CD_NOMEM. */
enum cd_result http_submit(struct http_client *c, const struct http_request *req);

/* Drives transfers for at most timeout_ms (0: just what is ready), moves up to max finished
 * responses into out[] and returns how many. The caller releases each with
 * http_response_release. Returns early as soon as at least one has finished. */
size_t http_poll(struct http_client *c, int timeout_ms, struct http_response *out, size_t max);

/* Requests submitted and not yet returned by http_poll. */
size_t http_in_flight(const struct http_client *c);

/* Blocking convenience on the same machinery: submits req and drives the client until that
 * request finishes (other requests in flight progress meanwhile and are kept for http_poll).
 * Returns resp->result. */
enum cd_result http_do(struct http_client *c, const struct http_request *req,
		       struct http_response *resp);

void http_response_release(struct http_response *resp);

/* The class of an HTTP answer: 2xx CD_OK; 401, 403 or an auth error type (AccessDenied...,
 * UnrecognizedClient..., InvalidSignature..., ExpiredToken..., IncompleteSignature...) CD_AUTH;
 * 429 or a throttling type CD_THROTTLED; 404 or ResourceNotFoundException CD_NOT_FOUND;
 * 400 InvalidParameter/InvalidRequest CD_INPUT; anything else CD_SERVICE. */
enum cd_result http_status_result(int status, const char *amzn_error_type);

/* A URL split the way a signer needs it. */
struct http_url {
	char scheme[8];    /* "https" or "http" */
	char host[256];    /* Host header value: "sts.amazonaws.com", "127.0.0.1:8080" (default
			    * ports dropped, IPv6 literals bracketed) */
	char path[2048];   /* as in the URL, "/" when empty */
	char query[2048];  /* without '?', "" when none */
};

/* Splits an absolute http(s) URL. CD_INPUT (with err naming the URL) for anything else. */
enum cd_result http_url_parse(const char *url, struct http_url *out, char *err, size_t errlen);

#endif
