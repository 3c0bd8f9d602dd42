#!/usr/bin/env python3
"""test_sigv4_oracle.py -- differential test: our SigV4 signer against botocore's, same inputs.

Generates a few thousand requests (GET and POST; paths with spaces, unicode, reserved characters
and dot segments; query values with + / = % space and unicode; empty, JSON and binary bodies;
with and without a session token; several regions, services and dates), signs each with
botocore (time patched) and with `$BUILD/tests/test_sigv4 --vectors`, and requires every
Authorization header to be identical. botocore is the oracle for this test, never for the product.
"""
import datetime
import json
import os
import random
import subprocess
import sys

import botocore.auth
import botocore.credentials
from botocore.awsrequest import AWSRequest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from boto_compat import fixed_clock  # noqa: E402  (pins the signing clock on any botocore)
from botocore.utils import percent_encode, percent_encode_sequence

N = int(os.environ.get("SIGV4_ORACLE_N", "2500"))
ROOT = os.environ.get("CD_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
HELPER = os.path.join(ROOT, BUILD, "tests", "test_sigv4")

rng = random.Random(20261128)

SEGMENT_CHARS = list("abcXYZ019-_.~ +/=%&?#:@!$'()*,;") + ["é", "ሴ", "日本", "😀", "ü"]
QUERY_CHARS = list("abcXYZ019+/=% &?#-_.~") + ["é", "€", "日本", "😀"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-2", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
SERVICES = ["connect", "connect", "connect", "sts", "sso", "execute-api"]


def rand_text(chars, lo, hi):
    return "".join(rng.choice(chars) for _ in range(rng.randint(lo, hi)))


def rand_path():
    """A wire path: segments percent-encoded as a request builder would, sometimes raw."""
    kind = rng.random()
    segs = []
    for _ in range(rng.randint(0, 5)):
        s = rand_text(SEGMENT_CHARS, 0, 8)
        r = rng.random()
        if r < 0.6:
            s = percent_encode(s, safe="")  # encoded id, e.g. /users/i-1/u%20x
        elif r < 0.75:
            s = rng.choice([".", "..", "", "a b", "x.y"])
        else:
            # raw: keep it to what urlsplit leaves in the path
            s = s.replace("?", "").replace("#", "")
        segs.append(s)
    path = "/" + "/".join(segs)
    if kind < 0.1:
        path += "/"
    if kind > 0.95:
        path = ""
    return path


def rand_query():
    if rng.random() < 0.3:
        return ""
    pairs = []
    for _ in range(rng.randint(1, 5)):
        k = rng.choice(["maxResults", "nextToken", "a", "A", "b", rand_text(QUERY_CHARS, 1, 5)])
        v = rand_text(QUERY_CHARS, 0, 12)
        pairs.append((k, v))
        if rng.random() < 0.15:
            pairs.append((k, rand_text(QUERY_CHARS, 0, 4)))  # repeated key
    q = percent_encode_sequence(pairs)
    if rng.random() < 0.1:
        q += "&flag"  # a key without '='
    return q


def rand_headers(method):
    h = []
    if method == "POST" or rng.random() < 0.2:
        h.append(("Content-Type", rng.choice(["application/json", "application/x-amz-json-1.1",
                                              "application/x-www-form-urlencoded; charset=utf-8"])))
    if rng.random() < 0.3:
        h.append(("X-Amz-Target", "  AWSCognito  Identity\t x "))
    if rng.random() < 0.2:
        h.append(("X-Custom-Header", rand_text(list("ab c\t"), 0, 10)))
    return h


def rand_body(method):
    r = rng.random()
    if method == "GET" or r < 0.25:
        return b""
    if r < 0.6:
        return json.dumps({"InstanceId": rand_text(QUERY_CHARS, 1, 10), "MaxResults": 500},
                          ensure_ascii=rng.random() < 0.5).encode()
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300)))


def main():
    cases = []
    for i in range(N):
        method = rng.choice(["GET", "POST"])
        region = rng.choice(REGIONS)
        service = rng.choice(SERVICES)
        scheme, host = rng.choice([("https", f"{service}.{region}.amazonaws.com"),
                                   ("http", "127.0.0.1:8080"), ("https", "localhost:8443")])
        when = 1262304000 + rng.randint(0, 60 * 365 * 86400 // 3)
        token = None
        if rng.random() < 0.5:
            token = "IQoJb3JpZ2luX2VjE" + rand_text(list("abcABC0123/+="), 20, 60)
        secret = rand_text(list("abcdefABCDEF0123456789/+"), 40, 40)
        akid = rng.choice(["AKIA", "ASIA"]) + rand_text(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 16, 16)
        case = dict(method=method, host=host, path=rand_path(), query=rand_query(),
                    headers=rand_headers(method), body=rand_body(method), region=region,
                    service=service, when=when, akid=akid, secret=secret, token=token,
                    scheme=scheme)
        cases.append(case)

    want = []
    for c in cases:
        url = f"{c['scheme']}://{c['host']}{c['path']}" + (f"?{c['query']}" if c["query"] else "")
        req = AWSRequest(method=c["method"], url=url, headers=dict(c["headers"]), data=c["body"])
        creds = botocore.credentials.Credentials(c["akid"], c["secret"], c["token"])
        now = datetime.datetime.fromtimestamp(c["when"], datetime.timezone.utc).replace(tzinfo=None)
        with fixed_clock(now):
            botocore.auth.SigV4Auth(creds, c["service"], c["region"]).add_auth(req)
        want.append(req.headers["Authorization"])

    lines = []
    for c in cases:
        lines.append(json.dumps(dict(method=c["method"], host=c["host"], path=c["path"],
                                     query=c["query"], headers=c["headers"],
                                     body_hex=c["body"].hex(), region=c["region"],
                                     service=c["service"], when=c["when"], akid=c["akid"],
                                     secret=c["secret"], token=c["token"])))
    proc = subprocess.run([HELPER, "--vectors"], input="\n".join(lines) + "\n", text=True,
                          capture_output=True, timeout=120)
    got = proc.stdout.splitlines()
    n = 0
    n += 1
    if proc.returncode == 0 and len(got) == len(cases):
        print(f"ok {n} - helper signed all {len(cases)} requests")
    else:
        print(f"not ok {n} - helper exited {proc.returncode} with {len(got)} of {len(cases)} lines")
        print("# " + proc.stderr[-500:].replace("\n", "\n# "))
        print(f"1..{n}")
        return 1

    mismatches = [i for i in range(len(cases)) if got[i] != want[i]]
    n += 1
    if not mismatches:
        print(f"ok {n} - {len(cases)} Authorization headers identical to botocore's")
    else:
        print(f"not ok {n} - {len(mismatches)} of {len(cases)} Authorization headers differ")
        for i in mismatches[:5]:
            c = dict(cases[i])
            c["body"] = c["body"][:40].hex()
            c["secret"] = "(test secret)"
            print(f"#   case {i}: {json.dumps(c)}")
            print(f"#     ours: {got[i]}")
            print(f"#     boto: {want[i]}")

    # The generator must really have covered what the issue lists (a test that cannot fail is
    # a defect; a generator that stopped producing the hard cases would be one).
    def count(pred):
        return sum(1 for c in cases if pred(c))
    coverage = {
        "GET": count(lambda c: c["method"] == "GET"),
        "POST": count(lambda c: c["method"] == "POST"),
        "space in path": count(lambda c: "%20" in c["path"] or " " in c["path"]),
        "unicode in path": count(lambda c: "%E" in c["path"] or any(ord(ch) > 127 for ch in c["path"])),
        "reserved in path": count(lambda c: any(x in c["path"] for x in ("%2B", "%3D", "%40", "%2F", "+", "="))),
        "dot segments": count(lambda c: "/../" in c["path"] + "/" or "/./" in c["path"] + "/"),
        "plus in query": count(lambda c: "%2B" in c["query"]),
        "slash in query": count(lambda c: "%2F" in c["query"]),
        "equals in query": count(lambda c: "%3D" in c["query"]),
        "percent in query": count(lambda c: "%25" in c["query"]),
        "space in query": count(lambda c: "%20" in c["query"]),
        "unicode in query": count(lambda c: "%E2" in c["query"] or "%C3" in c["query"]),
        "empty body": count(lambda c: not c["body"]),
        "binary body": count(lambda c: c["body"] and not c["body"].startswith(b"{")),
        "session token": count(lambda c: c["token"]),
        "no session token": count(lambda c: not c["token"]),
        "regions": len({c["region"] for c in cases}),
        "dates": len({c["when"] // 86400 for c in cases}),
    }
    print("# coverage: " + ", ".join(f"{k}={v}" for k, v in coverage.items()))
    thin = {k: v for k, v in coverage.items() if v < 20 and k not in ("regions",)}
    if coverage["regions"] < 4:
        thin["regions"] = coverage["regions"]
    n += 1
    if N >= 2000 and not thin:
        print(f"ok {n} - generated cases cover every listed kind ({len(coverage)} kinds)")
    else:
        print(f"not ok {n} - thin coverage (N={N}): {thin}")
    print(f"1..{n}")
    return 0 if not mismatches and not thin and N >= 2000 else 1


if __name__ == "__main__":
    sys.exit(main())
