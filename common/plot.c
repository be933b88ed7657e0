/* plot.c - gnuplot over a pipe. The contract is in plot.h.

   A figure is kept as text: the preamble, and for an animation each
   frame's commands. plot_end then plays that text to a fresh gnuplot
   once per output (SVG, then PDF; or the window; or the terminal). In
   dumb mode a figure that gave ASCII panels prints them itself. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"      // cli_program, cli_note_output_failure
#include "matrix.h"   // nn_alloc, nn_realloc

extern char **environ;

/* ---- A growing string ------------------------------------------------ */

typedef struct {
    char *text;
    size_t len, cap;
} text_buf;

static void buf_vprintf(text_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int need = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (need < 0)
        return;
    if (b->len + (size_t)need + 2 > b->cap) {
        size_t cap = (b->cap ? 2 * b->cap : 4096) + (size_t)need + 2;
        b->text = nn_realloc(b->text, cap, 1);
        b->cap = cap;
    }
    vsnprintf(b->text + b->len, b->cap - b->len, fmt, ap);
    b->len += (size_t)need;
}

static void buf_printf(text_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* ---- Figures ---------------------------------------------------------- */

// A terminal panel (plot_ascii_image, plot_ascii_cells): its lines, each
// ending in '\n', and the widest line's length.
typedef struct {
    text_buf text;
    int width, lines;
} ascii_panel;

struct plot {
    plotter *pl;
    char stem[128];
    double width, height;   // inches
    bool animated;
    text_buf preamble;      // commands before the first frame
    text_buf *frames;       // animation frames (file mode keeps them all)
    char (*labels)[64];
    int n_frames, cap_frames;
    bool in_frame;
    plot_process live;      // window mode animation: the open gnuplot
    ascii_panel *panels;    // dumb mode: the terminal forms
    int n_panels;
    text_buf notes;         // dumb mode: plot_ascii_note lines
};

plot_mode plot_default_mode(void)
{
    const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
    if ((x && *x) || (w && *w))
        return PLOT_WINDOW;
    return isatty(STDOUT_FILENO) ? PLOT_DUMB : PLOT_NONE;
}

static const char *mode_names[] = {"none", "dumb", "file", "window"};

bool plot_parse_mode(const char *word, plot_mode *out)
{
    for (int m = 0; m < 4; m++)
        if (strcmp(word, mode_names[m]) == 0) {
            *out = (plot_mode)m;
            return true;
        }
    return false;
}

const char *plot_mode_name(plot_mode mode) { return mode_names[mode]; }

// Is there an executable `name` in a directory of $PATH? Starting it
// would tell us too, but only after the figure's text is written.
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char candidate[1024];
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(candidate, sizeof candidate, "%.*s/%s", (int)n, path,
                 name);
        if (n > 0 && access(candidate, X_OK) == 0)
            return true;
        path += n + (colon ? 1 : 0);
    }
    return false;
}

// mkdir -p
static int make_dirs(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    return 0;
}

static void warn_once(plotter *pl, const char *fmt, ...)
{
    if (pl->warned)
        return;
    pl->warned = true;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: warning: ", cli_program());
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

// A name that can sit inside gnuplot's single quotes and cannot end the
// command: no quote of either kind, no control character, not empty.
static const char *unsafe_name(const char *s)
{
    if (!*s)
        return "is empty";
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c < 0x20 || *c == 0x7f)
            return "holds a control character";
        if (*c == '\'' || *c == '"')
            return "holds a quote";
    }
    return NULL;
}

/* ---- Talking to gnuplot ------------------------------------------------
   Each figure runs its own gnuplot, started without a shell. Writes to it
   go through gp_write, which blocks SIGPIPE while it writes: a gnuplot
   that died makes the write fail with EPIPE (we warn once and go on)
   instead of killing the program, while SIGPIPE keeps its usual meaning
   for stdout - a chapter piped into `head` stops quietly. */

// Seconds we wait for gnuplot to finish a figure after its last command:
// NN_GNUPLOT_TIMEOUT, default 60.
static double gnuplot_timeout(void)
{
    const char *text = getenv("NN_GNUPLOT_TIMEOUT");
    if (text && *text) {
        char *end;
        double t = strtod(text, &end);
        if (*end == '\0' && t > 0 && t < 1e6)
            return t;
    }
    return 60.0;
}

static plot_process gp_start(plotter *pl, const char *stem)
{
    plot_process gp = {.pid = -1, .fd = -1, .broken = false};
    fflush(stdout);   // our text first, then gnuplot's ASCII plot
    int fds[2];
    if (pipe(fds) != 0) {
        warn_once(pl, "cannot start gnuplot for '%s': %s", stem,
                  strerror(errno));
        return gp;
    }
    // Our end must not leak into this or later gnuplots: a window's
    // gnuplot would then never see the end of its input.
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);   // so that gp_write can time out
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    char *argv[] = {"gnuplot", NULL};
    pid_t pid;
    int err = posix_spawnp(&pid, "gnuplot", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[0]);
    if (err != 0) {
        close(fds[1]);
        warn_once(pl, "cannot start gnuplot for '%s': %s", stem,
                  strerror(err));
        return gp;
    }
    gp.pid = (int)pid;
    gp.fd = fds[1];
    return gp;
}

// Write all of data to gnuplot; -1 when gnuplot is gone or has not
// read anything for the timeout (it is then marked broken: later writes
// are skipped and gp_finish reports it).
static int gp_write(plot_process *gp, const char *data, size_t len)
{
    if (gp->fd < 0 || gp->broken)
        return -1;
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    int timeout_ms = (int)(gnuplot_timeout() * 1000);
    while (len > 0) {
        ssize_t n = write(gp->fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            // gnuplot is busy: wait until it reads, within the bound
            struct pollfd out = {.fd = gp->fd, .events = POLLOUT};
            int ready = poll(&out, 1, timeout_ms);
            if (ready > 0 || (ready < 0 && errno == EINTR))
                continue;
        }
        if (n < 0) {
            gp->broken = true;
            break;
        }
        data += n;
        len -= (size_t)n;
    }
    if (gp->broken) {
        // A write to a dead gnuplot raised SIGPIPE, now pending: take it.
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_only, NULL, &zero) == SIGPIPE)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return gp->broken ? -1 : 0;
}

static void gp_printf(plot_process *gp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void gp_printf(plot_process *gp, const char *fmt, ...)
{
    text_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.len)
        gp_write(gp, b.text, b.len);
    free(b.text);
}

// Wait up to `seconds` for the process to exit; its wait status, or -1
// if it is still running.
static int gp_wait(int pid, double seconds)
{
    struct timespec tick = {0, 10 * 1000 * 1000};   // 10 ms
    for (double waited = 0;; waited += 0.01) {
        int status;
        pid_t done = waitpid((pid_t)pid, &status, WNOHANG);
        if (done == (pid_t)pid)
            return status;
        if (done < 0 && errno != EINTR)
            return 0;   // not our child any more: nothing to wait for
        if (waited >= seconds)
            return -1;
        nanosleep(&tick, NULL);
    }
}

// Stop a gnuplot that will not finish, and reap it.
static void gp_kill(plot_process *gp, int sig)
{
    kill((pid_t)gp->pid, sig);
    if (gp_wait(gp->pid, 2.0) == -1) {
        kill((pid_t)gp->pid, SIGKILL);
        gp_wait(gp->pid, 2.0);
    }
    gp->pid = -1;
}

// End of input: let gnuplot finish, within the timeout. 0 or -1.
static int gp_finish(plotter *pl, plot_process *gp, const char *stem)
{
    if (gp->pid < 0)
        return -1;
    if (gp->fd >= 0) {
        close(gp->fd);
        gp->fd = -1;
    }
    double timeout = gnuplot_timeout();
    int status = gp_wait(gp->pid, gp->broken ? 1.0 : timeout);
    if (status == -1) {
        if (gp->broken)
            warn_once(pl, "gnuplot stopped reading the figure '%s'; "
                      "stopped it and going on (the figure may be "
                      "missing)", stem);
        else
            warn_once(pl, "gnuplot did not finish drawing '%s' within "
                      "%g s; stopped it, and no more figures are drawn "
                      "(NN_GNUPLOT_TIMEOUT sets the bound)", stem, timeout);
        gp_kill(gp, SIGTERM);
        if (pl->mode != PLOT_WINDOW)
            pl->mode = PLOT_NONE;   // the next figure would hang as well
        return -1;
    }
    gp->pid = -1;
    if (gp->broken) {
        warn_once(pl, "gnuplot stopped reading the figure '%s'; going on "
                  "(the figure may be missing)", stem);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        warn_once(pl, "gnuplot failed while drawing '%s' (%s %d); the "
                  "figure may be missing", stem,
                  WIFEXITED(status) ? "exit status" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status)
                                    : WTERMSIG(status));
        return -1;
    }
    return 0;
}

/* ---- Set-up ------------------------------------------------------------ */

static const char *window_terminal_names[] = {"", "qt", "wxt", "x11"};

// Which interactive terminal does this gnuplot have? WINDOW_NONE if none
// (or if gnuplot does not answer within the timeout).
static plot_window_terminal find_window_terminal(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        return WINDOW_NONE;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    char *argv[] = {"gnuplot", "-e", "print GPVAL_TERMINALS", NULL};
    pid_t pid;
    int err = posix_spawnp(&pid, "gnuplot", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        return WINDOW_NONE;
    }
    char padded[4100] = " ";
    size_t n = 1;
    int timeout_ms = (int)(gnuplot_timeout() * 1000);
    for (;;) {
        struct pollfd in = {.fd = fds[0], .events = POLLIN};
        if (poll(&in, 1, timeout_ms) <= 0)
            break;
        ssize_t got = read(fds[0], padded + n, sizeof padded - 2 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fds[0]);
    plot_process gp = {.pid = (int)pid, .fd = -1};
    if (gp_wait(gp.pid, 1.0) == -1)
        gp_kill(&gp, SIGTERM);
    padded[n] = ' ';
    padded[n + 1] = '\0';
    for (char *c = padded; *c; c++)
        if (*c == '\n')
            *c = ' ';
    for (int t = WINDOW_QT; t <= WINDOW_X11; t++) {
        char word[16];
        snprintf(word, sizeof word, " %s ", window_terminal_names[t]);
        if (strstr(padded, word))
            return (plot_window_terminal)t;
    }
    return WINDOW_NONE;
}

int plot_init(plotter *pl, const char *mode_word, const char *out_dir)
{
    memset(pl, 0, sizeof *pl);
    plot_mode mode = plot_default_mode();
    if (mode_word && !plot_parse_mode(mode_word, &mode)) {
        fprintf(stderr, "%s: --plot: bad value '%.40s': expected one of "
                "window|file|dumb|none\n", cli_program(), mode_word);
        return -1;
    }
    pl->mode = mode;
    const char *why = unsafe_name(out_dir);
    if (!why && strlen(out_dir) > 200)
        why = "is longer than 200 characters";
    if (why) {
        char shown[48];
        size_t k = 0;
        for (const char *c = out_dir; *c && k < 40; c++)
            shown[k++] = (*c >= 0 && *c < 0x20) || *c == 0x7f ? '?' : *c;
        shown[k] = '\0';
        fprintf(stderr, "%s: --out: bad value '%s%s': the path %s (give a "
                "directory without quotes or control characters)\n",
                cli_program(), shown, strlen(out_dir) > 40 ? "..." : "",
                why);
        return -1;
    }
    snprintf(pl->out_dir, sizeof pl->out_dir, "%s", out_dir);
    struct stat st;
    if (stat(out_dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: --out: '%s' is a file, not a directory "
                "(choose a directory with --out)\n", cli_program(),
                out_dir);
        return -1;
    }
    if (mode == PLOT_NONE)
        return 0;
    if (!on_path("gnuplot")) {
        warn_once(pl, "gnuplot not found on PATH, so %s are drawn "
                  "(install it: make deps, or apt-get install gnuplot); "
                  "the results are still computed and printed",
                  mode == PLOT_DUMB ? "only the text panels" : "no plots");
        pl->no_gnuplot = mode == PLOT_DUMB;
        pl->mode = mode == PLOT_DUMB ? PLOT_DUMB : PLOT_NONE;
        return 0;
    }
    if (mode == PLOT_WINDOW && plot_default_mode() != PLOT_WINDOW) {
        pl->mode = mode = plot_default_mode();
        warn_once(pl, "--plot window needs a display (DISPLAY or "
                  "WAYLAND_DISPLAY) and there is none; using --plot %s "
                  "instead", mode_names[mode]);
        return 0;
    }
    if (mode == PLOT_WINDOW) {
        pl->window_terminal = find_window_terminal();
        if (pl->window_terminal == WINDOW_NONE) {
            pl->mode = isatty(STDOUT_FILENO) ? PLOT_DUMB : PLOT_NONE;
            warn_once(pl, "this gnuplot has no window terminal (qt, wxt "
                      "or x11); using --plot %s instead",
                      mode_names[pl->mode]);
        }
    }
    if (mode == PLOT_FILE && (make_dirs(pl->out_dir) != 0 ||
                              access(pl->out_dir, W_OK | X_OK) != 0)) {
        fprintf(stderr, "%s: --out: cannot write figures in '%s': %s "
                "(choose another directory with --out)\n", cli_program(),
                pl->out_dir, strerror(errno));
        return -1;
    }
    return 0;
}

static plot *new_plot(plotter *pl, const char *stem, double width,
                      double height, bool animated)
{
    if (!pl || pl->mode == PLOT_NONE)
        return NULL;
    const char *why = unsafe_name(stem);
    if (!why && strchr(stem, '/'))
        why = "holds a '/'";
    if (!why && strlen(stem) >= sizeof ((plot *)0)->stem)
        why = "is too long";
    if (why) {
        warn_once(pl, "figure name '%.40s' %s; figure skipped", stem, why);
        pl->failed = true;
        return NULL;
    }
    plot *p = nn_alloc(1, sizeof *p);
    p->pl = pl;
    snprintf(p->stem, sizeof p->stem, "%s", stem);
    p->width = width > 0 ? width : 6.0;
    p->height = height > 0 ? height : 4.0;
    p->animated = animated;
    p->live = (plot_process){.pid = -1, .fd = -1};
    return p;
}

plot *plot_begin(plotter *pl, const char *stem, double width, double height)
{
    return new_plot(pl, stem, width, height, false);
}

plot *plot_anim_begin(plotter *pl, const char *stem, double width,
                      double height)
{
    return new_plot(pl, stem, width, height, true);
}

plot *plot_live_begin(plotter *pl, const char *stem, double width,
                      double height)
{
    if (!pl || pl->mode != PLOT_WINDOW)
        return NULL;
    return plot_anim_begin(pl, stem, width, height);
}

/* ---- Commands and data ------------------------------------------------- */

// Where commands go right now: the current frame or the preamble.
static text_buf *current(plot *p)
{
    return p->in_frame ? &p->frames[p->n_frames] : &p->preamble;
}

void plot_cmd(plot *p, const char *fmt, ...)
{
    if (!p)
        return;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(current(p), fmt, ap);
    va_end(ap);
    buf_printf(current(p), "\n");
}

void plot_columns(plot *p, const char *name, const double *const *cols,
                  int ncols, int n)
{
    if (!p)
        return;
    text_buf *b = current(p);
    buf_printf(b, "%s << EOD\n", name);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < ncols; k++)
            buf_printf(b, k ? " %.9g" : "%.9g", cols[k][i]);
        buf_printf(b, "\n");
    }
    buf_printf(b, "EOD\n");
}

void plot_xy(plot *p, const char *name, const double *x, const double *y,
             int n)
{
    const double *cols[2] = {x, y};
    plot_columns(p, name, cols, 2, n);
}

void plot_grid(plot *p, const char *name, const double *values, int nx,
               int ny, double x0, double x1, double y0, double y1)
{
    if (!p)
        return;
    text_buf *b = current(p);
    buf_printf(b, "%s << EOD\n", name);
    for (int iy = 0; iy < ny; iy++) {
        double y = ny > 1 ? y0 + iy * (y1 - y0) / (ny - 1) : y0;
        for (int ix = 0; ix < nx; ix++) {
            double x = nx > 1 ? x0 + ix * (x1 - x0) / (nx - 1) : x0;
            buf_printf(b, "%.6g %.6g %.9g\n", x, y,
                       values[(size_t)iy * nx + ix]);
        }
        buf_printf(b, "\n");
    }
    buf_printf(b, "EOD\n");
}

void plot_frame_begin(plot *p)
{
    if (!p)
        return;
    if (p->n_frames == p->cap_frames) {
        int cap = p->cap_frames ? 2 * p->cap_frames : 64;
        p->frames = nn_realloc(p->frames, (size_t)cap, sizeof *p->frames);
        p->labels = nn_realloc(p->labels, (size_t)cap, sizeof *p->labels);
        p->cap_frames = cap;
    }
    memset(&p->frames[p->n_frames], 0, sizeof p->frames[0]);
    p->in_frame = true;
}

// A title for gnuplot's single quotes: a quote is doubled (gnuplot's
// escape inside '...'), a control character becomes a space.
static void quote_title(char *out, size_t size, const char *title)
{
    size_t k = 0;
    for (const unsigned char *c = (const unsigned char *)title;
         *c && k + 3 < size; c++) {
        if (*c == '\'')
            out[k++] = '\'', out[k++] = '\'';
        else
            out[k++] = (*c < 0x20 || *c == 0x7f) ? ' ' : (char)*c;
    }
    out[k] = '\0';
}

/* ---- Terminals -------------------------------------------------------- */

typedef enum { TERM_SVG, TERM_PDF, TERM_GIF, TERM_WINDOW, TERM_DUMB }
    terminal_kind;

// GIF timing, in hundredths of a second per frame, and how long the last
// frame stays before the loop starts again.
enum { GIF_DELAY = 12, GIF_HOLD = 200 };

static const char *terminal_names[] = {"svg", "pdf", "gif", "window",
                                       "dumb"};

// Tell gnuplot where and how to draw: a figure of w x h inches. The
// gnuplot variable NN_TERMINAL names the output, so that a figure can
// adapt (the GIF terminal draws every dash type solid).
static void set_terminal(plot *p, plot_process *g, terminal_kind kind,
                         double w, double h)
{
    const char *dir = p->pl->out_dir;
    gp_printf(g, "NN_TERMINAL = '%s'\n", terminal_names[kind]);
    switch (kind) {
    case TERM_SVG:
        gp_printf(g, "set terminal svg size %d,%d dynamic enhanced "
                  "font 'Helvetica,12' background rgb 'white'\n"
                  "set output '%s/%s.svg'\n", (int)(w * 110),
                  (int)(h * 110), dir, p->stem);
        break;
    case TERM_PDF:
        gp_printf(g, "set terminal pdfcairo size %gin,%gin enhanced "
                  "font 'Helvetica,9'\nset output '%s/%s.pdf'\n", w, h,
                  dir, p->stem);
        break;
    case TERM_GIF:
        // Lines of width 2 survive the GIF's lack of anti-aliasing.
        gp_printf(g, "set terminal gif animate delay %d loop 0 optimize "
                  "size %d,%d font ',10' linewidth 2\n"
                  "set output '%s/%s.gif'\n", GIF_DELAY, (int)(w * 100),
                  (int)(h * 100), dir, p->stem);
        break;
    case TERM_WINDOW:
        gp_printf(g, "set terminal %s size %d,%d title '%s' enhanced\n",
                  window_terminal_names[p->pl->window_terminal],
                  (int)(w * 110), (int)(h * 110), p->stem);
        break;
    case TERM_DUMB:
        gp_printf(g, "set terminal dumb size 79,24\n");
        break;
    }
}

// Did gnuplot write <out>/<stem>.<ext>, and is it not empty?
static int check_written(plot *p, const char *ext)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.%s", p->pl->out_dir, p->stem, ext);
    struct stat st;
    if (stat(path, &st) != 0 || st.st_size == 0) {
        if (!p->pl->failed)   // one line is enough; the exit status says it
            fprintf(stderr, "%s: the figure '%s' could not be written (is "
                    "the disk full, or --out not writable?)\n",
                    cli_program(), path);
        p->pl->failed = true;
        cli_note_output_failure();
        return -1;
    }
    return 0;
}

// Play the whole figure to gnuplot with the given terminal.
static int render_still(plot *p, terminal_kind kind)
{
    plot_process g = gp_start(p->pl, p->stem);
    if (g.pid < 0)
        return -1;
    set_terminal(p, &g, kind, p->width, p->height);
    if (p->preamble.len)
        gp_write(&g, p->preamble.text, p->preamble.len);
    gp_printf(&g, "\nunset output\n");
    return gp_finish(p->pl, &g, p->stem);
}

static void send_frame(plot *p, plot_process *g, int f)
{
    char title[160];
    quote_title(title, sizeof title, p->labels[f]);
    gp_printf(g, "set title '%s'\n", title);
    gp_write(g, p->frames[f].text, p->frames[f].len);
}

// The delay of a GIF's last frame (hundredths of a second) becomes
// `hold`: gnuplot gives every frame the same delay and drops a repeated
// frame, so the hold is set in the file afterwards. The walk follows the
// GIF89a layout: header, screen descriptor, colour table, then blocks
// (0x21 extension, 0x2C image, 0x3B end), each ending in sub-blocks.
static int gif_hold_last_frame(const char *path, int hold)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return -1;
    unsigned char *gif = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap)
            gif = nn_realloc(gif, cap = cap ? 2 * cap : 65536, 1);
        size_t got = fread(gif + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    long delay_at = -1;
    size_t i = 13;
    if (n > 13 && (gif[10] & 0x80))
        i += 3u << ((gif[10] & 7) + 1);
    while (i < n && gif[i] != 0x3B) {
        if (gif[i] == 0x21 && i + 5 < n) {
            if (gif[i + 1] == 0xF9)
                delay_at = (long)(i + 4);
            i += 2;
        } else if (gif[i] == 0x2C && i + 10 < n) {
            unsigned flags = gif[i + 9];
            i += 10 + ((flags & 0x80) ? 3u << ((flags & 7) + 1) : 0) + 1;
        } else {
            break;   // not a GIF we understand: leave it as it is
        }
        while (i < n && gif[i] != 0)
            i += gif[i] + 1u;
        i++;
    }
    free(gif);
    int status = -1;
    if (delay_at >= 0 && fseek(f, delay_at, SEEK_SET) == 0) {
        unsigned char delay[2] = {hold & 0xff, (hold >> 8) & 0xff};
        status = fwrite(delay, 1, 2, f) == 2 ? 0 : -1;
    }
    return fclose(f) == 0 ? status : -1;
}

// Frames for the GIF: at most 150, evenly spaced, always the last one,
// which is then held for GIF_HOLD.
static int render_gif(plot *p)
{
    plot_process g = gp_start(p->pl, p->stem);
    if (g.pid < 0)
        return -1;
    set_terminal(p, &g, TERM_GIF, p->width, p->height);
    gp_write(&g, p->preamble.text, p->preamble.len);
    int step = p->n_frames > 150 ? (p->n_frames + 149) / 150 : 1;
    for (int f = 0; f < p->n_frames; f++)
        if (f % step == 0 || f == p->n_frames - 1)
            send_frame(p, &g, f);
    gp_printf(&g, "\nunset output\n");
    if (gp_finish(p->pl, &g, p->stem) != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/%s.gif", p->pl->out_dir, p->stem);
    gif_hold_last_frame(path, GIF_HOLD);
    return 0;
}

// The printed book's still: six frames, first to last, in a 2 x 3 grid.
static int render_small_multiples(plot *p)
{
    plot_process g = gp_start(p->pl, p->stem);
    if (g.pid < 0)
        return -1;
    double w = 7.0, h = 7.0 * p->height / p->width * 2.0 / 3.0 + 0.3;
    set_terminal(p, &g, TERM_PDF, w, h);
    int panels = p->n_frames < 6 ? p->n_frames : 6;
    gp_printf(&g, "set multiplot layout %d,%d\n", panels > 3 ? 2 : 1,
              panels > 3 ? 3 : panels);
    gp_write(&g, p->preamble.text, p->preamble.len);
    for (int k = 0; k < panels; k++)
        send_frame(p, &g, panels > 1 ? k * (p->n_frames - 1) / (panels - 1)
                                     : 0);
    gp_printf(&g, "unset multiplot\nunset output\n");
    return gp_finish(p->pl, &g, p->stem);
}

// Window mode: the figure is complete. Its gnuplot now waits until the
// reader closes the window (`pause mouse close`; the window stays
// interactive meanwhile), then exits: the process lives exactly as long
// as its window, which is what plot_close waits for. Telling it now, not
// at plot_close, matters: a window closed before the pause began would
// never be seen closing.
// Every window gnuplot still running, for the exit handler below.
static int window_pids[256];
static int n_window_pids;

// A program that exits without plot_close (an error path) must not leave
// its windows behind: stop their gnuplots.
static void stop_windows_at_exit(void)
{
    for (int k = 0; k < n_window_pids; k++)
        if (window_pids[k] > 0)
            kill((pid_t)window_pids[k], SIGTERM);
}

static void keep_window(plotter *pl, plot_process g)
{
    if (g.pid < 0)
        return;
    static bool registered;
    if (!registered)
        registered = atexit(stop_windows_at_exit) == 0;
    if (n_window_pids < (int)(sizeof window_pids / sizeof *window_pids))
        window_pids[n_window_pids++] = g.pid;
    gp_printf(&g, "pause mouse close\nexit\n");
    if (g.fd >= 0) {
        close(g.fd);
        g.fd = -1;
    }
    if (pl->n_windows == pl->cap_windows) {
        pl->cap_windows = pl->cap_windows ? 2 * pl->cap_windows : 8;
        pl->windows = nn_realloc(pl->windows, (size_t)pl->cap_windows,
                                 sizeof *pl->windows);
    }
    pl->windows[pl->n_windows++] = g;
}

void plot_frame_end(plot *p, const char *label)
{
    if (!p || !p->in_frame)
        return;
    p->in_frame = false;
    snprintf(p->labels[p->n_frames], sizeof p->labels[0], "%s", label);
    text_buf *frame = &p->frames[p->n_frames];
    if (p->pl->mode == PLOT_WINDOW) {
        // Live: draw this frame now in the open window, like plt.pause.
        if (p->live.pid < 0) {
            p->live = gp_start(p->pl, p->stem);
            if (p->live.pid >= 0) {
                set_terminal(p, &p->live, TERM_WINDOW, p->width,
                             p->height);
                gp_write(&p->live, p->preamble.text, p->preamble.len);
            }
        }
        send_frame(p, &p->live, p->n_frames);
        gp_printf(&p->live, "pause 0.03\n");
        // Only the newest frame is needed for the window.
        free(frame->text);
        memset(frame, 0, sizeof *frame);
        if (p->n_frames > 0)
            return;   // keep exactly one slot in use
    }
    p->n_frames++;
}

/* ---- Terminal panels (dumb mode) --------------------------------------- */

enum { SCREEN = 80 };                        // every line fits in this
static const char shades[] = " .:-=+*#%@";   // lo ... hi

static void panel_line(ascii_panel *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void panel_line(ascii_panel *a, const char *fmt, ...)
{
    size_t start = a->text.len;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&a->text, fmt, ap);
    va_end(ap);
    int width = (int)(a->text.len - start);
    if (width > a->width)
        a->width = width;
    buf_printf(&a->text, "\n");
    a->lines++;
}

// Append `text` wrapped at spaces into lines of at most `width` columns,
// control characters shown as spaces.
static void wrap_lines(ascii_panel *a, const char *text, int width)
{
    char clean[1024];
    size_t k = 0;
    for (const unsigned char *c = (const unsigned char *)text;
         *c && k + 1 < sizeof clean; c++)
        clean[k++] = (*c < 0x20 || *c == 0x7f) ? ' ' : (char)*c;
    clean[k] = '\0';
    const char *line = clean;
    while (*line) {
        int n = (int)strlen(line);
        if (n <= width) {
            panel_line(a, "%s", line);
            break;
        }
        int cut = width;
        while (cut > 0 && line[cut] != ' ')
            cut--;
        if (cut == 0)
            cut = width;
        panel_line(a, "%.*s", cut, line);
        line += cut;
        while (*line == ' ')
            line++;
    }
}

static ascii_panel *new_panel(plot *p, const char *title)
{
    p->panels = nn_realloc(p->panels, (size_t)p->n_panels + 1,
                           sizeof *p->panels);
    ascii_panel *a = &p->panels[p->n_panels++];
    memset(a, 0, sizeof *a);
    wrap_lines(a, title ? title : "", SCREEN - 2);
    return a;
}

// The block of cells one character stands for: `f` columns by 2f rows,
// so that the picture keeps its aspect (a character is about twice as
// tall as it is wide) and fits in SCREEN - 4 columns and 40 lines.
static int block_side(int rows, int cols)
{
    int f = (cols + SCREEN - 5) / (SCREEN - 4);
    int g = (rows + 79) / 80;
    return f > g ? f : g;
}

static void panel_border(ascii_panel *a, int width)
{
    char line[SCREEN + 1];
    line[0] = '+';
    memset(line + 1, '-', (size_t)width);
    line[width + 1] = '+';
    line[width + 2] = '\0';
    panel_line(a, "%s", line);
}

void plot_ascii_image(plot *p, const char *title, const double *values,
                      int rows, int cols, double lo, double hi)
{
    if (!p || p->pl->mode != PLOT_DUMB || rows <= 0 || cols <= 0)
        return;
    ascii_panel *a = new_panel(p, title);
    int f = block_side(rows, cols);
    int out_cols = (cols + f - 1) / f;
    int out_rows = (rows + 2 * f - 1) / (2 * f);
    double span = hi != lo ? hi - lo : 1.0;   // hi < lo: reversed
    char line[SCREEN + 1];
    panel_border(a, out_cols);
    for (int r = 0; r < out_rows; r++) {
        line[0] = '|';
        for (int c = 0; c < out_cols; c++) {
            double sum = 0;
            int n = 0;
            for (int i = 2 * f * r; i < 2 * f * (r + 1) && i < rows; i++)
                for (int j = f * c; j < f * (c + 1) && j < cols; j++) {
                    double v = values[(size_t)i * cols + j];
                    if (v == v && v - v == 0) {   // finite
                        sum += v;
                        n++;
                    }
                }
            char glyph = '?';
            if (n > 0) {
                double level = (sum / n - lo) / span * 10.0;
                int k = level < 0 ? 0 : level > 9 ? 9 : (int)level;
                glyph = shades[k];
            }
            line[1 + c] = glyph;
        }
        line[1 + out_cols] = '|';
        line[2 + out_cols] = '\0';
        panel_line(a, "%s", line);
    }
    panel_border(a, out_cols);
    panel_line(a, "%.3g [%s] %.3g", lo, shades, hi);
    if (f > 1)
        panel_line(a, "1 char = %dx%d values", f, 2 * f);
}

void plot_ascii_cells(plot *p, const char *title, const int *cells,
                      int rows, int cols, const char *glyphs,
                      const char *key)
{
    if (!p || p->pl->mode != PLOT_DUMB || rows <= 0 || cols <= 0)
        return;
    ascii_panel *a = new_panel(p, title);
    int f = block_side(rows, cols);
    int out_cols = (cols + f - 1) / f;
    int out_rows = (rows + 2 * f - 1) / (2 * f);
    int n_glyphs = (int)strlen(glyphs);
    char line[SCREEN + 1];
    panel_border(a, out_cols);
    for (int r = 0; r < out_rows; r++) {
        line[0] = '|';
        for (int c = 0; c < out_cols; c++) {
            // The highest glyph index in the block wins, so points
            // (listed after the regions in `glyphs`) stay visible.
            int best = -1;
            bool bad = false;
            for (int i = 2 * f * r; i < 2 * f * (r + 1) && i < rows; i++)
                for (int j = f * c; j < f * (c + 1) && j < cols; j++) {
                    int k = cells[(size_t)i * cols + j];
                    if (k >= n_glyphs || k < -1)
                        bad = true;
                    else if (k > best)
                        best = k;
                }
            line[1 + c] = bad ? '?' : best < 0 ? ' ' : glyphs[best];
        }
        line[1 + out_cols] = '|';
        line[2 + out_cols] = '\0';
        panel_line(a, "%s", line);
    }
    panel_border(a, out_cols);
    if (key && *key)
        wrap_lines(a, key, SCREEN - 2);
}

void plot_ascii_note(plot *p, const char *fmt, ...)
{
    if (!p || p->pl->mode != PLOT_DUMB)
        return;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&p->notes, fmt, ap);
    va_end(ap);
    buf_printf(&p->notes, "\n");
}

// Print the panels, side by side while they fit in SCREEN columns, then
// the notes.
static int print_panels(plot *p)
{
    enum { GAP = 3 };
    fflush(stdout);
    printf("\n");
    for (int first = 0; first < p->n_panels;) {
        int last = first, used = p->panels[first].width, tallest = 0;
        while (last + 1 < p->n_panels &&
               used + GAP + p->panels[last + 1].width <= SCREEN)
            used += GAP + p->panels[++last].width;
        const char *at[SCREEN];   // each panel's next line
        for (int k = first; k <= last; k++) {
            at[k - first] = p->panels[k].text.text;
            if (p->panels[k].lines > tallest)
                tallest = p->panels[k].lines;
        }
        for (int row = 0; row < tallest; row++) {
            char line[4 * SCREEN];
            int len = 0;
            for (int k = first; k <= last; k++) {
                const ascii_panel *a = &p->panels[k];
                const char **s = &at[k - first];
                int n = 0;
                if (row < a->lines) {
                    n = (int)(strchr(*s, '\n') - *s);
                    memcpy(line + len, *s, (size_t)n);
                    *s += n + 1;
                }
                len += n;
                int pad = k < last ? a->width - n + GAP : 0;
                memset(line + len, ' ', (size_t)pad);
                len += pad;
            }
            while (len > 0 && line[len - 1] == ' ')
                len--;
            printf("%.*s\n", len, line);
        }
        printf("\n");
        first = last + 1;
    }
    if (p->notes.len) {
        ascii_panel notes = {0};
        const char *s = p->notes.text;
        while (*s) {
            const char *nl = strchr(s, '\n');
            char one[1024];
            snprintf(one, sizeof one, "%.*s", (int)(nl - s), s);
            wrap_lines(&notes, one, SCREEN);
            s = nl + 1;
        }
        fwrite(notes.text.text, 1, notes.text.len, stdout);
        free(notes.text.text);
        printf("\n");
    }
    fflush(stdout);
    return 0;
}

/* ---- The end of a figure ----------------------------------------------- */

int plot_end(plot *p)
{
    if (!p)
        return 0;
    int status = 0;
    switch (p->pl->mode) {
    case PLOT_FILE:
        if (p->animated && p->n_frames > 0) {
            status |= render_gif(p);
            status |= render_small_multiples(p);
            if (status == 0)
                status = check_written(p, "gif") | check_written(p, "pdf");
        } else {
            status |= render_still(p, TERM_SVG);
            status |= render_still(p, TERM_PDF);
            if (status == 0)
                status = check_written(p, "svg") | check_written(p, "pdf");
        }
        break;
    case PLOT_DUMB:
        if (p->n_panels > 0 || p->notes.len > 0) {
            status = print_panels(p);
            break;
        }
        if (p->pl->no_gnuplot)
            break;   // said once by plot_init
        if (p->animated && p->n_frames > 0) {
            // the last frame is the one worth a look in a terminal
            text_buf *last = &p->frames[p->n_frames - 1];
            char title[160];
            quote_title(title, sizeof title, p->labels[p->n_frames - 1]);
            buf_printf(&p->preamble, "set title '%s'\n", title);
            buf_printf(&p->preamble, "%.*s", (int)last->len,
                       last->text ? last->text : "");
        }
        status = render_still(p, TERM_DUMB);
        break;
    case PLOT_WINDOW:
        if (p->live.pid >= 0) {
            keep_window(p->pl, p->live);
        } else if (!p->animated || p->n_frames == 0) {
            plot_process g = gp_start(p->pl, p->stem);
            if (g.pid >= 0) {
                set_terminal(p, &g, TERM_WINDOW, p->width, p->height);
                gp_write(&g, p->preamble.text, p->preamble.len);
                keep_window(p->pl, g);
            } else {
                status = -1;
            }
        }
        break;
    case PLOT_NONE:
        break;
    }
    for (int f = 0; f < p->n_frames; f++)
        free(p->frames[f].text);
    for (int k = 0; k < p->n_panels; k++)
        free(p->panels[k].text.text);
    free(p->panels);
    free(p->notes.text);
    free(p->frames);
    free(p->labels);
    free(p->preamble.text);
    free(p);
    return status;
}

/* ---- Diagrams ---------------------------------------------------------- */

FILE *plot_diagram_begin(plotter *pl, const char *stem)
{
    if (!pl || pl->mode != PLOT_FILE)
        return NULL;
    const char *why = unsafe_name(stem);
    if (!why && strchr(stem, '/'))
        why = "holds a '/'";
    if (why) {
        fprintf(stderr, "%s: diagram name '%.40s' %s\n", cli_program(),
                stem, why);
        pl->failed = true;
        cli_note_output_failure();
        return NULL;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s.dot", pl->out_dir, stem);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "%s: cannot write '%s': %s\n", cli_program(), path,
                strerror(errno));
        pl->failed = true;
        cli_note_output_failure();
    }
    return f;
}

int plot_diagram_end(plotter *pl, FILE *dot)
{
    if (!dot)
        return 0;
    int bad = ferror(dot);
    if (fclose(dot) != 0 || bad) {
        fprintf(stderr, "%s: a diagram could not be written to '%s' (is "
                "the disk full?)\n", cli_program(), pl ? pl->out_dir : "?");
        if (pl)
            pl->failed = true;
        cli_note_output_failure();
        return -1;
    }
    return 0;
}

void plot_diagram_style(FILE *dot)
{
    fputs("  graph [fontname=\"DejaVu Sans\", fontsize=11];\n"
          "  node [fontname=\"DejaVu Sans\", fontsize=11, style=filled,"
          " fillcolor=\"#e8eef7\", color=\"#4a6fa5\"];\n"
          "  edge [color=\"#666666\", arrowsize=0.6,"
          " fontname=\"DejaVu Sans\", fontsize=9];\n", dot);
}

/* ---- The end of a run -----------------------------------------------------
   Each window's gnuplot ends by itself when its window is closed (see
   keep_window). We wait for all of them, or for a line on stdin where
   that is the reader's (see below); then we stop whatever is left. */

// May a line on stdin end the wait? When stdin is the terminal we run in
// (in its foreground: a background read would stop us), the reader's
// Enter; when it is a pipe or a file (`echo | chapter`, a script), a line
// or its end. Not /dev/null or another device: a program started from a
// desktop would otherwise close its windows at once.
static bool stdin_may_end_wait(void)
{
    if (isatty(STDIN_FILENO))
        return tcgetpgrp(STDIN_FILENO) == getpgrp();
    struct stat st;
    return fstat(STDIN_FILENO, &st) == 0 &&
           (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode));
}

int plot_close(plotter *pl)
{
    if (!pl)
        return 0;
    int status = pl->failed ? -1 : 0;
    if (pl->n_windows == 0) {
        free(pl->windows);
        pl->windows = NULL;
        return status;
    }
    bool watch_stdin = stdin_may_end_wait();
    fflush(stdout);
    fprintf(stderr, "close the figure window%s%s to finish\n",
            pl->n_windows > 1 ? "s" : "",
            watch_stdin && isatty(STDIN_FILENO) ? " (or press Enter here)"
                                                : "");
    int open = pl->n_windows;
    while (open > 0) {
        struct pollfd in = {.fd = STDIN_FILENO, .events = POLLIN};
        int ready = poll(&in, watch_stdin ? 1 : 0, 100);
        if (ready > 0) {
            char line[256];
            ssize_t n = read(STDIN_FILENO, line, sizeof line);
            if (n <= 0 || memchr(line, '\n', (size_t)n))
                break;
        }
        open = 0;
        for (int k = 0; k < pl->n_windows; k++) {
            plot_process *g = &pl->windows[k];
            if (g->pid >= 0 && gp_wait(g->pid, 0) != -1)
                g->pid = -1;
            open += g->pid >= 0;
        }
    }
    for (int k = 0; k < pl->n_windows; k++)
        if (pl->windows[k].pid >= 0)
            gp_kill(&pl->windows[k], SIGTERM);
    n_window_pids = 0;   // all of them are reaped now
    free(pl->windows);
    pl->windows = NULL;
    pl->n_windows = pl->cap_windows = 0;
    return status;
}
