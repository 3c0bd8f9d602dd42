#!/usr/bin/env bash
# emu_serve.sh -- `connect-emu serve` as a user runs it: options, wire format seen with curl,
# errors and their headers, the admin endpoint, signals and counters.
. "$(dirname "$0")/../lib/tap.sh"

expect_rc "--data and --users together: usage error" 2 "$EMU_BIN" serve --data x.json --users 5
expect_rc "neither --data nor --users: usage error" 2 "$EMU_BIN" serve
"$EMU_BIN" serve --users 5 --rate DescribeUsers=3 >"$TMP/bad.out" 2>&1; rc=$?
expect_eq "an unknown operation in --rate: exit 2" "$rc" 2
expect_grep "... naming the operation" "unknown operation 'DescribeUsers'" "$TMP/bad.out"
expect_rc "--fault-rate above 1: usage error" 2 "$EMU_BIN" serve --users 5 --fault-rate 1.5
expect_rc "--fault-kinds with an unknown kind: usage error" 2 "$EMU_BIN" serve --users 5 --fault-kinds 500,boom
"$EMU_BIN" serve --data "$TMP/missing.json" >"$TMP/missing.out" 2>&1; rc=$?
expect_eq "a missing --data file: exit 2" "$rc" 2
expect_grep "... naming the file" "missing.json" "$TMP/missing.out"
"$EMU_BIN" serve --help >"$TMP/help.out" 2>&1
expect_grep "--help lists --verify-sigv4" "--verify-sigv4" "$TMP/help.out"

# a file a user wrote: two users, one with an ISO timestamp as the aws CLI prints them
cat >"$TMP/inst.json" <<'JSON'
{"InstanceId":"0a1b2c3d-0000-4000-8000-000000000001","Region":"eu-west-2","Users":[
 {"Id":"u-1","Arn":"arn:aws:connect:eu-west-2:111122223333:instance/0a1b2c3d-0000-4000-8000-000000000001/agent/u-1","Username":"ana","IdentityInfo":{"FirstName":"Ana","LastName":"Silva","Email":"ana@example.com"},"LastModifiedTime":1700000000.5},
 {"Id":"u-2","Username":"bo","IdentityInfo":{"FirstName":"Bo","LastName":"Li","Email":"bo@example.com"},"LastModifiedTime":"2024-05-01T10:00:00+00:00"}
]}
JSON
I=0a1b2c3d-0000-4000-8000-000000000001
if emu_start --data "$TMP/inst.json" --seed 9; then
	ok "serves a --data file"
	curl -s -D "$TMP/h1" "$EMU_URL/users-summary/$I?maxResults=1" -o "$TMP/b1"
	expect_grep "ListUsers: 200" "^HTTP/1.1 200" "$TMP/h1"
	expect_grep "ListUsers: application/json" "^Content-Type: application/json" "$TMP/h1"
	expect_grep "ListUsers: one summary with the loaded LastModifiedTime" \
		'"UserSummaryList":\[\{"Id":"u-1".*"LastModifiedTime":1700000000.5,"LastModifiedRegion":"eu-west-2"' "$TMP/b1"
	expect_grep "ListUsers: a NextToken full of + / =" '"NextToken":"\+/\+/[^"]*="' "$TMP/b1"
	curl -s "$EMU_URL/users/$I/u-2" -o "$TMP/b2"
	expect_grep "DescribeUser: ISO time from the file served as epoch seconds" \
		'"LastModifiedTime":1714557600(\.0)?[,}]' "$TMP/b2"
	expect_grep "DescribeUser: a missing Arn is filled in from the instance" \
		"\"Arn\":\"arn:aws:connect:eu-west-2:111122223333:instance/$I/agent/u-2\"" "$TMP/b2"
	curl -s -D "$TMP/h3" "$EMU_URL/users/$I/u-404" -o "$TMP/b3"
	expect_grep "unknown user: 404" "^HTTP/1.1 404" "$TMP/h3"
	expect_grep "unknown user: x-amzn-ErrorType ResourceNotFoundException" \
		"^x-amzn-ErrorType: ResourceNotFoundException" "$TMP/h3"
	expect_grep "unknown user: a JSON message naming the user" '^\{"Message":".*u-404"\}$' "$TMP/b3"
	curl -s -D "$TMP/h4" -X POST "$EMU_URL/search-users" -d '{"InstanceId":"'$I'","SearchFilter":{"TagFilter":{},"UserAttributeFilter":{}}}' -o "$TMP/b4"
	expect_grep "TagFilter with UserAttributeFilter: 403 AccessDeniedException, as documented" "^x-amzn-ErrorType: AccessDeniedException" "$TMP/h4"
	curl -s -D "$TMP/h5" -X POST "$EMU_URL/search-users" -d 'not json' -o /dev/null
	expect_grep "a body that is not JSON: SerializationException" "^x-amzn-ErrorType: SerializationException" "$TMP/h5"
	curl -s -D "$TMP/h6" "$EMU_URL/users-summary" -o /dev/null
	expect_grep "a path that is no operation: 404 UnknownOperationException" "^x-amzn-ErrorType: UnknownOperationException" "$TMP/h6"
	curl -s -D "$TMP/h7" -X PATCH "$EMU_URL/users/$I/u-1" -o /dev/null
	expect_grep "PATCH on a user is no operation here" "^HTTP/1.1 404" "$TMP/h7"
	curl -s -X POST "$EMU_URL/_emu/mutate" -d '{"create":1,"delete":1}' -o "$TMP/m"
	expect_grep "/_emu/mutate answers what changed" '^\{"modified":\[\],"created":\["[0-9a-f-]{36}"\],"deleted":\["[^"]+"\]\}$' "$TMP/m"
	curl -s "$EMU_URL/_emu/stats" -o "$TMP/s"
	expect_grep "/_emu/stats: per-operation counters" '"DescribeUser":\{"requests":2,"throttles":0,"faults":0,"errors":1\}' "$TMP/s"
	expect_grep "/_emu/stats: live and deleted users" '"users":2,"deleted_users":1' "$TMP/s"
	curl -s -X POST "$EMU_URL/_emu/reset-stats" -o /dev/null
	curl -s "$EMU_URL/_emu/stats" -o "$TMP/s2"
	expect_grep "/_emu/reset-stats zeroes the counters" '"requests":0,"throttles":0' "$TMP/s2"
	curl -s "$EMU_URL/users/$I/u-1" -o /dev/null
	kill -TERM "$EMU_PID"; wait "$EMU_PID"; rc=$?; EMU_PID=
	expect_eq "SIGTERM: exit status 0" "$rc" 0
	expect_grep "... printing the counters" 'counters: .*"described_users":1' "$TMP/emu.out"
else
	not_ok "serves a --data file"
fi

# -v: one log line per request, without the query string or any header
if emu_start --users 20 --seed 3 -v; then
	curl -s -H "Authorization: AWS4-HMAC-SHA256 secret-looking" "$EMU_URL/users-summary/x?nextToken=abc" -o /dev/null
	curl -s "$EMU_URL/instance" -o /dev/null
	emu_stop
	expect_grep "-v logs each request with status and error name" \
		"GET /users-summary/x 404 ResourceNotFoundException" "$TMP/emu.out"
	expect_grep "-v logs a success" "GET /instance 200$" "$TMP/emu.out"
	expect_no_grep "-v logs neither the query nor the Authorization header" "nextToken|secret-looking" "$TMP/emu.out"
else
	not_ok "serves with -v"
fi

# latency: every API reply waits --latency-ms
if emu_start --users 20 --seed 3 --latency-ms 300; then
	t0=$(date +%s%N)
	curl -s "$EMU_URL/instance" -o /dev/null
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	ok_if "--latency-ms 300 delays a reply by at least 300 ms (${ms} ms)" test "$ms" -ge 300
	emu_stop
else
	not_ok "serves with --latency-ms"
fi

# a truncated body: Content-Length promises more than arrives, then the connection closes
if emu_start --users 20 --seed 3 --fault-rate 1 --fault-kinds truncate; then
	curl -s "$EMU_URL/instance" -o "$TMP/cut" 2>/dev/null; rc=$?
	expect_eq "fault truncate: curl sees a transfer closed early (exit 18)" "$rc" 18
	emu_stop
else
	not_ok "serves with --fault-kinds truncate"
fi

# changes while serving: --mutate-rate 40/s for about a second
if emu_start --users 50 --seed 5 --mutate-rate 40; then
	sleep 1.2
	curl -s "$EMU_URL/_emu/stats" -o "$TMP/ms"
	n=$(sed -n 's/.*"changes":{"modified":\([0-9]*\),"created":\([0-9]*\),"deleted":\([0-9]*\)}.*/\1 \2 \3/p' "$TMP/ms")
	set -- $n
	total=$(( ${1:-0} + ${2:-0} + ${3:-0} ))
	ok_if "--mutate-rate 40 makes about 40 changes a second ($total in 1.2 s: $n)" \
		test "$total" -ge 10 -a "$total" -le 200
	emu_stop
else
	not_ok "serves with --mutate-rate"
fi

# a port already taken is an error, not a silent other port
if emu_start --users 20; then
	port=${EMU_URL##*:}
	"$EMU_BIN" serve --users 20 --port "$port" >"$TMP/busy.out" 2>&1 &
	p2=$!
	for _ in $(seq 1 100); do kill -0 $p2 2>/dev/null || break; sleep 0.05; done
	if kill -0 $p2 2>/dev/null; then kill $p2; wait $p2; not_ok "a busy port is refused"; else
		wait $p2; rc=$?
		ok_if "a busy port is refused (exit $rc)" test "$rc" -ne 0
		expect_grep "... naming the address" "127.0.0.1:$port" "$TMP/busy.out"
	fi
	emu_stop
else
	not_ok "serves --users 20"
fi
done_testing
