#!/usr/bin/env bash
# output_bounds.sh -- reports all or none on a full disk (issue 15 row 7), and no temporary left by SIGTERM/SIGINT during analyze (row 16).
. "$(dirname "$0")/../lib/tap.sh"
MNT=$TMP/mnt
trap 'umount "$MNT" 2>/dev/null; _tap_cleanup' EXIT

kinds_in() { ls "$1" 2>/dev/null | grep -v '^scan_log' | sed -E 's/_[0-9]{8}_[0-9]{6}\././' | sort | tr '\n' ' ' | sed 's/ $//'; }
temps_in() { ls -A "$1" 2>/dev/null | grep '^\.' ; }

"$EMU_BIN" generate --users 3000 --seed 41 -q -o "$TMP/u3k.json" ||
	{ not_ok "generate 3,000 users"; done_testing; exit; }

# --- row 7: a disk that fills up while the reports are written ---------------------------------
# A small tmpfs of growing sizes: the smaller ones fill up after some reports fit, the larger
# ones hold everything. Every run must end with all the reports or none of them.
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=64k tmpfs "$MNT" 2>/dev/null; then
	skip "reports on a full disk" "mounting a tmpfs is not permitted here"
else
	umount "$MNT"
	# what a run writes where there is room
	"$CD_BIN" analyze "$TMP/u3k.json" -q -o "$TMP/ref" >/dev/null 2>&1
	want=$(kinds_in "$TMP/ref")
	ok_if "with room, a run writes its reports ($want)" test $(echo "$want" | wc -w) -ge 7
	full=0 complete=0 bad=0
	for size in 64k 512k 1m 2m 3m 4m 6m 64m; do
		mount -t tmpfs -o size=$size,mode=0755 tmpfs "$MNT"
		"$CD_BIN" analyze "$TMP/u3k.json" -q -o "$MNT/out" >"$TMP/full.out" 2>"$TMP/full.$size.err"
		rc=$?
		got=$(kinds_in "$MNT/out")
		temps=$(temps_in "$MNT/out")
		if [ $rc = 5 ] && [ -z "$got" ] && [ -z "$temps" ] &&
			grep -q 'No space left on device' "$TMP/full.$size.err" &&
			grep -q "error: no report was kept in '.*': a run writes all its reports or none" "$TMP/full.$size.err" &&
			! grep -qE 'error: *$' "$TMP/full.$size.err"; then
			full=$((full + 1))
			ok "tmpfs of $size: exit 5, no report under a final name, no temporary, the reason said"
		elif [ $rc = 0 ] && [ "$got" = "$want" ] && [ -z "$temps" ]; then
			complete=$((complete + 1))
			# no user lost or invented: every user of the input in all_users
			n=$(($(wc -l <"$(ls "$MNT"/out/all_users_*.csv)") - 1))
			expect_eq "tmpfs of $size: exit 0, every report, all 3,000 users" "$n" 3000
		else
			bad=$((bad + 1))
			not_ok "tmpfs of $size: all reports or none (exit $rc, reports: '$got', temporaries: '$temps')"
			sed 's/^/#   /' "$TMP/full.$size.err" | head -5
		fi
		umount "$MNT"
	done
	ok_if "the disk filled up in some runs ($full) and not in others ($complete)" \
		test $full -ge 2 -a $complete -ge 1
fi

# --- row 16: SIGTERM/SIGINT during analyze leave no temporary file -----------------------------
# 100,000 users take about a second; the signals land at many points, most of them while
# reports are being written (their temporaries exist then).
"$EMU_BIN" generate --users 100000 --seed 42 -q -o "$TMP/u100k.json" ||
	{ not_ok "generate 100,000 users"; done_testing; exit; }
left=0 mid=0 runs=0
for d in 0.05 0.15 0.25 0.35 0.45 0.55 0.65 0.75 0.85 0.95 1.1 1.3; do
	for sig in TERM INT; do
		out=$TMP/k$d$sig
		"$CD_BIN" analyze "$TMP/u100k.json" -q -o "$out" >/dev/null 2>&1 &
		pid=$!
		sleep $d
		kill -$sig $pid 2>/dev/null
		wait $pid
		rc=$?
		runs=$((runs + 1))
		[ -n "$(temps_in "$out")" ] && { left=$((left + 1)); diag "SIG$sig after ${d}s left: $(temps_in "$out" | tr '\n' ' ')"; }
		# killed after the folder was prepared and before the reports were renamed
		if [ -d "$out" ] && [ -z "$(kinds_in "$out")" ]; then mid=$((mid + 1)); fi
		case $rc in 0 | 130 | 143) ;; *) diag "SIG$sig after ${d}s: exit $rc" ;; esac
		rm -rf "$out"
	done
done
expect_eq "SIGTERM/SIGINT during analyze: no temporary file left ($runs runs)" "$left" 0
ok_if "... and $mid of them came while the reports were being written" test $mid -ge 3

done_testing
