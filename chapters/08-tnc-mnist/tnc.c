/**
## The optimizer {#ch8-tnc}

From here on the code knows nothing about networks. It lives in its own
file, `tnc.c`, behind a header whose contract says everything a caller
needs: the optimizer sees an `objective`, which is a number of
variables, a call for the value and gradient, a call for
Hessian-vector products, and the count of passes with the budget. It
reports like SciPy does, with the same status codes and messages, so
the two can be read side by side.

```{.include file="chapters/08-tnc-mnist/tnc.h" listing="true"}
```

![The truncated-Newton loop: an outer iteration finds a direction by
conjugate gradients, stopped early, then a step length by a line
search, then checks its stopping rules and feeds the step to the
preconditioner.](figures/diagrams/ch8-tnc-loop)
*/
#include "tnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"     // nn_alloc

const char *tnc_status_message(int status)
{
    switch (status) {
    case 0: return "Local minimum reached (|pg| ~= 0)";
    case 1: return "Converged (|f_n-f_(n-1)| ~= 0)";
    case 2: return "Converged (|x_n-x_(n-1)| ~= 0)";
    case 3: return "Max. number of function evaluations reached";
    case 4: return "Linear search failed";
    default: return "Unable to progress";
    }
}

static void trace_point(run_result *r, long passes, double f)
{
    if (r->n_trace < r->capacity) {
        r->trace_evals[r->n_trace] = passes / 2.0;
        r->trace_cost[r->n_trace++] = f;
    }
}

void run_result_alloc(run_result *r, long max_passes)
{
    memset(r, 0, sizeof *r);
    r->capacity = (int)max_passes + 2;
    r->trace_evals = nn_alloc((size_t)r->capacity, sizeof(double));
    r->trace_cost = nn_alloc((size_t)r->capacity, sizeof(double));
}

void run_result_free(run_result *r)
{
    free(r->trace_evals);
    free(r->trace_cost);
    memset(r, 0, sizeof *r);
}

double vec_dot(int n, const double *a, const double *b)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += a[i] * b[i];
    return sum;
}

double vec_norm(int n, const double *a)
{
    return sqrt(vec_dot(n, a, a));
}

static void report_step(const objective *obj, const tnc_step *step)
{
    if (obj->on_step)
        obj->on_step(obj->model, step);
}

/**
## A preconditioner that learns

Conjugate gradients converge fast when $H$ is close to a multiple of the
identity and slowly when its curvatures differ wildly between
directions, as they do in a network (the weights on a frequently inked
pixel against those on a pixel that is almost always blank). A
*preconditioner* $M \approx H$, cheap to invert, evens this out: the
method then works with $M^{-1} H$, and each step starts from
$z = M^{-1} r$ instead of the residual $r$.

TNC's preconditioner is learned on the way, from information the
algorithm produces anyway:

- a diagonal $D$, starting at the identity. Each conjugate-gradient
  step computes a pair $(v, Hv)$: a direction and how the gradient
  changes along it. That is exactly what a quasi-Newton (BFGS) update
  eats, and TNC keeps the diagonal of such an update, one per step:
  $D_i \leftarrow D_i - r_i^2 / (v^T r) + (Hv)_i^2 / (v^T H v)$, with
  $r$ standing in for $D v$. Too small a value is reset to 1.
- the last outer step $s$ and the change of gradient $y$ it caused: a
  BFGS update of $D^{-1}$ with this pair gives
  $M^{-1} = (I - \rho s y^T) D^{-1} (I - \rho y s^T) + \rho s s^T$,
  $\rho = 1/(y^T s)$, which is applied to a vector with a few dot
  products and never formed.

Nash calls this a limited-memory quasi-Newton preconditioner. TNC also
folds in an older, accumulated pair; we keep the single pair.
*/

// M^-1, the preconditioner: a diagonal D of the Hessian, learned as
// the conjugate gradients run, updated by the last step's BFGS pair.
typedef struct {
    int n;
    double *diag;         // (n) D
    double *next_diag;    // (n) D, updated during this direction
    double *s, *y;        // (n) the last step and its gradient change
    double ys;            // y . s
    bool has_pair;        // false before the first step
    double *hy;           // (n) D^-1 y
} preconditioner;

static void preconditioner_alloc(preconditioner *pc, int n)
{
    memset(pc, 0, sizeof *pc);
    pc->n = n;
    pc->diag = nn_alloc((size_t)n, sizeof(double));
    pc->next_diag = nn_alloc((size_t)n, sizeof(double));
    pc->s = nn_alloc((size_t)n, sizeof(double));
    pc->y = nn_alloc((size_t)n, sizeof(double));
    pc->hy = nn_alloc((size_t)n, sizeof(double));
    for (int i = 0; i < n; i++)
        pc->diag[i] = 1.0;
}

static void preconditioner_free(preconditioner *pc)
{
    free(pc->diag), free(pc->next_diag), free(pc->s), free(pc->y);
    free(pc->hy);
}

// Before a direction: D^-1 y, and the diagonal that the BFGS update of
// D with (s, y) gives, D_i - (D_i s_i)^2 / (s.Ds) + y_i^2 / (y.s), as
// the starting point for this direction's diagonal.
static void preconditioner_begin(preconditioner *pc)
{
    int n = pc->n;
    memcpy(pc->next_diag, pc->diag, (size_t)n * sizeof(double));
    if (!pc->has_pair)
        return;
    double sds = 0.0;
    for (int i = 0; i < n; i++) {
        sds += pc->s[i] * pc->diag[i] * pc->s[i];
        pc->hy[i] = pc->y[i] / pc->diag[i];
    }
    for (int i = 0; i < n; i++) {
        double ds = pc->diag[i] * pc->s[i];
        pc->next_diag[i] += -ds * ds / sds + pc->y[i] * pc->y[i] / pc->ys;
    }
}

// z = M^-1 r: D^-1 r, then one BFGS update of that inverse with (s, y)
//     M^-1 = (I - s y^T / ys) D^-1 (I - y s^T / ys) + s s^T / ys.
static void preconditioner_solve(preconditioner *pc, double *z,
                                 const double *r)
{
    int n = pc->n;
    for (int i = 0; i < n; i++)
        z[i] = r[i] / pc->diag[i];
    if (!pc->has_pair)
        return;
    double ys = pc->ys, rs = vec_dot(n, r, pc->s);
    double rhy = vec_dot(n, r, pc->hy), yhy = vec_dot(n, pc->y, pc->hy);
    double delta = (yhy / ys + 1.0) * rs / ys - rhy / ys;
    double beta = -rs / ys;
    for (int i = 0; i < n; i++)
        z[i] += delta * pc->s[i] + beta * pc->hy[i];
}

// What one conjugate-gradient step teaches about the diagonal: the
// diagonal of a BFGS update with the pair (v, Hv), r standing in for
// D v. Too small a value is reset to 1.
static void preconditioner_learn(preconditioner *pc, const double *v,
                                 const double *hv, const double *r)
{
    int n = pc->n;
    double vr = vec_dot(n, v, r), vhv = vec_dot(n, v, hv);
    for (int i = 0; i < n; i++) {
        double d = pc->next_diag[i] - r[i] * r[i] / vr
                   + hv[i] * hv[i] / vhv;
        pc->next_diag[i] = d > 1e-6 ? d : 1.0;
    }
}

// After a step s with gradient change y: keep the pair when y.s > 0
// (the curvature along s is positive), and the learned diagonal.
static void preconditioner_end(preconditioner *pc, const double *s,
                               const double *y)
{
    int n = pc->n;
    memcpy(pc->diag, pc->next_diag, (size_t)n * sizeof(double));
    pc->ys = vec_dot(n, y, s);
    pc->has_pair = pc->ys > 0.0;
    memcpy(pc->s, s, (size_t)n * sizeof(double));
    memcpy(pc->y, y, (size_t)n * sizeof(double));
}

/**
## The inner loop: truncated conjugate gradients

Starting from $p = 0$, so that the residual $r = -g - Hp$ is $-g$, each
step takes the preconditioned residual $z = M^{-1} r$, makes it
conjugate to the previous direction, $v \leftarrow z + \beta v$ with
$\beta = r^T z / (r^T z)_{\text{previous}}$, and moves to the minimum of
the quadratic model along $v$:

$$\alpha = \frac{r^T z}{v^T H v}, \qquad
  p \leftarrow p + \alpha v, \qquad r \leftarrow r - \alpha H v.$$

When to stop is the heart of the method:

- **Nash's test.** The model's value $q(p) = g^T p + \tfrac12 p^T H p$
  falls with every step. At a conjugate-gradient iterate $p^T H p =
  -g^T p$, so $q = \tfrac12 (g^T p + r^T p)$, which is what the code
  computes. Stop when the last step's relative gain, weighted by the
  number of steps taken, is small: $(k+1)(1 - q_{k-1}/q_k) \le
  \tfrac12$. Far from the minimum the model is crude and this ends the
  loop after a few steps; closer in, where the model is accurate and
  every step keeps gaining, it lets the loop run.
- **No positive curvature** along $v$ ($v^T H v \le 0$, or nearly): the
  model has no minimum in that direction, and the quadratic model is not
  to be trusted. Stop with what we have; if that is nothing yet, step
  along the preconditioned steepest descent $-M^{-1} g$.
- $p$ stops pointing downhill ($g^T p > 0$): undo the last step, stop.
- At most `--max-cg` products, and never so many that the line search
  would find the budget empty. TNC's cap is $\min(50, n/2)$, which is
  50 for any network worth the name; ours is 10 by default. Late in a
  run Nash's test lets the loop go on, and with a cap of 50 one
  direction can take a large share of the budget: fewer, better
  directions. The chapter runs both caps and shows which spends a
  budget better on its problem.
*/

typedef struct {
    double *r, *z, *v, *hv;  // (n) each: residual, M^-1 r, direction, Hv
} cg_work;

// The search direction p[n] at x, from the truncated, preconditioned
// conjugate gradients on H p = -g; at most max_cg Hessian products,
// and never so many that no evaluation is left for the line search.
// Returns the number of products made; *stop says what ended the loop.
static int truncated_cg(double *p, const char **stop, const objective *obj,
                        const double *x, const double *g,
                        preconditioner *pc, int max_cg, cg_work *w)
{
    int n = obj->n, k;
    *stop = "cap";
    double gnorm = vec_norm(n, g), q_old = 0.0, rz_old = 1.0;
    const double tiny = 1e-12;
    preconditioner_begin(pc);
    for (int i = 0; i < n; i++) {
        w->r[i] = -g[i];              // the residual -g - H p at p = 0
        w->v[i] = 0.0;
        p[i] = 0.0;
    }
    for (k = 0; k < max_cg; k++) {
        preconditioner_solve(pc, w->z, w->r);
        double rz = vec_dot(n, w->r, w->z);
        bool budget_left = *obj->passes + obj->hessian_passes + 2
                           <= obj->max_passes;
        if (rz / gnorm < tiny || !budget_left) {
            *stop = budget_left ? "residual" : "budget";
            if (k == 0)               // nothing learned: steepest descent
                for (int i = 0; i < n; i++)
                    p[i] = -g[i];
            break;
        }
        double beta = k == 0 ? 0.0 : rz / rz_old;
        for (int i = 0; i < n; i++)
            w->v[i] = w->z[i] + beta * w->v[i];
        obj->hessian_times(obj->model, w->hv, x, g, w->v);
        double vhv = vec_dot(n, w->v, w->hv);
        if (vhv / gnorm < tiny) {     // no positive curvature along v
            *stop = "curvature";
            if (k == 0) {
                preconditioner_solve(pc, p, g);
                for (int i = 0; i < n; i++)
                    p[i] = -p[i];
            }
            k++;
            break;
        }
        preconditioner_learn(pc, w->v, w->hv, w->r);
        double alpha = rz / vhv;
        for (int i = 0; i < n; i++) {
            p[i] += alpha * w->v[i];
            w->r[i] -= alpha * w->hv[i];
        }
        // the model's value q(p) = g.p + p.Hp / 2 = (g.p + r.p) / 2
        double gp = vec_dot(n, g, p);
        double q = 0.5 * (gp + vec_dot(n, w->r, p));
        if ((k + 1) * (1.0 - q_old / q) <= 0.5) {   // Nash's test
            *stop = "Nash";
            k++;
            break;
        }
        if (gp > 0.0) {               // not downhill: undo, stop
            *stop = "uphill";
            for (int i = 0; i < n; i++)
                p[i] -= alpha * w->v[i];
            k++;
            break;
        }
        q_old = q;
        rz_old = rz;
    }
    return k;
}

/**
## The line search

The direction $p$ is an approximate Newton step, so the natural step
length is 1, but the model can be wrong, and the line search checks. It
accepts a step $\alpha$ when the cost has fallen enough and the slope
along $p$ has flattened enough (the strong Wolfe conditions),

$$J(\theta + \alpha p) \le J(\theta) + \mu\, \alpha\, g^T p, \qquad
  \big|\nabla J(\theta + \alpha p)^T p\big| \le \eta\, |g^T p|,$$

with TNC's $\mu = 10^{-4}$ and $\eta = 0.25$. Every trial step costs an
evaluation, cost and gradient together. While the trials still go
steeply downhill the step grows fourfold; once a minimum is bracketed
between two trials, the next trial is the minimum of the cubic through
the two ends' values and slopes, kept away from the ends. TNC's Gill
and Murray search (`getptc`) follows the same plan with more
safeguards.
*/

// The minimizer of the cubic through (a, fa) and (b, fb) with slopes
// da and db, kept inside [lo + 0.1 w, hi - 0.1 w] of the interval
// (w its width); the midpoint when the cubic has no minimum there.
static double cubic_step(double a, double fa, double da, double b,
                         double fb, double db)
{
    double lo = a < b ? a : b, hi = a < b ? b : a, w = hi - lo;
    double d1 = da + db - 3.0 * (fa - fb) / (a - b);
    double disc = d1 * d1 - da * db;
    double t = 0.5 * (a + b);
    if (disc >= 0.0) {
        double d2 = (b > a ? 1.0 : -1.0) * sqrt(disc);
        double c = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
        if (isfinite(c))
            t = c;
    }
    if (t < lo + 0.1 * w)
        t = lo + 0.1 * w;
    if (t > hi - 0.1 * w)
        t = hi - 0.1 * w;
    return t;
}

enum { SEARCH_OK, SEARCH_FAILED, SEARCH_OUT_OF_BUDGET };

typedef struct {
    double *x_try, *g_try, *g_best;   // (n) each
} search_work;

// Along p from x (where the cost is *f and the gradient g, and
// g.p < 0), find a step alpha with
//     f(x + alpha p) <= f(x) + mu alpha g.p           (enough decrease)
//     |g(x + alpha p).p| <= eta |g.p|                 (near the minimum)
// trying alpha0 first and never more than alpha_max. On success x, f
// and g move to the new point and *alpha says how far.
static int line_search(double *x, double *f, double *g, double *alpha,
                       const double *p, double alpha0, double alpha_max,
                       const objective *obj, search_work *w)
{
    const double mu = 1e-4, eta = 0.25;     // TNC's defaults
    int n = obj->n;
    double f0 = *f, d0 = vec_dot(n, g, p);
    if (!(d0 < 0.0))
        return SEARCH_FAILED;
    double lo = 0.0, f_lo = f0, d_lo = d0;  // best point so far
    double hi = 0.0, f_hi = 0.0, d_hi = 0.0;
    bool bracketed = false, accepted = false;
    double a = alpha0;
    for (int trial = 0; trial < 30; trial++) {
        if (*obj->passes + 2 > obj->max_passes)
            break;
        for (int i = 0; i < n; i++)
            w->x_try[i] = x[i] + a * p[i];
        double fa = obj->value_and_gradient(obj->model, w->g_try,
                                            w->x_try);
        double da = vec_dot(n, w->g_try, p);
        if (!isfinite(fa) || fa > f0 + mu * a * d0 || fa >= f_lo) {
            hi = a, f_hi = fa, d_hi = da;   // too far: the minimum is
            bracketed = true;               // between lo and a
        } else {
            if (fabs(da) <= -eta * d0)
                accepted = true;
            else if (da > 0.0) {            // passed the minimum
                hi = lo, f_hi = f_lo, d_hi = d_lo;
                bracketed = true;
            }
            lo = a, f_lo = fa, d_lo = da;
            memcpy(w->g_best, w->g_try, (size_t)n * sizeof(double));
            if (accepted)
                break;
        }
        if (bracketed) {
            if (!isfinite(f_hi))            // overflow: just shrink
                a = lo + 0.1 * (hi - lo);
            else
                a = cubic_step(lo, f_lo, d_lo, hi, f_hi, d_hi);
            if (fabs(hi - lo) <= 1e-12 * (1.0 + lo))
                break;
        } else {
            if (a >= alpha_max)
                break;
            a = 4.0 * a < alpha_max ? 4.0 * a : alpha_max;
        }
    }
    if (lo == 0.0)
        return *obj->passes + 2 > obj->max_passes ? SEARCH_OUT_OF_BUDGET
                                                   : SEARCH_FAILED;
    for (int i = 0; i < n; i++)
        x[i] += lo * p[i];
    *f = f_lo;
    memcpy(g, w->g_best, (size_t)n * sizeof(double));
    *alpha = lo;
    return SEARCH_OK;
}

/**
## The outer loop

The outer loop ties the parts together. Two details come from TNC.
The first trial step is 1 unless that cannot be right: no cost is below
zero, and a parabola that starts at $J$ with slope $g^T p$ and bottoms
out at zero has its minimum at $\alpha = -2J / g^T p$, so when that is
shorter it is tried first. And a step may not be longer than 10 (in the
norm of $\alpha p$), a limit that grows a hundredfold whenever a step
reaches it.

After the line search come the stopping rules: the gradient vanished
(status 0), the cost (1) or the weights (2) stopped changing, the budget
is spent (3), the line search found no lower point (4). The step and the
change of gradient then go to the preconditioner for the next
direction.
*/

// Truncated Newton from x[n] (overwritten with the result), in the
// manner of Nash's TNC. Tells obj->on_step about every iteration.
void tnc_minimize(run_result *res, double *x, const objective *obj,
                  int max_cg)
{
    int n = obj->n;
    double *g = nn_alloc((size_t)n, sizeof *g);       // the gradient
    double *g_old = nn_alloc((size_t)n, sizeof *g_old);
    double *p = nn_alloc((size_t)n, sizeof *p);       // the direction
    double *s = nn_alloc((size_t)n, sizeof *s);       // the step
    cg_work cw = {nn_alloc((size_t)n, sizeof(double)),
                  nn_alloc((size_t)n, sizeof(double)),
                  nn_alloc((size_t)n, sizeof(double)),
                  nn_alloc((size_t)n, sizeof(double))};
    search_work sw = {nn_alloc((size_t)n, sizeof(double)),
                      nn_alloc((size_t)n, sizeof(double)),
                      nn_alloc((size_t)n, sizeof(double))};
    preconditioner pc;
    preconditioner_alloc(&pc, n);
    const double eps = 2.220446049250313e-16;
    const double gtol = 1e-8, ftol = sqrt(eps), xtol = sqrt(eps);
    double step_max = 10.0;                           // TNC's stepmx

    double f = obj->value_and_gradient(obj->model, g, x);
    res->nit = 0;
    trace_point(res, *obj->passes, f);
    report_step(obj, &(tnc_step){0, *obj->passes / 2.0, f,
                                 vec_norm(n, g), 0, NULL});
    for (;;) {
        if (vec_norm(n, g) <= gtol) {
            res->status = 0;
            break;
        }
        if (*obj->passes + 2 > obj->max_passes) {
            res->status = 3;
            break;
        }
        const char *stop;
        int cg = truncated_cg(p, &stop, obj, x, g, &pc, max_cg, &cw);
        res->cg_steps += cg;
        // the first trial step: 1, the Newton step, unless a straight
        // line from f down to 0 (no cost is lower) is reached sooner
        double gp = vec_dot(n, g, p), pnorm = vec_norm(n, p);
        double alpha0 = 1.0;
        if (2.0 * f <= -gp && f >= eps)
            alpha0 = -2.0 * f / gp;
        double alpha_max = step_max / (pnorm + eps);
        if (alpha0 > alpha_max)
            alpha0 = alpha_max;
        double f_old = f, alpha = 0.0;
        memcpy(g_old, g, (size_t)n * sizeof *g);
        int found = line_search(x, &f, g, &alpha, p, alpha0, alpha_max,
                                obj, &sw);
        if (found != SEARCH_OK) {
            res->status = found == SEARCH_OUT_OF_BUDGET ? 3 : 4;
            break;
        }
        if (alpha >= 0.9 * alpha_max)
            step_max *= 100.0;                  // allow longer steps
        res->nit++;
        trace_point(res, *obj->passes, f);
        report_step(obj, &(tnc_step){res->nit, *obj->passes / 2.0, f,
                                     vec_norm(n, g), cg, stop});
        if (fabs(f_old - f) <= ftol * (1.0 + fabs(f))) {
            res->status = 1;
            break;
        }
        if (alpha * pnorm <= xtol * (1.0 + vec_norm(n, x))) {
            res->status = 2;
            break;
        }
        for (int i = 0; i < n; i++) {
            s[i] = alpha * p[i];
            g_old[i] = g[i] - g_old[i];        // y, the gradient change
        }
        preconditioner_end(&pc, s, g_old);
    }
    res->f = f;
    res->passes = *obj->passes;
    free(g), free(g_old), free(p), free(s);
    free(cw.r), free(cw.z), free(cw.v), free(cw.hv);
    free(sw.x_try), free(sw.g_try), free(sw.g_best);
    preconditioner_free(&pc);
}

/**
## Gradient descent, for contrast

The same budget spent on plain gradient descent: $\theta \leftarrow
\theta - \alpha \nabla J$, one evaluation per step, with a fixed step
size `--lr`: 3 by default, about the best of the few sizes we tried
(exercise 6 asks you to try others).
*/

// x -= rate * gradient, one evaluation per step, until the budget
// is spent.
void gradient_descent(run_result *res, double *x,
                      const objective *obj, double rate)
{
    int n = obj->n;
    double *g = nn_alloc((size_t)n, sizeof *g);
    double f = obj->value_and_gradient(obj->model, g, x);
    trace_point(res, *obj->passes, f);
    res->nit = 0;
    res->status = 3;
    report_step(obj, &(tnc_step){0, *obj->passes / 2.0, f,
                                 vec_norm(n, g), 0, NULL});
    while (*obj->passes + 2 <= obj->max_passes) {
        for (int i = 0; i < n; i++)
            x[i] -= rate * g[i];
        f = obj->value_and_gradient(obj->model, g, x);
        res->nit++;
        trace_point(res, *obj->passes, f);
        report_step(obj, &(tnc_step){res->nit, *obj->passes / 2.0, f,
                                     vec_norm(n, g), 0, NULL});
        if (!isfinite(f)) {
            res->status = 6;
            break;
        }
    }
    res->f = f;
    res->passes = *obj->passes;
    free(g);
}


/**
## Where this is not SciPy's TNC {#ch8-tnc-scipy}

The plan above is Nash's [@nash1984; @nash2000], and the parameters
($\mu$, $\eta$, the first trial step, the growing step limit, the
stopping codes) are TNC's. The program is not a translation of
Jean-Sebastien Roy's `tnc.c`, which SciPy wraps, and it differs from
it in these places:

- **Variables and function are rescaled there.** TNC works in scaled
  variables $\tilde x = (x - x_0)/(1 + |x_0|)$, component by component
  (for a problem without bounds), and it multiplies $f$ by $1/\lVert g
  \rVert$ whenever $|\log_{10} \lVert g \rVert| > 1.3$, which also resets
  the diagonal of the preconditioner to the identity. We work in the
  weights as they are and never rescale.
- **The finite-difference step.** TNC's step for $H v$ is
  $\text{accuracy} \cdot (\lVert \tilde x \rVert + 1)$ in the scaled
  variables, with accuracy $\sqrt{\epsilon}$ by default, whatever the
  length of $v$. Ours divides by $\lVert v \rVert$, so that the point
  $\theta + h v$ is always the same distance away.
- **The stopping tests** are absolute in TNC's scaled units (the change
  of the rescaled $f$, the length of the scaled step); ours are relative
  to $1 + |f|$ and $1 + \lVert x \rVert$.
- **The cap on conjugate-gradient steps** is $\min(50, n/2)$ there, 50
  for this network; 10 here by default (`--max-cg`).
- **The preconditioner** keeps one pair $(s, y)$ here; TNC also keeps an
  accumulated pair from the steps since its last reset.
- **The line search** here is a bracketing search with cubic
  interpolation; TNC's `getptc` (Gill and Murray's) makes the same kind
  of trial steps with more safeguards.

None of this changes what a truncated-Newton method is; it changes
which points it visits, so the two never print the same numbers. The
chapter runs SciPy on the same problem and shows both.
*/
