/* plot.c - gnuplot over a pipe. The contract is in plot.h.

   A figure is kept as text: the preamble, and for an animation each
   frame's commands. plot_end then plays that text to a fresh gnuplot
   once per output (SVG, then PDF; or the window; or the terminal). */
#include "plot.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "matrix.h"   // nn_alloc

// A growing string.
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
        char *grown = realloc(b->text, cap);
        if (!grown) {
            free(nn_alloc(cap, 1));   // reports and exits
            return;
        }
        b->text = grown;
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
    FILE *live;             // window mode animation: the open gnuplot
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

// Is there an executable `name` in a directory of $PATH? popen would
// "succeed" even without gnuplot, so we look first.
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

// Which interactive terminal does this gnuplot have? "" if none.
static void find_window_terminal(plotter *pl)
{
    pl->window_terminal[0] = '\0';
    FILE *f = popen("gnuplot -e 'print GPVAL_TERMINALS' 2>&1", "r");
    if (!f)
        return;
    char line[4096] = "";
    size_t n = fread(line, 1, sizeof line - 1, f);
    line[n] = '\0';
    pclose(f);
    const char *wanted[] = {" qt ", " wxt ", " x11 "};
    char padded[4100];
    snprintf(padded, sizeof padded, " %s ", line);
    for (char *c = padded; *c; c++)
        if (*c == '\n')
            *c = ' ';
    for (int i = 0; i < 3; i++)
        if (strstr(padded, wanted[i])) {
            snprintf(pl->window_terminal, sizeof pl->window_terminal,
                     "%.*s", (int)strlen(wanted[i]) - 2, wanted[i] + 1);
            return;
        }
}

static void warn_once(plotter *pl, const char *fmt, ...)
{
    if (pl->warned)
        return;
    pl->warned = true;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "warning: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

int plot_init(plotter *pl, plot_mode mode, const char *out_dir)
{
    memset(pl, 0, sizeof *pl);
    pl->mode = mode;
    snprintf(pl->out_dir, sizeof pl->out_dir, "%s", out_dir);
    if (mode == PLOT_NONE)
        return 0;
    // A gnuplot that dies mid-figure must not kill us with SIGPIPE;
    // the failed write and pclose tell us instead.
    signal(SIGPIPE, SIG_IGN);
    if (!on_path("gnuplot")) {
        warn_once(pl, "gnuplot not found on PATH, so no plots are drawn "
                  "(install it: make deps, or apt-get install gnuplot); "
                  "the results are still computed and printed");
        pl->mode = PLOT_NONE;
        return 0;
    }
    if (mode == PLOT_WINDOW) {
        find_window_terminal(pl);
        if (!pl->window_terminal[0]) {
            pl->mode = isatty(STDOUT_FILENO) ? PLOT_DUMB : PLOT_NONE;
            warn_once(pl, "this gnuplot has no window terminal (qt, wxt "
                      "or x11); using --plot %s instead",
                      mode_names[pl->mode]);
        }
    }
    if (mode == PLOT_FILE && make_dirs(pl->out_dir) != 0) {
        fprintf(stderr, "error: cannot create the figure directory '%s': "
                "%s (choose another with --out)\n", pl->out_dir,
                strerror(errno));
        return -1;
    }
    return 0;
}

static plot *new_plot(plotter *pl, const char *stem, double width,
                      double height, bool animated)
{
    if (!pl || pl->mode == PLOT_NONE)
        return NULL;
    plot *p = nn_alloc(1, sizeof *p);
    p->pl = pl;
    snprintf(p->stem, sizeof p->stem, "%s", stem);
    p->width = width > 0 ? width : 6.0;
    p->height = height > 0 ? height : 4.0;
    p->animated = animated;
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
        text_buf *frames = nn_alloc((size_t)cap, sizeof *frames);
        char(*labels)[64] = nn_alloc((size_t)cap, sizeof *labels);
        if (p->n_frames) {
            memcpy(frames, p->frames, (size_t)p->n_frames * sizeof *frames);
            memcpy(labels, p->labels, (size_t)p->n_frames * sizeof *labels);
        }
        free(p->frames);
        free(p->labels);
        p->frames = frames;
        p->labels = labels;
        p->cap_frames = cap;
    }
    memset(&p->frames[p->n_frames], 0, sizeof p->frames[0]);
    p->in_frame = true;
}

// Start gnuplot for one output. -persist keeps a window open after
// gnuplot itself has read everything and exited.
static FILE *open_gnuplot(plot *p)
{
    fflush(stdout);   // our text first, then gnuplot's ASCII plot
    FILE *g = popen(p->pl->mode == PLOT_WINDOW ? "gnuplot -persist"
                                               : "gnuplot", "w");
    if (!g)
        warn_once(p->pl, "cannot start gnuplot for '%s'", p->stem);
    return g;
}

static int close_gnuplot(plot *p, FILE *g)
{
    int status = pclose(g);
    if (status != 0) {
        warn_once(p->pl, "gnuplot failed while drawing '%s' (exit status "
                  "%d); the figure may be missing", p->stem,
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    return 0;
}

static void set_terminal(plot *p, FILE *g, const char *kind)
{
    const char *dir = p->pl->out_dir;
    double w = p->width, h = p->height;
    if (strcmp(kind, "svg") == 0)
        fprintf(g, "set terminal svg size %d,%d dynamic enhanced "
                "font 'Helvetica,12' background rgb 'white'\n"
                "set output '%s/%s.svg'\n", (int)(w * 110), (int)(h * 110),
                dir, p->stem);
    else if (strcmp(kind, "pdf") == 0)
        fprintf(g, "set terminal pdfcairo size %gin,%gin enhanced "
                "font 'Helvetica,9'\nset output '%s/%s.pdf'\n", w, h, dir,
                p->stem);
    else if (strcmp(kind, "gif") == 0)
        fprintf(g, "set terminal gif animate delay 8 loop 0 optimize "
                "size %d,%d font ',10'\nset output '%s/%s.gif'\n",
                (int)(w * 100), (int)(h * 100), dir, p->stem);
    else if (strcmp(kind, "window") == 0)
        fprintf(g, "set terminal %s size %d,%d title '%s' enhanced\n",
                p->pl->window_terminal, (int)(w * 110), (int)(h * 110),
                p->stem);
    else
        fprintf(g, "set terminal dumb size 79,24\n");
}

// Play the whole figure to gnuplot with the given terminal.
static int render_still(plot *p, const char *kind)
{
    FILE *g = open_gnuplot(p);
    if (!g)
        return -1;
    set_terminal(p, g, kind);
    if (p->preamble.len)
        fwrite(p->preamble.text, 1, p->preamble.len, g);
    fprintf(g, "\nunset output\n");
    return close_gnuplot(p, g);
}

// Frames for the GIF: at most 150, evenly spaced, always the last one.
static int render_gif(plot *p)
{
    FILE *g = open_gnuplot(p);
    if (!g)
        return -1;
    set_terminal(p, g, "gif");
    fwrite(p->preamble.text, 1, p->preamble.len, g);
    int step = p->n_frames > 150 ? (p->n_frames + 149) / 150 : 1;
    for (int f = 0; f < p->n_frames; f++) {
        if (f % step != 0 && f != p->n_frames - 1)
            continue;
        fprintf(g, "set title '%s'\n", p->labels[f]);
        fwrite(p->frames[f].text, 1, p->frames[f].len, g);
    }
    fprintf(g, "\nunset output\n");
    return close_gnuplot(p, g);
}

// The printed book's still: six frames, first to last, in a 2 x 3 grid.
static int render_small_multiples(plot *p)
{
    FILE *g = open_gnuplot(p);
    if (!g)
        return -1;
    double w = p->width, h = p->height;
    p->width = 7.0;
    p->height = 7.0 * h / w * 2.0 / 3.0 + 0.3;
    set_terminal(p, g, "pdf");
    p->width = w;
    p->height = h;
    int panels = p->n_frames < 6 ? p->n_frames : 6;
    fprintf(g, "set multiplot layout %d,%d\n", panels > 3 ? 2 : 1,
            panels > 3 ? 3 : panels);
    fwrite(p->preamble.text, 1, p->preamble.len, g);
    for (int k = 0; k < panels; k++) {
        int f = panels > 1 ? k * (p->n_frames - 1) / (panels - 1) : 0;
        fprintf(g, "set title '%s'\n", p->labels[f]);
        fwrite(p->frames[f].text, 1, p->frames[f].len, g);
    }
    fprintf(g, "unset multiplot\nunset output\n");
    return close_gnuplot(p, g);
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
        if (!p->live) {
            p->live = open_gnuplot(p);
            if (p->live) {
                set_terminal(p, p->live, "window");
                fwrite(p->preamble.text, 1, p->preamble.len, p->live);
            }
        }
        if (p->live) {
            fprintf(p->live, "set title '%s'\n", label);
            fwrite(frame->text, 1, frame->len, p->live);
            fprintf(p->live, "pause 0.03\n");
            fflush(p->live);
        }
        // Only the newest frame is needed for the window.
        free(frame->text);
        memset(frame, 0, sizeof *frame);
        if (p->n_frames > 0)
            return;   // keep exactly one slot in use
    }
    p->n_frames++;
}

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
        } else {
            status |= render_still(p, "svg");
            status |= render_still(p, "pdf");
        }
        break;
    case PLOT_DUMB:
        if (p->animated && p->n_frames > 0) {
            // the last frame is the one worth a look in a terminal
            text_buf *last = &p->frames[p->n_frames - 1];
            buf_printf(&p->preamble, "set title '%s'\n",
                       p->labels[p->n_frames - 1]);
            buf_printf(&p->preamble, "%.*s", (int)last->len,
                       last->text ? last->text : "");
        }
        status = render_still(p, "dumb");
        break;
    case PLOT_WINDOW:
        if (p->live)
            status = close_gnuplot(p, p->live);
        else if (!p->animated)
            status = render_still(p, "window");
        break;
    case PLOT_NONE:
        break;
    }
    for (int f = 0; f < p->n_frames; f++)
        free(p->frames[f].text);
    free(p->frames);
    free(p->labels);
    free(p->preamble.text);
    free(p);
    return status;
}

/* ---- Stubs: the API is fixed in plot.h; the real bodies come next. ---- */
void plot_ascii_image(plot *p, const char *title, const double *values,
                      int rows, int cols, double lo, double hi)
{
    (void)p; (void)title; (void)values; (void)rows; (void)cols; (void)lo;
    (void)hi;
}

void plot_ascii_cells(plot *p, const char *title, const int *cells,
                      int rows, int cols, const char *glyphs,
                      const char *key)
{
    (void)p; (void)title; (void)cells; (void)rows; (void)cols;
    (void)glyphs; (void)key;
}

void plot_ascii_note(plot *p, const char *fmt, ...) { (void)p; (void)fmt; }

plot *plot_live_begin(plotter *pl, const char *stem, double width,
                      double height)
{
    if (!pl || pl->mode != PLOT_WINDOW)
        return NULL;
    return plot_anim_begin(pl, stem, width, height);
}

FILE *plot_diagram_begin(plotter *pl, const char *stem)
{
    if (!pl || pl->mode != PLOT_FILE)
        return NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/%s.dot", pl->out_dir, stem);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "error: cannot write '%s': %s\n", path,
                strerror(errno));
    return f;
}

int plot_diagram_end(plotter *pl, FILE *dot)
{
    (void)pl;
    if (!dot)
        return 0;
    int bad = ferror(dot);
    if (fclose(dot) != 0 || bad) {
        fprintf(stderr, "error: a diagram could not be written\n");
        return -1;
    }
    return 0;
}

int plot_close(plotter *pl)
{
    (void)pl;
    return 0;
}
