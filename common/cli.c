/* cli.c - shared flags and the progress line. Contract in cli.h. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char default_out[256];

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

// Strict number parsing: the whole string must be the number.
static bool parse_long(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0')
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v))
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

static void format_range(char *buf, size_t size, const cli_option *o)
{
    if (o->type == CLI_INT)
        snprintf(buf, size, "a whole number from %.0f to %.0f", o->min,
                 o->max);
    else
        snprintf(buf, size, "a finite number %s %g and <= %g",
                 o->open_min ? ">" : ">=", o->min, o->max);
}

static void format_value(char *buf, size_t size, const cli_option *o)
{
    switch (o->type) {
    case CLI_INT:
        snprintf(buf, size, "%d", *(int *)o->value);
        break;
    case CLI_DOUBLE:
        snprintf(buf, size, "%g", *(double *)o->value);
        break;
    case CLI_STRING:
    case CLI_CHOICE: {
        const char *s = *(const char **)o->value;
        snprintf(buf, size, "%s", s ? s : "(none)");
        break;
    }
    case CLI_FLAG:
        snprintf(buf, size, "%s", *(bool *)o->value ? "on" : "off");
        break;
    }
}

static void print_help(const cli_common *c, const cli_option *options,
                       int n, const char *summary)
{
    printf("%s - %s\n\nusage: %s [flags]\n\n", c->program, summary,
           c->program);
    printf("  %-22s %s\n", "--help", "print this list and exit");
    printf("  %-22s %s (default %u)\n", "--seed N",
           "seed of the random generator", c->seed);
    printf("  %-22s %s\n", "--quick", "a small, fast run (for tests)");
    printf("  %-22s %s (default %s)\n", "--plot MODE",
           "window, file (SVG+PDF), dumb (ASCII) or none",
           plot_mode_name(c->plot));
    printf("  %-22s %s (default %s)\n", "--out DIR",
           "where --plot file writes figures", c->out);
    for (int i = 0; i < n; i++) {
        const cli_option *o = &options[i];
        char flag[64], value[128], range[96] = "";
        const char *meta = o->type == CLI_INT      ? " N"
                           : o->type == CLI_DOUBLE ? " X"
                           : o->type == CLI_FLAG   ? ""
                                                   : " S";
        snprintf(flag, sizeof flag, "%s%s", o->name, meta);
        format_value(value, sizeof value, o);
        if (o->type == CLI_INT)
            snprintf(range, sizeof range, ", %.0f..%.0f", o->min, o->max);
        else if (o->type == CLI_DOUBLE)
            snprintf(range, sizeof range, ", %s%g..%g",
                     o->open_min ? ">" : "", o->min, o->max);
        else if (o->type == CLI_CHOICE)
            snprintf(range, sizeof range, ", one of %s", o->choices);
        printf("  %-22s %s (default %s%s)\n", flag, o->help, value, range);
    }
}

static int bad_value(const cli_common *c, const char *flag,
                     const char *value, const char *expected)
{
    return cli_error(c, "%s: bad value '%s': expected %s (see --help)",
                     flag, value, expected);
}

// Parse one chapter option's value into its target; 0 or exit status 2.
static int set_option(const cli_common *c, const cli_option *o,
                      const char *arg)
{
    char expected[160];
    if (o->type == CLI_INT) {
        long long v;
        if (!parse_long(arg, &v) || v < o->min || v > o->max) {
            format_range(expected, sizeof expected, o);
            return bad_value(c, o->name, arg, expected);
        }
        *(int *)o->value = (int)v;
    } else if (o->type == CLI_DOUBLE) {
        double v;
        bool below = false;
        if (parse_double(arg, &v))
            below = o->open_min ? v <= o->min : v < o->min;
        if (!parse_double(arg, &v) || below || v > o->max) {
            format_range(expected, sizeof expected, o);
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
            return bad_value(c, o->name, arg, "a non-empty string");
        *(const char **)o->value = arg;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int cli_parse(cli_common *c, const cli_option *options, int n_options,
              int argc, char **argv, const char *summary)
{
    c->program = argc > 0 ? base_name(argv[0]) : "chapter";
    c->seed = 0;
    c->quick = false;
    c->plot = plot_default_mode();
    snprintf(default_out, sizeof default_out, "build/figures/%s",
             c->program);
    c->out = default_out;

    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        // --name=value is accepted as well as --name value
        char name[64];
        const char *inline_value = NULL;
        const char *eq = strchr(flag, '=');
        if (eq && eq - flag < (long)sizeof name) {
            memcpy(name, flag, (size_t)(eq - flag));
            name[eq - flag] = '\0';
            inline_value = eq + 1;
            flag = name;
        }
        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            print_help(c, options, n_options, summary);
            return 0;
        }
        if (strcmp(flag, "--quick") == 0) {
            c->quick = true;
            continue;
        }
        const cli_option *o = NULL;
        for (int k = 0; k < n_options; k++)
            if (strcmp(options[k].name, flag) == 0)
                o = &options[k];
        if (o && o->type == CLI_FLAG) {
            *(bool *)o->value = true;
            continue;
        }
        bool known = o || strcmp(flag, "--seed") == 0 ||
                     strcmp(flag, "--plot") == 0 ||
                     strcmp(flag, "--out") == 0;
        if (!known)
            return cli_error(c, "unknown flag '%s' (see --help)", argv[i]);
        const char *arg = inline_value;
        if (!arg) {
            if (i + 1 >= argc)
                return cli_error(c, "%s needs a value (see --help)", flag);
            arg = argv[++i];
        }
        if (strcmp(flag, "--seed") == 0) {
            long long v;
            if (!parse_long(arg, &v) || v < 0 || v > 4294967295LL)
                return bad_value(c, flag, arg,
                                 "a whole number from 0 to 4294967295");
            c->seed = (uint32_t)v;
        } else if (strcmp(flag, "--plot") == 0) {
            if (!plot_parse_mode(arg, &c->plot))
                return bad_value(c, flag, arg,
                                 "one of window|file|dumb|none");
        } else if (strcmp(flag, "--out") == 0) {
            // gnuplot gets the path inside single quotes
            if (arg[0] == '\0' || strchr(arg, '\'') || strlen(arg) > 200)
                return bad_value(c, flag, arg,
                                 "a directory path without quotes, "
                                 "under 200 characters");
            c->out = arg;
        } else {
            int status = set_option(c, o, arg);
            if (status)
                return status;
        }
    }
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
    return cli_error(common, "this run needs %.1f GB, over the %.1f GB "
                     "memory budget: lower %s (or raise NN_MEMORY_BUDGET)",
                     (double)bytes / 1e9, (double)budget / 1e9,
                     flags_to_lower);
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
