/**
# A hidden layer, then deeper {#ch-hidden-layer}

The sigmoid neuron of the last chapter draws one S: small beans on one
side, large beans on the other. Suppose now that the villagers have
found a second kind of bean, for which the *middle* sizes are toxic and
both the small and the large ones are safe. No single S can say that;
whichever way it faces, it gets one end wrong. The cure is to let two
neurons look at the bean first and a third neuron combine their
opinions. The two in the middle are a *hidden layer*, and this chapter
derives their training by hand, every partial derivative by name, as
the tutorial it follows does. Then we rewrite the same network with the
matrix toolkit, check that both give the same gradients, and use the
matrix version to go further: the tutorial's first Keras network, which
judges beans by two features, then networks with three hidden layers
that untangle two interleaved spirals.

*What you need:* chapter 4 (the sigmoid neuron and its chain rule), and
matrix products from the toolkit appendix.

```{.run chapter="05-hidden-layer"}
```

Each result of the chapter, a table or a figure, sits right after the
code that produces it; the code that only draws the figures is gathered
in one section at the end.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"

/**
## Beans that are toxic in the middle

The tutorial's code for this lesson calls `dataset.get_beans(100)` but
does not show the data file, only that it plots sizes up to $2.5$. We use
the version from the course the tutorial follows: sizes are
$x = 2\,u$ with $u$ uniform in $[0, 1)$, sorted, and the toxicity
$t = 0.7\,x + 0.5$ plus the same small noise as before (at most $0.01$
either way). A bean is toxic when $0.8 < t < 1.4$, that is, roughly for
sizes between $3/7$ and $9/7$; smaller and larger beans are safe. The
random draws come in NumPy's order: all sizes first, then one noise draw
per bean, so with seed 0 these are the beans the Python program sees
after `np.random.seed(0)`.
*/

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// Sizes x = sort(2 rand(n)); toxicity t = 0.7 x + (0.5 - rand()) / 50
// + 0.5; a bean is toxic (1) when 0.8 < t < 1.4. x[n], label[n].
static void beans_toxic_in_middle(rng *r, double *x, double *label, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = 2.0 * rng_rand(r);
    qsort(x, (size_t)n, sizeof x[0], compare_doubles);
    for (int i = 0; i < n; i++) {
        double toxicity = 0.7 * x[i] + (0.5 - rng_rand(r)) / 50.0 + 0.5;
        label[i] = toxicity > 0.8 && toxicity < 1.4 ? 1.0 : 0.0;
    }
}

// sigma(z) = 1 / (1 + e^-z); d sigma / dz = sigma (1 - sigma)
static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/**
## The tutorial's network, by hand

The network has one input, the size $x$; two hidden sigmoid neurons,
each with its own weight and bias; and one sigmoid output neuron that
weighs the two hidden outputs:

$$\begin{aligned}
z^{(1)}_1 &= w^{(1)}_{11}\,x + b^{(1)}_1, &
a^{(1)}_1 &= \sigma\bigl(z^{(1)}_1\bigr), \\
z^{(1)}_2 &= w^{(1)}_{21}\,x + b^{(1)}_2, &
a^{(1)}_2 &= \sigma\bigl(z^{(1)}_2\bigr), \\
z^{(2)}_1 &= w^{(2)}_{11}\,a^{(1)}_1 + w^{(2)}_{12}\,a^{(1)}_2
             + b^{(2)}_1, &
a^{(2)}_1 &= \sigma\bigl(z^{(2)}_1\bigr).
\end{aligned}$$

The superscript is the layer (1 hidden, 2 output); in $w_{jk}$ the first
index is the neuron and the second the input it weighs. The code keeps
the tutorial's spelling of these names, so that you can hold the C next
to the Python: `w12_2` is $w^{(2)}_{12}$, the output neuron's weight on
hidden neuron 2, and `a1_1` is $a^{(1)}_1$. The seven parameters form the
network's parameter block; the same struct holds their gradients.

![The 1-2-1 network. Every weight carries its name in the chapter's
notation: superscript the layer, first index the neuron, second index
the input it weighs; each neuron adds its own bias $b$.
](figures/diagrams/ch5-bean-net)
*/

// The tutorial's network, every parameter by name: in w12_2 the digits
// say neuron 1, its input 2, layer 2 (the output). Also the gradient.
typedef struct {
    double w11_1, w21_1;   // hidden neurons 1, 2: weight on the size
    double b1_1, b2_1;     // hidden neurons 1, 2: bias
    double w11_2, w12_2;   // output neuron: weights on hidden 1, 2
    double b1_2;           // output neuron: bias
} bean_net;

// What the forward pass computes for one bean, kept for the backward.
typedef struct {
    double z1_1, a1_1;     // hidden neuron 1: weighted sum, output
    double z2_1, a2_1;     // hidden neuron 2
    double z1_2, a1_2;     // output neuron: a1_2 is the network's answer
} bean_trace;

static bean_trace bean_net_forward(bean_net p, double x)
{
    bean_trace t;
    t.z1_1 = p.w11_1 * x + p.b1_1;
    t.a1_1 = sigmoid(t.z1_1);
    t.z2_1 = p.w21_1 * x + p.b2_1;
    t.a2_1 = sigmoid(t.z2_1);
    t.z1_2 = p.w11_2 * t.a1_1 + p.w12_2 * t.a2_1 + p.b1_2;
    t.a1_2 = sigmoid(t.z1_2);
    return t;
}

/**
### Every partial derivative by name

The error on one bean is $e = (y - a^{(2)}_1)^2$. For the output neuron's
own parameters the chain is as short as in the last chapter:

$$\frac{\partial e}{\partial w^{(2)}_{11}}
  = \frac{\partial e}{\partial a^{(2)}_1}\cdot
    \frac{\partial a^{(2)}_1}{\partial z^{(2)}_1}\cdot
    \frac{\partial z^{(2)}_1}{\partial w^{(2)}_{11}}
  = -2\,\bigl(y - a^{(2)}_1\bigr)\cdot a^{(2)}_1\bigl(1 - a^{(2)}_1\bigr)
    \cdot a^{(1)}_1 .$$

The input of the output neuron is now not the size but a hidden neuron's
output, so $\partial z^{(2)}_1 / \partial w^{(2)}_{11} = a^{(1)}_1$.

A hidden neuron's weight sits two neurons away from the error. The
chain is longer but made of the same kinds of links: from $e$ back to
the output's sum $z^{(2)}_1$ as before, then through the weight that
connects the hidden neuron to the output,
$\partial z^{(2)}_1 / \partial a^{(1)}_1 = w^{(2)}_{11}$, then down the
hidden neuron's own S and into its weight:

$$\frac{\partial e}{\partial w^{(1)}_{11}}
  = \frac{\partial e}{\partial a^{(2)}_1}\cdot
    \frac{\partial a^{(2)}_1}{\partial z^{(2)}_1}\cdot
    \frac{\partial z^{(2)}_1}{\partial a^{(1)}_1}\cdot
    \frac{\partial a^{(1)}_1}{\partial z^{(1)}_1}\cdot
    \frac{\partial z^{(1)}_1}{\partial w^{(1)}_{11}} .$$

The code spells out every link as a variable named after it: `de_da1_2`
is $\partial e / \partial a^{(2)}_1$, `dz1_2_da1_1` is
$\partial z^{(2)}_1 / \partial a^{(1)}_1$, and so on. The first two links
are shared by all seven chains; writing them out separately in each
product, as the tutorial does, shows what backpropagation saves: it
computes the shared beginning of the chains once.
*/

// e = (y - a1_2)^2. Adds de/d(parameter) for all seven into grad;
// t is bean_net_forward(p, x).
static void bean_net_backward(bean_net *grad, double x, double y,
                              bean_trace t, bean_net p)
{
    // the output neuron
    double de_da1_2 = -2.0 * (y - t.a1_2);
    double da1_2_dz1_2 = t.a1_2 * (1.0 - t.a1_2);
    double dz1_2_dw11_2 = t.a1_1;
    double dz1_2_dw12_2 = t.a2_1;
    double dz1_2_db1_2 = 1.0;
    grad->w11_2 += de_da1_2 * da1_2_dz1_2 * dz1_2_dw11_2;
    grad->w12_2 += de_da1_2 * da1_2_dz1_2 * dz1_2_dw12_2;
    grad->b1_2 += de_da1_2 * da1_2_dz1_2 * dz1_2_db1_2;

    // hidden neuron 1, which reaches the output through w11_2
    double dz1_2_da1_1 = p.w11_2;
    double da1_1_dz1_1 = t.a1_1 * (1.0 - t.a1_1);
    double dz1_1_dw11_1 = x;
    double dz1_1_db1_1 = 1.0;
    grad->w11_1 += de_da1_2 * da1_2_dz1_2 * dz1_2_da1_1 * da1_1_dz1_1
                   * dz1_1_dw11_1;
    grad->b1_1 += de_da1_2 * da1_2_dz1_2 * dz1_2_da1_1 * da1_1_dz1_1
                  * dz1_1_db1_1;

    // hidden neuron 2, which reaches the output through w12_2
    double dz1_2_da2_1 = p.w12_2;
    double da2_1_dz2_1 = t.a2_1 * (1.0 - t.a2_1);
    double dz2_1_dw21_1 = x;
    double dz2_1_db2_1 = 1.0;
    grad->w21_1 += de_da1_2 * da1_2_dz1_2 * dz1_2_da2_1 * da2_1_dz2_1
                   * dz2_1_dw21_1;
    grad->b2_1 += de_da1_2 * da1_2_dz1_2 * dz1_2_da2_1 * da2_1_dz2_1
                  * dz2_1_db2_1;
}

/**
### Training it

Training is the last chapter's loop with seven parameters instead of
two: for each bean in order, forward, zero the gradient, backward, and
step every parameter against its gradient. The tutorial starts every
parameter at a `np.random.rand()` draw, uniform in $[0, 1)$, in the order
of the struct; so do we.
*/

// One pass over the n beans in order. x[n] sizes, label[n].
static void bean_net_sgd_pass(bean_net *p, const double *x,
                              const double *label, int n, double alpha)
{
    for (int i = 0; i < n; i++) {
        bean_trace t = bean_net_forward(*p, x[i]);
        bean_net grad = {0};
        bean_net_backward(&grad, x[i], label[i], t, *p);
        p->w11_1 -= alpha * grad.w11_1;
        p->w21_1 -= alpha * grad.w21_1;
        p->b1_1 -= alpha * grad.b1_1;
        p->b2_1 -= alpha * grad.b2_1;
        p->w11_2 -= alpha * grad.w11_2;
        p->w12_2 -= alpha * grad.w12_2;
        p->b1_2 -= alpha * grad.b1_2;
    }
}

// Mean squared error and accuracy (answer > 1/2 means toxic) over n beans.
// x[n] sizes, label[n].
static void bean_net_score(double *loss, double *accuracy, bean_net p,
                           const double *x, const double *label, int n)
{
    double sum = 0.0;
    int right = 0;
    for (int i = 0; i < n; i++) {
        double a = bean_net_forward(p, x[i]).a1_2;
        sum += (label[i] - a) * (label[i] - a);
        right += (a > 0.5) == (label[i] > 0.5);
    }
    *loss = sum / n;
    *accuracy = (double)right / n;
}

/**
The training loop prints a line every tenth of the passes and draws an
animation of the network's answer, about fifty frames spaced more
densely at the start, where the curves move most. The three drawing
functions it calls are in the drawing section at the end of the
chapter; here are their names:
*/

// Defined with the other drawing code at the end of the chapter.
static int next_frame_pass(int pass, int passes);
static plot *begin_beans_animation(plotter *pl, const double *x,
                                   const double *label, int n);
static void beans_frame(plot *p, bean_net net, int pass);

// Train `net` on the n beans for `passes` passes, printing a table and
// the learned parameters. x[n] sizes, label[n]. Returns 0, or 1 (after
// one line on stderr) if the loss diverges.
static int train_bean_net(const cli_common *common, plotter *pl,
                          bean_net *net, const double *x,
                          const double *label, int n, int passes,
                          double alpha)
{
    printf("the tutorial's network by hand: 1-2-1 sigmoid, %d passes, "
           "alpha = %g\n", passes, alpha);
    printf("   pass      loss  accuracy\n");
    plot *anim = begin_beans_animation(pl, x, label, n);
    int report_every = passes >= 10 ? passes / 10 : 1;
    int next_frame = 0, status = 0;
    double loss = 0.0, accuracy = 0.0, first_loss = 0.0;
    progress bar;
    progress_start(&bar, "beans", passes);
    for (int pass = 0; pass <= passes; pass++) {
        if (pass > 0)
            bean_net_sgd_pass(net, x, label, n, alpha);
        bean_net_score(&loss, &accuracy, *net, x, label, n);
        if (pass == 0)
            first_loss = loss;
        progress_update(&bar, pass, "loss %.4f  acc %.3f", loss,
                        accuracy);
        char where[32];
        snprintf(where, sizeof where, "pass %d", pass);
        int guard = cli_check_loss(common, loss, first_loss, where,
                                   "lower --lr");
        if (guard != CLI_CONTINUE) {
            status = guard;
            break;
        }
        if (pass % report_every == 0 || pass == passes) {
            progress_clear(&bar);
            printf("%7d %9.6f %9.3f\n", pass, loss, accuracy);
        }
        if (pass == next_frame) {
            beans_frame(anim, *net, pass);
            next_frame = next_frame_pass(pass, passes);
        }
    }
    progress_end(&bar);
    plot_end(anim);
    if (status != 0)
        return status;
    printf("w11_1= %.4f w21_1= %.4f b1_1= %.4f b2_1= %.4f\n", net->w11_1,
           net->w21_1, net->b1_1, net->b2_1);
    printf("w11_2= %.4f w12_2= %.4f b1_2= %.4f\n", net->w11_2,
           net->w12_2, net->b1_2);
    printf("beans: loss= %.6f accuracy= %.3f\n\n", loss, accuracy);
    return 0;
}

/**
### What the hand-written network learned

`main` (near the end of the chapter) makes the beans, draws the
tutorial's start (seven `rand()` draws taken right after the beans, as
in the Python) and calls `train_bean_net`. The book's run:

```{.output file="05-hidden-layer" from="beans with sizes" to="beans:"}
```

![The hidden layer at work on the beans (grey points, at height 1 if
toxic and 0 if safe). Thin coloured lines: the two hidden neurons'
outputs, each a single S. Thick black line: the output neuron's answer,
which combines them into a bump over the toxic middle
sizes.](figures/05-hidden-layer/hidden-beans)

At the start the network answers well above one half for every bean,
so it calls them all toxic and its accuracy is just the share of toxic
beans. Within the first few hundred passes it finds the bump, and
the rest of the run sharpens its edges. The few beans it still misjudges
sit at the two borders, where the noise makes the labels a coin toss.

The learned parameters tell how the work was divided. In the book's
run, hidden neuron 1 has a negative weight, so it fires for *small*
beans and switches off around the size $-b^{(1)}_1 / w^{(1)}_{11}$;
hidden neuron 2 has a positive weight and fires for *large* beans,
beyond $-b^{(1)}_2 / w^{(1)}_{21}$. Work out the two switching sizes from
the printed numbers: they land close to the borders $3/7$ and $9/7$ the
beans were made with. The output neuron weighs both hidden neurons
negatively and has a positive bias, so it says "toxic" exactly when
neither of them fires: in the middle. Nobody told the hidden neurons to
specialise; the gradient pushed each towards one border because that is
what lowered the error.
*/

/**
## The same network with matrices

Writing every derivative by name is the best way to see what
backpropagation does, and the worst way to build a bigger network. The
hand-written version has seven chains; a network with two inputs, three
hidden layers of eight neurons and one output has 177 parameters. The
way out is to notice that every layer does the same two things, a
weighted sum and an element-wise squashing, and to write each once, for
a whole layer and a whole batch of examples at a time.

Stack a batch of $n$ inputs as the rows of a matrix $X$. A dense layer
with weights $W$ (one column per neuron) and bias row $b$ computes all
its neurons' sums for all examples at once:

$$Z = X W + b .$$

Its backward pass receives $\partial L / \partial Z$, one row per
example, and turns it into the three things the chain rule asks for: the
gradient of its weights, of its bias, and of its input, which the layer
below needs:

$$\frac{\partial L}{\partial W} = X^{\mathsf T}\,
  \frac{\partial L}{\partial Z}, \qquad
  \frac{\partial L}{\partial b} = \sum_{\text{rows}}
  \frac{\partial L}{\partial Z}, \qquad
  \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Z}\,
  W^{\mathsf T}.$$

Each is the hand-written chain in bulk: $X^{\mathsf T}$ supplies the
$\partial z / \partial w = x$ links, $W^{\mathsf T}$ the
$\partial z / \partial a = w$ links, and the matrix products add up the
contributions of every example and every path. As everywhere in this
book, backward functions take their outputs first, *add* into them, and
leave the zeroing to the caller.
*/

// Z = X W + b. Z is (n, n_out), X is (n, n_in), W is (n_in, n_out),
// b is (1, n_out).
static void dense_forward(matrix Z, matrix X, matrix W, matrix b)
{
    mat_mul(Z, X, W);
    mat_add_row(Z, b);
}

// From dZ = dL/dZ: dW += X^T dZ, db += the sum of dZ's rows, and, unless
// dX.data is NULL (the network's input needs no gradient), dX += dZ W^T.
// dX is (n, n_in), dW is (n_in, n_out), db is (1, n_out), dZ is
// (n, n_out), X is (n, n_in), W is (n_in, n_out).
static void dense_backward(matrix dX, matrix dW, matrix db, matrix dZ,
                           matrix X, matrix W)
{
    mat_gemm(dW, 1.0, X, true, dZ, false, 1.0);
    for (int i = 0; i < dZ.rows; i++)
        for (int j = 0; j < dZ.cols; j++)
            db.data[j] += MAT_AT(dZ, i, j);
    if (dX.data)
        mat_gemm(dX, 1.0, dZ, false, W, true, 1.0);
}

/**
The squashing functions work element by element. Besides the sigmoid we
now also use the *rectified linear unit*, $\operatorname{relu}(z) =
\max(0, z)$, which the tutorial's deep network uses in its hidden layers.
Its derivative is $1$ where $z > 0$ and $0$ elsewhere: it passes the
gradient through unchanged or blocks it, and never shrinks it by a factor
$a(1 - a) \le 1/4$ as the sigmoid does in each layer it passes.
*/

// A = sigma(Z) element-wise. A and Z are (n, m).
static void sigmoid_forward(matrix A, matrix Z)
{
    for (size_t i = 0; i < mat_size(Z); i++)
        A.data[i] = sigmoid(Z.data[i]);
}

// dZ += dA * A (1 - A). dZ, dA and A are (n, m).
static void sigmoid_backward(matrix dZ, matrix dA, matrix A)
{
    for (size_t i = 0; i < mat_size(A); i++)
        dZ.data[i] += dA.data[i] * A.data[i] * (1.0 - A.data[i]);
}

// A = max(0, Z) element-wise. A and Z are (n, m).
static void relu_forward(matrix A, matrix Z)
{
    for (size_t i = 0; i < mat_size(Z); i++)
        A.data[i] = Z.data[i] > 0.0 ? Z.data[i] : 0.0;
}

// dZ += dA where Z > 0. dZ, dA and Z are (n, m).
static void relu_backward(matrix dZ, matrix dA, matrix Z)
{
    for (size_t i = 0; i < mat_size(Z); i++)
        if (Z.data[i] > 0.0)
            dZ.data[i] += dA.data[i];
}

/**
The loss is the mean of the squared errors over the batch, as Keras's
`mean_squared_error` computes it, and its gradient with respect to each
answer is $2(p_i - y_i)/n$. For a batch of one bean it is exactly the
hand-written $e$.
*/

// L = (1/n) sum_i (P_i - Y_i)^2. P and Y are (n, 1). Returns L.
static double mse_forward(matrix P, matrix Y)
{
    double sum = 0.0;
    for (int i = 0; i < P.rows; i++) {
        double miss = P.data[i] - Y.data[i];
        sum += miss * miss;
    }
    return sum / P.rows;
}

// dP += dL/dP = 2 (P - Y) / n. dP, P and Y are (n, 1).
static void mse_backward(matrix dP, matrix P, matrix Y)
{
    for (int i = 0; i < P.rows; i++)
        dP.data[i] += 2.0 * (P.data[i] - Y.data[i]) / P.rows;
}

/**
### A network is a list of layer sizes

A network is described by its layer sizes, from the inputs to the single
output, and by the squashing function of its hidden layers; the output
neuron is always a sigmoid, so the answer is a belief between $0$ and
$1$. All weights and biases live in one parameter block, layer after
layer, $W_1, b_1, W_2, b_2, \dots$, and the gradients in a second block of
the same layout. The matrices a layer uses are *views* into the block: a
`matrix` whose `data` points into it, so that the optimizer can still
treat all parameters as one flat array. For the bean network the block
holds $W_1 = (w^{(1)}_{11}\;\, w^{(1)}_{21})$,
$b_1 = (b^{(1)}_1\;\, b^{(1)}_2)$, $W_2 = (w^{(2)}_{11}\;\,
w^{(2)}_{12})^{\mathsf T}$ and $b_2 = (b^{(2)}_1)$, in that order: the
same seven numbers as the struct above.
*/

enum { MAX_LAYERS = 4 };   // dense layers, the output layer included

typedef enum { SIGMOID, RELU } activation;

typedef struct {
    int n_layers;                 // dense layers
    int sizes[MAX_LAYERS + 1];    // inputs, hidden sizes..., 1 output
    activation hidden;            // the hidden layers' squashing
    int n_params;
    double *params;   // (n_params): W1 b1 W2 b2 ..., Wl is (sizes[l-1],
                      // sizes[l]) row-major, bl is (1, sizes[l])
    double *grads;    // (n_params): the same layout
} mlp;

static mlp mlp_create(int n_layers, const int *sizes, activation hidden)
{
    mlp net = {.n_layers = n_layers, .hidden = hidden};
    for (int l = 0; l <= n_layers; l++)
        net.sizes[l] = sizes[l];
    for (int l = 0; l < n_layers; l++)
        net.n_params += (sizes[l] + 1) * sizes[l + 1];
    net.params = nn_alloc((size_t)net.n_params, sizeof(double));
    net.grads = nn_alloc((size_t)net.n_params, sizeof(double));
    return net;
}

static void mlp_free(mlp *net)
{
    free(net->params);
    free(net->grads);
    net->params = net->grads = NULL;
}

// Views of layer l's weights W (sizes[l], sizes[l+1]) and bias b
// (1, sizes[l+1]) inside `block`, which is net->params or net->grads.
static void layer_views(matrix *W, matrix *b, const mlp *net,
                        double *block, int l)
{
    size_t offset = 0;
    for (int k = 0; k < l; k++)
        offset += (size_t)(net->sizes[k] + 1) * net->sizes[k + 1];
    int n_in = net->sizes[l], n_out = net->sizes[l + 1];
    *W = (matrix){n_in, n_out, block + offset};
    *b = (matrix){1, n_out, block + offset + (size_t)n_in * n_out};
}

/**
What the forward pass computes, and the backward pass needs, is kept per
layer: the sums $Z$ and the outputs $A$, and room for their gradients.
The buffers are allocated once for the largest batch; a smaller batch
uses their first rows, again as views.
*/

typedef struct {
    int max_rows;
    matrix Z[MAX_LAYERS];    // Z[l] is (max_rows, sizes[l+1]): sums
    matrix A[MAX_LAYERS];    // A[l] is (max_rows, sizes[l+1]): outputs
    matrix dZ[MAX_LAYERS];   // dL/dZ[l], same shape
    matrix dA[MAX_LAYERS];   // dL/dA[l], same shape
} mlp_acts;

static mlp_acts acts_create(const mlp *net, int max_rows)
{
    mlp_acts acts = {.max_rows = max_rows};
    for (int l = 0; l < net->n_layers; l++) {
        acts.Z[l] = mat_alloc(max_rows, net->sizes[l + 1]);
        acts.A[l] = mat_alloc(max_rows, net->sizes[l + 1]);
        acts.dZ[l] = mat_alloc(max_rows, net->sizes[l + 1]);
        acts.dA[l] = mat_alloc(max_rows, net->sizes[l + 1]);
    }
    return acts;
}

static void acts_free(mlp_acts *acts)
{
    for (int l = 0; l < MAX_LAYERS; l++) {
        mat_free(&acts->Z[l]);
        mat_free(&acts->A[l]);
        mat_free(&acts->dZ[l]);
        mat_free(&acts->dA[l]);
    }
}

// The first `rows` rows of m, as a view.
static matrix top_rows(matrix m, int rows)
{
    m.rows = rows;
    return m;
}

static bool is_output(const mlp *net, int l)
{
    return l == net->n_layers - 1;
}

/**
The whole network's forward pass runs the layers from the input up; its
backward pass runs them from the output down, each layer handing the
gradient of its input to the layer below as that layer's
$\partial L / \partial A$.

Written out once for a network of $L$ layers, with $A^0 = X$ the input,
$Z^l = A^{l-1} W^l + b^l$ and $A^l = f(Z^l)$ (ReLU or sigmoid in the
hidden layers, the sigmoid at the output), and with
$\delta^l = \partial L / \partial Z^l$, this is the *backpropagation
recurrence*:

$$\begin{aligned}
\delta^{L} &= \frac{\partial L}{\partial A^{L}} \odot f'(Z^{L}), \\
\delta^{l} &= \bigl(\delta^{l+1}\,(W^{l+1})^{\mathsf T}\bigr)
              \odot f'(Z^{l}), \qquad l = L-1, \dots, 1, \\
\frac{\partial L}{\partial W^{l}} &= (A^{l-1})^{\mathsf T}\,\delta^{l},
\qquad
\frac{\partial L}{\partial b^{l}} = \sum_{\text{rows}} \delta^{l},
\end{aligned}$$

where $\odot$ multiplies element by element. In `mlp_backward` below,
`dA` is $\partial L / \partial A^l$, `sigmoid_backward` or
`relu_backward` applies the $\odot f'(Z^l)$ and leaves $\delta^l$ in
`dZ`, and `dense_backward` computes the two gradients and, for the layer
below, $\delta^{l} (W^{l})^{\mathsf T}$. (The code counts layers from
$0$, the math from $1$.) For the sigmoid, $f'(Z) = A \odot (1 - A)$: the
chain of the hand-written network, one layer at a time.
*/
// Forward through all layers; returns the answers P, a view (n, 1) into
// acts. X is (n, sizes[0]) with n <= acts->max_rows.
static matrix mlp_forward(mlp_acts *acts, matrix X, const mlp *net)
{
    int n = X.rows;
    matrix input = X;
    for (int l = 0; l < net->n_layers; l++) {
        matrix W, b;
        layer_views(&W, &b, net, net->params, l);
        matrix Z = top_rows(acts->Z[l], n), A = top_rows(acts->A[l], n);
        dense_forward(Z, input, W, b);
        if (is_output(net, l) || net->hidden == SIGMOID)
            sigmoid_forward(A, Z);
        else
            relu_forward(A, Z);
        input = A;
    }
    return top_rows(acts->A[net->n_layers - 1], n);
}

// Backward from the answers' gradient dP = dL/dP, (n, 1): adds dL/dW and
// dL/db of every layer into net->grads. acts holds mlp_forward(X).
static void mlp_backward(mlp *net, mlp_acts *acts, matrix dP, matrix X)
{
    int n = X.rows;
    for (int l = 0; l < net->n_layers; l++) {
        mat_fill(top_rows(acts->dZ[l], n), 0.0);
        mat_fill(top_rows(acts->dA[l], n), 0.0);
    }
    mat_copy(top_rows(acts->dA[net->n_layers - 1], n), dP);
    for (int l = net->n_layers - 1; l >= 0; l--) {
        matrix W, b, dW, db;
        layer_views(&W, &b, net, net->params, l);
        layer_views(&dW, &db, net, net->grads, l);
        matrix Z = top_rows(acts->Z[l], n), A = top_rows(acts->A[l], n);
        matrix dZ = top_rows(acts->dZ[l], n);
        matrix dA = top_rows(acts->dA[l], n);
        if (is_output(net, l) || net->hidden == SIGMOID)
            sigmoid_backward(dZ, dA, A);
        else
            relu_backward(dZ, dA, Z);
        matrix input = l > 0 ? top_rows(acts->A[l - 1], n) : X;
        matrix dinput = l > 0 ? top_rows(acts->dA[l - 1], n)
                              : (matrix){0, 0, NULL};
        dense_backward(dinput, dW, db, dZ, input, W);
    }
}

/**
One function puts the pieces together for a batch: forward, loss,
backward. It returns the loss and leaves the gradient, averaged over the
batch, in `net->grads`.
*/

// L over the batch (X, Y); net->grads = dL/dparams. X is (n, sizes[0]),
// Y is (n, 1). dP is scratch, (max_rows, 1).
static double mlp_loss_and_grads(mlp *net, mlp_acts *acts, matrix dP,
                                 matrix X, matrix Y)
{
    matrix P = mlp_forward(acts, X, net);
    double loss = mse_forward(P, Y);
    dP = top_rows(dP, X.rows);
    mat_fill(dP, 0.0);
    mse_backward(dP, P, Y);
    memset(net->grads, 0, (size_t)net->n_params * sizeof(double));
    mlp_backward(net, acts, dP, X);
    return loss;
}

/**
### Both versions agree

Now the check. We load the bean network's starting parameters into a
1-2-1 matrix network, compute its gradient over all the beans as one
batch, and compare it with the hand-written gradients, summed bean by
bean and divided by their number (the batch loss is the mean of the
per-bean errors). The largest difference must be below $10^{-12}$: the
two programs do the same arithmetic, only grouped differently.
*/

// The bean network's seven numbers in the matrix layout W1 b1 W2 b2:
// block[7].
static void bean_net_to_block(double *block, bean_net p)
{
    const double in_order[7] = {p.w11_1, p.w21_1, p.b1_1, p.b2_1,
                                p.w11_2, p.w12_2, p.b1_2};
    memcpy(block, in_order, sizeof in_order);
}

// The largest |hand - matrix| over the seven gradients, at parameters p
// and over all n beans. x[n], label[n].
static double compare_gradients(bean_net p, const double *x,
                                const double *label, int n)
{
    bean_net hand = {0};
    for (int i = 0; i < n; i++)
        bean_net_backward(&hand, x[i], label[i], bean_net_forward(p, x[i]),
                          p);
    double hand_block[7];
    bean_net_to_block(hand_block, hand);

    int sizes[3] = {1, 2, 1};
    mlp net = mlp_create(2, sizes, SIGMOID);
    bean_net_to_block(net.params, p);
    mlp_acts acts = acts_create(&net, n);
    matrix X = {n, 1, (double *)x}, Y = {n, 1, (double *)label};
    matrix dP = mat_alloc(n, 1);
    mlp_loss_and_grads(&net, &acts, dP, X, Y);
    double largest = 0.0;
    for (int k = 0; k < 7; k++)
        largest = fmax(largest, fabs(hand_block[k] / n - net.grads[k]));
    mat_free(&dP);
    acts_free(&acts);
    mlp_free(&net);
    return largest;
}

/**
The matrix version agrees with the hand-written one to the last few
bits of a double, the rounding of the same sums added up in another
order:

```{.output file="05-hidden-layer" from="hand-written vs matrix" to="largest"}
```
*/

/**
## Going further: two inputs

The tutorial's Keras part feeds networks points in the plane,
$(x_1, x_2)$, with a label $0$ or $1$. Its first example is a new kind
of bean, judged by two features (think of size and colour), and then
two data sets of the TensorFlow Playground, which the toolkit rebuilds
in `common/data.c`:

- **beans with two features** (the tutorial's `get_beans4`, which it
  calls without showing; made below as the course's data file makes
  them): both features uniform in $[0, 2)$, drawn as NumPy's
  `rand(n, 2) * 2` draws them, row by row; a bean is toxic (label $1$)
  when $(x_1 - 1)^2 + (x_2 - 0.3)^2 < 0.5$, inside a disc that the
  bottom edge of the square cuts off.
- **two spirals** (`data_two_spirals`): two arms that wind
  $1.75$ turns around the origin, out to radius $5$, the second arm the
  first turned by half a turn; arm one is labelled $1$, arm two $0$. Each
  point is jittered a little. (The tutorial jitters with Python's
  `random` module rather than NumPy's, so our spirals have the same
  shape but not the very same points.)
- **a disc inside a ring** (`data_circle`): half the points inside
  radius $0.5$ (label $1$), half in the ring between radius $0.7$ and
  $1$ (label $0$), centred at $(1, 1)$. Like the tutorial (and the
  Playground), it draws the *radius* uniformly, not the point: the inner
  points crowd towards the centre, since a thin ring near the centre
  gets as many points as one near the edge, with far less area (a
  uniform disc would take the radius $0.5\sqrt{u}$). The maps below show
  the crowding; it does not matter for what the networks must learn.
*/

// The tutorial's two-feature beans (get_beans4): X = 2 rand(n, 2), drawn
// row by row; toxic (1) when (x1 - 1)^2 + (x2 - 0.3)^2 < 0.5.
// X is (n, 2), label is (n).
static void beans_two_features(rng *r, double *X, double *label, int n)
{
    for (int i = 0; i < 2 * n; i++)
        X[i] = 2.0 * rng_rand(r);
    for (int i = 0; i < n; i++) {
        double d1 = X[2 * i] - 1.0, d2 = X[2 * i + 1] - 0.3;
        label[i] = d1 * d1 + d2 * d2 < 0.5 ? 1.0 : 0.0;
    }
}

/**
The recipe is the tutorial's Keras one: squared error, plain mini-batch
SGD with batches of $10$ and learning rate $0.05$, the examples shuffled
before each epoch, for $5000$ epochs.

Keras also fixes how the weights start, and this matters more than it
seems. It draws every weight matrix from the *Glorot uniform*
distribution [@glorot2010], $W_{ij} \sim U(-r, r)$ with
$r = \sqrt{6 / (n_{\text{in}} + n_{\text{out}})}$, and sets the biases
to zero. Glorot and Bengio chose that bound so that, for units that
behave like $\tanh$ near zero (symmetric, slope about $1$), the spread
of the sums stays about the same from layer to layer (a compromise
between the signal going forwards and the gradient coming back), and a
deep network neither drowns its signal nor blows it up before learning
starts. ReLU units do not behave like that: they pass
only the positive half of their input, so with Glorot's bound the second
moment of the sums roughly halves at each layer. He and colleagues
[@he2015] doubled the variance for ReLU networks to make up for it,
$W_{ij} \sim N(0, 2 / n_{\text{in}})$. We keep Keras's default, which is
what the tutorial ran, because three layers of eight are shallow enough
for the halving not to hurt; for a much deeper ReLU network, He's start
is the one to use.

What Glorot's start avoids is plain in the tutorial's `rand()` start,
with every weight and bias positive and of order one: in a deep ReLU
network each layer adds up eight positive contributions, the sums grow
from layer to layer, and the output sigmoid starts out saturated, where
(as the last chapter's race showed) the squared error hardly pushes at
all. We draw the Glorot weights from the toolkit's NumPy generator.
*/

// Keras's defaults: W ~ U(-r, r), r = sqrt(6 / (n_in + n_out)); b = 0.
static void glorot_init(mlp *net, rng *r)
{
    for (int l = 0; l < net->n_layers; l++) {
        matrix W, b;
        layer_views(&W, &b, net, net->params, l);
        double bound = sqrt(6.0 / (net->sizes[l] + net->sizes[l + 1]));
        rng_fill_uniform(r, W.data, mat_size(W), -bound, bound);
        mat_fill(b, 0.0);
    }
}

/**
To see the difference for yourself, `--init rand` starts the planar
networks the way the tutorial started its hand-written one, every weight
and bias a `rand()` draw in $[0, 1)$.
*/

typedef enum { INIT_GLOROT, INIT_RAND } init_kind;

static void init_params(mlp *net, init_kind init, rng *r)
{
    if (init == INIT_GLOROT)
        glorot_init(net, r);
    else
        rng_fill_rand(r, net->params, (size_t)net->n_params);
}

/**
One epoch shuffles the order of the examples, as Keras's `fit` does,
gathers each batch of rows into a small matrix, and takes one step
against the batch's mean gradient:

$$\theta \leftarrow \theta - \alpha\, \nabla_\theta L_{\text{batch}} .$$

With the parameters in one block, the step is one loop.
*/

// Scratch for training: a shuffled order and one gathered batch.
typedef struct {
    int *order;    // (n)
    matrix Xb;     // (batch, n_in)
    matrix Yb;     // (batch, 1)
    matrix dP;     // (max rows, 1)
} sgd_scratch;

// One epoch of mini-batch SGD on (X, Y). X is (n, n_in), Y is (n, 1);
// s->Xb, s->Yb hold up to `batch` rows. Returns the mean of the batches'
// losses (what Keras reports as an epoch's loss).
static double sgd_epoch(mlp *net, mlp_acts *acts, sgd_scratch *s, rng *r,
                        matrix X, matrix Y, int batch, double alpha)
{
    int n = X.rows, n_in = X.cols, batches = 0;
    double loss_sum = 0.0;
    rng_permutation(r, s->order, n);
    for (int start = 0; start < n; start += batch) {
        int rows = n - start < batch ? n - start : batch;
        matrix Xb = top_rows(s->Xb, rows), Yb = top_rows(s->Yb, rows);
        for (int i = 0; i < rows; i++) {
            int row = s->order[start + i];
            for (int j = 0; j < n_in; j++)
                MAT_AT(Xb, i, j) = MAT_AT(X, row, j);
            Yb.data[i] = Y.data[row];
        }
        loss_sum += mlp_loss_and_grads(net, acts, s->dP, Xb, Yb);
        batches++;
        for (int k = 0; k < net->n_params; k++)
            net->params[k] -= alpha * net->grads[k];
    }
    return loss_sum / batches;
}

// The loss over all of (X, Y), and the fraction of answers on the right
// side of 1/2. X is (n, n_in), Y is (n, 1), n <= acts->max_rows.
static double mlp_evaluate(double *accuracy, const mlp *net,
                           mlp_acts *acts, matrix X, matrix Y)
{
    matrix P = mlp_forward(acts, X, net);
    int right = 0;
    for (int i = 0; i < X.rows; i++)
        right += (P.data[i] > 0.5) == (Y.data[i] > 0.5);
    *accuracy = (double)right / X.rows;
    return mse_forward(P, Y);
}

/**
### Training a planar network

A data set in the plane carries its points and labels, and a grid of
points covering them, on which the trained network's answer is computed
for the maps.
*/

enum { GRID = 81 };   // grid points per axis for the maps

// The plane [x0, x1] x [y0, y1] around the data, with a margin.
typedef struct {
    double x0, x1, y0, y1;
} extent;

typedef struct {
    const char *name;   // "spirals", "circle"
    matrix X;           // (n, 2) points
    matrix Y;           // (n, 1) labels
    extent plane;       // where the maps are drawn
    matrix grid;        // (GRID^2, 2) points of the maps
} data_set;

static extent data_extent(matrix X)
{
    extent e = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (int i = 0; i < X.rows; i++) {
        e.x0 = fmin(e.x0, MAT_AT(X, i, 0));
        e.x1 = fmax(e.x1, MAT_AT(X, i, 0));
        e.y0 = fmin(e.y0, MAT_AT(X, i, 1));
        e.y1 = fmax(e.y1, MAT_AT(X, i, 1));
    }
    double margin = 0.08 * fmax(e.x1 - e.x0, e.y1 - e.y0);
    return (extent){e.x0 - margin, e.x1 + margin, e.y0 - margin,
                    e.y1 + margin};
}

// The grid points in plot_grid's order (x fastest). G is (GRID^2, 2).
static void grid_points(matrix G, extent e)
{
    for (int iy = 0; iy < GRID; iy++)
        for (int ix = 0; ix < GRID; ix++) {
            int row = iy * GRID + ix;
            MAT_AT(G, row, 0) = e.x0 + ix * (e.x1 - e.x0) / (GRID - 1);
            MAT_AT(G, row, 1) = e.y0 + iy * (e.y1 - e.y0) / (GRID - 1);
        }
}

// A data set of n points with room for its grid; data_set_free frees.
static data_set data_set_alloc(const char *name, int n)
{
    return (data_set){.name = name, .X = mat_alloc(n, 2),
                      .Y = mat_alloc(n, 1),
                      .grid = mat_alloc(GRID * GRID, 2)};
}

// Once X is filled: the plane around the points and the grid on it.
static void data_set_frame(data_set *d)
{
    d->plane = data_extent(d->X);
    grid_points(d->grid, d->plane);
}

static void data_set_free(data_set *d)
{
    mat_free(&d->X);
    mat_free(&d->Y);
    mat_free(&d->grid);
}

typedef struct {
    int epochs, batch;
    double alpha;
    init_kind init;
} recipe;

/**
Each training starts a fresh network (Glorot weights, unless
`--init rand`), trains it for the given number of epochs, printing
Keras-style lines at epochs $1, 10, 100, \dots$ and at the last, and
then evaluates it on the grid for the pictures. The hidden units'
outputs on the grid come along for free: the forward pass leaves them in
`acts`.
*/

// What one training leaves for the summary and the pictures.
typedef struct {
    double loss, accuracy;
    double *answers;       // (GRID^2): the output on the data's grid
    double *hidden[3];     // (GRID^2) each: the first hidden layer's
                           // units on the grid, for up to 3 units
    int n_hidden;          // how many of hidden[] are filled
} trained;

static trained trained_alloc(void)
{
    trained t = {.answers = nn_alloc(GRID * GRID, sizeof(double))};
    for (int k = 0; k < 3; k++)
        t.hidden[k] = nn_alloc(GRID * GRID, sizeof(double));
    return t;
}

static void trained_free(trained *t)
{
    free(t->answers);
    for (int k = 0; k < 3; k++)
        free(t->hidden[k]);
}

// Trains a fresh net (n_layers dense layers of the given sizes, hidden
// activation) on d; prints its progress and last line, and fills out.
// Returns 0, or 1 (after one line) if the loss diverges.
static int train_net(const cli_common *common, trained *out,
                     const data_set *d, const char *net_name, int n_layers,
                     const int *sizes, activation hidden, recipe how,
                     rng *r)
{
    mlp net = mlp_create(n_layers, sizes, hidden);
    init_params(&net, how.init, r);
    int n = d->X.rows;
    printf("%s, %s, %d parameters: %d epochs, batch %d, lr %g\n",
           d->name, net_name, net.n_params, how.epochs, how.batch,
           how.alpha);
    mlp_acts acts = acts_create(&net, n > GRID * GRID ? n : GRID * GRID);
    sgd_scratch s = {nn_alloc((size_t)n, sizeof(int)),
                     mat_alloc(how.batch, d->X.cols),
                     mat_alloc(how.batch, 1), mat_alloc(n, 1)};
    char label[48];
    snprintf(label, sizeof label, "%s %s", d->name, net_name);
    progress bar;
    progress_start(&bar, label, how.epochs);
    int status = 0;
    double first_loss = 0.0;
    for (int epoch = 1; epoch <= how.epochs; epoch++) {
        double batch_loss = sgd_epoch(&net, &acts, &s, r, d->X, d->Y,
                                      how.batch, how.alpha);
        if (epoch == 1)
            first_loss = batch_loss;
        char where[32];
        snprintf(where, sizeof where, "epoch %d", epoch);
        int guard = cli_check_loss(common, batch_loss, first_loss, where,
                                   "lower --lr");
        if (guard != CLI_CONTINUE) {
            status = guard;
            break;
        }
        bool report = epoch == how.epochs;
        for (int p = 1; p <= epoch; p *= 10)
            report |= p == epoch;
        if (report || epoch % 100 == 0) {
            out->loss = mlp_evaluate(&out->accuracy, &net, &acts, d->X,
                                     d->Y);
            progress_update(&bar, epoch, "loss %.4f  acc %.3f",
                            out->loss, out->accuracy);
        }
        if (report) {
            progress_clear(&bar);
            printf("Epoch %d/%d - loss: %.4f - accuracy: %.4f\n", epoch,
                   how.epochs, out->loss, out->accuracy);
        }
    }
    progress_end(&bar);
    matrix P = mlp_forward(&acts, d->grid, &net);
    memcpy(out->answers, P.data, mat_size(P) * sizeof(double));
    out->n_hidden = sizes[1] < 3 ? sizes[1] : 3;
    for (int k = 0; k < out->n_hidden; k++)
        for (int i = 0; i < d->grid.rows; i++)
            out->hidden[k][i] = MAT_AT(acts.A[0], i, k);
    free(s.order);
    mat_free(&s.Xb);
    mat_free(&s.Yb);
    mat_free(&s.dP);
    acts_free(&acts);
    mlp_free(&net);
    return status;
}

/**
## The tutorial's first Keras network: beans with two features

The tutorial's first Keras program is our bean network with a second
input: a 2-2-1 sigmoid network, two inputs, two hidden sigmoid units, a
sigmoid output, trained on 100 of the two-feature beans with the recipe
above. To see what each hidden unit contributes we train it beside a
network with one hidden unit and one with three, the progression the
tutorial then shows in the TensorFlow Playground.

The drawing functions are at the end of the chapter: a 3-D surface of
the network's answer over the plane with the beans on it (the
tutorial's `show_scatter_surface`), and maps from above.
*/

// Defined with the other drawing code at the end of the chapter.
static void draw_surface(plotter *pl, const data_set *d,
                         const double *answers, const char *title);
static void draw_hidden_lines(plotter *pl, const char *stem,
                              const data_set *d, const trained *nets,
                              const char *const titles[], int n_nets);

// Trains 2-1-1, 2-2-1 and 2-3-1 sigmoid networks on n two-feature
// beans; prints a summary and draws. Returns 0, or 1 if a loss diverges.
static int two_feature_part(const cli_common *common, plotter *pl,
                            rng *r, int n, recipe how)
{
    data_set d = data_set_alloc("two-feature beans", n);
    beans_two_features(r, d.X.data, d.Y.data, n);
    d.plane = (extent){0.0, 2.0, 0.0, 2.0};   // the features' square
    grid_points(d.grid, d.plane);
    int toxic = 0;
    for (int i = 0; i < n; i++)
        toxic += d.Y.data[i] > 0.5;
    printf("%d beans with two features, %d of them toxic\n", n, toxic);
    const char *names[3] = {"2-1-1 sigmoid", "2-2-1 sigmoid",
                            "2-3-1 sigmoid"};
    trained nets[3];
    int status = 0;
    for (int k = 0; k < 3; k++) {
        nets[k] = trained_alloc();
        int sizes[3] = {2, k + 1, 1};
        if (status == 0)
            status = train_net(common, &nets[k], &d, names[k], 2, sizes,
                               SIGMOID, how, r);
    }
    if (status == 0) {
        printf("\nthe two-feature beans, one to three hidden units\n"
               "network        loss      accuracy\n");
        for (int k = 0; k < 3; k++)
            printf("%-13s  %.6f  %.4f\n", names[k], nets[k].loss,
                   nets[k].accuracy);
        printf("\n");
        draw_surface(pl, &d, nets[1].answers, names[1]);
        const char *titles[3] = {"1 hidden unit", "2 hidden units",
                                 "3 hidden units"};
        draw_hidden_lines(pl, "hidden-lines", &d, nets, titles, 3);
    }
    for (int k = 0; k < 3; k++)
        trained_free(&nets[k]);
    data_set_free(&d);
    return status;
}

/**
### What the two-feature networks learned

Here is the training of the tutorial's 2-2-1 network, in the format of
Keras's log:

```{.output file="05-hidden-layer" from="beans, 2-2-1" to="Epoch 5000/"}
```

![The 2-2-1 network's answer over the two features, as a surface, with
the toxic beans (filled) at height 1 and the safe ones (open) at height
0. Where the surface is high the network says "toxic".
](figures/05-hidden-layer/surface)

The surface is a plateau near $1$ over the toxic beans and a low floor
elsewhere, with a slope between them; its walls are the soft edges of
the two hidden units. Seen from above, with the border at one half
drawn in, it is the middle panel of the next figure.

Now the progression. With one hidden unit the network has one straight
edge to work with; with two, two; with three, three:

```{.output file="05-hidden-layer" from="one to three" to="2-3-1 sigmoid  0"}
```

![One, two and three hidden units on the two-feature beans: each
panel shows the network's answer (blue 0, red 1), its border at one half
(solid), and one dashed line per hidden unit, where that unit's own
answer is one half. Filled points are toxic beans, open ones
safe.](figures/05-hidden-layer/hidden-lines)

Every hidden unit is a sigmoid of a weighted sum of the two features, so
its border is a straight line, the dashed lines. With one hidden unit
the output can only say on which side of that line a bean lies: its
border (solid) is parallel to the unit's line, shifted because the
output neuron chooses which level of the unit's answer counts as one
half. A straight border cannot fit a round patch of toxic beans. Two
units give two lines, and the border follows both and bends where they
meet: a wedge. Three give three lines around the patch, and with the
bottom edge of the square the border closes around the toxic beans.
The table shows the accuracy rising with each unit. This is the
tutorial's point about the TensorFlow Playground: every hidden unit adds
a line, and the output can only bend its border along the lines it
has.
*/

/**
## Going deeper: two spirals and a disc in a ring

Two networks try each of the Playground's data sets: the 2-2-1 sigmoid
network again, and the tutorial's deep network, 8-8-8-1, three hidden
layers of eight ReLU units and a sigmoid output. The program draws the
deep network itself, from the layer sizes it trains, as a Graphviz
diagram (in `--plot file` mode).
*/

// Defined with the other drawing code at the end of the chapter.
static void draw_network(plotter *pl, const char *stem, const int *sizes,
                         int n_layers);
static void draw_colour_maps(plotter *pl, const char *stem,
                             const data_set *d, const trained *nets,
                             const char *const titles[2]);
static void draw_bend(plotter *pl, const data_set *d, const trained *net);

// The four pairings of {spirals, circle} x {2-2-1 sigmoid, 8-8-8-1
// relu} on sets[2]: trains, prints a summary and draws. Returns 0, or 1
// if a loss diverges.
static int pairings_part(const cli_common *common, plotter *pl, rng *r,
                         const data_set sets[2], recipe how)
{
    const char *net_name[2] = {"2-2-1 sigmoid", "8-8-8-1 relu"};
    const int small_sizes[3] = {2, 2, 1}, deep_sizes[5] = {2, 8, 8, 8, 1};
    draw_network(pl, "deep-net", deep_sizes, 4);
    trained nets[2][2];   // [data set][network]
    int status = 0;
    for (int k = 0; k < 2; k++)
        for (int m = 0; m < 2; m++) {
            nets[k][m] = trained_alloc();
            if (status == 0)
                status = train_net(common, &nets[k][m], &sets[k],
                                   net_name[m], m == 0 ? 2 : 4,
                                   m == 0 ? small_sizes : deep_sizes,
                                   m == 0 ? SIGMOID : RELU, how, r);
        }
    if (status == 0) {
        printf("\ndata     network        loss      accuracy\n");
        for (int k = 0; k < 2; k++)
            for (int m = 0; m < 2; m++)
                printf("%-8s %-13s  %.6f  %.4f\n", sets[k].name,
                       net_name[m], nets[k][m].loss,
                       nets[k][m].accuracy);
        const char *stems[2] = {"spirals-map", "circle-map"};
        for (int k = 0; k < 2; k++)
            draw_colour_maps(pl, stems[k], &sets[k], nets[k], net_name);
        draw_bend(pl, &sets[1], &nets[1][0]);
    }
    for (int k = 0; k < 2; k++)
        for (int m = 0; m < 2; m++)
            trained_free(&nets[k][m]);
    return status;
}

/**
### What the deep networks learned

![The deep network, drawn by the program from the sizes it trains: two
inputs, three hidden layers of eight ReLU units, one sigmoid output;
every arrow is a weight, and every unit adds a bias.
](figures/05-hidden-layer/deep-net)

```{.output file="05-hidden-layer" from="two spirals" to="circle   8"}
```

![Two spirals: the answer of each network over the plane (blue 0, red
1), its decision boundary (black) and the training points (filled black:
label 1, open: label 0).](figures/05-hidden-layer/spirals-map)

![A disc inside a ring, as above (filled: the disc, label 1; open: the
ring, label 0).](figures/05-hidden-layer/circle-map)

Read the summary from the bottom up. The deep ReLU network gets every
point of the disc and the ring right, and nearly every point of the
spirals; the two-neuron sigmoid network does well on neither. On the
spirals it barely beats a coin toss: with two hidden units its boundary
is in effect one gently bent line, and no line separates two arms wound
around each other. On the disc inside a ring it does better, but not
well; the figure below shows why.

The deep network's maps show two things about ReLU networks. Their
boundaries are made of straight pieces (the circle network's disc is a
polygon): every ReLU unit is linear on either side of its kink, so the
network's output is linear within each of the many regions that the
kinks of all its units cut the plane into, and the sigmoid at the end
only squashes it. And away from the data the answer is arbitrary. The
spiral network paints large regions, in the corners and between the
arms, where it has never seen a point. The training accuracy says
nothing about those places; only fresh points from the same spirals
could.

The logs also show the deep network's patience on the spirals: the loss
moves little for the first hundred epochs, and after a thousand some
points are still wrong. The tutorial's 5000 epochs are not generous
here. They take a moment in C: a network this small costs a few hundred
multiply-adds per example, forward and backward.

Back to the 2-2-1 network on the disc in a ring. Each of its two hidden
units cuts the plane along a straight line into a side where it answers
near $1$ and a side where it answers near $0$:

![How the 2-2-1 network bends its boundary on the disc-in-a-ring data:
each hidden unit cuts the plane along a straight edge (left, middle);
the output (right) follows both edges, dashed, and bends where they
meet. Filled points: the disc (label 1); open: the ring (label 0).
](figures/05-hidden-layer/hidden-bend)

The output has combined the two edges into a wedge. Its boundary runs
along one edge, turns where the two come together, and runs back along
the other. The disc fits into the wedge, but a wedge does not close:
ring points at its open end are called "disc". Unlike the toxic patch
of the two-feature beans, which the square's edge closed off, the ring
surrounds the disc on every side, and two straight edges never make a
closed region; that needs at least three edges, three hidden units
(exercise 3 tries it). The deep network has eight units in its first
layer alone, and two more layers to combine their regions.
*/

/**
## Checking the deep network's gradient

The 1-2-1 comparison checked the matrix code against the hand-written
chain, but there is no hand-written version of the deep network. For it
we use the definition of the derivative itself. Nudge one parameter
$\theta_k$ by $\pm h$ and see how the loss changes:

$$\frac{\partial L}{\partial \theta_k} \approx
  \frac{L(\theta_k + h) - L(\theta_k - h)}{2h} .$$

This *central difference* is off by a term of order $h^2$; rounding in
the two losses adds an error of order $\varepsilon L / h$, with
$\varepsilon \approx 10^{-16}$ the precision of a double. With
$h = 10^{-6}$ both are tiny. We compare the whole numeric gradient $g'$
with the backpropagated one $g$ through the relative error
$\lVert g - g' \rVert / (\lVert g \rVert + \lVert g' \rVert)$, which
should be far below $10^{-6}$ when backpropagation is right. ReLU adds a
caveat: it has a kink at $0$, and a nudge that pushes some unit's sum
across it makes the difference quotient wrong there. With sums spread
over a range much wider than $h$ that is rare; should the check fail,
the program's message names the kink as a possible cause.
*/

// ||g - g'|| / (||g|| + ||g'||) between backprop g and central
// differences g' of the loss on (X, Y), step h. X is (n, n_in), Y is
// (n, 1). Leaves net->params unchanged.
static double gradient_check(mlp *net, mlp_acts *acts, matrix dP,
                             matrix X, matrix Y, double h)
{
    mlp_loss_and_grads(net, acts, dP, X, Y);
    double *backprop = nn_alloc((size_t)net->n_params,
                                sizeof(double));   // (n_params)
    memcpy(backprop, net->grads, (size_t)net->n_params * sizeof(double));
    double diff2 = 0.0, norm2_backprop = 0.0, norm2_numeric = 0.0;
    double accuracy;
    for (int k = 0; k < net->n_params; k++) {
        double saved = net->params[k];
        net->params[k] = saved + h;
        double loss_plus = mlp_evaluate(&accuracy, net, acts, X, Y);
        net->params[k] = saved - h;
        double loss_minus = mlp_evaluate(&accuracy, net, acts, X, Y);
        net->params[k] = saved;
        double numeric = (loss_plus - loss_minus) / (2.0 * h);
        diff2 += (backprop[k] - numeric) * (backprop[k] - numeric);
        norm2_backprop += backprop[k] * backprop[k];
        norm2_numeric += numeric * numeric;
    }
    free(backprop);
    double scale = sqrt(norm2_backprop) + sqrt(norm2_numeric);
    return scale > 0.0 ? sqrt(diff2) / scale : 0.0;
}

/**
The check runs on a fresh 8-8-8-1 ReLU network with Glorot weights, at a
point where the biases are not all zero (we give them small random
values, so that every path of the network is exercised). Its data must
be representative: a handful of neighbouring points of one arm, all with
the same label, would leave parts of the network untested. So it takes
up to 100 points of the spirals drawn at random from the whole set (with
the default 100 points, all of them), from both arms, and says how many
of each label it used.
*/

// The gradient check of a fresh deep net on a random sample of the
// spirals; prints the result. Returns 0, or 1 if the check fails.
static int check_deep_gradient(const data_set *spirals, rng *r)
{
    int sizes[5] = {2, 8, 8, 8, 1};
    mlp net = mlp_create(4, sizes, RELU);
    glorot_init(&net, r);
    for (int l = 0; l < net.n_layers; l++) {
        matrix W, b;
        layer_views(&W, &b, &net, net.params, l);
        rng_fill_uniform(r, b.data, mat_size(b), -0.1, 0.1);
    }
    int n = spirals->X.rows, rows = n < 100 ? n : 100;
    int *order = nn_alloc((size_t)n, sizeof *order);   // (n)
    rng_permutation(r, order, n);
    matrix X = mat_alloc(rows, 2), Y = mat_alloc(rows, 1);
    int ones = 0;
    for (int i = 0; i < rows; i++) {
        MAT_AT(X, i, 0) = MAT_AT(spirals->X, order[i], 0);
        MAT_AT(X, i, 1) = MAT_AT(spirals->X, order[i], 1);
        Y.data[i] = spirals->Y.data[order[i]];
        ones += Y.data[i] > 0.5;
    }
    mlp_acts acts = acts_create(&net, rows);
    matrix dP = mat_alloc(rows, 1);
    double h = 1e-6;
    double error = gradient_check(&net, &acts, dP, X, Y, h);
    printf("\ngradient check of a fresh 8-8-8-1 relu net on %d spiral "
           "points\n(%d of label 1, %d of label 0), central differences, "
           "h = %g:\nrelative error = %.1e (must be below 1e-6)\n", rows,
           ones, rows - ones, h, error);
    int status = 0;
    if (!(error < 1e-6)) {
        fprintf(stderr, "the gradient check failed (relative error "
                "%.1e); a ReLU kink inside the step h can cause this "
                "(try another --seed)\n", error);
        status = 1;
    }
    free(order);
    mat_free(&X);
    mat_free(&Y);
    mat_free(&dP);
    acts_free(&acts);
    mlp_free(&net);
    return status;
}

/**
The deep network's gradient, checked against central differences at a
fresh random start:

```{.output file="05-hidden-layer" from="gradient check"}
```

The relative error is orders of magnitude below the bound, about as
small as the rounding in the difference quotient allows: the
backpropagation of the deep network computes the same derivatives as
the definition of the derivative.
*/

/**
## The program

`main` reads the flags and runs the parts in the order of the chapter.
The defaults are the tutorial's: 100 beans, 5000 passes and
$\alpha = 0.05$ for the hand-written network; 100 points per data set
and 5000 epochs in batches of 10 for the Keras part.
*/
int main(int argc, char **argv)
{
    int n_beans = 100, passes = 5000, n_points = 100, epochs = 5000;
    int batch = 10;
    double alpha = 0.05, noise = 0.0;
    const char *init = "glorot";
    cli_option options[] = {
        {.name = "--beans", .type = CLI_INT, .value = &n_beans,
         .help = "number of beans (both kinds)", .min = 1,
         .max = 1000000},
        {.name = "--epochs", .type = CLI_INT, .value = &passes,
         .help = "passes of the hand-written net", .min = 1,
         .max = 1000000},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &alpha,
         .help = "learning rate alpha (every net)", .max = 100,
         .open_min = true},
        {.name = "--points", .type = CLI_INT, .value = &n_points,
         .help = "points per planar data set (even)", .min = 2,
         .max = 100000},
        {.name = "--deep-epochs", .type = CLI_INT, .value = &epochs,
         .help = "epochs of the Keras-style nets", .min = 1,
         .max = 1000000},
        {.name = "--batch", .type = CLI_INT, .value = &batch,
         .help = "mini-batch size of the Keras-style nets", .min = 1,
         .max = 100000},
        {.name = "--noise", .type = CLI_DOUBLE, .value = &noise,
         .help = "label noise of the circle data", .max = 1},
        {.name = "--init", .type = CLI_CHOICE, .value = &init,
         .help = "start of the Keras-style nets",
         .choices = "glorot|rand"},
    };
    cli_common common;
    int status = cli_parse(&common, options, CLI_COUNT(options), argc,
                           argv, "chapter 5: a hidden layer, then deeper");
    if (status != CLI_CONTINUE)
        return status;
    if (n_points % 2 != 0)
        return cli_error(&common, "--points: bad value '%d': expected an "
                         "even number (two classes of equal size)",
                         n_points);
    if (batch > n_points)
        return cli_error(&common, "--batch: bad value '%d': expected at "
                         "most --points (%d)", batch, n_points);
    if (common.quick) {
        passes = passes < 500 ? passes : 500;
        epochs = epochs < 500 ? epochs : 500;
    }
    // The largest allocations: the data sets, and per training the
    // forward and backward buffers (4 matrices of at most 25 columns) for
    // the larger of the data and the map grid.
    size_t most = (size_t)(n_points > n_beans ? n_points : n_beans);
    if (most < GRID * GRID)
        most = GRID * GRID;
    size_t doubles = nn_size_add(
        nn_size_mul(5, (size_t)n_beans),
        nn_size_add(nn_size_mul(7, (size_t)n_points),
                    nn_size_mul(4 * 25 + 4, most)));
    status = cli_check_memory(&common,
                              nn_size_mul(doubles, sizeof(double)),
                              "--points or --beans");
    if (status != CLI_CONTINUE)
        return status;
    plotter pl;
    if (plot_init(&pl, common.plot, common.out) != 0)
        return 2;
    rng r;
    rng_seed(&r, common.seed);
    recipe how = {epochs, batch, alpha,
                  strcmp(init, "rand") == 0 ? INIT_RAND : INIT_GLOROT};

    // The beans whose middle sizes are toxic, and the network by hand.
    double *x = nn_alloc((size_t)n_beans, sizeof *x);          // (n)
    double *label = nn_alloc((size_t)n_beans, sizeof *label);  // (n)
    beans_toxic_in_middle(&r, x, label, n_beans);
    int toxic = 0;
    for (int i = 0; i < n_beans; i++)
        toxic += label[i] > 0.5;
    printf("%d beans with sizes in [0, 2), %d of them toxic\n\n", n_beans,
           toxic);
    bean_net net = {0};
    double *draw_order[7] = {&net.w11_1, &net.w21_1, &net.b1_1,
                             &net.b2_1, &net.w11_2, &net.w12_2,
                             &net.b1_2};
    for (int k = 0; k < 7; k++)
        *draw_order[k] = rng_rand(&r);   // np.random.rand(), seven times
    bean_net start = net;
    status = train_bean_net(&common, &pl, &net, x, label, n_beans, passes,
                            alpha);

    // The matrix version against the hand-written one, at the start.
    if (status == 0) {
        double largest = compare_gradients(start, x, label, n_beans);
        printf("hand-written vs matrix gradients at the start:\n"
               "largest difference = %.1e (must be below 1e-12)\n\n",
               largest);
        if (!(largest < 1e-12)) {
            fprintf(stderr, "the hand-written and the matrix gradients "
                    "differ by %.1e\n", largest);
            status = 1;
        }
    }
    free(x);
    free(label);

    // Two inputs: the tutorial's Keras networks.
    if (status == 0)
        status = two_feature_part(&common, &pl, &r, n_beans, how);
    data_set sets[2] = {data_set_alloc("spirals", n_points),
                        data_set_alloc("circle", n_points)};
    if (status == 0) {
        data_two_spirals(&r, sets[0].X.data, sets[0].Y.data, n_points);
        data_circle(&r, sets[1].X.data, sets[1].Y.data, n_points, noise);
        for (int k = 0; k < 2; k++)
            data_set_frame(&sets[k]);
        printf("two spirals and a disc in a ring, %d points each\n",
               n_points);
        status = pairings_part(&common, &pl, &r, sets, how);
    }
    if (status == 0)
        status = check_deep_gradient(&sets[0], &r);
    for (int k = 0; k < 2; k++)
        data_set_free(&sets[k]);
    if (plot_close(&pl) != 0 && status == 0)
        status = 1;
    return status;
}

/**
## Summary

- A hidden layer lets a network combine several S-curves: two hidden
  sigmoids make a bump, and each hidden unit of a planar network adds
  one straight edge to the boundary the output can bend along.
- Backpropagation through a layer is the chain rule in bulk:
  $\delta^l = (\delta^{l+1} W^{l+1\,\mathsf T}) \odot f'(Z^l)$, with
  $\partial L / \partial W^l = A^{l-1\,\mathsf T} \delta^l$.
- The hand-written and the matrix gradients agree to rounding, and
  central differences confirm the deep network's gradient.
- How the weights start matters: Glorot's bound for tanh-like units,
  He's for ReLU; the tutorial's all-positive `rand()` start saturates.
- Three ReLU layers of eight fit the spirals that a 2-2-1 network
  cannot, and say nothing reliable away from the data.

## Exercises

Where the goal of an exercise can be checked by running the program,
it says how: `make check-05 EXERCISE=k` rebuilds the program with your
changes and tells you whether it reached the goal (`make check-05`
checks them all). Give a number you found as `ANSWER=`.

1. Run the chapter with a few other `--seed` values (`--deep-epochs 1`
   skips most of the planar part). Does the bean network always divide
   the work between its hidden neurons in the same way? Find a seed for
   which both hidden neurons weigh the size with the same sign
   ($w^{(1)}_{11}$ and $w^{(1)}_{21}$ both positive or both negative)
   and the network still judges at least 95 of the 100 beans right. How
   does the output neuron combine the two then?
   (check: `make check-05 EXERCISE=1 ANSWER=<seed>`)
2. Start the planar networks with the tutorial's `rand()` draws:
   `--init rand`. Which pairings still learn? Use the saturated S of
   chapter 4 to explain the others.
3. Give the small network a third hidden unit: change `small_sizes` in
   `pairings_part` to `{2, 3, 1}`, and its name in `net_name`. Train with
   the larger step `--lr 0.5`, which gives the slow sigmoid network
   time to finish. Goal: it gets every point of the disc and the ring
   right (accuracy 1.0). Compare the two-unit network at the same
   `--lr`. Does the third unit help on the spirals?
   (check: `make check-05 EXERCISE=3`)
4. Train the planar networks with `--batch 1` and with `--batch 100`
   (one batch per epoch). For the same number of epochs, which learns
   the spirals fastest, and why does the full batch need more epochs?
5. (Harder) The spiral network is (nearly) perfect on its training
   points. Draw a second set of spirals with another generator seed, run
   the trained network on it and measure its accuracy there. Where on
   the map are the new points it gets wrong?
6. (Harder) Train the matrix networks on the cross-entropy of chapter 4
   instead: change `mse_forward` to compute it and `mse_backward` to
   add its $\partial L / \partial P$ (what is it now?). The comparison
   with the hand-written network will complain until you change the
   first link of `bean_net_backward`, `de_da1_2`, to match. Goal: the
   first epoch's loss is a cross-entropy (about $\ln 2$ for a network
   that is still unsure, where the squared error is about $1/4$), and
   the comparison and the gradient check both pass.
   (check: `make check-05 EXERCISE=6`)
*/

/**
## The drawing code

Everything below only draws: it turns the numbers the chapter computed
into gnuplot commands and Graphviz text, and gives each map a terminal
form for `--plot dumb`. Read it if you want to change a figure; nothing
above depends on how it works.

### The animation of the bean network

Each frame defines the three curves as gnuplot functions of the size,
so a frame is a handful of numbers. The hidden neurons' curves are thin
and coloured, the output's thick and black, so that they stay apart in
every format (the GIF terminal draws every line solid).
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

// The beans go into the preamble: x[n] sizes, label[n].
static plot *begin_beans_animation(plotter *pl, const double *x,
                                   const double *label, int n)
{
    plot *p = plot_anim_begin(pl, "hidden-beans", 6, 4);
    plot_xy(p, "$beans", x, label, n);
    plot_cmd(p, "set xlabel 'bean size'");
    plot_cmd(p, "set ylabel 'toxic?'");
    plot_cmd(p, "set xrange [0:2]");
    plot_cmd(p, "set yrange [-0.1:1.6]");
    plot_cmd(p, "set ytics 0, 0.2, 1");
    plot_cmd(p, "set key at graph 0.5, 0.97 center top horizontal "
                "maxcols 2 box opaque");
    plot_cmd(p, "s(z) = 1 / (1 + exp(-z))");
    return p;
}

static void beans_frame(plot *p, bean_net net, int pass)
{
    char label[32];
    snprintf(label, sizeof label, "pass %d", pass);
    plot_frame_begin(p);
    plot_cmd(p, "h1(x) = s(%.17g * x + %.17g)", net.w11_1, net.b1_1);
    plot_cmd(p, "h2(x) = s(%.17g * x + %.17g)", net.w21_1, net.b2_1);
    plot_cmd(p, "out(x) = s(%.17g * h1(x) + %.17g * h2(x) + %.17g)",
             net.w11_2, net.w12_2, net.b1_2);
    // The beans last, so that the thick output line does not hide them.
    plot_cmd(p, "plot out(x) with lines lw 4 lc 'black' "
                "title 'output a1_2' noenhanced, "
                "h1(x) with lines lw 1.5 dt 2 lc '#1f78b4' "
                "title 'hidden a1_1' noenhanced, "
                "h2(x) with lines lw 1.5 dt 3 lc '#e66101' "
                "title 'hidden a2_1' noenhanced, "
                "$beans with points pt 7 ps 0.6 lc '#999999' "
                "title 'beans'");
    plot_frame_end(p, label);
}

/**
### Maps of a network's answer

A map shows the network's answer over the plane, computed on the grid,
blue where it says $0$, red where it says $1$, with its decision
boundary (the answer $1/2$) as a black line and the training points on
top. Gnuplot finds the boundary for us: `set contour` with the single
level $0.5$, written into a data block with `set table`. In the
terminal a map becomes a grid of characters: `.` where the network
(or, in the bend figure, a hidden unit) says $1$, and the points as `x`
(label 1) and `o` (label 0).
*/

enum { ASCII_SIDE = 24 };   // cells per side of a terminal map

// The terminal form of a map: values on d's grid, (GRID^2), and d's
// points; `who` ("net", "unit") is what says 1 where the dots are.
static void ascii_map(plot *p, const char *title, const data_set *d,
                      const double *values, const char *who)
{
    int cells[ASCII_SIDE * ASCII_SIDE];   // (ASCII_SIDE, ASCII_SIDE)
    extent e = d->plane;
    for (int row = 0; row < ASCII_SIDE; row++)
        for (int col = 0; col < ASCII_SIDE; col++) {
            // row 0 is the top of the map: the largest x2
            int ix = (int)lround((col + 0.5) / ASCII_SIDE * (GRID - 1));
            int iy = (int)lround((ASCII_SIDE - row - 0.5) / ASCII_SIDE
                                 * (GRID - 1));
            cells[row * ASCII_SIDE + col] =
                values[iy * GRID + ix] > 0.5 ? 0 : -1;
        }
    for (int i = 0; i < d->X.rows; i++) {
        double u = (MAT_AT(d->X, i, 0) - e.x0) / (e.x1 - e.x0);
        double v = (MAT_AT(d->X, i, 1) - e.y0) / (e.y1 - e.y0);
        int col = (int)(u * ASCII_SIDE), row = (int)((1 - v) * ASCII_SIDE);
        if (col >= 0 && col < ASCII_SIDE && row >= 0 && row < ASCII_SIDE)
            cells[row * ASCII_SIDE + col] = d->Y.data[i] > 0.5 ? 2 : 1;
    }
    char key[48];
    snprintf(key, sizeof key, "x 1, o 0, . %s says 1", who);
    plot_ascii_cells(p, title, cells, ASCII_SIDE, ASCII_SIDE, ".ox", key);
}

// The data as two blocks, $<prefix>1 (label 1) and $<prefix>0 (label 0).
static void plot_labelled_points(plot *p, const char *prefix, matrix X,
                                 matrix Y)
{
    double *xs = nn_alloc((size_t)X.rows, sizeof *xs);   // (n)
    double *ys = nn_alloc((size_t)X.rows, sizeof *ys);   // (n)
    for (int label = 0; label <= 1; label++) {
        int count = 0;
        for (int i = 0; i < X.rows; i++)
            if ((Y.data[i] > 0.5) == label) {
                xs[count] = MAT_AT(X, i, 0);
                ys[count] = MAT_AT(X, i, 1);
                count++;
            }
        char name[32];
        snprintf(name, sizeof name, "$%s%d", prefix, label);
        plot_xy(p, name, xs, ys, count);
    }
    free(xs);
    free(ys);
}

// A data block $<name> with the grid values, and $<name>c with the
// contour at `level` (gnuplot computes it).
static void plot_grid_and_contour(plot *p, const char *name,
                                  const double *values, extent e,
                                  double level)
{
    char block[32];
    snprintf(block, sizeof block, "$%s", name);
    plot_grid(p, block, values, GRID, GRID, e.x0, e.x1, e.y0, e.y1);
    plot_cmd(p, "set contour base; set cntrparam levels discrete %g",
             level);
    plot_cmd(p, "unset surface; set table $%sc", name);
    plot_cmd(p, "splot $%s using 1:2:3 with lines", name);
    plot_cmd(p, "unset table; unset contour; set surface");
}

// Shared look of the colour-map panels.
static void colour_map_style(plot *p, extent e)
{
    plot_cmd(p, "set palette defined (0 '#2c7bb6', 0.5 '#f7f7f7', "
                "1 '#d7191c')");
    plot_cmd(p, "set cbrange [0:1]");
    plot_cmd(p, "set xrange [%g:%g]; set yrange [%g:%g]", e.x0, e.x1, e.y0,
             e.y1);
    plot_cmd(p, "set size ratio -1");
    plot_cmd(p, "set xlabel 'x1'; set ylabel 'x2'");
    plot_cmd(p, "unset key; unset colorbox");
    // The HTML shrinks a figure to the page; at phone width the panels'
    // text would be tiny, so the SVG gets larger type.
    plot_cmd(p, "if (NN_TERMINAL eq 'svg') set tics font ',17'; "
                "set title font ',18'; set xlabel font ',17'; "
                "set ylabel font ',17'");
}

// The plot clause for the data points: label 1 filled black, label 0
// open (white with a black rim), readable on red and on blue.
static const char points_clause[] =
    "$pts1 with points pt 7 ps 0.45 lc 'black', "
    "$pts0 with points pt 7 ps 0.45 lc 'white', "
    "$pts0 with points pt 6 ps 0.45 lc 'black'";

// One panel: the map $<name>, its boundary $<name>c, then `points`.
static void colour_map_panel(plot *p, const char *name,
                             const char *points, const char *title)
{
    plot_cmd(p, "set title '%s'", title);
    plot_cmd(p, "plot $%s with image, $%sc with lines lw 2 lc 'black', "
                "%s", name, name, points);
}

/**
The map of one data set has two panels, one per network.
*/

// nets[2]: the two networks trained on d.
static void draw_colour_maps(plotter *pl, const char *stem,
                             const data_set *d, const trained *nets,
                             const char *const titles[2])
{
    plot *p = plot_begin(pl, stem, 7.2, 3.6);
    plot_labelled_points(p, "pts", d->X, d->Y);
    plot_grid_and_contour(p, "net0", nets[0].answers, d->plane, 0.5);
    plot_grid_and_contour(p, "net1", nets[1].answers, d->plane, 0.5);
    colour_map_style(p, d->plane);
    plot_cmd(p, "set multiplot layout 1,2");
    colour_map_panel(p, "net0", points_clause, titles[0]);
    colour_map_panel(p, "net1", points_clause, titles[1]);
    plot_cmd(p, "unset multiplot");
    for (int m = 0; m < 2; m++)
        ascii_map(p, titles[m], d, nets[m].answers, "net");
    plot_end(p);
}

/**
The bend figure has three panels: each of the two hidden units of a
2-2-1 network over the plane, and the output with both units' edges
dashed.
*/

// net: a 2-2-1 network trained on d, its hidden units' maps filled.
static void draw_bend(plotter *pl, const data_set *d, const trained *net)
{
    plot *p = plot_begin(pl, "hidden-bend", 7.2, 2.7);
    plot_labelled_points(p, "pts", d->X, d->Y);
    plot_grid_and_contour(p, "h1", net->hidden[0], d->plane, 0.5);
    plot_grid_and_contour(p, "h2", net->hidden[1], d->plane, 0.5);
    plot_grid_and_contour(p, "out", net->answers, d->plane, 0.5);
    colour_map_style(p, d->plane);
    plot_cmd(p, "set multiplot layout 1,3");
    colour_map_panel(p, "h1", points_clause, "hidden unit 1");
    colour_map_panel(p, "h2", points_clause, "hidden unit 2");
    plot_cmd(p, "set title 'output'");
    plot_cmd(p, "plot $out with image, $outc with lines lw 2 lc 'black', "
                "$h1c with lines dt 2 lw 1.5 lc 'black', "
                "$h2c with lines dt 2 lw 1.5 lc 'black', %s",
             points_clause);
    plot_cmd(p, "unset multiplot");
    ascii_map(p, "hidden unit 1", d, net->hidden[0], "unit");
    ascii_map(p, "hidden unit 2", d, net->hidden[1], "unit");
    ascii_map(p, "output", d, net->answers, "net");
    plot_end(p);
}

/**
The progression figure puts one network per panel: its answer, its
boundary (solid) and the edge of each hidden unit (dashed, one line per
unit).
*/

// nets[n_nets], trained on d, with their hidden units' maps.
static void draw_hidden_lines(plotter *pl, const char *stem,
                              const data_set *d, const trained *nets,
                              const char *const titles[], int n_nets)
{
    plot *p = plot_begin(pl, stem, 7.2, 2.7);
    plot_labelled_points(p, "pts", d->X, d->Y);
    for (int m = 0; m < n_nets; m++) {
        char name[32];
        snprintf(name, sizeof name, "o%d", m);
        plot_grid_and_contour(p, name, nets[m].answers, d->plane, 0.5);
        for (int k = 0; k < nets[m].n_hidden; k++) {
            snprintf(name, sizeof name, "h%d%d", m, k);
            plot_grid_and_contour(p, name, nets[m].hidden[k], d->plane,
                                  0.5);
        }
    }
    colour_map_style(p, d->plane);
    plot_cmd(p, "set multiplot layout 1,%d", n_nets);
    for (int m = 0; m < n_nets; m++) {
        char lines[128] = "";
        for (int k = 0; k < nets[m].n_hidden; k++) {
            size_t used = strlen(lines);
            snprintf(lines + used, sizeof lines - used,
                     "$h%d%dc with lines dt 2 lw 1.5 lc 'black', ", m, k);
        }
        plot_cmd(p, "set title '%s'", titles[m]);
        plot_cmd(p, "plot $o%d with image, $o%dc with lines lw 2 "
                    "lc 'black', %s%s", m, m, lines, points_clause);
    }
    plot_cmd(p, "unset multiplot");
    for (int m = 0; m < n_nets; m++)
        ascii_map(p, titles[m], d, nets[m].answers, "net");
    plot_end(p);
}

/**
### The answer as a surface

The tutorial's `show_scatter_surface` draws the network's answer as a
surface over the plane, with the beans at height $0$ (safe) or $1$
(toxic). Gnuplot's `pm3d` draws the surface from every fourth point of
the grid, half transparent so that the beans below it stay visible.
*/

// Every fourth grid point: a smooth enough surface in a small file.
enum { SURFACE_STEP = 4, SURFACE_SIDE = (GRID - 1) / SURFACE_STEP + 1 };
_Static_assert((GRID - 1) % SURFACE_STEP == 0,
               "the surface's points must include the grid's last one");

// answers: the network's output on d's grid, (GRID^2).
static void draw_surface(plotter *pl, const data_set *d,
                         const double *answers, const char *title)
{
    double *coarse = nn_alloc(SURFACE_SIDE * SURFACE_SIDE,
                              sizeof *coarse);   // (SIDE, SIDE)
    for (int iy = 0; iy < SURFACE_SIDE; iy++)
        for (int ix = 0; ix < SURFACE_SIDE; ix++)
            coarse[iy * SURFACE_SIDE + ix] =
                answers[SURFACE_STEP * (iy * GRID + ix)];
    extent e = d->plane;
    plot *p = plot_begin(pl, "surface", 6, 4.5);
    plot_grid(p, "$surface", coarse, SURFACE_SIDE, SURFACE_SIDE, e.x0,
              e.x1, e.y0, e.y1);
    plot_labelled_points(p, "pts", d->X, d->Y);
    plot_cmd(p, "set title \"the %s network's answer\"", title);
    plot_cmd(p, "set xlabel 'x1'; set ylabel 'x2'");
    plot_cmd(p, "set zlabel 'answer' rotate parallel");
    plot_cmd(p, "set xrange [%g:%g]; set yrange [%g:%g]", e.x0, e.x1,
             e.y0, e.y1);
    plot_cmd(p, "set zrange [0:1]; set ztics 0, 0.5, 1");
    plot_cmd(p, "set xyplane at 0");
    plot_cmd(p, "set view 60, 35");
    plot_cmd(p, "set palette defined (0 '#2c7bb6', 0.5 '#f7f7f7', "
                "1 '#d7191c')");
    plot_cmd(p, "set cbrange [0:1]; unset colorbox");
    plot_cmd(p, "set pm3d depthorder border lc '#777777' lw 0.3");
    plot_cmd(p, "set style fill transparent solid 0.65");
    plot_cmd(p, "set key top left");
    plot_cmd(p, "splot $surface using 1:2:3 with pm3d notitle, "
                "$pts1 using 1:2:(1) with points pt 7 ps 0.6 lc 'black' "
                "title 'toxic bean (1)', "
                "$pts0 using 1:2:(0) with points pt 6 ps 0.6 lc 'black' "
                "title 'safe bean (0)'");
    ascii_map(p, "the answer seen from above", d, answers, "net");
    plot_end(p);
    free(coarse);
}

/**
### The network as a diagram

In file mode the program writes the deep network as Graphviz text: one
column of nodes per layer, named as in the code, and an arrow for every
weight. It uses the sizes it trains, so the picture cannot drift from
the code.
*/

// sizes[n_layers + 1]: inputs, hidden sizes, one output.
static void draw_network(plotter *pl, const char *stem, const int *sizes,
                         int n_layers)
{
    FILE *dot = plot_diagram_begin(pl, stem);
    if (!dot)
        return;
    fprintf(dot, "digraph network {\n");
    plot_diagram_style(dot);              // the book's fonts and colours
    fprintf(dot, "  graph [rankdir=LR, nodesep=0.12, ranksep=1.1,"
            " splines=line];\n"
            "  node [fontsize=9, shape=circle, width=0.35,"
            " fixedsize=true];\n"
            "  edge [color=\"#999999\", arrowsize=0.3, penwidth=0.5];\n");
    for (int l = 0; l <= n_layers; l++) {
        char what[32];
        if (l == 0)
            snprintf(what, sizeof what, "input");
        else if (l == n_layers)
            snprintf(what, sizeof what, "sigmoid output");
        else
            snprintf(what, sizeof what, "hidden %d: ReLU", l);
        fprintf(dot, "  subgraph cluster_%d { color=white; label=\"%s"
                "\\n(%d)\";\n", l, what, sizes[l]);
        for (int j = 0; j < sizes[l]; j++)
            fprintf(dot, "    n%d_%d [label=\"%s%d\"%s];\n", l, j,
                    l == 0 ? "x" : "", j + 1,
                    l == 0 ? ", fillcolor=\"#f4f4f4\", color=\"#999999\""
                           : "");
        fprintf(dot, "  }\n");
    }
    for (int l = 0; l < n_layers; l++)
        for (int i = 0; i < sizes[l]; i++)
            for (int j = 0; j < sizes[l + 1]; j++)
                fprintf(dot, "  n%d_%d -> n%d_%d;\n", l, i, l + 1, j);
    fprintf(dot, "}\n");
    plot_diagram_end(pl, dot);
}
