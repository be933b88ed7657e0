/* scipy.h - SciPy's TNC on chapter 8's problem, through a script.

   What it does: scipy_tnc writes the training and test images (as the
   network reads them), their labels, the initial weights, lambda and
   the budget into a temporary file, runs
   chapters/08-tnc-mnist/scipy_tnc.py on it with $NN_PYTHON (default
   /usr/bin/python3, else python3 on PATH), and reads the script's
   "key value" lines back into a scipy_result. The script minimizes the
   same regularized cost with minimize(method='TNC', jac=True,
   options={'maxfun': evals}).

   Failure: returns 0, or -1 after one line on stderr when the file
   cannot be written or the script fails (no NumPy or SciPy, say); the
   script's own messages go to stderr too. The temporary file is always
   removed.

   Memory: nothing is kept. */
#ifndef CH8_SCIPY_H
#define CH8_SCIPY_H

#include "digits.h"

typedef struct {
    char version[32];        // SciPy's version
    double start;            // the cost at theta0, as NumPy computes it
    double f, nit, nfev;     // the final cost, iterations, evaluations
    double train_acc, test_acc;
    double wall, cpu;        // seconds in minimize
    double max_cg;           // TNC's cap on CG steps per direction
} scipy_result;

int scipy_tnc(scipy_result *out, const digit_set *train,
              const digit_set *test, int n_hidden, int n_out, int evals,
              double lambda, const double *theta0, const char *program);

#endif
