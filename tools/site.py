#!/usr/bin/env python3
"""site.py - the book as a multi-page HTML site.

    site.py BOOK.json FIGURES_DIR SITE_DIR

BOOK.json is the whole book, woven and with its citations resolved
(pandoc book.md --lua-filter tools/weave.lua --citeproc --to json). This
script splits it at its chapters (level-1 headings) into one page each,
numbers the sections as the PDF does, points every link at the page that
now holds its target, copies the figures and a highlighted copy of each
chapter's source into SITE_DIR, and has pandoc write each page with
tools/site-template.html. The shared CSS is written once.

Why split here and not with one pandoc run per chapter: citations, the
index, the identifiers made unique across chapters and the numbering
all need the whole book at once; one woven book split afterwards keeps
them right, and pandoc 2.17 has no chunked-HTML writer.
"""
import concurrent.futures
import copy
import glob
import html
import json
import os
import re
import shutil
import subprocess
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))


def fail(message):
    print("site: " + message, file=sys.stderr)
    sys.exit(1)


# --- the pandoc AST (JSON, pandoc-types 1.22) ----------------------------

# Where the Attr sits in each element that has one.
ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0,
           "Link": 0, "Image": 0, "Table": 0}


def walk(node, visit):
    """Call visit(element) on every element (dict with "t") below node."""
    if isinstance(node, dict):
        if "t" in node:
            visit(node)
        for value in node.values():
            walk(value, visit)
    elif isinstance(node, list):
        for item in node:
            walk(item, visit)


def text(node):
    """The plain text of inlines (like pandoc.utils.stringify)."""
    out = []

    def go(n):
        if isinstance(n, list):
            for item in n:
                go(item)
        elif isinstance(n, dict):
            t = n.get("t")
            if t == "Str":
                out.append(n["c"])
            elif t in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif t in ("Code", "Math"):
                out.append(n["c"][1])
            elif t in ("Link", "Image", "Span"):
                go(n["c"][1])
            elif t in ("Emph", "Strong", "SmallCaps", "Strikeout",
                       "Superscript", "Subscript", "Underline"):
                go(n["c"])
            elif t in ("Quoted", "Cite"):
                go(n["c"][1])
            elif t == "Note":
                pass
    go(node)
    return "".join(out)


def meta_text(meta, key):
    value = meta.get(key)
    if value is None:
        return ""
    if value["t"] == "MetaString":
        return value["c"]
    if value["t"] == "MetaInlines":
        return text(value["c"])
    if value["t"] == "MetaList":
        return ", ".join(meta_text({"x": v}, "x") for v in value["c"])
    if value["t"] == "MetaBlocks":
        return " ".join(text(b["c"]) for b in value["c"])
    return ""


def raw_meta(html_text):
    return {"t": "MetaBlocks",
            "c": [{"t": "RawBlock", "c": ["html", html_text]}]}


def esc(s):
    return html.escape(s, quote=True)


# --- numbering, as pandoc --number-sections does --------------------------

def number_sections(blocks):
    counters = [0] * 7
    for block in blocks:
        if block["t"] != "Header":
            continue
        level, attr, inlines = block["c"]
        if "unnumbered" in attr[1]:
            if level == 1:
                counters = [0] * 7
                counters[1] = None      # no numbers below it either
            continue
        if level > 1 and counters[1] is None:
            continue
        if counters[1] is None:
            counters[1] = 0
        counters[level] += 1
        for k in range(level + 1, 7):
            counters[k] = 0
        number = ".".join(str(c) for c in counters[1:level + 1])
        attr[2].append(["data-number", number])
        inlines[:0] = [{"t": "Span", "c": [["", ["header-section-number"],
                                           []], [{"t": "Str", "c": number}]]},
                       {"t": "Space"}]


# --- pages ---------------------------------------------------------------

class Page:
    def __init__(self, slug, title, number, blocks):
        self.slug, self.title, self.number = slug, title, number
        self.blocks = blocks
        self.file = "index.html" if slug == "index" else slug + ".html"
        self.sections = []      # (id, number, title) of its level-2 headers


def split(blocks):
    pages, current = [], []
    first = None
    for block in blocks:
        if block["t"] == "Header" and block["c"][0] == 1:
            if current or first is not None:
                pages.append((first, current))
            first, current = block, [block]
        else:
            current.append(block)
    pages.append((first, current))
    result = []
    for k, (header, body) in enumerate(pages):
        if header is None:
            if not body:
                continue
            slug, title, number = "front", "Front matter", ""
        else:
            attr = header["c"][1]
            slug = attr[0] or "part-%d" % k
            number = dict(attr[2]).get("data-number", "")
            title = text(header["c"][2])
            if number and title.startswith(number + " "):
                title = title[len(number) + 1:]
        page = Page(slug, title, number, body)
        for b in body:
            if b["t"] == "Header" and b["c"][0] == 2:
                attr = b["c"][1]
                n = dict(attr[2]).get("data-number", "")
                t = text(b["c"][2])
                if n and t.startswith(n + " "):
                    t = t[len(n) + 1:]
                page.sections.append((attr[0], n, t))
        result.append(page)
    # The preface opens the book: it is the front page.
    for page in result:
        if page.slug in ("preface", "front"):
            page.slug, page.file = "index", "index.html"
            break
    return result


def relink(pages, figures_dir, site):
    """Point links at the page holding their target; copy figures."""
    where = {}
    for page in pages:
        def collect(el, page=page):
            k = ATTR_AT.get(el["t"])
            if k is not None and el["c"][k][0]:
                where[el["c"][k][0]] = page
        walk(page.blocks, collect)
    figures_dir = os.path.normpath(figures_dir)
    problems, sources = [], set()
    for page in pages:
        def fix(el, page=page):
            if el["t"] == "Link":
                target = el["c"][2][0]
                if target.startswith("#"):
                    holder = where.get(target[1:])
                    if holder is None:
                        problems.append("%s: link to missing %s"
                                        % (page.file, target))
                    elif holder is not page:
                        el["c"][2][0] = (holder.file
                                         if target[1:] == holder.slug
                                         else holder.file + target)
                elif target.startswith("source/"):
                    sources.add(target[len("source/"):-len(".html")])
                elif not target.startswith(("http:", "https:", "mailto:")):
                    problems.append("%s: link to a file outside the site: %s"
                                    % (page.file, target))
            elif el["t"] == "Image":
                src = el["c"][2][0]
                path = os.path.normpath(src)
                if not path.startswith(figures_dir + os.sep):
                    problems.append("%s: image outside %s: %s"
                                    % (page.file, figures_dir, src))
                    return
                rel = os.path.relpath(path, figures_dir)
                dest = os.path.join(site, "figures", rel)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.copyfile(path, dest)
                el["c"][2][0] = "figures/" + rel.replace(os.sep, "/")
        walk(page.blocks, fix)
    if problems:
        fail("\n".join(problems))
    return sorted(sources)


def prose_text(blocks):
    """The words of blocks, for the search index (code left out)."""
    out = []

    def go(n):
        if isinstance(n, list):
            for item in n:
                go(item)
        elif isinstance(n, dict):
            t = n.get("t")
            if t in ("CodeBlock", "RawBlock", "RawInline", "Note"):
                return
            if t == "Str":
                out.append(n["c"])
            elif t in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif t in ("Code", "Math"):
                out.append(n["c"][1])
            elif "c" in n:
                go(n["c"])
    go(blocks)
    return re.sub(r"\s+", " ", "".join(out)).strip().lower()


def search_index(pages):
    """One entry per section: [url, title, lower-case text]."""
    entries = []
    for page in pages:
        url, title, chunk = page.file, page.title, []
        if page.slug == "index":
            title = "Preface"
        chapter = title
        for block in page.blocks:
            if block["t"] == "Header" and block["c"][0] <= 2 and chunk:
                entries.append([url, title, prose_text(chunk)])
                chunk = []
            if block["t"] == "Header" and block["c"][0] == 2:
                attr = block["c"][1]
                url = page.file + "#" + attr[0]
                title = text(block["c"][2]) + " (" + chapter + ")"
                continue
            chunk.append(block)
        if chunk:
            entries.append([url, title, prose_text(chunk)])
    return ("window.BOOK_SEARCH = "
            + json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
            + ";\n")


def svg_width(path):
    """An SVG's width in CSS pixels, from its width attribute (or 0)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(4000)
    except OSError:
        return 0
    m = re.search(r'<svg[^>]*\swidth="([\d.]+)(pt|px)?"', head)
    if m:
        return float(m.group(1)) * (4 / 3 if m.group(2) == "pt" else 1)
    # gnuplot's SVGs have only a viewBox, in pixels
    m = re.search(r'<svg[^>]*\sviewBox="[\d.-]+ [\d.-]+ ([\d.]+) ', head)
    return float(m.group(1)) if m else 0


def mark_wide_and_split_code(pages, site):
    """Class "wide" on figures too wide to shrink onto a phone. Inline
    code never breaks inside a word (the CSS keeps it on one line), so a
    long piece such as `build/bin/01-rosenblatt --plot dumb` is cut at
    its spaces into pieces that each stay whole: a line may break
    between "--plot" and "dumb"'s neighbours, never inside "--plot"."""
    for page in pages:
        def visit(el):
            if el["t"] == "Image":
                src = el["c"][2][0]
                if src.endswith(".svg") and svg_width(
                        os.path.join(site, src)) > 700:
                    el["c"][0][1].append("wide")

        def split_code(node):
            if isinstance(node, dict):
                for value in node.values():
                    split_code(value)
                return
            if not isinstance(node, list):
                return
            k = 0
            while k < len(node):
                el = node[k]
                split_code(el)
                # a formula keeps the punctuation after it on its line
                if isinstance(el, dict) and el.get("t") == "Math" \
                        and k + 1 < len(node) \
                        and isinstance(node[k + 1], dict) \
                        and node[k + 1].get("t") == "Str" \
                        and re.match(r"[.,;:!?)]", node[k + 1]["c"]):
                    node[k:k + 2] = [{"t": "Span", "c": [
                        ["", ["nowrap"], []], [el, node[k + 1]]]}]
                    k += 1
                    continue
                if isinstance(el, dict) and el.get("t") == "Code" \
                        and len(el["c"][1]) > 24 and " " in el["c"][1]:
                    attr, code = el["c"]
                    words = re.split(r"(?<=\S) (?=\S)", code)
                    # keep a flag with its value: "--plot dumb" stays one
                    pieces = []
                    for w in words:
                        if pieces and pieces[-1].startswith("-") \
                                and not w.startswith("-") \
                                and " " not in pieces[-1]:
                            pieces[-1] += " " + w
                        else:
                            pieces.append(w)
                    parts = []
                    for i, piece in enumerate(pieces):
                        if i:
                            parts.append({"t": "Space"})
                        parts.append({"t": "Code", "c": [attr, piece]})
                    node[k:k + 1] = [{"t": "Span", "c": [["", ["code-words"],
                                                          []], parts]}]
                k += 1
        walk(page.blocks, visit)
        split_code(page.blocks)


# --- the parts every page shares -----------------------------------------

def sidebar(pages, current, root):
    items = []
    for page in pages:
        label = (page.number + " " if page.number else "") + page.title
        if page.slug == "index":
            label = "Preface"
        cls = ' class="current"' if page is current else ""
        items.append('<li%s><a href="%s%s">%s</a>'
                     % (cls, root, page.file, esc(label)))
        if page is current and page.sections:
            items.append("<ul>")
            for sid, n, t in page.sections:
                items.append('<li><a href="#%s">%s</a></li>'
                             % (esc(sid), esc((n + " " if n else "") + t)))
            items.append("</ul>")
        items.append("</li>")
    return ('<nav id="sidebar" aria-label="Contents">\n'
            '<p class="sidebar-title"><a href="%sindex.html">%s</a></p>\n'
            '<div id="search"></div>\n'
            '<ul class="toc">\n%s\n</ul>\n</nav>'
            % (root, "%(booktitle)s", "\n".join(items)))


def page_nav(pages, k):
    links = []
    if k > 0:
        p = pages[k - 1]
        links.append('<a class="prev" rel="prev" href="%s">\u2190 %s</a>'
                     % (p.file, esc(p.title if p.slug != "index"
                                    else "Preface")))
    else:
        links.append("<span></span>")
    if k + 1 < len(pages):
        p = pages[k + 1]
        links.append('<a class="next" rel="next" href="%s">%s \u2192</a>'
                     % (p.file, esc(p.title)))
    return '<nav class="page-nav">%s</nav>' % "".join(links)


def title_block(meta, cover):
    parts = ['<header class="title-page">',
             '<h1 class="title">%s</h1>' % esc(meta_text(meta, "title"))]
    if cover:
        parts.append('<img class="cover" src="cover.png" alt="The cover: '
                     'a network drawn as nodes and edges">')
    if meta.get("subtitle"):
        parts.append('<p class="subtitle">%s</p>'
                     % esc(meta_text(meta, "subtitle")))
    if meta.get("author"):
        parts.append('<p class="author">%s</p>' % esc(meta_text(meta,
                                                                "author")))
    parts.append('<p class="date">Version %s, %s</p>'
                 % (esc(meta_text(meta, "version")),
                    esc(meta_text(meta, "date"))))
    if meta.get("rights"):
        parts.append('<p class="rights">%s</p>' % esc(meta_text(meta,
                                                                "rights")))
    parts.append("</header>")
    return "\n".join(parts)


def contents(pages):
    items = []
    for page in pages:
        if page.slug == "index":
            continue
        label = (page.number + " " if page.number else "") + page.title
        items.append('<li><a href="%s">%s</a></li>' % (page.file, esc(label)))
    return ('<nav class="contents" aria-label="The chapters">\n'
            '<h2 class="unnumbered">Contents</h2>\n<ol class="chapters">\n'
            '%s\n</ol>\n</nav>' % "\n".join(items))


# --- writing pages -------------------------------------------------------

def pandoc_page(doc, out, root):
    command = ["pandoc", "--from", "json", "--to", "html5", "--standalone",
               "--template", os.path.join(TOOLS, "site-template.html"),
               "--mathml", "--highlight-style", "tango",
               "--variable", "root=" + root, "--output", out]
    run = subprocess.run(command, input=json.dumps(doc).encode(),
                         stderr=subprocess.PIPE)
    if run.returncode != 0:
        return "%s: pandoc failed:\n%s" % (out, run.stderr.decode())
    fix_mathml(out)
    return None


def fix_mathml(path):
    """Chromium's MathML: texmath marks a plain ( or ) stretchy, and
    Chromium draws a stretchy parenthesis from glyph parts with room on
    both sides, so Theta^{(2)} reads "Θ ( 2 )". A parenthesis typed
    plainly does not stretch in TeX either; \left( \right) ones (which
    texmath writes with fence="true") still do."""
    with open(path, encoding="utf-8") as f:
        page = f.read()
    # A pair around something tall (a fraction, a sum, a matrix) keeps
    # stretching: that is what \left( \right) are for; texmath writes
    # both alike, so tell them apart by what they enclose.
    token = re.compile(r'<mo stretchy="true" form="(prefix|postfix)">'
                       r'([()\[\]])</mo>|<(mfrac|munderover|munder|mover|'
                       r'mtable|msqrt|mroot)\b')
    flat, open_ = [], []    # flat: spans of parentheses to un-stretch
    for m in token.finditer(page):
        if m.group(3):
            for entry in open_:
                entry[1] = True
        elif m.group(1) == "prefix":
            open_.append([m.span(), False])
        elif open_:
            start, tall = open_.pop()
            if not tall:
                flat += [start, m.span()]
        else:
            flat.append(m.span())
    flat += [entry[0] for entry in open_ if not entry[1]]
    for a, b in sorted(flat, reverse=True):
        page = (page[:a] + page[a:b].replace('stretchy="true"',
                                             'stretchy="false"') + page[b:])
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)


def highlight_css(site):
    """Pandoc's tango colours for code, written once for every page."""
    template = os.path.join(site, "hl.template")
    with open(template, "w") as f:
        f.write("$highlighting-css$\n")
    doc = "```c\nint x;\n```\n"
    run = subprocess.run(["pandoc", "--from", "markdown", "--to", "html5",
                          "--standalone", "--template", template,
                          "--highlight-style", "tango",
                          "--metadata", "title=x"],
                         input=doc.encode(), capture_output=True)
    os.remove(template)
    if run.returncode != 0:
        fail("pandoc could not write the highlighting CSS: "
             + run.stderr.decode())
    return run.stdout.decode()


def source_doc(name, meta):
    matches = sorted(glob.glob(os.path.join("chapters", "*", name)))
    if not matches:
        fail("no source file chapters/*/%s for a source link" % name)
    with open(matches[0], encoding="utf-8") as f:
        code = f.read()
    return {"pandoc-api-version": DOC_API, "meta": meta,
            "blocks": [{"t": "Header", "c": [1, [name, [], []],
                                             [{"t": "Code", "c": [["", [], []],
                                                                 matches[0]]}]]},
                       {"t": "CodeBlock",
                        "c": [["", ["c", "numberLines"], []], code]}]}


DOC_API = [1, 22]


def main():
    global DOC_API
    if len(sys.argv) not in (4, 5):
        print("usage: site.py BOOK.json FIGURES_DIR SITE_DIR [COVER.png]",
              file=sys.stderr)
        return 2
    book_json, figures_dir, site = sys.argv[1:4]
    cover = sys.argv[4] if len(sys.argv) == 5 else None
    with open(book_json, encoding="utf-8") as f:
        book = json.load(f)
    DOC_API = book["pandoc-api-version"]
    meta = book["meta"]
    booktitle = meta_text(meta, "title")
    if os.path.isdir(site):
        shutil.rmtree(site)
    os.makedirs(os.path.join(site, "source"))

    number_sections(book["blocks"])
    pages = split(book["blocks"])
    sources = relink(pages, figures_dir, site)
    mark_wide_and_split_code(pages, site)
    if cover:
        shutil.copyfile(cover, os.path.join(site, "cover.png"))
    with open(os.path.join(site, "search-index.js"), "w",
              encoding="utf-8") as f:
        f.write(search_index(pages))

    with open(os.path.join(TOOLS, "site.css"), encoding="utf-8") as f:
        css = f.read()
    with open(os.path.join(site, "site.css"), "w", encoding="utf-8") as f:
        f.write(css + "\n/* code colours: pandoc's tango */\n"
                + highlight_css(site))
    for asset in ("site.js",):
        shutil.copyfile(os.path.join(TOOLS, asset), os.path.join(site, asset))

    jobs = []
    common_meta = {k: v for k, v in meta.items()
                   if k in ("lang", "version", "date", "author", "rights")}
    for k, page in enumerate(pages):
        page_meta = copy.deepcopy(common_meta)
        page_meta["pagetitle"] = {"t": "MetaString", "c": page.title}
        page_meta["booktitle"] = {"t": "MetaString", "c": booktitle}
        page_meta["sidebar"] = raw_meta(sidebar(pages, page, "")
                                        % {"booktitle": esc(booktitle)})
        page_meta["pagenav"] = raw_meta(page_nav(pages, k))
        blocks = page.blocks
        if page.slug == "index":
            blocks = ([{"t": "RawBlock", "c": ["html", title_block(meta, cover)]}]
                      + blocks
                      + [{"t": "RawBlock", "c": ["html", contents(pages)]}])
        doc = {"pandoc-api-version": DOC_API, "meta": page_meta,
               "blocks": blocks}
        jobs.append((doc, os.path.join(site, page.file), ""))
    for name in sources:
        page_meta = copy.deepcopy(common_meta)
        page_meta["pagetitle"] = {"t": "MetaString", "c": name}
        page_meta["booktitle"] = {"t": "MetaString", "c": booktitle}
        page_meta["sidebar"] = raw_meta(sidebar(pages, None, "../")
                                        % {"booktitle": esc(booktitle)})
        jobs.append((source_doc(name, page_meta),
                     os.path.join(site, "source", name + ".html"), "../"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        errors = [e for e in pool.map(lambda j: pandoc_page(*j), jobs) if e]
    if errors:
        fail("\n".join(errors))
    print("site: wrote %d pages and %d source files in %s"
          % (len(pages), len(sources), site))
    return 0


if __name__ == "__main__":
    sys.exit(main())
