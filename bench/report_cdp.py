"""report_cdp.py -- bench/report's driver: opens a report in headless Chromium over the DevTools pipe and times first paint and a typed filter.

Usage: python3 bench/report_cdp.py CHROMIUM PAGE.html NAME
Talks the DevTools protocol over --remote-debugging-pipe (file descriptors 3 and 4, messages
ended by NUL: no network port, no websocket library). Loads the page, waits until its script
says the first view is drawn (body data-t-paint) and its search index is built (data-t-index),
reads the browser's paint timing, then types NAME into the search box as a person would (an
input event) and waits for the list to change. Prints `key<TAB>value` lines, times in ms since
the navigation started unless said otherwise:
  first-paint, first-contentful-paint   the browser's Paint Timing entries
  ready, paint, index                   the page's own marks (data-t-*)
  filter                                the filter's own time, as the page measured it
  typed                                 from the input event to the filtered list (includes the
                                        page's 150 ms typing pause)
  match, console                        clusters matching NAME; console messages seen (0 wanted)
"""
import json
import os
import subprocess
import sys
import tempfile
import time


class Pipe:
    def __init__(self, chromium, profile):
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()
        args = [chromium, "--headless=new", "--disable-gpu", "--no-first-run",
                "--remote-debugging-pipe", f"--user-data-dir={profile}", "--window-size=1400,900"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")

        def fds():  # in the child: the pipe ends on 3 and 4, kept across exec
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(args, preexec_fn=fds, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, close_fds=False)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.n = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        want = self.n
        while True:
            m = self.read()
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main():
    chromium, page, name = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    with tempfile.TemporaryDirectory() as profile:
        p = Pipe(chromium, profile)
        try:
            pages = [t["targetId"] for t in p.send("Target.getTargets")["targetInfos"]
                     if t["type"] == "page"]
            target = pages[0] if pages else p.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            s = p.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            p.send("Runtime.enable", session=s)
            p.send("Page.enable", session=s)
            p.send("Page.bringToFront", session=s)

            def js(expr):
                r = p.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=s)
                return r.get("result", {}).get("value")

            def wait(expr, timeout=120):
                t0 = time.time()
                while time.time() - t0 < timeout:
                    v = js(expr)
                    if v:
                        return v
                    time.sleep(0.02)
                raise RuntimeError(f"timed out waiting for {expr}")

            p.send("Page.navigate", {"url": "file://" + page}, session=s)
            wait("document.body && document.body.dataset.tIndex")
            out = {}
            for e in js("performance.getEntriesByType('paint').map(e => [e.name, e.startTime])") or []:
                out[e[0]] = round(e[1], 1)
            for k in ("tReady", "tPaint", "tIndex"):
                out[k[1:].lower()] = js(f"document.body.dataset.{k}")
            before = js("document.body.dataset.tFilter")
            t0 = time.perf_counter()
            js("(function(){var q=document.getElementById('f-q');q.value=%s;"
               "q.dispatchEvent(new Event('input'));})()" % json.dumps(name))
            wait("document.body.dataset.tFilter !== %s && location.hash.indexOf('q=') >= 0"
                 % json.dumps(before))
            out["typed"] = round((time.perf_counter() - t0) * 1000, 1)
            out["filter"] = js("document.body.dataset.tFilter")
            out["match"] = js("document.body.dataset.match")
            out["console"] = sum(1 for m in p.events
                                 if m.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown"))
        finally:
            p.close()
    for k, v in out.items():
        print(f"{k}\t{v}")


if __name__ == "__main__":
    main()
