/* emu_load.c -- keep-alive load generator for bench/emu: DescribeUser requests per second.
 *
 * usage: emu_load PORT SECONDS CONNECTIONS
 * Finds the instance (ListInstances) and up to 10,000 user ids (ListUsers), then keeps
 * CONNECTIONS HTTP/1.1 connections busy with DescribeUser, one request in flight each, and
 * prints "requests N seconds S rate R errors E". Plain sockets: the client must cost less than
 * the server it measures. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_IDS 10000

static int port;
static double deadline;
static char instance[128];
static char *ids[MAX_IDS];
static size_t nids;
static atomic_ulong done_ok, done_err;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* One request/response on fd; returns the status (0 on a broken connection) and the body in
 * *body (malloc'd) when body is not NULL. */
static int roundtrip(int fd, const char *path, char **body)
{
	char req[1024], buf[65536];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
	if (write(fd, req, (size_t)n) != n)
		return 0;
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
		if (r <= 0)
			return 0;
		have += (size_t)r;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end && have == sizeof buf - 1)
			return 0;
	}
	int status = atoi(buf + 9);
	const char *cl = strcasestr(buf, "\r\ncontent-length:");
	size_t len = cl ? strtoul(cl + 17, NULL, 10) : 0;
	size_t hdr = (size_t)(end + 4 - buf), got = have - hdr;
	char *b = malloc(len + 1);
	if (!b)
		return 0;
	memcpy(b, end + 4, got < len ? got : len);
	while (got < len) {
		ssize_t r = read(fd, b + got, len - got);
		if (r <= 0) {
			free(b);
			return 0;
		}
		got += (size_t)r;
	}
	b[len] = '\0';
	if (body)
		*body = b;
	else
		free(b);
	return status;
}

static void *worker(void *arg)
{
	size_t k = (size_t)(uintptr_t)arg * 7919;
	char path[512];
	int fd = dial();
	while (fd >= 0 && now() < deadline) {
		for (int i = 0; i < 64; i++) {
			snprintf(path, sizeof path, "/users/%s/%s", instance, ids[k++ % nids]);
			int st = roundtrip(fd, path, NULL);
			if (st == 200) {
				atomic_fetch_add(&done_ok, 1);
			} else {
				atomic_fetch_add(&done_err, 1);
				if (!st) {
					close(fd);
					fd = dial();
					break;
				}
			}
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int discover(void)
{
	int fd = dial();
	char *body = NULL, path[2048], token[256] = "";
	json_t *j;
	if (fd < 0 || roundtrip(fd, "/instance", &body) != 200)
		return -1;
	j = json_loads(body, 0, NULL);
	free(body);
	snprintf(instance, sizeof instance, "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(j, "InstanceSummaryList"), 0), "Id")) ?: "");
	json_decref(j);
	do {
		snprintf(path, sizeof path, "/users-summary/%s?maxResults=1000%s%s", instance,
			 *token ? "&nextToken=" : "", token);
		if (roundtrip(fd, path, &body) != 200)
			return -1;
		j = json_loads(body, 0, NULL);
		free(body);
		size_t i;
		json_t *u;
		json_array_foreach(json_object_get(j, "UserSummaryList"), i, u)
			if (nids < MAX_IDS)
				ids[nids++] = strdup(json_string_value(json_object_get(u, "Id")));
		/* percent-encode the token: it holds '+', '/' and '=' on purpose */
		const char *t = json_string_value(json_object_get(j, "NextToken"));
		size_t o = 0;
		token[0] = '\0';
		for (; t && *t && o + 4 < sizeof token; t++)
			o += (size_t)snprintf(token + o, sizeof token - o,
					      (*t == '+' || *t == '/' || *t == '=') ? "%%%02X" : "%c", *t);
		json_decref(j);
	} while (token[0] && nids < MAX_IDS);
	close(fd);
	return nids ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: emu_load PORT SECONDS CONNECTIONS\n");
		return 2;
	}
	port = atoi(argv[1]);
	double secs = atof(argv[2]);
	int conns = atoi(argv[3]);
	if (conns < 1 || conns > 256 || secs <= 0 || discover()) {
		fprintf(stderr, "emu_load: cannot reach the emulator on port %d\n", port);
		return 1;
	}
	pthread_t t[256];
	double t0 = now();
	deadline = t0 + secs;
	for (int i = 0; i < conns; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (int i = 0; i < conns; i++)
		pthread_join(t[i], NULL);
	double el = now() - t0;
	unsigned long ok = atomic_load(&done_ok), err = atomic_load(&done_err);
	printf("requests %lu seconds %.2f rate %.0f errors %lu\n", ok, el, ok / el, err);
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	return err ? 1 : 0;
}
