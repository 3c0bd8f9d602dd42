#!/usr/bin/env bash
# scan_bounds.sh -- the right exit for the right cause (issue 15, rows 10, 13-16): a Region that does not resolve, another Region's cache, a wrong instance, cache commands by alias or ARN, SIGINT/SIGTERM, non-dumpable.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env
export AWS_REGION=eu-west-2

INST=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
N=300
CDIR=$XDG_CACHE_HOME/connect-dupes
emu_start --users $N --seed 31 --instance-id $INST --region eu-west-2 --latency-ms 20 \
	--rate DescribeUser=100 --burst DescribeUser=5 || { not_ok "emulator starts"; done_testing; exit; }
RATES=(--rate DescribeUser=100 --burst DescribeUser=5 --rate SearchUsers=50 --rate ListUsers=50)

# the User_ID column of a CSV report, sorted
ids_of() {
	[ -f "$1" ] && "$PYBIN" -c 'import csv,sys
r=csv.reader(open(sys.argv[1], newline="", encoding="utf-8")); h=next(r); i=h.index("User_ID")
print("\n".join(sorted(row[i] for row in r)))' "$1"
}
report() { ls "$1"/$2_*.$3 2>/dev/null | head -1; }
to() { local out=$1; shift; "$@" >"$out"; } # to FILE CMD...: CMD's standard output in FILE
only_one_error() { # FILE: exactly one error line, and it has a reason
	[ "$(grep -c 'error:' "$1")" = 1 ] && ! grep -qE 'error: *$' "$1"
}

# The truth: a complete scan by alias into the default cache (records the alias and the Region).
alias=$("$CD_BIN" instances --endpoint-url "$EMU_URL" | awk -v id=$INST '$1 == id { print $2 }')
arn=$("$CD_BIN" instances --endpoint-url "$EMU_URL" | awk -v id=$INST '$1 == id { print $5 }')
ok_if "the instance has an alias ($alias) and an ARN" test -n "$alias" -a -n "$arn"
expect_rc "scan by alias: exit 0" 0 "$CD_BIN" scan --instance "$alias" --endpoint-url "$EMU_URL" \
	"${RATES[@]}" --no-progress -q -o "$TMP/full"
ids_of "$(report "$TMP/full" all_users csv)" >"$TMP/truth"
expect_eq "scan by alias: every user reported" "$(wc -l <"$TMP/truth")" "$N"

# --- row 13: a Region that does not exist or does not resolve ------------------------------------
# In an empty network namespace no name resolves and nothing can be reached (no test may contact
# any address but 127.0.0.1): the default endpoint of any Region fails to resolve there.
if unshare -n true 2>/dev/null; then
	rm -rf "$TMP/xdg13"
	expect_rc "unknown Region that does not resolve: exit 2" 2 env XDG_CACHE_HOME="$TMP/xdg13" \
		unshare -n "$CD_BIN" scan --instance $INST --region eu-west-22 --no-progress \
		-o "$TMP/r13" 2>"$TMP/r13.err"
	expect_grep "unknown Region: one line saying so" \
		"error: region 'eu-west-22' is not a known AWS Region and its endpoint connect.eu-west-22.amazonaws.com does not resolve: check --region$" "$TMP/r13.err"
	ok_if "unknown Region: exactly one error line" only_one_error "$TMP/r13.err"
	expect_no_grep "unknown Region: never 'resume later'" "resume|run the same command again" "$TMP/r13.err"
	ok_if "unknown Region: no cache created" test ! -e "$TMP/xdg13"
	ok_if "unknown Region: no reports" test ! -e "$TMP/r13"
	expect_rc "known Region whose endpoint does not resolve (from AWS_REGION): exit 2" 2 \
		env XDG_CACHE_HOME="$TMP/xdg13" AWS_REGION=eu-west-1 unshare -n "$CD_BIN" scan \
		--instance $INST --no-progress -o "$TMP/r13b" 2>"$TMP/r13b.err"
	expect_grep "known Region: says the endpoint does not resolve and what to check" \
		"error: the endpoint connect.eu-west-1.amazonaws.com of region 'eu-west-1' does not resolve: check the network and DNS \(or check AWS_REGION\)" "$TMP/r13b.err"
	ok_if "known Region: no cache, no reports" test ! -e "$TMP/xdg13" -a ! -e "$TMP/r13b"
else
	skip "Region that does not resolve" "unshare -n is not permitted here"
fi
expect_rc "a Region of the wrong shape: exit 2" 2 "$CD_BIN" scan --instance $INST \
	--region eu-west-two --endpoint-url "$EMU_URL" -o "$TMP/r13c" 2>"$TMP/r13c.err"
expect_grep "wrong shape: said" "error: 'eu-west-two' from --region is not an AWS region name" "$TMP/r13c.err"
# A new Region of the right shape is used (AWS adds Regions): against the emulator it scans.
expect_rc "a new Region of the right shape is not refused" 0 "$CD_BIN" scan --instance $INST \
	--region ap-future-9 --endpoint-url "$EMU_URL" "${RATES[@]}" --no-cache --fields no-email \
	--no-progress -q -o "$TMP/r13d"
# Never a report from another Region's cached users: the default cache is eu-west-2's.
expect_rc "another Region with the same instance id: exit 2" 2 "$CD_BIN" scan --instance $INST \
	--region eu-west-3 --endpoint-url "$EMU_URL" "${RATES[@]}" --no-progress -o "$TMP/r13e" \
	2>"$TMP/r13e.err"
expect_grep "another Region: the cache says whose it is" \
	"error: cache '.*/$INST.db' holds instance '$INST' of region 'eu-west-2', not 'eu-west-3'" "$TMP/r13e.err"
ok_if "another Region: no reports" test ! -e "$TMP/r13e"
# An old cache (written before the Region was recorded) learns it from its users' ARNs...
cp "$CDIR/$INST.db" "$TMP/old.db"
"$PYBIN" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"DELETE FROM meta WHERE key IN ('region','account','alias')\"); c.commit()" "$TMP/old.db"
expect_rc "old cache, another Region: exit 2" 2 "$CD_BIN" scan --instance $INST --region eu-west-3 \
	--endpoint-url "$EMU_URL" "${RATES[@]}" --cache "$TMP/old.db" --no-progress -o "$TMP/r13f" 2>"$TMP/r13f.err"
expect_grep "old cache, another Region: refused by its users' ARNs" "of region 'eu-west-2', not 'eu-west-3'" "$TMP/r13f.err"
# ... and one whose users have no ARN cannot say: refused for any Region.
"$PYBIN" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE users SET arn=''\"); c.commit()" "$TMP/old.db"
expect_rc "old cache without ARNs: exit 2" 2 "$CD_BIN" scan --instance $INST \
	--endpoint-url "$EMU_URL" "${RATES[@]}" --cache "$TMP/old.db" --no-progress -o "$TMP/r13g" 2>"$TMP/r13g.err"
expect_grep "old cache without ARNs: says why and what to do" \
	"does not say which region its $N users are from .*cache prune" "$TMP/r13g.err"
ok_if "old cache refused: no reports" test ! -e "$TMP/r13f" -a ! -e "$TMP/r13g"

# --- row 14: a wrong instance id leaves no file behind -------------------------------------------
WRONG=99999999-9999-4999-8999-999999999999
expect_rc "wrong instance id: exit 2" 2 "$CD_BIN" scan --instance $WRONG --endpoint-url "$EMU_URL" \
	--no-progress -o "$TMP/r14" 2>"$TMP/r14.err"
expect_grep "wrong instance id: the line names it" \
	"error: instance '$WRONG' not found in region 'eu-west-2'" "$TMP/r14.err"
ok_if "wrong instance id: exactly one error line" only_one_error "$TMP/r14.err"
ok_if "wrong instance id: no .db, no .db-lock" test -z "$(ls "$CDIR" | grep "^$WRONG")"
ok_if "wrong instance id: no reports" test ! -e "$TMP/r14"

# --- row 15: cache commands by alias or ARN, offline -----------------------------------------
expect_rc "cache info --instance ALIAS: exit 0" 0 to "$TMP/info.out" "$CD_BIN" cache info \
	--instance "$alias"
expect_grep "cache info by alias: the instance's cache" "^instance: +$INST" "$TMP/info.out"
expect_grep "cache info by alias: every user" "^users: +$N " "$TMP/info.out"
expect_rc "cache info --instance ALIAS in another case: exit 0" 0 to /dev/null "$CD_BIN" cache \
	info --instance "${alias^^}"
expect_rc "cache info --instance ARN: exit 0" 0 to /dev/null "$CD_BIN" cache info --instance "$arn"
expect_rc "cache info --instance ARN of another Region: exit 2" 2 "$CD_BIN" cache info \
	--instance "${arn/eu-west-2/eu-west-3}" 2>"$TMP/info3.err"
expect_grep "ARN of another Region: said" "of region 'eu-west-2', not 'eu-west-3'" "$TMP/info3.err"
expect_rc "cache export --instance ALIAS: exit 0" 0 "$CD_BIN" cache export --instance "$alias" \
	-o "$TMP/export.json"
expect_eq "cache export by alias: every user" \
	"$("$PYBIN" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/export.json")" "$N"
expect_rc "analyze --instance ALIAS: exit 0" 0 "$CD_BIN" analyze --instance "$alias" -q -o "$TMP/an"
expect_eq "analyze by alias: the same users as the scan" \
	"$(ids_of "$(report "$TMP/an" all_users csv)" | cmp - "$TMP/truth" && echo same)" "same"
expect_rc "cache info --instance UNKNOWN-ALIAS: exit 2" 2 "$CD_BIN" cache info --instance no-such-alias \
	2>"$TMP/info4.err"
expect_grep "unknown alias: says a scan must record it first" \
	"error: no cache for instance 'no-such-alias' .*run a scan first" "$TMP/info4.err"
cp "$CDIR/$INST.db" "$TMP/keep.db"
expect_rc "cache prune --instance ALIAS: exit 0" 0 "$CD_BIN" cache prune --instance "$alias" -q
ok_if "prune by alias: the cache and its companions are gone" test -z "$(ls "$CDIR" | grep "^$INST")"
cp "$TMP/keep.db" "$CDIR/$INST.db"

# --- row 16: SIGINT/SIGTERM write partial reports and exit 3 --------------------------------------
for sig in TERM INT; do
	rm -f "$CDIR/$INST.db"*
	"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --rate DescribeUser=40 --burst \
		DescribeUser=2 --rate SearchUsers=50 --rate ListUsers=50 --no-progress -o "$TMP/sig$sig" \
		>"$TMP/sig$sig.out" 2>"$TMP/sig$sig.err" &
	pid=$!
	sleep 2
	kill -$sig $pid
	wait $pid
	expect_eq "SIG$sig: exit 3" "$?" "3"
	expect_grep "SIG$sig: says what is kept and how to continue" \
		"interrupted: [1-9][0-9]* users described so far are kept in the cache; run the same command again" "$TMP/sig$sig.err"
	ids_of "$(report "$TMP/sig$sig" all_users csv)" >"$TMP/sig$sig.ids"
	ids_of "$(report "$TMP/sig$sig" failed_users csv)" >"$TMP/sig$sig.failed"
	expect_eq "SIG$sig: the partial reports hold every listed user, none invented" \
		"$(cmp -s "$TMP/sig$sig.ids" "$TMP/truth" && echo same)" "same"
	ok_if "SIG$sig: failed_users lists the users not described yet ($(wc -l <"$TMP/sig$sig.failed"))" \
		test "$(wc -l <"$TMP/sig$sig.failed")" -gt 0 -a "$(LC_ALL=C comm -23 "$TMP/sig$sig.failed" "$TMP/truth" | wc -l)" = 0
	expect_grep "SIG$sig: the log says the reports are partial" "PARTIAL" "$(report "$TMP/sig$sig" scan_log log)"
	expect_rc "SIG$sig: the same command then completes" 0 "$CD_BIN" scan --instance $INST \
		--endpoint-url "$EMU_URL" "${RATES[@]}" --no-progress -q -o "$TMP/sig${sig}2"
	expect_eq "SIG$sig: resumed, every user reported" \
		"$(ids_of "$(report "$TMP/sig${sig}2" all_users csv)" | cmp - "$TMP/truth" && echo same)" "same"
done
# A second signal aborts at once: the process dies of it, no temporary and no report is left.
# 30,000 users: the first signal comes while they are listed, the second while the detection and
# the reports of those listed so far run (about a second for 15,000 users).
rm -f "$CDIR/$INST.db"*
emu_stop
emu_start --users 30000 --seed 31 --instance-id $INST --region eu-west-2 --latency-ms 20 ||
	{ not_ok "emulator starts"; done_testing; exit; }
"$CD_BIN" scan --instance $INST --endpoint-url "$EMU_URL" --fields no-email --rate SearchUsers=30 \
	--no-cache --no-progress -o "$TMP/sig2" >"$TMP/sig2.out" 2>"$TMP/sig2.err" &
pid=$!
sleep 2.5
kill -TERM $pid
sleep 0.3
kill -TERM $pid
start=$(date +%s)
wait $pid
rc=$?
expect_eq "second SIGTERM: dies of it (128+15)" "$rc" "143"
ok_if "second SIGTERM: at once" test $(( $(date +%s) - start )) -le 1
ok_if "second SIGTERM: no temporary file left" test -z "$(ls -A "$TMP/sig2" 2>/dev/null | grep '^\.')"
ok_if "second SIGTERM: no report under a final name" test -z "$(ls "$TMP/sig2" 2>/dev/null | grep -v '^scan_log')"

# --- row 10: non-dumpable while holding credentials ------------------------------------------------
# A process of the same (non-root) user may read /proc/PID/environ of a dumpable process, and
# not of a non-dumpable one: that is the check (root may read everything, so as root both
# processes run as nobody). The scan waits in a credential_process that sleeps.
run_as=()
if [ "$(id -u)" = 0 ]; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		chmod 755 "$TMP"
	else
		run_as=(none)
	fi
fi
if [ "${run_as[0]:-}" = none ]; then
	skip "non-dumpable" "running as root without setpriv"
else
	mkdir -p "$TMP/dump" && chmod 755 "$TMP/dump"
	cat >"$TMP/dump/creds.sh" <<-'EOF'
	#!/bin/sh
	sleep 3
	printf '{"Version":1,"AccessKeyId":"AKIDEXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}\n'
	EOF
	chmod 755 "$TMP/dump/creds.sh"
	printf '[profile slow]\ncredential_process = %s\nregion = eu-west-2\n' "$TMP/dump/creds.sh" >"$TMP/dump/config"
	chmod 644 "$TMP/dump/config"
	can_read_environ() { "${run_as[@]}" sh -c "cat /proc/$1/environ >/dev/null 2>&1"; }
	cannot_read_environ() { ! can_read_environ "$1"; }
	"${run_as[@]}" sleep 3 &
	ctl=$!
	sleep 0.5
	ok_if "check can fail: a dumpable process's environ is readable" can_read_environ $ctl
	wait $ctl
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$TMP/dump/config" \
		AWS_SHARED_CREDENTIALS_FILE=/dev/null HOME="$TMP/dump" "${run_as[@]}" "$CD_BIN" scan \
		--profile slow --instance $INST --endpoint-url "$EMU_URL" --no-cache --no-progress -q \
		-o "$TMP/dump/out" >/dev/null 2>&1 &
	pid=$!
	sleep 1
	if kill -0 $pid 2>/dev/null; then
		ok_if "scan holding credentials: non-dumpable (environ not readable by its own user)" \
			cannot_read_environ $pid
	else
		not_ok "scan holding credentials: still running after 1 s"
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
fi

done_testing
