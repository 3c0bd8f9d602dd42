#!/usr/bin/env bash
# cache_incremental.sh -- a repeat scan describes only changed and new users, drops deleted ones, and reports like a fresh scan.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

N=300
INST=22222222-3333-4444-5555-666666666666
emu_start --users $N --seed 9 --dup-rate 0.1 --instance-id $INST --verify-sigv4 ||
	{ not_ok "emulator starts"; done_testing; exit; }

expect_rc "first scan completes" 0 cd_scan "$TMP/s1"
expect_eq "the first scan describes everybody" "$(describe_calls)" "$N"
db=$XDG_CACHE_HOME/connect-dupes/$INST.db
ok_if "the default cache is \$XDG_CACHE_HOME/connect-dupes/ID.db" [ -f "$db" ]
expect_eq "the cache file is 0600" "$(stat -c %a "$db")" 600
expect_eq "its folder is 0700" "$(stat -c %a "$XDG_CACHE_HOME/connect-dupes")" 700

# Change the instance: modify, create and delete users; change one user's e-mail by hand.
emu_post /_emu/reset-stats '{}' >/dev/null
emu_post /_emu/mutate '{"modify":9,"create":6,"delete":5}' >"$TMP/mutation.json" ||
	not_ok "POST /_emu/mutate"
read -r changed created deleted < <("$PYBIN" -c '
import json, sys
m = json.load(open(sys.argv[1]))
dl = set(m["deleted"])
cr = set(m["created"]) - dl
print(len(set(m["modified"]) - dl - cr), len(cr), len(dl))' "$TMP/mutation.json")
diag "changed $changed, created $created, deleted $deleted"
victim=$("$PYBIN" -c '
import json, sys
a = json.load(open(sys.argv[1])); m = json.load(open(sys.argv[2]))
skip = set(m["modified"]) | set(m["deleted"])
print(next(u["Id"] for u in a if u["Id"] not in skip))' "$(ls "$TMP"/s1/all_users_*.json)" "$TMP/mutation.json")
emu_post "/_emu/users/$victim" '{"IdentityInfo":{"Email":"moved.somewhere@example.net"}}' >/dev/null ||
	not_ok "POST /_emu/users/ID"
changed=$((changed + 1))

expect_rc "second scan completes" 0 cd_scan "$TMP/s2"
expect_eq "the second scan describes only changed and new users" "$(describe_calls)" \
	"$((changed + created))"
expect_grep "the changed e-mail is in the report" "moved\.somewhere@example\.net" \
	"$(ls "$TMP"/s2/all_users_*.csv)"
users_now=$(( N + created - deleted ))
expect_grep "the cache holds the current users" "^users: +$users_now \($users_now described" \
	<("$CD_BIN" cache info --instance $INST)

# The same state scanned from scratch gives the same reports.
emu_post /_emu/reset-stats '{}' >/dev/null
expect_rc "fresh full scan completes" 0 cd_scan "$TMP/fresh" --cache "$TMP/fresh.db"
expect_eq "the fresh scan describes everybody" "$(describe_calls)" "$users_now"
ok_if "the incremental scan reports equal the fresh scan's" same_reports "$TMP/s2" "$TMP/fresh"

# --refresh describes everybody again, once.
emu_post /_emu/reset-stats '{}' >/dev/null
expect_rc "scan --refresh completes" 0 cd_scan "$TMP/s3" --refresh
expect_eq "--refresh describes everybody" "$(describe_calls)" "$users_now"
ok_if "and reports the same" same_reports "$TMP/s3" "$TMP/fresh"

# --max-age: records described longer ago than AGE are described again, younger ones are not.
emu_post /_emu/reset-stats '{}' >/dev/null
expect_rc "scan --max-age 1d completes" 0 cd_scan "$TMP/s4" --max-age 1d
expect_eq "--max-age 1d describes nobody (all were described moments ago)" "$(describe_calls)" 0
sleep 2
emu_post /_emu/reset-stats '{}' >/dev/null
expect_rc "scan --max-age 1s completes" 0 cd_scan "$TMP/s5" --max-age 1s
expect_eq "--max-age 1s describes everybody again" "$(describe_calls)" "$users_now"
ok_if "and reports the same" same_reports "$TMP/s5" "$TMP/fresh"
expect_rc "--max-age 3w is a usage error" 2 cd_scan "$TMP/s6" --max-age 3w 2>"$TMP/age.err"
expect_grep "... naming the option" "option '--max-age' takes an age" "$TMP/age.err"

# Offline: analyze --instance reads the same cache.
expect_rc "analyze --instance completes" 0 "$CD_BIN" analyze --instance $INST -q -o "$TMP/off"
ok_if "analyze --instance reports equal the scan's" same_reports "$TMP/off" "$TMP/fresh"

done_testing
