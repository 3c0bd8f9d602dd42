#!/usr/bin/env bash
# demo.sh -- `make demo`: packages, build, a generated 20,000-user instance, analyze, where the reports are.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
# Packages first (installs them as root, or says what to install), then the build, so that
# `make demo` works on a fresh Debian 12 machine.
scripts/deps.sh
make -s -j2 BUILD="$BUILD" "$BUILD/connect-dupes" "$BUILD/connect-emu"
demo=$BUILD/demo
mkdir -p "$demo" && chmod 700 "$demo"
inst=$demo/instance_20000.json
echo "demo: generating a synthetic instance of 20,000 users (seed 1) in $inst"
"$BUILD/connect-emu" generate --users 20000 --seed 1 --out "$inst" --truth "$demo/truth_20000.json"
echo "demo: connect-dupes analyze $inst --output-dir $demo/reports"
rc=0
"$BUILD/connect-dupes" analyze "$inst" --output-dir "$demo/reports" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "demo: analyze exited with status $rc" >&2
	exit "$rc"
fi
echo
echo "demo: the reports are in $demo/reports:"
ls -l "$demo/reports" | tail -n +2
echo "demo: the planted duplicates are listed in $demo/truth_20000.json"
