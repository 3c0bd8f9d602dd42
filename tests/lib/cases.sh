#!/usr/bin/env bash
# cases.sh -- runs data-driven cases (tests/cases/NAME/, format in tests/cases/README.md) and prints TAP; CASES_UPDATE=1 rewrites their expected outputs instead.
#
# Usage: tests/lib/cases.sh CASE_DIR...      (tests/run.sh runs it once per case)
# Each case runs in a scratch copy of its folder (symbolic links followed), with a clean
# environment, so that relative paths in `args` and in the messages are the same on every run.
. "$(dirname "$0")/tap.sh"

# The emulator's example credentials; only cases with an instance.json get them.
EMU_KEY_ID=AKIDEXAMPLE
EMU_SECRET=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_ACCESS_KEY_ID=$EMU_KEY_ID AWS_SECRET_ACCESS_KEY=$EMU_SECRET # for connect-emu only
STAMP_RE='[0-9]{8}_[0-9]{6}'

# normalise STAMP ENDPOINT < text > text: what varies per run in standard output and error
# becomes a fixed word: the run's time stamp, the emulator's address, the run's private HOME
# and durations in seconds. ($HOME_DIR is set per case by run_case.)
normalise() {
	local stamp=$1 endpoint=$2
	sed -E -e "${stamp:+s/$stamp/@STAMP@/g}" -e "${endpoint:+s|$endpoint|@ENDPOINT@|g}" \
		-e "s|$HOME_DIR|@HOME@|g" -e 's/\<[0-9]+\.[0-9]+ s\>/N.NN s/g'
}

# A report compared byte for byte; only the run's time stamp (also in its name) is replaced.
normalise_report() { sed -e "s/$1/@STAMP@/g" "$2"; }

# The file of kind KIND.EXT (e.g. all_users.csv) in folder OUT, whatever its stamp.
report_of() {
	local f
	for f in "$1/${2%.*}"_*."${2##*.}"; do
		[[ $(basename "$f") =~ ^${2%.*}_${STAMP_RE}\.${2##*.}$ ]] && { echo "$f"; return 0; }
	done
	return 1
}

# Compares one output (stdout or stderr) with the case's file of the same name.
check_text() { # NAME WHAT GOTFILE WANTFILE STAMP ENDPOINT
	local name=$1 what=$2 got=$3 want=$4
	if normalise "$5" "$6" <"$got" | cmp -s - "$want"; then ok "$name: $what as expected"; else
		not_ok "$name: $what as expected"
		normalise "$5" "$6" <"$got" | diff "$want" - | head -20 | sed 's/^/#   /'
	fi
}

# Writes the expected outputs of a case from its run (CASES_UPDATE=1): expected/ gets every
# report of out/ (normalised), stdout and stderr are rewritten when the case has them. A file of
# expected/ that is a symbolic link says "this run must write the same as that other case": it
# is kept when the new output still equals its target, and reported otherwise.
update_case() { # NAME DIR RUN SCRATCH RC STAMP ENDPOINT
	local name=$1 dir=$2 run=$3 scratch=$4 rc=$5 stamp=$6 endpoint=$7 f k new=$4/new
	mkdir -p "$new"
	if [ -d "$run/out" ]; then
		for f in "$run"/out/*; do
			k=$(basename "$f" | sed -E "s/_${STAMP_RE}\././")
			[ "$k" = scan_log.log ] && continue
			normalise_report "$stamp" "$f" >"$new/$k"
		done
	fi
	if [ -d "$dir/expected" ]; then
		for f in "$dir"/expected/*; do
			[ -e "$new/$(basename "$f")" ] && continue
			rm -f "$f"
			diag "$name: expected/$(basename "$f") removed: the run no longer writes it"
		done
	fi
	if [ -n "$(ls "$new")" ]; then
		mkdir -p "$dir/expected"
		for f in "$new"/*; do
			k=$(basename "$f")
			if [ -L "$dir/expected/$k" ]; then
				if cmp -s "$f" "$dir/expected/$k"; then ok "$name: expected/$k (a link to $(readlink "$dir/expected/$k")) still equal"
				else not_ok "$name: expected/$k is a link to $(readlink "$dir/expected/$k") but the run now writes something else; not changed"; fi
			else
				cmp -s "$f" "$dir/expected/$k" 2>/dev/null || diag "$name: expected/$k rewritten"
				cp "$f" "$dir/expected/$k"
				ok "$name: expected/$k written"
			fi
		done
	else
		rmdir "$dir/expected" 2>/dev/null
	fi
	for k in stdout stderr; do
		[ -f "$dir/$k" ] || continue
		normalise "$stamp" "$endpoint" <"$scratch/$k" >"$dir/$k"
		ok "$name: $k written"
	done
	if [ "$rc" != "$(cat "$dir/exit" 2>/dev/null)" ]; then
		not_ok "$name: the run exited with $rc, the case's exit file says $(cat "$dir/exit" 2>/dev/null); edit it by hand if that is meant"
	fi
}

run_case() { # DIR
	local dir=${1%/} name scratch run rc stamp= endpoint= f k line where re target
	local -a args envs
	name=$(basename "$dir")
	scratch=$TMP/$name
	run=$scratch/run
	if [ ! -f "$dir/args" ] || [ ! -f "$dir/exit" ]; then
		not_ok "$name: a case needs an args and an exit file"
		return
	fi
	HOME_DIR=$scratch/home
	mkdir -p "$scratch/home" "$scratch/cache" "$scratch/config" "$scratch/tmp"
	cp -RL "$dir" "$run" && rm -rf "$run/expected"

	envs=(PATH="$PATH" HOME="$scratch/home" XDG_CACHE_HOME="$scratch/cache"
		XDG_CONFIG_HOME="$scratch/config" TMPDIR="$scratch/tmp" AWS_EC2_METADATA_DISABLED=true
		NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost)
	for k in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -n "${!k:-}" ] && envs+=("$k=${!k}")
	done
	if [ -f "$dir/instance.json" ]; then
		mapfile -t args < <(cat "$dir/emu-args" 2>/dev/null)
		if ! emu_start --data "$run/instance.json" "${args[@]}"; then
			not_ok "$name: connect-emu serves instance.json"
			return
		fi
		endpoint=$EMU_URL
		envs+=(AWS_ACCESS_KEY_ID="$EMU_KEY_ID" AWS_SECRET_ACCESS_KEY="$EMU_SECRET" AWS_REGION=us-east-1)
	fi
	if [ -f "$dir/env" ]; then
		while IFS= read -r line; do [ -n "$line" ] && envs+=("$line"); done <"$dir/env"
	fi
	mapfile -t args <"$dir/args"
	for k in "${!args[@]}"; do
		args[$k]=${args[$k]//@ENDPOINT@/$endpoint}
		args[$k]=${args[$k]//@PORT@/${endpoint##*:}}
	done

	(cd "$run" && find . | sort) >"$scratch/before"
	(cd "$run" && exec env -i "${envs[@]}" "$CD_BIN" "${args[@]}") \
		<"$( [ -f "$dir/stdin" ] && echo "$dir/stdin" || echo /dev/null)" \
		>"$scratch/stdout" 2>"$scratch/stderr"
	rc=$?
	(cd "$run" && find . | sort) >"$scratch/after"
	[ -n "$endpoint" ] && emu_stop
	if [ -d "$run/out" ]; then
		stamp=$(ls "$run/out" | sed -nE "s/.*_(${STAMP_RE})\.[a-z]+$/\1/p" | sort -u | head -1)
	fi

	if [ "${CASES_UPDATE:-}" = 1 ]; then
		update_case "$name" "$dir" "$run" "$scratch" "$rc" "$stamp" "$endpoint"
		return
	fi

	# 1. the exit status
	expect_eq "$name: exit status" "$rc" "$(cat "$dir/exit")"

	# 2. what the run printed
	for k in stdout stderr; do
		[ -f "$dir/$k" ] && check_text "$name" "$k" "$scratch/$k" "$dir/$k" "$stamp" "$endpoint"
	done

	# 3. the files it wrote: nothing but out/, and out/ only when the case expects reports
	local extra
	if [ -d "$dir/expected" ]; then
		extra=$(comm -13 "$scratch/before" "$scratch/after" | grep -vE '^\./out(/|$)')
	else
		extra=$(comm -13 "$scratch/before" "$scratch/after")
	fi
	if [ -z "$extra" ]; then ok "$name: writes nothing else"; else
		not_ok "$name: writes nothing else"; diag "new files:" $extra
	fi

	# 4. the reports: exactly the expected kinds plus the log, one stamp, 0700/0600, byte for byte
	if [ -d "$dir/expected" ]; then
		local got_kinds want_kinds bad
		got_kinds=$(ls -A "$run/out" 2>/dev/null | sed -E "s/_${STAMP_RE}\././" | sort)
		want_kinds=$( (ls "$dir/expected"; echo scan_log.log) | sort)
		expect_eq "$name: out/ holds the expected reports and the log, nothing else" \
			"$(echo $got_kinds)" "$(echo $want_kinds)"
		expect_eq "$name: one time stamp names every file" \
			"$(ls -A "$run/out" 2>/dev/null | sed -nE "s/.*_(${STAMP_RE})\.[a-z]+$/\1/p" | sort -u | wc -l)" 1
		bad=$(find "$run/out" \( -type d ! -perm 700 -o -type f ! -perm 600 \) -printf '%P %m\n' 2>&1)
		if [ -d "$run/out" ] && [ -z "$bad" ]; then ok "$name: folder 0700, files 0600"; else
			not_ok "$name: folder 0700, files 0600"; diag "${bad:-no out/ folder}"
		fi
		for f in "$dir"/expected/*; do
			k=$(basename "$f")
			target=$(report_of "$run/out" "$k") || { not_ok "$name: $k as expected"; diag "no $k written"; continue; }
			if normalise_report "$stamp" "$target" | cmp -s - "$f"; then ok "$name: $k as expected"; else
				not_ok "$name: $k as expected"
				normalise_report "$stamp" "$target" | diff "$f" - | head -20 | cut -c1-300 | sed 's/^/#   /'
			fi
		done
	fi

	# 5. grep: lines "WHERE REGEX", WHERE stdout, stderr or a report kind such as scan_log.log
	if [ -f "$dir/grep" ]; then
		while IFS= read -r line; do
			case "$line" in '' | '#'*) continue ;; esac
			where=${line%% *} re=${line#* }
			re=${re//'\r'/$'\r'}
			case "$where" in
			stdout | stderr) target=$scratch/$where ;;
			*) target=$(report_of "$run/out" "$where" 2>/dev/null) || target=$scratch/missing-$where ;;
			esac
			expect_grep "$name: $where has /${line#* }/" "$re" "$target" 2>/dev/null
		done <"$dir/grep"
	fi

	# 6. an empty error message is a bug: no "error:" line without a reason, and a run that
	#    ends with a usage, credential or local error (2, 4, 5) says why in one
	if grep -qE 'error: *$' "$scratch/stderr"; then
		not_ok "$name: every error line gives a reason"; grep -nE 'error: *$' "$scratch/stderr" | head -3 | sed 's/^/#   /'
	else ok "$name: every error line gives a reason"; fi
	case "$rc" in
	2 | 4 | 5)
		if [ "${args[0]:-}" = "" ] || grep -qE '^connect-dupes: error: .*[^ ]' "$scratch/stderr" ||
			grep -qE '^usage: ' "$scratch/stdout" "$scratch/stderr"; then
			ok "$name: exit $rc comes with its reason"
		else not_ok "$name: exit $rc comes with its reason"; sed 's/^/#   /' "$scratch/stderr" | head -5; fi ;;
	esac
}

for d in "$@"; do
	run_case "$d"
done
done_testing
