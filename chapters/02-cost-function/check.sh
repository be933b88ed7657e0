#!/bin/sh
# check.sh - did your run, or your change to 02-cost-function.c, reach
# the goal of one of chapter 2's exercises?
#
#   make check-02                          every checkable exercise
#   make check-02 EXERCISE=1 ANSWER=0.5    one exercise, with your answer
#   BIN=build/bin/02-cost-function sh chapters/02-cost-function/check.sh \
#       [k [x]]
#
# Prints one line per exercise, "exercise k: reached - ..." or
# "exercise k: not yet - ...", and exits 0 when every exercise checked
# is reached, 1 when one is not, 2 on a usage error.
# Checkable: 1 (an answer), 5 (a code change: the scan over w and b).
. "$(dirname "$0")/../../tests/exercise-lib.sh"
CHECKABLE="1 5"

exercise=$1
answer=$2
case $exercise in
'') [ -z "$answer" ] || usage "ANSWER needs an EXERCISE" ;;
1) ;;
5) [ -z "$answer" ] || usage "exercise 5 takes no ANSWER" ;;
2|3|4) usage "exercise $exercise has no automatic check: it asks you" \
             "to look, work by hand and explain (checkable: $CHECKABLE)" ;;
*) usage "no exercise '$exercise' (checkable: $CHECKABLE)" ;;
esac


# Exercise 1: a step of at least 0.1 whose scan lands within 0.001 of
# the closed-form w*.
check_1() {
    if [ -z "$answer" ]; then
        not_yet 1 "no answer given: find a step of at least 0.1 whose" \
            "scan lands within 0.001 of w*, then run" \
            "make check-02 EXERCISE=1 ANSWER=<your --step>"
        return
    fi
    is_number "$answer" || usage "ANSWER '$answer' is not a number"
    if holds 's < 0.1' -v s="$answer"; then
        not_yet 1 "the step $answer is finer than 0.1; the goal is a" \
            "step of at least 0.1 (a fine grid is no trick)"
        return
    fi
    run --step "$answer"
    if [ "$status" -ne 0 ]; then
        not_yet 1 "the run with --step $answer failed:" \
            "$(head -n 1 "$err")"
        return
    fi
    miss=$(awk '/^scan minus closed form:/ { print $5; exit }' "$out")
    w=$(awk '/^at index/ { print $6; exit }' "$out")
    if [ -z "$miss" ]; then
        not_yet 1 "no 'scan minus closed form:' line in the output"
    elif holds 'm <= 0.001 && m >= -0.001' -v m="$miss"; then
        reached 1 "with --step $answer the scan picks w = $w, $miss" \
            "from w*"
    else
        not_yet 1 "with --step $answer the scan picks w = $w, $miss" \
            "from w*; the goal is within 0.001. The scan only tries" \
            "multiples of the step: which step has w* among them?"
    fi
}

# Exercise 5: the best point of the surface's grid, printed as
# "grid best: w = W, b = B, error E". Checked against the grid minimum
# computed here from what the program prints: a = mean x^2,
# b = -2 mean xy, c = mean y^2 and the least-squares line (w_l, b_l),
# which give mean x = (mean xy - w_l mean x^2) / b_l and
# mean y = w_l mean x + b_l, hence e(w, b) everywhere.
check_5() {
    run
    if [ "$status" -ne 0 ]; then
        not_yet 5 "the default run failed (status $status):" \
            "$(head -n 1 "$err")"
        return
    fi
    if ! grep -q '^grid best:' "$out"; then
        not_yet 5 "no 'grid best:' line in the output: scan the" \
            "surface's grid for its smallest error and print it with" \
            "printf(\"grid best: w = %g, b = %g, error %.6f\\n\", ...)"
        return
    fi
    verdict=$(awk '
        function abs(v) { return v < 0 ? -v : v }
        # e(w, b) from the moments
        function e(w, b) {
            return c - 2 * w * mxy - 2 * b * my + w * w * a \
                   + 2 * w * b * mx + b * b
        }
        /^e[(]w[)] = a/ {
            a = $13; q = $16; c = $19
            sub(",", "", a); sub(",", "", q)
        }
        /^least squares w =/ {
            wl = $5; bl = $9; sub(",", "", wl); sub(",", "", bl)
        }
        /^grid best:/ {
            line = $0
            sub(/^grid best: *w *= */, "", line)
            split(line, part, /, *b *= *|, *error */)
            gw = part[1]; gb = part[2]; ge = part[3]
        }
        END {
            if (a == "" || wl == "" || gw == "" || gb == "" || ge == "") {
                print "not yet - cannot read the line; expected" \
                      " grid best: w = W, b = B, error E"
                exit
            }
            if (abs(bl) < 0.005) {
                print "not yet - the bias of this run is too close to 0 to" \
                      " recover the grid here; use the default seed"
                exit
            }
            mxy = -q / 2; mx = (mxy - wl * a) / bl; my = wl * mx + bl
            best = -1
            for (i = 0; i <= 50; i++)
                for (j = 0; j <= 40; j++) {
                    v = e(i * 0.05, -1 + j * 0.05)
                    if (best < 0 || v < best) {
                        best = v; bw = i * 0.05; bb = -1 + j * 0.05
                    }
                }
            iw = gw / 0.05; ib = (gb + 1) / 0.05
            ongrid = abs(iw - int(iw + 0.5)) < 1e-6 && iw > -0.5 \
                     && iw < 50.5 && abs(ib - int(ib + 0.5)) < 1e-6 \
                     && ib > -0.5 && ib < 40.5
            if (!ongrid)
                printf "not yet - w = %s, b = %s is not a point of the" \
                       " surface grid (w from 0 to 2.5, b from -1 to 1," \
                       " steps of 0.05)\n", gw, gb
            else if (abs(ge - e(gw, gb)) > 2e-6)
                printf "not yet - the error printed, %s, is not" \
                       " e(%s, %s) = %.6f; is it the mean squared error" \
                       " of y = w x + b there?\n", ge, gw, gb, e(gw, gb)
            else if (e(gw, gb) > best + 1e-7)
                printf "not yet - e(%s, %s) = %.6f, but the grid has a" \
                       " lower point, error %.6f; does the scan keep the" \
                       " smallest?\n", gw, gb, e(gw, gb), best
            else
                printf "reached - the grid best w = %s, b = %s is the" \
                       " grid minimum (error %s); it lies %+.4f in w," \
                       " %+.4f in b from the least-squares line\n",
                       gw, gb, ge, gw - wl, gb - bl
        }' "$out")
    case $verdict in
    reached*) reached 5 "${verdict#reached - }" ;;
    *) not_yet 5 "${verdict#not yet - }" ;;
    esac
}

for k in ${exercise:-$CHECKABLE}; do
    check_$k
done
exit $failed
