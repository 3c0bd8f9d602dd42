#!/usr/bin/env bash
# deps.sh -- installs (as root, with apt-get) or checks the Debian 12 packages that building and
# testing need. Idempotent and quiet: nothing is installed when everything is already there.
set -euo pipefail
PKGS=(build-essential pkg-config
      libcurl4-openssl-dev libssl-dev libjansson-dev libsqlite3-dev libutf8proc-dev
      libmicrohttpd-dev libcmocka-dev
      python3 python3-boto3 awscli curl openssl time)   # openssl: test TLS certificates; time: bench
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps: missing Debian packages: ${missing[*]}" >&2
		echo "deps: install them as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
else SUDO=; fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
