#!/bin/sh
# check.sh - did your run, or your change to 01-rosenblatt.c, reach the
# goal of one of chapter 1's exercises?
#
#   make check-01                          every checkable exercise
#   make check-01 EXERCISE=2 ANSWER=0.1    one exercise, with your answer
#   BIN=build/bin/01-rosenblatt sh chapters/01-rosenblatt/check.sh [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 2 and 3 (answers), 6 (a code change: the bias).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="2 3 6"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
2|3) ;;
6) [ -z "$answer" ] || usage "exercise 6 takes no ANSWER" ;;
1|4|5) usage "exercise $exercise has no automatic check: it asks you" \
             "to look and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# w after pass N of the last run ("pass   N: w = ..."), or nothing.
w_after() {
    awk -v n="$1" '$1 == "pass" && $2 + 0 == n && $3 == "w" \
        { print $5; exit }' "$out"
}

# Exercise 2: a learning rate with which each pass halves the distance
# to the weight w settles at. The updates are linear in w, so the ratio
# of successive pass-to-pass changes is that factor, exactly.
check_2() {
    if [ -z "$answer" ]; then
        not_yet 2 "no answer given: find a learning rate with which a" \
            "pass halves the distance, then run" \
            "make check-01 EXERCISE=2 ANSWER=<your --lr>"
        return
    fi
    is_number "$answer" || usage "ANSWER '$answer' is not a number"
    run --lr "$answer" --epochs 3
    if [ "$status" -ne 0 ]; then
        not_yet 2 "with --lr $answer the program stopped (status" \
            "$status: $(head -n 1 "$err")); take a smaller rate"
        return
    fi
    w1=$(w_after 1) w2=$(w_after 2) w3=$(w_after 3)
    if [ -z "$w1" ] || [ -z "$w2" ] || [ -z "$w3" ]; then
        not_yet 2 "no 'pass 1/2/3: w = ' lines in the output"
        return
    fi
    factor=$(awk -v a="$w1" -v b="$w2" -v c="$w3" 'BEGIN {
        if (b == a) print 0; else printf "%.3g", (c - b) / (b - a) }')
    if holds 'f >= 0.48 && f <= 0.52' -v f="$factor"; then
        reached 2 "with --lr $answer each pass shrinks the distance by" \
            "the factor $factor, (w3 - w2) / (w2 - w1)"
    elif holds 'f > 0.52 && f < 1' -v f="$factor"; then
        not_yet 2 "with --lr $answer a pass shrinks the distance by" \
            "the factor $factor; the goal is 0.48 to 0.52: a larger" \
            "rate takes bigger steps and shrinks it more"
    else
        not_yet 2 "with --lr $answer a pass multiplies the distance by" \
            "$factor, (w3 - w2) / (w2 - w1); the goal is 0.48 to 0.52:" \
            "take a smaller rate"
    fi
}

# Exercise 3: from --w0 -20, the first pass after which w is within
# 0.001 of the weight it settles at (the end of the default 100 passes).
check_3() {
    if [ -z "$answer" ]; then
        not_yet 3 "no answer given: predict and count the passes from" \
            "--w0 -20, then run make check-01 EXERCISE=3 ANSWER=<pass>"
        return
    fi
    case $answer in
    *[!0-9]*) usage "ANSWER '$answer' is not a pass number" ;;
    esac
    run --w0 -20
    settled=$(awk '$1 == "w=" { print $2 }' "$out")
    if [ "$status" -ne 0 ] || [ -z "$settled" ]; then
        not_yet 3 "the run with --w0 -20 failed (status $status) or" \
            "printed no 'w= ' line"
        return
    fi
    # w after each pass: --epochs 10 prints every one of its passes;
    # beyond that, a run of exactly N passes prints w after pass N.
    first=""
    run --w0 -20 --epochs 10
    for pass in 1 2 3 4 5 6 7 8 9 10; do
        w=$(w_after $pass)
        if [ -n "$w" ] && holds 'w - s <= 0.001 && s - w <= 0.001' \
            -v w="$w" -v s="$settled"; then
            first=$pass
            break
        fi
    done
    pass=10
    while [ -z "$first" ] && [ $pass -lt 100 ]; do
        pass=$((pass + 1))
        run --w0 -20 --epochs $pass
        w=$(awk '$1 == "w=" { print $2 }' "$out")
        if [ -n "$w" ] && holds 'w - s <= 0.001 && s - w <= 0.001' \
            -v w="$w" -v s="$settled"; then
            first=$pass
        fi
    done
    if [ -z "$first" ]; then
        not_yet 3 "w never came within 0.001 of the settled" \
            "w = $settled in 100 passes"
    elif [ "$answer" -eq "$first" ]; then
        reached 3 "from --w0 -20, pass $first is the first within" \
            "0.001 of the settled w = $settled"
    elif [ "$answer" -lt "$first" ]; then
        not_yet 3 "after pass $answer w is still more than 0.001 from" \
            "the settled w = $settled; count again (--epochs 10" \
            "prints every pass)"
    else
        not_yet 3 "w is within 0.001 of the settled w = $settled" \
            "before pass $answer; look for the first such pass" \
            "(--epochs 10 prints every pass)"
    fi
}

# Exercise 6: a bias b, printed as "b= ..." after "w= ...", that lowers
# the error below what any line through the origin reaches.
check_6() {
    run
    if [ "$status" -ne 0 ]; then
        not_yet 6 "the default run failed (status $status):" \
            "$(head -n 1 "$err")"
        return
    fi
    b=$(awk '$1 == "b=" { print $2; exit }' "$out")
    error=$(awk '$1 == "pass" { e = $NF } END { print e }' "$out")
    if [ -z "$b" ]; then
        not_yet 6 "no 'b= ' line in the output: add the bias, update it" \
            "with alpha * error, and print it after the weight with" \
            "printf(\"b= %.6f\\n\", b)"
    elif ! holds 'e < 0.001' -v e="$error"; then
        not_yet 6 "b = $b, but the last pass's mean squared error is" \
            "$error; the goal is below 0.001. Does mean_squared_error" \
            "subtract the bias too (y - w x - b)?"
    elif ! holds 'b >= 0.03 && b <= 0.1' -v b="$b"; then
        not_yet 6 "the error is $error, but b = $b; the goal is b" \
            "between 0.03 and 0.1, near the noise's mean. Is b updated" \
            "once per bean by alpha * error?"
    else
        reached 6 "b = $b and the last pass's mean squared error is" \
            "$error, below 0.001"
    fi
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
