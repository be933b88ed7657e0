/**
# Truncated Newton on real digits {#ch-tnc-mnist}

Exercise 4 of Andrew Ng's machine-learning course trains a network with
one hidden layer to read handwritten digits: 5,000 images of 20x20
pixels, 400 inputs, 25 sigmoid hidden units and 10 sigmoid outputs, one
per digit. The Python version this chapter follows (seed 004) builds it
in NumPy one piece at a time - one-hot labels, the two weight matrices
packed into one vector, the forward pass, the cost with and without
regularisation, backpropagation - and then hands cost and gradient to
`scipy.optimize.minimize(method='TNC')` with `options={'maxiter': 300}`.

We build the same network at MNIST's own resolution: the full 28x28
image, 784 inputs, on real MNIST digits. And we do not stop at the
network. SciPy's TNC is a C program, Jean-Sebastien Roy's translation of
Stephen Nash's Fortran *truncated-Newton* code, which the Python merely
calls; the second half of this chapter writes such an optimizer: Newton's
method for a function of 19,885 variables, without ever forming its
Hessian.

```{.run chapter="08-tnc-mnist"}
```
*/
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idx.h"
#include "nn.h"

/**
## The digits

The repository ships the first 10,000 images of MNIST's training set in
`data/mnist/`, as IDX files, the format MNIST is published in
(`data/README.md` says where they come from). The toolkit's `idx.h`
([appendix](#app-toolkit)) reads them and checks them: the magic
number, the sizes against the file's length, every label.
`--data fashion` reads Fashion-MNIST instead, and `--data DIR` any
directory of IDX files; a file that fails a check stops the program
with one line naming the file and the problem.

Each pixel is a byte, 0 for blank paper up to 255 for full ink, and the
network sees `byte / 255`. The seed puts one image in each row of its
matrix `X` and inserts a first column of ones for the bias. We store the
transpose: one *column* per image, and a first *row* of ones. The
lecture writes the network for one column vector $a$ at a time
($z = \Theta a$), and a matrix of columns lets us write the same formula
for all images at once: $Z = \Theta A$.

Which images train and which test? The files are sorted by digit: the
package they were converted from keeps one list per digit, so all the
zeros come first, then the ones, and so on. "The first 5,000 to train
and the last 5,000 to test" would train on the digits 0 to 4 and test on
5 to 9. Instead we deal them out like cards: the images at even
positions train and those at odd positions test, which halves every
digit, uses no random numbers, and is one slice in NumPy (`X[0::2]`,
`X[1::2]`; the SciPy program in `bench/` does exactly that). A smaller
run (`--train 500`, or `--quick`) deals from every tenth image, so it
still sees all ten digits.

The seed's `one_hot_encoder` turns a label into ten numbers, a 1 in the
label's place and 0 elsewhere, because the network has one output per
digit and the cost compares each output with "is it this digit?". Its
`y_temp[i-1] = 1` is there because ex4's labels run from 1 to 10 (with
10 standing for the digit 0, an Octave habit); ours are the digits
themselves, so digit $d$ sets row $d$.
*/

// The inked (nonzero) inputs of a set of images as lists: list j holds
// start[j+1] - start[j] entries (index, value). Two of them describe the
// same images: by image (each image's inked pixels) and by pixel (the
// images in which each pixel is inked). "Most of a digit is blank
// paper" below explains why.
typedef struct {
    int n_lists;        // images (by image) or inputs (by pixel)
    int *start;         // (n_lists + 1)
    int *index;         // (entries): a pixel, or an image
    double *value;      // (entries): its value
} ink_lists;

// A set of images as the network reads them: one column per image.
typedef struct {
    int m;              // number of images
    matrix inputs;      // (n_in + 1, m): row 0 all ones, then pixel/255
    matrix targets;     // (n_out, m): the labels, one-hot
    int *labels;        // (m): the digits, 0..9
    ink_lists by_image, by_pixel;   // empty unless built (not --dense)
    int threads;        // how many threads share the work on the lists
    double *scratch;    // (2 * strips * STRIP * max(n_in + 1, m))
} digit_set;

// targets[d][i] = 1 when image i shows the digit d, else 0.
// targets is (n_out, m); labels[m] are in 0..n_out-1.
static void one_hot(matrix targets, const int *labels)
{
    mat_fill(targets, 0.0);
    for (int i = 0; i < targets.cols; i++)
        MAT_AT(targets, labels[i], i) = 1.0;
}

// m images into set: the k-th is image first + k * step of the file.
static void take_digits(digit_set *set, const idx_images *images,
                        const idx_labels *labels, int first, int step,
                        int m)
{
    int n_in = images->rows * images->cols;
    set->m = m;
    set->inputs = mat_alloc(n_in + 1, m);
    set->targets = mat_alloc(10, m);
    set->labels = nn_alloc((size_t)m, sizeof *set->labels);
    for (int k = 0; k < m; k++) {
        size_t i = (size_t)first + (size_t)k * (size_t)step;
        const unsigned char *pixel = images->pixels + i * (size_t)n_in;
        MAT_AT(set->inputs, 0, k) = 1.0;                // the bias input
        for (int p = 0; p < n_in; p++)
            MAT_AT(set->inputs, p + 1, k) = pixel[p] / 255.0;
        set->labels[k] = labels->labels[i];
    }
    one_hot(set->targets, set->labels);
}

static void free_lists(ink_lists *lists)
{
    free(lists->start), free(lists->index), free(lists->value);
    memset(lists, 0, sizeof *lists);
}

static void free_digits(digit_set *set)
{
    mat_free(&set->inputs);
    mat_free(&set->targets);
    free(set->labels);
    set->labels = NULL;
    free_lists(&set->by_image);
    free_lists(&set->by_pixel);
    free(set->scratch);
    set->scratch = NULL;
}

// The split: of the first 2m images (at most 10,000), every other one
// trains and the ones between test. Returns the m it could use.
static int split_digits(digit_set *train, digit_set *test,
                        const idx_dataset *d, int m)
{
    int available = d->train_images.count < 10000 ? d->train_images.count
                                                   : 10000;
    if (m > available / 2)
        m = available / 2;
    if (m < 1)
        return 0;
    int stride = available / (2 * m);    // 1 for the full 10,000
    take_digits(train, &d->train_images, &d->train_labels, 0,
                2 * stride, m);
    take_digits(test, &d->train_images, &d->train_labels, stride,
                2 * stride, m);
    return m;
}

/**
## One block of weights

The first layer's weights $\Theta^{(1)}$ are a $25 \times 785$ matrix:
one row per hidden unit, one column per input, column 0 for the bias.
The second layer's $\Theta^{(2)}$ is $10 \times 26$. An optimizer knows
nothing about layers; it wants one vector of
$25 \cdot 785 + 10 \cdot 26 = 19{,}885$ numbers. The seed's `serialize`
flattens and concatenates the two matrices, and `deserialize` cuts the
vector and reshapes the pieces.

In C the vector can simply *be* the storage: one block `theta`, with
$\Theta^{(1)}$ row after row and then $\Theta^{(2)}$. `deserialize`
then copies nothing; it returns two matrix headers that point into the
block, which is what NumPy's `reshape` of a slice does too. A gradient
block of the same layout, deserialized the same way, gets the layers'
gradients written straight into the vector the optimizer reads.
`serialize` is needed only where two separate matrices exist first, as
in the gradient check below.

The seed starts from `np.random.uniform(-0.5, 0.5, 10285)` (that is
$25 \cdot 401 + 10 \cdot 26$ for its 400-pixel images). We draw our
19,885 numbers the same way from the toolkit's NumPy-compatible
generator seeded with 0, so the SciPy program in `bench/` starts from
the very same weights.
*/

typedef struct {
    int n_in, n_hidden, n_out;   // 784, 25, 10 by default
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
## The forward pass

With $A^{(1)}$ the images (with their row of ones), the network computes

$$Z^{(2)} = \Theta^{(1)} A^{(1)}, \quad
  A^{(2)} = \begin{bmatrix} 1 \\ g(Z^{(2)}) \end{bmatrix}, \quad
  Z^{(3)} = \Theta^{(2)} A^{(2)}, \quad
  H = g(Z^{(3)}),$$

where $g(z) = 1/(1 + e^{-z})$ is the sigmoid, applied to each element,
and the row of ones on top of $A^{(2)}$ is the hidden layer's bias unit.
Each column of $H$ holds one image's ten outputs, each between 0 and 1.
The seed's names are `a1`, `z2`, `a2`, `z3` and `h`; ours say what they
hold (`inputs`, `hidden_in`, `hidden`, `output_in`, `probs`), with the
seed's name beside each in the code.

Two kinds of layer appear, and as in the rest of the book each comes as
a pair: a forward function, and a backward function that takes the
derivative of the cost with respect to the layer's output and *adds* the
derivatives with respect to its inputs and weights. For $z = W a$ these
are $\partial J / \partial W = \delta\, a^T$ and
$\partial J / \partial a = W^T \delta$, with $\delta = \partial J /
\partial z$; for the sigmoid, $g'(z) = g(z)(1 - g(z))$, so the slope
comes from the output $a = g(z)$ alone. The products go through
`mat_gemm`, which hands them to OpenBLAS. The first layer's is
$25 \times 785$ times $785 \times 5000$, and it is where the time goes,
so it gets a closer look below.
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

// a = g(z) = 1 / (1 + exp(-z)), element by element; a, z same shape.
static void sigmoid_forward(matrix a, matrix z)
{
    for (size_t k = 0; k < mat_size(z); k++)
        a.data[k] = 1.0 / (1.0 + exp(-z.data[k]));
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
### Most of a digit is blank paper

Both products with the images, $\Theta^{(1)} A^{(1)}$ forward and
$\delta^{(2)} A^{(1)T}$ backward, multiply every one of the 785 inputs
of every image, and about four in five of them are zero: the border of
an MNIST image is always empty, and a digit's strokes cover only part
of the middle. OpenBLAS does not know that, and NumPy in the seed does
not either. We can skip the zeros by keeping, for each image, the list
of its inked pixels with their values (and the bias input, always 1):

$$z_{:,i} = \sum_{p \,\in\, \text{ink}(i)} a_{p i}\, \Theta^{(1)}_{:,p}.$$

Each inked pixel adds a column of $\Theta^{(1)}$, weighted by its value,
to the image's 25 hidden inputs. The backward product has the same
shape with the roles swapped: the gradient for pixel $p$'s weights sums
$a_{p i}\, \delta^{(2)}_{:,i}$ over the images $i$ in which $p$ is
inked. So we keep the same nonzeros a second time, listed by pixel, and
one function serves both: for each list, sum the rows it names,
weighted by their values. The 25 outputs per list are done in two
strips of 13 (one lane to spare), whose running sums, written out as
thirteen variables, the compiler can keep in the processor's
registers. The result is the same sum as the dense product
without its zero terms, so it agrees with `mat_gemm` up to the order of
the additions; `--dense` uses `mat_gemm` instead, and the program prints
how far the two gradients are apart.

The lists do not depend on each other, so they can be shared out:
`--threads` (by default one per processor) cuts them into parts with
about equal numbers of entries and sums each part on its own POSIX
thread. Each list is still summed by one thread, in the same order, so
the results are the same bytes for any number of threads.
*/

enum { STRIP = 13 };   // two strips hold 25 hidden units

// out[j][0..13) = the sum over list j of value * rows[index][0..13).
// rows is (any, 13), out is (lists->n_lists, 13). The running sums
// are written out one by one so that they stay in registers.
static void sum_listed_rows(double *out, const ink_lists *lists,
                            const double *rows)
{
    for (int j = 0; j < lists->n_lists; j++) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0,
               s7 = 0, s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0;
        for (int q = lists->start[j]; q < lists->start[j + 1]; q++) {
            double x = lists->value[q];
            const double *r = rows + (size_t)lists->index[q] * STRIP;
            s0 += x * r[0], s1 += x * r[1], s2 += x * r[2];
            s3 += x * r[3], s4 += x * r[4], s5 += x * r[5];
            s6 += x * r[6], s7 += x * r[7], s8 += x * r[8];
            s9 += x * r[9], s10 += x * r[10], s11 += x * r[11];
            s12 += x * r[12];
        }
        double *o = out + (size_t)j * STRIP;
        o[0] = s0, o[1] = s1, o[2] = s2, o[3] = s3, o[4] = s4;
        o[5] = s5, o[6] = s6, o[7] = s7, o[8] = s8, o[9] = s9;
        o[10] = s10, o[11] = s11, o[12] = s12;
    }
}

// The lists of set->inputs' nonzeros, by image and by pixel, and room
// for products with up to max_outputs rows, shared by `threads`.
static void build_ink_lists(digit_set *set, int max_outputs, int threads)
{
    matrix a = set->inputs;                       // (n_in + 1, m)
    int entries = 0;
    for (size_t k = 0; k < mat_size(a); k++)
        entries += a.data[k] != 0.0;
    ink_lists *lists[2] = {&set->by_image, &set->by_pixel};
    for (int b = 0; b < 2; b++) {
        ink_lists *l = lists[b];
        l->n_lists = b == 0 ? a.cols : a.rows;
        l->start = nn_alloc((size_t)l->n_lists + 1, sizeof *l->start);
        l->index = nn_alloc((size_t)entries, sizeof *l->index);
        l->value = nn_alloc((size_t)entries, sizeof *l->value);
        int n = 0;
        for (int j = 0; j < l->n_lists; j++) {
            l->start[j] = n;
            for (int k = 0; k < (b == 0 ? a.rows : a.cols); k++) {
                double v = b == 0 ? MAT_AT(a, k, j) : MAT_AT(a, j, k);
                if (v != 0.0) {
                    l->index[n] = k;
                    l->value[n++] = v;
                }
            }
        }
        l->start[l->n_lists] = n;
    }
    int longest = a.rows > a.cols ? a.rows : a.cols;
    int strips = (max_outputs + STRIP - 1) / STRIP;
    set->threads = threads;
    set->scratch = nn_alloc(2 * (size_t)strips * STRIP * longest,
                            sizeof(double));
}

// One thread's share of sum_strips: lists first..last-1, every strip.
typedef struct {
    double *out;             // (strips, lists->n_lists, STRIP)
    const ink_lists *lists;
    const double *rows;      // (strips, n_rows, STRIP)
    int strips, n_rows, first, last;
} strip_job;

static void *run_strip_job(void *arg)
{
    const strip_job *job = arg;
    const ink_lists *l = job->lists;
    ink_lists part = {job->last - job->first, l->start + job->first,
                      l->index, l->value};
    for (int s = 0; s < job->strips; s++)
        sum_listed_rows(job->out + ((size_t)s * l->n_lists + job->first)
                                       * STRIP,
                        &part, job->rows + (size_t)s * job->n_rows * STRIP);
    return NULL;
}

// sum_listed_rows for every strip, the lists cut into `threads` parts
// of about equal numbers of entries, one thread each. Every list is
// summed by one thread in the same order, so the result does not
// depend on the number of threads. A thread that cannot be started
// leaves its part to this one.
static void sum_strips(double *out, const ink_lists *lists,
                       const double *rows, int strips, int n_rows,
                       int threads)
{
    enum { MAX_THREADS = 16 };
    strip_job jobs[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS
                                                      : threads;
    int total = lists->start[lists->n_lists], first = 0;
    for (int t = 0; t < threads; t++) {
        int last = first;             // entries up to (t + 1) / threads
        long goal = (long)total * (t + 1) / threads;
        while (last < lists->n_lists && lists->start[last] < goal)
            last++;
        if (t == threads - 1)
            last = lists->n_lists;
        jobs[t] = (strip_job){out, lists, rows, strips, n_rows, first,
                              last};
        first = last;
    }
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&ids[t], NULL, run_strip_job,
                                    &jobs[t]) == 0;
    run_strip_job(&jobs[0]);
    for (int t = 1; t < threads; t++) {
        if (started[t])
            pthread_join(ids[t], NULL);
        else
            run_strip_job(&jobs[t]);
    }
}

// z = W a for the images of set: dense_forward, through the lists when
// the set has them. z is (n_out, m), W is (n_out, n_in + 1).
static void images_forward(matrix z, const digit_set *set, matrix W)
{
    if (!set->by_image.start) {
        dense_forward(z, set->inputs, W);
        return;
    }
    int m = set->m, n_inputs = W.cols;
    int strips = (z.rows + STRIP - 1) / STRIP;
    double *rows = set->scratch;              // (strips, n_inputs, STRIP)
    double *out = set->scratch + (size_t)strips * STRIP
                                     * (m > n_inputs ? m : n_inputs);
    for (int h = 0; h < strips * STRIP; h++)  // W^T, cut into strips
        for (int p = 0; p < n_inputs; p++)
            rows[((size_t)(h / STRIP) * n_inputs + p) * STRIP
                 + h % STRIP] = h < z.rows ? MAT_AT(W, h, p) : 0.0;
    sum_strips(out, &set->by_image, rows, strips, n_inputs, set->threads);
    for (int h = 0; h < z.rows; h++)          // (strips, m, STRIP) to z
        for (int i = 0; i < m; i++)
            MAT_AT(z, h, i) =
                out[((size_t)(h / STRIP) * m + i) * STRIP + h % STRIP];
}

// dW += dz a^T for the images of set: dense_backward's weight part,
// through the lists when the set has them. dW is (n_out, n_in + 1),
// dz is (n_out, m).
static void images_backward(matrix dW, matrix dz, const digit_set *set)
{
    if (!set->by_pixel.start) {
        dense_backward((matrix){0}, dW, dz, set->inputs, (matrix){0});
        return;
    }
    int m = set->m, n_inputs = dW.cols;
    int strips = (dz.rows + STRIP - 1) / STRIP;
    double *rows = set->scratch;              // (strips, m, STRIP)
    double *out = set->scratch + (size_t)strips * STRIP
                                     * (m > n_inputs ? m : n_inputs);
    for (int h = 0; h < strips * STRIP; h++)  // dz^T, cut into strips
        for (int i = 0; i < m; i++)
            rows[((size_t)(h / STRIP) * m + i) * STRIP + h % STRIP] =
                h < dz.rows ? MAT_AT(dz, h, i) : 0.0;
    sum_strips(out, &set->by_pixel, rows, strips, m, set->threads);
    for (int h = 0; h < dW.rows; h++)         // (strips, n_inputs, STRIP)
        for (int p = 0; p < n_inputs; p++)
            MAT_AT(dW, h, p) +=
                out[((size_t)(h / STRIP) * n_inputs + p) * STRIP
                    + h % STRIP];
}

/**
## The cost

The seed's cost is the cross-entropy of every output against its one-hot
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
slope has cancelled against the logarithm, which is why the seed's
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

`forward`, `cost` and `reg_cost` are the seed's `feed_forward`, `cost`
and `reg_cost`.
*/

typedef struct {
    layer_sizes size;
    int m;                 // images per pass
    // the forward pass (the seed's names: z2, a2, z3, h)
    matrix hidden_in;      // (n_hidden, m)       z2
    matrix hidden;         // (n_hidden + 1, m)   a2, row 0 all ones
    matrix output_in;      // (n_out, m)          z3
    matrix probs;          // (n_out, m)          h
    // backpropagation: dJ/d of the above (the seed's d3 / m, d2 / m)
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

// The seed's feed_forward: the images of set through both layers.
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

// The seed's cost: the cross-entropy of the network's outputs.
static double cost(network *net, const double *theta, const digit_set *set)
{
    forward(net, theta, set);
    return cross_entropy_forward(net->output_in, set->targets);
}

// The seed's reg_cost: the cost plus the L2 penalty on both matrices.
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
flows back through it. The seed writes the same as
`d2 = d3 @ theta2[:,1:] * sigmoid_gradient(z2)` and divides by $m$ at
the end; we divide at the start, in $\delta^{(3)}$, and the rest
follows. `reg_gradient` adds the penalty's $\frac{\lambda}{m}\Theta$.

An optimizer always wants the cost and its gradient at the same point,
so `evaluate` computes both from one forward pass. In the seed `cost`
and `gradient` are separate functions, and `minimize` calls both, so
the forward pass runs twice per evaluation.
*/

// The seed's gradient, after forward(net, theta, set): adds
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

// The seed's reg_gradint: the gradient of reg_cost, into grad (which
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

static double vec_dot(int n, const double *a, const double *b)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += a[i] * b[i];
    return sum;
}

static double vec_norm(int n, const double *a)
{
    return sqrt(vec_dot(n, a, a));
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
knows the step length by itself. The obstacle here is size: with 19,885
weights, $H$ has $19{,}885^2 \approx 395$ million entries, 3.2 GB of
doubles, to be formed and factorised at every step.

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

**The budget counts evaluations, not iterations.** In the SciPy of the
seed's time, `options={'maxiter': 300}` for TNC set the maximum number
of *function evaluations* (SciPy 1.9 deprecated the name in favour of
`maxfun`, which says what it means). Every evaluation counts,
including those TNC makes only to compute $H v$. We keep that meaning:
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
which leaves products good to about half of the digits.

**Counting the work honestly.** Almost all the time of an evaluation
goes into two products with the $785 \times m$ image matrix: the forward
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

Finite differences give half the digits. Pearlmutter (1994) showed how
to get $H v$ exactly for the price of about one more forward and
backward pass. Define, for any quantity $f$ the network computes,

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
Martens' "Hessian-free" training (2010) uses it; `--hessian gn` here.

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
## The optimizer's view of the problem

From here on the code knows nothing about networks. The optimizer sees
an `objective`: a number of variables, a call for the value and
gradient, a call for Hessian-vector products, and the count of passes
with the budget. It reports like SciPy does, with the same status codes
and messages, so the two can be read side by side.
*/

// What the optimizer sees of a problem: a model behind two calls, and
// the work it has done so far.
typedef struct {
    int n;                   // number of variables
    void *model;
    // f(x); the gradient into grad[n]
    double (*value_and_gradient)(void *model, double *grad,
                                 const double *x);
    // hv[n] = H(x) v, given grad[n] = the gradient at x
    void (*hessian_times)(void *model, double *hv, const double *x,
                          const double *grad, const double *v);
    const long *passes;      // work done, counted by the model
    long max_passes;         // the budget: two per evaluation
    int hessian_passes;      // the most one Hessian product costs
} objective;

// How a run ended: SciPy's codes and messages for TNC.
static const char *status_message(int status)
{
    switch (status) {
    case 0: return "Local minimum reached (|pg| ~= 0)";
    case 1: return "Converged (|f_n-f_(n-1)| ~= 0)";
    case 2: return "Converged (|x_n-x_(n-1)| ~= 0)";
    case 3: return "Max. number of function evaluations reached";
    case 4: return "Linear search failed";
    default: return "Unable to progress";
    }
}

typedef struct {
    double f;                // the final cost
    int nit;                 // outer iterations (steps)
    long passes;             // work spent
    int status;              // see status_message
    int cg_steps;            // Hessian products, all told
    int n_trace;             // the cost after each step, for the figure
    double *trace_evals;     // (capacity) evaluations spent
    double *trace_cost;      // (capacity) cost there
    int capacity;
} run_result;

static void trace_point(run_result *r, long passes, double f)
{
    if (r->n_trace < r->capacity) {
        r->trace_evals[r->n_trace] = passes / 2.0;
        r->trace_cost[r->n_trace++] = f;
    }
}

static void run_result_alloc(run_result *r, long max_passes)
{
    memset(r, 0, sizeof *r);
    r->capacity = (int)max_passes + 2;
    r->trace_evals = nn_alloc((size_t)r->capacity, sizeof(double));
    r->trace_cost = nn_alloc((size_t)r->capacity, sizeof(double));
}

static void run_result_free(run_result *r)
{
    free(r->trace_evals);
    free(r->trace_cost);
}

/**
## A preconditioner that learns

Conjugate gradients converge fast when $H$ is close to a multiple of the
identity and slowly when its curvatures differ wildly between
directions, as they do in a network (the weights on a frequently inked
pixel against those on a pixel that is almost always blank). A
*preconditioner* $M \approx H$, cheap to invert, evens this out: the
method then works with $M^{-1} H$, and each step starts from
$z = M^{-1} r$ instead of the residual $r$.

TNC's preconditioner is learned on the way, from information the
algorithm produces anyway:

- a diagonal $D$, starting at the identity. Each conjugate-gradient
  step computes a pair $(v, Hv)$: a direction and how the gradient
  changes along it. That is exactly what a quasi-Newton (BFGS) update
  eats, and TNC keeps the diagonal of such an update, one per step:
  $D_i \leftarrow D_i - r_i^2 / (v^T r) + (Hv)_i^2 / (v^T H v)$, with
  $r$ standing in for $D v$. Too small a value is reset to 1.
- the last outer step $s$ and the change of gradient $y$ it caused: a
  BFGS update of $D^{-1}$ with this pair gives
  $M^{-1} = (I - \rho s y^T) D^{-1} (I - \rho y s^T) + \rho s s^T$,
  $\rho = 1/(y^T s)$, which is applied to a vector with a few dot
  products and never formed.

Nash calls this a limited-memory quasi-Newton preconditioner. TNC also
folds in an older, accumulated pair; we keep the single pair.
*/

// M^-1, the preconditioner: a diagonal D of the Hessian, learned as
// the conjugate gradients run, updated by the last step's BFGS pair.
typedef struct {
    int n;
    double *diag;         // (n) D
    double *next_diag;    // (n) D, updated during this direction
    double *s, *y;        // (n) the last step and its gradient change
    double ys;            // y . s
    bool has_pair;        // false before the first step
    double *hy;           // (n) D^-1 y
} preconditioner;

static void preconditioner_alloc(preconditioner *pc, int n)
{
    memset(pc, 0, sizeof *pc);
    pc->n = n;
    pc->diag = nn_alloc((size_t)n, sizeof(double));
    pc->next_diag = nn_alloc((size_t)n, sizeof(double));
    pc->s = nn_alloc((size_t)n, sizeof(double));
    pc->y = nn_alloc((size_t)n, sizeof(double));
    pc->hy = nn_alloc((size_t)n, sizeof(double));
    for (int i = 0; i < n; i++)
        pc->diag[i] = 1.0;
}

static void preconditioner_free(preconditioner *pc)
{
    free(pc->diag), free(pc->next_diag), free(pc->s), free(pc->y);
    free(pc->hy);
}

// Before a direction: D^-1 y, and the diagonal that the BFGS update of
// D with (s, y) gives, D_i - (D_i s_i)^2 / (s.Ds) + y_i^2 / (y.s), as
// the starting point for this direction's diagonal.
static void preconditioner_begin(preconditioner *pc)
{
    int n = pc->n;
    memcpy(pc->next_diag, pc->diag, (size_t)n * sizeof(double));
    if (!pc->has_pair)
        return;
    double sds = 0.0;
    for (int i = 0; i < n; i++) {
        sds += pc->s[i] * pc->diag[i] * pc->s[i];
        pc->hy[i] = pc->y[i] / pc->diag[i];
    }
    for (int i = 0; i < n; i++) {
        double ds = pc->diag[i] * pc->s[i];
        pc->next_diag[i] += -ds * ds / sds + pc->y[i] * pc->y[i] / pc->ys;
    }
}

// z = M^-1 r: D^-1 r, then one BFGS update of that inverse with (s, y)
//     M^-1 = (I - s y^T / ys) D^-1 (I - y s^T / ys) + s s^T / ys.
static void preconditioner_solve(preconditioner *pc, double *z,
                                 const double *r)
{
    int n = pc->n;
    for (int i = 0; i < n; i++)
        z[i] = r[i] / pc->diag[i];
    if (!pc->has_pair)
        return;
    double ys = pc->ys, rs = vec_dot(n, r, pc->s);
    double rhy = vec_dot(n, r, pc->hy), yhy = vec_dot(n, pc->y, pc->hy);
    double delta = (yhy / ys + 1.0) * rs / ys - rhy / ys;
    double beta = -rs / ys;
    for (int i = 0; i < n; i++)
        z[i] += delta * pc->s[i] + beta * pc->hy[i];
}

// What one conjugate-gradient step teaches about the diagonal: the
// diagonal of a BFGS update with the pair (v, Hv), r standing in for
// D v. Too small a value is reset to 1.
static void preconditioner_learn(preconditioner *pc, const double *v,
                                 const double *hv, const double *r)
{
    int n = pc->n;
    double vr = vec_dot(n, v, r), vhv = vec_dot(n, v, hv);
    for (int i = 0; i < n; i++) {
        double d = pc->next_diag[i] - r[i] * r[i] / vr
                   + hv[i] * hv[i] / vhv;
        pc->next_diag[i] = d > 1e-6 ? d : 1.0;
    }
}

// After a step s with gradient change y: keep the pair when y.s > 0
// (the curvature along s is positive), and the learned diagonal.
static void preconditioner_end(preconditioner *pc, const double *s,
                               const double *y)
{
    int n = pc->n;
    memcpy(pc->diag, pc->next_diag, (size_t)n * sizeof(double));
    pc->ys = vec_dot(n, y, s);
    pc->has_pair = pc->ys > 0.0;
    memcpy(pc->s, s, (size_t)n * sizeof(double));
    memcpy(pc->y, y, (size_t)n * sizeof(double));
}

/**
## The inner loop: truncated conjugate gradients

Starting from $p = 0$, so that the residual $r = -g - Hp$ is $-g$, each
step takes the preconditioned residual $z = M^{-1} r$, makes it
conjugate to the previous direction, $v \leftarrow z + \beta v$ with
$\beta = r^T z / (r^T z)_{\text{previous}}$, and moves to the minimum of
the quadratic model along $v$:

$$\alpha = \frac{r^T z}{v^T H v}, \qquad
  p \leftarrow p + \alpha v, \qquad r \leftarrow r - \alpha H v.$$

When to stop is the heart of the method:

- **Nash's test.** The model's value $q(p) = g^T p + \tfrac12 p^T H p$
  falls with every step. At a conjugate-gradient iterate $p^T H p =
  -g^T p$, so $q = \tfrac12 (g^T p + r^T p)$, which is what the code
  computes. Stop when the last step's relative gain, weighted by the
  number of steps taken, is small: $(k+1)(1 - q_{k-1}/q_k) \le
  \tfrac12$. Far from the minimum the model is crude and this ends the
  loop after a few steps; closer in, where the model is accurate and
  every step keeps gaining, it lets the loop run.
- **No positive curvature** along $v$ ($v^T H v \le 0$, or nearly): the
  model has no minimum in that direction, and the quadratic model is not
  to be trusted. Stop with what we have; if that is nothing yet, step
  along the preconditioned steepest descent $-M^{-1} g$.
- $p$ stops pointing downhill ($g^T p > 0$): undo the last step, stop.
- At most `--max-cg` products, and never so many that the line search
  would find the budget empty. TNC's cap is $\min(50, n/2)$, 50 here;
  ours is 10 by default. Late in a run Nash's test lets the loop go on,
  and with a cap of 50 one direction can eat a sixth of the whole
  budget; many cheaper directions spend it better on this problem, as
  the comparison at the end of the chapter shows.
*/

typedef struct {
    double *r, *z, *v, *hv;  // (n) each: residual, M^-1 r, direction, Hv
} cg_work;

// The search direction p[n] at x, from the truncated, preconditioned
// conjugate gradients on H p = -g; at most max_cg Hessian products,
// and never so many that no evaluation is left for the line search.
// Returns the number of products made; *stop says what ended the loop.
static int truncated_cg(double *p, const char **stop, const objective *obj,
                        const double *x, const double *g,
                        preconditioner *pc, int max_cg, cg_work *w)
{
    int n = obj->n, k;
    *stop = "cap";
    double gnorm = vec_norm(n, g), q_old = 0.0, rz_old = 1.0;
    const double tiny = 1e-12;
    preconditioner_begin(pc);
    for (int i = 0; i < n; i++) {
        w->r[i] = -g[i];              // the residual -g - H p at p = 0
        w->v[i] = 0.0;
        p[i] = 0.0;
    }
    for (k = 0; k < max_cg; k++) {
        preconditioner_solve(pc, w->z, w->r);
        double rz = vec_dot(n, w->r, w->z);
        bool budget_left = *obj->passes + obj->hessian_passes + 2
                           <= obj->max_passes;
        if (rz / gnorm < tiny || !budget_left) {
            *stop = budget_left ? "residual" : "budget";
            if (k == 0)               // nothing learned: steepest descent
                for (int i = 0; i < n; i++)
                    p[i] = -g[i];
            break;
        }
        double beta = k == 0 ? 0.0 : rz / rz_old;
        for (int i = 0; i < n; i++)
            w->v[i] = w->z[i] + beta * w->v[i];
        obj->hessian_times(obj->model, w->hv, x, g, w->v);
        double vhv = vec_dot(n, w->v, w->hv);
        if (vhv / gnorm < tiny) {     // no positive curvature along v
            *stop = "curvature";
            if (k == 0) {
                preconditioner_solve(pc, p, g);
                for (int i = 0; i < n; i++)
                    p[i] = -p[i];
            }
            k++;
            break;
        }
        preconditioner_learn(pc, w->v, w->hv, w->r);
        double alpha = rz / vhv;
        for (int i = 0; i < n; i++) {
            p[i] += alpha * w->v[i];
            w->r[i] -= alpha * w->hv[i];
        }
        // the model's value q(p) = g.p + p.Hp / 2 = (g.p + r.p) / 2
        double gp = vec_dot(n, g, p);
        double q = 0.5 * (gp + vec_dot(n, w->r, p));
        if ((k + 1) * (1.0 - q_old / q) <= 0.5) {   // Nash's test
            *stop = "Nash";
            k++;
            break;
        }
        if (gp > 0.0) {               // not downhill: undo, stop
            *stop = "uphill";
            for (int i = 0; i < n; i++)
                p[i] -= alpha * w->v[i];
            k++;
            break;
        }
        q_old = q;
        rz_old = rz;
    }
    return k;
}

/**
## The line search

The direction $p$ is an approximate Newton step, so the natural step
length is 1, but the model can be wrong, and the line search checks. It
accepts a step $\alpha$ when the cost has fallen enough and the slope
along $p$ has flattened enough (the strong Wolfe conditions),

$$J(\theta + \alpha p) \le J(\theta) + \mu\, \alpha\, g^T p, \qquad
  \big|\nabla J(\theta + \alpha p)^T p\big| \le \eta\, |g^T p|,$$

with TNC's $\mu = 10^{-4}$ and $\eta = 0.25$. Every trial step costs an
evaluation, cost and gradient together. While the trials still go
steeply downhill the step grows fourfold; once a minimum is bracketed
between two trials, the next trial is the minimum of the cubic through
the two ends' values and slopes, kept away from the ends. TNC's Gill
and Murray search (`getptc`) follows the same plan with more
safeguards.
*/

// The minimizer of the cubic through (a, fa) and (b, fb) with slopes
// da and db, kept inside [lo + 0.1 w, hi - 0.1 w] of the interval
// (w its width); the midpoint when the cubic has no minimum there.
static double cubic_step(double a, double fa, double da, double b,
                         double fb, double db)
{
    double lo = a < b ? a : b, hi = a < b ? b : a, w = hi - lo;
    double d1 = da + db - 3.0 * (fa - fb) / (a - b);
    double disc = d1 * d1 - da * db;
    double t = 0.5 * (a + b);
    if (disc >= 0.0) {
        double d2 = (b > a ? 1.0 : -1.0) * sqrt(disc);
        double c = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
        if (isfinite(c))
            t = c;
    }
    if (t < lo + 0.1 * w)
        t = lo + 0.1 * w;
    if (t > hi - 0.1 * w)
        t = hi - 0.1 * w;
    return t;
}

enum { SEARCH_OK, SEARCH_FAILED, SEARCH_OUT_OF_BUDGET };

typedef struct {
    double *x_try, *g_try, *g_best;   // (n) each
} search_work;

// Along p from x (where the cost is *f and the gradient g, and
// g.p < 0), find a step alpha with
//     f(x + alpha p) <= f(x) + mu alpha g.p           (enough decrease)
//     |g(x + alpha p).p| <= eta |g.p|                 (near the minimum)
// trying alpha0 first and never more than alpha_max. On success x, f
// and g move to the new point and *alpha says how far.
static int line_search(double *x, double *f, double *g, double *alpha,
                       const double *p, double alpha0, double alpha_max,
                       const objective *obj, search_work *w)
{
    const double mu = 1e-4, eta = 0.25;     // TNC's defaults
    int n = obj->n;
    double f0 = *f, d0 = vec_dot(n, g, p);
    if (!(d0 < 0.0))
        return SEARCH_FAILED;
    double lo = 0.0, f_lo = f0, d_lo = d0;  // best point so far
    double hi = 0.0, f_hi = 0.0, d_hi = 0.0;
    bool bracketed = false, accepted = false;
    double a = alpha0;
    for (int trial = 0; trial < 30; trial++) {
        if (*obj->passes + 2 > obj->max_passes)
            break;
        for (int i = 0; i < n; i++)
            w->x_try[i] = x[i] + a * p[i];
        double fa = obj->value_and_gradient(obj->model, w->g_try,
                                            w->x_try);
        double da = vec_dot(n, w->g_try, p);
        if (!isfinite(fa) || fa > f0 + mu * a * d0 || fa >= f_lo) {
            hi = a, f_hi = fa, d_hi = da;   // too far: the minimum is
            bracketed = true;               // between lo and a
        } else {
            if (fabs(da) <= -eta * d0)
                accepted = true;
            else if (da > 0.0) {            // passed the minimum
                hi = lo, f_hi = f_lo, d_hi = d_lo;
                bracketed = true;
            }
            lo = a, f_lo = fa, d_lo = da;
            memcpy(w->g_best, w->g_try, (size_t)n * sizeof(double));
            if (accepted)
                break;
        }
        if (bracketed) {
            if (!isfinite(f_hi))            // overflow: just shrink
                a = lo + 0.1 * (hi - lo);
            else
                a = cubic_step(lo, f_lo, d_lo, hi, f_hi, d_hi);
            if (fabs(hi - lo) <= 1e-12 * (1.0 + lo))
                break;
        } else {
            if (a >= alpha_max)
                break;
            a = 4.0 * a < alpha_max ? 4.0 * a : alpha_max;
        }
    }
    if (lo == 0.0)
        return *obj->passes + 2 > obj->max_passes ? SEARCH_OUT_OF_BUDGET
                                                   : SEARCH_FAILED;
    for (int i = 0; i < n; i++)
        x[i] += lo * p[i];
    *f = f_lo;
    memcpy(g, w->g_best, (size_t)n * sizeof(double));
    *alpha = lo;
    return SEARCH_OK;
}

/**
## The outer loop

The outer loop ties the parts together. Two details come from TNC.
The first trial step is 1 unless that cannot be right: no cost is below
zero, and a parabola that starts at $J$ with slope $g^T p$ and bottoms
out at zero has its minimum at $\alpha = -2J / g^T p$, so when that is
shorter it is tried first. And a step may not be longer than 10 (in the
norm of $\alpha p$), a limit that grows a hundredfold whenever a step
reaches it.

After the line search come the stopping rules: the gradient vanished
(status 0), the cost (1) or the weights (2) stopped changing, the budget
is spent (3), the line search found no lower point (4). The step and the
change of gradient then go to the preconditioner for the next
direction.
*/

// Truncated Newton from x[n] (overwritten with the result), in the
// manner of Nash's TNC. Prints one line per step when verbose.
static void tnc_minimize(run_result *res, double *x, const objective *obj,
                         int max_cg, bool verbose)
{
    int n = obj->n;
    double *g = nn_alloc((size_t)n, sizeof *g);       // the gradient
    double *g_old = nn_alloc((size_t)n, sizeof *g_old);
    double *p = nn_alloc((size_t)n, sizeof *p);       // the direction
    double *s = nn_alloc((size_t)n, sizeof *s);       // the step
    cg_work cw = {nn_alloc((size_t)n, sizeof(double)),
                  nn_alloc((size_t)n, sizeof(double)),
                  nn_alloc((size_t)n, sizeof(double)),
                  nn_alloc((size_t)n, sizeof(double))};
    search_work sw = {nn_alloc((size_t)n, sizeof(double)),
                      nn_alloc((size_t)n, sizeof(double)),
                      nn_alloc((size_t)n, sizeof(double))};
    preconditioner pc;
    preconditioner_alloc(&pc, n);
    const double eps = 2.220446049250313e-16;
    const double gtol = 1e-8, ftol = sqrt(eps), xtol = sqrt(eps);
    double step_max = 10.0;                           // TNC's stepmx

    double f = obj->value_and_gradient(obj->model, g, x);
    res->nit = 0;
    trace_point(res, *obj->passes, f);
    if (verbose)
        printf("  nit  nfev    cost     |gradient|  cg  stopped by\n"
               "  %3d  %4g  %.6f  %.3e\n", 0, *obj->passes / 2.0, f,
               vec_norm(n, g));
    for (;;) {
        if (vec_norm(n, g) <= gtol) {
            res->status = 0;
            break;
        }
        if (*obj->passes + 2 > obj->max_passes) {
            res->status = 3;
            break;
        }
        const char *stop;
        int cg = truncated_cg(p, &stop, obj, x, g, &pc, max_cg, &cw);
        res->cg_steps += cg;
        // the first trial step: 1, the Newton step, unless a straight
        // line from f down to 0 (no cost is lower) is reached sooner
        double gp = vec_dot(n, g, p), pnorm = vec_norm(n, p);
        double alpha0 = 1.0;
        if (2.0 * f <= -gp && f >= eps)
            alpha0 = -2.0 * f / gp;
        double alpha_max = step_max / (pnorm + eps);
        if (alpha0 > alpha_max)
            alpha0 = alpha_max;
        double f_old = f, alpha = 0.0;
        memcpy(g_old, g, (size_t)n * sizeof *g);
        int found = line_search(x, &f, g, &alpha, p, alpha0, alpha_max,
                                obj, &sw);
        if (found != SEARCH_OK) {
            res->status = found == SEARCH_OUT_OF_BUDGET ? 3 : 4;
            break;
        }
        if (alpha >= 0.9 * alpha_max)
            step_max *= 100.0;                  // allow longer steps
        res->nit++;
        trace_point(res, *obj->passes, f);
        if (verbose)
            printf("  %3d  %4g  %.6f  %.3e  %2d  %s\n", res->nit,
                   *obj->passes / 2.0, f, vec_norm(n, g), cg, stop);
        if (fabs(f_old - f) <= ftol * (1.0 + fabs(f))) {
            res->status = 1;
            break;
        }
        if (alpha * pnorm <= xtol * (1.0 + vec_norm(n, x))) {
            res->status = 2;
            break;
        }
        for (int i = 0; i < n; i++) {
            s[i] = alpha * p[i];
            g_old[i] = g[i] - g_old[i];        // y, the gradient change
        }
        preconditioner_end(&pc, s, g_old);
    }
    res->f = f;
    res->passes = *obj->passes;
    free(g), free(g_old), free(p), free(s);
    free(cw.r), free(cw.z), free(cw.v), free(cw.hv);
    free(sw.x_try), free(sw.g_try), free(sw.g_best);
    preconditioner_free(&pc);
}

/**
## Gradient descent, for contrast

The same budget spent on plain gradient descent: $\theta \leftarrow
\theta - \alpha \nabla J$, one evaluation per step, with a fixed step
size `--lr`: 3 by default, about the best of the few sizes we tried
(exercise 6 asks you to try others).
*/

// x -= rate * gradient, one evaluation per step, until the budget
// is spent.
static void gradient_descent(run_result *res, double *x,
                             const objective *obj, double rate)
{
    int n = obj->n;
    double *g = nn_alloc((size_t)n, sizeof *g);
    double f = obj->value_and_gradient(obj->model, g, x);
    trace_point(res, *obj->passes, f);
    res->nit = 0;
    res->status = 3;
    while (*obj->passes + 2 <= obj->max_passes) {
        for (int i = 0; i < n; i++)
            x[i] -= rate * g[i];
        f = obj->value_and_gradient(obj->model, g, x);
        res->nit++;
        trace_point(res, *obj->passes, f);
        if (!isfinite(f)) {
            res->status = 6;
            break;
        }
    }
    res->f = f;
    res->passes = *obj->passes;
    free(g);
}

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

static objective trainer_objective(trainer *t, int evals)
{
    return (objective){
        .n = t->n, .model = t,
        .value_and_gradient = model_value_and_gradient,
        .hessian_times = model_hessian_times,
        .passes = &t->passes, .max_passes = 2L * evals,
        .hessian_passes = t->hessian == HESSIAN_FD ? 2 : 4};
}

/**
## Accuracy

The network's answer for an image is the digit whose output is largest,
the seed's `np.argmax(h, axis=1) + 1` (the `+ 1` for its labels 1 to
10); accuracy is the fraction of images answered correctly.
*/

// The digit the network finds most likely for each image, into
// predicted[set->m]; returns the fraction that match the labels.
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
        predicted[i] = best;
        right += best == set->labels[i];
    }
    return (double)right / set->m;
}

/**
## Figures

The seed's `plot_hidden_layer` shows what each hidden unit looks for:
its 784 weights, arranged as the 28x28 image they multiply. (The seed
transposes each one because Octave stored its images column by column;
MNIST's bytes are row by row, so we do not.) The other figures show
test digits with the network's answers, the confusion between digits,
and the cost against the evaluations spent by each method. Images go to
gnuplot as a grid of grey values; the rest is ordinary plotting.
*/

// Rows x cols tiles of side x side pixels as one image for gnuplot's
// `with image`: a 1-pixel gap around each tile and `below` more pixels
// under it (room for a label). Tile t's pixels, scaled to 0..1, are
// tiles[t * side * side ...]. Gaps are NaN, which gnuplot leaves blank.
static void plot_tiles(plot *p, const char *name, const double *tiles,
                       int n_tiles, int rows, int cols, int side, int below)
{
    int width = cols * (side + 1) + 1;
    int height = rows * (side + 1 + below) + 1;
    double *image = nn_alloc((size_t)width * height, sizeof *image);
    for (size_t k = 0; k < (size_t)width * height; k++)
        image[k] = NAN;
    for (int t = 0; t < n_tiles; t++) {
        int top = 1 + (t / cols) * (side + 1 + below);
        int left = 1 + (t % cols) * (side + 1);
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
                image[(size_t)(top + r) * width + left + c] =
                    tiles[((size_t)t * side + r) * side + c];
    }
    // the picture's row 0 at the top: y runs from height - 1 down to 0
    plot_grid(p, name, image, width, height, 0, width - 1, height - 1, 0);
    plot_cmd(p, "set xrange [-0.5:%g]", width - 0.5);
    plot_cmd(p, "set yrange [-0.5:%g]", height - 0.5);
    free(image);
}

static void image_style(plot *p)
{
    plot_cmd(p, "unset xtics");
    plot_cmd(p, "unset ytics");
    plot_cmd(p, "unset colorbox");
    plot_cmd(p, "unset key");
    plot_cmd(p, "unset border");
    plot_cmd(p, "set size ratio -1");
    plot_cmd(p, "set palette gray negative");  // 0 white, 1 black
    plot_cmd(p, "set cbrange [0:1]");
    plot_cmd(p, "set margins 0, 0, 0, 2");
}

// The seed's plot_hidden_layer: each hidden unit's weights on the 784
// pixels as a picture, scaled to its own range (dark = large).
static void draw_hidden_units(plotter *pl, const double *theta,
                              layer_sizes s, int side)
{
    if (s.n_in != side * side)
        return;
    matrix Theta1, Theta2;
    deserialize(&Theta1, &Theta2, theta, s);
    int cols = (int)ceil(sqrt(s.n_hidden));
    int rows = (s.n_hidden + cols - 1) / cols;
    double *tiles = nn_alloc((size_t)s.n_hidden * s.n_in, sizeof *tiles);
    for (int h = 0; h < s.n_hidden; h++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int k = 1; k <= s.n_in; k++) {
            double w = MAT_AT(Theta1, h, k);
            lo = w < lo ? w : lo;
            hi = w > hi ? w : hi;
        }
        for (int k = 1; k <= s.n_in; k++)
            tiles[(size_t)h * s.n_in + k - 1] =
                (MAT_AT(Theta1, h, k) - lo) / (hi - lo + 1e-300);
    }
    plot *p = plot_begin(pl, "hidden-units", 5, 5.3);
    image_style(p);
    plot_tiles(p, "$units", tiles, s.n_hidden, rows, cols, side, 0);
    plot_cmd(p, "set title 'the %d hidden units: weights on each pixel'",
             s.n_hidden);
    plot_cmd(p, "plot $units with image");
    plot_end(p);
    free(tiles);
}

// Test digits with the network's answer under each: an evenly spaced
// sample, then mistakes spread over it (in red: "answer (label)").
static void draw_predictions(plotter *pl, const digit_set *test,
                             const int *predicted, int side)
{
    enum { COLS = 10, ROWS = 4, BELOW = 9 };
    if (test->inputs.rows != side * side + 1)
        return;
    int picked[COLS * ROWS], n = 0;
    for (int k = 0; k < (ROWS - 1) * COLS && k < test->m; k++)
        picked[n++] = (int)((long)k * test->m / ((ROWS - 1) * COLS));
    // the last row: mistakes spread over the whole test set, which is
    // in digit order, so that they are not all misread zeros
    int mistakes = 0;
    for (int i = 0; i < test->m; i++)
        mistakes += predicted[i] != test->labels[i];
    // mistake number k * mistakes / COLS, for k = 0, 1, ..., COLS - 1
    int next = 0;
    for (int i = 0, seen = 0; i < test->m && n < COLS * ROWS; i++)
        if (predicted[i] != test->labels[i]) {
            if (seen == (long)next * mistakes / COLS) {
                picked[n++] = i;
                next++;
            }
            seen++;
        }
    int rows = (n + COLS - 1) / COLS, pixels = side * side;
    double *tiles = nn_alloc((size_t)n * pixels, sizeof *tiles);
    for (int t = 0; t < n; t++)
        for (int k = 0; k < pixels; k++)
            tiles[(size_t)t * pixels + k] =
                MAT_AT(test->inputs, k + 1, picked[t]);
    plot *p = plot_begin(pl, "predictions", 6.5, 3.4);
    image_style(p);
    plot_tiles(p, "$digits", tiles, n, rows, COLS, side, BELOW);
    int height = rows * (side + 1 + BELOW) + 1;
    for (int t = 0; t < n; t++) {
        int i = picked[t];
        double x = 1 + (t % COLS) * (side + 1) + side / 2.0;
        double y = height - 1
                   - ((t / COLS) * (side + 1 + BELOW) + side + 1 + 4.5);
        if (predicted[i] != test->labels[i])
            plot_cmd(p, "set label '%d (%d)' at %g,%g center front "
                     "textcolor rgb '#d62728'", predicted[i],
                     test->labels[i], x, y);
        else
            plot_cmd(p, "set label '%d' at %g,%g center front", predicted[i],
                     x, y);
    }
    plot_cmd(p, "plot $digits with image");
    plot_end(p);
    free(tiles);
}

// counts[label][answer] as a 10 x 10 picture, the counts written in.
static void draw_confusion(plotter *pl, const int counts[10][10])
{
    double cells[100];
    int most = 1;
    for (int i = 0; i < 100; i++)
        most = counts[i / 10][i % 10] > most ? counts[i / 10][i % 10]
                                             : most;
    for (int i = 0; i < 100; i++)      // a log scale shows the rare
        cells[i] = log1p(counts[i / 10][i % 10]) / log1p(most);
    plot *p = plot_begin(pl, "confusion", 5, 4.6);
    plot_grid(p, "$cells", cells, 10, 10, 0, 9, 0, 9);
    plot_cmd(p, "set palette defined (0 'white', 1 '#1f77b4')");
    plot_cmd(p, "set cbrange [0:1]");
    plot_cmd(p, "unset colorbox");
    plot_cmd(p, "set size ratio -1");
    plot_cmd(p, "set xrange [-0.5:9.5]");
    plot_cmd(p, "set yrange [9.5:-0.5]");
    plot_cmd(p, "set xtics 0,1,9 scale 0");
    plot_cmd(p, "set ytics 0,1,9 scale 0");
    plot_cmd(p, "set xlabel 'the network''s answer'");
    plot_cmd(p, "set ylabel 'the label'");
    plot_cmd(p, "set title 'test images: label against answer'");
    for (int i = 0; i < 100; i++)
        if (counts[i / 10][i % 10] > 0)
            plot_cmd(p, "set label '%d' at %d,%d center front "
                     "font ',8' textcolor rgb '%s'", counts[i / 10][i % 10],
                     i % 10, i / 10, cells[i] > 0.6 ? "white" : "black");
    plot_cmd(p, "unset key");
    plot_cmd(p, "plot $cells with image");
    plot_end(p);
}

// The cost after each step of every run, against evaluations spent.
static void draw_costs(plotter *pl, const run_result *runs,
                       const char *const *names, int n_runs)
{
    plot *p = plot_begin(pl, "cost-vs-evaluations", 6, 3.8);
    char name[16];
    for (int r = 0; r < n_runs; r++) {
        snprintf(name, sizeof name, "$run%d", r);
        plot_xy(p, name, runs[r].trace_evals, runs[r].trace_cost,
                runs[r].n_trace);
    }
    plot_cmd(p, "set logscale y");
    plot_cmd(p, "set ytics 2");
    plot_cmd(p, "set mytics 2");
    plot_cmd(p, "set xlabel 'evaluations of cost and gradient (or their "
             "equivalent)'");
    plot_cmd(p, "set ylabel 'cost J (training images)'");
    plot_cmd(p, "set key top right");
    plot_cmd(p, "set grid ytics mytics");
    // the first two runs nearly coincide: the first is drawn as a wide
    // pale band under the second, so that both stay visible
    const char *styles[] = {"lw 6 lc rgb '#9ecae1' pt 7 ps 1.2",
                            "lw 1.5 lc rgb '#d62728' pt 5 ps 0.5",
                            "lw 1.5 lc rgb '#2ca02c' pt 9 ps 0.6",
                            "lw 1.5 lc rgb '#9467bd' pt 6 ps 0.6 dt 2",
                            "lw 1.5 lc rgb '#7f7f7f' pt -1"};
    char command[1024] = "plot";
    for (int r = 0; r < n_runs; r++) {
        char part[160];
        snprintf(part, sizeof part, "%s $run%d with linespoints "
                 "%s title '%s'", r ? "," : "", r, styles[r % 5],
                 names[r]);
        strncat(command, part, sizeof command - strlen(command) - 1);
    }
    plot_cmd(p, "%s", command);
    plot_end(p);
}

/**
## The program

`main` reads the flags, runs the checks on the small network, loads and
splits the digits, draws the initial weights, compares the three kinds
of Hessian product at those weights, and then trains: first the method
chosen by `--optimizer` and `--hessian`, step by step; then, from the
same start and with the same budget, the other methods for comparison.
*/

// Print a finished run the way scipy.optimize.minimize reports one.
static void print_result(const run_result *r)
{
    printf(" message: %s\n", status_message(r->status));
    printf(" success: %s\n", r->status <= 2 ? "True" : "False");
    printf("  status: %d\n", r->status);
    printf("     fun: %.6f\n", r->f);
    printf("     nit: %d\n", r->nit);
    printf("    nfev: %g\n", r->passes / 2.0);
}

typedef struct {
    const char *label;       // for the table and the figure
    bool newton;             // truncated Newton (else gradient descent)
    hessian_kind hessian;
    int max_cg;              // Hessian products per direction, at most
    run_result result;
    double train_acc, test_acc, seconds;
} method;

// One training run from theta0 with a fresh trainer; the trained
// weights are left in theta[count_params(size)].
static void train(method *m, double *theta, const double *theta0,
                  const digit_set *train_set, layer_sizes size,
                  double lambda, int evals, double rate, bool verbose)
{
    trainer t;
    trainer_init(&t, train_set, size, lambda, m->hessian);
    objective obj = trainer_objective(&t, evals);
    memcpy(theta, theta0, (size_t)t.n * sizeof *theta);
    run_result_alloc(&m->result, obj.max_passes);
    double start = nn_seconds();
    if (m->newton)
        tnc_minimize(&m->result, theta, &obj, m->max_cg, verbose);
    else
        gradient_descent(&m->result, theta, &obj, rate);
    m->seconds = nn_seconds() - start;
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
    if (train_set->by_image.start) {      // the lists against mat_gemm
        digit_set plain = *train_set;
        memset(&plain.by_image, 0, sizeof plain.by_image);
        memset(&plain.by_pixel, 0, sizeof plain.by_pixel);
        trainer d;
        trainer_init(&d, &plain, size, lambda, HESSIAN_FD);
        trainer_evaluate(&d, plain_g, theta);
        mat_blas_threads(train_set->threads);  // as many as the lists
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
    if (train_set->by_image.start)
        fprintf(stderr, "time: one evaluation with mat_gemm %.1f ms (%d "
                "threads each)\n", best[3] * 1e3, train_set->threads);
    free(g), free(v), free(fd), free(exact), free(gn), free(plain_g);
    free(spare);
    trainer_free(&t);
}

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
    printf("weights on the %d pixels no training image inks: largest "
           "|w| %.4f at the start, %.4f now\n", blank, before, now);
}

// counts[label][answer] over the test images, printed as a table.
static void confusion_matrix(int counts[10][10], const digit_set *test,
                             const int *predicted)
{
    memset(counts, 0, 100 * sizeof counts[0][0]);
    for (int i = 0; i < test->m; i++)
        counts[test->labels[i]][predicted[i]]++;
    printf("confusion on the test images (row: label, column: answer):"
           "\n     ");
    for (int a = 0; a < 10; a++)
        printf("%5d", a);
    printf("\n");
    for (int l = 0; l < 10; l++) {
        printf("  %d: ", l);
        for (int a = 0; a < 10; a++)
            printf("%5d", counts[l][a]);
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    int evals = 300, hidden = 25, n_train = 5000, max_cg = 10;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = cores < 1 ? 1 : cores > 16 ? 16 : (int)cores;
    double lambda = 1.0, rate = 3.0;
    const char *data = "mnist", *hessian = "exact", *optimizer = "tnc";
    bool gradcheck_only = false, no_compare = false, dense = false;
    cli_option options[] = {
        {"--evals", CLI_INT, &evals, "budget of cost+gradient "
         "evaluations (SciPy's maxfun)", .min = 2, .max = 100000},
        {"--lambda", CLI_DOUBLE, &lambda, "L2 weight lambda", .min = 0,
         .max = 1e6},
        {"--hidden", CLI_INT, &hidden, "hidden units", .min = 1,
         .max = 1000},
        {"--train", CLI_INT, &n_train, "training images (as many again "
         "test)", .min = 1, .max = 5000},
        {"--data", CLI_STRING, &data, "mnist, fashion, or a directory "
         "of IDX files", .min = 0},
        {"--optimizer", CLI_CHOICE, &optimizer, "truncated Newton or "
         "gradient descent", .choices = "tnc|gd"},
        {"--hessian", CLI_CHOICE, &hessian, "Hessian products: finite "
         "differences, exact, Gauss-Newton", .choices = "fd|exact|gn"},
        {"--max-cg", CLI_INT, &max_cg, "conjugate-gradient steps per "
         "direction, at most (TNC: 50)", .min = 1, .max = 1000},
        {"--lr", CLI_DOUBLE, &rate, "gradient descent's step size",
         .min = 0, .max = 1e3, .open_min = true},
        {"--gradcheck", CLI_FLAG, &gradcheck_only, "only check the "
         "gradient and the Hessian product, then stop", .min = 0},
        {"--no-compare", CLI_FLAG, &no_compare, "train with the chosen "
         "method only", .min = 0},
        {"--dense", CLI_FLAG, &dense, "multiply the images with mat_gemm, "
         "zeros and all", .min = 0},
        {"--threads", CLI_INT, &threads, "threads for the products with "
         "the images (default: the cores)", .min = 1, .max = 16},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "chapter 8: truncated Newton on MNIST");
    if (status != CLI_CONTINUE)
        return status;
    if (common.quick) {
        evals = evals < 30 ? evals : 30;
        n_train = n_train < 500 ? n_train : 500;
    }

    // the derivatives first: nothing else is worth running if wrong
    double check0 = gradient_check(0.0), check3 = gradient_check(3.0);
    double hcheck = hessian_check(3.0, false);
    if (gradcheck_only) {
        printf("gradient check, lambda = 0: relative difference %.3e\n",
               check0);
        printf("gradient check, lambda = 3: relative difference %.3e\n",
               check3);
        printf("Hessian check, lambda = 3: relative difference %.3e\n",
               hcheck);
        return 0;
    }

    idx_dataset d;
    char err[512];
    if (idx_load_dataset(&d, data, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", common.program, err);
        return 2;
    }
    digit_set train_set, test_set;
    int m = split_digits(&train_set, &test_set, &d, n_train);
    if (m < 1) {
        idx_free_dataset(&d);
        return cli_error(&common, "--data %s: too few images to split "
                         "(at least 2 are needed)", data);
    }
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0) {
        idx_free_dataset(&d);
        return 2;
    }
    int side = d.train_images.rows == d.train_images.cols
                   ? d.train_images.rows : 0;
    layer_sizes size = {d.train_images.rows * d.train_images.cols, hidden,
                        10};
    printf("%s: %d images of %dx%d; training on %d, testing on %d\n",
           data, d.train_images.count, d.train_images.rows,
           d.train_images.cols, train_set.m, test_set.m);
    idx_free_dataset(&d);
    if (!dense) {
        build_ink_lists(&train_set, hidden, threads);
        build_ink_lists(&test_set, hidden, threads);
        // the products left to the BLAS are small: its threads would
        // only compete with ours for the processors
        mat_blas_threads(1);
        printf("inked inputs: %.1f%% of the training images' inputs\n",
               100.0 * train_set.by_image.start[m]
                   / ((double)m * (size.n_in + 1)));
    }
    int n = count_params(size);
    printf("network %d-%d-%d: %d weights; lambda = %g; budget %d "
           "evaluations\n", size.n_in, size.n_hidden, size.n_out, n,
           lambda, evals);
    printf("gradient check, lambda = 0: relative difference %.3e\n",
           check0);
    printf("gradient check, lambda = 3: relative difference %.3e\n",
           check3);
    printf("Hessian check, lambda = 3: relative difference %.3e\n",
           hcheck);

    // the seed's start: np.random.seed(0); uniform(-0.5, 0.5, n)
    rng r;
    rng_seed(&r, common.seed);
    double *theta0 = nn_alloc((size_t)n, sizeof *theta0);
    double *theta = nn_alloc((size_t)n, sizeof *theta);
    rng_fill_uniform(&r, theta0, (size_t)n, -0.5, 0.5);
    compare_products(&train_set, size, lambda, theta0);

    enum { METHODS = 5 };
    method methods[METHODS] = {
        {.label = "truncated Newton, fd products", .newton = true,
         .hessian = HESSIAN_FD, .max_cg = max_cg},
        {.label = "truncated Newton, exact products", .newton = true,
         .hessian = HESSIAN_EXACT, .max_cg = max_cg},
        {.label = "truncated Newton, Gauss-Newton", .newton = true,
         .hessian = HESSIAN_GN, .max_cg = max_cg},
        {.label = "fd products, at most 50 CG steps", .newton = true,
         .hessian = HESSIAN_FD, .max_cg = 50},
        {.label = "gradient descent", .newton = false},
    };
    int chosen = strcmp(optimizer, "gd") == 0          ? 4
                 : strcmp(hessian, "fd") == 0          ? 0
                 : strcmp(hessian, "gn") == 0          ? 2
                                                       : 1;
    int *predicted = nn_alloc((size_t)m, sizeof *predicted);
    network net = network_alloc(size, m);   // for train and test alike
    int counts[10][10];
    for (int k = 0; k < METHODS; k++) {
        int which = (chosen + k) % METHODS;  // the chosen method first
        method *run = &methods[which];
        if (k > 0 && no_compare)
            break;
        if (k == 0)
            printf("\ntraining: %s\n", run->label);
        train(run, theta, theta0, &train_set, size, lambda, evals, rate,
              k == 0);
        fprintf(stderr, "time: %s: %.3f s\n", run->label, run->seconds);
        run->train_acc = accuracy(predicted, &net, theta, &train_set);
        run->test_acc = accuracy(predicted, &net, theta, &test_set);
        if (k > 0)
            continue;
        print_result(&run->result);
        printf("training accuracy: %.4f\n", run->train_acc);
        printf("test accuracy: %.4f\n", run->test_acc);
        print_blank_pixels(theta, theta0, &train_set, size);
        printf("\n");
        confusion_matrix(counts, &test_set, predicted);
        draw_hidden_units(&pl, theta, size, side);
        draw_predictions(&pl, &test_set, predicted, side);
        draw_confusion(&pl, (const int(*)[10])counts);
    }
    if (!no_compare) {
        printf("\nthe same start, the same budget of %d evaluations:\n",
               evals);
        printf("  %-33s %4s %5s %5s %9s %6s %6s\n", "method", "nit",
               "nfev", "H v", "cost", "train", "test");
        const char *names[METHODS];
        run_result runs[METHODS];
        for (int k = 0; k < METHODS; k++) {
            method *run = &methods[k];
            printf("  %-33s %4d %5g %5d %9.6f %6.4f %6.4f\n", run->label,
                   run->result.nit, run->result.passes / 2.0,
                   run->result.cg_steps, run->result.f, run->train_acc,
                   run->test_acc);
            names[k] = run->label;
            runs[k] = run->result;
        }
        draw_costs(&pl, runs, names, METHODS);
    }
    for (int k = 0; k < METHODS; k++)
        run_result_free(&methods[k].result);
    free(predicted), free(theta0), free(theta);
    network_free(&net);
    free_digits(&train_set);
    free_digits(&test_set);
    return 0;
}

/**
## What it printed

First the data and the network:

```{.output file="08-tnc-mnist" lines="1-3"}
```

Then the checks on ex4's small network. Backpropagation agrees with the
central differences to about as many digits as those can have, and the
R-operator's Hessian product agrees with a central difference of
gradients just as well:

```{.output file="08-tnc-mnist" grep="check"}
```

At the initial weights, the gradient through the ink lists is the one
`mat_gemm` gives, to the last bits; the finite-difference Hessian
product and the exact one agree to about half the digits of a double,
as the choice of $h$ promised; and the Gauss-Newton product is visibly a
different matrix, since a random start fits nothing and the residuals
it drops are large:

```{.output file="08-tnc-mnist" from="initial cost" to="Gauss-Newton"}
```

Then the run itself, with exact Hessian products (TNC's
finite-difference ones come in the comparison further on): one line
per outer iteration, with the evaluations spent so
far, the cost, the size of the gradient, the number of
conjugate-gradient steps (Hessian products) that found the direction and
what stopped them (negative or vanishing curvature, Nash's test, the
cap, the budget); then the summary in `minimize`'s words, the
accuracies, and the largest weight on a pixel that is blank in every
training image:

```{.output file="08-tnc-mnist" from="training:" to="no training image"}
```

The first directions take a few conjugate-gradient steps and the cost
falls fast. Far from a fit the Hessian is indefinite, and the inner
loop soon meets a direction of negative curvature and stops there.
Later every direction uses all ten steps, and an outer iteration costs
eleven evaluations or a little more: ten Hessian products and the line
search's trial steps, mostly just one, because the Newton step of
length 1 is good. Most of the budget goes into Hessian products, and
the outer iterations are few: that is what `maxiter: 300` really
bought in the seed.

![What the 25 hidden units look for: each unit's weights on the 784
pixels, light for negative and dark for positive, each scaled to its
own range.](figures/08-tnc-mnist/hidden-units)

The hidden units show one thing clearly: the border is flat grey. No
training image has ink there, so those weights feel nothing but the
penalty, whose curvature is exactly $\lambda / m$ in every such
direction. That is a quadratic, and Newton's method minimises a
quadratic in one step, so truncated Newton sends those weights to
nearly zero (the last line above). Gradient descent multiplies them by
$1 - \alpha\lambda/m$ per step and leaves them almost where the random
start put them. In the middle, where the digits are, each unit has
grown fine-grained patterns of both signs, templates for the pieces of
digits it adds up; $\lambda = 1$ over 5,000 images restrains them only
a little.

![Test digits and the network's answers. The first three rows are an
evenly spaced sample of the test set (which is sorted by digit); the
last row holds mistakes taken evenly from the whole test set. Mistakes
show the answer and then the label in
brackets.](figures/08-tnc-mnist/predictions)

![The confusion matrix of the test images: each row a true digit, each
column the network's answer, the count written in each cell. The colour
scale is logarithmic so that the rare confusions
show.](figures/08-tnc-mnist/confusion)

```{.output file="08-tnc-mnist" from="confusion" to="9:"}
```

The mistakes are mostly the ones a person would expect: 4 and 9, 3 and
5, 7 and 9, and 2s taken for 1s or 8s.

## The methods side by side

Every method started from the same weights and had the same 300
evaluations ("nfev"; "H v" counts the Hessian products among them):

```{.output file="08-tnc-mnist" from="the same start" to="gradient descent"}
```

![The cost on the training images after each outer iteration (after
each step for gradient descent), against the evaluations spent so
far.](figures/08-tnc-mnist/cost-vs-evaluations)

Gradient descent keeps pace for the first few evaluations and then
crawls: one step size has to suit the most curved direction, and along
the flat ones it then barely moves. The truncated-Newton runs measure
the curvature and take long steps where it is small.

Among the three kinds of product, finite differences and the exact
product end up close together: the exact product's extra digits hardly
matter when the inner loop stops long before the Newton equations are
solved to half the digits anyway, and both cost the same two passes.
Gauss-Newton leads for the first half of the budget: $G$ has no
directions of negative curvature, so its conjugate gradients are not
stopped by one as the other runs' are in their first iterations (run
`--hessian gn --no-compare` to see what stops them instead), and far
from a fit that is worth more than accuracy. Later, with smaller
residuals, the exact curvature is the better model and the other two
finish lower. The run with TNC's cap of
50 products per direction falls behind once Nash's test starts letting
the inner loop run: a few long directions are a worse use of the budget
than many short ones.

The times of the book's run, from stderr (they vary with the machine
and its load):

```{.output file="08-tnc-mnist" stream="stderr" grep="time:"}
```

The first line is the best of three tries at the initial weights: a
finite-difference product and an exact product each cost about as much
as an evaluation, as the count of passes says. The second is the same
evaluation through `mat_gemm`, zeros and all.

## Against SciPy

`bench/tnc-mnist.sh` runs this program and `bench/peers/tnc_mnist.py`
side by side: the seed's NumPy code at 784 inputs, with the same even
and odd split, the same initial weights and
`minimize(method='TNC', options={'maxfun': 300})`, and prints both
results, their training times and the ratio (`make bench` runs it).
The C program does less work per evaluation: the seed computes the
forward pass twice per evaluation, once in `cost` and once in
`gradient`; both of its passes over the images multiply every zero
pixel; and its Hessian products are whole evaluations, exponentials and
all, where an exact product reuses the activations it has.
`C_FLAGS="--hessian fd" sh bench/tnc-mnist.sh` times TNC's own kind of
product instead.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-08 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-08`
checks them all). Give a number you found as `ANSWER=`.

1. Run `build/bin/08-tnc-mnist --evals 100` and `--evals 1000`
   (`--no-compare` skips the other methods, which take most of the
   time). How do the cost and the training and test accuracies move?
   At which budget does more training stop helping the test accuracy?
2. Try `--lambda 0` and `--lambda 10`, and look at the hidden units each
   time (`--plot window`). What does the penalty do to the weights in
   the middle of the image, and to the gap between the training and
   the test accuracy?
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
   the exact one, and at least 0.9 of the training images right in
   `--quick`. Does the softmax help the test accuracy at the default
   budget?
   (check: `make check-08 EXERCISE=8`)
*/
