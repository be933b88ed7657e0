/**
# The Rosenblatt perceptron: one weight learns from beans {#ch-rosenblatt}

Imagine a village where a kind of bean grows that is mildly poisonous:
the bigger the bean, the more toxic it is. The villagers have measured a
hundred beans, size against toxicity, and would like a rule that predicts
the toxicity of the next bean from its size alone. This chapter builds
the smallest possible learning machine for that job and watches it learn.

```{.run chapter="01-rosenblatt"}
```

## A neuron is a weighted sum

Frank Rosenblatt's perceptron (1958) models a neuron as a unit that takes
its inputs, multiplies each by a *weight*, and adds the products up. With
one input $x$ (the bean's size) and one weight $w$ the neuron predicts

$$\hat y = w \, x .$$

That is the whole model: a straight line through the origin whose slope
is $w$. Everything the neuron "knows" is the single number $w$; learning
means finding a good value for it from examples.

The program is a C file that you can read from top to bottom. It starts
with the toolkit that every chapter shares (its matrix, random numbers,
plots and command line are described in the appendix).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn.h"

/**
## The beans

We make the data set ourselves, exactly as the tutorial this chapter
follows does with NumPy: draw 100 sizes uniformly in $[0, 1)$, sort them,
and give each bean the toxicity

$$y = 1.2\,x + \varepsilon, \qquad \varepsilon \sim U[0, 0.1).$$

The true slope is therefore a little above $1.2$ (the noise has mean
$0.05$, which a line through the origin absorbs by tilting slightly). The
toolkit's generator is NumPy's own Mersenne Twister, so with seed 0 the C
program sees the very beans the Python program sees. `data_beans` in
`common/data.c` is five lines long.
*/

/**
## Learning from mistakes

Take one bean $(x, y)$. The neuron predicts $\hat y = w x$ and misses by
the error $e = y - \hat y$. Rosenblatt's rule nudges the weight by the
error times the input, scaled by a small *learning rate* $\alpha$:

$$w \leftarrow w + \alpha \,(y - w x)\, x .$$

Why does this move $w$ the right way? If the prediction is too low
($e > 0$), and sizes are positive ($x > 0$), the update adds a positive
amount, so the line steepens and $w x$ rises towards $y$. If the
prediction is too high, $e < 0$ and $w$ shrinks. The factor $x$ makes
large beans, whose predictions a change of $w$ moves the most, count the
most; a bean of size zero carries no information about the slope and
leaves $w$ alone.

The learning rate $\alpha$ sets the step. After one update the new error
on the same bean is $e' = y - (w + \alpha e x) x = e\,(1 - \alpha x^2)$:
with $0 < \alpha x^2 < 1$ every step shrinks the error without
overshooting. A tiny $\alpha$ learns slowly; an $\alpha$ with
$\alpha x^2 > 2$ makes the error grow at each step and $w$ runs away (try
`--lr 3`).

One *pass* (an epoch) shows the neuron every bean once, in order. The
function below does one pass and returns the new weight.
*/

// One update of Rosenblatt's rule on the bean (x, y).
static double rosenblatt_update(double w, double x, double y, double alpha)
{
    double predicted = w * x;           // y^ = w x
    double error = y - predicted;       // e = y - y^
    return w + alpha * error * x;       // w += alpha e x
}

// One pass over the n beans, in order; x[n] sizes, y[n] toxicities.
// If trace is not NULL, trace[i] receives w after the i-th update.
static double rosenblatt_pass(double w, const double *x, const double *y,
                              int n, double alpha, double *trace)
{
    for (int i = 0; i < n; i++) {
        w = rosenblatt_update(w, x[i], y[i], alpha);
        if (trace)
            trace[i] = w;
    }
    return w;
}

/**
To judge a weight we need one number for all beans, the mean squared
error $\frac1n \sum_i (y_i - w x_i)^2$. The next chapter is about it; here
it is only printed so that you can watch it fall.
*/

// Mean squared error of y^ = w x over the n beans.
static double mean_squared_error(double w, const double *x,
                                 const double *y, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double error = y[i] - w * x[i];
        sum += error * error;
    }
    return sum / n;
}

/**
## Drawing the result

The figure shows the beans as points and the learned line $\hat y = w x$
through them, the same picture as the tutorial's `plt.scatter` and
`plt.plot`. Plots go to gnuplot through the toolkit's `plot` module: we
hand it the points as an inline data block and one `plot` command, and it
draws them in a window, in the terminal or into files for this book.
*/

static void draw_fit(plotter *pl, const double *x, const double *y, int n,
                     double w)
{
    plot *p = plot_begin(pl, "beans-fit", 6, 4);
    plot_xy(p, "$beans", x, y, n);
    plot_cmd(p, "set title 'size-toxicity function'");
    plot_cmd(p, "set xlabel 'bean size'");
    plot_cmd(p, "set ylabel 'toxicity'");
    plot_cmd(p, "set key top left");
    plot_cmd(p, "w = %.17g", w);
    plot_cmd(p, "plot [0:1] $beans with points pt 7 ps 0.6 "
                "title 'beans', w * x with lines lw 2 "
                "title sprintf('learned: y = %%.3f x', w)");
    plot_end(p);
}

// The weight after every update of the first passes: the climb.
// trace[n_updates] holds w after each update.
static void draw_trace(plotter *pl, const double *trace, int n_updates,
                       int n_beans)
{
    double *update = nn_alloc((size_t)n_updates, sizeof(double));
    for (int i = 0; i < n_updates; i++)
        update[i] = i + 1;
    plot *p = plot_begin(pl, "weight-trace", 6, 3);
    plot_xy(p, "$trace", update, trace, n_updates);
    plot_cmd(p, "set xlabel 'update (one bean each; %d per pass)'",
             n_beans);
    plot_cmd(p, "set ylabel 'w'");
    plot_cmd(p, "set key bottom right");
    plot_cmd(p, "plot $trace with lines lw 2 title 'w after each update'");
    plot_end(p);
    free(update);
}

/**
## The program

`main` reads the command line (every chapter accepts `--help`, `--seed`,
`--quick`, `--plot` and `--out`, plus its own flags), makes the beans,
runs the passes, prints the weight as it goes, and draws. The defaults
are the tutorial's: 100 beans, 100 passes, $w_0 = 0.05$,
$\alpha = 0.05$.
*/
int main(int argc, char **argv)
{
    int n_beans = 100, passes = 100;
    double alpha = 0.05, w = 0.05;
    cli_option options[] = {
        {"--beans", CLI_INT, &n_beans, "number of beans", .min = 1,
         .max = 1000000},
        {"--epochs", CLI_INT, &passes, "passes over the beans", .min = 1,
         .max = 1000000},
        {"--lr", CLI_DOUBLE, &alpha, "learning rate alpha", .min = 0,
         .max = 100, .open_min = true},
        {"--w0", CLI_DOUBLE, &w, "initial weight", .min = -100,
         .max = 100},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv,
                           "chapter 1: Rosenblatt's perceptron on beans");
    if (status != CLI_CONTINUE)
        return status;
    if (common.quick)
        passes = passes < 10 ? passes : 10;
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;

    rng r;
    rng_seed(&r, common.seed);
    double *x = nn_alloc((size_t)n_beans, sizeof *x);   // sizes, (n)
    double *y = nn_alloc((size_t)n_beans, sizeof *y);   // toxicity, (n)
    int traced_passes = passes < 3 ? passes : 3;
    double *trace = nn_alloc((size_t)traced_passes * n_beans,
                             sizeof *trace);        // (passes, beans)
    data_beans(&r, x, y, n_beans);

    printf("%d beans, %d passes, alpha = %g, starting at w = %g\n",
           n_beans, passes, alpha, w);
    int report_every = passes >= 10 ? passes / 10 : 1;
    for (int pass = 1; pass <= passes; pass++) {
        double *pass_trace = pass <= traced_passes
                                 ? trace + (size_t)(pass - 1) * n_beans
                                 : NULL;
        w = rosenblatt_pass(w, x, y, n_beans, alpha, pass_trace);
        if (!isfinite(w)) {
            fprintf(stderr, "%s: w diverged to %g after pass %d; the "
                    "learning rate %g is too large for these beans "
                    "(try --lr 0.05)\n", common.program, w, pass, alpha);
            free(x), free(y), free(trace);
            return 1;
        }
        if (pass <= 3 || pass % report_every == 0)
            printf("pass %3d: w = %.6f  mean squared error = %.6f\n", pass,
                   w, mean_squared_error(w, x, y, n_beans));
    }
    printf("w= %.6f\n", w);

    draw_fit(&pl, x, y, n_beans, w);
    draw_trace(&pl, trace, traced_passes * n_beans, n_beans);
    free(x);
    free(y);
    free(trace);
    return 0;
}

/**
Here is what the program printed when this book was built, and what it
drew:

```{.output file="01-rosenblatt"}
```

![The hundred beans and the line the neuron learned.
](figures/01-rosenblatt/beans-fit)

![The weight after every update of the first three passes. It climbs
slowly while the small beans go by, since they move it little, and fast
on the large ones; after that it is fine tuning.
](figures/01-rosenblatt/weight-trace)

The weight climbs from its starting value towards the slope of the data
within a few passes and then barely moves: each bean pulls $w$ towards
its own $y/x$, and the pulls balance where the line fits the cloud of
beans as a whole. Because the beans arrive in the same order at every
pass, $w$ ends each pass at almost the same value; it keeps jittering
within a pass, favouring the last beans it saw, and only a smaller
$\alpha$ would calm it further.

## Exercises

Some exercises ask you to run the program with other flags, some to
change its code. Where the goal can be checked by running the program,
the exercise says how: `make check-01` checks them all, and
`make check-01 EXERCISE=k` one of them, rebuilding your changes first.
Where you found a number, give it as `ANSWER=`.

1. Run `build/bin/01-rosenblatt --lr 0.5` and then `--lr 1.9`. After
   how many passes does the printed $w$ stop changing? Where does it
   end, compared with the default run, and why does a large step let
   the last beans of each pass decide where $w$ ends? Then try
   `--lr 3`: does $w$ settle, and is it a good weight? The weight
   trace (`--plot window`) shows what happens inside a pass.
2. Each update is linear in $w$, so a whole pass shrinks the distance
   between $w$ and the weight it settles at by the same factor every
   time, and the first three passes give it:
   $(w_3 - w_2) / (w_2 - w_1)$. Find a learning rate with which a pass
   halves the distance (a factor between 0.48 and 0.52).
   (check: `make check-01 EXERCISE=2 ANSWER=<your --lr>`)
3. Start far away, `--w0 -20`. Using the factor of the default learning
   rate, predict after which pass $w$ is first within 0.001 of the
   weight it settles at (the default run's last `w=`), then count:
   `--epochs 10` prints every pass. How does the number of passes grow
   with the distance of the start?
   (check: `make check-01 EXERCISE=3 ANSWER=<pass>`)
4. The update uses $x$ as a factor. Change `rosenblatt_update` to
   return `w + alpha * error` (no $x$). Does it still settle, and where?
   Which beans pull hardest now?
5. Give the neuron fewer beans (`--beans 5`) and change `--seed`. How
   much does the learned $w$ vary from seed to seed? With
   `--beans 1000`?
6. (Harder) Add a bias, $\hat y = w x + b$, with the update
   $b \leftarrow b + \alpha e$ next to the one for $w$. Let
   `mean_squared_error` subtract it too, and print it after the weight
   with `printf("b= %.6f\n", b)`. Goal: the last pass's mean squared
   error falls below 0.001, lower than the best line through the origin
   reaches, and $b$ settles between 0.03 and 0.1, near the noise's
   mean. Why does $w$ change when $b$ is free? Chapter 2 draws the
   error surface that answers this.
   (check: `make check-01 EXERCISE=6`)
*/
