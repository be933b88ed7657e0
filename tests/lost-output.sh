#!/bin/sh
# lost-output.sh - results that cannot be written are an error, and a
# file name cannot smuggle commands into gnuplot.
#
#   lost-output.sh program args...
#
# Checks, with the program's own args:
#   stdout is /dev/full        -> exit non-zero, one line on stderr
#   stdout is closed (>&-)     -> exit non-zero, one line on stderr
#   --out with a newline and a gnuplot `system` command -> exit 2, one
#     line, and the command did not run
#   --out naming an existing file -> exit 2, one line
prog=$1
shift
case $prog in /*) ;; *) prog=$PWD/$prog ;; esac
set -- "$prog" "$@"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat "$dir/err"; exit 1; }
one_line() {
    n=$(wc -l < "$dir/err")
    [ "$n" -eq 1 ] || fail "$1: stderr has $n lines, expected 1"
}

"$@" --plot none > /dev/full 2> "$dir/err" < /dev/null
status=$?
[ $status -ne 0 ] || fail "stdout /dev/full: exit status 0"
one_line "stdout /dev/full"
echo "ok: stdout /dev/full -> exit $status: $(cat "$dir/err")"

"$@" --plot none >&- 2> "$dir/err" < /dev/null
status=$?
[ $status -ne 0 ] || fail "stdout closed: exit status 0"
one_line "stdout closed"
echo "ok: stdout closed -> exit $status: $(cat "$dir/err")"

cd "$dir" || exit 1
nl='
'
"$@" --plot file --out "out/x${nl}system \"touch pwned\"${nl}y" \
    > "$dir/out" 2> "$dir/err" < /dev/null
status=$?
[ ! -e "$dir/pwned" ] || fail "--out with a newline ran a shell command"
[ $status -eq 2 ] || fail "--out with a newline: exit $status, expected 2"
one_line "--out with a newline"
echo "ok: --out with a newline -> exit 2: $(cat "$dir/err")"

: > "$dir/a-file"
"$@" --plot file --out "$dir/a-file" > "$dir/out" 2> "$dir/err" < /dev/null
status=$?
[ $status -eq 2 ] || fail "--out naming a file: exit $status, expected 2"
one_line "--out naming a file"
echo "ok: --out naming a file -> exit 2: $(cat "$dir/err")"
