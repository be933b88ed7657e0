/**
### Handing the same problem to SciPy

`--compare-scipy` runs SciPy's TNC on exactly this problem. The program
writes the training and test images as the network reads them, their
labels, the initial weights, $\lambda$ and the budget into a temporary
file, and runs `chapters/08-tnc-mnist/scipy_tnc.py` with Debian's
`/usr/bin/python3` (or `$NN_PYTHON`). The script computes the same cost as
`evaluate` does, in NumPy, and hands it to `minimize(method='TNC',
jac=True, options={'maxfun': ...})` with TNC's other settings at their
defaults; it prints its results as `key value` lines, which this
function reads back and prints beside the chapter's own. SciPy's
starting cost is printed too: it must be the chapter's, or the two are
not solving the same problem.
*/
#include "scipy.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The file scipy_tnc.py reads: a magic, six int32 sizes, lambda, then
// each image as a row (bias first) with its label, for the training
// and then the test images, and last the initial weights.
static int write_problem(FILE *f, const digit_set *train,
                         const digit_set *test, int n_hidden, int n_out,
                         int evals, double lambda, const double *theta0)
{
    const digit_set *sets[2] = {train, test};
    int n_in = train->inputs.rows - 1;
    int32_t head[6] = {train->m, test->m, n_in, n_hidden, n_out, evals};
    bool ok = fwrite("CH8TNC01", 1, 8, f) == 8
              && fwrite(head, sizeof head, 1, f) == 1
              && fwrite(&lambda, sizeof lambda, 1, f) == 1;
    for (int s = 0; s < 2 && ok; s++) {
        const digit_set *set = sets[s];
        for (int i = 0; i < set->m && ok; i++) {
            int32_t label = set->labels[i];
            for (int p = 0; p < set->inputs.rows && ok; p++)
                ok = fwrite(&MAT_AT(set->inputs, p, i), sizeof(double), 1,
                            f) == 1;
            ok = ok && fwrite(&label, sizeof label, 1, f) == 1;
        }
    }
    size_t n = (size_t)n_hidden * (n_in + 1)
               + (size_t)n_out * (n_hidden + 1);
    ok = ok && fwrite(theta0, sizeof(double), n, f) == n;
    return ok ? 0 : -1;
}

int scipy_tnc(scipy_result *out, const digit_set *train,
              const digit_set *test, int n_hidden, int n_out, int evals,
              double lambda, const double *theta0, const char *program)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    const char *python = getenv("NN_PYTHON") ? getenv("NN_PYTHON")
                         : access("/usr/bin/python3", X_OK) == 0
                             ? "/usr/bin/python3" : "python3";
    char path[512], command[1400], line[256];
    snprintf(path, sizeof path, "%s/ch8-scipy-XXXXXX", tmp);
    int fd = mkstemp(path);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");
    if (!f || write_problem(f, train, test, n_hidden, n_out, evals,
                            lambda, theta0) != 0 || fclose(f) != 0) {
        fprintf(stderr, "%s: --compare-scipy: cannot write %s\n", program,
                path);
        remove(path);
        return -1;
    }
    snprintf(command, sizeof command, "'%s' '%s/chapters/08-tnc-mnist/"
             "scipy_tnc.py' '%s'", python, NN_SOURCE_DIR, path);
    FILE *pipe = popen(command, "r");
    *out = (scipy_result){.version = "?"};
    double *values[9] = {&out->start, &out->f, &out->nit, &out->nfev,
                         &out->train_acc, &out->test_acc, &out->wall,
                         &out->cpu, &out->max_cg};
    const char *keys[9] = {"start", "fun", "nit", "nfev", "train", "test",
                           "wall", "cpu", "maxcg"};
    for (int k = 0; k < 9; k++)
        *values[k] = NAN;
    while (pipe && fgets(line, sizeof line, pipe)) {
        for (int k = 0; k < 9; k++) {
            size_t len = strlen(keys[k]);
            if (strncmp(line, keys[k], len) == 0 && line[len] == ' ')
                *values[k] = strtod(line + len + 1, NULL);
        }
        if (strncmp(line, "scipy ", 6) == 0)
            sscanf(line + 6, "%31s", out->version);
    }
    int closed = pipe ? pclose(pipe) : -1;
    remove(path);
    if (closed != 0 || isnan(out->f) || isnan(out->test_acc)) {
        fprintf(stderr, "%s: --compare-scipy: %s on scipy_tnc.py failed; "
                "is SciPy installed (make deps)?\n", program, python);
        return -1;
    }
    return 0;
}
