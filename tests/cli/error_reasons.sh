#!/usr/bin/env bash
# error_reasons.sh -- every error path we can reach says why (no line ends in "error: "), and hostile inputs (/dev/zero, endless standard input, a user over the cap, long fields) end at once, in bounded memory, with the documented exit.
. "$(dirname "$0")/../lib/tap.sh"
D=$CD_ROOT/tests/data
W=$TMP/w
mkdir -p "$W"

# try NAME WANT STDIN CMD...: runs CMD in $W; the exit must be WANT and every "error:" line must
# carry a reason (a failure must print at least one such line).
try() {
	local name=$1 want=$2 in=$3 rc
	shift 3
	(cd "$W" && "$@" <"$in" >"$TMP/out" 2>"$TMP/err")
	rc=$?
	expect_eq "$name: exit $want" "$rc" "$want"
	if grep -qE 'error: *$|a failure without a message' "$TMP/err"; then
		not_ok "$name: every error line says why"
		sed 's/^/#   /' "$TMP/err" | head -5
	elif [ "$want" -ne 0 ] && [ "$want" -ne 1 ] && ! grep -q '[^[:space:]]' "$TMP/err"; then
		not_ok "$name: a failure says why" # (exit 1 is "duplicates found", not a failure)
		sed 's/^/#   /' "$TMP/err" | head -5
	else
		ok "$name: every error line says why"
	fi
}

# Every failing case of tests/cases that needs no emulator, run as cases.sh runs it.
for c in "$CD_ROOT"/tests/cases/*/; do
	n=$(basename "$c")
	want=$(cat "$c/exit")
	[ "$want" -ne 0 ] && [ ! -e "$c/instance.json" ] || continue
	rm -rf "$W" && cp -rL "$c" "$W" && rm -rf "$W/expected"
	mapfile -t args <"$c/args"
	envs=()
	[ -f "$c/env" ] && mapfile -t envs <"$c/env"
	in=/dev/null
	[ -f "$c/stdin" ] && in=$c/stdin
	try "case $n" "$want" "$in" env -i PATH="$PATH" HOME="$TMP" "${envs[@]}" "$CD_BIN" "${args[@]}"
done
rm -rf "$W" && mkdir -p "$W"

# Not JSON at all: refused at the first byte, at once, whatever follows.
try "/dev/zero" 2 /dev/null timeout 20 "$CD_BIN" analyze -o out /dev/zero
expect_eq "/dev/zero: one line naming the first byte" "$(cat "$TMP/err")" \
	"connect-dupes: error: '/dev/zero' is not JSON: first byte 0x00 at 1:1"
try "endless standard input of zeros" 2 /dev/zero timeout 20 "$CD_BIN" analyze -o out -
expect_grep "endless standard input: named" "is not JSON: first byte 0x00 at 1:1" "$TMP/err"
printf '  \n\x1f\x8b\x08\x00' >"$W/gz.json"
try "a gzip file" 2 /dev/null "$CD_BIN" analyze -o out gz.json
expect_grep "a gzip file: byte and position" "'gz.json' is not JSON: first byte 0x1f at 2:1" "$TMP/err"
: >"$W/empty.json"
try "an empty file" 2 /dev/null "$CD_BIN" analyze -o out empty.json
mkdir -p "$W/dir.json"
try "a folder" 2 /dev/null "$CD_BIN" analyze -o out dir.json
printf '[{"Id":"a","Username":"x"' >"$W/cut.json"
try "a cut file" 2 /dev/null "$CD_BIN" analyze -o out cut.json
printf '[{"Id":"a","x":%s1%s}]' "$(printf '[%.0s' $(seq 100))" "$(printf ']%.0s' $(seq 100))" >"$W/deep.json"
try "deep nesting" 2 /dev/null "$CD_BIN" analyze -o out deep.json
printf '[{"Id":"a","Username":"\xff"}]' >"$W/utf8.json"
try "bad UTF-8" 2 /dev/null "$CD_BIN" analyze -o out utf8.json

# One user over the 64 MiB cap on one value: refused with the cap named, in bounded memory.
{ printf '[{"Id":"a","Username":"'; head -c 70000000 /dev/zero | tr '\0' x; printf '"}]'; } >"$W/big.json"
try "a user over 64 MiB" 2 /dev/null "$CD_BIN" analyze -o out big.json
expect_grep "a user over 64 MiB: the cap named" "'big.json':1:2: a user is larger than 67108864 bytes" "$TMP/err"
rm -f "$W/big.json"

# 200 MB of white space then an empty list on a pipe: parsed as it comes, never held.
if [ -x /usr/bin/time ]; then
	{ head -c 200000000 /dev/zero | tr '\0' ' '; printf '[{"Id":"a"}]'; } >"$W/blank"
	try "200 MB of blanks on standard input" 0 "$W/blank" /usr/bin/time -o "$TMP/rss" -f %M "$CD_BIN" analyze -q -o out -
	rss=$(tail -1 "$TMP/rss")
	if [ "$rss" -lt 100000 ]; then ok "200 MB of blanks: ${rss} KB resident"; else not_ok "200 MB of blanks: ${rss} KB resident (want < 100 MB)"; fi
	rm -f "$W/blank"
else
	skip "200 MB of blanks on standard input" "no /usr/bin/time"
	skip "200 MB of blanks: resident memory" "no /usr/bin/time"
fi

# Fields of 4,097 bytes and more end nothing: from a file and from standard input.
try "long fields" 0 /dev/null "$CD_BIN" analyze -o out "$CD_ROOT/tests/cases/analyze_long_fields/users.json"
try "long fields on standard input" 0 "$CD_ROOT/tests/cases/analyze_long_fields/users.json" "$CD_BIN" analyze -o out -
expect_grep "long fields: matched" "^clusters of duplicate accounts: 3 " "$TMP/err"

# ...and from a live scan, and from the cache that scan wrote (the other loader).
L=$CD_ROOT/tests/cases/analyze_long_fields/users.json
if emu_start --data "$L"; then
	export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY AWS_REGION=us-east-1
	try "long fields, scanned" 0 /dev/null "$CD_BIN" scan --instance 2f0c6a1e-5d1b-4c8e-9a7f-3b2d1e0f4a5c \
		--endpoint-url "$EMU_URL" --rate 500 --no-progress --cache "$TMP/long.db" -o scanned
	expect_grep "long fields, scanned: matched" "^clusters of duplicate accounts: 3 " "$TMP/err"
	try "long fields, from the cache" 0 /dev/null "$CD_BIN" analyze --cache "$TMP/long.db" -o cached
	expect_grep "long fields, from the cache: matched" "^clusters of duplicate accounts: 3 " "$TMP/err"
	if cmp -s "$W"/scanned/all_users_*.json "$W"/cached/all_users_*.json; then
		ok "long fields: the cache gives back the users as received"
	else
		not_ok "long fields: the cache gives back the users as received"
	fi
	emu_stop
else
	not_ok "emulator starts"
fi
done_testing
