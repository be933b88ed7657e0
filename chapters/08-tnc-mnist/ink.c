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

The network's 25 outputs per list are done in two strips of 13 (one
lane to spare), whose running sums, written out as thirteen variables,
the compiler keeps in the processor's registers. The result is the sum
the dense product computes without its zero terms, so it agrees with
`mat_gemm` up to the order of the additions; chapter 8 prints how far
apart the two gradients are, and its `--dense` flag uses `mat_gemm`
instead.
*/
#include "ink.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { STRIP = 13 };   // two strips hold 25 outputs

// The worker threads of a product, below: started by ink_build.
static struct ink_pool *pool_start(int threads);
static void pool_stop(struct ink_pool *pool);

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

/**
Building the lists is one pass over the matrix per direction. The
entries are counted first, so each list array is allocated once, at
its final size.
*/

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
    }
    size_t longest = (size_t)(a.rows > a.cols ? a.rows : a.cols);
    size_t strips = (size_t)(max_outputs + STRIP - 1) / STRIP;
    ink->threads = threads < 1 ? 1 : threads > 16 ? 16 : threads;
    ink->scratch = nn_alloc(2 * strips * STRIP * longest, sizeof(double));
    ink->pool = pool_start(ink->threads);
}

static void free_lists(ink_lists *lists)
{
    free(lists->start), free(lists->index), free(lists->value);
    memset(lists, 0, sizeof *lists);
}

void ink_free(ink_matrix *ink)
{
    pool_stop(ink->pool);
    free_lists(&ink->by_col);
    free_lists(&ink->by_row);
    free(ink->scratch);
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
    const double *rows;      // (strips, n_rows, STRIP)
    int strips, n_rows, first, last;
} strip_job;

static void run_strip_job(const strip_job *job)
{
    const ink_lists *l = job->lists;
    ink_lists part = {job->last - job->first, l->start + job->first,
                      l->index, l->value};
    for (int s = 0; s < job->strips; s++)
        sum_listed_rows(job->out + ((size_t)s * l->n_lists + job->first)
                                       * STRIP,
                        &part, job->rows + (size_t)s * job->n_rows * STRIP);
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
                       const double *rows, int strips, int n_rows,
                       int threads, struct ink_pool *pool)
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
        jobs[t] = (strip_job){out, lists, rows, strips, n_rows, first,
                              last};
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
The two products copy their dense operand into strips of 13 rows laid
out side by side, so that the thirteen numbers a list entry needs are
next to each other in memory, run the lists, and copy the strips back.
*/

void ink_times(matrix z, matrix W, const ink_matrix *ink)
{
    int m = ink->cols, n_inputs = ink->rows;
    int strips = (z.rows + STRIP - 1) / STRIP;
    size_t longest = (size_t)(m > n_inputs ? m : n_inputs);
    double *rows = ink->scratch;              // (strips, n_inputs, STRIP)
    double *out = ink->scratch + (size_t)strips * STRIP * longest;
    for (int h = 0; h < strips * STRIP; h++)  // W^T, cut into strips
        for (int p = 0; p < n_inputs; p++)
            rows[((size_t)(h / STRIP) * n_inputs + p) * STRIP
                 + h % STRIP] = h < z.rows ? MAT_AT(W, h, p) : 0.0;
    sum_strips(out, &ink->by_col, rows, strips, n_inputs, ink->threads,
               ink->pool);
    for (int h = 0; h < z.rows; h++)          // (strips, m, STRIP) to z
        for (int i = 0; i < m; i++)
            MAT_AT(z, h, i) =
                out[((size_t)(h / STRIP) * m + i) * STRIP + h % STRIP];
}

void ink_times_add_t(matrix dW, matrix dz, const ink_matrix *ink)
{
    int m = ink->cols, n_inputs = ink->rows;
    int strips = (dz.rows + STRIP - 1) / STRIP;
    size_t longest = (size_t)(m > n_inputs ? m : n_inputs);
    double *rows = ink->scratch;              // (strips, m, STRIP)
    double *out = ink->scratch + (size_t)strips * STRIP * longest;
    for (int h = 0; h < strips * STRIP; h++)  // dz^T, cut into strips
        for (int i = 0; i < m; i++)
            rows[((size_t)(h / STRIP) * m + i) * STRIP + h % STRIP] =
                h < dz.rows ? MAT_AT(dz, h, i) : 0.0;
    sum_strips(out, &ink->by_row, rows, strips, m, ink->threads,
               ink->pool);
    for (int h = 0; h < dW.rows; h++)         // (strips, n_inputs, STRIP)
        for (int p = 0; p < n_inputs; p++)
            MAT_AT(dW, h, p) +=
                out[((size_t)(h / STRIP) * n_inputs + p) * STRIP
                    + h % STRIP];
}
