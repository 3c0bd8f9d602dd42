#!/usr/bin/env python3
"""connect_hostile.py -- a hostile stand-in for the Connect user API, on 127.0.0.1 only, for tests.

It answers SearchUsers (POST /search-users), ListUsers (GET /users-summary/{instance}) and
DescribeUser (GET /users/{instance}/{id}) for --users N users "u-0001"... in pages of --page
(whatever MaxResults says: the service may return fewer), and misbehaves as --mode says:
  clean           no fault (the reference run)
  same-token      SearchUsers: every page, the first included, gives NextToken "again"
  cycle           SearchUsers: the third page gives the second page's token again, so tokens
                  go p1 -> p2 -> p1 -> ... (use 4 pages or more: the rest is never listed)
  list-cycle      ListUsers: the same cycle
  describe-429    every DescribeUser answers 429 ThrottlingException
  random-429      --share of all requests answer 429 at random (seeded), whatever the rate
  malformed       SearchUsers and ListUsers pages hold items without an Id ("Arn" only) and
                  with a numeric Id (BAD_IDS below); the N good users are all there too
  short           ApproximateTotalCount says N + 50; the last page has no NextToken
  huge            SearchUsers page 2 streams --huge-mb MB (over the client's 64 MiB cap)
  deleted         DescribeUser of DELETED (below) answers 404 ResourceNotFoundException
SigV4 is not checked (tests/unit/test_crawl.c does that against connect-emu). Also:
  GET /_truth   {"users": [ids], "bad_ids": [...], "deleted": [...]}: what it holds
  GET /_stats   requests per operation and status
Prints "listening on http://127.0.0.1:PORT" once ready.
"""
import argparse
import json
import random
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
STATS = {}
RNG = random.Random(1)
BAD_IDS = [12345, 67890]
DELETED = ["u-0007", "u-0042", "u-0100"]


def user_id(i):
    return "u-%04d" % (i + 1)


def ids():
    return [user_id(i) for i in range(ARGS.users)]


def count(op, status):
    with LOCK:
        key = "%s %d" % (op, status)
        STATS[key] = STATS.get(key, 0) + 1


def page_items(start, search):
    out = []
    for i in range(start, min(start + ARGS.page, ARGS.users)):
        uid = user_id(i)
        if search:
            out.append({"Id": uid, "Arn": "arn:aws:connect:us-east-1:1:instance/i/agent/" + uid,
                        "Username": "user%04d" % (i + 1),
                        "IdentityInfo": {"FirstName": "First%d" % (i % 37),
                                         "LastName": "Last%d" % (i % 41)}})
        else:
            out.append({"Id": uid, "Arn": "arn:aws:connect:us-east-1:1:instance/i/agent/" + uid,
                        "Username": "user%04d" % (i + 1), "LastModifiedTime": 1700000000.0})
    if ARGS.mode == "malformed" and start == 0:
        out.insert(1, {"Arn": "arn:without-an-id", "Username": "ghost"})
        for b in BAD_IDS:
            out.append({"Id": b, "Username": "numeric%d" % b})
    return out


def npages():
    return max(1, (ARGS.users + ARGS.page - 1) // ARGS.page)


def listing(token, search):
    """(items, next token) for a listing request carrying `token` (None: the first page)."""
    mode = ARGS.mode
    if search and mode == "same-token":
        return page_items(0, True), "again"
    loops = (mode == "cycle" and search) or (mode == "list-cycle" and not search)
    n = 0 if not token else int(token[1:])
    items = page_items(n * ARGS.page, search)
    if loops and n == 2:
        return items, "p1"  # p1 -> p2 -> p1 -> ...
    return items, ("p%d" % (n + 1) if n + 1 < npages() else None)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, obj, extra=None):
        data = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def throttle(self, op):
        if ARGS.mode == "random-429":
            with LOCK:
                hit = RNG.random() < ARGS.share
            if hit:
                count(op, 429)
                self.send(429, {"message": "Rate exceeded"},
                          {"x-amzn-ErrorType": "ThrottlingException"})
                return True
        return False

    def stream_huge(self):
        """A valid beginning of a SearchUsers answer, padded past the cap."""
        total = ARGS.huge_mb << 20
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        head = b'{"Users":[],"Padding":"'
        chunk = b"x" * (1 << 20)
        try:
            self.wfile.write(head)
            left = total - len(head)
            while left > 0:
                n = min(left, len(chunk))
                self.wfile.write(chunk[:n])
                left -= n
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(n) or b"{}")
        if self.path != "/search-users":
            return self.send(404, {"message": "no such path"})
        if self.throttle("SearchUsers"):
            return
        token = body.get("NextToken")
        if ARGS.mode == "huge" and token == "p1":
            count("SearchUsers", 200)
            return self.stream_huge()
        items, nxt = listing(token, True)
        total = ARGS.users + (50 if ARGS.mode == "short" else 0)
        out = {"Users": items, "ApproximateTotalCount": total}
        if nxt:
            out["NextToken"] = nxt
        count("SearchUsers", 200)
        self.send(200, out)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        parts = u.path.split("/")
        if u.path == "/_truth":
            return self.send(200, {"users": ids(), "bad_ids": [str(b) for b in BAD_IDS],
                                   "deleted": DELETED})
        if u.path == "/_stats":
            with LOCK:
                return self.send(200, dict(STATS))
        if len(parts) == 3 and parts[1] == "users-summary":
            if self.throttle("ListUsers"):
                return
            q = urllib.parse.parse_qs(u.query)
            items, nxt = listing(q.get("nextToken", [None])[0], False)
            out = {"UserSummaryList": items}
            if nxt:
                out["NextToken"] = nxt
            count("ListUsers", 200)
            return self.send(200, out)
        if len(parts) == 4 and parts[1] == "users":
            uid = urllib.parse.unquote(parts[3])
            if ARGS.mode == "describe-429":
                count("DescribeUser", 429)
                return self.send(429, {"message": "Rate exceeded"},
                                 {"x-amzn-ErrorType": "ThrottlingException"})
            if self.throttle("DescribeUser"):
                return
            if uid not in set(ids()) or (ARGS.mode == "deleted" and uid in DELETED):
                count("DescribeUser", 404)
                return self.send(404, {"message": "User not found"},
                                 {"x-amzn-ErrorType": "ResourceNotFoundException"})
            i = int(uid[2:]) - 1
            count("DescribeUser", 200)
            return self.send(200, {"User": {
                "Id": uid, "Arn": "arn:aws:connect:us-east-1:1:instance/i/agent/" + uid,
                "Username": "user%04d" % (i + 1),
                "IdentityInfo": {"FirstName": "First%d" % (i % 37), "LastName": "Last%d" % (i % 41),
                                 "Email": "user%04d@example.com" % (i + 1)},
                "LastModifiedTime": 1700000000.0}})
        self.send(404, {"message": "no such path"})


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--mode", default="clean")
    p.add_argument("--users", type=int, default=300)
    p.add_argument("--page", type=int, default=100)
    p.add_argument("--share", type=float, default=0.1)
    p.add_argument("--huge-mb", type=int, default=70)
    p.add_argument("--seed", type=int, default=1)
    ARGS = p.parse_args()
    RNG.seed(ARGS.seed)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    print("listening on http://127.0.0.1:%d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
