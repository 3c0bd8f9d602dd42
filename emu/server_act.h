/* server_act.h -- connect-emu's remediation operations: users deleted and created, quick connects, proficiencies. */
#ifndef CD_EMU_SERVER_ACT_H
#define CD_EMU_SERVER_ACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "emu_op.h"
#include "emu_resources.h"
#include "emu_store.h"

/* What an operation answered: status 200 and the body in *body, or an error (status, the
 * modeled exception's name, its Message). server.c turns it into the reply. */
struct emu_act_reply {
	unsigned status;
	const char *error;
	char message[320];
	struct buf *body;
};

/* The operation a request is, from its method and decoded path segments; -1 when none of
 * these. */
int emu_act_route(const char *method, char seg[][512], int nseg);

/* Serves one request of an operation emu_act_route named. `res` may be NULL (no quick connects
 * nor proficiencies). */
void emu_act_handle(int op, struct emu_store *store, struct emu_resources *res,
		    uint64_t page_key, char seg[][512], int nseg, const char *query,
		    const char *body, size_t len, struct emu_act_reply *out);

/* Admin requests of these resources: GET /_emu/resources, GET /_emu/live-users. true when
 * `path` was one of them (out filled). */
bool emu_act_admin(struct emu_store *store, struct emu_resources *res, const char *method,
		   const char *path, struct emu_act_reply *out);

/* The query parameter `name` of `query`, percent-decoded into out: 0 absent, 1 found, -1
 * undecodable or too long (for emu/server_names.c). */
int emu_act_query_arg(const char *query, const char *name, char *out, size_t cap);

#endif
