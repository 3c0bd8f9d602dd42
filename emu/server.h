/* server.h -- connect-emu's HTTP server: the Connect user API on 127.0.0.1 (libmicrohttpd). */
#ifndef CD_EMU_SERVER_H
#define CD_EMU_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "emu_auth.h"
#include "emu_fault.h"
#include "emu_quota.h"
#include "emu_resources.h"
#include "emu_store.h"
#include "result.h"

/* Everything the server serves with. The server borrows store, quota and fault (they must
 * outlive emu_server_stop); it copies auth's strings. */
struct emu_server_opts {
	uint16_t port;              /* 0: any free port (emu_server_port tells which) */
	struct emu_store *store;
	struct emu_quota *quota;    /* NULL: no quotas */
	struct emu_fault *fault;    /* NULL: no faults */
	struct emu_resources *resources; /* quick connects, proficiencies; NULL: none */
	const struct emu_auth *auth; /* NULL: signatures are not checked */
	unsigned latency_ms;        /* added to every API reply */
	bool deny[EMU_OP_COUNT];    /* answered 403 AccessDeniedException (serve --deny) */
	bool deny_service_quotas;   /* ListServiceQuotas answers AccessDeniedException */
	double mutate_rate;         /* random changes per second (0: none) */
	uint64_t seed;              /* page-token key and change choices */
	/* Called after each request is answered (NULL: none), from the connection's thread: the
	 * method, the path without its query, the status (0: connection dropped on purpose) and the
	 * x-amzn-ErrorType or NULL. Never given headers or bodies. */
	void (*on_reply)(void *ctx, const char *method, const char *path, unsigned status,
			 const char *error);
	void *on_reply_ctx;
};

struct emu_server;

/* Binds 127.0.0.1:port and serves on a thread per connection (HTTP/1.1 keep-alive) until
 * emu_server_stop. */
enum cd_result emu_server_start(const struct emu_server_opts *o, struct emu_server **out,
				char *err, size_t errlen);
uint16_t emu_server_port(const struct emu_server *s);
/* Appends the /_emu/stats JSON document. */
enum cd_result emu_server_stats(struct emu_server *s, struct buf *out);
/* Stops accepting, closes connections, joins threads, frees the server (NULL is fine). */
void emu_server_stop(struct emu_server *s);

#endif
