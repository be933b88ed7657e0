#!/bin/sh
# spiral-moons.sh - chapters 6 and 7 against their NumPy originals.
#
#   sh bench/spiral-moons.sh        (from the repository root; make bench)
#
# The same work on this machine in C and in NumPy:
#   spiral  the two-layer ReLU net of cs231n's case study, 10000
#           iterations (build/bin/06-softmax-spiral --only net, the
#           chapter's default fused loops; bench/peers/spiral.py
#           --only net)
#   moons   the 3-unit tanh net of the moons tutorial, 20000 passes
#           (build/bin/07-tanh-moons --only net --vector, the chapter's
#           vectorised gradient; bench/peers/moons.py --only net). The
#           chapter's default one-pass gradient, the one that prints the
#           tutorial's digits, is timed too and its ratios printed for
#           comparison; the verdict is for --vector.
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
#   times each (default 5; for the moons C --vector, C one-pass, NumPy,
#   ...), so that a change in the machine's load hits
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
# /usr/bin/python3; the peers' --only net runs need no scikit-learn).
# BUILD picks the build directory (default build); CASES the benches
# (default "spiral moons", one after the other; "spiral" or "moons"
# runs one, to keep the time on a quiet machine short). Exit status 1
# if a program is missing or fails, or if C and NumPy disagree on their
# first printed loss; never because of a ratio. The wall and CPU columns are
# each sorted on their own (the best wall time may come from another
# run than the best CPU time).
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-5}
CALLGRIND=${CALLGRIND:-1}
CASES=${CASES:-spiral moons}
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
# The chapters' timed loops are their own, not BLAS: GCC compiles them
# for SSE2 and AVX2 (target_clones; chapter 6's also for AVX-512) and
# the program picks the widest the processor has.
if grep -qw avx512f /proc/cpuinfo 2> /dev/null; then widest=AVX-512
elif grep -qw avx2 /proc/cpuinfo 2> /dev/null; then widest=AVX2
else widest=SSE2; fi
echo "C loops:    SSE2, AVX2 (and for chapter 6 AVX-512) versions;" \
    "this processor runs the $widest one$( [ $widest = AVX-512 ] \
    && echo " in chapter 6, AVX2 in chapter 7")"
# NumPy's element-wise loops (np.exp, np.tanh, ...) pick their SIMD
# versions the same way; the best one this processor allows is used.
echo "NumPy loops: $("$PYTHON" -c 'from numpy.core._multiarray_umath \
import __cpu_features__ as f, __cpu_dispatch__ as d
print("SIMD versions up to", [k for k in d if f.get(k)][-1])' \
    2> /dev/null || echo unknown)"

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

# best_median COLUMN NAME: "best median" of one column of NAME.times
best_median() {
    awk -v k="$1" '{ print $k }' "$tmp/$2.times" | sort -n \
        | awk '{ v[NR] = $1 } END { printf "%.3f %.3f", v[1],
                                    v[int((NR + 1) / 2)] }'
}

# stats NAME: "best-wall best-cpu median-wall median-cpu max-rss-MB",
# the wall and the CPU times each sorted on their own
stats() {
    wall=$(best_median 1 "$1")
    cpu=$(best_median 2 "$1")
    rss=$(sort -n "$tmp/$1.rss" | tail -n 1)
    echo "${wall% *} ${cpu% *} ${wall#* } ${cpu#* } $((rss / 1024))"
}

# instructions COMMAND...: instructions the command executes (callgrind)
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
        2>&1 > /dev/null | awk '/Collected :/ { print $NF }'
}

# ratio A B: A / B to one decimal
ratio() { echo "$1 $2" | awk '{ printf "%.1f", $1 / $2 }'; }
# goal_of RATIO: met or NOT met
goal_of() {
    echo "$1 $goal" | awk '{ print ($1 >= $2) ? "met" : "NOT met" }'
}
# row LABEL NAME: one line of the table, from NAME's stats
row() {
    stats "$2" > "$tmp/$2.stats"
    read -r w c mw mc rss < "$tmp/$2.stats"
    printf '  %-22s %9s %11s %10s %12s %8s\n' "$1" "$c" "$mc" "$w" "$mw" \
        "$rss"
}
# median_cpu NAME
median_cpu() { stats "$1" | awk '{ print $4 }'; }
# best_cpu NAME
best_cpu() { stats "$1" | awk '{ print $2 }'; }
# work_instructions COMMAND...: instructions of the extra training
# between the two lengths
work_instructions() {
    echo $(( $(instructions "$@" $length $long) \
             - $(instructions "$@" $length $short) ))
}

status=0
for case in $CASES; do
    if [ "$case" = spiral ]; then
        c_cmd="$BUILD/bin/06-softmax-spiral --only net --plot none"
        c_label="C (fused, default)"
        c2_cmd=
        py_cmd="$PYTHON bench/peers/spiral.py --only net"
        work="10000 iterations, h = 100"
        length=--iterations short=200 long=600 goal=6
    elif [ "$case" = moons ]; then
        c_cmd="$BUILD/bin/07-tanh-moons --only net --plot none --vector"
        c_label="C --vector"
        c2_cmd="$BUILD/bin/07-tanh-moons --only net --plot none"
        c2_label="C one-pass (default)"
        py_cmd="$PYTHON bench/peers/moons.py --only net"
        work="20000 passes, h = 3"
        length=--passes short=1000 long=3000 goal=10
    else
        die "CASES: no bench '$case' (spiral, moons)"
    fi
    i=0
    while [ $i -lt "$RUNS" ]; do
        run "c-$case" $c_cmd
        [ -n "$c2_cmd" ] && run "c2-$case" $c2_cmd
        run "py-$case" $py_cmd
        i=$((i + 1))
    done
    echo
    echo "$case ($work), $RUNS interleaved runs each:"
    printf '  %-22s %9s %11s %10s %12s %8s\n' "" "CPU best" "CPU median" \
        "wall best" "wall median" "peak MB"
    row "$c_label" "c-$case"
    [ -n "$c2_cmd" ] && row "$c2_label" "c2-$case"
    row NumPy "py-$case"
    pc=$(best_cpu "py-$case")
    pmc=$(median_cpu "py-$case")
    best=$(ratio "$pc" "$(best_cpu "c-$case")")
    median=$(ratio "$pmc" "$(median_cpu "c-$case")")
    echo "  NumPy / $c_label in CPU time: ${best}x (best)," \
         "${median}x (median)"
    if [ -n "$c2_cmd" ]; then
        echo "  NumPy / $c2_label in CPU time:" \
             "$(ratio "$pc" "$(best_cpu "c2-$case")")x (best)," \
             "$(ratio "$pmc" "$(median_cpu "c2-$case")")x (median)"
    fi
    verdict="CPU time ${median}x (median): $(goal_of "$median")"
    if [ "$CALLGRIND" = 1 ] && command -v valgrind > /dev/null; then
        c_i=$(work_instructions $c_cmd)
        py_i=$(work_instructions $py_cmd)
        [ "$c_i" -gt 0 ] && [ "$py_i" -gt 0 ] \
            || die "callgrind counts for $case make no sense" \
                   "(C $c_i, NumPy $py_i)"
        r=$(ratio "$py_i" "$c_i")
        echo "  instructions for $((long - short)) ${length#--}" \
             "(callgrind): $c_label $c_i, NumPy $py_i: ${r}x"
        if [ -n "$c2_cmd" ]; then
            c2_i=$(work_instructions $c2_cmd)
            echo "  instructions for $((long - short)) ${length#--}" \
                 "(callgrind): $c2_label $c2_i: $(ratio "$py_i" "$c2_i")x"
        fi
        verdict="$verdict; instructions ${r}x: $(goal_of "$r")"
    fi
    echo "  verdict for $c_label, goal NumPy/C >= $goal: $verdict"
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
