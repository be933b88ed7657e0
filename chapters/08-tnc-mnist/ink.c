/**
## Most of a digit is blank paper {#app-ink}

Chapter 8's network spends nearly all of its time in two products with
the matrix of images $A$ (one image per column, a first row of ones for
the bias): $\Theta^{(1)} A$ in the forward pass and $\delta A^T$ for the
gradient of the first layer's weights. Both multiply every input of
every image, and most of those inputs are zero: the border of an MNIST
digit is always empty, and the strokes cover only part of the middle
(chapter 8 prints the share that is inked). OpenBLAS does not know
that, and neither does NumPy. This section skips the zeros. The code is
`chapters/08-tnc-mnist/ink.c`, behind the header `ink.h`, whose contract
reads:

```{.include file="chapters/08-tnc-mnist/ink.h" listing="true"}
```

Keep, for each image $i$, the list of its inked inputs $p$ with their
values (the bias input, always 1, is one of them). Then

$$z_{:,i} = \sum_{p \,\in\, \text{ink}(i)} a_{p i}\, \Theta_{:,p}:$$

each inked input adds a column of $\Theta$, weighted by its value, to
the image's outputs. The gradient's product has the same shape with the
roles swapped: the gradient for input $p$'s weights sums $a_{p i}\,
\delta_{:,i}$ over the images $i$ in which $p$ is inked. So the same
nonzeros are kept a second time, listed by input, and one function
serves both products: for each list, sum the rows it names, weighted by
their values.

The result is the sum the dense product computes without its zero
terms, so it agrees with `mat_gemm` up to the order of the additions;
chapter 8 prints how far apart the two gradients are, and its `--dense`
flag uses `mat_gemm` instead.

### Strips padded to the vector width

For one list entry the work is "load a value $x$, find the row it
names, add $x$ times that row to the running sums". The row has one
number per output. A processor's vector instructions work on several
doubles at once: two with SSE2, which every x86-64 has, four with
AVX2, eight with AVX-512. So the rows are padded: the outputs are cut
into *strips* of 32, a multiple of every one of those widths, and the
25 outputs of chapter 8's hidden layer fill one strip, with 7 lanes of
zeros. A strip row is then exactly four AVX-512 vectors (or eight AVX2
ones, or sixteen SSE2 ones), with nothing left over: no odd lane at the
end that needs a loop of its own.

The loop over a strip is written as the plain loop it is,

```c
for (int k = 0; k < STRIP; k++)
    sum[k] += x * r[k];
```

and the compiler does the rest, because it knows three things. The
trip count is a constant, 32, a multiple of the vector width, so the
loop becomes four (or eight, or sixteen) vector multiplications and
additions with no remainder. `#pragma GCC unroll 32` asks it to unroll
the loop completely, so `sum` is no longer an array in memory but 32
numbers it can keep in vector registers for the whole list: each entry
then costs one load of the row, a multiplication and an addition per
vector, and no store. And `restrict` on the row table and the output
promises that they do not overlap, so writing one cannot change the
other. Without the padding, 25 sums would be three vectors of eight
and one odd lane, done one number at a time.

Which vectors? The build is for every x86-64, which may not assume
AVX2. GCC can compile a function several times, for the baseline and
for AVX2 and AVX-512 (`target_clones`), and pick the version that suits
the processor when the program starts; chapter 6 does the same. All
versions do the same multiplications and additions in the same order:
the compiler is not allowed to fuse `x * r[k]` and the addition into
one rounding (ISO C, as the book is built, keeps them two), so every
version gives the same bytes. `chapters/08-tnc-mnist/tests/test_ink.c`
holds the products to that: against plain loops with no strips,
blocks, threads or vectors that add the same terms in the same order,
it wants the same bytes, for shapes that fill less than a strip, one,
and more than two, on one thread and on three.

### Blocks that stay in the cache

Every entry loads a whole row of the dense operand: 256 bytes. For the
forward product those rows are $\Theta^{(1)T}$, 401 of them; for the
gradient they are $\delta^T$, one per image, 5,000 of them. Neither
table fits in the processor's smallest and fastest cache (32 or 48 KiB
per core today), and the entries jump around in them. So the indices
are cut into *blocks* of at most 24 KiB of rows, and the lists are
summed block by block: first every list's entries whose index lies in
block 0, then those in block 1, and so on, each list continuing from
the sums the previous block left. While one block is summed, its rows
stay in the level-1 cache. Where each list's entries of each block
begin is worked out once, when the lists are built (`cut` in the
header). The lists are taken 256 at a time, so that their running sums
stay near too, in the level-2 cache, while the blocks go by.

Cutting a list into pieces does not change its sum: each list still
adds its entries one by one in the same order, from the same zero, and
a running sum written to memory and read back is the same number. So
the bytes are those of one long loop per list, which the test above
checks too.

### Lists of 4-byte entries

With the rows in the cache and the sums in registers, what is left to
wait for is the lists themselves: every product reads all of one
direction's entries, and there are hundreds of thousands of them, far
more than the caches hold between one product and the next. An entry
as built is an `int` index and a `double` value, 12 bytes. Both can be
smaller. The indices are pixels or images, fewer than 65,536 of each
in chapter 8, so 16 bits hold them. And the values, though doubles,
are few: a pixel is a byte from the scanner, and area averaging mixes
a handful of bytes with a handful of fixed weights. Chapter 8's book
run prints how many distinct values its training images have:

```{.output file="08-tnc-mnist" grep="ink lists:"}
```

`pack_lists` sorts them into a table (8 bytes each: small enough to
stay in the level-2 cache) and stores
each entry as two 16-bit numbers, the index and the value's place in
the table: 4 bytes instead of 12. The value read from the table is the
very double that was there before, so the sums do not change by a bit.
When either does not fit 16 bits (a data set of more than 65,536
images, or values of too many kinds), the lists stay wide and the
same loop runs on them; the test covers both.
*/
#include "ink.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmath.h"              // NN_CLONES_AVX512

// A strip: 32 outputs side by side, 256 bytes, four cache lines; the
// network's 25 outputs are one strip, its last 7 lanes padding.
enum { STRIP = 32 };
// The rows of a block of the dense operand: at most this many bytes,
// so that they stay in a 32 KiB level-1 cache while the lists use them.
enum { BLOCK_BYTES = 24 * 1024 };
// Lists summed block after block together: their 256 rows of running
// sums (64 KiB) stay in the level-2 cache while the blocks go by.
enum { CHUNK = 256 };

// The strip loop is marked NN_CLONES_AVX512 (the toolkit's,
// common/vmath.h): compiled for every x86-64 (SSE2: two doubles per
// instruction), for AVX2 (four) and for AVX-512 (eight), the program
// picks the version that suits the processor when it starts (GCC on
// Linux; elsewhere the portable version is all there is). All three do
// the same multiplications and additions in the same order (no fused
// multiply-add: the build is ISO C, whose default keeps a * b + c as two
// roundings), so they give the same bytes.

// The worker threads of a product, below: started by ink_build.
static struct ink_pool *pool_start(int threads);
static void pool_stop(struct ink_pool *pool);

// For lists first..last-1, the entries in block b of the indices:
// out[j][0..STRIP) += the sum over them of value * rows[index][0..STRIP)
// (block 0 starts from zero instead). rows is (any, STRIP), out is
// (lists->n_lists, STRIP); table holds the values of packed lists.
// Summed block after block, each list's entries are still added one by
// one in the list's order.
NN_CLONES_AVX512
static void sum_listed_rows(double *restrict out, const ink_lists *lists,
                            const double *table, int first, int last,
                            int b, const double *restrict rows)
{
    for (int j = first; j < last; j++) {
        const int *cut = lists->cut + (size_t)j * (lists->n_blocks + 1);
        double *o = out + (size_t)j * STRIP;
        if (b > 0 && cut[b] == cut[b + 1])
            continue;                       // nothing to add
        double sum[STRIP];                  // running sums: registers
        for (int k = 0; k < STRIP; k++)
            sum[k] = b == 0 ? 0.0 : o[k];
        if (lists->code)                    // packed: 4 bytes an entry
            for (int q = cut[b]; q < cut[b + 1]; q++) {
                double x = table[lists->code[q]];
                const double *r = rows + (size_t)lists->index16[q] * STRIP;
#pragma GCC unroll 32
                for (int k = 0; k < STRIP; k++)
                    sum[k] += x * r[k];
            }
        else                                // wide: 12 bytes an entry
            for (int q = cut[b]; q < cut[b + 1]; q++) {
                double x = lists->value[q];
                const double *r = rows + (size_t)lists->index[q] * STRIP;
#pragma GCC unroll 32
                for (int k = 0; k < STRIP; k++)
                    sum[k] += x * r[k];
            }
        for (int k = 0; k < STRIP; k++)
            o[k] = sum[k];
    }
}

/**
Building the lists is one pass over the matrix per direction. The
entries are counted first, so each list array is allocated once, at
its final size. Then each list is cut where its indices cross from one
block into the next.
*/

// Cut the indices 0..n_indices-1 into blocks of at most BLOCK_BYTES of
// strip rows, of about equal size, and note where each list's entries
// of each block begin.
static void cut_into_blocks(ink_lists *l, int n_indices)
{
    int most = BLOCK_BYTES / (STRIP * (int)sizeof(double));
    l->n_blocks = n_indices < 1 ? 1 : (n_indices + most - 1) / most;
    l->block_size = (n_indices + l->n_blocks - 1) / l->n_blocks;
    if (l->block_size < 1)
        l->block_size = 1;
    int stride = l->n_blocks + 1;
    l->cut = nn_alloc((size_t)l->n_lists * stride, sizeof *l->cut);
    for (int j = 0; j < l->n_lists; j++) {
        int q = l->start[j];
        for (int b = 0; b < l->n_blocks; b++) {
            while (q < l->start[j + 1]
                   && l->index[q] < b * l->block_size)
                q++;
            l->cut[(size_t)j * stride + b] = q;
        }
        l->cut[(size_t)j * stride + l->n_blocks] = l->start[j + 1];
    }
}

static int compare_doubles(const void *x, const void *y)
{
    double u = *(const double *)x, v = *(const double *)y;
    return (u > v) - (u < v);
}

// The place of v in table[n], which holds it (binary search).
static int place_in(const double *table, int n, double v)
{
    int low = 0, high = n - 1;
    while (low < high) {
        int mid = low + (high - low) / 2;
        if (table[mid] < v)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

// Pack both lists, if every index and the number of distinct values fit
// 16 bits: the distinct values go into ink->table, each entry keeps two
// 16-bit numbers, and the wide arrays are freed. Else nothing changes.
static void pack_lists(ink_matrix *ink, size_t entries)
{
    enum { MOST = 65536 };
    if (ink->rows > MOST || ink->cols > MOST || entries == 0)
        return;
    double *table = nn_alloc(entries, sizeof *table);
    memcpy(table, ink->by_col.value, entries * sizeof *table);
    qsort(table, entries, sizeof *table, compare_doubles);
    size_t n = 0;
    for (size_t q = 0; q < entries; q++)
        if (n == 0 || table[q] != table[n - 1])
            table[n++] = table[q];
    if (n > MOST) {
        free(table);
        return;
    }
    ink->table = nn_realloc(table, n, sizeof *table);
    ink->n_table = (int)n;
    ink_lists *lists[2] = {&ink->by_col, &ink->by_row};
    for (int b = 0; b < 2; b++) {
        ink_lists *l = lists[b];
        l->index16 = nn_alloc(entries, sizeof *l->index16);
        l->code = nn_alloc(entries, sizeof *l->code);
        for (size_t q = 0; q < entries; q++) {
            l->index16[q] = (uint16_t)l->index[q];
            l->code[q] = (uint16_t)place_in(ink->table, ink->n_table,
                                            l->value[q]);
        }
        free(l->index), free(l->value);
        l->index = NULL, l->value = NULL;
    }
}

void ink_build(ink_matrix *ink, matrix a, int max_outputs, int threads)
{
    memset(ink, 0, sizeof *ink);
    ink->rows = a.rows;
    ink->cols = a.cols;
    ink->max_outputs = max_outputs;
    size_t entries = 0;
    for (size_t k = 0; k < mat_size(a); k++)
        entries += a.data[k] != 0.0;
    ink_lists *lists[2] = {&ink->by_col, &ink->by_row};
    for (int b = 0; b < 2; b++) {
        ink_lists *l = lists[b];
        l->n_lists = b == 0 ? a.cols : a.rows;
        l->start = nn_alloc((size_t)l->n_lists + 1, sizeof *l->start);
        l->index = nn_alloc(entries, sizeof *l->index);
        l->value = nn_alloc(entries, sizeof *l->value);
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
        cut_into_blocks(l, b == 0 ? a.rows : a.cols);
    }
    pack_lists(ink, entries);
    size_t longest = (size_t)(a.rows > a.cols ? a.rows : a.cols);
    size_t strips = (size_t)(max_outputs + STRIP - 1) / STRIP;
    ink->threads = threads < 1 ? 1 : threads > 16 ? 16 : threads;
    ink->scratch_block = nn_alloc(2 * strips * STRIP * longest + 8,
                                  sizeof(double));
    uintptr_t at = (uintptr_t)ink->scratch_block;   // up to 64 bytes on
    ink->scratch = (double *)(at + (64 - at % 64) % 64);
    ink->pool = pool_start(ink->threads);
}

static void free_lists(ink_lists *lists)
{
    free(lists->start), free(lists->index), free(lists->value);
    free(lists->index16), free(lists->code), free(lists->cut);
    memset(lists, 0, sizeof *lists);
}

void ink_free(ink_matrix *ink)
{
    pool_stop(ink->pool);
    free_lists(&ink->by_col);
    free_lists(&ink->by_row);
    free(ink->scratch_block);
    free(ink->table);
    memset(ink, 0, sizeof *ink);
}

double ink_density(const ink_matrix *ink)
{
    if (!ink->by_col.start || ink->rows < 1 || ink->cols < 1)
        return 0.0;
    return ink->by_col.start[ink->by_col.n_lists]
           / ((double)ink->rows * ink->cols);
}

/**
The lists do not depend on each other, so they can be shared out:
`--threads` (by default one per processor) cuts them into parts with
about equal numbers of entries and sums each part on its own POSIX
thread. Each list is still summed by one thread, in the same order, so
the results are the same bytes for any number of threads.

Starting a thread for every product would cost tens of microseconds
each time, thousands of times per run. So the workers are started once,
by `ink_build`, and sleep on a condition variable between products.
A product fills in every worker's share, bumps a round counter and
wakes them all; the calling thread sums the first share itself and
then waits until the last worker reports that its share is done.
*/

enum { MAX_THREADS = 16 };

// One thread's share of a product: lists first..last-1, every strip.
typedef struct {
    double *out;             // (strips, lists->n_lists, STRIP)
    const ink_lists *lists;
    const double *table;     // the values of packed lists
    const double *rows;      // (strips, n_rows, STRIP)
    int strips, n_rows, first, last;
} strip_job;

static void run_strip_job(const strip_job *job)
{
    const ink_lists *l = job->lists;
    for (int s = 0; s < job->strips; s++)
        for (int c = job->first; c < job->last; c += CHUNK) {
            int c_end = job->last - c < CHUNK ? job->last : c + CHUNK;
            for (int b = 0; b < l->n_blocks; b++)
                sum_listed_rows(job->out + (size_t)s * l->n_lists * STRIP,
                                l, job->table, c, c_end, b,
                                job->rows
                                    + (size_t)s * job->n_rows * STRIP);
        }
}

typedef struct {
    struct ink_pool *pool;
    int share;               // which of jobs[] is this worker's
} worker;

struct ink_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;     // a new round (or quit)
    pthread_cond_t done;     // pending reached 0
    long round;              // products started so far
    int pending;             // workers still summing this round
    bool quit;
    int workers;             // started: shares 1..workers
    pthread_t ids[MAX_THREADS];
    worker args[MAX_THREADS];
    strip_job jobs[MAX_THREADS];
};

static void *worker_main(void *arg)
{
    const worker *w = arg;
    struct ink_pool *pool = w->pool;
    long seen = 0;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (pool->round == seen && !pool->quit)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->quit)
            break;
        seen = pool->round;
        strip_job job = pool->jobs[w->share];
        pthread_mutex_unlock(&pool->lock);
        run_strip_job(&job);
        pthread_mutex_lock(&pool->lock);
        if (--pool->pending == 0)
            pthread_cond_signal(&pool->done);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

// threads - 1 sleeping workers, or NULL for one thread (or when none
// could be started).
static struct ink_pool *pool_start(int threads)
{
    if (threads < 2)
        return NULL;
    struct ink_pool *pool = nn_alloc(1, sizeof *pool);
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    for (int t = 1; t < threads; t++) {
        pool->args[t] = (worker){pool, t};
        if (pthread_create(&pool->ids[t], NULL, worker_main,
                           &pool->args[t]) != 0)
            break;
        pool->workers = t;
    }
    return pool;
}

static void pool_stop(struct ink_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->quit = true;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int t = 1; t <= pool->workers; t++)
        pthread_join(pool->ids[t], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool);
}

// sum_listed_rows for every strip, the lists cut into `threads` shares
// of about equal numbers of entries: share 0 here, shares 1..workers by
// the pool's workers, any others (workers that could not be started)
// here too.
static void sum_strips(double *out, const ink_lists *lists,
                       const double *table, const double *rows,
                       int strips, int n_rows, int threads,
                       struct ink_pool *pool)
{
    strip_job jobs[MAX_THREADS] = {0};
    int total = lists->start[lists->n_lists], first = 0;
    for (int t = 0; t < threads; t++) {
        int last = first;             // entries up to (t + 1) / threads
        long goal = (long)total * (t + 1) / threads;
        while (last < lists->n_lists && lists->start[last] < goal)
            last++;
        if (t == threads - 1)
            last = lists->n_lists;
        jobs[t] = (strip_job){out, lists, table, rows, strips, n_rows,
                              first, last};
        first = last;
    }
    int workers = pool ? pool->workers : 0;
    if (workers > 0) {
        pthread_mutex_lock(&pool->lock);
        memcpy(pool->jobs, jobs, sizeof jobs);
        pool->pending = workers;
        pool->round++;
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    run_strip_job(&jobs[0]);
    for (int t = workers + 1; t < threads; t++)
        run_strip_job(&jobs[t]);
    if (workers > 0) {
        pthread_mutex_lock(&pool->lock);
        while (pool->pending > 0)
            pthread_cond_wait(&pool->done, &pool->lock);
        pthread_mutex_unlock(&pool->lock);
    }
}

/**
The two products copy their dense operand into strips of 32 rows laid
out side by side, so that the numbers a list entry needs are next to
each other in memory, run the lists, and copy the strips back. Both
copies walk the strips in memory order, a row of 32 at a time.
*/

// The strips of a (n_out, n): strips is (n_strips, n, STRIP), with
// strips[s][i][k] = a[s * STRIP + k][i], and 0 past a's rows.
static void to_strips(double *strips, matrix a, int n_strips)
{
    for (int s = 0; s < n_strips; s++) {
        int lanes = a.rows - s * STRIP < STRIP ? a.rows - s * STRIP : STRIP;
        const double *from = a.data + (size_t)s * STRIP * a.cols;
        for (int i = 0; i < a.cols; i++) {
            double *r = strips + ((size_t)s * a.cols + i) * STRIP;
            for (int k = 0; k < lanes; k++)
                r[k] = from[(size_t)k * a.cols + i];
            for (int k = lanes; k < STRIP; k++)
                r[k] = 0.0;
        }
    }
}

// a = the strips (add: a += them); a is (n_out, n), strips is
// (strips, n, STRIP).
static void from_strips(matrix a, const double *strips, bool add)
{
    for (int s = 0; s * STRIP < a.rows; s++) {
        int lanes = a.rows - s * STRIP < STRIP ? a.rows - s * STRIP : STRIP;
        double *to = a.data + (size_t)s * STRIP * a.cols;
        for (int i = 0; i < a.cols; i++) {
            const double *r = strips + ((size_t)s * a.cols + i) * STRIP;
            if (add)
                for (int k = 0; k < lanes; k++)
                    to[(size_t)k * a.cols + i] += r[k];
            else
                for (int k = 0; k < lanes; k++)
                    to[(size_t)k * a.cols + i] = r[k];
        }
    }
}

void ink_times(matrix z, matrix W, const ink_matrix *ink)
{
    int m = ink->cols, n_inputs = ink->rows;
    int strips = (z.rows + STRIP - 1) / STRIP;
    size_t longest = (size_t)(m > n_inputs ? m : n_inputs);
    double *rows = ink->scratch;              // (strips, n_inputs, STRIP)
    double *out = ink->scratch + (size_t)strips * STRIP * longest;
    to_strips(rows, W, strips);               // W^T, cut into strips
    sum_strips(out, &ink->by_col, ink->table, rows, strips, n_inputs,
               ink->threads, ink->pool);
    from_strips(z, out, false);               // (strips, m, STRIP) to z
}

void ink_times_add_t(matrix dW, matrix dz, const ink_matrix *ink)
{
    int m = ink->cols, n_inputs = ink->rows;
    int strips = (dz.rows + STRIP - 1) / STRIP;
    size_t longest = (size_t)(m > n_inputs ? m : n_inputs);
    double *rows = ink->scratch;              // (strips, m, STRIP)
    double *out = ink->scratch + (size_t)strips * STRIP * longest;
    to_strips(rows, dz, strips);              // dz^T, cut into strips
    sum_strips(out, &ink->by_row, ink->table, rows, strips, m,
               ink->threads, ink->pool);
    from_strips(dW, out, true);               // (strips, n_inputs, STRIP)
}
