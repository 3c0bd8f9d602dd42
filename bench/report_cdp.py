"""report_cdp.py -- bench/report's driver: opens a report in headless Chromium over the DevTools pipe and times first paint and a typed filter.

Usage: python3 bench/report_cdp.py CHROMIUM PAGE.html NAME
Loads the page (tests/lib/cdp.py), waits until its script says the first view is drawn (body
data-t-paint) and its search index is built (data-t-index), then types NAME into the search box
as a person would (an input event) and waits for the list to change. Prints `key<TAB>value`
lines, times in ms since the navigation started unless said otherwise:
  ready, paint, index    the page's own marks (data-t-*)
  filter                 the filter's own time, as the page measured it
  typed                  from the input event to the filtered list (includes the page's 150 ms
                         typing pause)
  match, console         clusters matching NAME; console messages seen (0 wanted)
"""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
from cdp import Pipe  # noqa: E402


def main():
    chromium, page, name = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    with tempfile.TemporaryDirectory() as profile:
        p = Pipe(chromium, profile)
        try:
            p.open_page("file://" + page)
            p.wait("document.body && document.body.dataset.tIndex")
            out = {}
            for k in ("tReady", "tPaint", "tIndex"):
                out[k[1:].lower()] = p.js(f"document.body.dataset.{k}")
            before = p.js("document.body.dataset.tFilter")
            t0 = time.perf_counter()
            p.js("(function(){var q=document.getElementById('f-q');q.value=%s;"
                 "q.dispatchEvent(new Event('input'));})()" % json.dumps(name))
            p.wait("document.body.dataset.tFilter !== %s && location.hash.indexOf('q=') >= 0"
                   % json.dumps(before))
            out["typed"] = round((time.perf_counter() - t0) * 1000, 1)
            out["filter"] = p.js("document.body.dataset.tFilter")
            out["match"] = p.js("document.body.dataset.match")
            out["console"] = p.console()
        finally:
            p.close()
    for k, v in out.items():
        print(f"{k}\t{v}")


if __name__ == "__main__":
    main()
