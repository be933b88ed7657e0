#!/bin/sh
# expect.sh - run a program and check what it printed.
#
#   expect.sh [--status N] [--match TEXT]... [--value LABEL LO HI]...
#             [--stderr TEXT]... -- program args...
#
# --status N        exit status must be N (default 0)
# --match TEXT      stdout must contain a line matching the extended regex
# --value L LO HI   the first number after the literal text L on stdout
#                   must lie in [LO, HI]
# --stderr TEXT     stderr must contain the extended regex TEXT
# --lines-stderr N  stderr must have exactly N lines
# Prints what it checked and exits 1 on the first failed check.
status=0
checks_file=$(mktemp)
trap 'rm -f "$checks_file" "$out" "$err"' EXIT
while [ $# -gt 0 ]; do
    case "$1" in
    --status) status=$2; shift 2 ;;
    --match) printf 'match\t%s\n' "$2" >> "$checks_file"; shift 2 ;;
    --stderr) printf 'stderr\t%s\n' "$2" >> "$checks_file"; shift 2 ;;
    --lines-stderr) printf 'nerr\t%s\n' "$2" >> "$checks_file"; shift 2 ;;
    --value) printf 'value\t%s\t%s\t%s\n' "$2" "$3" "$4" >> "$checks_file"
             shift 4 ;;
    --) shift; break ;;
    *) echo "expect.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
out=$(mktemp)
err=$(mktemp)
"$@" > "$out" 2> "$err" < /dev/null
got=$?
fail() {
    echo "FAIL: $*"
    echo "--- stdout:"; tail -n 40 "$out"
    echo "--- stderr:"; tail -n 20 "$err"
    exit 1
}
[ "$got" -eq "$status" ] || fail "exit status $got, expected $status"
echo "ok: exit status $got"
while IFS="$(printf '\t')" read -r kind a b c; do
    case "$kind" in
    match)
        grep -Eq -- "$a" "$out" || fail "no stdout line matches '$a'"
        echo "ok: stdout matches '$a'" ;;
    stderr)
        grep -Eq -- "$a" "$err" || fail "no stderr line matches '$a'"
        echo "ok: stderr matches '$a'" ;;
    nerr)
        n=$(wc -l < "$err")
        [ "$n" -eq "$a" ] || fail "stderr has $n lines, expected $a"
        echo "ok: stderr has $n line(s)" ;;
    value)
        v=$(awk -v label="$a" '
            index($0, label) {
                rest = substr($0, index($0, label) + length(label))
                if (match(rest, /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
                    print substr(rest, RSTART, RLENGTH); exit
                }
            }' "$out")
        [ -n "$v" ] || fail "no number after '$a' in stdout"
        awk -v v="$v" -v lo="$b" -v hi="$c" \
            'BEGIN { exit !(v + 0 >= lo + 0 && v + 0 <= hi + 0) }' \
            || fail "'$a' $v is outside [$b, $c]"
        echo "ok: '$a' $v is in [$b, $c]" ;;
    esac
done < "$checks_file"
exit 0
