#!/bin/sh
# Install the Debian packages the book needs, and only those missing.
# Prints what it installs; silent when everything is present.
#
#   sh tools/deps.sh [test|book|all]      (default all)
#
#   test  what `make test` needs: compiler, CMake, zlib, OpenBLAS,
#         gnuplot, pandoc (the weave and link tests), python3,
#         Fashion-MNIST
#   book  that, plus LaTeX for the PDF
#   all   that, plus clang and its fuzzing runtime (make fuzz) and
#         poppler-utils (pdftoppm, to look at the PDF's pages)
# NN_DEPS_EXTRA adds packages (make bench-deps uses it).
set -e

packages="cmake make gcc zlib1g-dev libopenblas-dev pandoc python3
          dataset-fashion-mnist"
latex="texlive-latex-recommended texlive-fonts-recommended
       texlive-latex-extra lmodern"
tools="clang libclang-rt-14-dev poppler-utils"
case "${1:-all}" in
test) ;;
book) packages="$packages $latex" ;;
all) packages="$packages $latex $tools" ;;
*) echo "deps: unknown profile '$1' (test, book or all)" >&2; exit 2 ;;
esac
if [ -n "$NN_DEPS_EXTRA" ]; then packages="$packages $NN_DEPS_EXTRA"; fi

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

missing=""
for p in $packages; do
    installed "$p" || missing="$missing $p"
done
# gnuplot: any of its builds will do; gnuplot-qt brings the live window.
if ! command -v gnuplot >/dev/null 2>&1; then
    missing="$missing gnuplot-qt"
fi
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: missing:$missing - install them with your package manager" \
         "(this script knows Debian's apt-get)" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "deps: need root to install:$missing (no sudo found)" >&2
        exit 1
    fi
fi
echo "deps: installing:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends $missing
