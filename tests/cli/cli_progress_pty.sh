#!/usr/bin/env bash
# cli_progress_pty.sh -- on an 80-column pseudo-terminal (script(1)) a scan's progress line never
# wraps: every redraw fits in 79 columns and leads with the users described and the ETA; the
# width is read again after the terminal is resized (SIGWINCH); no colour with NO_COLOR.
. "$(dirname "$0")/../lib/tap.sh"
command -v script >/dev/null || { skip "progress on a terminal" "script (util-linux) is not installed"; done_testing; exit; }
inst=$TMP/inst.json
"$EMU_BIN" generate --users 1500 --seed 5 --instance-id 11111111-2222-3333-4444-555555555555 --out "$inst" 2>/dev/null
emu_start --data "$inst" --rate DescribeUser=300 --rate SearchUsers=4 --rate ListUsers=4 || { done_testing; exit 1; }
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY AWS_REGION=us-east-1
scan="'$CD_BIN' scan --instance 11111111-2222-3333-4444-555555555555 --endpoint-url '$EMU_URL' --no-cache"

# Each redraw is "\r\033[K" + the line, with no newline: split at \r, a piece that starts with
# \033[K is a redraw unless the next piece starts with the newline that ends a log line (the pty
# writes "\r\n" for it).
redraws() { # RAW -> the progress redraws, one per line, escape sequences removed
	awk 'BEGIN { RS = "\r" }
	     NR > 1 && prev ~ /^\033\[K/ && substr($0, 1, 1) != "\n" { print substr(prev, 4) }
	     { prev = $0 }
	     END { if (prev ~ /^\033\[K/ && prev !~ /\n/) print substr(prev, 4) }' "$1" |
		sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep -v '^$'
}
too_wide() { awk -v w="$2" 'length($0) > w' "$1"; }

TERM=xterm script -qfec "stty cols 80 rows 24; $scan -o '$TMP/out80'" /dev/null >"$TMP/raw80" 2>&1
expect_eq "the scan on an 80-column terminal succeeds" "$?" 0
redraws "$TMP/raw80" >"$TMP/lines80"
n=$(wc -l <"$TMP/lines80")
ok_if "progress was drawn ($n redraws)" test "$n" -ge 3
expect_eq "no redraw is wider than 79 columns" "$(too_wide "$TMP/lines80" 79 | head -3)" ""
expect_grep "a redraw leads with users described / total and the ETA" '^described [0-9]+/1500 \| ETA ' "$TMP/lines80"
expect_eq "every redraw first clears the line (none is drawn after another without \\r ESC[K)" \
	"$(awk 'BEGIN { RS = "\r" } /^(\033\[0m)?described/' "$TMP/raw80" | head -3)" ""

# A wide terminal shows the whole line; resizing mid-scan (SIGWINCH) narrows the next redraws.
TERM=xterm script -qfec "stty cols 200 rows 24; ( sleep 1.5; stty cols 40 </dev/tty ) & exec $scan -o '$TMP/outw'" /dev/null >"$TMP/raww" 2>&1
expect_eq "the scan on a resized terminal succeeds" "$?" 0
redraws "$TMP/raww" >"$TMP/linesw"
expect_grep "at 200 columns the line goes on to the throttles and retries" 'throttled \| [0-9]+ retries$' "$TMP/linesw"
tail -n 2 "$TMP/linesw" >"$TMP/lastw"
expect_eq "after the resize to 40 columns the redraws fit in 39" "$(too_wide "$TMP/lastw" 39)" ""

# Colour: on a terminal, warnings and errors are coloured, but never with NO_COLOR.
TERM=xterm script -qfec "'$CD_BIN' analyze /nonexistent" /dev/null >"$TMP/rawc" 2>&1
expect_grep "on a terminal the error prefix is coloured" $'\x1b\\[1;31merror:' "$TMP/rawc"
NO_COLOR=1 TERM=xterm script -qfec "'$CD_BIN' analyze /nonexistent" /dev/null >"$TMP/rawn" 2>&1
expect_no_grep "with NO_COLOR there is no escape sequence" $'\x1b' "$TMP/rawn"
"$CD_BIN" analyze /nonexistent 2>"$TMP/errfile"
expect_no_grep "not on a terminal, no escape sequence" $'\x1b' "$TMP/errfile"
done_testing
