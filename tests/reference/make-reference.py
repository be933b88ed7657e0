#!/usr/bin/python3
"""Regenerate the NumPy reference vectors the toolkit is tested against.

    /usr/bin/python3 tests/reference/make-reference.py [OUTDIR]

OUTDIR defaults to the folder this script is in. Needs Debian 12's
python3-numpy (1.24) and python3-sklearn (1.2). No test runs this script:
the tests read the committed .txt files, so a reader's `make test` needs
no Python packages. See README.md beside it for when to regenerate.
"""
import os
import sys

import numpy as np
from sklearn.datasets import make_moons


def g(x):
    """One float as %.17g: strtod() reads back the very same double."""
    return "%.17g" % x


def row(name, values, fmt=g):
    return name + " " + " ".join(fmt(v) for v in values) + "\n"


def numpy_rng():
    """The legacy RandomState calls the toolkit's rng mirrors."""
    out = ["# NumPy 1.24 legacy RandomState, np.random.seed(0) before "
           "each block; %.17g\n"]
    # The first ten raw 32-bit words of MT19937: a full-range uint32
    # randint returns them unchanged.
    np.random.seed(0)
    raw = np.random.randint(0, 2**32, size=10, dtype=np.uint32)
    out.append(row("random_raw", raw, fmt=str))
    np.random.seed(0)
    out.append(row("rand", np.random.rand(10)))
    np.random.seed(0)
    out.append(row("randn", np.random.randn(10)))
    np.random.seed(0)
    out.append(row("uniform(-0.5,0.5)", np.random.uniform(-0.5, 0.5, 10)))
    np.random.seed(0)
    a = np.arange(10)
    np.random.shuffle(a)
    out.append(row("shuffle(arange(10))", a, fmt=str))
    np.random.seed(0)
    out.append(row("permutation(10)", np.random.permutation(10), fmt=str))
    np.random.seed(0)
    out.append(row("normal(scale=0.2, size=5)",
                   np.random.normal(scale=0.2, size=5)))
    return "".join(out)


def points(X, y):
    return "".join("%s %s %d\n" % (g(a), g(b), c) for (a, b), c in zip(X, y))


def spiral():
    """The spiral of the softmax tutorial: N=100 points per class, K=3."""
    np.random.seed(0)
    N, D, K = 100, 2, 3
    X = np.zeros((N * K, D))
    y = np.zeros(N * K, dtype="uint8")
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)
        t = np.linspace(j * 4, (j + 1) * 4, N) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return points(X, y)


def moons():
    """The moons of the tanh tutorial: make_moons(200, noise=0.20)."""
    np.random.seed(0)
    X, y = make_moons(200, noise=0.20)
    return points(X, y)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    for name, text in (("numpy-rng-seed0.txt", numpy_rng()),
                       ("spiral-seed0.txt", spiral()),
                       ("moons-seed0.txt", moons())):
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
