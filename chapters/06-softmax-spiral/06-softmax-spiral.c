/**
# The spiral: softmax fails, a hidden layer wins {#ch-softmax-spiral}

Three arms of points wind out from the centre of the plane, one colour
per arm. Which arm does a new point belong to? This chapter answers with
two classifiers and watches the first one fail. A *linear* softmax
classifier draws straight boundaries and gets about half the points
right; a network with one hidden layer of ReLU units bends its
boundaries along the arms and gets nearly all of them.

The chapter follows the spiral case study of Stanford's CS231n course
[@karpathy-cs231n], as retold by the two tutorials it is based on, and
it is faithful to them to the last bit: the same generator, the same
draws in the same order, so the C program starts from exactly the
weights the NumPy program starts from and prints the same first losses.
An optional section near the end makes the training loop fast, and
says how.

*What you need:* gradient descent and the chain rule from chapters 3
to 5, and matrix products (the toolkit's `mat_mul`, appendix A1).

```{.run chapter="06-softmax-spiral"}
```
*/
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn.h"

/**
## The spiral

Every point has $D = 2$ coordinates and one of $K = 3$ classes. Arm $j$
has $N = 100$ points; point $i$ of the arm sits at radius $r_i$ and
angle $t_i$,

$$r_i = \frac{i}{N-1}, \qquad
  t_i = 4j + \frac{4 i}{N-1} + 0.2\,\varepsilon_i, \qquad
  \varepsilon_i \sim \mathcal N(0, 1),$$

that is $x = (r \sin t,\; r \cos t)$. Each arm turns through 4 radians,
about two thirds of a full turn, and the noise $0.2\,\varepsilon$ makes
the arms fuzzy so that they touch near the centre. The NumPy original
reads

```python
np.random.seed(0)
for j in range(K):
    r = np.linspace(0.0, 1, N)
    t = np.linspace(j*4, (j+1)*4, N) + np.random.randn(N)*0.2
    X[ix] = np.c_[r*np.sin(t), r*np.cos(t)]
```

`data_spiral` in `common/data.c` does the same with the toolkit's copy
of NumPy's generator. A test (`tests/test_datasets.c`) compares all 300
points with the ones NumPy 1.24 makes and finds them equal to the last
bit. That took one surprise to get right: NumPy's `np.sin` and `np.cos`
do not call the C library. On a processor with AVX-512 they run Intel's
vectorised SVML routines, which round differently from the C library
in the last bit for a large share of angles; `data.c` therefore
computes sine and cosine the way SVML does, with its constants and its
order of operations.

The sizes of this chapter are the tutorial's. $D$ and $K$ are fixed by
the data; the number of points per arm and the rest are flags.
*/

enum { D = 2, K = 3 };   // inputs per point, classes (arms)

/**
## Scores, softmax and the cross-entropy loss

The linear classifier gives every class a *score*, a weighted sum of
the two coordinates plus a bias. For all $N K$ points at once, with the
points as the rows of $X$ ($NK \times D$),

$$S = X W + b, \qquad W \text{ is } D \times K,\; b \text{ is }
  1 \times K,$$

so $S_{ik}$ is the score of class $k$ for point $i$. The largest score
wins. To learn $W$ and $b$ we need the scores as probabilities, and
*softmax* turns any row of real numbers into one:

$$p_{ik} = \frac{e^{S_{ik}}}{\sum_j e^{S_{ij}}} .$$

Every $p_{ik}$ is positive and each row sums to 1; a larger score gets
a larger share. (The toolkit's `mat_softmax_rows` subtracts the row's
largest score before taking `exp`, which changes nothing in the result,
since the factor $e^{-\max}$ cancels, but keeps `exp` from overflowing.)

How wrong is the classifier on point $i$ with label $y_i$? The
*cross-entropy* loss is $-\log p_{i y_i}$: zero when the classifier puts
all its probability on the right class, large when it puts almost none
there. The data loss is its mean over the points, and to it we add an
*L2 penalty* that keeps the weights small:

$$L = \frac{1}{NK} \sum_i -\log p_{i y_i}
    \;+\; \frac{\lambda}{2} \sum_{d,k} W_{dk}^2 .$$

The penalty prefers, of two weight matrices that classify equally
well, the one with the smaller weights, which spreads the decision over
both inputs instead of leaning hard on one. The factor $\frac12$ is
there so that its gradient comes out as plain $\lambda W$. Biases are
not penalised: they only shift the boundaries. The tutorial uses
$\lambda = 10^{-3}$.

At the start all scores are close to zero, every class gets a
probability of about $\frac13$, and the loss is about
$\log 3 \approx 1.0986$, a useful sanity check on the first line the
program prints.

## The gradient, step by step

Gradient descent needs $\partial L / \partial W$ and
$\partial L / \partial b$. Take one point with label $y$ and scores
$s_1, \dots, s_K$. Writing the log of the softmax out,

$$L_i = -\log \frac{e^{s_y}}{\sum_j e^{s_j}}
      = -s_y + \log \sum_j e^{s_j} .$$

The first term depends on $s_k$ only when $k = y$, with derivative $-1$.
The second is a log of a sum; its derivative with respect to $s_k$ is
one over the sum times the derivative of the sum, which is $e^{s_k}$:

$$\frac{\partial}{\partial s_k} \log \sum_j e^{s_j}
  = \frac{e^{s_k}}{\sum_j e^{s_j}} = p_k .$$

Together,

$$\frac{\partial L_i}{\partial s_k} = p_k - [k = y],$$

the probabilities minus the one-hot label: $P - Y$ in matrix form,
with the probabilities in $P$ and a 1 in each row of $Y$ at the true
class. The tutorials write it $S_i - y_i$, with $S$ for the softmax
output, and reach it through the Jacobian of softmax,
$\partial p_j / \partial s_k = p_j([j = k] - p_k)$, and the chain rule;
the log form above is shorter. It is the most pleasant
formula in deep learning: the gradient pushes the true class's score
up by $1 - p_y$ and every other score down by its probability, and it
vanishes only when the classifier is certain and right. The mean over
the points divides it by $NK$; call the result `dscores`.

The scores depend on the weights through $S_{ik} = \sum_d X_{id} W_{dk}
+ b_k$, so $\partial S_{ik} / \partial W_{dk} = X_{id}$ and

$$\frac{\partial L}{\partial W_{dk}}
  = \sum_i X_{id}\, \mathrm{dscores}_{ik} + \lambda W_{dk},
  \qquad \frac{\partial L}{\partial W} = X^\top \mathrm{dscores}
  + \lambda W, \qquad
  \frac{\partial L}{\partial b} = \sum_i \mathrm{dscores}_{i\cdot} .$$

The $\lambda W$ is the derivative of the penalty
$\frac{\lambda}{2} \sum W^2$; the bias gradient is a column sum because
the same $b_k$ is added to every row.

## One parameter block per model

Both models of this chapter keep all their parameters in one block of
doubles and their gradients in a second block of the same layout, so
that a gradient-descent step is a single flat loop and a gradient check
can walk over every parameter without knowing which matrix it is in.
The matrices `W`, `b`, `W2` and `b2` are views into the block. The
linear classifier is the same structure with no hidden layer.
*/

typedef struct {
    int inputs, hidden, classes;   // D, h (0: the linear model), K
    size_t size;                   // doubles in the block
    double *block;                 // every parameter, one allocation
    matrix W, b;                   // (D, h), (1, h); linear: (D, K), (1, K)
    matrix W2, b2;                 // (h, K), (1, K); linear: empty
} model;

// A view of `rows` x `cols` doubles at *next in the block; advances *next.
static matrix take(double **next, int rows, int cols)
{
    matrix m = {rows, cols, *next};
    *next += (size_t)rows * cols;
    return m;
}

// A model with zero parameters; hidden = 0 makes the linear classifier.
static model model_alloc(int inputs, int hidden, int classes)
{
    model m = {inputs, hidden, classes, 0, NULL, {0}, {0}, {0}, {0}};
    int first = hidden ? hidden : classes;    // width of the first layer
    m.size = (size_t)inputs * first + first;
    if (hidden)
        m.size += (size_t)hidden * classes + classes;
    m.block = nn_alloc(m.size, sizeof(double));
    double *next = m.block;
    m.W = take(&next, inputs, first);
    m.b = take(&next, 1, first);
    if (hidden) {
        m.W2 = take(&next, hidden, classes);
        m.b2 = take(&next, 1, classes);
    }
    return m;
}

static void model_free(model *m)
{
    free(m->block);
    m->block = NULL;
}

// W = scale * randn(rows, cols), drawn in row-major order as NumPy does.
static void init_gaussian(matrix W, double scale, rng *r)
{
    for (size_t i = 0; i < mat_size(W); i++)
        W.data[i] = scale * rng_randn(r);
}

/**
## The linear classifier in code

The forward pass computes the probabilities and returns the loss; the
backward pass turns the probabilities into `dscores` and *adds* the
gradients into a gradient block that the caller has zeroed. Every array
carries its shape. The same pair serves the two-layer network further
down, so the branch on `m->hidden` is already here; read only the
linear half for now.
*/

static double relu(double z) { return z > 0.0 ? z : 0.0; }

// Forward pass on X (n, D): probs (n, K) = softmax(scores); for the net
// also hidden (n, h). Returns the loss: the mean of -log p(true class)
// plus the L2 penalty (reg / 2) * sum of squared weights (not biases).
static double model_forward(matrix probs, matrix hidden, matrix X,
                            const int *y, const model *m, double reg)
{
    if (m->hidden == 0) {
        mat_mul(probs, X, m->W);            // scores = X W      (n, K)
        mat_add_row(probs, m->b);           //        + b
    } else {
        mat_mul(hidden, X, m->W);           // hidden = X W      (n, h)
        mat_add_row(hidden, m->b);          //        + b
        mat_map(hidden, relu);              //  max(0, .)
        mat_mul(probs, hidden, m->W2);      // scores = hidden W2 (n, K)
        mat_add_row(probs, m->b2);          //        + b2
    }
    mat_softmax_rows(probs);                // p = e^s / sum e^s
    double data_loss = 0.0;
    for (int i = 0; i < X.rows; i++)
        data_loss += -log(MAT_AT(probs, i, y[i]));
    data_loss /= X.rows;
    double reg_loss = 0.5 * reg * mat_sum_squares(m->W);
    if (m->hidden)
        reg_loss += 0.5 * reg * mat_sum_squares(m->W2);
    return data_loss + reg_loss;
}

// dz += dh o 1[h > 0]: the gradient through the ReLU h = max(0, z),
// from the gradient dh with respect to its output. dz, dh, h are (n, h).
static void relu_backward(matrix dz, matrix dh, matrix h)
{
    for (size_t i = 0; i < mat_size(dz); i++)
        dz.data[i] += h.data[i] > 0.0 ? dh.data[i] : 0.0;
}

// Backward pass: adds dL/dparameters into grads (laid out like m).
// dscores (n, K), dhidden (n, h) and dz (n, h) are scratch; X, y, hidden
// and probs are the forward pass's.
static void model_backward(model *grads, matrix dscores, matrix dhidden,
                           matrix dz, matrix X, const int *y,
                           matrix hidden, matrix probs, const model *m,
                           double reg)
{
    mat_copy(dscores, probs);               // dL/dscores = (p - y) / n
    for (int i = 0; i < X.rows; i++)
        MAT_AT(dscores, i, y[i]) -= 1.0;
    for (size_t i = 0; i < mat_size(dscores); i++)
        dscores.data[i] /= X.rows;
    if (m->hidden == 0) {
        mat_gemm(grads->W, 1.0, X, true, dscores, false, 1.0); // X^T dS
        mat_add_row_sums(grads->b, dscores);
    } else {
        mat_gemm(grads->W2, 1.0, hidden, true, dscores, false, 1.0);
        mat_add_row_sums(grads->b2, dscores);
        mat_mul_nt(dhidden, dscores, m->W2);    // dhidden = dS W2^T
        mat_scale(dz, 0.0);
        relu_backward(dz, dhidden, hidden);     // dz: only where z > 0
        mat_gemm(grads->W, 1.0, X, true, dz, false, 1.0);
        mat_add_row_sums(grads->b, dz);
        mat_axpy(grads->W2, reg, m->W2);        // + reg W2
    }
    mat_axpy(grads->W, reg, m->W);              // + reg W
}

/**
## Training

Gradient descent with a fixed step: compute the loss and the gradient
on all the points, move every parameter a step against its gradient,
repeat. The tutorial takes steps of size 1 for 1000 iterations and
prints the loss every 100. The step is one flat loop over the block,
the same for both models.
*/

// params -= step * grads, over the whole block.
static void sgd_step(model *m, const model *grads, double step)
{
    for (size_t i = 0; i < m->size; i++)
        m->block[i] += -step * grads->block[i];
}

// The fraction of the n points whose highest-scoring class is y[i];
// probs (n, K) from a forward pass.
static double accuracy(matrix probs, const int *y)
{
    int right = 0;
    for (int i = 0; i < probs.rows; i++)
        right += mat_argmax_row(probs, i) == y[i];
    return (double)right / probs.rows;
}

// Scratch for a forward and backward pass of either model on n points.
typedef struct {
    matrix hidden, probs, dscores;   // (n, h), (n, K), (n, K)
    matrix dhidden, dz;              // (n, h), (n, h)
} scratch;

static scratch scratch_alloc(int n, int hidden)
{
    scratch s = {mat_alloc(n, hidden), mat_alloc(n, K), mat_alloc(n, K),
                 mat_alloc(n, hidden), mat_alloc(n, hidden)};
    return s;
}

static void scratch_free(scratch *s)
{
    mat_free(&s->hidden);
    mat_free(&s->probs);
    mat_free(&s->dscores);
    mat_free(&s->dhidden);
    mat_free(&s->dz);
}

// What every training loop does with each iteration's loss: keep it,
// print it every `print_every` iterations, keep the progress line up and
// stop a diverging run.
typedef struct {
    double *losses;        // [iterations]: every iteration's loss
    int print_every;
    const char *hint;      // which flag to lower if the loss diverges
    const cli_common *common;
    progress bar;
    double first_loss;
} monitor;

// Record the loss of iteration `it`: CLI_CONTINUE, or 1 (after one line
// on stderr) if the loss diverged.
static int monitor_loss(monitor *mo, int it, double loss)
{
    mo->losses[it] = loss;
    mo->first_loss = it == 0 ? loss : mo->first_loss;
    if (it % 50 == 0)
        progress_update(&mo->bar, it, "loss %.4f", loss);
    if (it % mo->print_every == 0) {
        progress_clear(&mo->bar);
        printf("iteration %d: loss %f\n", it, loss);
    }
    char where[32];
    snprintf(where, sizeof where, "iteration %d", it);
    return cli_check_loss(mo->common, loss, mo->first_loss, where,
                          mo->hint);
}

// Train with the plain matrix code, every loss into mo. 0, or 1 if the
// loss diverged.
static int train_reference(model *m, matrix X, const int *y,
                           int iterations, double step, double reg,
                           monitor *mo)
{
    scratch s = scratch_alloc(X.rows, m->hidden);
    model grads = model_alloc(m->inputs, m->hidden, m->classes);
    int status = CLI_CONTINUE;
    progress_start(&mo->bar, "training", iterations);
    for (int it = 0; it < iterations && status == CLI_CONTINUE; it++) {
        double loss = model_forward(s.probs, s.hidden, X, y, m, reg);
        status = monitor_loss(mo, it, loss);
        memset(grads.block, 0, grads.size * sizeof(double));
        model_backward(&grads, s.dscores, s.dhidden, s.dz, X, y, s.hidden,
                       s.probs, m, reg);
        sgd_step(m, &grads, step);
    }
    progress_end(&mo->bar);
    model_free(&grads);
    scratch_free(&s);
    return status == CLI_CONTINUE ? 0 : status;
}

/**
## Checking the gradient

A wrong sign or a missing factor in a backward pass does not crash
anything: the network just learns badly, or not at all. So before
trusting the formulas we compare them with the definition of a
derivative. Nudge one parameter $\theta$ up and down by a small $h$
and look at the change in the loss:

$$\frac{\partial L}{\partial \theta} \approx
  \frac{L(\theta + h) - L(\theta - h)}{2h} .$$

This *central* difference is off by a term of order $h^2$ (a one-sided
difference would be off by order $h$). With $h = 10^{-5}$ and a loss
computed in doubles, the two agree to six or more digits when the code
is right; a real mistake shows up as a relative error near 1. We
compute the numerical derivative $\tilde g_i$ for every parameter and
compare the two gradients as vectors,
$\lVert g - \tilde g \rVert / (\lVert g \rVert + \lVert \tilde g
\rVert)$, which stays meaningful when single components are zero or
tiny.
*/

// The relative error |g - n| / (|g| + |n|) between the backward pass's
// gradient g and the central differences n of the loss, both taken as
// vectors over every parameter of m.
static double gradient_check(model *m, matrix X, const int *y, double reg)
{
    const double h = 1e-5;
    scratch s = scratch_alloc(X.rows, m->hidden);
    model grads = model_alloc(m->inputs, m->hidden, m->classes);
    model_forward(s.probs, s.hidden, X, y, m, reg);
    model_backward(&grads, s.dscores, s.dhidden, s.dz, X, y, s.hidden,
                   s.probs, m, reg);
    double diff = 0.0, norm_g = 0.0, norm_n = 0.0;   // squared lengths
    for (size_t i = 0; i < m->size; i++) {
        double saved = m->block[i];
        m->block[i] = saved + h;
        double up = model_forward(s.probs, s.hidden, X, y, m, reg);
        m->block[i] = saved - h;
        double down = model_forward(s.probs, s.hidden, X, y, m, reg);
        m->block[i] = saved;
        double numeric = (up - down) / (2.0 * h);
        double analytic = grads.block[i];
        diff += (numeric - analytic) * (numeric - analytic);
        norm_g += analytic * analytic;
        norm_n += numeric * numeric;
    }
    model_free(&grads);
    scratch_free(&s);
    return sqrt(diff) / (sqrt(norm_g) + sqrt(norm_n));
}

// A net of `hidden` units whose weights and biases are all drawn from
// N(0, 1) with a generator of its own: a point to check the gradient at.
static model random_net(int hidden, uint32_t seed)
{
    rng r;
    rng_seed(&r, seed);
    model m = model_alloc(D, hidden, K);
    for (size_t i = 0; i < m.size; i++)
        m.block[i] = rng_randn(&r);
    return m;
}

/**
## Drawing decision regions

To see what a classifier has learned we colour every point of the plane
by the class it would predict, on a grid with spacing 0.02 that reaches
one unit beyond the data, and draw the spiral on top, as the tutorial's
`plt.contourf` does. `predict` runs the model on one point at a time,
without the matrix machinery.
*/

// The class m predicts for the point x[D].
static int predict(const model *m, const double *x)
{
    double scores[K];
    for (int k = 0; k < K; k++)
        scores[k] = m->hidden ? MAT_AT(m->b2, 0, k) : MAT_AT(m->b, 0, k);
    if (m->hidden == 0) {
        for (int k = 0; k < K; k++)
            for (int d = 0; d < D; d++)
                scores[k] += x[d] * MAT_AT(m->W, d, k);
    } else {
        for (int u = 0; u < m->hidden; u++) {
            double z = MAT_AT(m->b, 0, u);
            for (int d = 0; d < D; d++)
                z += x[d] * MAT_AT(m->W, d, u);
            if (z > 0.0)
                for (int k = 0; k < K; k++)
                    scores[k] += z * MAT_AT(m->W2, u, k);
        }
    }
    int best = 0;
    for (int k = 1; k < K; k++)
        if (scores[k] > scores[best])
            best = k;
    return best;
}

// Class colours (points) and their pale versions (regions).
static const char *const colours = "'#c0392b' '#d68910' '#2e86c1'";
static const char *const pale = "0 '#f5c6c0', 1 '#fae5b0', 2 '#c3dcf0'";

// The points, coloured by class: three plots of one data block.
static void plot_points(plot *p, const char *first)
{
    plot_cmd(p, "%s for [c=0:%d] $points using 1:($3 == c ? $2 : 1/0) "
             "with points pt 7 ps 0.55 lc rgb word(colours, c + 1) "
             "title sprintf('class %%d', c)", first, K - 1);
}

static void send_points(plot *p, matrix X, const int *y)
{
    double *label = nn_alloc((size_t)X.rows, sizeof *label);
    double *x0 = nn_alloc((size_t)X.rows, sizeof *x0);
    double *x1 = nn_alloc((size_t)X.rows, sizeof *x1);
    for (int i = 0; i < X.rows; i++) {
        x0[i] = MAT_AT(X, i, 0);
        x1[i] = MAT_AT(X, i, 1);
        label[i] = y[i];
    }
    const double *cols[3] = {x0, x1, label};
    plot_columns(p, "$points", cols, 3, X.rows);
    plot_cmd(p, "colours = \"%s\"", colours);
    free(label);
    free(x0);
    free(x1);
}

static void draw_data(plotter *pl, matrix X, const int *y)
{
    plot *p = plot_begin(pl, "spiral-data", 5, 4.4);
    send_points(p, X, y);
    plot_cmd(p, "set size ratio -1");
    plot_cmd(p, "set xlabel 'x_1'; set ylabel 'x_2'");
    plot_cmd(p, "set xrange [-1:1]; set yrange [-1:1]");
    plot_cmd(p, "set key below horizontal");
    plot_points(p, "plot");
    plot_end(p);
}

// The terminal form of a regions figure (--plot dumb): the predicted
// class of every cell of the box lo..hi, the points on top.
static void draw_cells(plot *p, const char *title, const model *m,
                       const double lo[D], const double hi[D], matrix X,
                       const int *y)
{
    enum { WIDTH = 64 };
    int height = (int)(WIDTH * (hi[1] - lo[1]) / (hi[0] - lo[0]) / 2);
    int *cells = nn_alloc((size_t)WIDTH * height, sizeof *cells);
    double dx = (hi[0] - lo[0]) / WIDTH, dy = (hi[1] - lo[1]) / height;
    for (int r = 0; r < height; r++)              // row 0 at the top
        for (int c = 0; c < WIDTH; c++) {
            double x[D] = {lo[0] + (c + 0.5) * dx, hi[1] - (r + 0.5) * dy};
            cells[r * WIDTH + c] = predict(m, x);
        }
    for (int i = 0; i < X.rows; i++) {
        int c = (int)((MAT_AT(X, i, 0) - lo[0]) / dx);
        int r = (int)((hi[1] - MAT_AT(X, i, 1)) / dy);
        if (c >= 0 && c < WIDTH && r >= 0 && r < height)
            cells[r * WIDTH + c] = K + y[i];
    }
    // glyphs: K regions, then K classes of points
    _Static_assert(K <= 5, "draw_cells has glyphs for 5 classes");
    char glyphs[2 * K + 1], key[160];
    int used = snprintf(key, sizeof key, "points of class 0..%d:", K - 1);
    for (int k = 0; k < K; k++) {
        glyphs[k] = " .:-="[k];
        glyphs[K + k] = "ox+*#"[k];
        used += snprintf(key + used, sizeof key - used, " %c",
                         glyphs[K + k]);
    }
    glyphs[2 * K] = '\0';
    snprintf(key + used, sizeof key - used, "; their regions: "
             "'%.*s'", K, glyphs);
    plot_ascii_cells(p, title, cells, height, WIDTH, glyphs, key);
    free(cells);
}

static void draw_regions(plotter *pl, const char *stem, const char *title,
                         const model *m, matrix X, const int *y)
{
    plot *p = plot_begin(pl, stem, 5.6, 4.4);
    if (!p)
        return;
    // the tutorial's grid: spacing 0.02, one unit beyond the data
    double lo[D], hi[D];
    for (int d = 0; d < D; d++) {
        lo[d] = hi[d] = MAT_AT(X, 0, d);
        for (int i = 1; i < X.rows; i++) {
            double v = MAT_AT(X, i, d);
            lo[d] = v < lo[d] ? v : lo[d];
            hi[d] = v > hi[d] ? v : hi[d];
        }
        lo[d] -= 1.0;
        hi[d] += 1.0;
    }
    const double spacing = 0.02;
    int nx = (int)ceil((hi[0] - lo[0]) / spacing);
    int ny = (int)ceil((hi[1] - lo[1]) / spacing);
    double *cls = nn_alloc((size_t)nx * ny, sizeof *cls);
    for (int iy = 0; iy < ny; iy++)
        for (int ix = 0; ix < nx; ix++) {
            double x[D] = {lo[0] + ix * spacing, lo[1] + iy * spacing};
            cls[(size_t)iy * nx + ix] = predict(m, x);
        }
    plot_grid(p, "$grid", cls, nx, ny, lo[0], lo[0] + (nx - 1) * spacing,
              lo[1], lo[1] + (ny - 1) * spacing);
    free(cls);
    send_points(p, X, y);
    plot_cmd(p, "set title '%s'", title);
    plot_cmd(p, "set size ratio -1");
    plot_cmd(p, "set xlabel 'x_1'; set ylabel 'x_2'");
    plot_cmd(p, "set palette defined (%s)", pale);
    plot_cmd(p, "set cbrange [-0.5:%d.5]; unset colorbox", K - 1);
    plot_cmd(p, "set xrange [%g:%g]; set yrange [%g:%g]", lo[0],
             lo[0] + (nx - 1) * spacing, lo[1], lo[1] + (ny - 1) * spacing);
    plot_cmd(p, "set key below horizontal");
    plot_points(p, "plot $grid using 1:2:3 with image notitle,");
    draw_cells(p, title, m, lo, hi, X, y);
    plot_end(p);
}

/**
## Why a straight line cannot do it

The region where the linear classifier predicts class $c$ is the set of
points whose score $s_c$ beats every other score. Each condition
$s_c(x) \ge s_j(x)$ is linear in $x$, so it holds on one side of a
straight line: a half-plane. The region is an intersection of
half-planes, and such an intersection is *convex*: with any two of its
points it contains the whole segment between them. So the linear
classifier cuts the plane into three convex slices, like a pie cut from
one point. An arm of the spiral turns through 4 radians around the
centre; no convex slice can follow it, and whichever way the cuts go,
large parts of every arm fall into a neighbour's slice. The tutorial's
classifier gets 0.49 of the points right; ours prints its accuracy at
the end of the chapter, beside a picture of its three slices.
*/

/**
## A hidden layer

The cure is to let the classifier transform the plane before it cuts
it. A hidden layer of $h$ units computes $h$ new features of every
point, each one a linear function of the coordinates followed by the
*rectified linear unit* (ReLU),

$$\mathrm{ReLU}(z) = \max(0, z), \qquad
  H = \max(0,\, X W + b), \qquad S = H W_2 + b_2,$$

with $W$ of shape $D \times h$ and $W_2$ of shape $h \times K$. Each
hidden unit is zero on one side of a line and grows linearly on the
other, a hinge folded along its own line. The scores are sums of a
hundred hinges, piecewise linear functions of $x$ with many pieces, and
the class regions are no longer convex: they can wrap around the
centre. Without the ReLU the two layers would collapse into one linear
map $X (W W_2) + \dots$ and nothing would be gained.

The backward pass reuses the softmax gradient and then applies the
chain rule once more, layer by layer:

$$\mathrm{dscores} = \tfrac{1}{NK}(P - Y), \quad
  \frac{\partial L}{\partial W_2} = H^\top \mathrm{dscores}
  + \lambda W_2, \quad
  \frac{\partial L}{\partial b_2} = \textstyle\sum_i
  \mathrm{dscores}_{i\cdot},$$

$$\mathrm{dhidden} = \mathrm{dscores}\, W_2^\top \circ [H > 0], \quad
  \frac{\partial L}{\partial W} = X^\top \mathrm{dhidden} + \lambda W,
  \quad \frac{\partial L}{\partial b} = \textstyle\sum_i
  \mathrm{dhidden}_{i\cdot} .$$

The new factor is the ReLU's derivative: 1 where the unit was active
($z > 0$) and 0 where it was not, so the gradient flows back only
through the units that fired for that point. At $z = 0$ the derivative
does not exist; like the tutorial we take 0 there. Both formulas are
the `m->hidden != 0` branches of `model_forward` and `model_backward`
above. `relu_backward` follows the book's convention for every
backward function: it *adds* its result, $\mathrm{dhidden} \circ
[H > 0]$, into a gradient array `dz` that the caller has zeroed, rather
than masking `dhidden` in place; so does the toolkit's
`mat_add_row_sums`, which adds the column sums of the upstream gradient
into a bias gradient.

![The network of this chapter, drawn by the program from its own
sizes.](figures/06-softmax-spiral/network)

The tutorial keeps the step size 1 and $\lambda = 10^{-3}$, uses
$h = 100$ units and draws the weights as
`W = 0.01 * np.random.randn(D, h)` and
`W2 = 0.01 * np.random.randn(h, K)` from the same stream, after the
linear classifier's weights; so do we. It trains for 10,000 iterations
and prints the loss every 1000.

## Making it fast (optional) {#sec-spiral-fast}

This section is about speed, not about learning: skip to
[the program](#sec-spiral-program) if you like. The chapter's default
run trains the network with the code below; `--reference` trains it
with `model_forward` and `model_backward` above, and everything the
chapter says about learning holds for both. Appendix
[Making it fast](#app-fast) is the longer story of where speed comes
from.

One iteration of the network costs about a million floating-point
operations, ten billion for the 10,000 iterations. Surprisingly little
of NumPy's time goes into the three big matrix products, which NumPy
hands to an optimised BLAS library. Most of it goes into everything
around them: each line of the Python loop is a separate pass over a
whole array that allocates a new array for its result
(`np.dot(X, W) + b` is two passes, `np.maximum` a third, the softmax
four more, and so on, about twenty-five per iteration), and each pass
reads and writes memory that the previous one has just pushed out
of the fastest cache. And the products themselves are awkward for a
BLAS library: every one of them has a dimension of 2 or 3 (the inputs,
the classes), far too thin for the blocked kernels of appendix
[Making it fast](#app-fast), so most of the library's time goes into
setting up calls rather than into arithmetic. `model_forward` and
`model_backward` above copy that structure into C. A faster version
changes it in four steps.

**Memory layout.** Store the activations *transposed*: one row per
hidden unit, with the examples along the row. `hidden` becomes
$h \times NK$, `dscores` $K \times NK$ and the inputs $D \times NK$.
Now the element-wise work runs along rows: the inner loop goes over
examples that sit next to each other in memory, while the handful of
weights of one unit stay in registers.
Consecutive examples are independent, so the compiler turns the loop
into vector instructions that work on two doubles at once (SSE2, the
baseline of every x86-64 processor) or more on newer ones. It does so
at `-O2` only for a loop that needs no leftover iterations at the end,
so we pad the number of examples up to a multiple of eight with dummy
examples whose `dscores` are zero, and say so in the loop bound.

**Fused passes, products by hand.** Do in one sweep what NumPy does in
several, and let the thin products ride along. The forward pass takes
the examples eight at a time; for those eight it goes through all the
hidden units, and for each unit computes $z$, adds the bias, applies
the ReLU, stores the activations and adds the unit's share
$a\,W_2[u, \cdot]$ to the three scores of each example: that is the
product $H W_2$, one unit at a time. The $8 \times 3$ scores being
summed are few enough to stay in the processor's vector registers
until the last unit is in, and each unit's six weights are read once
per eight examples. (A sweep per unit over all the examples would do
the same additions in the same order, but would load and store every
score again for every unit.) The eight are written as two groups of
four, each a loop of its own: GCC turns a loop of four into a single
vector operation of AVX2 (below), and only then sees that the scores
can stay in registers. One pass over the examples does the softmax and
`dscores` (and keeps two numbers per example for the loss). One sweep
per unit, backwards, reads the unit's activations and the three rows
of `dscores` and computes everything the unit needs at once: its row
of $\partial L/\partial W_2$ (three sums over the examples), its $dz$
(the row of $\mathrm{dscores}\, W_2^\top$ times the ReLU's gradient),
and from $dz$ its column of $\partial L/\partial W$ and its bias
gradient (three more sums). The backward pass writes no array at all,
only twelve numbers per unit. A sum over the examples is a chain of
additions, each waiting for the one before; the sweep keeps four
partial sums, one per lane of a vector register, and adds the four at
the end, so the compiler can do four examples per instruction. The
gradient of the ReLU is a multiplication by 1.0 or 0.0 rather than an
`if`: the compiler will not vectorise a loop whose arithmetic happens
only on some examples (floating-point operations can raise exceptions,
so it may not compute them speculatively), and a branch that goes
either way at random would make the processor guess wrong again and
again.

**The softmax without library calls.** What is left per example is
the softmax: three powers $e^{s_k - \max}$, and for the loss a
logarithm. The C library's `exp` and `log` are function calls, one
example at a time, and a call in a loop keeps the compiler from
vectorising it. So the fast version computes $e^x$ itself, in a form
the compiler can vectorise: `vector_exp`, which the toolkit keeps in
`common/vmath.h` for this chapter and the next two (the appendix
[The toolkit](#app-vmath) shows its code). Write $x = k \ln 2 + r$
with $k$ the integer nearest to $x / \ln 2$, so that
$|r| \le \frac12 \ln 2$. Then
$$e^x = 2^k\, e^r, \qquad
  e^r \approx \sum_{j=0}^{13} \frac{r^j}{j!},$$
and the first term left out, $r^{14}/14!$, is below $10^{-18}$: the
series is as accurate as a double can hold. $2^k$ costs no arithmetic
at all: a double stores a power of two in its exponent bits, so we
write $k + 1023$ there. Finding $k$ needs no conversion to an integer
either: adding $1.5 \cdot 2^{52}$ to $x / \ln 2$ leaves the nearest
integer in the lowest bits of the sum. Every step is a multiplication,
an addition or a shift, which the processor has as vector
instructions. $r$ is computed as $x - k\,\ln 2_{hi} - k\,\ln 2_{lo}$,
with $\ln 2$ split in two so that the first product is exact. Inputs
are clamped to $[-708, 709]$, where $2^k$ is an ordinary double; the
softmax only ever asks for $x \le 0$, and below $-708$ the true value
is under $10^{-307}$, nothing next to the 1 of the largest score. The
logarithm we avoid instead: the loss of an example is
$-\log p_y = \log \sum_k e^{s_k - \max} + (\max - s_y)$, and a sum of
logarithms is the logarithm of a product, so the fast version
multiplies the sums of 64 examples (each at most 3, so the product
cannot overflow) and takes one logarithm for all of them.

The clamps and the choice of the largest score are `?:` choices. The
compiler vectorises a choice by computing both sides for all lanes and
keeping one, but by default GCC may not: a comparison with a NaN sets
the processor's "invalid operation" flag, and a program could look at
that flag. This one never does, and it says so to the compiler around
`softmax_forward` (`#pragma GCC optimize("no-trapping-math")`; other
compilers get the plain loops); `vmath.h` says the same around
`vector_exp`, and GCC puts the body of `vector_exp` into the loop only
when both are compiled alike. Without that promise, GCC 12 keeps the
loop scalar.

Every array of the fast version is declared `restrict` in the small
functions that loop over it: a promise that the arrays do not overlap,
without which the compiler would have to assume that writing one
element might change the next input and could not work on several at
once.

Finally, most x86-64 processors made in the last ten years also have
AVX2, with instructions that work on four doubles at once, and many
newer ones AVX-512, with eight. A program built for every x86-64 may
not assume either, but GCC can compile a function three times, for the
baseline, for AVX2 and for AVX-512, and pick the right one when the
program starts (`target_clones`). All versions do exactly the same
arithmetic on each example, in the same order (the four partial sums
of the backward pass stay four, whatever the vector width), so they
print the same numbers. One loop is better written differently for
AVX-512: its eight examples as one loop of eight, a single AVX-512
operation, keep the scores in three registers, where two loops of four
would take twice the instructions. For AVX2 the loop of eight would be
two operations, and GCC would keep the scores in memory. So the
forward pass comes twice, `layers_forward` and `layers_forward_wide`,
and the program asks the processor once which suits it (GCC's
`__builtin_cpu_supports`); the two add in the same order, and the
program checks that they give the same bits.

None of this changes the mathematics; it changes the order in which
numbers are added, and computes $e^x$ in its own way, so the fast and
the plain version differ in the last bits. The program compares their
gradients after training, and the test suite runs both. The plain
version (`--reference`) is the one that follows NumPy's structure step
for step; neither is guaranteed to print NumPy's digits to the end of
the run, since NumPy's own order of additions depends on its BLAS.
*/

enum { BLOCK = 4 };   // partial sums per sum over the examples
enum { CHUNK = 8 };   // examples are padded to a multiple of this

// The element-wise loops are marked NN_CLONES_AVX512 (the toolkit's,
// common/vmath.h): compiled three times, for every x86-64 (SSE2, two
// doubles per instruction), for AVX2 (four) and for AVX-512 (eight),
// the program picks the version that suits the processor when it
// starts (GCC on Linux; elsewhere the portable version is all there
// is).

// Whether the processor has AVX-512 (GCC on x86-64 Linux, the systems
// where the clones exist; elsewhere no).
static bool has_avx512(void)
{
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
    && defined(__linux__)
    return __builtin_cpu_supports("avx512f");
#else
    return false;
#endif
}

typedef struct {
    int n, n_pad;      // examples, and n rounded up to a multiple of CHUNK
    matrix inputs;     // (D, n_pad): a row of x0, a row of x1
    matrix onehot;     // (K, n_pad): 1 at the true class, else 0
    double *real;      // (n_pad): 1 for an example, 0 for padding
    matrix hidden;     // (h, n_pad): one row per unit
    matrix dscores;    // (K, n_pad): scores, then dL/dscores
    double *sums;      // (n_pad): the softmax's sums of e, for the loss
    double *gaps;      // (n_pad): max score - true score, for the loss
    bool wide;         // layers_forward_wide (AVX-512), not layers_forward
} batch;

// The transposed copy of X (n, D) and y, with room for h hidden units.
static batch batch_alloc(matrix X, const int *y, int hidden)
{
    batch bt;
    bt.n = X.rows;
    bt.n_pad = (X.rows + CHUNK - 1) / CHUNK * CHUNK;
    bt.inputs = mat_alloc(D, bt.n_pad);
    bt.onehot = mat_alloc(K, bt.n_pad);
    bt.real = nn_alloc((size_t)bt.n_pad, sizeof(double));
    bt.hidden = mat_alloc(hidden, bt.n_pad);
    bt.dscores = mat_alloc(K, bt.n_pad);
    bt.sums = nn_alloc((size_t)bt.n_pad, sizeof(double));
    bt.gaps = nn_alloc((size_t)bt.n_pad, sizeof(double));
    bt.wide = has_avx512();
    for (int i = 0; i < bt.n_pad; i++) {
        bool real = i < bt.n;
        for (int d = 0; d < D; d++)
            MAT_AT(bt.inputs, d, i) = real ? MAT_AT(X, i, d) : 0.0;
        for (int k = 0; k < K; k++)
            MAT_AT(bt.onehot, k, i) = real && y[i] == k;
        bt.real[i] = real;
    }
    return bt;
}

static void batch_free(batch *bt)
{
    mat_free(&bt->inputs);
    mat_free(&bt->onehot);
    free(bt->real);
    mat_free(&bt->hidden);
    mat_free(&bt->dscores);
    free(bt->sums);
    free(bt->gaps);
}

// Both layers for the examples [0, n), CHUNK at a time: for every unit
// u, a = max(0, w0[u] x0 + w1[u] x1 + b[u]) into row u of hidden, and
// the scores s_k = b2[k] + a_0 v_0[k] + a_1 v_1[k] + ... (v_u is row u
// of W2), added unit after unit. The CHUNK x K scores of a chunk stay
// in vector registers through all h units, and each unit's six weights
// are read once per chunk: the whole layer is one sweep over the
// examples. A chunk is CHUNK / BLOCK loops of BLOCK examples, each one
// AVX2 vector operation, which is what lets GCC keep the scores in
// registers. The scores go to the K rows of scores. n is a multiple of
// CHUNK.
NN_CLONES_AVX512
static void layers_forward(double *restrict hidden,
                           double *restrict scores,
                           const double *restrict inputs,
                           const double *restrict W,
                           const double *restrict b,
                           const double *restrict W2,
                           const double *restrict b2, int h, int n)
{
    // hidden (h, n), scores (K, n), inputs (D, n), W (D, h), b (h),
    // W2 (h, K), b2 (K)
    n = n / CHUNK * CHUNK;      // tells the compiler: no leftover examples
    const double *x0 = inputs, *x1 = inputs + n;
    for (int i = 0; i < n; i += CHUNK) {
        double s[K][CHUNK];     // the chunk's scores
        for (int k = 0; k < K; k++)
            for (int e = 0; e < CHUNK; e++)
                s[k][e] = b2[k];
        for (int u = 0; u < h; u++) {
            const double w0 = W[u], w1 = W[h + u], bias = b[u];
            const double *v = &W2[(size_t)u * K];
            double *a = &hidden[(size_t)u * n + i];
            // GCC writes the CHUNK / BLOCK = 2 groups out one after the
            // other (without this, it keeps the scores in memory)
#pragma GCC unroll 2
            for (int c = 0; c < CHUNK; c += BLOCK)
                for (int e = c; e < c + BLOCK; e++) {
                    double z = x0[i + e] * w0 + x1[i + e] * w1 + bias;
                    a[e] = z > 0.0 ? z : 0.0;           // ReLU
                    s[0][e] += a[e] * v[0];             // scores += a W2
                    s[1][e] += a[e] * v[1];
                    s[2][e] += a[e] * v[2];
                }
        }
        for (int k = 0; k < K; k++)
            for (int e = 0; e < CHUNK; e++)
                scores[(size_t)k * n + i + e] = s[k][e];
    }
}

// layers_forward for processors with AVX-512: the same, but a chunk is
// one loop of CHUNK examples, one AVX-512 vector operation, and GCC
// keeps the chunk's scores in three vector registers. (For AVX2 this
// loop would be two operations, and GCC would keep the scores in
// memory: there layers_forward is the faster.)
NN_CLONES_AVX512
static void layers_forward_wide(double *restrict hidden,
                                double *restrict scores,
                                const double *restrict inputs,
                                const double *restrict W,
                                const double *restrict b,
                                const double *restrict W2,
                                const double *restrict b2, int h, int n)
{
    // hidden (h, n), scores (K, n), inputs (D, n), W (D, h), b (h),
    // W2 (h, K), b2 (K)
    n = n / CHUNK * CHUNK;      // tells the compiler: no leftover examples
    const double *x0 = inputs, *x1 = inputs + n;
    for (int i = 0; i < n; i += CHUNK) {
        double s[K][CHUNK];     // the chunk's scores
        for (int k = 0; k < K; k++)
            for (int e = 0; e < CHUNK; e++)
                s[k][e] = b2[k];
        for (int u = 0; u < h; u++) {
            const double w0 = W[u], w1 = W[h + u], bias = b[u];
            const double *v = &W2[(size_t)u * K];
            double *a = &hidden[(size_t)u * n + i];
            for (int e = 0; e < CHUNK; e++) {
                double z = x0[i + e] * w0 + x1[i + e] * w1 + bias;
                a[e] = z > 0.0 ? z : 0.0;               // ReLU
                s[0][e] += a[e] * v[0];                 // scores += a W2
                s[1][e] += a[e] * v[1];
                s[2][e] += a[e] * v[2];
            }
        }
        for (int k = 0; k < K; k++)
            for (int e = 0; e < CHUNK; e++)
                scores[(size_t)k * n + i + e] = s[k][e];
    }
}

// One hidden unit, all n examples, backwards. From the rows g0, g1, g2
// of dscores and the unit's activations a, adds the unit's row of
// dL/dW2 into dv[K], and from dz = (dscores W2^T)[., u] o [a > 0] its
// column of dL/dW (dw0, dw1) and its bias gradient db. Each sum is kept
// in BLOCK partial sums, one per lane of a vector register, and the
// lanes are added at the end.
NN_CLONES_AVX512
static void unit_backward(double dv[K], double *dw0, double *dw1,
                          double *db, const double *restrict a,
                          const double *restrict g0,
                          const double *restrict g1,
                          const double *restrict g2,
                          const double *restrict x0,
                          const double *restrict x1, const double v[K],
                          int n)
{
    double s[6][BLOCK] = {{0.0}};   // a g0, a g1, a g2, x0 dz, x1 dz, dz
    n = n / BLOCK * BLOCK;
    for (int i = 0; i < n; i += BLOCK)
        for (int l = 0; l < BLOCK; l++) {
            int j = i + l;
            double fired = a[j] > 0.0 ? 1.0 : 0.0;      // ReLU'(z)
            double dz = (g0[j] * v[0] + g1[j] * v[1] + g2[j] * v[2])
                        * fired;
            s[0][l] += a[j] * g0[j];
            s[1][l] += a[j] * g1[j];
            s[2][l] += a[j] * g2[j];
            s[3][l] += x0[j] * dz;
            s[4][l] += x1[j] * dz;
            s[5][l] += dz;
        }
    double total[6] = {0.0};
    for (int r = 0; r < 6; r++)
        for (int l = 0; l < BLOCK; l++)
            total[r] += s[r][l];
    for (int k = 0; k < K; k++)
        dv[k] += total[k];
    *dw0 += total[3];
    *dw1 += total[4];
    *db += total[5];
}

// For softmax_forward, GCC may assume that no one looks at the
// floating-point exception flags (this program does not), so that it
// can vectorise its ?: choices and inline vector_exp (common/vmath.h),
// which is compiled with the same promise.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

// The largest |vector_exp(x) - exp(x)| / exp(x) on a grid of [lo, hi].
static double vector_exp_error(double lo, double hi)
{
    enum { STEPS = 200000 };
    double worst = 0.0;
    for (int i = 0; i <= STEPS; i++) {
        double x = lo + (hi - lo) * i / STEPS;
        worst = fmax(worst, fabs(vector_exp(x) - exp(x)) / exp(x));
    }
    return worst;
}

// The softmax of the scores s0, s1, s2 (n each, K = 3), overwritten by
// dL/dscores = (p - onehot) / count, with y0, y1, y2 the rows of the
// one-hot labels. For the loss, -log p(true class) = log(sum of e) +
// (max - s_true): writes the sum of e to sums[] and max - s_true to
// gaps[] (1 and 0 for padding, whose dscores are 0). n is a multiple
// of BLOCK.
NN_CLONES_AVX512
static void softmax_forward(double *restrict s0, double *restrict s1,
                            double *restrict s2, double *restrict sums,
                            double *restrict gaps,
                            const double *restrict y0,
                            const double *restrict y1,
                            const double *restrict y2,
                            const double *restrict real, int count,
                            int n)
{
    n = n / BLOCK * BLOCK;
    for (int j = 0; j < n; j++) {
        double max = s0[j] > s1[j] ? s0[j] : s1[j];
        max = s2[j] > max ? s2[j] : max;
        double e0 = vector_exp(s0[j] - max);          // e^0 is exactly 1
        double e1 = vector_exp(s1[j] - max);
        double e2 = vector_exp(s2[j] - max);
        double sum = e0 + e1 + e2;
        double truth = y0[j] * s0[j] + y1[j] * s1[j] + y2[j] * s2[j];
        sums[j] = real[j] > 0.0 ? sum : 1.0;
        gaps[j] = (max - truth) * real[j];
        s0[j] = (e0 / sum - y0[j]) / count * real[j];
        s1[j] = (e1 / sum - y1[j]) / count * real[j];
        s2[j] = (e2 / sum - y2[j]) / count * real[j];
    }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// Forward pass of the net: fills bt->hidden (h, n_pad) and turns
// bt->dscores (K, n_pad) into dL/dscores = (p - y) / n. Returns the data
// loss, the mean of -log p(true class).
static double fast_forward(batch *bt, const model *m)
{
    const int n = bt->n_pad, h = m->hidden;
    (bt->wide ? layers_forward_wide : layers_forward)(
        bt->hidden.data, bt->dscores.data, bt->inputs.data, m->W.data,
        m->b.data, m->W2.data, m->b2.data, h, n);
    // softmax and dscores in one pass over the examples
    softmax_forward(&MAT_AT(bt->dscores, 0, 0), &MAT_AT(bt->dscores, 1, 0),
                    &MAT_AT(bt->dscores, 2, 0), bt->sums, bt->gaps,
                    &MAT_AT(bt->onehot, 0, 0), &MAT_AT(bt->onehot, 1, 0),
                    &MAT_AT(bt->onehot, 2, 0), bt->real, bt->n, n);
    // the loss, sum of log(sum of e) + gap: one log per GROUP examples,
    // of the product of their sums (each at most K: no overflow)
    enum { GROUP = 64 };
    double loss = 0.0;
    for (int g = 0; g < n; g += GROUP) {
        double product = 1.0;
        for (int i = g; i < n && i < g + GROUP; i++) {
            product *= bt->sums[i];
            loss += bt->gaps[i];
        }
        loss += log(product);
    }
    return loss / bt->n;
}

// Backward pass of the net: adds dL/dparameters into grads, from
// fast_forward's bt->dscores and bt->hidden.
static void fast_backward(model *grads, batch *bt, const model *m,
                          double reg)
{
    const int n = bt->n_pad, h = m->hidden;
    for (int k = 0; k < K; k++)                 // db2 = sum of dscores
        for (int i = 0; i < n; i++)
            MAT_AT(grads->b2, 0, k) += MAT_AT(bt->dscores, k, i);
    for (int u = 0; u < h; u++)
        unit_backward(&MAT_AT(grads->W2, u, 0), &MAT_AT(grads->W, 0, u),
                      &MAT_AT(grads->W, 1, u), &MAT_AT(grads->b, 0, u),
                      &MAT_AT(bt->hidden, u, 0), &MAT_AT(bt->dscores, 0, 0),
                      &MAT_AT(bt->dscores, 1, 0), &MAT_AT(bt->dscores, 2, 0),
                      &MAT_AT(bt->inputs, 0, 0), &MAT_AT(bt->inputs, 1, 0),
                      &MAT_AT(m->W2, u, 0), n);
    mat_axpy(grads->W2, reg, m->W2);           // + reg W2
    mat_axpy(grads->W, reg, m->W);             // + reg W
}

// The loss as model_forward computes it, from the data loss.
static double add_penalty(double data_loss, const model *m, double reg)
{
    return data_loss + (0.5 * reg * mat_sum_squares(m->W)
                        + 0.5 * reg * mat_sum_squares(m->W2));
}

// Train the net with the fused loops; like train_reference.
static int train_fast(model *m, matrix X, const int *y, int iterations,
                      double step, double reg, monitor *mo)
{
    batch bt = batch_alloc(X, y, m->hidden);
    model grads = model_alloc(m->inputs, m->hidden, m->classes);
    int status = CLI_CONTINUE;
    progress_start(&mo->bar, "training", iterations);
    for (int it = 0; it < iterations && status == CLI_CONTINUE; it++) {
        double loss = add_penalty(fast_forward(&bt, m), m, reg);
        status = monitor_loss(mo, it, loss);
        memset(grads.block, 0, grads.size * sizeof(double));
        fast_backward(&grads, &bt, m, reg);
        sgd_step(m, &grads, step);
    }
    progress_end(&mo->bar);
    model_free(&grads);
    batch_free(&bt);
    return status == CLI_CONTINUE ? 0 : status;
}

// The largest difference between the fused and the plain gradient of m,
// relative to the largest plain gradient component.
static double fast_versus_reference(const model *m, matrix X, const int *y,
                                    double reg)
{
    scratch s = scratch_alloc(X.rows, m->hidden);
    model plain = model_alloc(m->inputs, m->hidden, m->classes);
    model fused = model_alloc(m->inputs, m->hidden, m->classes);
    model_forward(s.probs, s.hidden, X, y, m, reg);
    model_backward(&plain, s.dscores, s.dhidden, s.dz, X, y, s.hidden,
                   s.probs, m, reg);
    batch bt = batch_alloc(X, y, m->hidden);
    fast_forward(&bt, m);
    fast_backward(&fused, &bt, m, reg);
    double diff = 0.0, largest = 0.0;
    for (size_t i = 0; i < m->size; i++) {
        diff = fmax(diff, fabs(fused.block[i] - plain.block[i]));
        largest = fmax(largest, fabs(plain.block[i]));
    }
    batch_free(&bt);
    model_free(&plain);
    model_free(&fused);
    scratch_free(&s);
    return largest > 0.0 ? diff / largest : diff;
}

// Whether layers_forward_wide and layers_forward give m's activations
// and scores on X to the last bit (they add in the same order).
static bool forwards_agree(const model *m, matrix X, const int *y)
{
    batch one = batch_alloc(X, y, m->hidden);
    batch two = batch_alloc(X, y, m->hidden);
    const int n = one.n_pad, h = m->hidden;
    layers_forward_wide(one.hidden.data, one.dscores.data, one.inputs.data,
                        m->W.data, m->b.data, m->W2.data, m->b2.data, h,
                        n);
    layers_forward(two.hidden.data, two.dscores.data, two.inputs.data,
                   m->W.data, m->b.data, m->W2.data, m->b2.data, h, n);
    bool same = memcmp(one.hidden.data, two.hidden.data,
                       (size_t)h * n * sizeof(double)) == 0
                && memcmp(one.dscores.data, two.dscores.data,
                          (size_t)K * n * sizeof(double)) == 0;
    batch_free(&one);
    batch_free(&two);
    return same;
}

/**
## The program {#sec-spiral-program}

The rest is bookkeeping: a figure of both loss curves, one function
per model that trains it, prints what the tutorial prints and draws
its regions, and `main`, which follows the tutorial's notebook: the
data, then the linear classifier, then the network, every draw from
the one generator seeded with 0.
*/

static void draw_losses(plotter *pl, const double *linear, int n_linear,
                        const double *net, int n_net)
{
    plot *p = plot_begin(pl, "losses", 6, 3.6);
    if (!p)
        return;
    int n = n_net > n_linear ? n_net : n_linear;
    double *it = nn_alloc((size_t)n, sizeof *it);
    for (int i = 0; i < n; i++)
        it[i] = i + 1;
    plot_xy(p, "$linear", it, linear, n_linear);
    plot_xy(p, "$net", it, net, n_net);
    free(it);
    plot_cmd(p, "set logscale x");
    plot_cmd(p, "set xlabel 'iteration + 1'");
    plot_cmd(p, "set ylabel 'loss'");
    plot_cmd(p, "set yrange [0:*]");
    plot_cmd(p, "set key top right box opaque");
    plot_cmd(p, "plot $linear with lines lw 2 lc rgb '#7f8c8d' title "
             "'linear softmax', $net with lines lw 2 lc rgb '#8e44ad' "
             "title 'two-layer net, ReLU'");
    plot_end(p);
}

// The training accuracy of m on X (n, D).
static double training_accuracy(const model *m, matrix X, const int *y,
                                double reg)
{
    scratch s = scratch_alloc(X.rows, m->hidden);
    model_forward(s.probs, s.hidden, X, y, m, reg);
    double result = accuracy(s.probs, y);
    scratch_free(&s);
    return result;
}

// The network as a Graphviz diagram, from its sizes (file mode only).
static void draw_network(plotter *pl, int hidden)
{
    FILE *dot = plot_diagram_begin(pl, "network");
    if (!dot)
        return;
    int shown = hidden <= 6 ? hidden : 5;     // draw at most 6 units
    fprintf(dot, "digraph network {\n");
    plot_diagram_style(dot);              // the book's fonts and colours
    fprintf(dot, "graph [rankdir=LR, nodesep=0.2, ranksep=0.9];\n"
            "node [shape=circle];\n");
    for (int d = 0; d < D; d++)
        fprintf(dot, "x%d [label=<x<sub>%d</sub>>];\n", d, d + 1);
    for (int u = 0; u < shown; u++)
        fprintf(dot, "h%d [label=\"ReLU\", fontsize=9];\n", u);
    if (shown < hidden)
        fprintf(dot, "h%d [label=\"%d more\", shape=plaintext, "
                "style=\"\"];\n", shown, hidden - shown);
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
    fprintf(dot, "label=\"%d inputs, %d ReLU units (W %d x %d), softmax "
            "over %d classes (W2 %d x %d)\";\n}\n", D, hidden, D, hidden,
            K, hidden, K);
    plot_diagram_end(pl, dot);
}

// The tutorial's first model. 0, or 1 if it diverged.
static int run_linear(model *m, matrix X, const int *y, int iterations,
                      double step, double reg, monitor *mo, plotter *pl)
{
    printf("\nlinear softmax classifier: %d iterations, step size %g, "
           "reg %g\n", iterations, step, reg);
    printf("gradient check, linear classifier at its start: relative "
           "error %.1e\n", gradient_check(m, X, y, reg));
    mo->print_every = 100;
    int status = train_reference(m, X, y, iterations, step, reg, mo);
    if (status)
        return status;
    printf("training accuracy: %.2f\n", training_accuracy(m, X, y, reg));
    draw_regions(pl, "linear-regions", "linear softmax classifier", m, X,
                 y);
    return 0;
}

// The tutorial's second model, trained with the fast code unless
// `reference`. Its training time goes to stderr. 0, or 1 if it diverged.
static int run_net(model *m, matrix X, const int *y, int iterations,
                   double step, double reg, bool reference, monitor *mo,
                   uint32_t seed, plotter *pl)
{
    printf("\ntwo-layer net: %d ReLU units, %d iterations, step size %g, "
           "reg %g\n", m->hidden, iterations, step, reg);
    double start = nn_seconds();
    clock_t cpu_start = clock();
    mo->print_every = 1000;
    int status = reference
                 ? train_reference(m, X, y, iterations, step, reg, mo)
                 : train_fast(m, X, y, iterations, step, reg, mo);
    double cpu = (double)(clock() - cpu_start) / CLOCKS_PER_SEC;
    fprintf(stderr, "net training: %d iterations in %.4f s, CPU %.4f s "
            "(%s)\n", iterations, nn_seconds() - start, cpu,
            reference ? "reference" : "fast");
    if (status)
        return status;
    printf("training accuracy: %.2f\n", training_accuracy(m, X, y, reg));
    model check = random_net(10, seed + 1);
    printf("gradient check, random net of 10 units: relative error "
           "%.1e\n", gradient_check(&check, X, y, reg));
    model_free(&check);
    printf("fast versus plain gradient: relative difference %.1e\n",
           fast_versus_reference(m, X, y, reg));
    printf("fast forward, one loop of %d and %d of %d: %s\n", CHUNK,
           CHUNK / BLOCK, BLOCK,
           forwards_agree(m, X, y) ? "same bits" : "DIFFERENT bits");
    printf("fast softmax's vector_exp versus exp on [-708, 0]: largest "
           "relative difference %.1e\n", vector_exp_error(-708.0, 0.0));
    char title[64];
    snprintf(title, sizeof title, "two-layer net, %d ReLU units",
             m->hidden);
    draw_regions(pl, "net-regions", title, m, X, y);
    return 0;
}

// The chapter's flags, with the tutorial's values as defaults.
typedef struct {
    int points, hidden, linear_iterations, iterations;
    double step, reg;
    const char *only;
    bool reference;
} flags;

// Parse the command line into f and common: CLI_CONTINUE or a status.
static int parse_flags(flags *f, cli_common *common, int argc,
                       char **argv)
{
    cli_option options[] = {
        {.name = "--points", .type = CLI_INT, .value = &f->points,
         .help = "points per arm", .min = 2, .max = 100000},
        {.name = "--hidden", .type = CLI_INT, .value = &f->hidden,
         .help = "ReLU units in the hidden layer", .min = 1,
         .max = 10000},
        {.name = "--linear-iterations", .type = CLI_INT,
         .value = &f->linear_iterations,
         .help = "gradient steps of the linear classifier", .min = 1,
         .max = 10000000},
        {.name = "--iterations", .type = CLI_INT, .value = &f->iterations,
         .help = "gradient steps of the two-layer net", .min = 1,
         .max = 10000000},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &f->step,
         .help = "step size (learning rate)", .min = 0, .max = 1000,
         .open_min = true},
        {.name = "--reg", .type = CLI_DOUBLE, .value = &f->reg,
         .help = "L2 regularisation strength lambda", .min = 0,
         .max = 1000},
        {.name = "--only", .type = CLI_CHOICE, .value = &f->only,
         .help = "train only one model", .choices = "both|linear|net"},
        {.name = "--reference", .type = CLI_FLAG, .value = &f->reference,
         .help = "train the net with the plain matrix code"},
    };
    int status = cli_parse(common, options, CLI_COUNT(options), argc,
                           argv, "chapter 6: softmax and a ReLU layer on "
                           "the spiral");
    if (status != CLI_CONTINUE)
        return status;
    if (common->quick && f->iterations > 1000)
        f->iterations = 1000;
    // the points, the scratch of a pass (five (n, h) and three (n, K)
    // arrays, counting the fast code's) and the losses, in doubles
    size_t n = nn_size_mul((size_t)f->points, K);
    size_t doubles = nn_size_mul(n, nn_size_add(nn_size_mul(
        (size_t)f->hidden, 5), 3 * K + D + 1));
    doubles = nn_size_add(doubles, (size_t)f->linear_iterations
                                   + (size_t)f->iterations);
    return cli_check_memory(common, nn_size_mul(doubles, sizeof(double)),
                            "--points, --hidden or --iterations");
}

int main(int argc, char **argv)
{
    flags f = {.points = 100, .hidden = 100, .linear_iterations = 1000,
               .iterations = 10000, .step = 1.0, .reg = 1e-3,
               .only = "both"};
    cli_common common;
    int status = parse_flags(&f, &common, argc, argv);
    if (status != CLI_CONTINUE)
        return status;
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;

    // np.random.seed(0); the spiral: 300 randn
    rng r;
    rng_seed(&r, common.seed);
    int n = f.points * K;
    matrix X = mat_alloc(n, D);                 // (n, D)
    int *y = nn_alloc((size_t)n, sizeof *y);    // (n)
    data_spiral(&r, X.data, y, f.points, K);
    printf("spiral: %d arms of %d points, seed %u\n", K, f.points,
           common.seed);
    draw_data(&pl, X, y);
    draw_network(&pl, f.hidden);

    // W = 0.01 * randn(D, K), b = 0; then W = 0.01 * randn(D, h),
    // W2 = 0.01 * randn(h, K), b = b2 = 0: the notebook's order of draws
    model linear = model_alloc(D, 0, K);
    init_gaussian(linear.W, 0.01, &r);
    model net = model_alloc(D, f.hidden, K);
    init_gaussian(net.W, 0.01, &r);
    init_gaussian(net.W2, 0.01, &r);

    // A step of the penalty alone scales W by 1 - lr reg: past 2 it
    // flips and grows, and then the culprit is --reg, not the data.
    monitor linear_mo = {.common = &common,
                         .hint = f.step * f.reg >= 2.0 ? "lower --reg"
                                                       : "lower --lr"};
    monitor net_mo = linear_mo;
    linear_mo.losses = nn_alloc((size_t)f.linear_iterations,
                                sizeof(double));
    net_mo.losses = nn_alloc((size_t)f.iterations, sizeof(double));
    status = 0;
    if (strcmp(f.only, "net") != 0)
        status = run_linear(&linear, X, y, f.linear_iterations, f.step,
                            f.reg, &linear_mo, &pl);
    if (status == 0 && strcmp(f.only, "linear") != 0)
        status = run_net(&net, X, y, f.iterations, f.step, f.reg,
                         f.reference, &net_mo, common.seed, &pl);
    if (status == 0 && strcmp(f.only, "both") == 0)
        draw_losses(&pl, linear_mo.losses, f.linear_iterations,
                    net_mo.losses, f.iterations);

    model_free(&linear);
    model_free(&net);
    free(linear_mo.losses);
    free(net_mo.losses);
    mat_free(&X);
    free(y);
    return plot_close(&pl) == 0 || status ? status : 1;
}

/**
## What the program printed

Here is the run made when this book was built, piece by piece. First
the spiral:

```{.output file="06-softmax-spiral" lines="1"}
```

![The spiral: three arms of 100 points, one colour per
arm.](figures/06-softmax-spiral/spiral-data)

The linear classifier starts at a loss of $\log 3$, as a classifier
that knows nothing should, and its first line is the one NumPy prints
for the same weights. The loss stops falling within a few hundred
iterations, at the tutorial's accuracy:

```{.output file="06-softmax-spiral" from="linear softmax" to="accuracy"}
```

![Decision regions of the linear softmax classifier: three convex
slices, and every arm strays into its neighbours'
slices.](figures/06-softmax-spiral/linear-regions)

The network starts at the same $\log 3$ (again NumPy's first line, to
the last printed digit) and, after a slow start, keeps improving for
all 10,000 iterations, apart from a few jumps where a step of size 1
overshoots and the next steps recover. Its regions follow the arms:

```{.output file="06-softmax-spiral" from="two-layer net" to="accuracy"}
```

![Decision regions of the two-layer network with 100 ReLU
units.](figures/06-softmax-spiral/net-regions)

![The loss of both models during training, on a logarithmic axis of
iterations: the linear classifier is stuck early; the network, jumps
and all, is still learning at the end.](figures/06-softmax-spiral/losses)

The other lines come from the checks:

```{.output file="06-softmax-spiral" grep="gradient check"}
```

```{.output file="06-softmax-spiral" grep="fast versus plain"}
```

```{.output file="06-softmax-spiral" grep="vector_exp"}
```

The gradient checks compare the backward pass with central
differences, as vectors over all parameters: a relative error of
$10^{-9}$ or smaller means every formula is right, a mistake shows up
near 1. The network is checked at a random point rather than at its
start because at its start every bias is exactly 0 and the first point
of the spiral is the origin, so every hidden unit sits exactly on the
kink of its ReLU for that point, where a central difference averages
the two slopes and the backward pass takes one. (With another `--seed`
the random point may put one unit within $10^{-5}$ of its kink, and
the error grows accordingly.) The fast version and the plain matrix
code agree to rounding, and the fast version's own $e^x$ is the C
library's to within a unit or two in the last place ($2^{-52} \approx
2.2 \cdot 10^{-16}$ is one).

How much faster is it? `bench/spiral-moons.sh` runs the network's
10,000 iterations in C and in NumPy on the same machine, alternately,
with the same BLAS settings (it prints which BLAS each side uses),
and prints the ratio of their CPU times and, where valgrind is
installed, of the instructions they execute, which does not depend on
the machine's load. The C side it times is the default run, the fused
version of the optional section, the same code that printed the
network's lines above. The program itself reports its time on stderr;
in the book's run (it varies with the machine and its load):

```{.output file="06-softmax-spiral" stream="stderr" grep="net training"}
```

Compare `build/bin/06-softmax-spiral --only net --plot none` with the
same command plus `--reference`, the plain version, which follows
NumPy's structure step for step and hands its thin products to BLAS.
Both print NumPy's first lines (the tests check both). They add the
same numbers in different orders, so late in the run their last
printed digits may part, as NumPy's own run parts from both; chapter 7
looks at such differences closely.

## Summary

- A linear softmax classifier cuts the plane into convex slices and
  cannot follow the spiral.
- Softmax with cross-entropy has the gradient "probabilities minus
  one-hot labels".
- A hidden layer of ReLUs makes the boundaries piecewise linear and
  bendable; the backward pass adds one factor, $[z > 0]$.
- Central differences check every backward formula.
- The same mathematics runs much faster when the element-wise work is
  fused around a few large products (optional section).

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-06 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-06`
checks them all). Give a number you found as `ANSWER=`.

1. Run with `--reg 0` and with `--reg 0.1`. How do the network's
   regions change? Which setting gives the smoothest boundary, and
   what does it cost in training accuracy?
2. Shrink the hidden layer: `--hidden 3`, `--hidden 10`, `--hidden 30`
   (`--only net` skips the linear classifier). What is the smallest
   hidden layer with which the net gets at least 0.95 of the points
   right in its 10,000 iterations? Then try a few sizes above it: is a
   larger layer always better? What could leave a wider layer stuck?
   (check: `make check-06 EXERCISE=2 ANSWER=<units>`)
3. Try step sizes `--lr 0.1` and `--lr 5` for both models. Which of the
   two does a large step hurt first, and why can a bigger step not help
   the linear classifier? Its loss is convex: below some step size
   every run ends at the same minimum, above it the steps overshoot
   and never settle there. Find that limit to within 10%: a `--lr` with
   which the linear classifier's last printed loss is the default
   run's, where 1.1 times that `--lr` misses it (`--only linear` runs
   in a moment).
   (check: `make check-06 EXERCISE=3 ANSWER=<your --lr>`)
4. Replace the ReLU by $\tanh$: in `model_forward`
   (`mat_map(hidden, tanh)`), in `model_backward` (its derivative
   $1 - \tanh^2 z$, from the hidden values) and in `predict` (for the
   figure), and say `tanh units` in `run_net`'s heading. Train with
   `--reference`, since the fast code still assumes a ReLU. Goal: the
   gradient check passes (below $10^{-7}$) and in the 1000 iterations
   of `--quick` the net gets at least 0.9 of the points right. Does it
   learn the spiral as well as the ReLU net? What does the line
   `fast versus plain` say now, and why?
   (check: `make check-06 EXERCISE=4`)
5. (Harder) The fast code assumes $K = 3$ classes. Set `K = 5` in the
   `enum` near the top, which makes a spiral of five arms (give
   `colours` and `pale` two more colours for the figures), and run it:
   `fast versus plain` reports a large difference. Generalise the fast
   code to any $K$. Goal: five arms, the fast and the plain gradient
   agree to better than $10^{-10}$, and the net beats the linear
   classifier. How does the speed change, and why?
   (check: `make check-06 EXERCISE=5`)
*/
