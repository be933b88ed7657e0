#!/usr/bin/python3
"""tnc_mnist.py - the SciPy peer of chapter 8 (08-tnc-mnist).

The network of Andrew Ng's ex4 as seed 004 writes it in NumPy, at
MNIST's own resolution: 784 inputs + bias, 25 sigmoid hidden units,
10 sigmoid outputs, cross-entropy over one-hot labels, L2 with
lambda = 1 on all but the bias columns; trained by
scipy.optimize.minimize(method='TNC') with a budget of 300 function
evaluations (the seed's options={'maxiter': 300}, which in SciPy <= 1.10
capped evaluations; SciPy 1.10 spells it maxfun).

Same data and start as the C chapter: the 10,000 digits of
data/mnist/, image i to training when i is even, to testing when it is
odd (the file is sorted by digit, so this splits every digit in half);
pixels byte/255; initial weights np.random.seed(0) then
np.random.uniform(-0.5, 0.5, n).

usage: /usr/bin/python3 bench/peers/tnc_mnist.py [DATA_DIR] [EVALS]
                                                [MAXCGIT]
MAXCGIT caps the conjugate-gradient steps per direction (TNC's maxCGit;
default -1, TNC's own min(50, n/2)); the chapter's --max-cg is 10.
Prints the results and, last, "train seconds: T" (the time spent in
minimize only).
"""
import gzip
import os
import struct
import sys
import time

import numpy as np
from scipy.optimize import minimize


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, kind, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
    if body.size != np.prod(dims):
        sys.exit(f"{path}: {body.size} bytes, header says {dims}")
    return body.reshape(dims)


def find(data_dir, stem):
    for name in (stem + ".gz", stem):
        if os.path.exists(os.path.join(data_dir, name)):
            return os.path.join(data_dir, name)
    sys.exit(f"{data_dir}: no {stem}[.gz]")


# Seed 004's pieces, with its names (a1, z2, ... theta1, theta2).
def serialize(a, b):
    return np.append(a.flatten(), b.flatten())


def deserialize(theta, n_in, n_hidden, n_out):
    cut = n_hidden * (n_in + 1)
    return (theta[:cut].reshape(n_hidden, n_in + 1),
            theta[cut:].reshape(n_out, n_hidden + 1))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def feed_forward(theta, X, shape):
    theta1, theta2 = deserialize(theta, *shape)
    a1 = X
    z2 = a1 @ theta1.T
    a2 = np.insert(sigmoid(z2), 0, 1, axis=1)
    z3 = a2 @ theta2.T
    h = sigmoid(z3)
    return a1, z2, a2, z3, h


def reg_cost(theta, X, y, lam, shape):
    theta1, theta2 = deserialize(theta, *shape)
    _, _, _, _, h = feed_forward(theta, X, shape)
    J = -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / len(X)
    reg = lam * (np.sum(theta1[:, 1:] ** 2)
                 + np.sum(theta2[:, 1:] ** 2)) / (2 * len(X))
    return J + reg


def reg_gradient(theta, X, y, lam, shape):
    theta1, theta2 = deserialize(theta, *shape)
    a1, z2, a2, z3, h = feed_forward(theta, X, shape)
    d3 = h - y
    s = sigmoid(z2)
    d2 = d3 @ theta2[:, 1:] * s * (1 - s)
    D2 = d3.T @ a2 / len(X)
    D1 = d2.T @ a1 / len(X)
    D1[:, 1:] += theta1[:, 1:] * lam / len(X)
    D2[:, 1:] += theta2[:, 1:] * lam / len(X)
    return serialize(D1, D2)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data_dir = (sys.argv[1] if len(sys.argv) > 1
                else os.path.join(here, "..", "..", "data", "mnist"))
    evals = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    max_cg = int(sys.argv[3]) if len(sys.argv) > 3 else -1
    images = read_idx(find(data_dir, "train-images-idx3-ubyte"))
    labels = read_idx(find(data_dir, "train-labels-idx1-ubyte"))
    images, labels = images[:10000], labels[:10000]
    pixels = images.reshape(len(images), -1) / 255.0
    X_all = np.insert(pixels, 0, values=1, axis=1)
    X, X_test = X_all[0::2], X_all[1::2]
    y_raw, y_test = labels[0::2], labels[1::2]
    Y = np.eye(10)[y_raw]                   # one-hot, digit d -> column d
    shape = (pixels.shape[1], 25, 10)
    n = 25 * (shape[0] + 1) + 10 * 26

    np.random.seed(0)
    theta0 = np.random.uniform(-0.5, 0.5, n)
    start = time.perf_counter()
    res = minimize(fun=reg_cost, x0=theta0, args=(X, Y, 1.0, shape),
                   method="TNC", jac=reg_gradient,
                   options={"maxfun": evals, "maxCGit": max_cg})
    seconds = time.perf_counter() - start

    _, _, _, _, h = feed_forward(res.x, X, shape)
    train_acc = np.mean(np.argmax(h, axis=1) == y_raw)
    _, _, _, _, h = feed_forward(res.x, X_test, shape)
    test_acc = np.mean(np.argmax(h, axis=1) == y_test)
    print(f"{len(X)} training and {len(X_test)} test images, "
          f"{n} weights")
    print(f"nit: {res.nit}  nfev: {res.nfev}  status: {res.status} "
          f"({res.message})")
    print(f"final cost: {res.fun:.6f}")
    print(f"training accuracy: {train_acc:.4f}")
    print(f"test accuracy: {test_acc:.4f}")
    print(f"train seconds: {seconds:.3f}")


if __name__ == "__main__":
    main()
