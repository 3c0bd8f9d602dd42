#!/usr/bin/env bash
# one_exec.sh -- a command starts once: no re-execution of itself (strace counts the execve calls).
. "$(dirname "$0")/../lib/tap.sh"

if ! command -v strace >/dev/null 2>&1; then
	skip "one execve per command" "strace is not installed"
	done_testing
	exit 0
fi
# whoami needs no credentials to start (without any it says so and exits 4); analyze reads a
# local file. Each must be exactly one execve, the shell's, whatever the environment says.
count_exec() { # OUT ARGS...
	local out=$1
	shift
	HOME=$TMP AWS_CONFIG_FILE=$TMP/none AWS_SHARED_CREDENTIALS_FILE=$TMP/none \
		strace -f -qq -e trace=execve -o "$out" "$CD_BIN" "$@" >/dev/null 2>&1
}
if ! strace -qq -e trace=execve -o "$TMP/probe" true >/dev/null 2>&1; then
	skip "one execve per command" "strace cannot trace here (ptrace not permitted)"
	done_testing
	exit 0
fi
count_exec "$TMP/whoami" whoami
expect_eq "whoami: one execve" "$(grep -c 'execve(' "$TMP/whoami")" "1"
count_exec "$TMP/analyze" analyze -q "$CD_ROOT/tests/data/analyze_small.json" -o "$TMP/out" --format csv
expect_eq "analyze: one execve" "$(grep -c 'execve(' "$TMP/analyze")" "1"
GLIBC_TUNABLES=glibc.malloc.check=0 count_exec "$TMP/tun" whoami
expect_eq "whoami with GLIBC_TUNABLES set: one execve" "$(grep -c 'execve(' "$TMP/tun")" "1"
done_testing
