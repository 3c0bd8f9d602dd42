/* creds_env.c -- credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
#include "aws/creds_int.h"

#include <stdio.h>
#include <stdlib.h>

enum cd_result creds_from_env(struct creds_provider *p, struct creds *out, char *err,
			      size_t errlen)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	if (!token || !*token)
		token = getenv("AWS_SECURITY_TOKEN"); /* the old name botocore still reads */
	if ((!akid || !*akid) && (!secret || !*secret))
		return CD_NOT_FOUND;
	if (!akid || !*akid || !secret || !*secret) {
		snprintf(err, errlen, "%s is set but %s is not", akid && *akid ? "AWS_ACCESS_KEY_ID" :
			 "AWS_SECRET_ACCESS_KEY", akid && *akid ? "AWS_SECRET_ACCESS_KEY" :
			 "AWS_ACCESS_KEY_ID");
		return CD_AUTH;
	}
	if (!creds_fill(out, akid, secret, token)) {
		snprintf(err, errlen, "the AWS credentials in the environment are malformed");
		return CD_AUTH;
	}
	snprintf(out->provider, sizeof out->provider, "environment");
	snprintf(out->source, sizeof out->source, "AWS_ACCESS_KEY_ID");
	return CD_OK;
}
