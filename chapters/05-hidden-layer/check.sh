#!/bin/sh
# check.sh - did your run, or your change to 05-hidden-layer.c, reach
# the goal of one of chapter 5's exercises?
#
#   make check-05                          every checkable exercise
#   make check-05 EXERCISE=1 ANSWER=12     one exercise, with your answer
#   BIN=build/bin/05-hidden-layer sh chapters/05-hidden-layer/check.sh \
#       [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 1 (an answer), 3 and 6 (code changes: a third hidden unit,
# the cross-entropy).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="1 3 6"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
1) ;;
3|6) [ -z "$answer" ] || usage "exercise $exercise takes no ANSWER" ;;
2|4|5) usage "exercise $exercise has no automatic check: it asks you" \
             "to look and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# after NAME: the first number after "NAME= " on stdout, or nothing.
after() {
    awk -v name="$1=" '{ for (i = 1; i < NF; i++)
        if ($i == name) { print $(i + 1); exit } }' "$out"
}

# Exercise 1: a seed for which both hidden neurons of the bean network
# weigh the size with the same sign, and it still judges at least 95 of
# 100 beans right. The planar part is cut to one epoch: it plays no role.
check_1() {
    if [ -z "$answer" ]; then
        not_yet 1 "no answer given: find a seed for which w11_1 and" \
            "w21_1 have the same sign, then run" \
            "make check-05 EXERCISE=1 ANSWER=<seed>"
        return
    fi
    case $answer in
    *[!0-9]*) usage "ANSWER '$answer' is not a seed (0, 1, 2, ...)" ;;
    esac
    run --seed "$answer" --deep-epochs 1
    w1=$(after w11_1)
    w2=$(after w21_1)
    accuracy=$(awk '/^beans: / { print $NF; exit }' "$out")
    if [ -z "$w1" ] || [ -z "$w2" ] || [ -z "$accuracy" ]; then
        not_yet 1 "the run with --seed $answer printed no w11_1, w21_1" \
            "or 'beans:' line (status $status)"
    elif ! holds 'a * b > 0' -v a="$w1" -v b="$w2"; then
        not_yet 1 "with --seed $answer w11_1 = $w1 and w21_1 = $w2" \
            "have opposite signs; the goal is the same sign. Try" \
            "other seeds"
    elif ! holds 'a >= 0.95' -v a="$accuracy"; then
        not_yet 1 "with --seed $answer the signs agree, but the network" \
            "has only accuracy $accuracy on the beans; the goal is at" \
            "least 0.95"
    else
        reached 1 "with --seed $answer both hidden neurons weigh the" \
            "size with the same sign (w11_1 = $w1, w21_1 = $w2), and" \
            "its accuracy on the beans is $accuracy"
    fi
}

# Exercise 3: the small planar network with a third hidden unit (13
# parameters for two inputs) classifies every point of the disc and the
# ring, trained with --lr 0.5.
check_3() {
    run --lr 0.5
    # The first "circle, <name>, <P> parameters: ..." line is the small
    # network's; P = 4 h + 1 for one hidden layer of h units.
    params=$(awk '/^circle, / { for (i = 1; i < NF; i++)
        if ($(i + 1) == "parameters:") { print $i; exit } }' "$out")
    accuracy=$(awk '/^data +network/ { table = 1; next }
        table && $1 == "circle" { print $NF; exit }' "$out")
    if [ -z "$params" ] || [ -z "$accuracy" ]; then
        not_yet 3 "the run with --lr 0.5 failed (status $status) or" \
            "printed no summary for the circle: $(head -n 1 "$err")"
    elif [ "$params" -le 9 ]; then
        not_yet 3 "the small network still has $params parameters," \
            "two hidden units; change small_sizes to {2, 3, 1} (13" \
            "parameters)"
    elif ! holds 'a >= 0.995' -v a="$accuracy"; then
        not_yet 3 "the small network ($params parameters) gets" \
            "$accuracy of the circle data right with --lr 0.5; the" \
            "goal is 1.0. Is its first layer wider, its output still" \
            "one sigmoid?"
    else
        reached 3 "with $params parameters the small network gets" \
            "every point of the disc and the ring right (accuracy" \
            "$accuracy, --lr 0.5)"
    fi
}

# Exercise 6: the matrix networks trained on the cross-entropy: at the
# start the loss is about ln 2, not the squared error's 1/4, and both
# the hand-written comparison and the gradient check still pass.
check_6() {
    run --quick
    first=$(awk '/^Epoch 1\// { l = $5 + 0
        if (n++ == 0 || l < low) low = l } END { if (n) print low }' \
        "$out")
    largest=$(awk '/^largest difference = / { print $4; exit }' "$out")
    relative=$(awk '/^relative error = / { print $4; exit }' "$out")
    if [ -n "$largest" ] && ! holds 'd < 1e-12' -v d="$largest"; then
        not_yet 6 "the hand-written and the matrix gradients differ by" \
            "$largest; change the first link de_da1_2 of" \
            "bean_net_backward to the cross-entropy's too"
    elif [ -z "$first" ] || [ -z "$relative" ]; then
        not_yet 6 "the quick run printed no epoch lines or no gradient" \
            "check (status $status): $(head -n 1 "$err")"
    elif ! holds 'l > 0.4' -v l="$first"; then
        not_yet 6 "the first epoch's loss is $first, a squared error" \
            "(an unsure network's is about 1/4); the goal is the" \
            "cross-entropy, about ln 2 = 0.69 when unsure. Change" \
            "mse_forward and mse_backward"
    elif ! holds 'r < 1e-6' -v r="$relative"; then
        not_yet 6 "the loss is a cross-entropy now, but the gradient" \
            "check's relative error is $relative; the goal is below" \
            "1e-6. Does mse_backward add dL/dP of the new loss?"
    else
        reached 6 "the planar networks start at a cross-entropy of" \
            "$first or more, the hand-written comparison differs by" \
            "$largest and the gradient check by $relative"
    fi
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
