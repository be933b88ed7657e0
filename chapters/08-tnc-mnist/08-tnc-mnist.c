/**
# Truncated Newton on real digits {#ch-tnc-mnist}

*What you need:* chapter 5's hidden layer and backpropagation, chapter
6's gradient check, and MNIST installed by `make deps`.

Exercise 4 of Andrew Ng's machine-learning course [@ng-ex4] trains a
network with one hidden layer to read handwritten digits: 5,000 images
of 20x20 pixels, 400 inputs, 25 sigmoid hidden units and 10 sigmoid
outputs, one per digit. The Python version this chapter follows (the
tutorial) builds it in NumPy one piece at a time - one-hot labels, the
two weight matrices packed into one vector, the forward pass, the cost
with and without regularisation, backpropagation - and then hands cost
and gradient to `scipy.optimize.minimize(method='TNC')` with
`options={'maxiter': 300}`.

We build the same network on the same kind of data: the first 500 of
each digit in MNIST's training set [@lecun-mnist], scaled down to 20x20
as the course's digits were, tested on MNIST's 10,000 test digits scaled
the same way. And we do not stop at the network. SciPy's TNC is a C
program, Jean-Sebastien Roy's translation of Stephen Nash's Fortran
*truncated-Newton* code [@nash1984; @nash2000], which the Python merely
calls; the second half of this chapter writes such an optimizer:
Newton's method for a function of 10,285 variables, without ever
forming its Hessian. At the end the chapter runs SciPy's TNC on the
very same problem and puts the two side by side.

```{.run chapter="08-tnc-mnist"}
```
*/
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digits.h"
#include "figures.h"
#include "flags.h"
#include "ink.h"
#include "nn.h"
#include "report.h"
#include "scipy.h"
#include "tnc.h"

/**
```{.include file="chapters/08-tnc-mnist/digits.c"}
```
*/

/**
## One block of weights

![The network the program builds, drawn from its own sizes: the
inputs and a bias unit feed the hidden units, which with their own bias
unit feed the ten outputs. Each arrow stands for a whole layer's
weights.](figures/08-tnc-mnist/network)

The first layer's weights $\Theta^{(1)}$ are a $25 \times 401$ matrix:
one row per hidden unit, one column per input, column 0 for the bias.
The second layer's $\Theta^{(2)}$ is $10 \times 26$. An optimizer knows
nothing about layers; it wants one vector of
$25 \cdot 401 + 10 \cdot 26 = 10{,}285$ numbers. The tutorial's
`serialize` flattens and concatenates the two matrices, and
`deserialize` cuts the vector and reshapes the pieces.

In C the vector can simply *be* the storage: one block `theta`, with
$\Theta^{(1)}$ row after row and then $\Theta^{(2)}$. `deserialize`
then copies nothing; it returns two matrix headers that point into the
block, which is what NumPy's `reshape` of a slice does too. A gradient
block of the same layout, deserialized the same way, gets the layers'
gradients written straight into the vector the optimizer reads.
`serialize` is needed only where two separate matrices exist first, as
in the gradient check below.

The tutorial starts from `np.random.uniform(-0.5, 0.5, 10285)`, drawn
in one go and cut by `deserialize`: the first $25 \cdot 401$ numbers are
$\Theta^{(1)}$ row by row, the rest $\Theta^{(2)}$. Our block has
exactly that layout, so we draw the same numbers the same way from the
toolkit's NumPy-compatible generator, seeded with 0 as the tutorial's
`np.random.seed(0)` would be (the tutorial itself never seeds; we do,
so that every run starts from the same weights). The program prints
the first and the last draw; a test holds them to NumPy's own.
*/

typedef struct {
    int n_in, n_hidden, n_out;   // 400, 25, 10 by default
} layer_sizes;

// Theta1 is (n_hidden, n_in + 1) and Theta2 is (n_out, n_hidden + 1).
static int count_params(layer_sizes s)
{
    return s.n_hidden * (s.n_in + 1) + s.n_out * (s.n_hidden + 1);
}

// The two weight matrices as views into theta[count_params(s)]: row
// after row, Theta1 first. Nothing is copied; writing to a view writes
// to theta (the views are how the gradient block is filled, too).
static void deserialize(matrix *Theta1, matrix *Theta2, const double *theta,
                        layer_sizes s)
{
    double *block = (double *)theta;
    *Theta1 = (matrix){s.n_hidden, s.n_in + 1, block};
    *Theta2 = (matrix){s.n_out, s.n_hidden + 1,
                       block + (size_t)s.n_hidden * (s.n_in + 1)};
}

// The inverse: two separate matrices, row after row, into theta.
static void serialize(double *theta, matrix Theta1, matrix Theta2)
{
    memcpy(theta, Theta1.data, mat_size(Theta1) * sizeof *theta);
    memcpy(theta + mat_size(Theta1), Theta2.data,
           mat_size(Theta2) * sizeof *theta);
}

/**
The book's run prints the first and the last of the draws (a test
compares them with numbers NumPy itself printed):

```{.output file="08-tnc-mnist" from="initial weights" to=", last"}
```
*/

/**
## The forward pass

With $A^{(1)}$ the images (with their row of ones), the network computes

$$Z^{(2)} = \Theta^{(1)} A^{(1)}, \quad
  A^{(2)} = \begin{bmatrix} 1 \\ g(Z^{(2)}) \end{bmatrix}, \quad
  Z^{(3)} = \Theta^{(2)} A^{(2)}, \quad
  H = g(Z^{(3)}),$$

where $g(z) = 1/(1 + e^{-z})$ is the sigmoid, applied to each element,
and the row of ones on top of $A^{(2)}$ is the hidden layer's bias unit.
Each column of $H$ holds one image's ten outputs, each between 0 and 1.
The tutorial's names are `a1`, `z2`, `a2`, `z3` and `h`; ours say what they
hold (`inputs`, `hidden_in`, `hidden`, `output_in`, `probs`), with the
tutorial's name beside each in the code.

Two kinds of layer appear, and as in the rest of the book each comes as
a pair: a forward function, and a backward function that takes the
derivative of the cost with respect to the layer's output and *adds* the
derivatives with respect to its inputs and weights. For $z = W a$ these
are $\partial J / \partial W = \delta\, a^T$ and
$\partial J / \partial a = W^T \delta$, with $\delta = \partial J /
\partial z$; for the sigmoid, $g'(z) = g(z)(1 - g(z))$, so the slope
comes from the output $a = g(z)$ alone. The products go through
`mat_gemm`, which hands them to OpenBLAS. The first layer's is
$25 \times 401$ times $401 \times 5000$, and it is where the time goes,
so it gets a closer look below.

The sigmoid's $e^{-z}$, 175,000 of them a pass (25 hidden and 10
output values for each of 5,000 images), comes from the toolkit's
`vector_exp` rather than the C library's `exp`: the same number to
within about a unit in the last place, computed so that the compiler
can do several at once ([chapter 6](#sec-spiral-fast) explains how; the
comments above `sigmoid` say what its loop needs for that). The cost's
softplus keeps the library's `exp` and `log1p`: it runs only when the
optimizer asks for the cost, not for every gradient.
*/

// z = W a for all m images at once.
// z is (n_out, m), W is (n_out, n_in + 1), a is (n_in + 1, m) and its
// row 0 holds the bias input 1.
static void dense_forward(matrix z, matrix a, matrix W)
{
    mat_gemm(z, 1.0, W, false, a, false, 0.0);
}

// Given dz = dJ/dz: dW += dz a^T, and da += W^T dz when da has data.
// dz is (n_out, m), dW and W are (n_out, n_in + 1), da and a are
// (n_in + 1, m).
static void dense_backward(matrix da, matrix dW, matrix dz, matrix a,
                           matrix W)
{
    mat_gemm(dW, 1.0, dz, false, a, true, 1.0);
    if (da.data)
        mat_gemm(da, 1.0, W, true, dz, false, 1.0);
}

// What lets GCC run sigmoid's loop on several elements at once:
// - it is compiled without trapping math, as vector_exp is
//   (common/vmath.h), so GCC may inline vector_exp and vectorise its
//   ?: choices (the pragma below);
// - its arrays are restrict parameters: they do not overlap;
// - its first loop runs over a multiple of LANES elements, so it needs
//   no leftover iterations (-O2 vectorises only such loops).
// NN_CLONES_AVX512 (common/vmath.h) compiles it for every x86-64 (SSE2:
// two doubles per instruction), for AVX2 (four) and for AVX-512 (eight),
// and the program picks the version that suits the processor when it
// starts (GCC on Linux; elsewhere the portable version is all there
// is). All three do the same arithmetic (no fused multiply-add in ISO
// C), so they give the same bytes.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

enum { LANES = 8 };   // the widest vector: eight doubles (AVX-512)

// a = g(z) = 1 / (1 + exp(-z)), element by element; a and z are (n)
// and do not overlap (restrict). exp is vector_exp: the first loop, over
// a multiple of LANES elements, is vectorised; the second does the rest
// with the same arithmetic.
NN_CLONES_AVX512
static void sigmoid(double *restrict a, const double *restrict z,
                    size_t n)
{
    size_t whole = n / LANES * LANES;
    for (size_t k = 0; k < whole; k++)
        a[k] = 1.0 / (1.0 + vector_exp(-z[k]));
    for (size_t k = whole; k < n; k++)
        a[k] = 1.0 / (1.0 + vector_exp(-z[k]));
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// a = g(z), element by element; a, z same shape.
static void sigmoid_forward(matrix a, matrix z)
{
    sigmoid(a.data, z.data, mat_size(z));
}

// dz += da * g'(z), where g'(z) = g(z) (1 - g(z)) = a (1 - a).
static void sigmoid_backward(matrix dz, matrix da, matrix a)
{
    for (size_t k = 0; k < mat_size(a); k++)
        dz.data[k] += da.data[k] * a.data[k] * (1.0 - a.data[k]);
}

// Rows 1.. of a matrix whose row 0 is the bias: a view, no copy.
static matrix below_bias(matrix a)
{
    return (matrix){a.rows - 1, a.cols, a.data + a.cols};
}

/**
Both products with the images, $\Theta^{(1)} A^{(1)}$ forward and
$\delta^{(2)} A^{(1)T}$ backward, multiply every input of every image,
and most of those inputs are zero: the border of a digit is always
blank, and the strokes cover only part of the middle. The program
skips the zeros: it keeps each image's inked pixels as a list and sums
over the lists alone. How, and how the work is shared between threads
without changing a single bit of the result, is a lesson in making
code fast rather than in neural networks, so it has its own section in
the appendix, [Most of a digit is blank paper](#app-ink). Here it is
behind two calls, with `mat_gemm` as the fallback (`--dense` uses
`mat_gemm` always, and the program prints how far apart the two
gradients are).
*/

// z = W a for the images of set: dense_forward, through the ink lists
// when the set has them. z is (n_out, m), W is (n_out, n_in + 1).
static void images_forward(matrix z, const digit_set *set, matrix W)
{
    if (set->ink.by_col.start)
        ink_times(z, W, &set->ink);
    else
        dense_forward(z, set->inputs, W);
}

// dW += dz a^T for the images of set: dense_backward's weight part,
// through the ink lists when the set has them. dW is (n_out, n_in + 1),
// dz is (n_out, m).
static void images_backward(matrix dW, matrix dz, const digit_set *set)
{
    if (set->ink.by_row.start)
        ink_times_add_t(dW, dz, &set->ink);
    else
        dense_backward((matrix){0}, dW, dz, set->inputs, (matrix){0});
}

/**
In the book's run the lists hold this share of the training images'
inputs (the rest are zeros the products skip):

```{.output file="08-tnc-mnist" grep="inked inputs"}
```
*/

/**
## The cost

The tutorial's cost is the cross-entropy of every output against its one-hot
target, summed over the ten outputs and averaged over the $m$ images:

$$J(\Theta) = -\frac{1}{m} \sum_{i=1}^{m} \sum_{k=1}^{10}
  \Big[ y_{ki} \log h_{ki} + (1 - y_{ki}) \log (1 - h_{ki}) \Big].$$

Written this way it breaks on real data. When the network is sure,
$z = 40$ say, $h = g(z)$ rounds to exactly 1.0 in double precision,
and $\log(1 - h) = \log 0 = -\infty$: NumPy warns and the cost becomes
infinite or NaN. The cure is to never form $h$. Since
$\log g(z) = -\log(1 + e^{-z})$ and $\log(1 - g(z)) = -\log(1 + e^{z})$,
and $\log(1 + e^{-z}) = \log(1 + e^{z}) - z$, each term is

$$-\big[ y \log g(z) + (1 - y) \log(1 - g(z)) \big]
  = \log(1 + e^{z}) - y\, z ,$$

and $\log(1 + e^{z})$ (*softplus*) can be computed without overflow for
any $z$. Its derivative is just as short:
$\frac{d}{dz}\big[\log(1 + e^{z}) - y z\big] = g(z) - y$. The sigmoid's
slope has cancelled against the logarithm, which is why the tutorial's
backpropagation starts with `d3 = h - y`.

Regularisation adds $\frac{\lambda}{2m}$ times the sum of the squares of
all weights except the bias columns, with $\lambda = 1$; its gradient is
$\frac{\lambda}{m}\Theta$ off the bias columns. The bias is left out
because it only shifts a unit's threshold; shrinking it towards zero
would not make the network any simpler.
*/

// log(1 + e^z) without overflow for large z.
static double softplus(double z)
{
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

// J = (1/m) sum over images and outputs of
//     -[y log h + (1 - y) log(1 - h)] = softplus(z) - y z,  h = g(z).
// z and targets are (n_out, m).
static double cross_entropy_forward(matrix z, matrix targets)
{
    double sum = 0.0;
    for (size_t k = 0; k < mat_size(z); k++)
        sum += softplus(z.data[k]) - targets.data[k] * z.data[k];
    return sum / z.cols;
}

// dz += (h - y) / m: the derivative of J with respect to the outputs'
// inputs z (the sigmoid's slope cancels the logarithm's).
static void cross_entropy_backward(matrix dz, matrix probs,
                                   matrix targets)
{
    for (size_t k = 0; k < mat_size(dz); k++)
        dz.data[k] += (probs.data[k] - targets.data[k]) / dz.cols;
}

// lambda / (2m) times the sum of W's squares, column 0 (the bias) left
// out. W is (rows, cols).
static double l2_forward(matrix W, double lambda, int m)
{
    double sum = 0.0;
    for (int i = 0; i < W.rows; i++)
        for (int j = 1; j < W.cols; j++)
            sum += MAT_AT(W, i, j) * MAT_AT(W, i, j);
    return lambda / (2.0 * m) * sum;
}

// dW += (lambda / m) W, column 0 left out. dW, W are (rows, cols).
static void l2_backward(matrix dW, matrix W, double lambda, int m)
{
    for (int i = 0; i < W.rows; i++)
        for (int j = 1; j < W.cols; j++)
            MAT_AT(dW, i, j) += lambda / m * MAT_AT(W, i, j);
}

/**
## The whole network

The network's workspace holds every layer's values for all $m$ images:
those of the forward pass, their derivatives from backpropagation, and
a third set, written $\mathcal{R}\{\cdot\}$, that the exact Hessian
products of a later section need. All are allocated once, so training
allocates nothing.

`forward`, `cost` and `reg_cost` are the tutorial's `feed_forward`, `cost`
and `reg_cost`.
*/

typedef struct {
    layer_sizes size;
    int m;                 // images per pass
    // the forward pass (the tutorial's names: z2, a2, z3, h)
    matrix hidden_in;      // (n_hidden, m)       z2
    matrix hidden;         // (n_hidden + 1, m)   a2, row 0 all ones
    matrix output_in;      // (n_out, m)          z3
    matrix probs;          // (n_out, m)          h
    // backpropagation: dJ/d of the above (the tutorial's d3 / m, d2 / m)
    matrix d_output_in;    // (n_out, m)
    matrix d_hidden;       // (n_hidden + 1, m)
    matrix d_hidden_in;    // (n_hidden, m)
    // the R-operator ("Exact products" below): R{.} of all the above
    matrix r_hidden_in;    // (n_hidden, m)
    matrix r_hidden;       // (n_hidden + 1, m), row 0 all zeros
    matrix r_output_in;    // (n_out, m)
    matrix r_d_output_in;  // (n_out, m)
    matrix r_d_hidden;     // (n_hidden + 1, m)
    matrix r_d_hidden_in;  // (n_hidden, m)
} network;

static network network_alloc(layer_sizes s, int m)
{
    network net = {.size = s, .m = m};
    net.hidden_in = mat_alloc(s.n_hidden, m);
    net.hidden = mat_alloc(s.n_hidden + 1, m);
    for (int i = 0; i < m; i++)
        MAT_AT(net.hidden, 0, i) = 1.0;               // the bias unit
    net.output_in = mat_alloc(s.n_out, m);
    net.probs = mat_alloc(s.n_out, m);
    net.d_output_in = mat_alloc(s.n_out, m);
    net.d_hidden = mat_alloc(s.n_hidden + 1, m);
    net.d_hidden_in = mat_alloc(s.n_hidden, m);
    net.r_hidden_in = mat_alloc(s.n_hidden, m);
    net.r_hidden = mat_alloc(s.n_hidden + 1, m);
    net.r_output_in = mat_alloc(s.n_out, m);
    net.r_d_output_in = mat_alloc(s.n_out, m);
    net.r_d_hidden = mat_alloc(s.n_hidden + 1, m);
    net.r_d_hidden_in = mat_alloc(s.n_hidden, m);
    return net;
}

static void network_free(network *net)
{
    matrix *all[] = {&net->hidden_in, &net->hidden, &net->output_in,
                     &net->probs, &net->d_output_in, &net->d_hidden,
                     &net->d_hidden_in, &net->r_hidden_in, &net->r_hidden,
                     &net->r_output_in, &net->r_d_output_in,
                     &net->r_d_hidden, &net->r_d_hidden_in};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        mat_free(all[i]);
}

// The tutorial's feed_forward: the images of set through both layers.
static void forward(network *net, const double *theta,
                    const digit_set *set)
{
    matrix Theta1, Theta2;
    deserialize(&Theta1, &Theta2, theta, net->size);
    images_forward(net->hidden_in, set, Theta1);          // z2 = T1 a1
    sigmoid_forward(below_bias(net->hidden), net->hidden_in); // a2=g(z2)
    dense_forward(net->output_in, net->hidden, Theta2);   // z3 = T2 a2
    sigmoid_forward(net->probs, net->output_in);          // h = g(z3)
}

// The tutorial's cost: the cross-entropy of the network's outputs.
static double cost(network *net, const double *theta, const digit_set *set)
{
    forward(net, theta, set);
    return cross_entropy_forward(net->output_in, set->targets);
}

// The tutorial's reg_cost: the cost plus the L2 penalty on both matrices.
static double reg_cost(network *net, const double *theta,
                       const digit_set *set, double lambda)
{
    matrix Theta1, Theta2;
    deserialize(&Theta1, &Theta2, theta, net->size);
    return cost(net, theta, set) + l2_forward(Theta1, lambda, set->m)
           + l2_forward(Theta2, lambda, set->m);
}

/**
## Backpropagation

Backpropagation runs the chain rule from the cost back to the weights,
one layer pair at a time:

$$\delta^{(3)} = \tfrac{1}{m}(H - Y), \quad
  \nabla_{\Theta^{(2)}} = \delta^{(3)} A^{(2)T}, \quad
  \delta^{(2)} = \big[\Theta^{(2)T} \delta^{(3)}\big]_{1:}
                 \circ g'(Z^{(2)}), \quad
  \nabla_{\Theta^{(1)}} = \delta^{(2)} A^{(1)T},$$

where $[\cdot]_{1:}$ drops row 0: the bias unit has no input, so nothing
flows back through it. The tutorial writes the same as
`d2 = d3 @ theta2[:,1:] * sigmoid_gradient(z2)` and divides by $m$ at
the end; we divide at the start, in $\delta^{(3)}$, and the rest
follows. `reg_gradient` adds the penalty's $\frac{\lambda}{m}\Theta$.

An optimizer always wants the cost and its gradient at the same point,
so `evaluate` computes both from one forward pass. In the tutorial `cost`
and `gradient` are separate functions, and `minimize` calls both, so
the forward pass runs twice per evaluation.
*/

// The tutorial's gradient, after forward(net, theta, set): adds
// dJ/dtheta (the cross-entropy's alone) into grad[count_params].
static void backprop(double *grad, network *net, const double *theta,
                     const digit_set *set)
{
    matrix Theta1, Theta2, dTheta1, dTheta2;
    deserialize(&Theta1, &Theta2, theta, net->size);
    deserialize(&dTheta1, &dTheta2, grad, net->size);
    mat_fill(net->d_output_in, 0.0);
    mat_fill(net->d_hidden, 0.0);
    mat_fill(net->d_hidden_in, 0.0);
    cross_entropy_backward(net->d_output_in, net->probs, set->targets);
    dense_backward(net->d_hidden, dTheta2, net->d_output_in, net->hidden,
                   Theta2);
    sigmoid_backward(net->d_hidden_in, below_bias(net->d_hidden),
                     below_bias(net->hidden));
    images_backward(dTheta1, net->d_hidden_in, set);
}

// The tutorial's reg_gradint: the gradient of reg_cost, into grad (which
// is overwritten).
static void reg_gradient(double *grad, network *net, const double *theta,
                         const digit_set *set, double lambda)
{
    matrix Theta1, Theta2, dTheta1, dTheta2;
    deserialize(&Theta1, &Theta2, theta, net->size);
    deserialize(&dTheta1, &dTheta2, grad, net->size);
    memset(grad, 0, (size_t)count_params(net->size) * sizeof *grad);
    forward(net, theta, set);
    backprop(grad, net, theta, set);
    l2_backward(dTheta1, Theta1, lambda, set->m);
    l2_backward(dTheta2, Theta2, lambda, set->m);
}

// What an optimizer calls: reg_cost and reg_gradient from one forward
// pass. Returns J; grad[count_params] is overwritten.
static double evaluate(double *grad, network *net, const double *theta,
                       const digit_set *set, double lambda)
{
    matrix Theta1, Theta2, dTheta1, dTheta2;
    deserialize(&Theta1, &Theta2, theta, net->size);
    deserialize(&dTheta1, &dTheta2, grad, net->size);
    forward(net, theta, set);
    double J = cross_entropy_forward(net->output_in, set->targets)
               + l2_forward(Theta1, lambda, set->m)
               + l2_forward(Theta2, lambda, set->m);
    memset(grad, 0, (size_t)count_params(net->size) * sizeof *grad);
    backprop(grad, net, theta, set);
    l2_backward(dTheta1, Theta1, lambda, set->m);
    l2_backward(dTheta2, Theta2, lambda, set->m);
    return J;
}

/**
## Checking the gradient

A wrong derivative does not crash; it trains badly, and that is hard to
tell from a bad step size. So before anything else we compare
backpropagation with the definition of a derivative, on the small
network ex4 checks with (`checkNNGradients`): 3 inputs, 5 hidden units,
3 classes, 5 examples, and weights and inputs set to $\sin(k)/10$ so
that every number is different and nothing depends on random draws.
Each of the 38 partial derivatives is estimated by a central difference,

$$\frac{\partial J}{\partial \theta_k} \approx
  \frac{J(\theta + \varepsilon u_k) - J(\theta - \varepsilon u_k)}
       {2 \varepsilon}, \qquad \varepsilon = 10^{-4},$$

whose error shrinks like $\varepsilon^2$, and the two vectors are
compared by their relative difference $\lVert a - b \rVert /
\lVert a + b \rVert$. Ex4 expects less than $10^{-9}$; a test holds
the program to that. The check runs with $\lambda = 0$ and, as ex4
does, with $\lambda = 3$.
*/

// ex4's debugInitializeWeights: sin(1), sin(2), ... divided by 10,
// filled column by column as Octave fills a matrix.
static void debug_fill(matrix W)
{
    int k = 1;
    for (int j = 0; j < W.cols; j++)
        for (int i = 0; i < W.rows; i++)
            MAT_AT(W, i, j) = sin(k++) / 10.0;
}

// |a - b| / |a + b|, ex4's measure of agreement.
static double relative_difference(int n, const double *a, const double *b)
{
    double diff = 0.0, sum = 0.0;
    for (int i = 0; i < n; i++) {
        diff += (a[i] - b[i]) * (a[i] - b[i]);
        sum += (a[i] + b[i]) * (a[i] + b[i]);
    }
    return sqrt(diff) / sqrt(sum);
}

// ex4's small problem: 3 inputs, 5 hidden units, 3 classes, 5 examples.
typedef struct {
    layer_sizes size;
    digit_set set;
    network net;
    double *theta;       // (count_params)
} small_problem;

static small_problem small_problem_alloc(void)
{
    small_problem p = {.size = {3, 5, 3}};
    int m = 5;
    matrix Theta1 = mat_alloc(5, 4), Theta2 = mat_alloc(3, 6);
    matrix X = mat_alloc(m, 3);                 // ex4's X, (m, n_in)
    debug_fill(Theta1);
    debug_fill(Theta2);
    debug_fill(X);
    p.theta = nn_alloc((size_t)count_params(p.size), sizeof *p.theta);
    serialize(p.theta, Theta1, Theta2);
    p.set.m = m;
    p.set.inputs = mat_alloc(4, m);
    p.set.targets = mat_alloc(3, m);
    p.set.labels = nn_alloc((size_t)m, sizeof *p.set.labels);
    for (int i = 0; i < m; i++) {
        MAT_AT(p.set.inputs, 0, i) = 1.0;
        for (int k = 0; k < 3; k++)
            MAT_AT(p.set.inputs, k + 1, i) = MAT_AT(X, i, k);
        p.set.labels[i] = (i + 1) % 3;          // ex4: 1 + mod(1:m, 3)
    }
    one_hot(p.set.targets, p.set.labels);
    p.net = network_alloc(p.size, m);
    mat_free(&Theta1);
    mat_free(&Theta2);
    mat_free(&X);
    return p;
}

static void small_problem_free(small_problem *p)
{
    free_digits(&p->set);
    network_free(&p->net);
    free(p->theta);
}

// Backpropagation against central differences of reg_cost,
//     dJ/dtheta_k ~ (J(theta + e u_k) - J(theta - e u_k)) / (2 e),
// on the small problem. Returns the relative difference.
static double gradient_check(double lambda)
{
    small_problem p = small_problem_alloc();
    int n = count_params(p.size);
    double *grad = nn_alloc((size_t)n, sizeof *grad);
    double *numeric = nn_alloc((size_t)n, sizeof *numeric);
    const double e = 1e-4;                  // ex4's epsilon
    reg_gradient(grad, &p.net, p.theta, &p.set, lambda);
    for (int k = 0; k < n; k++) {
        double saved = p.theta[k];
        p.theta[k] = saved + e;
        double plus = reg_cost(&p.net, p.theta, &p.set, lambda);
        p.theta[k] = saved - e;
        double minus = reg_cost(&p.net, p.theta, &p.set, lambda);
        p.theta[k] = saved;
        numeric[k] = (plus - minus) / (2.0 * e);
    }
    double diff = relative_difference(n, numeric, grad);
    free(grad);
    free(numeric);
    small_problem_free(&p);
    return diff;
}

/**
## Newton's method without a Hessian

Gradient descent steps along $-\nabla J$ and needs to be told how far.
Newton's method builds the quadratic model of $J$ around the current
weights $\theta$,

$$J(\theta + p) \approx J(\theta) + g^T p + \tfrac12 p^T H p,$$

with $g$ the gradient and $H$ the Hessian (the matrix of second
derivatives), and jumps to the model's minimum, the $p$ that solves
$H p = -g$. Near a minimum it converges in a handful of steps, and it
knows the step length by itself. The obstacle is size: with 10,285
weights, $H$ has $10{,}285^2 \approx 106$ million entries, 846 MB of
doubles, to be formed and factorised at every step (and at MNIST's full
resolution, `--size 28`, 19,885 weights and 3.2 GB).

Truncated Newton avoids both. The conjugate-gradient method solves
$H p = -g$ while touching $H$ only through products $H v$ with vectors
it chooses, and it improves $p$ at every step, so it can be stopped
early: far from the minimum the quadratic model is only a rough guide,
and a few conjugate-gradient steps already give a much better direction
than $-g$. Nash's TNC, which SciPy wraps, is built from four parts, and
so is our version:

1. Hessian-vector products, computed from gradients;
2. an inner loop of preconditioned conjugate gradients, stopped early;
3. a line search along the direction it returns;
4. an outer loop with stopping rules and a budget.

**The budget counts evaluations, not iterations.** For TNC,
`options={'maxiter': 300}` sets the maximum number of *function
evaluations*. SciPy 1.9 deprecated that name in favour of `maxfun`,
which says what it counts, and SciPy 1.11 removed it: there `minimize`
warns of an unknown option and ignores it, so the tutorial's line no
longer limits the run at all, and TNC's default budget, ten evaluations
per weight, applies. (SciPy 1.9 and 1.10 still read it as `maxfun`,
with a warning; this chapter's comparison passes `maxfun`.) Every
evaluation counts, including those TNC makes only to compute $H v$.
We keep that meaning:
`--evals 300` is a budget of 300 evaluations of cost and gradient, or
work of the same price, and the outer iterations are however many fit.
*/

/**
## Hessian-vector products, two ways

The Hessian is the derivative of the gradient, so along a direction $v$

$$H v \approx \frac{\nabla J(\theta + h v) - \nabla J(\theta)}{h}.$$

That is how TNC computes it: one more gradient evaluation per product,
and nothing else to write. The step $h$ has to balance two errors. The
formula's own error grows like $h$; the rounding error of subtracting
two nearly equal gradients grows like $\epsilon / h$, with $\epsilon
\approx 2.2 \cdot 10^{-16}$ the precision of a double. Both are small
near $h = \sqrt{\epsilon}$, scaled to the sizes of $\theta$ and $v$,
which leaves products good to about half of the digits. (TNC scales
its step a little differently; the optimizer's section lists where it
and our version part ways.)

**Counting the work honestly.** Almost all the time of an evaluation
goes into two products with the $401 \times m$ image matrix: the forward
$\Theta^{(1)} A^{(1)}$ and the backward $\delta^{(2)} A^{(1)T}$. We call
one such product a *pass* over the images, and count passes: an
evaluation costs two, a finite-difference product is an evaluation and
costs two, and the budget of $n$ evaluations is $2n$ passes. The
`trainer` below is the bridge between the network and the optimizer; it
keeps the count.
*/

typedef enum { HESSIAN_FD, HESSIAN_EXACT, HESSIAN_GN } hessian_kind;

// Everything the optimizer's calls need to know about the network.
typedef struct {
    network net;              // the workspace for the training images
    const digit_set *set;     // the training images
    double lambda;
    hessian_kind hessian;
    int n;                    // count_params
    long passes;              // products with the images so far
    double *state_at;         // (n) the theta net's activations are for
    double *theta_step;       // (n) scratch: theta + h v
    double *grad_step;        // (n) scratch: its gradient
    struct watcher *watch;    // what shows the progress, or NULL
} trainer;

// f(theta) and its gradient: one pass forward and one backward.
static double trainer_evaluate(trainer *t, double *grad,
                               const double *theta)
{
    double J = evaluate(grad, &t->net, theta, t->set, t->lambda);
    t->passes += 2;
    memcpy(t->state_at, theta, (size_t)t->n * sizeof *theta);
    return J;
}

// H v ~ (grad(theta + h v) - grad(theta)) / h, as TNC computes it;
// grad[n] is the gradient at theta. One evaluation, of the gradient
// alone (the cost is not needed).
static void hessian_fd(trainer *t, double *hv, const double *theta,
                       const double *grad, const double *v)
{
    int n = t->n;
    double h = sqrt(2.220446049250313e-16) * (1.0 + vec_norm(n, theta))
               / vec_norm(n, v);
    for (int i = 0; i < n; i++)
        t->theta_step[i] = theta[i] + h * v[i];
    reg_gradient(t->grad_step, &t->net, t->theta_step, t->set, t->lambda);
    t->passes += 2;
    memcpy(t->state_at, t->theta_step, (size_t)n * sizeof *theta);
    for (int i = 0; i < n; i++)
        hv[i] = (t->grad_step[i] - grad[i]) / h;
}

/**
### Exact products: the R-operator

Finite differences give half the digits. Pearlmutter
[@pearlmutter1994] showed how to get $H v$ exactly for the price of
about one more forward and backward pass. Define, for any quantity $f$
the network computes,

$$\mathcal{R}\{f\} = \frac{d}{dt} f(\theta + t v) \Big|_{t=0},$$

how it changes when the weights move along $v$. Then
$\mathcal{R}\{\nabla J\} = H v$, and $\mathcal{R}$ obeys the ordinary
rules of differentiation, so it can be pushed through the forward pass
and then through backpropagation, line by line. With $V^{(1)}, V^{(2)}$
the two parts of $v$ (deserialized like the weights):

$$\begin{aligned}
\mathcal{R}\{Z^{(2)}\} &= V^{(1)} A^{(1)}, \\
\mathcal{R}\{A^{(2)}_{1:}\} &= g' \circ \mathcal{R}\{Z^{(2)}\}, \\
\mathcal{R}\{Z^{(3)}\} &= \Theta^{(2)} \mathcal{R}\{A^{(2)}\}
                          + V^{(2)} A^{(2)}, \\
\mathcal{R}\{\delta^{(3)}\} &= \tfrac1m H \circ (1 - H) \circ
                               \mathcal{R}\{Z^{(3)}\}, \\
\mathcal{R}\{\nabla_{\Theta^{(2)}}\} &=
  \mathcal{R}\{\delta^{(3)}\} A^{(2)T}
  + \delta^{(3)} \mathcal{R}\{A^{(2)}\}^T, \\
\mathcal{R}\{e\} &= \Theta^{(2)T} \mathcal{R}\{\delta^{(3)}\}
                    + V^{(2)T} \delta^{(3)}, \\
\mathcal{R}\{\delta^{(2)}\} &= \mathcal{R}\{e\}_{1:} \circ g'
  + e_{1:} \circ (1 - 2 A^{(2)}_{1:}) \circ
    \mathcal{R}\{A^{(2)}_{1:}\}, \\
\mathcal{R}\{\nabla_{\Theta^{(1)}}\} &= \mathcal{R}\{\delta^{(2)}\}
                                        A^{(1)T},
\end{aligned}$$

with $e = \Theta^{(2)T}\delta^{(3)}$ and $g' = A^{(2)}_{1:} \circ
(1 - A^{(2)}_{1:})$, whose own change gives the $(1 - 2a)$ term. The
images do not depend on the weights, so $\mathcal{R}\{A^{(1)}\} = 0$.
Each layer gets an R-forward and an R-backward function, a pair again,
with the arguments in the order of the pair it differentiates. The
penalty adds $\frac{\lambda}{m} v$ off the bias columns.

The terms with $\delta^{(3)}$ and $e$ in them carry the *residuals*, how
far the outputs are from their targets. Dropping them leaves the
**Gauss-Newton** product $G v$: $G$ is never indefinite, which suits
conjugate gradients, and it approaches $H$ as the residuals shrink.
Martens' "Hessian-free" training [@martens2010] uses it; `--hessian gn`
here.

**The price.** Only two of those lines touch the image matrix:
$V^{(1)} A^{(1)}$ and $\mathcal{R}\{\delta^{(2)}\} A^{(1)T}$. So an
exact product costs two passes, the same as an evaluation. It also
needs the forward and backward values at $\theta$ itself. Those are
still in the workspace when the last evaluation was at $\theta$, which
is the usual case (the line search's last trial is the point it
accepts); when they are not, the trainer evaluates again, and that
costs two more passes and is counted.
*/

// R{z} = W R{a} + V a: the change of z = W a when the weights move
// along V (and a along R{a}; an empty ra for the inputs, which do not
// move). rz is (n_out, m), ra and a (n_in + 1, m), W and V
// (n_out, n_in + 1).
static void dense_rforward(matrix rz, matrix ra, matrix a, matrix W,
                           matrix V)
{
    mat_gemm(rz, 1.0, V, false, a, false, 0.0);
    if (ra.data)
        mat_gemm(rz, 1.0, W, false, ra, false, 1.0);
}

// R of dense_backward: R{dW} += R{dz} a^T + dz R{a}^T and, when rda has
// data, R{da} += W^T R{dz} + V^T dz. An empty dz drops the two terms
// with dz (the Gauss-Newton product); an empty ra drops dz R{a}^T.
static void dense_rbackward(matrix rda, matrix rdW, matrix rdz, matrix dz,
                            matrix ra, matrix a, matrix W, matrix V)
{
    mat_gemm(rdW, 1.0, rdz, false, a, true, 1.0);
    if (dz.data && ra.data)
        mat_gemm(rdW, 1.0, dz, false, ra, true, 1.0);
    if (rda.data) {
        mat_gemm(rda, 1.0, W, true, rdz, false, 1.0);
        if (dz.data)
            mat_gemm(rda, 1.0, V, true, dz, false, 1.0);
    }
}

// R{a} = a (1 - a) R{z}.
static void sigmoid_rforward(matrix ra, matrix rz, matrix a)
{
    for (size_t k = 0; k < mat_size(a); k++)
        ra.data[k] = a.data[k] * (1.0 - a.data[k]) * rz.data[k];
}

// R of sigmoid_backward: R{dz} += R{da} a (1 - a) + da (1 - 2a) R{a}.
// An empty da drops the second term (Gauss-Newton).
static void sigmoid_rbackward(matrix rdz, matrix rda, matrix da,
                              matrix ra, matrix a)
{
    for (size_t k = 0; k < mat_size(a); k++) {
        double s = a.data[k];
        rdz.data[k] += rda.data[k] * s * (1.0 - s);
        if (da.data)
            rdz.data[k] += da.data[k] * (1.0 - 2.0 * s) * ra.data[k];
    }
}

// R of cross_entropy_backward: R{dz} += h (1 - h) R{z} / m.
static void cross_entropy_rbackward(matrix rdz, matrix rz, matrix probs)
{
    for (size_t k = 0; k < mat_size(rdz); k++)
        rdz.data[k] += probs.data[k] * (1.0 - probs.data[k]) * rz.data[k]
                       / rdz.cols;
}

// hv = H v exactly (or G v, the Gauss-Newton matrix, if gauss_newton),
// from the network's activations at theta: call after forward and
// backprop at theta. hv and v are (count_params).
static void hessian_r(double *hv, network *net, const double *theta,
                      const double *v, const digit_set *set, double lambda,
                      bool gauss_newton)
{
    matrix Theta1, Theta2, V1, V2, H1, H2, none = {0};
    deserialize(&Theta1, &Theta2, theta, net->size);
    deserialize(&V1, &V2, v, net->size);
    deserialize(&H1, &H2, hv, net->size);
    memset(hv, 0, (size_t)count_params(net->size) * sizeof *hv);
    // forward: how z2, a2, z3 change along v
    images_forward(net->r_hidden_in, set, V1);        // V1 a1
    sigmoid_rforward(below_bias(net->r_hidden), net->r_hidden_in,
                     below_bias(net->hidden));
    dense_rforward(net->r_output_in, net->r_hidden, net->hidden, Theta2,
                   V2);
    // backward: how the deltas and so the gradient change along v
    mat_fill(net->r_d_output_in, 0.0);
    mat_fill(net->r_d_hidden, 0.0);
    mat_fill(net->r_d_hidden_in, 0.0);
    cross_entropy_rbackward(net->r_d_output_in, net->r_output_in,
                            net->probs);
    dense_rbackward(net->r_d_hidden, H2, net->r_d_output_in,
                    gauss_newton ? none : net->d_output_in, net->r_hidden,
                    net->hidden, Theta2, V2);
    sigmoid_rbackward(net->r_d_hidden_in, below_bias(net->r_d_hidden),
                      gauss_newton ? none : below_bias(net->d_hidden),
                      below_bias(net->r_hidden), below_bias(net->hidden));
    images_backward(H1, net->r_d_hidden_in, set);     // R{d2} a1^T
    // the penalty's Hessian is (lambda / m) I off the bias columns
    l2_backward(H1, V1, lambda, set->m);
    l2_backward(H2, V2, lambda, set->m);
}

// The exact (or Gauss-Newton) product for the optimizer: two passes,
// plus an evaluation when the network's activations are for another
// theta than this one.
static void hessian_exact(trainer *t, double *hv, const double *theta,
                          const double *v)
{
    if (memcmp(t->state_at, theta, (size_t)t->n * sizeof *theta) != 0)
        trainer_evaluate(t, t->grad_step, theta);
    hessian_r(hv, &t->net, theta, v, t->set, t->lambda,
              t->hessian == HESSIAN_GN);
    t->passes += 2;
}

// The exact product against central differences of the gradient on
// the small problem, along v_k = sin(k) / 10. Returns the relative
// difference.
static double hessian_check(double lambda, bool gauss_newton)
{
    small_problem p = small_problem_alloc();
    int n = count_params(p.size);
    double *v = nn_alloc((size_t)n, sizeof *v);
    double *hv = nn_alloc((size_t)n, sizeof *hv);
    double *numeric = nn_alloc((size_t)n, sizeof *numeric);
    double *plus = nn_alloc((size_t)n, sizeof *plus);
    double *theta = nn_alloc((size_t)n, sizeof *theta);
    const double e = 1e-4;
    for (int k = 0; k < n; k++)
        v[k] = sin(k + 1) / 10.0;
    for (int k = 0; k < n; k++)
        theta[k] = p.theta[k] + e * v[k];
    reg_gradient(plus, &p.net, theta, &p.set, lambda);
    for (int k = 0; k < n; k++)
        theta[k] = p.theta[k] - e * v[k];
    reg_gradient(numeric, &p.net, theta, &p.set, lambda);
    for (int k = 0; k < n; k++)
        numeric[k] = (plus[k] - numeric[k]) / (2.0 * e);
    reg_gradient(plus, &p.net, p.theta, &p.set, lambda);
    hessian_r(hv, &p.net, p.theta, v, &p.set, lambda, gauss_newton);
    double diff = relative_difference(n, numeric, hv);
    free(v), free(hv), free(numeric), free(plus), free(theta);
    small_problem_free(&p);
    return diff;
}

/**
Every run starts with these checks. Backpropagation agrees with the
central differences to about as many digits as those can have, and the
R-operator's Hessian product agrees with a central difference of
gradients just as well:

```{.output file="08-tnc-mnist" grep="check, lambda"}
```
*/

/**
```{.include file="chapters/08-tnc-mnist/tnc.c"}
```
*/

/**
## The trainer as an objective

Two small adapters make the `trainer` an `objective`, and `train` runs
one method from the initial weights with a fresh trainer, so every
method starts from the same weights with the same budget.
*/

static double model_value_and_gradient(void *model, double *grad,
                                       const double *x)
{
    return trainer_evaluate(model, grad, x);
}

static void model_hessian_times(void *model, double *hv, const double *x,
                                const double *grad, const double *v)
{
    trainer *t = model;
    if (t->hessian == HESSIAN_FD)
        hessian_fd(t, hv, x, grad, v);
    else
        hessian_exact(t, hv, x, v);
}

static void trainer_init(trainer *t, const digit_set *set,
                         layer_sizes size, double lambda,
                         hessian_kind hessian)
{
    memset(t, 0, sizeof *t);
    t->net = network_alloc(size, set->m);
    t->set = set;
    t->lambda = lambda;
    t->hessian = hessian;
    t->n = count_params(size);
    t->state_at = nn_alloc((size_t)t->n, sizeof(double));
    t->theta_step = nn_alloc((size_t)t->n, sizeof(double));
    t->grad_step = nn_alloc((size_t)t->n, sizeof(double));
    t->state_at[0] = NAN;                 // no activations yet
}

static void trainer_free(trainer *t)
{
    network_free(&t->net);
    free(t->state_at), free(t->theta_step), free(t->grad_step);
}

// The watcher, if any, sees every step.
static void model_on_step(void *model, const tnc_step *step)
{
    trainer *t = model;
    watch_step(t->watch, step);
}

static objective trainer_objective(trainer *t, int evals)
{
    return (objective){
        .n = t->n, .model = t,
        .value_and_gradient = model_value_and_gradient,
        .hessian_times = model_hessian_times,
        .passes = &t->passes, .max_passes = 2L * evals,
        .hessian_passes = t->hessian == HESSIAN_FD ? 2 : 4,
        .on_step = t->watch ? model_on_step : NULL};
}

/**
## Accuracy

The network's answer for an image is the digit whose output is largest,
the tutorial's `np.argmax(h, axis=1) + 1` (the `+ 1` for its labels 1 to
10); accuracy is the fraction of images answered correctly.
*/

// The digit the network finds most likely for each image, into
// predicted[set->m] (unless NULL); returns the fraction that match the
// labels.
static double accuracy(int *predicted, network *net, const double *theta,
                       const digit_set *set)
{
    forward(net, theta, set);
    int right = 0;
    for (int i = 0; i < set->m; i++) {
        int best = 0;
        for (int d = 1; d < net->size.n_out; d++)
            if (MAT_AT(net->probs, d, i) > MAT_AT(net->probs, best, i))
                best = d;
        if (predicted)
            predicted[i] = best;
        right += best == set->labels[i];
    }
    return (double)right / set->m;
}

/**
```{.include file="chapters/08-tnc-mnist/figures.c"}
```
*/

/**
## The program

`main` reads the flags, draws the initial weights, loads the digits,
runs the checks, compares the three kinds of Hessian product at the
initial weights, and then trains: first the method chosen by `--optimizer` and
`--hessian`, step by step; then, from the same start and with the same
budget, the other methods for comparison; and, with `--compare-scipy`
(the book's run), SciPy's TNC. A few helpers keep `main` short.
*/

typedef struct {
    const char *label;       // for the table and the figure
    bool newton;             // truncated Newton (else gradient descent)
    hessian_kind hessian;
    int max_cg;              // Hessian products per direction, at most
    run_result result;
    double train_acc, test_acc, seconds;
} method;

/**
```{.include file="chapters/08-tnc-mnist/report.c"}
```
*/

// One training run from theta0 with a fresh trainer; the trained
// weights are left in theta[count_params(size)]. With a watcher the
// run shows its progress.
static void train(method *m, double *theta, const double *theta0,
                  const digit_set *train_set, layer_sizes size,
                  double lambda, int evals, double rate, watcher *watch)
{
    trainer t;
    trainer_init(&t, train_set, size, lambda, m->hessian);
    t.watch = watch;
    objective obj = trainer_objective(&t, evals);
    memcpy(theta, theta0, (size_t)t.n * sizeof *theta);
    run_result_alloc(&m->result, obj.max_passes);
    if (watch) {
        progress_start(&watch->bar, m->label, evals);
        watch->label = m->label;
    }
    double start = nn_seconds();
    if (m->newton)
        tnc_minimize(&m->result, theta, &obj, m->max_cg);
    else
        gradient_descent(&m->result, theta, &obj, rate);
    m->seconds = nn_seconds() - start;
    if (watch)
        progress_end(&watch->bar);
    trainer_free(&t);
}

// The three products at theta along v = -gradient, against the exact
// one, and (unless --dense) the gradient through the ink lists against
// mat_gemm's. On stderr, the best of three timings of each.
static void compare_products(const digit_set *train_set, layer_sizes size,
                             double lambda, const double *theta)
{
    enum { TRIES = 3 };
    trainer t;
    trainer_init(&t, train_set, size, lambda, HESSIAN_FD);
    int n = t.n;
    double *g = nn_alloc((size_t)n, sizeof *g);
    double *v = nn_alloc((size_t)n, sizeof *v);
    double *fd = nn_alloc((size_t)n, sizeof *fd);
    double *exact = nn_alloc((size_t)n, sizeof *exact);
    double *gn = nn_alloc((size_t)n, sizeof *gn);
    double *plain_g = nn_alloc((size_t)n, sizeof *plain_g);
    double *spare = nn_alloc((size_t)n, sizeof *spare);
    double best[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
    printf("initial cost: %.6f\n", trainer_evaluate(&t, g, theta));
    for (int i = 0; i < n; i++)
        v[i] = -g[i];
    for (int k = 0; k < TRIES; k++) {
        double t0 = nn_seconds();
        trainer_evaluate(&t, g, theta);
        double t1 = nn_seconds();
        t.hessian = HESSIAN_EXACT;          // the state is at theta
        hessian_exact(&t, exact, theta, v);
        double t2 = nn_seconds();
        hessian_fd(&t, fd, theta, g, v);
        double t3 = nn_seconds();
        best[0] = fmin(best[0], t1 - t0);
        best[1] = fmin(best[1], t3 - t2);
        best[2] = fmin(best[2], t2 - t1);
    }
    trainer_evaluate(&t, g, theta);
    t.hessian = HESSIAN_GN;
    hessian_exact(&t, gn, theta, v);
    if (train_set->ink.by_col.start) {    // the lists against mat_gemm
        digit_set plain = *train_set;
        memset(&plain.ink, 0, sizeof plain.ink);
        trainer d;
        trainer_init(&d, &plain, size, lambda, HESSIAN_FD);
        trainer_evaluate(&d, plain_g, theta);
        mat_blas_threads(train_set->ink.threads);  // as many as the lists
        for (int k = 0; k < TRIES; k++) {
            double t0 = nn_seconds();
            trainer_evaluate(&d, spare, theta);
            best[3] = fmin(best[3], nn_seconds() - t0);
        }
        mat_blas_threads(1);
        printf("gradient through the ink lists against mat_gemm: "
               "relative difference %.2e\n",
               relative_difference(n, g, plain_g));
        trainer_free(&d);
    }
    printf("H v along -g, finite difference against exact: relative "
           "difference %.2e\n", relative_difference(n, fd, exact));
    printf("H v along -g, Gauss-Newton against exact: relative "
           "difference %.2e\n", relative_difference(n, gn, exact));
    fprintf(stderr, "time: one evaluation %.1f ms, finite-difference "
            "product %.1f ms, exact product %.1f ms\n", best[0] * 1e3,
            best[1] * 1e3, best[2] * 1e3);
    if (train_set->ink.by_col.start)
        fprintf(stderr, "time: one evaluation with mat_gemm %.1f ms (%d "
                "threads each)\n", best[3] * 1e3, train_set->ink.threads);
    free(g), free(v), free(fd), free(exact), free(gn), free(plain_g);
    free(spare);
    trainer_free(&t);
}

/**
At the initial weights, the gradient through the ink lists is the one
`mat_gemm` gives, to the last bits; the finite-difference Hessian
product and the exact one agree to about half the digits of a double,
as the choice of $h$ promised; and the Gauss-Newton product is visibly a
different matrix, since a random start fits nothing and the residuals
it drops are large:

```{.output file="08-tnc-mnist" from="initial cost" to="Gauss-Newton"}
```
*/

// The weights on the pixels that no training image inks, before and
// after: the largest of them in absolute value.
static void print_blank_pixels(const double *theta, const double *theta0,
                               const digit_set *set, layer_sizes size)
{
    matrix Theta1, Theta2, Start1, Start2;
    deserialize(&Theta1, &Theta2, theta, size);
    deserialize(&Start1, &Start2, theta0, size);
    double now = 0.0, before = 0.0;
    int blank = 0;
    for (int p = 1; p <= size.n_in; p++) {
        bool inked = false;
        for (int i = 0; i < set->m && !inked; i++)
            inked = MAT_AT(set->inputs, p, i) != 0.0;
        if (inked)
            continue;
        blank++;
        for (int h = 0; h < size.n_hidden; h++) {
            now = fmax(now, fabs(MAT_AT(Theta1, h, p)));
            before = fmax(before, fabs(MAT_AT(Start1, h, p)));
        }
    }
    if (blank == 0)
        printf("every pixel is inked in some training image\n");
    else
        printf("weights on the %d pixels no training image inks: "
               "largest |w| %.4f at the start, %.4f now\n", blank,
               before, now);
}

// Everything a training run needs, shared by the helpers of main.
typedef struct {
    digit_set train, test;
    layer_sizes size;
    int side, evals;
    double lambda, rate;
    double *theta0;          // (count_params(size)) the start
    network net_train;       // for the accuracy on each set
    network net_test;
    const cli_common *common;
    plotter *pl;
} experiment;

// The checks every run starts with (the area averaging on synthetic
// images, the derivatives on the course's small network) and the
// first and last of the initial weights.
static void print_checks(const double *theta0, int n, uint32_t seed)
{
    double scale[4];
    scaling_check(scale);
    printf("area averaging against averages known in advance, largest "
           "difference:\n  constant %.1e, left 7 columns %.1e, one pixel "
           "%.1e, 2x2 blocks %.1e\n", scale[0], scale[1], scale[2],
           scale[3]);
    printf("gradient check, lambda = 0: relative difference %.3e\n",
           gradient_check(0.0));
    printf("gradient check, lambda = 3: relative difference %.3e\n",
           gradient_check(3.0));
    printf("Hessian check, lambda = 3: relative difference %.3e\n",
           hessian_check(3.0, false));
    printf("initial weights: np.random.seed(%u); "
           "np.random.uniform(-0.5, 0.5, %d)\n  first %.17g %.17g, "
           "last %.17g\n", (unsigned)seed, n, theta0[0], theta0[1],
           theta0[n - 1]);
}

// A finished run's costs through cli_check_loss: CLI_CONTINUE, or 1
// after one line when the run diverged.
static int check_run(const experiment *e, const method *m)
{
    const run_result *r = &m->result;
    char where[64];
    for (int k = 0; k < r->n_trace; k++) {
        snprintf(where, sizeof where, "%s, step %d", m->label, k);
        int status = cli_check_loss(e->common, r->trace_cost[k],
                                    r->trace_cost[0], where,
                                    m->newton ? "lower --lambda"
                                              : "lower --lr");
        if (status != CLI_CONTINUE)
            return status;
    }
    return CLI_CONTINUE;
}

// Train one method, then its accuracies. The chosen method prints its
// iterations as it goes and draws live; the others show progress only.
static int run_method(experiment *e, method *m, double *theta,
                      int *predicted_test, bool chosen)
{
    int capacity = e->evals + 2;
    watcher w = {.table = chosen,
                 .live = chosen ? plot_live_begin(e->pl, "cost-live", 6,
                                                  4) : NULL,
                 .capacity = capacity,
                 .evals = nn_alloc((size_t)capacity, sizeof(double)),
                 .cost = nn_alloc((size_t)capacity, sizeof(double))};
    if (chosen)
        printf("\ntraining: %s\n", m->label);
    double cpu = (double)clock();
    train(m, theta, e->theta0, &e->train, e->size, e->lambda, e->evals,
          e->rate, &w);
    fprintf(stderr, "time: %s: %.3f s wall, %.3f s CPU\n", m->label,
            m->seconds, ((double)clock() - cpu) / CLOCKS_PER_SEC);
    plot_end(w.live);
    free(w.evals), free(w.cost);
    m->train_acc = accuracy(NULL, &e->net_train, theta, &e->train);
    m->test_acc = accuracy(predicted_test, &e->net_test, theta, &e->test);
    return check_run(e, m);
}

// What the chosen method learned: its result in minimize's words, the
// accuracies, the border weights, the confusion table and the figures.
static void report_chosen(experiment *e, const method *m,
                          const double *theta, const int *predicted)
{
    int counts[10][10];
    print_result(&m->result);
    printf("training accuracy: %.4f\n", m->train_acc);
    printf("test accuracy: %.4f\n", m->test_acc);
    print_blank_pixels(theta, e->theta0, &e->train, e->size);
    printf("\n");
    confusion_matrix(counts, &e->test, predicted);
    matrix Theta1, Theta2;
    deserialize(&Theta1, &Theta2, theta, e->size);
    draw_hidden_units(e->pl, Theta1, e->side);
    draw_predictions(e->pl, &e->test, predicted, e->side);
    draw_confusion(e->pl, (const int(*)[10])counts, e->test.m);
}

// The table of every method, and the figure of their costs.
static void report_methods(experiment *e, const method *methods,
                           int n_methods)
{
    printf("\nthe same start, the same budget of %d evaluations:\n",
           e->evals);
    printf("  %-33s %4s %5s %5s %9s %6s %6s\n", "method", "nit", "nfev",
           "H v", "cost", "train", "test");
    const char *names[8];
    run_result runs[8];
    for (int k = 0; k < n_methods && k < 8; k++) {
        const method *m = &methods[k];
        printf("  %-33s %4d %5g %5d %9.6f %6.4f %6.4f\n", m->label,
               m->result.nit, m->result.passes / 2.0, m->result.cg_steps,
               m->result.f, m->train_acc, m->test_acc);
        names[k] = m->label;
        runs[k] = m->result;
    }
    draw_costs(e->pl, runs, names, n_methods < 8 ? n_methods : 8,
               e->evals);
}

/**
```{.include file="chapters/08-tnc-mnist/scipy.c"}
```
*/

// SciPy's TNC on the same problem, beside the chapter's methods[0..k).
// CLI_CONTINUE, or 1 after one line on stderr when SciPy cannot run.
static int compare_with_scipy(const experiment *e, const method *methods,
                              int n_methods)
{
    scipy_result r;
    if (scipy_tnc(&r, &e->train, &e->test, e->size.n_hidden,
                  e->size.n_out, e->evals, e->lambda, e->theta0,
                  e->common->program) != 0)
        return 1;
    printf("\nSciPy %s, method='TNC', jac=True, maxfun %d, CG cap %g:"
           "\n", r.version, e->evals, r.max_cg);
    printf("  cost at the start: %.6f (this chapter's: %.6f)\n", r.start,
           methods[0].result.trace_cost[0]);
    printf("  %-33s %4s %5s %9s %6s %6s\n", "method", "nit", "nfev",
           "cost", "train", "test");
    printf("  %-33s %4g %5g %9.6f %6.4f %6.4f\n", "SciPy's TNC", r.nit,
           r.nfev, r.f, r.train_acc, r.test_acc);
    for (int k = 0; k < n_methods; k++)
        printf("  %-33s %4d %5g %9.6f %6.4f %6.4f\n", methods[k].label,
               methods[k].result.nit, methods[k].result.passes / 2.0,
               methods[k].result.f, methods[k].train_acc,
               methods[k].test_acc);
    fprintf(stderr, "time: SciPy's TNC: %.3f s wall, %.3f s CPU\n",
            r.wall, r.cpu);
    return CLI_CONTINUE;
}

/**
```{.include file="chapters/08-tnc-mnist/flags.c"}
```
*/

int main(int argc, char **argv)
{
    settings s;
    cli_common common;
    int status = parse_flags(&s, &common, argc, argv);
    if (status != CLI_CONTINUE)
        return status;
    plotter pl;             // --plot and --out checked before any work
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;
    experiment e = {.size = {s.side * s.side, s.hidden, 10},
                    .side = s.side, .evals = s.evals, .lambda = s.lambda,
                    .rate = s.rate, .common = &common, .pl = &pl};
    int n = count_params(e.size);
    rng r;                  // the tutorial's start: uniform(-0.5, 0.5)
    rng_seed(&r, common.seed);
    e.theta0 = nn_alloc((size_t)n, sizeof *e.theta0);
    rng_fill_uniform(&r, e.theta0, (size_t)n, -0.5, 0.5);
    if (!s.checks_only)
        status = load_digits(&e.train, &e.test, s.data, s.n_train,
                             common.quick ? 1000 : 10000, s.side, s.hidden,
                             &common);
    if (status != CLI_CONTINUE) {
        free(e.theta0);
        return status;
    }
    if (!s.dense && !s.checks_only) {
        ink_build(&e.train.ink, e.train.inputs, s.hidden, s.threads);
        ink_build(&e.test.ink, e.test.inputs, s.hidden, s.threads);
        mat_blas_threads(1);    // small products: BLAS threads would
                                // only compete with the lists' threads
        printf("inked inputs: %.1f%% of the training images' inputs\n",
               100.0 * ink_density(&e.train.ink));
        if (e.train.ink.table)                  // ink.c: 4-byte entries
            printf("ink lists: packed, %d distinct values\n",
                   e.train.ink.n_table);
        else
            printf("ink lists: wide\n");
    }
    printf("network %d-%d-%d: %d weights; lambda = %g; budget %d "
           "evaluations\n", e.size.n_in, s.hidden, 10, n, s.lambda,
           s.evals);
    print_checks(e.theta0, n, common.seed);
    if (s.checks_only) {
        free(e.theta0);
        return plot_close(&pl) == 0 ? 0 : 1;
    }
    draw_network(&pl, e.size.n_in, s.hidden, 10, s.side);
    e.net_train = network_alloc(e.size, e.train.m);
    e.net_test = network_alloc(e.size, e.test.m);
    compare_products(&e.train, e.size, s.lambda, e.theta0);

    enum { METHODS = 5 };
    method methods[METHODS] = {
        {.label = "truncated Newton, fd products", .newton = true,
         .hessian = HESSIAN_FD, .max_cg = s.max_cg},
        {.label = "truncated Newton, exact products", .newton = true,
         .hessian = HESSIAN_EXACT, .max_cg = s.max_cg},
        {.label = "truncated Newton, Gauss-Newton", .newton = true,
         .hessian = HESSIAN_GN, .max_cg = s.max_cg},
        {.label = "fd products, at most 50 CG steps", .newton = true,
         .hessian = HESSIAN_FD, .max_cg = 50},
        {.label = "gradient descent", .newton = false},
    };
    int chosen = strcmp(s.optimizer, "gd") == 0 ? 4
                 : strcmp(s.hessian, "fd") == 0 ? 0
                 : strcmp(s.hessian, "gn") == 0 ? 2 : 1;
    int *predicted = nn_alloc((size_t)e.test.m, sizeof *predicted);
    double *theta = nn_alloc((size_t)n, sizeof *theta);
    for (int k = 0; k < METHODS && status == CLI_CONTINUE; k++) {
        method *m = &methods[(chosen + k) % METHODS];  // chosen first
        if (k > 0 && s.no_compare)
            break;
        status = run_method(&e, m, theta, predicted, k == 0);
        if (k == 0 && status == CLI_CONTINUE)
            report_chosen(&e, m, theta, predicted);
    }
    if (status == CLI_CONTINUE && !s.no_compare)
        report_methods(&e, methods, METHODS);
    if (status == CLI_CONTINUE && s.scipy)      // against the TNC runs
        status = compare_with_scipy(&e, s.no_compare ? &methods[chosen]
                                                     : methods,
                                    s.no_compare ? 1 : METHODS - 1);
    if (plot_close(&pl) != 0 && status == CLI_CONTINUE)
        status = 1;
    for (int k = 0; k < METHODS; k++)
        run_result_free(&methods[k].result);
    free(predicted), free(theta), free(e.theta0);
    network_free(&e.net_train), network_free(&e.net_test);
    free_digits(&e.train), free_digits(&e.test);
    return status == CLI_CONTINUE ? 0 : status;
}

/**
## What it printed

The data, the checks, the initial weights and the comparison of the
products appear above, beside the code that prints them. The network
and its budget:

```{.output file="08-tnc-mnist" grep="weights; lambda"}
```

Then the run itself, with exact Hessian products (TNC's
finite-difference ones come in the comparison further on): one line
per outer iteration, with the evaluations spent so far, the cost, the
size of the gradient, the number of conjugate-gradient steps (Hessian
products) that found the direction and what stopped them (negative or
vanishing curvature, Nash's test, the cap, the budget); then the
summary in `minimize`'s words, the accuracies on the 5,000 training
digits and on the 10,000 test digits, and the largest weight on a pixel
that is blank in every training image:

```{.output file="08-tnc-mnist" from="training:" to="no training image"}
```

The first directions take a few conjugate-gradient steps and the cost
falls fast. Far from a fit the Hessian is indefinite, and the inner
loop soon meets a direction of negative curvature and stops there.
Later most directions use all ten steps, and an outer iteration costs
eleven evaluations or a little more: ten Hessian products and the line
search's trial steps, mostly just one, because the Newton step of
length 1 is good. Most of the budget goes into Hessian products, and
the outer iterations are few: that is what `maxiter: 300` really
bought in the tutorial.

![What the 25 hidden units look for: each unit's weights on the 400
pixels of a 20x20 digit, on one colour scale for all units: red
positive, blue negative, white zero.](figures/08-tnc-mnist/hidden-units)

The hidden units show one thing clearly: the border is white. No
training image has ink there, so those weights feel nothing but the
penalty, whose curvature is exactly $\lambda / m$ in every such
direction. That is a quadratic, and Newton's method minimises a
quadratic in one step, so truncated Newton sends those weights to
nearly zero (the last line above). Gradient descent multiplies them by
$1 - \alpha\lambda/m$ per step and leaves them far from zero (exercise
3 counts the steps it would need). In the middle, where the digits are,
each unit has grown fine-grained patterns of both signs, templates for
the pieces of digits it adds up; $\lambda = 1$ over 5,000 images
restrains them only a little.

![Test digits and the network's answers: the first 30 of MNIST's test
set, then the first ten mistakes after them. A mistake is in red: the
answer and, in brackets, the label.](figures/08-tnc-mnist/predictions)

![The confusion matrix of the 10,000 test digits: each row a label,
each column the network's answer, the count written in each cell and
its colour on a log scale, so that the small counts off the diagonal
show.](figures/08-tnc-mnist/confusion)

```{.output file="08-tnc-mnist" from="confusion" to="9:"}
```

Most mistakes are the ones a person would expect: 4s and 9s taken for
each other, 3s and 5s likewise, 7s read as 9s.

## The methods side by side

Every method started from the same weights and had the same 300
evaluations ("nfev"; "H v" counts the Hessian products among them):

```{.output file="08-tnc-mnist" from="the same start" to="gradient descent"}
```

![The cost on the training images after each outer iteration (after
each step for gradient descent), against the evaluations spent so far.
The finite-difference run is the wide pale band: the exact run lies
almost on top of it.](figures/08-tnc-mnist/cost-vs-evaluations)

Gradient descent's first step overshoots, so its cost rises before it
falls (the spike at the left of the figure); for a few evaluations
after that it stays near the truncated-Newton runs, and then it crawls:
one step size has to suit the most curved direction, and along the
flat ones it then barely moves. The truncated-Newton runs measure
the curvature and take long steps where it is small.

Among the three kinds of product, finite differences and the exact
product end up close together: the exact product's extra digits hardly
matter when the inner loop stops long before the Newton equations are
solved to half the digits anyway, and both cost the same two passes.
Gauss-Newton leads for the first part of the budget: $G$ has no
directions of negative curvature, so its conjugate gradients are not
stopped by one as the other runs' are in their first iterations (run
`--hessian gn --no-compare` to see what stops them instead), and far
from a fit that is worth more than accuracy. Later, with smaller
residuals, the exact curvature is the better model and the other two
catch up and pass it. The run with TNC's cap of 50 products per
direction takes fewer, longer outer iterations for the same budget;
compare its cost and its test accuracy with the capped runs' in the
table.

What the pieces cost, timed in the book's run at the initial weights
(the best of three tries; times vary with the machine and its load):

```{.output file="08-tnc-mnist" stream="stderr" grep="time: one"}
```

A finite-difference product and an exact product each cost about as
much as an evaluation, as the count of passes says. The second line is
the same evaluation through `mat_gemm`, zeros and all.

## Against SciPy

What does the tutorial's own code minimize? It defines a regularized
cost (`reg_cost`) and its gradient (`reg_gradint`), but it hands
`minimize` the plain ones, `fun=cost, jac=gradient`: the network it
trains minimizes the cross-entropy alone. Its `reg_cost` would not have
served anyway: it reads the global `theta1` and `theta2`, the course's
trained weights loaded near the top of the program, instead of the
vector it is given, so its penalty is the same constant at every point.
This chapter minimizes the regularized cost, $\lambda = 1$ as in the
course's exercise; `--lambda 0` minimizes what the tutorial's code did.

The book's run adds `--compare-scipy`: SciPy's TNC on the same images,
from the same weights, on the same regularized cost, with the same
budget and its own defaults (a cap of 50 conjugate-gradient steps).
Its starting cost, computed by NumPy, must be the chapter's, and it is;
then its result beside the chapter's truncated-Newton runs:

```{.output file="08-tnc-mnist" from="SciPy" to="at most 50 CG steps"}
```

The two optimizers follow the same plan but do not visit the same
points: the section [Where this is not SciPy's TNC](#ch8-tnc-scipy) lists
the differences, the rescaling of variables and cost above all. On
this budget SciPy's run makes fewer outer iterations than any of the
chapter's truncated-Newton runs in the table, the one with the same cap
of 50 and the same finite-difference products included, and ends at a
higher cost and a lower test accuracy than all four. (SciPy's
count includes one evaluation past the budget: after TNC returns,
`minimize` evaluates the cost once more at the final weights, because
TNC's own last value can be slightly off after its rescaling.) Their
times, SciPy's for `minimize` alone and the chapter's for each training
run (CPU time can exceed the
wall-clock time when the ink lists' threads keep every core busy, and
falls short of it when other programs share the machine):

```{.output file="08-tnc-mnist" stream="stderr" grep="s wall"}
```

Both spent about the same number of evaluations, so the times compare
the price of an evaluation too, and the C program's is lower: NumPy
multiplies every zero pixel, where the ink lists skip them (the
`mat_gemm` line above shows what the zeros cost the C program itself),
and it makes new arrays on the way (`np.insert` copies the hidden
values to put the bias column in front).
SciPy's Hessian products are finite differences, a whole evaluation
each, like the chapter's fd runs; an exact product reuses the
activations it has. `bench/tnc-mnist.sh` times the two like for like:
finite-difference products with a cap of 50 on both sides, several
runs in turns, each side in the configuration its best user would
pick: SciPy with NumPy's BLAS at its default threads or on one, the C
program with the ink lists on one thread per core (the default, the
shorter wait when a core is free) and on one (`--threads 1`, the
smaller CPU bill: a second thread also spends time waking up and
waiting).

## Summary

- The tutorial's problem, rebuilt from MNIST: the first 500 of each
  digit, area-averaged from 28x28 to 20x20, a 400-25-10 sigmoid network
  with 10,285 weights drawn as NumPy draws them.
- Backpropagation and Pearlmutter's R-operator give the gradient and
  exact Hessian-vector products, each checked against differences.
- Truncated Newton (`tnc.c`): preconditioned conjugate gradients
  stopped by Nash's test, a line search, a budget of evaluations.
- On the same budget it leaves gradient descent far behind, and it
  holds its own beside SciPy's TNC on the very same problem.
- Skipping blank pixels makes the products fast
  ([appendix](#app-ink)).
*/

/**
## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-08 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-08`
checks them all). Give a number you found as `ANSWER=`.

1. Run `build/bin/08-tnc-mnist --evals 100` and `--evals 1000`
   (`--no-compare` skips the other methods, which take most of the
   time). How do the cost and the training and test accuracies move?
   At which budget does more training stop helping the test accuracy?
2. Try `--lambda 0` (the cost the tutorial's code minimized) and
   `--lambda 10`, and look at the hidden units each time (`--plot
   window`). What does the penalty do to the weights in the middle of
   the image, and to the gap between the training and the test
   accuracy?
3. Compare the border weights after `--optimizer gd` with those after
   truncated Newton (the line "no training image inks"). No training
   image inks those pixels, so only the penalty moves their weights:
   why does every step of gradient descent multiply them by exactly
   $1 - \alpha\lambda/m$? How many steps does it need to bring them as
   low as truncated Newton does? Work it out for a smaller run,
   `--train 500 --evals 100` ($m = 500$, $\alpha = 3$), then try your
   count $N$: gradient descent with `--train 500 --evals` $N + 1$ takes
   $N$ steps (the first evaluation is at the start). Goal: $N$ to
   within 5%, a count after which the largest border weight is no
   larger than truncated Newton's, where 5% fewer steps leave it
   larger. How many steps would the default run's 5,000 images need?
   (check: `make check-08 EXERCISE=3 ANSWER=<steps>`)
4. Try `--max-cg 3`, `--max-cg 30` and `--max-cg 50`. How do the number
   of outer iterations and the final cost change? Where is the best
   value, and does it stay there with `--evals 1000`?
5. Switch the preconditioner off: add a flag `--no-precondition` with
   which `preconditioner_solve` copies $r$ and `preconditioner_learn`
   does nothing (a field of `preconditioner`, set by `tnc_minimize`
   from an argument that `train` passes on, is one way). Goal: in
   `--quick --no-compare` the first outer iteration is the same with
   the flag as without it, since the learned preconditioner starts as
   the identity, and the later ones change. How much higher does the
   final cost end without the preconditioner, with the default budget?
   Does the gap close with `--evals 1000`?
   (check: `make check-08 EXERCISE=5`)
6. Run `--optimizer gd --no-compare` with `--lr 1`, `2`, `4` and `6`.
   Which step size gets lowest, and what does the largest do to the
   cost (a run without `--no-compare` draws it)? Then give gradient
   descent a line search: a method that steps along $-g$ and lets
   `line_search` choose the length, starting from the last step's.
   Does steepest descent with good step lengths catch up with
   truncated Newton, or even with the fixed step? Count the
   evaluations per step, and think of the border weights of
   exercise 3.
7. Train on Fashion-MNIST with `--data fashion` (its labels 0 to 9 are
   T-shirt, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag
   and ankle boot). Which classes does the confusion matrix mix up,
   and what do the hidden units look for now?
8. (Harder) Ten sigmoid outputs answer ten separate yes-or-no
   questions; a softmax, $h_k = e^{z_k} / \sum_j e^{z_j}$, turns the
   ten answers into one distribution over the digits, as in chapter 6.
   Give the network softmax outputs: in `forward`, in
   `cross_entropy_forward` (per image,
   $\log \sum_k e^{z_k} - \sum_k y_k z_k$; subtract the largest $z_k$
   before `exp`) and in `cross_entropy_rbackward`, where
   $\mathcal{R}\{h\}$ is no longer $h(1 - h)\,\mathcal{R}\{z\}$, since
   every $h_k$ depends on every $z_j$. Why can `cross_entropy_backward`
   stay as it is? Say `softmax outputs` in the `network` line (the
   check reads it). Goal: both gradient checks and the Hessian check
   below $10^{-9}$, the finite-difference product within $10^{-5}$ of
   the exact one, and at least 0.85 of the training images right in
   `--quick`. Does the softmax help the test accuracy at the default
   budget?
   (check: `make check-08 EXERCISE=8`)
9. Run `--size 28` (MNIST's own resolution: 784 inputs, 19,885
   weights) and `--size 14`, with `--no-compare`. Does the test accuracy
   follow the number of pixels? Compare the time per evaluation in the
   first `time:` line: what does it grow with? Then shrink the images
   by picking the nearest old pixel instead of averaging (a change to
   `take_digits`), and look at the test digits the program draws: what
   happens to thin strokes?
*/
