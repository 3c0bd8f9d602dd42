/* http.c -- libcurl multi wrapper: many requests in flight, timeouts, capped responses. */
#include "aws/http.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#ifndef CD_VERSION
#define CD_VERSION "dev"
#endif

/* One request from submit to the caller picking it up in http_poll. */
struct transfer {
	CURL *easy;
	struct curl_slist *headers;
	char host[256];              /* for error messages */
	struct http_response resp;
	CURLcode code;               /* set when finished */
	bool toobig;
	bool done;
	bool no_body;                /* HEAD: Content-Length describes a body never sent */
	struct transfer *prev, *next;
};

struct http_client {
	CURLM *multi;
	struct http_client_opts opts;
	char *ca_bundle;
	struct transfer *head;       /* every transfer not yet handed back */
	size_t count;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum cd_result http_url_parse(const char *url, struct http_url *out, char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
	CURLU *u = curl_url();
	memset(out, 0, sizeof *out);
	if (!u) {
		r = CD_NOMEM;
		goto out;
	}
	if (!url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) {
		snprintf(err, errlen, "'%s' is not an http or https URL", url ? url : "");
		r = CD_INPUT;
		goto out;
	}
	/* CURLUPART_PORT without CURLU_DEFAULT_PORT is set only when written in the URL; a port
	 * equal to the scheme's default is dropped from Host, as botocore and curl do. */
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
		port = NULL;
	if (port && ((strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0) ||
		     (strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0))) {
		curl_free(port);
		port = NULL;
	}
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
		query = NULL;
	int n1 = snprintf(out->scheme, sizeof out->scheme, "%s", scheme);
	int n2 = snprintf(out->host, sizeof out->host, "%s%s%s", host, port ? ":" : "",
			  port ? port : "");
	int n3 = snprintf(out->path, sizeof out->path, "%s", path && *path ? path : "/");
	int n4 = snprintf(out->query, sizeof out->query, "%s", query ? query : "");
	if (n1 < 0 || n2 < 0 || n3 < 0 || n4 < 0 || (size_t)n1 >= sizeof out->scheme ||
	    (size_t)n2 >= sizeof out->host || (size_t)n3 >= sizeof out->path ||
	    (size_t)n4 >= sizeof out->query) {
		snprintf(err, errlen, "URL '%.100s' is too long", url);
		r = CD_INPUT;
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return r;
}

enum cd_result http_client_new(const struct http_client_opts *opts, struct http_client **out,
			       char *err, size_t errlen)
{
	enum cd_result r = CD_OK;
	struct http_client *c = NULL;
	*out = NULL;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		snprintf(err, errlen, "cannot initialise libcurl: %s", curl_easy_strerror(global_rc));
		r = CD_INTERNAL;
		goto out;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		r = CD_NOMEM;
		goto out;
	}
	if (opts)
		c->opts = *opts;
	if (c->opts.connect_timeout_ms <= 0)
		c->opts.connect_timeout_ms = 10000;
	if (c->opts.request_timeout_ms <= 0)
		c->opts.request_timeout_ms = 60000;
	if (c->opts.max_response_bytes == 0)
		c->opts.max_response_bytes = 64u << 20;
	if (c->opts.max_host_connections <= 0)
		c->opts.max_host_connections = 8;
	if (c->opts.ca_bundle && *c->opts.ca_bundle) {
		if (access(c->opts.ca_bundle, R_OK) != 0) {
			snprintf(err, errlen, "cannot read the CA bundle '%s'", c->opts.ca_bundle);
			r = CD_INPUT;
			goto out;
		}
		c->ca_bundle = strdup(c->opts.ca_bundle);
		if (!c->ca_bundle) {
			r = CD_NOMEM;
			goto out;
		}
	}
	c->opts.ca_bundle = c->ca_bundle;
	c->multi = curl_multi_init();
	if (!c->multi) {
		snprintf(err, errlen, "cannot create a libcurl multi handle");
		r = CD_NOMEM;
		goto out;
	}
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, c->opts.max_host_connections);
	/* keep enough idle connections around for every host we talk to */
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, c->opts.max_host_connections * 4);
out:
	if (r != CD_OK)
		http_client_free(c);
	else
		*out = c;
	return r;
}

static void transfer_free(struct http_client *c, struct transfer *t)
{
	if (!t)
		return;
	if (t->easy) {
		if (c && c->multi)
			curl_multi_remove_handle(c->multi, t->easy);
		curl_easy_cleanup(t->easy);
	}
	curl_slist_free_all(t->headers);
	buf_release(&t->resp.body);
	free(t);
}

static void unlink_transfer(struct http_client *c, struct transfer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		c->head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
	c->count--;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	while (c->head) {
		struct transfer *t = c->head;
		unlink_transfer(c, t);
		transfer_free(c, t);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	free(c->ca_bundle);
	free(c);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct transfer *t = ud;
	size_t len = size * n;
	enum cd_result r = buf_append(&t->resp.body, p, len);
	if (r == CD_TOOBIG)
		t->toobig = true;
	return r == CD_OK ? len : 0; /* 0 makes libcurl stop with CURLE_WRITE_ERROR */
}

/* Copies a header value (after "Name:"), trimmed, into dst. */
static void header_value(const char *p, size_t n, char *dst, size_t dstlen, bool cut_colon)
{
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (cut_colon) {
		const char *colon = memchr(p, ':', n);
		if (colon)
			n = (size_t)(colon - p);
	}
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static bool header_is(const char *p, size_t n, const char *name, size_t *vofs)
{
	size_t l = strlen(name);
	if (n <= l || p[l] != ':' || strncasecmp(p, name, l) != 0)
		return false;
	*vofs = l + 1;
	return true;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct transfer *t = ud;
	size_t len = size * n, v;
	/* a new status line (after a 100 Continue, say) starts a new header block */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		t->resp.amzn_error_type[0] = '\0';
		t->resp.request_id[0] = '\0';
		t->resp.retry_after_s = 0;
	} else if (header_is(p, len, "x-amzn-ErrorType", &v)) {
		header_value(p + v, len - v, t->resp.amzn_error_type,
			     sizeof t->resp.amzn_error_type, true);
	} else if (header_is(p, len, "x-amzn-RequestId", &v) ||
		   (!t->resp.request_id[0] && header_is(p, len, "x-amz-request-id", &v))) {
		header_value(p + v, len - v, t->resp.request_id, sizeof t->resp.request_id, false);
	} else if (header_is(p, len, "Retry-After", &v)) {
		char val[64];
		header_value(p + v, len - v, val, sizeof val, false);
		char *end;
		double s = strtod(val, &end);
		if (end != val && *end == '\0' && s >= 0 && s < 86400) {
			t->resp.retry_after_s = s;
		} else {
			time_t when = curl_getdate(val, NULL);
			time_t now = time(NULL);
			if (when > now && when - now < 86400)
				t->resp.retry_after_s = (double)(when - now);
		}
	}
	return len;
}

static bool has_crlf(const char *s)
{
	return s && (strchr(s, '\r') || strchr(s, '\n'));
}

static bool has_header(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (req->headers[i].name && strcasecmp(req->headers[i].name, name) == 0)
			return true;
	return false;
}

static enum cd_result add_header(struct transfer *t, const char *name, const char *value)
{
	struct buf b = BUF_INIT(64 * 1024);
	enum cd_result r = buf_printf(&b, "%s:%s%s", name, *value ? " " : "", value);
	if (r == CD_OK) {
		struct curl_slist *l = curl_slist_append(t->headers, buf_str(&b));
		if (!l)
			r = CD_NOMEM;
		else
			t->headers = l;
	}
	buf_release(&b);
	return r;
}

enum cd_result http_submit(struct http_client *c, const struct http_request *req)
{
	enum cd_result r = CD_OK;
	struct transfer *t = NULL;
	struct http_url u;
	char uerr[128];
	if (!c || !req || !req->method || !*req->method || !req->url ||
	    (req->body_len && !req->body) || has_crlf(req->method) ||
	    http_url_parse(req->url, &u, uerr, sizeof uerr) != CD_OK) {
		r = CD_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < req->nheaders; i++)
		if (!req->headers[i].name || !req->headers[i].value || !*req->headers[i].name ||
		    has_crlf(req->headers[i].name) || has_crlf(req->headers[i].value) ||
		    strchr(req->headers[i].name, ':')) {
			r = CD_INTERNAL;
			goto out;
		}
	t = calloc(1, sizeof *t);
	if (!t) {
		r = CD_NOMEM;
		goto out;
	}
	buf_init(&t->resp.body, c->opts.max_response_bytes);
	t->resp.user = req->user;
	snprintf(t->host, sizeof t->host, "%s", u.host);
	t->easy = curl_easy_init();
	if (!t->easy) {
		r = CD_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < req->nheaders && r == CD_OK; i++)
		r = add_header(t, req->headers[i].name, req->headers[i].value);
	/* libcurl would add these on its own: a form content type on POST, and Expect:
	 * 100-continue on large bodies (a wasted round trip to AWS). */
	if (r == CD_OK && !has_header(req, "Content-Type"))
		r = add_header(t, "Content-Type", "");
	if (r == CD_OK && !has_header(req, "Expect"))
		r = add_header(t, "Expect", "");
	if (r != CD_OK)
		goto out;
	CURL *e = t->easy;
	CURLcode cc = CURLE_OK;
#define SET(opt, val) do { if (cc == CURLE_OK) cc = curl_easy_setopt(e, opt, val); } while (0)
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_HTTPHEADER, t->headers);
	SET(CURLOPT_USERAGENT, "connect-dupes/" CD_VERSION);
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	SET(CURLOPT_PIPEWAIT, 1L);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, c->opts.connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, c->opts.request_timeout_ms);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_bundle)
		SET(CURLOPT_CAINFO, c->ca_bundle);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, t);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, t);
	SET(CURLOPT_PRIVATE, t);
	if (strcmp(req->method, "GET") == 0 && req->body_len == 0) {
		SET(CURLOPT_HTTPGET, 1L);
	} else if (strcmp(req->method, "HEAD") == 0) {
		SET(CURLOPT_NOBODY, 1L);
		t->no_body = true;
	} else {
		/* COPYPOSTFIELDS copies the body now; the size must be set first */
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SET(CURLOPT_COPYPOSTFIELDS, req->body_len ? (const char *)req->body : "");
		if (strcmp(req->method, "POST") != 0)
			SET(CURLOPT_CUSTOMREQUEST, req->method);
	}
#undef SET
	if (cc != CURLE_OK) {
		r = cc == CURLE_OUT_OF_MEMORY ? CD_NOMEM : CD_INTERNAL;
		goto out;
	}
	t->resp.elapsed_s = now_s(); /* start time until it finishes */
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		r = CD_INTERNAL;
		goto out;
	}
	t->next = c->head;
	if (c->head)
		c->head->prev = t;
	c->head = t;
	c->count++;
	t = NULL;
out:
	transfer_free(NULL, t);
	return r;
}

enum cd_result http_status_result(int status, const char *type)
{
	if (status >= 200 && status < 300)
		return CD_OK;
	const char *ty = type ? type : "";
	static const char *const auth_types[] = {
		"AccessDenied", "UnrecognizedClient", "InvalidSignature", "ExpiredToken",
		"IncompleteSignature", "InvalidClientTokenId", "SignatureDoesNotMatch",
		"MissingAuthenticationToken", "UnauthorizedException", "InvalidAccessKeyId",
		"AuthFailure", "NotAuthorized",
	};
	for (size_t i = 0; i < sizeof auth_types / sizeof auth_types[0]; i++)
		if (strncmp(ty, auth_types[i], strlen(auth_types[i])) == 0)
			return CD_AUTH;
	if (strstr(ty, "Throttl") || strstr(ty, "TooManyRequests") ||
	    strstr(ty, "LimitExceeded") || strstr(ty, "RequestLimit"))
		return CD_THROTTLED;
	if (status == 401 || status == 403)
		return CD_AUTH;
	if (status == 429)
		return CD_THROTTLED;
	if (status == 404 || strncmp(ty, "ResourceNotFound", 16) == 0)
		return CD_NOT_FOUND;
	if (status == 400 && (strncmp(ty, "InvalidParameter", 16) == 0 ||
			      strncmp(ty, "InvalidRequest", 14) == 0))
		return CD_INPUT;
	return CD_SERVICE;
}

/* Fills the response of a transfer libcurl reports finished. */
static void finish(struct transfer *t, CURLcode code)
{
	struct http_response *resp = &t->resp;
	long status = 0;
	curl_off_t clen = -1, got = 0;
	t->done = true;
	t->code = code;
	resp->elapsed_s = now_s() - resp->elapsed_s;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen);
	curl_easy_getinfo(t->easy, CURLINFO_SIZE_DOWNLOAD_T, &got);
	if (code == CURLE_OK && clen >= 0 && got != clen && status != 204 && status != 304 &&
	    !t->no_body) {
		snprintf(resp->error, sizeof resp->error,
			 "truncated response from '%.120s': %lld of %lld bytes", t->host, (long long)got,
			 (long long)clen);
		resp->status = 0;
		resp->result = CD_NETWORK;
	} else if (code != CURLE_OK) {
		resp->status = 0;
		if (t->toobig) {
			resp->result = CD_TOOBIG;
			snprintf(resp->error, sizeof resp->error,
				 "response from '%.120s' is larger than %zu bytes", t->host,
				 resp->body.max);
		} else if (code == CURLE_OUT_OF_MEMORY) {
			resp->result = CD_NOMEM;
			snprintf(resp->error, sizeof resp->error, "out of memory talking to '%.120s'",
				 t->host);
		} else if (code == CURLE_OPERATION_TIMEDOUT) {
			resp->result = CD_NETWORK;
			snprintf(resp->error, sizeof resp->error, "request to '%.120s' timed out after %.1f s",
				 t->host, resp->elapsed_s);
		} else {
			resp->result = CD_NETWORK;
			resp->unresolved = code == CURLE_COULDNT_RESOLVE_HOST;
			snprintf(resp->error, sizeof resp->error, "request to '%.120s' failed: %s",
				 t->host, curl_easy_strerror(code));
		}
	} else {
		resp->status = (int)status;
		resp->result = http_status_result(resp->status, resp->amzn_error_type);
		if (resp->result != CD_OK)
			snprintf(resp->error, sizeof resp->error, "HTTP %d%s%.100s%s from '%.100s'",
				 resp->status, resp->amzn_error_type[0] ? " (" : "",
				 resp->amzn_error_type, resp->amzn_error_type[0] ? ")" : "",
				 t->host);
	}
	if (resp->status == 0)
		buf_reset(&resp->body); /* a partial body is not an answer */
}

/* Moves every finished transfer libcurl reports into the done state. */
static void harvest(struct http_client *c)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(c->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct transfer *t = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		if (t && !t->done) {
			CURLcode code = m->data.result;
			finish(t, code);
			curl_multi_remove_handle(c->multi, t->easy);
		}
	}
}

/* Hands a done transfer's response to the caller and frees the rest. */
static void take(struct http_client *c, struct transfer *t, struct http_response *out)
{
	unlink_transfer(c, t);
	*out = t->resp;
	buf_init(&t->resp.body, 0);
	transfer_free(NULL, t);
}

/* Oldest done transfers first: the list is newest-first, so walk to the tail. */
static size_t collect(struct http_client *c, struct http_response *out, size_t max)
{
	size_t n = 0;
	struct transfer *tail = c->head;
	while (tail && tail->next)
		tail = tail->next;
	for (struct transfer *t = tail; t && n < max;) {
		struct transfer *prev = t->prev;
		if (t->done)
			take(c, t, &out[n++]);
		t = prev;
	}
	return n;
}

static void drive(struct http_client *c, int timeout_ms)
{
	int running = 0;
	curl_multi_perform(c->multi, &running);
	harvest(c);
	if (timeout_ms > 0 && running > 0) {
		curl_multi_poll(c->multi, NULL, 0, timeout_ms, NULL);
		curl_multi_perform(c->multi, &running);
		harvest(c);
	}
}

static bool any_done(const struct http_client *c)
{
	for (const struct transfer *t = c->head; t; t = t->next)
		if (t->done)
			return true;
	return false;
}

size_t http_poll(struct http_client *c, int timeout_ms, struct http_response *out, size_t max)
{
	if (!c || max == 0)
		return 0;
	double deadline = now_s() + (timeout_ms > 0 ? timeout_ms / 1000.0 : 0);
	drive(c, 0);
	while (!any_done(c) && c->count > 0) {
		double left = deadline - now_s();
		if (left <= 0)
			break;
		int ms = (int)(left * 1000) + 1;
		drive(c, ms > 1000 ? 1000 : ms);
	}
	return collect(c, out, max);
}

size_t http_in_flight(const struct http_client *c)
{
	return c ? c->count : 0;
}

enum cd_result http_do(struct http_client *c, const struct http_request *req,
		       struct http_response *resp)
{
	memset(resp, 0, sizeof *resp);
	enum cd_result r = http_submit(c, req);
	if (r != CD_OK) {
		resp->result = r;
		snprintf(resp->error, sizeof resp->error, "cannot send the request to '%.120s'",
			 req && req->url ? req->url : "");
		return r;
	}
	struct transfer *mine = c->head; /* http_submit puts it first */
	/* libcurl's own timeouts end every transfer, so this loop ends; the extra bound is a
	 * guard against a libcurl that never reports completion. */
	double give_up = now_s() + (double)(c->opts.connect_timeout_ms +
					    c->opts.request_timeout_ms) / 1000.0 + 5;
	while (!mine->done && now_s() < give_up)
		drive(c, 200);
	if (!mine->done) {
		curl_multi_remove_handle(c->multi, mine->easy);
		finish(mine, CURLE_OPERATION_TIMEDOUT);
	}
	take(c, mine, resp);
	return resp->result;
}

void http_response_release(struct http_response *resp)
{
	if (resp)
		buf_release(&resp->body);
}
