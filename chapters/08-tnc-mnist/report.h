/* report.h - what chapter 8 prints about a training run.

   What it does: watch_step is shown every step of a run (tnc.h's
   on_step): for the chosen method it prints a row of the iteration
   table, it moves the progress line (progress.h), and in window mode
   it redraws a live curve of the cost at most five times a second.
   print_result prints a finished run the way scipy.optimize.minimize
   reports one; confusion_matrix counts the test images by label and
   answer and prints the table.

   Failure: none is reported; once w->capacity points are drawn,
   the live curve stops growing.

   Memory: the caller owns the watcher and its curve arrays;
   nothing here allocates. */
#ifndef CH8_REPORT_H
#define CH8_REPORT_H

#include <stdbool.h>

#include "digits.h"
#include "plot.h"
#include "progress.h"
#include "tnc.h"

// What a run shows while it trains: the table of its iterations (for
// the chosen method), the progress line, and in window mode a live
// curve of the cost (live is NULL elsewhere).
typedef struct watcher {
    progress bar;
    bool table;              // print a line per outer iteration
    plot *live;
    const char *label;
    double *evals, *cost;    // (capacity) the curve so far
    int n, capacity;
    double last_draw;        // nn_seconds() of the last frame
} watcher;

// One step of a run: the table row (w->table), the progress line, and
// the live curve (w->live).
void watch_step(watcher *w, const tnc_step *s);

// Print a finished run the way scipy.optimize.minimize reports one.
void print_result(const run_result *r);

// counts[label][answer] over the test images, printed as a table.
void confusion_matrix(int counts[10][10], const digit_set *test,
                      const int *predicted);

#endif
