/* progress.h - a clock, and one progress line for long loops.

   What it does: a chapter whose run takes more than a second shows where
   it is with one line on stderr, redrawn in place:

       training  37% 1850/5000  2.1s  ETA 3.6s  loss 0.2628  acc 0.912

   label, step done/total, elapsed time, estimated time left, and a short
   status the chapter formats (the current loss, and the accuracy where
   the chapter has one).

       progress bar;
       progress_start(&bar, "training", epochs);
       for (int e = 1; e <= epochs; e++) {
           ...
           progress_update(&bar, e, "loss %.4f", loss);
           if (e % 1000 == 0) {
               progress_clear(&bar);           // before a result line
               printf("Epoch %d - loss: %.6f\n", e, loss);
           }
       }
       progress_end(&bar);

   The line is drawn only when stderr is a terminal, at most ten times a
   second, so captured output and logs never see it; it is cut to the
   terminal's width, so that it never wraps (a wrapped line could not be
   erased). progress_clear
   erases it (the next update draws it again): call it before printing a
   result line while the bar is up, so the two never run into each other.

   Failure: none; these calls cannot fail and allocate nothing. */
#ifndef NN_PROGRESS_H
#define NN_PROGRESS_H

#include <stdbool.h>

// Seconds on a monotonic clock, for timing and progress.
double nn_seconds(void);

typedef struct {
    const char *label;    // "training", "LeNet-5", "truncated Newton"
    long total;           // steps in all
    double start;         // nn_seconds() at progress_start
    double last_draw;     // when the line was last drawn
    bool enabled;         // stderr is a terminal
    bool drawn;           // the line is on screen now
} progress;

void progress_start(progress *p, const char *label, long total);
// `done` of `total` steps finished; fmt (may be NULL) adds the status.
void progress_update(progress *p, long done, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
// Erase the line if it is drawn, so that a result line can be printed.
void progress_clear(progress *p);
// The loop is over: erase the line for good.
void progress_end(progress *p);

#endif
