#!/bin/sh
# no-gnuplot.sh - a chapter must still run, print its results and exit 0
# when gnuplot is not installed, warning exactly once.
#
#   no-gnuplot.sh MATCH program args...
#
# Runs the program with an empty PATH (so gnuplot cannot be found) and
# --plot file, and checks: exit status 0, stdout contains the extended
# regex MATCH (the chapter's result line), and stderr has exactly one
# line mentioning gnuplot.
match=$1
shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
env PATH=/nonexistent "$@" --plot file --out "$dir/figures" \
    > "$dir/out" 2> "$dir/err" < /dev/null
status=$?
if [ $status -ne 0 ]; then
    echo "FAIL: exit status $status without gnuplot"; cat "$dir/err"
    exit 1
fi
if ! grep -Eq -- "$match" "$dir/out"; then
    echo "FAIL: result line '$match' missing without gnuplot"
    cat "$dir/out"; exit 1
fi
warnings=$(grep -c gnuplot "$dir/err")
if [ "$warnings" -ne 1 ]; then
    echo "FAIL: expected one gnuplot warning, got $warnings:"
    cat "$dir/err"; exit 1
fi
if ls "$dir/figures"/* > /dev/null 2>&1; then
    echo "FAIL: figures were written without gnuplot"; exit 1
fi
echo "ok: ran without gnuplot, printed '$match', warned once:"
cat "$dir/err"
