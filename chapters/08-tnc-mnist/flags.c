/**
The chapter's flags default to the tutorial's problem; `--quick` caps
the budget at 30 evaluations and the training set at 500 images, and
`--threads` defaults to the machine's cores, at most 16.
*/
#include "flags.h"

#include <unistd.h>

// Parse the command line into s: CLI_CONTINUE, or main's status.
int parse_flags(settings *s, cli_common *common, int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *s = (settings){.evals = 300, .hidden = 25, .n_train = 5000,
                    .max_cg = 10, .side = 20, .lambda = 1.0, .rate = 3.0,
                    .threads = cores < 1 ? 1 : cores > 16 ? 16 : (int)cores,
                    .data = "mnist", .hessian = "exact",
                    .optimizer = "tnc"};
    cli_option options[] = {
        {.name = "--evals", .type = CLI_INT, .value = &s->evals,
         .help = "budget of cost+gradient evaluations (maxfun)",
         .min = 2, .max = 100000},
        {.name = "--lambda", .type = CLI_DOUBLE, .value = &s->lambda,
         .help = "L2 weight lambda (0: the tutorial's cost)", .max = 1e6},
        {.name = "--hidden", .type = CLI_INT, .value = &s->hidden,
         .help = "hidden units", .min = 1, .max = 1000},
        {.name = "--train", .type = CLI_INT, .value = &s->n_train,
         .help = "training images, a tenth of each digit", .min = 10,
         .max = 60000},
        {.name = "--size", .type = CLI_INT, .value = &s->side,
         .help = "image side to shrink to (28: MNIST's)", .min = 2,
         .max = 4096},
        {.name = "--data", .type = CLI_STRING, .value = &s->data,
         .arg = "DIR", .help = "mnist, fashion, or a directory of IDX"},
        {.name = "--optimizer", .type = CLI_CHOICE, .value = &s->optimizer,
         .help = "truncated Newton or gradient descent",
         .choices = "tnc|gd"},
        {.name = "--hessian", .type = CLI_CHOICE, .value = &s->hessian,
         .help = "H v: finite differences, exact, Gauss-Newton",
         .choices = "fd|exact|gn"},
        {.name = "--max-cg", .type = CLI_INT, .value = &s->max_cg,
         .help = "CG steps per direction, at most (TNC: 50)", .min = 1,
         .max = 1000},
        {.name = "--lr", .type = CLI_DOUBLE, .value = &s->rate,
         .help = "gradient descent's step size", .max = 1e3,
         .open_min = true},
        {.name = "--gradcheck", .type = CLI_FLAG, .value = &s->checks_only,
         .help = "only run the checks, then stop"},
        {.name = "--no-compare", .type = CLI_FLAG, .value = &s->no_compare,
         .help = "train with the chosen method only"},
        {.name = "--compare-scipy", .type = CLI_FLAG, .value = &s->scipy,
         .help = "run SciPy's TNC on the same problem too"},
        {.name = "--dense", .type = CLI_FLAG, .value = &s->dense,
         .help = "multiply the images with mat_gemm, zeros and all"},
        {.name = "--threads", .type = CLI_INT, .value = &s->threads,
         .help = "threads for the ink lists (default: the cores)",
         .min = 1, .max = 16},
    };
    int status = cli_parse(common, options, CLI_COUNT(options), argc,
                           argv, "chapter 8: truncated Newton on MNIST");
    if (status == CLI_CONTINUE && common->quick) {
        s->evals = s->evals < 30 ? s->evals : 30;
        s->n_train = s->n_train < 500 ? s->n_train : 500;
    }
    return status;
}
