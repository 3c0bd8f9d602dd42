#!/usr/bin/env bash
# generate_cli.sh -- `connect-emu generate`: same options same bytes, files 0600, stdout, clear usage errors.
. "$(dirname "$0")/../lib/tap.sh"

gen() { "$EMU_BIN" generate -q "$@"; }
differ() { ! cmp -s "$1" "$2"; }
help_to() { "$EMU_BIN" generate --help >"$1"; }
to_full() { "$EMU_BIN" generate -q "$@" >/dev/full; }

expect_rc "generate: exit 0" 0 gen --users 800 --seed 5 --out "$TMP/a.json" --truth "$TMP/ta.json"
expect_rc "same options again: exit 0" 0 gen --users 800 --seed 5 --out "$TMP/b.json" --truth "$TMP/tb.json"
ok_if "same seed: identical instance bytes" cmp -s "$TMP/a.json" "$TMP/b.json"
ok_if "same seed: identical truth bytes" cmp -s "$TMP/ta.json" "$TMP/tb.json"
expect_rc "another seed: exit 0" 0 gen --users 800 --seed 6 --out "$TMP/c.json"
ok_if "another seed: different instance" differ "$TMP/a.json" "$TMP/c.json"
expect_rc "another dup-rate: exit 0" 0 gen --users 800 --seed 5 --dup-rate 0.2 --out "$TMP/d.json"
ok_if "another dup-rate: different instance" differ "$TMP/a.json" "$TMP/d.json"
expect_eq "instance file is 0600" "$(stat -c %a "$TMP/a.json")" "600"
expect_eq "truth file is 0600" "$(stat -c %a "$TMP/ta.json")" "600"
expect_eq "no temporary files left" "$(ls "$TMP" | grep -c tmp)" "0"
expect_eq "800 users, one per line" "$(grep -c '^{"Id":' "$TMP/a.json")" "800"
expect_grep "instance head" '^\{"InstanceId":"[0-9a-f-]{36}","Region":"us-east-1","Users":\[$' "$TMP/a.json"
expect_grep "truth head" '^\{"seed":5,"users":800,"pairs":\[$' "$TMP/ta.json"

gen --users 300 --seed 9 --instance-id 11111111-2222-4333-8444-555555555555 --region ap-southeast-2 \
	--out - >"$TMP/stdout.json" 2>"$TMP/err"
expect_eq "--out - writes to stdout, nothing on stderr" "$(wc -c <"$TMP/err")" "0"
expect_grep "--instance-id and --region used" \
	'^\{"InstanceId":"11111111-2222-4333-8444-555555555555","Region":"ap-southeast-2"' "$TMP/stdout.json"
expect_grep "Arns carry them" 'arn:aws:connect:ap-southeast-2:[0-9]{12}:instance/11111111-2222-4333-8444-555555555555/agent/' "$TMP/stdout.json"
if [ -n "${PY:-}" ]; then
	ok_if "stdout output is valid JSON" "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["Users"]) == 300' "$TMP/stdout.json"
else
	skip "stdout output is valid JSON" "no python3"
fi

# usage errors: one line, exit 2, nothing written
usage() { # what pattern args...
	local what=$1 pat=$2; shift 2
	expect_rc "$what: exit 2" 2 "$EMU_BIN" generate "$@" 2>"$TMP/err"
	expect_grep "$what: says why" "$pat" "$TMP/err"
	expect_eq "$what: one line" "$(wc -l <"$TMP/err")" "1"
}
usage "missing --users" "error: --users is required" --out "$TMP/x.json"
usage "missing --out" "error: --out is required" --users 10
usage "zero users" "option '--users' takes a whole number" --users 0 --out "$TMP/x.json"
usage "not a number" "option '--users' takes" --users ten --out "$TMP/x.json"
usage "dup-rate too high" "option '--dup-rate' takes a number" --users 10 --dup-rate 0.9 --out "$TMP/x.json"
usage "unknown option" "unknown option '--bogus'" --users 10 --out "$TMP/x.json" --bogus
usage "bad region" "--region 'US East' is not a region name" --users 10 --region "US East" --out "$TMP/x.json"
usage "truth on stdout" "--truth '-' must be a file" --users 10 --out "$TMP/x.json" --truth -
ok_if "nothing written after usage errors" test ! -e "$TMP/x.json"
expect_rc "--help exits 0" 0 help_to "$TMP/help"
expect_grep "--help lists --dup-rate" "--dup-rate" "$TMP/help"

# local I/O errors: exit 5, the file named, nothing left behind
expect_rc "missing folder: exit 5" 5 gen --users 10 --out "$TMP/no/such/dir/x.json" 2>"$TMP/err"
expect_grep "missing folder: names the file" "cannot create '$TMP/no/such/dir/x.json" "$TMP/err"
if [ -w /dev/full ]; then
	expect_rc "full disk on stdout: exit 5" 5 to_full --users 2000 --out - 2>"$TMP/err"
	expect_grep "full disk: says so" "error: cannot write to standard output: No space left on device" "$TMP/err"
else
	skip "full disk on stdout" "no /dev/full"
	skip "full disk: says so" "no /dev/full"
fi

done_testing
