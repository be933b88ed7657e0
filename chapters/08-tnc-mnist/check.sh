#!/bin/sh
# check.sh - did your run, or your change to 08-tnc-mnist.c, reach the
# goal of one of chapter 8's exercises?
#
#   make check-08                          every checkable exercise
#   make check-08 EXERCISE=3 ANSWER=400    one exercise, with your answer
#   BIN=build/bin/08-tnc-mnist sh chapters/08-tnc-mnist/check.sh [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 3 (an answer), 5 and 8 (code changes: a flag that switches
# the preconditioner off, softmax outputs).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="3 5 8"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
3) ;;
5|8) [ -z "$answer" ] || usage "exercise $exercise takes no ANSWER" ;;
1|2|4|6|7) usage "exercise $exercise has no automatic check: it asks" \
                 "you to look and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac

# after TEXT: the first word after TEXT on a line of stdout, or nothing.
after() {
    awk -v text="$1" 'i = index($0, text) {
        split(substr($0, i + length(text)), w, " "); print w[1]; exit }' \
        "$out"
}
# border: the largest |w| on the blank pixels after training (the
# number before "now" on the "no training image inks" line), or nothing.
border() {
    awk '/no training image inks/ && $NF == "now" { print $(NF - 1)
        exit }' "$out"
}
# step N: outer iteration N's line of the truncated-Newton table,
# blanks squeezed, or nothing.
step() {
    awk -v n="$1" '$1 == n && NF >= 5 && $2 ~ /^[0-9]+$/ {
        $1 = $1; print; exit }' "$out"
}
# steps_after: outer iterations 2, 3, ... of the table, one per line.
steps_after() {
    awk '/^  nit  nfev/ { table = 1; next } !table { next }
         $1 !~ /^[0-9]+$/ { exit } $1 >= 2 { $1 = $1; print }' "$out"
}

# Exercise 3: the number N of gradient-descent steps (--lr 3) that
# brings the weights on the blank pixels as low as truncated Newton's
# --train 500 --evals 100 does, to within 5%: N steps do, 5% fewer
# (rounded down) do not. N steps are --evals N + 1.
check_3() {
    if [ -z "$answer" ]; then
        not_yet 3 "no answer given: work out how many steps gradient" \
            "descent needs, then run" \
            "make check-08 EXERCISE=3 ANSWER=<steps>"
        return
    fi
    case $answer in
    *[!0-9]*) usage "ANSWER '$answer' is not a number of steps" ;;
    esac
    answer=$(printf '%s\n' "$answer" | sed 's/^0*//')
    [ -n "$answer" ] && [ "$answer" -le 10000 ] ||
        usage "ANSWER must be a number of steps, 1 to 10000"
    run --no-compare --train 500 --evals 100
    goal=$(border)
    if [ "$status" -ne 0 ] || [ -z "$goal" ]; then
        not_yet 3 "the truncated-Newton run --train 500 --evals 100" \
            "failed (status $status) or printed no 'no training image" \
            "inks' line: $(head -n 1 "$err")"
        return
    fi
    run --no-compare --train 500 --optimizer gd --evals $((answer + 1))
    got=$(border)
    if [ "$status" -ne 0 ] || [ -z "$got" ]; then
        not_yet 3 "the gradient-descent run --evals $((answer + 1))" \
            "failed (status $status): $(head -n 1 "$err")"
        return
    fi
    if ! holds 'g <= t' -v g="$got" -v t="$goal"; then
        not_yet 3 "after $answer steps of gradient descent the largest" \
            "border weight is $got, truncated Newton's $goal; the goal" \
            "is no larger. More steps are needed: by what factor does" \
            "one step shrink a border weight?"
        return
    fi
    fewer=$((answer * 95 / 100))
    if [ "$fewer" -ge 1 ]; then
        run --no-compare --train 500 --optimizer gd --evals $((fewer + 1))
        less=$(border)
    else
        less=""
    fi
    if [ -n "$less" ] && holds 'l <= t' -v l="$less" -v t="$goal"; then
        not_yet 3 "$answer steps bring the largest border weight to" \
            "$got, but 5% fewer, $fewer steps, already to $less, as low" \
            "as truncated Newton's $goal; the goal is the count to" \
            "within 5%. Fewer steps suffice"
    else
        reached 3 "$answer steps of gradient descent bring the largest" \
            "border weight to $got, truncated Newton's 100 evaluations" \
            "to $goal; $fewer steps leave it at ${less:-its start}"
    fi
}

# Exercise 5: a flag --no-precondition that runs the conjugate
# gradients without a preconditioner: the first outer iteration, where
# the preconditioner is still the identity, is unchanged; later ones
# change.
check_5() {
    run --quick --no-compare --no-precondition
    if [ "$status" -ne 0 ]; then
        if grep -q "unknown flag '--no-precondition'" "$err"; then
            not_yet 5 "the program does not know --no-precondition yet:" \
                "add it to main's table of options (CLI_FLAG, like" \
                "--no-compare) and hand it to tnc_minimize"
        else
            not_yet 5 "the run with --quick --no-compare" \
                "--no-precondition failed (status $status):" \
                "$(head -n 1 "$err")"
        fi
        return
    fi
    off1=$(step 1)
    off_rest=$(steps_after)
    off_cost=$(after "fun: ")
    run --quick --no-compare
    on1=$(step 1)
    on_rest=$(steps_after)
    on_cost=$(after "fun: ")
    if [ "$status" -ne 0 ] || [ -z "$on1" ] || [ -z "$off1" ]; then
        not_yet 5 "the quick runs printed no outer iteration 1 (status" \
            "$status): $(head -n 1 "$err")"
    elif [ "$off1" != "$on1" ]; then
        not_yet 5 "with --no-precondition outer iteration 1 reads" \
            "'$off1', without it '$on1'; the goal is the same line: the" \
            "learned preconditioner starts as the identity, so the first" \
            "direction must not change. Did more than the preconditioner" \
            "change?"
    elif [ "$off_rest" = "$on_rest" ]; then
        not_yet 5 "--no-precondition changes nothing: every outer" \
            "iteration is the same as without it. With the flag," \
            "preconditioner_solve should copy r and preconditioner_learn" \
            "do nothing"
    else
        reached 5 "--no-precondition leaves outer iteration 1 as it was" \
            "and changes the later ones; the quick run ends at cost" \
            "$off_cost without the preconditioner, $on_cost with it"
    fi
}

# Exercise 8: softmax outputs. The network line says so, the derivative
# checks pass ex4's bound 1e-9, the finite-difference product agrees
# with the exact one as well as the tests ask of the sigmoid net, and
# the quick run gets at least 0.85 of the training images right.
check_8() {
    run --quick --no-compare
    net=$(grep '^network ' "$out" | head -n 1)
    g0=$(after "gradient check, lambda = 0: relative difference ")
    g3=$(after "gradient check, lambda = 3: relative difference ")
    h3=$(after "Hessian check, lambda = 3: relative difference ")
    fd=$(after "finite difference against exact: relative difference ")
    acc=$(after "training accuracy: ")
    if [ "$status" -ne 0 ] || [ -z "$net" ]; then
        not_yet 8 "the quick run failed (status $status):" \
            "$(head -n 1 "$err")"
    elif ! printf '%s\n' "$net" | grep -q 'softmax'; then
        not_yet 8 "the network line still reads '${net%%:*}'; give the" \
            "network softmax outputs and say \"softmax outputs\" there"
    elif [ -z "$g0" ] || [ -z "$g3" ] ||
        ! holds 'a < 1e-9 && b < 1e-9' -v a="$g0" -v b="$g3"; then
        not_yet 8 "the gradient checks give ${g0:-nothing} and" \
            "${g3:-nothing}; the goal is below 1e-9. The cost comes from" \
            "output_in, not from probs: do forward and" \
            "cross_entropy_forward both use the softmax?"
    elif [ -z "$h3" ] || ! holds 'h < 1e-9' -v h="$h3"; then
        not_yet 8 "the gradients pass ($g0, $g3), but the Hessian check" \
            "gives ${h3:-nothing}; the goal is below 1e-9. Does" \
            "cross_entropy_rbackward use the R-operator of the softmax?"
    elif [ -z "$fd" ] || ! holds 'f < 1e-5' -v f="$fd"; then
        not_yet 8 "the checks pass, but on the digits the" \
            "finite-difference product differs from the exact one by" \
            "${fd:-nothing}; the goal is below 1e-5"
    elif [ -z "$acc" ] || ! holds 'a >= 0.85' -v a="$acc"; then
        not_yet 8 "the checks pass, but the quick run gets only" \
            "${acc:-no} of the training images right; the goal is at" \
            "least 0.85"
    else
        reached 8 "softmax outputs: the checks give $g0, $g3 and $h3," \
            "the products agree to $fd, and the quick run gets $acc of" \
            "the training images right"
    fi
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
