#!/usr/bin/env bash
# deps.sh -- installs (as root, or with sudo) or checks the packages that building and testing
# need, with apt-get (Debian, Ubuntu) or dnf (Amazon Linux 2023 -- AWS CloudShell --, Fedora).
# Idempotent and quiet: nothing is installed when everything is already there.
#
# usage: scripts/deps.sh [tool|demo|all]
#   tool  what `make` (connect-dupes alone) needs: compiler, make, pkg-config and the libcurl,
#         OpenSSL libcrypto, jansson, SQLite and utf8proc headers. For an admin's machine.
#   demo  tool + libmicrohttpd (connect-emu): what `make demo` needs.
#   all   demo + cmocka and the tools the tests use: what `make test` needs (the default).
# DEPS_OS_RELEASE (default /etc/os-release) names the file that says which distribution this is.
#
# Package names. Debian 12 and Ubuntu: checked (Debian 12 is what CI runs). Fedora: the -devel
# packages of the same libraries (all in Fedora's repositories). Amazon Linux 2023: assumed to
# have libcurl-devel, openssl-devel, jansson-devel, sqlite-devel, gcc, make and pkgconf-pkg-config
# in its core repositories; utf8proc-devel, libmicrohttpd-devel and libcmocka-devel may only be
# in SPAL (Supplementary Packages for Amazon Linux). Nothing here was run on Amazon Linux, so the
# script asks dnf what exists before installing and says, one line each, what to do about a
# package the enabled repositories do not have (instead of dnf's error).
set -euo pipefail

usage() { sed -n '6,10s/^# \{0,1\}//p' "$0"; }
set_name=${1:-all}
case $set_name in
tool | build | --runtime) set_name=tool ;;
demo | all) ;;
-h | --help) usage; exit 0 ;;
*) echo "deps: unknown set '$set_name' (tool, demo or all)" >&2; usage >&2; exit 2 ;;
esac

# Which distribution: the os-release ID (and ID_LIKE), else whichever package manager exists.
os_release=${DEPS_OS_RELEASE:-/etc/os-release}
ID= ID_LIKE= PRETTY_NAME=
# shellcheck disable=SC1090
[ -r "$os_release" ] && . "$os_release"
family=
for id in $ID $ID_LIKE; do
	case $id in
	debian | ubuntu) family=apt; break ;;
	fedora | amzn | rhel | centos | rocky | almalinux) family=dnf; break ;;
	esac
done
if [ -z "$family" ]; then
	if command -v apt-get >/dev/null 2>&1; then family=apt
	elif command -v dnf >/dev/null 2>&1; then family=dnf
	else
		echo "deps: ${PRETTY_NAME:-this system} has neither apt-get nor dnf: install a C compiler, make, pkg-config and the development files of libcurl, libcrypto (OpenSSL), jansson, sqlite3 and libutf8proc (+ libmicrohttpd for connect-emu, cmocka for the tests)" >&2
		exit 1
	fi
fi

# required: the build fails without them. optional: without them some tests are skipped; an entry
# "a|b" is one tool under the names of different releases (the first one available is taken).
required=() optional=()
if [ "$family" = apt ]; then
	required+=(build-essential pkg-config
		libcurl4-openssl-dev libssl-dev libjansson-dev libsqlite3-dev libutf8proc-dev)
	if [ "$set_name" != tool ]; then required+=(libmicrohttpd-dev); fi
	# openssl: the tests' TLS certificates; time: bench; boto3 and the aws CLI: the oracle tests;
	# strace: the one-execve test; chromium: the HTML report's browser test and bench/report.
	if [ "$set_name" = all ]; then
		required+=(libcmocka-dev python3 curl openssl time)
		optional+=(python3-boto3 awscli strace chromium)
	fi
else
	required+=(gcc make pkgconf-pkg-config
		libcurl-devel openssl-devel jansson-devel sqlite-devel utf8proc-devel)
	if [ "$set_name" != tool ]; then required+=(libmicrohttpd-devel); fi
	# curl: AL2023 has curl-minimal, which provides curl (installing curl itself would conflict).
	if [ "$set_name" = all ]; then
		required+=(libcmocka-devel python3 curl openssl time)
		optional+=(python3-boto3 "awscli-2|awscli2" strace chromium)
	fi
fi

installed() {
	if [ "$family" = apt ]; then
		dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
	else
		rpm -q --whatprovides "$1" >/dev/null 2>&1
	fi
}
# grep without -q: it reads to the end, so the lister never dies of SIGPIPE, which pipefail
# would report as "not available" (apt-cache show prints every version; with two or more, an
# early-exiting grep -q made libcurl4-openssl-dev look absent).
available() {
	if [ "$family" = apt ]; then
		apt-cache show "$1" 2>/dev/null | grep '^Package:' >/dev/null
	else
		dnf -q repoquery --whatprovides "$1" 2>/dev/null | grep . >/dev/null
	fi
}
# One or two lines: what to do about a package the enabled repositories do not have.
advice() {
	local p=$1 what=
	case $p in
	*microhttpd*) what="only connect-emu needs it (make demo, make test); 'scripts/deps.sh tool' and 'make' build connect-dupes without it" ;;
	*cmocka*) what="only the unit tests need it (make test); 'make' builds connect-dupes without it" ;;
	esac
	echo "deps: $p is not in the enabled repositories of ${PRETTY_NAME:-this system}${what:+ -- $what}." >&2
	case $ID in
	amzn) echo "deps:   enable SPAL (Supplementary Packages for Amazon Linux, https://docs.aws.amazon.com/linux/al2023/ug/spal.html), then run scripts/deps.sh $set_name again." >&2 ;;
	rhel | centos | rocky | almalinux) echo "deps:   enable EPEL (and CRB), then run scripts/deps.sh $set_name again." >&2 ;;
	*) echo "deps:   install it from another repository, then run scripts/deps.sh $set_name again." >&2 ;;
	esac
}

missing=() missing_opt=()
for p in "${required[@]}"; do installed "$p" || missing+=("$p"); done
for alts in "${optional[@]}"; do
	have=
	for p in ${alts//|/ }; do installed "$p" && have=1; done
	case $alts in awscli*) command -v aws >/dev/null 2>&1 && have=1 ;; esac
	[ -n "$have" ] || missing_opt+=("$alts")
done
[ ${#missing[@]} -eq 0 ] && [ ${#missing_opt[@]} -eq 0 ] && exit 0
# Only optional ones missing and no way to install them: nothing needs doing.
if [ ${#missing[@]} -eq 0 ] && [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps: missing packages: ${missing[*]}" >&2
		if [ "$family" = apt ]; then echo "deps: install them as root: apt-get install ${missing[*]}" >&2
		else echo "deps: install them as root: dnf install ${missing[*]}" >&2; fi
		exit 1
	fi
else SUDO=; fi

if [ "$family" = apt ]; then
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq >/dev/null
fi
install=() absent=() skipped=()
for p in "${missing[@]}"; do
	if available "$p"; then install+=("$p"); else absent+=("$p"); fi
done
for alts in "${missing_opt[@]}"; do
	pick=
	for p in ${alts//|/ }; do
		if [ -z "$pick" ] && available "$p"; then pick=$p; fi
	done
	if [ -n "$pick" ]; then install+=("$pick"); else skipped+=("${alts%%|*}"); fi
done

if [ ${#install[@]} -gt 0 ]; then
	echo "deps: installing ${install[*]}" >&2
	if [ "$family" = apt ]; then
		$SUDO apt-get install -y -qq --no-install-recommends "${install[@]}" >/dev/null
	else
		# Amazon Linux ships curl-minimal/libcurl-minimal; libcurl-devel may want the full libcurl
		# in their place, which dnf does only when allowed to erase (it swaps, nothing is lost).
		erase=
		[ "$ID" = amzn ] && erase=--allowerasing
		if ! $SUDO dnf install -y -q $erase "${install[@]}" >/dev/null; then
			echo "deps: dnf could not install ${install[*]} (its message is above)" >&2
			exit 1
		fi
	fi
fi
[ ${#skipped[@]} -gt 0 ] &&
	echo "deps: not available here: ${skipped[*]} (the oracle tests that need them are skipped)" >&2
for p in "${absent[@]}"; do advice "$p"; done
[ ${#absent[@]} -eq 0 ]
