#!/bin/sh
# The book's outputs on a small book - the preface, chapter 1, the
# references, the glossary and the index - built the way tools/book.mk
# builds the whole one (same filters, same tools/site.py), without make:
#
#   book-site.sh REPO_ROOT CHAPTER1_PROGRAM links    site: every link and
#                                                    anchor resolves
#   book-site.sh REPO_ROOT CHAPTER1_PROGRAM screens  site: index and chapter
#                                                    screenshots not blank
#   book-site.sh REPO_ROOT CHAPTER1_PROGRAM epub     EPUB: epubcheck clean
#
# (`make book-check` runs the same checks on the whole built book.)
root=$1
program=$2
mode=$3
case "$mode" in links|screens|epub) ;; *)
    echo "usage: book-site.sh REPO_ROOT CHAPTER1_PROGRAM links|screens|epub" >&2
    exit 2 ;;
esac
cd "$root" || exit 2
tmp=$(mktemp -d)
# NN_BOOK_KEEP=DIR keeps what was built there, to look at
trap '[ -n "$NN_BOOK_KEEP" ] && rm -rf "$NN_BOOK_KEEP" && cp -r "$tmp" "$NN_BOOK_KEEP"; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$tmp/runs" "$tmp/figures/01-rosenblatt"
"$program" --plot file --out "$tmp/figures/01-rosenblatt" \
    > "$tmp/runs/01-rosenblatt.txt" 2> "$tmp/runs/01-rosenblatt.log" \
    || fail "the run of chapter 1 failed"
sh tools/book-dot.sh --dir "$tmp/figures/01-rosenblatt" || fail "diagrams"
python3 tools/book-svgfix.py "$tmp/figures/01-rosenblatt" || fail "svgfix"
mkdir -p "$tmp/figures/diagrams"
for dot in figures/diagrams/*.dot; do
    [ -e "$dot" ] || continue
    name=$(basename "$dot" .dot)
    sh tools/book-dot.sh "$dot" "$tmp/figures/diagrams/$name" \
        || fail "diagram $dot"
done
# book.md without the chapters after the first
sed '/file="chapters\/0[2-9]\|file="chapters\/A\|file="book\/appendix/,/^```$/d' \
    book.md > "$tmp/book.md"
grep -q 'chapters/01-rosenblatt' "$tmp/book.md" || fail "cutting book.md"
weave() {   # FORMAT OUTPUT [pandoc options]
    to=$1 out=$2
    shift 2
    NN_RUNS_DIR="$tmp/runs" NN_FIGURES_DIR="$tmp/figures" \
    SOURCE_DATE_EPOCH=0 pandoc "$tmp/book.md" --from markdown \
        --lua-filter tools/weave.lua --citeproc \
        --metadata version=test --metadata date=2000-01-01 \
        --lua-filter tools/book-offline.lua --to "$to" --output "$out" "$@"
}
case $mode in
links|screens)
    NN_SOURCE_LINKS=site weave json "$tmp/book.json" || fail "pandoc failed"
    dot -Tpng figures/diagrams/cover.dot -o "$tmp/cover.png" || fail "cover"
    python3 tools/site.py "$tmp/book.json" "$tmp/figures" "$tmp/site" \
        "$tmp/cover.png" || fail "tools/site.py failed"
    for page in index.html ch-rosenblatt.html references.html \
                book-index.html source/01-rosenblatt.c.html; do
        [ -f "$tmp/site/$page" ] || fail "the site has no $page"
    done
    grep -q "ref-rosenblatt1958" "$tmp/site/references.html" \
        || fail "no reference list in references.html"
    grep -q 'class="citation"' "$tmp/site/ch-rosenblatt.html" \
        || fail "chapter 1 cites nothing"
    if [ "$mode" = links ]; then
        python3 tests/book-links.py "$tmp/site" || exit 1
    else
        sh tests/book-screens.sh "$tmp/site" "$tmp/screens" \
            index.html ch-rosenblatt.html || exit 1
    fi ;;
epub)
    dot -Tpng figures/diagrams/cover.dot -o "$tmp/cover.png" || fail "cover"
    weave epub3 "$tmp/book.epub" --mathml --epub-chapter-level 1 \
        --metadata identifier=urn:nn-from-scratch-c:test \
        --epub-cover-image "$tmp/cover.png" --css tools/book-epub.css \
        || fail "pandoc failed"
    sh tests/book-epub.sh "$tmp/book.epub" || exit 1 ;;
esac
