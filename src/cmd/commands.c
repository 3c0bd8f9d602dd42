/* commands.c -- the subcommand table of connect-dupes (the command layer, outside libcdupes.a). */
#include "cmd/commands.h"

/* Add a subcommand: define `const struct cli_cmd cmd_NAME` in src/cmd/NAME.c, declare it in
 * src/cmd/commands.h and list it here (the order of `connect-dupes --help`). */
const struct cli_cmd *const cli_commands[] = {
	&cmd_scan,
	&cmd_analyze,
	&cmd_plan,
	&cmd_apply,
	&cmd_restore,
	&cmd_explain,
	&cmd_cache,
	&cmd_instances,
	&cmd_whoami,
};
const size_t cli_ncommands = CLI_ARRAY_LEN(cli_commands);

const struct cli_prog cli_program = {
	.name = "connect-dupes",
	.version = CD_VERSION,
	.summary = "find duplicate user accounts in an Amazon Connect instance",
	.description =
		"connect-dupes reads every user of an Amazon Connect instance through the Connect API\n"
		"(scan), or users exported earlier (analyze), and finds duplicate accounts: the\n"
		"classic rules of the earlier shell tools (same e-mail, username, first and last\n"
		"name) and, beyond them, Unicode-aware, fuzzy and multi-field matching grouped into\n"
		"clusters with the evidence and a suggested account to keep. It writes CSV, JSON and\n"
		"HTML reports and a log into a private folder (0700, files 0600).\n"
		"\n"
		"Credentials, region and endpoint come from where the AWS CLI finds them. Standard\n"
		"output carries only what a command prints for its caller (--output text, json or\n"
		"table); messages, warnings and progress go to standard error.",
	.cmds = cli_commands,
	.ncmds = CLI_ARRAY_LEN(cli_commands),
	.environment =
		"AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION\tprofile and region, as for the AWS CLI\n"
		"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN\tcredentials, as for the AWS CLI\n"
		"AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE\tthe AWS CLI's files\n"
		"AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL\tanother endpoint (connect-emu, a VPC endpoint)\n"
		"AWS_CA_BUNDLE, HTTPS_PROXY, NO_PROXY\tTLS trust and proxies\n"
		"CONNECT_INSTANCE_ID\tthe instance when --instance is not given\n"
		"XDG_CACHE_HOME\tthe cache folder's parent (an absolute path; default ~/.cache)\n"
		"NO_COLOR\tno colour on the terminal, whatever its kind\n"
		"CONNECT_DUPES_NO_HUGEPAGES\t1: do not ask glibc's malloc for huge pages",
	.files =
		"$XDG_CACHE_HOME/connect-dupes/INSTANCE-ID.db\tthe scan cache (SQLite, 0600)\n"
		"./duplicate_users_output/\tthe default report folder (--output-dir)\n"
		"~/.aws/config, ~/.aws/credentials\tprofiles and credentials",
	.see_also = "connect-emu(1), aws(1)",
};
