/**
# The cost function: one number for how wrong a weight is {#ch-cost-function}

*What you need:* chapter 1, and derivatives of polynomials (the slope
of $a w^2 + b w + c$ is $2 a w + b$).

The neuron of chapter 1 nudged its weight bean by bean and settled on a
slope. But was that slope the *best* one, and best in what sense? This
chapter answers both questions with a single function of the weight, the
*cost*. We compute it for hundreds of weights and look for the lowest
point, then find that same point with a line of algebra, and hold
chapter 1's weight against it: chapter 1's slope was *not* quite the
best one, and we will see by how much and why. Finally we give the
neuron a second parameter and look at the cost as a landscape.

```{.run chapter="02-cost-function"}
```

Like every chapter, the program starts with the shared toolkit.
*/
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn.h"

/**
## Mean squared error

The neuron predicts $\hat y_i = w x_i$ for bean $i$ and misses its real
toxicity by $y_i - w x_i$. A miss upwards is as bad as a miss downwards,
and a big miss is worse than two small ones, so we square each miss and
average over the $n$ beans:

$$e(w) = \frac1n \sum_{i=1}^{n} \left(y_i - w x_i\right)^2 .$$

This is the *mean squared error*, and it is our cost: one number that
says how badly a weight fits all the beans at once. The best weight is
the one with the smallest cost. The tutorial this chapter follows
computes it with one NumPy line, `(1/100) * np.sum((ys - y_pre) ** 2)`;
in C it is a loop.
*/

// e(w) = 1/n sum_i (y_i - w x_i)^2 for y^ = w x; x[n] sizes, y[n]
// toxicities.
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

/**
## Looking for the lowest point by brute force

The most direct way to find the best weight is to try them all. We take
the weights $w_k = k \cdot \Delta$ for $k = 0, 1, 2, \dots$ up to (but
not including) $3$, with a step of $\Delta = 0.01$ (NumPy's
`np.arange(0, 3, 0.01)`, 300 weights), compute $e(w_k)$ for each, and
keep the index of the smallest. On ties the first index wins, as with the
tutorial's `list.index(min(...))`.

Three hundred weights times a hundred beans is thirty thousand
multiply-adds: nothing for a computer, but this approach does not scale.
A network with a million weights cannot try every combination of them;
the rest of the book is about doing better. For one weight, though, the
scan is the honest baseline that everything else must agree with.
*/

// How many weights np.arange(0, w_max, step) holds: ceil(w_max / step).
static int scan_size(double w_max, double step)
{
    return (int)ceil(w_max / step);
}

// Fill errors[k] = e(k * step) for k = 0 .. n_scan-1 and return the
// index of the smallest (the first one on ties). errors is (n_scan).
static int scan_weights(double *errors, const double *x, const double *y,
                        int n, double step, int n_scan)
{
    int best = 0;
    for (int k = 0; k < n_scan; k++) {
        errors[k] = mean_squared_error(k * step, x, y, n);
        if (errors[k] < errors[best])
            best = k;
    }
    return best;
}

/**
## The cost is a parabola in $w$

Brute force found a minimum, but algebra tells us where it *must* be.
Expand one bean's squared miss:

$$\left(y - w x\right)^2 = x^2\, w^2 \;-\; 2 x y\, w \;+\; y^2 .$$

Seen as a function of $w$ (the bean's $x$ and $y$ are fixed numbers),
this is a quadratic $a w^2 + b w + c$ with $a = x^2$, $b = -2 x y$ and
$c = y^2$, exactly as the tutorial writes it. Averaging over the beans
averages the coefficients, so the whole cost is a quadratic too:

$$e(w) = a\,w^2 + b\,w + c, \qquad
a = \frac1n \sum_i x_i^2, \quad
b = -\frac2n \sum_i x_i y_i, \quad
c = \frac1n \sum_i y_i^2 .$$

Since $a > 0$ (some bean has a nonzero size), the parabola opens upwards
and has exactly one lowest point. Its slope is the derivative

$$\frac{de}{dw} = 2 a w + b .$$

Left of the minimum the curve falls, so the slope is negative; right of
it the curve rises and the slope is positive. The slope changes sign at
the bottom, and being a straight line in $w$ it can only do that by
passing through zero: the minimum sits exactly where $2 a w + b = 0$,

$$w^\ast = -\frac{b}{2a}
         = \frac{\sum_i x_i y_i}{\sum_i x_i^2} .$$

This is the *least-squares* weight, a closed form that needs one pass
over the beans and no search at all. The slope $2aw + b$ matters even
more than the formula: it tells us, at any $w$, which way is downhill and
how steep it is. That is the whole idea of gradient descent, the subject
of chapter 3.
*/

// e(w) = a w^2 + b w + c, the cost written as a parabola in w.
typedef struct {
    double a, b, c;
} quadratic;

// a = mean x^2, b = -2 mean x y, c = mean y^2; x[n], y[n].
static quadratic cost_as_quadratic(const double *x, const double *y,
                                   int n)
{
    quadratic q = {0.0, 0.0, 0.0};
    for (int i = 0; i < n; i++) {
        q.a += x[i] * x[i];
        q.b += -2.0 * x[i] * y[i];
        q.c += y[i] * y[i];
    }
    q.a /= n;
    q.b /= n;
    q.c /= n;
    return q;
}

// de/dw = 2 a w + b
static double quadratic_slope(quadratic q, double w)
{
    return 2.0 * q.a * w + q.b;
}

// The bottom of the parabola, where the slope is zero: w* = -b / (2a).
static double quadratic_minimum(quadratic q)
{
    return -q.b / (2.0 * q.a);
}

/**
Why do the scan and the formula agree, and how closely? A parabola is
symmetric about its lowest point: two weights at the same distance from
$w^\ast$ have the same cost, $e(w^\ast + d) = e(w^\ast) + a d^2$. So among
the scanned weights, the one nearest to $w^\ast$ has the smallest cost,
and it is never more than half a step away. The scan can only be as
precise as its grid; the formula is exact. Their costs differ by
$a d^2$, which for $d$ below half a step is tiny.

## Was chapter 1's slope the best?

Chapter 1's neuron settled on a weight after a few passes. With the
cost we can now say whether that weight was the best one: is it
$w^\ast$? The function below replays chapter 1's training, the delta
rule $w \leftarrow w + \alpha\,(y - w x)\,x$ for a number of passes over
the beans, in the order we choose, so that the program can print the
settled weight next to $w^\ast$. It runs three times: with chapter 1's
settings (beans from small to big), with the beans in the opposite
order, and with a learning rate ten times smaller.
*/

// Chapter 1's training: `passes` passes of the delta rule from w0 over
// the beans x[n], y[n], from the smallest to the biggest (or the other
// way round when reverse is true). Returns the final w.
static double delta_rule(const double *x, const double *y, int n,
                         double alpha, double w0, int passes, bool reverse)
{
    double w = w0;
    for (int pass = 0; pass < passes; pass++)
        for (int k = 0; k < n; k++) {
            int i = reverse ? n - 1 - k : k;
            w += alpha * (y[i] - w * x[i]) * x[i];
        }
    return w;
}

/**
## A second parameter: the error surface

A line through the origin cannot follow the beans perfectly: their noise
is added on top of $1.2\,x$ and is never negative, so even a bean of size
zero is a little toxic. Give the neuron a *bias* $b$ (from here on $b$
means the bias, no longer the coefficient above):

$$\hat y = w x + b, \qquad
e(w, b) = \frac1n \sum_i \left(y_i - w x_i - b\right)^2 .$$

The cost now depends on two numbers, so it is a surface over the
$(w, b)$ plane. It is still quadratic, a bowl, and its bottom is where
both slopes vanish. Setting $\partial e / \partial b = 0$ gives
$b = \bar y - w \bar x$ (bars are means over the beans): the best line
passes through the centre of the beans. Putting that into
$\partial e / \partial w = 0$ gives

$$w^\ast = \frac{\overline{x y} - \bar x\, \bar y}
                {\overline{x^2} - \bar x^2}, \qquad
  b^\ast = \bar y - w^\ast \bar x ,$$

the covariance of size and toxicity over the variance of size.
*/

// e(w, b) = 1/n sum_i (y_i - w x_i - b)^2; x[n], y[n].
static double mean_squared_error_biased(double w, double b,
                                        const double *x, const double *y,
                                        int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double miss = y[i] - w * x[i] - b;
        sum += miss * miss;
    }
    return sum / n;
}

// The least-squares line y = w x + b through the beans x[n], y[n]:
// w = (mean(xy) - mean(x) mean(y)) / (mean(x^2) - mean(x)^2) and
// b = mean(y) - w mean(x). Needs two different sizes, or the slope is
// undefined.
static void least_squares_line(double *w, double *b, const double *x,
                               const double *y, int n)
{
    double mean_x = 0, mean_y = 0, mean_xy = 0, mean_xx = 0;
    for (int i = 0; i < n; i++) {
        mean_x += x[i];
        mean_y += y[i];
        mean_xy += x[i] * y[i];
        mean_xx += x[i] * x[i];
    }
    mean_x /= n, mean_y /= n, mean_xy /= n, mean_xx /= n;
    *w = (mean_xy - mean_x * mean_y) / (mean_xx - mean_x * mean_x);
    *b = mean_y - *w * mean_x;
}

/**
To draw the surface we sample $e(w, b)$ on a grid, here $w$ from $0$ to
$2.5$ and $b$ from $-1$ to $1$ (the tutorial's grid, $w$ in $[0, 2)$ and
$b$ in $[-3, 3)$, is mostly steep walls). The layout is the one the
plot module's `plot_grid` expects: one row of the grid per value of $b$.
*/

// errors[ib * n_w + iw] = e(w, b) at w = w_lo + iw (w_hi - w_lo) /
// (n_w - 1), b likewise; errors is (n_b, n_w).
static void error_surface(double *errors, int n_w, int n_b, double w_lo,
                          double w_hi, double b_lo, double b_hi,
                          const double *x, const double *y, int n)
{
    for (int ib = 0; ib < n_b; ib++) {
        double b = b_lo + ib * (b_hi - b_lo) / (n_b - 1);
        for (int iw = 0; iw < n_w; iw++) {
            double w = w_lo + iw * (w_hi - w_lo) / (n_w - 1);
            errors[(size_t)ib * n_w + iw] =
                mean_squared_error_biased(w, b, x, y, n);
        }
    }
}

/**
## Drawing

Three figures: the cost curve $e(w)$ from the scan with its lowest point
marked; the beans with the line of the best scanned weight (the
tutorial's final plot) and, beside it, the least-squares line with a
bias; and the surface $e(w, b)$. The surface uses gnuplot's `splot` with
`pm3d` colouring and contour lines drawn on the bowl itself. In a
terminal (`--plot dumb`) the surface becomes a map of shades over the
$(w, b)$ plane, darker where the cost is higher.
*/

static void draw_cost_curve(plotter *pl, const double *errors, int n_scan,
                            double step, int best)
{
    double *ws = nn_alloc((size_t)n_scan, sizeof *ws);   // (n_scan)
    for (int k = 0; k < n_scan; k++)
        ws[k] = k * step;
    plot *p = plot_begin(pl, "cost-curve", 6, 3.6);
    plot_xy(p, "$scan", ws, errors, n_scan);
    plot_cmd(p, "set title 'mean squared error of y = w x'");
    plot_cmd(p, "set xlabel 'w'");
    plot_cmd(p, "set ylabel 'e(w)'");
    plot_cmd(p, "set key top center");
    plot_cmd(p, "w_best = %.17g; e_best = %.17g", ws[best], errors[best]);
    plot_cmd(p, "set label 1 sprintf('minimum e = %%.6f at w = %%g', "
                "e_best, w_best) at w_best, graph 0.22 center");
    plot_cmd(p, "set arrow 1 from w_best, graph 0.17 to w_best, e_best "
                "lw 1.5");
    plot_cmd(p, "plot $scan with lines lw 2 title 'e(w), scanned', "
                "'+' using (w_best):(e_best) every ::0::0 with points "
                "pt 7 ps 1.2 lc rgb 'red' title 'smallest'");
    plot_end(p);
    free(ws);
}

// The beans with the best scanned line through the origin and the
// least-squares line with a bias, y = w_line x + b_line.
static void draw_fit(plotter *pl, const double *x, const double *y, int n,
                     double w, double w_line, double b_line)
{
    plot *p = plot_begin(pl, "beans-fit", 6, 3.6);
    plot_xy(p, "$beans", x, y, n);
    plot_cmd(p, "set title 'size-toxicity function'");
    plot_cmd(p, "set xlabel 'bean size'");
    plot_cmd(p, "set ylabel 'toxicity'");
    plot_cmd(p, "set key top left box opaque");
    plot_cmd(p, "w = %.17g; w_line = %.17g; b_line = %.17g", w, w_line,
             b_line);
    plot_cmd(p, "plot [0:1] $beans with points pt 7 ps 0.6 "
                "lc rgb '#909090' title 'beans', "
                "w * x with lines lw 2 lc rgb '#1f6fb4' "
                "title sprintf('best scanned: y = %%.2f x', w), "
                "w_line * x + b_line with lines lw 2 dt 2 "
                "lc rgb '#d6282b' title sprintf('with a bias: "
                "y = %%.3f x + %%.3f', w_line, b_line)");
    plot_end(p);
}

// The bowl e(w, b), contour lines drawn on it; errors is (n_b, n_w)
// over [w_lo, w_hi] x [b_lo, b_hi]; (w_min, b_min, e_min) its bottom.
static void draw_surface(plotter *pl, const double *errors, int n_w,
                         int n_b, double w_lo, double w_hi, double b_lo,
                         double b_hi, double w_min, double b_min,
                         double e_min)
{
    const double e_top = 3.0;
    double bottom_w[1] = {w_min}, bottom_b[1] = {b_min};
    double bottom_e[1] = {e_min};
    const double *bottom[3] = {bottom_w, bottom_b, bottom_e};
    plot *p = plot_begin(pl, "cost-surface", 6, 4.5);
    plot_grid(p, "$surface", errors, n_w, n_b, w_lo, w_hi, b_lo, b_hi);
    plot_columns(p, "$bottom", bottom, 3, 1);
    plot_cmd(p, "set title 'mean squared error of y = w x + b'");
    plot_cmd(p, "set xlabel 'w' offset 0, -0.5");
    plot_cmd(p, "set ylabel 'b' offset 1, 0");
    plot_cmd(p, "set zlabel 'e(w, b)' rotate by 90 offset 1, 0");
    plot_cmd(p, "set xtics 0, 0.5, %g offset 0, -0.3", w_hi);
    // b's first label would collide with w's last one at the corner
    plot_cmd(p, "set ytics %g, 0.5, %g", b_lo + 0.5, b_hi);
    plot_cmd(p, "set ztics 0, 1, %g", e_top);
    plot_cmd(p, "set view 62, 28, 1.15");
    plot_cmd(p, "set xyplane at 0");
    plot_cmd(p, "set zrange [0:%g]", e_top);
    plot_cmd(p, "set cbrange [0:%g]", e_top);
    plot_cmd(p, "set palette rgbformulae 33,13,10");
    plot_cmd(p, "unset colorbox");
    // Seams between the patches: retrace closes them in PDF, but
    // gnuplot's SVG fills a retraced border black, so SVG goes without.
    plot_cmd(p, "if (GPVAL_TERM eq 'svg') { set pm3d depthorder "
                "noborder } else { set pm3d depthorder border retrace }");
    plot_cmd(p, "set style fill solid 1.0 noborder");
    plot_cmd(p, "set contour surface");
    plot_cmd(p, "set cntrparam levels discrete 0.01, 0.05, 0.15, 0.3, "
                "0.6, 1, 1.5, 2");
    plot_cmd(p, "set cntrlabel onecolor");
    plot_cmd(p, "unset key");
    plot_cmd(p, "splot $surface with pm3d nocontour, "
                "$surface nosurface with lines lc rgb '#303030', "
                "$bottom with points pt 7 ps 1.4 lc rgb 'black' "
                "nocontour");
    // The terminal form: the cost as shades over the (w, b) plane.
    const double *top_row = errors + (size_t)(n_b - 1) * n_w;
    double *flipped = nn_alloc((size_t)n_w * n_b, sizeof *flipped);
    for (int r = 0; r < n_b; r++)       // row 0 is the largest b
        for (int c = 0; c < n_w; c++)
            flipped[(size_t)r * n_w + c] = top_row[-(ptrdiff_t)r * n_w
                                                   + c];
    plot_ascii_image(p, "e(w, b): w from 0 (left) to 2.5, b from 1 "
                     "(top) to -1; darker is higher", flipped, n_b, n_w,
                     0.0, e_top);
    free(flipped);
    plot_end(p);
}

/**
## The program

The defaults are the tutorial's: 100 beans, weights from $0$ to $3$ in
steps of $0.01$. The generator is seeded with `--seed` (default 0), so
these are the same hundred beans as in chapter 1 (and in the tutorial's
Python, seeded with `np.random.seed(0)`). The whole chapter runs in
milliseconds, so `--quick` changes nothing here.
*/
int main(int argc, char **argv)
{
    int n_beans = 100;
    double step = 0.01, w_max = 3.0;
    cli_option options[] = {
        {.name = "--beans", .type = CLI_INT, .value = &n_beans,
         .help = "number of beans", .min = 2, .max = 1000000},
        {.name = "--step", .type = CLI_DOUBLE, .value = &step,
         .help = "step of the scan over w", .max = 10,
         .open_min = true},
        {.name = "--w-max", .type = CLI_DOUBLE, .value = &w_max,
         .help = "the scan covers [0, w-max)", .max = 100,
         .open_min = true},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "chapter 2: the cost function of the beans");
    if (status != CLI_CONTINUE)
        return status;
    int n_scan = scan_size(w_max, step);
    if (n_scan < 2 || n_scan > 10000000)
        return cli_error(&common, "--step %g and --w-max %g give %d "
                         "weights to scan; expected 2 to 10000000",
                         step, w_max, n_scan);
    enum { N_W = 51, N_B = 41 };
    // beans (x, y), the scan, the surface grid and its terminal copy
    size_t bytes = nn_size_mul(sizeof(double),
                               nn_size_add(nn_size_mul(2, (size_t)n_beans),
                                           (size_t)n_scan + 2 * N_W * N_B));
    status = cli_check_memory(&common, bytes, "--beans or --w-max/--step");
    if (status != CLI_CONTINUE)
        return status;
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;

    rng r;
    rng_seed(&r, common.seed);
    double *x = nn_alloc((size_t)n_beans, sizeof *x);   // sizes, (n)
    double *y = nn_alloc((size_t)n_beans, sizeof *y);   // toxicity, (n)
    double *errors = nn_alloc((size_t)n_scan, sizeof *errors);  // (n_scan)
    data_beans(&r, x, y, n_beans);

    // The scan, printed as the tutorial prints it: minimum, index, w.
    int best = scan_weights(errors, x, y, n_beans, step, n_scan);
    double w_best = best * step;
    printf("%d beans; w scanned over [0, %g) in steps of %g: %d weights\n",
           n_beans, w_max, step, n_scan);
    printf("smallest mean squared error: %.6f\n", errors[best]);
    printf("at index %d, w = %g\n", best, w_best);

    // The parabola and its closed-form minimum.
    quadratic q = cost_as_quadratic(x, y, n_beans);
    double w_star = quadratic_minimum(q);
    printf("\ne(w) = a w^2 + b w + c with a = %.6f, b = %.6f, "
           "c = %.6f\n", q.a, q.b, q.c);
    printf("slope 2 a w + b at the scanned minimum: %.6f\n",
           quadratic_slope(q, w_best));
    printf("slope is zero at w* = -b / (2a) = %.6f\n", w_star);
    printf("least-squares error e(w*) = %.6f\n",
           mean_squared_error(w_star, x, y, n_beans));
    printf("scan minus closed form: %+.6f (half a step is %g)\n",
           w_best - w_star, step / 2);
    if (w_star < 0 || w_star >= n_scan * step)
        printf("note: w* lies outside the scanned range, so the scan "
               "stops at its edge\n");

    // Chapter 1's training against w*: its settings (alpha 0.05, 100
    // passes from w = 0.05), the reversed order, a ten times smaller
    // rate.
    printf("\nchapter 1's delta rule, 100 passes from w = 0.05:\n");
    printf("%7s  %-11s %10s %10s %10s\n", "alpha", "beans", "w",
           "error", "w - w*");
    const struct {
        double alpha;
        bool reverse;
    } replays[] = {{0.05, false}, {0.05, true}, {0.005, false}};
    for (size_t k = 0; k < sizeof replays / sizeof replays[0]; k++) {
        double w1 = delta_rule(x, y, n_beans, replays[k].alpha, 0.05, 100,
                               replays[k].reverse);
        printf("%7g  %-11s %10.6f %10.6f %+10.6f\n", replays[k].alpha,
               replays[k].reverse ? "big first" : "small first", w1,
               mean_squared_error(w1, x, y, n_beans), w1 - w_star);
    }

    // With a bias: the bottom of the bowl e(w, b).
    double w_line, b_line;
    least_squares_line(&w_line, &b_line, x, y, n_beans);
    double e_line = mean_squared_error_biased(w_line, b_line, x, y,
                                              n_beans);
    printf("\nwith a bias, y = w x + b:\n");
    printf("least squares w = %.6f, bias b = %.6f, error %.6f\n",
           w_line, b_line, e_line);

    const double w_lo = 0.0, w_hi = 2.5, b_lo = -1.0, b_hi = 1.0;
    double *surface = nn_alloc((size_t)N_W * N_B, sizeof *surface);
    error_surface(surface, N_W, N_B, w_lo, w_hi, b_lo, b_hi, x, y,
                  n_beans);

    draw_cost_curve(&pl, errors, n_scan, step, best);
    draw_fit(&pl, x, y, n_beans, w_best, w_line, b_line);
    draw_surface(&pl, surface, N_W, N_B, w_lo, w_hi, b_lo, b_hi, w_line,
                 b_line, e_line);
    free(x);
    free(y);
    free(errors);
    free(surface);
    return plot_close(&pl) == 0 ? 0 : 1;
}

/**
## What the run shows

The scan, as the tutorial prints it: the smallest cost, the index where
it falls and the weight at that index.

```{.output file="02-cost-function" lines="1-3"}
```

![The cost $e(w)$ over the scanned weights: a parabola, steep far from
the beans' slope and flat at the bottom.](figures/02-cost-function/cost-curve)

The parabola, its slope at the scanned minimum, and the closed form:

```{.output file="02-cost-function" from="e(w) =" to="scan minus"}
```

The slope at the best scanned weight is close to zero but not zero,
because the grid does not contain $w^\ast$ itself. The closed form lands
between two grid points and the scan picks the nearer one, less than
half a step away, as the symmetry argument promised. The two costs
barely differ, by $a d^2$ with $d$ the distance between the two weights:
near the bottom the parabola is flat, so a small error in $w$ costs very
little error in $e$.

**Chapter 1's slope.** Now the question the chapter opened with. Here
is chapter 1's training replayed three times, each next to $w^\ast$:

```{.output file="02-cost-function" from="delta rule, 100" to="0.005  small"}
```

With chapter 1's settings (the first row) the neuron settled *below*
$w^\ast$: it was not the best weight, though its cost is only a little
higher, thanks to the flat bottom. The reason is the order of the
beans. The delta rule with a constant $\alpha$ never stops moving: every
bean pulls $w$ towards its own ratio $y/x$, and what chapter 1 saw
settle is the weight at which a whole pass of pulls, *in that order*,
cancels out. The last beans of a pass pull last, and nothing undoes
their pull before the pass ends. In chapter 1 the last beans are the
biggest, whose ratios lie closest to the $1.2$ the beans were made with
(the noise matters least where $x$ is large), so the settled weight
leans towards them. Reverse the order (the second row) and it lands on
the other side of $w^\ast$, leaning towards the small beans, whose
ratios the noise pushes up. A smaller $\alpha$ (the third row) makes
each pull weaker, so the order matters less and the settled weight
comes closer to $w^\ast$; only as $\alpha$ shrinks to zero does it reach
it. Least squares has no order at all: it weighs every bean at once.
Chapter 3 returns to this with random orders and with averaging.

## A second parameter, drawn

The line with a bias, from the closed form:

```{.output file="02-cost-function" from="with a bias" to="least squares w"}
```

![The hundred beans, the best scanned line through the origin (solid)
and the least-squares line with a bias (dashed).
](figures/02-cost-function/beans-fit)

With the bias free, the slope comes back close to the $1.2$ the beans
were made with, and the bias takes up the noise's average, which the
line through the origin could only imitate by tilting. The cost falls
too: two parameters fit at least as well as one, since $b = 0$ is still
allowed.

![The cost $e(w, b)$ of the line $y = w x + b$ as a surface over the
$(w, b)$ plane. The black lines on it join points of equal cost, at
$e = 0.01, 0.05, 0.15, 0.3, 0.6, 1, 1.5$ and $2$; the black dot is the
least-squares line, the bottom of the bowl.
](figures/02-cost-function/cost-surface)

The surface is a long narrow valley rather than a round bowl. Raising
$w$ and lowering $b$ together barely changes the predictions of beans
in the middle of the size range, so the cost hardly changes along that
diagonal, while it climbs steeply across it. The contour lines, long
thin ellipses, show the same thing. Valleys like this one make gradient
descent zig-zag: chapter 3 draws the paths of its descents on the map
of this valley.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-02 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-02`
checks them all). Give a number you found as `ANSWER=`.

1. Run with `--step 0.1` and then `--step 0.001`. How far is the
   scanned weight from $w^\ast$ each time? Is it always within half a
   step? Half a step is the worst case, not the rule: find a step of at
   least 0.1 with which the scan lands within 0.001 of $w^\ast$.
   (check: `make check-02 EXERCISE=1 ANSWER=<your --step>`)
2. Scan a range that misses the minimum, `--w-max 1`. What does the scan
   report, and what does the slope $2 a w + b$ at its answer tell you
   that the smallest cost alone does not? How far beyond the edge does
   the slope say the minimum lies?
3. With `--beans 2` the cost is still a parabola. Work out $a$, $b$ and
   $c$ by hand for two beans of your choice and check the formula
   $w^\ast = \sum x y / \sum x^2$.
4. Replace the square by an absolute value, $|y - w x|$, in
   `mean_squared_error`. Does the scan still find a clear minimum? Is
   there still a formula for it, and is the cost still smooth at the
   bottom?
5. (Harder) Scan the surface too: find the smallest of the values
   `error_surface` computed (the grid of $w$ from 0 to 2.5 and $b$ from
   $-1$ to 1 in steps of 0.05) and print its point after the
   least-squares line with
   `printf("grid best: w = %g, b = %g, error %.6f\n", ...)`. Goal: the
   line names the grid's lowest point and its error. Compare it with
   the least-squares line. Must the best grid point be the one nearest
   to the true minimum? Think of a narrow, tilted valley.
   (check: `make check-02 EXERCISE=5`)

## Summary

- The mean squared error $e(w)$ turns "how good is this weight" into
  one number; the best weight is the one with the smallest cost.
- For a line through the origin $e(w)$ is a parabola, and its minimum
  has a closed form, $w^\ast = \sum x y / \sum x^2$.
- Chapter 1's delta rule settled near $w^\ast$ but not on it: a
  constant $\alpha$ and a fixed order bias it towards the last beans.
- With a bias, $e(w, b)$ is a bowl over a plane, here a narrow valley.
- The slope of the cost points downhill: chapter 3 follows it.
*/
