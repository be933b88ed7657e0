#!/usr/bin/python3
"""The NumPy peer of chapter 6: seeds 000/001 (cs231n's spiral case study).

Run it with Debian's python3 (NumPy 1.24). It does what the seeds'
notebook does, in the notebook's order, so that every random draw comes
from the one stream seeded with 0: the spiral (300 randn), the linear
softmax classifier (W: 6 randn; 1000 iterations), then the two-layer ReLU
net (W: 200 randn, W2: 300 randn; 10000 iterations). It prints the
notebook's lines on stdout and, on stderr, how long the two-layer net's
training loop took ("net training: ... in S s, CPU C s"), which
bench/spiral-moons.sh compares with the C chapter.

    /usr/bin/python3 bench/peers/spiral.py [--only net] [--iterations N]

--only net skips the linear model's training (its W is still drawn, so
the stream and the net's numbers stay the same). --iterations N trains
the net for N iterations instead of 10000 (bench/spiral-moons.sh counts
instructions as the difference of two lengths).
"""
import argparse
import sys
import time

import numpy as np


def make_spiral(N=100, D=2, K=3):
    X = np.zeros((N * K, D))
    y = np.zeros(N * K, dtype='uint8')
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)
        t = np.linspace(j * 4, (j + 1) * 4, N) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def train_linear(X, y, W, b, step_size=1e-0, reg=1e-3, iterations=1000):
    num_examples = X.shape[0]
    for i in range(iterations):
        scores = np.dot(X, W) + b
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        correct_logprobs = -np.log(probs[range(num_examples), y])
        data_loss = np.sum(correct_logprobs) / num_examples
        reg_loss = 0.5 * reg * np.sum(W * W)
        loss = data_loss + reg_loss
        if i % 100 == 0:
            print('iteration %d: loss %f' % (i, loss))
        dscores = probs
        dscores[range(num_examples), y] -= 1
        dscores /= num_examples
        dW = np.dot(X.T, dscores)
        db = np.sum(dscores, axis=0, keepdims=True)
        dW += reg * W
        W += -step_size * dW
        b += -step_size * db
    scores = np.dot(X, W) + b
    predicted_class = np.argmax(scores, axis=1)
    print('training accuracy: %.2f' % (np.mean(predicted_class == y)))


def train_net(X, y, W, b, W2, b2, step_size=1e-0, reg=1e-3,
              iterations=10000):
    num_examples = X.shape[0]
    for i in range(iterations):
        hidden_layer = np.maximum(0, np.dot(X, W) + b)
        scores = np.dot(hidden_layer, W2) + b2
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        correct_logprobs = -np.log(probs[range(num_examples), y])
        data_loss = np.sum(correct_logprobs) / num_examples
        reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
        loss = data_loss + reg_loss
        if i % 1000 == 0:
            print('iteration %d: loss %f' % (i, loss))
        dscores = probs
        dscores[range(num_examples), y] -= 1
        dscores /= num_examples
        dW2 = np.dot(hidden_layer.T, dscores)
        db2 = np.sum(dscores, axis=0, keepdims=True)
        dhidden = np.dot(dscores, W2.T)
        dhidden[hidden_layer <= 0] = 0
        dW = np.dot(X.T, dhidden)
        db = np.sum(dhidden, axis=0, keepdims=True)
        dW2 += reg * W2
        dW += reg * W
        W += -step_size * dW
        b += -step_size * db
        W2 += -step_size * dW2
        b2 += -step_size * db2
    hidden_layer = np.maximum(0, np.dot(X, W) + b)
    scores = np.dot(hidden_layer, W2) + b2
    predicted_class = np.argmax(scores, axis=1)
    print('training accuracy: %.2f' % (np.mean(predicted_class == y)))


def main():
    parser = argparse.ArgumentParser(description='chapter 6 in NumPy')
    parser.add_argument('--only', choices=['net'])
    parser.add_argument('--iterations', type=int, default=10000)
    args = parser.parse_args()
    only_net = args.only == 'net'
    np.random.seed(0)
    D, K, h = 2, 3, 100
    X, y = make_spiral(100, D, K)
    W = 0.01 * np.random.randn(D, K)
    b = np.zeros((1, K))
    if not only_net:
        train_linear(X, y, W, b)
    W = 0.01 * np.random.randn(D, h)
    b = np.zeros((1, h))
    W2 = 0.01 * np.random.randn(h, K)
    b2 = np.zeros((1, K))
    start, cpu_start = time.perf_counter(), time.process_time()
    train_net(X, y, W, b, W2, b2, iterations=args.iterations)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    sys.stdout.flush()
    print('net training: %d iterations in %.4f s, CPU %.4f s'
          % (args.iterations, seconds, cpu), file=sys.stderr)


if __name__ == '__main__':
    main()
