#!/usr/bin/env bash
# update.sh -- rewrites the expected outputs of the named cases from a run of the built binaries; only for a commit that means to change an output.
#
# Usage: tests/cases/update.sh NAME...   (build first: make -j2)
# Rewrites NAME/expected/ (every report the run writes, normalised as the runner compares
# them) and NAME/stdout, NAME/stderr when the case has them. It never touches args, exit, grep
# or the inputs, and keeps a file of expected/ that is a link to another case's file only while
# the run still writes the same bytes (it fails otherwise). Review `git diff` before committing.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export CD_ROOT=$PWD CD_BIN=$PWD/$BUILD/connect-dupes EMU_BIN=$PWD/$BUILD/connect-emu
if [ $# -eq 0 ]; then
	echo "usage: tests/cases/update.sh NAME... (cases are the folders of tests/cases)" >&2
	exit 2
fi
if [ ! -x "$CD_BIN" ] || [ ! -x "$EMU_BIN" ]; then
	echo "update.sh: build first (make -j2): no $CD_BIN or $EMU_BIN" >&2
	exit 2
fi
for v in $(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
dirs=()
for n in "$@"; do
	n=${n%/}
	n=${n##*/}
	[ -f "tests/cases/$n/args" ] || { echo "update.sh: no case '$n' in tests/cases" >&2; exit 2; }
	dirs+=("tests/cases/$n")
done
CASES_UPDATE=1 bash tests/lib/cases.sh "${dirs[@]}"
rc=$?
git status --short -- "${dirs[@]}"
exit $rc
