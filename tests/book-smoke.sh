#!/bin/sh
# The book pipeline on chapter 1, end to end: run the program in book
# mode, capture its output, weave an HTML page, and check that the page
# has the chapter's title, its figure (embedded SVG) and the very lines
# the run printed.   book-smoke.sh REPO_ROOT CHAPTER1_PROGRAM
root=$1
program=$2
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/runs"
"$program" --plot file --out "$tmp/figures/01-rosenblatt" \
    > "$tmp/runs/01-rosenblatt.txt" || { echo "FAIL: the run failed"; exit 1; }
# the diagrams: the ones the run wrote, and the hand-drawn ones
sh tools/book-dot.sh --dir "$tmp/figures/01-rosenblatt" \
    || { echo "FAIL: a diagram the run wrote is not valid DOT"; exit 1; }
for dot in figures/diagrams/*.dot; do
    [ -e "$dot" ] || continue
    sh tools/book-dot.sh "$dot" "$tmp/figures/diagrams/$(basename "$dot" .dot)" \
        || { echo "FAIL: $dot is not valid DOT"; exit 1; }
done
printf '```{.include file="chapters/01-rosenblatt/01-rosenblatt.c"}\n```\n' \
    > "$tmp/book.md"
NN_RUNS_DIR="$tmp/runs" NN_FIGURES_DIR="$tmp/figures" \
pandoc "$tmp/book.md" --from markdown --lua-filter tools/weave.lua \
    --metadata bibliography=book/references.bib --citeproc \
    --to html5 --standalone --self-contained --mathml \
    --metadata title=smoke --output "$tmp/book.html" \
    || { echo "FAIL: pandoc failed"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }
grep -q "The Rosenblatt model" "$tmp/book.html" \
    || fail "chapter title missing"
grep -q "data:image/svg+xml" "$tmp/book.html" || fail "no embedded figure"
final=$(grep "^w= " "$tmp/runs/01-rosenblatt.txt")
[ -n "$final" ] || fail "the run printed no 'w= ' line"
grep -qF "$final" "$tmp/book.html" || fail "captured line '$final' missing"
grep -q "<math" "$tmp/book.html" || fail "no MathML"
if grep -q "https\?://[^\"']*\.\(js\|css\)" "$tmp/book.html"; then
    fail "the page loads scripts or styles from the network"
fi
echo "ok: chapter 1 woven with title, figure, MathML and '$final'"
