#!/bin/sh
# same-bits.sh PROGRAM - chapter 9's sharing rule (Appendix A3): a batch
# too small to share runs on one worker, so it gives the bits of
# --threads 1. Batches of 3 are too small for LeNet-5's slices with 2
# and 3 threads. The dense net shares its training batches (up to 256
# images) by its layers' units instead (its bits then differ from one
# thread's: other sums), and the run says so in its sharing line.
# Prints ok, or FAIL and what differed; exits 0 or 1.
bin=$1
run() {
    "$bin" --quick --epochs 1 --plot none "$@" \
        | grep -v -e '^threads:' -e '^sharing:'
}
fail() { echo "FAIL: $*"; exit 1; }
out=$("$bin" --quick --epochs 1 --plot none --threads 2) || fail "run"
for net in mlp lenet5; do
    printf '%s\n' "$out" \
        | grep -q "^sharing: $net, .* slices of [0-9]* images or more" \
        || fail "no sharing line for $net"
done
printf '%s\n' "$out" | grep -q "^sharing: mlp, .*units split" \
    || fail "the dense net's sharing line does not name the split"
printf '%s\n' "$out" | grep "^sharing: lenet5" | grep -q "units" \
    && fail "LeNet-5's sharing line names a split it does not use"
a=$(run --threads 1 --batch 3 --model lenet5) && [ -n "$a" ] \
    || fail "threads 1, batch 3"
for t in 2 3; do
    b=$(run --threads $t --batch 3 --model lenet5) \
        || fail "threads $t, batch 3"
    [ "$a" = "$b" ] || fail "batch 3: threads $t differs from threads 1"
done
echo "ok: LeNet-5's batches of 3 (1, 2 and 3 threads) gave the same"
echo "    bytes; the sharing lines name the dense net's split by units"
