#!/bin/sh
# check.sh - did your run, or your change to 07-tanh-moons.c, reach the
# goal of one of chapter 7's exercises?
#
#   make check-07                          every checkable exercise
#   make check-07 EXERCISE=2 ANSWER=0.5    one exercise, with your answer
#   BIN=build/bin/07-tanh-moons sh chapters/07-tanh-moons/check.sh [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 2 (an answer), 5 and 6 (code changes: a mean gradient, a
# second hidden layer).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="2 5 6"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
2) ;;
5|6) [ -z "$answer" ] || usage "exercise $exercise takes no ANSWER" ;;
1|3|4) usage "exercise $exercise has no automatic check: it asks you" \
             "to look and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# after TEXT: the first word after TEXT on a line of stdout, or nothing.
after() {
    awk -v text="$1" 'i = index($0, text) {
        split(substr($0, i + length(text)), w, " "); print w[1]; exit }' \
        "$out"
}
# accuracy: the network's training accuracy in the last run, or nothing.
accuracy() {
    awk '/^training accuracy: / { print $3; exit }' "$out"
}
# loss_at N: the printed loss after iteration N, or nothing.
loss_at() {
    awk -v n="$1:" '/^Loss after iteration / && $4 == n { print $5; exit }' \
        "$out"
}

# Exercise 2: the strongest penalty with which the tutorial's network
# still gets at least 0.9 of the training points right, to within a
# factor of 2: the answer does, twice the answer does not.
check_2() {
    if [ -z "$answer" ]; then
        not_yet 2 "no answer given: find the strongest --reg with which" \
            "the network still gets at least 0.9 of the points right," \
            "then run make check-07 EXERCISE=2 ANSWER=<your --reg>"
        return
    fi
    is_number "$answer" || usage "ANSWER '$answer' is not a number"
    holds 'r > 0 && r <= 500' -v r="$answer" ||
        usage "ANSWER must be a --reg above 0, at most 500"
    run --only net --reg "$answer"
    got=$(accuracy)
    if [ "$status" -ne 0 ] || [ -z "$got" ]; then
        not_yet 2 "the run with --reg $answer failed (status $status)" \
            "or printed no training accuracy: $(head -n 1 "$err")"
        return
    fi
    if ! holds 'a >= 0.9' -v a="$got"; then
        not_yet 2 "with --reg $answer the network gets $got of the" \
            "points right; the goal is at least 0.9. Take a weaker" \
            "penalty"
        return
    fi
    twice=$(awk -v r="$answer" 'BEGIN { printf "%.6g", 2 * r }')
    run --only net --reg "$twice"
    then_=$(accuracy)
    if [ "$status" -eq 0 ] && [ -n "$then_" ] &&
        holds 'a >= 0.9' -v a="$then_"; then
        not_yet 2 "with --reg $answer the network gets $got right, and" \
            "with twice that, --reg $twice, still $then_; the goal is" \
            "the strongest, to within a factor of 2. Look higher"
    else
        reached 2 "with --reg $answer the network gets $got of the" \
            "points right, with --reg $twice only ${then_:-none}"
    fi
}

# Exercise 5: the gradient of the mean loss, trained with --lr 2: the
# tutorial's first two losses, and both checks still pass.
check_5() {
    run --quick --lr 2
    if [ "$status" -ne 0 ] && grep -q diverged "$err"; then
        not_yet 5 "with --lr 2 the loss diverged: the gradient is still" \
            "a sum over the points, N times the mean's"
        return
    fi
    first=$(loss_at 0)
    second=$(loss_at 1000)
    check=$(after "gradient check at the start: relative error ")
    fast=$(after "one-pass versus plain gradient: relative difference ")
    if [ "$status" -ne 0 ] || [ -z "$second" ]; then
        not_yet 5 "the run with --quick --lr 2 failed (status $status)" \
            "or printed no loss after iteration 1000:" \
            "$(head -n 1 "$err")"
    # 0.432387 and 0.068947: the tutorial's first two printed losses,
    # which the default run reproduces (see tests.cmake).
    elif [ "$first" != 0.432387 ] || [ "$second" != 0.068947 ]; then
        not_yet 5 "with --lr 2 the first two losses are $first and" \
            "$second; the goal is the default run's, the tutorial's." \
            "Is every part of the gradient, the penalty's too, divided" \
            "by N?"
    elif [ -z "$check" ] || ! holds 'e < 1e-7' -v e="$check"; then
        not_yet 5 "the losses are the tutorial's, but the gradient" \
            "check's relative error is ${check:-missing}; the goal is" \
            "below 1e-7. What does gradient_check compare net_backward" \
            "with?"
    elif [ -z "$fast" ] || ! holds 'd < 1e-12' -v d="$fast"; then
        not_yet 5 "the losses are the tutorial's, but the one-pass and" \
            "the plain gradient differ by ${fast:-missing}; the goal is" \
            "below 1e-12. Do net_backward and fast_gradient both" \
            "compute the mean's gradient?"
    else
        reached 5 "with --lr 2 the mean gradient prints the tutorial's" \
            "losses $first and $second; gradient check $check," \
            "one-pass versus plain $fast"
    fi
}

# Exercise 6: a second hidden layer: the heading says "4-layer network",
# both checks pass, and the quick run gets 0.95 of the points right.
check_6() {
    run --quick
    heading=$(grep -- '-layer network: ' "$out" | head -n 1)
    check=$(after "gradient check at the start: relative error ")
    fast=$(after "one-pass versus plain gradient: relative difference ")
    got=$(accuracy)
    if [ "$status" -ne 0 ] || [ -z "$heading" ]; then
        not_yet 6 "the quick run failed (status $status) or printed no" \
            "'-layer network: ' heading: $(head -n 1 "$err")"
    elif [ "${heading%%-layer network: *}" != 4 ]; then
        not_yet 6 "the heading still reads '${heading%%:*}'; the goal" \
            "is a second hidden layer, and run_network printing" \
            "'4-layer network: '"
    elif [ -z "$check" ] || ! holds 'e < 1e-7' -v e="$check"; then
        not_yet 6 "the gradient check's relative error is" \
            "${check:-missing}; the goal is below 1e-7. Does" \
            "net_backward pass the gradient back through both tanh" \
            "layers, and does net_loss penalise the new weights?"
    elif [ -z "$fast" ] || ! holds 'd < 1e-12' -v d="$fast"; then
        not_yet 6 "net_backward passes the gradient check, but" \
            "fast_gradient differs from it by ${fast:-missing}; the" \
            "goal is below 1e-12"
    elif [ -z "$got" ] || ! holds 'a >= 0.95' -v a="$got"; then
        not_yet 6 "both checks pass, but in 2000 passes the network" \
            "gets only ${got:-no} of the points right; the goal is at" \
            "least 0.95. How are the new weights drawn?"
    else
        reached 6 "the 4-layer network passes the gradient check" \
            "($check) and the one-pass comparison ($fast), and gets" \
            "$got of the points right in 2000 passes"
    fi
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
