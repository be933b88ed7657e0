/**
While a method trains, a progress line on the terminal shows the
evaluations spent and the cost, and in a window (`--plot window`) the
chosen method's cost is drawn as it falls; the chosen method also
prints a row for each outer iteration. A finished run is printed the
way `scipy.optimize.minimize` reports one, and the test images are
counted by label and answer into a confusion table.
*/
#include "report.h"

#include <stdio.h>
#include <string.h>

// Print a finished run the way scipy.optimize.minimize reports one.
void print_result(const run_result *r)
{
    printf(" message: %s\n", tnc_status_message(r->status));
    printf(" success: %s\n", r->status <= 2 ? "True" : "False");
    printf("  status: %d\n", r->status);
    printf("     fun: %.6f\n", r->f);
    printf("     nit: %d\n", r->nit);
    printf("    nfev: %g\n", r->passes / 2.0);
}

// The row, the progress line, the curve (report.h).
void watch_step(watcher *w, const tnc_step *s)
{
    if (w->table) {
        progress_clear(&w->bar);
        if (s->nit == 0)
            printf("  nit  nfev    cost     |gradient|  cg  stopped by\n"
                   "  %3d  %4g  %.6f  %.3e\n", 0, s->evals, s->f,
                   s->gnorm);
        else
            printf("  %3d  %4g  %.6f  %.3e  %2d  %s\n", s->nit, s->evals,
                   s->f, s->gnorm, s->cg, s->stop ? s->stop : "");
    }
    progress_update(&w->bar, (long)s->evals, "cost %.4f", s->f);
    if (!w->live || w->n >= w->capacity)
        return;
    w->evals[w->n] = s->evals;
    w->cost[w->n++] = s->f;
    if (nn_seconds() - w->last_draw < 0.2)
        return;
    w->last_draw = nn_seconds();
    plot_frame_begin(w->live);
    plot_xy(w->live, "$cost", w->evals, w->cost, w->n);
    plot_cmd(w->live, "plot $cost with linespoints pt 7 ps 0.5 "
             "title '%s'", w->label);
    plot_frame_end(w->live, w->label);
}

// counts[label][answer] over the test images, printed as a table.
void confusion_matrix(int counts[10][10], const digit_set *test,
                      const int *predicted)
{
    memset(counts, 0, 100 * sizeof counts[0][0]);
    for (int i = 0; i < test->m; i++)
        counts[test->labels[i]][predicted[i]]++;
    printf("confusion on the test images (row: label, column: answer):"
           "\n     ");
    for (int a = 0; a < 10; a++)
        printf("%5d", a);
    printf("\n");
    for (int l = 0; l < 10; l++) {
        printf("  %d: ", l);
        for (int a = 0; a < 10; a++)
            printf("%5d", counts[l][a]);
        printf("\n");
    }
}
