/* generate.c -- `connect-emu generate`: deterministic synthetic instances with planted duplicates. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "emu_commands.h"
#include "gen.h"
#include "gen_resources.h"
#include "log.h"

enum { OPT_DUP_RATE, OPT_INSTANCE_ID, OPT_OUT, OPT_QUIET, OPT_REGION, OPT_RESOURCES, OPT_SEED, OPT_TRUTH,
	OPT_USERS };

static const struct cli_opt generate_opts[] = {
	{ "dup-rate", 0, "F", OPT_DUP_RATE,
	  "share of accounts that are a second account of someone (0..0.5, default 0.05)" },
	{ "instance-id", 0, "ID", OPT_INSTANCE_ID, "instance id (default: a UUID derived from the seed)" },
	{ "out", 'o', "FILE", OPT_OUT, "where to write the instance JSON ('-' for standard output)" },
	{ "quiet", 'q', NULL, OPT_QUIET, "print nothing but errors" },
	{ "region", 0, "R", OPT_REGION, "region in Arns and LastModifiedRegion (default us-east-1)" },
	{ "resources", 0, "FILE", OPT_RESOURCES, "also write quick connects, proficiencies and tags for the users here (serve --resources)" },
	{ "seed", 0, "S", OPT_SEED, "seed: the same seed gives the same bytes (default 1)" },
	{ "truth", 0, "FILE", OPT_TRUTH, "also write the planted pairs and distractors here" },
	{ "users", 'n', "N", OPT_USERS, "number of accounts, planted duplicates included" },
};

struct generate_args {
	struct gen_opts g;
	const char *out, *truth, *resources;
	int have_users, quiet;
};

static enum cd_result generate_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct generate_args *a = ctx;
	unsigned long long v;
	enum cd_result rc = CD_OK;
	switch (id) {
	case OPT_DUP_RATE:
		rc = cli_double("dup-rate", arg, 0.0, 0.5, &a->g.dup_rate, err, errlen);
		break;
	case OPT_INSTANCE_ID:
		/* the real service's instance ids are UUIDs; anything else makes odd Arns */
		if (!*arg || strlen(arg) > 100 || strspn(arg, "0123456789abcdefABCDEF-") != strlen(arg)) {
			snprintf(err, errlen, "--instance-id '%s' is not an instance id (hex digits and '-')", arg);
			rc = CD_USAGE;
		}
		a->g.instance_id = arg;
		break;
	case OPT_OUT:
		a->out = arg;
		break;
	case OPT_QUIET:
		a->quiet = 1;
		break;
	case OPT_REGION:
		if (!*arg || strlen(arg) > 40 || strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(arg)) {
			snprintf(err, errlen, "--region '%s' is not a region name", arg);
			rc = CD_USAGE;
		}
		a->g.region = arg;
		break;
	case OPT_SEED:
		rc = cli_uint("seed", arg, 0, ~0ULL, &v, err, errlen);
		a->g.seed = v;
		break;
	case OPT_RESOURCES:
		a->resources = arg;
		break;
	case OPT_TRUTH:
		a->truth = arg;
		break;
	case OPT_USERS:
		rc = cli_uint("users", arg, 1, GEN_MAX_USERS, &v, err, errlen);
		a->g.users = (unsigned long)v;
		a->have_users = 1;
		break;
	default:
		snprintf(err, errlen, "internal: unhandled option id %d", id);
		rc = CD_INTERNAL;
	}
	return rc;
}

static enum cd_result generate_run(int argc, char **argv)
{
	struct generate_args a;
	char err[512] = "", *pos[1];
	size_t npos = 0;
	bool help = false;
	enum cd_result rc;
	struct timespec t0, t1;
	memset(&a, 0, sizeof a);
	gen_opts_init(&a.g);
	a.g.seed = 1;
	rc = cli_parse(generate_opts, CLI_ARRAY_LEN(generate_opts), argc, argv, generate_opt, &a, pos,
		       0, &npos, &help, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s (try 'connect-emu generate --help')", err);
		goto out;
	}
	if (help) {
		cli_print_help(stdout, "connect-emu", &emu_cmd_generate);
		goto out;
	}
	if (!a.have_users || !a.out) {
		log_error("%s is required (try 'connect-emu generate --help')",
			  !a.have_users ? "--users" : "--out");
		rc = CD_USAGE;
		goto out;
	}
	if (a.truth && (!strcmp(a.truth, "-") || !strcmp(a.truth, a.out))) {
		log_error("--truth '%s' must be a file other than the output", a.truth);
		rc = CD_USAGE;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = gen_files(&a.g, a.out, a.truth, err, sizeof err);
	if (rc == CD_OK && a.resources)
		rc = gen_resources_write(&a.g, a.resources, err, sizeof err);
	if (rc != CD_OK) {
		log_error("%s", err[0] ? err : "generation failed");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!a.quiet)
		log_info("wrote %lu users (seed %llu, dup-rate %.3g) to '%s'%s%s%s in %.2f s", a.g.users,
			 a.g.seed, a.g.dup_rate, a.out, a.truth ? ", truth to '" : "",
			 a.truth ? a.truth : "", a.truth ? "'" : "",
			 (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
out:
	return rc;
}

const struct cli_cmd emu_cmd_generate = {
	.name = "generate",
	.synopsis = "--users N --seed S [--dup-rate F] --out FILE [--truth FILE]",
	.summary = "write a synthetic instance with planted duplicates",
	.description =
		"Writes {\"InstanceId\",\"Region\",\"Users\":[User...]} with N accounts of realistic,\n"
		"diverse people (complete DescribeUser User objects) of which about F*N are a second\n"
		"account of someone already there, planted in named kinds (case variants, accents,\n"
		"typos, nicknames, plus tags, shared phones, ...), plus look-alike distractors.\n"
		"--truth lists every planted pair and every pair of different people with the same\n"
		"name (docs/generator.md). Same options, same bytes. Files are written 0600 through a\n"
		"temporary name.",
	.opts = generate_opts,
	.nopts = CLI_ARRAY_LEN(generate_opts),
	.run = generate_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(5),
};
