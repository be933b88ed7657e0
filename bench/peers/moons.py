#!/usr/bin/python3
"""The NumPy peer of chapter 7: seed 002 (Denny Britz's moons tutorial).

Run it with Debian's python3 (NumPy 1.24, scikit-learn 1.2). It makes the
moons with np.random.seed(0) and make_moons(200, noise=0.20) (written out
here, bit for bit scikit-learn's; a full run checks that), fits
scikit-learn's LogisticRegressionCV and prints its training accuracy,
then trains the tutorial's 3-layer net (tanh hidden layer of 3, softmax
output, 20000 full-batch passes) printing its loss every 1000 passes. On
stderr it prints how long the net's training took ("net training: ...
in S s, CPU C s"), which bench/spiral-moons.sh compares with the C
chapter. The loss is computed every 1000 passes inside the timed loop,
as in the tutorial.

    /usr/bin/python3 bench/peers/moons.py [--only net] [--passes N]

--only net skips the logistic regression (and scikit-learn's
linear_model import); the net's numbers do not change. --passes N trains
for N passes instead of 20000 (bench/spiral-moons.sh counts instructions
as the difference of two lengths).
"""
import argparse
import sys
import time

import numpy as np

nn_input_dim = 2
nn_output_dim = 2
epsilon = 0.01
reg_lambda = 0.01


def make_moons(n_samples, noise):
    """scikit-learn's make_moons(n_samples, noise=noise) with NumPy's
    global generator, written out: the same points bit for bit, and the
    generator left in the same state (checked against scikit-learn in a
    full run). Written out so that --only net needs no scikit-learn,
    whose SciPy import fails under valgrind."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer_x = np.cos(np.linspace(0, np.pi, n_out))
    outer_y = np.sin(np.linspace(0, np.pi, n_out))
    inner_x = 1 - np.cos(np.linspace(0, np.pi, n_in))
    inner_y = 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5
    X = np.vstack([np.append(outer_x, inner_x),
                   np.append(outer_y, inner_y)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp),
                   np.ones(n_in, dtype=np.intp)])
    order = np.arange(n_samples)
    np.random.shuffle(order)
    X, y = X[order], y[order]
    X = X + np.random.normal(scale=noise, size=X.shape)
    return X, y


def calculate_loss(model, X, y):
    num_examples = len(X)
    W1, b1, W2, b2 = model['W1'], model['b1'], model['W2'], model['b2']
    z1 = X.dot(W1) + b1
    a1 = np.tanh(z1)
    z2 = a1.dot(W2) + b2
    exp_scores = np.exp(z2)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(num_examples), y])
    data_loss = np.sum(correct_logprobs)
    data_loss += reg_lambda / 2 * (np.sum(np.square(W1))
                                   + np.sum(np.square(W2)))
    return 1. / num_examples * data_loss


def predict(model, x):
    W1, b1, W2, b2 = model['W1'], model['b1'], model['W2'], model['b2']
    z1 = x.dot(W1) + b1
    a1 = np.tanh(z1)
    z2 = a1.dot(W2) + b2
    exp_scores = np.exp(z2)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    return np.argmax(probs, axis=1)


def build_model(X, y, nn_hdim, num_passes=20000, print_loss=False):
    num_examples = len(X)
    np.random.seed(0)
    W1 = np.random.randn(nn_input_dim, nn_hdim) / np.sqrt(nn_input_dim)
    b1 = np.zeros((1, nn_hdim))
    W2 = np.random.randn(nn_hdim, nn_output_dim) / np.sqrt(nn_hdim)
    b2 = np.zeros((1, nn_output_dim))
    model = {}
    for i in range(0, num_passes):
        z1 = X.dot(W1) + b1
        a1 = np.tanh(z1)
        z2 = a1.dot(W2) + b2
        exp_scores = np.exp(z2)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        delta3 = probs
        delta3[range(num_examples), y] -= 1
        dW2 = (a1.T).dot(delta3)
        db2 = np.sum(delta3, axis=0, keepdims=True)
        delta2 = delta3.dot(W2.T) * (1 - np.power(a1, 2))
        dW1 = np.dot(X.T, delta2)
        db1 = np.sum(delta2, axis=0)
        dW2 += reg_lambda * W2
        dW1 += reg_lambda * W1
        W1 += -epsilon * dW1
        b1 += -epsilon * db1
        W2 += -epsilon * dW2
        b2 += -epsilon * db2
        model = {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}
        if print_loss and i % 1000 == 0:
            print("Loss after iteration %i: %f"
                  % (i, calculate_loss(model, X, y)))
    return model


def main():
    parser = argparse.ArgumentParser(description='chapter 7 in NumPy')
    parser.add_argument('--only', choices=['net'])
    parser.add_argument('--passes', type=int, default=20000)
    args = parser.parse_args()
    np.random.seed(0)
    X, y = make_moons(200, noise=0.20)
    if args.only != 'net':
        import sklearn.datasets
        import sklearn.linear_model as linear_model
        np.random.seed(0)
        X_sk, y_sk = sklearn.datasets.make_moons(200, noise=0.20)
        if not ((X_sk == X).all() and (y_sk == y).all()):
            sys.exit('moons.py: make_moons differs from scikit-learn\'s')
        clf = linear_model.LogisticRegressionCV()
        clf.fit(X, y)
        print('logistic regression: C = %g, training accuracy: %.2f'
              % (clf.C_[0], np.mean(clf.predict(X) == y)))
    start, cpu_start = time.perf_counter(), time.process_time()
    model = build_model(X, y, 3, num_passes=args.passes, print_loss=True)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print('training accuracy: %.2f' % np.mean(predict(model, X) == y))
    sys.stdout.flush()
    print('net training: %d passes in %.4f s, CPU %.4f s'
          % (args.passes, seconds, cpu), file=sys.stderr)


if __name__ == '__main__':
    main()
