#!/bin/sh
# check.sh - did your run, or your change to 03-gradient-descent.c,
# reach the goal of one of chapter 3's exercises?
#
#   make check-03                          every checkable exercise
#   make check-03 EXERCISE=2 ANSWER=1.5    one exercise, with your answer
#   BIN=build/bin/03-gradient-descent \
#       sh chapters/03-gradient-descent/check.sh [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 2 and 4 (answers), 5 (a code change: a shrinking rate).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="2 4 5"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
2|4) ;;
5) [ -z "$answer" ] || usage "exercise 5 takes no ANSWER" ;;
1|3) usage "exercise $exercise has no automatic check: it asks you" \
           "to look and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# field NAME N: field N of the summary row of descent NAME
# ("stochastic", "mini-batch", "fixed step"), counted from the row's
# end: 0 is "later updates within 0.01", 1 the final error, 2 the final
# w, 3 the first update within 0.01.
field() {
    awk -v name="$1" -v n="$2" 'index($0, name) == 1 && NF >= 6 \
        && $(NF - 4) ~ /^[0-9]+$/ { print $(NF - n); exit }' "$out"
}
w_star() {
    awk '/least squares w\* =/ { print $NF; exit }' "$out"
}

# Exercise 2: the mean-square stability bound of stochastic descent,
# alpha < E[x^2] / E[x^4]. The run confirms a bound when the printed
# mean of (1 - 2 alpha x^2)^2 is below 1 a little under it (4%) and not
# below 1 a little over it.
# msq: that mean in the last run, or nothing.
msq() {
    awk '/^stochastic: mean of/ { sub(/.*= /, ""); print $1; exit }' \
        "$out"
}
check_2() {
    if [ -z "$answer" ]; then
        not_yet 2 "no answer given: work out the bound on alpha below" \
            "which E[(1 - 2 alpha x^2)^2] < 1, then run" \
            "make check-03 EXERCISE=2 ANSWER=<your bound>"
        return
    fi
    is_number "$answer" || usage "ANSWER '$answer' is not a number"
    if ! holds 'a > 0' -v a="$answer"; then
        not_yet 2 "a learning rate is positive; $answer is not"
        return
    fi
    under=$(awk -v a="$answer" 'BEGIN { printf "%.6g", a * 0.96 }')
    over=$(awk -v a="$answer" 'BEGIN { printf "%.6g", a * 1.04 }')
    # A run that diverged before printing the mean counts as "not below 1".
    run --quick --lr "$under"
    m_under=$(msq)
    grep -q diverged "$err" && m_under=${m_under:-diverged}
    run --quick --lr "$over"
    m_over=$(msq)
    grep -q diverged "$err" && m_over=${m_over:-diverged}
    if [ -z "$m_under" ] || [ -z "$m_over" ]; then
        not_yet 2 "the runs at --lr $under and $over printed no" \
            "'stochastic: mean of' line (status $status)"
    elif [ "$m_under" = diverged ]; then
        not_yet 2 "at --lr $under stochastic descent already diverged:" \
            "the bound lies lower"
    elif ! holds 'm < 1' -v m="$m_under"; then
        not_yet 2 "at --lr $under the mean of (1 - 2 alpha x^2)^2 is" \
            "$m_under, already not below 1: the bound lies lower"
    elif [ "$m_over" != diverged ] && holds 'm < 1' -v m="$m_over"; then
        not_yet 2 "at --lr $over the mean of (1 - 2 alpha x^2)^2 is" \
            "$m_over, still below 1: the bound lies higher"
    else
        reached 2 "the run confirms it: the mean of (1 - 2 alpha" \
            "x^2)^2 is $m_under at --lr $under and $m_over at --lr $over"
    fi
}

# Exercise 4: a fixed step with which fixed-step descent is within 0.01
# of w* after its first update.
check_4() {
    if [ -z "$answer" ]; then
        not_yet 4 "no answer given: pick a --step with which fixed-step" \
            "descent arrives after one update, then run" \
            "make check-03 EXERCISE=4 ANSWER=<your --step>"
        return
    fi
    is_number "$answer" || usage "ANSWER '$answer' is not a number"
    run --step "$answer"
    arrival=$(field "fixed step" 3)
    if [ "$status" -ne 0 ] || [ -z "$arrival" ]; then
        not_yet 4 "the run with --step $answer failed (status $status)" \
            "$(head -n 1 "$err")"
        return
    fi
    stays=$(field "fixed step" 0)
    if [ "$arrival" = 1 ]; then
        reached 4 "with --step $answer fixed-step descent is within" \
            "0.01 of w* after update 1 (and stays there for $stays of" \
            "the later updates)"
    elif [ "$arrival" = never ]; then
        not_yet 4 "with --step $answer fixed-step descent never gets" \
            "within 0.01 of w*; the goal is after update 1. How far is" \
            "the start from w*?"
    else
        not_yet 4 "with --step $answer fixed-step descent first gets" \
            "within 0.01 of w* after update $arrival; the goal is" \
            "update 1. How far is the start from w*?"
    fi
}

# Exercise 5: a shrinking learning rate for stochastic descent: in the
# default run it stays within 0.01 for at least 90% of the updates after
# its arrival and ends within 0.005 of w*.
check_5() {
    run
    if [ "$status" -ne 0 ]; then
        not_yet 5 "the default run failed (status $status):" \
            "$(head -n 1 "$err")"
        return
    fi
    stays=$(field stochastic 0)
    final=$(field stochastic 2)
    arrival=$(field stochastic 3)
    target=$(w_star)
    if [ -z "$stays" ] || [ -z "$final" ] || [ -z "$target" ]; then
        not_yet 5 "no summary row for stochastic descent in the output"
        return
    fi
    off=$(awk -v w="$final" -v t="$target" 'BEGIN {
        d = w - t; printf "%.6f", d < 0 ? -d : d }')
    if [ "$arrival" = never ]; then
        not_yet 5 "stochastic descent never gets within 0.01 of w*" \
            "now; does the rate shrink too fast?"
    elif ! holds 's + 0 >= 90' -v s="$stays"; then
        not_yet 5 "stochastic descent stays within 0.01 for $stays of" \
            "the updates after its arrival (update $arrival); the goal" \
            "is at least 90%. Does its rate shrink with the update" \
            "number, alpha / (1 + t / 100)?"
    elif ! holds 'd <= 0.005' -v d="$off"; then
        not_yet 5 "it stays for $stays, but ends $off from w*; the goal" \
            "is within 0.005"
    else
        reached 5 "stochastic descent arrives at update $arrival, then" \
            "stays within 0.01 for $stays of the later updates and ends" \
            "$off from w*"
    fi
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
