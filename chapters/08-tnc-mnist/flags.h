/* flags.h - chapter 8's command line.

   What it does: parse_flags reads argv into a settings struct: the
   common flags (cli.h: --seed, --quick, --plot, --out, ...) into
   *common, the chapter's own into *s, each with its default (the
   tutorial's problem: 300 evaluations, 25 hidden units, 5000 training
   images of 20x20, lambda = 1). --quick lowers the budget to at most 30
   evaluations and the training images to at most 500.

   Failure: returns CLI_CONTINUE, or the status main() must return: 0
   after --help, 2 after one line on stderr naming a bad flag or value
   (cli_parse).

   Memory: nothing is allocated; the strings in *s point into argv or
   at string constants. */
#ifndef CH8_FLAGS_H
#define CH8_FLAGS_H

#include <stdbool.h>

#include "cli.h"

// The flags, with their defaults: the tutorial's problem.
typedef struct {
    int evals, hidden, n_train, max_cg, side, threads;
    double lambda, rate;
    const char *data, *hessian, *optimizer;
    bool checks_only, no_compare, dense, scipy;
} settings;

// Parse the command line into s: CLI_CONTINUE, or main's status.
int parse_flags(settings *s, cli_common *common, int argc, char **argv);

#endif
