/* data.h - the book's synthetic data sets, drawn from the NumPy-compatible
   generator so they match the tutorials' Python bit for bit.

   What it does: each call fills caller-owned arrays with one data set and
   consumes the generator exactly as the tutorial's Python does, so later
   draws (initial weights) also match.

   Failure: none; sizes are the caller's, arrays must be large enough.
   Memory: the caller allocates and frees every array.

   Shapes: X is (n, 2) row-major; y holds class labels 0..K-1. */
#ifndef NN_DATA_H
#define NN_DATA_H

#include "rng.h"

// Seed 003's beans: sizes x = sort(rand(n)), toxicity y = 1.2 x + rand()/10
// (one rand() per bean, drawn after all the sizes). x[n], y[n].
void data_beans(rng *r, double *x, double *y, int n);

// Seed 003's labelled beans: x = sort(rand(n)); a bean is toxic (1) when
// 0.7 x + (0.5 - rand()) / 50 + 0.5 > 0.8, else 0. x[n], label[n].
void data_beans_labelled(rng *r, double *x, double *label, int n);

// cs231n's spiral (seeds 000/001): K arms of n points each; point i of arm
// j has radius linspace(0, 1, n)[i] and angle linspace(4j, 4(j+1), n)[i] +
// 0.2 randn(); X = (r sin t, r cos t). X is (n*K, 2), y is (n*K).
void data_spiral(rng *r, double *X, int *y, int n, int K);

// scikit-learn's make_moons(n, noise) with shuffle, as seed 002 calls it:
// two half circles, rows shuffled with the generator, then normal(0, noise)
// added to every coordinate. X is (n, 2), y is (n).
void data_moons(rng *r, double *X, int *y, int n, double noise);

// Seed 003's two interleaved spirals (genSpiral): n/2 points per arm,
// radius 5 i/(n/2), angle 1.75 * 2 pi i/(n/2) (+ pi for the second arm),
// each coordinate jittered by uniform(-0.1, 0.1). Arm 1 is labelled 1, arm
// 2 labelled 0. X is (n, 2), y is (n); n must be even.
void data_two_spirals(rng *r, double *X, double *y, int n);

// Seed 003's disc inside a ring (classifyCircleData): n/2 points with
// radius uniform in (0, 0.5) then n/2 with radius uniform in (0.7, 1),
// uniform angle, shifted by (1, 1); label 1 inside radius 0.5 (after the
// optional noise), else 0. X is (n, 2), y is (n); n must be even.
void data_circle(rng *r, double *X, double *y, int n, double noise);

// numpy.linspace(start, stop, n): start + i * step, the last one exactly
// stop. out[n].
void data_linspace(double *out, double start, double stop, int n);

#endif
