# tap.sh -- sourced by tests/cli/*.sh: TAP output, temp dirs, emulator start/stop helpers.
#
#   ok_if "what" cmd...        passes when cmd exits 0
#   expect_eq "what" got want  passes when the strings are equal (shows both otherwise)
#   expect_rc "what" want cmd... runs cmd, passes when its exit status is `want`
#   expect_grep "what" pattern file
#   skip "what" "why"
#   emu_start ARGS...          starts connect-emu serve on a free port, sets EMU_URL, EMU_PID
# Every test gets a private $TMP that is removed at exit (and the emulator is stopped).
set -u
CD_ROOT=${CD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
CD_BIN=${CD_BIN:-$CD_ROOT/$BUILD/connect-dupes}
EMU_BIN=${EMU_BIN:-$CD_ROOT/$BUILD/connect-emu}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cdtest.XXXXXX")
_tap_n=0
_tap_fail=0
EMU_PID=
EMU_URL=

_tap_cleanup() {
	if [ -n "$EMU_PID" ]; then kill "$EMU_PID" 2>/dev/null; wait "$EMU_PID" 2>/dev/null; fi
	rm -rf "$TMP"
}
trap _tap_cleanup EXIT

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1)); echo "not ok $_tap_n - $1"; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1: $2"; }
diag() { printf '# %s\n' "$@"; }

ok_if() {
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; diag "command failed: $*"; fi
}

expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diag "got:  $2" "want: $3"
	fi
}

expect_rc() {
	local what=$1 want=$2; shift 2
	"$@"; local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else
		not_ok "$what"; diag "exit status $rc, want $want: $*"
	fi
}

expect_grep() {
	if grep -qE -- "$2" "$3"; then ok "$1"; else
		not_ok "$1"; diag "no line matches /$2/ in $3:"; head -n 20 "$3" | sed 's/^/#   /'
	fi
}

expect_no_grep() {
	if grep -qE -- "$2" "$3"; then
		not_ok "$1"; diag "unexpected match for /$2/ in $3:"; grep -E -- "$2" "$3" | head -5 | sed 's/^/#   /'
	else ok "$1"; fi
}

# Starts CMD... in the background, output in OUT, and waits (10 s at most) for its
# "listening on URL" line; sets SERVER_PID and SERVER_URL. Fails, showing OUT, when the server
# exits or never says where it listens.
server_start() { # OUT CMD...
	local out=$1 name=$(basename "$2") i
	shift
	"$@" >"$out" 2>&1 &
	SERVER_PID=$!
	SERVER_URL=
	for i in $(seq 1 200); do
		SERVER_URL=$(sed -n 's/.*listening on \(https*:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$out" | head -1)
		[ -n "$SERVER_URL" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	diag "$name did not start:"; sed 's/^/#   /' "$out"
	return 1
}

# Starts `connect-emu serve ARGS --port 0`; sets EMU_URL and EMU_PID (stopped at exit).
emu_start() {
	server_start "$TMP/emu.out" "$EMU_BIN" serve --port 0 "$@"
	local rc=$?
	EMU_PID=$SERVER_PID EMU_URL=$SERVER_URL
	return $rc
}

emu_stop() {
	if [ -n "$EMU_PID" ]; then kill "$EMU_PID" 2>/dev/null; wait "$EMU_PID" 2>/dev/null; fi
	EMU_PID=
}

# Call at the end of every test script.
done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}
