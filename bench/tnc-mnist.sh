#!/bin/sh
# tnc-mnist.sh - chapter 8 against SciPy, side by side.
#
#   sh bench/tnc-mnist.sh            (from the repository's root)
#
# Both train the seed's network at MNIST's resolution (784-25-10,
# sigmoid, cross-entropy, lambda = 1) on the same 5,000 digits from the
# same start (np.random.seed(0); uniform(-0.5, 0.5)) with truncated
# Newton and a budget of 300 evaluations: the chapter's C program
# (finite-difference Hessian products, as TNC makes them, at most 10
# per direction) and scipy.optimize.minimize(method='TNC') with its
# defaults (bench/peers/tnc_mnist.py, run by Debian's /usr/bin/python3
# with NumPy and SciPy). Prints each one's result, the time spent
# training (the optimizer alone, data loading excluded, best of RUNS
# runs each, default 3, taken in turns) and the ratio.
#
# Environment: BUILD (default build), RUNS, PYTHON (default
# /usr/bin/python3), C_FLAGS (more flags for the C program, such as
# "--hessian exact"), SCIPY_MAXCG (TNC's maxCGit for the peer, default
# its own). Exit 1 if a side fails to run.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
bin=$BUILD/bin/08-tnc-mnist

[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" > /dev/null
cmake --build "$BUILD" --target 08-tnc-mnist > /dev/null
"$PYTHON" -c "import numpy, scipy" 2> /dev/null || {
    echo "tnc-mnist: $PYTHON has no numpy/scipy" \
         "(apt-get install python3-scipy)" >&2
    exit 1
}

out=$(mktemp)
trap 'rm -f "$out" "$out.err"' EXIT

# best (smallest) of the numbers on stdin
best() { sort -g | head -n 1; }

c_times=""
py_times=""
i=0
while [ "$i" -lt "$RUNS" ]; do
    # shellcheck disable=SC2086
    "$bin" --plot none --no-compare ${C_FLAGS:-} > "$out" 2> "$out.err" || {
        cat "$out.err" >&2; rm -f "$out.err"; exit 1; }
    c_result=$(grep -E "^ *(fun|nit|nfev|status):|accuracy" "$out")
    c_label=$(grep '^training:' "$out" | cut -d' ' -f2-)
    t=$(sed -n 's/^time: truncated Newton, [^:]*: \([0-9.]*\) s$/\1/p' \
        "$out.err")
    rm -f "$out.err"
    c_times="$c_times $t"
    "$PYTHON" bench/peers/tnc_mnist.py data/mnist 300 "${SCIPY_MAXCG:--1}" \
        > "$out" 2> /dev/null || {
        echo "tnc-mnist: the SciPy peer failed" >&2; exit 1; }
    py_result=$(grep -vE "^train seconds" "$out")
    t=$(sed -n 's/^train seconds: \([0-9.]*\)$/\1/p' "$out")
    py_times="$py_times $t"
    i=$((i + 1))
done
c_best=$(printf '%s\n' $c_times | best)
py_best=$(printf '%s\n' $py_times | best)

echo "== chapter 8 (C, $c_label; ${C_FLAGS:-default flags}) =="
echo "$c_result"
echo "train seconds (best of $RUNS):$c_times -> $c_best"
echo
echo "== SciPy $("$PYTHON" -c 'import scipy; print(scipy.__version__)')" \
     "minimize(method='TNC', maxCGit=${SCIPY_MAXCG:--1}) =="
echo "$py_result"
echo "train seconds (best of $RUNS):$py_times -> $py_best"
echo
awk -v c="$c_best" -v p="$py_best" 'BEGIN {
    printf "speed: C is %.1fx faster than SciPy (%.3f s vs %.3f s)\n",
           p / c, c, p }'
