#!/bin/sh
# lenet5.sh - chapter 9 side by side with PyTorch, on the same work.
#
#   sh bench/lenet5.sh            (make bench runs every bench/*.sh)
#
# Speed: the same network (LeNet-5, then the dense net), batch 1024, plain
# SGD at lr 0.05, THREADS threads (default 2), over Fashion-MNIST's 60,000
# training images: PyTorch (bench/peers/lenet5_torch.py, Debian's
# python3-torch on the CPU) and build/bin/09-lenet5 one after the other,
# EPOCHS epochs each (default 2; the best epoch counts, since the first
# one warms caches and libraries up). Prints seconds per epoch, the
# speed-up, each program's peak resident memory, and the rate of
# arithmetic the chapter reached against this machine's measured
# single-precision matrix-product peak (09-lenet5 --peak).
#
# Accuracy (skip with ACCURACY=0): the chapter's default recipe on the
# official 10,000 test images of MNIST and of Fashion-MNIST, both
# networks, against the book's targets (MNIST: 0.980 and 0.990, as
# 09-lenet5 --check asserts).
#
# Environment: BUILD (default build), THREADS, EPOCHS, ACCURACY, PYTHON
# (default /usr/bin/python3: Debian's, which has numpy and torch),
# TORCH_FLAGS (extra flags for the peer, e.g. --channels-last).
# Exit status 1 when a target is missed.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
THREADS=${THREADS:-2}
EPOCHS=${EPOCHS:-2}
ACCURACY=${ACCURACY:-1}
PYTHON=${PYTHON:-/usr/bin/python3}
bin=$BUILD/bin/09-lenet5
peer=bench/peers/lenet5_torch.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

[ -x "$bin" ] || { echo "lenet5.sh: no $bin; run make first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "lenet5.sh: needs /usr/bin/time (apt-get" \
    "install time, or make bench-deps)" >&2; exit 2; }
"$PYTHON" -c 'import torch' 2> /dev/null || { echo "lenet5.sh: $PYTHON" \
    "cannot import torch (apt-get install python3-torch, or make" \
    "bench-deps)" >&2; exit 2; }

check() {   # check NAME VALUE OP LIMIT: print and remember a verdict
    if awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {
            exit !((op == ">=" && v >= l) || (op == "<" && v < l)) }'; then
        verdict=ok
    else
        verdict=MISSED; failed=1
    fi
    printf '  %-44s %10s %s %-8s %s\n' "$1" "$2" "$3" "$4" "$verdict"
}

cpu=$(lscpu 2> /dev/null | sed -n 's/^Model name: *//p' | head -n 1)
echo "== lenet5.sh: chapter 9 vs PyTorch $("$PYTHON" -c \
    'import torch; print(torch.__version__)') on $(nproc) cores" \
    "(${cpu:-unknown CPU}), $THREADS threads"
peak=$("$bin" --peak --threads "$THREADS" | sed -n 's/.*: \([0-9.]*\) GFLOP.*/\1/p')
echo "   measured single-precision matrix-product peak: $peak GFLOP/s" \
     "(OpenBLAS sgemm 2048x2048, $THREADS threads)"
echo

for model in lenet5 mlp; do
    echo "== $model: Fashion-MNIST, 60000 images, batch 1024, SGD lr 0.05," \
         "$EPOCHS epochs, best epoch"
    /usr/bin/time -o "$tmp/torch.rss" -f %M "$PYTHON" "$peer" \
        --model "$model" --data fashion --epochs "$EPOCHS" --batch 1024 \
        --lr 0.05 --momentum 0 --threads "$THREADS" ${TORCH_FLAGS:-} \
        > "$tmp/torch.out" \
        2> "$tmp/torch.err" || { cat "$tmp/torch.err"; exit 1; }
    /usr/bin/time -o "$tmp/c.rss" -f %M "$bin" --model "$model" \
        --data fashion --epochs "$EPOCHS" --batch 1024 --lr 0.05 \
        --momentum 0 --schedule constant --threads "$THREADS" --plot none \
        > "$tmp/c.out" 2> "$tmp/c.err" || { cat "$tmp/c.err"; exit 1; }
    t_torch=$(awk '/^epoch/ { for (i = 1; i < NF; i++) if ($(i + 1) == "s")
                  { if (best == "" || $i < best) best = $i } }
                  END { print best }' "$tmp/torch.out")
    t_c=$(awk -F'[:,]' '/ epoch / { split($2, a, " ");
              if (best == "" || a[1] < best) best = a[1] } END { print best }' \
          "$tmp/c.err")
    flops=$(sed -n 's/.* \([0-9.]*\) MFLOP per training image.*/\1/p' \
            "$tmp/c.out" | head -n 1)
    rss_torch=$(awk '{ printf "%.0f", $1 / 1024 }' "$tmp/torch.rss")
    rss_c=$(awk '{ printf "%.0f", $1 / 1024 }' "$tmp/c.rss")
    awk -v tt="$t_torch" -v tc="$t_c" -v f="$flops" -v p="$peak" \
        -v rt="$rss_torch" -v rc="$rss_c" 'BEGIN {
        printf "  %-22s %8.2f s per epoch %8.1f GFLOP/s %7d MB peak RSS\n",
               "PyTorch", tt, f * 60000 / tt / 1000, rt
        printf "  %-22s %8.2f s per epoch %8.1f GFLOP/s %7d MB peak RSS\n",
               "chapter 9 (C)", tc, f * 60000 / tc / 1000, rc
        printf "  speed-up %.2fx, memory %.1fx less; the C program ran at" \
               " %.0f%% of the %.0f GFLOP/s peak\n", tt / tc, rt / rc,
               100 * f * 60000 / tc / 1000 / p, p }'
    speedup=$(awk -v a="$t_torch" -v b="$t_c" 'BEGIN { printf "%.2f", a / b }')
    if [ "$model" = lenet5 ]; then need=3; else need=2; fi
    check "$model speed-up over PyTorch" "$speedup" ">=" "$need"
    check "$model peak resident memory of C, MB" "$rss_c" "<" 200
    echo
done

if [ "$ACCURACY" != 0 ]; then
    echo "== accuracy of the chapter's default recipe"
    for data in mnist fashion; do
        "$bin" --data "$data" --plot none --threads "$THREADS" \
            > "$tmp/$data.out" 2> "$tmp/$data.err" \
            || { cat "$tmp/$data.err"; exit 1; }
        sed -n 's/^training \(.*\) (ours): \(.*\)/  \1: \2/p' \
            "$tmp/$data.out"
        total=$(awk -F'[:,]' '/ epoch / { split($2, a, " "); s += a[1] }
                END { printf "%.1f", s }' "$tmp/$data.err")
        echo "  ($total s of training for both networks)"
        for model in mlp lenet5; do
            acc=$(sed -n "s/^result: $model (ours) test accuracy \([0-9.]*\).*/\1/p" \
                  "$tmp/$data.out")
            case "$data/$model" in
                mnist/mlp) need=0.98 ;; mnist/lenet5) need=0.99 ;;
                fashion/mlp) need=0.86 ;; fashion/lenet5) need=0.88 ;;
            esac
            check "$data $model test accuracy" "$acc" ">=" "$need"
        done
    done
fi
[ "$failed" = 0 ] && echo "lenet5.sh: every target met" \
    || echo "lenet5.sh: some targets MISSED"
exit "$failed"
