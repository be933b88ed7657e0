/* figures.h - chapter 8's figures and its network diagram.

   What it does: each call draws one figure through the plotter
   (plot.h): a file, a window, characters in the terminal (dumb mode:
   the images as characters, the confusion matrix as a note), or
   nothing, as the plotter's mode says. draw_network writes the
   network's Graphviz diagram (file mode only).

   Failure: none reported; plotting never stops the chapter (plot.h).

   Memory: every call frees what it allocates. */
#ifndef CH8_FIGURES_H
#define CH8_FIGURES_H

#include "digits.h"
#include "matrix.h"
#include "plot.h"
#include "tnc.h"

// hidden-units: each row of Theta1 (n_hidden, side * side + 1), bias
// column left out, as a side x side tile, one colour scale for all.
void draw_hidden_units(plotter *pl, matrix Theta1, int side);

// predictions: the first 30 test digits and the first 10 mistakes,
// with the answers predicted[test->m] under them.
void draw_predictions(plotter *pl, const digit_set *test,
                      const int *predicted, int side);

// confusion: counts[label][answer] over n_test test images.
void draw_confusion(plotter *pl, const int counts[10][10], int n_test);

// cost-vs-evaluations: each run's cost after each step, names[n_runs]
// in the key, the x axis from 0 to evals.
void draw_costs(plotter *pl, const run_result *runs,
                const char *const *names, int n_runs, int evals);

// network.dot: inputs, hidden units, outputs and the two bias units,
// edges labelled with the weight matrices' shapes.
void draw_network(plotter *pl, int n_in, int n_hidden, int n_out,
                  int side);

#endif
