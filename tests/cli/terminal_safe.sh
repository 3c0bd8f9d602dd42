#!/usr/bin/env bash
# terminal_safe.sh -- control characters in the data never reach the terminal raw: not through
# explain's standard output, not through the log lines on standard error (issue 15, row 11).
. "$(dirname "$0")/../lib/tap.sh"
printf '{"Users":[{"Id":"a1","Username":"x\\u001b[31mred","IdentityInfo":{"FirstName":"A\\u0007","LastName":"B","Email":"e@x.com"}},{"Id":"a2","Username":"y","IdentityInfo":{"FirstName":"A","LastName":"B","Email":"e@x.com"}},{"Id":"a2\\n[forged] ERROR","Username":"z"}]}' >"$TMP/esc.json"
expect_rc "explain of users with ESC and BEL in their values exits 0" 0 \
	"$CD_BIN" explain a1 a2 "$TMP/esc.json" >"$TMP/out" 2>"$TMP/err"
ok_if "no ESC or BEL byte on standard output" sh -c "! grep -q \$(printf '[\\033\\007]') '$TMP/out'"
expect_grep "... they are shown escaped" 'username "x\\x1b\[31mred", name "A\\x07"' "$TMP/out"
"$CD_BIN" analyze "$TMP/esc.json" -o "$TMP/o" >"$TMP/aout" 2>"$TMP/aerr"
ok_if "analyze: no ESC, BEL or forged line on standard error" \
	sh -c "! grep -q -e \$(printf '[\\033\\007]') -e '^\\[forged\\]' '$TMP/aerr'"
ok_if "... nor in the log" sh -c "! grep -q -e \$(printf '[\\033\\007]') -e '^\\[forged\\]' '$TMP'/o/scan_log_*.log"
done_testing
