#!/bin/sh
# test-draws.sh - the chapter's initial weights are NumPy's.
#
#   sh test-draws.sh PROGRAM numpy-draws.txt
#
# PROGRAM --gradcheck prints "initial weights: np.random.seed(0);
# np.random.uniform(-0.5, 0.5, 10285)" and under it "  first A B, last
# C"; numpy-draws.txt (made
# by numpy_draws.py with NumPy itself) holds NumPy's first, second and
# last draw. The numbers are compared as doubles (17 digits against
# NumPy's shortest form is no difference). Exit 0 when all three agree.
program=$1
reference=$2
line=$("$program" --gradcheck --plot none | grep -A1 -x \
    'initial weights: np.random.seed(0); np.random.uniform(-0.5, 0.5, 10285)' \
    | sed -n 's/^  first \(.*\), last \(.*\)$/\1 \2/p')
[ -n "$line" ] || { echo "FAIL: no initial weights for 10285"; exit 1; }
ours=$line
numpy=$(awk '$1 == "first" || $1 == "second" || $1 == "last" { print $2 }' \
    "$reference")
# shellcheck disable=SC2086
set -- $ours $numpy
[ $# -eq 6 ] || { echo "FAIL: expected 3 + 3 numbers, got: $*"; exit 1; }
awk -v a="$1" -v b="$2" -v c="$3" -v x="$4" -v y="$5" -v z="$6" 'BEGIN {
    ok = a + 0 == x + 0 && b + 0 == y + 0 && c + 0 == z + 0
    print (ok ? "ok: " : "FAIL: ") a " " b " " c " against NumPy " \
          x " " y " " z
    exit !ok }'
