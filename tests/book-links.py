#!/usr/bin/env python3
"""The HTML book as a reader's browser sees it, opened from disk with no
network: every link resolves (the file exists and, with #id, the page
has that id), every image and script and stylesheet is a file of the
site (or embedded), nothing points outside the output (no http:, no
../ out of the folder), and no identifier is used twice on a page.

    book-links.py SITE_DIR        the multi-page site (every *.html)
    book-links.py BOOK.html       one self-contained page
"""
import html.parser
import os
import re
import sys
import urllib.parse


class Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.refs, self.duplicates = set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            if a["id"] in self.ids:
                self.duplicates.append(a["id"])
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if key in a and a[key] is not None and tag not in ("math",):
                self.refs.append((tag, key, a[key]))


def parse(path, cache):
    if path not in cache:
        page = Collector()
        with open(path, encoding="utf-8") as f:
            page.feed(f.read())
        cache[path] = page
    return cache[path]


def check(root, pages):
    cache, problems = {}, []
    counts = {"links": 0, "anchors": 0, "images": 0}
    root = os.path.realpath(root)
    for path in pages:
        page = parse(path, cache)
        name = os.path.relpath(path, root)
        for dup in page.duplicates:
            problems.append("%s: identifier used twice: %s" % (name, dup))
        for tag, key, url in page.refs:
            if url.startswith("data:"):
                counts["images"] += tag == "img"
                continue
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or \
                    url.startswith("//"):
                problems.append("%s: <%s %s> points outside the book: %s"
                                % (name, tag, key, url[:80]))
                continue
            counts["links"] += 1
            counts["images"] += tag == "img"
            target, _, anchor = url.partition("#")
            target = urllib.parse.unquote(target)
            file = os.path.realpath(os.path.join(os.path.dirname(path),
                                                 target)) if target else path
            if not file.startswith(root + os.sep) and file != root:
                problems.append("%s: %s leaves the book's folder" %
                                (name, url))
                continue
            if not os.path.isfile(file):
                problems.append("%s: %s: no such file" % (name, url))
                continue
            if anchor:
                counts["anchors"] += 1
                if not file.endswith(".html"):
                    problems.append("%s: %s: anchor in a non-page" %
                                    (name, url))
                elif anchor not in parse(file, cache).ids:
                    problems.append("%s: %s: no id '%s' there" %
                                    (name, url, anchor))
    # stylesheets: url(...) must stay local too
    for css in [p for p in walk(root) if p.endswith(".css")]:
        with open(css, encoding="utf-8") as f:
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", f.read()):
                if re.match(r"^[a-zA-Z]+:", url) and \
                        not url.startswith("data:"):
                    problems.append("%s: loads %s" % (css, url))
    return problems, counts


def walk(root):
    for folder, _, files in os.walk(root):
        for f in files:
            yield os.path.join(folder, f)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    arg = sys.argv[1]
    if os.path.isdir(arg):
        root = arg
        pages = sorted(p for p in walk(arg) if p.endswith(".html"))
        if not os.path.isfile(os.path.join(arg, "index.html")):
            print("FAIL: no index.html in %s" % arg)
            return 1
    else:
        root, pages = os.path.dirname(os.path.abspath(arg)), [arg]
    problems, counts = check(root, [os.path.realpath(p) for p in pages])
    if counts["anchors"] < 10 or counts["images"] == 0:
        problems.append("suspiciously few anchors (%d) or no images"
                        % counts["anchors"])
    for p in problems[:60]:
        print("FAIL:", p)
    if len(problems) > 60:
        print("FAIL: ... and %d more" % (len(problems) - 60))
    print("%s: %d pages, %d links (%d with anchors), %d images checked" %
          ("FAIL" if problems else "ok", len(pages), counts["links"],
           counts["anchors"], counts["images"]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
