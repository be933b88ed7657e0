#!/bin/sh
# bad-input.sh - every flag of a chapter, given bad values: each run must
# exit with status 2 and print exactly one line on stderr, naming the
# flag, before doing any work.
#
#   bad-input.sh program
#
# The cases are not typed by hand: the program's hidden --list-options
# prints each flag as "name type min max open choices-or-placeholder",
# and the values below are made from that - out of range, not a number,
# "+5", " 5", "0x10", "nan", "inf", empty, a flag where a value belongs,
# a value given to a switch, a missing value - plus unknown flags and,
# for --out, paths gnuplot must never see. Prints one line per failure
# and a count; exit status 1 if any case failed.
prog=$1
export OPENBLAS_NUM_THREADS=1   # no thread pool for runs that must stop at once
case $prog in /*) ;; *) prog=$PWD/$prog ;; esac
name=$(basename "$prog")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 2
: > a-file

if ! "$prog" --list-options > options 2> err; then
    echo "FAIL: $name --list-options failed:"; cat err; exit 1
fi

# One case per line: FLAG <tab> HOW <tab> VALUE, where HOW is "sep"
# (FLAG VALUE), "eq" (FLAG=VALUE), "last" (FLAG alone, at the end) or
# "arg" (VALUE alone, FLAG is what the message must name). VALUE is
# expanded with printf %b (so \n is a newline).
awk '
function num(x) { return sprintf("%.17g", x) }
{
    flag = $1; type = $2; lo = $3; hi = $4; open = $5; extra = $6
    if (type == "int") {
        print flag "\tsep\t" num(lo - 1)
        print flag "\tsep\t" num(hi + 1)
        n = split("ten|1.5|+5| 5|0x10|nan|inf||1e3|99999999999999999999" \
                  "|-|--quick", bad, "|")
    } else if (type == "double") {
        print flag "\tsep\t" (open == "open" ? num(lo) : num(lo - 1))
        print flag "\tsep\t" (hi >= 1e15 ? "1e400" : num(hi + 1))
        n = split("nan|inf|-inf|abc||+1| 1|0x10|0x1p3|1e999|1,5|--quick",
                  bad, "|")
    } else if (type == "choice") {
        n = split("no-such-choice||" toupper(substr(extra, 1, 3)) \
                  "|--quick", bad, "|")
    } else if (type == "string") {
        n = split("|--quick", bad, "|")
        if (flag == "--out") {
            print flag "\tsep\tit'"'"'s"
            print flag "\tsep\tout\\nsystem \"touch pwned\"\\ny"
            print flag "\tsep\ta-file"
        }
    } else {   # a switch
        print flag "\teq\tx"
        print flag "\teq\t"
        n = 0
    }
    for (i = 1; i <= n; i++)
        print flag "\tsep\t" bad[i]
    if (type != "flag")
        print flag "\tlast\t"
}
END {
    print "unknown flag\targ\t--no-such-flag"
    print "unknown flag\targ\t--no-such-flag=3"
    print "unknown flag\targ\t-q"
    print "unknown flag\targ\tstray"
}' options > cases

failed=0
total=0
tab=$(printf '\t')
while IFS="$tab" read -r flag how value; do
    total=$((total + 1))
    value=$(printf '%bx' "$value")
    value=${value%x}
    case $how in
    sep)  set -- "$flag" "$value" ;;
    eq)   set -- "$flag=$value" ;;
    last) set -- "$flag" ;;
    arg)  set -- "$value" ;;
    esac
    timeout 60 "$prog" --quick --plot none "$@" > out 2> err < /dev/null
    status=$?
    lines=$(wc -l < err)
    shown=$(printf '%s' "$*" | tr '\n' '?')
    why=""
    if [ $status -ne 2 ]; then
        why="exit status $status"
    elif [ "$lines" -ne 1 ]; then
        why="$lines stderr lines"
    elif ! grep -qF -- "$flag" err; then
        why="the message does not name $flag"
    elif [ -e pwned ]; then
        why="a shell command ran"
    fi
    if [ -n "$why" ]; then
        failed=$((failed + 1))
        echo "FAIL: $name $shown: $why: $(head -c 200 err | head -n 2)"
    fi
    rm -f pwned
done < cases
echo "$name: $((total - failed)) of $total bad inputs rejected with" \
     "exit 2 and one line"
[ $failed -eq 0 ]
