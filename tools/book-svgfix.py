#!/usr/bin/env python3
"""book-svgfix.py - make every id inside each SVG of a folder unique.

    book-svgfix.py DIR

gnuplot's multiplot SVGs repeat ids (each panel has its own
"gnuplot_plot_1"); browsers do not mind, but an EPUB's SVG must be
valid XML with unique ids (epubcheck RSC-005). Nothing refers to these
ids, so the second and later ones simply get a suffix: gnuplot_plot_1-2.
Files without duplicates are left untouched."""
import glob
import os
import re
import sys


def fix(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    seen = {}

    def rename(m):
        name = m.group(2)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            return m.group(0)
        return '%sid="%s-%d"' % (m.group(1), name, seen[name])
    fixed = re.sub(r'(\s)id="([^"]*)"', rename, text)
    if fixed != text:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(fixed)
        os.replace(path + ".tmp", path)


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print("usage: book-svgfix.py DIR", file=sys.stderr)
        return 2
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.svg"))):
        fix(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
