#!/usr/bin/env python3
"""html_dom.py -- reads a DOM that `chromium --dump-dom` wrote and prints what the report tests check.

Usage: html_dom.py DOMFILE
Prints one `key<TAB>value` line per fact, for tests/cli/report_html.sh and bench/report:
  body.NAME     a data-* attribute of <body> (the page's script sets ready, match, shown, t-*)
  id.ID         the text of the element with that id (header and headline values)
  articles      the ids of the rendered clusters, space-separated
  article.ID    the text of that cluster
  tags.TAG      how many elements of that tag the DOM holds (img, script, iframe...)
  text.HAS.X    1 when the page's visible text holds X (given as more arguments)
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.body = {}
        self.tags = {}
        self.ids = {}        # id -> text
        self.open_ids = []   # [id, depth] of the elements whose text is being gathered
        self.depth = 0
        self.articles = []
        self.text = []
        self.skip = 0        # inside <script>/<style>: not visible text

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "body":
            self.body = {k[5:]: v for k, v in attrs if k.startswith("data-")}
        if tag in ("script", "style"):
            self.skip += 1
        if tag in VOID:
            return
        self.depth += 1
        if "id" in a:
            self.ids[a["id"]] = ""
            self.open_ids.append([a["id"], self.depth])
            if tag == "article":
                self.articles.append(a["id"])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in ("script", "style"):
            self.skip -= 1
        while self.open_ids and self.open_ids[-1][1] >= self.depth:
            self.open_ids.pop()
        self.depth -= 1

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        for i, _ in self.open_ids:
            self.ids[i] += data


def main():
    d = Dom()
    with open(sys.argv[1], encoding="utf-8") as f:
        d.feed(f.read())
    for k, v in sorted(d.body.items()):
        print(f"body.{k}\t{v}")
    for k in sorted(d.ids):
        print(f"id.{k}\t" + " ".join(d.ids[k].split()))
    print("articles\t" + " ".join(d.articles))
    for k in d.articles:
        print(f"article.{k}\t" + " ".join(d.ids[k].split()))
    for t in ("img", "script", "iframe", "object", "embed", "svg", "article"):
        print(f"tags.{t}\t{d.tags.get(t, 0)}")
    text = "".join(d.text)
    for x in sys.argv[2:]:
        print(f"text.HAS.{x}\t{1 if x in text else 0}")


if __name__ == "__main__":
    main()
