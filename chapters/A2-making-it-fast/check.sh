#!/bin/sh
# check.sh - did your change to A2-making-it-fast.c reach the goal of
# one of the appendix's exercises?
#
#   make check-A2                          every checkable exercise
#   make check-A2 EXERCISE=1               one exercise
#   BIN=build/bin/A2-making-it-fast \
#       sh chapters/A2-making-it-fast/check.sh [k]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error. The speeds it
# reports are for you to compare; the goals never depend on them.
# Checkable: 1 and 2 (code changes: a --tile flag, two loop orders).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="1 2"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
1|2) [ -z "$answer" ] || usage "exercise $exercise takes no ANSWER" ;;
3) usage "exercise 3 has no automatic check: it asks you to measure" \
         "and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# gflops PATTERN: the GFLOP/s of the first row at n = 128 whose method
# matches the extended regex PATTERN, or nothing.
gflops() {
    awk -v re="$1" '$0 ~ re && $(NF - 3) == 128 { print $(NF - 1); exit }' \
        "$out"
}

# Exercise 1: the tile size as a flag, --tile N, and the blocked row
# named after it, "blocked NxN". Each run checks its product against
# BLAS and fails if it is wrong.
check_1() {
    speeds=""
    for tile in 16 32; do
        run --quick --tile $tile
        if [ "$status" -eq 2 ]; then
            not_yet 1 "the program does not take --tile $tile:" \
                "$(head -n 1 "$err")"
            return
        elif [ "$status" -ne 0 ]; then
            not_yet 1 "with --tile $tile the run failed (status" \
                "$status): $(head -n 1 "$err")"
            return
        fi
        speed=$(gflops "^blocked ${tile}x${tile} ")
        if [ -z "$speed" ]; then
            not_yet 1 "with --tile $tile there is no row" \
                "'blocked ${tile}x${tile}'; name the row after the tile"
            return
        fi
        speeds="$speeds, ${tile}x${tile} at $speed GFLOP/s"
    done
    reached 1 "--tile works and the blocked product stays right" \
        "(n = 128$speeds)"
}

# Exercise 2: two more loop orders, rows named "... (jik)" and
# "... (kij)", computing the right product.
check_2() {
    run --quick
    if [ "$status" -ne 0 ]; then
        not_yet 2 "the quick run failed (status $status):" \
            "$(head -n 1 "$err")"
        return
    fi
    missing=""
    for order in jik kij; do
        [ -n "$(gflops "[(]${order}[)]")" ] || missing="$missing ($order)"
    done
    if [ -n "$missing" ]; then
        not_yet 2 "no row for$missing at n = 128; add the method to" \
            "methods[] with (jik) or (kij) in its name, and let the" \
            "loop over methods reach it"
        return
    fi
    reached 2 "all four loop orders compute the right product; at" \
        "n = 128: ijk $(gflops '[(]ijk[)]'), jik $(gflops '[(]jik[)]')," \
        "ikj $(gflops '[(]ikj[)]'), kij $(gflops '[(]kij[)]') GFLOP/s"
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
