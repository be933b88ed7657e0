/**
# Making it fast: one matrix product, five ways {#app-fast}

Almost all the time a neural network spends is spent multiplying
matrices: a dense layer is one product forward and two backward, and a
convolution becomes one after `im2col`. This appendix writes the product
$C = A B$ of two $n \times n$ matrices five times, from the textbook
loop to the way a tuned library does it, and measures each against
OpenBLAS on the machine that builds the book. The numbers below were
printed by this program while your copy of the book was being built,
so they describe *your* computer.

```{.run chapter="A2-making-it-fast"}
```

We count speed in GFLOP/s: the product does $n^3$ multiplications and
$n^3$ additions, $2n^3$ floating-point operations, and we divide by the
seconds it took. Everything is in single precision (`float`), as in
chapter 9, where the speed matters. Every method runs on one thread,
OpenBLAS too, so that the comparison is of the code, not of the number
of cores; a last row lets OpenBLAS use all of them.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

Whether this pays off is an empirical question, and the answer is often
"not much". The swapped loops already read $B$ and $C$ in order, and a
modern processor's prefetcher streams such rows from the second-level
cache nearly as fast as the vector units use them; meanwhile the tiles
make every inner loop only 64 long, with loop overhead at both ends.
What limits the swapped loops is not the cache but the registers: every
multiply-add loads one element of $C$ and stores it back. The next
section removes that.
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
## Pack, and keep a block of C in registers

This is how OpenBLAS and BLIS build a product, in a small form. Two
ideas.

**A register-blocked micro-kernel.** Compute a small block of $C$, here
$6 \times 16$ floats, completely, keeping its 96 running sums in
vector registers from the first term to the last: with 8 floats per
AVX register that is 12 registers, and the processor has 16. Each step
$p$ loads 16 floats of a row of $B$ (two registers) and 6 floats of a
column of $A$, and does $6 \times 16 = 96$ multiply-adds with them: 96
operations per 22 floats loaded, where the swapped loops load and store
an element of $C$ for every one.

Can the compiler find that kernel in plain loops? We tried: written as
three nested loops with the sizes as constants, GCC 12 at `-O3` does
vectorise it, but along the wrong dimension (the 6 rows of $A$, four at
a time, with every element of $B$ broadcast), and the result ran
slower than the swapped loops. So the kernel says what it means with
GCC's *vector extension*, which Clang understands too: a type
`floats8` of 8 floats that the compiler keeps in one AVX register, on
which `+` and `*` work element by element, and a float times a
`floats8` multiplies every element. The sums are an array of 12 such
vectors; the loop body is two loads, six broadcasts and twelve
multiply-adds; the compiler keeps everything in registers. A plain
loop stands in for compilers without the extension.

**Packing.** The kernel wants its 6 floats of $A$ and 16 floats of $B$
next to each other, and the rows of $A$ and $B$ are $n$ floats apart.
So before the kernels run we copy a block of $A$ (96 rows by 256
columns, which fits in the second-level cache) into panels of 6 rows
stored column by column, and a block of $B$ (256 rows by all columns)
into panels of 16 columns stored row by row. The copy costs $O(n^2)$
per block, the kernels $O(n^3)$: for large $n$ the copy is free, and
every kernel then reads memory strictly in order. Rows and columns
beyond the matrix are packed as zeros, so the kernel never needs a
special case; only the write-back at the edges is cut short.

![How the packed product feeds its micro-kernel: copies of blocks of
$A$ and $B$, arranged in the order the kernel reads them, and a block of
$C$ that stays in registers until it is
done.](figures/diagrams/a2-packing)
*/

enum { MR = 6, NR = 16 };           // the block of C held in registers
enum { KC = 256, MC = 96 };         // the packed blocks of A and B

// Pack A[i0 .. i0+mc, p0 .. p0+kc] (A is (n, n)) into panels of MR rows,
// each stored column by column: dst[r / MR][p][i]; rows past mc are 0.
static void pack_a(float *restrict dst, const float *restrict A, int n,
                   int i0, int mc, int p0, int kc)
{
    for (int r = 0; r < mc; r += MR)
        for (int p = 0; p < kc; p++)
            for (int i = 0; i < MR; i++)
                *dst++ = r + i < mc ? A[(size_t)(i0 + r + i) * n + p0 + p]
                                    : 0.0f;
}

// Pack B[p0 .. p0+kc, 0 .. n] into panels of NR columns, each stored row
// by row: dst[c / NR][p][j]; columns past n are 0.
static void pack_b(float *restrict dst, const float *restrict B, int n,
                   int p0, int kc)
{
    for (int c = 0; c < n; c += NR)
        for (int p = 0; p < kc; p++)
            for (int j = 0; j < NR; j++)
                *dst++ = c + j < n ? B[(size_t)(p0 + p) * n + c + j]
                                   : 0.0f;
}

// The micro-kernel: the block C[0 .. rows, 0 .. cols] (row stride ldc)
// += a b, for a packed panel a (kc, MR) of A and b (kc, NR) of B.
#if defined(__GNUC__)
typedef float floats8 __attribute__((vector_size(32)));   // 8 floats

static void kernel_6x16(float *restrict C, int ldc, int rows, int cols,
                        const float *restrict a, const float *restrict b,
                        int kc)
{
    floats8 sum[MR][NR / 8] = {{{0}}};   // 12 vector registers
    for (int p = 0; p < kc; p++) {
        floats8 b0, b1;                  // row p of the panel of B
        memcpy(&b0, b + p * NR, sizeof b0);
        memcpy(&b1, b + p * NR + 8, sizeof b1);
        for (int i = 0; i < MR; i++) {   // times column p of A's panel
            float a_ip = a[p * MR + i];
            sum[i][0] += a_ip * b0;
            sum[i][1] += a_ip * b1;
        }
    }
    float out[MR][NR];
    memcpy(out, sum, sizeof out);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            C[(size_t)i * ldc + j] += out[i][j];
}
#else
static void kernel_6x16(float *restrict C, int ldc, int rows, int cols,
                        const float *restrict a, const float *restrict b,
                        int kc)
{
    float sum[MR][NR] = {{0.0f}};
    for (int p = 0; p < kc; p++)
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++)
                sum[i][j] += a[p * MR + i] * b[p * NR + j];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            C[(size_t)i * ldc + j] += sum[i][j];
}
#endif

static void matmul_packed(float *restrict C, const float *restrict A,
                          const float *restrict B, int n)
{
    memset(C, 0, sizeof(float) * (size_t)n * n);
    int n_up = (n + NR - 1) / NR * NR;           // n rounded up to NR
    float *a_packed = nn_alloc((size_t)MC * KC, sizeof(float));
    float *b_packed = nn_alloc((size_t)KC * n_up, sizeof(float));
    for (int p0 = 0; p0 < n; p0 += KC) {
        int kc = min_int(KC, n - p0);
        pack_b(b_packed, B, n, p0, kc);
        for (int i0 = 0; i0 < n; i0 += MC) {
            int mc = min_int(MC, n - i0);
            pack_a(a_packed, A, n, i0, mc, p0, kc);
            for (int j = 0; j < n; j += NR)
                for (int i = 0; i < mc; i += MR)
                    kernel_6x16(&C[(size_t)(i0 + i) * n + j], n,
                                min_int(MR, mc - i), min_int(NR, n - j),
                                a_packed + (size_t)i * kc,
                                b_packed + (size_t)j * kc, kc);
        }
    }
    free(a_packed);
    free(b_packed);
}

/**
## Let BLAS do it

OpenBLAS's `sgemm` is the same design carried to the end: kernels
written in assembly for this very processor, block sizes tuned to its
caches, the edges handled by smaller kernels, the packing itself
vectorised, and all cores at work if it is allowed. One call does it.
The toolkit's `mat_gemm` and chapter 9 use exactly this call for their
large products. We measure it on one thread first, like every other
row, and then on all of this machine's processors.
*/

static void matmul_blas(float *C, const float *A, const float *B, int n)
{
#ifdef NN_USE_CBLAS
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                A, n, B, n, 0.0f, C, n);
#else
    matmul_packed(C, A, B, n);
#endif
}

/**
## Measuring

Each method runs on the same random matrices; we repeat it until at least
a fifth of a second has passed, keep the best time of those runs, and
check the result against the BLAS product (the sums are the same up to
rounding in a different order). Times are printed in milliseconds. The
first line says which OpenBLAS the program runs with and which of its
kernels it chose for this processor (the environment variable
`OPENBLAS_CORETYPE` can force another). The
definition is not run beyond $n = 512$: its time grows as $n^3$, so at
$n = 1024$ the program prints what it would have taken, eight times its
time at half the size, instead of waiting for it.
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

typedef struct {
    const char *name;
    matmul_fn fn;
    int max_n;          // beyond this the method is not worth waiting for
    int threads;        // BLAS threads for this row (0: not BLAS)
} method;

enum { N_METHODS = 6 };

// Measure every method at size n; seconds[m] gets the best time (0 when
// skipped). 0, or 1 if a method got the product wrong.
static int measure_size(const method *methods, double *seconds, int n,
                        rng *r, const cli_common *common, progress *bar)
{
    size_t count = (size_t)n * n;
    float *A = nn_alloc(count, sizeof *A);   // (n, n)
    float *B = nn_alloc(count, sizeof *B);   // (n, n)
    float *C = nn_alloc(count, sizeof *C);   // (n, n)
    float *reference = nn_alloc(count, sizeof *reference);   // (n, n)
    for (size_t i = 0; i < count; i++) {
        A[i] = (float)rng_uniform(r, -1, 1);
        B[i] = (float)rng_uniform(r, -1, 1);
    }
    matmul_blas(reference, A, B, n);
    int status = 0;
    for (int m = 0; m < N_METHODS && status == 0; m++) {
        const method *me = &methods[m];
        seconds[m] = 0.0;
        progress_update(bar, m, "n = %d, %s", n, me->name);
        if (n > me->max_n) {
            progress_clear(bar);
            if (m == 0 && n / 2 <= me->max_n)   // the definition: skipped
                printf("%-22s %6d %10s   (not run: about %.3g s)\n",
                       me->name, n, "-", 8 * seconds[N_METHODS]);
            continue;
        }
        if (me->threads)
            mat_blas_threads(me->threads);
        seconds[m] = time_product(me->fn, C, A, B, n);
        double error = relative_difference(C, reference, count);
        progress_clear(bar);
        if (error > 1e-4) {
            fprintf(stderr, "%s: %s gave a wrong product (relative "
                    "difference %g)\n", common->program, me->name, error);
            status = 1;
        } else {
            printf("%-22s %6d %10.4g %9.2f %11.1e\n", me->name, n,
                   seconds[m] * 1e3, 2.0 * n * (double)n * n / seconds[m]
                   / 1e9, error);
        }
    }
    mat_blas_threads(1);
    free(A), free(B), free(C), free(reference);
    return status;
}

// How each step paid off at the largest size: the speed-up of one
// method over another.
static void print_verdict(const double *seconds, int n)
{
    printf("\nat n = %d, the time of one product, relative:\n", n);
    printf("  swapped loops / blocked 64x64:       %5.2f\n",
           seconds[1] / seconds[2]);
    printf("  swapped loops / packed 6x16 kernel:  %5.2f\n",
           seconds[1] / seconds[3]);
    printf("  packed kernel / OpenBLAS, 1 thread:  %5.2f\n",
           seconds[3] / seconds[4]);
}

int main(int argc, char **argv)
{
    int max_n = 1024;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = cpus > 1 ? (int)(cpus < 64 ? cpus : 64) : 1;
    cli_option options[] = {
        {.name = "--max-n", .type = CLI_INT, .value = &max_n,
         .help = "largest matrix size measured", .min = 64,
         .max = 4096},
        {.name = "--threads", .type = CLI_INT, .value = &threads,
         .help = "BLAS threads of the last row", .min = 1, .max = 64},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "appendix: one matrix product, five ways");
    if (status != CLI_CONTINUE)
        return status;
    // This appendix draws nothing, but --plot and --out are checked as
    // in every chapter, so a bad one is refused the same way.
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;
    if (common.quick)
        max_n = 128;
    size_t bytes = nn_size_mul(nn_size_mul((size_t)max_n, max_n),
                               4 * sizeof(float));
    status = cli_check_memory(&common, bytes, "--max-n");
    if (status != CLI_CONTINUE)
        return status;

    char all_threads[40];
    snprintf(all_threads, sizeof all_threads, "OpenBLAS, %d thread%s",
             threads, threads > 1 ? "s" : "");
    const method methods[N_METHODS] = {
        {"definition (ijk)", matmul_ijk, 512, 0},
        {"loops swapped (ikj)", matmul_ikj, 4096, 0},
        {"blocked 64x64", matmul_blocked, 4096, 0},
        {"packed, 6x16 kernel", matmul_packed, 4096, 0},
        {"OpenBLAS, 1 thread", matmul_blas, 4096, 1},
        {all_threads, matmul_blas, 4096, threads},
    };
    rng r;
    rng_seed(&r, common.seed);
#if defined(NN_USE_CBLAS) && defined(OPENBLAS_VERSION)
    // which OpenBLAS, and which of its kernels it chose for this CPU
    printf("BLAS: %s; kernels for %s\n", openblas_get_config(),
           openblas_get_corename());
#else
    printf("BLAS: none found at build time; its rows use the packed "
           "kernel\n");
#endif
    printf("%-22s %6s %10s %9s %12s\n", "method", "n", "ms", "GFLOP/s",
           "rel. diff");
    double seconds[N_METHODS + 1] = {0};    // + the definition's last
    progress bar;
    progress_start(&bar, "measuring", N_METHODS);
    // n = 128, 256, 512, ... up to --max-n, and --max-n itself
    for (int n = max_n < 128 ? max_n : 128; status == CLI_CONTINUE;
         n = n < max_n && 2 * n > max_n ? max_n : 2 * n) {
        if (measure_size(methods, seconds, n, &r, &common, &bar) != 0)
            status = 1;
        if (seconds[0] > 0)
            seconds[N_METHODS] = seconds[0];
        if (n == max_n)
            break;
    }
    progress_end(&bar);
    if (status != CLI_CONTINUE)
        return status;
    print_verdict(seconds, max_n);
    return plot_close(&pl) == 0 ? 0 : 1;
}

/**
## What this machine did

```{.output file="A2-making-it-fast"}
```

Read the table size by size. The methods computed the same product (the
last column is the largest difference from the BLAS result, relative to
the largest entry: rounding, nothing more). Swapping two loops buys a
large factor over the definition at no cost in clarity; at $n = 1024$
the definition's row gives only an estimate, because it would take
that long. The three lines at the end sum up the largest size. The
first line is the honest verdict on simple blocking on this
machine: a number near or below 1 means the tiles bought nothing over
the swapped loops, for the reasons given in the section on blocking.
The second line is what packing and a register-blocked kernel buy:
this is where the speed of a matrix product comes from. The third is
what OpenBLAS adds beyond that: assembly kernels, tuned block sizes,
vectorised packing. A number near 1 means that here a kernel a reader
can write in an afternoon gets about as far; that can also be a sign
that OpenBLAS runs kernels chosen for another processor (the first line
of the output names them, and variables such as `OPENBLAS_CORETYPE` in
the environment can force a choice). The last row of the table adds the
rest of the machine's cores. That is why the chapters write their
layers as a few large products handed to BLAS: the arithmetic is the
same, but it runs where the processor is fastest.

## Summary

- The order of three loops decides whether memory is read in order; the
  swapped loops are several times faster than the definition.
- Blocking for the cache helps only when the cache is the limit; here
  the limit is loads and stores of $C$.
- A micro-kernel that keeps a block of $C$ in registers, fed by packed
  panels of $A$ and $B$, is the core of every fast matrix product.
- OpenBLAS adds assembly kernels and tuned blocks, and then all cores.
- Compare methods on equal terms: one thread each, then threads.

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
   `(jik)` and `(kij)` in their names, at the end of `methods` (raise
   `N_METHODS` to match). Before you run them, predict their speed from the
   memory-access argument: which of the four orders walks along rows
   in its inner loop? Goal: both rows appear and their products are
   right.
   (check: `make check-A2 EXERCISE=2`)
3. Compare the two OpenBLAS rows, and run with `--threads 1` and
   `--threads 2`. How much of BLAS's lead comes from using every core,
   and how much from its kernels? Why does a second thread help less at
   $n = 128$ than at $n = 1024$?
4. (Harder) Change the kernel's block to $4 \times 16$ and to
   $8 \times 8$ (`MR`, `NR`). Count the registers each needs for its
   sums and the floats it loads per step; which runs fastest here, and
   why?
*/
