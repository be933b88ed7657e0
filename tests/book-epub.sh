#!/bin/sh
# The EPUB against the EPUB 3 rules: epubcheck must report no error and
# no warning. (Debian's /usr/bin/epubcheck wrapper is broken; the jar
# works.)   book-epub.sh BOOK.epub
epub=$1
[ -f "$epub" ] || { echo "FAIL: no EPUB $epub"; exit 1; }
jar=/usr/share/java/epubcheck.jar
[ -f "$jar" ] || { echo "FAIL: no $jar (make deps-book installs epubcheck)"
                   exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
java -jar "$jar" "$epub" > "$log" 2>&1
status=$?
if [ $status -ne 0 ] || grep -q "^\(ERROR\|WARNING\|FATAL\)" "$log" \
    || ! grep -q "No errors or warnings detected" "$log"; then
    grep -v "^$" "$log" | head -n 40
    echo "FAIL: epubcheck found problems in $epub"
    exit 1
fi
echo "ok: epubcheck: no errors or warnings in $epub"
