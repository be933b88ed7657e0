/* cli.c - shared flags and the guards. Contract in cli.h. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char default_out[256];
static const char *program_name = "chapter";
static bool output_failed;

const char *cli_program(void) { return program_name; }

void cli_note_output_failure(void) { output_failed = true; }

int cli_error(const cli_common *common, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", common->program);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return 2;
}

// A value as a message may quote it: at most 40 characters, control
// characters as '?', so that one bad value is still one short line.
static const char *quoted(const char *value, char buf[48])
{
    size_t k = 0;
    for (const unsigned char *c = (const unsigned char *)value;
         *c && k < 40; c++)
        buf[k++] = (*c < 0x20 || *c == 0x7f) ? '?' : (char)*c;
    buf[k] = '\0';
    if (strlen(value) > 40)
        strcpy(buf + k, "...");
    return buf;
}

/* ---- Numbers, strictly ------------------------------------------------
   strtoll and strtod forgive too much (" 5", "+5", "0x10", "inf"), so the
   text is checked against the plain decimal form first. */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

// -?[0-9]+
static bool plain_integer(const char *s)
{
    if (*s == '-')
        s++;
    if (!is_digit(*s))
        return false;
    while (is_digit(*s))
        s++;
    return *s == '\0';
}

// -?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?
static bool plain_decimal(const char *s)
{
    if (*s == '-')
        s++;
    int digits = 0;
    while (is_digit(*s))
        s++, digits++;
    if (*s == '.')
        for (s++; is_digit(*s); s++)
            digits++;
    if (digits == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!is_digit(*s))
            return false;
        while (is_digit(*s))
            s++;
    }
    return *s == '\0';
}

static bool parse_long(const char *s, long long *out)
{
    if (!plain_integer(s))
        return false;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno)
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double *out)
{
    if (!plain_decimal(s))
        return false;
    errno = 0;
    double v = strtod(s, NULL);
    if (errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

// Is `word` one of the '|'-separated `choices`?
static bool is_choice(const char *word, const char *choices)
{
    size_t len = strlen(word);
    for (const char *c = choices; *c;) {
        const char *bar = strchr(c, '|');
        size_t n = bar ? (size_t)(bar - c) : strlen(c);
        if (n == len && strncmp(c, word, n) == 0)
            return true;
        if (!bar)
            break;
        c = bar + 1;
    }
    return false;
}

/* ---- --help ------------------------------------------------------------ */

static const char plot_choices[] = "window|file|dumb|none";

enum { HELP_WIDTH = 80, HELP_COLUMN = 20 };
#define NBSP '\x01'   // a space the help text is never broken at
#define NB "\x01"

// "  --flag ARG        text wrapped to 80 columns, indented after".
static void help_line(const char *flag, const char *text)
{
    int col = printf("  %s", flag);
    if (col > HELP_COLUMN - 1) {
        printf("\n");
        col = 0;
    }
    printf("%*s", HELP_COLUMN - col, "");
    col = HELP_COLUMN;
    const char *s = text;
    while (*s) {
        int room = HELP_WIDTH - col;
        int n = (int)strlen(s);
        if (n > room) {
            n = room;
            while (n > 0 && s[n] != ' ')
                n--;
            if (n == 0)
                n = room;
        }
        for (int k = 0; k < n; k++)
            putchar(s[k] == NBSP ? ' ' : s[k]);
        putchar('\n');
        s += n;
        while (*s == ' ')
            s++;
        if (*s)
            printf("%*s", HELP_COLUMN, "");
        col = HELP_COLUMN;
    }
    if (!*text)
        printf("\n");
}

static const char *placeholder(const cli_option *o)
{
    switch (o->type) {
    case CLI_INT:
        return "N";
    case CLI_DOUBLE:
        return "X";
    case CLI_STRING:
        return o->arg ? o->arg : "TEXT";
    case CLI_CHOICE:
        return o->arg ? o->arg : "WORD";
    case CLI_FLAG:
        break;
    }
    return "";
}

// "(default 100; 1 <= N <= 1000000)", or the range alone when the help
// text already says what the default is.
static void describe(char *buf, size_t size, const cli_option *o)
{
    const char *letter = placeholder(o);
    char value[96] = "", range[128] = "";
    switch (o->type) {
    case CLI_INT:
        snprintf(value, sizeof value, "%d", *(int *)o->value);
        snprintf(range, sizeof range, "%.0f" NB "<=" NB "N" NB "<=" NB "%.0f",
                 o->min, o->max);
        break;
    case CLI_DOUBLE:
        snprintf(value, sizeof value, "%g", *(double *)o->value);
        snprintf(range, sizeof range, "%g" NB "%s" NB "X" NB "<=" NB "%g",
                 o->min, o->open_min ? "<" : "<=", o->max);
        break;
    case CLI_CHOICE:
    case CLI_STRING: {
        const char *s = *(const char **)o->value;
        if (s)
            snprintf(value, sizeof value, "%s", s);
        if (o->type == CLI_CHOICE)
            snprintf(range, sizeof range, "%s: %s", letter, o->choices);
        break;
    }
    case CLI_FLAG:
        if (*(bool *)o->value)
            snprintf(value, sizeof value, "on");
        break;
    }
    bool says_default = o->help && strstr(o->help, "default");
    const char *sep = value[0] && range[0] && !says_default ? "; " : "";
    if (says_default || !value[0])
        snprintf(buf, size, range[0] ? "(%s)" : "%s", range);
    else
        snprintf(buf, size, "(default %s%s%s)", value, sep, range);
}

static void print_help(const cli_common *c, const cli_option *options,
                       int n, const char *summary)
{
    printf("%s - %s\n\nusage: %s [flags]\n\nFlags every chapter has:\n",
           c->program, summary, c->program);
    char text[512];
    help_line("--help", "print this list and exit");
    help_line("--version", "print the book's version and exit");
    snprintf(text, sizeof text, "seed of the random generator (default "
             "%u; 0" NB "<=" NB "N" NB "<=" NB "4294967295)", c->seed);
    help_line("--seed N", text);
    help_line("--quick", "a small, fast run (the tests use it)");
    help_line("--plot MODE", "MODE: window (a live window), file (SVG "
              "and PDF, GIF for animations), dumb (ASCII in the "
              "terminal) or none (default: window if there is a display, "
              "else dumb in a terminal, else none)");
    snprintf(text, sizeof text, "where --plot file writes the figures "
             "(default %s)", c->out);
    help_line("--out DIR", text);
    if (n > 0)
        printf("\nFlags of this chapter:\n");
    for (int i = 0; i < n; i++) {
        const cli_option *o = &options[i];
        char flag[96], extra[256];
        const char *ph = placeholder(o);
        snprintf(flag, sizeof flag, "%s%s%s", o->name, *ph ? " " : "", ph);
        describe(extra, sizeof extra, o);
        snprintf(text, sizeof text, "%s%s%s", o->help ? o->help : "",
                 extra[0] ? " " : "", extra);
        help_line(flag, text);
    }
}

// The hidden --list-options: what the bad-input test needs to know.
static void list_options(const cli_option *options, int n)
{
    printf("--help flag - - - -\n--version flag - - - -\n"
           "--seed int 0 4294967295 - -\n--quick flag - - - -\n"
           "--plot choice - - - %s\n--out string - - - DIR\n",
           plot_choices);
    static const char *types[] = {"int", "double", "string", "choice",
                                  "flag"};
    for (int i = 0; i < n; i++) {
        const cli_option *o = &options[i];
        printf("%s %s ", o->name, types[o->type]);
        if (o->type == CLI_INT || o->type == CLI_DOUBLE)
            printf("%.17g %.17g %s", o->min, o->max,
                   o->open_min ? "open" : "-");
        else
            printf("- - -");
        if (o->type == CLI_CHOICE)
            printf(" %s\n", o->choices);
        else if (o->type == CLI_STRING)
            printf(" %s\n", placeholder(o));
        else
            printf(" -\n");
    }
}

/* ---- Values ----------------------------------------------------------- */

static int bad_value(const cli_common *c, const char *flag,
                     const char *value, const char *expected)
{
    char q[48];
    return cli_error(c, "%s: bad value '%s': expected %s (see --help)",
                     flag, quoted(value, q), expected);
}

// Parse one chapter option's value into its target; 0 or exit status 2.
static int set_option(const cli_common *c, const cli_option *o,
                      const char *arg)
{
    char expected[160];
    if (o->type == CLI_INT) {
        long long v;
        if (!parse_long(arg, &v) || v < o->min || v > o->max) {
            snprintf(expected, sizeof expected,
                     "a whole number from %.0f to %.0f", o->min, o->max);
            return bad_value(c, o->name, arg, expected);
        }
        *(int *)o->value = (int)v;
    } else if (o->type == CLI_DOUBLE) {
        double v;
        bool ok = parse_double(arg, &v);
        if (!ok || (o->open_min ? v <= o->min : v < o->min) || v > o->max) {
            snprintf(expected, sizeof expected, "a number %s %g and <= %g",
                     o->open_min ? ">" : ">=", o->min, o->max);
            return bad_value(c, o->name, arg, expected);
        }
        *(double *)o->value = v;
    } else if (o->type == CLI_CHOICE) {
        if (!is_choice(arg, o->choices)) {
            snprintf(expected, sizeof expected, "one of %s", o->choices);
            return bad_value(c, o->name, arg, expected);
        }
        *(const char **)o->value = arg;
    } else {
        if (arg[0] == '\0')
            return bad_value(c, o->name, arg, "a non-empty value");
        *(const char **)o->value = arg;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- Lost output ------------------------------------------------------- */

static void check_output_at_exit(void)
{
    errno = 0;
    bool bad = fflush(stdout) != 0 || ferror(stdout);
    int err = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = true;
        err = errno;
    }
    if (bad) {
        fprintf(stderr, "%s: the results could not be written to standard "
                "output: %s\n", program_name,
                err ? strerror(err) : "write error");
        _exit(1);
    }
    if (output_failed)
        _exit(1);
}

// Standard streams that are closed would be reused by the next open():
// a figure's pipe or a data file would become "stdout".
static int check_standard_streams(const cli_common *c)
{
    if (fcntl(STDERR_FILENO, F_GETFD) == -1)
        open("/dev/null", O_WRONLY);   // takes descriptor 2
    if (fcntl(STDOUT_FILENO, F_GETFD) == -1)
        return cli_error(c, "standard output is closed, so the results "
                         "could not be written (run without >&-)");
    return 0;
}

/* ---- Parsing ----------------------------------------------------------- */

int cli_parse(cli_common *c, const cli_option *options, int n_options,
              int argc, char **argv, const char *summary)
{
    c->program = argc > 0 ? base_name(argv[0]) : "chapter";
    program_name = c->program;
    c->seed = 0;
    c->quick = false;
    c->plot = NULL;
    snprintf(default_out, sizeof default_out, "build/figures/%s",
             c->program);
    c->out = default_out;

    // The reader who stops reading (`| head`) stops us, quietly.
    signal(SIGPIPE, SIG_DFL);
    if (check_standard_streams(c) != 0)
        return 2;
    static bool registered;
    if (!registered && atexit(check_output_at_exit) == 0)
        registered = true;

    char q[48];
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        // --name=value is accepted as well as --name value
        char name[64];
        const char *inline_value = NULL;
        const char *eq = strchr(flag, '=');
        if (eq && flag[0] == '-' && eq - flag < (long)sizeof name) {
            memcpy(name, flag, (size_t)(eq - flag));
            name[eq - flag] = '\0';
            inline_value = eq + 1;
            flag = name;
        }
        const cli_option *o = NULL;
        for (int k = 0; k < n_options; k++)
            if (strcmp(options[k].name, flag) == 0)
                o = &options[k];
        bool is_switch = (o && o->type == CLI_FLAG) ||
                         strcmp(flag, "--quick") == 0 ||
                         strcmp(flag, "--help") == 0 ||
                         strcmp(flag, "-h") == 0 ||
                         strcmp(flag, "--version") == 0 ||
                         strcmp(flag, "--list-options") == 0;
        if (is_switch && inline_value)
            return cli_error(c, "%s takes no value (got '%s'; see --help)",
                             flag, quoted(argv[i], q));
        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            print_help(c, options, n_options, summary);
            return 0;
        }
        if (strcmp(flag, "--version") == 0) {
            printf("%s (Neural Networks from Scratch in C) %s\n",
                   c->program, NN_VERSION);
            return 0;
        }
        if (strcmp(flag, "--list-options") == 0) {
            list_options(options, n_options);
            return 0;
        }
        if (strcmp(flag, "--quick") == 0) {
            c->quick = true;
            continue;
        }
        if (o && o->type == CLI_FLAG) {
            *(bool *)o->value = true;
            continue;
        }
        bool known = o || strcmp(flag, "--seed") == 0 ||
                     strcmp(flag, "--plot") == 0 ||
                     strcmp(flag, "--out") == 0;
        if (!known)
            return cli_error(c, "unknown flag '%s' (see --help)",
                             quoted(argv[i], q));
        const char *arg = inline_value;
        if (!arg) {
            if (i + 1 >= argc)
                return cli_error(c, "%s needs a value (see --help)", flag);
            arg = argv[++i];
            if (arg[0] == '-' && arg[1] == '-')
                return cli_error(c, "%s needs a value, but the next "
                                 "argument is the flag '%s' (see --help)",
                                 flag, quoted(arg, q));
        }
        if (strcmp(flag, "--seed") == 0) {
            long long v;
            if (!parse_long(arg, &v) || v < 0 || v > 4294967295LL)
                return bad_value(c, flag, arg,
                                 "a whole number from 0 to 4294967295");
            c->seed = (uint32_t)v;
        } else if (strcmp(flag, "--plot") == 0) {
            if (!is_choice(arg, plot_choices))
                return bad_value(c, flag, arg, "one of window|file|dumb|"
                                 "none");
            c->plot = arg;
        } else if (strcmp(flag, "--out") == 0) {
            // plot_init checks the path (it knows what gnuplot accepts)
            if (arg[0] == '\0')
                return bad_value(c, flag, arg, "a directory path");
            c->out = arg;
        } else {
            int status = set_option(c, o, arg);
            if (status)
                return status;
        }
    }
    return CLI_CONTINUE;
}

/* ---- Guards ------------------------------------------------------------ */

int cli_check_output_path(const cli_common *common, const char *path,
                          const char *flag)
{
    char q[48];
    if (!path || !*path)
        return cli_error(common, "%s: the file name is empty", flag);
    for (const unsigned char *s = (const unsigned char *)path; *s; s++)
        if (*s < 0x20 || *s == 0x7f)
            return cli_error(common, "%s: bad value '%s': the name holds "
                             "a control character", flag,
                             quoted(path, q));
    char dir[4096];
    if (strlen(path) >= sizeof dir)
        return cli_error(common, "%s: bad value '%s': the name is too "
                         "long", flag, quoted(path, q));
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_error(common, "%s: '%s' is a directory; give a file "
                         "name", flag, quoted(path, q));
    const char *slash = strrchr(path, '/');
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    const char *base = slash ? slash + 1 : path;
    if (!*base)
        return cli_error(common, "%s: bad value '%s': the name ends in "
                         "'/'; give a file name", flag, quoted(path, q));
    if (strlen(base) > 255)
        return cli_error(common, "%s: bad value '%s': the file name is "
                         "longer than 255 characters", flag,
                         quoted(path, q));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return cli_error(common, "%s: the directory of '%s' does not "
                         "exist (create it first)", flag, quoted(path, q));
    if (access(dir, W_OK | X_OK) != 0)
        return cli_error(common, "%s: cannot write in the directory of "
                         "'%s': %s", flag, quoted(path, q),
                         strerror(errno));
    return CLI_CONTINUE;
}

size_t nn_size_mul(size_t a, size_t b)
{
    if (a != 0 && b > SIZE_MAX / a)
        return SIZE_MAX;
    return a * b;
}

size_t nn_size_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

// NN_MEMORY_BUDGET, or 4 GiB when it is unset or not a size.
static size_t memory_budget(void)
{
    size_t fallback = (size_t)4 << 30;
    const char *text = getenv("NN_MEMORY_BUDGET");
    if (!text || !*text)
        return fallback;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double unit = 1;
    if (*end == 'K' || *end == 'k') unit = 1024.0, end++;
    else if (*end == 'M' || *end == 'm') unit = 1048576.0, end++;
    else if (*end == 'G' || *end == 'g') unit = 1073741824.0, end++;
    if (errno || end == text || *end != '\0' || !(v > 0))
        return fallback;
    v *= unit;
    return v >= (double)SIZE_MAX ? SIZE_MAX : (size_t)v;
}

int cli_check_memory(const cli_common *common, size_t bytes,
                     const char *flags_to_lower)
{
    size_t budget = memory_budget();
    if (bytes <= budget)
        return CLI_CONTINUE;
    return cli_error(common, "this run needs %.1f GiB, over the %.1f GiB "
                     "memory budget: lower %s (or raise NN_MEMORY_BUDGET)",
                     (double)bytes / 1073741824.0,
                     (double)budget / 1073741824.0, flags_to_lower);
}

int cli_check_loss(const cli_common *common, double loss,
                   double first_loss, const char *where, const char *hint)
{
    bool exploded = isfinite(first_loss) && first_loss > 0
                    && loss > 1e6 * first_loss;
    if (isfinite(loss) && !exploded)
        return CLI_CONTINUE;
    fprintf(stderr, "%s: the loss diverged at %s (loss %.3g): %s\n",
            common->program, where, loss, hint);
    return 1;
}

/* ---- Files written whole or not at all --------------------------------- */

FILE *nn_create_atomic(const char *path, char *tmp_path, size_t n)
{
    if (snprintf(tmp_path, n, "%s.tmpXXXXXX", path) >= (int)n) {
        fprintf(stderr, "%s: cannot write '%s': the name is too long\n",
                program_name, path);
        return NULL;
    }
    int fd = mkstemp(tmp_path);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        fprintf(stderr, "%s: cannot write '%s': %s\n", program_name, path,
                strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp_path);
        }
        return NULL;
    }
    return f;
}

int nn_commit_atomic(FILE *f, const char *tmp_path, const char *path)
{
    errno = 0;
    bool bad = fflush(f) != 0 || ferror(f);
    int err = errno;
    if (fclose(f) != 0 && !bad) {
        bad = true;
        err = errno;
    }
    if (!bad && rename(tmp_path, path) != 0) {
        bad = true;
        err = errno;
    }
    if (bad) {
        unlink(tmp_path);
        fprintf(stderr, "%s: could not write '%s': %s\n", program_name,
                path, err ? strerror(err) : "write error");
        return -1;
    }
    return 0;
}

void nn_abandon_atomic(FILE *f, const char *tmp_path)
{
    if (f)
        fclose(f);
    unlink(tmp_path);
}
