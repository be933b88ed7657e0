#!/bin/sh
# check.sh - did your run, or your change to 06-softmax-spiral.c, reach
# the goal of one of chapter 6's exercises?
#
#   make check-06                          every checkable exercise
#   make check-06 EXERCISE=3 ANSWER=4      one exercise, with your answer
#   BIN=build/bin/06-softmax-spiral sh chapters/06-softmax-spiral/check.sh \
#       [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 2 and 3 (answers), 4 and 5 (code changes: tanh units, the
# fast code for any number of classes).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="2 3 4 5"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
2|3) ;;
4|5) [ -z "$answer" ] || usage "exercise $exercise takes no ANSWER" ;;
1) usage "exercise $exercise has no automatic check: it asks you" \
         "to look and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# accuracy N: the Nth "training accuracy: " of the last run, or nothing.
accuracy() {
    awk -v n="$1" '/^training accuracy: / && ++seen == n {
        print $3; exit }' "$out"
}
# last_loss: the loss on the last "iteration N: loss L" line, or nothing.
last_loss() {
    awk '$1 == "iteration" && $3 == "loss" { l = $4 } END { print l }' \
        "$out"
}
# after TEXT: the first word after TEXT on a line of stdout, or nothing.
after() {
    awk -v text="$1" 'i = index($0, text) {
        split(substr($0, i + length(text)), w, " "); print w[1]; exit }' \
        "$out"
}

# Exercise 2: the smallest hidden layer with which the net gets at least
# 0.95 of the points right in its 10000 iterations. Every smaller size
# is tried (they are the quick ones), up to the first that reaches it.
check_2() {
    if [ -z "$answer" ]; then
        not_yet 2 "no answer given: find the smallest --hidden with" \
            "which the net gets at least 0.95 of the points right, then" \
            "run make check-06 EXERCISE=2 ANSWER=<units>"
        return
    fi
    case $answer in
    *[!0-9]*) usage "ANSWER '$answer' is not a number of units" ;;
    esac
    answer=$(printf '%s\n' "$answer" | sed 's/^0*//')
    [ -n "$answer" ] && [ "$answer" -le 100 ] ||
        usage "ANSWER must be a number of units, 1 to 100 (the default)"
    run --only net --hidden "$answer"
    got=$(accuracy 1)
    if [ "$status" -ne 0 ] || [ -z "$got" ]; then
        not_yet 2 "the run with --hidden $answer failed (status" \
            "$status) or printed no training accuracy:" \
            "$(head -n 1 "$err")"
        return
    fi
    if ! holds 'a >= 0.95' -v a="$got"; then
        not_yet 2 "with --hidden $answer the net gets $got of the" \
            "points right; the goal is at least 0.95. Look further up"
        return
    fi
    h=1
    while [ "$h" -lt "$answer" ]; do
        run --only net --hidden "$h"
        smaller=$(accuracy 1)
        if [ -n "$smaller" ] && holds 'a >= 0.95' -v a="$smaller"; then
            not_yet 2 "with --hidden $answer the net gets $got right," \
                "but a smaller layer already gets at least 0.95; the" \
                "goal is the smallest. Look lower"
            return
        fi
        h=$((h + 1))
    done
    reached 2 "with --hidden $answer the net gets $got of the points" \
        "right, and every smaller layer less than 0.95"
}

# Exercise 3: the largest step size with which the linear classifier
# still ends at its minimum (the default run's last printed loss), to
# within 10%: the answer does, 1.1 times the answer does not.
check_3() {
    if [ -z "$answer" ]; then
        not_yet 3 "no answer given: find the step size beyond which" \
            "the linear classifier no longer settles, then run" \
            "make check-06 EXERCISE=3 ANSWER=<your --lr>"
        return
    fi
    is_number "$answer" || usage "ANSWER '$answer' is not a number"
    holds 'a > 0 && a <= 900' -v a="$answer" ||
        usage "ANSWER must be a step size above 0, at most 900"
    run --only linear
    minimum=$(last_loss)
    default_step=$(after "step size ")
    default_step=${default_step%,}
    if [ "$status" -ne 0 ] || [ -z "$minimum" ]; then
        not_yet 3 "the default run of the linear classifier failed" \
            "(status $status): $(head -n 1 "$err")"
        return
    fi
    run --only linear --lr "$answer"
    at=$(last_loss)
    [ "$status" -eq 0 ] || at="(diverged)"
    larger=$(awk -v a="$answer" 'BEGIN { printf "%.6g", 1.1 * a }')
    if [ "$at" != "$minimum" ]; then
        if holds 'a <= s' -v a="$answer" -v s="$default_step"; then
            not_yet 3 "with --lr $answer the last printed loss is $at," \
                "not the minimum $minimum: in 1000 iterations a step" \
                "this small has not arrived yet, while the default" \
                "step $default_step has. Look higher"
        else
            not_yet 3 "with --lr $answer the last printed loss is $at," \
                "not the minimum $minimum that the default run ends at:" \
                "the steps overshoot. Take a smaller step"
        fi
        return
    fi
    run --only linear --lr "$larger"
    beyond=$(last_loss)
    [ "$status" -eq 0 ] || beyond="(diverged)"
    if [ "$beyond" = "$minimum" ]; then
        not_yet 3 "with --lr $answer the linear classifier ends at its" \
            "minimum $minimum, but with 1.1 times that, --lr $larger," \
            "too; the goal is the limit, to within 10%. Look higher"
    else
        reached 3 "with --lr $answer the linear classifier ends at its" \
            "minimum $minimum; with --lr $larger its last loss is" \
            "$beyond"
    fi
}

# Exercise 4: the plain code with tanh units instead of ReLUs, trained
# with --reference: its heading says "tanh units", its gradient check
# passes and it gets at least 0.9 of the points right in 1000 steps.
check_4() {
    run --only net --reference --quick
    heading=$(grep '^two-layer net: ' "$out" | head -n 1)
    first=$(awk '$1 == "iteration" && $2 == "0:" { print $4; exit }' "$out")
    check=$(after "gradient check, random net of 10 units: relative error ")
    got=$(accuracy 1)
    if [ "$status" -ne 0 ] || [ -z "$heading" ]; then
        not_yet 4 "the run with --only net --reference --quick failed" \
            "(status $status): $(head -n 1 "$err")"
    elif ! printf '%s\n' "$heading" | grep -q ' tanh units'; then
        not_yet 4 "the heading still reads '${heading%%,*}'; change the" \
            "units to tanh in model_forward, model_backward and predict," \
            "and say \"tanh units\" in run_net's heading"
    elif [ "$first" = "1.098637" ]; then
        # 1.098637 is the ReLU net's first loss (NumPy's, seed 0).
        not_yet 4 "the heading says tanh, but the first loss is the" \
            "ReLU net's: model_forward still computes max(0, z)"
    elif [ -z "$check" ] || ! holds 'e < 1e-7' -v e="$check"; then
        not_yet 4 "the gradient check's relative error is" \
            "${check:-missing}; the goal is below 1e-7. Does" \
            "model_backward use the derivative of tanh, written with" \
            "the hidden values that model_forward kept?"
    elif [ -z "$got" ] || ! holds 'a >= 0.9' -v a="$got"; then
        not_yet 4 "the gradient check passes ($check), but the tanh" \
            "net gets only ${got:-no} of the points right in 1000" \
            "iterations; the goal is at least 0.9"
    else
        reached 4 "the tanh net passes the gradient check ($check) and" \
            "gets $got of the points right in 1000 iterations" \
            "(--reference --quick)"
    fi
}

# Exercise 5: K = 5, a spiral of five arms, with fast code that agrees
# with the plain code, and a net that beats the linear classifier.
check_5() {
    run --quick
    arms=$(awk '/^spiral: / { print $2; exit }' "$out")
    check1=$(after "linear classifier at its start: relative error ")
    check2=$(after "random net of 10 units: relative error ")
    fast=$(after "fast versus plain gradient: relative difference ")
    linear=$(accuracy 1)
    net=$(accuracy 2)
    if [ -z "$arms" ]; then
        not_yet 5 "the quick run printed no 'spiral: ' line (status" \
            "$status): $(head -n 1 "$err")"
    elif [ "$arms" -le 3 ]; then
        not_yet 5 "the spiral still has $arms arms; set K = 5 in the" \
            "enum near the top"
    elif [ "$status" -ne 0 ] || [ -z "$fast" ] || [ -z "$net" ]; then
        not_yet 5 "with $arms arms the quick run failed (status" \
            "$status) or printed no fast-versus-plain comparison:" \
            "$(head -n 1 "$err")"
    elif ! holds 'a < 1e-7 && b < 1e-7' -v a="$check1" -v b="$check2"
    then
        not_yet 5 "the gradient checks give $check1 and $check2; the" \
            "goal is below 1e-7. The plain code needs no change for K"
    elif ! holds 'f < 1e-10' -v f="$fast"; then
        not_yet 5 "with $arms arms the fast gradient differs from the" \
            "plain one by $fast; the goal is below 1e-10. Which loops" \
            "of the fast code still assume three classes?"
    elif ! holds 'n > l' -v n="$net" -v l="$linear"; then
        not_yet 5 "the fast code agrees ($fast), but the net gets" \
            "$net of the points right and the linear classifier" \
            "$linear; the goal is a net that beats it"
    else
        reached 5 "$arms arms: the fast and the plain gradient agree" \
            "to $fast, and in the quick run the net gets $net right," \
            "the linear classifier $linear"
    fi
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
