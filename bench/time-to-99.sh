#!/bin/sh
# time-to-99.sh - how long LeNet-5 takes to reach 99.0% on MNIST's test
# set, chapter 9 against PyTorch, both with the chapter's recipe.
#
#   sh bench/time-to-99.sh          (after make, make deps, make bench-deps)
#
# The recipe: batch 32, SGD with momentum 0.9, lr 0.02 falling linearly to
# zero over 15 epochs, Glorot-uniform start, the official 60,000 training
# and 10,000 test images. Each side trains until the first epoch whose
# test accuracy reaches TARGET (default 0.990); the time is the training
# time summed over the epochs up to it (each side times its training
# passes apart from its test passes, so evaluation is not counted on
# either side). Both sides run under the same OpenBLAS environment, which
# is printed. PyTorch is run the way its best user would: THREADS threads
# (default 2) with OMP_WAIT_POLICY=PASSIVE and OPENBLAS_NUM_THREADS=1
# (torch's OpenMP threads otherwise busy-wait beside OpenBLAS's), and
# once with the default settings; the faster counts. CPU and wall time of
# each process are printed too. Speed is never a CTest test: a timing
# depends on how busy the machine is.
#
# Environment: BUILD (default build), THREADS, TARGET, PYTHON (default
# /usr/bin/python3, Debian's, with numpy and torch). Exit status 1 when
# a side never reaches the target.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
THREADS=${THREADS:-2}
TARGET=${TARGET:-0.990}
PYTHON=${PYTHON:-/usr/bin/python3}
bin=$BUILD/bin/09-lenet5
peer=bench/peers/lenet5_torch.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$bin" ] || { echo "time-to-99.sh: no $bin; run make first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "time-to-99.sh: needs /usr/bin/time" \
    "(make bench-deps)" >&2; exit 2; }
"$PYTHON" -c 'import torch' 2> /dev/null || { echo "time-to-99.sh:" \
    "$PYTHON cannot import torch (make bench-deps)" >&2; exit 2; }

echo "== time-to-99.sh: LeNet-5 to $TARGET on MNIST, $THREADS threads," \
    "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}" \
    "OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}"

# The chapter: its default recipe, 15 epochs; the first epoch at TARGET.
/usr/bin/time -f '%U %S %e' -o "$tmp/c.time" "$bin" --data mnist \
    --model lenet5 --plot none --threads "$THREADS" \
    > "$tmp/c.out" 2> "$tmp/c.err" || { cat "$tmp/c.err"; exit 1; }
c=$(awk -v goal="$TARGET" '
    FILENAME ~ /err$/ && / epoch / { split($0, a, ":"); split(a[2], b, " ");
                                     t[++n] = b[1] }
    FILENAME ~ /out$/ && $1 == "epoch" && !found && $8 + 0 >= goal {
        split($2, e, "/"); found = e[1] + 0 }
    END { if (!found) { print "never"; exit }
          for (i = 1; i <= found; i++) s += t[i]
          printf "%d %.2f", found, s }' "$tmp/c.err" "$tmp/c.out")
echo "  C (09-lenet5):  $c (epoch, seconds of training);" \
    "process CPU user+sys and wall: $(cat "$tmp/c.time")"

# PyTorch, two configurations; the faster counts.
best=""
for config in passive default; do
    if [ $config = passive ]; then
        set -- env OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
    else
        set -- env
    fi
    /usr/bin/time -f '%U %S %e' -o "$tmp/t.time" "$@" "$PYTHON" "$peer" \
        --model lenet5 --data mnist --epochs 15 --batch 32 --lr 0.02 \
        --momentum 0.9 --schedule linear --threads "$THREADS" \
        --target "$TARGET" > "$tmp/t.out" 2> "$tmp/t.err" \
        || { cat "$tmp/t.err"; exit 1; }
    t=$(sed -n 's/^target .* reached in epoch \([0-9]*\) after \([0-9.]*\) s.*/\1 \2/p' \
        "$tmp/t.out")
    echo "  PyTorch ($config): ${t:-never} (epoch, seconds of training);" \
        "process CPU user+sys and wall: $(cat "$tmp/t.time")"
    [ -n "$t" ] || continue
    if [ -z "$best" ] || awk -v a="${t#* }" -v b="${best#* }" \
            'BEGIN { exit !(a < b) }'; then
        best=$t
    fi
done

if [ "$c" = never ] || [ -z "$best" ]; then
    echo "time-to-99.sh: a side never reached $TARGET"
    exit 1
fi
awk -v c="${c#* }" -v t="${best#* }" 'BEGIN {
    printf "  chapter 9 reaches the target %.2fx faster than PyTorch at" \
           " its best\n", t / c }'
