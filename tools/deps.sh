#!/bin/sh
# Install the Debian packages the book needs, and only those missing.
# Prints what it installs; silent when everything is present.
set -e

# gnuplot: any of its builds will do; gnuplot-qt brings the live window.
packages="cmake make gcc pkg-config zlib1g-dev libopenblas-dev pandoc
          texlive-latex-recommended texlive-fonts-recommended
          texlive-latex-extra lmodern dataset-fashion-mnist
          clang libclang-rt-14-dev poppler-utils python3"
if [ -n "$NN_DEPS_EXTRA" ]; then packages="$packages $NN_DEPS_EXTRA"; fi

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

missing=""
for p in $packages; do
    installed "$p" || missing="$missing $p"
done
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
