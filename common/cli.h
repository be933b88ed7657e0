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

   Progress: progress_update redraws one status line on stderr, at most
   ten times a second, and only when stderr is a terminal - so captured
   output and logs stay clean. */
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

// Seconds on a monotonic clock, for timing and progress.
double nn_seconds(void);

typedef struct {
    const char *label;
    long total;
    double start, last_draw;
    bool enabled;         // stderr is a terminal
} progress;

void progress_start(progress *p, const char *label, long total);
// `done` of `total` finished; fmt adds a short status such as the loss.
void progress_update(progress *p, long done, const char *fmt, ...);
void progress_end(progress *p);

#endif
