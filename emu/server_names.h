/* server_names.h -- connect-emu's ListRoutingProfiles, ListSecurityProfiles and ListUserHierarchyGroups. */
#ifndef CD_EMU_SERVER_NAMES_H
#define CD_EMU_SERVER_NAMES_H

#include <stdint.h>
#include "emu_op.h"
#include "emu_store.h"
#include "server_act.h"

/* The operation of a GET /routing-profiles-summary/ID, /security-profiles-summary/ID or
 * /user-hierarchy-groups-summary/ID; -1 for anything else. */
int emu_names_route(const char *method, char seg[][512], int nseg);

/* Serves one of them. The listed resources are the ids the instance's live users carry, each
 * with a name derived from its rank among them (sorted ids): the generated instance file has
 * no names, and `connect-emu generate` stays byte for byte what it was. Routing profiles are
 * "Basic Routing Profile", "Sales", "Support"... then "Routing Profile N"; security profiles
 * "Agent", "CallCenterManager", "Admin"... then "Security Profile N"; hierarchy groups
 * "London Team 1", "Dublin Team 1"... Pages of maxResults (1..1000, default 100) with the
 * emulator's tokens. */
void emu_names_handle(int op, struct emu_store *store, uint64_t page_key, char seg[][512],
		      int nseg, const char *query, struct emu_act_reply *out);

/* The name of the rank-th (0-based) resource of an operation, as emu_names_handle gives it. */
void emu_names_name(int op, size_t rank, char *out, size_t outlen);

#endif
