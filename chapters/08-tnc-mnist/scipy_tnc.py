#!/usr/bin/python3
"""scipy_tnc.py - SciPy's TNC on chapter 8's problem, for the comparison.

usage: python3 scipy_tnc.py PROBLEM_FILE

08-tnc-mnist --compare-scipy writes PROBLEM_FILE and runs this script:
the training and test images exactly as the chapter's network reads
them (one image per row, the bias input 1 first, then the pixels), their
labels, the initial weights, lambda and the budget. The script minimizes
the chapter's cost - the tutorial's cross-entropy of ten sigmoid outputs
against one-hot labels, plus lambda/(2m) times the squares of the
weights off the bias columns - with
minimize(method='TNC', jac=True, options={'maxfun': budget}), every
other setting of TNC at its default, and prints its results as
"key value" lines on stdout:

    scipy VERSION, start J0, fun J, nit N, nfev N, status S,
    train ACC, test ACC, wall SECONDS, cpu SECONDS, maxcg CAP

(the times are those of minimize alone). The cost is written as the
chapter writes it, log(1 + e^z) - y z for each output, so that it stays
finite where the tutorial's log(h) would reach log(0). Exit status 1
with one line on stderr when the file cannot be read.
"""
import sys
import time

import numpy as np
import scipy
from scipy.optimize import minimize


def read_problem(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:8] != b"CH8TNC01":
        sys.exit(f"scipy_tnc.py: {path}: not a chapter 8 problem file")
    m, m_test, n_in, n_hidden, n_out, evals = np.frombuffer(
        raw, np.int32, 6, 8)
    lam = np.frombuffer(raw, np.float64, 1, 32)[0]
    at = 40
    sets = []
    for count in (m, m_test):
        row = np.dtype([("x", np.float64, n_in + 1), ("y", np.int32)])
        rows = np.frombuffer(raw, row, count, at)
        at += count * row.itemsize
        sets.append((np.array(rows["x"]), np.array(rows["y"])))
    n = n_hidden * (n_in + 1) + n_out * (n_hidden + 1)
    theta0 = np.frombuffer(raw, np.float64, n, at).copy()
    if at + 8 * n != len(raw):
        sys.exit(f"scipy_tnc.py: {path}: {len(raw)} bytes, "
                 f"expected {at + 8 * n}")
    return sets, (int(n_in), int(n_hidden), int(n_out)), theta0, lam, \
        int(evals)


def deserialize(theta, shape):
    n_in, n_hidden, n_out = shape
    cut = n_hidden * (n_in + 1)
    return (theta[:cut].reshape(n_hidden, n_in + 1),
            theta[cut:].reshape(n_out, n_hidden + 1))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def feed_forward(theta, X, shape):
    theta1, theta2 = deserialize(theta, shape)
    a2 = np.insert(sigmoid(X @ theta1.T), 0, 1, axis=1)
    z3 = a2 @ theta2.T
    return a2, z3


def cost_and_gradient(theta, X, Y, lam, shape):
    """The regularized cost and its gradient from one forward pass."""
    theta1, theta2 = deserialize(theta, shape)
    m = len(X)
    a2, z3 = feed_forward(theta, X, shape)
    J = np.sum(np.logaddexp(0, z3) - Y * z3) / m
    J += lam / (2 * m) * (np.sum(theta1[:, 1:] ** 2)
                          + np.sum(theta2[:, 1:] ** 2))
    d3 = sigmoid(z3) - Y
    d2 = d3 @ theta2[:, 1:] * a2[:, 1:] * (1 - a2[:, 1:])
    D2 = d3.T @ a2 / m
    D1 = d2.T @ X / m
    D1[:, 1:] += theta1[:, 1:] * lam / m
    D2[:, 1:] += theta2[:, 1:] * lam / m
    return J, np.append(D1.flatten(), D2.flatten())


def accuracy(theta, X, y, shape):
    _, z3 = feed_forward(theta, X, shape)
    return np.mean(np.argmax(z3, axis=1) == y)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scipy_tnc.py PROBLEM_FILE")
    try:
        sets, shape, theta0, lam, evals = read_problem(sys.argv[1])
    except (OSError, ValueError) as e:
        sys.exit(f"scipy_tnc.py: {e}")
    (X, y), (X_test, y_test) = sets
    Y = np.eye(shape[2])[y]
    start_cost, _ = cost_and_gradient(theta0, X, Y, lam, shape)
    wall, cpu = time.perf_counter(), time.process_time()
    res = minimize(cost_and_gradient, theta0, args=(X, Y, lam, shape),
                   method="TNC", jac=True, options={"maxfun": evals})
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(theta0)
    print(f"scipy {scipy.__version__}")
    print(f"start {start_cost:.17g}")
    print(f"fun {res.fun:.17g}")
    print(f"nit {res.nit}")
    print(f"nfev {res.nfev}")
    print(f"status {res.status}")
    print(f"train {accuracy(res.x, X, y, shape):.17g}")
    print(f"test {accuracy(res.x, X_test, y_test, shape):.17g}")
    print(f"wall {wall:.6f}")
    print(f"cpu {cpu:.6f}")
    print(f"maxcg {max(1, min(50, n // 2))}")


if __name__ == "__main__":
    main()
