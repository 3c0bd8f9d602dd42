#!/usr/bin/env bash
# run.sh -- `make bench`: runs every executable bench/* (or only those named in $B / the first argument).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
only=${1:-${B:-}}
rc=0
for b in bench/*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	[ "$(basename "$b")" = run.sh ] && continue
	if [ -n "$only" ] && [ "$(basename "$b")" != "$only" ]; then continue; fi
	echo "== $b"
	"$b" || { echo "bench: $b failed with status $?" >&2; rc=1; }
done
exit $rc
