#!/usr/bin/env python3
"""The HTML book as a reader's browser sees it: every internal link
(#id) has its target, every link to a file resolves from build/, every
image is embedded (the page must work offline, opened from disk), and
no script or style comes from the network.

    book-links.py BUILD_DIR/book.html
"""
import html.parser
import os
import sys


class Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.images, self.remote = set(), [], [], []
        self.duplicates = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                self.duplicates.append(a["id"])
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag in ("script", "link") and (a.get("src") or a.get("href")):
            url = a.get("src") or a.get("href")
            if url.startswith(("http:", "https:", "//")):
                self.remote.append(url)


def main():
    path = sys.argv[1]
    page = Collector()
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    base = os.path.dirname(os.path.abspath(path))
    problems = []
    internal = files = 0
    for href in page.hrefs:
        if href.startswith("#"):
            internal += 1
            if href[1:] not in page.ids:
                problems.append("link to missing id " + href)
        elif not href.startswith(("http:", "https:", "mailto:")):
            files += 1
            target = os.path.join(base, href.split("#")[0])
            if not os.path.exists(target):
                problems.append("link to missing file " + href)
    for src in page.images:
        if not src.startswith("data:"):
            problems.append("image not embedded: " + src[:80])
    for dup in page.duplicates:
        problems.append("identifier used twice: " + dup)
    for url in page.remote:
        problems.append("loads from the network: " + url)
    if internal < 10 or not page.images:
        problems.append("suspiciously few links (%d) or no images" % internal)
    for p in problems:
        print("FAIL:", p)
    print("%s: %d internal links, %d file links, %d images checked" %
          ("FAIL" if problems else "ok", internal, files, len(page.images)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
