#!/bin/sh
# tnc-mnist.sh - chapter 8's truncated Newton against SciPy's TNC, like
# for like.
#
#   sh bench/tnc-mnist.sh            (from the repository's root)
#
# Both sides train the tutorial's problem - 5,000 MNIST digits (the
# first 500 of each) area-averaged to 20x20, a 400-25-10 sigmoid
# network, lambda = 1, the same initial weights - with truncated Newton
# and a budget of 300 evaluations, configured alike: finite-difference
# Hessian products (TNC's kind) and a cap of 50 conjugate-gradient steps
# per direction (TNC's default) on the C side; SciPy's
# minimize(method='TNC', jac=True) with its defaults, cost and gradient
# from one forward pass. One run of
#     08-tnc-mnist --no-compare --compare-scipy --hessian fd --max-cg 50
# does both, one after the other, in the same environment (same
# OpenBLAS settings: the C program links the system OpenBLAS, and so
# does Debian's NumPy); the chapter writes the problem to a file and
# chapters/08-tnc-mnist/scipy_tnc.py reads it. RUNS runs (default 5)
# alternate the two sides as C, SciPy, C, SciPy, ...; the times are
# those of the optimizer alone (data loading excluded), wall-clock and
# CPU, best and median of each side.
#
# Environment: BUILD (default build), RUNS, NN_PYTHON (default
# /usr/bin/python3), C_FLAGS (more flags for the C program). Exit 1 if
# a side fails to run.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
NN_PYTHON=${NN_PYTHON:-/usr/bin/python3}
export NN_PYTHON
bin=$BUILD/bin/08-tnc-mnist

[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" > /dev/null
cmake --build "$BUILD" --target 08-tnc-mnist > /dev/null
"$NN_PYTHON" -c "import numpy, scipy" 2> /dev/null || {
    echo "tnc-mnist: $NN_PYTHON has no numpy/scipy" \
         "(apt-get install python3-scipy)" >&2
    exit 1
}

out=$(mktemp)
trap 'rm -f "$out" "$out.err" "$out.c" "$out.py"' EXIT
: > "$out.c"
: > "$out.py"
i=0
while [ "$i" -lt "$RUNS" ]; do
    # shellcheck disable=SC2086
    "$bin" --plot none --no-compare --compare-scipy --hessian fd \
        --max-cg 50 ${C_FLAGS:-} > "$out" 2> "$out.err" || {
        cat "$out.err" >&2; exit 1; }
    sed -n 's/^time: truncated Newton, [^:]*: \([0-9.]*\) s wall, \([0-9.]*\) s CPU$/\1 \2/p' \
        "$out.err" >> "$out.c"
    sed -n "s/^time: SciPy's TNC: \([0-9.]*\) s wall, \([0-9.]*\) s CPU$/\1 \2/p" \
        "$out.err" >> "$out.py"
    i=$((i + 1))
done

# best and median of column $1 of file $2
stats() {
    cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "best %.3f s, median %.3f s", v[1], m }'
}
median() {
    cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END {
        print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

kernel=$("$NN_PYTHON" -c '
import ctypes
lib = ctypes.CDLL("libopenblas.so.0")
lib.openblas_get_corename.restype = ctypes.c_char_p
print(lib.openblas_get_corename().decode())' 2> /dev/null || echo unknown)
echo "== the problem and both results (last run) =="
sed -n '/^mnist\|^training on\|^network/p' "$out"
sed -n '/^SciPy/,$p' "$out"
echo
echo "OpenBLAS kernel (both sides, one library): $kernel;" \
     "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}," \
     "OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}"
echo "C, $(grep '^training:' "$out" | cut -d' ' -f2-), cap 50," \
     "$RUNS runs:"
echo "  wall: $(stats 1 "$out.c");  CPU: $(stats 2 "$out.c")"
echo "SciPy $(sed -n 's/^SciPy \([^,]*\),.*/\1/p' "$out") TNC, jac=True," \
     "$RUNS runs:"
echo "  wall: $(stats 1 "$out.py");  CPU: $(stats 2 "$out.py")"
awk -v cw="$(median 1 "$out.c")" -v cc="$(median 2 "$out.c")" \
    -v pw="$(median 1 "$out.py")" -v pc="$(median 2 "$out.py")" 'BEGIN {
    printf "verdict: C is %.1fx faster in wall-clock time, %.1fx in CPU" \
           " time (medians; target 4x)\n", pw / cw, pc / cc }'
