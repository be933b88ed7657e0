/**
# A logistic neuron: the chain rule by hand {#ch-sigmoid}

Until now the villagers wanted a number: how toxic is this bean? Now
they want a verdict. A bean is either toxic or it is not, and the
neuron should say which. The straight line $w x + b$ of the earlier
chapters is a poor judge: it predicts any number at all, $-3$ or $17$,
where the answer can only be $0$ or $1$. This chapter bends the line
into an S that stays between $0$ and $1$, and then works out, one
derivative at a time, how to train the bent neuron. Along the way we
meet the chain rule, which is all that backpropagation ever is, and a
second loss function that learns much faster when the neuron starts out
badly wrong.

*What you need:* chapter 3's gradient descent, and the derivative of a
composite function from school (we redo it slowly).

```{.run chapter="04-sigmoid"}
```
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn.h"

/**
## Toxic or not: the labelled beans

The beans are made as in the tutorial this chapter follows, and
`data_beans_labelled` in the toolkit does it in a few lines: draw the
sizes $x$ uniformly in $[0, 1)$ and sort them, give each bean the
toxicity $0.7\,x + 0.5$ plus a little noise (uniform, at most $0.01$
either way), and call the bean *toxic*, label $y = 1$, when that toxicity
exceeds $0.8$; otherwise $y = 0$. Without the noise the border would sit
at $x = 3/7$; with it, the labels of beans close to the border are a coin
toss. Small beans are safe, large beans are toxic, and we want a neuron
that tells them apart. The book's run makes the tutorial's hundred
beans (`main` counts the toxic ones):

```{.output file="04-sigmoid" lines="1"}
```
*/

/**
## The sigmoid squashes a line into an S

The neuron keeps its weighted sum $z = w x + b$ and passes it through the
*logistic sigmoid*

$$a = \sigma(z) = \frac{1}{1 + e^{-z}} .$$

For very negative $z$ the exponential is huge and $a \approx 0$; for very
positive $z$ it vanishes and $a \approx 1$; at $z = 0$, $a = 1/2$. So
$a$ is always strictly between $0$ and $1$ and can be read as the
neuron's belief that the bean is toxic. The weight $w$ sets how steep the
S is, and the point where it crosses $1/2$ lies at $x = -b/w$: that is
the neuron's border between safe and toxic.

The sigmoid has a derivative that is easy to remember and cheap to
compute, because it is made of the output itself:

$$\frac{d\sigma}{dz} = \frac{e^{-z}}{(1 + e^{-z})^2}
  = \sigma(z)\,\bigl(1 - \sigma(z)\bigr) = a\,(1 - a).$$

It is largest, $1/4$, at $a = 1/2$, and it dies away to nothing when $a$
approaches $0$ or $1$. Keep that in mind; it will matter.

In C, `exp(-z)` overflows to infinity for $z$ below about $-709$, and
then `1 / (1 + inf)` is exactly $0$, which is the right limit, so the
plain formula is safe.
*/

// sigma(z) = 1 / (1 + e^-z); d sigma / dz = sigma (1 - sigma)
static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/**
## One neuron, one parameter block

The neuron has two numbers to learn, $w$ and $b$. We keep them in a small
struct, and we use the same struct for their gradients
$\partial e / \partial w$ and $\partial e / \partial b$: the parameters
and the gradients have the same layout, so an update step is one line per
field. The forward pass turns a size into a belief.
*/

// The neuron's parameters; the same layout holds their gradients.
typedef struct {
    double w;   // weight on the bean's size
    double b;   // bias
} neuron;

// z = w x + b, a = sigma(z): the belief that the bean of size x is toxic.
static double neuron_forward(neuron p, double x)
{
    double z = p.w * x + p.b;
    return sigmoid(z);
}

/**
## The squared error and the chain rule

We start with the error the book has used so far, the squared miss on one
bean,

$$e = (y - a)^2 .$$

To learn we need $\partial e / \partial w$, but $e$ does not depend on
$w$ directly. It depends on $a$, which depends on $z$, which depends on
$w$: a chain $w \to z \to a \to e$. The *chain rule* says that the
derivative along a chain is the product of the derivatives of its links:

$$\frac{\partial e}{\partial w}
  = \frac{\partial e}{\partial a}\cdot
    \frac{\partial a}{\partial z}\cdot
    \frac{\partial z}{\partial w},
  \qquad
  \frac{\partial e}{\partial b}
  = \frac{\partial e}{\partial a}\cdot
    \frac{\partial a}{\partial z}\cdot
    \frac{\partial z}{\partial b}.$$

Each link is a derivative you can do in your head:

$$\frac{\partial e}{\partial a} = -2\,(y - a), \qquad
  \frac{\partial a}{\partial z} = a\,(1 - a), \qquad
  \frac{\partial z}{\partial w} = x, \qquad
  \frac{\partial z}{\partial b} = 1 .$$

The chain is easiest to see as a *computation graph*: one node per
quantity, one arrow per "is computed from", and on each arrow the local
derivative of its head with respect to its tail. The derivative of $e$
with respect to any node is the product of the labels along the path from
that node to $e$.

![The neuron as a computation graph. Forward, values flow left to right;
each arrow carries its local derivative. The gradient of $e$ with
respect to a parameter (orange, $w$ or $b$) is the product of the labels
on the path from it to $e$; the data $x$ and $y$ (grey, dashed arrows)
need no gradient.](figures/diagrams/ch4-chain-rule)

The code below writes the links out one by one, named as in the
tutorial (`de_da` is its `deda`), and multiplies them. This is
backpropagation in miniature: the error's sensitivity is carried
backwards from $e$ to $a$ to $z$, and at $z$ it splits towards each
parameter. Like every backward function in this book it *adds* into
the gradient block; the caller zeroes it.
*/

// e = (y - a)^2. Adds de/dw and de/db into grad; a is the forward output.
static void squared_error_backward(neuron *grad, double x, double y,
                                   double a)
{
    double de_da = -2.0 * (y - a);      // de/da
    double da_dz = a * (1.0 - a);       // da/dz, the sigmoid's slope
    double dz_dw = x;                   // dz/dw
    double dz_db = 1.0;                 // dz/db
    grad->w += de_da * da_dz * dz_dw;
    grad->b += de_da * da_dz * dz_db;
}

/**
## A second loss: cross-entropy

Look again at the middle link, $\partial a / \partial z = a(1 - a)$. When
the neuron is *confidently wrong*, say it answers $a = 0.001$ for a
toxic bean, that factor is about $0.001$ and the whole gradient is
nearly zero. The neuron that is most wrong learns the least. The squared
error was made for lines, where there is no S to flatten out; on a
sigmoid it asks the steepness of the S for permission to learn, and a
saturated S says no.

The usual cure is a loss built for beliefs. If the neuron's $a$ is the
probability it gives to "toxic", then it gives the observed label $y$
the probability $a$ when $y = 1$ and $1 - a$ when $y = 0$, or in one
formula $a^{y}(1 - a)^{1 - y}$: the label is a coin flip (a *Bernoulli*
variable) with bias $a$. The best neuron is the one that makes the
labels we saw most probable, and maximising a product of probabilities
over the beans is the same as minimising the sum of their negative
logarithms. For one bean that negative log-likelihood is the
*cross-entropy*

$$e = -\bigl(y \ln a + (1 - y) \ln(1 - a)\bigr).$$

So the cross-entropy is not an arbitrary choice: it is what "make the
observed labels likely" means for a yes-or-no answer, as the squared
error is what it means for a number with Gaussian noise. It has a
second virtue, which is the one that matters here.

For a toxic bean ($y = 1$) it is $-\ln a$: zero when the neuron is sure
and right, growing without bound as $a \to 0$. For a safe bean it is
$-\ln(1 - a)$, the mirror image. Its first link is

$$\frac{\partial e}{\partial a} = -\frac{y}{a} + \frac{1 - y}{1 - a}
  = \frac{a - y}{a\,(1 - a)},$$

and multiplying by the sigmoid's link $a(1 - a)$ cancels the troublesome
factor exactly:

$$\frac{\partial e}{\partial z}
  = \frac{\partial e}{\partial a}\cdot\frac{\partial a}{\partial z}
  = a - y .$$

The push on $z$ is now simply the miss, large when the neuron is badly
wrong, whatever the slope of the S. The code multiplies the two links in
their cancelled form: written as a quotient times a product, a neuron so
sure of itself that $a$ rounds to exactly $1$ in double would compute
$0/0$.
*/

// e = -(y ln a + (1-y) ln(1-a)). Adds de/dw and de/db into grad.
static void cross_entropy_backward(neuron *grad, double x, double y,
                                   double a)
{
    double de_dz = a - y;   // de/da * da/dz = (a-y)/(a(1-a)) * a(1-a)
    double dz_dw = x;
    double dz_db = 1.0;
    grad->w += de_dz * dz_dw;
    grad->b += de_dz * dz_db;
}

/**
To *report* the cross-entropy we have the same worry: $\ln a$ of an $a$
that rounded to $0$ is $-\infty$. Writing the loss in terms of $z$
avoids the logarithm of a rounded number. With the softplus function
$s(z) = \ln(1 + e^{z})$ one has $\ln a = z - s(z)$ and
$\ln(1 - a) = -s(z)$, so

$$e = s(z) - y\,z, \qquad s(z) = \max(z, 0) + \ln\bigl(1 + e^{-|z|}\bigr),$$

where the second form of $s$ never overflows.
*/

// The squared error of one bean.
static double squared_error(double y, double a)
{
    return (y - a) * (y - a);
}

// The cross-entropy of one bean from z = w x + b: e = softplus(z) - y z.
static double cross_entropy(double y, double z)
{
    double softplus = fmax(z, 0.0) + log1p(exp(-fabs(z)));
    return softplus - y * z;
}

typedef enum { SQUARED_ERROR, CROSS_ENTROPY } loss_kind;

static const char *loss_name[] = {"squared error", "cross-entropy"};

// The mean loss of the neuron over n beans; x[n] sizes, label[n] in {0,1}.
static double mean_loss(neuron p, const double *x, const double *label,
                        int n, loss_kind loss)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double z = p.w * x[i] + p.b;
        sum += loss == SQUARED_ERROR ? squared_error(label[i], sigmoid(z))
                                     : cross_entropy(label[i], z);
    }
    return sum / n;
}

/**
A loss is for the neuron; people want to know how often it is right. The
neuron says "toxic" when $a > 1/2$, and the *accuracy* is the fraction of
beans where that verdict matches the label.
*/

// The fraction of the n beans whose verdict (a > 1/2) matches the label.
// x[n] sizes, label[n].
static double accuracy(neuron p, const double *x, const double *label,
                       int n)
{
    int right = 0;
    for (int i = 0; i < n; i++) {
        bool toxic = neuron_forward(p, x[i]) > 0.5;
        right += toxic == (label[i] > 0.5);
    }
    return (double)right / n;
}

/**
## Training: stochastic gradient descent

One pass shows the neuron every bean once, in order of size, as the
tutorial does. For each bean we run the neuron forward, zero the gradient
block, run the chosen loss backward, and step downhill:

$$w \leftarrow w - \alpha\,\frac{\partial e}{\partial w}, \qquad
  b \leftarrow b - \alpha\,\frac{\partial e}{\partial b}.$$
*/

// One pass of stochastic gradient descent over the n beans, in order.
// x[n] sizes, label[n].
static void sgd_pass(neuron *p, const double *x, const double *label,
                     int n, double alpha, loss_kind loss)
{
    for (int i = 0; i < n; i++) {
        double a = neuron_forward(*p, x[i]);
        neuron grad = {0.0, 0.0};
        if (loss == SQUARED_ERROR)
            squared_error_backward(&grad, x[i], label[i], a);
        else
            cross_entropy_backward(&grad, x[i], label[i], a);
        p->w -= alpha * grad.w;
        p->b -= alpha * grad.b;
    }
}

/**
## Watching the S take shape

The animation draws the beans once, in its preamble, as points at height
$0$ (safe) or $1$ (toxic); every frame then adds the current S-curve
$\sigma(w x + b)$ as a gnuplot function of $x$, so a frame is only a few
bytes. The plot module turns the frames into a live window, a GIF for the
HTML book and a strip of six stills for the printed one.
*/

// The beans go into the preamble: x[n] sizes, label[n].
static plot *begin_s_curve_animation(plotter *pl, const double *x,
                                     const double *label, int n)
{
    plot *p = plot_anim_begin(pl, "s-curve", 6, 4);
    plot_xy(p, "$beans", x, label, n);
    plot_cmd(p, "set xlabel 'bean size'");
    plot_cmd(p, "set ylabel 'toxic?'");
    plot_cmd(p, "set xrange [0:1]");
    plot_cmd(p, "set yrange [-0.1:1.45]");
    plot_cmd(p, "set ytics 0, 0.2, 1");
    // Top left, boxed: no bean lies there, so the key's sample point
    // cannot pass for a bean.
    plot_cmd(p, "set key top left box opaque");
    return p;
}

static void s_curve_frame(plot *p, neuron nrn, int pass)
{
    char label[64];
    snprintf(label, sizeof label, "pass %d: w = %.2f, b = %.2f", pass,
             nrn.w, nrn.b);
    plot_frame_begin(p);
    plot_cmd(p, "w = %.17g; b = %.17g", nrn.w, nrn.b);
    plot_cmd(p, "plot $beans with points pt 7 ps 0.6 title 'beans', "
                "1 / (1 + exp(-(w * x + b))) with lines lw 2 "
                "title 'a = sigmoid(w x + b)'");
    plot_frame_end(p, label);
}

/**
The training run prints a line every tenth of the passes and a last
line with the final parameters, loss and accuracy. It computes the loss
after every pass and stops with one line if the loss stops being a
finite number or explodes (a learning rate far too large does that).
When `anim` is not `NULL` it also draws about fifty frames, spaced on a
square-law schedule: close together at the start, where the S moves
most, and further apart later.
*/

// The next frame after `pass`: frames fall on the passes
// round(passes (k/50)^2), k = 0..50. passes + 1 when there is none.
static int next_frame_pass(int pass, int passes)
{
    for (int k = 0; k <= 50; k++) {
        int at = (int)lround(passes * (k / 50.0) * (k / 50.0));
        if (at > pass)
            return at;
    }
    return passes + 1;
}

// Train p for `passes` passes with `loss`, printing a table as it goes.
// x[n] sizes, label[n]. Returns 0, or 1 (after one line on stderr) if
// the loss diverges.
static int train(const cli_common *common, neuron *p, const double *x,
                 const double *label, int n, int passes, double alpha,
                 loss_kind loss, plot *anim)
{
    int report_every = passes >= 10 ? passes / 10 : 1;
    int next_frame = 0;
    double first_loss = mean_loss(*p, x, label, n, loss);
    printf("%s: %d passes, alpha = %g, from w = %g, b = %g\n",
           loss_name[loss], passes, alpha, p->w, p->b);
    printf("   pass           w           b        loss  accuracy\n");
    for (int pass = 0; pass <= passes; pass++) {
        if (pass > 0)
            sgd_pass(p, x, label, n, alpha, loss);
        double now = mean_loss(*p, x, label, n, loss);
        char where[32];
        snprintf(where, sizeof where, "pass %d", pass);
        int status = cli_check_loss(common, now, first_loss, where,
                                    "lower --lr");
        if (status != CLI_CONTINUE)
            return status;
        if (pass % report_every == 0 || pass == passes)
            printf("%7d %11.6f %11.6f %11.6f %9.3f\n", pass, p->w, p->b,
                   now, accuracy(*p, x, label, n));
        if (anim && pass == next_frame) {
            s_curve_frame(anim, *p, pass);
            next_frame = next_frame_pass(pass, passes);
        }
    }
    printf("%s: w= %.6f b= %.6f loss= %.6f accuracy= %.3f\n",
           loss_name[loss], p->w, p->b, mean_loss(*p, x, label, n, loss),
           accuracy(*p, x, label, n));
    return 0;
}

/**
## What it learned

Here is the run from the book's build (`main`, at the end of the
chapter, calls `train` twice). First the tutorial's neuron, trained on
the squared error:

```{.output file="04-sigmoid" from="squared error:" to="accuracy="}
```

![The S-curve learning the labelled beans (points at 0 are safe beans,
points at 1 toxic ones). It starts almost flat at one half; the
pass-by-pass drift moves its midpoint to the border between the two
groups and then makes it steeper.](figures/04-sigmoid/s-curve)

The flat start is $w = b = 0.01$: every bean gets a belief near one
half, which is right for nobody. Within the first few hundred passes the
S swings into place, with its midpoint $-b/w$ near the border the data
were made with, and the accuracy jumps. What follows is slow: the loss
keeps creeping down while $w$ grows, because a steeper S is more sure of
itself on the beans far from the border. It will never be perfectly
sure, since a sigmoid never reaches $0$ or $1$, and a bean whose noise
put it on the wrong side of the border stays misjudged: that is the
hundredth of accuracy still missing at the end.

Then the same neuron, from the same start, trained on the cross-entropy,
and the two fits side by side:

```{.output file="04-sigmoid" from="cross-entropy:" to="accuracy="}
```

```{.output file="04-sigmoid" grep="accuracy="}
```

The two neurons end up with the border in about the same place, but the
cross-entropy neuron is much steeper: its loss keeps rewarding
confidence, while the squared error loses interest once $a$ is close to
the label. (Their *loss* columns are not comparable: each neuron reports
its own loss.)

## A race from a bad start

From the reasonable start above, both losses do fine. To see where they
differ, we start two neurons from the same *bad* place: a negative
weight and a positive bias, so that the S is mirrored, confident that
small beans are toxic and large ones are safe. One neuron learns with
the squared error, the other with the cross-entropy, on the same beans
in the same order. We judge both with the same yardstick, the mean
squared error of their beliefs, recorded after every pass, and we keep
the squared-error neuron's path $(w, b)$ to see where its S is.
*/

// Train two copies of `start`, one per loss, for `passes` passes; the
// mean squared error of each after every pass goes to mse[loss][pass],
// and the squared-error neuron's parameters to path[pass].
// mse[2][passes + 1], path[passes + 1], x[n] sizes, label[n].
static void race(double *const mse[2], neuron *path, neuron start,
                 const double *x, const double *label, int n, int passes,
                 double alpha)
{
    for (int loss = SQUARED_ERROR; loss <= CROSS_ENTROPY; loss++) {
        neuron p = start;
        for (int pass = 0; pass <= passes; pass++) {
            if (pass > 0)
                sgd_pass(&p, x, label, n, alpha, (loss_kind)loss);
            mse[loss][pass] = mean_loss(p, x, label, n, SQUARED_ERROR);
            if (loss == SQUARED_ERROR)
                path[pass] = p;
        }
    }
}

/**
The table shows passes $0, 1, 10, 100, \dots$ and then every multiple of
the largest of those powers of ten, so that both the first passes and
the long middle of the run get rows.
*/

// The race as a table. mse[2][passes + 1] and path[passes + 1] as race()
// filled them.
static void print_race(double *const mse[2], const neuron *path,
                       int passes, neuron start)
{
    int decade = 1;   // the largest power of ten <= passes
    while (decade <= passes / 10)
        decade *= 10;
    printf("\nthe race from w = %g, b = %g: the mean squared error of "
           "each\nneuron, and the squared-error neuron's parameters\n",
           start.w, start.b);
    printf("   pass  squared error  cross-entropy         w         b\n");
    for (int pass = 0, power = 1; pass <= passes; pass++) {
        bool row = pass == 0 || pass == power || pass % decade == 0
                   || pass == passes;
        if (pass == power && power < decade)
            power *= 10;
        if (row)
            printf("%7d %14.6f %14.6f %9.3f %9.3f\n", pass, mse[0][pass],
                   mse[1][pass], path[pass].w, path[pass].b);
    }
}

/**
The race figure puts the passes on a logarithmic axis, so that the first
few passes and the last thousand both get room; the axis ends at the
last pass.
*/

// mse[2][passes + 1] as race() filled it.
static void draw_race(plotter *pl, double *const mse[2], int passes,
                      neuron start)
{
    // From pass 1 on (a log axis has no room for pass 0), and about a
    // hundred points per decade: the figure needs no more.
    double *row[3];   // pass, mse[0], mse[1]; (3, kept)
    for (int k = 0; k < 3; k++)
        row[k] = nn_alloc((size_t)passes, sizeof *row[k]);
    int kept = 0;
    for (int pass = 1; pass <= passes; pass++) {
        int step = pass >= 100 ? pass / 100 : 1;
        if (pass % step != 0 && pass != passes)
            continue;
        row[0][kept] = pass;
        row[1][kept] = mse[0][pass];
        row[2][kept] = mse[1][pass];
        kept++;
    }
    plot *p = plot_begin(pl, "loss-race", 6, 3.5);
    const double *cols[3] = {row[0], row[1], row[2]};
    plot_columns(p, "$race", cols, 3, kept);
    plot_cmd(p, "set title 'from a bad start: w = %g, b = %g'", start.w,
             start.b);
    plot_cmd(p, "set logscale x");
    plot_cmd(p, "set xrange [1:%d]", passes > 1 ? passes : 2);
    plot_cmd(p, "set xlabel 'pass'");
    plot_cmd(p, "set ylabel 'mean squared error'");
    plot_cmd(p, "set yrange [0:*]");
    plot_cmd(p, "set key top right");
    plot_cmd(p, "plot $race using 1:2 with lines lw 2 "
                "title 'trained on the squared error', "
                "$race using 1:3 with lines lw 2 dt 2 "
                "title 'trained on the cross-entropy'");
    plot_end(p);
    for (int k = 0; k < 3; k++)
        free(row[k]);
}

/**
Here is the race of the book's run:

```{.output file="04-sigmoid" from="the race"}
```

![The race: the mean squared error of two neurons that start confidently
wrong, one trained on the squared error (solid), the other on the
cross-entropy (dashed). Note the logarithmic pass axis.
](figures/04-sigmoid/loss-race)

The cross-entropy neuron recovers quickly. The squared-error neuron
starts the same way, then stalls on a long plateau before it drops. The
last two columns show where its S is meanwhile. During the plateau it is
still mirrored: $w$ stays negative (between about $-6.5$ and $-5$ in
the rows for passes 100 and 1000), but $b$ has grown so that the midpoint
$-b/w$ lies beyond the largest bean. So the neuron has traded one
confident mistake for another: it calls *every* bean toxic, with
beliefs close to $1$, and its mean squared error is about the fraction
of safe beans (count them at the start of the run), every one of them
judged wrong with near certainty. To climb off the plateau it must
lower those beliefs, and the chain rule hands it a factor $a(1 - a)$
that is almost zero for every one of them. Every bean feeds it only a
trickle of gradient, and the trickles partly cancel: the safe beans,
judged wrong, pull $w$ and $b$ down, while the toxic ones, judged right
but not quite surely, pull both up. The toxic beans, being the larger
ones, win on $w$; on $b$ the two nearly balance: between the rows for
passes 100 and 1000, $w$ climbs a little and $b$ ends a little lower.
It takes a great many passes for these trickles to turn the S around;
in the table, $w$ has turned positive by the next row after the
plateau.

The reason for the race's result is best seen drawn as functions: for
a toxic bean ($y = 1$), the push on $z$, $|\partial e / \partial z|$,
against the neuron's belief $a$, which is $2(1 - a)\cdot a(1 - a)$ for
the squared error and $1 - a$ for the cross-entropy.
*/

static void draw_push(plotter *pl)
{
    plot *p = plot_begin(pl, "push-on-z", 6, 3);
    plot_cmd(p, "set xlabel 'belief a that a toxic bean (y = 1) is toxic'");
    plot_cmd(p, "set ylabel '|de/dz|'");
    plot_cmd(p, "set xrange [0:1]");
    plot_cmd(p, "set yrange [0:1.05]");
    plot_cmd(p, "set samples 201");
    plot_cmd(p, "set key top right");
    plot_cmd(p, "plot 2 * (1 - x) * x * (1 - x) with lines lw 2 "
                "title 'squared error: 2(1-a) a(1-a)', "
                "1 - x with lines lw 2 dt 2 "
                "title 'cross-entropy: 1-a'");
    plot_end(p);
}

/**
Where the neuron is confidently wrong, at the left, the squared error's
push has all but vanished. The cross-entropy's push is largest exactly
there: its $\partial e / \partial a$ grows like $1/a$, and cancels the
flat S. (A safe bean is the mirror image.)

![How hard each loss pushes on $z$ for a toxic bean, against the belief
$a$. The squared error's push vanishes when the neuron is sure and wrong
($a \to 0$); the cross-entropy's is largest there.
](figures/04-sigmoid/push-on-z)

The same factor returns in every layer of a deep sigmoid network, and
there it meets the weights. Going back through one more layer, the
chain picks up two links: the weight $w$ that connects the layers
($\partial z / \partial a$ of the layer above) and the slope
$a(1 - a)$ of the sigmoid below it. So each layer multiplies the
gradient by a factor $w\,a(1 - a)$ (summed over the paths between two
layers). The slope is at most $1/4$, and weights large enough to make up
for it push the sums $z$ far from zero, where the slope is far smaller
still. Layer after layer, the product shrinks towards nothing: that is
the *vanishing gradient*, and one reason why the deeper networks of the
next chapter use another activation in their hidden layers.

## The program

The defaults are the tutorial's: 100 beans, 5000 passes, $\alpha = 0.05$,
and a start at $w = b = 0.01$. The bad start of the race is ours.
*/
int main(int argc, char **argv)
{
    int n_beans = 100, passes = 5000;
    double alpha = 0.05;
    neuron start = {0.01, 0.01}, bad_start = {-10.0, 5.0};
    cli_option options[] = {
        {.name = "--beans", .type = CLI_INT, .value = &n_beans,
         .help = "number of beans", .min = 1, .max = 1000000},
        {.name = "--epochs", .type = CLI_INT, .value = &passes,
         .help = "passes over the beans", .min = 1, .max = 1000000},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &alpha,
         .help = "learning rate alpha", .max = 100, .open_min = true},
        {.name = "--w0", .type = CLI_DOUBLE, .value = &start.w,
         .help = "initial weight", .min = -100, .max = 100},
        {.name = "--b0", .type = CLI_DOUBLE, .value = &start.b,
         .help = "initial bias", .min = -100, .max = 100},
        {.name = "--bad-w0", .type = CLI_DOUBLE, .value = &bad_start.w,
         .help = "initial weight of the race", .min = -100, .max = 100},
        {.name = "--bad-b0", .type = CLI_DOUBLE, .value = &bad_start.b,
         .help = "initial bias of the race", .min = -100, .max = 100},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "chapter 4: a sigmoid neuron, two losses");
    if (status != CLI_CONTINUE)
        return status;
    if (common.quick)
        passes = passes < 500 ? passes : 500;
    // x, label (n_beans each), mse (2 rows of passes + 1), path
    size_t rows = (size_t)passes + 1;
    size_t bytes = nn_size_add(
        nn_size_mul(nn_size_add(nn_size_mul(2, (size_t)n_beans),
                                nn_size_mul(2, rows)), sizeof(double)),
        nn_size_mul(rows, sizeof(neuron)));
    status = cli_check_memory(&common, bytes, "--beans or --epochs");
    if (status != CLI_CONTINUE)
        return status;
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;

    rng r;
    rng_seed(&r, common.seed);
    double *x = nn_alloc((size_t)n_beans, sizeof *x);          // (n)
    double *label = nn_alloc((size_t)n_beans, sizeof *label);  // (n)
    double *mse[2];                                  // (2, passes + 1)
    mse[0] = nn_alloc(rows, sizeof *mse[0]);
    mse[1] = nn_alloc(rows, sizeof *mse[1]);
    neuron *path = nn_alloc(rows, sizeof *path);     // (passes + 1)
    data_beans_labelled(&r, x, label, n_beans);
    int toxic = 0;
    for (int i = 0; i < n_beans; i++)
        toxic += label[i] > 0.5;
    printf("%d beans, %d of them toxic\n\n", n_beans, toxic);

    neuron by_squares = start, by_entropy = start;
    plot *anim = begin_s_curve_animation(&pl, x, label, n_beans);
    status = train(&common, &by_squares, x, label, n_beans, passes, alpha,
                   SQUARED_ERROR, anim);
    plot_end(anim);
    if (status == 0) {
        printf("\n");
        status = train(&common, &by_entropy, x, label, n_beans, passes,
                       alpha, CROSS_ENTROPY, NULL);
    }
    if (status == 0) {
        race(mse, path, bad_start, x, label, n_beans, passes, alpha);
        print_race(mse, path, passes, bad_start);
        draw_race(&pl, mse, passes, bad_start);
        draw_push(&pl);
    }
    free(x);
    free(label);
    free(mse[0]);
    free(mse[1]);
    free(path);
    if (plot_close(&pl) != 0 && status == 0)
        status = 1;
    return status;
}

/**
## Summary

- A sigmoid $\sigma(wx + b)$ turns the line into a belief between $0$
  and $1$; its border between "safe" and "toxic" is at $x = -b/w$.
- The chain rule multiplies local derivatives along the path from a
  parameter to the loss; backpropagation is that product, computed once
  from the loss backwards.
- The sigmoid's slope $a(1 - a)$ is one of those links, and it is tiny
  where the neuron is sure, right or wrong.
- The cross-entropy, the negative log-likelihood of yes-or-no labels,
  cancels that slope: the push on $z$ is just the miss $a - y$.
- From a confidently wrong start the squared error stalls on a long
  plateau; the cross-entropy recovers at once.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-04 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-04`
checks them all). Give a number you found as `ANSWER=`.

1. Run `build/bin/04-sigmoid --epochs 50000`. Does the squared-error
   neuron ever become as steep as the cross-entropy one? What limits $w$
   in each case?
2. The labels were made with the border at $x = 3/7$. Work out the
   border $-b/w$ of the cross-entropy fit of the default run from its
   printed $w$ and $b$, and the squared-error fit's too. Why might the
   learned border move when you change `--seed`?
   (check: `make check-04 EXERCISE=2 ANSWER=<border>`)
3. In the race, after which pass does the squared-error neuron's mean
   squared error first fall below 0.1? Find it to within 10 passes:
   the race table's last row is the pass you give to `--epochs`. Then
   make the start more confident, `--bad-w0 -30 --bad-b0 15`, and give
   it more `--epochs`: does it get off its plateau? Explain from the
   figure of the push on $z$ why a more confident bad start makes the
   plateau longer.
   (check: `make check-04 EXERCISE=3 ANSWER=<pass>`)
4. Show that $1 - \sigma(z) = \sigma(-z)$, and derive the two
   logarithms the text uses to report the cross-entropy,
   $\ln a = z - s(z)$ and $\ln(1 - a) = -s(z)$.
5. (Harder) Check the chain rule numerically. At the start
   $(w_0, b_0)$, add up the gradient of each loss over all beans with
   its backward function and divide by the number of beans; then
   compute it again from the loss alone, by central differences,
   $\partial \bar e / \partial w \approx
   (\bar e(w + h) - \bar e(w - h)) / 2h$ with `mean_loss` and
   $h = 10^{-6}$, and likewise for $b$. Print the relative error
   $\lVert g - g' \rVert / (\lVert g \rVert + \lVert g' \rVert)$ of
   each loss with
   `printf("gradient check, %s: relative error = %.1e\n", ...)` and
   `loss_name[loss]`. Goal: both below $10^{-6}$. Then drop the link
   `da_dz` from `squared_error_backward` and watch the check fail.
   (check: `make check-04 EXERCISE=5`)
6. (Harder) Replace the sigmoid by $\tanh$, with labels $-1$ and $+1$.
   What is $\partial a / \partial z$ now, and which loss cancels it?
*/
