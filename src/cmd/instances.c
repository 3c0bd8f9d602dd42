/* instances.c -- `connect-dupes instances`: the account's Connect instances in a region (ListInstances). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "connect/session.h"
#include "jsonw.h"
#include "log.h"

enum {
	INST_ID_ENDPOINT = 1,
	INST_ID_PROFILE,
	INST_ID_REGION,
};

static const struct cli_opt instances_opts[] = {
	{ "endpoint-url", 0, "URL", INST_ID_ENDPOINT, "service endpoint (connect-emu, VPC endpoint)" },
	CMD_OPT_OUTPUT,
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

static const char *or_dash(const char *s)
{
	return s[0] ? s : "-";
}

/* One line each, tab-separated so scripts can cut it; the alias is what --instance takes. */
static void print_text(const struct api_instance *v, size_t n)
{
	printf("ID\tALIAS\tSTATUS\tIDENTITY\tARN\n");
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\t%s\t%s\n", v[i].id, or_dash(v[i].alias), or_dash(v[i].status),
		       or_dash(v[i].identity), or_dash(v[i].arn));
}

static enum cd_result print_table(const char *region, const struct api_instance *v, size_t n)
{
	enum { COLS = 5 };
	char title[128];
	const char **cells = calloc((n + 1) * COLS, sizeof *cells);
	if (!cells) {
		log_error("out of memory");
		return CD_NOMEM;
	}
	const char *head[COLS] = { "id", "alias", "status", "identity", "arn" };
	memcpy(cells, head, sizeof head);
	for (size_t i = 0; i < n; i++) {
		const char **row = cells + (i + 1) * COLS;
		row[0] = v[i].id;
		row[1] = or_dash(v[i].alias);
		row[2] = or_dash(v[i].status);
		row[3] = or_dash(v[i].identity);
		row[4] = or_dash(v[i].arn);
	}
	snprintf(title, sizeof title, "instances in %s", region);
	cli_print_table(stdout, title, true, COLS, cells, (n + 1) * COLS);
	free(cells);
	return CD_OK;
}

/* --output json: the stable shape of docs/formats.md ("instances"); absent values are null. */
static void print_json(const char *region, const struct api_instance *v, size_t n)
{
	struct jsonw w;
	jsonw_init(&w, stdout);
	jsonw_object(&w, NULL);
	jsonw_str(&w, "region", region);
	jsonw_array(&w, "instances");
	for (size_t i = 0; i < n; i++) {
		jsonw_object(&w, NULL);
		jsonw_str(&w, "id", v[i].id);
		jsonw_str(&w, "alias", v[i].alias[0] ? v[i].alias : NULL);
		jsonw_str(&w, "status", v[i].status[0] ? v[i].status : NULL);
		jsonw_str(&w, "identity_management_type", v[i].identity[0] ? v[i].identity : NULL);
		jsonw_str(&w, "arn", v[i].arn[0] ? v[i].arn : NULL);
		jsonw_end(&w);
	}
	jsonw_finish(&w);
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
	rc = cmd_parse(&cmd_instances, argc, argv, instances_opt, &a, NULL, 0, &npos, &help);
	if (rc != CD_OK || help)
		return rc;
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
	if (a.report.output == CLI_OUTPUT_JSON)
		print_json(s.settings.region, v, n);
	else if (n == 0)
		log_info("no Connect instances in region %s", s.settings.region);
	else if (a.report.output == CLI_OUTPUT_TABLE)
		rc = print_table(s.settings.region, v, n);
	else
		print_text(v, n);
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
		"status, identity management type and ARN (--output json or table for other\n"
		"shapes). Any of the id, the alias or the ARN can be given to 'scan --instance'.",
	.opts = instances_opts,
	.nopts = CLI_ARRAY_LEN(instances_opts),
	.run = instances_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(3) | CLI_EXIT(4),
};
