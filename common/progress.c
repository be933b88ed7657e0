/* progress.c - the clock and the progress line. Contract in progress.h. */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

double nn_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_start(progress *p, const char *label, long total)
{
    p->label = label;
    p->total = total > 0 ? total : 1;
    p->start = nn_seconds();
    p->last_draw = 0.0;
    p->enabled = isatty(STDERR_FILENO);
    p->drawn = false;
}

// 75 s -> "1m15s", 4.2 s -> "4.2s": short enough for one line.
static void format_duration(char *out, size_t size, double seconds)
{
    if (seconds < 60)
        snprintf(out, size, "%.1fs", seconds);
    else if (seconds < 3600)
        snprintf(out, size, "%dm%02ds", (int)(seconds / 60),
                 (int)seconds % 60);
    else
        snprintf(out, size, "%dh%02dm", (int)(seconds / 3600),
                 (int)(seconds / 60) % 60);
}

// Columns of the terminal on stderr (80 when it does not say).
static int terminal_columns(void)
{
    struct winsize size;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}

void progress_update(progress *p, long done, const char *fmt, ...)
{
    if (!p->enabled)
        return;
    double now = nn_seconds();
    if (p->drawn && now - p->last_draw < 0.1 && done < p->total)
        return;
    p->last_draw = now;
    double elapsed = now - p->start;
    double left = done > 0 ? elapsed * (double)(p->total - done) / done
                           : 0.0;
    char spent[16], eta[16], line[512];
    format_duration(spent, sizeof spent, elapsed);
    format_duration(eta, sizeof eta, left);
    int n = snprintf(line, sizeof line, "%s %3d%% %ld/%ld  %s  ETA %s  ",
                     p->label, (int)(100 * done / p->total), done,
                     p->total, spent, done > 0 ? eta : "?");
    if (fmt && n >= 0 && (size_t)n < sizeof line) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
    }
    // One screen line, never more: a line that wrapped could not be
    // erased by the next redraw or by progress_clear.
    int width = terminal_columns() - 1;
    if (width > 0 && (int)strlen(line) > width)
        line[width] = '\0';
    fprintf(stderr, "\r%s\033[K", line);   // \033[K: clear what is left
    fflush(stderr);
    p->drawn = true;
}

void progress_clear(progress *p)
{
    if (p->enabled && p->drawn) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
        p->drawn = false;
    }
}

void progress_end(progress *p) { progress_clear(p); }
