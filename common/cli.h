/* cli.h - the command line every chapter shares, and the guards a
   chapter calls before it starts working.

   What it does: cli_parse reads the flags common to all chapters
       --help  --version  --seed N  --quick  --plot MODE  --out DIR
   and the chapter's own flags, described by a table of cli_option
   (designated initializers, one entry per flag). Parsing is strict:
     - CLI_INT: optional '-', then decimal digits only (no " 5", "+5",
       "0x10", "1.0"), within [min, max];
     - CLI_DOUBLE: a plain decimal number (digits, an optional point and
       exponent; no '+', hex, "nan" or "inf"), within its range (open
       at min with .open_min);
     - CLI_CHOICE: one of the '|'-separated words in .choices;
     - CLI_STRING: any non-empty text;
     - CLI_FLAG and --quick: switches, which take no value (--quick=0
       is an error, not "off").
   A value may follow its flag (--lr 0.1) or be joined to it (--lr=0.1);
   a following argument that starts with "--" is a flag, not a value
   (--save --quick is an error). --help prints the flags within 80
   columns, shared ones first; --version prints NN_VERSION.

   Failure: cli_parse never exits. It returns CLI_CONTINUE when the
   program should run, or the status main() must return: 0 after --help
   or --version, 2 after a bad flag, when it has printed one line to
   stderr naming the flag, the value (at most 40 characters of it, with
   control characters shown as '?') and what is expected.

   Output that is lost is an error: cli_parse registers an exit handler
   that flushes and closes stdout and, when the results could not be
   written (a full disk, `>/dev/full`, a closed stdout), prints one line
   and ends the program with status 1. Output files the toolkit could not
   write (cli_note_output_failure) end it with status 1 the same way.
   cli_parse also refuses to start when stdout is closed (`>&-`; status
   2), and restores the default action of SIGPIPE, so a chapter whose
   reader stops reading (`| head -1`) stops quietly; the plot module
   protects its own pipes to gnuplot.

   Memory: nothing is allocated; string values point into argv.

   Timing and the progress line live in progress.h. */
#ifndef NN_CLI_H
#define NN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

// The book's version, printed by --version. The build may pass its own.
#ifndef NN_VERSION
#define NN_VERSION "1.0"
#endif

enum { CLI_CONTINUE = -1 };

typedef enum { CLI_INT, CLI_DOUBLE, CLI_STRING, CLI_CHOICE, CLI_FLAG }
    cli_type;

typedef struct {
    const char *name;     // "--epochs"
    cli_type type;
    void *value;          // int *, double *, const char **, or bool *
    const char *help;     // one short line
    double min, max;      // allowed range for CLI_INT and CLI_DOUBLE
    bool open_min;        // true: value must be > min (say, a rate > 0)
    const char *choices;  // CLI_CHOICE: "mlp|lenet5"
    const char *arg;      // --help's placeholder for CLI_STRING and
                          // CLI_CHOICE: "FILE", "DIR", "NAME" (numbers
                          // show N or X; default TEXT, or WORD)
} cli_option;

typedef struct {
    uint32_t seed;        // --seed, default 0 as in the tutorials
    bool quick;           // --quick: a small run for the tests
    const char *plot;     // --plot word, or NULL for the default rule;
                          // plot_init (plot.h) reads it
    const char *out;      // --out, default build/figures/<program>
    const char *program;  // the program's name, for messages
} cli_common;

// The number of entries in a cli_option table, so that adding a flag to
// the table is all it takes: cli_parse(&c, options, CLI_COUNT(options), ...)
#define CLI_COUNT(options) ((int)(sizeof(options) / sizeof((options)[0])))

// Parse argv. `summary` is the first line of --help. See above for the
// return value. A hidden flag, --list-options, prints every flag as
//     name type min max open choices-or-placeholder
// one per line ("-" for an empty field) and returns 0: the bad-input
// test builds its cases from it.
int cli_parse(cli_common *common, const cli_option *options,
              int n_options, int argc, char **argv, const char *summary);

// Print "program: message" to stderr and return 2, for checks made after
// parsing: `return cli_error(&common, "--batch %d exceeds ...", b);`
int cli_error(const cli_common *common, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

// The program's name as cli_parse found it ("chapter" before), for
// messages printed by other parts of the toolkit.
const char *cli_program(void);

// Something the program was asked to write could not be written (the
// message has been printed): the program will exit with status 1 even if
// main returns 0.
void cli_note_output_failure(void);

/* ---- Guards a chapter calls after parsing, before the work ------------ */

// Can the program write the file `path` given with `flag` ("--save")?
// The name must be non-empty, without control characters, not an
// existing directory, in a directory that exists and is writable.
// CLI_CONTINUE, or one line naming the flag and the problem and status 2.
int cli_check_output_path(const cli_common *common, const char *path,
                          const char *flag);

// a * b and a + b on sizes, SIZE_MAX when the true result does not fit:
// memory arithmetic that cannot wrap around.
size_t nn_size_mul(size_t a, size_t b);
size_t nn_size_add(size_t a, size_t b);

// The memory budget: 4 GiB, or NN_MEMORY_BUDGET (bytes, or a number
// with K, M or G). A chapter adds up what its flags and data will make
// it allocate and asks before allocating: CLI_CONTINUE when `bytes` fits,
// else one line ("needs 22.4 GiB, over the 4.0 GiB budget: lower --hidden
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

/* ---- Files written whole or not at all ---------------------------------
   A file that must never be seen half-written (a weights file) is
   written under a temporary name beside it and renamed at the end:

       char tmp[4096];
       FILE *f = nn_create_atomic(path, tmp, sizeof tmp);
       if (!f)
           return 1;                       // the message is printed
       ... fwrite(..., f) ...
       if (nn_commit_atomic(f, tmp, path) != 0)
           return 1;                       // path is untouched

   nn_create_atomic opens "<path>.tmpXXXXXX" for writing (binary) and
   stores its name in tmp_path (n bytes); NULL after one line on stderr.
   nn_commit_atomic flushes and closes f and renames the temporary file
   to path: 0; or, when any write failed, removes the temporary file,
   prints one line and returns -1. nn_abandon_atomic closes and removes
   it without a word (for an early return). */
FILE *nn_create_atomic(const char *path, char *tmp_path, size_t n);
int nn_commit_atomic(FILE *f, const char *tmp_path, const char *path);
void nn_abandon_atomic(FILE *f, const char *tmp_path);

#endif
