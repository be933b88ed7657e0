/**
# Making it fast: one matrix product, four ways {#app-fast}

Almost all the time a neural network spends is spent multiplying
matrices: a dense layer is one product forward and two backward, and a
convolution becomes one after `im2col`. This appendix writes the product
$C = A B$ of two $n \times n$ matrices four times, from the textbook loop
to OpenBLAS, and measures each on the machine that builds the book. The
numbers below were printed by this program while your copy of the book
was being built, so they describe *your* computer.

```{.run chapter="A2-making-it-fast"}
```

We count speed in GFLOP/s: the product does $n^3$ multiplications and
$n^3$ additions, $2n^3$ floating-point operations, and we divide by the
seconds it took. Everything is in single precision (`float`), as in
chapter 9, where the speed matters.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"

#ifdef NN_USE_CBLAS
#include <cblas.h>
#endif

/**
## The definition

$C_{ij} = \sum_p A_{ip} B_{pj}$, written as it reads. The innermost loop
walks down a *column* of $B$: consecutive iterations touch addresses $n$
floats apart, so nearly every access to $B$ misses the cache once $n$ is
large, and the processor waits for memory instead of computing.
*/

// C = A B; A, B, C are (n, n), row-major.
static void matmul_ijk(float *C, const float *A, const float *B, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            float sum = 0.0f;
            for (int p = 0; p < n; p++)
                sum += A[i * n + p] * B[p * n + j];
            C[i * n + j] = sum;
        }
}

/**
## Swap two loops

The same sums in another order: for each $i$ and $p$, add
$A_{ip}$ times row $p$ of $B$ into row $i$ of $C$. Now the inner loop
walks along rows of both $B$ and $C$, one float after the next. Memory is
read in the order it is laid out, and the compiler can use vector
instructions that do several multiply-adds at once. For that it must know
that writing `C` never changes `A` or `B`; C99's `restrict` is that
promise. And it must be asked to: GCC vectorizes loops like this one at
`-O3`, not at the `-O2` the other chapters use, so this appendix is
built with `-O3 -march=native` (the file `build.cmake` beside it says
so). Nothing else changed.
*/

static void matmul_ikj(float *restrict C, const float *restrict A,
                       const float *restrict B, int n)
{
    memset(C, 0, sizeof(float) * (size_t)n * n);
    for (int i = 0; i < n; i++)
        for (int p = 0; p < n; p++) {
            float a = A[i * n + p];
            for (int j = 0; j < n; j++)
                C[i * n + j] += a * B[p * n + j];
        }
}

/**
## Work in blocks

For large $n$ a row of $B$ no longer fits in the fastest cache, and each
is fetched again for every $i$. Cutting the matrices into tiles of
$64 \times 64$ floats (16 KB each) keeps the tiles of $B$ and $C$ being
worked on in cache while they are reused. The loops inside a tile are
the swapped loops of the previous section.
*/

enum { TILE = 64 };

static int min_int(int a, int b) { return a < b ? a : b; }

static void matmul_blocked(float *restrict C, const float *restrict A,
                           const float *restrict B, int n)
{
    memset(C, 0, sizeof(float) * (size_t)n * n);
    for (int i0 = 0; i0 < n; i0 += TILE)
        for (int p0 = 0; p0 < n; p0 += TILE)
            for (int j0 = 0; j0 < n; j0 += TILE)
                // one tile: C[i0.., j0..] += A[i0.., p0..] B[p0.., j0..]
                for (int i = i0; i < min_int(i0 + TILE, n); i++)
                    for (int p = p0; p < min_int(p0 + TILE, n); p++) {
                        float a = A[i * n + p];
                        for (int j = j0; j < min_int(j0 + TILE, n); j++)
                            C[i * n + j] += a * B[p * n + j];
                    }
}

/**
## Let BLAS do it

OpenBLAS's `sgemm` goes much further: hand-written assembly kernels for
this very processor that keep a small block of $C$ in vector registers,
operands packed into cache-sized panels, and all cores at work. One call
does it. The toolkit's `mat_gemm` and chapter 9 use exactly this call
for their large products.
*/

static void matmul_blas(float *C, const float *A, const float *B, int n)
{
#ifdef NN_USE_CBLAS
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                A, n, B, n, 0.0f, C, n);
#else
    matmul_blocked(C, A, B, n);
#endif
}

/**
## Measuring

Each method runs on the same random matrices; we repeat it until at least
a fifth of a second has passed, keep the best time of those runs, and
check the result against the BLAS product (the sums are the same up to
rounding in a different order).
*/

typedef void (*matmul_fn)(float *, const float *, const float *, int);

// Best seconds per product over repeated runs of fn.
static double time_product(matmul_fn fn, float *C, const float *A,
                           const float *B, int n)
{
    double best = 1e30, total = 0.0;
    int runs = 0;
    while (total < 0.2 || runs < 2) {
        double start = nn_seconds();
        fn(C, A, B, n);
        double seconds = nn_seconds() - start;
        best = seconds < best ? seconds : best;
        total += seconds;
        runs++;
    }
    return best;
}

// Largest |X - Y| relative to the largest |Y|.
static double relative_difference(const float *X, const float *Y,
                                  size_t count)
{
    double diff = 0.0, scale = 1e-30;
    for (size_t i = 0; i < count; i++) {
        double d = X[i] > Y[i] ? X[i] - Y[i] : Y[i] - X[i];
        double y = Y[i] > 0 ? Y[i] : -Y[i];
        diff = d > diff ? d : diff;
        scale = y > scale ? y : scale;
    }
    return diff / scale;
}

int main(int argc, char **argv)
{
    int max_n = 1024;
    cli_option options[] = {
        {"--max-n", CLI_INT, &max_n, "largest matrix size measured",
         .min = 64, .max = 4096},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "appendix: one matrix product, four ways");
    if (status != CLI_CONTINUE)
        return status;
    if (common.quick)
        max_n = 128;

    const struct {
        const char *name;
        matmul_fn fn;
        int max_n;   // the slow loops are not worth waiting for beyond
    } methods[] = {
        {"definition (ijk)", matmul_ijk, 512},
        {"loops swapped (ikj)", matmul_ikj, 1024},
        {"blocked 64x64", matmul_blocked, 4096},
        {"OpenBLAS sgemm", matmul_blas, 4096},
    };
    rng r;
    rng_seed(&r, common.seed);
    printf("%-22s %6s %10s %9s %12s\n", "method", "n", "seconds",
           "GFLOP/s", "rel. diff");
    for (int n = 128; n <= max_n; n *= 2) {
        size_t count = (size_t)n * n;
        float *A = nn_alloc(count, sizeof *A);   // (n, n)
        float *B = nn_alloc(count, sizeof *B);   // (n, n)
        float *C = nn_alloc(count, sizeof *C);   // (n, n)
        float *reference = nn_alloc(count, sizeof *reference);
        for (size_t i = 0; i < count; i++) {
            A[i] = (float)rng_uniform(&r, -1, 1);
            B[i] = (float)rng_uniform(&r, -1, 1);
        }
        matmul_blas(reference, A, B, n);
        for (int m = 0; m < 4; m++) {
            if (n > methods[m].max_n)
                continue;
            double seconds = time_product(methods[m].fn, C, A, B, n);
            double gflops = 2.0 * n * (double)n * n / seconds / 1e9;
            double error = relative_difference(C, reference, count);
            if (error > 1e-4) {
                fprintf(stderr, "%s: %s gave a wrong product (relative "
                        "difference %g)\n", common.program,
                        methods[m].name, error);
                return 1;
            }
            printf("%-22s %6d %10.4f %9.2f %11.1e\n", methods[m].name, n,
                   seconds, gflops, error);
        }
        free(A), free(B), free(C), free(reference);
    }
    return 0;
}

/**
## What this machine did

```{.output file="A2-making-it-fast"}
```

Read the table size by size. The four methods computed the same product
(the last column is the largest difference from the BLAS result,
relative to the largest entry: rounding, nothing more). Swapping two
loops buys a large factor over the definition at no cost in clarity.
Whether our simple blocking pays off depends on the sizes of this
processor's caches and on how well the compiler handles the shorter
inner loops; compare its rows with the swapped loops at the largest
size. And the tuned library leaves every hand-written loop far behind.
That is why the chapters write their layers as a few large products: the
arithmetic is the same, but it runs where the processor is fastest.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-A2 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-A2`
checks them all). The goals are about the products being right; the
speeds are yours to compare and explain.

1. Make the tile size a flag: turn the constant `TILE` into a variable
   that `--tile N` sets (one more entry in `options`), and name the
   blocked row after it, `blocked NxN` (`snprintf` the name into a
   buffer). Goal: `--tile 16` and `--tile 32` run and their products
   are right. Then compare 16, 32, 64 and 128 with `--max-n 2048`: which
   tile is fastest here, and how does that relate to your processor's
   cache sizes (`lscpu`)? Is the blocked loop slower with a tile the
   compiler no longer knows in advance?
   (check: `make check-A2 EXERCISE=1`)
2. Add the loop orders `jik` and `kij` as two more methods, with
   `(jik)` and `(kij)` in their names, and let the loop over `methods`
   reach them. Before you run them, predict their speed from the
   memory-access argument: which of the four orders walks along rows
   in its inner loop? Goal: both rows appear and their products are
   right.
   (check: `make check-A2 EXERCISE=2`)
3. Run with `OPENBLAS_NUM_THREADS=1`. How much of BLAS's lead comes from
   using every core, and how much from its kernels?
*/
