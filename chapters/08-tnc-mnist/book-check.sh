#!/bin/sh
# book-check.sh RUN - the book run's targets (tools/book.mk calls it on
# chapter 8's captured output; a miss fails `make book`): the tutorial's
# problem (5,000 digits, a 400-25-10 network of 10,285 weights), at least
# 0.92 of the 10,000 official test digits right, and SciPy started from
# the same cost as the chapter (the same data and weights).
f=$1
[ -f "$f" ] || { echo "book-check: no run output at $f" >&2; exit 2; }
fail() { echo "chapter 8 book run: $1" >&2; exit 1; }
grep -q '^training on 5000 .the first 500 of each class., testing on 10000$' \
    "$f" || fail "not the tutorial's 5,000 training and 10,000 test digits"
grep -q '^network 400-25-10: 10285 weights' "$f" ||
    fail "not a 400-25-10 network of 10,285 weights"
awk '/^test accuracy: / { t = $3 }
     /cost at the start: / { s = $5; c = $8; sub(/\)/, "", c) }
     END { exit !(t >= 0.92 && s != "" && s == c) }' "$f" ||
    fail "test accuracy below 0.92, or SciPy did not start from our cost"
echo "chapter 8 book run: targets met"
