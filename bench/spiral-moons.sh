#!/bin/sh
# spiral-moons.sh - chapters 6 and 7 against their NumPy originals.
#
#   sh bench/spiral-moons.sh        (from the repository root; make bench)
#
# Times the same work on this machine in C and in NumPy:
#   spiral  the two-layer ReLU net of seeds 000/001, 10000 iterations
#           (build/bin/06-softmax-spiral --only net, bench/peers/spiral.py)
#   moons   the 3-unit tanh net of seed 002, 20000 passes
#           (build/bin/07-tanh-moons --only net, bench/peers/moons.py)
# Each program times its own training loop (data making, imports and
# start-up are not counted) and prints it on stderr, as wall-clock and
# CPU seconds. Every program runs RUNS times (default 3) and its best
# run counts. The ratio NumPy / C is taken of the CPU seconds, which
# other programs running on the machine disturb far less than the
# wall-clock ones; both are printed, and the goal is a ratio of 5. Both
# sides run on one thread (OPENBLAS_NUM_THREADS=1): NumPy's OpenBLAS
# would otherwise start threads that only wait at these sizes. The NumPy
# side needs Debian's python3-numpy and python3-sklearn (PYTHON, default
# /usr/bin/python3). BUILD picks the build directory (default build).
#
# Exit status 1 if a program is missing or fails, or if the C and NumPy
# runs disagree on their first printed loss; never because of a ratio.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-3}
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

die() { echo "bench: $*" >&2; exit 1; }

for chapter in 06-softmax-spiral 07-tanh-moons; do
    [ -x "$BUILD/bin/$chapter" ] \
        || die "no $BUILD/bin/$chapter; build first (make)"
done
"$PYTHON" -c 'import numpy, sklearn' 2> /dev/null \
    || die "$PYTHON cannot import numpy and sklearn" \
           "(apt-get install python3-numpy python3-sklearn)"

# best NAME COMMAND...: run RUNS times; print the best wall and CPU
# seconds from the "net training: ... in W s, CPU C s" line on stderr.
best() {
    name=$1
    shift
    i=0
    while [ $i -lt "$RUNS" ]; do
        "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" \
            || { cat "$tmp/$name.err" >&2; die "$name failed: $*"; }
        grep "net training:" "$tmp/$name.err" \
            | sed 's/.* in \([0-9.]*\) s, CPU \([0-9.]*\) s.*/\1 \2/' \
            >> "$tmp/$name.times"
        i=$((i + 1))
    done
    sort -n -k 2 "$tmp/$name.times" | head -n 1
}

# first_loss NAME: the first loss line the run printed
first_loss() { grep -m 1 -i "loss" "$tmp/$1.out"; }

echo "chapters 6 and 7 against NumPy $("$PYTHON" -c \
    'import numpy; print(numpy.__version__)') on $(nproc) CPU(s)," \
    "best of $RUNS, one thread each"
printf '%-7s %-26s %15s %15s %8s\n' "" "work" "C: wall, CPU" \
    "NumPy: wall, CPU" "NumPy/C"
status=0
for case in spiral moons; do
    if [ $case = spiral ]; then
        work="10000 iterations, h = 100"
        c_cmd="$BUILD/bin/06-softmax-spiral --only net --plot none"
    else
        work="20000 passes, h = 3"
        c_cmd="$BUILD/bin/07-tanh-moons --only net --plot none"
    fi
    c=$(best "c-$case" $c_cmd) || exit 1
    py=$(best "py-$case" "$PYTHON" "bench/peers/$case.py" --only net) \
        || exit 1
    [ -n "$c" ] && [ -n "$py" ] || die "no timing line from $case"
    ratio=$(echo "$py $c" | awk '{ printf "%.1f", $2 / $4 }')
    printf '%-7s %-26s %7s %7s %7s %7s %7sx\n' "$case" "$work" $c $py \
        "$ratio"
    echo "$case $ratio" >> "$tmp/ratios"
    c_first=$(first_loss "c-$case")
    py_first=$(first_loss "py-$case")
    if [ "$c_first" != "$py_first" ]; then
        echo "  C and NumPy disagree: '$c_first' vs '$py_first'"
        status=1
    else
        echo "  both print: $c_first"
    fi
done
awk '{ if ($2 + 0 < 5) low = low " " $1 }
     END { if (low == "") print "goal (NumPy/C >= 5): met";
           else print "goal (NumPy/C >= 5): NOT met for" low }' \
    "$tmp/ratios"
exit $status
