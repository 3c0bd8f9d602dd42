#!/usr/bin/env bash
# run.sh -- `make fuzz`: builds each fuzz/fuzz_*.c with clang -fsanitize=fuzzer,address against the
# project's sources and runs it for FUZZ_SECONDS (default 60). fuzz/ is outside the normal build.
# usage: fuzz/run.sh [HARNESS...]   (e.g. fuzz_users_json; default: every fuzz/fuzz_*.c)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is not installed (apt-get install clang); nothing run" >&2
	exit 0
fi
PKGS="libcurl libcrypto jansson sqlite3 libutf8proc libmicrohttpd"
CFLAGS="-std=c11 -D_GNU_SOURCE -DCD_VERSION=\"fuzz\" -g -O1 -fsanitize=fuzzer-no-link,address,undefined -Isrc -include src/banned.h $(pkg-config --cflags $PKGS)"
mkdir -p "$BUILD/obj" "$BUILD/corpus"
objs=()
for c in $(find src -name '*.c' ! -name main.c | sort); do
	o=$BUILD/obj/$(echo "$c" | tr '/' '_').o
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then
		clang $CFLAGS -c "$c" -o "$o" || exit 1
	fi
	objs+=("$o")
done
rc=0
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(fuzz/fuzz_*.c)
for h in "${harnesses[@]}"; do
	case "$h" in fuzz/*) ;; *) h=fuzz/$(basename "$h" .c).c ;; esac
	[ -f "$h" ] || { echo "fuzz: no harness '$h'" >&2; rc=1; continue; }
	name=$(basename "$h" .c)
	bin=$BUILD/$name
	clang $CFLAGS -fsanitize=fuzzer "$h" "${objs[@]}" -o "$bin" $(pkg-config --libs $PKGS) -lpthread -lm || exit 1
	corpus=$BUILD/corpus/$name
	mkdir -p "$corpus"
	# Seed with the test inputs: every shape and every kind of error (the error cases are in
	# tests/cases/NAME/; larger files than -max_len would only be cut), and with inputs of the
	# harness's own format from fuzz/seeds/NAME/ when it has them.
	[ -d fuzz/seeds/$name ] && cp -n fuzz/seeds/$name/* "$corpus"/
	find -L tests/data tests/cases -name '*.json' ! -path '*/expected/*' -size -64k -exec cp -n {} "$corpus"/ \; 2>/dev/null
	echo "fuzz: $name for ${FUZZ_SECONDS}s"
	"$bin" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 "$corpus" || rc=1
done
exit $rc
