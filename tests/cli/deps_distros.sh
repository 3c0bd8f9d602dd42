#!/usr/bin/env bash
# deps_distros.sh -- scripts/deps.sh picks apt-get or dnf from os-release and installs the right
# package names per set (tool, demo, all); a package a distribution lacks gets one or two lines.
# Runs against fake package managers on a PATH of their own: nothing is installed.
. "$(dirname "$0")/../lib/tap.sh"

BASH_BIN=$(command -v bash)
FAKE=$TMP/bin
mkdir -p "$FAKE"
for t in grep sed; do ln -s "$(command -v "$t")" "$FAKE/$t"; done
# The fakes read FAKE_INSTALLED / FAKE_ABSENT (space-separated names) and log installs to FAKE_LOG.
cat >"$FAKE/id" <<'F'
#!/bin/sh
echo 0
F
cat >"$FAKE/rpm" <<'F'
#!/bin/sh
for a; do n=$a; done
case " $FAKE_INSTALLED " in *" $n "*) echo "$n-1.0-1.x86_64"; exit 0 ;; esac
echo "no package provides $n"; exit 1
F
cat >"$FAKE/dnf" <<'F'
#!/bin/sh
for a; do n=$a; done
case " $* " in
*" repoquery "*) case " $FAKE_ABSENT " in *" $n "*) ;; *) echo "$n-0:1.0-1.x86_64" ;; esac ;;
*" install "*) echo "dnf $*" >>"$FAKE_LOG" ;;
*) echo "fake dnf: unexpected: $*" >&2; exit 1 ;;
esac
F
cat >"$FAKE/dpkg-query" <<'F'
#!/bin/sh
for a; do n=$a; done
case " $FAKE_INSTALLED " in *" $n "*) printf 'install ok installed' ;; *) exit 1 ;; esac
F
cat >"$FAKE/apt-cache" <<'F'
#!/bin/sh
case " $FAKE_ABSENT " in *" $2 "*) exit 100 ;; esac
echo "Package: $2"
F
cat >"$FAKE/apt-get" <<'F'
#!/bin/sh
echo "apt-get $*" >>"$FAKE_LOG"
F
chmod +x "$FAKE"/*
export FAKE_LOG=$TMP/install.log FAKE_INSTALLED= FAKE_ABSENT=

osr() { # ID [ID_LIKE] -> an os-release file
	printf 'ID=%s\nID_LIKE="%s"\nPRETTY_NAME="%s test"\n' "$1" "${2:-}" "$1" >"$TMP/os-$1"
	echo "$TMP/os-$1"
}
deps() { # OS_RELEASE SET: runs scripts/deps.sh with the fakes only; stderr in $TMP/err
	: >"$FAKE_LOG"
	DEPS_OS_RELEASE=$1 PATH=${FAKE_PATH:-$FAKE} "$BASH_BIN" "$CD_ROOT/scripts/deps.sh" "$2" 2>"$TMP/err"
}
installs() { sed 's/^\(dnf\|apt-get\) //' "$FAKE_LOG"; }

AL=$(osr amzn fedora)
expect_rc "AL2023 tool: exit 0" 0 deps "$AL" tool
expect_eq "AL2023 tool: dnf installs the compiler and the five libraries, nothing else" "$(installs)" \
	"install -y -q --allowerasing gcc make pkgconf-pkg-config libcurl-devel openssl-devel jansson-devel sqlite-devel utf8proc-devel"
expect_rc "AL2023 demo: exit 0" 0 deps "$AL" demo
expect_eq "AL2023 demo: + libmicrohttpd-devel" "$(installs)" \
	"install -y -q --allowerasing gcc make pkgconf-pkg-config libcurl-devel openssl-devel jansson-devel sqlite-devel utf8proc-devel libmicrohttpd-devel"
expect_rc "Fedora all: exit 0" 0 deps "$(osr fedora)" all
expect_eq "Fedora all: + cmocka, the test tools, boto3 and the first aws CLI name that exists" "$(installs)" \
	"install -y -q gcc make pkgconf-pkg-config libcurl-devel openssl-devel jansson-devel sqlite-devel utf8proc-devel libmicrohttpd-devel libcmocka-devel python3 curl openssl time python3-boto3 awscli-2 strace chromium"

FAKE_INSTALLED="gcc make pkgconf-pkg-config libcurl-devel openssl-devel jansson-devel sqlite-devel utf8proc-devel"
expect_rc "AL2023 tool, all there: exit 0" 0 deps "$AL" tool
expect_eq "... dnf not asked to install" "$(installs)" ""
FAKE_INSTALLED="gcc make" FAKE_ABSENT="utf8proc-devel libcmocka-devel awscli-2 awscli2"
expect_rc "AL2023 all, utf8proc-devel and libcmocka-devel absent: exit 1" 1 deps "$AL" all
expect_eq "... the available ones are installed" "$(installs)" \
	"install -y -q --allowerasing pkgconf-pkg-config libcurl-devel openssl-devel jansson-devel sqlite-devel libmicrohttpd-devel python3 curl openssl time python3-boto3 strace chromium"
expect_eq "... two lines per absent package, one for skipped test tools, one for installing" "$(wc -l <"$TMP/err")" "6"
expect_grep "... utf8proc-devel named" '^deps: utf8proc-devel is not in the enabled repositories of amzn test\.$' "$TMP/err"
expect_grep "... with what to do (SPAL)" '^deps:   enable SPAL .*then run scripts/deps.sh all again\.$' "$TMP/err"
expect_grep "... cmocka: only the unit tests need it" "^deps: libcmocka-devel .* only the unit tests need it.*'make' builds connect-dupes without it" "$TMP/err"
expect_grep "... the aws CLI: tests skipped" '^deps: not available here: awscli-2 \(the oracle tests' "$TMP/err"
expect_no_grep "... no dnf error" 'Error|No match' "$TMP/err"
FAKE_INSTALLED= FAKE_ABSENT=

DEB=$(osr debian)
expect_rc "Debian tool: exit 0" 0 deps "$DEB" tool
expect_eq "Debian tool: apt-get update, then the five -dev packages" "$(installs)" \
	"update -qq
install -y -qq --no-install-recommends build-essential pkg-config libcurl4-openssl-dev libssl-dev libjansson-dev libsqlite3-dev libutf8proc-dev"
expect_rc "Ubuntu (ID_LIKE debian) all: exit 0" 0 deps "$(osr ubuntu debian)" all
expect_grep "... apt-get installs libmicrohttpd-dev and libcmocka-dev" \
	'^apt-get install .* libmicrohttpd-dev libcmocka-dev python3 curl openssl time python3-boto3 awscli strace chromium$' "$FAKE_LOG"
mkdir -p "$TMP/bare" && ln -s "$FAKE/grep" "$FAKE/sed" "$FAKE/id" "$TMP/bare/"
FAKE_PATH=$TMP/bare expect_rc "an unknown distribution without apt-get or dnf: exit 1" 1 deps "$(osr plan9)" tool
expect_eq "... in one line" "$(wc -l <"$TMP/err")" "1"
expect_grep "... naming the pkg-config packages" 'neither apt-get nor dnf: install .*libutf8proc' "$TMP/err"
expect_rc "an unknown set: exit 2" 2 deps "$DEB" runtime-only

done_testing
