#!/bin/sh
# check.sh - did your run, or your change to 04-sigmoid.c, reach the
# goal of one of chapter 4's exercises?
#
#   make check-04                          every checkable exercise
#   make check-04 EXERCISE=3 ANSWER=1000   one exercise, with your answer
#   BIN=build/bin/04-sigmoid sh chapters/04-sigmoid/check.sh [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 2 and 3 (answers), 5 (a code change: a gradient check).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="2 3 5"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
2|3) ;;
5) [ -z "$answer" ] || usage "exercise 5 takes no ANSWER" ;;
1|4|6) usage "exercise $exercise has no automatic check: it asks you" \
             "to look, derive and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# after LABEL NAME: the number after "NAME=" on the line starting with
# LABEL ("cross-entropy: w= ... b= ..."), or nothing.
after() {
    awk -v label="$1" -v name="$2=" 'index($0, label) == 1 {
        for (i = 1; i < NF; i++) if ($i == name) { print $(i + 1); exit }
    }' "$out"
}
# race_error PASS: the squared-error neuron's mean squared error in the
# race table's row for PASS, or nothing.
race_error() {
    awk -v pass="$1" '/^the race from/ { race = 1; next }
        race && NF >= 3 && $1 == pass { print $2; exit }' "$out"
}

# Exercise 2: the border -b/w of the cross-entropy fit of the default
# run, worked out from its printed w and b.
check_2() {
    if [ -z "$answer" ]; then
        not_yet 2 "no answer given: work out the border of the" \
            "cross-entropy fit, then run" \
            "make check-04 EXERCISE=2 ANSWER=<border>"
        return
    fi
    is_number "$answer" || usage "ANSWER '$answer' is not a number"
    run
    w=$(after "cross-entropy: w=" w)
    b=$(after "cross-entropy: w=" b)
    if [ "$status" -ne 0 ] || [ -z "$w" ] || [ -z "$b" ]; then
        not_yet 2 "the default run failed (status $status) or printed" \
            "no 'cross-entropy: w= ... b= ...' line"
        return
    fi
    if holds 'w != 0 && (x + b / w) ^ 2 <= 0.002 ^ 2' -v x="$answer" \
        -v w="$w" -v b="$b"; then
        reached 2 "the cross-entropy fit (w = $w, b = $b) says" \
            "\"toxic\" from x = $answer on; the labels' border is" \
            "3/7 = 0.4286"
    else
        not_yet 2 "$answer is not where the cross-entropy fit" \
            "(w = $w, b = $b) crosses 1/2; the goal is within 0.002." \
            "Where is w x + b = 0?"
    fi
}

# Exercise 3: the first pass of the race after which the squared-error
# neuron's mean squared error is below 0.1, to within 10 passes.
check_3() {
    if [ -z "$answer" ]; then
        not_yet 3 "no answer given: find the pass at which the" \
            "squared-error neuron leaves its plateau, then run" \
            "make check-04 EXERCISE=3 ANSWER=<pass>"
        return
    fi
    case $answer in
    *[!0-9]*) usage "ANSWER '$answer' is not a pass number" ;;
    esac
    answer=$(printf '%s\n' "$answer" | sed 's/^0*//')
    answer=${answer:-0}
    [ "$answer" -ge 1 ] || usage "ANSWER must be a pass, 1 or more"
    run --epochs "$answer"
    at=$(race_error "$answer")
    if [ "$status" -ne 0 ] || [ -z "$at" ]; then
        not_yet 3 "the run with --epochs $answer failed (status" \
            "$status) or printed no race row for pass $answer"
        return
    fi
    if ! holds 'e < 0.1' -v e="$at"; then
        not_yet 3 "after pass $answer the squared-error neuron's mean" \
            "squared error is still $at; the goal is the first pass" \
            "with less than 0.1: look later"
        return
    fi
    before=$((answer - 10))
    if [ "$before" -ge 1 ]; then
        run --epochs "$before"
        then_=$(race_error "$before")
    else
        then_=$(race_error 0)
        before=0
    fi
    if [ -z "$then_" ]; then
        not_yet 3 "no race row for pass $before"
    elif holds 'e < 0.1' -v e="$then_"; then
        not_yet 3 "the error is below 0.1 after pass $answer, but" \
            "already after pass $before ($then_); the goal is the first" \
            "such pass, to within 10 passes: look earlier"
    else
        reached 3 "the squared-error neuron's mean squared error is" \
            "$then_ after pass $before and $at after pass $answer"
    fi
}

# Exercise 5: a numerical check of both backward functions, printed as
# "gradient check, <loss>: relative error = E", with E below 1e-6.
check_5() {
    run --quick
    if [ "$status" -ne 0 ]; then
        not_yet 5 "the quick run failed (status $status):" \
            "$(head -n 1 "$err")"
        return
    fi
    for loss in "squared error" "cross-entropy"; do
        if ! grep -q "^gradient check, $loss: relative error = " \
            "$out"; then
            not_yet 5 "no 'gradient check, $loss: relative error = '" \
                "line in the output; print it with printf(\"gradient" \
                "check, %s: relative error = %.1e\\n\", loss_name[loss]," \
                "error)"
            return
        fi
    done
    e1=$(awk -F'= ' '/^gradient check, squared error:/ { print $2; exit }' \
        "$out")
    e2=$(awk -F'= ' '/^gradient check, cross-entropy:/ { print $2; exit }' \
        "$out")
    if holds 'a + 0 == 0 || b + 0 == 0' -v a="$e1" -v b="$e2"; then
        not_yet 5 "a relative error of exactly 0 ($e1, $e2) means a" \
            "gradient was compared with itself: the numeric one must" \
            "come from the loss, mean_loss at w + h and w - h"
    elif holds 'a < 1e-6 && b < 1e-6' -v a="$e1" -v b="$e2"; then
        reached 5 "relative errors $e1 (squared error) and $e2" \
            "(cross-entropy), both below 1e-6: the chain rule holds"
    else
        not_yet 5 "relative errors $e1 (squared error) and $e2" \
            "(cross-entropy); the goal is below 1e-6 for both. Is every" \
            "link of the chain right, and are both gradients means over" \
            "the beans, like mean_loss?"
    fi
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
