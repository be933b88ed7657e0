#!/bin/sh
# book-dot.sh - render Graphviz diagrams for the book.
#
#   sh tools/book-dot.sh FILE.dot OUT_STEM   one diagram: OUT_STEM.svg, .pdf
#   sh tools/book-dot.sh --dir DIR           every DIR/*.dot, beside itself
#
# The SVG goes to HTML and EPUB, the PDF to LaTeX (the weave picks one by
# the figure's stem). A DOT file Graphviz cannot read stops with a line
# naming it and exit status 1; nothing half-written is left behind.

fail() { echo "diagram: $*" >&2; exit 1; }

command -v dot > /dev/null 2>&1 \
    || fail "Graphviz's dot is not installed (make deps-book installs it)"

render() {  # render SOURCE STEM
    for format in svg pdf; do
        if ! dot -T$format "$1" -o "$2.$format.tmp" 2> "$2.err"; then
            cat "$2.err" >&2
            rm -f "$2.$format.tmp" "$2.err"
            fail "bad DOT file $1 (dot -T$format failed, message above)"
        fi
    done
    # The SVG's DOCTYPE names a DTD on the web; a book read offline (and
    # epubcheck) is better without it.
    awk '/^<!DOCTYPE/ { skip = 1 } skip { if (/>/) skip = 0; next } 1' \
        "$2.svg.tmp" > "$2.svg" \
        && mv "$2.pdf.tmp" "$2.pdf" || fail "cannot write $2.svg/.pdf"
    rm -f "$2.svg.tmp" "$2.err"
}

if [ "$1" = "--dir" ]; then
    [ -d "$2" ] || fail "no directory $2"
    for source in "$2"/*.dot; do
        [ -e "$source" ] || continue
        render "$source" "${source%.dot}"
    done
elif [ $# -eq 2 ]; then
    [ -f "$1" ] || fail "no DOT file $1"
    mkdir -p "$(dirname "$2")" || fail "cannot create $(dirname "$2")"
    render "$1" "$2"
else
    echo "usage: sh tools/book-dot.sh FILE.dot OUT_STEM | --dir DIR" >&2
    exit 2
fi
