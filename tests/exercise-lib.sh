# exercise-lib.sh - what every chapter's check.sh shares. Sourced, with
# BIN set to the chapter's program:   . "$(dirname "$0")/../../tests/exercise-lib.sh"
#
# usage MESSAGE       print a usage error and exit 2
# run ARGS...         run "$BIN" --plot none ARGS; stdout in $out, stderr
#                     in $err, exit status in $status
# reached K TEXT      print "exercise K: reached - TEXT"
# not_yet K TEXT      print "exercise K: not yet - TEXT" and remember it
# is_number X         true when X is a plain non-negative number
# holds 'EXPR' -v name=value...   awk evaluates EXPR: true or false
# $failed             1 once any exercise was not yet reached
usage() {
    echo "check.sh: $*" >&2
    echo "usage: BIN=program sh check.sh [EXERCISE [ANSWER]]" >&2
    exit 2
}
[ -n "$BIN" ] || usage "set BIN to the chapter's program"
[ -x "$BIN" ] || usage "BIN=$BIN is not a program (run make first)"

out=$(mktemp) || exit 2
err=$(mktemp) || exit 2
trap 'rm -f "$out" "$err"' EXIT
failed=0
reached() { k=$1; shift; printf 'exercise %s: reached - %s\n' "$k" "$*"; }
not_yet() {
    k=$1
    shift
    printf 'exercise %s: not yet - %s\n' "$k" "$*"
    failed=1
}
run() {
    "$BIN" --plot none "$@" > "$out" 2> "$err" < /dev/null
    status=$?
}
is_number() {
    printf '%s\n' "$1" |
        grep -Eq '^[+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$'
}
holds() {
    expr=$1
    shift
    awk "$@" "BEGIN { exit !($expr) }"
}
