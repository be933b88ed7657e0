#!/bin/sh
# same-bits.sh PROGRAM - chapter 9's sharing rule (Appendix A3): a batch
# too small to share runs on one worker, so it gives the bits of
# --threads 1. Batches of 3 are too small for both networks with 2 and 3
# threads, batches of 8 for the dense net with 2 (a split would change
# the last digits). The run also says what the rule makes of each
# network. Prints ok, or FAIL and what differed; exits 0 or 1.
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
a=$(run --threads 1 --batch 3) && [ -n "$a" ] || fail "threads 1, batch 3"
for t in 2 3; do
    b=$(run --threads $t --batch 3) || fail "threads $t, batch 3"
    [ "$a" = "$b" ] || fail "batch 3: threads $t differs from threads 1"
done
a=$(run --threads 1 --batch 8 --model mlp) && [ -n "$a" ] || fail "mlp"
b=$(run --threads 2 --batch 8 --model mlp) || fail "mlp, threads 2"
[ "$a" = "$b" ] || fail "mlp, batch 8: threads 2 differs from threads 1"
echo "ok: batches of 3 (both networks, 1, 2 and 3 threads) and of 8"
echo "    (the dense net, 1 and 2 threads) gave the same bytes"
