#!/bin/sh
# spiral-moons.sh - chapters 6 and 7 against their NumPy originals.
#
#   sh bench/spiral-moons.sh        (from the repository root; make bench)
#
# The same work on this machine in C and in NumPy:
#   spiral  the two-layer ReLU net of cs231n's case study, 10000
#           iterations (build/bin/06-softmax-spiral --only net,
#           bench/peers/spiral.py --only net)
#   moons   the 3-unit tanh net of the moons tutorial, 20000 passes
#           (build/bin/07-tanh-moons --only net, bench/peers/moons.py)
#
# How it is made fair:
# - Both sides run in the same environment: whatever OPENBLAS_* variables
#   are set (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, ...) reach both, and
#   both run on one thread (OPENBLAS_NUM_THREADS=1: at these sizes a
#   second BLAS thread only waits). The script prints the variables, the
#   BLAS library each side loads and, for OpenBLAS, the kernels it chose.
# - Each program times its own training loop (imports, data making and
#   start-up are not counted) and prints it on stderr as wall-clock and
#   CPU seconds. The runs are interleaved, C, NumPy, C, NumPy, ... RUNS
#   times each (default 5), so that a change in the machine's load hits
#   both sides; best and median are printed, and the ratio NumPy / C of
#   the CPU seconds, which other programs disturb less than wall time.
# - Instructions do not depend on the load at all: with valgrind
#   installed (CALLGRIND=0 skips it) each side runs under callgrind at
#   two lengths, and the difference, the instructions of the extra
#   training alone, gives an instruction ratio.
# - Peak memory (maximum resident set, from /usr/bin/time) of each side.
# A one-line verdict per target: spiral >= 6, moons >= 10 (issue 16).
#
# The NumPy side needs Debian's python3-numpy (PYTHON, default
# /usr/bin/python3; the peers' --only net runs need no scikit-learn). BUILD picks the build directory
# (default build). Exit status 1 if a program is missing or fails, or if
# C and NumPy disagree on their first printed loss; never because of a
# ratio.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-5}
CALLGRIND=${CALLGRIND:-1}
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

die() { echo "bench: $*" >&2; exit 1; }

for chapter in 06-softmax-spiral 07-tanh-moons; do
    [ -x "$BUILD/bin/$chapter" ] \
        || die "no $BUILD/bin/$chapter; build first (make)"
done
"$PYTHON" -c 'import numpy' 2> /dev/null \
    || die "$PYTHON cannot import numpy (apt-get install python3-numpy)"

# Which BLAS each side runs with (bench/peers/blas.py): the library the
# C program links, and the one NumPy loads.
c_blas=$(ldd "$BUILD/bin/06-softmax-spiral" \
         | awk '/blas/ { print $3; exit }')
echo "chapters 6 and 7 against NumPy $("$PYTHON" -c \
    'import numpy; print(numpy.__version__)') on $(nproc) CPU(s), load" \
    "$(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "environment: $(env | grep '^OPENBLAS_' | sort | tr '\n' ' ')"
echo "C BLAS:     $( [ -n "$c_blas" ] \
    && "$PYTHON" bench/peers/blas.py "$c_blas" || echo none)"
echo "NumPy BLAS: $("$PYTHON" bench/peers/blas.py)"

# run NAME COMMAND...: one run; appends "wall cpu" to NAME.times, the
# peak memory in KB to NAME.rss, keeps stdout in NAME.out.
run() {
    name=$1
    shift
    /usr/bin/time -f '%M' -o "$tmp/$name.mem" "$@" > "$tmp/$name.out" \
        2> "$tmp/$name.err" \
        || { cat "$tmp/$name.err" >&2; die "$name failed: $*"; }
    grep "net training:" "$tmp/$name.err" \
        | sed 's/.* in \([0-9.]*\) s, CPU \([0-9.]*\) s.*/\1 \2/' \
        >> "$tmp/$name.times"
    tail -n 1 "$tmp/$name.mem" >> "$tmp/$name.rss"
}

# stats NAME: "best-wall best-cpu median-wall median-cpu max-rss-MB"
stats() {
    sort -n -k 2 "$tmp/$1.times" | awk -v rss="$(sort -n "$tmp/$1.rss" \
        | tail -n 1)" '{ w[NR] = $1; c[NR] = $2 }
        END { m = int((NR + 1) / 2)
              printf "%.3f %.3f %.3f %.3f %.0f", w[1], c[1], w[m], c[m],
                     rss / 1024 }'
}

# instructions COMMAND...: instructions the command executes (callgrind)
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
        2>&1 > /dev/null | awk '/Collected :/ { print $NF }'
}

status=0
for case in spiral moons; do
    if [ $case = spiral ]; then
        c_cmd="$BUILD/bin/06-softmax-spiral --only net --plot none"
        py_cmd="$PYTHON bench/peers/spiral.py --only net"
        work="10000 iterations, h = 100"
        length=--iterations short=200 long=600 goal=6
    else
        c_cmd="$BUILD/bin/07-tanh-moons --only net --plot none"
        py_cmd="$PYTHON bench/peers/moons.py --only net"
        work="20000 passes, h = 3"
        length=--passes short=1000 long=3000 goal=10
    fi
    i=0
    while [ $i -lt "$RUNS" ]; do
        run "c-$case" $c_cmd
        run "py-$case" $py_cmd
        i=$((i + 1))
    done
    echo
    echo "$case ($work), $RUNS interleaved runs each:"
    printf '  %-10s %9s %11s %10s %12s %8s\n' "" "CPU best" "CPU median" \
        "its wall" "its wall" "peak MB"
    stats "c-$case" > "$tmp/c.stats"
    stats "py-$case" > "$tmp/py.stats"
    read -r cw cc cmw cmc crss < "$tmp/c.stats"
    read -r pw pc pmw pmc prss < "$tmp/py.stats"
    printf '  %-10s %9s %11s %10s %12s %8s\n' C "$cc" "$cmc" "$cw" "$cmw" \
        "$crss"
    printf '  %-10s %9s %11s %10s %12s %8s\n' NumPy "$pc" "$pmc" "$pw" \
        "$pmw" "$prss"
    best=$(echo "$pc $cc" | awk '{ printf "%.1f", $1 / $2 }')
    median=$(echo "$pmc $cmc" | awk '{ printf "%.1f", $1 / $2 }')
    echo "  NumPy / C in CPU time: ${best}x (best), ${median}x (median)"
    # goal: met or NOT met for a ratio
    goal_of() { echo "$1 $goal" \
        | awk '{ print ($1 >= $2) ? "met" : "NOT met" }'; }
    verdict="CPU time ${median}x (median): $(goal_of "$median")"
    if [ "$CALLGRIND" = 1 ] && command -v valgrind > /dev/null; then
        c_i=$(( $(instructions $c_cmd $length $long) \
                - $(instructions $c_cmd $length $short) ))
        py_i=$(( $(instructions $py_cmd $length $long) \
                 - $(instructions $py_cmd $length $short) ))
        [ "$c_i" -gt 0 ] && [ "$py_i" -gt 0 ] \
            || die "callgrind counts for $case make no sense" \
                   "(C $c_i, NumPy $py_i)"
        ratio=$(echo "$py_i $c_i" | awk '{ printf "%.1f", $1 / $2 }')
        echo "  instructions for $((long - short)) ${length#--}" \
             "(callgrind): C $c_i, NumPy $py_i: ${ratio}x"
        verdict="$verdict; instructions ${ratio}x: $(goal_of "$ratio")"
    fi
    echo "  verdict, goal NumPy/C >= $goal: $verdict"
    c_first=$(grep -m 1 -i "loss" "$tmp/c-$case.out")
    py_first=$(grep -m 1 -i "loss" "$tmp/py-$case.out")
    if [ "$c_first" != "$py_first" ]; then
        echo "  C and NumPy disagree: '$c_first' vs '$py_first'"
        status=1
    else
        echo "  both print: $c_first"
    fi
done
exit $status
