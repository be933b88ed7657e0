#!/usr/bin/python3
"""numpy_draws.py - NumPy's own initial weights for chapter 8's test.

    /usr/bin/python3 chapters/08-tnc-mnist/numpy_draws.py \
        > chapters/08-tnc-mnist/numpy-draws.txt

The tutorial starts its 400-25-10 network from
np.random.uniform(-0.5, 0.5, 10285); with np.random.seed(0) first, this
prints the first two and the last of those draws, each as the shortest
decimal that reads back as the same double. The test ch08_numpy_draws
holds the chapter's "initial weights" line to them. Needs NumPy (any
version: the legacy generator's stream is frozen).
"""
import numpy as np

np.random.seed(0)
theta = np.random.uniform(-0.5, 0.5, 25 * 401 + 10 * 26)
print("# np.random.seed(0); np.random.uniform(-0.5, 0.5, 10285)")
print(f"count {len(theta)}")
print(f"first {theta[0]!r}")
print(f"second {theta[1]!r}")
print(f"last {theta[-1]!r}")
