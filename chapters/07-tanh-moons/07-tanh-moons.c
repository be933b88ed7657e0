/**
# The moons: logistic regression against a tanh network {#ch-tanh-moons}

Two interleaved half circles, "moons", one for each class, with enough
noise that they overlap a little. A straight line cannot separate them;
a small network with a hidden layer of $\tanh$ units can, and with a
large hidden layer it can do *too* well, bending its boundary around
single noisy points. This chapter follows Denny Britz's tutorial
"Implementing a neural network from scratch" [@britz2015] (in a Python 3
retelling) number for number: the same data set, the same baseline, the same
network and the same printed losses, and then it goes one step further
than the tutorial and measures what the tutorial only warns about,
overfitting, on a fresh test set. An optional section at the end makes
the training loop faster with vector instructions; the default run
keeps the code that prints the tutorial's numbers.

*What you need:* the softmax, the cross-entropy and backpropagation
through a hidden layer from chapter 6.

```{.run chapter="07-tanh-moons"}
```
*/
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn.h"

/**
## The moons

The tutorial makes its data with scikit-learn:

```python
np.random.seed(0)
X, y = sklearn.datasets.make_moons(200, noise=0.20)
```

`make_moons` puts 100 points evenly on the upper half of the unit
circle (class 0) and 100 on a lower half circle shifted right by 1 and
up by 0.5 (class 1), shuffles the 200 rows with NumPy's generator, and
adds Gaussian noise with standard deviation 0.2 to every coordinate.
`data_moons` in `common/data.c` does the same with the toolkit's copy of
the generator, and a test compares the result with what NumPy and
scikit-learn produce: all 400 coordinates are equal to the last bit.

![The moons: the 200 training points of the two classes.
](figures/07-tanh-moons/moons-data)

Every point has $D = 2$ inputs and one of $K = 2$ classes.
*/

enum { D = 2, K = 2 };   // inputs per point, classes

/**
## The baseline: logistic regression

Before building a network the tutorial tries the simplest classifier
that could work, *logistic regression*: a straight line, with the
probability of class 1 growing smoothly with the distance from it,

$$p(x) = \sigma(w \cdot x + c), \qquad \sigma(t) = \frac{1}{1 + e^{-t}} .$$

It calls scikit-learn's `LogisticRegressionCV()` with its defaults,
which do three things. They fit $w$ and $c$ by minimising the
cross-entropy plus an L2 penalty on $w$, written with the strength $C$
on the data term:

$$J(w, c) = C \sum_i \Big( -y_i \log p(x_i) - (1 - y_i) \log\big(1 -
  p(x_i)\big) \Big) + \tfrac12 \lVert w \rVert^2 .$$

A small $C$ means strong regularisation, a large one weak. They choose
$C$ among ten values spaced evenly on a log scale from $10^{-4}$ to
$10^4$, by 5-fold *cross-validation*: split the points into five parts,
fit on four, count the right answers on the fifth, rotate, and keep the
$C$ with the best mean accuracy. And finally they fit once more on all
the points with that $C$.

With three parameters we can minimise $J$ exactly with Newton's method.
The gradient and the Hessian (the matrix of second derivatives) of $J$
are, writing $\tilde x = (x_1, x_2, 1)$ so that the bias is the third
weight,

$$\nabla J = C \sum_i (p_i - y_i)\, \tilde x_i + (w, 0), \qquad
  \nabla^2 J = C \sum_i p_i (1 - p_i)\, \tilde x_i \tilde x_i^\top +
  \mathrm{diag}(1, 1, 0),$$

and one Newton step solves the $3 \times 3$ system
$\nabla^2 J \,\delta = \nabla J$ and moves to $(w, c) - \delta$. $J$ is
convex, with a single minimum, and near it every Newton step doubles
the number of correct digits, so a handful of steps reach it to the
last digit. Far from it a full step can overshoot; we halve a step
until it lowers $J$.

The score $t = w \cdot x + c$ inside the sigmoid is the *logit*, the
log of the odds $p / (1 - p)$. In terms of it each point's loss is
$\log(1 + e^{-t})$ for class 1 and $\log(1 + e^{t})$ for class 0: the
*softplus* $\log(1 + e^u)$, a smooth version of $\max(0, u)$. The code
computes it without overflow for large $|u|$.
*/

static double sigmoid(double t) { return 1.0 / (1.0 + exp(-t)); }

// J(w, c) on the rows listed in `rows` (n of them). theta = (w1, w2, c).
static double logreg_objective(const double theta[3], matrix X,
                               const int *y, const int *rows, int n,
                               double C)
{
    double sum = 0.0;
    for (int r = 0; r < n; r++) {
        int i = rows[r];
        double t = theta[0] * MAT_AT(X, i, 0) + theta[1] * MAT_AT(X, i, 1)
                   + theta[2];
        // -log p = log(1 + e^-t), -log(1 - p) = log(1 + e^t), overflow-safe
        double u = y[i] ? -t : t;
        sum += u > 0 ? u + log1p(exp(-u)) : log1p(exp(u));
    }
    return C * sum + 0.5 * (theta[0] * theta[0] + theta[1] * theta[1]);
}

// Solve the 3 x 3 system A x = b by Gaussian elimination with partial
// pivoting. A and b are overwritten. Returns false if A is singular.
static bool solve3(double A[3][3], double b[3], double x[3])
{
    for (int col = 0; col < 3; col++) {
        int pivot = col;
        for (int r = col + 1; r < 3; r++)
            if (fabs(A[r][col]) > fabs(A[pivot][col]))
                pivot = r;
        if (A[pivot][col] == 0.0)
            return false;
        for (int c = 0; c < 3; c++) {
            double t = A[col][c];
            A[col][c] = A[pivot][c];
            A[pivot][c] = t;
        }
        double t = b[col];
        b[col] = b[pivot];
        b[pivot] = t;
        for (int r = col + 1; r < 3; r++) {
            double f = A[r][col] / A[col][col];
            for (int c = col; c < 3; c++)
                A[r][c] -= f * A[col][c];
            b[r] -= f * b[col];
        }
    }
    for (int r = 2; r >= 0; r--) {
        double s = b[r];
        for (int c = r + 1; c < 3; c++)
            s -= A[r][c] * x[c];
        x[r] = s / A[r][r];
    }
    return true;
}

// Minimise J over the listed rows by Newton's method, from theta = 0.
static void logreg_fit(double theta[3], matrix X, const int *y,
                       const int *rows, int n, double C)
{
    theta[0] = theta[1] = theta[2] = 0.0;
    double J = logreg_objective(theta, X, y, rows, n, C);
    for (int step = 0; step < 100; step++) {
        double g[3] = {theta[0], theta[1], 0.0};           // the penalty
        double H[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 0}};
        for (int r = 0; r < n; r++) {
            int i = rows[r];
            double xt[3] = {MAT_AT(X, i, 0), MAT_AT(X, i, 1), 1.0};
            double p = sigmoid(theta[0] * xt[0] + theta[1] * xt[1]
                               + theta[2]);
            for (int a = 0; a < 3; a++) {
                g[a] += C * (p - y[i]) * xt[a];
                for (int b = 0; b < 3; b++)
                    H[a][b] += C * p * (1.0 - p) * xt[a] * xt[b];
            }
        }
        double delta[3];
        if (!solve3(H, g, delta))
            return;
        double scale = 1.0, J_new = J, next[3];
        for (int half = 0; half < 50; half++, scale *= 0.5) {
            for (int a = 0; a < 3; a++)
                next[a] = theta[a] - scale * delta[a];
            J_new = logreg_objective(next, X, y, rows, n, C);
            if (J_new <= J)
                break;
        }
        if (!(J_new <= J))
            return;                         // no step helps: at the minimum
        double moved = 0.0;
        for (int a = 0; a < 3; a++) {
            moved = fmax(moved, fabs(next[a] - theta[a]));
            theta[a] = next[a];
        }
        J = J_new;
        if (moved < 1e-13 * (1.0 + fabs(theta[0]) + fabs(theta[1])))
            return;
    }
}

// The fraction of the listed rows on the right side of the line.
static double logreg_accuracy(const double theta[3], matrix X,
                              const int *y, const int *rows, int n)
{
    int right = 0;
    for (int r = 0; r < n; r++) {
        int i = rows[r];
        double t = theta[0] * MAT_AT(X, i, 0) + theta[1] * MAT_AT(X, i, 1)
                   + theta[2];
        right += (t > 0.0) == (y[i] == 1);
    }
    return (double)right / n;
}

/**
The folds are scikit-learn's `StratifiedKFold(5)`: each fold gets the
same share of each class, and within a class the points keep their
order, the first fifth of the class going to fold 0, the next to fold
1, and so on. (With 100 points per class every fold has 20 of each.)
Ties between values of $C$ go to the smaller $C$, as in scikit-learn.
*/

// How many of the positions start, ..., start + count - 1 are f mod k.
static int fold_share(int start, int count, int k, int f)
{
    int share = 0;
    for (int j = start; j < start + count; j++)
        share += j % k == f;
    return share;
}

// fold[i] in 0..k-1 for each of the n points, as StratifiedKFold(k)
// without shuffling assigns them (two classes). Sort the labels, deal
// the sorted positions round-robin to the folds, and give each class's
// points, in order, to the folds in the numbers dealt to its run.
static void stratified_folds(int *fold, const int *y, int n, int k)
{
    int first = y[0];            // classes are numbered as they appear
    int count[2] = {0, 0};
    for (int i = 0; i < n; i++)
        count[y[i] != first]++;
    int start = 0;               // where the class's run begins, sorted
    for (int c = 0; c < 2; c++) {
        int f = 0, left = fold_share(start, count[c], k, 0);
        for (int i = 0; i < n; i++) {
            if ((y[i] != first) != c)
                continue;
            while (left == 0)
                left = fold_share(start, count[c], k, ++f);
            fold[i] = f;
            left--;
        }
        start += count[c];
    }
}

// LogisticRegressionCV(): choose C from 10 values by 5-fold
// cross-validation, print the scores, refit on all points into theta.
// Returns the chosen C.
static double logreg_cv(double theta[3], matrix X, const int *y)
{
    enum { N_CS = 10, FOLDS = 5 };
    int n = X.rows;
    int *fold = nn_alloc((size_t)n, sizeof *fold);
    int *train = nn_alloc((size_t)n, sizeof *train);
    int *test = nn_alloc((size_t)n, sizeof *test);
    stratified_folds(fold, y, n, FOLDS);
    double best_C = 0.0, best_score = -1.0;
    printf("%10s  %s\n", "C", "mean accuracy on the held-out folds");
    for (int c = 0; c < N_CS; c++) {
        double C = pow(10.0, -4.0 + 8.0 * c / (N_CS - 1));  // logspace
        double score = 0.0;
        for (int f = 0; f < FOLDS; f++) {
            int n_train = 0, n_test = 0;
            for (int i = 0; i < n; i++) {
                if (fold[i] == f)
                    test[n_test++] = i;
                else
                    train[n_train++] = i;
            }
            logreg_fit(theta, X, y, train, n_train, C);
            score += logreg_accuracy(theta, X, y, test, n_test) / FOLDS;
        }
        printf("%10.4g  %.3f\n", C, score);
        if (score > best_score + 1e-12) {
            best_score = score;
            best_C = C;
        }
    }
    for (int i = 0; i < n; i++)
        train[i] = i;
    logreg_fit(theta, X, y, train, n, best_C);
    printf("logistic regression: C = %g, training accuracy: %.2f\n",
           best_C, logreg_accuracy(theta, X, y, train, n));
    free(fold);
    free(train);
    free(test);
    return best_C;
}

/**
## A network with a tanh hidden layer

The tutorial's network has an input layer of 2 units, a hidden layer of
$h$ units and an output layer of 2 units, one per class. *Forward
propagation* computes, for the points as the rows of $X$,

$$z_1 = X W_1 + b_1, \qquad a_1 = \tanh(z_1), \qquad
  z_2 = a_1 W_2 + b_2, \qquad \hat y = \mathrm{softmax}(z_2),$$

with $W_1$ of shape $2 \times h$ and $W_2$ of shape $h \times 2$.
Chapter 6 used the ReLU; here the hidden units use the hyperbolic
tangent, a smooth S-shaped curve from $-1$ to $1$ whose derivative has
the convenient form $\tanh'(z) = 1 - \tanh^2(z)$. The output is a
softmax over two classes, which is the same as a logistic unit on the
difference of the two scores, written so that it extends to more
classes.

The loss is the mean cross-entropy plus an L2 penalty, exactly as the
tutorial's `calculate_loss` computes it,

$$L = \frac{1}{N} \Big( \sum_i -\log \hat y_{i, y_i} +
  \frac{\lambda}{2} \big( \lVert W_1 \rVert^2 + \lVert W_2 \rVert^2
  \big) \Big), \qquad \lambda = 0.01 .$$

## Backpropagation

The gradient comes from the chain rule, applied from the output
backwards. The tutorial gives the result with a "trust me on this"; we
have derived its first line in chapter 6 (the softmax with
cross-entropy gives probabilities minus one-hot labels) and the rest
follows one layer at a time:

$$\delta_3 = \hat y - y, \qquad
  \frac{\partial L}{\partial W_2} = a_1^\top \delta_3, \qquad
  \frac{\partial L}{\partial b_2} = \textstyle\sum_i \delta_{3,i},$$

$$\delta_2 = (1 - \tanh^2 z_1) \circ \delta_3 W_2^\top, \qquad
  \frac{\partial L}{\partial W_1} = X^\top \delta_2, \qquad
  \frac{\partial L}{\partial b_1} = \textstyle\sum_i \delta_{2,i} .$$

$\delta_3$ is how much the loss changes with each output score;
multiplying by $W_2^\top$ sends it back to the hidden units, and the
factor $1 - \tanh^2 z_1 = 1 - a_1^2$ is the slope of each unit where it
was. A unit deep in saturation ($a_1$ near $\pm 1$) passes almost no
gradient back. To the weight gradients the tutorial adds the penalty's
$\lambda W$.

Notice what is missing: the factor $\frac1N$. The tutorial's gradient
is the gradient of $N L$, the *sum* over the points, not of the mean
loss $L$ it prints. With the learning rate $\epsilon = 0.01$ and
$N = 200$ points, a step $-\epsilon \nabla (N L)$ is a step of
$\epsilon N = 2$ on the mean loss. That is a large step (chapter 1
showed what a step that is too large does), and it is why this
network's training is so sensitive to the last bits of its arithmetic,
as we will see. The penalty's gradient $\lambda W$ belongs to the same
sum, so the balance between the data and the penalty is the one the
printed loss shows; only the step is $N$ times longer than it looks.

## The network in code

The parameters are one block, as in chapter 6: $W_1$, $b_1$, $W_2$,
$b_2$ in that order, with a gradient block of the same layout. We name
them as the tutorial does.

The tutorial draws the initial weights from a normal distribution
divided by the square root of the layer's number of inputs: $W_1$ by
$\sqrt 2$, $W_2$ by $\sqrt h$. Each unit then starts with a weighted
sum of roughly unit size, in the steep middle of its $\tanh$ rather
than flat in saturation, whatever the width of the layer. This is the
scaling Glorot and Bengio analysed for such networks [@glorot2010]
(their version averages the numbers of inputs and outputs). Chapter
6's fixed $0.01$ works there only because its layers are so narrow.
*/

typedef struct {
    int hidden;          // h
    size_t size;         // doubles in the block
    double *block;       // every parameter, one allocation
    matrix W1, b1;       // (D, h), (1, h)
    matrix W2, b2;       // (h, K), (1, K)
} net;

static matrix take(double **next, int rows, int cols)
{
    matrix m = {rows, cols, *next};
    *next += (size_t)rows * cols;
    return m;
}

static net net_alloc(int hidden)
{
    net m = {hidden, (size_t)(D + 1) * hidden + (size_t)(hidden + 1) * K,
             NULL, {0}, {0}, {0}, {0}};
    m.block = nn_alloc(m.size, sizeof(double));
    double *next = m.block;
    m.W1 = take(&next, D, hidden);
    m.b1 = take(&next, 1, hidden);
    m.W2 = take(&next, hidden, K);
    m.b2 = take(&next, 1, K);
    return m;
}

static void net_free(net *m)
{
    free(m->block);
    m->block = NULL;
}

// The tutorial's build_model: np.random.seed(0), then
// W1 = randn(2, h) / sqrt(2), W2 = randn(h, 2) / sqrt(h), biases 0.
static net net_init(int hidden, uint32_t seed)
{
    net m = net_alloc(hidden);
    rng r;
    rng_seed(&r, seed);
    for (size_t i = 0; i < mat_size(m.W1); i++)
        m.W1.data[i] = rng_randn(&r) / sqrt((double)D);
    for (size_t i = 0; i < mat_size(m.W2); i++)
        m.W2.data[i] = rng_randn(&r) / sqrt((double)hidden);
    return m;
}

/**
First the plain version, line by line the tutorial's NumPy, with the
toolkit's matrices. It computes the printed loss, the predictions for
the figures, and the gradient that the faster version below is checked
against.
*/

// Forward: a1 (n, h) = tanh(X W1 + b1), probs (n, K) = softmax(a1 W2 +
// b2), for X (n, D).
static void net_forward(matrix probs, matrix a1, matrix X, const net *m)
{
    mat_mul(a1, X, m->W1);                 // z1 = X W1 + b1
    mat_add_row(a1, m->b1);
    mat_map(a1, tanh);                     // a1 = tanh(z1)
    mat_mul(probs, a1, m->W2);             // z2 = a1 W2 + b2
    mat_add_row(probs, m->b2);
    mat_softmax_rows(probs);               // y^ = softmax(z2)
}

// The tutorial's calculate_loss, from the forward pass's probs (n, K).
static double net_loss(matrix probs, const int *y, const net *m,
                       double reg)
{
    double data_loss = 0.0;
    for (int i = 0; i < probs.rows; i++)
        data_loss += -log(MAT_AT(probs, i, y[i]));
    data_loss += reg / 2 * (mat_sum_squares(m->W1)
                            + mat_sum_squares(m->W2));
    return 1.0 / probs.rows * data_loss;
}

// Backward: adds the tutorial's gradient (a sum over the points) into
// grads. delta3 (n, K) and delta2 (n, h) are scratch.
static void net_backward(net *grads, matrix delta3, matrix delta2,
                         matrix X, const int *y, matrix a1, matrix probs,
                         const net *m, double reg)
{
    mat_copy(delta3, probs);                           // y^ - y
    for (int i = 0; i < X.rows; i++)
        MAT_AT(delta3, i, y[i]) -= 1.0;
    mat_gemm(grads->W2, 1.0, a1, true, delta3, false, 1.0);  // a1^T d3
    mat_mul_nt(delta2, delta3, m->W2);                 // d3 W2^T
    for (size_t i = 0; i < mat_size(delta2); i++)      // o (1 - a1^2)
        delta2.data[i] *= 1.0 - a1.data[i] * a1.data[i];
    mat_gemm(grads->W1, 1.0, X, true, delta2, false, 1.0);   // X^T d2
    for (int i = 0; i < X.rows; i++) {
        for (int k = 0; k < K; k++)
            MAT_AT(grads->b2, 0, k) += MAT_AT(delta3, i, k);
        for (int u = 0; u < m->hidden; u++)
            MAT_AT(grads->b1, 0, u) += MAT_AT(delta2, i, u);
    }
    mat_axpy(grads->W2, reg, m->W2);                   // + reg W2
    mat_axpy(grads->W1, reg, m->W1);                   // + reg W1
}

/**
## One pass per iteration {#sec-moons-one-pass}

Chapter 6 made its network fast by keeping the big products in BLAS
and fusing the element-wise work around them. This network is tiny:
three hidden units, two outputs, two hundred points. Its products are
far too small for BLAS to pay off; what costs time here is the number
of passes over the data, about twenty in the NumPy loop and ten in
`net_forward` and `net_backward`, each with its own temporary array,
and the $\tanh$.

So the fast version makes *one* pass over the points per iteration. For
each point it runs the whole forward pass ($h$ hidden values, two
scores, the softmax) and at once the whole backward pass, adding the
point's share to every gradient. The memory layout question disappears:
one point's activations are a dozen numbers that never leave the
processor's registers and first-level cache, and the only arrays the
loop reads are the inputs and the parameters. The loop order is points
outside, hidden units inside, so each point is read exactly once. (The
points go in chunks of eight: first the hidden values of the chunk's
points, then the rest for each of them. That changes no sum, but it
puts the chunk's $\tanh$ calls back to back, independent of each other,
so the processor overlaps them instead of waiting for each one before
the next point's arithmetic can start.)

With the passes gone, the $\tanh$ is the most expensive step left,
three of them per point; the C library computes it carefully, through
`expm1`, at about twice the cost of an `exp`. We compute it from one
`exp`,

$$\tanh z = 1 - \frac{2}{e^{2z} + 1},$$

which is exact mathematically, right at both ends ($e^{2z}$ overflows to
infinity for large $z$, giving 1, and vanishes for very negative $z$,
giving $-1$) and accurate to about $10^{-16}$ in absolute terms
everywhere. Near $z = 0$ it loses *relative* accuracy, since it
subtracts two numbers close to 1; for a hidden unit whose value is
added to others of size 1, absolute accuracy is what counts. The
program checks the fast gradient against the plain one, and the test
suite checks the plain one against central differences.

The function takes the order in which to visit the points. Forwards is
the tutorial's order; backwards is the same sum added up in a different
order, which we will need later.
*/

// tanh z = 1 - 2 / (e^(2z) + 1): one exp, exact at +-infinity.
static double fast_tanh(double z) { return 1.0 - 2.0 / (exp(2.0 * z) + 1.0); }

enum { CHUNK = 8 };   // points whose hidden units are computed together

// Forward and backward in one pass over the points of X (n, D): adds
// the tutorial's gradient (summed over the points, plus reg W) into
// grads. a[CHUNK * h] is scratch. Visits the points backwards if
// `reverse`.
static void fast_gradient(net *grads, double *a, matrix X, const int *y,
                          const net *m, double reg, bool reverse)
{
    const int h = m->hidden, n = X.rows;
    const double *W1 = m->W1.data, *b1 = m->b1.data;   // (D, h), (h)
    const double *W2 = m->W2.data, *b2 = m->b2.data;   // (h, K), (K)
    double *dW1 = grads->W1.data, *db1 = grads->b1.data;
    double *dW2 = grads->W2.data, *db2 = grads->b2.data;
    for (int t0 = 0; t0 < n; t0 += CHUNK) {
        int count = n - t0 < CHUNK ? n - t0 : CHUNK;
        // a = tanh(x W1 + b1) for the chunk's points, a[c * h + u]
        for (int c = 0; c < count; c++) {
            int i = reverse ? n - 1 - (t0 + c) : t0 + c;
            double x0 = MAT_AT(X, i, 0), x1 = MAT_AT(X, i, 1);
            for (int u = 0; u < h; u++)
                a[c * h + u] = x0 * W1[u] + x1 * W1[h + u] + b1[u];
        }
        for (int k = 0; k < count * h; k++)
            a[k] = fast_tanh(a[k]);
        for (int c = 0; c < count; c++) {
            int i = reverse ? n - 1 - (t0 + c) : t0 + c;
            double x0 = MAT_AT(X, i, 0), x1 = MAT_AT(X, i, 1);
            const double *ai = &a[c * h];
            // s = a W2 + b2
            double s0 = 0.0, s1 = 0.0;
            for (int u = 0; u < h; u++) {
                s0 += ai[u] * W2[2 * u];
                s1 += ai[u] * W2[2 * u + 1];
            }
            s0 += b2[0];
            s1 += b2[1];
            // softmax, subtracting the larger score (whose e^0 is 1)
            double e0 = s0 >= s1 ? 1.0 : exp(s0 - s1);
            double e1 = s0 >= s1 ? exp(s1 - s0) : 1.0;
            // delta3 = y^ - y
            double d0 = e0 / (e0 + e1) - (y[i] == 0);
            double d1 = e1 / (e0 + e1) - (y[i] == 1);
            db2[0] += d0;
            db2[1] += d1;
            // dW2 += a^T d3, d2 = d3 W2^T o (1 - a^2), dW1 += x^T d2
            for (int u = 0; u < h; u++) {
                dW2[2 * u] += ai[u] * d0;
                dW2[2 * u + 1] += ai[u] * d1;
                double d2 = (d0 * W2[2 * u] + d1 * W2[2 * u + 1])
                            * (1.0 - ai[u] * ai[u]);
                dW1[u] += x0 * d2;
                dW1[h + u] += x1 * d2;
                db1[u] += d2;
            }
        }
    }
    mat_axpy(grads->W2, reg, m->W2);                   // + reg W2
    mat_axpy(grads->W1, reg, m->W1);                   // + reg W1
}

// Scratch for the plain forward and backward passes on n points.
typedef struct {
    matrix a1, probs, delta3, delta2;   // (n, h), (n, K), (n, K), (n, h)
} scratch;

static scratch scratch_alloc(int n, int hidden)
{
    scratch s = {mat_alloc(n, hidden), mat_alloc(n, K), mat_alloc(n, K),
                 mat_alloc(n, hidden)};
    return s;
}

static void scratch_free(scratch *s)
{
    mat_free(&s->a1);
    mat_free(&s->probs);
    mat_free(&s->delta3);
    mat_free(&s->delta2);
}

// The printed loss of m on X.
static double loss_of(const net *m, matrix X, const int *y, double reg)
{
    scratch s = scratch_alloc(X.rows, m->hidden);
    net_forward(s.probs, s.a1, X, m);
    double loss = net_loss(s.probs, y, m, reg);
    scratch_free(&s);
    return loss;
}

/**
## Training

Batch gradient descent with the fixed learning rate $\epsilon$, as the
tutorial's `build_model` does it: 20,000 passes, and every 1000 passes
the loss on the whole set, computed *after* that pass's update (so the
line for iteration 0 already shows the effect of one step).
*/

// The settings every training shares.
typedef struct {
    int passes;
    double epsilon, reg;
    uint32_t seed;
    const cli_common *common;    // for the divergence guard's message
    bool vector;                 // train with vector_gradient (--vector)
} settings;

// What a training records every 1000 passes; NULL fields are skipped.
typedef struct {
    double *losses;      // [passes / 1000 + 1]: the printed loss
    double *sharpness;   // [passes / 1000 + 1]: see `sharpness` below
    progress *bar;       // the progress line, or NULL
    bool print;          // print the tutorial's loss lines
    bool reverse;        // visit the points backwards
} trace;

static double sharpness(net *m, matrix X, const int *y, double reg);

// The vectorised gradient of the optional section at the end of the
// chapter (--vector): the same sums as fast_gradient in another order,
// with a tanh of its own. A batch is the points laid out for it.
typedef struct vector_batch vector_batch;
static vector_batch *vector_batch_new(matrix X, const int *y, int hidden);
static void vector_batch_free(vector_batch *vb);
static void vector_gradient(net *grads, vector_batch *vb, const net *m,
                            double reg);
static double vector_tanh_error(double range);

// Train m for s.passes passes, recording into t. Returns 0, or 1 after
// one line on stderr if the loss diverged.
static int train(net *m, matrix X, const int *y, settings s, trace t)
{
    net grads = net_alloc(m->hidden);
    double *a = nn_alloc((size_t)CHUNK * m->hidden, sizeof *a);
    vector_batch *vb = s.vector ? vector_batch_new(X, y, m->hidden)
                                : NULL;
    double first_loss = 0.0;
    int status = CLI_CONTINUE;
    for (int it = 0; it < s.passes && status == CLI_CONTINUE; it++) {
        memset(grads.block, 0, grads.size * sizeof(double));
        if (vb)
            vector_gradient(&grads, vb, m, s.reg);
        else
            fast_gradient(&grads, a, X, y, m, s.reg, t.reverse);
        for (size_t i = 0; i < m->size; i++)        // params -= eps grads
            m->block[i] += -s.epsilon * grads.block[i];
        if (it % 1000 != 0) {
            if (t.bar && it % 100 == 0)
                progress_update(t.bar, it, NULL);
            continue;
        }
        double loss = loss_of(m, X, y, s.reg);
        first_loss = it == 0 ? loss : first_loss;
        if (t.losses)
            t.losses[it / 1000] = loss;
        if (t.sharpness)
            t.sharpness[it / 1000] = sharpness(m, X, y, s.reg);
        if (t.bar)
            progress_update(t.bar, it, "loss %.6f", loss);
        if (t.print) {
            if (t.bar)
                progress_clear(t.bar);
            printf("Loss after iteration %i: %f\n", it, loss);
        }
        char where[40];
        snprintf(where, sizeof where, "iteration %d", it);
        status = cli_check_loss(s.common, loss, first_loss, where,
                                "lower --lr");
    }
    vector_batch_free(vb);
    free(a);
    net_free(&grads);
    return status == CLI_CONTINUE ? 0 : status;
}

// The fraction of points of X (n, D) that m classifies right.
static double net_accuracy(const net *m, matrix X, const int *y)
{
    scratch s = scratch_alloc(X.rows, m->hidden);
    net_forward(s.probs, s.a1, X, m);
    int right = 0;
    for (int i = 0; i < X.rows; i++)
        right += mat_argmax_row(s.probs, i) == y[i];
    scratch_free(&s);
    return (double)right / X.rows;
}

/**
## Checks

Two checks, as in chapter 6. Central differences of the printed loss,
times $N$ (the tutorial's gradient is that of the sum), against
`net_backward`, over all parameters as one vector; and the one-pass
gradient against `net_backward`.
*/

// |g - n| / (|g| + |n|) between net_backward's gradient g and central
// differences n of N times the loss, over every parameter of m.
static double gradient_check(net *m, matrix X, const int *y, double reg)
{
    const double h = 1e-5;
    scratch s = scratch_alloc(X.rows, m->hidden);
    net grads = net_alloc(m->hidden);
    net_forward(s.probs, s.a1, X, m);
    net_backward(&grads, s.delta3, s.delta2, X, y, s.a1, s.probs, m, reg);
    double diff = 0.0, norm_g = 0.0, norm_n = 0.0;
    for (size_t i = 0; i < m->size; i++) {
        double saved = m->block[i];
        m->block[i] = saved + h;
        double up = X.rows * loss_of(m, X, y, reg);
        m->block[i] = saved - h;
        double down = X.rows * loss_of(m, X, y, reg);
        m->block[i] = saved;
        double numeric = (up - down) / (2.0 * h), analytic = grads.block[i];
        diff += (numeric - analytic) * (numeric - analytic);
        norm_g += analytic * analytic;
        norm_n += numeric * numeric;
    }
    net_free(&grads);
    scratch_free(&s);
    return sqrt(diff) / (sqrt(norm_g) + sqrt(norm_n));
}

// The largest difference between the one-pass (with `vector`, the
// vectorised) and the plain gradient, relative to the largest plain
// component.
static double fast_versus_plain(const net *m, matrix X, const int *y,
                                double reg, bool vector)
{
    scratch s = scratch_alloc(X.rows, m->hidden);
    net plain = net_alloc(m->hidden), fused = net_alloc(m->hidden);
    double *a = nn_alloc((size_t)CHUNK * m->hidden, sizeof *a);
    net_forward(s.probs, s.a1, X, m);
    net_backward(&plain, s.delta3, s.delta2, X, y, s.a1, s.probs, m, reg);
    if (vector) {
        vector_batch *vb = vector_batch_new(X, y, m->hidden);
        vector_gradient(&fused, vb, m, reg);
        vector_batch_free(vb);
    } else {
        fast_gradient(&fused, a, X, y, m, reg, false);
    }
    double diff = 0.0, largest = 0.0;
    for (size_t i = 0; i < m->size; i++) {
        diff = fmax(diff, fabs(fused.block[i] - plain.block[i]));
        largest = fmax(largest, fabs(plain.block[i]));
    }
    free(a);
    net_free(&plain);
    net_free(&fused);
    scratch_free(&s);
    return diff / largest;
}

/**
## How sharp is the valley? {#sec-moons-sharpness}

Near a minimum the loss looks like a bowl, $L(\theta + d) \approx
L(\theta) + \tfrac12 d^\top H d$, with $H$ the Hessian, the matrix of
second derivatives. Along an eigenvector of $H$ with eigenvalue
$\lambda$ the bowl is a parabola of curvature $\lambda$, and a
gradient step multiplies the distance from its bottom by
$1 - \eta\lambda$, where $\eta$ is the step on the loss. The distance
shrinks only when $|1 - \eta\lambda| < 1$, that is when
$\lambda < 2/\eta$; above that every step overshoots further than the
one before. Here the step on the mean loss $L$ is $\eta = \epsilon N$,
so fixed-step descent can settle only where the largest eigenvalue of
the Hessian of $L$, the *sharpness*, is below $2/(\epsilon N)$. A
valley sharper than that cannot hold the training, however low its
floor. This is the *edge of stability*: training at a fixed step tends
to drift to where the sharpness sits just at that limit.

We measure the sharpness by *power iteration*: start from a random
direction $v$, replace it by $Hv / \lVert Hv \rVert$ again and again,
and the Rayleigh quotient $v^\top H v$ converges to the eigenvalue of
largest size. It needs no $H$, only products $Hv$, and those come from
two gradients,

$$H v \approx \frac{\nabla L(\theta + h v) - \nabla L(\theta - h v)}
  {2h},$$

a central difference of the gradient along $v$. (Chapter 8 computes
such products exactly, with the R-operator; a difference is enough
here.) If the eigenvalue found is negative, a second run on
$H - \lambda I$ finds the largest one.
*/

// out (the layout of m) = H v for the Hessian of the mean loss L at m,
// by central differences of the gradient; v has m->size entries and
// length 1. fast_gradient gives N times the gradient of L.
static void hessian_times(double *out, const double *v, net *m,
                          matrix X, const int *y, double reg)
{
    const double h = 1e-5;
    net up = net_alloc(m->hidden), down = net_alloc(m->hidden);
    double *a = nn_alloc((size_t)CHUNK * m->hidden, sizeof *a);
    double *saved = nn_alloc(m->size, sizeof *saved);
    memcpy(saved, m->block, m->size * sizeof *saved);
    for (size_t i = 0; i < m->size; i++)
        m->block[i] = saved[i] + h * v[i];
    fast_gradient(&up, a, X, y, m, reg, false);
    for (size_t i = 0; i < m->size; i++)
        m->block[i] = saved[i] - h * v[i];
    fast_gradient(&down, a, X, y, m, reg, false);
    memcpy(m->block, saved, m->size * sizeof *saved);
    for (size_t i = 0; i < m->size; i++)
        out[i] = (up.block[i] - down.block[i]) / (2.0 * h * X.rows);
    free(saved);
    free(a);
    net_free(&up);
    net_free(&down);
}

// The eigenvalue of largest size of H - shift I, by power iteration
// from a fixed random start (so the same net gives the same number).
static double power_iteration(net *m, matrix X, const int *y, double reg,
                              double shift)
{
    size_t n = m->size;
    double *v = nn_alloc(n, sizeof *v), *Hv = nn_alloc(n, sizeof *Hv);
    rng r;
    rng_seed(&r, 12345);
    for (size_t i = 0; i < n; i++)
        v[i] = rng_randn(&r);
    double lambda = 0.0;
    for (int step = 0; step < 500; step++) {
        double norm = 0.0;
        for (size_t i = 0; i < n; i++)
            norm += v[i] * v[i];
        for (size_t i = 0; i < n; i++)
            v[i] /= sqrt(norm);
        hessian_times(Hv, v, m, X, y, reg);
        double rayleigh = 0.0;                    // v^T (H - shift I) v
        for (size_t i = 0; i < n; i++) {
            Hv[i] -= shift * v[i];
            rayleigh += v[i] * Hv[i];
        }
        bool settled = fabs(rayleigh - lambda) <= 1e-9 * fabs(rayleigh);
        lambda = rayleigh;
        if (settled)
            break;
        memcpy(v, Hv, n * sizeof *v);
    }
    free(v);
    free(Hv);
    return lambda;
}

// The sharpness: the largest eigenvalue of the Hessian of the mean
// loss L at m.
static double sharpness(net *m, matrix X, const int *y, double reg)
{
    double lambda = power_iteration(m, X, y, reg, 0.0);
    if (lambda < 0.0)                   // the largest was negative
        lambda += power_iteration(m, X, y, reg, lambda);
    return lambda;
}

/**
## Drawing decision boundaries

As in the tutorial's `plot_decision_boundary`: colour a grid that
reaches half a unit beyond the data by the predicted class, and draw
the points on top. A figure can hold several panels, one per model.
*/

typedef struct {
    const net *m;            // a network, or
    const double *theta;     // logistic regression's (w1, w2, c)
    const char *title;
} classifier;

static int classify(const classifier *c, double x0, double x1)
{
    if (c->theta)
        return c->theta[0] * x0 + c->theta[1] * x1 + c->theta[2] > 0.0;
    const net *m = c->m;
    double s[K] = {MAT_AT(m->b2, 0, 0), MAT_AT(m->b2, 0, 1)};
    for (int u = 0; u < m->hidden; u++) {
        double a = tanh(x0 * MAT_AT(m->W1, 0, u) + x1 * MAT_AT(m->W1, 1, u)
                        + MAT_AT(m->b1, 0, u));
        for (int k = 0; k < K; k++)
            s[k] += a * MAT_AT(m->W2, u, k);
    }
    return s[1] > s[0];
}

// The terminal form of one panel (--plot dumb): `width` characters
// across the box lo..hi, the predicted class of each cell, the points on
// top.
static void draw_cells(plot *p, const classifier *c, int width,
                       const double lo[D], const double hi[D], matrix X,
                       const int *y)
{
    int height = (int)(width * (hi[1] - lo[1]) / (hi[0] - lo[0]) / 2);
    height = height < 4 ? 4 : height;
    int *cells = nn_alloc((size_t)width * height, sizeof *cells);
    double dx = (hi[0] - lo[0]) / width, dy = (hi[1] - lo[1]) / height;
    for (int r = 0; r < height; r++)              // row 0 at the top
        for (int col = 0; col < width; col++)
            cells[r * width + col] = classify(c, lo[0] + (col + 0.5) * dx,
                                              hi[1] - (r + 0.5) * dy);
    for (int i = 0; i < X.rows; i++) {
        int col = (int)((MAT_AT(X, i, 0) - lo[0]) / dx);
        int r = (int)((hi[1] - MAT_AT(X, i, 1)) / dy);
        if (col >= 0 && col < width && r >= 0 && r < height)
            cells[r * width + col] = 2 + y[i];
    }
    plot_ascii_cells(p, c->title, cells, height, width, " :ox",
                     "o class 0   x class 1   (blank) region of 0   "
                     ": region of 1");
    free(cells);
}

// One figure of `n` panels in a grid of `columns`, each panel one
// classifier's regions on a grid of the given spacing, with the points.
static void draw_regions(plotter *pl, const char *stem, const classifier *c,
                         int n, int columns, double spacing, double width,
                         double height, matrix X, const int *y)
{
    plot *p = plot_begin(pl, stem, width, height);
    if (!p)
        return;
    double lo[D], hi[D];
    for (int d = 0; d < D; d++) {
        lo[d] = hi[d] = MAT_AT(X, 0, d);
        for (int i = 1; i < X.rows; i++) {
            lo[d] = fmin(lo[d], MAT_AT(X, i, d));
            hi[d] = fmax(hi[d], MAT_AT(X, i, d));
        }
        lo[d] -= 0.5;
        hi[d] += 0.5;
    }
    int nx = (int)ceil((hi[0] - lo[0]) / spacing);
    int ny = (int)ceil((hi[1] - lo[1]) / spacing);
    double x_end = lo[0] + (nx - 1) * spacing;
    double y_end = lo[1] + (ny - 1) * spacing;
    double *cls = nn_alloc((size_t)nx * ny, sizeof *cls);
    double *x0 = nn_alloc((size_t)X.rows, sizeof *x0);
    double *x1 = nn_alloc((size_t)X.rows, sizeof *x1);
    double *label = nn_alloc((size_t)X.rows, sizeof *label);
    for (int i = 0; i < X.rows; i++) {
        x0[i] = MAT_AT(X, i, 0);
        x1[i] = MAT_AT(X, i, 1);
        label[i] = y[i];
    }
    const double *cols[3] = {x0, x1, label};
    plot_columns(p, "$points", cols, 3, X.rows);
    plot_cmd(p, "set palette defined (0 '#f5c6c0', 1 '#c3dcf0')");
    plot_cmd(p, "set cbrange [-0.5:1.5]; unset colorbox");
    plot_cmd(p, "set xrange [%g:%g]; set yrange [%g:%g]", lo[0], x_end,
             lo[1], y_end);
    plot_cmd(p, "set size ratio -1; unset key");
    plot_cmd(p, "set xlabel 'x_1'; set ylabel 'x_2'");
    if (n > 1)      // small panels: fewer ticks, thinner margins
        plot_cmd(p, "set xtics 1; set ytics 1; unset xlabel; "
                 "unset ylabel; set multiplot layout %d,%d margins "
                 "0.05,0.99,0.03,0.955 spacing 0.06,0.07",
                 (n + columns - 1) / columns, columns);
    for (int k = 0; k < n; k++) {
        for (int iy = 0; iy < ny; iy++)
            for (int ix = 0; ix < nx; ix++)
                cls[(size_t)iy * nx + ix] =
                    classify(&c[k], lo[0] + ix * spacing,
                             lo[1] + iy * spacing);
        plot_grid(p, "$grid", cls, nx, ny, lo[0], x_end, lo[1], y_end);
        plot_cmd(p, "set title '%s'", c[k].title);
        plot_cmd(p, "plot $grid using 1:2:3 with image, for [c=0:1] "
                 "$points using 1:($3 == c ? $2 : 1/0) with points pt 7 "
                 "ps %g lc rgb word('#c0392b #2e86c1', c + 1)",
                 n > 1 ? 0.3 : 0.45);
        draw_cells(p, &c[k], n > 1 ? 36 : 64, lo, hi, X, y);
    }
    if (n > 1)
        plot_cmd(p, "unset multiplot");
    plot_end(p);
    free(cls);
    free(x0);
    free(x1);
    free(label);
}

static void draw_data(plotter *pl, matrix X, const int *y)
{
    plot *p = plot_begin(pl, "moons-data", 5.5, 3.6);
    double *x0 = nn_alloc((size_t)X.rows, sizeof *x0);
    double *x1 = nn_alloc((size_t)X.rows, sizeof *x1);
    double *label = nn_alloc((size_t)X.rows, sizeof *label);
    for (int i = 0; i < X.rows; i++) {
        x0[i] = MAT_AT(X, i, 0);
        x1[i] = MAT_AT(X, i, 1);
        label[i] = y[i];
    }
    const double *cols[3] = {x0, x1, label};
    plot_columns(p, "$points", cols, 3, X.rows);
    plot_cmd(p, "set size ratio -1; set key outside right top");
    plot_cmd(p, "set xlabel 'x_1'; set ylabel 'x_2'");
    plot_cmd(p, "plot for [c=0:1] $points using 1:($3 == c ? $2 : 1/0) "
             "with points pt 7 ps 0.6 lc rgb word('#c0392b #2e86c1', "
             "c + 1) title sprintf('class %%d', c)");
    plot_end(p);
    free(x0);
    free(x1);
    free(label);
}

/**
## Overfitting: the hidden-size study

The tutorial ends by training the network with hidden layers of 1, 2,
3, 4, 5, 20 and 50 units and drawing the seven boundaries. One unit
gives a straight line, as good as logistic regression; three already
follow the moons; with 20 and 50 the boundary starts to wrap around
single noisy points. "If we were to evaluate our model on a separate
test set (and you should!)", the tutorial says, "the model with a
smaller hidden layer size would likely perform better because it
generalizes better." We should, so we do: we draw a fresh test set of
1000 points from the same distribution (`make_moons` with the next
seed) and report each network's accuracy on the points it was trained
on and on the points it has never seen.

Seven trainings of 20,000 passes are the slowest part of the chapter.
They do not depend on each other, so we start them all at once, each in
a thread of its own, and let the operating system spread them over the
processor's cores; then we wait for all of them and print their
results in order. Each training has its own network and its own
scratch arrays, so the threads share nothing they write, and the
results are the same bits as one after the other. While they run, the
main thread keeps one progress line up to date.
*/

// One training of the study, run in a thread of its own.
typedef struct {
    net m;               // trained in place
    matrix X;            // the training points (n, D), shared, read-only
    const int *y;
    settings s;
    int status;          // 0, or 1 if the loss diverged
    atomic_int done;     // set when the training has finished
} training;

static void *run_training(void *arg)
{
    training *t = arg;
    t->status = train(&t->m, t->X, t->y, t->s, (trace){0});
    atomic_store(&t->done, 1);
    return NULL;
}

enum { MAX_JOBS = 8 };

// Train the n <= MAX_JOBS jobs at once, a thread each (here, if a
// thread cannot start), under one progress line. 0, or 1 if any diverged.
static int train_all(training *jobs, int n, const char *label)
{
    pthread_t threads[MAX_JOBS];
    bool started[MAX_JOBS];
    for (int k = 0; k < n; k++) {
        atomic_init(&jobs[k].done, 0);
        started[k] = pthread_create(&threads[k], NULL, run_training,
                                    &jobs[k]) == 0;
    }
    for (int k = 0; k < n; k++)
        if (!started[k])                    // no thread: train it here
            run_training(&jobs[k]);
    progress bar;
    progress_start(&bar, label, n);
    for (;;) {
        int finished = 0;
        for (int k = 0; k < n; k++)
            finished += atomic_load(&jobs[k].done);
        progress_update(&bar, finished, "networks trained");
        if (finished == n)
            break;
        nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
    }
    progress_end(&bar);
    int status = 0;
    for (int k = 0; k < n; k++) {
        if (started[k])
            pthread_join(threads[k], NULL);
        status = jobs[k].status ? jobs[k].status : status;
    }
    return status;
}

/**
How sure can we be of a test accuracy? Each of the 1000 test points is
classified right or wrong, so an accuracy $p$ measured on $n$ of them
has a *standard error* of $\sqrt{p(1-p)/n}$: run the study on another
fresh set and the accuracy would typically move by about that much.
Two networks are tested on the same points, so what matters for
comparing them is the spread of their *difference*: with
$d_i = +1, 0, -1$ as the best network is right and the other wrong,
both agree, or the other way round, the difference of the accuracies
is the mean of the $d_i$, and its standard error is the standard
deviation of the $d_i$ over $\sqrt n$. A gap of less than about two of
those is noise: another test set could reverse it.
*/

// correct[i] = 1 if m classifies point i of X (n, D) right, else 0.
// Returns the accuracy.
static double net_correct(unsigned char *correct, const net *m, matrix X,
                          const int *y)
{
    scratch s = scratch_alloc(X.rows, m->hidden);
    net_forward(s.probs, s.a1, X, m);
    int right = 0;
    for (int i = 0; i < X.rows; i++) {
        correct[i] = mat_argmax_row(s.probs, i) == y[i];
        right += correct[i];
    }
    scratch_free(&s);
    return (double)right / X.rows;
}

// The standard error of mean(a - b) over n points (a, b in {0, 1}).
static double paired_error(const unsigned char *a, const unsigned char *b,
                           int n)
{
    double sum = 0.0, squares = 0.0;
    for (int i = 0; i < n; i++) {
        double d = (double)a[i] - b[i];
        sum += d;
        squares += d * d;
    }
    double mean = sum / n;
    return sqrt(fmax(0.0, squares / n - mean * mean) / (n - 1));
}

// The hidden-size study's networks and what they scored.
enum { N_SIZES = 7 };
typedef struct {
    training jobs[N_SIZES + 1];    // the sizes, then one retrained
    double size[N_SIZES], train_acc[N_SIZES], test_acc[N_SIZES];
    unsigned char *correct[N_SIZES];   // (test points) each
    int best;                          // index of the best test accuracy
    double again_train, again_test;    // the retrained network's
} study;

// Training and test accuracy against the hidden size, and the network
// retrained with smaller steps (index `again` of st->size; -1: none).
static void draw_accuracy(plotter *pl, const study *st, int again)
{
    plot *p = plot_begin(pl, "accuracy", 5.5, 3.4);
    const double *cols[3] = {st->size, st->train_acc, st->test_acc};
    plot_columns(p, "$acc", cols, 3, N_SIZES);
    plot_cmd(p, "set logscale x; set xtics (1, 2, 3, 4, 5, 10, 20, 50)");
    plot_cmd(p, "set xrange [%g:%g]", st->size[0] / 1.1,
             st->size[N_SIZES - 1] * 1.1);
    plot_cmd(p, "set xlabel 'hidden units'; set ylabel 'accuracy'");
    plot_cmd(p, "set key bottom right; set grid ytics");
    plot_cmd(p, "plot $acc using 1:2 with linespoints pt 7 lw 2 lc rgb "
             "'#8e44ad' title 'training set', $acc using 1:3 with "
             "linespoints pt 5 lw 2 lc rgb '#16a085' title "
             "'fresh test set'%s", again >= 0 ? ", \\" : "");
    if (again >= 0)
        plot_cmd(p, "  '-' using 1:2 with points pt 6 ps 1.6 lc rgb "
                 "'#8e44ad' title 'smaller steps, training', '-' using "
                 "1:2 with points pt 4 ps 1.6 lc rgb '#16a085' title "
                 "'smaller steps, test'\n%g %g\ne\n%g %g\ne",
                 st->size[again], st->again_train, st->size[again],
                 st->again_test);
    plot_ascii_note(p, "accuracy against hidden units: the table above");
    plot_end(p);
}

// Print the study's table and the comparison with the best network.
static void print_study(study *st, matrix X, const int *y, matrix X_test,
                        const int *y_test)
{
    int n = X_test.rows;
    for (int k = 0; k < N_SIZES; k++) {
        st->correct[k] = nn_alloc((size_t)n, 1);
        st->train_acc[k] = net_accuracy(&st->jobs[k].m, X, y);
        st->test_acc[k] = net_correct(st->correct[k], &st->jobs[k].m,
                                      X_test, y_test);
        st->best = st->test_acc[k] > st->test_acc[st->best] ? k : st->best;
    }
    printf("%6s %10s %10s %10s   %s\n", "hidden", "training", "test",
           "std. err.", "behind the best");
    for (int k = 0; k < N_SIZES; k++) {
        double p = st->test_acc[k];
        printf("%6d %10.3f %10.3f %10.3f", (int)st->size[k],
               st->train_acc[k], p, sqrt(p * (1.0 - p) / n));
        if (k == st->best)
            printf("   (the best)\n");
        else
            printf("   %.3f +- %.3f\n", st->test_acc[st->best] - p,
                   paired_error(st->correct[st->best], st->correct[k], n));
    }
    printf("best on the test set: %d hidden units (%.3f)\n"
           "within two standard errors of the best:",
           (int)st->size[st->best], st->test_acc[st->best]);
    for (int k = 0; k < N_SIZES; k++) {
        double gap = st->test_acc[st->best] - st->test_acc[k];
        if (k != st->best && gap < 2.0 * paired_error(
                st->correct[st->best], st->correct[k], n))
            printf(" %d", (int)st->size[k]);
    }
    printf("\n");
}

/**
One row of the table deserves a second look: a network that fits its
own training points *worse* than a smaller one. A larger network can
do everything a smaller one does (give the extra units zero outgoing
weights), so that is not a lack of capacity; the training has not found
what the network could do. The program trains every such network again
with a step five times smaller for five times as many passes, the run
the section on the learning rate suggests, and prints what it reaches.
*/

// Retrain (in st->jobs[N_SIZES]) the first network that fits its
// training set worse than a smaller one, with epsilon / 5 for 5 x the
// passes, and print it. Returns the index retrained, or -1.
static int retrain_straggler(study *st, matrix X, const int *y,
                             matrix X_test, const int *y_test, settings s,
                             int *status)
{
    int k = 1;
    while (k < N_SIZES && st->train_acc[k] >= st->train_acc[k - 1])
        k++;
    if (k == N_SIZES)
        return -1;
    settings slow = s;
    slow.epsilon = s.epsilon / 5;
    slow.passes = s.passes * 5;        // --passes is at most 10^7
    training *t = &st->jobs[N_SIZES];
    *t = (training){.m = net_init((int)st->size[k], s.seed), .X = X,
                    .y = y, .s = slow};
    *status = train_all(t, 1, "smaller steps");
    if (*status)
        return -1;
    unsigned char *correct = nn_alloc((size_t)X_test.rows, 1);
    printf("\nagain with smaller steps (--lr %g --passes %d):\n",
           slow.epsilon, slow.passes);
    st->again_train = net_accuracy(&t->m, X, y);
    st->again_test = net_correct(correct, &t->m, X_test, y_test);
    printf("%6d %10.3f %10.3f\n", (int)st->size[k], st->again_train,
           st->again_test);
    free(correct);
    return k;
}

/**
## The program

One function per part of the chapter, then `main`, which makes the
moons and runs the parts: the baseline, the tutorial's network with 3
hidden units, the same training with the points summed in reverse
order, the sharpness, and the hidden-size study. `--only net` trains
just the 3-unit network (for the benchmark); its time goes to stderr.
`--only logreg`, `--only sharpness` and `--only study` run one part.
The network it builds, drawn from its own sizes:

![The tutorial's network: 2 inputs, a hidden layer of tanh units, 2
softmax outputs.](figures/07-tanh-moons/network)
*/

// The network as a Graphviz diagram, from its sizes (file mode only).
static void draw_network(plotter *pl, int hidden)
{
    FILE *dot = plot_diagram_begin(pl, "network");
    if (!dot)
        return;
    int shown = hidden <= 8 ? hidden : 7;     // draw at most 8 units
    fprintf(dot, "digraph network {\n");
    plot_diagram_style(dot);              // the book's fonts and colours
    fprintf(dot, "graph [rankdir=LR, nodesep=0.25, ranksep=0.9];\n"
            "node [shape=circle];\n");
    for (int d = 0; d < D; d++)
        fprintf(dot, "x%d [label=<x<sub>%d</sub>>];\n", d, d + 1);
    for (int u = 0; u < shown; u++)
        fprintf(dot, "h%d [label=\"tanh\", fontsize=9];\n", u);
    if (shown < hidden)
        fprintf(dot, "h%d [label=\"...%d\", shape=plaintext, "
                "style=\"\"];\n", shown, hidden);
    for (int k = 0; k < K; k++)
        fprintf(dot, "p%d [label=<p<sub>%d</sub>>, fillcolor=\"#f7ebe8\"];"
                "\n", k, k);
    int drawn = shown < hidden ? shown + 1 : shown;
    for (int u = 0; u < drawn; u++) {
        for (int d = 0; d < D; d++)
            fprintf(dot, "x%d -> h%d;\n", d, u);
        for (int k = 0; k < K; k++)
            fprintf(dot, "h%d -> p%d;\n", u, k);
    }
    fprintf(dot, "label=\"%d inputs, %d tanh units (W1 %d x %d), "
            "softmax over %d classes (W2 %d x %d)\";\n}\n", D, hidden, D,
            hidden, K, hidden, K);
    plot_diagram_end(pl, dot);
}

static void run_baseline(matrix X, const int *y, plotter *pl)
{
    printf("\nlogistic regression, L2, 5-fold cross-validation:\n");
    double theta[3];
    logreg_cv(theta, X, y);
    classifier c = {NULL, theta, "Logistic Regression"};
    draw_regions(pl, "logreg", &c, 1, 1, 0.02, 5.5, 3.6, X, y);
}

// The tutorial's network; losses[] and sharp[] (if not NULL) receive its
// printed losses and sharpness. With `all`, also the checks and the
// figure. 0, or 1 if it diverged.
static int run_network(matrix X, const int *y, int hidden, settings s,
                       bool all, double *losses, double *sharp,
                       plotter *pl)
{
    printf("\n3-layer network: %d tanh units, %d passes, epsilon %g, "
           "reg_lambda %g\n", hidden, s.passes, s.epsilon, s.reg);
    net m = net_init(hidden, s.seed);
    if (all)
        printf("gradient check at the start: relative error %.1e\n",
               gradient_check(&m, X, y, s.reg));
    progress bar;
    progress_start(&bar, "training", s.passes);
    double start = nn_seconds();
    clock_t cpu_start = clock();
    int status = train(&m, X, y, s, (trace){.losses = losses,
                       .sharpness = sharp, .bar = &bar, .print = true});
    progress_end(&bar);
    fprintf(stderr, "net training: %d passes in %.4f s, CPU %.4f s "
            "(%s)\n", s.passes, nn_seconds() - start,
            (double)(clock() - cpu_start) / CLOCKS_PER_SEC,
            s.vector ? "vector" : "one-pass");
    if (status == 0) {
        printf("training accuracy: %.2f\n", net_accuracy(&m, X, y));
        if (all)
            printf("one-pass versus plain gradient: relative difference "
                   "%.1e\n", fast_versus_plain(&m, X, y, s.reg, false));
        if (all || s.vector) {
            printf("vector versus plain gradient: relative difference "
                   "%.1e\n", fast_versus_plain(&m, X, y, s.reg, true));
            printf("vector_tanh versus tanh on [-20, 20]: largest "
                   "difference %.1e\n", vector_tanh_error(20.0));
        }
        if (all) {
            char title[64];
            snprintf(title, sizeof title,
                     "Decision Boundary for hidden layer size %d", hidden);
            classifier c = {&m, NULL, title};
            draw_regions(pl, "net", &c, 1, 1, 0.02, 5.5, 3.6, X, y);
        }
    }
    net_free(&m);
    return status;
}

// The losses NumPy printed ("Loss after iteration K: V" lines of the
// file at `path`; lines starting with # are comments) into
// numpy[n] (NAN where the file has none). 0, or 2 after one line.
static int read_numpy(double *numpy, int n, const char *path,
                      const cli_common *common)
{
    for (int k = 0; k < n; k++)
        numpy[k] = NAN;
    FILE *f = fopen(path, "r");
    if (!f)
        return cli_error(common, "--numpy: cannot read '%s'; give the "
                         "output of bench/peers/moons.py", path);
    char line[256];
    int found = 0, it;
    double loss;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Loss after iteration %d: %lf", &it, &loss) == 2
            && it >= 0 && it % 1000 == 0 && it / 1000 < n) {
            numpy[it / 1000] = loss;
            found++;
        }
    fclose(f);
    if (found == 0)
        return cli_error(common, "--numpy: no 'Loss after iteration' "
                         "lines in '%s'", path);
    return 0;
}

// The same training summed in reverse order, beside the forward one's
// losses[n_losses] and, if numpy is not NULL, NumPy's.
static int run_reversed(matrix X, const int *y, int hidden, settings s,
                        const double *losses, const double *numpy,
                        int n_losses)
{
    if (s.vector) {         // vector_gradient has one order only
        printf("\n(the reverse-order table needs the one-pass gradient: "
               "run without --vector)\n");
        return 0;
    }
    double *reversed = nn_alloc((size_t)n_losses, sizeof *reversed);
    net m = net_init(hidden, s.seed);
    progress bar;
    progress_start(&bar, "reverse order", s.passes);
    int status = train(&m, X, y, s, (trace){.losses = reversed,
                       .bar = &bar, .reverse = true});
    progress_end(&bar);
    if (status == 0) {
        printf("\nthe same training, summing the points in reverse "
               "order:\n%10s %10s %10s%s\n", "iteration", "forwards",
               "backwards", numpy ? "   NumPy 1.24" : "");
        for (int k = 0; k < n_losses; k++) {
            if (k > 5 && k % 5 != 0 && k != n_losses - 1)
                continue;
            printf("%10d %10f %10f", 1000 * k, losses[k], reversed[k]);
            if (numpy)
                printf("   %10f", numpy[k]);
            printf("\n");
        }
    }
    net_free(&m);
    free(reversed);
    return status;
}

// The sharpness along the tutorial's training, sharp[n_losses] beside
// its losses, and the same network trained with a step five times
// smaller for five times as many passes.
static int run_sharpness(matrix X, const int *y, int hidden, settings s,
                         const double *losses, const double *sharp,
                         int n_losses)
{
    printf("\nsharpness (largest Hessian eigenvalue), limit 2 / "
           "(epsilon N) = %g:\n%10s %10s %10s\n",
           2.0 / (s.epsilon * X.rows), "iteration", "loss", "sharpness");
    for (int k = 0; k < n_losses; k++)
        if (k <= 5 || k % 5 == 0 || k == n_losses - 1)
            printf("%10d %10f %10.4f\n", 1000 * k, losses[k], sharp[k]);
    settings slow = s;
    slow.epsilon = s.epsilon / 5;
    slow.passes = s.passes * 5;          // --passes is at most 10^7
    net m = net_init(hidden, s.seed);
    progress bar;
    progress_start(&bar, "smaller steps", slow.passes);
    int status = train(&m, X, y, slow, (trace){.bar = &bar});
    progress_end(&bar);
    if (status == 0)
        printf("with --lr %g --passes %d: loss %f, sharpness %.4f, "
               "limit %g\n", slow.epsilon, slow.passes,
               loss_of(&m, X, y, s.reg), sharpness(&m, X, y, s.reg),
               2.0 / (slow.epsilon * X.rows));
    net_free(&m);
    return status;
}

// The tutorial's seven hidden sizes, with training and test accuracy.
static int run_study(matrix X, const int *y, settings s, int test_points,
                     double noise, plotter *pl)
{
    const int sizes[N_SIZES] = {1, 2, 3, 4, 5, 20, 50};
    rng r;
    rng_seed(&r, s.seed + 1);                 // a fresh draw for testing
    matrix X_test = mat_alloc(test_points, D);
    int *y_test = nn_alloc((size_t)test_points, sizeof *y_test);
    data_moons(&r, X_test.data, y_test, test_points, noise);
    printf("\nhidden-size study: %d passes each; test set: %d fresh "
           "points (seed %u)\n", s.passes, test_points, s.seed + 1);
    study st = {.best = 0};
    for (int k = 0; k < N_SIZES; k++) {
        st.size[k] = sizes[k];
        st.jobs[k] = (training){.m = net_init(sizes[k], s.seed), .X = X,
                                .y = y, .s = s};
    }
    int status = train_all(st.jobs, N_SIZES, "hidden sizes");
    classifier panels[N_SIZES + 1];
    char titles[N_SIZES + 1][48];
    int n_panels = N_SIZES, again = -1;
    if (status == 0) {
        print_study(&st, X, y, X_test, y_test);
        again = retrain_straggler(&st, X, y, X_test, y_test, s,
                                  &status);
        for (int k = 0; k < N_SIZES; k++) {
            snprintf(titles[k], sizeof titles[k], "%d hidden unit%s",
                     sizes[k], sizes[k] == 1 ? "" : "s");
            panels[k] = (classifier){&st.jobs[k].m, NULL, titles[k]};
        }
        if (again >= 0) {
            snprintf(titles[N_SIZES], sizeof titles[N_SIZES],
                     "%d units, smaller steps", sizes[again]);
            panels[n_panels++] =
                (classifier){&st.jobs[N_SIZES].m, NULL, titles[N_SIZES]};
        }
    }
    if (status == 0) {
        draw_regions(pl, "hidden-sizes", panels, n_panels, 2, 0.03, 6.5,
                     9, X, y);
        draw_accuracy(pl, &st, again);
    }
    for (int k = 0; k < N_SIZES; k++) {
        net_free(&st.jobs[k].m);
        free(st.correct[k]);
    }
    net_free(&st.jobs[N_SIZES].m);
    mat_free(&X_test);
    free(y_test);
    return status;
}

// The bytes the flags make the program allocate, roughly: the points,
// the test set, the scratch of the plain and the vectorised passes and
// the study's nets.
static size_t bytes_needed(int points, int test_points, int hidden)
{
    size_t widest = (size_t)(hidden > 50 ? hidden : 50) + 2 * K;
    size_t per_point = nn_size_mul(widest, 3 * sizeof(double));
    return nn_size_add(nn_size_mul((size_t)points + test_points,
                                   per_point + (D + 1) * sizeof(double)),
                       nn_size_mul((size_t)hidden, 64 * sizeof(double)));
}

int main(int argc, char **argv)
{
    int points = 200, hidden = 3, passes = 20000, test_points = 1000;
    double noise = 0.20, epsilon = 0.01, reg = 0.01;
    const char *only = "all", *numpy_file = NULL;
    bool vector = false;
    cli_option options[] = {
        {.name = "--points", .type = CLI_INT, .value = &points,
         .help = "training points", .min = 10, .max = 1000000},
        {.name = "--noise", .type = CLI_DOUBLE, .value = &noise,
         .help = "make_moons noise", .min = 0, .max = 10},
        {.name = "--hidden", .type = CLI_INT, .value = &hidden,
         .help = "tanh units of the main network", .min = 1,
         .max = 10000},
        {.name = "--passes", .type = CLI_INT, .value = &passes,
         .help = "gradient-descent passes", .min = 1, .max = 10000000},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &epsilon,
         .help = "learning rate epsilon", .min = 0, .max = 100,
         .open_min = true},
        {.name = "--reg", .type = CLI_DOUBLE, .value = &reg,
         .help = "regularisation strength lambda", .min = 0,
         .max = 1000},
        {.name = "--test-points", .type = CLI_INT, .value = &test_points,
         .help = "points in the fresh test set", .min = 10,
         .max = 10000000},
        {.name = "--only", .type = CLI_CHOICE, .value = &only,
         .help = "run one part only",
         .choices = "all|logreg|net|sharpness|study"},
        {.name = "--numpy", .type = CLI_STRING, .value = &numpy_file,
         .help = "NumPy's losses to print beside ours", .arg = "FILE"},
        {.name = "--vector", .type = CLI_FLAG, .value = &vector,
         .help = "train with the vectorised gradient (faster; its "
                 "digits may part from the tutorial's)"},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "chapter 7: logistic regression and a tanh "
                           "network on the moons");
    if (status != CLI_CONTINUE)
        return status;
    if (common.quick && passes > 2000)
        passes = 2000;
    status = cli_check_memory(&common, bytes_needed(points, test_points,
                              hidden), "--points, --test-points or "
                              "--hidden");
    int n_losses = (passes + 999) / 1000;   // iterations 0, 1000, ...
    double *numpy = nn_alloc((size_t)n_losses, sizeof *numpy);
    if (status == CLI_CONTINUE && numpy_file
        && read_numpy(numpy, n_losses, numpy_file, &common) != 0)
        status = 2;
    plotter pl;
    if (status != CLI_CONTINUE || plot_init(&pl, common.plot, common.out))
        return free(numpy), 2;

    // np.random.seed(0); make_moons(200, noise=0.20)
    rng r;
    rng_seed(&r, common.seed);
    matrix X = mat_alloc(points, D);              // (n, D)
    int *y = nn_alloc((size_t)points, sizeof *y); // (n)
    data_moons(&r, X.data, y, points, noise);
    printf("moons: %d points, noise %g, seed %u\n", points, noise,
           common.seed);
    draw_data(&pl, X, y);
    draw_network(&pl, hidden);

    settings s = {passes, epsilon, reg, common.seed, &common, vector};
    bool all = strcmp(only, "all") == 0;
    bool sharp_too = all || strcmp(only, "sharpness") == 0;
    double *losses = nn_alloc((size_t)n_losses, sizeof *losses);
    double *sharp = nn_alloc((size_t)n_losses, sizeof *sharp);
    status = 0;
    if (all || strcmp(only, "logreg") == 0)
        run_baseline(X, y, &pl);
    if (sharp_too || strcmp(only, "net") == 0)
        status = run_network(X, y, hidden, s, all, losses,
                             sharp_too ? sharp : NULL, &pl);
    if (status == 0 && all)
        status = run_reversed(X, y, hidden, s, losses,
                              numpy_file ? numpy : NULL, n_losses);
    if (status == 0 && sharp_too)
        status = run_sharpness(X, y, hidden, s, losses, sharp, n_losses);
    if (status == 0 && (all || strcmp(only, "study") == 0))
        status = run_study(X, y, s, test_points, noise, &pl);
    free(losses);
    free(sharp);
    free(numpy);
    mat_free(&X);
    free(y);
    return plot_close(&pl) == 0 ? status : status ? status : 1;
}

/**
## What the program printed

The baseline first. Cross-validation finds a plateau of values of $C$
that do equally well and, as scikit-learn does, takes the first of
them; the refitted line gets the training accuracy scikit-learn
reports for this data:

```{.output file="07-tanh-moons" from="5-fold" to="C = "}
```

![Logistic regression's boundary: the best straight line, which cannot
follow the moons.](figures/07-tanh-moons/logreg)

Then the network with 3 hidden units. Its first two loss lines are the
tutorial's, digit for digit:

```{.output file="07-tanh-moons" from="3-layer" to="accuracy"}
```

![The network with 3 tanh units separates the
moons.](figures/07-tanh-moons/net)

The checks: central differences against the backward pass, and the
one-pass gradient against the plain one, both to rounding:

```{.output file="07-tanh-moons" grep="check"}
```

```{.output file="07-tanh-moons" grep="versus plain"}
```

## Rounding, and a loss that rises

At iteration 2000 the programs part ways. The tutorial's published run
printed 0.069541 there; at every other iteration its line is ours,
digit for digit (a test checks our lines against the tutorial's). The
tutorial's own NumPy code, run on the machine that built this book,
parts from both
(`bench/peers/moons.py`; its output is recorded in
`chapters/07-tanh-moons/numpy-1.24.txt` with the BLAS it ran with, and
a test re-runs it and compares wherever that NumPy and that BLAS are
installed). Nothing is wrong with any of
them. Each program adds up the same 200 gradients, but in a different
order: NumPy's matrix products go through a BLAS library that splits
the sums into blocks, vectorises them and uses fused multiply-adds,
differently on different processors and versions, and each order
rounds differently in the last bit. Our own program shows the effect
without NumPy: the same training with the points visited backwards,
which changes nothing but the order of the additions. The last column
is NumPy's run, read from the recorded file:

```{.output file="07-tanh-moons" from="reverse order" to="19000"}
```

The three columns agree to every printed digit at iteration 1000 and
part at 2000. Then something else happens: the loss *rises*, from
iteration 1000 to 3000, and stays up. Gradient descent with a small
enough step never raises the loss, so the step is not small enough
there, and that is where a difference in the sixteenth digit can grow,
pass after pass, into one in the fourth. The section
[How sharp is the valley?](#sec-moons-sharpness) says what "small
enough" means: fixed steps can settle only where the sharpness is below
$2/(\epsilon N)$, here 1. Here is the sharpness the program measured
at every printed iteration:

```{.output file="07-tanh-moons" from="sharpness (" to="19000"}
```

At iteration 1000 the training sits in a valley sharper than the
limit, and the steps bounce out of it; the loss rises until the
training finds a place where the sharpness is below the limit, and
stays there. It is a valley with a higher floor. This is the *edge of
stability* at work: a fixed step decides which valleys the training
can stay in, whatever their depth. The next line is the same network
trained with a step five times smaller for five times as many passes
(the same "distance" travelled); the line reports where it ended:

```{.output file="07-tanh-moons" grep="with --lr"}
```

It ends lower, in a valley whose sharpness is above what the default
step allows but below its own limit: the default step could never stay
there. This is the practical lesson about the learning rate. Too small
a rate wastes passes; too large a one bounces, settles for a flatter
valley, or explodes (try `--lr 0.02` and `--lr 0.05`). The tutorial's
choice, "picked by hand", sits at the large end. A *learning-rate
schedule*, large steps first and smaller ones later, gets the speed of
the one and the depth of the other. The regularisation strength matters
in a different way: it decides how hard the network may bend to fit
single points, which is the subject of the study below.

## More hidden units, and a fresh test set

```{.output file="07-tanh-moons" from="hidden-size study" to="within two"}
```

Read the table with its error bars. One unit draws a straight line,
about as good as logistic regression. Two units do *worse* than one,
even on their own training points; that cannot be a lack of capacity,
and the run with smaller steps shows what it is:

```{.output file="07-tanh-moons" from="again with smaller"}
```

With gentler steps the 2-unit network is where one expects it, between
1 and 3 units: its poor row in the table is an artefact of the
optimiser, not of the architecture. From three units on the network
follows the moons. The differences between 3, 4 and 5 units on the
test set are within two standard errors (the line above names the
sizes), so the test set cannot tell them apart: another draw of 1000
points could well put 4 or 5 first. What the table does show, beyond
its noise, is the drop at 20 and 50 units: their training accuracy is
as high as it gets, their test accuracy lower than the small networks'.

![The decision boundaries for hidden layers of 1 to 50 tanh units, and
the 2-unit network again with smaller
steps.](figures/07-tanh-moons/hidden-sizes)

![Accuracy on the 200 training points and on 1000 fresh points, against
the number of hidden units (open markers: the 2-unit network with
smaller steps).](figures/07-tanh-moons/accuracy)

The boundaries show why. As units are added, the boundary bends more
around the noisy points where the moons overlap. The fresh points tell
whether those extra bends are knowledge or memory, and for the large
networks they are memory: the networks have *overfitted*, learning the
noise of their sample along with the shape of the moons. The cures are
the ones the tutorial names: fewer units, or a stronger penalty on the
weights (run the study with `--reg 0.1`), or more data
(`--points 2000`). Choosing the size by its score on held-out points,
as we just did, is what cross-validation did for logistic regression's
$C$. With a single test set of 1000 points, differences below about
one percent are more than it can resolve.

## Making it fast (optional) {#sec-moons-fast}

This section is about speed, not about learning: skip to the
[summary](#sec-moons-summary) if you like. Everything above, every
loss line and every table, comes from `fast_gradient`, the one-pass
gradient of [One pass per iteration](#sec-moons-one-pass), with its
`fast_tanh` built on the C library's `exp`: that is the path that
prints the tutorial's digits, and the one the program trains with
unless told otherwise. The flag `--vector` trains with
`vector_gradient` below instead. It computes the same mathematics with
the additions in another order and with a $\tanh$ of its own, so, like
the reverse-order run, it is free to part from the tutorial's digits
where the training is at the edge of stability (a test checks that
its first two loss lines are the tutorial's).
`bench/spiral-moons.sh` times both paths against the tutorial's NumPy
code, alternately and with the same BLAS settings, and prints the
ratio of their CPU times and of the instructions they execute (with
valgrind); its verdict is for `--vector`. The program reports its own
time on stderr; in the book's run (it varies with the machine and its
load):

```{.output file="07-tanh-moons" stream="stderr" grep="net training"}
```

Where does `fast_gradient` spend its time? Counted in instructions
(valgrind's callgrind), the largest single cost is the C library's
`exp`, three calls per point for the $\tanh$ and one for the softmax;
most of the rest is arithmetic done one point at a time. Processors
can do better: a vector instruction does the same operation on two
doubles (SSE2, on every x86-64) or four (AVX2) at once. The compiler
uses them by itself for a loop whose iterations are independent, over
arrays that sit next to each other in memory, with nothing inside that
it cannot vectorise: a call to `exp` in the loop stops it. So
`vector_gradient` does three things differently.

**The points side by side.** As in [chapter 6's fast
version](#sec-spiral-fast), the points are stored transposed: one array
of first inputs, one of second inputs, one of one-hot labels per
class, padded to a multiple of four points with dummy points that
contribute nothing. The
work goes one hidden unit at a time over all the points: its $z$, its
$\tanh$ and its share of both scores; then the softmax and $\delta_3$
of every point; then, again a unit at a time, its $\delta_2$ and its
six gradient sums (two for $W_2$, two for $W_1$, its bias, and the
output biases once). Each sum is kept in four partial sums, one per
lane of a vector, added at the end. That order of additions is fixed
by the code, not by the processor, so the SSE2 and AVX2 versions the
compiler makes (`target_clones`, as in chapter 6) print the same
numbers.

**An `exp` the compiler can vectorise.** `vector_exp` is the
toolkit's (`common/vmath.h`), the one [chapter 6](#sec-spiral-fast)
explains: $e^x = 2^k e^r$ with
$r$ within $\frac12 \ln 2$ of 0, $e^r$ by its Taylor series, $2^k$
written straight into a double's exponent bits, so that every step is
a multiplication, an addition or a shift. `vector_tanh` is
`fast_tanh`'s formula with this `exp`. Here it also meets large
arguments: the clamp to $[-708, 709]$ turns $\tanh$ of a huge $z$ into
$1 - 2/(e^{709} + 1)$, which is exactly 1, as it should be (and $-1$ at
the other end). The program prints its largest difference from the C
library's `tanh` over $[-20, 20]$:

```{.output file="07-tanh-moons" grep="vector_tanh"}
```

**A promise about exceptions.** The clamps, like the choice of the
larger score in the softmax, are `?:` choices, which GCC vectorises
only with the promise of chapter 6: that the program never looks at
the floating-point exception flags
(`#pragma GCC optimize("no-trapping-math")`, here for the whole
section).

The vectorised gradient is checked against the plain one like the
one-pass gradient (the line `vector versus plain` above); a test also
runs it twice and compares the bytes.
*/

// From here to the end of the code, GCC may assume that no one looks at
// the floating-point exception flags (this program does not), so that
// it can vectorise the loops' ?: choices. NN_CLONES_AVX2 compiles a
// function twice, for every x86-64 (SSE2) and for AVX2, and picks one
// when the program starts (as in chapter 6).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

enum { LANES = 4 };   // points are padded to a multiple of this

// tanh z = 1 - 2 / (e^(2z) + 1), fast_tanh's formula with vector_exp.
static inline double vector_tanh(double z)
{
    return 1.0 - 2.0 / (vector_exp(2.0 * z) + 1.0);
}

// The largest |vector_tanh(z) - tanh(z)| on a grid of [-range, range].
static double vector_tanh_error(double range)
{
    enum { STEPS = 200000 };
    double worst = 0.0;
    for (int i = 0; i <= STEPS; i++) {
        double z = -range + 2.0 * range * i / STEPS;
        worst = fmax(worst, fabs(vector_tanh(z) - tanh(z)));
    }
    return worst;
}

// The points of X (n, D) transposed and padded, and one pass's arrays.
struct vector_batch {
    int n_pad;           // points, rounded up to a multiple of LANES
    double *x0, *x1;     // (n_pad): the two inputs of every point
    double *is0, *is1;   // (n_pad): the one-hot labels; 0 for padding
    double *real;        // (n_pad): 1 for a point, 0 for padding
    double *a;           // (h, n_pad): the hidden values, a unit a row
    double *d0, *d1;     // (n_pad): the two scores, then delta3
};

static vector_batch *vector_batch_new(matrix X, const int *y, int hidden)
{
    vector_batch *vb = nn_alloc(1, sizeof *vb);
    int n = X.rows, n_pad = (n + LANES - 1) / LANES * LANES;
    vb->n_pad = n_pad;
    double **arrays[] = {&vb->x0, &vb->x1, &vb->is0, &vb->is1, &vb->real,
                         &vb->d0, &vb->d1};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        *arrays[k] = nn_alloc((size_t)n_pad, sizeof(double));
    vb->a = nn_alloc(nn_size_mul((size_t)hidden, (size_t)n_pad),
                     sizeof(double));
    for (int i = 0; i < n_pad; i++) {
        bool real = i < n;
        vb->x0[i] = real ? MAT_AT(X, i, 0) : 0.0;
        vb->x1[i] = real ? MAT_AT(X, i, 1) : 0.0;
        vb->is0[i] = real && y[i] == 0;
        vb->is1[i] = real && y[i] == 1;
        vb->real[i] = real;
    }
    return vb;
}

static void vector_batch_free(vector_batch *vb)
{
    if (!vb)
        return;
    double *arrays[] = {vb->x0, vb->x1, vb->is0, vb->is1, vb->real,
                        vb->d0, vb->d1, vb->a};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        free(arrays[k]);
    free(vb);
}

// One hidden unit, all n points: a = tanh(w0 x0 + w1 x1 + bias), and its
// share of the scores, s0 += a v0, s1 += a v1 (v is the unit's row of
// W2). n is a multiple of LANES.
NN_CLONES_AVX2
static void vector_unit_forward(double *restrict a, double *restrict s0,
                                double *restrict s1,
                                const double *restrict x0,
                                const double *restrict x1, double w0,
                                double w1, double bias, double v0,
                                double v1, int n)
{
    n = n / LANES * LANES;     // tells the compiler: no leftover points
    for (int i = 0; i < n; i++) {
        a[i] = vector_tanh(x0[i] * w0 + x1[i] * w1 + bias);
        s0[i] += a[i] * v0;
        s1[i] += a[i] * v1;
    }
}

// The softmax of the scores d0, d1 (n) and delta3 = y^ - y, written over
// them (0 for padding); adds the sums of delta3 into db[K].
NN_CLONES_AVX2
static void vector_softmax(double *restrict d0, double *restrict d1,
                           double db[K], const double *restrict is0,
                           const double *restrict is1,
                           const double *restrict real, int n)
{
    double s[K][LANES] = {{0.0}};    // partial sums, one per lane
    n = n / LANES * LANES;
    for (int i = 0; i < n; i += LANES)
        for (int l = 0; l < LANES; l++) {
            int j = i + l;
            // e^0 = 1 for the larger score, e = e^-|s0 - s1| the other
            double e = vector_exp(-fabs(d0[j] - d1[j]));
            double larger = 1.0 / (1.0 + e), smaller = e / (1.0 + e);
            bool first = d0[j] >= d1[j];
            d0[j] = (first ? larger : smaller) * real[j] - is0[j];
            d1[j] = (first ? smaller : larger) * real[j] - is1[j];
            s[0][l] += d0[j];
            s[1][l] += d1[j];
        }
    for (int k = 0; k < K; k++)
        for (int l = 0; l < LANES; l++)
            db[k] += s[k][l];
}

// One hidden unit, all n points, backwards: d2 = (d0 v0 + d1 v1)
// (1 - a^2), and adds the unit's sums into dv[K] (its row of dW2),
// *dw0, *dw1 (its column of dW1) and *db (its bias).
NN_CLONES_AVX2
static void vector_unit_backward(double dv[K], double *dw0, double *dw1,
                                 double *db, const double *restrict a,
                                 const double *restrict d0,
                                 const double *restrict d1,
                                 const double *restrict x0,
                                 const double *restrict x1, double v0,
                                 double v1, int n)
{
    double s[5][LANES] = {{0.0}};   // a d0, a d1, x0 d2, x1 d2, d2
    n = n / LANES * LANES;
    for (int i = 0; i < n; i += LANES)
        for (int l = 0; l < LANES; l++) {
            int j = i + l;
            double d2 = (d0[j] * v0 + d1[j] * v1) * (1.0 - a[j] * a[j]);
            s[0][l] += a[j] * d0[j];
            s[1][l] += a[j] * d1[j];
            s[2][l] += x0[j] * d2;
            s[3][l] += x1[j] * d2;
            s[4][l] += d2;
        }
    double total[5] = {0.0};
    for (int r = 0; r < 5; r++)
        for (int l = 0; l < LANES; l++)
            total[r] += s[r][l];
    dv[0] += total[0];
    dv[1] += total[1];
    *dw0 += total[2];
    *dw1 += total[3];
    *db += total[4];
}

// fast_gradient's sums, a unit at a time over all the points: adds the
// tutorial's gradient (summed over the points, plus reg W) into grads.
static void vector_gradient(net *grads, vector_batch *vb, const net *m,
                            double reg)
{
    const int h = m->hidden, n = vb->n_pad;
    for (int i = 0; i < n; i++) {                   // scores = b2 + ...
        vb->d0[i] = MAT_AT(m->b2, 0, 0);
        vb->d1[i] = MAT_AT(m->b2, 0, 1);
    }
    for (int u = 0; u < h; u++)                     // ... + a W2
        vector_unit_forward(&vb->a[(size_t)u * n], vb->d0, vb->d1, vb->x0,
                            vb->x1, MAT_AT(m->W1, 0, u),
                            MAT_AT(m->W1, 1, u), MAT_AT(m->b1, 0, u),
                            MAT_AT(m->W2, u, 0), MAT_AT(m->W2, u, 1), n);
    vector_softmax(vb->d0, vb->d1, grads->b2.data, vb->is0, vb->is1,
                   vb->real, n);
    for (int u = 0; u < h; u++)
        vector_unit_backward(&MAT_AT(grads->W2, u, 0),
                             &MAT_AT(grads->W1, 0, u),
                             &MAT_AT(grads->W1, 1, u),
                             &MAT_AT(grads->b1, 0, u),
                             &vb->a[(size_t)u * n], vb->d0, vb->d1,
                             vb->x0, vb->x1, MAT_AT(m->W2, u, 0),
                             MAT_AT(m->W2, u, 1), n);
    mat_axpy(grads->W2, reg, m->W2);                // + reg W2
    mat_axpy(grads->W1, reg, m->W1);                // + reg W1
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/**
## Summary {#sec-moons-summary}

- Logistic regression draws one straight line; cross-validation picks
  its penalty.
- A tanh network with 3 hidden units follows the moons, and reproduces
  the tutorial's losses while the rounding allows.
- With a fixed step, training can settle only where the sharpness is
  below $2/(\epsilon N)$: the loss can rise to get there.
- A test set's accuracy has a standard error; differences within about
  two of them are noise.
- More hidden units fit the training points better and, beyond a few,
  new points worse: overfitting.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-07 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-07`
checks them all). Give a number you found as `ANSWER=`.

1. Run the study (`--only study`) with `--noise 0.05` and with
   `--noise 0.4`. How do the best hidden size and the gap between
   training and test accuracy change?
2. Penalise the weights harder: train the tutorial's network with
   `--reg 1` and `--reg 5` (`--only net` prints just its losses and
   accuracy; a full run also draws its boundary). Find, to within a
   factor of 2, the strongest penalty with which it still gets at
   least 0.9 of the training points right: a `--reg` with which it
   does, where twice that `--reg` does not. Compare the accuracy
   beyond it with logistic regression's. Why does a $\tanh$ network
   whose weights are small behave like a straight line? (What is
   $\tanh z$ near $z = 0$?)
   (check: `make check-07 EXERCISE=2 ANSWER=<your --reg>`)
3. Replace `fast_tanh` by the C library's `tanh`. Do the first two
   loss lines change? How much slower is the training (the time on
   stderr of `--only net --plot none`)?
4. Train with `--points 2000` and the study (`--only study`; it takes
   a while). Which hidden size wins now, and why does more data help
   the large networks most?
5. Make the gradient a mean: divide it by $N$ in `fast_gradient` and
   in `net_backward`, and multiply the learning rate by $N$ to make up
   for it: `--lr 2`. The gradient check compares `net_backward` with
   central differences of $N$ times the loss; what must it compare
   with now? Goal: with `--lr 2` the first two loss lines are the
   tutorial's, the ones the default run prints, and both checks pass.
   Are the later lines the same too? What happens if you keep the
   learning rate at 0.01? (The optional section's `vector_gradient`
   computes the sum too, and the line `vector versus plain` says so
   until you make the same change there: its $\delta_3$ is computed in
   `vector_softmax`, its penalty in `vector_gradient`. The check does
   not look at that line.)
   (check: `make check-07 EXERCISE=5`)
6. (Harder) Add a second hidden layer of $h$ $\tanh$ units between the
   first and the output: an $h \times h$ weight matrix and a bias in
   the block, drawn in `net_init`, penalised in `net_loss` and used in
   `net_forward`, `net_backward`, `fast_gradient` and `classify`; and
   let `run_network` print `4-layer network` in its heading. Which
   lines of `fast_gradient` change? Goal: the gradient check and the
   one-pass comparison both pass, and in the 2000 passes of `--quick`
   the network gets at least 0.95 of the training points right.
   (`vector_gradient` still knows one hidden layer; the check does not
   look at its line.)
   (check: `make check-07 EXERCISE=6`)
*/
