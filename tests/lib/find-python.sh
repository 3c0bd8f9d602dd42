#!/bin/sh
# find-python.sh -- prints the path of a python3 that imports boto3 and botocore (test oracles).
# /usr/bin/python3 first: Debian's python3-boto3 is what CI installs, and it starts fastest.
for py in "${PYTHON:-}" /usr/bin/python3 python3 /usr/local/bin/python3; do
	[ -n "$py" ] || continue
	command -v "$py" >/dev/null 2>&1 || continue
	if "$py" -c 'import botocore, boto3' >/dev/null 2>&1; then
		command -v "$py"
		exit 0
	fi
done
exit 1
