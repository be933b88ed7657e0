/**
# LeNet-5: convolutions on real digits {#ch-lenet5}

The tutorial this book follows ends with two short Keras programs that
read handwritten digits. The first is a dense network: the 784 pixels of
a digit go in, three hidden layers of 256 ReLU units follow, and ten
softmax outputs come out; trained with plain stochastic gradient descent
on the full MNIST set, the tutorial reports about 96% of the test digits
right. The second is LeNet-5, Yann LeCun's convolutional network of 1998
in its modern dress (ReLU units, average pooling), for which it reports
about 98%. Each model is a dozen
lines of Keras; here is LeNet-5:

```python
model.add(Conv2D(filters=6, kernel_size=(5, 5), activation='relu',
                 input_shape=(28, 28, 1)))
model.add(AveragePooling2D(pool_size=(2, 2)))
model.add(Conv2D(filters=16, kernel_size=(5, 5), activation='relu'))
model.add(AveragePooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(units=120, activation='relu'))
model.add(Dense(units=84, activation='relu'))
model.add(Dense(units=10, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.05))
model.fit(X_train, Y_train, epochs=50, batch_size=1024)
```

This chapter builds both networks in C, one layer at a time. Every layer
is a pair of functions: a *forward* function that computes it and a
*backward* function that carries the gradient of the loss back through
it. The mathematics sits beside the code, and a gradient check proves
each pair right. Then we make the training fast, and measure it: the
benchmark in `bench/` trains the same networks with PyTorch on the same
processor cores and compares time, memory, and how close each comes to
what the machine can do at all.

```{.run chapter="09-lenet5"}
```

The program is long for this book, but every part of it has one job.
Here is the plan: digits, numbers, one matrix product, the layers, the
convolution and how to make it fast, networks as lists of layers, a
gradient check, two cores, the optimizer, the training loop, saving the
weights, and the figures.
*/
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idx.h"
#include "nn.h"

#ifdef NN_USE_CBLAS
#include <cblas.h>
#endif
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

// GCC at -O2 vectorizes only the loops it can prove need no leftover
// iterations; let it weigh the cost of each loop instead, as -O3 does.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("vect-cost-model=dynamic")
#endif

/**
## The digits

MNIST is 70,000 handwritten digits, each a $28 \times 28$ grey image
with a label from 0 to 9; the tutorial loads it with one Keras call. The
book's repository carries the first 10,000 of MNIST's training digits
(the full set cannot be downloaded where this book is built), and the
toolkit's IDX reader (`common/idx.h`) loads them, checking every size
the file claims. They come without separate test files, so we set 2,000
of them aside for testing and train on the other 8,000.

Fashion-MNIST (`--data fashion`) has the same shape, $28 \times 28$
greys with ten labels, but shows clothes: T-shirts, trousers, pullovers,
dresses, coats, sandals, shirts, sneakers, bags and ankle boots. It was
made by Zalando Research as a harder drop-in for MNIST and comes with
60,000 training and 10,000 test images. Any directory holding IDX files
with the standard names works too (`--data DIR`), full MNIST included.

The repository's 10,000 digits come sorted by digit, all the zeros
first (the package they were converted from keeps one list per digit),
so the split must not simply cut off the end. We hold out every fifth
image, numbers 4, 9, 14, ...: 2,000 test digits with the same mix of
classes as the 8,000 we train on, and the same ones every time, whatever
the seed. Training shuffles its images anyway.

The pixels stay bytes in memory. Turned into floats up front, Fashion's
training set alone would take 188 MB; as bytes it takes 47 MB, and each
image becomes numbers in $[0, 1]$ (the byte divided by 255, as the
tutorial does) only when a batch needs it.
*/

typedef struct {
    const char *name;                 // "mnist", "fashion" or a path
    int n_train, n_test;              // images in each part
    int rows, cols;                   // 28 x 28
    const unsigned char *train_x;     // (n_train, rows * cols), 0..255
    const unsigned char *train_y;     // (n_train), 0..9
    const unsigned char *test_x;      // (n_test, rows * cols)
    const unsigned char *test_y;      // (n_test)
    bool held_out;                    // test = every 5th training image
    idx_dataset files;                // owns the bytes read
    unsigned char *own[4];            // owns copies made for splits
} digits;

// Copy the images i of x, y (n of them) with i % every == pick (or, with
// pick < 0, i % every != -pick - 1) into new arrays; returns how many.
static int take(unsigned char **x_out, unsigned char **y_out,
                const unsigned char *x, const unsigned char *y, int n,
                int every, int pick)
{
    int count = 0;
    *x_out = nn_alloc((size_t)n * 28 * 28 + 1, 1);
    *y_out = nn_alloc((size_t)n + 1, 1);
    for (int i = 0; i < n; i++) {
        bool wanted = pick >= 0 ? i % every == pick
                                : i % every != -pick - 1;
        if (!wanted)
            continue;
        memcpy(*x_out + (size_t)count * 28 * 28, x + (size_t)i * 28 * 28,
               28 * 28);
        (*y_out)[count++] = y[i];
    }
    return count;
}

static void digits_free(digits *d)
{
    for (int i = 0; i < 4; i++)
        free(d->own[i]);
    idx_free_dataset(&d->files);
}

// Load a data set; with --quick a quarter of MNIST, less of larger sets
// (every k-th image, so that all classes stay). 0, or -1 with err.
static int digits_load(digits *d, const char *name, bool quick, char *err,
                       size_t err_size)
{
    memset(d, 0, sizeof *d);
    if (idx_load_dataset(&d->files, name, err, err_size) != 0)
        return -1;
    const idx_images *train = &d->files.train_images;
    d->name = name;
    d->rows = train->rows;
    d->cols = train->cols;
    if (d->rows != 28 || d->cols != 28) {
        snprintf(err, err_size, "%s: images are %dx%d; this chapter's "
                 "networks take 28x28", name, d->rows, d->cols);
        digits_free(d);
        return -1;
    }
    d->train_x = train->pixels;
    d->train_y = d->files.train_labels.labels;
    d->n_train = train->count;
    if (d->files.has_test) {
        d->test_x = d->files.test_images.pixels;
        d->test_y = d->files.test_labels.labels;
        d->n_test = d->files.test_images.count;
    } else {                          // hold out every fifth image
        const unsigned char *x = d->train_x, *y = d->train_y;
        int n = d->n_train;
        d->held_out = true;
        d->n_test = take(&d->own[0], &d->own[1], x, y, n, 5, 4);
        d->n_train = take(&d->own[2], &d->own[3], x, y, n, 5, -5);
        d->test_x = d->own[0], d->test_y = d->own[1];
        d->train_x = d->own[2], d->train_y = d->own[3];
    }
    if (d->n_train < 1 || d->n_test < 1) {
        snprintf(err, err_size, "%s: too few images to train and test",
                 name);
        digits_free(d);
        return -1;
    }
    if (quick) {                      // every k-th: 2000 + 500 at most
        int k_train = (d->n_train + 1999) / 2000;
        int k_test = (d->n_test + 499) / 500;
        unsigned char *x, *y;
        d->n_train = take(&x, &y, d->train_x, d->train_y, d->n_train,
                          k_train, 0);
        free(d->own[2]), free(d->own[3]);
        d->own[2] = x, d->own[3] = y;
        d->train_x = x, d->train_y = y;
        d->n_test = take(&x, &y, d->test_x, d->test_y, d->n_test, k_test,
                         0);
        free(d->own[0]), free(d->own[1]);
        d->own[0] = x, d->own[1] = y;
        d->test_x = x, d->test_y = y;
    }
    return 0;
}

/**
## Single precision

Every number in the networks is a `float`: 32 bits, about seven
significant digits. The chapters before used `double` (64 bits, sixteen
digits), and for their small problems the difference did not matter.
Here it does, twice over. A vector instruction holds twice as many
floats as doubles, so every multiply-add loop does twice the work per
instruction; and an array of floats is half the size, so twice as much
of it fits in the processor's caches, and memory delivers it twice as
fast. Training loses nothing by it: stochastic gradient descent follows
a gradient that is uncertain in its first or second digit, because each
batch is a random sample of the data, and a rounding error in the
seventh digit is lost in that noise. Every deep-learning framework
trains in single precision (or less) for the same reasons.

The type is named `real` and chosen in one place, so the same source can
be built in double precision as well. The tests do exactly that, because
checking gradients needs the digits that float does not have (see
*Checking the gradients* below).

One more detail of floating point matters for speed. Numbers below
$2^{-126}$, about $10^{-38}$, are *denormal*: the exponent has run out
and the leading digits are zero. Many processors handle them in slow
microcode, tens of times slower than a normal multiply, and a network's
gradients and momentum buffers can decay into that range. We tell the
processor to *flush* them: to treat denormal inputs as zero and to
round denormal results to zero. For a network, $10^{-38}$ is zero
anyway. The setting lives in a register of each thread (MXCSR on x86),
so every thread sets it for itself.

The compiler can use vector instructions for our own simple loops too,
those that walk along arrays, such as ReLU's. GCC does so at `-O2`, the
book's setting, only for loops that it can prove have no leftover
iterations at the end; the `#pragma` near the top of the program lets
it weigh each loop's cost instead, as it does at `-O3`.
*/

#ifdef NN09_DOUBLE
typedef double real;
#define REAL_NAME "double"
#else
typedef float real;
#define REAL_NAME "float"
#endif

// Denormals to zero, in this thread: FTZ (bit 15) and DAZ (bit 6).
static void flush_denormals(void)
{
#if defined(__SSE__) || defined(__x86_64__)
    _mm_setcsr(_mm_getcsr() | 0x8040);
#endif
}

/**
## One matrix product

Almost all the arithmetic of both networks is matrix products, so we
write exactly one and make it fast. `gemm` is BLAS's name for it
("general matrix multiply"): $C \leftarrow \alpha\, \mathrm{op}(A)\,
\mathrm{op}(B) + \beta C$, where $\mathrm{op}$ transposes its operand or
not. The plain loop is the definition: entry $(i, j)$ of the product is
the dot product of row $i$ of $A$ with column $j$ of $B$.

The fast path hands the same product to OpenBLAS's `sgemm` (`dgemm` in
double). It computes the same sums, only in a different order: it cuts
the matrices into blocks that fit the caches, copies each block into the
order its vector kernel likes, and keeps a small tile of $C$ in
registers while it streams through $A$ and $B$. A good `sgemm` reaches
most of the processor's peak rate, and no loop we could write in a page
would come close (the appendix [Making it fast](#app-fast) walks from
the plain loop towards it); `--peak` measures that rate on your
machine. The flag `--naive` switches the fast paths off, to see what
they buy.
*/

// --naive: the plain loops everywhere (matrix product and convolution).
static bool plain_gemm = false, plain_conv = false;

// C = alpha op(A) op(B) + beta C, row-major, op(X) = X or X^T.
// C is (m, n), op(A) is (m, k), op(B) is (k, n).
static void gemm_loops(real *C, const real *A, bool transpose_a,
                       const real *B, bool transpose_b, real alpha,
                       real beta, int m, int n, int k)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            real sum = 0;                       // sum_p A(i,p) B(p,j)
            for (int p = 0; p < k; p++) {
                real a = transpose_a ? A[(size_t)p * m + i]
                                     : A[(size_t)i * k + p];
                real b = transpose_b ? B[(size_t)j * k + p]
                                     : B[(size_t)p * n + j];
                sum += a * b;
            }
            real *c = &C[(size_t)i * n + j];
            *c = alpha * sum + (beta != 0 ? beta * *c : 0);
        }
}

// The same product by OpenBLAS, unless --naive (or built without BLAS).
static void gemm(real *C, const real *A, bool transpose_a, const real *B,
                 bool transpose_b, real alpha, real beta, int m, int n,
                 int k)
{
#ifdef NN_USE_CBLAS
    if (!plain_gemm) {
#ifdef NN09_DOUBLE
        cblas_dgemm(
#else
        cblas_sgemm(
#endif
            CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans,
            transpose_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, A,
            transpose_a ? m : k, B, transpose_b ? k : n, beta, C, n);
        return;
    }
#endif
    gemm_loops(C, A, transpose_a, B, transpose_b, alpha, beta, m, n, k);
}

/**
## Layers, forward and backward

A network is a chain of layers $x \to y = f(x; \theta)$, and training
needs, for each layer, two things from the gradient $\partial L /
\partial y$ of the loss with respect to its output: the gradient with
respect to its parameters $\theta$ (to update them) and with respect to
its input $x$ (to hand on to the layer before). Each layer below is a
forward function and a backward function with a fixed argument order,
borrowed from Andrej Karpathy's `llm.c`: outputs first, then inputs,
then parameters, sizes last. Backward functions *add* into the
gradients, and the caller zeroes them; a gradient pointer that is NULL
is not wanted and not computed. A comment gives each array's shape, with
$n$ the number of images.

**Dense.** Every output unit is a weighted sum of all inputs plus a
bias, $y = x W + b$, for a whole batch at once: row $i$ of $x$ is image
$i$. The chain rule through a matrix product gives the three gradients
($\delta y$ is $\partial L / \partial y$):

$$\delta W = x^{\mathsf T} \delta y, \qquad
  \delta b = \textstyle\sum_i \delta y_i, \qquad
  \delta x = \delta y\, W^{\mathsf T} .$$

Forward and backward, the layer is three calls of `gemm` and two
short loops for the bias.
*/

// y[i][j] += b[j], a bias added to every row. y is (n, m), b is (m).
static void add_bias(real *y, const real *b, int n, int m)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            y[(size_t)i * m + j] += b[j];
}

// db[j] += sum_i dy[i][j]. db is (m), dy is (n, m).
static void sum_rows(real *db, const real *dy, int n, int m)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            db[j] += dy[(size_t)i * m + j];
}

// y = x W + b.
// y is (n, n_out), x is (n, n_in), W is (n_in, n_out), b is (n_out).
static void dense_forward(real *y, const real *x, const real *W,
                          const real *b, int n, int n_in, int n_out)
{
    gemm(y, x, false, W, false, 1, 0, n, n_out, n_in);     // y = x W
    add_bias(y, b, n, n_out);                              // y += b
}

// dW += x^T dy, db += sum_i dy_i, dx += dy W^T (dx may be NULL).
static void dense_backward(real *dx, real *dW, real *db, const real *dy,
                           const real *x, const real *W, int n, int n_in,
                           int n_out)
{
    gemm(dW, x, true, dy, false, 1, 1, n_in, n_out, n);
    sum_rows(db, dy, n, n_out);
    if (dx)
        gemm(dx, dy, false, W, true, 1, 1, n, n_in, n_out);
}

/**
**ReLU.** The rectified linear unit passes positive numbers and stops
negative ones, $y = \max(0, x)$. Its slope is 1 where the unit is on and
0 where it is off, so the gradient flows back unchanged through the
units that fired and not at all through the others.
*/

// y = max(0, x). y and x are (count).
static void relu_forward(real *y, const real *x, size_t count)
{
    for (size_t i = 0; i < count; i++)
        y[i] = x[i] > 0 ? x[i] : 0;
}

// dx += dy where the unit was on (y > 0). dx, dy, y are (count).
static void relu_backward(real *dx, const real *dy, const real *y,
                          size_t count)
{
    for (size_t i = 0; i < count; i++) {
        real g = dy[i];
        dx[i] += y[i] > 0 ? g : 0;
    }
}

/**
**Softmax and cross-entropy.** The last layer's ten numbers $z$ (the
*logits*) become probabilities by the softmax $p_k = e^{z_k} / \sum_j
e^{z_j}$, and the loss of an image with label $t$ is the cross-entropy
$-\log p_t$: zero when the network is sure and right, large when it is
sure and wrong. The loss of a batch is the mean over its $B$ images, as
Keras's `categorical_crossentropy` takes it. Written through the
logits, $-\log p_t = \log \sum_j e^{z_j} - z_t$; we subtract the largest
logit before exponentiating so that `exp` never overflows.

The two are a pair because their combined gradient is so simple: $\partial
(-\log p_t) / \partial z_k = p_k - [k = t]$, where $[k = t]$ is 1 for
the true class and 0 for the others (and the batch mean brings a factor
$1/B$). The network is pushed to raise the right class's probability
and lower every other one, each in proportion to how wrong it is.
*/

// probs = softmax(logits), row by row; returns sum_i -log probs[i][t_i].
// probs and logits are (n, k), labels is (n).
static double softmax_xent_forward(real *probs, const real *logits,
                                   const unsigned char *labels, int n,
                                   int k)
{
    double loss = 0;
    for (int i = 0; i < n; i++) {
        const real *z = logits + (size_t)i * k;
        real *p = probs + (size_t)i * k;
        real max = z[0];
        for (int j = 1; j < k; j++)
            max = z[j] > max ? z[j] : max;
        double sum = 0;
        for (int j = 0; j < k; j++)
            sum += exp((double)(z[j] - max));
        for (int j = 0; j < k; j++)
            p[j] = (real)(exp((double)(z[j] - max)) / sum);
        loss += log(sum) + max - z[labels[i]];  // log sum e^z - z_t
    }
    return loss;
}

// dlogits += scale (probs - onehot(labels)); scale is 1/B for a mean.
// dlogits and probs are (n, k), labels is (n).
static void softmax_xent_backward(real *dlogits, const real *probs,
                                  const unsigned char *labels, real scale,
                                  int n, int k)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++)
            dlogits[(size_t)i * k + j] +=
                scale * (probs[(size_t)i * k + j] - (j == labels[i]));
}

/**
## Convolution

A dense layer connects every pixel to every unit, so it must learn
separately that a stroke at the top left and the same stroke at the
bottom right are both strokes. A convolution layer learns a small
*filter* instead, here $5 \times 5$ weights, and slides it over the
image: at every position the output is the weighted sum of the
$5 \times 5$ patch under it. The same 25 weights are used at all $24
\times 24$ positions where the filter fits inside the $28 \times 28$
image ("valid" padding, Keras's default), so a feature learned in one
place is detected everywhere. A layer has several filters, each making
its own output *channel*, an image of its own: LeNet-5's first layer has
6, its second has 16, and the second's filters are $5 \times 5 \times
6$, reaching through all six channels of its input.

How the numbers of a group of $n$ images lie in memory will matter for
speed. We store them as $c$ *planes*, one per channel, each holding the
$h \times w$ values of that channel for image 0, then for image 1, and
so on: shape $(c, n, h, w)$, the column index varying fastest. (Keras
keeps the channels of each pixel together, $(n, h, w, c)$; PyTorch keeps
the planes of each image together, $(n, c, h, w)$. For one-channel
images all three agree.) A filter bank $W$ is $(f, c, k, k)$: filter,
input channel, kernel row, kernel column. Output channel $o$ of image
$i$ at position $(y, x)$ is

$$\mathrm{out}_{o,i,y,x} = b_o + \sum_{ch} \sum_{u=0}^{k-1}
  \sum_{v=0}^{k-1} W_{o,ch,u,v}\; \mathrm{in}_{ch,i,y+u,x+v} .$$

For one image that formula is six nested loops, and the code below is
exactly that. Its backward pass runs the same loops: every product $W
\cdot \mathrm{in}$ in the sum sends the output's gradient $g$ back to
both factors, $g \cdot \mathrm{in}$ into $\delta W$ and $g \cdot W$ into
$\delta\mathrm{in}$, and $g$ itself into $\delta b$.
*/

// out[o][i][y][x] = b[o] + sum_{ch,u,v} W[o][ch][u][v] in[ch][i][y+u][x+v]
// out is (f, n, h-k+1, w-k+1), in is (c, n, h, w), W is (f, c, k, k),
// b is (f).
static void conv_forward_loops(real *out, const real *in, const real *W,
                               const real *b, int n, int h, int w, int c,
                               int k, int f)
{
    int oh = h - k + 1, ow = w - k + 1;
    for (int i = 0; i < n; i++)                           // image
        for (int o = 0; o < f; o++)                       // filter
            for (int y = 0; y < oh; y++)                  // output row
                for (int x = 0; x < ow; x++) {            // output column
                    real sum = b[o];
                    for (int ch = 0; ch < c; ch++)        // input channel
                        for (int u = 0; u < k; u++)       // kernel row
                            for (int v = 0; v < k; v++)   // kernel column
                                sum += W[((size_t)(o * c + ch) * k + u) * k
                                         + v]
                                     * in[(((size_t)ch * n + i) * h + y + u)
                                          * w + x + v];
                    out[(((size_t)o * n + i) * oh + y) * ow + x] = sum;
                }
}

// The same loops backwards: for g = dout[o][i][y][x], db[o] += g,
// dW[o][ch][u][v] += g in[ch][i][y+u][x+v],
// din[ch][i][y+u][x+v] += g W[o][ch][u][v] (din may be NULL).
static void conv_backward_loops(real *din, real *dW, real *db,
                                const real *dout, const real *in,
                                const real *W, int n, int h, int w, int c,
                                int k, int f)
{
    int oh = h - k + 1, ow = w - k + 1;
    for (int i = 0; i < n; i++)
        for (int o = 0; o < f; o++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++) {
                    real g = dout[(((size_t)o * n + i) * oh + y) * ow + x];
                    db[o] += g;
                    for (int ch = 0; ch < c; ch++)
                        for (int u = 0; u < k; u++)
                            for (int v = 0; v < k; v++) {
                                size_t wt = ((size_t)(o * c + ch) * k + u)
                                            * k + v;
                                size_t at = (((size_t)ch * n + i) * h + y
                                             + u) * w + x + v;
                                dW[wt] += g * in[at];
                                if (din)
                                    din[at] += g * W[wt];
                            }
                }
}

/**
**Average pooling.** After each convolution LeNet-5 halves the image:
every $2 \times 2$ block of a channel becomes its mean. This makes the
next layer's filters see a larger part of the digit, makes the network
indifferent to shifts of a pixel, and divides the work after it by
four. The mean is linear, so its gradient is the output's gradient
shared equally among the four inputs of the block. Pooling works on
each plane by itself, so it only needs their number, $c n$. The window
side is a constant, `POOL_SIDE`, so that the compiler unrolls the two
short loops over the window.
*/

enum { POOL_SIDE = 2 };

// out[q][y][x] = the mean of in[q][2 y + a][2 x + b], 0 <= a, b < 2.
// out is (planes, h/2, w/2), in is (planes, h, w); h and w even.
static void avgpool_forward(real *out, const real *in, int planes, int h,
                            int w)
{
    int oh = h / POOL_SIDE, ow = w / POOL_SIDE;
    real share = (real)1 / (POOL_SIDE * POOL_SIDE);
    for (int q = 0; q < planes; q++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                real sum = 0;
                for (int a = 0; a < POOL_SIDE; a++)
                    for (int b = 0; b < POOL_SIDE; b++)
                        sum += in[((size_t)q * h + POOL_SIDE * y + a) * w
                                  + POOL_SIDE * x + b];
                out[((size_t)q * oh + y) * ow + x] = share * sum;
            }
}

// din[q][2 y + a][2 x + b] += dout[q][y][x] / 4.
static void avgpool_backward(real *din, const real *dout, int planes,
                             int h, int w)
{
    int oh = h / POOL_SIDE, ow = w / POOL_SIDE;
    real share = (real)1 / (POOL_SIDE * POOL_SIDE);
    for (int q = 0; q < planes; q++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                real g = share * dout[((size_t)q * oh + y) * ow + x];
                for (int a = 0; a < POOL_SIDE; a++)
                    for (int b = 0; b < POOL_SIDE; b++)
                        din[((size_t)q * h + POOL_SIDE * y + a) * w
                            + POOL_SIDE * x + b] += g;
            }
}

/**
**Flatten.** A dense layer wants one row of numbers per image, but in
our layout an image's numbers are spread over the $c$ planes. Keras's
`Flatten` becomes a copy that gathers them, channel after channel; its
backward pass scatters the gradient back. (Keras flattens pixel after
pixel instead, with the channels of a pixel together. Either order is
a fixed relabelling of the dense layer's inputs, and the dense layer
learns its weights for whichever it is given.) A one-channel group is
already $n$ rows, which is why the dense network needs no `Flatten`.
*/

// out[i][ch * hw + j] = in[ch][i][j]. out is (n, c * hw), in is
// (c, n, hw), where hw = h * w.
static void flatten_forward(real *out, const real *in, int n, int c,
                            int hw)
{
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
            for (int j = 0; j < hw; j++)
                out[((size_t)i * c + ch) * hw + j] =
                    in[((size_t)ch * n + i) * hw + j];
}

// din[ch][i][j] += dout[i][ch * hw + j].
static void flatten_backward(real *din, const real *dout, int n, int c,
                             int hw)
{
    for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
            for (int j = 0; j < hw; j++)
                din[((size_t)ch * n + i) * hw + j] +=
                    dout[((size_t)i * c + ch) * hw + j];
}

/**
## Making the convolution fast

The six loops are correct and slow. Their three inner loops are short
(25 steps for the first layer, 150 for the second) and produce a single
number, so the processor's vector instructions, which work on 8 or 16
numbers at once, have nothing to grip; and every output reads its patch
afresh from scattered places in memory. We already own one fast
operation, the matrix product, and the convolution can be turned into
one.

Look at the sum again: for a fixed output position it is the dot
product of the $c k k$ numbers of one filter with the $c k k$ numbers
of the patch under it. So copy every patch into a *column* of a matrix,
the step called *im2col*, "image to columns": $c k k$ rows, one per
place $(ch, u, v)$ in the patch, and one column per output pixel, for
all the images of the group side by side. For the first layer that is
25 rows and $24 \cdot 24 = 576$ columns per image. Read $W$ as an $(f,
c k k)$ matrix, one filter per row, which in memory it already is.
Then

$$\mathrm{out} = W\, \mathrm{cols} + b$$

is one matrix product. Row $o$ of it is filter $o$'s response at every
pixel of every image of the group, which is plane $o$ of the output in
our layout; this is why the layout keeps a channel's images together.
The backward pass follows from the dense layer's, since the same
product appears: $\delta W = \delta\mathrm{out}\; \mathrm{cols}^{\mathsf
T}$, $\delta b$ the row sums of $\delta\mathrm{out}$, and
$\delta\mathrm{cols} = W^{\mathsf T} \delta\mathrm{out}$, whose entries
`col2im` adds back onto the pixels they were copied from (a pixel sits
in up to 25 patches).

The bias fits the same mould. It is the weight of an input that is
always 1, so `im2col` adds a last row of ones to the patch matrix, and
both $b\,\mathbf{1}^{\mathsf T}$ (the bias added to every pixel) and
$\delta b = \delta\mathrm{out}\; \mathbf 1$ (its gradient, the row sums)
become products as well; a plain loop summing a row is slow, because
each addition must wait for the one before it.

The copying is cheap too, thanks to the layout: along a row of the
patch matrix one place $(ch, u, v)$ of the filter moves across the
image, so for each output row the numbers to copy are a run of adjacent
numbers of one plane, 24 for the first layer and 8 for the second. The
price is memory: the first layer's patch matrix is 25 times its image.
We pay it for a few images at a time (see *Two cores* below), so that it
stays in the processor's cache, and the forward pass keeps it for the
backward pass, which needs it for $\delta W$. The flag `--time-conv`
times LeNet-5 with either convolution; the book's run is shown at the
end of the chapter.
*/

// cols is (c * k * k + 1, n * oh * ow): column (i, y, x) is the patch
// of image i under output (y, x), row (ch, u, v) one place in the patch:
// cols[(ch, u, v)][(i, y, x)] = in[ch][i][y + u][x + v]; the last row is
// all ones. in is (c, n, h, w).
static void im2col(real *cols, const real *in, int n, int h, int w,
                   int c, int k)
{
    int oh = h - k + 1, ow = w - k + 1;
    size_t n_cols = (size_t)n * oh * ow;
    real *dst = cols;
    for (int ch = 0; ch < c; ch++)
        for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++)
                for (int i = 0; i < n; i++)
                    for (int y = 0; y < oh; y++, dst += ow) {
                        const real *src = in + (((size_t)ch * n + i) * h
                                                + y + u) * w + v;
                        memcpy(dst, src, (size_t)ow * sizeof *dst);
                    }
    for (size_t j = 0; j < n_cols; j++)   // the input the bias multiplies
        dst[j] = 1;
}

// The reverse: din[ch][i][y + u][x + v] += dcols[(ch, u, v)][(i, y, x)],
// every patch's gradient added back onto its pixels.
// din is (c, n, h, w), dcols is (c * k * k, n * oh * ow) (no ones row).
static void col2im(real *din, const real *dcols, int n, int h, int w,
                   int c, int k)
{
    int oh = h - k + 1, ow = w - k + 1;
    const real *src = dcols;
    for (int ch = 0; ch < c; ch++)
        for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++)
                for (int i = 0; i < n; i++)
                    for (int y = 0; y < oh; y++, src += ow) {
                        real *dst = din + (((size_t)ch * n + i) * h + y + u)
                                          * w + v;
                        for (int x = 0; x < ow; x++)
                            dst[x] += src[x];
                    }
}

// out = W cols + b 1^T: the convolution as matrix products. cols is
// (c * k * k + 1, n * oh * ow), written here and kept for the backward
// pass; the other shapes are those of conv_forward_loops.
static void conv_forward(real *out, real *cols, const real *in,
                         const real *W, const real *b, int n, int h, int w,
                         int c, int k, int f)
{
    if (plain_conv) {
        conv_forward_loops(out, in, W, b, n, h, w, c, k, f);
        return;
    }
    int pixels = n * (h - k + 1) * (w - k + 1), taps = c * k * k;
    const real *ones = cols + (size_t)taps * pixels;
    im2col(cols, in, n, h, w, c, k);
    gemm(out, W, false, cols, false, 1, 0, f, pixels, taps);  // W cols
    gemm(out, b, false, ones, false, 1, 1, f, pixels, 1);     // + b 1^T
}

// dW += dout cols^T, db += dout 1 (the row sums of dout), and, if din is
// wanted, dcols = W^T dout and din += col2im(dcols). dcols is scratch,
// (c * k * k, n * oh * ow); `in` is only read by the six loops.
static void conv_backward(real *din, real *dW, real *db, real *dcols,
                          const real *dout, const real *cols,
                          const real *in, const real *W, int n, int h,
                          int w, int c, int k, int f)
{
    if (plain_conv) {
        conv_backward_loops(din, dW, db, dout, in, W, n, h, w, c, k, f);
        return;
    }
    int pixels = n * (h - k + 1) * (w - k + 1), taps = c * k * k;
    const real *ones = cols + (size_t)taps * pixels;
    gemm(dW, dout, false, cols, true, 1, 1, f, taps, pixels);
    gemm(db, dout, false, ones, true, 1, 1, f, 1, pixels);
    if (din) {
        gemm(dcols, W, true, dout, false, 1, 0, taps, pixels, f);
        col2im(din, dcols, n, h, w, c, k);
    }
}

/**
## A network is a list of layers

Keras builds a model by `model.add`-ing layers to a list; so do we. A
layer is its kind and one or two sizes, and the two networks of the
tutorial are two short tables, to be read beside the Keras code. A
Keras `Conv2D(..., activation='relu')` is our convolution followed by a
ReLU, and `Flatten` is our flatten.
*/

typedef enum { DENSE, CONV, RELU, POOL, FLATTEN } layer_kind;

typedef struct {        // a row of a network's table
    layer_kind kind;
    int size;           // DENSE: units; CONV: filters
    int kernel;         // CONV: side of the square filter
} layer_spec;

typedef struct {
    layer_kind kind;
    int size, kernel;   // as in the table
    // Filled in by model_build; shapes are per image, (h, w, c):
    int h, w, c;        // input (a dense layer's is (1, 1, n_in))
    int oh, ow, oc;     // output
    size_t weights;     // offset of W in the parameter block
    size_t bias;        // offset of b in the parameter block
    size_t in, out;     // offsets of input and output, per image
    size_t cols;        // CONV: offset of its patch matrix, per image
} layer;

static const layer_spec mlp_layers[] = {   // the tutorial's dense net
    {DENSE, 256, 0}, {RELU, 0, 0},
    {DENSE, 256, 0}, {RELU, 0, 0},
    {DENSE, 256, 0}, {RELU, 0, 0},
    {DENSE, 10, 0},                             // then softmax
};

static const layer_spec lenet5_layers[] = {   // LeNet-5, as Keras has it
    {CONV, 6, 5}, {RELU, 0, 0}, {POOL, 0, 0},
    {CONV, 16, 5}, {RELU, 0, 0}, {POOL, 0, 0},
    {FLATTEN, 0, 0},
    {DENSE, 120, 0}, {RELU, 0, 0},
    {DENSE, 84, 0}, {RELU, 0, 0},
    {DENSE, 10, 0},                             // then softmax
};

/**
`model_build` walks the table once, from the input shape $(28, 28, 1)$
to the ten logits, and works out every layer's output shape and where
its numbers live. All parameters of a model sit in *one* block of
memory, layer after layer, weights then biases; the gradients sit in a
second block of the same layout; so the optimizer will be one flat loop
over both. The activations of a group of images are laid out the same
way: a region for the input, then a region for each layer's output.
Offsets are counted per image and multiplied by the number of images in
the group, so one layout serves groups of any size.

It also counts the floating-point operations of one training step, per
image: a multiply-add is two, a dense layer costs $2 \cdot n_{in} \cdot
n_{out}$ forward and twice that backward (for $\delta W$ and $\delta
x$), a convolution the same with one column per output pixel. The
first layer needs no $\delta x$, since nobody wants the gradient of the
pixels. Only the products are counted, as is the custom: ReLU, pooling
and copying do one or two operations per number where the products do
hundreds, so the count says how much useful arithmetic was done, and
time spent on anything else shows up as a lower rate.
*/

enum { MAX_LAYERS = 16, N_CLASSES = 10 };

typedef struct {
    const char *name;         // "mlp" or "lenet5"
    int id;                   // 0 or 1, for the weights file
    layer layers[MAX_LAYERS];
    int n_layers;
    size_t n_params;          // floats in the parameter block
    size_t n_inputs;          // 28 * 28 pixels per image
    size_t probs;             // offset of the probabilities, per image
    size_t acts_per_image;    // activations: input, layers, probs
    size_t cols_per_image;    // the patch matrices of all convolutions
    size_t dcols_per_image;   // the largest of them
    double flops_per_image;   // one training step, per image
} model;

// Lay out the n_layers layers of spec for images of shape (h, w, c).
static void model_build(model *m, const char *name,
                        const layer_spec *spec, int n_layers, int h, int w,
                        int c)
{
    memset(m, 0, sizeof *m);
    m->name = name;
    m->id = strcmp(name, "lenet5") == 0;
    m->n_layers = n_layers;
    m->n_inputs = (size_t)h * w * c;
    size_t acts = m->n_inputs;          // the input region comes first
    for (int l = 0; l < m->n_layers; l++) {
        layer *L = &m->layers[l];
        *L = (layer){.kind = spec[l].kind, .size = spec[l].size,
                     .kernel = spec[l].kernel};
        L->h = h, L->w = w, L->c = c;
        L->in = l == 0 ? 0 : m->layers[l - 1].out;
        size_t macs = 0;                // multiply-adds, forward
        switch (L->kind) {
        case DENSE:                     // one channel or flat: n rows
            if (c > 1 && h * w > 1) {
                fprintf(stderr, "model_build: %s: a dense layer after "
                        "%dx%dx%d needs a flatten first\n", name, h, w, c);
                abort();
            }
            L->h = L->w = 1, L->c = h * w * c;
            L->oh = L->ow = 1, L->oc = L->size;
            L->weights = m->n_params;
            L->bias = L->weights + (size_t)L->c * L->oc;
            m->n_params = L->bias + L->oc;
            macs = (size_t)L->c * L->oc;
            break;
        case CONV: {
            L->oh = h - L->kernel + 1, L->ow = w - L->kernel + 1;
            L->oc = L->size;
            size_t taps = (size_t)c * L->kernel * L->kernel;
            L->weights = m->n_params;
            L->bias = L->weights + taps * L->oc;
            m->n_params = L->bias + L->oc;
            macs = (size_t)L->oh * L->ow * taps * L->oc;
            size_t cols = taps * L->oh * L->ow;  // + a row of ones:
            L->cols = m->cols_per_image;
            m->cols_per_image += cols + (size_t)L->oh * L->ow;
            m->dcols_per_image = cols > m->dcols_per_image
                               ? cols : m->dcols_per_image;
            break;
        }
        case RELU:
            L->oh = h, L->ow = w, L->oc = c;
            break;
        case POOL:
            L->oh = h / POOL_SIDE, L->ow = w / POOL_SIDE, L->oc = c;
            break;
        case FLATTEN:
            L->oh = L->ow = 1, L->oc = h * w * c;
            break;
        }
        // forward, dW, and dx except for the first layer
        m->flops_per_image += 2.0 * macs * (l == 0 ? 2 : 3);
        L->out = acts;
        acts += (size_t)L->oh * L->ow * L->oc;
        h = L->oh, w = L->ow, c = L->oc;
    }
    m->probs = acts;
    m->acts_per_image = acts + N_CLASSES;
}

// One of the two networks, by name, for 28 x 28 grey images.
static void model_named(model *m, const char *name)
{
    if (strcmp(name, "lenet5") == 0)
        model_build(m, "lenet5", lenet5_layers,
                    sizeof lenet5_layers / sizeof(layer_spec), 28, 28, 1);
    else
        model_build(m, "mlp", mlp_layers,
                    sizeof mlp_layers / sizeof(layer_spec), 28, 28, 1);
}

/**
The summary is Keras's `model.summary()`: each layer, its output shape
and its number of parameters.
*/

static void layer_name(char *buf, size_t size, const layer *L)
{
    switch (L->kind) {
    case DENSE: snprintf(buf, size, "dense %d", L->oc); break;
    case CONV:
        snprintf(buf, size, "conv %d@%dx%d", L->oc, L->kernel, L->kernel);
        break;
    case RELU: snprintf(buf, size, "relu"); break;
    case POOL:
        snprintf(buf, size, "avgpool %dx%d", POOL_SIDE, POOL_SIDE);
        break;
    case FLATTEN: snprintf(buf, size, "flatten"); break;
    }
}

static void model_summary(const model *m)
{
    printf("model %s: %zu parameters, %.2f MFLOP per training image\n",
           m->name, m->n_params, m->flops_per_image / 1e6);
    printf("  %-14s %-10s %10s\n", "layer", "output", "parameters");
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        char name[32], shape[32], params[16] = "";
        layer_name(name, sizeof name, L);
        if (L->oh == 1 && L->ow == 1)
            snprintf(shape, sizeof shape, "%d", L->oc);
        else
            snprintf(shape, sizeof shape, "%dx%dx%d", L->oh, L->ow, L->oc);
        if (L->kind == DENSE || L->kind == CONV)
            snprintf(params, sizeof params, "%zu",
                     L->bias + L->oc - L->weights);
        printf("  %-14s %-10s %10s\n", name, shape, params);
    }
    printf("  %-14s %-10d\n", "softmax", N_CLASSES);
}

/**
The weights start as Keras starts them, "Glorot uniform": drawn
uniformly from $[-a, a]$ with $a = \sqrt{6 / (n_{in} + n_{out})}$, where
for a convolution $n_{in} = c k^2$ and $n_{out} = f k^2$ count the
connections into and out of one unit. Xavier Glorot and Yoshua Bengio
chose this $a$ so that a signal keeps roughly its size from layer to
layer, forward and backward. The biases start at zero. The draws come
from the toolkit's NumPy-compatible generator, so `--seed` picks them.
*/

static void model_init(const model *m, real *params, rng *r)
{
    memset(params, 0, m->n_params * sizeof *params);     // biases 0
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        if (L->kind != DENSE && L->kind != CONV)
            continue;
        double area = L->kind == CONV ? (double)L->kernel * L->kernel : 1;
        double fan_in = area * L->c, fan_out = area * L->oc;
        double a = sqrt(6.0 / (fan_in + fan_out));
        for (size_t i = L->weights; i < L->bias; i++)
            params[i] = (real)rng_uniform(r, -a, a);
    }
}

/**
## Forward and backward through the list

With the layers and the layout in place, a forward pass is a loop over
the list that calls each layer's forward function on its regions, and a
backward pass is the same loop run backwards with the backward
functions. `acts` holds a group's activations; `dacts`, of the same
layout, their gradients; `cols` the patch matrices of the convolutions,
and `dcols` room for the gradient of one of them.
*/

// acts: (n, acts_per_image) laid out by the model, the images first;
// cols: (n, cols_per_image). Leaves the logits in the last layer's
// region.
static void model_forward(const model *m, real *acts, real *cols,
                          const real *params, int n)
{
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        const real *in = acts + L->in * n;
        real *out = acts + L->out * n;
        switch (L->kind) {
        case DENSE:
            dense_forward(out, in, params + L->weights, params + L->bias,
                          n, L->c, L->oc);
            break;
        case CONV:
            conv_forward(out, cols + L->cols * n, in, params + L->weights,
                         params + L->bias, n, L->h, L->w, L->c, L->kernel,
                         L->oc);
            break;
        case RELU:
            relu_forward(out, in, (size_t)n * L->oh * L->ow * L->oc);
            break;
        case POOL:
            avgpool_forward(out, in, L->c * n, L->h, L->w);
            break;
        case FLATTEN:
            flatten_forward(out, in, n, L->c, L->h * L->w);
            break;
        }
    }
}

// grads += the gradient of the loss with respect to the parameters,
// given dacts (same layout as acts) holding it for the logits and zero
// elsewhere. With input_grad, dacts' input region gets it too.
// dcols: (n, dcols_per_image), scratch.
static void model_backward(const model *m, real *grads, real *dacts,
                           real *dcols, const real *acts, const real *cols,
                           const real *params, int n, bool input_grad)
{
    for (int l = m->n_layers - 1; l >= 0; l--) {
        const layer *L = &m->layers[l];
        const real *in = acts + L->in * n, *out = acts + L->out * n;
        const real *dout = dacts + L->out * n;
        real *din = l > 0 || input_grad ? dacts + L->in * n : NULL;
        switch (L->kind) {
        case DENSE:
            dense_backward(din, grads + L->weights, grads + L->bias, dout,
                           in, params + L->weights, n, L->c, L->oc);
            break;
        case CONV:
            conv_backward(din, grads + L->weights, grads + L->bias, dcols,
                          dout, cols + L->cols * n, in,
                          params + L->weights, n, L->h, L->w, L->c,
                          L->kernel, L->oc);
            break;
        case RELU:
            if (din)
                relu_backward(din, dout, out,
                              (size_t)n * L->oh * L->ow * L->oc);
            break;
        case POOL:
            if (din)
                avgpool_backward(din, dout, L->c * n, L->h, L->w);
            break;
        case FLATTEN:
            if (din)
                flatten_backward(din, dout, n, L->c, L->h * L->w);
            break;
        }
    }
}

/**
## Checking the gradients

A backward function with a wrong index still trains a little, which is
the worst kind of bug: nothing crashes and the accuracy is merely
disappointing. So we check every layer against the definition of the
derivative. Give the layer a random input and parameters, and score its
output $y$ with fixed random weights $r$, $f = \sum_j r_j y_j$, whose
gradient with respect to $y$ is simply $r$. The backward pass then
yields $\partial f / \partial \theta$ for every parameter and input; the
central difference

$$\frac{\partial f}{\partial \theta} \approx
  \frac{f(\theta + h) - f(\theta - h)}{2h}$$

measures the same number directly, with an error of order $h^2$. The
check compares the analytic value $a$ with the difference $d$ for every
single number, on tiny shapes, and reports the largest relative error
$|a - d| / \max(|a|, |d|, 10^{-3})$ (so that a gradient near zero is
compared absolutely). It needs double precision: with floats, the two
values of $f$ agree in their first six digits and their difference
keeps only one or two. The tests build this program a second time in
double and run `--gradcheck` with `dense`, `relu`, `conv` (both the six
loops and the im2col path), `pool`, `flatten` and `softmax`, and then
with whole networks, `mlp` and `lenet5`, where the softmax loss is the
score and a sample of all parameters is checked. The bound is
$10^{-6}$; a backward pass that is wrong anywhere misses it by orders
of magnitude.

One thing can fool a central difference: a ReLU whose input lies
within $h$ of zero, where the slope jumps from 0 to 1. The step then
straddles the kink and the difference averages two slopes. Single
layers avoid it by keeping their random inputs away from zero; in a
whole network we cannot, so every number is also measured with the step
$h/2$. Near a kink the two differences disagree with each other; such a
number is reported and skipped, and a check with more than one in
twenty skipped fails.
*/

typedef struct {
    const model *m;
    real *params, *grads, *acts, *dacts, *cols, *dcols;
    const real *x;              // (n, n_inputs)
    const real *r;              // (n, output size) scores, or NULL
    unsigned char labels[8];    // for the softmax score
    int n;
} probe;

// f = sum_j r_j y_j over the last layer's output y, or, without r, the
// mean softmax cross-entropy of the logits.
static double probe_score(probe *p)
{
    const model *m = p->m;
    const layer *last = &m->layers[m->n_layers - 1];
    memcpy(p->acts, p->x, m->n_inputs * p->n * sizeof *p->x);
    model_forward(m, p->acts, p->cols, p->params, p->n);
    const real *y = p->acts + last->out * p->n;
    size_t count = (size_t)p->n * last->oh * last->ow * last->oc;
    if (!p->r)
        return softmax_xent_forward(p->acts + m->probs * p->n, y,
                                    p->labels, p->n, N_CLASSES) / p->n;
    double f = 0;
    for (size_t j = 0; j < count; j++)
        f += (double)p->r[j] * y[j];
    return f;
}

// The analytic gradients: grads for the parameters, dacts' input region
// for the input.
static void probe_backward(probe *p)
{
    const model *m = p->m;
    const layer *last = &m->layers[m->n_layers - 1];
    probe_score(p);
    memset(p->grads, 0, m->n_params * sizeof *p->grads);
    memset(p->dacts, 0, m->acts_per_image * p->n * sizeof *p->dacts);
    real *dy = p->dacts + last->out * p->n;
    size_t count = (size_t)p->n * last->oh * last->ow * last->oc;
    if (p->r)
        memcpy(dy, p->r, count * sizeof *dy);
    else
        softmax_xent_backward(dy, p->acts + m->probs * p->n, p->labels,
                              (real)1 / p->n, p->n, N_CLASSES);
    model_backward(m, p->grads, p->dacts, p->dcols, p->acts, p->cols,
                   p->params, p->n, true);
}

// Central differences for the number *v, with steps h and h/2; returns
// the relative error of `analytic`, or -1 when it misses both and the
// two differences disagree with each other as well: the steps crossed
// a ReLU's kink, where the slope jumps and differences mean nothing.
static double probe_compare(probe *p, real *v, double analytic, double h,
                            double bound)
{
    real saved = *v;
    double numeric[2];
    for (int s = 0; s < 2; s++) {
        double step = s == 0 ? h : h / 2;
        *v = (real)(saved + step);
        double up = probe_score(p);
        *v = (real)(saved - step);
        double down = probe_score(p);
        numeric[s] = (up - down) / (2 * step);
    }
    *v = saved;
    double scale = fmax(fmax(fabs(analytic), fabs(numeric[0])), 1e-3);
    double error = fmin(fabs(analytic - numeric[0]),
                        fabs(analytic - numeric[1])) / scale;
    if (error > bound && fabs(numeric[0] - numeric[1]) / scale > bound)
        return -1;
    return error;
}

// Check one case: every parameter (a sample of them for whole networks,
// plus every bias) and, for single layers, every input. Returns the
// largest relative error; counts the numbers checked and skipped.
static double gradcheck_case(const model *m, bool whole, bool by_loss,
                             double bound, rng *r, long *count,
                             long *kinks)
{
    probe p = {.m = m, .n = 2};
    const layer *last = &m->layers[m->n_layers - 1];
    size_t inputs = m->n_inputs * p.n;
    size_t outputs = (size_t)p.n * last->oh * last->ow * last->oc;
    double h = sizeof(real) == sizeof(double) ? 1e-5 : 1e-2;
    p.params = nn_alloc(m->n_params + 1, sizeof(real));
    p.grads = nn_alloc(m->n_params + 1, sizeof(real));
    p.acts = nn_alloc(m->acts_per_image * p.n, sizeof(real));
    p.dacts = nn_alloc(m->acts_per_image * p.n, sizeof(real));
    p.cols = nn_alloc(m->cols_per_image * p.n + 1, sizeof(real));
    p.dcols = nn_alloc(m->dcols_per_image * p.n + 1, sizeof(real));
    real *x = nn_alloc(inputs, sizeof(real));
    real *scores = nn_alloc(outputs, sizeof(real));
    real *analytic = nn_alloc(m->n_params + inputs, sizeof(real));
    for (size_t i = 0; i < inputs; i++) {   // in [-1, 1], off ReLU's kink
        double u = rng_uniform(r, -0.9, 0.9);
        x[i] = (real)(whole ? 0.5 + 0.5 * u : u + (u < 0 ? -0.1 : 0.1));
    }
    for (size_t i = 0; i < outputs; i++)
        scores[i] = (real)rng_uniform(r, -1, 1);
    if (whole)
        model_init(m, p.params, r);
    else
        for (size_t i = 0; i < m->n_params; i++)
            p.params[i] = (real)rng_uniform(r, -1, 1);
    for (int i = 0; i < p.n; i++)
        p.labels[i] = (unsigned char)(3 + 4 * i);
    p.x = x;
    p.r = by_loss ? NULL : scores;

    probe_backward(&p);
    memcpy(analytic, p.grads, m->n_params * sizeof(real));
    memcpy(analytic + m->n_params, p.dacts, inputs * sizeof(real));
    double worst = 0;
    size_t stride = whole ? 1 + m->n_params / 400 : 1;
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        if (L->kind != DENSE && L->kind != CONV)
            continue;
        for (size_t i = L->weights; i < L->bias + L->oc; i++)
            if (i >= L->bias || i % stride == 0) {
                double e = probe_compare(&p, &p.params[i], analytic[i], h,
                                         bound);
                worst = fmax(worst, e);
                *kinks += e < 0;
                ++*count;
            }
    }
    for (size_t i = 0; !whole && i < inputs; i++) {
        double e = probe_compare(&p, &x[i], analytic[m->n_params + i], h,
                                 bound);
        worst = fmax(worst, e);
        *kinks += e < 0;
        ++*count;
    }
    free(p.params), free(p.grads), free(p.acts), free(p.dacts);
    free(p.cols), free(p.dcols), free(x), free(scores), free(analytic);
    return worst;
}

/**
The single-layer checks build a one-layer "network" from a table of
their own, so that they run the very `model_forward` and
`model_backward` that training runs. The softmax check scores the
logits of a single dense layer with the loss itself.
*/

static int gradcheck(const char *what, rng *r)
{
    static const layer_spec dense[] = {{DENSE, 4, 0}};
    static const layer_spec relu[] = {{RELU, 0, 0}};
    static const layer_spec conv[] = {{CONV, 3, 3}};
    static const layer_spec pool[] = {{POOL, 0, 0}};
    static const layer_spec soft[] = {{DENSE, N_CLASSES, 0}};
    static const layer_spec flat[] = {{FLATTEN, 0, 0}};
    static const struct {
        const char *name;
        const layer_spec *spec;  // NULL: the network of that name
        int h, w, c;             // input shape
    } cases[] = {
        {"dense", dense, 1, 1, 5},   {"relu", relu, 3, 3, 2},
        {"conv", conv, 6, 6, 2},     {"pool", pool, 4, 4, 3},
        {"flatten", flat, 2, 3, 3},  {"softmax", soft, 1, 1, 6},
        {"mlp", NULL, 28, 28, 1},
        {"lenet5", NULL, 28, 28, 1},
    };
    double bound = sizeof(real) == sizeof(double) ? 1e-6 : 5e-2;
    int failures = 0, checked = 0;
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const char *name = cases[t].name;
        if (strcmp(what, "all") != 0 && strcmp(what, name) != 0)
            continue;
        checked++;
        model m;
        bool whole = cases[t].spec == NULL;
        if (whole && sizeof(real) != sizeof(double)) {
            printf("gradcheck %s: skipped, a whole network needs double "
                   "precision (the tests build one)\n", name);
            continue;
        }
        if (whole)
            model_named(&m, name);
        else
            model_build(&m, name, cases[t].spec, 1, cases[t].h,
                        cases[t].w, cases[t].c);
        bool by_loss = whole || strcmp(name, "softmax") == 0;
        // the convolution twice: im2col + gemm, then the six loops
        int paths = strcmp(name, "conv") == 0 ? 2 : 1;
        for (int path = 0; path < paths; path++) {
            plain_conv = path == 1;
            long count = 0, kinks = 0;
            double worst = gradcheck_case(&m, whole, by_loss, bound, r,
                                          &count, &kinks);
            bool ok = worst <= bound && kinks * 20 <= count;
            failures += !ok;
            printf("gradcheck %s%s: max relative error %.2e over %ld "
                   "numbers (bound %.0e)", name,
                   paths == 1 ? "" : path ? " (six loops)" : " (im2col)",
                   worst, count, bound);
            if (kinks)
                printf(", %ld across a kink", kinks);
            printf(" %s\n", ok ? "ok" : "FAILED");
        }
        plain_conv = false;
    }
    if (checked == 0) {
        fprintf(stderr, "--gradcheck: unknown layer '%s' (dense, relu, "
                "conv, pool, flatten, softmax, mlp, lenet5 or all)\n",
                what);
        return 2;
    }
    printf("gradcheck in %s: %s\n", REAL_NAME,
           failures ? "FAILED" : "all gradients agree");
    return failures ? 1 : 0;
}

/**
## Two cores

A batch's gradient is a sum over its images: the loss is the mean of
the images' losses, and the derivative of a sum is the sum of the
derivatives. So the work splits cleanly. With `--threads T` the batch is
cut into $T$ equal slices; each thread runs its slice forward and
backward with its own activations and its own gradient block, reading
the shared parameters, which nobody writes until all threads are done.
Then the $T$ gradient blocks are added, always in the order thread 0,
1, 2, ..., and the optimizer takes one step. Floating-point addition is
not associative, so a different grouping of the same numbers could
change the last digits; with a fixed partition and a fixed order, the
same seed and the same thread count give the same bits, run after run.
(A different thread count groups the sums differently, and so ends a
little differently.)

Each thread walks its slice in small groups of images, forward through
the whole network and straight back. All the activations of a group,
patch matrices included, then fit in the processor's cache, and the
forward pass's numbers are still there when the backward pass needs
them. The gradients add up over the groups as they would over one large
group, only in a different order. For LeNet-5 a group is a few images,
for the dense net several dozen; `group_size` was tuned by timing.

The threads are plain POSIX threads, started for each batch and joined
at its end; the calling thread does slice 0 itself. Starting a thread
costs little next to the work of a batch. The matrix library must not
start threads of its own inside ours, so we tell OpenBLAS to stay on
one thread.
*/

enum { MAX_THREADS = 64, MAX_GROUP = 256 };

typedef struct {
    const model *m;
    const real *params;       // (n_params), shared, read only
    real *grads;              // (n_params), this thread's own
    real *acts, *dacts;       // (group, acts_per_image) each
    real *cols, *dcols;       // (group, cols_per_image / dcols_...)
    int group;                // images per group
    // The job: images rows[0 .. count) of the data set pixels / labels.
    const unsigned char *pixels, *labels;
    const int *rows;
    int count;
    bool train;
    real scale;               // 1/B: the loss is a mean over the batch
    unsigned char *predicted; // (count), or NULL
    // The results, over the slice.
    double loss;              // summed, not averaged
    int correct;
} worker;

// Images per group: a rough cache budget, by timing on two machines.
static int group_size(const model *m)
{
    size_t bytes = (2 * m->acts_per_image + m->cols_per_image
                    + m->dcols_per_image) * sizeof(real);
    size_t group = ((size_t)1536 << 10) / bytes;
    return group < 4 ? 4 : group > 128 ? 128 : (int)group;
}

static void *worker_run(void *arg)
{
    worker *wk = arg;
    const model *m = wk->m;
    const layer *last = &m->layers[m->n_layers - 1];
    flush_denormals();                    // this thread's own setting
    wk->loss = 0;
    wk->correct = 0;
    if (wk->train)
        memset(wk->grads, 0, m->n_params * sizeof *wk->grads);
    for (int start = 0; start < wk->count; start += wk->group) {
        int n = wk->count - start < wk->group ? wk->count - start
                                               : wk->group;
        unsigned char labels[MAX_GROUP];
        for (int i = 0; i < n; i++) {     // bytes to numbers in [0, 1]
            int row = wk->rows[start + i];
            const unsigned char *px = wk->pixels + (size_t)row * m->n_inputs;
            real *x = wk->acts + (size_t)i * m->n_inputs;
            for (size_t j = 0; j < m->n_inputs; j++)
                x[j] = px[j] / (real)255;
            labels[i] = wk->labels[row];
        }
        model_forward(m, wk->acts, wk->cols, wk->params, n);
        real *logits = wk->acts + last->out * n;
        real *probs = wk->acts + m->probs * n;
        wk->loss += softmax_xent_forward(probs, logits, labels, n,
                                         N_CLASSES);
        for (int i = 0; i < n; i++) {     // the guess: the likeliest class
            const real *p = probs + (size_t)i * N_CLASSES;
            int guess = 0;
            for (int k = 1; k < N_CLASSES; k++)
                guess = p[k] > p[guess] ? k : guess;
            wk->correct += guess == labels[i];
            if (wk->predicted)
                wk->predicted[start + i] = (unsigned char)guess;
        }
        if (!wk->train)
            continue;
        memset(wk->dacts, 0, m->acts_per_image * n * sizeof *wk->dacts);
        softmax_xent_backward(wk->dacts + last->out * n, probs, labels,
                              wk->scale, n, N_CLASSES);
        model_backward(m, wk->grads, wk->dacts, wk->dcols, wk->acts,
                       wk->cols, wk->params, n, false);
    }
    return NULL;
}

// Run images rows[0 .. count) on n_workers threads, slice t on worker t
// (this thread is worker 0), and wait for all of them.
static void run_workers(worker *team, int n_workers,
                        const unsigned char *pixels,
                        const unsigned char *labels, const int *rows,
                        int count, bool train, unsigned char *predicted)
{
    pthread_t threads[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (int t = 0; t < n_workers; t++) {
        int first = (int)((long)count * t / n_workers);
        int end = (int)((long)count * (t + 1) / n_workers);
        worker *wk = &team[t];
        wk->pixels = pixels, wk->labels = labels;
        wk->rows = rows + first, wk->count = end - first;
        wk->train = train;
        wk->scale = (real)1 / (real)count;
        wk->predicted = predicted ? predicted + first : NULL;
    }
    for (int t = 1; t < n_workers; t++)
        started[t] = pthread_create(&threads[t], NULL, worker_run,
                                    &team[t]) == 0;
    worker_run(&team[0]);
    for (int t = 1; t < n_workers; t++) {
        if (started[t])
            pthread_join(threads[t], NULL);
        else
            worker_run(&team[t]);     // no thread to be had: do it here
    }
}

static void team_alloc(worker *team, int n_workers, const model *m,
                       const real *params)
{
    for (int t = 0; t < n_workers; t++) {
        worker *wk = &team[t];
        memset(wk, 0, sizeof *wk);
        wk->m = m;
        wk->params = params;
        wk->group = group_size(m);
        wk->grads = nn_alloc(m->n_params, sizeof(real));
        wk->acts = nn_alloc(m->acts_per_image * wk->group, sizeof(real));
        wk->dacts = nn_alloc(m->acts_per_image * wk->group, sizeof(real));
        wk->cols = nn_alloc(m->cols_per_image * wk->group + 1,
                            sizeof(real));
        wk->dcols = nn_alloc(m->dcols_per_image * wk->group + 1,
                             sizeof(real));
    }
}

static void team_free(worker *team, int n_workers)
{
    for (int t = 0; t < n_workers; t++) {
        free(team[t].grads), free(team[t].acts), free(team[t].dacts);
        free(team[t].cols), free(team[t].dcols);
    }
}

/**
## Stochastic gradient descent, and momentum

The tutorial trains with plain SGD: after each batch, every parameter
takes a step against its gradient, $\theta \leftarrow \theta - \eta\, g$
with the learning rate $\eta = 0.05$. Because all parameters sit in one
block and their gradients in another of the same layout, this is one
loop over two arrays, whatever the network.

*Momentum* adds a memory. Each parameter keeps a velocity $v$, a running
sum of its past gradients that decays by a factor $\mu$ per step, and
moves along it:

$$v \leftarrow \mu\, v + g, \qquad \theta \leftarrow \theta - \eta\, v .$$

Where the gradients of successive batches agree, as along the floor of
a long narrow valley of the loss, the steps add up to as much as $1 /
(1 - \mu)$ times the plain step, ten times for $\mu = 0.9$; where they
disagree, as across the valley, they cancel. With $\mu = 0$ it is plain
SGD again, so one loop serves both. (This is PyTorch's form; Keras
scales the gradient by $\eta$ before adding it to $v$, which is the same
thing for a fixed $\eta$.)
*/

// v = momentum v + g, params -= lr v. params, velocity, grads are (n).
static void sgd_step(real *params, real *velocity, const real *grads,
                     real lr, real momentum, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        velocity[i] = momentum * velocity[i] + grads[i];
        params[i] -= lr * velocity[i];
    }
}

/**
Why not simply the tutorial's recipe: plain SGD with $\eta = 0.05$,
batches of 1024, 50 epochs? Count the steps. The tutorial trained on
MNIST's 60,000 images: 59 batches per epoch, about 3,000 steps in 50
epochs. Our 8,000 digits make 8 batches per epoch, and 50 epochs are
only 400 steps, each a small one in the direction of an average over
1024 images. An epoch costs the same arithmetic however it is cut into
batches, but the network learns only once per batch, and 400 small
steps leave it well short of what it can do. The runs below show it
(`--recipe keras`). The tutorial gave its dense network 5,000 epochs;
we give both networks LeNet-5's 50.

Our recipe takes many more, and larger, steps for the same arithmetic.
Batches of 32 make 250 steps per epoch, and a batch of 32 still
averages away most of the noise of single images. Momentum 0.9 with
$\eta = 0.02$ moves, once the velocity has built up, as far per step as
plain SGD would with $\eta = 0.2$. And the step shrinks as training
goes on: the learning rate falls in a straight line from $\eta$ at the
first step to nearly zero at the last (`--schedule linear`). Early on,
large steps cover ground; late, the weights sit near a good point and
the noise of the batches would only shake them about it, so smaller
steps let them settle. Fifteen epochs are then enough for both
networks. The flags `--epochs`, `--batch`, `--lr`, `--momentum` and
`--schedule` change our recipe; `--recipe keras` runs the tutorial's
instead, and `--recipe both` runs both, which is what the book does.
*/

typedef struct {
    const char *name;       // "ours" or "keras"
    int epochs, batch;
    double lr, momentum;
    bool decay;             // the learning rate falls linearly to 0
} recipe;

static const recipe keras_recipe = {"keras", 50, 1024, 0.05, 0.0, false};

typedef struct {           // one training run and what it recorded
    model m;
    recipe rc;
    real *params;          // (n_params)
    double *loss, *train_acc, *test_acc;   // (epochs) each
    int epochs_done;
    double test_loss;      // after the last epoch
    int test_correct;
    unsigned char *predicted;              // (n_test)
} run;

/**
## The training loop

An epoch shuffles the training images (the toolkit's generator, so the
seed fixes the order), cuts them into batches, and for each batch runs
the threads, adds their gradients and takes a step. Then it measures
the network on the test images it never trains on. The line it prints
carries the mean training loss, the accuracy on the training images
(counted on the fly, while the weights were still changing, as Keras
counts it) and the test accuracy. The time it took goes to stderr with
the images per second and the rate of arithmetic, in billions of
floating-point operations per second (GFLOP/s), so that the results on
stdout stay the same from run to run.
*/

// The whole test set forward; predictions into R->predicted.
static void evaluate(run *R, worker *team, int n_workers, const digits *d,
                     double *loss, int *correct)
{
    int *rows = nn_alloc((size_t)d->n_test, sizeof *rows);
    for (int i = 0; i < d->n_test; i++)
        rows[i] = i;
    run_workers(team, n_workers, d->test_x, d->test_y, rows, d->n_test,
                false, R->predicted);
    *loss = 0;
    *correct = 0;
    for (int t = 0; t < n_workers; t++) {
        *loss += team[t].loss;
        *correct += team[t].correct;
    }
    *loss /= d->n_test;
    free(rows);
}

// Train R->params from a fresh start. 0, or 1 when the loss diverged.
static int train(run *R, const digits *d, worker *team, int n_workers,
                 uint32_t seed, const char *program)
{
    const model *m = &R->m;
    const recipe *rc = &R->rc;
    rng r;
    rng_seed(&r, seed);
    model_init(m, R->params, &r);
    real *velocity = nn_alloc(m->n_params, sizeof *velocity);
    int *order = nn_alloc((size_t)d->n_train, sizeof *order);
    int status = 0;
    long steps = (long)rc->epochs * ((d->n_train + rc->batch - 1)
                                     / rc->batch), step = 0;
    for (int epoch = 1; epoch <= rc->epochs && status == 0; epoch++) {
        rng_permutation(&r, order, d->n_train);
        double start = nn_seconds(), loss = 0;
        long correct = 0;
        for (int first = 0; first < d->n_train; first += rc->batch) {
            int count = d->n_train - first < rc->batch
                      ? d->n_train - first : rc->batch;
            run_workers(team, n_workers, d->train_x, d->train_y,
                        order + first, count, true, NULL);
            for (int t = 0; t < n_workers; t++) {   // in a fixed order
                loss += team[t].loss;
                correct += team[t].correct;
                if (t > 0)
                    for (size_t i = 0; i < m->n_params; i++)
                        team[0].grads[i] += team[t].grads[i];
            }
            double lr = rc->lr;             // eta (1 - step / steps)
            if (rc->decay)
                lr *= 1 - (double)step / steps;
            sgd_step(R->params, velocity, team[0].grads, (real)lr,
                     (real)rc->momentum, m->n_params);
            step++;
        }
        double seconds = nn_seconds() - start;
        loss /= d->n_train;
        if (!isfinite(loss)) {
            fprintf(stderr, "%s: the loss diverged (%g) in epoch %d; "
                    "try a smaller --lr than %g\n", program, loss, epoch,
                    rc->lr);
            status = 1;
            break;
        }
        evaluate(R, team, n_workers, d, &R->test_loss, &R->test_correct);
        R->loss[epoch - 1] = loss;
        R->train_acc[epoch - 1] = (double)correct / d->n_train;
        R->test_acc[epoch - 1] = (double)R->test_correct / d->n_test;
        R->epochs_done = epoch;
        printf("epoch %2d/%d  loss %.4f  train %.4f  test %.4f\n", epoch,
               rc->epochs, loss, R->train_acc[epoch - 1],
               R->test_acc[epoch - 1]);
        fflush(stdout);
        fprintf(stderr, "%s (%s) epoch %2d/%d: %6.2f s, %6.0f images/s, "
                "%5.1f GFLOP/s\n", m->name, rc->name, epoch, rc->epochs,
                seconds, d->n_train / seconds,
                m->flops_per_image * d->n_train / seconds / 1e9);
    }
    free(velocity);
    free(order);
    return status;
}

/**
## Saving the weights

A trained network is its parameter block, so saving it means writing
that block, and a header that lets the loader refuse anything else. The
format is small and fixed, every number little-endian whatever the
machine:

| bytes | contents |
|---|---|
| 4 | the magic `NN09` |
| 4 | format version, 1 |
| 4 | the network: 0 the dense net, 1 LeNet-5 |
| 4 | $L$, the number of layers with parameters |
| $16 L$ | per layer: kernel rows and columns, inputs, outputs |
| $4 P$ | the $P$ parameters, as 32-bit floats, in the block's order |

A dense layer's "kernel" is $1 \times 1$. The loader reads the whole
file and checks it from the front: the magic number, the version, the
network, every shape against the network this program builds, then
that exactly $4P$ bytes of weights follow (fewer: the file is
truncated; more: something else is appended), and that every weight is
a finite number. Any failure is one line naming the file and what is
wrong, and exit status 2.
*/

enum { WEIGHTS_VERSION = 1 };

static void put_u32(unsigned char *at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        at[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16
         | (uint32_t)at[3] << 24;
}

// The shape a parameter layer is stored with: (k, k, inputs, outputs).
static void layer_shape(uint32_t shape[4], const layer *L)
{
    uint32_t k = L->kind == CONV ? (uint32_t)L->kernel : 1;
    shape[0] = shape[1] = k;
    shape[2] = (uint32_t)L->c;
    shape[3] = (uint32_t)L->oc;
}

// The file's bytes for model m with params; returns the size. Caller
// frees *bytes.
static size_t weights_encode(unsigned char **bytes, const model *m,
                             const real *params)
{
    uint32_t n_layers = 0;
    for (int l = 0; l < m->n_layers; l++)
        n_layers += m->layers[l].kind == DENSE
                  || m->layers[l].kind == CONV;
    size_t size = 16 + 16 * (size_t)n_layers + 4 * m->n_params;
    unsigned char *b = nn_alloc(size, 1), *at = b + 16;
    memcpy(b, "NN09", 4);
    put_u32(b + 4, WEIGHTS_VERSION);
    put_u32(b + 8, (uint32_t)m->id);
    put_u32(b + 12, n_layers);
    for (int l = 0; l < m->n_layers; l++) {
        uint32_t shape[4];
        if (m->layers[l].kind != DENSE && m->layers[l].kind != CONV)
            continue;
        layer_shape(shape, &m->layers[l]);
        for (int i = 0; i < 4; i++, at += 4)
            put_u32(at, shape[i]);
    }
    for (size_t i = 0; i < m->n_params; i++, at += 4) {
        float value = (float)params[i];
        uint32_t bits;
        memcpy(&bits, &value, 4);
        put_u32(at, bits);
    }
    *bytes = b;
    return size;
}

static int weights_save(const char *path, const model *m,
                        const real *params, char *err, size_t err_size)
{
    unsigned char *bytes;
    size_t size = weights_encode(&bytes, m, params);
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot create: %s", path,
                 strerror(errno));
        free(bytes);
        return -1;
    }
    size_t written = fwrite(bytes, 1, size, f);
    int closed = fclose(f);
    free(bytes);
    if (written != size || closed != 0) {
        snprintf(err, err_size, "%s: cannot write the weights", path);
        return -1;
    }
    return 0;
}

// Check the file's bytes b[size] and build its model; params are
// allocated (caller frees). 0, or -1 with one line in err.
static int weights_decode(model *m, real **params, const unsigned char *b,
                          size_t size, const char *path, char *err,
                          size_t err_size)
{
    if (size < 16 || memcmp(b, "NN09", 4) != 0) {
        snprintf(err, err_size, "%s: not a weights file of this chapter "
                 "(it does not start with the magic NN09 and a header)",
                 path);
        return -1;
    }
    uint32_t version = get_u32(b + 4), id = get_u32(b + 8);
    uint32_t n_layers = get_u32(b + 12);
    if (version != WEIGHTS_VERSION) {
        snprintf(err, err_size, "%s: format version %u, but this program "
                 "reads version %d", path, version, WEIGHTS_VERSION);
        return -1;
    }
    if (id > 1) {
        snprintf(err, err_size, "%s: unknown network number %u (0 is "
                 "mlp, 1 is lenet5)", path, id);
        return -1;
    }
    model_named(m, id ? "lenet5" : "mlp");
    const unsigned char *at = b + 16;
    uint32_t expected_layers = 0;
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        if (L->kind != DENSE && L->kind != CONV)
            continue;
        expected_layers++;
        if (expected_layers > n_layers)
            break;
        if ((size_t)(at - b) + 16 > size) {
            snprintf(err, err_size, "%s: truncated: %zu bytes end inside "
                     "the layer shapes", path, size);
            return -1;
        }
        uint32_t want[4];
        layer_shape(want, L);
        for (int i = 0; i < 4; i++)
            if (get_u32(at + 4 * i) != want[i]) {
                snprintf(err, err_size, "%s: layer %d has shape "
                         "%ux%ux%ux%u in the file, but %s's is "
                         "%ux%ux%ux%u", path, l + 1, get_u32(at),
                         get_u32(at + 4), get_u32(at + 8),
                         get_u32(at + 12), m->name, want[0], want[1],
                         want[2], want[3]);
                return -1;
            }
        at += 16;
    }
    if (n_layers != expected_layers) {
        snprintf(err, err_size, "%s: %u layers with parameters, but %s "
                 "has %u", path, n_layers, m->name, expected_layers);
        return -1;
    }
    size_t need = (size_t)(at - b) + 4 * m->n_params;
    if (size != need) {
        snprintf(err, err_size, size < need
                 ? "%s: truncated: %zu bytes, the header promises %zu"
                 : "%s: %zu bytes, but the header promises %zu (extra "
                   "bytes at the end)", path, size, need);
        return -1;
    }
    real *p = nn_alloc(m->n_params, sizeof *p);
    for (size_t i = 0; i < m->n_params; i++, at += 4) {
        uint32_t bits = get_u32(at);
        float value;
        memcpy(&value, &bits, 4);
        if (!isfinite(value)) {
            snprintf(err, err_size, "%s: parameter %zu is not a finite "
                     "number", path, i);
            free(p);
            return -1;
        }
        p[i] = value;
    }
    *params = p;
    return 0;
}

// Can path be created or overwritten? Checked before training.
static bool writable(const char *path, char *err, size_t err_size)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (access(dir, W_OK) != 0 || (access(path, F_OK) == 0
                                   && access(path, W_OK) != 0)) {
        snprintf(err, err_size, "--save %s: cannot write there: %s", path,
                 strerror(errno));
        return false;
    }
    return true;
}

static int weights_load(model *m, real **params, const char *path,
                        char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot open: %s", path,
                 strerror(errno));
        return -1;
    }
    enum { MAX_SIZE = 64 << 20 };         // far above both networks
    unsigned char *bytes = nn_alloc(MAX_SIZE + 1, 1);
    size_t size = fread(bytes, 1, MAX_SIZE + 1, f);
    int failed = ferror(f);
    fclose(f);
    int status = -1;
    if (failed)
        snprintf(err, err_size, "%s: cannot read", path);
    else if (size > MAX_SIZE)
        snprintf(err, err_size, "%s: larger than %d MB, not a weights "
                 "file of this chapter", path, MAX_SIZE >> 20);
    else
        status = weights_decode(m, params, bytes, size, path, err,
                                err_size);
    free(bytes);
    return status;
}

/**
## Classifying one image

`--classify WHAT` runs a single image through the network, after
training or with weights saved earlier (`--load FILE`). WHAT is either
an index into the test set or a PGM file, the simplest grey image
format (`P5` binary or `P2` text; most image programs can write it),
which must be $28 \times 28$ like MNIST's digits. MNIST digits are
light strokes on a dark ground; a picture whose border is mostly light
is taken to be dark ink on light paper and inverted first. The program
draws the image in characters, so that you can see what it saw, and
then prints the ten probabilities.
*/

// Next number in a PGM header, skipping blanks and # comments; -1 if none.
static long pgm_number(FILE *f)
{
    int ch = fgetc(f);
    while (ch == '#' || ch == ' ' || ch == '\t' || ch == '\n'
           || ch == '\r') {
        if (ch == '#')
            while (ch != '\n' && ch != EOF)
                ch = fgetc(f);
        ch = fgetc(f);
    }
    long v = -1;
    for (; ch >= '0' && ch <= '9' && v < 100000; ch = fgetc(f))
        v = (v < 0 ? 0 : 10 * v) + (ch - '0');
    return v;           // the character after the number is consumed
}

// A 28 x 28 PGM into px[784], scaled to 0..255. 0, or -1 with err.
static int pgm_read(unsigned char *px, const char *path, char *err,
                    size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot open: %s", path,
                 strerror(errno));
        return -1;
    }
    char magic[2] = {0, 0};
    bool ok = fread(magic, 1, 2, f) == 2 && magic[0] == 'P'
           && (magic[1] == '5' || magic[1] == '2');
    long width = ok ? pgm_number(f) : -1, height = pgm_number(f);
    long maxval = pgm_number(f);
    if (!ok || width < 1 || height < 1 || maxval < 1 || maxval > 255) {
        snprintf(err, err_size, "%s: not a PGM image (P5 or P2, maxval "
                 "at most 255)", path);
        fclose(f);
        return -1;
    }
    if (width != 28 || height != 28) {
        snprintf(err, err_size, "%s: the image is %ldx%ld; --classify "
                 "needs 28x28, like MNIST", path, width, height);
        fclose(f);
        return -1;
    }
    for (int i = 0; i < 28 * 28 && ok; i++) {
        long v = magic[1] == '5' ? fgetc(f) : pgm_number(f);
        ok = v >= 0 && v <= maxval;
        px[i] = ok ? (unsigned char)((v * 255 + maxval / 2) / maxval) : 0;
    }
    fclose(f);
    if (!ok) {
        snprintf(err, err_size, "%s: truncated or bad pixel values", path);
        return -1;
    }
    return 0;
}

typedef struct {               // one image to classify
    char name[300];            // "test image 17" or the file's name
    unsigned char px[28 * 28]; // 0..255, a light digit on a dark ground
    unsigned char label;       // the true label, if known
    bool known;
} query;

// --classify WHAT: a test-set index or a PGM file. Checked before any
// training, so that a typo costs nothing. 0, or -1 with err.
static int query_read(query *q, const char *what, const digits *d,
                      char *err, size_t err_size)
{
    memset(q, 0, sizeof *q);
    char *end;
    long index = strtol(what, &end, 10);
    if (*what && *end == '\0') {
        if (index < 0 || index >= d->n_test) {
            snprintf(err, err_size, "--classify: no test image %s (there "
                     "are %d, numbered 0 to %d)", what, d->n_test,
                     d->n_test - 1);
            return -1;
        }
        memcpy(q->px, d->test_x + (size_t)index * 28 * 28, sizeof q->px);
        q->label = d->test_y[index];
        q->known = true;
        snprintf(q->name, sizeof q->name, "test image %ld, labelled %d",
                 index, q->label);
        return 0;
    }
    if (pgm_read(q->px, what, err, err_size) != 0)
        return -1;
    long border = 0;
    for (int i = 0; i < 28; i++)
        border += q->px[i] + q->px[27 * 28 + i] + q->px[i * 28]
                + q->px[i * 28 + 27];
    bool inverted = border > 127L * 4 * 28;   // mostly light: paper
    if (inverted)
        for (int i = 0; i < 28 * 28; i++)
            q->px[i] = (unsigned char)(255 - q->px[i]);
    snprintf(q->name, sizeof q->name, "%.200s%s", what,
             inverted ? " (inverted: it was dark on light)" : "");
    return 0;
}

static void classify(const query *q, const model *m, const real *params)
{
    printf("\n%s:\n", q->name);
    for (int y = 0; y < 28; y++) {        // the image, in characters
        char line[29];
        for (int x = 0; x < 28; x++)
            line[x] = " .:-=+*#%@"[q->px[y * 28 + x] * 10 / 256];
        line[28] = '\0';
        printf("  |%s|\n", line);
    }
    worker one;
    int row = 0;
    team_alloc(&one, 1, m, params);
    run_workers(&one, 1, q->px, &q->label, &row, 1, false, NULL);
    const real *p = one.acts + m->probs;
    int guess = 0;
    for (int k = 1; k < N_CLASSES; k++)
        guess = p[k] > p[guess] ? k : guess;
    printf("prediction: %d (probability %.4f)%s\n", guess, p[guess],
           !q->known ? "" : guess == q->label ? ", right" : ", wrong");
    printf("probabilities:");
    for (int k = 0; k < N_CLASSES; k++)
        printf(" %d:%.3f", k, p[k]);
    printf("\n");
    team_free(&one, 1);
}

/**
## The figures

Four figures come out of a run. The training curves put every run side
by side. For LeNet-5, the six filters of the first layer are drawn as
$5 \times 5$ images (red for positive weights, blue for negative), each
above the feature map it makes from one test digit, after the ReLU: the
map is bright where the filter found its pattern. The confusion matrix
counts, for every true class (row), which class the network said
(column); its diagonal is the correct answers. Last, a grid of test
images the network got wrong, each titled with its true label and the
network's answer.
*/

static void draw_curves(plotter *pl, const run *runs, int n_runs)
{
    plot *p = plot_begin(pl, "curves", 7.5, 3.2);
    if (!p)
        return;
    for (int r = 0; r < n_runs; r++) {
        int n = runs[r].epochs_done;
        double *epoch = nn_alloc((size_t)n + 1, sizeof *epoch);
        for (int e = 0; e < n; e++)
            epoch[e] = e + 1;
        const double *cols[] = {epoch, runs[r].loss, runs[r].train_acc,
                                runs[r].test_acc};
        char name[16];
        snprintf(name, sizeof name, "$run%d", r);
        plot_columns(p, name, cols, 4, n);
        free(epoch);
    }
    plot_cmd(p, "set multiplot layout 1,2");
    plot_cmd(p, "set xlabel 'epoch'");
    plot_cmd(p, "set grid");
    for (int panel = 0; panel < 2; panel++) {
        if (panel == 0) {
            plot_cmd(p, "set logscale y");
            plot_cmd(p, "set ylabel 'training loss (log scale)'");
            plot_cmd(p, "set key top right");
        } else {
            plot_cmd(p, "unset logscale y");
            plot_cmd(p, "set ylabel 'test accuracy'");
            plot_cmd(p, "set yrange [0:1]");
            plot_cmd(p, "unset key");
        }
        char cmd[2048] = "plot ";
        for (int r = 0; r < n_runs; r++) {
            const run *R = &runs[r];
            char one[256];
            snprintf(one, sizeof one, "%s$run%d using 1:%d with lines "
                     "lw 2 lc %d dt %d title '%s, %s'", r ? ", " : "", r,
                     panel == 0 ? 2 : 4, R->m.id ? 7 : 6,
                     strcmp(R->rc.name, "keras") == 0 ? 2 : 1,
                     R->m.id ? "LeNet-5" : "dense",
                     strcmp(R->rc.name, "keras") == 0 ? "Keras recipe"
                                                      : "our recipe");
            strncat(cmd, one, sizeof cmd - strlen(cmd) - 1);
        }
        plot_cmd(p, "%s", cmd);
    }
    plot_cmd(p, "unset multiplot");
    plot_end(p);
}

// A w x h image as an inline data block, row 0 at the top.
static void plot_image(plot *p, const char *name, const double *v, int w,
                       int h)
{
    plot_grid(p, name, v, w, h, 0, w - 1, 0, h - 1);
}

static void draw_filters(plotter *pl, const run *R, const digits *d)
{
    const model *m = &R->m;
    plot *p = plot_begin(pl, "filters", 7.5, 2.5);
    if (!p)
        return;
    worker one;
    int row = 0;                          // the first test 7, if any
    while (row < d->n_test - 1 && d->test_y[row] != 7)
        row++;
    team_alloc(&one, 1, m, R->params);
    run_workers(&one, 1, d->test_x, d->test_y, &row, 1, false, NULL);
    const layer *conv = &m->layers[0], *relu = &m->layers[1];
    int k = conv->kernel, f = conv->oc, side = relu->oh;
    double digit[28 * 28], filter[25], map[24 * 24];
    for (int i = 0; i < 28 * 28; i++)
        digit[i] = d->test_x[(size_t)row * 28 * 28 + i] / 255.0;
    plot_image(p, "$digit", digit, 28, 28);
    double reach = 0;                     // one colour scale for all
    for (int i = 0; i < k * k * f; i++)
        reach = fmax(reach, fabs((double)R->params[conv->weights + i]));
    for (int o = 0; o < f; o++) {
        char name[32];
        for (int i = 0; i < k * k; i++)
            filter[i] = R->params[conv->weights + (size_t)o * k * k + i];
        snprintf(name, sizeof name, "$filter%d", o);
        plot_image(p, name, filter, k, k);
        for (int i = 0; i < side * side; i++)
            map[i] = one.acts[relu->out + (size_t)o * side * side + i];
        snprintf(name, sizeof name, "$map%d", o);
        plot_image(p, name, map, side, side);
    }
    team_free(&one, 1);
    plot_cmd(p, "set multiplot layout 2,%d margins 0.01,0.99,0.02,0.9 "
             "spacing 0.01,0.08", f + 1);
    plot_cmd(p, "unset xtics; unset ytics; unset key; unset colorbox");
    plot_cmd(p, "unset border; set size ratio -1; set yrange [] reverse");
    plot_cmd(p, "set palette gray");
    plot_cmd(p, "set title 'test digit'");
    plot_cmd(p, "plot $digit with image pixels");
    plot_cmd(p, "set palette defined (-1 '#2166ac', 0 'white', "
             "1 '#b2182b')");
    plot_cmd(p, "set cbrange [%g:%g]", -reach, reach);
    for (int o = 0; o < f; o++) {
        plot_cmd(p, "set title 'filter %d'", o + 1);
        plot_cmd(p, "plot $filter%d with image pixels", o);
    }
    plot_cmd(p, "set multiplot next");
    plot_cmd(p, "set palette gray; set cbrange [*:*]");
    for (int o = 0; o < f; o++) {
        plot_cmd(p, "set title 'map %d'", o + 1);
        plot_cmd(p, "plot $map%d with image pixels", o);
    }
    plot_cmd(p, "unset multiplot");
    plot_end(p);
}

static void draw_confusion(plotter *pl, const run *R, const digits *d)
{
    plot *p = plot_begin(pl, "confusion", 5, 4.4);
    if (!p)
        return;
    double count[N_CLASSES * N_CLASSES] = {0}, share[N_CLASSES * N_CLASSES];
    double row_total[N_CLASSES] = {0};
    for (int i = 0; i < d->n_test; i++) {
        count[d->test_y[i] * N_CLASSES + R->predicted[i]] += 1;
        row_total[d->test_y[i]] += 1;
    }
    for (int i = 0; i < N_CLASSES * N_CLASSES; i++)
        share[i] = row_total[i / N_CLASSES] > 0
                 ? count[i] / row_total[i / N_CLASSES] : 0;
    plot_grid(p, "$share", share, N_CLASSES, N_CLASSES, 0, 9, 0, 9);
    plot_grid(p, "$count", count, N_CLASSES, N_CLASSES, 0, 9, 0, 9);
    plot_cmd(p, "set xlabel 'predicted'; set ylabel 'true label'");
    plot_cmd(p, "set xrange [-0.5:9.5]; set yrange [9.5:-0.5]");
    plot_cmd(p, "set xtics 1 scale 0; set ytics 1 scale 0");
    plot_cmd(p, "set size ratio -1; unset key");
    plot_cmd(p, "set palette defined (0 'white', 0.1 '#c6dbef', "
             "1 '#2171b5')");
    plot_cmd(p, "set cbrange [0:1]; set cblabel 'share of the row'");
    plot_cmd(p, "set title '%s on %d test images'",
             R->m.id ? "LeNet-5" : "dense net", d->n_test);
    plot_cmd(p, "plot $share with image pixels, $count using 1:2:($3 > 0 ? "
             "sprintf('%%d', $3) : '') with labels font ',8'");
    plot_end(p);
}

static void draw_mistakes(plotter *pl, const run *R, const digits *d)
{
    enum { COLS = 10, ROWS = 4, TILE = 28, GAP = 12 };
    int wrong[COLS * ROWS], n = 0;
    for (int i = 0; i < d->n_test && n < COLS * ROWS; i++)
        if (R->predicted[i] != d->test_y[i])
            wrong[n++] = i;
    if (n == 0)
        return;
    int rows = (n + COLS - 1) / COLS;
    int width = COLS * TILE + (COLS - 1) * 4, height = rows * (TILE + GAP);
    double *mosaic = nn_alloc((size_t)width * height, sizeof *mosaic);
    for (int i = 0; i < width * height; i++)
        mosaic[i] = 1;                                // white paper
    for (int t = 0; t < n; t++) {
        int x0 = (t % COLS) * (TILE + 4), y0 = (t / COLS) * (TILE + GAP)
                                               + GAP;
        const unsigned char *px = d->test_x + (size_t)wrong[t] * 28 * 28;
        for (int y = 0; y < TILE; y++)
            for (int x = 0; x < TILE; x++)            // dark ink
                mosaic[(size_t)(y0 + y) * width + x0 + x] =
                    1 - px[y * 28 + x] / 255.0;
    }
    plot *p = plot_begin(pl, "mistakes", 7.5, 0.9 * rows + 0.5);
    if (!p) {
        free(mosaic);
        return;
    }
    plot_image(p, "$mosaic", mosaic, width, height);
    for (int t = 0; t < n; t++)
        plot_cmd(p, "set label %d '%d as %d' at %d,%d center front "
                 "font ',9'",
                 t + 1, d->test_y[wrong[t]], R->predicted[wrong[t]],
                 (t % COLS) * (TILE + 4) + TILE / 2,
                 (t / COLS) * (TILE + GAP) + GAP / 2);
    plot_cmd(p, "unset xtics; unset ytics; unset border; unset key");
    plot_cmd(p, "unset colorbox; set palette gray");
    plot_cmd(p, "set size ratio -1; set xrange [-0.5:%d.5]; "
             "set yrange [%d.5:-0.5]", width - 1, height - 1);
    plot_cmd(p, "set margins 0,0,0,0");
    plot_cmd(p, "plot $mosaic with image");
    plot_end(p);
    free(mosaic);
}

/**
## How fast could it be?

Two measurements put the training speed in perspective. `--peak` times
one large matrix product ($2048 \times 2048$ times $2048 \times 2048$,
17 billion operations) with OpenBLAS on `--threads` threads: close to
the most arithmetic this machine can do per second, since a large
product is the friendliest work there is for a processor. The training
lines report their own rate in the same unit, so the two can be
compared. `--time-conv` times LeNet-5's forward and backward pass over
a batch of 64 images, on one thread, three ways: with every loop plain
(what `--naive` trains with), with the six-loop convolution but fast
matrix products for the dense layers, and with im2col.
*/

static int measure_peak(int threads, bool quick)
{
    int n = quick ? 256 : 2048;
    real *a = nn_alloc((size_t)n * n, sizeof(real));
    real *b = nn_alloc((size_t)n * n, sizeof(real));
    real *c = nn_alloc((size_t)n * n, sizeof(real));
    for (size_t i = 0; i < (size_t)n * n; i++)
        a[i] = (real)(i % 7) / 7, b[i] = (real)(i % 5) / 5;
    mat_blas_threads(threads);
    gemm(c, a, false, b, false, 1, 0, n, n, n);        // warm up
    int reps = 0;
    double start = nn_seconds(), seconds;
    do {
        gemm(c, a, false, b, false, 1, 0, n, n, n);
        reps++;
        seconds = nn_seconds() - start;
    } while (seconds < 1.0 && !quick);
    mat_blas_threads(1);
    printf("peak: %dx%d matrix product in %s on %d thread%s: "
           "%.1f GFLOP/s\n", n, n, REAL_NAME, threads,
           threads == 1 ? "" : "s", 2.0 * n * n * n * reps / seconds / 1e9);
    free(a), free(b), free(c);
    return 0;
}

static void time_conv(const digits *d)
{
    enum { N = 64 };
    model m;
    model_named(&m, "lenet5");
    real *params = nn_alloc(m.n_params, sizeof(real));
    rng r;
    rng_seed(&r, 0);
    model_init(&m, params, &r);
    worker one;
    team_alloc(&one, 1, &m, params);
    int rows[N], n = d->n_train < N ? d->n_train : N;
    for (int i = 0; i < n; i++)
        rows[i] = i;
    const char *how[] = {"plain loops (--naive)",
                         "six loops, fast dense layers",
                         "im2col + gemm (the default)"};
    double first = 0;
    fprintf(stderr, "time-conv: LeNet-5 forward and backward, a batch of "
            "%d images, one thread:\n", n);
    for (int way = 0; way < 3; way++) {
        plain_gemm = way == 0;
        plain_conv = way < 2;
        int reps = 0;
        double start = nn_seconds(), seconds;
        do {
            run_workers(&one, 1, d->train_x, d->train_y, rows, n, true,
                        NULL);
            reps++;
            seconds = nn_seconds() - start;
        } while (seconds < 0.3);
        double per_image = seconds / reps / n;
        if (way == 0)
            first = per_image;
        fprintf(stderr, "time-conv: %-30s %7.1f us per image %5.1fx\n",
                how[way], per_image * 1e6, first / per_image);
    }
    plain_gemm = plain_conv = false;
    team_free(&one, 1);
    free(params);
}

/**
## The program

`main` reads the flags, loads the data, and trains the chosen networks
with the chosen recipes, each from the same seed. It prints each
network's summary and, for each run, a line per epoch and a result
line; then it draws, saves and classifies as asked.
*/

static void print_result(const run *R, const digits *d, const char *how)
{
    printf("result: %s (%s) test accuracy %.4f (%d/%d), loss %.6f\n",
           R->m.name, how, (double)R->test_correct / d->n_test,
           R->test_correct, d->n_test, R->test_loss);
}

static void run_alloc(run *R, const char *name, const recipe *rc,
                      int n_test)
{
    memset(R, 0, sizeof *R);
    model_named(&R->m, name);
    R->rc = *rc;
    R->params = nn_alloc(R->m.n_params, sizeof(real));
    R->loss = nn_alloc((size_t)rc->epochs, sizeof(double));
    R->train_acc = nn_alloc((size_t)rc->epochs, sizeof(double));
    R->test_acc = nn_alloc((size_t)rc->epochs, sizeof(double));
    R->predicted = nn_alloc((size_t)n_test, 1);
}

static void run_free(run *R)
{
    free(R->params), free(R->loss), free(R->train_acc);
    free(R->test_acc), free(R->predicted);
}

int main(int argc, char **argv)
{
    const char *which = "both", *data = "mnist", *recipes = "ours";
    const char *save = NULL, *load = NULL, *image = NULL, *check = NULL;
    recipe ours = {"ours", 15, 32, 0.02, 0.9, true};
    const char *schedule = "linear";
    int threads = 2;
    bool peak = false, timing = false, naive = false;
    cli_option options[] = {
        {"--model", CLI_CHOICE, &which, "the dense net, LeNet-5, or both",
         .choices = "mlp|lenet5|both"},
        {"--data", CLI_STRING, &data,
         "mnist, fashion, or an IDX directory", 0, 0, false, NULL},
        {"--recipe", CLI_CHOICE, &recipes, "ours (flags below), keras, both",
         .choices = "ours|keras|both"},
        {"--epochs", CLI_INT, &ours.epochs, "passes over the training set",
         .min = 1, .max = 10000},
        {"--batch", CLI_INT, &ours.batch, "images per step", .min = 1,
         .max = 60000},
        {"--lr", CLI_DOUBLE, &ours.lr, "learning rate", .min = 0,
         .max = 10, .open_min = true},
        {"--momentum", CLI_DOUBLE, &ours.momentum, "momentum, 0: plain SGD",
         .min = 0, .max = 0.999},
        {"--schedule", CLI_CHOICE, &schedule, "the learning rate over time",
         .choices = "linear|constant"},
        {"--threads", CLI_INT, &threads, "threads that share each batch",
         .min = 1, .max = MAX_THREADS},
        {"--save", CLI_STRING, &save,
         "write the last network's weights", 0, 0, false, NULL},
        {"--load", CLI_STRING, &load,
         "read weights instead of training", 0, 0, false, NULL},
        {"--classify", CLI_STRING, &image,
         "a test index or a 28x28 PGM", 0, 0, false, NULL},
        {"--gradcheck", CLI_STRING, &check, "check gradients: a layer, mlp, "
         "lenet5 or all", 0, 0, false, NULL},
        {"--peak", CLI_FLAG, &peak,
         "measure the matrix product's rate", 0, 0, false, NULL},
        {"--time-conv", CLI_FLAG, &timing,
         "time the convolution 3 ways", 0, 0, false, NULL},
        {"--naive", CLI_FLAG, &naive,
         "plain loops: no BLAS, no im2col", 0, 0, false, NULL},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "chapter 9: a dense net and LeNet-5 on "
                           "digits");
    if (status != CLI_CONTINUE)
        return status;
    status = 0;
    ours.decay = strcmp(schedule, "linear") == 0;
    flush_denormals();
#ifdef OPENBLAS_SEQUENTIAL
    mat_blas_threads(1);                  // our threads, not BLAS's
#endif
    plain_gemm = plain_conv = naive;
    if (check) {
        rng r;
        rng_seed(&r, common.seed);
        return gradcheck(check, &r);
    }
    if (peak)
        return measure_peak(threads, common.quick);
    if (common.quick) {
        ours.epochs = ours.epochs < 2 ? ours.epochs : 2;
    }

    digits d;
    char err[512];
    if (digits_load(&d, data, common.quick, err, sizeof err) != 0)
        return cli_error(&common, "%s", err);
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0) {
        digits_free(&d);
        return 2;
    }
    query q;
    if ((image && query_read(&q, image, &d, err, sizeof err) != 0)
        || (save && !writable(save, err, sizeof err))) {
        digits_free(&d);
        return cli_error(&common, "%s", err);
    }
    printf("data: %s, %d training and %d test images of %dx%d\n", data,
           d.n_train, d.n_test, d.rows, d.cols);
    if (d.held_out)
        printf("      (no test files: every fifth image is held out)\n");
    printf("threads: %d\n", threads);
    if (timing)
        time_conv(&d);

    worker team[MAX_THREADS];
    run runs[4];
    int n_runs = 0;
    if (load) {                           // no training: the file's
        run *R = &runs[n_runs++];
        memset(R, 0, sizeof *R);
        if (weights_load(&R->m, &R->params, load, err, sizeof err) != 0) {
            digits_free(&d);
            return cli_error(&common, "%s", err);
        }
        R->predicted = nn_alloc((size_t)d.n_test, 1);
        printf("loaded %s\n", load);
        model_summary(&R->m);
        team_alloc(team, threads, &R->m, R->params);
        evaluate(R, team, threads, &d, &R->test_loss, &R->test_correct);
        team_free(team, threads);
        print_result(R, &d, "loaded");
    }
    recipe keras = keras_recipe;
    if (common.quick)
        keras.epochs = 2;
    for (int net = 0; net < 2 && !load && status == 0; net++) {
        const char *name = net == 0 ? "mlp" : "lenet5";
        if (strcmp(which, "both") != 0 && strcmp(which, name) != 0)
            continue;
        for (int k = 0; k < 2 && status == 0; k++) {
            const recipe *rc = k == 0 ? &keras : &ours;
            if (strcmp(recipes, "both") != 0
                && strcmp(recipes, rc->name) != 0)
                continue;
            run *R = &runs[n_runs++];
            run_alloc(R, name, rc, d.n_test);
            if (n_runs == 1 || runs[n_runs - 2].m.id != R->m.id) {
                printf("\n");
                model_summary(&R->m);
            }
            printf("\ntraining %s (%s): lr %g%s, momentum %g, batch "
                   "%d, %d epochs\n", name, rc->name, rc->lr,
                   rc->decay ? " down to 0" : "", rc->momentum,
                   rc->batch, rc->epochs);
            team_alloc(team, threads, &R->m, R->params);
            status = train(R, &d, team, threads, common.seed,
                           common.program);
            team_free(team, threads);
            if (status == 0)
                print_result(R, &d, rc->name);
        }
    }

    const run *last = n_runs > 0 ? &runs[n_runs - 1] : NULL;
    const run *lenet = NULL;
    for (int r = 0; r < n_runs; r++)
        if (runs[r].m.id == 1)
            lenet = &runs[r];
    if (status == 0 && last) {
        if (!load)
            draw_curves(&pl, runs, n_runs);
        if (lenet)
            draw_filters(&pl, lenet, &d);
        draw_confusion(&pl, last, &d);
        draw_mistakes(&pl, last, &d);
        if (save && weights_save(save, &last->m, last->params, err,
                                 sizeof err) != 0)
            status = cli_error(&common, "%s", err);
        else if (save)
            printf("saved %s (%s)\n", save, last->m.name);
        if (status == 0 && image)
            classify(&q, &last->m, last->params);
    }
    for (int r = 0; r < n_runs; r++)
        run_free(&runs[r]);
    digits_free(&d);
    return status;
}

/**
## What the program printed

The book runs the program with `--model both --recipe both
--time-conv`: each network first with the tutorial's recipe, then with
ours, all from the same seed. The dense network has a third of a million
parameters, most of them in its first layer:

```{.output file="09-lenet5" from="model mlp" to="softmax"}
```

Trained with our recipe, it soon classifies nearly every one of its
8,000 training digits right, while the test accuracy, on digits it
never sees, stops rising much earlier: from then on the network
memorises its training digits more than it learns about digits:

```{.output file="09-lenet5" from="training mlp (ours)" to="result: mlp"}
```

LeNet-5 has fewer parameters than the dense net's second layer alone,
yet a convolution applies each of its weights at hundreds of places, so
it spends about as much arithmetic per image:

```{.output file="09-lenet5" from="model lenet5" to="softmax"}
```

```{.output file="09-lenet5" from="training lenet5 (ours)"
    to="result: lenet5"}
```

The convolutional network ends above the dense one, with less than a
seventh of its parameters; the gap is the value of knowing that a
stroke is a stroke wherever it is. And here are the tutorial's recipe
and ours, side by side:

```{.output file="09-lenet5" grep="result:"}
```

![Training loss (left, on a log scale) and test accuracy (right) per
epoch, for both networks with the tutorial's recipe (dashed, 50 epochs
of 8 steps) and with ours (solid, 15 epochs of 250 smaller-batch steps
with momentum).](figures/09-lenet5/curves)

The tutorial's recipe (dashed) is still creeping down after 50 epochs:
with only 8 steps per epoch, it has taken 400 steps in all, where ours
takes 250 in every epoch. Our losses fall fast in the first epochs and
then level off on the log scale, as the learning rate shrinks and the
weights settle.

![LeNet-5's six first-layer filters (top, red positive and blue
negative weights) and what each makes of a test digit (bottom: the
feature maps after the ReLU, bright where the filter responds).
](figures/09-lenet5/filters)

The first layer's filters are small detectors of strokes and edges:
some maps light up on the strokes themselves, others along one side of
a stroke, the edge where dark turns to light in one direction. The
second layer combines these maps into larger parts of digits, and the
dense layers at the end vote.

![The confusion matrix of LeNet-5 on the 2,000 test digits: row is
the true digit, column what the network said, and the colour the share
of the row.](figures/09-lenet5/confusion)

![Test digits that LeNet-5 got wrong, each titled with its true label
and the network's answer.](figures/09-lenet5/mistakes)

Many of the mistakes are digits a person would hesitate over too; some
are plain errors of the network. With 8,000 training digits it has
seen each class only about 800 times.

## How fast it ran

The run's timings went to stderr. First the convolution: LeNet-5's
forward and backward pass over 64 images, on one thread, three ways:

```{.output file="09-lenet5" stream="stderr" grep="time-conv"}
```

Giving only the dense layers the fast matrix product helps a little;
turning the convolutions into matrix products as well is what makes the
difference. Then the last
epoch of each of our runs, on two threads:

```{.output file="09-lenet5" stream="stderr" grep="(ours) epoch 15/15"}
```

How does that rate of arithmetic compare with what this machine can do?
`build/bin/09-lenet5 --peak` measures a large matrix product on yours,
and `make bench` prints the two side by side. These networks are small:
LeNet-5's first layer has 6 filters of 25 weights, and a matrix
product with six rows cannot keep a vector unit busy the way a
$2048 \times 2048$ product does. Batches of 32 images add a cost per
step, the adding of the gradient blocks and the optimizer's pass over
all parameters, that large batches spread over more images; the
benchmark below uses batches of 1024.

`make bench` runs `bench/lenet5.sh`, which trains the same networks
with PyTorch (`bench/peers/lenet5_torch.py`, PyTorch on the CPU) and
with this program, one after the other on the same work: one epoch
over Fashion-MNIST's 60,000 training images, batches of 1024, two
threads. It prints the seconds per epoch of each, the ratio, the peak
memory of each process, and the C program's rate of arithmetic as a
share of the measured peak; then it trains both networks with our
recipe on MNIST and on Fashion-MNIST and checks their test accuracy.
Nothing in the C program is clever beyond what this chapter showed. It
wins because it does only the work the network needs: no tensors
allocated per operation, no dispatch through layers of a framework, a
few images at a time in cache, threads that share out whole images
instead of splitting each small operation, and pixels kept as bytes
until they are needed.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-09 EXERCISE=k` rebuilds the program and its
double-precision twin with your changes and tells you whether it
reached the goal (`make check-09` checks them all). Give an answer you
found as `ANSWER=`.

1. Run `build/bin/09-lenet5 --data fashion`. Which classes does the
   confusion matrix mix up, and do the mistakes surprise you?
2. Give plain SGD more steps: `--model lenet5 --batch 1024 --lr 0.05`
   `--momentum 0 --schedule constant --epochs 200`, eight steps an
   epoch. Does it catch up with our recipe? Then keep everything but
   use `--batch 128`: the same arithmetic per epoch, eight times the
   steps. In which epoch does the test accuracy first reach 0.95 with
   batches of 128, and in which with batches of 1024? Which needs
   fewer steps, and which less arithmetic? Goal: the first epoch in
   which batches of 128 get at least 0.95 of MNIST's test digits right
   (on the default two threads; the rate stays constant, so a run of
   fewer epochs prints the same first epochs).
   (check: `make check-09 EXERCISE=2 ANSWER=<epoch>`)
3. Take our recipe apart: `--model lenet5 --momentum 0`, then
   `--model lenet5 --schedule constant`. Which of the two, the momentum
   or the falling learning rate, matters more on MNIST, and which on
   Fashion-MNIST? Goal: for MNIST, the one whose removal leaves
   LeNet-5's test accuracy lower, `momentum` or `schedule`.
   (check: `make check-09 EXERCISE=3 ANSWER=<momentum or schedule>`)
4. Train with `--naive` and compare an epoch's time with the default.
   Which of the three lines of `--time-conv` predicts the difference?
5. Run the default twice with `--threads 1`, then with `--threads 2`,
   and compare the outputs. Which digits change, and why only those?
6. The build makes a double-precision twin of this program,
   `build/bin/09-lenet5-double`. Time an epoch of each (`--model lenet5`
   `--data fashion --epochs 1`): what does single precision buy here?
7. Widen LeNet-5: give the second convolution 32 filters in
   `lenet5_layers`. How do the parameter count, the time per epoch and
   the accuracy change? Check the gradients with the twin:
   `build/bin/09-lenet5-double --gradcheck lenet5`. Goal: the summary
   shows `conv 32@5x5`, the twin's `--gradcheck lenet5` passes, and
   `--quick` still gets at least half of the test digits right.
   (check: `make check-09 EXERCISE=7`)
8. Draw a digit, light on dark or dark on light, save it as a $28
   \times 28$ PGM, and classify it: `--model lenet5 --save w.bin`, then
   `--load w.bin --classify digit.pgm`. How centred and how thick must
   your strokes be for the network to agree with you?
9. (Harder) Add max pooling, which keeps the largest of each $2 \times
   2$ block: a layer kind `MAXPOOL`, a forward function, a backward
   function that sends the gradient only to the input that won, cases
   in `model_build`, `layer_name` (printing `maxpool 2x2`),
   `model_forward` and `model_backward`, and a case `maxpool` in the
   table of `gradcheck`. Put it in `lenet5_layers` in place of both
   average poolings. Does LeNet-5 do better with it? Goal: the twin's
   `--gradcheck maxpool` and `--gradcheck lenet5` pass, the summary
   shows `maxpool 2x2` twice and `avgpool` no more, and `--quick` still
   gets at least half of the test digits right.
   (check: `make check-09 EXERCISE=9`)
*/
