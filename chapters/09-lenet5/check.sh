#!/bin/sh
# check.sh - did your run, or your change to 09-lenet5.c, reach the goal
# of one of chapter 9's exercises?
#
#   make check-09                          every checkable exercise
#   make check-09 EXERCISE=2 ANSWER=12     one exercise, with your answer
#   BIN=build/bin/09-lenet5 sh chapters/09-lenet5/check.sh [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 2 and 3 (answers), 7 and 9 (code changes: a wider LeNet-5,
# max pooling). The code changes are checked with the double-precision
# twin too, 09-lenet5-double beside $BIN (or DOUBLE=program).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="2 3 7 9"
DOUBLE=${DOUBLE:-$(dirname "$BIN")/09-lenet5-double}
SINGLE=$BIN

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
2|3) ;;
7|9) [ -z "$answer" ] || usage "exercise $exercise takes no ANSWER" ;;
1|4|5|6|8) usage "exercise $exercise has no automatic check: it asks" \
                 "you to look, time and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# run_double ARGS...: run the double-precision twin, as run does $BIN.
run_double() {
    BIN=$DOUBLE
    run "$@"
    BIN=$SINGLE
}
# result: the test accuracy on the first "result: " line, or nothing.
result() {
    awk '$1 == "result:" && $5 == "accuracy" { print $6; exit }' "$out"
}
# first_epoch GOAL: the first epoch whose test accuracy is at least
# GOAL, or nothing.
first_epoch() {
    awk -v goal="$1" '$1 == "epoch" && $7 == "test" && $8 + 0 >= goal {
        split($2, e, "/"); print e[1] + 0; exit }' "$out"
}
# best_epoch: the highest test accuracy of any epoch, or nothing.
best_epoch() {
    awk '$1 == "epoch" && $7 == "test" && (b == "" || $8 + 0 > b + 0) {
        b = $8 } END { print b }' "$out"
}
# summary: LeNet-5's summary, "model lenet5" to "softmax", or nothing.
summary() {
    awk '/^model lenet5/ { on = 1 } on { print } on && $1 == "softmax" {
        exit }' "$out"
}
# conv2: the second convolution of the summary, as "16@5x5".
conv2() {
    awk '$1 == "conv" && ++n == 2 { print $2; exit }' "$out"
}
# twin_current: true when the twin prints the same LeNet-5 summary as
# $BIN (whose summary is in $want_summary): both built from one source.
twin_current() {
    [ -x "$DOUBLE" ] || return 1
    run_double --quick --model lenet5 --epochs 1
    [ "$status" -eq 0 ] && [ "$(summary)" = "$want_summary" ]
}
twin_missing() {
    if [ ! -x "$DOUBLE" ]; then
        not_yet "$1" "no double-precision twin at $DOUBLE: build it" \
            "(make builds it beside the program), then check again"
    elif [ "$status" -ne 0 ]; then
        not_yet "$1" "the twin's quick run failed (status $status):" \
            "$(head -n 1 "$err")"
    else
        not_yet "$1" "the twin $DOUBLE prints another LeNet-5 summary" \
            "than $BIN: it is older than your change. Rebuild both" \
            "(make), then check again"
    fi
}

# Exercise 2: the first epoch in which plain SGD with batches of 128
# (lr 0.05, no momentum, a constant rate) gets at least 0.95 of the
# test digits right. The rate is constant, so a run of N epochs prints
# the first N epochs of any longer run.
check_2() {
    if [ -z "$answer" ]; then
        not_yet 2 "no answer given: find the first epoch in which" \
            "batches of 128 reach a test accuracy of 0.95, then run" \
            "make check-09 EXERCISE=2 ANSWER=<epoch>"
        return
    fi
    case $answer in
    *[!0-9]*) usage "ANSWER '$answer' is not an epoch number" ;;
    esac
    answer=$(printf '%s\n' "$answer" | sed 's/^0*//')
    [ -n "$answer" ] && [ "$answer" -le 100 ] ||
        usage "ANSWER must be an epoch number, 1 to 100"
    run --model lenet5 --batch 128 --lr 0.05 --momentum 0 \
        --schedule constant --epochs "$answer"
    first=$(first_epoch 0.95)
    best=$(best_epoch)
    if [ "$status" -ne 0 ] || [ -z "$best" ]; then
        not_yet 2 "the run with --batch 128 --epochs $answer failed" \
            "(status $status) or printed no epoch lines:" \
            "$(head -n 1 "$err")"
    elif [ -z "$first" ]; then
        not_yet 2 "in epochs 1 to $answer the best test accuracy is" \
            "$best; the goal is 0.95. Look further on"
    elif [ "$first" -lt "$answer" ]; then
        not_yet 2 "the test accuracy reaches 0.95 before epoch" \
            "$answer; look for the first epoch that does"
    else
        n=$(awk '$1 == "data:" { print $3; exit }' "$out")
        steps=$(( ${n:-0} > 0 ? answer * ((n + 127) / 128) : 0 ))
        reached 2 "epoch $answer is the first in which batches of 128" \
            "get $best of the test digits right, after $steps steps;" \
            "now count the steps and epochs batches of 1024 need"
    fi
}

# Exercise 3: which part of our recipe matters more on MNIST, the
# momentum or the falling learning rate: the one whose removal costs
# LeNet-5 more test accuracy. The wrong answer gets no numbers.
check_3() {
    if [ -z "$answer" ]; then
        not_yet 3 "no answer given: run LeNet-5 with --momentum 0 and" \
            "with --schedule constant, then run" \
            "make check-09 EXERCISE=3 ANSWER=momentum (or schedule)"
        return
    fi
    case $answer in
    momentum|schedule) ;;
    *) usage "ANSWER must be momentum or schedule" ;;
    esac
    run --model lenet5 --momentum 0
    no_momentum=$(result)
    if [ "$status" -ne 0 ] || [ -z "$no_momentum" ]; then
        not_yet 3 "the run with --momentum 0 failed (status $status):" \
            "$(head -n 1 "$err")"
        return
    fi
    run --model lenet5 --schedule constant
    constant=$(result)
    if [ "$status" -ne 0 ] || [ -z "$constant" ]; then
        not_yet 3 "the run with --schedule constant failed (status" \
            "$status): $(head -n 1 "$err")"
        return
    fi
    if holds 'm < c' -v m="$no_momentum" -v c="$constant"; then
        truth=momentum
    elif holds 'c < m' -v m="$no_momentum" -v c="$constant"; then
        truth=schedule
    else
        not_yet 3 "both runs end at the test accuracy $constant here:" \
            "on this machine neither matters more"
        return
    fi
    if [ "$answer" = "$truth" ]; then
        reached 3 "the $truth matters more: LeNet-5 ends at a test" \
            "accuracy of $no_momentum without momentum and of" \
            "$constant with a constant rate"
    else
        not_yet 3 "compare the result lines of the two runs: which" \
            "change leaves LeNet-5 further below our recipe's test" \
            "accuracy?"
    fi
}

# Exercise 7: LeNet-5 with 32 filters in its second convolution: the
# summary says so (in both builds), the twin's gradient check of the
# whole network passes, and the quick run still learns.
check_7() {
    run --quick --model lenet5
    conv=$(conv2)
    acc=$(result)
    params=$(awk '$1 == "model" && $2 == "lenet5:" { print $3; exit }' \
        "$out")
    want_summary=$(summary)
    if [ "$status" -ne 0 ] || [ -z "$conv" ]; then
        not_yet 7 "the quick run failed (status $status) or printed no" \
            "second convolution: $(head -n 1 "$err")"
        return
    fi
    if [ "$conv" != "32@5x5" ]; then
        not_yet 7 "LeNet-5's second convolution is conv $conv (see the" \
            "summary); the goal is conv 32@5x5: change its row in" \
            "lenet5_layers"
        return
    fi
    if ! twin_current; then
        twin_missing 7
        return
    fi
    run_double --gradcheck lenet5
    line=$(grep '^gradcheck lenet5' "$out" | head -n 1)
    if [ "$status" -ne 0 ] || ! printf '%s\n' "$line" | grep -q ' ok$'
    then
        not_yet 7 "the twin's gradient check of the wider LeNet-5" \
            "reads '${line:-nothing}' (status $status); the goal is ok," \
            "a relative error of at most 1e-6. Did more than the table" \
            "change?"
    elif [ -z "$acc" ] || ! holds 'a >= 0.5' -v a="$acc"; then
        not_yet 7 "the gradients agree, but the quick run gets only" \
            "${acc:-no} test accuracy; the goal is at least 0.5"
    else
        reached 7 "LeNet-5 with conv 32@5x5 has $params parameters," \
            "its gradients agree, and the quick run gets $acc of the" \
            "test digits right; now time and train it in full"
    fi
}

# Exercise 9: max pooling. The twin's --gradcheck maxpool and
# --gradcheck lenet5 pass, LeNet-5's summary shows "maxpool" twice and
# "avgpool" never, and the quick run still learns.
check_9() {
    if [ ! -x "$DOUBLE" ]; then
        twin_missing 9
        return
    fi
    run_double --gradcheck maxpool
    line=$(grep '^gradcheck maxpool' "$out" | head -n 1)
    if [ "$status" -eq 2 ] && grep -q "unknown layer" "$err"; then
        not_yet 9 "--gradcheck knows no layer 'maxpool' yet: add a case" \
            "named maxpool to the table in gradcheck (and rebuild the" \
            "twin, make)"
        return
    elif [ "$status" -ne 0 ] || ! printf '%s\n' "$line" | grep -q ' ok$'
    then
        not_yet 9 "the gradient check of max pooling reads" \
            "'${line:-nothing}' (status $status); the goal is ok, a" \
            "relative error of at most 1e-6. Does the backward pass" \
            "send each output's gradient to the input that won, and" \
            "only there?"
        return
    fi
    run --quick --model lenet5
    acc=$(result)
    want_summary=$(summary)
    pools=$(printf '%s\n' "$want_summary" |
        awk '$1 == "maxpool" { m++ } $1 == "avgpool" { a++ }
             END { printf "%d %d", m, a }')
    if [ "$status" -ne 0 ] || [ -z "$want_summary" ]; then
        not_yet 9 "the quick run failed (status $status):" \
            "$(head -n 1 "$err")"
        return
    fi
    if [ "$pools" != "2 0" ]; then
        not_yet 9 "LeNet-5's summary shows ${pools% *} maxpool and" \
            "${pools#* } avgpool layers; the goal is max pooling in" \
            "place of both average poolings in lenet5_layers, named" \
            "\"maxpool 2x2\" by layer_name"
        return
    fi
    if ! twin_current; then
        twin_missing 9
        return
    fi
    run_double --gradcheck lenet5
    whole=$(grep '^gradcheck lenet5' "$out" | head -n 1)
    if [ "$status" -ne 0 ] || ! printf '%s\n' "$whole" | grep -q ' ok$'
    then
        not_yet 9 "max pooling passes alone, but the whole LeNet-5" \
            "reads '${whole:-nothing}' (status $status); the goal is ok." \
            "Are model_forward and model_backward given the right" \
            "regions?"
    elif [ -z "$acc" ] || ! holds 'a >= 0.5' -v a="$acc"; then
        not_yet 9 "the gradients agree, but the quick run gets only" \
            "${acc:-no} test accuracy; the goal is at least 0.5"
    else
        error=$(printf '%s\n' "$line" |
            awk '{ for (i = 1; i < NF; i++) if ($i == "error") {
                print $(i + 1); exit } }')
        reached 9 "max pooling's gradients agree with the differences" \
            "to $error, the whole LeNet-5's too, and the quick run gets" \
            "$acc of the test digits right; now train both poolings in" \
            "full and compare"
    fi
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
