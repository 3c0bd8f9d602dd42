/* names.h -- the instance's routing profiles, security profiles and hierarchy groups listed once per scan, for names in the reports. */
#ifndef CD_CONNECT_NAMES_H
#define CD_CONNECT_NAMES_H

#include <stddef.h>
#include "connect/session.h"
#include "model/names.h"
#include "result.h"

/* Lists one kind (ListRoutingProfiles, ListSecurityProfiles or ListUserHierarchyGroups, every
 * page) over an open session into t. Each request first waits for its operation's token bucket
 * (connect/ratelimit.c at `rate`/`burst` requests per second; 0: the published default), then
 * goes through connect_session_call and its retry policy; a throttle cuts the bucket. On
 * failure the kind is left empty and not known (the reports fall back to ids) and err says why
 * (CD_AUTH: the credentials may not call the operation). *requests counts the calls made. */
enum cd_result connect_names_list(struct connect_session *s, const char *instance_id,
				  enum name_kind k, double rate, double burst,
				  struct name_table *t, size_t *requests, char *err, size_t errlen);

#endif
