#!/usr/bin/env bash
# run.sh -- runs the whole suite and ends with one line "N passed, N failed, N skipped".
#
# Every test program prints TAP lines ("ok N - what", "not ok N - what", "ok N # SKIP why"):
#   $BUILD/tests/test_*      cmocka unit tests (CMOCKA_MESSAGE_OUTPUT=TAP)
#   tests/cli/*.sh           shell tests: real binaries against connect-emu on 127.0.0.1
#   tests/cases/NAME/        data-driven cases (tests/cases/README.md), run by tests/lib/cases.sh
#   tests/py/*.py            oracle tests (botocore, aws CLI) run by a python3 that imports botocore
# A program that exits non-zero without reporting a failure counts as one failure, so a crash is
# never silent. Usage: tests/run.sh [PATTERN]   (only programs whose path contains PATTERN)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
export CD_ROOT=$PWD
export CD_BIN=$PWD/$BUILD/connect-dupes
export EMU_BIN=$PWD/$BUILD/connect-emu
export CMOCKA_MESSAGE_OUTPUT=TAP
# Tests must never read a developer's real AWS settings, credentials or caches, nor write into
# their home: every AWS_* variable is dropped and HOME/XDG dirs point into a scratch folder.
# (The python oracle is located first, since a pyenv shim needs the real HOME to start.)
PY=$(tests/lib/find-python.sh 2>/dev/null || true)
export PY
for v in $(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset CONNECT_INSTANCE_ID HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy
export AWS_EC2_METADATA_DISABLED=true
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cdhome.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch/home XDG_CACHE_HOME=$scratch/cache XDG_CONFIG_HOME=$scratch/config
mkdir -p "$HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pattern=${1:-}
logdir=$BUILD/test-logs
mkdir -p "$logdir"

passed=0 failed=0 skipped=0
failed_names=()

run_one() { # name, command...
	local name=$1; shift
	local log=$logdir/$(echo "$name" | tr '/' '_').log
	local t0=$SECONDS
	timeout -k 10 900 "$@" >"$log" 2>&1
	local rc=$?
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	s=$(grep -cE '^ok [0-9]+.*# ?SKIP' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc without reporting a failure" >>"$log"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	local status=ok
	[ "$f" -gt 0 ] && { status=FAIL; failed_names+=("$name"); }
	printf '%-44s %4d passed %3d failed %3d skipped %4ds  %s\n' "$name" "$p" "$f" "$s" \
		$((SECONDS - t0)) "$status"
	if [ "$f" -gt 0 ]; then
		grep -E '^not ok|^# ' "$log" | head -40 | sed 's/^/    /'
		[ "$rc" -ne 0 ] && tail -n 15 "$log" | sed 's/^/    | /'
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	run_one "unit/$(basename "$t")" "$t"
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	run_one "cli/$(basename "$t")" bash "$t"
done
for c in tests/cases/*/; do
	c=${c%/}
	[ -f "$c/args" ] || continue
	case "$c" in *"$pattern"*) ;; *) continue ;; esac
	run_one "cases/$(basename "$c")" bash tests/lib/cases.sh "$c"
done
for t in tests/py/test_*.py; do
	[ -f "$t" ] || continue
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	if [ -z "$PY" ]; then
		echo "$t: skipped (no python3 with botocore)"
		skipped=$((skipped + 1))
		continue
	fi
	run_one "py/$(basename "$t")" "$PY" "$t"
done

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]} (logs in $logdir)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
