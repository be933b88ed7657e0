#!/bin/sh
# fuzz.sh - fuzz the IDX parser (common/idx.c) with libFuzzer.
#
# usage: tools/fuzz.sh              fuzz for 60 seconds
#        FUZZ_SECONDS=600 tools/fuzz.sh
#
# Builds tests/fuzz_idx.c with clang -fsanitize=fuzzer,address,undefined
# into build/fuzz/ (FUZZ_DIR to change), writes a small seed corpus of
# valid and broken IDX files, plain and gzipped, and runs libFuzzer for
# FUZZ_SECONDS. The target feeds every input to the in-memory parsers and
# to the file readers (see tests/fuzz_idx.c).
# The corpus the run grows is kept in FUZZ_DIR/corpus and reused next
# time. Exit 0: no crash found; otherwise libFuzzer's status, with the
# crashing input saved as FUZZ_DIR/crash-* and its report on stderr.
# Needs clang and its runtime (Debian: clang libclang-rt-14-dev).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
dir=${FUZZ_DIR:-$repo/build/fuzz}
mkdir -p "$dir/corpus" "$dir/seeds"

clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined \
    "$repo/tests/fuzz_idx.c" "$repo/common/idx.c" -lz -o "$dir/fuzz_idx"

# Seeds: a good image file and a good label file, and a few damaged ones.
seed() { printf "$2" > "$dir/seeds/$1"; }
header='\0\0\10\3\0\0\0\2\0\0\0\2\0\0\0\3'     # 2 images of 2x3
seed images "$header\1\2\3\4\5\6\7\10\11\12\13\14"
seed images-short "$header\1\2\3"
seed images-trailing "$header\1\2\3\4\5\6\7\10\11\12\13\14\15"
seed images-huge '\0\0\10\3\200\0\0\0\0\0\0\34\0\0\0\34\0'
seed images-zero '\0\0\10\3\0\0\0\0\0\0\0\34\0\0\0\34'
seed labels '\0\0\10\1\0\0\0\5\0\1\2\3\4'
seed labels-10 '\0\0\10\1\0\0\0\3\7\12\1'
seed labels-short '\0\0\10\1\0\0\0\11\1\2'
gzip -n -c "$dir/seeds/images" > "$dir/seeds/images.gz"
gzip -n -c "$dir/seeds/labels" > "$dir/seeds/labels.gz"
head -c 20 "$dir/seeds/images.gz" > "$dir/seeds/images-cut.gz"

# The target's scratch file, in memory when /dev/shm is there.
scratch=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT

status=0
FUZZ_IDX_TMPDIR=$scratch "$dir/fuzz_idx" -max_total_time="$seconds" \
    -max_len=4096 -artifact_prefix="$dir/" -print_final_stats=1 \
    "$dir/corpus" "$dir/seeds" || status=$?
if [ $status -ne 0 ]; then
    echo "fuzz.sh: libFuzzer found a problem (status $status);" \
         "see $dir/crash-* and the report above" >&2
fi
exit $status
