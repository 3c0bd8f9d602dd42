# cache.sh -- sourced by the cache tests and bench/rescan after tap.sh: scans against connect-emu and report comparison.
#
#   cache_need_scan            skip the file when scan/serve are not built yet
#   cache_env                  private XDG_CACHE_HOME and example credentials for the emulator
#   cd_scan OUTDIR ARGS...     connect-dupes scan of $INST at $EMU_URL into OUTDIR (quiet)
#   cd_scan_bg LOG OUTDIR ARGS... the same in the background, its pid in SCAN_PID
#   emu_stat EXPR              a value from GET /_emu/stats, EXPR a python expression over `s`
#   emu_post PATH JSON         POST to the emulator's admin endpoint, prints the reply
#   same_reports DIR1 DIR2     0 when the user and duplicate reports of two runs are identical
#   describe_calls             DescribeUser requests the emulator answered with a user so far

# Skips the whole test file (one SKIP line) while `scan` or `connect-emu serve` is not built.
cache_need_scan() {
	if ! "$CD_BIN" scan --help >/dev/null 2>&1 || ! "$EMU_BIN" serve --help >/dev/null 2>&1; then
		skip "$(basename "$0")" "connect-dupes scan or connect-emu serve is not available"
		done_testing
		exit 0
	fi
}

cache_env() {
	export XDG_CACHE_HOME=$TMP/xdg
	export AWS_ACCESS_KEY_ID=AKIDEXAMPLE
	export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
	export AWS_REGION=us-east-1
	unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_CONNECT AWS_ENDPOINT_URL_SERVICE_QUOTAS
	# Only json and sqlite3 are needed: the system python starts far faster than a pyenv shim.
	if [ -x /usr/bin/python3 ]; then PYBIN=/usr/bin/python3; else PYBIN=${PY:-python3}; fi
}

# The published default quotas (2/s) would make tests slow: SCAN_RATES (an array) says the
# emulator's quotas to the scan.
SCAN_RATES=(--rate 500)
cd_scan() {
	local out=$1; shift
	"$CD_BIN" scan --instance "$INST" --endpoint-url "$EMU_URL" --region us-east-1 \
		--no-progress -q --output-dir "$out" "${SCAN_RATES[@]}" "$@"
}

# The same in the background; SCAN_PID is the scan process itself (not a subshell), so that
# kill -9 "$SCAN_PID" really kills the scan. Output goes to LOG.
cd_scan_bg() { # LOG OUTDIR ARGS...
	local log=$1 out=$2; shift 2
	"$CD_BIN" scan --instance "$INST" --endpoint-url "$EMU_URL" --region us-east-1 \
		--no-progress -q --output-dir "$out" "${SCAN_RATES[@]}" "$@" >"$log" 2>&1 &
	SCAN_PID=$!
}

emu_stat() {
	curl -sf "$EMU_URL/_emu/stats" | "$PYBIN" -c "import json,sys; s=json.load(sys.stdin); print($1)"
}

emu_post() {
	curl -sf -X POST -H 'Content-Type: application/json' --data "$2" "$EMU_URL$1"
}

describe_calls() { # answered with a user: not throttled, not a fault, not an error
	local j n k
	local -A v
	j=$(curl -sf "$EMU_URL/_emu/stats") || return 1
	j=${j#*\"DescribeUser\":\{}
	j=${j%%\}*}
	for k in requests throttles faults errors; do # pure bash: called in loops
		[[ $j =~ \"$k\":([0-9]+) ]] || return 1
		v[$k]=${BASH_REMATCH[1]}
	done
	n=$((v[requests] - v[throttles] - v[faults] - v[errors]))
	echo $n
}

# The reports that say what was found; the log differs between runs by design.
same_reports() {
	local a=$1 b=$2 kind ext fa fb
	for kind in all_users duplicate_users; do
		for ext in csv json; do
			fa=$(ls "$a"/${kind}_*.$ext 2>/dev/null | head -1)
			fb=$(ls "$b"/${kind}_*.$ext 2>/dev/null | head -1)
			if [ -z "$fa" ] || [ -z "$fb" ]; then
				diag "missing ${kind} .$ext in '$a' or '$b'"
				return 1
			fi
			if ! cmp -s "$fa" "$fb"; then
				diag "$fa and $fb differ:"
				diff "$fa" "$fb" | head -10 | sed 's/^/#   /'
				return 1
			fi
		done
	done
	return 0
}
