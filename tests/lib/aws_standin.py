#!/usr/bin/env python3
"""aws_standin.py -- stand-ins for the AWS credential endpoints, on 127.0.0.1 only, for tests.

One server answers as all of them:
  GET  /container/creds                       container credentials (checks Authorization)
  PUT  /latest/api/token                      IMDSv2 session token (needs the TTL header)
  GET  /latest/meta-data/iam/security-credentials/[ROLE]   IMDSv2 (needs the token)
  POST /                                      STS AssumeRole (SigV4 checked against the source
                                              secret with botocore when it is importable) and
                                              AssumeRoleWithWebIdentity (checks the token)
  GET  /federation/credentials                SSO portal GetRoleCredentials (checks the bearer)
  POST /token                                 SSO OIDC CreateToken with a refresh token
  GET  /_requests                             what it was asked, as JSON, for assertions
Prints "listening on http://127.0.0.1:PORT" once ready. Every credential it hands out has the
secret "standin-secret-<kind>-<n>" and token "standin-token-<kind>-<n>" so tests can grep for
them in places they must never appear.
"""
import argparse
import datetime
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
REQUESTS = []
COUNTER = {"n": 0}
ISSUED = {}  # access key id -> secret of every credential handed out, to check chained calls


def next_n():
    with LOCK:
        COUNTER["n"] += 1
        return COUNTER["n"]


def expiry():
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=ARGS.expires_in)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def creds(kind):
    n = next_n()
    akid = f"ASIA{kind.upper()[:8]:X<8}{n:08d}"
    secret = f"standin-secret-{kind}-{n}"
    with LOCK:
        ISSUED[akid] = secret
    return akid, secret, f"standin-token-{kind}-{n}"


def check_sigv4(handler, body, secret):
    """Re-signs the request with botocore and compares; None when botocore is missing."""
    try:
        import botocore.auth
        import botocore.credentials
        from botocore.awsrequest import AWSRequest
    except ImportError:
        return None
    auth = handler.headers.get("Authorization", "")
    amz_date = handler.headers.get("X-Amz-Date", "")
    try:
        akid = auth.split("Credential=")[1].split("/")[0]
        region = auth.split("Credential=")[1].split("/")[2]
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    except (IndexError, ValueError):
        return False
    headers = {"Content-Type": handler.headers.get("Content-Type", "")}
    url = f"http://{handler.headers.get('Host')}{handler.path}"
    req = AWSRequest(method="POST", url=url, headers=headers, data=body)
    token = handler.headers.get("X-Amz-Security-Token")
    with LOCK:
        secret = ISSUED.get(akid, secret)
    c = botocore.credentials.Credentials(akid, secret, token)
    from boto_compat import fixed_clock  # beside this file: python puts its folder on sys.path
    with fixed_clock(when):
        botocore.auth.SigV4Auth(c, "sts", region).add_auth(req)
    return req.headers["Authorization"] == auth


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, body=b""):
        rec = {"method": self.command, "path": self.path,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": body.decode("utf-8", "replace")}
        with LOCK:
            REQUESTS.append(rec)

    def send(self, status, body, ctype="application/json", extra=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        self.record(body)
        if self.path == "/latest/api/token":
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.send(400, "missing ttl", "text/plain")
            return self.send(200, ARGS.imds_token, "text/plain")
        self.send(404, "{}")

    def do_GET(self):
        self.record()
        u = urllib.parse.urlsplit(self.path)
        if u.path == "/_requests":
            with LOCK:
                return self.send(200, json.dumps(REQUESTS))
        if u.path == "/container/creds":
            if self.headers.get("Authorization") != ARGS.container_token:
                return self.send(401, '{"message":"bad token"}')
            akid, secret, token = creds("container")
            return self.send(200, json.dumps({"AccessKeyId": akid, "SecretAccessKey": secret,
                                              "Token": token, "Expiration": expiry()}))
        if u.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != ARGS.imds_token:
                return self.send(401, "", "text/plain")
            role = u.path[len("/latest/meta-data/iam/security-credentials/"):]
            if role == "":
                return self.send(200, "standin-role\n", "text/plain")
            if role != "standin-role":
                return self.send(404, "", "text/plain")
            akid, secret, token = creds("imds")
            return self.send(200, json.dumps({"Code": "Success", "Type": "AWS-HMAC",
                                              "AccessKeyId": akid, "SecretAccessKey": secret,
                                              "Token": token, "Expiration": expiry()}))
        if u.path == "/federation/credentials":
            q = urllib.parse.parse_qs(u.query)
            if self.headers.get("x-amz-sso_bearer_token") != ARGS.sso_token:
                return self.send(401, '{"message":"Session token not found or invalid"}',
                                 extra={"x-amzn-ErrorType": "UnauthorizedException"})
            if q.get("account_id") != ["123456789012"] or q.get("role_name") != ["ReadOnly"]:
                return self.send(403, '{"message":"No access"}',
                                 extra={"x-amzn-ErrorType": "ForbiddenException"})
            akid, secret, token = creds("sso")
            exp_ms = int((datetime.datetime.now(datetime.timezone.utc).timestamp()
                          + ARGS.expires_in) * 1000)
            return self.send(200, json.dumps({"roleCredentials": {
                "accessKeyId": akid, "secretAccessKey": secret, "sessionToken": token,
                "expiration": exp_ms}}))
        self.send(404, "{}")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        self.record(body)
        if self.path == "/token":  # SSO OIDC CreateToken, refresh_token grant
            try:
                req = json.loads(body)
            except ValueError:
                req = {}
            if (req.get("grantType") != "refresh_token" or req.get("clientId") != "standin-client"
                    or req.get("clientSecret") != "standin-client-secret"
                    or req.get("refreshToken") != ARGS.sso_refresh):
                return self.send(400, '{"error":"invalid_grant"}',
                                 extra={"x-amzn-ErrorType": "InvalidGrantException"})
            return self.send(200, json.dumps({"accessToken": ARGS.sso_token, "expiresIn": 3600,
                                              "refreshToken": ARGS.sso_refresh + "-rotated",
                                              "tokenType": "Bearer"}))
        form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        action = form.get("Action", [""])[0]
        role = form.get("RoleArn", [""])[0]
        if action == "AssumeRole":
            ok = check_sigv4(self, body, ARGS.source_secret)
            if ok is False:
                return self.sts_error(403, "SignatureDoesNotMatch", "signature mismatch")
            if "denied" in role:
                return self.sts_error(403, "AccessDenied", "not authorized to assume " + role)
            kind = "assumed"
        elif action == "GetCallerIdentity":
            ok = check_sigv4(self, body, ARGS.source_secret)
            akid = self.headers.get("Authorization", "").split("Credential=")[-1].split("/")[0]
            if ok is False or akid.startswith("AKIAINVALID"):
                return self.sts_error(403, "InvalidClientTokenId",
                                      "The security token included in the request is invalid.")
            with LOCK:
                issued = akid in ISSUED
            arn = ("arn:aws:sts::123456789012:assumed-role/standin/session" if issued
                   else "arn:aws:iam::123456789012:user/static")
            xml = ("<GetCallerIdentityResponse><GetCallerIdentityResult>"
                   f"<Arn>{arn}</Arn><UserId>AIDEXAMPLE</UserId><Account>123456789012</Account>"
                   "</GetCallerIdentityResult></GetCallerIdentityResponse>")
            return self.send(200, xml, "text/xml")
        elif action == "AssumeRoleWithWebIdentity":
            if "Authorization" in self.headers:
                return self.sts_error(400, "InvalidRequest", "unexpected signature")
            if form.get("WebIdentityToken", [""])[0] != ARGS.web_token:
                return self.sts_error(400, "InvalidIdentityToken", "bad web identity token")
            kind = "webid"
        else:
            return self.sts_error(400, "InvalidAction", "unknown action")
        akid, secret, token = creds(kind)
        xml = (f"<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
               f"<{action}Result><Credentials><AccessKeyId>{akid}</AccessKeyId>"
               f"<SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>"
               f"<Expiration>{expiry()}</Expiration></Credentials>"
               f"<AssumedRoleUser><Arn>{role}/x</Arn></AssumedRoleUser></{action}Result>"
               f"</{action}Response>")
        self.send(200, xml, "text/xml")

    def sts_error(self, status, code, msg):
        xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
               f"<Message>{msg}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")
        self.send(status, xml, "text/xml")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--container-token", default="standin-container-auth")
    ap.add_argument("--imds-token", default="standin-imds-session")
    ap.add_argument("--sso-token", default="standin-sso-access")
    ap.add_argument("--sso-refresh", default="standin-sso-refresh")
    ap.add_argument("--web-token", default="standin-web-identity")
    ap.add_argument("--source-secret", default="source/secret+KEY")
    ap.add_argument("--expires-in", type=int, default=3600)
    ap.add_argument("--tls-cert", help="serve https with this PEM certificate (and --tls-key)")
    ap.add_argument("--tls-key")
    ARGS = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    scheme = "http"
    if ARGS.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        scheme = "https"
    print(f"listening on {scheme}://127.0.0.1:{srv.server_address[1]}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
