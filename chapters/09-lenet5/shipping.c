/**
# Shipping a trainer {#app-shipping}

Chapter 9's program teaches two networks, but it is also a tool: it
trains on two cores, in single precision, saves what it learned, reads
it back, classifies a picture you drew, and measures how fast it runs
against what the machine can do. None of that is machine learning, and
all of it is what turns a lesson into a program people use. This
appendix is that part of the program. It is not a program of its own:
chapter 9's file includes it (`#include "shipping.c"`, just before its
`main`), so every name of the chapter is in scope here, and the tests
that run chapter 9 run this code too.

## Single precision, and numbers too small for it

The chapters before this one computed in `double`: 64 bits, about
sixteen significant digits. Chapter 9 computes in `float`: 32 bits,
about seven. That can pay twice over. A vector
instruction holds twice as many floats as doubles, so every
multiply-add loop can do twice the work per instruction; and an array
of floats is half the size, so twice as much of it fits in the
processor's caches, and memory delivers it twice as fast. (How much it
buys on your machine, chapter 9's exercise 6 measures with the
double-precision twin.) Training has little to lose by it: stochastic
gradient descent follows a gradient that is uncertain in its first or
second digit, because each batch is a random sample of the
data, and a rounding error in the seventh digit is lost in that noise.
Deep-learning frameworks train in single precision (or less) for the
same reasons. Checking gradients is different: a central difference
subtracts two nearly equal losses, and float keeps too few digits of
their difference, so the tests build the chapter a second time with
`real` as `double` (`build/bin/09-lenet5-double`) for the gradient
check.

One more detail of floating point matters for speed. Numbers below
$2^{-126}$, about $10^{-38}$, are *denormal*: the exponent has run out
and the leading digits are zero. Many processors handle them in a
slow microcode path instead of the usual arithmetic units, and a
network's gradients and momentum buffers can decay into that range,
where they would cost time and buy nothing. We tell the
processor to *flush* them: to treat denormal inputs as zero and to
round denormal results to zero. For a network, $10^{-38}$ is zero
anyway. The setting lives in a register of each thread (MXCSR on x86),
so every thread sets it for itself.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "weights.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

// Denormals to zero, in this thread: FTZ (bit 15) and DAZ (bit 6).
static void flush_denormals(void)
{
#if defined(__SSE__) || defined(__x86_64__)
    _mm_setcsr(_mm_getcsr() | 0x8040);
#endif
}

/**
## Two cores, and sums in a fixed order

Chapter 9 cuts each batch into slices, one per worker
(`worker_slice`), and each worker adds its slice's gradient into a
block of its own. Here the workers become threads. With `--threads T`
the batch is cut into at most $T$ equal slices; each thread runs its
slice with its own activations and gradient block, reading the shared
parameters, which nobody changes until all slices are done. Then the
gradient blocks are added, always in the order block 0, 1, 2, ...,
and the optimizer takes one step. Floating-point addition is not
associative, so a different grouping of the same numbers could change
the last digits; with a fixed partition and a fixed order, the same
seed and the same thread count give the same bits, run after run. (A
different thread count groups the sums differently, and so ends a
little differently.)

**A pool.** The threads are plain POSIX threads, started once per
training run (a *pool*, `team_alloc`) and handed one job at every
step, so that starting and joining threads is paid once, not at each
of the 1,875 steps of an epoch. The calling thread does part 0 of every
job itself. A job is handed out by counting: the caller bumps a
counter, and a helper that sees it change takes its part. A helper
with nothing to do first watches the counter for up to 0.2 ms
(`SPIN_SECONDS`, less than a training step takes), because the next
job is usually that close, and only then sleeps on a condition
variable, which costs a trip through the operating system to wake. On
a machine busy with other programs the job may be late because the
caller is not running at all; watching the counter then only keeps
the core from the programs that could use it. So a watch that ran out
sends the next few waits straight to sleep. The caller waits for the
helpers in the same way. The matrix library must not start threads of
its own inside ours, so we tell OpenBLAS to stay on one thread.

**One meeting per step.** The step needs every slice's gradient, and
the next slices need the step: done one after the other, that is two
meetings per step, each a wait for the slowest thread and, for a thread
that went to sleep, a wake through the operating system. So the step
travels with the next job: `team_step` only writes down that a step is
due, and with what learning rate, and each thread, when it takes its
next part, first takes the step, then runs its slice. (The last step of
an epoch is taken when the test images run.) For that, every thread
keeps its own copy of the parameters and of the velocity, and takes
the whole step on its copy: for each parameter it adds up the workers'
gradients in worker order and moves the parameter by `sgd_step`. Every
copy adds the same numbers in the same order, so every copy holds the
same bits; the caller's copy is the one the program sees.

Taking the step on every copy costs each thread two or three
operations per parameter, where a shared slice does at least
`SPLIT_FLOPS` per parameter (the rule below). What it saves is moving
numbers between the cores. Had each thread stepped a range of shared
parameters, each core's next slice would first fetch the range the
other core had written, and the gradient blocks would travel to the
thread that sums them and back; now each copy stays with its thread,
and the gradient blocks are only read. They must not be written while
another thread still reads them, and a fast thread may start its slice
while a slow one is still taking the step. So each worker has two
gradient blocks and writes them in turn: the one it fills now was last
read during the job before, which every thread has finished. A worker
zeroes its block before its slice. The step works `STEP_CHUNK`
parameters at a time, so that the sum `g` stays in the fastest cache
between the adding and the step. A worker that sits out a batch
(below) misses its step; before it works again its copy is made anew
from the caller's.

**When not to share.** Part of a worker's work does not shrink with
its slice: it reads every parameter, fills a whole gradient block, and
its block must then travel to every other thread. A slice
pays for a worker only when it brings enough arithmetic per parameter.
The rule, `slice_workers`, asks at least `SPLIT_FLOPS` operations per
parameter of every slice, a threshold chosen by timing the dense net
with one and two threads at batches of 16 to 1024: from 64 images up
two threads took clearly less time than one, while at 32, slices of
16, they were as often slower as faster, depending on what else the
machine was doing. A batch too small for that is cut
into fewer slices, or runs whole on one worker, with the same bits as
`--threads 1` and without waking anyone. (A network of dense layers
only shares its training batches another way, below.) The run prints
what the rule makes of each network, from the operations and
parameters in its summary:

```{.output file="09-lenet5" grep="sharing:"}
```

The dense net does a few operations per parameter and image, LeNet-5 a
few dozen, so LeNet-5 shares even a batch of a handful of images, while
the dense net needs a few dozen images per thread: at the default batch
of 32, slices would be too small. So a network made of dense layers
only shares its training batches, up to `units_capacity` images (the
sharing line says how many), in another way: every layer's product is
cut by its units (the next section). No gradient block is then copied,
but the threads must meet after every layer, seven times a step for the
dense net where slices meet once, and every meeting may wait for a
thread that is late. Timed like the rule, with one and two threads at
the default batch of 32 (`bench/lenet5.sh` prints the ratio, with the
sharing line beside it), the split gave the dense net's epoch on two
threads clearly less time than on one, where one worker had taken the
same time as one thread. Timed against slices at larger batches, with
OpenBLAS making every product, the split was as fast or faster up to
`MAX_GROUP`, 256 images; with the AVX-512 kernels of Appendix A3, only
while its products keep a short side, up to `SHORT_SIDE` images (at
batches of 128, slices of 64 were faster). `units_capacity` takes the
one or the other. The test images, ten thousand at a time, still go by
slices.
*/

enum {
    STEP_CHUNK = 512,         // parameters per piece of the step
    SPLIT_FLOPS = 120,        // operations per parameter of a slice
    SKIP_AFTER_MISS = 8,      // waits that sleep after a spin ran out
    STALE = -2,               // stepped[t]: copy t must be made again
};
static const double SPIN_SECONDS = 200e-6;  // under a training step

typedef struct {
    struct pool *pool;
    int index;                // this thread's part, 1 .. n_threads - 1
} seat;

typedef enum { SLICES, UNITS } job_kind;

// The split by units ("Two cores: splitting the units", below).
struct units;
static struct units *units_alloc(const model *m, int n_parts);
static void units_free(struct units *u);
static bool units_fit(const struct units *u, int count);
static int units_capacity(void);
static void units_part(struct pool *p, int t);
static batch_totals units_run(struct pool *p, const unsigned char *pixels,
                              const unsigned char *labels, const int *rows,
                              int count);
static bool units_close(struct pool *p, bool step);

struct pool {
    worker *team;
    int n_workers, n_threads; // threads started: n_threads - 1 helpers
    pthread_t threads[MAX_THREADS];
    seat seats[MAX_THREADS];
    // Worker t's copy of the parameters and of the velocity, and its
    // gradient blocks; copy 0 is the caller's own.
    real *params[MAX_THREADS];     // (n_params) each
    real *velocity[MAX_THREADS];   // (n_params) each
    real *blocks[MAX_THREADS];     // (n_blocks, n_params) each
    int n_blocks;             // 2 when threads share, else 1
    int block;                // the block the last training job wrote
    // The step asked for last (team_step), taken at the next job.
    long steps;               // steps asked for so far
    long stepped[MAX_THREADS];// steps copy t has taken, or STALE
    int step_block, step_used;// its gradients: block, workers summed
    real lr, momentum;
    struct units *units;      // the dense net's split, or NULL
    // The job, written by the caller before it bumps `job`.
    job_kind kind;
    int n_parts;              // slices
    int n_used;               // workers in the last training batch
    bool quit;
    // Handing out and handing back: counters to watch, a lock and two
    // condition variables to sleep on.
    atomic_long job;          // jobs handed out so far
    atomic_long busy;         // helpers still at the current job
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
};

// Wait until (*counter == value) == want: watch the counter for up to
// SPIN_SECONDS, then sleep on cond. *skip counts the waits left that
// go straight to sleep, after a watch ran out.
static void pool_wait(struct pool *p, atomic_long *counter, long value,
                      bool want, pthread_cond_t *cond, int *skip)
{
    if (*skip > 0)
        (*skip)--;
    else {
        double start = nn_seconds();
        for (int k = 1; (atomic_load(counter) == value) != want; k++)
            if (k % 64 == 0 && nn_seconds() - start > SPIN_SECONDS) {
                *skip = SKIP_AFTER_MISS;
                break;
            }
    }
    pthread_mutex_lock(&p->lock);
    while ((atomic_load(counter) == value) != want)
        pthread_cond_wait(cond, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

// Copy t takes the step asked for last: g = the step_used workers'
// gradients, added in worker order, then sgd_step on copy t with g,
// STEP_CHUNK parameters at a time. Every copy adds the same numbers in
// the same order, so every copy gets the same bits.
static void step_copy(struct pool *p, int t)
{
    size_t n = p->team[0].m->n_params;
    size_t at = (size_t)p->step_block * n;
    real g[STEP_CHUNK];                            // (len)
    for (size_t c = 0; c < n; c += STEP_CHUNK) {
        size_t len = n - c < STEP_CHUNK ? n - c : STEP_CHUNK;
        const real *block = p->blocks[0] + at + c;
        for (size_t i = 0; i < len; i++)
            g[i] = block[i];
        for (int u = 1; u < p->step_used; u++) {   // in a fixed order
            block = p->blocks[u] + at + c;
            for (size_t i = 0; i < len; i++)
                g[i] += block[i];
        }
        sgd_step(p->params[t] + c, p->velocity[t] + c, g, p->lr,
                 p->momentum, len);
    }
    p->stepped[t] = p->steps;
}

// Part t of the current job: copy t takes the step asked for last, if
// it has not, then worker t runs its slice, if it has one.
static void pool_part(struct pool *p, int t)
{
    if (p->kind == UNITS) {               // the split by units
        units_part(p, t);
        return;
    }
    if (p->stepped[t] == p->steps - 1)
        step_copy(p, t);
    if (t < p->n_parts)
        worker_slice(&p->team[t]);
}

static void *pool_thread(void *arg)
{
    seat *s = arg;
    struct pool *p = s->pool;
    flush_denormals();                    // this thread's own setting
    int skip = 0;
    for (long seen = 0;; seen++) {
        pool_wait(p, &p->job, seen, false, &p->wake, &skip);
        if (p->quit)
            return NULL;
        pool_part(p, s->index);
        if (atomic_fetch_sub(&p->busy, 1) == 1) {    // the last one
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->lock);
        }
    }
}

// The current job to the helpers: they wake and take their parts.
static void pool_start(struct pool *p)
{
    atomic_store(&p->busy, p->n_threads - 1);
    pthread_mutex_lock(&p->lock);
    atomic_fetch_add(&p->job, 1);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

// Wait until every helper is done with the current job.
static void pool_finish(struct pool *p)
{
    static _Thread_local int skip;
    pool_wait(p, &p->busy, 0, true, &p->done, &skip);
}

// The job on its n_parts parts: the helpers wake, this thread does
// part 0 (and the parts of helpers that could not be started), then
// waits for the helpers. A copy that missed steps (its worker sat out
// a batch) is first made again from copy 0.
static void pool_run(struct pool *p)
{
    size_t n = p->team[0].m->n_params;
    if (p->n_parts == 1) {                // nothing to share
        pool_part(p, 0);
        for (int t = 1; t < p->n_workers; t++)   // they missed a step
            if (p->stepped[t] < p->steps)
                p->stepped[t] = STALE;
        return;
    }
    for (int t = 1; p->kind == SLICES && t < p->n_parts; t++)
        if (p->stepped[t] < p->steps - 1) {      // stale: copy 0's
            if (p->stepped[0] < p->steps)
                step_copy(p, 0);
            memcpy(p->params[t], p->team[0].params, n * sizeof(real));
            if (p->velocity[0])                  // else no step yet: 0
                memcpy(p->velocity[t], p->velocity[0], n * sizeof(real));
            p->stepped[t] = p->steps;
        }
    pool_start(p);
    pool_part(p, 0);
    for (int t = p->n_threads; t < p->n_workers; t++)
        pool_part(p, t);
    pool_finish(p);
}

// The fewest images a slice of model m may have: SPLIT_FLOPS
// operations per parameter.
static int min_slice(const model *m)
{
    double per_image = m->flops_per_image / (double)m->n_params;
    return (int)ceil(SPLIT_FLOPS / per_image);
}

// How many of n_workers share a batch of count images.
static int slice_workers(const model *m, int count, int n_workers)
{
    int n = count / min_slice(m);
    return n < 1 ? 1 : n < n_workers ? n : n_workers;
}

static batch_totals run_workers(worker *team, int n_workers,
                                const unsigned char *pixels,
                                const unsigned char *labels,
                                const int *rows, int count, bool train,
                                unsigned char *predicted)
{
    struct pool *p = team[0].pool;
    int used = slice_workers(team[0].m, count, n_workers);
    units_close(p, false);    // a split batch no step followed: end it
    if (train && p->units && units_fit(p->units, count))  // dense
        return units_run(p, pixels, labels, rows, count);
    if (train && used > 1)   // the other block: the last one is read
        p->block = (p->block + 1) % p->n_blocks;
    for (int t = 0; t < used; t++) {
        int first = (int)((long)count * t / used);
        int end = (int)((long)count * (t + 1) / used);
        worker *wk = &team[t];
        wk->pixels = pixels, wk->labels = labels;
        wk->rows = rows + first, wk->count = end - first;
        wk->train = train;
        wk->scale = (real)1 / (real)count;
        wk->predicted = predicted ? predicted + first : NULL;
        wk->grads = p->blocks[t] + (size_t)p->block * wk->m->n_params;
    }
    p->kind = SLICES;
    p->n_parts = used;
    if (train)
        p->n_used = used;
    pool_run(p);
    batch_totals all = {0, 0};
    for (int t = 0; t < used; t++) {          // in a fixed order
        all.loss += team[t].loss;
        all.correct += team[t].correct;
    }
    return all;
}

// Asks for a step with the gradients of the last training batch; every
// copy takes it at the start of the next job (run_workers). A batch
// split by units takes it now, as it ends (units_close).
static void team_step(worker *team, real *params, real *velocity,
                      real lr, real momentum)
{
    struct pool *p = team[0].pool;
    p->params[0] = params, p->velocity[0] = velocity;
    p->lr = lr, p->momentum = momentum;
    if (units_close(p, true))             // a batch split by units
        return;
    p->step_block = p->block, p->step_used = p->n_used;
    p->steps++;
}

// The bytes a team of n_workers needs for model m (SIZE_MAX when the
// sum overflows).
static size_t team_bytes(const model *m, int n_workers)
{
    size_t group = (size_t)group_size(m);
    size_t per = nn_size_add(nn_size_add(2 * m->acts_per_image,
                                         m->cols_per_image),
                             m->dcols_per_image);
    size_t blocks = n_workers > 1 ? 2 : 1;       // gradient blocks
    size_t each = nn_size_add(nn_size_mul(blocks, m->n_params),
                              nn_size_mul(group, per));
    size_t copies = nn_size_mul(2 * m->n_params, (size_t)n_workers - 1);
    return nn_size_mul(nn_size_add(nn_size_mul(each, (size_t)n_workers),
                                   copies), sizeof(real));
}

static void team_alloc(worker *team, int n_workers, const model *m,
                       const real *params)
{
    struct pool *p = nn_alloc(1, sizeof *p);
    p->team = team;
    p->n_workers = n_workers;
    p->n_used = 1;
    p->n_blocks = n_workers > 1 ? 2 : 1;
    atomic_init(&p->job, 0);
    atomic_init(&p->busy, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int t = 0; t < n_workers; t++) {
        worker *wk = &team[t];
        memset(wk, 0, sizeof *wk);
        wk->m = m;
        if (t == 0)
            wk->params = params;      // the caller's; team_step names it
        else {
            p->params[t] = nn_alloc(m->n_params, sizeof(real));
            p->velocity[t] = nn_alloc(m->n_params, sizeof(real));
            p->stepped[t] = STALE;               // made at first use
            wk->params = p->params[t];
        }
        p->blocks[t] = nn_alloc(m->n_params * p->n_blocks, sizeof(real));
        wk->grads = p->blocks[t];
        wk->group = group_size(m);
        wk->acts = nn_alloc(m->acts_per_image * wk->group, sizeof(real));
        wk->dacts = nn_alloc(m->acts_per_image * wk->group, sizeof(real));
        wk->cols = nn_alloc(m->cols_per_image * wk->group + 1,
                            sizeof(real));
        wk->dcols = nn_alloc(m->dcols_per_image * wk->group + 1,
                             sizeof(real));
    }
    team[0].pool = p;
    p->n_threads = 1;                     // this one; then the helpers
    for (int t = 1; t < n_workers; t++, p->n_threads++) {
        p->seats[t] = (seat){.pool = p, .index = t};
        if (pthread_create(&p->threads[t], NULL, pool_thread,
                           &p->seats[t]) != 0)
            break;                        // the caller does the rest
    }
    if (p->n_threads == n_workers)        // every thread at its post
        p->units = units_alloc(m, n_workers);
    static const char *said;              // once per network
    if (n_workers > 1 && (!said || strcmp(said, m->name) != 0)) {
        printf("sharing: %s, %.1f FLOP per parameter and image: slices "
               "of %d images or more, on up to %d threads", m->name,
               m->flops_per_image / (double)m->n_params, min_slice(m),
               n_workers);
        if (p->units)
            printf("; but training batches of up to %d images: each "
                   "layer's units split among the threads",
                   units_capacity());
        printf("\n");
    }
    said = m->name;
}

static void team_free(worker *team, int n_workers)
{
    struct pool *p = team[0].pool;
    units_close(p, false);
    pthread_mutex_lock(&p->lock);
    p->quit = true;                       // the last job: stop
    atomic_fetch_add(&p->job, 1);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int t = 1; t < p->n_threads; t++)
        pthread_join(p->threads[t], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    units_free(p->units);
    for (int t = 0; t < n_workers; t++) {
        if (t > 0)
            free(p->params[t]), free(p->velocity[t]);
        free(p->blocks[t]), free(team[t].acts), free(team[t].dacts);
        free(team[t].cols), free(team[t].dcols);
    }
    free(p);
}

/**
## Two cores: splitting the units

Threads can share a batch by its layers instead of its images, which
keeps two busy on a batch too small for two slices. A dense layer $y = x W +
b$, with $W$ of shape $(n_{in}, n_{out})$, is cut by its *input* units:
thread $t$ of $T$ owns a block $I_t$ of the rows of $W$, the inputs
$x_{:, I_t}$ that multiply them, and those rows' gradients and
velocities. Forward, each thread computes a *partial* product over its
rows; the threads meet (`meet`); and each adds up the partials, in
thread order, for the units it owns in the next layer (whose inputs
are this layer's outputs), adds their bias and applies the ReLU:

$$y = b + \sum_t x_{:, I_t} W_{I_t, :} .$$

Backward, a thread's rows need only its own inputs and the whole of
$\delta y$, and the gradient of its inputs is its own too:

$$\delta W_{I_t, :} = x_{:, I_t}^{\mathsf T} \delta y, \qquad
  \delta x_{:, I_t} = \delta y\, W_{I_t, :}^{\mathsf T} .$$

It passes $\delta x_{:, I_t}$ back through the ReLU below, adds up the
bias's gradient of those units, and the threads meet again, so that
each has the whole $\delta y$ of the layer below. So every weight is
read and written by one thread only, the optimizer's step included, and
what crosses cores is activations: partial sums forward and gradients
of units backward, a few thousand numbers per layer, where slices send
whole gradient blocks, a third of a million numbers each for the dense
net. The ten logits every thread adds up whole, for a softmax of its
own; their bias belongs to thread 0. A batch costs the dense net four
meetings forward and three backward. A meeting is a counter like the
pool's: the last thread to arrive bumps it, and the others watch it for
`SPIN_SECONDS`, then sleep. A thread need not wait as soon as it
arrives: backward, it arrives once its $\delta x_{:, I_t}$ is written
(`meet_arrive`), then computes its rows' $\delta W$, which needs
nothing from the others, and only then waits (`meet_wait`), so a
thread that is ahead works instead of watching. Here the book's rule
that a backward pass adds into the gradients gives way: each of the
split's gradients is computed once per batch, by one thread, so
`dense_rows_backward` writes it, which spares a pass to zero it first.

The step needs the learning rate, which the training loop passes only
after it has seen the batch's loss (`team_step`). So a batch split by
units is one hand-off in two halves. `run_workers` wakes the helpers,
runs thread 0's forward and returns the loss, leaving the batch open,
while the helpers run on into their backward; `team_step` then runs
thread 0's backward (`units_close`) and waits for the helpers. Each
thread moves its rows of a layer, and its units' biases, by `sgd_step`
as soon as that layer's gradient is done, while the gradient is fresh
in its cache, on the caller's parameters; the step needs no hand-off
of its own. A helper learns that a step is due, and with what learning
rate, from thread 0 through a meeting: thread 0 writes them down before
its backward, and a helper reads them only after the backward's first
meeting. The step of the logits' layer waits for that meeting too,
because every thread read the logits' bias in its forward. A batch that
no step follows (the loss diverged, or the gradient check below wants
only the gradient) is closed without one, by the next job or when the
pool stops; the gradient check closes its batch itself. The threads'
copies of the slices (above) fall behind; like the copy of a worker
that sat out a batch, they are made anew from the caller's when slices
run again. The sums are grouped differently from one thread's, so the
last digits differ from `--threads 1`; but the blocks and the order
are fixed, so the same seed and thread count give the same bits.

Why rows, and not output columns, which would need no partial sums
forward? Cut by columns, every row of $W$ holds both threads' numbers
side by side, 128 floats each. The processor fetches memory ahead of a
loop in whole lines and runs of lines, so each thread's step kept
fetching lines the other thread was writing, and an epoch took longer
on two threads than on one. Cut by rows, each thread's weights are one
stretch of memory. The numbers that do cross follow the same rule: a
thread writes what another thread needs into a block of its own
(`sent` for the partial sums, `dsent` for the gradients of its units),
that thread's units only, image after image, in an array that starts
on a cache line (`alloc_lines`); after the meeting the other thread
adds the partials up from there, or copies the gradients into its own
whole $\delta y$. Written instead into one shared array, where each image's
row holds both threads' units side by side, the two threads' numbers
met on every row, and an epoch on two threads took longer than with
the blocks. On x86 the blocks are written with streaming stores
(`send_columns`), which go to memory around the caches: an ordinary
store would first wait for the other core to give up its copy of the
line, which it read from the same block a batch before. Timed, the
streaming stores shortened the epoch on two threads again.
*/

typedef struct {              // threads meeting between layers
    atomic_int arrived;       // threads here so far
    atomic_long round;        // meetings completed
    int n;                    // threads that meet
    pthread_mutex_t lock;
    pthread_cond_t done;
} meeting;

typedef struct {              // what one thread keeps to itself
    real *acts;               // (capacity, acts_per_image): its columns
    real *logits, *probs, *dlogits;  // (capacity, N_CLASSES) each
    real *partials;           // (capacity, partial_per_image): the y_t
    // The other threads' units of y_t, a block (n, units) for each,
    // from sent + layer's offset + n * the units' first (the logits:
    // one block, all ten).
    real *sent;               // (capacity, partial_per_image)
    real *dacts;              // (capacity, acts_per_image): whole dy
    // This thread's units of each layer's dy, a block (n, units) from
    // dsent + layer's offset + n * its first unit.
    real *dsent;              // (capacity, acts_per_image)
    unsigned char *labels;    // (capacity): the batch's
    real *xs;                 // (capacity, widest layer's inputs)
} unit_part;

struct units {
    const model *m;
    int n_parts;              // threads, each with a block of units
    int capacity;             // images in the largest batch
    size_t partial_per_image; // n_out of every dense layer
    real *grads;              // (n_params): the rows' gradients
    unit_part part[MAX_THREADS];
    meeting meet;
    // The job: images rows[0 .. count) of pixels / labels.
    const unsigned char *pixels, *labels;
    const int *rows;
    int count;
    double loss;              // part 0's: summed over the batch
    int correct;
    bool open;                // thread 0 has yet to run its backward
    bool step;                // the batch ends with the step
};

// Arrive at the meeting: the round to wait out with meet_wait, or -1
// when this thread came last and there is nothing to wait for.
static long meet_arrive(meeting *m)
{
    long round = atomic_load(&m->round);
    if (atomic_fetch_add(&m->arrived, 1) == m->n - 1) {  // the last
        atomic_store(&m->arrived, 0);
        pthread_mutex_lock(&m->lock);
        atomic_fetch_add(&m->round, 1);
        pthread_cond_broadcast(&m->done);
        pthread_mutex_unlock(&m->lock);
        return -1;
    }
    return round;
}

// Wait until every thread has arrived at the meeting of this round.
static void meet_wait(meeting *m, long round, int *skip)
{
    if (round < 0)
        return;
    if (*skip > 0)                        // the pool's back-off
        (*skip)--;
    else {
        double start = nn_seconds();
        for (int k = 1; atomic_load(&m->round) == round; k++)
            if (k % 64 == 0 && nn_seconds() - start > SPIN_SECONDS) {
                *skip = SKIP_AFTER_MISS;
                break;
            }
    }
    pthread_mutex_lock(&m->lock);
    while (atomic_load(&m->round) == round)
        pthread_cond_wait(&m->done, &m->lock);
    pthread_mutex_unlock(&m->lock);
}

// Wait until all m->n threads have met as often as this one.
static void meet(meeting *m, int *skip)
{
    meet_wait(m, meet_arrive(m), skip);
}

enum { LINE = 16 };           // floats in a 64-byte cache line

// Start of block t of n numbers cut into parts, on a cache line.
static size_t line_start(size_t n, int t, int parts)
{
    return t == parts ? n : n * (size_t)t / (size_t)parts / LINE * LINE;
}

// count * size bytes, zeroed, from a cache line on: no line of it is
// shared with another thread's array. Stops like nn_alloc.
static void *alloc_lines(size_t count, size_t size)
{
    size_t bytes = nn_size_mul(count ? count : 1, size);
    bytes = nn_size_add(bytes, LINE * sizeof(real) - 1);
    bytes -= bytes % (LINE * sizeof(real));
    void *p = bytes == SIZE_MAX ? NULL
                                : aligned_alloc(LINE * sizeof(real), bytes);
    if (!p) {
        fprintf(stderr, "error: out of memory allocating %zu bytes\n",
                bytes);
        exit(1);
    }
    return memset(p, 0, bytes);
}

// The split for model m on n_parts threads, or NULL when m is not
// dense layers (each with or without a ReLU) or there is one thread.
static struct units *units_alloc(const model *m, int n_parts)
{
    size_t partial_per_image = 0, widest = 0;  // a layer's inputs
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        bool relu_after_dense = L->kind == RELU && l > 0
                                && m->layers[l - 1].kind == DENSE;
        if (L->kind != DENSE && !relu_after_dense)
            return NULL;
        if (L->kind == DENSE) {
            partial_per_image += (size_t)L->oc;
            widest = (size_t)L->c > widest ? (size_t)L->c : widest;
        }
    }
    int capacity = units_capacity();      // images in a batch, at most
    if (n_parts < 2)
        return NULL;
    struct units *u = nn_alloc(1, sizeof *u);
    u->m = m;
    u->n_parts = n_parts;
    u->capacity = capacity;
    u->partial_per_image = partial_per_image;
    u->grads = alloc_lines(m->n_params, sizeof(real));
    for (int t = 0; t < n_parts; t++) {
        unit_part *q = &u->part[t];
        q->acts = alloc_lines(m->acts_per_image * capacity, sizeof(real));
        q->logits = nn_alloc((size_t)N_CLASSES * capacity, sizeof(real));
        q->probs = nn_alloc((size_t)N_CLASSES * capacity, sizeof(real));
        q->dlogits = nn_alloc((size_t)N_CLASSES * capacity, sizeof(real));
        q->partials = alloc_lines(partial_per_image * capacity,
                                  sizeof(real));
        q->sent = alloc_lines(partial_per_image * capacity, sizeof(real));
        q->dacts = alloc_lines(m->acts_per_image * capacity, sizeof(real));
        q->dsent = alloc_lines(m->acts_per_image * capacity, sizeof(real));
        q->labels = alloc_lines((size_t)capacity, 1);
        q->xs = alloc_lines(widest * capacity, sizeof(real));
    }
    u->meet.n = n_parts;
    atomic_init(&u->meet.arrived, 0);
    atomic_init(&u->meet.round, 0);
    pthread_mutex_init(&u->meet.lock, NULL);
    pthread_cond_init(&u->meet.done, NULL);
    return u;
}

// A training batch of count images is split by units.
static bool units_fit(const struct units *u, int count)
{
    return count <= u->capacity;
}

static void units_free(struct units *u)
{
    if (!u)
        return;
    for (int t = 0; t < u->n_parts; t++) {
        unit_part *q = &u->part[t];
        free(q->acts), free(q->logits), free(q->probs);
        free(q->dlogits), free(q->partials), free(q->labels);
        free(q->sent), free(q->dacts), free(q->dsent), free(q->xs);
    }
    free(u->grads);
    pthread_mutex_destroy(&u->meet.lock);
    pthread_cond_destroy(&u->meet.done);
    free(u);
}

// Thread t's rows of a dense layer: the rows [i0, i1) of W, for the
// inputs x[:, i0:i1]. Rows of a layer after the first start on a cache
// line, because the gradients of its inputs are shared; the pixels
// are not, and are cut evenly.
static void owned_rows(int *i0, int *i1, int n_in, bool pixels, int t,
                       int parts)
{
    if (pixels) {
        *i0 = n_in * t / parts, *i1 = n_in * (t + 1) / parts;
        return;
    }
    *i0 = (int)line_start((size_t)n_in, t, parts);
    *i1 = (int)line_start((size_t)n_in, t + 1, parts);
}

// to[i, :] = from[i, :] for i < n, each a row of w numbers; a row of to
// starts every ld_to numbers, of from every ld_from.
static void copy_columns(real *to, int ld_to, const real *from,
                         int ld_from, int n, int w)
{
    for (int i = 0; i < n; i++)
        memcpy(to + (size_t)i * ld_to, from + (size_t)i * ld_from,
               (size_t)w * sizeof *to);
}

// copy_columns into a block another thread will read: on x86, with
// streaming stores, which go to memory around the caches, so that this
// core does not wait for the other to give up its copy of each line;
// fenced, so that they are done before the meeting says so.
static void send_columns(real *to, int ld_to, const real *from,
                         int ld_from, int n, int w)
{
#if defined(__SSE__) && !defined(NN09_DOUBLE)
    if (((uintptr_t)to | (size_t)ld_to * sizeof *to) % 16 == 0
        && w % 4 == 0) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < w; j += 4)
                _mm_stream_ps(to + (size_t)i * ld_to + j,
                              _mm_loadu_ps(from + (size_t)i * ld_from + j));
        _mm_sfence();
        return;
    }
#endif
    copy_columns(to, ld_to, from, ld_from, n, w);
}

// Forward, rows [i0, i1): the partial y_t = x[:, i0:i1] W[i0:i1, :],
// written, not added to (the caller adds the partials and the bias).
// y_t is (n, n_out), x is (n, n_in), W is (n_in, n_out); xs, scratch,
// (n, i1 - i0), takes x[:, i0:i1] as a matrix of its own for
// dense_gemm_set (the dense layers' kernels, where they fit).
static void dense_rows_forward(real *y_t, real *xs, const real *x,
                               const real *W, int n, int n_in, int n_out,
                               int i0, int i1)
{
    if (i1 == i0) {
        memset(y_t, 0, (size_t)n * n_out * sizeof *y_t);
        return;
    }
    copy_columns(xs, i1 - i0, x + i0, n_in, n, i1 - i0);
    dense_gemm_set(y_t, xs, false, W + (size_t)i0 * n_out, false, n,
                   n_out, i1 - i0);
}

// Backward, rows [i0, i1): dW[i0:i1, :] = x[:, i0:i1]^T dy, and
// dx[:, i0:i1] = dy W[i0:i1, :]^T (either may be NULL), written, not
// added to: each is computed once per batch. The bias's
// gradient is the caller's: its units belong to the next layer's rows.
// dx, x are (n, n_in), dy is (n, n_out), W, dW are (n_in, n_out); xs
// is scratch, (n, i1 - i0).
static void dense_rows_backward(real *dx, real *dW, real *xs,
                                const real *dy, const real *x,
                                const real *W, int n, int n_in, int n_out,
                                int i0, int i1)
{
    int w = i1 - i0;
    if (w == 0)
        return;
    if (dW) {
        real *dW_rows = dW + (size_t)i0 * n_out;          // (w, n_out)
        copy_columns(xs, w, x + i0, n_in, n, w);
        dense_gemm_set(dW_rows, xs, true, dy, false, w, n_out, n);
    }
    if (dx) {
        dense_gemm_set(xs, dy, false, W + (size_t)i0 * n_out, true, n, w,
                       n_out);
        copy_columns(dx + i0, n_in, xs, w, n, w);
    }
}

// Thread t's rows of every dense layer, forward, for the current batch,
// and the softmax.
static void units_forward(struct pool *p, int t)
{
    struct units *u = p->units;
    const model *m = u->m;
    const real *params = p->team[0].params;
    unit_part *own = &u->part[t];
    int n = u->count, parts = u->n_parts, i0, i1;
    unsigned char *labels = own->labels;
    int skip = 0;                         // meet's back-off
    owned_rows(&i0, &i1, (int)m->n_inputs, true, t, parts);
#if defined(__GNUC__)
    // The batch's images are scattered over the training set: ask for
    // every line of this thread's pixels first, so that memory fetches
    // them all at once, not one image after another.
    for (int i = 0; i < n; i++) {
        const unsigned char *px = u->pixels
                                  + (size_t)u->rows[i] * m->n_inputs;
        for (int j = i0; j < i1; j += 64)   // a line: 64 bytes
            __builtin_prefetch(px + j);
        __builtin_prefetch(px + i1 - 1);
    }
#endif
    for (int i = 0; i < n; i++) {         // bytes to numbers in [0, 1]
        const unsigned char *px = u->pixels
                                  + (size_t)u->rows[i] * m->n_inputs;
        real *x = own->acts + (size_t)i * m->n_inputs;
        for (int j = i0; j < i1; j++)     // this thread's pixels
            x[j] = px[j] / (real)255;
        labels[i] = u->labels[u->rows[i]];
    }
    int last = m->n_layers - 1;           // the logits' dense layer
    size_t partial = 0;
    for (int l = 0; l <= last; l++) {     // forward
        const layer *L = &m->layers[l];
        if (L->kind != DENSE)
            continue;
        const real *x = own->acts + L->in * n;
        real *y_t = own->partials + partial;
        owned_rows(&i0, &i1, L->c, l == 0, t, parts);
        dense_rows_forward(y_t, own->xs, x, params + L->weights, n, L->c,
                           L->oc, i0, i1);
        // Each other thread's units of y_t go to sent, a block of their
        // own, (n, k1 - k0) from sent + n k0; the logits, which every
        // thread adds up whole, one block.
        for (int s = 0; s < parts; s++) {
            int k0 = 0, k1 = L->oc;
            if (s == t)
                continue;
            if (l < last)
                owned_rows(&k0, &k1, L->oc, false, s, parts);
            send_columns(own->sent + partial + (size_t)n * k0, k1 - k0,
                         y_t + k0, L->oc, n, k1 - k0);
            if (l == last)
                break;
        }
        meet(&u->meet, &skip);
        // y[:, j] = b[j] + sum_s y_s[:, j], in thread order, for the
        // units this thread owns as the next layer's rows, then the
        // ReLU; the logits every thread adds up whole, for itself.
        int j0 = 0, j1 = L->oc;
        real *y = own->logits, *h = NULL;
        if (l < last) {
            owned_rows(&j0, &j1, L->oc, false, t, parts);
            y = own->acts + L->out * n;
            if (m->layers[l + 1].kind == RELU)
                h = own->acts + m->layers[l + 1].out * n;
        }
        const real *b = params + L->bias;
        for (int i = 0; i < n; i++) {
            real *y_i = y + (size_t)i * L->oc;           // (n_out)
            for (int j = j0; j < j1; j++)
                y_i[j] = b[j];
            for (int s = 0; s < parts; s++) {
                const real *part = s == t                // y_s[i, j0:j1]
                    ? y_t + (size_t)i * L->oc + j0
                    : u->part[s].sent + partial + (size_t)n * j0
                      + (size_t)i * (j1 - j0);
                for (int j = j0; j < j1; j++)
                    y_i[j] += part[j - j0];
            }
            if (h)
                relu_forward(h + (size_t)i * L->oc + j0, y_i + j0,
                             (size_t)(j1 - j0));
        }
        partial += (size_t)L->oc * n;
    }
    double loss = softmax_xent_forward(own->probs, own->logits, labels, n,
                                       N_CLASSES);
    if (t == 0) {
        u->loss = loss;
        u->correct = 0;
        for (int i = 0; i < n; i++) {     // the guess: the likeliest class
            const real *q = own->probs + (size_t)i * N_CLASSES;
            int guess = 0;
            for (int k = 1; k < N_CLASSES; k++)
                guess = q[k] > q[guess] ? k : guess;
            u->correct += guess == labels[i];
        }
    }
}

// Thread t's parameters of dense layer l: sgd_step with their
// gradients. Its rows of W, its units of the bias; the logits' bias is
// part 0's.
static void units_step_layer(struct pool *p, int t, int l)
{
    const model *m = p->units->m;
    const layer *L = &m->layers[l];
    real *grads = p->units->grads;
    int parts = p->units->n_parts, i0, i1;
    size_t at[2], len[2];                 // the rows of W, the bias
    owned_rows(&i0, &i1, L->c, l == 0, t, parts);
    at[0] = L->weights + (size_t)i0 * L->oc;
    len[0] = (size_t)(i1 - i0) * L->oc;
    owned_rows(&i0, &i1, L->oc, false, t, parts);
    if (l == m->n_layers - 1)
        i0 = 0, i1 = t == 0 ? L->oc : 0;
    at[1] = L->bias + (size_t)i0, len[1] = (size_t)(i1 - i0);
    for (int k = 0; k < 2; k++)
        sgd_step(p->params[0] + at[k], p->velocity[0] + at[k],
                 grads + at[k], p->lr, p->momentum, len[k]);
}

// Thread t's rows of every dense layer, backward, into the split's
// gradient block (written, not added to); and, if the batch ends with
// the step, each layer's step as soon as its gradient is done and a
// meeting has passed since thread 0 said so (units_close).
static void units_backward(struct pool *p, int t)
{
    struct units *u = p->units;
    const model *m = u->m;
    const real *params = p->team[0].params;
    real *grads = u->grads;
    unit_part *own = &u->part[t];
    int n = u->count, parts = u->n_parts, i0, i1;
    int last = m->n_layers - 1;           // the logits' dense layer
    int skip = 0;                         // meet's back-off
    memset(own->dlogits, 0, (size_t)n * N_CLASSES * sizeof(real));
    softmax_xent_backward(own->dlogits, own->probs, own->labels,
                          (real)1 / (real)n, n, N_CLASSES);
    if (t == 0) {                         // the logits' bias is part 0's
        real *db = grads + m->layers[last].bias;         // (N_CLASSES)
        memset(db, 0, N_CLASSES * sizeof *db);
        sum_rows(db, own->dlogits, n, N_CLASSES);
    }
    bool met = false;                     // a meeting since team_step?
    for (int l = last; l >= 0; l--) {     // backward
        const layer *L = &m->layers[l];
        if (L->kind != DENSE)
            continue;
        const real *dy = l == last ? own->dlogits : own->dacts + L->out * n;
        const real *x = own->acts + L->in * n;
        owned_rows(&i0, &i1, L->c, l == 0, t, parts);
        if (l == 0) {
            dense_rows_backward(NULL, grads + L->weights, own->xs, dy, x,
                                params + L->weights, n, L->c, L->oc, i0,
                                i1);
            if (!met)                     // one dense layer: wait for
                meet(&u->meet, &skip);  // team_step to decide
            if (u->step)
                units_step_layer(p, t, l);
            break;
        }
        // This thread's units of the layer below: dy_below[:, i0:i1] =
        // dy W[i0:i1, :]^T, times the ReLU's slope, and their bias.
        int below = m->layers[l - 1].kind == RELU ? l - 2 : l - 1;
        const layer *B = &m->layers[below];
        real *dy_below = own->dacts + B->out * n;
        dense_rows_backward(dy_below, NULL, own->xs, dy, x,
                            params + L->weights, n, L->c, L->oc, i0, i1);
        if (below != l - 1)               // relu_backward, in place
            for (int i = 0; i < n; i++)
                for (int j = i0; j < i1; j++) {
                    size_t at = (size_t)i * L->c + j;
                    dy_below[at] = x[at] > 0 ? dy_below[at] : 0;
                }
        real *db = grads + B->bias;       // db[j] = sum_i dy_below[i][j]
        memset(db + i0, 0, (size_t)(i1 - i0) * sizeof *db);
        for (int i = 0; i < n; i++)
            for (int j = i0; j < i1; j++)
                db[j] += dy_below[(size_t)i * L->c + j];
        real *dsent = own->dsent + B->out * n;   // this thread's block
        send_columns(dsent + (size_t)n * i0, i1 - i0, dy_below + i0, L->c,
                     n, i1 - i0);
        // Then its rows' gradient, and their step, while the other
        // threads catch up: the meeting is arrived at before, and
        // waited out after (dy_below whole).
        long round = meet_arrive(&u->meet);
        dense_rows_backward(NULL, grads + L->weights, own->xs, dy, x,
                            params + L->weights, n, L->c, L->oc, i0, i1);
        if (met && u->step)               // a meeting since team_step
            units_step_layer(p, t, l);
        meet_wait(&u->meet, round, &skip);
        for (int s = 0; s < parts; s++) {   // the others' blocks
            int k0, k1;
            if (s == t)
                continue;
            owned_rows(&k0, &k1, L->c, false, s, parts);
            copy_columns(dy_below + k0, L->c,
                         u->part[s].dsent + B->out * n + (size_t)n * k0,
                         k1 - k0, n, k1 - k0);
        }
        if (!met && u->step)
            units_step_layer(p, t, l);
        met = true;
    }
}

// A helper's part of a batch split by units: forward and backward.
static void units_part(struct pool *p, int t)
{
    units_forward(p, t);
    units_backward(p, t);
}

// A training batch of count images, split by units: the helpers take
// their parts, this thread its forward, and the batch stays open for
// units_close.
static batch_totals units_run(struct pool *p, const unsigned char *pixels,
                              const unsigned char *labels, const int *rows,
                              int count)
{
    struct units *u = p->units;
    u->pixels = pixels, u->labels = labels;
    u->rows = rows, u->count = count;
    p->kind = UNITS;
    p->n_parts = u->n_parts;
    if (p->stepped[0] < p->steps)         // a step the slices asked for
        step_copy(p, 0);
    for (int t = 1; t < p->n_workers; t++)   // the copies fall behind
        p->stepped[t] = STALE;
    pool_start(p);
    units_forward(p, 0);
    u->open = true;
    return (batch_totals){u->loss, u->correct};
}

// Ends the open batch, if any: thread 0's backward, with the step when
// step (team_step's learning rate and momentum, on the caller's
// parameters), else leaving the gradient in u->grads; then waits for
// the helpers. False when no batch was open.
static bool units_close(struct pool *p, bool step)
{
    struct units *u = p->units;
    if (!u || !u->open)
        return false;
    u->step = step;           // the helpers read it after a meeting
    units_backward(p, 0);
    pool_finish(p);
    u->open = false;
    return true;
}

/**
The split computes the same gradient as one worker, summed in another
order, so the two agree to float's rounding and no closer. `--gradcheck
units` checks that on the dense net with random parameters and a
random batch of the default 32 images: the gradient of the split on two
and on three threads against one worker's, number by number, as a
fraction of the largest; and, so that we know the comparison can tell
two gradients apart, against one worker's on the same images with other
labels.
*/

// The split's gradient on n_threads against reference (n_params),
// as the largest difference over the largest |reference|.
static double units_difference(const model *m, const real *params,
                               const unsigned char *pixels,
                               const unsigned char *labels,
                               const int *rows, int count, int n_threads,
                               const real *reference)
{
    worker team[MAX_THREADS];
    team_alloc(team, n_threads, m, params);
    if (!team[0].pool->units) {            // no split: nothing to compare
        team_free(team, n_threads);
        return INFINITY;
    }
    run_workers(team, n_threads, pixels, labels, rows, count, true, NULL);
    units_close(team[0].pool, false);     // the gradient, no step
    double largest = 0, worst = 0;
    for (size_t i = 0; i < m->n_params; i++) {
        double r = fabs((double)reference[i]);
        double d = fabs((double)team[0].pool->units->grads[i]
                        - (double)reference[i]);
        largest = r > largest ? r : largest;
        worst = d > worst ? d : worst;
    }
    team_free(team, n_threads);
    return worst / largest;
}

// One worker's gradient of the batch into grads (n_params).
static void one_worker_gradient(real *grads, const model *m,
                                const real *params,
                                const unsigned char *pixels,
                                const unsigned char *labels,
                                const int *rows, int count)
{
    worker team[1];
    team_alloc(team, 1, m, params);
    run_workers(team, 1, pixels, labels, rows, count, true, NULL);
    memcpy(grads, team[0].grads, m->n_params * sizeof *grads);
    team_free(team, 1);
}

static int units_check(rng *r)
{
    model m;
    char err[256];
    if (model_named(&m, "mlp", 28, 28, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    enum { COUNT = 32 };                  // the default batch
    real *params = nn_alloc(m.n_params, sizeof(real));
    real *reference = nn_alloc(m.n_params, sizeof(real));
    real *other = nn_alloc(m.n_params, sizeof(real));
    unsigned char *pixels = nn_alloc(COUNT * m.n_inputs, 1);
    unsigned char labels[COUNT], shifted[COUNT];
    int rows[COUNT];
    model_init(&m, params, r);
    for (int l = 0; l < m.n_layers; l++)  // biases too, not zero
        if (m.layers[l].kind == DENSE)
            for (int j = 0; j < m.layers[l].oc; j++)
                params[m.layers[l].bias + j] =
                    (real)rng_uniform(r, -0.1, 0.1);
    for (size_t i = 0; i < COUNT * m.n_inputs; i++)
        pixels[i] = (unsigned char)(rng_u32(r) & 255);
    for (int i = 0; i < COUNT; i++) {
        rows[i] = i;
        labels[i] = (unsigned char)(rng_u32(r) % N_CLASSES);
        shifted[i] = (unsigned char)((labels[i] + 1) % N_CLASSES);
    }
    one_worker_gradient(reference, &m, params, pixels, labels, rows,
                        COUNT);
    one_worker_gradient(other, &m, params, pixels, shifted, rows, COUNT);
    double bound = sizeof(real) == sizeof(float) ? 1e-5 : 1e-12;
    int failures = 0;
    for (int threads = 2; threads <= 3; threads++) {
        double d = units_difference(&m, params, pixels, labels, rows,
                                    COUNT, threads, reference);
        failures += !(d <= bound);
        printf("units gradient, %d threads: largest difference %.2e of "
               "the largest gradient (bound %.0e) %s\n", threads, d,
               bound, d <= bound ? "ok" : "FAILED");
    }
    double d = units_difference(&m, params, pixels, labels, rows, COUNT,
                                2, other);
    failures += !(d > bound);
    printf("units gradient against other labels' (the control): %.2e: "
           "%s\n", d, d > bound ? "told apart" : "NOT told apart, FAILED");
    free(params), free(reference), free(other), free(pixels);
    return failures ? 1 : 0;
}

/**
## The weights file

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

A dense layer's "kernel" is $1 \times 1$. The bytes are made and
checked by a unit of their own, `weights.c` (its contract is in
`weights.h`), which knows nothing of networks and uses only the C
library, so that a fuzzer can feed it millions of broken files
(`tests/fuzz_weights.c`). It checks the magic number, the version, that
every shape is possible, that exactly $4P$ bytes of weights follow
(fewer: the file is truncated; more: something else is appended), and
that every weight is a finite number. The program then checks that the
shapes are those of the network it builds for the data at hand. Any
failure is one line naming the file and what is wrong, and exit status
2.

Saving must not leave half a file behind. The weights go first to a
temporary file beside the target, which is renamed over the target only
once every byte is written and the file is closed (the toolkit's
`nn_create_atomic` and `nn_commit_atomic`): a rename within a directory
is atomic, so the target is either the old file or the whole new one.
The temporary file is created before training starts, so that a path
that cannot be written fails at once, not after an hour of training.
*/

static const char *const network_names[] = {"mlp", "lenet5"};

// The shape a parameter layer is stored with: (k, k, inputs, outputs).
static void layer_shape(uint32_t shape[4], const layer *L)
{
    uint32_t k = L->kind == CONV ? (uint32_t)L->kernel : 1;
    shape[0] = shape[1] = k;
    shape[2] = (uint32_t)L->c;
    shape[3] = (uint32_t)L->oc;
}

typedef struct {             // a weights file on its way to disk
    const char *path;        // the target
    char temp[4096];         // the temporary file beside it
    FILE *f;                 // open on temp, or NULL
} saver;

// Check path and create the temporary file beside it (the toolkit's
// cli_check_output_path and nn_create_atomic). 0, or the status to exit
// with after the one line they printed.
static int saver_open(saver *s, const cli_common *common, const char *path)
{
    s->path = path;
    s->f = NULL;
    if (cli_check_output_path(common, path, "--save") != CLI_CONTINUE)
        return 2;
    s->f = nn_create_atomic(path, s->temp, sizeof s->temp);
    return s->f ? 0 : 2;
}

// Give up: remove the temporary file (a no-op once committed).
static void saver_abort(saver *s)
{
    if (s->f)
        nn_abandon_atomic(s->f, s->temp);
    s->f = NULL;
}

// Write model m's params and rename the file into place. 0, or 1 after
// one line (and no file left behind).
static int saver_commit(saver *s, const model *m, const real *params)
{
    weights_file w = {.n_params = m->n_params};
    for (uint32_t i = 0; i < 2; i++)
        if (strcmp(m->name, network_names[i]) == 0)
            w.network = i;
    for (int l = 0; l < m->n_layers; l++)
        if (m->layers[l].kind == DENSE || m->layers[l].kind == CONV)
            layer_shape(w.shape[w.n_layers++], &m->layers[l]);
    w.params = nn_alloc(m->n_params, sizeof *w.params);
    for (size_t i = 0; i < m->n_params; i++)
        w.params[i] = (float)params[i];
    size_t size = 0;
    unsigned char *bytes = weights_encode(&w, &size);
    free(w.params);
    if (!bytes) {
        fprintf(stderr, "%s: cannot encode the weights\n", cli_program());
        saver_abort(s);
        return 1;
    }
    fwrite(bytes, 1, size, s->f);         // errors: nn_commit_atomic
    free(bytes);
    int status = nn_commit_atomic(s->f, s->temp, s->path) == 0 ? 0 : 1;
    s->f = NULL;
    return status;
}

// Read weights from path into a model for h x w images: *params is
// allocated (caller frees). 0, or -1 with one line in err.
static int weights_load(model *m, real **params, const char *path, int h,
                        int w, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%.200s: cannot open: %s", path,
                 strerror(errno));
        return -1;
    }
    enum { MAX_SIZE = 64 << 20 };         // far above both networks
    unsigned char *bytes = nn_alloc(MAX_SIZE + 1, 1);
    size_t size = fread(bytes, 1, MAX_SIZE + 1, f);
    int failed = ferror(f);
    fclose(f);
    weights_file file;
    int status = -1;
    if (failed)
        snprintf(err, err_size, "%.200s: cannot read", path);
    else if (size > MAX_SIZE)
        snprintf(err, err_size, "%.200s: larger than %d MB, not a weights "
                 "file of this chapter", path, MAX_SIZE >> 20);
    else
        status = weights_decode(&file, bytes, size, path, err, err_size);
    free(bytes);
    if (status != 0)
        return -1;
    if (file.network > 1) {
        snprintf(err, err_size, "%.200s: unknown network number %u (0 is "
                 "mlp, 1 is lenet5)", path, file.network);
        weights_free(&file);
        return -1;
    }
    status = model_named(m, network_names[file.network], h, w, err,
                         err_size);
    uint32_t expected = 0;
    for (int l = 0; l < m->n_layers && status == 0; l++) {
        uint32_t want[4];
        if (m->layers[l].kind != DENSE && m->layers[l].kind != CONV)
            continue;
        layer_shape(want, &m->layers[l]);
        if (expected < file.n_layers
            && memcmp(want, file.shape[expected], sizeof want) != 0) {
            const uint32_t *got = file.shape[expected];
            snprintf(err, err_size, "%.200s: layer %u has shape "
                     "%ux%ux%ux%u in the file, but %s's is %ux%ux%ux%u",
                     path, expected + 1, got[0], got[1], got[2], got[3],
                     m->name, want[0], want[1], want[2], want[3]);
            status = -1;
        }
        expected++;
    }
    if (status == 0 && expected != file.n_layers) {
        snprintf(err, err_size, "%.200s: %u layers with parameters, but "
                 "%s has %u", path, file.n_layers, m->name, expected);
        status = -1;
    }
    if (status == 0) {
        *params = nn_alloc(m->n_params, sizeof **params);
        for (size_t i = 0; i < m->n_params; i++)
            (*params)[i] = file.params[i];
    }
    weights_free(&file);
    return status;
}

/**
## Classifying one image

`--classify WHAT` runs a single image through the network, after
training or with weights saved earlier (`--load FILE`). WHAT is either
an index into the test set or a PGM file, the simplest grey image
format (`P5` binary or `P2` text; most image programs can write it),
which must have the size of the data set's images, $28 \times 28$ for
MNIST. MNIST digits are light strokes on a dark ground; a picture whose
border is mostly light is taken to be dark ink on light paper and
inverted first. The program draws the image in characters, so that you
can see what it saw, and then prints the ten probabilities that
`predict` gives.
*/

/**
Classifying a single image needs only the forward pass and the
softmax, not the workers' batches: `forward_one` runs one image of
bytes through the network with room of its own, and `predict` keeps
just the ten probabilities. The figures use the first to look at a
feature map.
*/

// Run one image (n_inputs bytes, 0..255) forward; acts is
// (acts_per_image) and holds every layer's output afterwards, the
// probabilities last.
static void forward_one(const model *m, const real *params,
                        const unsigned char *pixels, real *acts)
{
    const layer *last = &m->layers[m->n_layers - 1];
    real *cols = nn_alloc(m->cols_per_image + 1, sizeof *cols);
    unsigned char label = 0;                  // unused: no loss wanted
    for (size_t j = 0; j < m->n_inputs; j++)
        acts[j] = pixels[j] / (real)255;
    model_forward(m, acts, cols, params, 1);
    softmax_xent_forward(acts + m->probs, acts + last->out, &label, 1,
                         N_CLASSES);
    free(cols);
}

// probs (N_CLASSES) for one image of n_inputs bytes.
static void predict(const model *m, const real *params,
                    const unsigned char *pixels, real *probs)
{
    real *acts = nn_alloc(m->acts_per_image, sizeof *acts);
    forward_one(m, params, pixels, acts);
    memcpy(probs, acts + m->probs, N_CLASSES * sizeof *probs);
    free(acts);
}

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

// A rows x cols PGM into px, scaled to 0..255. 0, or -1 with err.
static int pgm_read(unsigned char *px, int rows, int cols,
                    const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%.200s: cannot open: %s", path,
                 strerror(errno));
        return -1;
    }
    char magic[2] = {0, 0};
    bool ok = fread(magic, 1, 2, f) == 2 && magic[0] == 'P'
           && (magic[1] == '5' || magic[1] == '2');
    long width = ok ? pgm_number(f) : -1, height = pgm_number(f);
    long maxval = pgm_number(f);
    if (!ok || width < 1 || height < 1 || maxval < 1 || maxval > 255) {
        snprintf(err, err_size, "%.200s: not a PGM image (P5 or P2, "
                 "maxval at most 255)", path);
        fclose(f);
        return -1;
    }
    if (width != cols || height != rows) {
        snprintf(err, err_size, "%.200s: the image is %ldx%ld; --classify "
                 "needs %dx%d, like the data set's", path, width, height,
                 cols, rows);
        fclose(f);
        return -1;
    }
    for (int i = 0; i < rows * cols && ok; i++) {
        long v = magic[1] == '5' ? fgetc(f) : pgm_number(f);
        ok = v >= 0 && v <= maxval;
        px[i] = ok ? (unsigned char)((v * 255 + maxval / 2) / maxval) : 0;
    }
    fclose(f);
    if (!ok) {
        snprintf(err, err_size, "%.200s: truncated or bad pixel values",
                 path);
        return -1;
    }
    return 0;
}

typedef struct {               // one image to classify
    char name[300];            // "test image 17" or the file's name
    int rows, cols;
    unsigned char *px;         // (rows * cols), a light digit on dark
    unsigned char label;       // the true label, if known
    bool known;
} query;

// --classify WHAT: a test-set index or a PGM file. Checked before any
// training, so that a typo costs nothing. 0, or -1 with err; on success
// q->px is allocated (free it).
static int query_read(query *q, const char *what, const digits *d,
                      char *err, size_t err_size)
{
    memset(q, 0, sizeof *q);
    int rows = d->rows, cols = d->cols;
    q->rows = rows, q->cols = cols;
    q->px = nn_alloc((size_t)rows * cols, 1);
    char *end;
    long index = strtol(what, &end, 10);
    if (*what >= '0' && *what <= '9' && *end == '\0') {
        if (index < 0 || index >= d->n_test) {
            snprintf(err, err_size, "--classify: no test image %.20s "
                     "(there are %d, numbered 0 to %d)", what, d->n_test,
                     d->n_test - 1);
            free(q->px);
            q->px = NULL;
            return -1;
        }
        memcpy(q->px, d->test_x + (size_t)index * rows * cols,
               (size_t)rows * cols);
        q->label = d->test_y[index];
        q->known = true;
        snprintf(q->name, sizeof q->name, "test image %ld, labelled %d",
                 index, q->label);
        return 0;
    }
    if (pgm_read(q->px, rows, cols, what, err, err_size) != 0) {
        free(q->px);
        q->px = NULL;
        return -1;
    }
    long border = 0;
    for (int i = 0; i < cols; i++)
        border += q->px[i] + q->px[(size_t)(rows - 1) * cols + i];
    for (int i = 0; i < rows; i++)
        border += q->px[(size_t)i * cols] + q->px[(size_t)i * cols
                                                  + cols - 1];
    bool inverted = border > 127L * 2 * (rows + cols);  // light: paper
    if (inverted)
        for (int i = 0; i < rows * cols; i++)
            q->px[i] = (unsigned char)(255 - q->px[i]);
    snprintf(q->name, sizeof q->name, "%.200s%s", what,
             inverted ? " (inverted: it was dark on light)" : "");
    return 0;
}

static void classify(const query *q, const model *m, const real *params)
{
    printf("\n%s:\n", q->name);
    for (int y = 0; y < q->rows; y++) {   // the image, in characters
        printf("  |");
        for (int x = 0; x < q->cols; x++)
            putchar(" .:-=+*#%@"[q->px[y * q->cols + x] * 10 / 256]);
        printf("|\n");
    }
    real p[N_CLASSES];
    predict(m, params, q->px, p);
    int guess = 0;
    for (int k = 1; k < N_CLASSES; k++)
        guess = p[k] > p[guess] ? k : guess;
    printf("prediction: %d (probability %.4f)%s\n", guess, p[guess],
           !q->known ? "" : guess == q->label ? ", right" : ", wrong");
    printf("probabilities:");
    for (int k = 0; k < N_CLASSES; k++)
        printf(" %d:%.3f", k, p[k]);
    printf("\n");
}

/**
## How fast could it be?

Every training epoch reports on stderr its rate of arithmetic in
billions of floating-point operations per second, *GFLOP/s*.
`model_build` counts the operations of one training step per image: a
multiply-add is two, a dense layer costs $2 \cdot n_{in} \cdot n_{out}$
forward and twice that backward (for $\delta W$ and $\delta x$), a
convolution the same with one column per output pixel, $c k^2$
multiply-adds per output pixel and filter. The first layer needs no
$\delta x$, since nobody wants the gradient of the pixels. Only the
network's own sums are counted, as is the custom: not the biases, the
ReLUs, the poolings or the copies into patch matrices, which do one or
two operations per number where the products do hundreds, and no
padding, since the convolutions are "valid" and pad nothing. A direct
convolution and the im2col product do the same multiply-adds, so the
count does not depend on the way. It says how much useful arithmetic
was done, and time spent on anything else shows up as a lower rate.
Two measurements put that rate in perspective. `--peak` times one
large matrix product ($2048 \times 2048$ times $2048 \times 2048$, 17
billion operations) with OpenBLAS on `--threads` threads: close to the
most arithmetic this machine can do per second with the vector
instructions OpenBLAS uses, since a large product is the friendliest
work there is for a processor (but see *Sixteen lanes* below).
`--time-conv` times LeNet-5's forward and backward pass over a batch
of 256 images, on one thread, with the convolutions computed each of
the three ways, and keeps the best of several repeats (a repeat that
another program interrupted only looks slower); then it times the
direct convolution's two kernels, `col2im` and the dense layers'
products, each as plain loops and in AVX-512, and compares their
results. The book's run printed:

```{.output file="09-lenet5" stream="stderr" grep="time-conv"}
```

and, for the last epoch of each of our recipe's runs on two threads:

```{.output file="09-lenet5" stream="stderr" grep="(ours) epoch 15/15"}
```

and for the last epoch of the tutorial's recipe, batches of 1024:

```{.output file="09-lenet5" stream="stderr" grep="epoch 50/50:"}
```

The last line of the first block is a large product on the same
thread: the rate a processor reaches when the work suits it. These
networks are small, and batches of 32 images add a cost per step
(waking the threads, adding the gradient blocks, the optimizer's pass
over all parameters) that batches of 1024 spread over 32 times as many
images: compare each network's two rates above. All these are
wall-clock rates, so on a machine busy with other work, as the book's
build machine may be, they vary from epoch to epoch; read them as rough
lower bounds. `bench/lenet5.sh` (run by `make bench`) times the same
networks against PyTorch on the same machine, and sets the rate of
each network's best epoch at batches of 1024 against `--peak`; its
numbers depend on the machine and how busy it is, so they are not
printed in this book.

**Where LeNet-5's time went.** With im2col for both convolutions, a
profile of an epoch (`perf record`, then `perf report`) finds much of
the time outside OpenBLAS's multiplying kernel, which does nearly all
the arithmetic: in OpenBLAS packing small operands into its own layout,
in copying patches (`im2col`, `col2im`), in the ReLUs and poolings.
Five changes went after it, each one checked by the gradient check (the
last by a comparison of its own) and timed by `--time-conv` and by the
epochs' rates.

*The first convolution, directly.* Its product has 6 rows (filters) and
an inner dimension of 25 (taps), so each number `im2col` copies is used
in only six multiply-adds, and OpenBLAS copies it once more into its own
packed layout before using it. The direct convolution below reads the
image in place. Its loops are turned so that the innermost works on
`LANES` adjacent outputs in each of two rows, for `FILTERS` filters at
once: each number read from the image serves six multiply-adds, each
weight sixteen, and the $2 \times 6 \times 8$ partial sums stay in
registers for the whole patch. The weight gradient is the same trick the
other way round: for each tap $(ch, u, v)$, one loop walks the output
gradient's plane, eight numbers a step, multiplying by the input shifted
by the tap.

*The second convolution, directly too.* Its product is hardly larger:
16 rows and an inner dimension of 150, and `im2col` copies each of its
input's numbers up to 25 times so that the product can use it 16
times. The same direct loops serve it (forward, six filters at a
time, the third block overlapping the second by two filters, so it
computes 18 filters' sums for 16; the weight gradient, whose sums need
half the registers, eight at a time, `WIDE_FILTERS`, when eight divides
the number of filters), and the patch matrix is gone. Only its input
gradient, $W^{\mathsf T} \delta\mathrm{out}$ with its inner dimension
of 16, stays a product, which `col2im` adds back onto the pixels
(`conv_backward_input`): it needs no patch matrix, only room for its
own result. Compare the lines `im2col + gemm` (both layers through
im2col) and `direct (default)` in the first block above.

*No row of ones.* The book's first version appended a row of ones to
the patch matrix, so that the bias became one more product: $b
\mathbf{1}^{\mathsf T}$ forward and $\delta\mathrm{out}\,\mathbf{1}$
for its gradient. The two lines about the bias in `--time-conv`'s
block above time both ways on the second convolution's output for one
group of images: the product with an inner dimension of 1 against
`set_plane_bias`, a loop that writes the bias into the output before
the main product adds onto it; and the matrix-vector product for the
gradient against `row_sums`, which adds each row in eight partial sums
so that the additions need not wait for one another. The loops win
both. The ones also cost a row of the patch matrix to write and to
keep.

*ReLU and pooling in one pass.* After each convolution LeNet-5 applies
a ReLU and then averages $2 \times 2$ blocks. Done as two layers, the
large map after the ReLU is written, read back by the pooling, and, in
the backward pass, its gradient is written by the pooling and read by
the ReLU. `relu_pool_forward` and `relu_pool_backward` do each pair in
one pass over two rows at a time, adding in the same order, so they
give the same bits as the two layers.

*Sixteen lanes.* The direct convolution's loops work on `LANES`, 8,
floats at a time, the width of an AVX2 vector, and they are compiled
for AVX2 at most. A processor with AVX-512 has vectors of 16 floats,
and 32 vector registers instead of 16: each instruction multiplies or
adds twice as many numbers. OpenBLAS has kernels that use them, for
the processors it knows, but the environment variable
`OPENBLAS_CORETYPE` picks its kernels instead when it is set: set to
`Haswell`, it holds OpenBLAS to its AVX2 kernels whatever the
processor. Machines set it so because older builds of OpenBLAS
miscompute on some newer processors; the book's build machine is one.
Then `--peak` is an AVX2 rate, and kernels of our own that use AVX-512
can run faster than the products.

Two rows of eight fill a vector of sixteen without changing any sum.
`conv_forward_wide` keeps the sums of output rows $y$ and $y + 1$ for
one filter in one vector, row $y$ in lanes 0 to 7 and row $y + 1$ in
lanes 8 to 15; it loads the pixels under both rows into one vector and
broadcasts each weight to all sixteen lanes. `weight_grad_wide` puts
two adjacent taps $t$ and $t + 1$ in one vector: the same eight
numbers of $\delta\mathrm{out}$ in both halves, each tap's own shifted
input in its half, each tap's eight partial sums in its eight lanes
(an odd last tap is paired with itself, and the copy dropped). Each
lane receives the products that the plain loops' `sum[r][j][l]` or
`part[j][l]` receives, in the same order, and each tap's partial sums
are added up in the same order at the end. Each product is rounded and
then added, two instructions, as the plain loops do: a *fused*
multiply-add, one instruction that rounds only once, would change the
last bits. So the AVX-512 kernels give the plain loops' results to the
bit, and a run prints the same numbers whichever kernels it used. With
twice the registers, each kernel also keeps more sums at once: two
pairs of rows for six filters forward (`WIDE_ROW_PAIRS`), three pairs
of taps for eight filters in the weight gradient (`WIDE_TAP_PAIRS`),
so that each number loaded serves more multiply-adds.

The second convolution's input gradient has a kernel of its own.
`col2im` adds the runs of $\delta\mathrm{cols}$, eight numbers each,
onto the rows of $\delta\mathrm{in}$ one place $(u, v)$ after another,
so it reads and writes a row of 12 numbers up to 25 times, each time
one number further along, and a read may have to wait for the write
just before it.
`col2im_wide` keeps a row of $\delta\mathrm{in}$ in one vector (rows
of up to 16 numbers; wider ones go to `col2im`), loads it once, adds
every run that falls on it and stores it once. The run for place $(u,
v)$ goes into lanes $v$ to $v + 7$, and the addition is *masked*: the
other lanes are left as they are, since adding zeros to them would
not do ($-0 + 0$ is $+0$). The runs come in `col2im`'s order, $(u, v)$
from $(0, 0)$, so each number of $\delta\mathrm{in}$ receives the same
additions in the same order: the same bits. It works on two rows of
six images at once (`COL_IMAGES`): twelve rows in twelve vectors,
twelve chains of additions that need not wait for one another.

The dense layers' products have kernels of their own too. Each of a
dense layer's three products has a side as short as the group:
$y = b + x W$ and $\delta x \mathrel{+}= \delta y\, W^{\mathsf T}$
have one row per image, $\delta W \mathrel{+}= x^{\mathsf T} \delta y$ an
inner dimension of one per image; and a group holds a few dozen images
at most, at the default batch of 32 a thread's whole slice, 16 images
on two threads. OpenBLAS is made for large products: every call first
copies (*packs*) its operands into a layout of its own, which a large
product repays many times over and a product of a few rows hardly at
all; and held to AVX2, as on the book's build machine, it works on
vectors of 8 floats where the processor has 16. `dense_gemm`, which
`dense_forward` and `dense_backward` call, sends a product to
`dense_gemm_wide` when the processor has AVX-512 and the product has a
short side, at most `SHORT_SIDE` (64) rows of $\mathrm{op}(A)$ or an
inner dimension of at most that (`dense_wide_fits`, the one place the
rule is stated), and every other product to `gemm` (OpenBLAS, in the
book's build): LeNet-5's groups always have such a side, the dense
net's groups of 128 do not.

Its kernel, `dense_kernel`, works on a tile of $C$ of four rows by 64
columns, four vectors of 16, whose sums stay in registers while $p$
runs along the inner dimension: each step loads row $p$ of $B$ (four
vectors), broadcasts one number of $A$ for each of the four rows, and
does 16 vector multiply-adds (four rows by four vectors), so that each
vector of $B$ loaded, and each number of $A$ broadcast, serves four of
them.
A width that is no multiple of 16 ends in a masked vector, whose lanes
past the edge are neither loaded nor stored, and the rows left over,
one to three, make one last tile. Unlike the convolutions' kernels
these use *fused* multiply-adds, and the plain loop `dense_gemm_plain`
states the contract: each entry of $C$ is one chain that starts from
its old value (the bias for $y$, the gradient so far for $\delta W$
and $\delta x$) and adds $a_p b_p$, rounded once (C's `fmaf`), for $p
= 0, 1, \ldots, k - 1$ in order. A lane of the kernel's sums is one
entry of $C$ and receives the same fused multiply-adds in the same
order.

For $\delta x = \delta y\, W^{\mathsf T}$ the kernel would need the
columns of $W$ as rows. Taking each entry as the dot product of a row
of $\delta y$ and a row of $W$ instead, 16 products at a time with the
lanes added up at the end, adds in a tree, not in the chain's order.
So `dense_gemm_wide` transposes $W$ first, a block at a time into a
buffer on the stack (`transpose_block`: sixteen rows of sixteen numbers
in registers, rearranged by shuffles), and hands the block to the same
kernel. An entry of $\delta x$ waits in memory between two blocks of
$p$, stored and loaded unchanged, so its chain stays one chain. The
transposition is work that the other two products do not have.

The second convolution's input gradient goes to the same kernels, in
their *overwrite form*. $\delta\mathrm{cols} = W^{\mathsf T}
\delta\mathrm{out}$ has 150 rows (taps), 64 columns per image and an
inner dimension of only 16 (filters), too little arithmetic per call
to repay OpenBLAS's packing. `conv_backward_input` calls
`dense_gemm_set`, which, under `dense_wide_fits`'s rule, has
`dense_gemm_wide` start each chain from $+0$ instead of from $C$'s old
value, since $\delta\mathrm{cols}$ is scratch: `dense_gemm_plain`'s
chain on a $C$ of $+0$s, so the same bits. ($+0$, not $-0$: from $-0$,
a chain of products that are all $-0$ would end in $-0$.) The tile
stays four rows by four vectors; what held the kernel back was where
$B$ lies. Its rows are a group's pixels apart, 4 KB for 16 images, and
addresses 4 KB apart share a few sets of the first-level cache, so a
strip's 16 rows evicted one another before the next tile read them.
So when $\mathrm{op}(A)$ has more than `SHORT_SIDE` rows, and many
tiles read each strip, as here and in the dense layers' $\delta W$,
`dense_gemm_wide` first copies the strip into a buffer on the stack
(`copy_block`); with the copy, taller tiles gained little. The `input
gradient's product` line above times it against OpenBLAS. The dense
net's split by units (*Two cores: splitting the units*, above) takes
the overwrite form too, since each of its gradients and partial sums
is written, not added to: `dense_rows_forward` and
`dense_rows_backward` copy a thread's columns of $x$ out whole, as a
matrix of their own, and call `dense_gemm_set`. At the default batch
of 32 its products then have a side of 32, short enough.

The choice is made at run time. `conv_wide` asks the processor whether
it has AVX-512 (GCC's `__builtin_cpu_supports`, as chapter 6 does), and
only the AVX-512 kernels carry GCC's `target("avx512f")`, so the
program still runs on any x86-64 processor, where the plain loops stay
the way (for the dense kernels, OpenBLAS: `dense_gemm_plain` is only
the reference they are held to). The kernels are for float only: the
double-precision twin runs the plain loops and OpenBLAS, so the
gradient check never sees the AVX-512 kernels. What holds them to the
plain loops is a comparison: `--time-conv` runs both on random numbers
in the shapes of LeNet-5's two convolutions and of an awkward layer (7
filters, 9 rows and 27 taps, which take every overlapping block and
leftover pair), and compares outputs and weight gradients bit for bit.
The test `ch09_conv_wide_same_bits` requires its verdict, "same bits",
on a processor with AVX-512. `--time-conv` compares `col2im_wide` with
`col2im` the same way, on LeNet-5's second convolution and on awkward
shapes (rows of 9, 13 and 16 numbers, an odd number of rows, fewer
images than a block), with zeros of both signs among the random
numbers; the test `ch09_col2im_wide_same_bits` requires that verdict.
The `--time-conv` lines above give the kernels' rates and the plain
loops' on one thread, for a group of images (`group_size`) as training
calls them.

`--time-conv` holds the dense kernels to `dense_gemm_plain` the same
way: it runs both on random numbers, zeros of both signs among them, in
the shapes of LeNet-5's three dense layers (for a group of images and
for 16) and of awkward ones (one image, 3, 17 and 32; widths that are
no multiple of 16; an inner dimension of 300, more than one block of
the transposition), and compares $y$, $\delta W$ and $\delta x$ bit
for bit; it compares their overwrite form with `dense_gemm_plain` on a
$C$ of $+0$s the same way, in the shape of the second convolution's
input gradient (for a group of images and for 16) and of awkward ones
(rows and columns left over from the tiles, inner dimensions of 1 and
of 300). The test `ch09_dense_wide_same_bits` requires "same bits" of
both. Its line on the first dense layer times the three products of a
group each way: OpenBLAS, the plain loop (slow, since it calls the C
library's `fmaf` for every multiply-add) and the kernels.

These kernels have a consequence the others do not. Where the
processor has no AVX-512, and in the double-precision twin, OpenBLAS
computes the dense products and the input gradient's, in an order of
its own, so the last bits of those sums differ, and after enough steps
so do some printed digits of this chapter's results. The same seed and
thread count still give the same bits on one machine. Across
processors the bits could differ before too: OpenBLAS picks its
kernels, and with them the order of its sums, by the processor it runs
on, unless `OPENBLAS_CORETYPE` fixes them, as on the book's build
machine.

On a processor without AVX-512, what remains, besides the convolutions'
own arithmetic, is mostly OpenBLAS on small products, whose every call
packs its operands afresh: the second convolution's input gradient and
the dense layers' products. The gradient check covers each way:
`--gradcheck conv` checks the im2col product (with `col2im`), the
direct convolution's plain loops and the six loops on the same layer,
`--gradcheck relupool` the fused pair, and `--gradcheck lenet5` (in the
double-precision twin) the whole network as training runs it.
*/

// The direct convolution's loops are written for the compiler's
// vectorizer. A loop over LANES adjacent numbers becomes vector
// instructions; FILTERS filters are worked on together, so that each
// number read from the image serves FILTERS multiply-adds, and the
// FILTERS x LANES partial sums (two rows of them, forward) stay in
// registers. `#pragma GCC unroll` unrolls the loop over the filters,
// which GCC at -O2 leaves rolled (and then keeps the sums in memory).
// The build targets every x86-64
// processor, whose vectors hold 4 floats (SSE2); `target_clones` makes
// GCC compile each function twice, once for AVX2 (8 floats) as well,
// and pick the version the processor runs at load time (NN_CLONES_AVX2,
// the toolkit's, common/vmath.h; im2col uses it too). Both versions
// add the same numbers in the same order, so they give the same bits.
// On a processor with AVX-512, conv_forward_direct and
// conv_backward_direct call the AVX-512 kernels below instead
// (conv_forward_wide, weight_grad_wide), and col2im_direct calls
// col2im_wide; these plain loops (and col2im) stay the reference they
// are compared with, and the way everywhere else.

// out as conv_forward_loops computes it, directly: for each image and
// pair of output rows, LANES adjacent outputs in each of the two rows
// for FILTERS filters at a time, each the bias plus c k k products;
// each weight read serves both rows. When f is not a multiple of
// FILTERS (or oh not even), the last block (or pair) overlaps the one
// before: it computes some outputs again and writes the same values.
// The shape must suit it (direct_fits); conv_forward_direct checks.
NN_CLONES_AVX2
static void conv_forward_plain(real *out, const real *in, const real *W,
                               const real *b, int n, int h, int w, int c,
                               int k, int f)
{
    int oh = h - k + 1, ow = w - k + 1, taps = c * k * k;
    for (int o0 = 0; o0 < f; o0 += FILTERS) {
        int o = o0 + FILTERS > f ? f - FILTERS : o0;   // first filter
        for (int i = 0; i < n; i++)
            for (int y0 = 0; y0 < oh; y0 += 2) {
                int y = y0 + 2 > oh ? oh - 2 : y0;     // rows y, y + 1
                for (int x = 0; x < ow; x += LANES) {
                    real sum[2][FILTERS][LANES];
                    for (int r = 0; r < 2; r++)
                        for (int j = 0; j < FILTERS; j++)
                            for (int l = 0; l < LANES; l++)
                                sum[r][j][l] = b[o + j];
                    for (int ch = 0; ch < c; ch++)
                        for (int u = 0; u < k; u++) {
                            const real *src = in + (((size_t)ch * n + i)
                                                    * h + y + u) * w + x;
                            const real *wt = W + (size_t)o * taps
                                             + (ch * k + u) * k;
                            for (int v = 0; v < k; v++)
#pragma GCC unroll 8
                                for (int j = 0; j < FILTERS; j++) {
                                    real weight = wt[j * taps + v];
                                    for (int l = 0; l < LANES; l++) {
                                        sum[0][j][l] += weight
                                                        * src[v + l];
                                        sum[1][j][l] += weight
                                                        * src[w + v + l];
                                    }
                                }
                        }
                    for (int r = 0; r < 2; r++)
                        for (int j = 0; j < FILTERS; j++) {
                            real *dst = out + (((size_t)(o + j) * n + i)
                                               * oh + y + r) * ow + x;
                            for (int l = 0; l < LANES; l++)
                                dst[l] = sum[r][j][l];
                        }
                }
            }
    }
}

// The same loops in AVX-512 ("Sixteen lanes", above). CONV_WIDE
// says whether the program has them at all: GCC on x86-64 Linux, as for
// the clones, and float, since two rows of LANES doubles would not fit
// one vector. conv_wide says whether this processor runs them: a test
// of a bit that the startup code sets once (GCC's
// __builtin_cpu_supports, as chapter 6 asks it).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
    && defined(__linux__) && !defined(NN09_DOUBLE)
#define CONV_WIDE 1
#include <immintrin.h>
#else
#define CONV_WIDE 0
#endif

static bool conv_wide(void)
{
#if CONV_WIDE
    return __builtin_cpu_supports("avx512f");
#else
    return false;
#endif
}

#if CONV_WIDE
_Static_assert(LANES == 8, "an AVX-512 vector holds two of LANES floats");

// A vector of 16 floats from two runs of LANES: a[0..7] in lanes 0-7,
// b[0..7] in lanes 8-15. (Through double, so that AVX-512F suffices.)
__attribute__((target("avx512f")))
static inline __m512 two_runs(const float *a, const float *b)
{
    __m512d low = _mm512_castpd256_pd512(_mm256_castps_pd(
                                             _mm256_loadu_ps(a)));
    return _mm512_castpd_ps(_mm512_insertf64x4(
               low, _mm256_castps_pd(_mm256_loadu_ps(b)), 1));
}

// The run a[0..7] in both halves of a vector.
__attribute__((target("avx512f")))
static inline __m512 run_twice(const float *a)
{
    return _mm512_castpd_ps(_mm512_broadcast_f64x4(
               _mm256_castps_pd(_mm256_loadu_ps(a))));
}

// Lanes 0-7 of a vector, and lanes 8-15.
__attribute__((target("avx512f")))
static inline __m256 low_half(__m512 a)
{
    return _mm512_castps512_ps256(a);
}

__attribute__((target("avx512f")))
static inline __m256 high_half(__m512 a)
{
    return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1));
}

// conv_forward_plain in AVX-512, for `pairs` pairs of rows at a time (a
// constant, 1 or WIDE_ROW_PAIRS). One vector holds the LANES sums of a
// pair of rows for one filter (lanes 0-7 row y, 8-15 row y + 1); the
// pixels of both rows are loaded into one vector, and each weight is
// broadcast to all 16 lanes and serves every pair. Each lane adds the
// products of the plain loops' sum[r][j][l], in the same order, a
// multiplication then an addition (no fused multiply-add): the same
// bits. As there, a last block of rows may overlap the one before.
enum { WIDE_ROW_PAIRS = 2 };
static inline __attribute__((always_inline, target("avx512f"))) void
conv_forward_wide_rows(float *out, const float *in, const float *W,
                       const float *b, int n, int h, int w, int c, int k,
                       int f, int pairs)
{
    int oh = h - k + 1, ow = w - k + 1, taps = c * k * k, rows = 2 * pairs;
    for (int o0 = 0; o0 < f; o0 += FILTERS) {
        int o = o0 + FILTERS > f ? f - FILTERS : o0;   // first filter
        for (int i = 0; i < n; i++)
            for (int y0 = 0; y0 < oh; y0 += rows) {
                int y = y0 + rows > oh ? oh - rows : y0;  // first row
                for (int x = 0; x < ow; x += LANES) {
                    __m512 sum[WIDE_ROW_PAIRS][FILTERS];
#pragma GCC unroll 4
                    for (int q = 0; q < pairs; q++)    // rows y + 2q, + 1
                        for (int j = 0; j < FILTERS; j++)
                            sum[q][j] = _mm512_set1_ps(b[o + j]);
                    for (int ch = 0; ch < c; ch++)
                        for (int u = 0; u < k; u++) {
                            const float *src = in + (((size_t)ch * n + i)
                                                     * h + y + u) * w + x;
                            const float *wt = W + (size_t)o * taps
                                              + (ch * k + u) * k;
                            for (int v = 0; v < k; v++) {
                                __m512 pixels[WIDE_ROW_PAIRS];
#pragma GCC unroll 4
                                for (int q = 0; q < pairs; q++)
                                    pixels[q] = two_runs(
                                        src + 2 * q * w + v,
                                        src + (2 * q + 1) * w + v);
#pragma GCC unroll 8
                                for (int j = 0; j < FILTERS; j++) {
                                    __m512 weight = _mm512_set1_ps(
                                        wt[j * taps + v]);
#pragma GCC unroll 4
                                    for (int q = 0; q < pairs; q++)
                                        sum[q][j] = _mm512_add_ps(
                                            sum[q][j],
                                            _mm512_mul_ps(weight,
                                                          pixels[q]));
                                }
                            }
                        }
#pragma GCC unroll 4
                    for (int q = 0; q < pairs; q++)
                        for (int j = 0; j < FILTERS; j++) {
                            float *dst = out + (((size_t)(o + j) * n + i)
                                                * oh + y + 2 * q) * ow + x;
                            _mm256_storeu_ps(dst, low_half(sum[q][j]));
                            _mm256_storeu_ps(dst + ow,
                                             high_half(sum[q][j]));
                        }
                }
            }
    }
}

// conv_forward_plain's output, WIDE_ROW_PAIRS pairs of rows at a time
// when there are that many rows.
__attribute__((target("avx512f")))
static void conv_forward_wide(float *out, const float *in, const float *W,
                              const float *b, int n, int h, int w, int c,
                              int k, int f)
{
    if (h - k + 1 >= 2 * WIDE_ROW_PAIRS)
        conv_forward_wide_rows(out, in, W, b, n, h, w, c, k, f,
                               WIDE_ROW_PAIRS);
    else
        conv_forward_wide_rows(out, in, W, b, n, h, w, c, k, f, 1);
}
#endif

// conv_forward_plain, or conv_forward_wide where the processor has
// AVX-512, or the six loops for a shape that suits neither.
static void conv_forward_direct(real *out, const real *in, const real *W,
                                const real *b, int n, int h, int w, int c,
                                int k, int f)
{
    if (!direct_fits(h - k + 1, w - k + 1, f)) {
        conv_forward_loops(out, in, W, b, n, h, w, c, k, f);
        return;
    }
#if CONV_WIDE
    if (conv_wide()) {
        conv_forward_wide(out, in, W, b, n, h, w, c, k, f);
        return;
    }
#endif
    conv_forward_plain(out, in, W, b, n, h, w, c, k, f);
}

NN_CLONES_AVX2
static void set_plane_bias(real *restrict y, const real *restrict b,
                           int f, size_t count)
{
    for (int o = 0; o < f; o++) {
        real bias = b[o];
        real *row = y + (size_t)o * count;
        for (size_t p = 0; p < count; p++)
            row[p] = bias;
    }
}

// db[o] += the sum of row o of dy, in LANES partial sums (so that the
// additions need not wait for each other), added up at the end.
// db is (f), dy is (f, count).
NN_CLONES_AVX2
static void row_sums(real *db, const real *dy, int f, size_t count)
{
    for (int o = 0; o < f; o++) {
        const real *row = dy + (size_t)o * count;
        real part[LANES] = {0}, sum = 0;
        size_t p = 0;
        for (; p + LANES <= count; p += LANES)
            for (int l = 0; l < LANES; l++)
                part[l] += row[p + l];
        for (; p < count; p++)
            sum += row[p];
        for (int l = 0; l < LANES; l++)
            sum += part[l];
        db[o] += sum;
    }
}

// dW[o + j][t] += the dot product of plane o + j of dout with the
// input shifted by tap t, for the `block` filters j from o (skip and up
// only) and every tap: conv_backward_direct's weight gradient. Called
// with block a constant, FILTERS or WIDE_FILTERS, and always inlined
// (GCC's always_inline), so that the compiler sees the constant, unrolls
// the loops over the filters and keeps the sums in registers.
enum { WIDE_FILTERS = 8 };
static inline __attribute__((always_inline)) void
weight_grad_block(real *dW, const real *dout, const real *in, int n,
                  int h, int w, int c, int k, int o, int skip, int block)
{
    int oh = h - k + 1, ow = w - k + 1, taps = c * k * k;
    size_t plane = (size_t)n * oh * ow;           // one filter's outputs
    const real *g = dout + (size_t)o * plane;     // filter o's plane
    for (int t = 0; t < taps; t++) {              // t = (ch, u, v)
        int ch = t / (k * k), u = t / k % k, v = t % k;
        const real *src = in + ((size_t)ch * n * h + u) * w + v;
        real part[WIDE_FILTERS][LANES] = {{0}};
        int x = 0, y = 0;
        for (size_t p = 0; p < plane; p += LANES) {
#pragma GCC unroll 8
            for (int j = 0; j < block; j++)
                for (int l = 0; l < LANES; l++)
                    part[j][l] += g[j * plane + p + l] * src[x + l];
            if ((x += LANES) == ow) {     // the next output row
                x = 0;
                src += w;
                if (++y == oh) {          // the next image
                    y = 0;
                    src += (size_t)(h - oh) * w;
                }
            }
        }
        for (int j = skip; j < block; j++) {
            real sum = 0;
            for (int l = 0; l < LANES; l++)
                sum += part[j][l];
            dW[(size_t)(o + j) * taps + t] += sum;
        }
    }
}

// dW[o][ch][u][v] += the dot product of plane o of dout with plane ch
// of in shifted by (u, v): weight_grad_block for FILTERS filters at
// once, or WIDE_FILTERS when they divide f. A last block of filters
// that overlaps the one before adds only the filters not yet done.
NN_CLONES_AVX2
static void weight_grad_plain(real *dW, const real *dout, const real *in,
                              int n, int h, int w, int c, int k, int f)
{
    int block = f % WIDE_FILTERS == 0 ? WIDE_FILTERS : FILTERS;
    for (int o0 = 0; o0 < f; o0 += block) {
        int o = o0 + block > f ? f - block : o0, skip = o0 - o;
        if (block == WIDE_FILTERS)
            weight_grad_block(dW, dout, in, n, h, w, c, k, o, skip,
                              WIDE_FILTERS);
        else
            weight_grad_block(dW, dout, in, n, h, w, c, k, o, skip,
                              FILTERS);
    }
}

#if CONV_WIDE
// weight_grad_block in AVX-512, for `pairs` pairs of adjacent taps t,
// t + 1 from t0 (a constant, 1 or WIDE_TAP_PAIRS: 8 filters times 3
// pairs make 24 vectors of sums, of the 32 registers). One vector per
// filter and pair holds both taps' LANES partial sums (lanes 0-7 tap t,
// 8-15 tap t + 1), multiplying the same LANES numbers of dout, loaded
// into both halves, by the input at each tap's own shift. Every lane
// adds the products of the plain loops' part[j][l] in the same order, a
// multiplication then an addition, and each tap's LANES partial sums
// are added up in the same order: the same bits. An odd last tap is
// paired with itself, and the copy dropped.
enum { WIDE_TAP_PAIRS = 3 };
static inline __attribute__((always_inline, target("avx512f"))) void
weight_grad_wide_taps(float *dW, const float *dout, const float *in,
                      int n, int h, int w, int c, int k, int o, int skip,
                      int block, int t0, int pairs)
{
    int oh = h - k + 1, ow = w - k + 1, taps = c * k * k;
    size_t plane = (size_t)n * oh * ow;           // one filter's outputs
    const float *g = dout + (size_t)o * plane;    // filter o's plane
    const float *src[WIDE_TAP_PAIRS][2];          // each tap's input
#pragma GCC unroll 4
    for (int q = 0; q < pairs; q++)
        for (int e = 0; e < 2; e++) {
            int t = t0 + 2 * q + e;
            if (t >= taps)
                t = taps - 1;                     // the odd tap again
            int ch = t / (k * k), u = t / k % k, v = t % k;
            src[q][e] = in + ((size_t)ch * n * h + u) * w + v;
        }
    __m512 part[WIDE_FILTERS][WIDE_TAP_PAIRS];
    for (int j = 0; j < block; j++)
#pragma GCC unroll 4
        for (int q = 0; q < pairs; q++)
            part[j][q] = _mm512_setzero_ps();
    size_t row = 0;                               // input row's offset
    int x = 0, y = 0;
    for (size_t p = 0; p < plane; p += LANES) {
        __m512 pixels[WIDE_TAP_PAIRS];
#pragma GCC unroll 4
        for (int q = 0; q < pairs; q++)
            pixels[q] = two_runs(src[q][0] + row + x, src[q][1] + row + x);
#pragma GCC unroll 8
        for (int j = 0; j < block; j++) {
            __m512 grad = run_twice(g + j * plane + p);
#pragma GCC unroll 4
            for (int q = 0; q < pairs; q++)
                part[j][q] = _mm512_add_ps(part[j][q],
                                           _mm512_mul_ps(grad, pixels[q]));
        }
        if ((x += LANES) == ow) {         // the next output row
            x = 0;
            row += w;
            if (++y == oh) {              // the next image
                y = 0;
                row += (size_t)(h - oh) * w;
            }
        }
    }
    for (int j = skip; j < block; j++)
#pragma GCC unroll 4
        for (int q = 0; q < pairs; q++) {
            float lanes[2 * LANES];
            _mm512_storeu_ps(lanes, part[j][q]);
            for (int e = 0; e < 2 && t0 + 2 * q + e < taps; e++) {
                float sum = 0;
                for (int l = 0; l < LANES; l++)
                    sum += lanes[e * LANES + l];
                dW[(size_t)(o + j) * taps + t0 + 2 * q + e] += sum;
            }
        }
}

// weight_grad_wide_taps over every tap, WIDE_TAP_PAIRS pairs at a time,
// then the taps left over a pair at a time.
static inline __attribute__((always_inline, target("avx512f"))) void
weight_grad_wide_block(float *dW, const float *dout, const float *in,
                       int n, int h, int w, int c, int k, int o, int skip,
                       int block)
{
    int taps = c * k * k, t0 = 0;
    for (; t0 + 2 * WIDE_TAP_PAIRS <= taps; t0 += 2 * WIDE_TAP_PAIRS)
        weight_grad_wide_taps(dW, dout, in, n, h, w, c, k, o, skip, block,
                              t0, WIDE_TAP_PAIRS);
    for (; t0 < taps; t0 += 2)                    // the taps left over
        weight_grad_wide_taps(dW, dout, in, n, h, w, c, k, o, skip, block,
                              t0, 1);
}

// weight_grad_plain with weight_grad_wide_block.
__attribute__((target("avx512f")))
static void weight_grad_wide(float *dW, const float *dout, const float *in,
                             int n, int h, int w, int c, int k, int f)
{
    int block = f % WIDE_FILTERS == 0 ? WIDE_FILTERS : FILTERS;
    for (int o0 = 0; o0 < f; o0 += block) {
        int o = o0 + block > f ? f - block : o0, skip = o0 - o;
        if (block == WIDE_FILTERS)
            weight_grad_wide_block(dW, dout, in, n, h, w, c, k, o, skip,
                                   WIDE_FILTERS);
        else
            weight_grad_wide_block(dW, dout, in, n, h, w, c, k, o, skip,
                                   FILTERS);
    }
}

// col2im in AVX-512: din[ch][i][y + u][x + v] += dcols[(ch, u, v)][(i,
// y, x)]. A row of din, w <= 16 numbers, stays in one vector, loaded
// once and stored once, while every run of dcols that falls on it is
// added into lanes v to v + ow - 1: a masked load puts the run there,
// and a masked addition leaves the other lanes alone (adding a zero
// would turn a -0 into +0). For a row (ch, i, Y), the runs come in
// col2im's order, (u, v) from (0, 0), u where y = Y - u is a row of the
// output; so each number of din receives col2im's additions in
// col2im's order: the same bits. `images` images (a constant, up to
// COL_IMAGES) times two rows, the same rows of each, are worked on at
// once, twelve independent chains of additions for COL_IMAGES. A last
// block of images (or odd last row) overlaps the one before: it
// computes those rows again from the finished numbers but does not
// store them (the first skip_images images, skip_rows rows).
enum { COL_IMAGES = 6 };
static inline __attribute__((always_inline, target("avx512f"))) void
col2im_wide_rows(float *din, const float *dcols, int n, int h, int w,
                 int k, int ch, int i, int Y, int skip_images,
                 int skip_rows, int images)
{
    int oh = h - k + 1, ow = w - k + 1;
    size_t plane = (size_t)n * oh * ow;   // one row (ch, u, v) of dcols
    __mmask16 row_lanes = (__mmask16)((1u << w) - 1),
              run_lanes = (__mmask16)((1u << ow) - 1);
    float *dst = din + (((size_t)ch * n + i) * h + Y) * w;  // (i, Y)
    __m512 sum[COL_IMAGES][2];            // rows (i + j, Y + r) of din
#pragma GCC unroll 8
    for (int j = 0; j < images; j++)
#pragma GCC unroll 2
        for (int r = 0; r < 2; r++)
            sum[j][r] = _mm512_maskz_loadu_ps(row_lanes,
                                              dst + ((size_t)j * h + r) * w);
    int u_first = Y + 1 - oh > 0 ? Y + 1 - oh : 0,
        u_last = Y + 1 < k - 1 ? Y + 1 : k - 1;
    for (int u = u_first; u <= u_last; u++) {
        __mmask16 lanes[2];               // run_lanes, or none
        const float *run[2];              // run (ch, u, 0) onto row r
#pragma GCC unroll 2
        for (int r = 0; r < 2; r++) {
            int y = Y + r - u;            // the output row, if one
            bool is_row = y >= 0 && y < oh;
            lanes[r] = is_row ? run_lanes : 0;
            run[r] = dcols + (size_t)(ch * k + u) * k * plane
                     + ((size_t)i * oh + (is_row ? y : 0)) * ow;
        }
        for (int v = 0; v < k; v++) {
#pragma GCC unroll 8
            for (int j = 0; j < images; j++)
#pragma GCC unroll 2
                for (int r = 0; r < 2; r++) {
                    __mmask16 m = (__mmask16)(lanes[r] << v);
                    const float *src = run[r] + v * plane
                                       + (size_t)j * oh * ow;
                    sum[j][r] = _mm512_mask_add_ps(
                        sum[j][r], m, sum[j][r],
                        _mm512_maskz_loadu_ps(m, src - v));
                }
        }
    }
#pragma GCC unroll 8
    for (int j = 0; j < images; j++)
#pragma GCC unroll 2
        for (int r = 0; r < 2; r++)
            if (j >= skip_images && r >= skip_rows)
                _mm512_mask_storeu_ps(dst + ((size_t)j * h + r) * w,
                                      row_lanes, sum[j][r]);
}

// Whether col2im_wide takes this shape: a row of din in one vector, and
// two rows.
static bool col2im_wide_fits(int h, int w)
{
    return w <= 16 && h >= 2;
}

// col2im with col2im_wide_rows: for each channel and pair of rows,
// COL_IMAGES images at a time, or two (or one) if there are fewer.
__attribute__((target("avx512f")))
static void col2im_wide(float *din, const float *dcols, int n, int h,
                        int w, int c, int k)
{
    int block = n >= COL_IMAGES ? COL_IMAGES : n >= 2 ? 2 : 1;
    for (int ch = 0; ch < c; ch++)
        for (int Y0 = 0; Y0 < h; Y0 += 2) {
            int Y = Y0 + 2 > h ? h - 2 : Y0, skip_rows = Y0 - Y;
            for (int i0 = 0; i0 < n; i0 += block) {
                int i = i0 + block > n ? n - block : i0;
                if (block == COL_IMAGES)
                    col2im_wide_rows(din, dcols, n, h, w, k, ch, i, Y,
                                     i0 - i, skip_rows, COL_IMAGES);
                else if (block == 2)
                    col2im_wide_rows(din, dcols, n, h, w, k, ch, i, Y,
                                     i0 - i, skip_rows, 2);
                else
                    col2im_wide_rows(din, dcols, n, h, w, k, ch, i, Y,
                                     i0 - i, skip_rows, 1);
            }
        }
}
#endif

// col2im, or col2im_wide where the processor has AVX-512 and the shape
// suits it: the same bits either way.
static void col2im_direct(real *din, const real *dcols, int n, int h,
                          int w, int c, int k)
{
#if CONV_WIDE
    if (conv_wide() && col2im_wide_fits(h, w)) {
        col2im_wide(din, dcols, n, h, w, c, k);
        return;
    }
#endif
    col2im(din, dcols, n, h, w, c, k);
}

/**
The dense layers' kernels come next, as *Sixteen lanes* tells them:
the plain loop that states their contract, the rule for when they run,
the kernel with its transposition and its copy of a strip, and the two
ways in, `dense_gemm` and `dense_gemm_set`.
*/

#if CONV_WIDE
// The dense layers' products, C (m, n) += op(A) op(B) as dense_gemm
// computes them ("Sixteen lanes" above). The contract, which this plain
// loop states and the AVX-512 kernels below keep to the bit: each entry
// of C is one chain of fused multiply-adds (fmaf: a b + c, rounded
// once) that starts from the entry's old value and takes p = 0, 1, ...,
// k - 1 in order. op(A) is (m, k), op(B) is (k, n); A is stored (m, k),
// or (k, m) when transpose_a, B (k, n), or (n, k) when transpose_b.
static void dense_gemm_plain(float *C, const float *A, bool transpose_a,
                             const float *B, bool transpose_b, int m,
                             int n, int k)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float c = C[(size_t)i * n + j];
            for (int p = 0; p < k; p++) {
                float a = transpose_a ? A[(size_t)p * m + i]
                                      : A[(size_t)i * k + p];
                float b = transpose_b ? B[(size_t)j * k + p]
                                      : B[(size_t)p * n + j];
                c = fmaf(a, b, c);               // c + a b, one rounding
            }
            C[(size_t)i * n + j] = c;
        }
}

// The rule for the kernels: a product with a short side, op(A) of at
// most SHORT_SIDE rows or an inner dimension of at most SHORT_SIDE. A
// dense layer's three products have one when a group (or a batch split
// by units) holds at most SHORT_SIDE images, as LeNet-5's groups always
// do (and the last layer's dx, inner dimension 10, always); so has the
// second convolution's input gradient, W^T dout, whose inner dimension
// is its 16 filters.
enum { SHORT_SIDE = 64 };

static bool dense_wide_fits(int m, int k)
{
    return m <= SHORT_SIDE || k <= SHORT_SIDE;
}

// One tile of C += op(A) B, or C = op(A) B when from_zero: R rows (up
// to 4) of C and V vectors of 16 columns (up to 4), the last
// vector's lanes masked by `last`, the R x V sums in registers while p
// runs from 0 to k - 1. op(A)(r, p) is A[r a_row + p a_col], so A or
// A^T; B is (k, 16 V) with rows ldb apart, C's rows are ldc apart. Each
// lane of acc is one entry of C: loaded (or +0 when from_zero), then
// one _mm512_fmadd_ps per p (a b + c, rounded once, as fmaf), then
// stored: dense_gemm_plain's chain (on a C of +0s when from_zero).
static inline __attribute__((always_inline, target("avx512f"))) void
dense_tile(float *C, int ldc, const float *A, int a_row, int a_col,
           const float *B, int ldb, int k, const int R, const int V,
           __mmask16 last, const bool from_zero)
{
    __m512 acc[4][4];          // [r][v]: row r, columns 16 v .. 16 v + 15
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int v = 0; v < V; v++)
            acc[r][v] = from_zero
                            ? _mm512_setzero_ps()
                            : _mm512_maskz_loadu_ps(
                                  v == V - 1 ? last : 0xFFFF,
                                  C + (size_t)r * ldc + 16 * v);
    for (int p = 0; p < k; p++) {
        __m512 b[4];                      // row p of B, 16 V columns
        const float *a = A + (size_t)p * a_col;
#pragma GCC unroll 4
        for (int v = 0; v < V; v++)
            b[v] = _mm512_maskz_loadu_ps(v == V - 1 ? last : 0xFFFF,
                                         B + (size_t)p * ldb + 16 * v);
#pragma GCC unroll 4
        for (int r = 0; r < R; r++) {
            __m512 ar = _mm512_set1_ps(a[(size_t)r * a_row]);
#pragma GCC unroll 4
            for (int v = 0; v < V; v++)
                acc[r][v] = _mm512_fmadd_ps(ar, b[v], acc[r][v]);
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int v = 0; v < V; v++)
            _mm512_mask_storeu_ps(C + (size_t)r * ldc + 16 * v,
                                  v == V - 1 ? last : 0xFFFF, acc[r][v]);
}

// dense_tile with R rows (1 to 4) and V vectors (1 to 4) known to the
// compiler, so that it unrolls them: V here, R below.
static inline __attribute__((always_inline, target("avx512f"))) void
dense_tile_v(float *C, int ldc, const float *A, int a_row, int a_col,
             const float *B, int ldb, int k, const int R, int V,
             __mmask16 last, const bool from_zero)
{
    switch (V) {
    case 1: dense_tile(C, ldc, A, a_row, a_col, B, ldb, k, R, 1, last,
                       from_zero);
        break;
    case 2: dense_tile(C, ldc, A, a_row, a_col, B, ldb, k, R, 2, last,
                       from_zero);
        break;
    case 3: dense_tile(C, ldc, A, a_row, a_col, B, ldb, k, R, 3, last,
                       from_zero);
        break;
    default: dense_tile(C, ldc, A, a_row, a_col, B, ldb, k, R, 4, last,
                        from_zero);
    }
}

static inline __attribute__((always_inline, target("avx512f"))) void
dense_tile_rv(float *C, int ldc, const float *A, int a_row, int a_col,
              const float *B, int ldb, int k, int R, int V,
              __mmask16 last, const bool from_zero)
{
    switch (R) {
    case 1: dense_tile_v(C, ldc, A, a_row, a_col, B, ldb, k, 1, V, last,
                         from_zero);
        break;
    case 2: dense_tile_v(C, ldc, A, a_row, a_col, B, ldb, k, 2, V, last,
                         from_zero);
        break;
    case 3: dense_tile_v(C, ldc, A, a_row, a_col, B, ldb, k, 3, V, last,
                         from_zero);
        break;
    default: dense_tile_v(C, ldc, A, a_row, a_col, B, ldb, k, 4, V, last,
                          from_zero);
    }
}

// C (m, n) += op(A) B, or C = op(A) B when from_zero, op(A)(i, p) =
// A[i a_row + p a_col], B (k, n) with rows ldb apart, C's rows ldc
// apart: strips of 64 columns (4 vectors, the last masked), 4 rows at
// a time, the rows left over (1 to 3) in one last tile.
__attribute__((target("avx512f")))
static void dense_kernel(float *C, int ldc, const float *A, int a_row,
                         int a_col, const float *B, int ldb, int m, int n,
                         int k, bool from_zero)
{
    for (int j = 0; j < n; j += 64) {
        int width = n - j < 64 ? n - j : 64, V = (width + 15) / 16;
        __mmask16 last = (__mmask16)(0xFFFFu >> (16 * V - width));
        for (int i = 0; i < m; i += 4) {
            int R = m - i < 4 ? m - i : 4;
            float *c = C + (size_t)i * ldc + j;
            const float *a = A + (size_t)i * a_row;
            if (from_zero)
                dense_tile_rv(c, ldc, a, a_row, a_col, B + j, ldb, k, R, V,
                              last, true);
            else
                dense_tile_rv(c, ldc, a, a_row, a_col, B + j, ldb, k, R, V,
                              last, false);
        }
    }
}

// to[p][j] = from[p][j] for p < rows, j < cols (at most 64): a block of
// from, rows ld_from apart, copied into to, rows ld_to apart.
__attribute__((target("avx512f")))
static void copy_block(float *to, int ld_to, const float *from,
                       int ld_from, int rows, int cols)
{
    for (int p = 0; p < rows; p++)
        for (int j = 0; j < cols; j += 16) {
            __mmask16 lanes = (__mmask16)(0xFFFFu >> (cols - j < 16
                                                      ? 16 - (cols - j)
                                                      : 0));
            _mm512_mask_storeu_ps(to + (size_t)p * ld_to + j, lanes,
                                  _mm512_maskz_loadu_ps(
                                      lanes, from + (size_t)p * ld_from
                                                 + j));
        }
}

// to[p][j] = from[j][p] for j < rows, p < cols: a block of from (rows,
// cols), rows ld_from apart, transposed into to (cols, rows), rows
// ld_to apart, 16 x 16 numbers at a time in registers: interleave
// pairs of rows, then fours within each group of 4 lanes, then move
// whole groups of 4 lanes, twice (to must have room for rows rounded
// up to 16 columns).
__attribute__((target("avx512f")))
static void transpose_block(float *to, int ld_to, const float *from,
                            int ld_from, int rows, int cols)
{
    for (int j0 = 0; j0 < rows; j0 += 16)
        for (int p0 = 0; p0 < cols; p0 += 16) {
            int n_p = cols - p0 < 16 ? cols - p0 : 16;
            __mmask16 lanes = (__mmask16)(0xFFFFu >> (16 - n_p));
            __m512 r[16], t[16];          // r[j]: row j0 + j, 16 numbers
#pragma GCC unroll 16
            for (int j = 0; j < 16; j++)
                r[j] = j0 + j < rows
                           ? _mm512_maskz_loadu_ps(
                                 lanes, from + (size_t)(j0 + j) * ld_from
                                            + p0)
                           : _mm512_setzero_ps();
#pragma GCC unroll 8
            for (int j = 0; j < 16; j += 2) {   // in each 4-lane group:
                t[j] = _mm512_unpacklo_ps(r[j], r[j + 1]);     // a0b0a1b1
                t[j + 1] = _mm512_unpackhi_ps(r[j], r[j + 1]); // a2b2a3b3
            }
#pragma GCC unroll 4
            for (int j = 0; j < 16; j += 4) {   // column q of rows j..j+3
                r[j] = _mm512_shuffle_ps(t[j], t[j + 2], 0x44);
                r[j + 1] = _mm512_shuffle_ps(t[j], t[j + 2], 0xEE);
                r[j + 2] = _mm512_shuffle_ps(t[j + 1], t[j + 3], 0x44);
                r[j + 3] = _mm512_shuffle_ps(t[j + 1], t[j + 3], 0xEE);
            }
#pragma GCC unroll 4
            for (int q = 0; q < 4; q++)         // groups of 4 lanes
#pragma GCC unroll 2
                for (int h = 0; h < 2; h++) {
                    t[8 * h + q] = _mm512_shuffle_f32x4(
                        r[8 * h + q], r[8 * h + 4 + q], 0x88);
                    t[8 * h + 4 + q] = _mm512_shuffle_f32x4(
                        r[8 * h + q], r[8 * h + 4 + q], 0xDD);
                }
#pragma GCC unroll 4
            for (int q = 0; q < 4; q++) {       // columns q, 4+q, 8+q, 12+q
                r[q] = _mm512_shuffle_f32x4(t[q], t[8 + q], 0x88);
                r[8 + q] = _mm512_shuffle_f32x4(t[q], t[8 + q], 0xDD);
                r[4 + q] = _mm512_shuffle_f32x4(t[4 + q], t[12 + q], 0x88);
                r[12 + q] = _mm512_shuffle_f32x4(t[4 + q], t[12 + q],
                                                 0xDD);
            }
#pragma GCC unroll 16
            for (int p = 0; p < n_p; p++)       // r[p]: column p0 + p
                _mm512_storeu_ps(to + (size_t)(p0 + p) * ld_to + j0, r[p]);
        }
}

// dense_gemm_plain's product by dense_kernel; with from_zero, its
// product on a C of +0s, whatever C held (C = op(A) op(B), the
// overwrite form). B goes to the kernel a block of up to T_ROWS x
// T_COLS at a time, through `bt` on the stack: transposed when op(B) is
// B^T (dx += dy W^T), so that the kernel finds rows of op(B); copied
// when op(A) has more than SHORT_SIDE rows, so that the block, read once
// per tile of 4 rows, lies in one piece (rows of B a multiple of 4 KB
// apart, as in the second convolution's W^T dout for 16 images, fall in
// the same few sets of the L1 cache and evict one another); else B is
// used in place. Every entry of C is still one chain along p: the
// blocks of p come in order (only the first starts from +0), and
// between two of them the entry waits in C, stored and loaded again
// unchanged.
enum { T_ROWS = 128, T_COLS = 64 };
__attribute__((target("avx512f")))
static void dense_gemm_wide(float *C, const float *A, bool transpose_a,
                            const float *B, bool transpose_b, int m, int n,
                            int k, bool from_zero)
{
    int a_row = transpose_a ? 1 : k, a_col = transpose_a ? m : 1;
    if (!transpose_b && m <= SHORT_SIDE) {
        dense_kernel(C, n, A, a_row, a_col, B, n, m, n, k, from_zero);
        return;
    }
    float bt[T_ROWS * T_COLS];            // (T_ROWS, T_COLS)
    for (int j0 = 0; j0 < n; j0 += T_COLS)
        for (int p0 = 0; p0 < k; p0 += T_ROWS) {
            int width = n - j0 < T_COLS ? n - j0 : T_COLS,   // j
                depth = k - p0 < T_ROWS ? k - p0 : T_ROWS;   // p
            if (transpose_b)
                transpose_block(bt, T_COLS, B + (size_t)j0 * k + p0, k,
                                width, depth);
            else
                copy_block(bt, T_COLS, B + (size_t)p0 * n + j0, n, depth,
                           width);
            dense_kernel(C + j0, n, A + (size_t)p0 * a_col, a_row, a_col,
                         bt, T_COLS, m, width, depth,
                         from_zero && p0 == 0);
        }
}
#endif

// The largest batch the dense net's split by units takes: with the
// kernels, while its products keep a short side; without them,
// MAX_GROUP (as timed in "When not to share", above).
static int units_capacity(void)
{
#if CONV_WIDE
    if (conv_wide())
        return SHORT_SIDE;
#endif
    return MAX_GROUP;
}

// gemm's C = op(A) op(B) + C (add) or C = op(A) op(B), whatever C held
// (!add), for the dense layers' products: dense_gemm_wide where the
// processor has AVX-512 and the product a short side, gemm everywhere
// else (OpenBLAS in the book's build).
static void dense_product(real *C, const real *A, bool transpose_a,
                          const real *B, bool transpose_b, bool add,
                          int m, int n, int k)
{
#if CONV_WIDE
    if (conv_wide() && dense_wide_fits(m, k)) {
        dense_gemm_wide(C, A, transpose_a, B, transpose_b, m, n, k, !add);
        return;
    }
#endif
    gemm(C, 1, A, transpose_a, B, transpose_b, add ? 1 : 0, m, n, k);
}

// C += op(A) op(B): the dense layers' forward and backward.
static void dense_gemm(real *C, const real *A, bool transpose_a,
                       const real *B, bool transpose_b, int m, int n,
                       int k)
{
    dense_product(C, A, transpose_a, B, transpose_b, true, m, n, k);
}

// C = op(A) op(B): the second convolution's input gradient (dcols is
// scratch) and the dense net's split by units (which writes).
static void dense_gemm_set(real *C, const real *A, bool transpose_a,
                           const real *B, bool transpose_b, int m, int n,
                           int k)
{
    dense_product(C, A, transpose_a, B, transpose_b, false, m, n, k);
}

// The backward pass of conv_forward_direct, as conv_backward_loops:
// db[o] += the sum of plane o of dout (row_sums); dW[o][ch][u][v] +=
// the dot product of plane o of dout with plane ch of in shifted by
// (u, v), by weight_grad_wide where the processor has AVX-512, else by
// weight_grad_plain. One loop walks the whole plane of dout, LANES
// numbers a step, with the partial sums in registers; the position
// (y, x) it has reached moves the input's pointer along. If wanted,
// din[ch][.][y + u][x + v] += W[o][ch][u][v] dout[o][.][y][x], a row at
// a time.
NN_CLONES_AVX2
static void conv_backward_direct(real *din, real *dW, real *db,
                                 const real *dout, const real *in,
                                 const real *W, int n, int h, int w,
                                 int c, int k, int f)
{
    int oh = h - k + 1, ow = w - k + 1, taps = c * k * k;
    size_t plane = (size_t)n * oh * ow;        // one filter's outputs
    if (!direct_fits(oh, ow, f)) {
        conv_backward_loops(din, dW, db, dout, in, W, n, h, w, c, k, f);
        return;
    }
    row_sums(db, dout, f, plane);
#if CONV_WIDE
    if (conv_wide())
        weight_grad_wide(dW, dout, in, n, h, w, c, k, f);
    else
#endif
        weight_grad_plain(dW, dout, in, n, h, w, c, k, f);
    if (!din)
        return;
    for (int o = 0; o < f; o++)
        for (int t = 0; t < taps; t++) {
            int ch = t / (k * k), u = t / k % k, v = t % k;
            real wt = W[(size_t)o * taps + t];
            for (int i = 0; i < n; i++)
                for (int y = 0; y < oh; y++) {
                    const real *g = dout + (((size_t)o * n + i) * oh + y)
                                           * ow;
                    real *dst = din + (((size_t)ch * n + i) * h + y + u)
                                      * w + v;
                    for (int x = 0; x < ow; x++)
                        dst[x] += wt * g[x];
                }
        }
}

/**
Then the comparisons that `--time-conv` runs, each kernel against its
plain loop, bit for bit, and the timings it prints.
*/

// The AVX-512 kernels against the plain loops on the shape of
// convolution L, for n images of random numbers: whether they give the
// same bits (the output of conv_forward_wide against
// conv_forward_plain's, the weight gradient weight_grad_wide adds onto
// a random one against weight_grad_plain's), and each one's rate on one
// thread, the best of `repeats` calls: rate[0] forward plain, [1] wide,
// [2] weight gradient plain, [3] wide, in GFLOP/s. Returns 1 for the
// same bits, 0 for not, -1 when this program or processor has no
// AVX-512 (then only the plain loops run).
static int conv_wide_compare(double rate[4], const layer *L, int n,
                             int repeats, rng *r)
{
    if (!conv_wide())
        return -1;
    int same = 1;
#if CONV_WIDE
    int h = L->h, w = L->w, c = L->c, k = L->kernel, f = L->oc;
    size_t n_in = (size_t)c * n * h * w,
           n_out = (size_t)f * n * L->oh * L->ow,
           n_w = (size_t)f * c * k * k;
    float *in = nn_alloc(n_in, sizeof(float));        // (c, n, h, w)
    float *W = nn_alloc(n_w, sizeof(float));          // (f, c, k, k)
    float *b = nn_alloc((size_t)f, sizeof(float));    // (f)
    float *dout = nn_alloc(n_out, sizeof(float));     // (f, n, oh, ow)
    float *out[2], *dW[2];                // [0] plain, [1] wide
    for (int e = 0; e < 2; e++) {
        out[e] = nn_alloc(n_out, sizeof(float));      // (f, n, oh, ow)
        dW[e] = nn_alloc(n_w, sizeof(float));         // (f, c, k, k)
    }
    for (size_t i = 0; i < n_in; i++)
        in[i] = (float)rng_uniform(r, -1, 1);
    for (size_t i = 0; i < n_w; i++)
        W[i] = (float)rng_uniform(r, -1, 1);
    for (int o = 0; o < f; o++)
        b[o] = (float)rng_uniform(r, -1, 1);
    for (size_t i = 0; i < n_out; i++)
        dout[i] = (float)rng_uniform(r, -1, 1);
    for (size_t i = 0; i < n_w; i++)
        dW[0][i] = dW[1][i] = (float)rng_uniform(r, -1, 1);
    conv_forward_plain(out[0], in, W, b, n, h, w, c, k, f);
    conv_forward_wide(out[1], in, W, b, n, h, w, c, k, f);
    weight_grad_plain(dW[0], dout, in, n, h, w, c, k, f);
    weight_grad_wide(dW[1], dout, in, n, h, w, c, k, f);
    same = memcmp(out[0], out[1], n_out * sizeof(float)) == 0
           && memcmp(dW[0], dW[1], n_w * sizeof(float)) == 0;
    double best[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
    for (int rep = 0; rep < repeats; rep++) {  // (dW grows; no matter)
        double t[5];
        t[0] = nn_seconds();
        conv_forward_plain(out[0], in, W, b, n, h, w, c, k, f);
        t[1] = nn_seconds();
        conv_forward_wide(out[1], in, W, b, n, h, w, c, k, f);
        t[2] = nn_seconds();
        weight_grad_plain(dW[0], dout, in, n, h, w, c, k, f);
        t[3] = nn_seconds();
        weight_grad_wide(dW[1], dout, in, n, h, w, c, k, f);
        t[4] = nn_seconds();
        for (int e = 0; e < 4; e++)
            best[e] = fmin(best[e], t[e + 1] - t[e]);
    }
    double flops = 2.0 * n_out * c * k * k;   // either pass, n images
    for (int e = 0; e < 4; e++)
        rate[e] = flops / best[e] / 1e9;
    for (int e = 0; e < 2; e++)
        free(out[e]), free(dW[e]);
    free(in), free(W), free(b), free(dout);
#else
    (void)rate, (void)L, (void)n, (void)repeats, (void)r;
#endif
    return same;
}

#if CONV_WIDE
// A random number in [-1, 1) for col2im_wide_compare, but one time in
// four an exact zero, +0 or -0 (so that a -0 turned into +0 shows).
static float random_or_zero(rng *r)
{
    switch (rng_interval(r, 7)) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    default: return (float)rng_uniform(r, -1, 1);
    }
}
#endif

// col2im_wide against col2im for n images of shape (c, h, w) and a
// k x k kernel, on random numbers with zeros of both signs in din and
// dcols: whether din comes out with the same bits, and each one's rate
// on one thread, the best of `repeats` calls: rate[0] col2im, [1]
// col2im_wide, in GFLOP/s (one addition per number of dcols). Returns
// 1 for the same bits, 0 for not, -1 when this program or processor
// has no AVX-512 (then nothing runs).
static int col2im_wide_compare(double rate[2], int n, int h, int w,
                               int c, int k, int repeats, rng *r)
{
    if (!conv_wide())
        return -1;
    int same = 1;
#if CONV_WIDE
    if (!col2im_wide_fits(h, w))
        return -1;
    size_t n_in = (size_t)c * n * h * w,
           n_cols = (size_t)c * k * k * n * (h - k + 1) * (w - k + 1);
    float *dcols = nn_alloc(n_cols, sizeof(float)); // (c k k, n oh ow)
    float *din[2];                                  // [0] plain, [1] wide
    for (int e = 0; e < 2; e++)
        din[e] = nn_alloc(n_in, sizeof(float));     // (c, n, h, w)
    for (size_t i = 0; i < n_cols; i++)
        dcols[i] = random_or_zero(r);
    for (size_t i = 0; i < n_in; i++)
        din[0][i] = din[1][i] = random_or_zero(r);
    col2im(din[0], dcols, n, h, w, c, k);
    col2im_wide(din[1], dcols, n, h, w, c, k);
    same = memcmp(din[0], din[1], n_in * sizeof(float)) == 0;
    double best[2] = {INFINITY, INFINITY};
    for (int rep = 0; rep < repeats; rep++) {   // (din grows; no matter)
        double t[3];
        t[0] = nn_seconds();
        col2im(din[0], dcols, n, h, w, c, k);
        t[1] = nn_seconds();
        col2im_wide(din[1], dcols, n, h, w, c, k);
        t[2] = nn_seconds();
        for (int e = 0; e < 2; e++)
            best[e] = fmin(best[e], t[e + 1] - t[e]);
    }
    for (int e = 0; e < 2; e++)
        rate[e] = (double)n_cols / best[e] / 1e9;
    for (int e = 0; e < 2; e++)
        free(din[e]);
    free(dcols);
#else
    (void)rate, (void)n, (void)h, (void)w, (void)c, (void)k,
        (void)repeats, (void)r;
#endif
    return same;
}

// A dense layer's three products on random numbers, zeros of both
// signs among them, for n images, n_in inputs and n_out outputs: y +=
// x W, dW += x^T dy and dx += dy W^T, each onto a random C, by
// dense_gemm_plain and by dense_gemm_wide. Returns 1 if all three come
// out with the same bits, 0 if not, -1 when this program or processor
// has no AVX-512 (then nothing runs). With repeats > 0, also each way's
// rate on one thread for the three products, the best of `repeats`:
// rate[0] gemm (OpenBLAS), [1] plain, [2] AVX-512, in GFLOP/s.
static int dense_wide_compare(double rate[3], int n, int n_in, int n_out,
                              int repeats, rng *r)
{
    if (!conv_wide())
        return -1;
    int same = 1;
#if CONV_WIDE
    size_t sizes[] = {
        (size_t)n * n_in, (size_t)n_in * n_out, (size_t)n * n_out,
    };                                    // x and dx, W and dW, y and dy
    float *x = nn_alloc(sizes[0], sizeof(float));     // (n, n_in)
    float *W = nn_alloc(sizes[1], sizeof(float));     // (n_in, n_out)
    float *dy = nn_alloc(sizes[2], sizeof(float));    // (n, n_out)
    float *out[3][3];          // [way][product]: y (n, n_out), dW
    for (int e = 0; e < 3; e++)    // (n_in, n_out), dx (n, n_in)
        for (int q = 0; q < 3; q++)
            out[e][q] = nn_alloc(sizes[2 - q], sizeof(float));
    for (size_t i = 0; i < sizes[0]; i++)
        x[i] = random_or_zero(r);
    for (size_t i = 0; i < sizes[1]; i++)
        W[i] = random_or_zero(r);
    for (size_t i = 0; i < sizes[2]; i++)
        dy[i] = random_or_zero(r);
    for (int q = 0; q < 3; q++)
        for (size_t i = 0; i < sizes[2 - q]; i++)
            out[0][q][i] = out[1][q][i] = out[2][q][i] = random_or_zero(r);
    double best[3] = {INFINITY, INFINITY, INFINITY};
    for (int rep = -1; rep < repeats; rep++) {  // -1: the comparison
        for (int e = rep < 0 ? 1 : 0; e < 3; e++) {
            float **C = out[e];         // (C grows; no matter)
            double t0 = nn_seconds();
            switch (e) {
            case 0:
                gemm(C[0], 1, x, false, W, false, 1, n, n_out, n_in);
                gemm(C[1], 1, x, true, dy, false, 1, n_in, n_out, n);
                gemm(C[2], 1, dy, false, W, true, 1, n, n_in, n_out);
                break;
            case 1:
                dense_gemm_plain(C[0], x, false, W, false, n, n_out, n_in);
                dense_gemm_plain(C[1], x, true, dy, false, n_in, n_out, n);
                dense_gemm_plain(C[2], dy, false, W, true, n, n_in, n_out);
                break;
            default:
                dense_gemm_wide(C[0], x, false, W, false, n, n_out, n_in,
                                false);
                dense_gemm_wide(C[1], x, true, dy, false, n_in, n_out, n,
                                false);
                dense_gemm_wide(C[2], dy, false, W, true, n, n_in, n_out,
                                false);
            }
            best[e] = fmin(best[e], nn_seconds() - t0);
        }
        for (int q = 0; q < 3 && rep < 0; q++)
            same = same && memcmp(out[1][q], out[2][q],
                                  sizes[2 - q] * sizeof(float)) == 0;
    }
    for (int e = 0; e < 3; e++)
        rate[e] = 6.0 * n * n_in * n_out / best[e] / 1e9;
    for (int e = 0; e < 3; e++)
        for (int q = 0; q < 3; q++)
            free(out[e][q]);
    free(x), free(W), free(dy);
#else
    (void)rate, (void)n, (void)n_in, (void)n_out, (void)repeats, (void)r;
#endif
    return same;
}

// The overwrite form, C = op(A) op(B), on random numbers, zeros of both
// signs among them: dense_gemm_wide's with from_zero, onto a C of
// random numbers, against dense_gemm_plain's onto a C of +0s. Returns 1
// for the same bits, 0 for not, -1 when this program or processor has
// no AVX-512 (then nothing runs). With repeats > 0, also each way's rate
// on one thread, the best of `repeats`: rate[0] gemm (OpenBLAS, beta
// 0), [1] AVX-512, in GFLOP/s.
static int dense_set_compare(double rate[2], int m, int n, int k,
                             bool transpose_a, bool transpose_b,
                             int repeats, rng *r)
{
    if (!conv_wide())
        return -1;
    int same = 1;
#if CONV_WIDE
    size_t n_a = (size_t)m * k, n_b = (size_t)k * n, n_c = (size_t)m * n;
    float *A = nn_alloc(n_a, sizeof(float));  // (m, k), or (k, m)
    float *B = nn_alloc(n_b, sizeof(float));  // (k, n), or (n, k)
    float *C[2];                              // (m, n): [0] plain, [1] wide
    for (int e = 0; e < 2; e++)
        C[e] = nn_alloc(n_c, sizeof(float));
    for (size_t i = 0; i < n_a; i++)
        A[i] = random_or_zero(r);
    for (size_t i = 0; i < n_b; i++)
        B[i] = random_or_zero(r);
    for (size_t i = 0; i < n_c; i++) {
        C[0][i] = 0.0f;
        C[1][i] = random_or_zero(r);      // to be overwritten
    }
    dense_gemm_plain(C[0], A, transpose_a, B, transpose_b, m, n, k);
    dense_gemm_wide(C[1], A, transpose_a, B, transpose_b, m, n, k, true);
    same = memcmp(C[0], C[1], n_c * sizeof(float)) == 0;
    double best[2] = {INFINITY, INFINITY};
    for (int rep = 0; rep < repeats; rep++) {
        double t[3];
        t[0] = nn_seconds();
        gemm(C[0], 1, A, transpose_a, B, transpose_b, 0, m, n, k);
        t[1] = nn_seconds();
        dense_gemm_wide(C[1], A, transpose_a, B, transpose_b, m, n, k,
                        true);
        t[2] = nn_seconds();
        for (int e = 0; e < 2; e++)
            best[e] = fmin(best[e], t[e + 1] - t[e]);
    }
    for (int e = 0; e < 2; e++)
        rate[e] = 2.0 * m * n * k / best[e] / 1e9;
    for (int e = 0; e < 2; e++)
        free(C[e]);
    free(A), free(B);
#else
    (void)rate, (void)m, (void)n, (void)k, (void)transpose_a,
        (void)transpose_b, (void)repeats, (void)r;
#endif
    return same;
}

_Static_assert(POOL_SIDE == 2, "relu_pool_* pool 2x2 blocks");

// relu_forward then avgpool_forward, in one pass over two rows of a
// plane at a time: the ReLU's two rows, then their 2x2 means. The sums
// are added in avgpool_forward's order, so the bits are the same.
// (`restrict` promises the compiler that the arrays do not overlap, so
// that it need not check before using vector instructions.)
NN_CLONES_AVX2
static void relu_pool_forward(real *restrict p, real *restrict y,
                              const real *restrict x, int planes, int h,
                              int w)
{
    int oh = h / POOL_SIDE, ow = w / POOL_SIDE;
    real share = (real)1 / (POOL_SIDE * POOL_SIDE);
    for (int q = 0; q < planes; q++)
        for (int r = 0; r < oh; r++) {
            size_t at = ((size_t)q * h + POOL_SIDE * r) * w;
            const real *x0 = x + at, *x1 = x0 + w;
            real *y0 = y + at, *y1 = y0 + w;
            real *pr = p + ((size_t)q * oh + r) * ow;
            for (int j = 0; j < w; j++) {
                y0[j] = x0[j] > 0 ? x0[j] : 0;
                y1[j] = x1[j] > 0 ? x1[j] : 0;
            }
            for (int j = 0; j < ow; j++)
                pr[j] = share * (y0[2 * j] + y0[2 * j + 1] + y1[2 * j]
                                 + y1[2 * j + 1]);
        }
}

// avgpool_backward then relu_backward, in one pass: dx[2 r + a][2 j + b]
// += dp[r][j] / 4 where y > 0, without the gradient of the ReLU's
// output in between. dx, y are (planes, h, w), dp (planes, h/2, w/2).
NN_CLONES_AVX2
static void relu_pool_backward(real *restrict dx,
                               const real *restrict dp,
                               const real *restrict y, int planes, int h,
                               int w)
{
    int oh = h / POOL_SIDE, ow = w / POOL_SIDE;
    real share = (real)1 / (POOL_SIDE * POOL_SIDE);
    for (int q = 0; q < planes; q++)
        for (int r = 0; r < oh; r++) {
            size_t at = ((size_t)q * h + POOL_SIDE * r) * w;
            const real *y0 = y + at, *y1 = y0 + w;
            real *dx0 = dx + at, *dx1 = dx0 + w;
            const real *dpr = dp + ((size_t)q * oh + r) * ow;
            for (int j = 0; j < ow; j++) {
                real g = share * dpr[j];
                dx0[2 * j] += y0[2 * j] > 0 ? g : 0;
                dx0[2 * j + 1] += y0[2 * j + 1] > 0 ? g : 0;
                dx1[2 * j] += y1[2 * j] > 0 ? g : 0;
                dx1[2 * j + 1] += y1[2 * j + 1] > 0 ? g : 0;
            }
        }
}

static int measure_peak(int threads, bool quick)
{
    int n = quick ? 256 : 2048;
    real *a = nn_alloc((size_t)n * n, sizeof(real));
    real *b = nn_alloc((size_t)n * n, sizeof(real));
    real *c = nn_alloc((size_t)n * n, sizeof(real));
    for (size_t i = 0; i < (size_t)n * n; i++)
        a[i] = (real)(i % 7) / 7, b[i] = (real)(i % 5) / 5;
    mat_blas_threads(threads);
    gemm(c, 1, a, false, b, false, 0, n, n, n);        // warm up
    int reps = 0;
    double start = nn_seconds(), seconds;
    do {
        gemm(c, 1, a, false, b, false, 0, n, n, n);
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

// The last convolution's bias for one group of images, both ways:
// with a row of ones (rank-1 products), and with set_plane_bias and
// row_sums. Prints the best of many repeats.
static void time_bias(const model *lenet)
{
    const layer *L = NULL;                      // the last convolution
    for (int l = 0; l < lenet->n_layers; l++)
        if (lenet->layers[l].kind == CONV)
            L = &lenet->layers[l];
    if (!L)
        return;
    int f = L->oc, pixels = group_size(lenet) * L->oh * L->ow;
    real *out = nn_alloc((size_t)f * pixels, sizeof(real));
    real *ones = nn_alloc((size_t)pixels, sizeof(real));
    real *b = nn_alloc((size_t)f, sizeof(real));
    real *db = nn_alloc((size_t)f, sizeof(real));
    for (int p = 0; p < pixels; p++)
        ones[p] = 1;
    double best[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
    for (int rep = 0; rep < 2000; rep++)
        for (int way = 0; way < 4; way++) {
            double t0 = nn_seconds();
            switch (way) {
            case 0: gemm(out, 1, b, false, ones, false, 1, f, pixels, 1);
                break;
            case 1: set_plane_bias(out, b, f, (size_t)pixels); break;
            case 2: gemm(db, 1, out, false, ones, true, 1, f, 1, pixels);
                break;
            case 3: row_sums(db, out, f, (size_t)pixels); break;
            }
            best[way] = fmin(best[way], nn_seconds() - t0);
        }
    fprintf(stderr, "time-conv: bias of %d x %d outputs: ones-row product "
            "%.2f us, loop %.2f us\n", f, pixels, best[0] * 1e6,
            best[1] * 1e6);
    fprintf(stderr, "time-conv: its gradient: ones-row product %.2f us, "
            "row_sums %.2f us\n", best[2] * 1e6, best[3] * 1e6);
    free(out), free(ones), free(b), free(db);
}

// --time-conv's verdict on a comparison of kernels (same: 1 for the
// same bits, 0 for not, -1 when the kernels do not run here):
// "WHAT: same bits" or "WHAT: DIFFERENT bits", or the line ELSEWHERE.
static void say_same_bits(int same, const char *what,
                          const char *elsewhere)
{
    if (same < 0)
        fprintf(stderr, "time-conv: %s\n", elsewhere);
    else
        fprintf(stderr, "time-conv: %s: %s\n", what,
                same ? "same bits" : "DIFFERENT bits");
}

static void time_conv(const digits *d, const model *lenet)
{
    enum { N = 256 };
    static const struct {
        conv_way way;
        const char *name;
    } ways[] = {
        {CONV_LOOPS, "six loops"},
        {CONV_IM2COL, "im2col + gemm"},
        {CONV_BY_SHAPE, "direct (default)"},
    };
    int rows[N], n = d->n_train < N ? d->n_train : N;
    for (int i = 0; i < n; i++)
        rows[i] = i;
    double first = 0;
    fprintf(stderr, "time-conv: LeNet-5 forward and backward, a batch of "
            "%d images, one thread:\n", n);
    for (size_t t = 0; t < sizeof ways / sizeof ways[0]; t++) {
        model m = *lenet;
        model_set_conv(&m, ways[t].way);
        real *params = nn_alloc(m.n_params, sizeof(real));
        rng r;
        rng_seed(&r, 0);
        model_init(&m, params, &r);
        worker one;
        team_alloc(&one, 1, &m, params);
        double start = nn_seconds(), best = INFINITY;
        for (int reps = 0; reps < 3 || nn_seconds() - start < 0.5;
             reps++) {                        // the best of the repeats
            double t0 = nn_seconds();
            run_workers(&one, 1, d->train_x, d->train_y, rows, n, true,
                        NULL);
            best = fmin(best, nn_seconds() - t0);
        }
        double per_image = best / n;
        if (t == 0)
            first = per_image;
        fprintf(stderr, "time-conv: %-30s %7.1f us per image %5.1fx, "
                "%5.1f GFLOP/s\n", ways[t].name, per_image * 1e6,
                first / per_image, m.flops_per_image / per_image / 1e9);
        team_free(&one, 1);
        free(params);
    }
    time_bias(lenet);
    int same = -1;                    // the AVX-512 kernels' bits, if any
    int same_col2im = -1;             // and col2im_wide's
    rng r;
    rng_seed(&r, 0);
    for (int l = 0; l < lenet->n_layers; l++) {
        const layer *L = &lenet->layers[l];
        double rate[4];
        int n = group_size(lenet);
        if (L->kind != CONV || !direct_fits(L->oh, L->ow, L->oc))
            continue;
        int result = conv_wide_compare(rate, L, n, 20, &r);
        for (int pass = 0; pass < 2 && result >= 0; pass++)
            fprintf(stderr, "time-conv: conv %d@%dx%d, %s, %d images: plain "
                    "%5.1f GFLOP/s, AVX-512 %5.1f\n", L->oc, L->kernel,
                    L->kernel, pass ? "weight gradient" : "forward", n,
                    rate[2 * pass], rate[2 * pass + 1]);
        same = same == 0 ? 0 : result;
        if (l == 0)                  // no input gradient in training
            continue;
        result = col2im_wide_compare(rate, n, L->h, L->w, L->c, L->kernel,
                                     20, &r);
        if (result >= 0)
            fprintf(stderr, "time-conv: conv %d@%dx%d, input gradient's "
                    "col2im, %d images: plain %5.1f GFLOP/s, AVX-512 "
                    "%5.1f\n", L->oc, L->kernel, L->kernel, n, rate[0],
                    rate[1]);
        same_col2im = same_col2im == 0 ? 0 : result;
    }
    // And on an awkward shape: 7 filters (a last block that overlaps),
    // 9 rows (a last block of rows that overlaps), 27 taps (pairs left
    // over, and an odd tap).
    const layer odd = {.kind = CONV, .kernel = 3, .h = 11, .w = 10, .c = 3,
                       .oh = 9, .ow = 8, .oc = 7};
    double rate[4];
    if (same == 1 && conv_wide_compare(rate, &odd, 3, 0, &r) != 1)
        same = 0;
    say_same_bits(same, "direct convolution, AVX-512 and plain loops",
                  "direct convolution: plain loops only, no AVX-512 "
                  "kernels here");
    // col2im_wide on awkward shapes too: rows of 13, 16 and 9
    // numbers, odd numbers of rows, blocks of 2 and of COL_IMAGES
    // images with a last block that overlaps, and a single image.
    static const int shapes[][5] = {    // n, h, w, c, k
        {3, 9, 13, 7, 3}, {7, 11, 16, 2, 5}, {1, 7, 9, 3, 5},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        if (same_col2im == 1
            && col2im_wide_compare(rate, shapes[s][0], shapes[s][1],
                                   shapes[s][2], shapes[s][3],
                                   shapes[s][4], 0, &r) != 1)
            same_col2im = 0;
    say_same_bits(same_col2im, "col2im, AVX-512 and plain loop",
                  "col2im: plain loop only, no AVX-512 kernel here");
    // The dense layers' products (dense_gemm_wide): LeNet-5's three
    // layers for a group of images, as training calls them, and for
    // 16 (a slice of a batch of 32 on two threads), the first layer
    // timed; then awkward shapes: one image, 3, 17 and 32, widths that
    // are no multiple of 16, and an inner dimension of 300, more than
    // one transposed block (T_ROWS).
    int same_dense = -1;
    for (int l = 0, timed = 0; l < lenet->n_layers; l++) {
        const layer *L = &lenet->layers[l];
        int n = group_size(lenet);
        if (L->kind != DENSE)
            continue;
        int result = dense_wide_compare(rate, n, L->c, L->oc,
                                        timed ? 0 : 200, &r);
        if (result >= 0 && !timed)
            fprintf(stderr, "time-conv: dense %d->%d, its three products, "
                    "%d images: OpenBLAS %5.1f GFLOP/s, plain %5.1f, "
                    "AVX-512 %5.1f\n", L->c, L->oc, n, rate[0], rate[1],
                    rate[2]);
        timed = 1;
        same_dense = same_dense == 0 ? 0 : result;
        if (same_dense == 1
            && dense_wide_compare(rate, 16, L->c, L->oc, 0, &r) != 1)
            same_dense = 0;
    }
    static const int dense_shapes[][3] = {       // n, n_in, n_out
        {1, 7, 5}, {3, 50, 17}, {17, 129, 300}, {32, 70, 33},
    };
    for (size_t s = 0; s < sizeof dense_shapes / sizeof dense_shapes[0];
         s++)
        if (same_dense == 1
            && dense_wide_compare(rate, dense_shapes[s][0],
                                  dense_shapes[s][1], dense_shapes[s][2], 0,
                                  &r) != 1)
            same_dense = 0;
    // Their overwrite form (dense_gemm_set), which the second
    // convolution's input gradient W^T dout uses: that product for a
    // group of images, timed, and for 16; then awkward shapes: rows left
    // over from the tiles (7, 13, 151), widths that are no multiple of
    // 16, an inner dimension of 1, and B transposed with an inner
    // dimension of 300, more than one transposed block.
    for (int l = 0, timed = 0; l < lenet->n_layers; l++) {
        const layer *L = &lenet->layers[l];
        int taps = L->c * L->kernel * L->kernel, pixels = L->oh * L->ow;
        int n = group_size(lenet);
        if (L->kind != CONV || l == 0)    // no input gradient in training
            continue;
        int result = dense_set_compare(rate, taps, n * pixels, L->oc, true,
                                       false, timed ? 0 : 200, &r);
        if (result >= 0 && !timed)
            fprintf(stderr, "time-conv: conv %d@%dx%d, input gradient's "
                    "product, %d images: OpenBLAS %5.1f GFLOP/s, AVX-512 "
                    "%5.1f\n", L->oc, L->kernel, L->kernel, n, rate[0],
                    rate[1]);
        timed = 1;
        same_dense = same_dense == 0 ? 0 : result;
        if (same_dense == 1
            && dense_set_compare(rate, taps, 16 * pixels, L->oc, true,
                                 false, 0, &r) != 1)
            same_dense = 0;
    }
    static const int set_shapes[][5] = {    // m, n, k, transposes
        {7, 37, 5, 1, 0}, {13, 100, 1, 0, 0}, {151, 70, 16, 1, 0},
        {9, 83, 300, 0, 1}, {6, 16, 3, 1, 1},
    };
    for (size_t s = 0; s < sizeof set_shapes / sizeof set_shapes[0]; s++)
        if (same_dense == 1
            && dense_set_compare(rate, set_shapes[s][0], set_shapes[s][1],
                                 set_shapes[s][2], set_shapes[s][3],
                                 set_shapes[s][4], 0, &r) != 1)
            same_dense = 0;
    say_same_bits(same_dense, "dense products, AVX-512 and plain loop",
                  "dense products: OpenBLAS, no AVX-512 kernel here");
    enum { SIDE = 1024 };                 // and a large product, 1 thread
    real *a = nn_alloc((size_t)SIDE * SIDE, sizeof(real));
    real *b = nn_alloc((size_t)SIDE * SIDE, sizeof(real));
    real *c = nn_alloc((size_t)SIDE * SIDE, sizeof(real));
    gemm(c, 1, a, false, b, false, 0, SIDE, SIDE, SIDE);    // warm up
    double start = nn_seconds();
    gemm(c, 1, a, false, b, false, 0, SIDE, SIDE, SIDE);
    double seconds = nn_seconds() - start;
    fprintf(stderr, "time-conv: for comparison, a %dx%d matrix product: "
            "%5.1f GFLOP/s\n", SIDE, SIDE,
            2.0 * SIDE * SIDE * SIDE / seconds / 1e9);
    free(a), free(b), free(c);
}

/**
## The summary

Each network is introduced by a summary like Keras's `model.summary()`:
each layer, its output shape and its number of parameters. The
pipeline figure below names the layers the same way.
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
## The figures

Five figures come out of a run. The pipeline is drawn from the model's
own table, with the shape of every tensor a layer hands on. The
training curves put every run side by side. For LeNet-5, the six
filters of the first layer are drawn as $5 \times 5$ images (red for
positive weights, blue for negative), each above the *feature map* it
makes from one test digit, after the ReLU: the map is bright where the
filter found its pattern. The confusion matrix counts, for every label
(row), which answer the network gave (column); its diagonal is the
correct answers, and its colours are on a log scale so that the rare
confusions show. Last, test images the network got wrong, each with
its answer and, in brackets, the label. The last two follow chapter 8's
convention, so the two chapters' pictures can be laid side by side.
*/

// The network as a Graphviz pipeline, top to bottom: each layer a box
// (a ReLU joins the layer before it), each arrow the shape of the tensor
// it carries.
static void draw_network(plotter *pl, const model *m)
{
    FILE *dot = plot_diagram_begin(pl, "network");
    if (!dot)
        return;
    fprintf(dot, "digraph %s {\n  graph [fontname=\"DejaVu Sans\", "
            "fontsize=11, rankdir=TB, nodesep=0.25, ranksep=0.22];\n"
            "  node [fontname=\"DejaVu Sans\", fontsize=11, shape=box, "
            "style=\"rounded,filled\", fillcolor=\"#e8eef7\", "
            "color=\"#4a6fa5\", height=0.3];\n  edge [color=\"#666666\", "
            "arrowsize=0.6, fontname=\"DejaVu Sans\", fontsize=9];\n",
            m->name);
    fprintf(dot, "  n0 [label=\"image\", shape=plaintext, "
            "style=\"\"];\n");
    char shape[32], name[32];
    int node = 0;
    snprintf(shape, sizeof shape, "%dx%dx%d", m->h, m->w, m->c);
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        layer_name(name, sizeof name, L);
        bool relu_next = l + 1 < m->n_layers
                         && m->layers[l + 1].kind == RELU;
        fprintf(dot, "  n%d [label=\"%s%s\"];\n  n%d -> n%d "
                "[label=\" %s\"];\n", node + 1, name,
                relu_next ? ", relu" : "", node, node + 1, shape);
        node++;
        l += relu_next;                   // the ReLU is drawn with it
        if (L->oh == 1 && L->ow == 1)
            snprintf(shape, sizeof shape, "%d", L->oc);
        else
            snprintf(shape, sizeof shape, "%dx%dx%d", L->oh, L->ow,
                     L->oc);
    }
    fprintf(dot, "  n%d [label=\"softmax\"];\n  n%d -> n%d "
            "[label=\" %s\"];\n", node + 1, node, node + 1, shape);
    fprintf(dot, "}\n");
    plot_diagram_end(pl, dot);
}

static bool is_keras(const run *R)
{
    return strcmp(R->rc.name, "keras") == 0;
}

// Both panels into p: the training loss on a log scale, and the test
// accuracy zoomed to where the runs end (the last epochs of every run
// in view, the early ones entering from below).
static void draw_curves(plot *p, const run *runs, int n_runs)
{
    double low = 1;
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
        if (n > 0)
            low = fmin(low, runs[r].test_acc[n - 1]);
    }
    low = floor(100 * low - 2) / 100;          // a margin below the ends
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
            plot_cmd(p, "set yrange [%g:1]", low < 0 ? 0 : low);
            plot_cmd(p, "unset key");
        }
        char cmd[2048] = "plot ";
        for (int r = 0; r < n_runs; r++) {
            const run *R = &runs[r];
            bool lenet = strcmp(R->m.name, "lenet5") == 0;
            char one[256];
            snprintf(one, sizeof one, "%s$run%d using 1:%d with lines "
                     "lw 2 lc %d dt %d title '%s, %s'", r ? ", " : "", r,
                     panel == 0 ? 2 : 4, lenet ? 7 : 6,
                     is_keras(R) ? 2 : 1, lenet ? "LeNet-5" : "dense",
                     is_keras(R) ? "Keras recipe" : "our recipe");
            strncat(cmd, one, sizeof cmd - strlen(cmd) - 1);
        }
        plot_cmd(p, "%s", cmd);
    }
    plot_cmd(p, "unset multiplot");
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
    const layer *conv = &m->layers[0], *relu = &m->layers[1];
    if (conv->kind != CONV || relu->kind != RELU)
        return;
    plot *p = plot_begin(pl, "filters", 7.5, 2.5);
    if (!p)
        return;
    int row = 0;                          // the first test 7, if any
    while (row < d->n_test - 1 && d->test_y[row] != 7)
        row++;
    real *acts = nn_alloc(m->acts_per_image, sizeof *acts);
    forward_one(m, R->params, d->test_x + (size_t)row * m->n_inputs,
                acts);
    int k = conv->kernel, f = conv->oc, side = relu->oh;
    size_t pixels = m->n_inputs, taps = (size_t)k * k;
    size_t area = (size_t)relu->oh * relu->ow;
    double *digit = nn_alloc(pixels, sizeof *digit);
    double *filter = nn_alloc(taps, sizeof *filter);
    double *map = nn_alloc(area, sizeof *map);
    for (size_t i = 0; i < pixels; i++)
        digit[i] = d->test_x[(size_t)row * pixels + i] / 255.0;
    plot_image(p, "$digit", digit, m->w, m->h);
    plot_ascii_image(p, "a test digit", digit, m->h, m->w, 0, 1);
    double reach = 0;                     // one colour scale for all
    for (size_t i = 0; i < taps * f; i++)
        reach = fmax(reach, fabs((double)R->params[conv->weights + i]));
    for (int o = 0; o < f; o++) {
        char name[32];
        for (size_t i = 0; i < taps; i++)
            filter[i] = R->params[conv->weights + o * taps + i];
        snprintf(name, sizeof name, "$filter%d", o);
        plot_image(p, name, filter, k, k);
        double top = 1e-9;
        for (size_t i = 0; i < area; i++) {
            map[i] = acts[relu->out + o * area + i];
            top = fmax(top, map[i]);
        }
        snprintf(name, sizeof name, "$map%d", o);
        plot_image(p, name, map, relu->ow, side);
        if (o == 0)
            plot_ascii_image(p, "feature map 1 (after ReLU)", map, side,
                             relu->ow, 0, top);
    }
    free(acts), free(digit), free(filter), free(map);
    plot_cmd(p, "set multiplot layout 2,%d margins 0.01,0.99,0.02,0.86 "
             "spacing 0.01,0.16", f + 1);
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

// counts[label][answer] as a 10 x 10 picture on a log scale with a key,
// the counts written in (chapter 8's convention).
static void draw_confusion(plotter *pl, const run *R, const digits *d)
{
    plot *p = plot_begin(pl, "confusion", 5, 4.6);
    if (!p)
        return;
    enum { K = N_CLASSES };
    double count[K * K] = {0};
    int most = 1;
    for (int i = 0; i < d->n_test; i++)
        count[d->test_y[i] * K + R->predicted[i]] += 1;
    for (int i = 0; i < K * K; i++)
        most = count[i] > most ? (int)count[i] : most;
    plot_grid(p, "$count", count, K, K, 0, K - 1, 0, K - 1);
    plot_ascii_note(p, "confusion: a row per label, a column per answer "
                    "(0 to 9)");
    for (int row = 0; row < K; row++) {     // the counts as a table
        char line[128] = "";
        for (int col = 0; col < K; col++)
            snprintf(line + strlen(line), sizeof line - strlen(line),
                     "%6d", (int)count[row * K + col]);
        plot_ascii_note(p, "label %d:%s", row, line);
    }
    plot_cmd(p, "set palette defined (0 'white', 1 '#1f77b4')");
    plot_cmd(p, "set logscale cb; set cbrange [1:%d]", most);
    plot_cmd(p, "set cblabel 'images (log scale)'");
    plot_cmd(p, "set size ratio -1");
    plot_cmd(p, "set xrange [-0.5:9.5]; set yrange [9.5:-0.5]");
    plot_cmd(p, "set xtics 0,1,9 scale 0; set ytics 0,1,9 scale 0");
    plot_cmd(p, "set xlabel 'the network''s answer'");
    plot_cmd(p, "set ylabel 'the label'");
    plot_cmd(p, "set title '%s: %d test images, label against answer'",
             strcmp(R->m.name, "lenet5") == 0 ? "LeNet-5" : "dense net",
             d->n_test);
    for (int i = 0; i < K * K; i++)
        if (count[i] > 0)
            plot_cmd(p, "set label '%d' at %d,%d center front font ',8' "
                     "textcolor rgb '%s'", (int)count[i], i % K, i / K,
                     log(count[i]) > 0.6 * log(most) ? "white" : "black");
    plot_cmd(p, "unset key");
    plot_cmd(p, "plot $count using 1:2:($3 > 0 ? $3 : NaN) with image "
             "pixels");
    plot_end(p);
}

// The first 40 test images the network got wrong, black on white, each
// with "answer (label)" under it in red, as chapter 8 shows them.
static void draw_mistakes(plotter *pl, const run *R, const digits *d)
{
    enum { COLS = 10, ROWS = 4, GAP = 12 };
    int th = d->rows, tw = d->cols;
    int wrong[COLS * ROWS], n = 0;
    for (int i = 0; i < d->n_test && n < COLS * ROWS; i++)
        if (R->predicted[i] != d->test_y[i])
            wrong[n++] = i;
    if (n == 0)
        return;
    plot *p = plot_begin(pl, "mistakes", 7.5, 0.9 * ((n + 9) / 10) + 0.5);
    if (!p)
        return;
    char list[512] = "";
    for (int t = 0; t < n && t < 12; t++) {
        char one[32];
        snprintf(one, sizeof one, "%s%d (%d)", t ? ", " : "",
                 R->predicted[wrong[t]], d->test_y[wrong[t]]);
        strncat(list, one, sizeof list - strlen(list) - 1);
    }
    plot_ascii_note(p, "mistakes, answer (label): %s ... (the images: "
                    "--plot file)", list);
    int rows = (n + COLS - 1) / COLS;
    int width = COLS * tw + (COLS - 1) * 4, height = rows * (th + GAP);
    double *mosaic = nn_alloc((size_t)width * height, sizeof *mosaic);
    for (int i = 0; i < width * height; i++)
        mosaic[i] = 1;                                // white paper
    for (int t = 0; t < n; t++) {
        int x0 = (t % COLS) * (tw + 4), y0 = (t / COLS) * (th + GAP);
        const unsigned char *px = d->test_x + (size_t)wrong[t] * tw * th;
        for (int y = 0; y < th; y++)
            for (int x = 0; x < tw; x++)              // dark ink
                mosaic[(size_t)(y0 + y) * width + x0 + x] =
                    1 - px[y * tw + x] / 255.0;
    }
    plot_image(p, "$mosaic", mosaic, width, height);
    for (int t = 0; t < n; t++)
        plot_cmd(p, "set label %d '%d (%d)' at %d,%d center front "
                 "font ',9' textcolor rgb '#d62728'", t + 1,
                 R->predicted[wrong[t]], d->test_y[wrong[t]],
                 (t % COLS) * (tw + 4) + tw / 2,
                 (t / COLS) * (th + GAP) + th + GAP / 2);
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
## The program

`main` reads the flags, loads the data, and trains the chosen networks
with the chosen recipes, each from the same seed. It prints each
network's summary and, for each run, a line per epoch and a result
line; then it draws, saves, classifies and checks as asked.
*/

typedef struct {
    cli_common common;
    const char *which, *data, *recipes, *schedule;
    const char *save, *load, *image, *gradcheck;
    recipe ours;
    int threads;
    bool peak, time_conv, check;
} settings;

static int parse_flags(settings *s, int argc, char **argv)
{
    *s = (settings){
        .which = "both", .data = "mnist", .recipes = "ours",
        .schedule = "linear", .threads = 2,
        .ours = {.name = "ours", .epochs = 15, .batch = 32, .lr = 0.02,
                 .momentum = 0.9, .decay = true},
    };
    cli_option options[] = {
        {.name = "--model", .type = CLI_CHOICE, .value = &s->which,
         .help = "which network(s)",
         .choices = "mlp|lenet5|both"},
        {.name = "--data", .type = CLI_STRING, .value = &s->data,
         .help = "mnist, fashion, or an IDX directory", .arg = "DIR"},
        {.name = "--recipe", .type = CLI_CHOICE, .value = &s->recipes,
         .help = "training recipe",
         .choices = "ours|keras|both"},
        {.name = "--epochs", .type = CLI_INT, .value = &s->ours.epochs,
         .help = "passes over the training set", .min = 1, .max = 10000},
        {.name = "--batch", .type = CLI_INT, .value = &s->ours.batch,
         .help = "images per step", .min = 1, .max = 60000},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &s->ours.lr,
         .help = "learning rate", .max = 10, .open_min = true},
        {.name = "--momentum", .type = CLI_DOUBLE,
         .value = &s->ours.momentum, .help = "momentum, 0: plain SGD",
         .max = 0.999},
        {.name = "--schedule", .type = CLI_CHOICE, .value = &s->schedule,
         .help = "lr over time",
         .choices = "linear|constant"},
        {.name = "--threads", .type = CLI_INT, .value = &s->threads,
         .help = "threads that share each batch", .min = 1,
         .max = MAX_THREADS},
        {.name = "--save", .type = CLI_STRING, .value = &s->save,
         .help = "write the last network's weights", .arg = "FILE"},
        {.name = "--load", .type = CLI_STRING, .value = &s->load,
         .help = "read weights instead of training", .arg = "FILE"},
        {.name = "--classify", .type = CLI_STRING, .value = &s->image,
         .help = "a test index or a PGM image", .arg = "WHAT"},
        {.name = "--gradcheck", .type = CLI_STRING, .value = &s->gradcheck,
         .help = "a layer, mlp, lenet5, all or units", .arg = "NAME"},
        {.name = "--check", .type = CLI_FLAG, .value = &s->check,
         .help = "fail below the MNIST accuracy targets"},
        {.name = "--peak", .type = CLI_FLAG, .value = &s->peak,
         .help = "measure the matrix product's rate"},
        {.name = "--time-conv", .type = CLI_FLAG, .value = &s->time_conv,
         .help = "time the convolution three ways, and kernels"},
    };
    int status = cli_parse(&s->common, options, CLI_COUNT(options), argc,
                           argv, "chapter 9: a dense net and LeNet-5 on "
                           "digits");
    s->ours.decay = strcmp(s->schedule, "linear") == 0;
    if (s->common.quick && s->ours.epochs > 2)
        s->ours.epochs = 2;
    return status;
}

static void print_result(const run *R, const digits *d, const char *how)
{
    printf("result: %s (%s) test accuracy %.4f (%d/%d), loss %.6f\n",
           R->m.name, how, (double)R->test_correct / d->n_test,
           R->test_correct, d->n_test, R->test_loss);
}

static void run_alloc(run *R, const model *m, const recipe *rc,
                      int n_test)
{
    memset(R, 0, sizeof *R);
    R->m = *m;
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

// Every network and recipe asked for, trained from the same seed into
// runs[*n_runs ...]. 0, or the status to exit with.
static int train_all(run *runs, int *n_runs, const settings *s,
                     const model nets[2], const digits *d, plotter *pl)
{
    recipe keras = keras_recipe;
    if (s->common.quick)
        keras.epochs = 2;
    int status = 0;
    for (int net = 0; net < 2 && status == 0; net++) {
        const char *name = nets[net].name;
        if (strcmp(s->which, "both") != 0 && strcmp(s->which, name) != 0)
            continue;
        printf("\n");
        model_summary(&nets[net]);
        for (int k = 0; k < 2 && status == 0; k++) {
            const recipe *rc = k == 0 ? &keras : &s->ours;
            if (strcmp(s->recipes, "both") != 0
                && strcmp(s->recipes, rc->name) != 0)
                continue;
            run *R = &runs[(*n_runs)++];
            run_alloc(R, &nets[net], rc, d->n_test);
            long steps = (long)rc->epochs
                       * ((d->n_train + rc->batch - 1) / rc->batch);
            printf("\ntraining %s (%s): lr %g%s, momentum %g, batch %d, "
                   "%d epoch%s, %ld steps\n", name, rc->name, rc->lr,
                   rc->decay ? " down to 0" : "", rc->momentum, rc->batch,
                   rc->epochs, rc->epochs == 1 ? "" : "s", steps);
            worker team[MAX_THREADS];
            team_alloc(team, s->threads, &R->m, R->params);
            plot *live = plot_live_begin(pl, "curves-live", 7.5, 3.2);
            status = train(R, d, team, s->threads, &s->common, live);
            plot_end(live);
            team_free(team, s->threads);
            if (status == 0)
                print_result(R, d, rc->name);
        }
    }
    return status;
}

/**
`--check` holds the book run to this chapter's promises on MNIST: our
recipe reaches 99.0% of the test digits with LeNet-5 and 98.0% with the
dense net, and the tutorial's recipe lands within two points of the
figures the tutorial reports (96% and 98%). The book's run uses it, so
a change that costs accuracy fails the build of the book.
*/

static int check_targets(const run *runs, int n_runs, const digits *d)
{
    int failed = 0;
    for (int r = 0; r < n_runs; r++) {
        const run *R = &runs[r];
        bool lenet = strcmp(R->m.name, "lenet5") == 0;
        double acc = (double)R->test_correct / d->n_test;
        double low = is_keras(R) ? (lenet ? 0.96 : 0.94)
                                 : (lenet ? 0.990 : 0.980);
        double high = is_keras(R) ? (lenet ? 1.00 : 0.98) : 1;
        bool ok = acc >= low && acc <= high;
        failed += !ok;
        printf("check: %s (%s) test accuracy %.4f, target %.3f to %.3f: "
               "%s\n", R->m.name, R->rc.name, acc, low, high,
               ok ? "ok" : "MISSED");
    }
    return failed ? 1 : 0;
}

// After training (or loading): figures, the weights file, one image,
// the checks. 0, or the status to exit with.
static int finish(const settings *s, const run *runs, int n_runs,
                  const digits *d, plotter *pl, saver *sv, const query *q)
{
    const run *last = &runs[n_runs - 1], *lenet = NULL;
    for (int r = 0; r < n_runs; r++)
        if (strcmp(runs[r].m.name, "lenet5") == 0)
            lenet = &runs[r];
    draw_network(pl, lenet ? &lenet->m : &last->m);
    plot *curves = s->load ? NULL : plot_begin(pl, "curves", 7.5, 3.2);
    draw_curves(curves, runs, n_runs);
    plot_end(curves);
    if (lenet)
        draw_filters(pl, lenet, d);
    draw_confusion(pl, last, d);
    draw_mistakes(pl, last, d);
    if (s->save && saver_commit(sv, &last->m, last->params) != 0)
        return 1;
    if (s->save)
        printf("saved %s (%s)\n", s->save, last->m.name);
    if (s->image)
        classify(q, &last->m, last->params);
    return s->check ? check_targets(runs, n_runs, d) : 0;
}

// --load: the file's network, evaluated on the test set.
static int load_run(run *R, const settings *s, const digits *d)
{
    char err[512];
    memset(R, 0, sizeof *R);
    if (weights_load(&R->m, &R->params, s->load, d->rows, d->cols, err,
                     sizeof err) != 0)
        return cli_error(&s->common, "%s", err);
    R->rc = s->ours;
    R->predicted = nn_alloc((size_t)d->n_test, 1);
    printf("loaded %s\n", s->load);
    model_summary(&R->m);
    worker team[MAX_THREADS];
    team_alloc(team, s->threads, &R->m, R->params);
    evaluate(R, team, s->threads, d);
    team_free(team, s->threads);
    print_result(R, d, "loaded");
    return 0;
}

int main(int argc, char **argv)
{
    settings s;
    int status = parse_flags(&s, argc, argv);
    if (status != CLI_CONTINUE)
        return status;
    flush_denormals();
    mat_blas_threads(1);                  // our threads, not BLAS's
    if (s.gradcheck) {
        rng r;
        rng_seed(&r, s.common.seed);
        if (strcmp(s.gradcheck, "units") == 0)
            return units_check(&r);       // Appendix A3's split
        return gradcheck(s.gradcheck, &r);
    }
    if (s.peak)
        return measure_peak(s.threads, s.common.quick);

    digits d;
    char err[512];
    if (digits_load(&d, s.data, s.common.quick, err, sizeof err) != 0)
        return cli_error(&s.common, "%s", err);
    model nets[2];
    size_t bytes = 0;
    for (int net = 0; net < 2; net++) {
        if (model_named(&nets[net], network_names[net], d.rows, d.cols,
                        err, sizeof err) != 0) {
            digits_free(&d);
            return cli_error(&s.common, "%s", err);
        }
        bytes = nn_size_add(bytes, team_bytes(&nets[net], s.threads));
    }
    plotter pl;
    query q = {.px = NULL};
    saver sv = {.f = NULL};
    if (cli_check_memory(&s.common, bytes, "--threads") != CLI_CONTINUE
        || plot_init(&pl, s.common.plot, s.common.out) != 0) {
        digits_free(&d);
        return 2;
    }
    if (s.image && query_read(&q, s.image, &d, err, sizeof err) != 0) {
        digits_free(&d);
        plot_close(&pl);
        return cli_error(&s.common, "%s", err);
    }
    if (s.save && saver_open(&sv, &s.common, s.save) != 0) {
        digits_free(&d);
        free(q.px);
        plot_close(&pl);
        return 2;
    }
    printf("data: %s, %d training and %d test images of %dx%d\n", s.data,
           d.n_train, d.n_test, d.rows, d.cols);
    printf("threads: %d\n", s.threads);
    if (s.time_conv)
        time_conv(&d, &nets[1]);

    run runs[4];
    int n_runs = 0;
    if (s.load)
        status = load_run(&runs[n_runs++], &s, &d);
    else
        status = train_all(runs, &n_runs, &s, nets, &d, &pl);
    if (status == 0 && n_runs > 0)
        status = finish(&s, runs, n_runs, &d, &pl, &sv, &q);
    saver_abort(&sv);                     // a no-op once committed
    for (int r = 0; r < n_runs; r++)
        run_free(&runs[r]);
    digits_free(&d);
    free(q.px);
    plot_close(&pl);
    // (If stdout could not be written, the toolkit says so at exit and
    // the status becomes 1: see cli.h.)
    return status;
}
