#!/bin/sh
# preview.sh - build, run and weave ONE chapter, for writing it.
#
#   sh tools/preview.sh 06-softmax-spiral [extra flags for the run]
#
# Builds only that chapter in build-preview/NN-name/, runs it in book mode
# (plots to files) and weaves build-preview/NN-name/NN-name.html and .pdf from a
# one-chapter book, exactly as `make book` would for the whole book.
set -e
chapter=${1:?usage: tools/preview.sh NN-name [flags]}
shift
src=chapters/$chapter/$chapter.c
[ -f "$src" ] || { echo "preview: no $src" >&2; exit 2; }
out=build-preview/$chapter
cmake -S . -B $out > /dev/null
cmake --build $out --target "$chapter" -j 2 | grep -E "warning|error" || true
mkdir -p $out/runs $out/figures/$chapter
rm -f $out/figures/$chapter/*
args=$(cat chapters/$chapter/book.args 2>/dev/null || true)
start=$(date +%s.%N)
$out/bin/$chapter --plot file --out $out/figures/$chapter $args "$@" \
    > $out/runs/$chapter.txt 2> $out/runs/$chapter.log \
    || { cat $out/runs/$chapter.log; exit 1; }
end=$(date +%s.%N)
echo "preview: $chapter ran in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s"
printf '```{.include file="%s"}\n```\n' "$src" > $out/$chapter.md
export NN_RUNS_DIR=$out/runs NN_FIGURES_DIR=$out/figures
pandoc $out/$chapter.md --from markdown --lua-filter tools/weave.lua \
    --number-sections --to html5 --standalone --self-contained --mathml \
    --css tools/book.css --highlight-style tango \
    --metadata title="$chapter" --output $out/$chapter.html
pandoc $out/$chapter.md --from markdown --lua-filter tools/weave.lua \
    --number-sections --to latex --pdf-engine pdflatex \
    --top-level-division chapter --highlight-style tango \
    --include-in-header tools/book-header.tex \
    --variable documentclass=book --variable geometry:margin=1in \
    --variable fontsize=10pt --output $out/$chapter.pdf
echo "preview: wrote $out/$chapter.html and $out/$chapter.pdf"
