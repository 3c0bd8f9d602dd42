#!/usr/bin/env bash
# demo.sh -- `make demo`: packages, build, a generated 20,000-user instance served by connect-emu, a full scan, where the reports are.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
# Packages first (installs them as root, or says what to install; the demo needs connect-emu's
# libmicrohttpd but not the tests' cmocka), then the build, so that `make demo` works on a fresh
# Debian 12 machine: the Makefile asks pkg-config nothing before this line.
scripts/deps.sh demo
make -s -j2 BUILD="$BUILD" all emu
mkdir -p "$BUILD/demo" && chmod 700 "$BUILD/demo"
# Absolute: the XDG spec says a relative XDG_CACHE_HOME is to be ignored, and connect-dupes does,
# so a relative one would put the demo's cache into ~/.cache after all.
demo=$(cd "$BUILD/demo" && pwd)
inst=$demo/instance_20000.json
echo "demo: generating a synthetic instance of 20,000 users (seed 1) in $inst"
"$BUILD/connect-emu" generate --users 20000 --seed 1 --out "$inst" --truth "$demo/truth_20000.json"
# The emulator serves the instance with the published quotas (2 requests/s, burst 5) scaled for
# a demo: DescribeUser 200x, the listings 5x, so 20,000 users take about a minute instead of
# three hours. The scan is told nothing about them: it starts at the published rates and its
# adaptive rate finds the quota. Example credentials, private cache: nothing of the user's AWS
# setup is read or touched.
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true XDG_CACHE_HOME=$demo/cache
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_CONNECT
emu_out=$demo/emulator.log
"$BUILD/connect-emu" serve --port 0 --data "$inst" --verify-sigv4 \
	--rate DescribeUser=400 --burst DescribeUser=20 --rate SearchUsers=10 --burst SearchUsers=5 \
	--rate ListUsers=10 --burst ListUsers=5 >"$emu_out" 2>&1 &
emu_pid=$!
trap 'kill "$emu_pid" 2>/dev/null; wait "$emu_pid" 2>/dev/null || true' EXIT
url=
for _ in $(seq 1 600); do
	url=$(sed -n 's/.*listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$emu_out" | head -1)
	[ -n "$url" ] && break
	kill -0 "$emu_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$url" ]; then
	echo "demo: connect-emu did not start:" >&2
	cat "$emu_out" >&2
	exit 5
fi
instance_id=$(head -c 4096 "$inst" | sed -n 's/.*"InstanceId" *: *"\([^"]*\)".*/\1/p' | head -1)
echo "demo: connect-emu serves instance $instance_id at $url (DescribeUser 400/s, listings 10/s)"
echo "demo: connect-dupes scan --instance $instance_id --endpoint-url $url --output-dir $demo/reports"
rc=0
"$BUILD/connect-dupes" scan --instance "$instance_id" --endpoint-url "$url" --refresh \
	--output-dir "$demo/reports" || rc=$?
kill "$emu_pid" 2>/dev/null
wait "$emu_pid" 2>/dev/null || true
trap - EXIT
echo "demo: emulator stopped (its counters: $emu_out)"
if [ "$rc" -ne 0 ]; then
	echo "demo: scan exited with status $rc" >&2
	exit "$rc"
fi
echo
echo "demo: the reports are in $demo/reports:"
ls -l "$demo/reports" | tail -n +2
echo "demo: the planted duplicates are listed in $demo/truth_20000.json"
