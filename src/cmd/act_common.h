/* act_common.h -- what plan, apply and restore share: the session, the instance, the confirmation. */
#ifndef CD_CMD_ACT_COMMON_H
#define CD_CMD_ACT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include "connect/api.h"
#include "connect/session.h"
#include "result.h"

/* Option ids 800.. for the connection options of the three commands. */
enum {
	ACT_ID_ENDPOINT = 800,
	ACT_ID_PROFILE,
	ACT_ID_RATE,
	ACT_ID_REGION,
};

#define ACT_OPT_ENDPOINT \
	{ "endpoint-url", 0, "URL", ACT_ID_ENDPOINT, "service endpoint (connect-emu, VPC endpoint); default from the AWS settings" }
#define ACT_OPT_PROFILE \
	{ "profile", 0, "NAME", ACT_ID_PROFILE, "AWS profile (default $AWS_PROFILE or default)" }
#define ACT_OPT_RATE \
	{ "rate", 0, "API=N", ACT_ID_RATE, "requests/s for an operation (DescribeUser, DeleteUser, ...), or N for all; default the published quota; repeatable" }
#define ACT_OPT_REGION \
	{ "region", 0, "REGION", ACT_ID_REGION, "AWS region (default from the instance ARN or the AWS settings)" }

struct act_conn {
	const char *endpoint, *profile, *region;
	double rate[API_NOPS]; /* 0: the published default */
};

/* CD_NOT_FOUND when id is not one of the ACT_ID_* above; CD_USAGE (err filled) for a bad
 * value. */
enum cd_result act_conn_opt(struct act_conn *c, int id, const char *arg, char *err,
			    size_t errlen);

/* Opens the session for `instance` (id, ARN or alias; region_hint from a plan or backup, may be
 * NULL) and finds the instance among the credentials' account's instances in the session's
 * region (ListInstances): *info. Logs its own errors; CD_NOT_FOUND when the instance is not
 * there. */
enum cd_result act_open(const struct act_conn *c, const char *instance, const char *region_hint,
			struct connect_session *sess, struct api_instance *info);

/* The name to type to confirm: the alias, or the Id when the instance has none. */
const char *act_confirm_name(const struct api_instance *info);

/* Checks the confirmation before any write: --confirm must equal the name; without it, on a
 * terminal, asks for it to be typed ("what" says what will happen); without a terminal it is
 * refused. Logs one line and returns CD_USAGE when not confirmed. */
enum cd_result act_confirm(const char *given, const char *name, const char *what);

#endif
