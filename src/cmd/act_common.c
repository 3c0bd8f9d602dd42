/* act_common.c -- session, instance lookup and typed confirmation for plan, apply and restore. */
#include "cmd/act_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"

/* "--rate API=N" (API case-insensitive) or a bare N for every operation. */
static enum cd_result parse_rate(struct act_conn *c, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	double v;
	enum cd_result r = cli_double("rate", eq ? eq + 1 : arg, 0.01, 100000, &v, err, errlen);
	if (r != CD_OK)
		return r;
	int from = 0, to = API_NOPS;
	if (eq) {
		char name[64];
		enum api_op op;
		snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
		if (!api_op_from_name(name, &op)) {
			snprintf(err, errlen, "unknown operation '%s' in '--rate %s'", name, arg);
			return CD_USAGE;
		}
		from = (int)op;
		to = from + 1;
	}
	for (int i = from; i < to; i++)
		c->rate[i] = v;
	return CD_OK;
}

enum cd_result act_conn_opt(struct act_conn *c, int id, const char *arg, char *err,
			    size_t errlen)
{
	switch (id) {
	case ACT_ID_RATE: return parse_rate(c, arg, err, errlen);
	case ACT_ID_ENDPOINT: c->endpoint = arg; return CD_OK;
	case ACT_ID_PROFILE: c->profile = arg; return CD_OK;
	case ACT_ID_REGION: c->region = arg; return CD_OK;
	}
	return CD_NOT_FOUND;
}

enum cd_result act_open(const struct act_conn *c, const char *instance, const char *region_hint,
			struct connect_session *sess, struct api_instance *info)
{
	char err[1024];
	struct instance_ref ref;
	struct api_instance *v = NULL;
	size_t n = 0;
	enum cd_result rc = connect_parse_instance(instance, &ref, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		return rc;
	}
	if (ref.region[0] && c->region && strcmp(c->region, ref.region)) {
		log_error("--region '%s' contradicts the region '%s' of the instance ARN", c->region,
			  ref.region);
		return CD_USAGE;
	}
	struct connect_session_opts so = {
		.profile = c->profile,
		.region = c->region ? c->region : ref.region[0] ? ref.region : region_hint,
		.endpoint_url = c->endpoint,
	};
	if ((rc = connect_session_open(sess, &so, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		return rc;
	}
	log_info("region %s (%s), endpoint %s (%s), credentials: %s", sess->settings.region,
		 sess->settings.region_source, sess->settings.endpoint_url,
		 sess->settings.endpoint_source, sess->cur.provider);
	if ((rc = connect_list_instances(sess, &v, &n, err, sizeof err)) != CD_OK) {
		log_error("%s%s", err, rc == CD_AUTH ? " -- these commands need connect:ListInstances "
						       "to check the instance" : "");
		goto out;
	}
	size_t hit = n;
	for (size_t i = 0; i < n && hit == n; i++)
		if (!strcmp(v[i].id, ref.id) || (ref.is_alias && !strcasecmp(v[i].alias, ref.id)))
			hit = i;
	if (hit == n) {
		log_error("instance '%s' is not among the instances these credentials see in region "
			  "'%s': nothing was done", ref.id, sess->settings.region);
		rc = CD_NOT_FOUND;
		goto out;
	}
	*info = v[hit];
out:
	free(v);
	if (rc != CD_OK)
		connect_session_close(sess);
	return rc;
}

const char *act_confirm_name(const struct api_instance *info)
{
	return info->alias[0] ? info->alias : info->id;
}

enum cd_result act_confirm(const char *given, const char *name, const char *what)
{
	if (given) {
		if (strcmp(given, name) == 0)
			return CD_OK;
		log_error("--confirm '%s' does not match the instance '%s': nothing was done", given,
			  name);
		return CD_USAGE;
	}
	if (!isatty(STDIN_FILENO)) {
		log_error("--no-dry-run without a terminal needs --confirm %s: nothing was done", name);
		return CD_USAGE;
	}
	char line[512];
	fprintf(stderr, "%s\nType the instance alias (or Id) '%s' to go ahead: ", what, name);
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin)) {
		log_error("no confirmation typed: nothing was done");
		return CD_USAGE;
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, name) != 0) {
		log_error("'%s' does not match the instance '%s': nothing was done", line, name);
		return CD_USAGE;
	}
	return CD_OK;
}
