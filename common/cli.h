/* cli.h - the command line every chapter shares, and a progress line.

   What it does: cli_parse reads the flags common to all chapters
       --help  --seed N  --quick  --plot window|file|dumb|none  --out DIR
   and the chapter's own flags, described by a table of cli_option. Each
   value is checked: integers must be whole numbers in [min, max], doubles
   finite numbers in their range, choices one of the listed words.
   --help prints every flag with its current (default) value.

   Failure: cli_parse never exits. It returns CLI_CONTINUE when the
   program should run, or the status main() must return: 0 after --help,
   2 after a bad flag, when it has printed one line to stderr naming the
   flag, the bad value and what is expected.

   Memory: nothing is allocated; string values point into argv.

   Timing and the progress line live in progress.h. */
#ifndef NN_CLI_H
#define NN_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "plot.h"

enum { CLI_CONTINUE = -1 };

typedef enum { CLI_INT, CLI_DOUBLE, CLI_STRING, CLI_CHOICE, CLI_FLAG }
    cli_type;

typedef struct {
    const char *name;     // "--epochs"
    cli_type type;
    void *value;          // int *, double *, const char **, or bool *
    const char *help;     // one line
    double min, max;      // allowed range for CLI_INT and CLI_DOUBLE
    bool open_min;        // true: value must be > min (say, a rate > 0)
    const char *choices;  // CLI_CHOICE: "mlp|lenet5"
    const char *arg;      // --help's placeholder for CLI_STRING: "FILE",
                          // "DIR", "NAME" (numbers show N or X)
} cli_option;

typedef struct {
    uint32_t seed;        // --seed, default 0 as in the tutorials
    bool quick;           // --quick: a small run for the tests
    plot_mode plot;       // --plot, default: window, dumb or none
    const char *out;      // --out, default build/figures/<program>
    const char *program;  // the program's name, for messages
} cli_common;

// The number of entries in a cli_option table, so that adding a flag to
// the table is all it takes: cli_parse(&c, options, CLI_COUNT(options), ...)
#define CLI_COUNT(options) ((int)(sizeof(options) / sizeof((options)[0])))

// Parse argv. `summary` is the first line of --help. See above for the
// return value.
int cli_parse(cli_common *common, const cli_option *options,
              int n_options, int argc, char **argv, const char *summary);

// Print "program: message" to stderr and return 2, for checks made after
// parsing: `return cli_error(&common, "--batch %d exceeds ...", b);`
int cli_error(const cli_common *common, const char *fmt, ...);

/* ---- Guards a chapter calls after parsing ---------------------------- */

// a * b and a + b on sizes, SIZE_MAX when the true result does not fit:
// memory arithmetic that cannot wrap around.
size_t nn_size_mul(size_t a, size_t b);
size_t nn_size_add(size_t a, size_t b);

// The memory budget: 4 GiB, or NN_MEMORY_BUDGET (bytes, or a number
// with K, M or G). A chapter adds up what its flags and data will make
// it allocate and asks before allocating: CLI_CONTINUE when `bytes` fits,
// else one line ("needs 24.0 GB, over the 4.0 GB budget: lower --hidden
// or --points, or raise NN_MEMORY_BUDGET") and status 2.
int cli_check_memory(const cli_common *common, size_t bytes,
                     const char *flags_to_lower);

// A training loop's guard, called with each loss it computes: when the
// loss is not a finite number, or has grown past 1e6 times its first
// value, prints one line ("the loss diverged at epoch 3 (loss 7.7e+21):
// <hint>") and returns 1, the status main() should exit with; else
// CLI_CONTINUE. `hint` names the flag most likely at fault.
int cli_check_loss(const cli_common *common, double loss,
                   double first_loss, const char *where, const char *hint);

#endif
