/* test_http.c -- the libcurl wrapper against a tiny HTTP/1.1 server thread on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "aws/http.h"

/* The server: one thread accepting, one detached thread per connection, keep-alive. */
static int listen_fd = -1;
static int port;
static pthread_t acceptor;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int connections_accepted;
static int open_connections, max_open_connections;

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void respond(int fd, int status, const char *extra, const char *body, size_t blen)
{
	char head[1024];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nContent-Type: text/plain\r\n%s\r\n",
			 status, blen, extra ? extra : "");
	send_all(fd, head, (size_t)n);
	send_all(fd, body, blen);
}

static void *serve_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[65536];
	size_t have = 0;
	int conn_id;
	pthread_mutex_lock(&stats_lock);
	conn_id = ++connections_accepted;
	if (++open_connections > max_open_connections)
		max_open_connections = open_connections;
	pthread_mutex_unlock(&stats_lock);
	for (;;) {
		char *end;
		while (!(end = memmem(req, have, "\r\n\r\n", 4))) {
			if (have == sizeof req)
				goto done;
			ssize_t r = recv(fd, req + have, sizeof req - have, 0);
			if (r <= 0)
				goto done;
			have += (size_t)r;
		}
		size_t hlen = (size_t)(end - req) + 4, clen = 0;
		char *cl = strcasestr(req, "\r\ncontent-length:");
		if (cl && cl < end)
			clen = strtoul(cl + 17, NULL, 10);
		while (have < hlen + clen) {
			ssize_t r = recv(fd, req + have, sizeof req - have, 0);
			if (r <= 0)
				goto done;
			have += (size_t)r;
		}
		char method[16] = "", path[512] = "";
		sscanf(req, "%15s %511s", method, path);
		bool close_after = false;
		if (strcmp(method, "HEAD") == 0) {
			const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
			send_all(fd, h, strlen(h));
		} else if (strncmp(path, "/echo", 5) == 0) {
			/* the request as received: request line, headers, body */
			respond(fd, 200, NULL, req, hlen + clen);
		} else if (strcmp(path, "/conn") == 0) {
			char b[32];
			int n = snprintf(b, sizeof b, "%d", conn_id);
			respond(fd, 200, NULL, b, (size_t)n);
		} else if (strcmp(path, "/throttle") == 0) {
			const char *body = "{\"message\":\"Rate exceeded\"}";
			respond(fd, 429,
				"x-amzn-ErrorType: ThrottlingException:http://internal.amazon.com/coral/\r\n"
				"x-amzn-RequestId: 5f0e-abc\r\nRetry-After: 2\r\n",
				body, strlen(body));
		} else if (strcmp(path, "/denied") == 0) {
			const char *body = "{\"message\":\"not allowed\"}";
			respond(fd, 403, "x-amzn-ErrorType: AccessDeniedException\r\n", body,
				strlen(body));
		} else if (strcmp(path, "/missing") == 0) {
			respond(fd, 404, "x-amzn-ErrorType: ResourceNotFoundException\r\n", "{}", 2);
		} else if (strcmp(path, "/unavailable") == 0) {
			respond(fd, 503, NULL, "", 0);
		} else if (strcmp(path, "/truncate") == 0) {
			const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
			send_all(fd, h, strlen(h));
			close_after = true;
		} else if (strcmp(path, "/big") == 0) {
			char *b = malloc(10000);
			memset(b, 'x', 10000);
			respond(fd, 200, NULL, b, 10000);
			free(b);
		} else if (strcmp(path, "/slow") == 0) {
			usleep(1500 * 1000);
			respond(fd, 200, NULL, "late", 4);
		} else {
			respond(fd, 404, NULL, "", 0);
		}
		memmove(req, req + hlen + clen, have - hlen - clen);
		have -= hlen + clen;
		if (close_after)
			break;
	}
done:
	close(fd);
	pthread_mutex_lock(&stats_lock);
	open_connections--;
	pthread_mutex_unlock(&stats_lock);
	return NULL;
}

static void *accept_loop(void *arg)
{
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			break;
		pthread_t t;
		if (pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)fd) == 0)
			pthread_detach(t);
		else
			close(fd);
	}
	return NULL;
}

static int server_up(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof a) ||
	    listen(listen_fd, 64) || getsockname(listen_fd, (struct sockaddr *)&a, &len))
		return -1;
	port = ntohs(a.sin_port);
	return pthread_create(&acceptor, NULL, accept_loop, NULL) ? -1 : 0;
}

static int server_down(void **state)
{
	shutdown(listen_fd, SHUT_RDWR);
	close(listen_fd);
	pthread_join(acceptor, NULL);
	/* let connection threads see their sockets close */
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&stats_lock);
		int open = open_connections;
		pthread_mutex_unlock(&stats_lock);
		if (!open)
			break;
		usleep(20 * 1000);
	}
	return 0;
}

static void url(char *dst, size_t n, const char *path)
{
	snprintf(dst, n, "http://127.0.0.1:%d%s", port, path);
}

static struct http_client *client(size_t max_bytes, long timeout_ms, long max_conns)
{
	struct http_client_opts o = { .max_response_bytes = max_bytes,
				      .request_timeout_ms = timeout_ms,
				      .max_host_connections = max_conns };
	struct http_client *c = NULL;
	char err[256];
	assert_int_equal(http_client_new(&o, &c, err, sizeof err), CD_OK);
	return c;
}

static void get_and_post(void **state)
{
	struct http_client *c = client(0, 5000, 0);
	char u[128];
	struct http_response resp;
	url(u, sizeof u, "/echo/a%20b?x=1");
	struct sigv4_header h[] = { { "X-Amz-Date", "20261128T164500Z" },
				    { "Authorization", "AWS4-HMAC-SHA256 test" } };
	struct http_request req = { .method = "GET", .url = u, .headers = h, .nheaders = 2 };
	assert_int_equal(http_do(c, &req, &resp), CD_OK);
	assert_int_equal(resp.status, 200);
	const char *b = buf_str(&resp.body);
	assert_non_null(strstr(b, "GET /echo/a%20b?x=1 HTTP/1.1\r\n"));
	assert_non_null(strstr(b, "\r\nX-Amz-Date: 20261128T164500Z\r\n"));
	assert_non_null(strstr(b, "\r\nHost: 127.0.0.1:"));
	assert_non_null(strstr(b, "\r\nUser-Agent: connect-dupes/"));
	assert_null(strcasestr(b, "content-type")); /* no made-up content type on GET */
	http_response_release(&resp);

	const char body[] = "{\"a\":1}";
	struct sigv4_header ct = { "Content-Type", "application/json" };
	struct http_request post = { .method = "POST", .url = u, .headers = &ct, .nheaders = 1,
				     .body = body, .body_len = 7 };
	assert_int_equal(http_do(c, &post, &resp), CD_OK);
	b = buf_str(&resp.body);
	assert_non_null(strstr(b, "POST /echo/a%20b?x=1 HTTP/1.1\r\n"));
	assert_non_null(strstr(b, "\r\nContent-Type: application/json\r\n"));
	assert_non_null(strstr(b, "\r\nContent-Length: 7\r\n"));
	assert_null(strcasestr(b, "expect:"));
	assert_non_null(strstr(b, "\r\n\r\n{\"a\":1}"));
	http_response_release(&resp);

	/* PUT with an empty body (the IMDSv2 token request) sends Content-Length: 0 */
	struct http_request put = { .method = "PUT", .url = u };
	assert_int_equal(http_do(c, &put, &resp), CD_OK);
	b = buf_str(&resp.body);
	assert_non_null(strstr(b, "PUT /echo"));
	assert_non_null(strstr(b, "\r\nContent-Length: 0\r\n"));
	assert_null(strcasestr(b, "content-type"));
	http_response_release(&resp);

	/* HEAD: the Content-Length is of a body that is never sent; that is not truncation */
	struct http_request head = { .method = "HEAD", .url = u };
	assert_int_equal(http_do(c, &head, &resp), CD_OK);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.body.len, 0);
	http_response_release(&resp);
	http_client_free(c);
}

static void error_answers(void **state)
{
	struct http_client *c = client(0, 5000, 0);
	char u[128];
	struct http_response resp;
	struct http_request req = { .method = "GET", .url = u };
	url(u, sizeof u, "/throttle");
	assert_int_equal(http_do(c, &req, &resp), CD_THROTTLED);
	assert_int_equal(resp.status, 429);
	assert_string_equal(resp.amzn_error_type, "ThrottlingException");
	assert_string_equal(resp.request_id, "5f0e-abc");
	assert_true(resp.retry_after_s > 1.99 && resp.retry_after_s < 2.01);
	assert_string_equal(buf_str(&resp.body), "{\"message\":\"Rate exceeded\"}");
	assert_non_null(strstr(resp.error, "HTTP 429 (ThrottlingException)"));
	http_response_release(&resp);

	url(u, sizeof u, "/denied");
	assert_int_equal(http_do(c, &req, &resp), CD_AUTH);
	assert_int_equal(resp.status, 403);
	assert_string_equal(resp.amzn_error_type, "AccessDeniedException");
	assert_string_equal(resp.request_id, "");
	assert_true(resp.retry_after_s == 0);
	http_response_release(&resp);

	url(u, sizeof u, "/missing");
	assert_int_equal(http_do(c, &req, &resp), CD_NOT_FOUND);
	http_response_release(&resp);
	url(u, sizeof u, "/unavailable");
	assert_int_equal(http_do(c, &req, &resp), CD_SERVICE);
	assert_int_equal(resp.status, 503);
	http_response_release(&resp);
	http_client_free(c);

	assert_int_equal(http_status_result(400, "ExpiredTokenException"), CD_AUTH);
	assert_int_equal(http_status_result(400, "TooManyRequestsException"), CD_THROTTLED);
	assert_int_equal(http_status_result(400, "InvalidParameterException"), CD_INPUT);
	assert_int_equal(http_status_result(500, ""), CD_SERVICE);
	assert_int_equal(http_status_result(204, ""), CD_OK);
}

static void transport_failures(void **state)
{
	struct http_client *c = client(1000, 300, 0);
	char u[128];
	struct http_response resp;
	struct http_request req = { .method = "GET", .url = u };

	url(u, sizeof u, "/truncate");
	assert_int_equal(http_do(c, &req, &resp), CD_NETWORK);
	assert_int_equal(resp.status, 0);
	assert_int_equal(resp.body.len, 0);
	assert_non_null(strstr(resp.error, "127.0.0.1"));
	http_response_release(&resp);

	url(u, sizeof u, "/big");
	assert_int_equal(http_do(c, &req, &resp), CD_TOOBIG);
	assert_int_equal(resp.status, 0);
	assert_non_null(strstr(resp.error, "larger than 1000 bytes"));
	http_response_release(&resp);

	url(u, sizeof u, "/slow");
	assert_int_equal(http_do(c, &req, &resp), CD_NETWORK);
	assert_non_null(strstr(resp.error, "timed out"));
	assert_true(resp.elapsed_s < 1.4);
	http_response_release(&resp);

	/* a port nobody listens on */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	snprintf(u, sizeof u, "http://127.0.0.1:%d/x", ntohs(a.sin_port));
	close(fd);
	assert_int_equal(http_do(c, &req, &resp), CD_NETWORK);
	assert_int_equal(resp.status, 0);
	http_response_release(&resp);

	/* bad requests are refused before anything is sent */
	struct sigv4_header evil = { "X-A", "b\r\nInjected: yes" };
	struct http_request bad = { .method = "GET", .url = u, .headers = &evil, .nheaders = 1 };
	assert_int_equal(http_submit(c, &bad), CD_INTERNAL);
	bad.nheaders = 0;
	bad.url = "ftp://127.0.0.1/x";
	assert_int_equal(http_submit(c, &bad), CD_INTERNAL);
	assert_int_equal(http_in_flight(c), 0);
	http_client_free(c);
}

static void many_in_flight_share_connections(void **state)
{
	struct http_client *c = client(0, 10000, 2);
	char u[128];
	enum { N = 40 };
	int seen[N] = { 0 };
	int base;
	pthread_mutex_lock(&stats_lock);
	base = connections_accepted;
	max_open_connections = open_connections;
	pthread_mutex_unlock(&stats_lock);
	for (int i = 0; i < N; i++) {
		char path[32];
		snprintf(path, sizeof path, "/echo?i=%d", i);
		url(u, sizeof u, path);
		struct http_request req = { .method = "GET", .url = u, .user = &seen[i] };
		assert_int_equal(http_submit(c, &req), CD_OK);
	}
	assert_int_equal(http_in_flight(c), N);
	struct http_response out[8];
	size_t got = 0;
	for (int rounds = 0; got < N && rounds < 500; rounds++) {
		size_t n = http_poll(c, 100, out, 8);
		for (size_t k = 0; k < n; k++) {
			assert_int_equal(out[k].status, 200);
			int i = (int)((int *)out[k].user - seen);
			assert_true(i >= 0 && i < N);
			char want[32];
			snprintf(want, sizeof want, "GET /echo?i=%d ", i);
			assert_non_null(strstr(buf_str(&out[k].body), want));
			seen[i]++;
			http_response_release(&out[k]);
		}
		got += n;
	}
	assert_int_equal(got, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(http_in_flight(c), 0);
	assert_int_equal(http_poll(c, 0, out, 8), 0);
	pthread_mutex_lock(&stats_lock);
	int opened = connections_accepted - base, peak = max_open_connections;
	pthread_mutex_unlock(&stats_lock);
	/* 40 requests over at most 2 kept-alive connections */
	assert_true(opened >= 1 && opened <= 2);
	assert_true(peak <= 2 + open_connections);
	http_client_free(c);
}

static void ca_bundle_and_urls(void **state)
{
	struct http_client_opts o = { .ca_bundle = "/nonexistent/ca.pem" };
	struct http_client *c = NULL;
	char err[256];
	assert_int_equal(http_client_new(&o, &c, err, sizeof err), CD_INPUT);
	assert_null(c);
	assert_non_null(strstr(err, "'/nonexistent/ca.pem'"));

	struct http_url u;
	assert_int_equal(http_url_parse("https://connect.us-east-1.amazonaws.com/users/i-1/u%20x?a=1&b=2",
					&u, err, sizeof err), CD_OK);
	assert_string_equal(u.scheme, "https");
	assert_string_equal(u.host, "connect.us-east-1.amazonaws.com");
	assert_string_equal(u.path, "/users/i-1/u%20x");
	assert_string_equal(u.query, "a=1&b=2");
	assert_int_equal(http_url_parse("https://sts.amazonaws.com:443", &u, err, sizeof err), CD_OK);
	assert_string_equal(u.host, "sts.amazonaws.com");
	assert_string_equal(u.path, "/");
	assert_string_equal(u.query, "");
	assert_int_equal(http_url_parse("http://127.0.0.1:8080/x", &u, err, sizeof err), CD_OK);
	assert_string_equal(u.host, "127.0.0.1:8080");
	assert_int_equal(http_url_parse("http://[::1]:9/x", &u, err, sizeof err), CD_OK);
	assert_string_equal(u.host, "[::1]:9");
	assert_int_equal(http_url_parse("file:///etc/passwd", &u, err, sizeof err), CD_INPUT);
	assert_int_equal(http_url_parse("not a url", &u, err, sizeof err), CD_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_and_post),
		cmocka_unit_test(error_answers),
		cmocka_unit_test(transport_failures),
		cmocka_unit_test(many_in_flight_share_connections),
		cmocka_unit_test(ca_bundle_and_urls),
	};
	return cmocka_run_group_tests(tests, server_up, server_down);
}
