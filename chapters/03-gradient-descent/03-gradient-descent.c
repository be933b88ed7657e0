/**
# Gradient descent: walking downhill {#ch-gradient-descent}

*What you need:* chapters 1 and 2 (the delta rule, the cost parabola
and its slope $2 a w + b$); a partial derivative, for the last part.

Chapter 2 found the best weight twice: by trying three hundred of them,
and by solving the equation "slope equals zero". Neither way grows with
the problem. A network has millions of weights, so there is no grid to
scan, and its cost is no parabola, so there is no formula to solve. What
always remains is the slope itself: at any weight we can compute which
way is downhill. *Gradient descent* takes a small step that way, then
asks again.

This chapter runs three versions of that idea side by side on 500 beans,
from the same starting weight, and watches how fast each one arrives and
how calmly it stays. Then it gives the line its bias back and walks the
narrow valley of chapter 2 on two parameters, where the steep direction
limits the step and the flat one sets the pace.

```{.run chapter="03-gradient-descent"}
```
*/
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
chapter 1's delta rule with a learning rate of $2\alpha$. The rule that
looked like a clever guess is walking downhill on the squared error.
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
  then steps. Each step costs ten slopes, and its noise is smaller: the
  variance of a mean of 10 independent slopes is a tenth of one slope's,
  so its spread, the standard deviation, falls by $\sqrt{10}$, about
  a factor of three.
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
biggest beans and $w$ ends every pass leaning towards them (chapter 2
measured this lean for chapter 1's neuron). Shuffling removes the lean;
`--in-order` puts it back.
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
every update goes into a trace for the figures.

A learning rate that is too large makes $w$ run away. We say a descent
*diverged* when its cost over all beans is no longer a finite number or
has grown a millionfold over the cost at the start; every training loop
in the book stops there with one line, rather than printing ever larger
numbers (the toolkit's `cli_check_loss`). The cost of a weight is
chapter 2's parabola $e(w) = a w^2 + b w + c$, so checking it after
every update costs three multiplications.
*/

typedef struct {
    const char *name;
    int batch;          // beans averaged per update
    bool fixed_step;    // step by -step sign(k) instead of -alpha k
} descent;

// e(w) = a w^2 + b w + c, chapter 2's parabola; a = mean x^2,
// b = -2 mean x y, c = mean y^2.
typedef struct {
    double a, b, c;
} quadratic;

static double quadratic_value(quadratic q, double w)
{
    return (q.a * w + q.b) * w + q.c;
}

// Run n_updates updates of descent d from w0 on the beans x[n], y[n],
// drawn from stream s; cost is their e(w). trace[u] receives w after
// update u; trace[0] is w0, so trace is (n_updates + 1). Returns
// CLI_CONTINUE, or 1 after the one line saying the descent diverged.
static int descend(double *trace, const descent *d, const double *x,
                   const double *y, bean_stream *s, quadratic cost,
                   double w0, double alpha, double step, int n_updates,
                   const cli_common *common)
{
    double w = w0;
    double first_cost = quadratic_value(cost, w0);
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
        char where[64];
        snprintf(where, sizeof where, "update %d of %s descent", u,
                 d->name);
        int status = cli_check_loss(common, quadratic_value(cost, w),
                                    first_cost, where, "lower --lr");
        if (status != CLI_CONTINUE)
            return status;
    }
    return CLI_CONTINUE;
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

The distance shrinks by the same factor every step if that factor is
less than one in size, that is exactly when

$$0 < \alpha < \frac{1}{a} :$$

the full-batch rule for the learning rate. Above $1/(2a)$ the factor is
negative and $w$ jumps from one side of $w^\ast$ to the other at every
step, still closing in; above $1/a$ every jump lands farther away.
Full-batch descent then arrives within $0.01$ after the smallest $t$
with $|1 - 2\alpha a|^t\, |w_0 - w^\ast| \le 0.01$. A random batch's own
$\overline{x^2}$ averages to $a$, so stochastic and mini-batch descent
shrink the distance by that factor *on average* and should arrive after
about as many updates, each with its own noise.

For stochastic descent the factor of one update is random,
$1 - 2\alpha x^2$ for the bean $x$ drawn, and the average factor being
small is not enough: a run multiplies many of them, and the spread of
its ending grows with their *squares*. The mean square of the distance
is multiplied at each update by $E\left[(1 - 2\alpha x^2)^2\right]$ (the
noise of single beans adds terms that grow more slowly), so it stays
bounded only while that mean is below one. The program prints it for
the chosen $\alpha$; exercise 2 turns it into a bound on $\alpha$.

Fixed-step descent cannot be faster than $0.01$ per update: it needs at least
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

Three figures for the one-weight descents. The weight against the update
number for all three descents, with a second panel zoomed in on the band
$w^\ast \pm 0.01$; the cost against the update number on a logarithmic
scale; and the tutorial's animation, the fitted lines swinging up
through the beans. Each descent keeps its colour in all of them.
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
    // two panels need more than a terminal's 24 lines
    plot_cmd(p, "if (GPVAL_TERM eq 'dumb') set terminal dumb size 79,44");
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
    plot_cmd(p, "if (GPVAL_TERM eq 'dumb') set terminal dumb size 79,44");
    plot_cmd(p, "set multiplot layout 2,1");
    plot_cmd(p, "set logscale y");
    // powers of ten, written plainly where there are no superscripts
    plot_cmd(p, "set format y (GPVAL_TERM eq 'dumb' ? '%%.0e' "
                ": '10^{%%L}')");
    plot_cmd(p, "set xlabel 'update'");
    plot_cmd(p, "set ylabel 'e(w)'");
    plot_cmd(p, "set ytics 10");          // a label every decade
    plot_cmd(p, "set key top right box opaque");
    plot_cmd(p, "set title 'mean squared error over all beans'");
    plot_descent_curves(p, descents, "e_star", "least squares e(w*)");
    plot_cmd(p, "set ylabel 'e(w) - e(w*)'");
    plot_cmd(p, "set yrange [1e-8:1]");
    plot_cmd(p, "set ytics 100");         // every second decade
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

// The update shown in frame f of early + late + 1: evenly spaced over
// [0, settled], then over [settled, n_updates].
static int frame_update(int f, int early, int late, int settled,
                        int n_updates)
{
    if (f <= early)
        return (int)lround((double)settled * f / early);
    return settled + (int)lround((double)(n_updates - settled) *
                                 (f - early) / late);
}

// traces[d] is (n_updates + 1); x[n], y[n] the beans. A sixth of the
// frames when quick.
static void draw_animation(plotter *pl, double *const *traces,
                           const descent *descents, int n_updates,
                           int settled, const double *x, const double *y,
                           int n, bool quick)
{
    int early = quick ? EARLY_FRAMES / 6 : EARLY_FRAMES;
    int late = quick ? LATE_FRAMES / 6 : LATE_FRAMES;
    plot *p = plot_anim_begin(pl, "fit-anim", 6, 4);
    plot_xy(p, "$beans", x, y, n);
    set_descent_colours(p);
    plot_cmd(p, "set xlabel 'size'");
    plot_cmd(p, "set ylabel 'toxicity'");
    plot_cmd(p, "set xrange [0:1.2]");
    plot_cmd(p, "set yrange [0:1.5]");
    plot_cmd(p, "set key top left box opaque");
    int shown = -1;
    for (int f = 0; f <= early + late; f++) {
        int u = frame_update(f, early, late, settled, n_updates);
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
## Two parameters: descent in the valley

Chapter 2 gave the line a bias, $\hat y = w x + b$, and found that its
cost $e(w, b)$ is a long narrow valley. Descent on two parameters is the
same walk with two slopes. For one bean, with the miss
$r = y - w x - b$,

$$\frac{\partial e}{\partial w} = -2\,r\,x, \qquad
  \frac{\partial e}{\partial b} = -2\,r ,$$

and an update moves both parameters against their slopes:
$w \leftarrow w - \alpha\,\partial e / \partial w$,
$b \leftarrow b - \alpha\,\partial e / \partial b$. Averaged over a
batch, these are the slopes of the batch's mean squared error.

Why a valley slows the walk down is a short calculation. The cost is
quadratic, so around its lowest point $(w^\ast, b^\ast)$ it is exactly

$$e(w, b) = e^\ast + \begin{pmatrix}\delta w & \delta b\end{pmatrix}
  A \begin{pmatrix}\delta w \\ \delta b\end{pmatrix}, \qquad
  A = \begin{pmatrix}\overline{x^2} & \bar x \\ \bar x & 1\end{pmatrix},$$

with $\delta w = w - w^\ast$, $\delta b = b - b^\ast$, and a full-batch
update multiplies the offset $(\delta w, \delta b)$ by the matrix
$I - 2\alpha A$. Along each eigenvector of $A$ this is the one-weight
story again, a factor $1 - 2\alpha\lambda$ per update, where $\lambda$
is the eigenvalue. Across the valley the eigenvalue is large,
$\lambda_{\max}$; along it, small, $\lambda_{\min}$. So full-batch
descent converges only for $\alpha < 1/\lambda_{\max}$: the *steep*
direction sets the limit. Above $1/(2\lambda_{\max})$ it zig-zags from
wall to wall across the valley. And along the valley floor the offset
shrinks by $1 - 2\alpha\lambda_{\min}$, which for any $\alpha$ under the
limit is at least $1 - 2\lambda_{\min}/\lambda_{\max}$: the narrower the
valley (the larger $\lambda_{\max}/\lambda_{\min}$, the *condition
number*), the slower the crawl, however well the step is chosen.

The same matrix draws the map. The points of equal cost
$e^\ast + L$ form an ellipse whose axes lie along the eigenvectors, with
half-lengths $\sqrt{L/\lambda}$, long where $\lambda$ is small; the
figures draw these ellipses from the formula.

All of it needs only five averages over the beans, which also give the
cost and the full-batch slopes of any $(w, b)$ without a loop.
*/

// The averages that describe e(w, b) = mean (y - w x - b)^2 completely.
typedef struct {
    double x, xx, y, xy, yy;   // mean x, x^2, y, x y, y^2
} bean_moments;

static bean_moments moments_of(const double *x, const double *y, int n)
{
    bean_moments m = {0, 0, 0, 0, 0};
    for (int i = 0; i < n; i++) {
        m.x += x[i];
        m.xx += x[i] * x[i];
        m.y += y[i];
        m.xy += x[i] * y[i];
        m.yy += y[i] * y[i];
    }
    m.x /= n, m.xx /= n, m.y /= n, m.xy /= n, m.yy /= n;
    return m;
}

// e(w, b) = mean y^2 - 2 w mean xy - 2 b mean y + w^2 mean x^2
//           + 2 w b mean x + b^2
static double line_cost(bean_moments m, double w, double b)
{
    return m.yy - 2 * w * m.xy - 2 * b * m.y + w * w * m.xx
           + 2 * w * b * m.x + b * b;
}

// The eigenvalues of the symmetric [[p, q], [q, r]], largest first, and
// the unit eigenvector (vx, vy) of the largest (the other is (-vy, vx)).
static void symmetric_eigen(double lambda[2], double *vx, double *vy,
                            double p, double q, double r)
{
    double mean = (p + r) / 2, half = hypot((p - r) / 2, q);
    lambda[0] = mean + half;
    lambda[1] = mean - half;
    double ex = lambda[0] - r, ey = q;    // (A - lambda I) e = 0
    if (hypot(ex, ey) == 0)              // q = 0 and p >= r: the x axis
        ex = 1, ey = 0;
    double length = hypot(ex, ey);
    *vx = ex / length;
    *vy = ey / length;
}

/**
One descent on $(w, b)$ is the loop of the one-weight case with a
second slope. Full-batch descent takes its slopes from the averages,
$\partial e / \partial w = 2\,(w\,\overline{x^2} + b\,\bar x -
\overline{x y})$ and $\partial e / \partial b = 2\,(w\,\bar x + b -
\bar y)$; the others average over the beans their stream hands them. A
path that runs away is stopped and cut where its cost passed a
millionfold its start: here a runaway is something to look at, not the
end of the program.
*/

// Descent on (w, b) from (w0, b0): batch beans per update from stream s,
// or all of them (batch 0, the slopes from the moments m). path_w and
// path_b are (n_updates + 1). Returns how many updates were made,
// n_updates or fewer when the path ran away.
static int descend_line(double *path_w, double *path_b, int batch,
                        const double *x, const double *y, bean_stream *s,
                        bean_moments m, double w0, double b0,
                        double alpha, int n_updates)
{
    double w = w0, b = b0, first_cost = line_cost(m, w0, b0);
    path_w[0] = w, path_b[0] = b;
    for (int u = 1; u <= n_updates; u++) {
        double dw = 0.0, db = 0.0;          // de/dw, de/db
        if (batch == 0) {
            dw = 2 * (w * m.xx + b * m.x - m.xy);
            db = 2 * (w * m.x + b - m.y);
        } else {
            for (int j = 0; j < batch; j++) {
                int i = stream_next(s);
                double miss = y[i] - w * x[i] - b;   // r
                dw += -2 * miss * x[i];
                db += -2 * miss;
            }
            dw /= batch, db /= batch;
        }
        w -= alpha * dw;
        b -= alpha * db;
        path_w[u] = w, path_b[u] = b;
        double cost = line_cost(m, w, b);
        if (!isfinite(cost) || cost > 1e6 * first_cost)
            return u;
    }
    return n_updates;
}

/**
The map: the ellipses $e = e^\ast + L$ for a few levels $L$, as points
with a break (NaN, which gnuplot reads as "lift the pen") after each
ellipse, then the paths on top, growing frame by frame. In a terminal
the map becomes a grid of characters, one per path.
*/

enum { ELLIPSE_POINTS = 80, N_LEVELS = 7 };
static const double LEVELS[N_LEVELS] = {0.002, 0.01, 0.03, 0.08, 0.2,
                                        0.5, 1.2};

// The ellipses into ew, eb, each (N_LEVELS * (ELLIPSE_POINTS + 2)):
// around (w_star, b_star), axes along (vx, vy) and (-vy, vx) with
// half-lengths sqrt(L / lambda).
static int valley_ellipses(double *ew, double *eb, double w_star,
                           double b_star, const double lambda[2],
                           double vx, double vy)
{
    int k = 0;
    for (int l = 0; l < N_LEVELS; l++) {
        double across = sqrt(LEVELS[l] / lambda[0]);
        double along = sqrt(LEVELS[l] / lambda[1]);
        for (int i = 0; i <= ELLIPSE_POINTS; i++, k++) {
            double t = 2 * 3.14159265358979323846 * i / ELLIPSE_POINTS;
            double u = across * cos(t), v = along * sin(t);
            ew[k] = w_star + u * vx - v * vy;
            eb[k] = b_star + u * vy + v * vx;
        }
        ew[k] = eb[k] = NAN;
        k++;
    }
    return k;
}

typedef struct {
    const char *name;
    char glyph;            // its mark in a terminal
    const char *style;     // gnuplot line style: "lw 2 lc rgb '#...'"
    const double *w, *b;   // the path, (length)
    int length;            // points: updates made + 1
} map_path;

enum { MAP_ROWS = 22, MAP_COLS = 64 };

// The map's visible part.
typedef struct {
    double w_lo, w_hi, b_lo, b_hi;
} map_range;

// Put glyph index g into the cell of (w, b); cells is (MAP_ROWS,
// MAP_COLS) with the largest b in row 0. Points off the map are skipped.
static void mark_cell(int *cells, double w, double b, int g, map_range r)
{
    double col = floor((w - r.w_lo) / (r.w_hi - r.w_lo) * MAP_COLS);
    double row = floor((r.b_hi - b) / (r.b_hi - r.b_lo) * MAP_ROWS);
    if (col >= 0 && col < MAP_COLS && row >= 0 && row < MAP_ROWS)
        cells[(int)row * MAP_COLS + (int)col] = g;
}

// The terminal form of the map: ellipses as '.', each path as its
// glyph, the least-squares point as '*'. ew, eb are (n_ellipse).
static void ascii_map(plot *p, const char *title, const double *ew,
                      const double *eb, int n_ellipse,
                      const map_path *paths, int n_paths, double w_star,
                      double b_star, map_range r)
{
    int cells[MAP_ROWS * MAP_COLS];   // glyph index per cell, -1 blank
    char glyphs[8] = ".*", key[160] = ". equal cost  * least squares";
    for (int i = 0; i < MAP_ROWS * MAP_COLS; i++)
        cells[i] = -1;
    for (int i = 0; i < n_ellipse; i++)
        if (!isnan(ew[i]))
            mark_cell(cells, ew[i], eb[i], 0, r);
    for (int k = 0; k < n_paths && k < 5; k++) {
        glyphs[2 + k] = paths[k].glyph;
        glyphs[3 + k] = '\0';
        size_t used = strlen(key);
        snprintf(key + used, sizeof key - used, "  %c %s",
                 paths[k].glyph, paths[k].name);
        for (int i = 0; i < paths[k].length; i++)
            mark_cell(cells, paths[k].w[i], paths[k].b[i], 2 + k, r);
    }
    mark_cell(cells, w_star, b_star, 1, r);
    plot_ascii_cells(p, title, cells, MAP_ROWS, MAP_COLS, glyphs, key);
}

// An animation of the paths growing over the valley's ellipses, on
// equal scales for w and b. Frame f shows the first frame_updates[f]
// updates of every path; ew, eb are (n_ellipse).
static void draw_map(plotter *pl, const char *stem, const char *title,
                     const double *ew, const double *eb, int n_ellipse,
                     const map_path *paths, int n_paths,
                     const int *frame_updates, int n_frames,
                     double w_star, double b_star, map_range r)
{
    plot *p = plot_anim_begin(pl, stem, 6, 4.4);
    plot_xy(p, "$ellipses", ew, eb, n_ellipse);
    double star_w[1] = {w_star}, star_b[1] = {b_star};
    plot_xy(p, "$star", star_w, star_b, 1);
    char name[16];
    for (int k = 0; k < n_paths; k++) {
        snprintf(name, sizeof name, "$path%d", k);
        plot_xy(p, name, paths[k].w, paths[k].b, paths[k].length);
    }
    plot_cmd(p, "set xlabel 'w'");
    plot_cmd(p, "set ylabel 'b'");
    plot_cmd(p, "set xrange [%g:%g]", r.w_lo, r.w_hi);
    plot_cmd(p, "set yrange [%g:%g]", r.b_lo, r.b_hi);
    plot_cmd(p, "set size ratio -1");
    plot_cmd(p, "set key bottom right box opaque samplen 2");
    ascii_map(p, title, ew, eb, n_ellipse, paths, n_paths, w_star, b_star,
              r);
    for (int f = 0; f < n_frames; f++) {
        plot_frame_begin(p);
        char command[1024];
        int used = snprintf(command, sizeof command,
                            "plot $ellipses with lines lc rgb '#b8b8b8' "
                            "lw 1 notitle, $star with points pt 3 ps 1.6 "
                            "lc rgb 'black' notitle");
        for (int k = 0; k < n_paths; k++) {
            int last = frame_updates[f] < paths[k].length - 1
                           ? frame_updates[f] : paths[k].length - 1;
            used += snprintf(command + used, sizeof command - (size_t)used,
                             ", $path%d every ::0::%d with lines %s "
                             "title '%s', $path%d every ::%d::%d with "
                             "points pt 7 ps 0.8 %s notitle", k, last,
                             paths[k].style, paths[k].name, k, last,
                             last, paths[k].style);
        }
        plot_cmd(p, "%s", command);
        char label[96];
        snprintf(label, sizeof label, "%s: update %d", title,
                 frame_updates[f]);
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
makes 500 passes over the beans, 250 000 updates. Its batch loop makes a
single pass: 50 batches of 10. Its fixed-step loop also makes a single
pass but steps once per bean, 500 steps of $0.01$. The first two
counts do not suit a comparison in which every variant steps once per
update: stochastic descent arrives within its first pass and would then
jitter for hundreds more, and 50 updates of $0.01$ could not even carry
fixed-step descent from $0.01$ to the beans' slope. So every descent
gets the same budget, 500 updates by default, as many as the
tutorial's fixed steps. That is one pass for stochastic descent and
ten passes for the two batch variants, enough for all three to arrive
and to show how they behave once they are there. `--quick` cuts the
budget to 200.

The program prints $w$ at a few checkpoints, updates 1, 2, 5, 10, 20,
and so on; then a summary of each descent, and the predictions; then it
walks the valley of two parameters.
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

// What to expect: full-batch descent's factor, its limit and arrival,
// stochastic descent's mean-square factor over the beans x[n], and the
// fewest fixed steps that can cover the distance; a = mean x^2.
static void print_predictions(double alpha, double a, double step,
                              double w0, double w_star, const double *x,
                              int n)
{
    double factor = fabs(1.0 - 2.0 * alpha * a);
    int predicted = full_batch_arrival(factor, w0, w_star);
    printf("\nfull batch: |w - w*| shrinks by |1 - 2 alpha a| = %.6f "
           "per update\n", factor);
    printf("full batch converges for alpha < 1/a = %.6f\n", 1.0 / a);
    if (predicted >= 0)
        printf("full batch would be within 0.01 after %d update%s\n",
               predicted, predicted == 1 ? "" : "s");
    else
        printf("full batch would never get within 0.01\n");
    double mean_square = 0.0;      // mean of (1 - 2 alpha x^2)^2
    for (int i = 0; i < n; i++) {
        double f = 1.0 - 2.0 * alpha * x[i] * x[i];
        mean_square += f * f;
    }
    mean_square /= n;
    printf("stochastic: mean of (1 - 2 alpha x^2)^2 = %.6g (%s 1)\n",
           mean_square, mean_square < 1.0 ? "below" : "not below");
    int fewest = (int)ceil((fabs(w0 - w_star) - NEAR) / step - 1e-9);
    fewest = fewest > 0 ? fewest : 0;
    printf("fixed step needs at least %d update%s\n", fewest,
           fewest == 1 ? "" : "s");
}

/**
## What the run shows

Here is the run made for this book: the set-up, the weight of each
descent at a few checkpoints, and a summary of each descent.

```{.output file="03-gradient-descent" to="fixed step needs"}
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

In the lower panel, the excess cost, the early descents of the
stochastic and mini-batch runs are roughly straight lines: the distance
to $w^\ast$ shrinks by a constant factor per update, so the excess cost,
which is $a\,(w - w^\ast)^2$, shrinks by its square. Fixed-step descent
curves down ever faster instead, because its distance falls by a
constant *amount*. After arrival every curve hits a floor set by its
noise, and mini-batch descent, the calmest in the table, has the lowest
floor.

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
*/

/**
## Walking the valley

The same three descents on the two parameters $(w, b)$, and then
full-batch descent just under and just over its step-size limit.
The function below runs them from $(w_0, 0)$ with the chapter's
learning rate and batch size, prints what they did and draws the two
maps.
*/

// Descent on (w, b) for the maps: full batch, stochastic and
// mini-batch at the chosen alpha, then full batch just under and just
// over the step-size limit. Prints what they did; draws two maps (with
// few frames when quick).
static void descend_valley(plotter *pl, const double *x, const double *y,
                           int n, const rng *r, bool in_order, int batch,
                           double alpha, double w0, int n_updates,
                           bool quick)
{
    bean_moments m = moments_of(x, y, n);
    double variance = m.xx - m.x * m.x;
    if (!(variance > 1e-12 * m.xx)) {      // one size only: no valley
        printf("\ntwo parameters: the beans need at least two different "
               "sizes\n");
        return;
    }
    double w_star = (m.xy - m.x * m.y) / variance;
    double b_star = m.y - w_star * m.x;
    double lambda[2], vx, vy;
    symmetric_eigen(lambda, &vx, &vy, m.xx, m.x, 1.0);
    double limit = 1.0 / lambda[0];
    printf("\ntwo parameters, y = w x + b, from (w, b) = (%g, 0):\n", w0);
    printf("least squares w* = %.6f, b* = %.6f, error %.6f\n", w_star,
           b_star, line_cost(m, w_star, b_star));
    printf("eigenvalues of A: %.6g across the valley, %.6g along it\n",
           lambda[0], lambda[1]);
    printf("full batch converges for alpha < 1/lambda_max = %.6g\n",
           limit);
    printf("and zig-zags across the valley for alpha > %.6g\n",
           limit / 2);
    printf("along the valley 1 - 2 alpha lambda_min = %.6g per update\n",
           1 - 2 * alpha * lambda[1]);

    enum { N_PATHS = 3 };
    // Full batch last, so that it is drawn on top of mini-batch descent,
    // which follows it closely.
    const char *names[N_PATHS] = {"stochastic", "mini-batch",
                                  "full batch"};
    const int batches[N_PATHS] = {1, batch, 0};
    const char glyphs[N_PATHS] = {'S', 'M', 'F'};
    const char *styles[N_PATHS] = {"lw 2 lc rgb '#1f6fb4'",
                                   "lw 3 lc rgb '#d6282b'",
                                   "lw 1.5 lc rgb '#000000'"};
    double *pw[N_PATHS], *pb[N_PATHS];     // each (n_updates + 1)
    map_path paths[N_PATHS];
    printf("%-11s %7s %10s %10s %10s %14s\n", "descent", "updates",
           "final w", "final b", "error", "from (w*, b*)");
    for (int k = 0; k < N_PATHS; k++) {
        pw[k] = nn_alloc((size_t)n_updates + 1, sizeof *pw[k]);
        pb[k] = nn_alloc((size_t)n_updates + 1, sizeof *pb[k]);
        bean_stream stream;
        stream_start(&stream, r, n, !in_order);
        int made = descend_line(pw[k], pb[k], batches[k], x, y, &stream,
                                m, w0, 0.0, alpha, n_updates);
        stream_free(&stream);
        paths[k] = (map_path){names[k], glyphs[k], styles[k], pw[k],
                              pb[k], made + 1};
        double w = pw[k][made], b = pb[k][made];
        printf("%-11s %7d %10.6g %10.6g %10.4g %14.6g%s\n", names[k], made,
               w, b, line_cost(m, w, b), hypot(w - w_star, b - b_star),
               made < n_updates ? "  ran away" : "");
    }

    // Ellipses, and frames spaced more densely early, where paths move.
    int n_ellipse = N_LEVELS * (ELLIPSE_POINTS + 2);
    double *ew = nn_alloc((size_t)n_ellipse, sizeof *ew);
    double *eb = nn_alloc((size_t)n_ellipse, sizeof *eb);
    n_ellipse = valley_ellipses(ew, eb, w_star, b_star, lambda, vx, vy);
    const map_range range = {-0.2, 2.2, -0.7, 1.1};
    enum { MAP_FRAMES = 60 };
    int frames[MAP_FRAMES + 1], n_frames = 0;
    int frame_count = quick ? MAP_FRAMES / 6 : MAP_FRAMES;
    for (int f = 0; f <= frame_count; f++) {
        double t = (double)f / frame_count;
        int u = (int)lround(n_updates * t * t);
        if (n_frames == 0 || u != frames[n_frames - 1])
            frames[n_frames++] = u;
    }
    draw_map(pl, "valley-descent", "descent on (w, b)", ew, eb, n_ellipse,
             paths, N_PATHS, frames, n_frames, w_star, b_star, range);

    // The step-size limit: full batch just under it and just over it.
    enum { LIMIT_UPDATES = 40 };
    const double fractions[2] = {0.9, 1.03};
    const char *limit_styles[2] = {"lw 2 lc rgb '#2a9a2a'",
                                   "lw 2 lc rgb '#8e44ad'"};
    const char limit_glyphs[2] = {'U', 'O'};
    char limit_names[2][48];
    double *lw[2], *lb[2];                 // each (LIMIT_UPDATES + 1)
    map_path limit_paths[2];
    printf("full batch near the limit, %d updates:\n", LIMIT_UPDATES);
    printf("%-11s %7s %10s %10s %10s %14s\n", "alpha", "limit",
           "final w", "final b", "error", "from (w*, b*)");
    for (int k = 0; k < 2; k++) {
        double rate = fractions[k] * limit;
        lw[k] = nn_alloc(LIMIT_UPDATES + 1, sizeof *lw[k]);
        lb[k] = nn_alloc(LIMIT_UPDATES + 1, sizeof *lb[k]);
        int made = descend_line(lw[k], lb[k], 0, x, y, NULL, m, w0, 0.0,
                                rate, LIMIT_UPDATES);
        snprintf(limit_names[k], sizeof limit_names[k], "alpha %.3g",
                 rate);
        limit_paths[k] = (map_path){limit_names[k], limit_glyphs[k],
                                    limit_styles[k], lw[k], lb[k],
                                    made + 1};
        double w = lw[k][made], b = lb[k][made];
        printf("%-11.6g %6.2fx %10.6g %10.6g %10.4g %14.6g%s\n", rate,
               fractions[k], w, b, line_cost(m, w, b),
               hypot(w - w_star, b - b_star),
               made < LIMIT_UPDATES ? "  ran away" : "");
    }
    int limit_frames[LIMIT_UPDATES + 1], n_limit_frames = 0;
    for (int u = 0; u <= LIMIT_UPDATES; u += quick ? 8 : 1)
        limit_frames[n_limit_frames++] = u;
    draw_map(pl, "valley-limit", "full batch near the limit", ew, eb,
             n_ellipse, limit_paths, 2, limit_frames, n_limit_frames,
             w_star, b_star, range);

    for (int k = 0; k < N_PATHS; k++)
        free(pw[k]), free(pb[k]);
    for (int k = 0; k < 2; k++)
        free(lw[k]), free(lb[k]);
    free(ew);
    free(eb);
}

/**
Here is what the book's run printed for the valley:

```{.output file="03-gradient-descent" from="two parameters"}
```

The eigenvalues say how narrow chapter 2's valley is: the cost climbs
across it many times faster than along it, and the limit on $\alpha$
comes from the steep direction. At the default learning rate the factor
along the valley, printed last before the table, is close to one: the
slow direction is where the updates are spent.

![Descent on $(w, b)$ over the map of chapter 2's valley, $w$ and $b$
on the same scale. Grey ellipses join points of equal cost; the star is
the least-squares line. Blue: stochastic descent, one bean per update;
red: mini-batch descent, 10 beans; thin black, on top of the red:
full-batch descent; a dot marks where each is at the update in the
title. In the HTML book
this is an animation; in print six of its frames.
](figures/03-gradient-descent/valley-descent)

All three start far up the valley's wall. There the cost is steep, so
the first updates carry them quickly down to the floor; then they turn
and crawl along it towards the least-squares point. Full-batch descent
walks a smooth curve and mini-batch descent follows it closely.
Stochastic descent zig-zags about it: each bean pulls the line towards
itself, and the pulls are largest across the valley, where the cost is
steep. All three end near the bottom (the table's last column).

![Full-batch descent on $(w, b)$ with a learning rate just under the
limit $1/\lambda_{\max}$ (green) and just over it (violet); the star
is the least-squares line. In the HTML book an animation; in print six
of its frames.](figures/03-gradient-descent/valley-limit)

Just under the limit, full-batch descent jumps from wall to wall of the
valley, each jump a little shorter than the one before, while it drifts
along the floor. Just over it, each jump is longer than the one before:
the path zig-zags up and out of the valley and the cost grows, although
a step of that size along the floor alone would be perfectly safe. The
steep direction sets the limit, and the limit then caps the speed in
the flat direction: the narrower the valley, the slower the descent,
whatever $\alpha$ we pick. That is one reason why later chapters care
about how inputs and weights are scaled, and why chapter 8 tries a
method that measures the curvature instead of guessing a step.
*/

/**
## Putting it together

`main` reads the flags, makes the beans, computes chapter 2's
parabola for the target and the divergence check, runs the three
descents on $w$, prints and draws them, and then walks the valley.
`--quick` also draws fewer animation frames.
*/
int main(int argc, char **argv)
{
    int n_beans = 500, n_updates = 500, batch = 10;
    double alpha = 0.1, step = 0.01, w0 = 0.01;
    bool in_order = false;
    cli_option options[] = {
        {.name = "--beans", .type = CLI_INT, .value = &n_beans,
         .help = "number of beans", .min = 1, .max = 1000000},
        {.name = "--updates", .type = CLI_INT, .value = &n_updates,
         .help = "updates for each descent", .min = 1, .max = 1000000},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &alpha,
         .help = "learning rate alpha", .max = 100, .open_min = true},
        {.name = "--batch", .type = CLI_INT, .value = &batch,
         .help = "beans per mini-batch", .min = 1, .max = 1000000},
        {.name = "--step", .type = CLI_DOUBLE, .value = &step,
         .help = "the fixed step", .max = 10, .open_min = true},
        {.name = "--w0", .type = CLI_DOUBLE, .value = &w0,
         .help = "initial weight", .min = -100, .max = 100},
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
    // beans (x, y), two bean orders, and 3 traces plus 6 path columns
    // of n_updates + 1 doubles
    size_t per_trace = nn_size_mul((size_t)n_updates + 1, sizeof(double));
    size_t bytes = nn_size_add(
        nn_size_mul((size_t)n_beans, 2 * sizeof(double) + 2 * sizeof(int)),
        nn_size_mul(9, per_trace));
    status = cli_check_memory(&common, bytes, "--updates or --beans");
    if (status != CLI_CONTINUE)
        return status;
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;

    rng r;
    rng_seed(&r, common.seed);
    double *x = nn_alloc((size_t)n_beans, sizeof *x);   // sizes, (n)
    double *y = nn_alloc((size_t)n_beans, sizeof *y);   // toxicity, (n)
    data_beans(&r, x, y, n_beans);

    // The target: chapter 2's closed form, and its parabola.
    quadratic cost = {0.0, 0.0, 0.0};
    for (int i = 0; i < n_beans; i++) {
        cost.a += x[i] * x[i];
        cost.b += -2.0 * x[i] * y[i];
        cost.c += y[i] * y[i];
    }
    cost.a /= n_beans, cost.b /= n_beans, cost.c /= n_beans;
    double w_star = -cost.b / (2.0 * cost.a), a = cost.a;
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
        status = descend(traces[d], &descents[d], x, y, &stream, cost, w0,
                         alpha, step, n_updates, &common);
        stream_free(&stream);
        if (status != CLI_CONTINUE) {
            for (int k = 0; k <= d; k++)
                free(traces[k]);
            free(x), free(y);
            plot_close(&pl);
            return status;
        }
    }

    print_checkpoints(traces, descents, n_updates);
    int settled = print_summary(traces, descents, n_updates, x, y,
                                n_beans, w_star);
    print_predictions(alpha, a, step, w0, w_star, x, n_beans);

    draw_weights(&pl, traces, descents, n_updates, w_star);
    draw_costs(&pl, traces, descents, n_updates, x, y, n_beans, w_star);
    draw_animation(&pl, traces, descents, n_updates, settled, x, y,
                   n_beans, common.quick);
    descend_valley(&pl, x, y, n_beans, &r, in_order, batch, alpha, w0,
                   n_updates, common.quick);
    for (int d = 0; d < N_DESCENTS; d++)
        free(traces[d]);
    free(x);
    free(y);
    return plot_close(&pl) == 0 ? 0 : 1;
}

/**
## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-03 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-03`
checks them all). Give a number you found as `ANSWER=`.

1. Run with `--in-order`, the tutorial's order of the beans. Compare the
   final weights with $w^\ast$: on which side of it do they end, and why
   do the last, biggest beans of every pass explain it?
2. Try `--lr 0.01` and `--lr 1`. How do the arrival update and the
   share of later updates within 0.01 change? The program prints the
   full-batch limit $1/a$; which of the two rates would full-batch
   descent on $w$ survive, and what happens to the walk in the valley
   at `--lr 1`? Stochastic descent's factor per update is random, and
   the program prints the mean of its square,
   $E\left[(1 - 2\alpha x^2)^2\right]$. Expand it and show that it is
   below one exactly when $\alpha < E[x^2] / E[x^4]$; work out this
   bound for sizes uniform on $[0, 1)$, as the beans' are. Then let the
   run confirm it: run 4% below and 4% above your bound and read the
   printed mean. (The program averages over its 500 beans, not over
   the uniform distribution, so the rate at which its mean crosses one
   is near your bound but not exactly on it.) Finally run `--lr 1.8`
   with `--seed 0`, `1` and `2`: above the bound, stochastic descent
   on $w$ ends at quite different weights in the three runs, yet in
   none of them does it diverge. Why can a run survive updates whose
   mean square factor exceeds one? (Compare the mean of the logarithms
   of the factors, which decides what a long product does.)
   (check: `make check-03 EXERCISE=2 ANSWER=<your bound>`)
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
6. In the valley, run with `--batch 500`: mini-batch descent on
   $(w, b)$ now uses every bean. Does its path coincide with full-batch
   descent's? Then find, with `--lr`, the rate at which full-batch
   descent on $(w, b)$ starts to run away, and compare it with the
   printed limit.

## Summary

- Gradient descent steps against the slope, $w \leftarrow w - \alpha
  k$; on the squared error it is chapter 1's delta rule.
- Full batch shrinks the distance to $w^\ast$ by $|1 - 2\alpha a|$ per
  update and converges exactly for $\alpha < 1/a$.
- Stochastic descent is cheap but noisy; mini-batches average the noise
  away (its spread falls with the square root of the batch size).
- Fixed steps throw the slope's size away: slow to arrive, unable to
  settle.
- On two parameters the valley's steep direction limits $\alpha$ and
  its flat direction then sets the pace.
*/
