#!/bin/sh
# fuzz.sh - run every libFuzzer target, tests/fuzz_*.c, for FUZZ_SECONDS
# each.
#
# usage: sh tools/fuzz.sh                   every target, 60 s each
#        FUZZ_SECONDS=5 sh tools/fuzz.sh    a smoke run (.ci/run does this)
#        sh tools/fuzz.sh fuzz_idx          only the targets named
#
# Each tests/fuzz_NAME.c is built with clang -fsanitize=fuzzer,address,
# undefined into FUZZ_DIR/fuzz_NAME (default build/fuzz/), linked with
# the whole toolkit (common/*.c) and with the chapter units whose headers
# it includes (#include "weights.h" brings chapters/*/weights.c). Known
# targets today: fuzz_idx (the IDX reader, common/idx.c), fuzz_weights
# (chapter 9's weights decoder), fuzz_cli (the command line parser) when
# it exists. Each grows its corpus in FUZZ_DIR/corpus/NAME/ (reused next
# time), starting from seeds in FUZZ_DIR/seeds/NAME/ (IDX files for
# fuzz_idx; the others start empty).
#
# Exit 0: every target ran and found nothing. 1: a target found a crash
# (saved as FUZZ_DIR/crash-*, its report above). 2: clang or its fuzzing
# runtime is missing (`make deps` installs clang and libclang-rt-14-dev);
# this is an error, not a skip, so that CI cannot pass without fuzzing.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
dir=${FUZZ_DIR:-$repo/build/fuzz}
mkdir -p "$dir"

if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz.sh: clang not found: run \`make deps\` (clang," \
         "libclang-rt-14-dev)" >&2
    exit 2
fi
probe=$dir/probe
printf 'int LLVMFuzzerTestOneInput(const char *d, long n)'\
'{ (void)d; (void)n; return 0; }\n' > "$probe.c"
if ! clang -fsanitize=fuzzer "$probe.c" -o "$probe" 2>/dev/null; then
    echo "fuzz.sh: clang cannot link libFuzzer: run \`make deps\`" \
         "(Debian: libclang-rt-14-dev)" >&2
    exit 2
fi

if [ $# -gt 0 ]; then
    targets=""
    for name in "$@"; do targets="$targets $repo/tests/$name.c"; done
else
    targets=$(ls "$repo"/tests/fuzz_*.c)
fi

# The IDX seeds: a good image file and a good label file, and a few
# damaged ones, plain and gzipped.
idx_seeds() {
    s=$1
    seed() { printf "$2" > "$s/$1"; }
    header='\0\0\10\3\0\0\0\2\0\0\0\2\0\0\0\3'     # 2 images of 2x3
    seed images "$header\1\2\3\4\5\6\7\10\11\12\13\14"
    seed images-short "$header\1\2\3"
    seed images-trailing "$header\1\2\3\4\5\6\7\10\11\12\13\14\15"
    seed images-huge '\0\0\10\3\200\0\0\0\0\0\0\34\0\0\0\34\0'
    seed images-zero '\0\0\10\3\0\0\0\0\0\0\0\34\0\0\0\34'
    seed labels '\0\0\10\1\0\0\0\5\0\1\2\3\4'
    seed labels-10 '\0\0\10\1\0\0\0\3\7\12\1'
    seed labels-short '\0\0\10\1\0\0\0\11\1\2'
    gzip -n -c "$s/images" > "$s/images.gz"
    gzip -n -c "$s/labels" > "$s/labels.gz"
    head -c 20 "$s/images.gz" > "$s/images-cut.gz"
    { cat "$s/labels.gz"; printf 'garbage'; } > "$s/labels-garbage.gz"
}

# The targets' scratch files, in memory when /dev/shm is there.
scratch=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch" "$probe" "$probe.c"' EXIT

status=0
for target in $targets; do
    [ -f "$target" ] || { echo "fuzz.sh: no $target" >&2; exit 2; }
    name=$(basename "$target" .c)
    # The toolkit, plus each chapter unit whose header the target uses.
    sources=$(ls "$repo"/common/*.c)
    includes="-I$repo/common"
    for header in $(sed -n 's/^#include "\(.*\)\.h".*/\1/p' "$target"); do
        header=$(basename "$header")
        for unit in "$repo"/chapters/*/"$header".c; do
            [ -f "$unit" ] || continue
            sources="$sources $unit"
            includes="$includes -I$(dirname "$unit")"
        done
    done
    echo "fuzz.sh: building $name"
    # shellcheck disable=SC2086
    clang -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        $includes "$target" $sources -lz -lm -lpthread -o "$dir/$name"

    mkdir -p "$dir/corpus/$name" "$dir/seeds/$name"
    [ "$name" = fuzz_idx ] && idx_seeds "$dir/seeds/$name"
    echo "fuzz.sh: running $name for $seconds s"
    rc=0
    FUZZ_IDX_TMPDIR=$scratch "$dir/$name" -max_total_time="$seconds" \
        -max_len=4096 -artifact_prefix="$dir/" -print_final_stats=1 \
        "$dir/corpus/$name" "$dir/seeds/$name" \
        > "$dir/$name.log" 2>&1 || rc=$?
    grep -E '^stat::number_of_executed_units|^Done' "$dir/$name.log" \
        | sed "s/^/fuzz.sh: $name: /" || true
    if [ $rc -ne 0 ]; then
        tail -n 60 "$dir/$name.log" >&2
        echo "fuzz.sh: $name found a problem (status $rc); the input is" \
             "in $dir/crash-* and the report above" >&2
        status=1
    fi
done
exit $status
