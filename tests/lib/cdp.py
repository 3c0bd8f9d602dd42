"""cdp.py -- Chromium's DevTools protocol over --remote-debugging-pipe, for tests/cli/report_html.sh and bench/report.

Pipe(chromium, profile, width, height) starts headless Chromium with the protocol on file
descriptors 3 and 4 (messages ended by NUL: no network port, no websocket library);
open_page(url) attaches to its page and navigates; js(expr) evaluates in the page (the
DevTools protocol is not bound by the page's Content-Security-Policy) and returns the value;
wait(expr) polls until it is truthy; console() counts console messages and uncaught exceptions
seen so far; close() ends the browser.
"""
import json
import os
import subprocess
import time


class Pipe:
    def __init__(self, chromium, profile, width=1400, height=900):
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()
        args = [chromium, "--headless=new", "--disable-gpu", "--no-first-run",
                "--remote-debugging-pipe", f"--user-data-dir={profile}", f"--window-size={width},{height}"]
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

    def open_page(self, url):
        pages = [t["targetId"] for t in self.send("Target.getTargets")["targetInfos"]
                 if t["type"] == "page"]
        target = pages[0] if pages else self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Runtime.enable", session=self.session)
        self.send("Page.enable", session=self.session)
        self.send("Page.bringToFront", session=self.session)
        self.send("Page.navigate", {"url": url}, session=self.session)

    def js(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True},
                      session=self.session)
        return r.get("result", {}).get("value")

    def wait(self, expr, timeout=120):
        t0 = time.time()
        while time.time() - t0 < timeout:
            v = self.js(expr)
            if v:
                return v
            time.sleep(0.02)
        raise RuntimeError(f"timed out waiting for {expr}")

    def console(self):
        return sum(1 for m in self.events
                   if m.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown"))
