/* instances.c -- `connect-dupes instances`: the account's Connect instances in a region (ListInstances). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "connect/session.h"
#include "log.h"

enum {
	INST_ID_ENDPOINT = 1,
	INST_ID_PROFILE,
	INST_ID_REGION,
};

static const struct cli_opt instances_opts[] = {
	{ "endpoint-url", 0, "URL", INST_ID_ENDPOINT, "service endpoint (connect-emu, VPC endpoint)" },
	{ "profile", 0, "NAME", INST_ID_PROFILE, "AWS profile (default $AWS_PROFILE or default)" },
	CMD_OPT_QUIET,
	{ "region", 0, "REGION", INST_ID_REGION, "AWS region (default from the AWS settings)" },
	CMD_OPT_VERBOSE,
};

struct instances_args {
	struct pipeline_opts report; /* only -q / -v are used */
	const char *endpoint, *profile, *region;
};

static enum cd_result instances_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct instances_args *a = ctx;
	switch (id) {
	case INST_ID_ENDPOINT:
		a->endpoint = arg;
		return CD_OK;
	case INST_ID_PROFILE:
		a->profile = arg;
		return CD_OK;
	case INST_ID_REGION:
		a->region = arg;
		return CD_OK;
	}
	enum cd_result r = cmd_report_opt(&a->report, id, arg, err, errlen);
	if (r == CD_NOT_FOUND) {
		snprintf(err, errlen, "internal: unhandled option id %d", id);
		r = CD_INTERNAL;
	}
	return r;
}

static enum cd_result instances_run(int argc, char **argv)
{
	enum cd_result rc;
	char err[1024];
	bool help = false;
	size_t npos = 0;
	struct instances_args a = { 0 };
	struct connect_session s;
	struct api_instance *v = NULL;
	size_t n = 0;
	cmd_report_opts_init(&a.report);
	rc = cli_parse(instances_opts, CLI_ARRAY_LEN(instances_opts), argc, argv, instances_opt, &a,
		       NULL, 0, &npos, &help, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s (try 'connect-dupes instances --help')", err);
		return rc;
	}
	if (help) {
		cli_print_help(stdout, "connect-dupes", &cmd_instances);
		return CD_OK;
	}
	cmd_report_opts_apply(&a.report);
	struct connect_session_opts so = { .profile = a.profile, .region = a.region,
					   .endpoint_url = a.endpoint };
	rc = connect_session_open(&s, &so, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		return rc;
	}
	rc = connect_list_instances(&s, &v, &n, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	if (n == 0) {
		log_info("no Connect instances in region %s", s.settings.region);
		goto out;
	}
	/* One line each, tab-separated so scripts can cut it; the alias is what --instance takes. */
	printf("ID\tALIAS\tSTATUS\tIDENTITY\tARN\n");
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\t%s\t%s\n", v[i].id, v[i].alias[0] ? v[i].alias : "-",
		       v[i].status[0] ? v[i].status : "-", v[i].identity[0] ? v[i].identity : "-",
		       v[i].arn[0] ? v[i].arn : "-");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("cannot write the instance list to standard output");
		rc = CD_IO;
	}
out:
	free(v);
	connect_session_close(&s);
	return rc;
}

const struct cli_cmd cmd_instances = {
	.name = "instances",
	.synopsis = "[--region R] [--profile P] [--endpoint-url URL]",
	.summary = "list the Connect instances of the account in a region",
	.description =
		"Calls ListInstances and prints one tab-separated line per instance: id, alias,\n"
		"status, identity management type and ARN. Any of the id, the alias or the ARN can\n"
		"be given to 'scan --instance'. Exit status: 0 done, 2 usage error, 3 service\n"
		"unreachable, 4 authentication or permission error.",
	.opts = instances_opts,
	.nopts = CLI_ARRAY_LEN(instances_opts),
	.run = instances_run,
};
