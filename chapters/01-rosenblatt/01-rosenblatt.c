/**
# The Rosenblatt model: one weight learns from beans {#ch-rosenblatt}

*What you need:* C (loops, functions, arrays) and school algebra; no
calculus yet.

Imagine a village where a kind of bean grows that is mildly poisonous:
the bigger the bean, the more toxic it is. The villagers have measured a
hundred beans, size against toxicity, and would like a rule that predicts
the toxicity of the next bean from its size alone. This chapter builds
the smallest possible learning machine for that job and watches it learn.

```{.run chapter="01-rosenblatt"}
```

## A neuron is a weighted sum

An artificial neuron takes its inputs, multiplies each by a *weight*,
and adds the products up. The weights say how much each input counts;
they are what the neuron learns.

![A neuron: each input $x_j$ is multiplied by its weight $w_j$ and the
products are summed. This chapter's neuron has a single input, the
bean's size.](figures/diagrams/ch1-neuron)

With one input $x$ (the bean's size) and one weight $w$ the neuron
predicts

$$\hat y = w \, x .$$

That is the whole model: a straight line through the origin whose slope
is $w$. Everything the neuron "knows" is the single number $w$; learning
means finding a good value for it from examples.

The tutorial this chapter follows calls this "the Rosenblatt model",
after Frank Rosenblatt's perceptron [@rosenblatt1958], and we keep its
name for the chapter. Strictly, the historical perceptron is a little
different. It passes the weighted sum through a threshold, so that it
answers yes or no ($\hat y = 1$ if $w \cdot x > 0$, else $0$): it
*classifies*. It learns with $w \leftarrow w + \alpha\,(y - \hat y)\,x$,
which changes the weights only when the answer is wrong. Our neuron has
no threshold: its output is the weighted sum itself, a number, and it
learns from *how far* it is off, not only whether. That error-driven
rule for a linear unit is the least-mean-squares rule of Bernard Widrow
and Marcian Hoff [@widrow1960], also called the *delta rule*; chapter 3
shows that it is gradient descent on the squared error.

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

The beans were made with the slope $1.2$, but the noise is never
negative (its mean is $0.05$), and a line through the origin can only
absorb it by tilting: the best such line is steeper than $1.2$. Chapter
2 computes exactly how much steeper. The toolkit's generator is NumPy's
own Mersenne Twister, so with seed 0 the C program sees the very beans
the tutorial's Python program sees after `np.random.seed(0)` (the
tutorial itself does not seed, so each of its runs draws other beans).
`data_beans` in `common/data.c` is five lines long.
*/

/**
## Learning from mistakes

Take one bean $(x, y)$. The neuron predicts $\hat y = w x$ and misses by
the error $e = y - \hat y$. The delta rule nudges the weight by the
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
with $0 < \alpha x^2 < 1$ the step shrinks the error without
overshooting; with $1 < \alpha x^2 < 2$ it overshoots but still lands
closer; with $\alpha x^2 > 2$ it lands farther away than it started, on
the other side. A tiny $\alpha$ learns slowly. Whether a large one makes
$w$ run away is a question about whole passes, and the program below
answers it.

One *pass* (an epoch) shows the neuron every bean once, in order. The
function below does one pass and returns the new weight.
*/

// One update of the delta rule on the bean (x, y). The functions keep
// the tutorial's name for the model.
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
## What one pass does

Every update is linear in $w$, $w \leftarrow (1 - \alpha x^2)\,w +
\alpha x y$, so a pass, a hundred updates in a row, is linear too: it
maps the weight at its start to $P\,w + s$, with

$$P = \prod_{i=1}^{n} \left(1 - \alpha x_i^2\right).$$

One weight is left unchanged by a pass, the *settling weight*
$w_\infty = s / (1 - P)$, and every pass multiplies the distance to it
by $P$. If $|P| < 1$, $w$ settles there, the faster the smaller $|P|$
is; if $|P| > 1$, the distance grows at every pass and $w$ runs away.
The program computes $P$ from the product and $s$ by running one pass
from $w = 0$, where it ends at $s$.

Notice what $P$ is: a product, over all beans, of the factors by which
single updates shrink or stretch the error. A bean with $\alpha x^2 > 2$
stretches it, but the small beans that follow it in the same pass may
shrink it far more, and then the pass as a whole still settles. Where it
settles is another matter: a pass with a large $\alpha$ is dominated by
its last beans, and the weight it leaves unchanged need not be a good
one.
*/

// One pass over the beans x[n], y[n] maps w to factor * w + shift:
// factor = prod_i (1 - alpha x_i^2), shift = the pass's end from w = 0.
static void pass_as_line(double *factor, double *shift, const double *x,
                         const double *y, int n, double alpha)
{
    *factor = 1.0;
    for (int i = 0; i < n; i++)
        *factor *= 1.0 - alpha * x[i] * x[i];
    *shift = rosenblatt_pass(0.0, x, y, n, alpha, NULL);
}

// The settling weight and its error for a few learning rates, computed
// from pass_as_line, not by training.
static void print_settling_table(const double *x, const double *y, int n)
{
    const double rates[] = {0.05, 0.5, 1.9, 3, 5, 6, 7, 10};
    printf("\n%13s %16s %16s %12s\n", "learning rate", "factor per pass",
           "settling w", "its error");
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
        double factor, shift;
        pass_as_line(&factor, &shift, x, y, n, rates[k]);
        printf("%13g %16.6g ", rates[k], factor);
        if (isfinite(factor) && fabs(factor) < 1) {
            double w_settle = shift / (1.0 - factor);
            printf("%16.6g %12.6g\n", w_settle,
                   mean_squared_error(w_settle, x, y, n));
        } else {
            printf("%16s %12s\n", "runs away", "-");
        }
    }
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
    plot_cmd(p, "set key top left box opaque");
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
        {.name = "--beans", .type = CLI_INT, .value = &n_beans,
         .help = "number of beans", .min = 1, .max = 1000000},
        {.name = "--epochs", .type = CLI_INT, .value = &passes,
         .help = "passes over the beans", .min = 1, .max = 1000000},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &alpha,
         .help = "learning rate alpha", .max = 100,
         .open_min = true},
        {.name = "--w0", .type = CLI_DOUBLE, .value = &w,
         .help = "initial weight", .min = -100, .max = 100},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv,
                           "chapter 1: the Rosenblatt model on beans");
    if (status != CLI_CONTINUE)
        return status;
    if (common.quick)
        passes = passes < 10 ? passes : 10;
    int traced_passes = passes < 3 ? passes : 3;
    // x, y and the trace of the first passes, in bytes
    size_t bytes = nn_size_mul(nn_size_add(2, (size_t)traced_passes),
                               nn_size_mul((size_t)n_beans,
                                           sizeof(double)));
    status = cli_check_memory(&common, bytes, "--beans");
    if (status != CLI_CONTINUE)
        return status;
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;

    rng r;
    rng_seed(&r, common.seed);
    double *x = nn_alloc((size_t)n_beans, sizeof *x);   // sizes, (n)
    double *y = nn_alloc((size_t)n_beans, sizeof *y);   // toxicity, (n)
    double *trace = nn_alloc((size_t)traced_passes * n_beans,
                             sizeof *trace);        // (passes, beans)
    data_beans(&r, x, y, n_beans);

    printf("%d beans, %d passes, alpha = %g, starting at w = %g\n",
           n_beans, passes, alpha, w);
    double first_error = mean_squared_error(w, x, y, n_beans);
    int report_every = passes >= 10 ? passes / 10 : 1;
    for (int pass = 1; pass <= passes; pass++) {
        double *pass_trace = pass <= traced_passes
                                 ? trace + (size_t)(pass - 1) * n_beans
                                 : NULL;
        w = rosenblatt_pass(w, x, y, n_beans, alpha, pass_trace);
        double error = mean_squared_error(w, x, y, n_beans);
        char where[32];
        snprintf(where, sizeof where, "pass %d", pass);
        status = cli_check_loss(&common, error, first_error, where,
                                "the learning rate is too large for "
                                "these beans; lower --lr");
        if (status != CLI_CONTINUE) {
            free(x), free(y), free(trace);
            plot_close(&pl);
            return status;
        }
        if (pass <= 3 || pass % report_every == 0)
            printf("pass %3d: w = %.6f  mean squared error = %.6f\n", pass,
                   w, error);
    }
    printf("w= %.6f\n", w);
    print_settling_table(x, y, n_beans);

    draw_fit(&pl, x, y, n_beans, w);
    draw_trace(&pl, trace, traced_passes * n_beans, n_beans);
    free(x);
    free(y);
    free(trace);
    return plot_close(&pl) == 0 ? 0 : 1;
}

/**
Here is what the program printed when this book was built, and what it
drew:

```{.output file="01-rosenblatt" to="w= "}
```

![The hundred beans and the line the neuron learned.
](figures/01-rosenblatt/beans-fit)

![The weight after every update of the first three passes. It climbs
slowly while the small beans go by, since they move it little, and fast
on the large ones; after that it is fine tuning.
](figures/01-rosenblatt/weight-trace)

The weight climbs from its starting value towards the slope of the data
within a few passes and then stops changing in the digits printed: it
has reached the settling weight of the default learning rate. Each bean
pulls $w$ towards its own ratio $y/x$, and the beans arrive in the same
order at every pass, sorted by size, so the pass that leaves $w$
unchanged is one whose pulls cancel *in that order*. The last, biggest
beans pull last and hardest, and the settling weight leans towards
them. It is a good weight, but is it the best one? Chapter 2 defines
"best" and answers.

The table the program printed last computes, for a few learning rates,
what a pass does to the distance and where $w$ settles, without
training:

```{.output file="01-rosenblatt" from="learning rate"}
```

The default rate shrinks the distance to the settling weight by the
factor in the first row at every pass, which is why a few passes
suffice. A larger rate shrinks it faster, and from some rate on a single
pass does essentially all the work; but the settling weight moves, since
the last beans decide more and more of it. Look at the row for
$\alpha = 3$: the biggest beans have $\alpha x^2 > 2$, so each of their
updates overshoots and lands farther away, yet the factor of the whole
pass is tiny, because the many small beans shrink the distance far more
than the big ones stretch it. The weight settles at once, at a value
with the wrong sign and an enormous error. Further down the settling
weights are so far off that a run with those rates stops after its
first pass, saying that the loss diverged (every chapter's training
loop stops when the error has grown a millionfold); and where the factor
exceeds one in size, $w$ runs away for good. A single bean that
overshoots does not make the learning diverge. A learning rate that is
too large does something subtler first: it makes the neuron learn,
quickly and confidently, the wrong thing.

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
   trace (`--plot window`) shows what happens inside a pass. Which of
   the table's rows does each run match?
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
   `mean_squared_error` subtract it too (the settling table may pass
   $b = 0$), and print it after the weight with
   `printf("b= %.6f\n", b)`. Goal: the last pass's mean squared
   error falls below 0.001, lower than the best line through the origin
   reaches, and $b$ settles between 0.03 and 0.1, near the noise's
   mean. Why does $w$ change when $b$ is free? Chapter 2 draws the
   error surface that answers this.
   (check: `make check-01 EXERCISE=6`)

## Summary

- A neuron computes a weighted sum; with one input, $\hat y = w x$.
- The delta rule $w \leftarrow w + \alpha\,(y - w x)\,x$ learns $w$
  from one bean at a time, in proportion to the error.
- A pass multiplies the distance to a settling weight by
  $\prod_i (1 - \alpha x_i^2)$; beans in a fixed order bias that weight
  towards the last ones.
- Too large an $\alpha$ first settles on a wrong weight, then runs away.
- Whether the settled weight is the best one needs a measure of
  "best": chapter 2's cost.
*/
