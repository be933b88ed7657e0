/* tnc.h - truncated Newton, in the manner of Nash's TNC, and plain
   gradient descent, for a smooth function of many variables.

   What it does: tnc_minimize(res, x, obj, max_cg) minimizes the function
   behind `obj` from x[n], overwriting x with the best point found. Each
   outer iteration finds a direction by preconditioned conjugate
   gradients on H p = -g, stopped early (at most max_cg Hessian
   products), then a step length by a line search. The problem
   is seen only through an `objective`: a call for the value and the
   gradient, a call for Hessian-vector products, and a count of the work
   done, which the problem keeps and the optimizer compares with the
   budget. gradient_descent spends the same budget on fixed steps.
   Neither prints anything: obj->on_step, when set, is told about the
   start and every iteration (a table, a progress line, a live plot).

   The budget: obj->max_passes. The problem counts its work in `passes`
   (chapter 8: products with the image matrix; an evaluation of value
   and gradient costs 2); the optimizer never starts a call that could
   take *obj->passes past max_passes. A Hessian product may cost up to
   obj->hessian_passes.

   Results: res->status says how the run ended, with SciPy's codes for
   TNC (tnc_status_message gives the message): 0 gradient ~ 0, 1 the
   value stopped changing, 2 x stopped changing, 3 the budget is spent,
   4 the line search found no lower point, 6 the value is not a finite
   number (gradient descent only). res->f is the final value, res->nit
   the outer iterations, res->cg_steps the Hessian products; the trace
   holds the value after each iteration against the evaluations spent
   (passes / 2), for a figure.

   Failure: none is reported beyond the status. A value that is not
   finite at a trial point makes the line search shorten the step.

   Memory: run_result_alloc sizes the trace for a budget; release it with
   run_result_free. tnc_minimize and gradient_descent allocate their work
   vectors with nn_alloc and free them before returning. */
#ifndef CH8_TNC_H
#define CH8_TNC_H

#include <stdbool.h>

// One outer iteration, as on_step sees it.
typedef struct tnc_step {
    int nit;                 // its number, 0 for the starting point
    double evals;            // evaluations spent so far (passes / 2)
    double f, gnorm;         // the value and |gradient| reached
    int cg;                  // Hessian products it made
    const char *stop;        // what ended its conjugate gradients:
                             // "Nash", "curvature", "uphill", "cap",
                             // "residual", "budget"; NULL for nit 0 and
                             // gradient descent
} tnc_step;

// What the optimizer sees of a problem: a model behind two calls, and
// the work it has done so far.
typedef struct {
    int n;                   // number of variables
    void *model;
    // f(x); the gradient into grad[n]
    double (*value_and_gradient)(void *model, double *grad,
                                 const double *x);
    // hv[n] = H(x) v, given grad[n] = the gradient at x
    void (*hessian_times)(void *model, double *hv, const double *x,
                          const double *grad, const double *v);
    const long *passes;      // work done, counted by the model
    long max_passes;         // the budget: two per evaluation
    int hessian_passes;      // the most one Hessian product costs
    // called at the start (nit 0) and after each outer iteration (each
    // step of gradient descent) with what it did; may be NULL
    void (*on_step)(void *model, const struct tnc_step *step);
} objective;

typedef struct {
    double f;                // the final value
    int nit;                 // outer iterations (steps)
    long passes;             // work spent
    int status;              // see tnc_status_message
    int cg_steps;            // Hessian products, all told
    int n_trace;             // the value after each step, for a figure
    double *trace_evals;     // (capacity) evaluations spent
    double *trace_cost;      // (capacity) the value there
    int capacity;
} run_result;

void run_result_alloc(run_result *r, long max_passes);
void run_result_free(run_result *r);

// SciPy's message for a status code of TNC.
const char *tnc_status_message(int status);

// Truncated Newton from x[n]; at most max_cg Hessian products per
// direction. Prints nothing (obj->on_step sees every iteration).
void tnc_minimize(run_result *res, double *x, const objective *obj,
                  int max_cg);

// x -= rate * gradient until the budget is spent (status 3) or the
// value is not finite (status 6).
void gradient_descent(run_result *res, double *x, const objective *obj,
                      double rate);

// a . b and |a| for vectors of n doubles.
double vec_dot(int n, const double *a, const double *b);
double vec_norm(int n, const double *a);

#endif
