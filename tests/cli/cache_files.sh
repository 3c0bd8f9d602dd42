#!/usr/bin/env bash
# cache_files.sh -- corrupt, foreign, newer and unwritable caches give a clear message; cache info|export|prune.
. "$(dirname "$0")/../lib/tap.sh"
. "$CD_ROOT/tests/lib/cache.sh"
cache_need_scan
cache_env

N=40
INST=33333333-4444-5555-6666-777777777777
emu_start --users $N --seed 3 --dup-rate 0.2 --instance-id $INST --verify-sigv4 ||
	{ not_ok "emulator starts"; done_testing; exit; }

# Runs a scan that must be refused: exit status 2 or 5 (never a crash), one clear line, and the
# file left exactly as it was.
refused() { # what, want-status, pattern, cache file
	local what=$1 want=$2 pat=$3 file=$4
	local before
	before=$(sha256sum "$file" 2>/dev/null)
	cd_scan "$TMP/refused" --cache "$file" >"$TMP/out" 2>&1
	local rc=$?
	expect_eq "$what: exit status $want" "$rc" "$want"
	expect_grep "$what: says so" "$pat" "$TMP/out"
	[ -e "$file" ] && expect_eq "$what: the file is untouched" "$(sha256sum "$file")" "$before"
}

head -c 20000 /dev/urandom >"$TMP/random.db"
refused "random bytes" 2 "file is not a connect-dupes cache" "$TMP/random.db"

printf '[{"Id":"x"}]\n' >"$TMP/users.json"
refused "a JSON file" 2 "file is not a connect-dupes cache" "$TMP/users.json"

"$PYBIN" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' \
	"$TMP/foreign.db"
refused "another program's SQLite file" 2 "file is not a connect-dupes cache" "$TMP/foreign.db"

expect_rc "a scan into a new cache file works" 0 cd_scan "$TMP/ok" --cache "$TMP/good.db"
cp "$TMP/good.db" "$TMP/newer.db"
"$PYBIN" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma user_version=99"); c.commit()' \
	"$TMP/newer.db"
refused "a cache from a newer connect-dupes" 2 "schema version 99, newer than" "$TMP/newer.db"

# Damage inside an otherwise valid file: every other 4 KiB page overwritten.
cp "$TMP/good.db" "$TMP/damaged.db"
size=$(stat -c %s "$TMP/damaged.db")
for off in $(seq 4096 8192 $((size - 4096))); do
	head -c 4096 /dev/zero | tr '\0' '\245' |
		dd of="$TMP/damaged.db" bs=1 seek=$off conv=notrunc status=none
done
cd_scan "$TMP/dmg" --cache "$TMP/damaged.db" >"$TMP/out" 2>&1
rc=$?
ok_if "a damaged cache: exit status 2 or 5, not a crash (got $rc)" [ $rc -eq 2 -o $rc -eq 5 ]
expect_grep "a damaged cache: says so" "corrupt|not a connect-dupes cache" "$TMP/out"

# A cache folder nobody may write to.
if [ "$(id -u)" -eq 0 ]; then
	ro=/proc/self/connect-dupes-cache # root writes through folder modes; /proc refuses anyone
else
	mkdir -p "$TMP/ro" && chmod 500 "$TMP/ro" && ro=$TMP/ro
fi
XDG_CACHE_HOME=$ro cd_scan "$TMP/ro-out" >"$TMP/out" 2>&1
expect_eq "an unwritable cache folder: exit status 5" "$?" 5
expect_grep "an unwritable cache folder: says which folder" "cannot create cache" "$TMP/out"
expect_grep "and how to scan anyway" "no-cache" "$TMP/out"

# Every refusal above still leaves a scan possible.
expect_rc "--no-cache scans anyway" 0 cd_scan "$TMP/nocache" --no-cache
ok_if "--no-cache reports equal the cached scan's" same_reports "$TMP/ok" "$TMP/nocache"
XDG_CACHE_HOME=$ro expect_rc "--no-cache needs no cache folder" 0 cd_scan "$TMP/nocache2" --no-cache

# cache info / export / prune.
"$CD_BIN" cache info --cache "$TMP/good.db" >"$TMP/info" 2>&1
expect_eq "cache info: exit status 0" "$?" 0
expect_grep "cache info: users" "^users: +$N \($N described" "$TMP/info"
expect_grep "cache info: the instance" "^instance: +$INST" "$TMP/info"
expect_grep "cache info: the last scan" "^last scan: +started .*, complete" "$TMP/info"
expect_grep "cache info: no failures" "^failures: +0" "$TMP/info"

expect_rc "cache export" 0 "$CD_BIN" cache export --cache "$TMP/good.db" --file "$TMP/export.json"
expect_eq "the export is 0600" "$(stat -c %a "$TMP/export.json")" 600
ok_if "the export holds the objects of the all_users report" "$PYBIN" -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
sys.exit(0 if a == b and len(a) == int(sys.argv[3]) else 1)' "$TMP/export.json" \
	"$(ls "$TMP"/ok/all_users_*.json)" $N
"$CD_BIN" cache export --cache "$TMP/good.db" >"$TMP/export2.json"
ok_if "cache export to stdout gives the same" cmp -s "$TMP/export.json" "$TMP/export2.json"

expect_rc "cache info of an instance never scanned: exit 2" 2 "$CD_BIN" cache info --instance nothere
expect_rc "cache info of a foreign file: exit 2" 2 "$CD_BIN" cache info --cache "$TMP/foreign.db"
expect_rc "cache prune refuses a file that is not a cache" 2 "$CD_BIN" cache prune -q --cache "$TMP/foreign.db"
ok_if "and leaves it" [ -f "$TMP/foreign.db" ]
expect_rc "cache prune --cache" 0 "$CD_BIN" cache prune -q --cache "$TMP/good.db"
ok_if "deletes the file" [ ! -e "$TMP/good.db" ]
expect_rc "a scan with the default cache" 0 cd_scan "$TMP/def"
ok_if "creates it" [ -f "$XDG_CACHE_HOME/connect-dupes/$INST.db" ]
# The cache is keyed by Region and account too: an ARN of another account is refused (exit 2);
# the instance's own ARN (its account is the users' one) names it.
acct=$(grep -o 'arn:aws:connect:us-east-1:[0-9]*' "$(ls "$TMP"/def/all_users_*.csv)" | head -1 | cut -d: -f5)
expect_rc "cache prune --instance ARN of another account: exit 2" 2 "$CD_BIN" cache prune -q \
	--instance "arn:aws:connect:us-east-1:000000000000:instance/$INST" 2>/dev/null
expect_rc "cache prune --instance" 0 "$CD_BIN" cache prune -q --instance "arn:aws:connect:us-east-1:$acct:instance/$INST"
ok_if "deletes the instance's cache" [ ! -e "$XDG_CACHE_HOME/connect-dupes/$INST.db" ]
# One scan at a time: while one runs (slowly) another is refused, info says so, prune refuses.
SCAN_RATES=(--rate 500 --rate DescribeUser=4)
cd_scan_bg "$TMP/slow.out" "$TMP/slow" --cache "$TMP/busy.db"
for _ in $(seq 1 100); do # wait up to 10 s for the first description
	grep -q "([1-9][0-9]* described" <("$CD_BIN" cache info --cache "$TMP/busy.db" 2>/dev/null) && break
	sleep 0.1
done
SCAN_RATES=(--rate 500)
cd_scan "$TMP/second" --cache "$TMP/busy.db" >"$TMP/out" 2>&1
expect_eq "a second scan of a cache in use: exit status 5" "$?" 5
expect_grep "a second scan of a cache in use: says so" "in use by another connect-dupes scan" "$TMP/out"
expect_grep "cache info: the scan is running" "^last scan: .*running now" \
	<("$CD_BIN" cache info --cache "$TMP/busy.db")
expect_rc "cache prune refuses a cache in use" 5 "$CD_BIN" cache prune -q --cache "$TMP/busy.db"
kill -9 "$SCAN_PID"; wait "$SCAN_PID" 2>/dev/null
expect_grep "cache info after kill -9: interrupted" "^last scan: .*interrupted \(a scan resumes it\)" \
	<("$CD_BIN" cache info --cache "$TMP/busy.db")
expect_rc "the next scan resumes it" 0 cd_scan "$TMP/resumed" --cache "$TMP/busy.db"
ok_if "with the same reports" same_reports "$TMP/ok" "$TMP/resumed"

expect_rc "cache prune of a missing cache: exit 2" 2 "$CD_BIN" cache prune -q --instance "$INST"
expect_rc "cache with no action: usage" 2 "$CD_BIN" cache -q

done_testing
