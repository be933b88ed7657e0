/**
# Gradient descent: walking downhill {#ch-gradient-descent}

Chapter 2 found the best weight twice: by trying three hundred of them,
and by solving the equation "slope equals zero". Neither way grows with
the problem. A network has millions of weights, so there is no grid to
scan, and its cost is no parabola, so there is no formula to solve. What
always remains is the slope itself: at any weight we can compute which
way is downhill. *Gradient descent* takes a small step that way, then
asks again.

This chapter runs three versions of that idea side by side on 500 beans,
from the same starting weight, and watches how fast each one arrives and
how calmly it stays.

```{.run chapter="03-gradient-descent"}
```
*/
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn.h"

/**
## The step

For one bean the cost is $e = (y - w x)^2$, and chapter 2 wrote it as the
parabola $x^2 w^2 - 2 x y\, w + y^2$ in $w$. Its slope is

$$k = \frac{de}{dw} = 2 x^2 w - 2 x y .$$

The tutorial calls this slope `k`. If $k > 0$ the cost rises to the
right, so $w$ should move left; if $k < 0$ it should move right. Gradient
descent moves against the slope, in proportion to it:

$$w \leftarrow w - \alpha\, k .$$

The *learning rate* $\alpha$ scales the step. Far from the minimum the
slope is steep and the step is long; near it the slope flattens and the
steps shrink by themselves. Note that
$w - \alpha(2x^2 w - 2xy) = w + 2\alpha\,(y - w x)\,x$: this is exactly
Rosenblatt's rule of chapter 1 with a learning rate of $2\alpha$. The rule
that looked like a clever guess is walking downhill on the squared error.
*/

// The slope of one bean's squared error (y - w x)^2 at w:
// k = de/dw = 2 x^2 w - 2 x y.
static double bean_slope(double w, double x, double y)
{
    return 2.0 * x * x * w - 2.0 * x * y;
}

/**
## How many beans per step

The slope of the *mean* squared error over a set of beans is the mean of
their slopes. The variants differ in how many beans they average before
they take a step:

- **Stochastic** gradient descent takes one bean per step. The step is
  cheap, but one bean's slope is a noisy guess of the slope of all beans:
  each bean pulls $w$ towards its own ratio $y/x$.
- **Mini-batch** descent averages the slope over a batch of 10 beans,
  then steps. Each step costs ten slopes and is ten times less noisy
  (the variance of a mean of 10 falls by a factor of 10).
- **Fixed-step** descent uses the same batches but throws away the size
  of the slope and keeps only its sign: $w$ moves by exactly $\pm 0.01$
  against it, $w \leftarrow w - 0.01\,\operatorname{sign}(k)$.

Two remarks on the tutorial's code. Its "batch" loop computes the slope
of one bean, divides it by 10 and updates $w$ at once, inside the loop
over the batch, so it is really stochastic descent with a tenth of the
learning rate; here the slopes are averaged first and the step is taken
once per batch, which is what a mini-batch means. Its fixed-step loop
likewise steps once per bean; here it steps once per batch, by the sign
of the batch's slope. (The tutorial also sets $\alpha$ in its fixed-step
program but never uses it: the step size replaces the learning rate.)

The beans come from a *stream*: passes over all of them, each pass in a
fresh random order. The tutorial walks through the beans in the order
they were made, which is sorted by size, so every pass ends with the
biggest beans and $w$ ends every pass leaning towards them (chapter 1
saw this jitter). Shuffling removes that lean; `--in-order` puts it back.
All three variants draw the same stream from copies of the same
generator, so they see the beans in the same order.
*/

// Beans in the order a descent visits them: pass after pass over all n,
// each pass in a fresh random order (np.random.permutation), or in the
// order they were made when shuffle is false.
typedef struct {
    rng r;          // a private copy of the generator
    int *order;     // (n) this pass's order
    int n, next;    // next: position in the pass; n means "start anew"
    bool shuffle;
} bean_stream;

static void stream_start(bean_stream *s, const rng *r, int n, bool shuffle)
{
    s->r = *r;
    s->order = nn_alloc((size_t)n, sizeof *s->order);
    s->n = n;
    s->next = n;
    s->shuffle = shuffle;
}

// The index of the next bean.
static int stream_next(bean_stream *s)
{
    if (s->next == s->n) {
        if (s->shuffle)
            rng_permutation(&s->r, s->order, s->n);
        else
            for (int i = 0; i < s->n; i++)
                s->order[i] = i;
        s->next = 0;
    }
    return s->order[s->next++];
}

static void stream_free(bean_stream *s)
{
    free(s->order);
    s->order = NULL;
}

/**
With the stream, one descent is one loop. Each update takes `batch`
beans, averages their slopes into $k$, and moves $w$ either by
$-\alpha k$ or by $-0.01\,\operatorname{sign}(k)$. The weight after
every update goes into a trace for the figures. A learning rate that is
too large makes $w$ grow without bound (chapter 1 showed why), and then
the loop stops and reports it rather than printing infinities.
*/

typedef struct {
    const char *name;
    int batch;          // beans averaged per update
    bool fixed_step;    // step by -step sign(k) instead of -alpha k
} descent;

// Beyond this |w| has certainly run away (the beans' slope is near 1.2).
static const double RUNAWAY = 1e6;

// Run n_updates updates of descent d from w0 on the beans x[n], y[n],
// drawn from stream s. trace[u] receives w after update u; trace[0] is
// w0, so trace is (n_updates + 1). Returns the update at which w ran
// away, or 0 if it never did.
static int descend(double *trace, const descent *d, const double *x,
                   const double *y, bean_stream *s, double w0,
                   double alpha, double step, int n_updates)
{
    double w = w0;
    trace[0] = w;
    for (int u = 1; u <= n_updates; u++) {
        double k = 0.0;                     // mean slope of the batch
        for (int j = 0; j < d->batch; j++) {
            int i = stream_next(s);
            k += bean_slope(w, x[i], y[i]);
        }
        k /= d->batch;
        if (d->fixed_step)
            w -= k > 0 ? step : k < 0 ? -step : 0.0;   // -step sign(k)
        else
            w -= alpha * k;                            // -alpha k
        trace[u] = w;
        if (!isfinite(w) || fabs(w) > RUNAWAY)
            return u;
    }
    return 0;
}

/**
## Measuring the walk

We judge each descent against the least-squares weight of chapter 2,
$w^\ast = \sum x y / \sum x^2$, in three ways: the first update after
which $w$ is within $0.01$ of $w^\ast$ (how fast it arrives), the final
cost $e(w)$ over all beans, and the share of the updates after that
first arrival that leave $w$ within $0.01$ (how well it stays once
there).

There is also a prediction to compare with. With *all* beans in every
step, the slope is chapter 2's $2 a w + b = 2a\,(w - w^\ast)$ with
$a = \overline{x^2}$, so one update gives exactly

$$w - w^\ast \;\leftarrow\; (1 - 2\alpha a)\,(w - w^\ast) .$$

The distance shrinks by the same factor every step, and full-batch
descent arrives within $0.01$ after the smallest $t$ with
$|1 - 2\alpha a|^t\, |w_0 - w^\ast| \le 0.01$. A random batch's own
$\overline{x^2}$ averages to $a$, so stochastic and mini-batch descent
shrink the distance by that factor *on average* and should arrive after
about as many updates, each with its own noise. Fixed-step descent
cannot be faster than $0.01$ per update: it needs at least
$(|w_0 - w^\ast| - 0.01)/0.01$ updates, however steep the slope.
*/

// "Arrived": within this distance of the least-squares weight.
static const double NEAR = 0.01;

// e(w) = 1/n sum_i (y_i - w x_i)^2; x[n], y[n].
static double mean_squared_error(double w, const double *x,
                                 const double *y, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double miss = y[i] - w * x[i];
        sum += miss * miss;
    }
    return sum / n;
}

// The first u with |trace[u] - w_star| <= NEAR, or -1; trace is
// (n_updates + 1).
static int first_arrival(const double *trace, int n_updates, double w_star)
{
    for (int u = 0; u <= n_updates; u++)
        if (fabs(trace[u] - w_star) <= NEAR)
            return u;
    return -1;
}

// The percentage of updates from + 1 .. n_updates that leave w within
// NEAR of w_star; 100 if there are none.
static double percent_near(const double *trace, int from, int n_updates,
                           double w_star)
{
    int near = 0;
    for (int u = from + 1; u <= n_updates; u++)
        near += fabs(trace[u] - w_star) <= NEAR;
    return from < n_updates ? 100.0 * near / (n_updates - from) : 100.0;
}

// Full-batch descent's arrival: the smallest t with
// factor^t |w0 - w_star| <= NEAR, factor = |1 - 2 alpha a|; -1 if the
// factor is 1 or more (it never arrives).
static int full_batch_arrival(double factor, double w0, double w_star)
{
    double distance = fabs(w0 - w_star);
    if (distance <= NEAR)
        return 0;
    if (factor >= 1.0)
        return -1;
    if (factor == 0.0)
        return 1;
    return (int)ceil(log(NEAR / distance) / log(factor) - 1e-9);
}

/**
## Drawing

Three figures. The weight against the update number for all three
descents, with a second panel zoomed in on the band $w^\ast \pm 0.01$;
the cost against the update number on a logarithmic scale; and the
tutorial's animation, the fitted lines swinging up through the beans.
Each descent keeps its colour in all of them.
*/

enum { N_DESCENTS = 3 };

static void set_descent_colours(plot *p)
{
    plot_cmd(p, "set linetype 1 lc rgb '#1f6fb4' lw 1.5");
    plot_cmd(p, "set linetype 2 lc rgb '#d6282b' lw 1.5");
    plot_cmd(p, "set linetype 3 lc rgb '#2a9a2a' lw 1.5");
}

// One curve per descent from the data block $curves (column 1 the
// update, column d + 2 descent d), and a dashed line at `level`.
static void plot_descent_curves(plot *p, const descent *descents,
                                const char *level, const char *title)
{
    plot_cmd(p, "plot $curves using 1:2 with lines lt 1 title '%s', "
                "'' using 1:3 with lines lt 2 title '%s', "
                "'' using 1:4 with lines lt 3 title '%s', "
                "%s with lines dt 2 lc rgb 'black' title '%s'",
             descents[0].name, descents[1].name, descents[2].name, level,
             title);
}

// traces[d] is (n_updates + 1): w after each update of descent d.
static void draw_weights(plotter *pl, double *const *traces,
                         const descent *descents, int n_updates,
                         double w_star)
{
    double *update = nn_alloc((size_t)n_updates + 1, sizeof *update);
    for (int u = 0; u <= n_updates; u++)
        update[u] = u;
    const double *cols[1 + N_DESCENTS] = {update, traces[0], traces[1],
                                          traces[2]};
    plot *p = plot_begin(pl, "weight-trace", 6, 5.2);
    plot_columns(p, "$curves", cols, 1 + N_DESCENTS, n_updates + 1);
    set_descent_colours(p);
    plot_cmd(p, "w_star = %.17g; near = %g", w_star, NEAR);
    plot_cmd(p, "set multiplot layout 2,1");
    plot_cmd(p, "set xlabel 'update'");
    plot_cmd(p, "set ylabel 'w'");
    plot_cmd(p, "set key bottom right");
    plot_cmd(p, "set title 'the weight during descent'");
    plot_descent_curves(p, descents, "w_star", "least squares w*");
    plot_cmd(p, "set title 'zoomed in: the grey band is w* +- %g'", NEAR);
    plot_cmd(p, "set yrange [w_star - 5 * near : w_star + 5 * near]");
    plot_cmd(p, "set object 1 rectangle from graph 0, first w_star - near"
                " to graph 1, first w_star + near fc rgb '#e0e0e0' "
                "fs solid noborder behind");
    plot_cmd(p, "set key off");
    plot_descent_curves(p, descents, "w_star", "least squares w*");
    plot_cmd(p, "unset multiplot");
    plot_end(p);
    free(update);
}

// The cost e(w) over all beans after each update, on a log scale, and
// the excess e(w) - e(w*) that shows how fast it falls.
static void draw_costs(plotter *pl, double *const *traces,
                       const descent *descents, int n_updates,
                       const double *x, const double *y, int n,
                       double w_star)
{
    size_t length = (size_t)n_updates + 1;
    double e_star = mean_squared_error(w_star, x, y, n);
    double *update = nn_alloc(length, sizeof *update);
    double *cost[N_DESCENTS], *excess[N_DESCENTS];   // each (length)
    for (int d = 0; d < N_DESCENTS; d++) {
        cost[d] = nn_alloc(length, sizeof *cost[d]);
        excess[d] = nn_alloc(length, sizeof *excess[d]);
    }
    for (int u = 0; u <= n_updates; u++) {
        update[u] = u;
        for (int d = 0; d < N_DESCENTS; d++) {
            cost[d][u] = mean_squared_error(traces[d][u], x, y, n);
            excess[d][u] = cost[d][u] - e_star;
        }
    }
    const double *cost_cols[1 + N_DESCENTS] = {update, cost[0], cost[1],
                                               cost[2]};
    const double *excess_cols[1 + N_DESCENTS] = {update, excess[0],
                                                 excess[1], excess[2]};
    plot *p = plot_begin(pl, "cost-trace", 6, 5.2);
    plot_columns(p, "$curves", cost_cols, 1 + N_DESCENTS, n_updates + 1);
    plot_columns(p, "$excess", excess_cols, 1 + N_DESCENTS,
                 n_updates + 1);
    set_descent_colours(p);
    plot_cmd(p, "e_star = %.17g", e_star);
    plot_cmd(p, "set multiplot layout 2,1");
    plot_cmd(p, "set logscale y");
    // powers of ten, written plainly where there are no superscripts
    plot_cmd(p, "set format y (GPVAL_TERM eq 'dumb' ? '%%.0e' "
                ": '10^{%%L}')");
    plot_cmd(p, "set xlabel 'update'");
    plot_cmd(p, "set ylabel 'e(w)'");
    plot_cmd(p, "set key top right");
    plot_cmd(p, "set title 'mean squared error over all beans'");
    plot_descent_curves(p, descents, "e_star", "least squares e(w*)");
    plot_cmd(p, "set ylabel 'e(w) - e(w*)'");
    plot_cmd(p, "set yrange [1e-8:1]");
    plot_cmd(p, "set title 'the excess over the least-squares error'");
    plot_cmd(p, "set key off");
    plot_cmd(p, "plot $excess using 1:2 with lines lt 1, "
                "'' using 1:3 with lines lt 2, "
                "'' using 1:4 with lines lt 3");
    plot_cmd(p, "unset multiplot");
    plot_end(p);
    free(update);
    for (int d = 0; d < N_DESCENTS; d++) {
        free(cost[d]);
        free(excess[d]);
    }
}

/**
The animation plays the tutorial's `plt.clf()` / `plt.pause()` loop:
the beans, and the three fitted lines $y = w x$ at one moment of the
descent. The lines move fast until the last descent has arrived and
barely at all afterwards, so the frames are not evenly spaced: 60 of
them cover the updates up to `settled` (the last arrival), and 12 more
the rest of the run. In a window the frames play as the program runs;
for the book the plot module turns them into a GIF, and for print into a
strip of six stills.
*/

enum { EARLY_FRAMES = 60, LATE_FRAMES = 12 };

// The update shown in frame f of EARLY_FRAMES + LATE_FRAMES + 1: evenly
// spaced over [0, settled], then over [settled, n_updates].
static int frame_update(int f, int settled, int n_updates)
{
    if (f <= EARLY_FRAMES)
        return (int)lround((double)settled * f / EARLY_FRAMES);
    return settled + (int)lround((double)(n_updates - settled) *
                                 (f - EARLY_FRAMES) / LATE_FRAMES);
}

// traces[d] is (n_updates + 1); x[n], y[n] the beans.
static void draw_animation(plotter *pl, double *const *traces,
                           const descent *descents, int n_updates,
                           int settled, const double *x, const double *y,
                           int n)
{
    plot *p = plot_anim_begin(pl, "fit-anim", 6, 4);
    plot_xy(p, "$beans", x, y, n);
    set_descent_colours(p);
    plot_cmd(p, "set xlabel 'size'");
    plot_cmd(p, "set ylabel 'toxicity'");
    plot_cmd(p, "set xrange [0:1.2]");
    plot_cmd(p, "set yrange [0:1.5]");
    plot_cmd(p, "set key top left");
    int shown = -1;
    for (int f = 0; f <= EARLY_FRAMES + LATE_FRAMES; f++) {
        int u = frame_update(f, settled, n_updates);
        if (u == shown)
            continue;   // short runs: no frame twice
        shown = u;
        char label[64];
        snprintf(label, sizeof label, "update %d", u);
        plot_frame_begin(p);
        plot_cmd(p, "plot $beans with points pt 7 ps 0.4 "
                    "lc rgb '#909090' title 'beans', "
                    "%.17g * x with lines lt 1 title '%s', "
                    "%.17g * x with lines lt 2 title '%s', "
                    "%.17g * x with lines lt 3 title '%s'",
                 traces[0][u], descents[0].name, traces[1][u],
                 descents[1].name, traces[2][u], descents[2].name);
        plot_frame_end(p, label);
    }
    plot_end(p);
}

/**
## The program

The tutorial's three programs share their settings, and so do the three
descents here: 500 beans, start at $w = 0.01$, learning rate
$\alpha = 0.1$, batches of 10, fixed steps of $0.01$.

The number of updates is our choice. The tutorial's stochastic loop
makes 500 passes over the beans, 250 000 updates, while its batch loops
make a single pass, 50 batches. Neither suits a comparison: the first
arrives within its first pass and then jitters for hundreds more, and 50
steps of $0.01$ cannot even carry the fixed-step descent from $0.01$ to
the beans' slope. So every descent gets the same budget, 500 updates by
default. That is one pass for stochastic descent and ten passes for the
two batch variants, enough for all three to arrive and to show how they
behave once they are there. `--quick` cuts the budget to 200.

The program prints $w$ at a few checkpoints, updates 1, 2, 5, 10, 20,
and so on; then a summary of each descent, and the two predictions.
*/

// Print w of every descent at updates 0, 1, 2, 5, 10, 20, 50, ... and
// the last one.
static void print_checkpoints(double *const *traces,
                              const descent *descents, int n_updates)
{
    printf("%7s", "update");
    for (int d = 0; d < N_DESCENTS; d++)
        printf("  %11s", descents[d].name);
    printf("\n");
    const int mantissas[3] = {1, 2, 5};
    int u = 0;
    for (int decade = 1, m = 0; u < n_updates;) {
        printf("%7d", u);
        for (int d = 0; d < N_DESCENTS; d++)
            printf("  %11.6f", traces[d][u]);
        printf("\n");
        u = mantissas[m] * decade;
        if (++m == 3)
            m = 0, decade *= 10;
    }
    printf("%7d", n_updates);
    for (int d = 0; d < N_DESCENTS; d++)
        printf("  %11.6f", traces[d][n_updates]);
    printf("\n");
}

// The summary table: for each descent its first arrival within NEAR,
// final w and error, and the share of later updates within NEAR; then
// the least-squares line. Returns the last of the arrivals (n_updates
// if a descent never arrived).
static int print_summary(double *const *traces, const descent *descents,
                         int n_updates, const double *x, const double *y,
                         int n, double w_star)
{
    printf("\n%-13s %9s %13s %10s %10s %14s\n", "", "beans per",
           "first update", "", "final", "later updates");
    printf("%-13s %9s %13s %10s %10s %14s\n", "descent", "update",
           "within 0.01", "final w", "error", "within 0.01");
    int settled = 0;
    for (int d = 0; d < N_DESCENTS; d++) {
        int arrival = first_arrival(traces[d], n_updates, w_star);
        int last = arrival < 0 ? n_updates : arrival;
        if (last > settled)
            settled = last;
        char arrived[16] = "never", stays[16] = "-";
        if (arrival >= 0) {
            snprintf(arrived, sizeof arrived, "%d", arrival);
            snprintf(stays, sizeof stays, "%.0f%%",
                     percent_near(traces[d], arrival, n_updates, w_star));
        }
        double w = traces[d][n_updates];
        printf("%-13s %9d %13s %10.6f %10.6f %14s\n", descents[d].name,
               descents[d].batch, arrived, w,
               mean_squared_error(w, x, y, n), stays);
    }
    printf("%-13s %9s %13s %10.6f %10.6f\n", "least squares", "", "",
           w_star, mean_squared_error(w_star, x, y, n));
    return settled;
}

// What to expect: full-batch descent's factor and arrival, and the
// fewest fixed steps that can cover the distance; a = mean x^2.
static void print_predictions(double alpha, double a, double step,
                              double w0, double w_star)
{
    double factor = fabs(1.0 - 2.0 * alpha * a);
    int predicted = full_batch_arrival(factor, w0, w_star);
    printf("\nfull batch: |w - w*| shrinks by |1 - 2 alpha a| = %.6f "
           "per update\n", factor);
    if (predicted >= 0)
        printf("full batch would be within 0.01 after %d update%s\n",
               predicted, predicted == 1 ? "" : "s");
    else
        printf("full batch would never get within 0.01\n");
    int fewest = (int)ceil((fabs(w0 - w_star) - NEAR) / step - 1e-9);
    fewest = fewest > 0 ? fewest : 0;
    printf("fixed step needs at least %d update%s\n", fewest,
           fewest == 1 ? "" : "s");
}

int main(int argc, char **argv)
{
    int n_beans = 500, n_updates = 500, batch = 10;
    double alpha = 0.1, step = 0.01, w0 = 0.01;
    bool in_order = false;
    cli_option options[] = {
        {"--beans", CLI_INT, &n_beans, "number of beans", .min = 1,
         .max = 1000000},
        {"--updates", CLI_INT, &n_updates, "updates for each descent",
         .min = 1, .max = 1000000},
        {"--lr", CLI_DOUBLE, &alpha, "learning rate alpha", .min = 0,
         .max = 100, .open_min = true},
        {"--batch", CLI_INT, &batch, "beans per mini-batch", .min = 1,
         .max = 1000000},
        {"--step", CLI_DOUBLE, &step, "the fixed step", .min = 0,
         .max = 10, .open_min = true},
        {"--w0", CLI_DOUBLE, &w0, "initial weight", .min = -100,
         .max = 100},
        {.name = "--in-order", .type = CLI_FLAG, .value = &in_order,
         .help = "visit the beans sorted by size, as the tutorial does"},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "chapter 3: gradient descent on the beans");
    if (status != CLI_CONTINUE)
        return status;
    if (batch > n_beans)
        return cli_error(&common, "--batch %d is larger than --beans %d",
                         batch, n_beans);
    if (common.quick)
        n_updates = n_updates < 200 ? n_updates : 200;
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;

    rng r;
    rng_seed(&r, common.seed);
    double *x = nn_alloc((size_t)n_beans, sizeof *x);   // sizes, (n)
    double *y = nn_alloc((size_t)n_beans, sizeof *y);   // toxicity, (n)
    data_beans(&r, x, y, n_beans);

    // The target: chapter 2's closed form, and its parabola's a.
    double sum_xy = 0.0, sum_xx = 0.0;
    for (int i = 0; i < n_beans; i++) {
        sum_xy += x[i] * y[i];
        sum_xx += x[i] * x[i];
    }
    double w_star = sum_xy / sum_xx, a = sum_xx / n_beans;
    printf("%d beans; least squares w* = sum(x y) / sum(x^2) = %.6f\n",
           n_beans, w_star);
    printf("start w = %g, learning rate %g, batches of %d, fixed step "
           "%g\n", w0, alpha, batch, step);
    printf("%d updates per descent; beans %s\n\n", n_updates,
           in_order ? "in order of size, every pass"
                    : "in a fresh random order every pass");

    const descent descents[N_DESCENTS] = {
        {"stochastic", 1, false},
        {"mini-batch", batch, false},
        {"fixed step", batch, true},
    };
    double *traces[N_DESCENTS];   // each (n_updates + 1)
    for (int d = 0; d < N_DESCENTS; d++) {
        traces[d] = nn_alloc((size_t)n_updates + 1, sizeof *traces[d]);
        bean_stream stream;
        stream_start(&stream, &r, n_beans, !in_order);
        int runaway = descend(traces[d], &descents[d], x, y, &stream, w0,
                              alpha, step, n_updates);
        stream_free(&stream);
        if (runaway) {
            fprintf(stderr, "%s: %s descent diverged (w = %g after update "
                    "%d); the learning rate %g is too large for these "
                    "beans (try --lr 0.1)\n", common.program,
                    descents[d].name, traces[d][runaway], runaway, alpha);
            for (int k = 0; k <= d; k++)
                free(traces[k]);
            free(x), free(y);
            return 1;
        }
    }

    print_checkpoints(traces, descents, n_updates);
    int settled = print_summary(traces, descents, n_updates, x, y,
                                n_beans, w_star);
    print_predictions(alpha, a, step, w0, w_star);

    draw_weights(&pl, traces, descents, n_updates, w_star);
    draw_costs(&pl, traces, descents, n_updates, x, y, n_beans, w_star);
    draw_animation(&pl, traces, descents, n_updates, settled, x, y,
                   n_beans);
    for (int d = 0; d < N_DESCENTS; d++)
        free(traces[d]);
    free(x);
    free(y);
    return 0;
}

/**
## What the run shows

Here is the run made for this book: the set-up, the weight of each
descent at a few checkpoints, and a summary of each descent.

```{.output file="03-gradient-descent"}
```

The checkpoints show the three climbing very differently. Fixed-step
descent is a straight ramp, exactly $0.01$ per update, however far it
still has to go. Stochastic descent jumps unevenly: a big bean has a
steep slope and moves $w$ a lot, a small bean hardly at all, and the
order of the beans is random. Mini-batch descent averages ten beans per
step and climbs the most smoothly of the three.

![The weight $w$ after every update of the three descents. Below, the
same curves zoomed in on the grey band $w^\ast \pm 0.01$.
](figures/03-gradient-descent/weight-trace)

**Arriving.** Stochastic and mini-batch descent arrive near the
full-batch prediction: on average a step shrinks the distance to
$w^\ast$ by the factor $1 - 2\alpha a$, whichever beans it uses, and the
noise only decides whether a particular run is a little early or late.
Fixed-step descent arrives at its lower bound, or within a few updates
of it. Far from the minimum every batch agrees about the direction, so
every step goes the right way, but no step can be longer than $0.01$;
the steep slope that carries the other two quickly across most of the
distance is thrown away.

**Staying.** Once there, the descents part ways. Mini-batch descent
stays in the band: its slope averages ten beans, so near $w^\ast$ the
noise in it is small compared with the band. Stochastic descent keeps
being pushed out of the band by single beans, each pulling $w$ towards
its own $y / x$, and a constant learning rate never lets those pushes
shrink. Fixed-step descent cannot settle either: near $w^\ast$ the sign
of a batch's slope is decided by which beans happen to be in the batch,
and every update moves $w$ by a whole step, so it wanders about the
minimum on a grid of spacing $0.01$. Its final weight is therefore
$w_0$ plus a whole number of steps.

The final errors all come out close to the least-squares error. That is
chapter 2's flat bottom again: a miss of $d$ in the weight costs only
$a\,d^2$ in error.

![The cost after every update on a logarithmic scale (above), and its
excess over the least-squares cost (below). A straight falling line on
this scale means the cost shrinks by a constant factor per update.
](figures/03-gradient-descent/cost-trace)

On the logarithmic scale the early descents of the stochastic and
mini-batch runs are roughly straight lines: the distance to $w^\ast$
shrinks by a constant factor per update, so the excess cost, which is
$a\,(w - w^\ast)^2$, shrinks by its square. Fixed-step descent curves
down ever faster instead, because its distance falls by a constant
*amount*. After arrival every curve hits a floor set by its noise, and
mini-batch descent, the calmest in the table, has the lowest floor.

![The beans and the three fitted lines during descent. In the HTML book
this is an animation; in print six of its frames.
](figures/03-gradient-descent/fit-anim)

**Cost per update.** Counting updates flatters mini-batch descent: each
of its updates reads ten beans, so by the time it arrives it has read
many more beans than stochastic descent. In the number of beans read,
stochastic descent is the fastest of the three. Which one wins in
practice depends on what a step costs. On real hardware a batch of
beans is computed almost as fast as one bean (the arithmetic runs side
by side), and then mini-batches give the calm of averaging at little
extra cost. That is why the later chapters, and nearly all of deep
learning, train on mini-batches.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-03 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-03`
checks them all). Give a number you found as `ANSWER=`.

1. Run with `--in-order`, the tutorial's order of the beans. Compare the
   final weights with $w^\ast$: on which side of it do they end, and why
   do the last, biggest beans of every pass explain it?
2. Try `--lr 0.01` and `--lr 1`. How do the arrival update and the
   share of later updates within 0.01 change? Then find, to one
   decimal, the smallest learning rate at which the program stops
   because stochastic descent diverged. Compare it with the condition
   $\alpha x^2 < 1$ for the biggest bean (chapter 1's bound with
   $2\alpha$ in place of its learning rate). Why can one bean that
   overshoots not make $w$ run away on its own?
   (check: `make check-03 EXERCISE=2 ANSWER=<your --lr>`)
3. Run with `--batch 500`: the mini-batch is now all beans. Check that
   it arrives exactly at the full-batch prediction, and explain why
   fixed-step descent now stays within the band.
4. Change the fixed step with `--step 0.05` and `--step 0.002`. How do
   the arrival and the final error change? Then use the start and the
   $w^\ast$ that the first lines print to pick a step with which
   fixed-step descent is within 0.01 of $w^\ast$ after a single update.
   What does it do after that, and what would you want from a step
   size instead?
   (check: `make check-03 EXERCISE=4 ANSWER=<your --step>`)
5. (Harder) Give stochastic descent a learning rate that shrinks with
   time, $\alpha_t = \alpha / (1 + t/100)$ at update $t$, in `descend`
   (mini-batch and fixed-step descent keep theirs). Goal: in the default
   run, stochastic descent stays within 0.01 of $w^\ast$ for at least
   90% of the updates after its arrival and ends within 0.005 of it.
   What happens to its arrival, and why?
   (check: `make check-03 EXERCISE=5`)
*/
