/* serve.c -- `connect-emu serve`: load or generate an instance and serve it until a signal. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_commands.h"
#include "gen.h"
#include "log.h"
#include "server.h"
#include "source/file.h"

/* The key pair AWS documents as an example: obviously fake, and what the tests sign with
 * unless AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the flags say otherwise. */
#define EMU_DEFAULT_AKID "AKIAIOSFODNN7EXAMPLE"
#define EMU_DEFAULT_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

enum {
	O_AKID, O_BURST, O_DATA, O_DENY, O_DENY_SQ, O_DUP_RATE, O_FAULT_KINDS, O_FAULT_RATE,
	O_INSTANCE, O_LATENCY, O_MUTATE, O_PORT, O_RATE, O_REGION, O_RESOURCES, O_SECRET, O_SEED,
	O_TOKEN, O_SLOW, O_TRUTH, O_USERS,
	O_VERBOSE, O_VERIFY,
};

static const struct cli_opt serve_opts[] = {
	{ "access-key-id", 0, "KEY", O_AKID, "key id requests must be signed with (default $AWS_ACCESS_KEY_ID or " EMU_DEFAULT_AKID ")" },
	{ "burst", 0, "API=B", O_BURST | CLI_REPEAT, "bucket size per operation (bare number: all; default max(1, rate))" },
	{ "data", 0, "FILE", O_DATA, "serve the instance in FILE ({\"InstanceId\",\"Region\",\"Users\":[...]})" },
	{ "deny", 0, "LIST", O_DENY, "operations answered 403 AccessDeniedException, e.g. ListRoutingProfiles,ListSecurityProfiles" },
	{ "deny-service-quotas", 0, NULL, O_DENY_SQ, "answer ListServiceQuotas with AccessDeniedException (a caller without servicequotas:ListServiceQuotas)" },
	{ "dup-rate", 0, "F", O_DUP_RATE, "share of planted second accounts with --users (default 0.05)" },
	{ "fault-kinds", 0, "LIST", O_FAULT_KINDS, "faults to inject: 500,503,drop,truncate,slow (default all)" },
	{ "fault-rate", 0, "F", O_FAULT_RATE, "share of API requests answered with a fault (0..1)" },
	{ "instance-id", 0, "ID", O_INSTANCE, "instance id to serve (default: the file's, or derived from the seed)" },
	{ "latency-ms", 0, "M", O_LATENCY, "added to every API reply" },
	{ "mutate-rate", 0, "F", O_MUTATE, "random user changes per second (modify, create, delete)" },
	{ "port", 0, "P", O_PORT, "port on 127.0.0.1 (0: any free port; default 0)" },
	{ "rate", 0, "API=R", O_RATE | CLI_REPEAT, "requests per second per operation (bare number: all; default unlimited)" },
	{ "region", 0, "R", O_REGION, "region to serve (default: the file's, or us-east-1)" },
	{ "resources", 0, "FILE", O_RESOURCES, "quick connects, proficiencies and tags ('connect-emu generate --resources')" },
	{ "secret-access-key", 0, "KEY", O_SECRET, "secret of that key (default $AWS_SECRET_ACCESS_KEY or the documented example)" },
	{ "seed", 0, "S", O_SEED, "generator, fault and change seed (default 1)" },
	{ "session-token", 0, "TOKEN", O_TOKEN, "session token requests must carry (default $AWS_SESSION_TOKEN)" },
	{ "slow-ms", 0, "M", O_SLOW, "delay of a slow-reply fault (default 2000)" },
	{ "truth", 0, "FILE", O_TRUTH, "with --users: write the planted duplicates to FILE" },
	{ "users", 0, "N", O_USERS, "generate an instance of N users" },
	{ "verbose", 'v', NULL, O_VERBOSE, "log every request: method, path, status, error name" },
	{ "verify-sigv4", 0, NULL, O_VERIFY, "refuse requests without a valid SigV4 signature (403)" },
};

struct serve_cfg {
	const char *data, *resources, *truth, *instance_id, *region, *akid, *secret, *token, *fault_kinds;
	unsigned long long users, seed, port, latency_ms, slow_ms;
	double dup_rate, fault_rate, mutate_rate;
	bool users_set, verify, verbose, deny_sq;
	bool deny[EMU_OP_COUNT];
	struct emu_quota *quota;
};

static enum cd_result serve_opt(void *ctx, int id, const char *arg, char *err, size_t errlen)
{
	struct serve_cfg *c = ctx;
	switch (id) {
	case O_AKID: c->akid = arg; return CD_OK;
	case O_SECRET: c->secret = arg; return CD_OK;
	case O_TOKEN: c->token = arg; return CD_OK;
	case O_BURST: return emu_quota_set(c->quota, true, arg, err, errlen);
	case O_RATE: return emu_quota_set(c->quota, false, arg, err, errlen);
	case O_DATA: c->data = arg; return CD_OK;
	case O_RESOURCES: c->resources = arg; return CD_OK;
	case O_TRUTH: c->truth = arg; return CD_OK;
	case O_INSTANCE: c->instance_id = arg; return CD_OK;
	case O_REGION: c->region = arg; return CD_OK;
	case O_FAULT_KINDS: c->fault_kinds = arg; return CD_OK;
	case O_VERIFY: c->verify = true; return CD_OK;
	case O_DENY:
		for (const char *p = arg; *p;) {
			size_t n = strcspn(p, ",");
			int op = emu_op_find(p, n);
			if (op < 0) {
				snprintf(err, errlen, "--deny: unknown operation '%.*s'", (int)(n < 64 ? n : 64), p);
				return CD_USAGE;
			}
			c->deny[op] = true;
			p += n;
			if (*p == ',')
				p++;
		}
		return CD_OK;
	case O_DENY_SQ: c->deny_sq = true; return CD_OK;
	case O_VERBOSE: c->verbose = true; return CD_OK;
	case O_DUP_RATE: return cli_double("dup-rate", arg, 0, 0.5, &c->dup_rate, err, errlen);
	case O_FAULT_RATE: return cli_double("fault-rate", arg, 0, 1, &c->fault_rate, err, errlen);
	case O_MUTATE: return cli_double("mutate-rate", arg, 0, 100000, &c->mutate_rate, err, errlen);
	case O_LATENCY: return cli_uint("latency-ms", arg, 0, 600000, &c->latency_ms, err, errlen);
	case O_SLOW: return cli_uint("slow-ms", arg, 0, 600000, &c->slow_ms, err, errlen);
	case O_PORT: return cli_uint("port", arg, 0, 65535, &c->port, err, errlen);
	case O_SEED: return cli_uint("seed", arg, 0, ~0ULL, &c->seed, err, errlen);
	case O_USERS:
		c->users_set = true;
		return cli_uint("users", arg, 0, GEN_MAX_USERS, &c->users, err, errlen);
	}
	return CD_USAGE;
}

/* The instance id in a user's ARN: arn:aws:connect:R:A:instance/ID/agent/UID. */
static bool id_from_arn(const char *arn, char *out, size_t cap)
{
	const char *p = strstr(arn, ":instance/");
	if (!p)
		return false;
	p += 10;
	size_t n = strcspn(p, "/");
	if (!n || n >= cap)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static bool region_from_arn(const char *arn, char *out, size_t cap)
{
	if (strncmp(arn, "arn:", 4))
		return false;
	const char *p = arn;
	for (int colons = 0; *p && colons < 3; p++)
		colons += *p == ':';
	size_t n = strcspn(p, ":");
	if (!n || n >= cap)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static enum cd_result load_users(struct serve_cfg *c, struct user_set *users, char *id, size_t idlen,
				 char *region, size_t reglen, char *err, size_t errlen)
{
	enum cd_result r;
	if (c->data) {
		struct source_meta meta;
		memset(&meta, 0, sizeof meta);
		if ((r = source_file_load(c->data, users, &meta, err, errlen)) != CD_OK)
			return r;
		size_t dropped = 0;
		if ((r = user_set_dedupe_ids(users, &dropped, NULL)) != CD_OK)
			return r;
		if (dropped)
			log_warn("'%s': %zu users repeat an earlier Id; the later record is served", c->data,
				 dropped);
		/* the flags win over the file, so one file can play several instances */
		snprintf(id, idlen, "%s", c->instance_id ? c->instance_id : meta.instance_id);
		snprintf(region, reglen, "%s", c->region ? c->region : meta.region);
		if (!*id && !(users->n && id_from_arn(users->v[0].arn, id, idlen))) {
			snprintf(err, errlen, "'%s': no InstanceId and no user Arn to take it from", c->data);
			return CD_INPUT;
		}
		if (!*region && !(users->n && region_from_arn(users->v[0].arn, region, reglen)))
			snprintf(region, reglen, "us-east-1");
		return CD_OK;
	}
	struct gen_opts go;
	struct gen_truth truth;
	gen_opts_init(&go);
	go.users = c->users;
	go.seed = c->seed;
	if (c->dup_rate >= 0)
		go.dup_rate = c->dup_rate;
	go.instance_id = c->instance_id;
	go.region = c->region;
	gen_truth_init(&truth);
	r = gen_instance(&go, users, &truth, err, errlen);
	if (r == CD_OK && c->truth)
		r = gen_write_truth(c->truth, &go, users, &truth, err, errlen);
	gen_truth_release(&truth);
	gen_instance_id(&go, id, idlen);
	snprintf(region, reglen, "%s", gen_region(&go));
	return r;
}

/* -v: one line per request. The path holds ids, never credentials; the query is left out. */
static void log_reply(void *ctx, const char *method, const char *path, unsigned status,
		      const char *error)
{
	if (status)
		log_info("%s %s %u%s%s", method, path, status, error ? " " : "", error ? error : "");
	else
		log_info("%s %s dropped (fault)", method, path);
}

static void print_counters(struct emu_server *srv)
{
	struct buf b = BUF_INIT(1 << 16);
	if (emu_server_stats(srv, &b) == CD_OK)
		log_info("counters: %s", buf_str(&b));
	buf_release(&b);
}

static enum cd_result serve_run(int argc, char **argv)
{
	char err[512];
	char id[128], region[64];
	enum cd_result r;
	bool help = false;
	size_t npos = 0;
	struct emu_quota quota;
	struct emu_fault fault;
	struct user_set users;
	struct emu_store *store = NULL;
	struct emu_server *srv = NULL;
	struct emu_resources *res = NULL;
	struct serve_cfg c = { .seed = 1, .dup_rate = -1, .slow_ms = 2000, .quota = &quota };
	sigset_t sigs;

	emu_quota_init(&quota);
	emu_fault_init(&fault, 0, 0);
	user_set_init(&users);
	err[0] = '\0';
	r = cli_parse(serve_opts, CLI_ARRAY_LEN(serve_opts), argc, argv, serve_opt, &c, NULL, 0, &npos,
		      &help, err, sizeof err);
	if (r != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	if (help) {
		cli_print_help(stdout, "connect-emu", &emu_cmd_serve);
		goto out;
	}
	if (!c.data == !c.users_set) {
		log_error("give exactly one of --data FILE and --users N (try 'connect-emu serve --help')");
		r = CD_USAGE;
		goto out;
	}
	if (c.truth && c.data) {
		log_error("--truth goes with --users (a --data file has no planted duplicates)");
		r = CD_USAGE;
		goto out;
	}
	emu_quota_start(&quota);
	emu_fault_release(&fault);
	emu_fault_init(&fault, c.fault_rate, c.seed);
	fault.slow_ms = (unsigned)c.slow_ms;
	if (c.fault_kinds && (r = emu_fault_parse_kinds(&fault, c.fault_kinds, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	if ((r = load_users(&c, &users, id, sizeof id, region, sizeof region, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	struct emu_instance_info info = { .instance_id = id, .region = region, .seed = c.seed };
	r = emu_store_open(&store, &users, &info, err, sizeof err);
	user_set_release(&users);
	if (r != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	if ((r = emu_resources_new(&res)) != CD_OK ||
	    (c.resources && (r = emu_resources_load(res, store, c.resources, err, sizeof err)) != CD_OK)) {
		log_error("%s", r == CD_NOMEM ? "out of memory" : err);
		goto out;
	}

	const char *akid = c.akid, *secret = c.secret, *token = c.token;
	if (!akid && !secret) {
		akid = getenv("AWS_ACCESS_KEY_ID");
		secret = getenv("AWS_SECRET_ACCESS_KEY");
		if (!token)
			token = getenv("AWS_SESSION_TOKEN");
		if (!akid || !*akid || !secret || !*secret) {
			akid = EMU_DEFAULT_AKID;
			secret = EMU_DEFAULT_SECRET;
		}
	}
	if (c.verify && (!akid || !*akid || !secret || !*secret)) {
		log_error("--verify-sigv4 needs both --access-key-id and --secret-access-key");
		r = CD_USAGE;
		goto out;
	}
	struct emu_auth auth = { .access_key_id = akid, .secret_access_key = secret,
				 .session_token = token, .region = region };

	/* Signals are taken by sigwait in this thread only: block them before any thread starts
	 * so the server's threads inherit the mask. */
	signal(SIGINT, SIG_DFL); /* a background job inherits SIGINT ignored; we want to stop on it */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct emu_server_opts so = {
		.port = (uint16_t)c.port, .store = store, .resources = res, .quota = &quota,
		.fault = c.fault_rate > 0 ? &fault : NULL, .auth = c.verify ? &auth : NULL,
		.latency_ms = (unsigned)c.latency_ms, .deny_service_quotas = c.deny_sq,
		.mutate_rate = c.mutate_rate, .seed = c.seed,
		.on_reply = c.verbose ? log_reply : NULL,
	};
	memcpy(so.deny, c.deny, sizeof so.deny);
	if ((r = emu_server_start(&so, &srv, err, sizeof err)) != CD_OK) {
		log_error("%s", err);
		goto out;
	}
	struct emu_store_counts counts;
	emu_store_counts(store, &counts);
	log_info("instance %s (%s), %zu users%s", emu_store_instance_id(store), region, counts.users,
		 c.verify ? ", SigV4 required" : "");
	printf("listening on http://127.0.0.1:%u\n", emu_server_port(srv));
	fflush(stdout);

	int sig = 0;
	sigwait(&sigs, &sig);
	log_info("stopping on signal %d", sig);
	print_counters(srv);
	r = CD_OK;
out:
	emu_server_stop(srv);
	emu_store_close(store);
	emu_resources_free(res);
	user_set_release(&users);
	emu_fault_release(&fault);
	emu_quota_release(&quota);
	return r;
}

const struct cli_cmd emu_cmd_serve = {
	.name = "serve",
	.synopsis = "--data FILE | --users N [--seed S] [--dup-rate F] [options]",
	.summary = "serve an instance over the Connect user API on 127.0.0.1",
	.description =
		"Serves ListUsers, DescribeUser, SearchUsers and ListInstances (and, for plan/apply/"
		"restore, DeleteUser, CreateUser, ListQuickConnects, DescribeQuickConnect, "
		"DeleteQuickConnect, ListUserProficiencies, AssociateUserProficiencies) as the Amazon Connect "
		"REST JSON API does, for clients pointed at it with --endpoint-url, and on the same "
		"port Service Quotas' ListServiceQuotas for 'connect' with the --rate/--burst it "
		"enforces. Per-operation "
		"quotas (429 ThrottlingException), injected faults, SigV4 checks and changes while "
		"serving are opt-in. Admin endpoint: GET /_emu/stats, POST /_emu/reset-stats, "
		"/_emu/mutate, /_emu/users/ID, /_emu/credentials, GET /_emu/resources, "
		"/_emu/live-users (see docs/emulator.md). Prints "
		"'listening on http://127.0.0.1:PORT', serves until SIGINT or SIGTERM, then prints "
		"its counters.",
	.opts = serve_opts,
	.nopts = CLI_ARRAY_LEN(serve_opts),
	.run = serve_run,
	.exits = CLI_EXIT(0) | CLI_EXIT(2) | CLI_EXIT(5),
};
