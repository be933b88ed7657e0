/* plot.h - figures through gnuplot, over a pipe.

   What it does: a chapter describes a figure as gnuplot commands
   (plot_cmd) and inline data blocks (plot_xy, plot_columns, plot_grid),
   and the plotter shows or writes it according to the mode:
     window  a gnuplot window (qt, wxt or x11) when a display exists; an
             animation updates in place, frame after frame, like
             matplotlib's plt.pause; every window stays on screen until
             plot_close (see there)
     file    <out>/<stem>.svg and <out>/<stem>.pdf; an animation becomes
             <stem>.gif (a frame every 0.12 s, at most 150 frames, the
             last held for 2 s, lines drawn twice as thick so that they
             survive the GIF's lack of smoothing) plus <stem>.pdf, a
             still of six frames side by side (small multiples) for the
             printed book
     dumb    an ASCII plot on stdout (an animation shows its last frame),
             or the figure's own terminal panels (plot_ascii_*, below)
     none    nothing at all
   Every figure runs its own gnuplot process (started without a shell),
   so ASCII plots appear in order with the program's text. Before the
   figure's commands gnuplot gets NN_TERMINAL = 'svg', 'pdf', 'gif',
   'window' or 'dumb': the GIF terminal draws every dash type solid, so
   an animated figure tells its lines apart by colour or width, or picks
   by NN_TERMINAL.

   What reaches gnuplot is checked: the output directory and the stems
   (file names inside quotes) may hold no quote and no control
   character, so no flag value can end a command and start another; a
   frame label is quoted for gnuplot (a quote doubled, a control
   character made a space). Text given to plot_cmd is the chapter's own.

   Failure: plotting never stops a chapter. When gnuplot is not on PATH,
   plot_init prints one warning and switches to 'none' (in dumb mode it
   still prints the figures' terminal panels, which need no gnuplot, and
   skips the rest); when gnuplot fails
   on a figure, dies, or stops reading, plot_end warns once and returns
   -1 and the chapter goes on. A gnuplot that does not finish a figure
   within NN_GNUPLOT_TIMEOUT seconds (default 60) is stopped, with one
   warning, and no more figures are drawn. A figure file that gnuplot did
   not write (a full disk) is one error line, and the program's exit
   status becomes 1 (cli_note_output_failure in cli.h). plot_init
   returns -1 after one line when --plot or --out is bad or the output
   directory cannot be made; the chapter then exits with status 2.
   All calls accept a NULL figure and do nothing, so a chapter can draw
   unconditionally.

   Signals: writes to gnuplot block SIGPIPE while they run, so a dead
   gnuplot costs a warning, not the program; SIGPIPE on stdout keeps its
   default action (a chapter piped into `head` stops quietly).

   Memory: plot_begin / plot_anim_begin / plot_live_begin allocate a
   figure that plot_end frees. The plotter itself lives on the caller's
   stack; plot_close frees what it holds. */
#ifndef NN_PLOT_H
#define NN_PLOT_H

#include <stdbool.h>
#include <stdio.h>

typedef enum { PLOT_NONE, PLOT_DUMB, PLOT_FILE, PLOT_WINDOW } plot_mode;

// gnuplot's interactive terminals, best first.
typedef enum { WINDOW_NONE, WINDOW_QT, WINDOW_WXT, WINDOW_X11 }
    plot_window_terminal;

// A gnuplot process we feed commands to.
typedef struct {
    int pid;                  // the process (pid_t fits an int on POSIX)
    int fd;                   // its standard input; -1 once closed
    bool broken;              // it stopped reading (a write failed)
} plot_process;

typedef struct {
    plot_mode mode;
    char out_dir[256];
    plot_window_terminal window_terminal;  // in window mode
    bool warned;              // one gnuplot warning per program is enough
    bool no_gnuplot;          // dumb mode without gnuplot: panels only
    bool failed;              // a figure could not be written
    plot_process *windows;    // window mode: figures on screen until
    int n_windows, cap_windows;   // plot_close
} plotter;

typedef struct plot plot;

// window when a display exists, else dumb when stdout is a terminal,
// else none.
plot_mode plot_default_mode(void);
bool plot_parse_mode(const char *word, plot_mode *out);
const char *plot_mode_name(plot_mode mode);

// `mode` is the word given to --plot ("window", "file", "dumb", "none"),
// or NULL for the default rule above. `out_dir` is where file mode
// writes (--out). Both are checked in every mode, before any work: the
// path must be non-empty, under 200 characters, without quotes or
// control characters (it is given to gnuplot inside quotes), and not an
// existing file; in file mode the directory is created (mkdir -p) and
// must be writable. -1 after one line on stderr (exit with status 2).
int plot_init(plotter *pl, const char *mode, const char *out_dir);

// A still figure, width x height in inches as printed (0, 0: 6 x 4).
// `stem` names the files: <out>/<stem>.svg and .pdf.
plot *plot_begin(plotter *pl, const char *stem, double width,
                 double height);
// One gnuplot command, printf-style.
void plot_cmd(plot *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
// Inline data block `name` (like "$beans") with n rows of x, y.
void plot_xy(plot *p, const char *name, const double *x, const double *y,
             int n);
// Inline data block with n rows of ncols columns taken from cols[k][i].
void plot_columns(plot *p, const char *name, const double *const *cols,
                  int ncols, int n);
// Inline data block of a function sampled on a grid: rows of "x y z",
// z = values[iy * nx + ix] at x = x0 + ix*(x1-x0)/(nx-1), likewise y; a
// blank line after each y (the layout splot and pm3d expect).
void plot_grid(plot *p, const char *name, const double *values, int nx,
               int ny, double x0, double x1, double y0, double y1);
// Draw it (or write it), close gnuplot, free the figure. 0 or -1.
int plot_end(plot *p);

// An animation. Commands given before the first frame are its preamble
// (axes, ranges, data that does not move). Each frame is the commands
// between plot_frame_begin and plot_frame_end; `label` is its title.
plot *plot_anim_begin(plotter *pl, const char *stem, double width,
                      double height);
void plot_frame_begin(plot *p);
void plot_frame_end(plot *p, const char *label);

/* ---- Figures that gnuplot's ASCII terminal draws badly ----------------
   In dumb mode gnuplot draws line plots well, but images, class maps and
   surfaces come out blank or garbled. A figure that is one of those gives
   its terminal form with the calls below, on the same plot object: in
   dumb mode plot_end prints these panels instead of running gnuplot
   (side by side while they fit in 80 columns, else one under another,
   each under its title; then the notes); in the other modes they are
   ignored. Every line printed fits in 80 columns.

   A panel draws one character per column and one line per two rows, so
   a picture keeps its aspect (a character is about twice as tall as
   wide); a picture wider than 76 columns or taller than 80 rows is
   shrunk, one character then standing for a block of f x 2f values
   (the panel says so). The calls copy what they need: the arrays may be
   freed at once. */

// A grey-level image, values[r * cols + c], shaded from lo (blank) to hi
// (darkest glyph) in ten steps " .:-=+*#%@" (hi < lo reverses the scale;
// a non-finite value shows as '?'), framed, with the legend
// "lo [ .:-=+*#%@] hi" under it. A shrunk block shows its mean.
void plot_ascii_image(plot *p, const char *title, const double *values,
                      int rows, int cols, double lo, double hi);
// A map of cells, each an index into `glyphs` (-1: blank; any other
// index outside the string shows as '?'); `key` is the legend printed
// under it ("o class 0   x class 1   . region of 0"), wrapped to fit.
// rows[0] is drawn at the top. Where one character covers several
// cells (always two rows, more when shrunk) the highest index wins: list
// the regions' glyphs first and the points' after them (".,ox"), so a
// point is never hidden by the region around it.
void plot_ascii_cells(plot *p, const char *title, const int *cells,
                      int rows, int cols, const char *glyphs,
                      const char *key);
// One line saying what the figure shows and how to see it, for a figure
// with no useful ASCII form ("the surface e(w, b): see it with --plot
// file or --plot window"). Printed after the panels, wrapped to 80
// columns. A figure may give notes and panels both.
void plot_ascii_note(plot *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- Live figures --------------------------------------------------------
   A figure redrawn while the program trains (a training curve, once per
   epoch). Exists only in window mode: elsewhere plot_live_begin returns
   NULL, every call on it does nothing, and the chapter draws its final
   figure as usual. Each redraw is one frame (plot_frame_begin ...
   plot_frame_end) holding the whole picture so far; the window shows it
   at once. plot_end leaves the last picture on screen until plot_close.
*/
plot *plot_live_begin(plotter *pl, const char *stem, double width,
                      double height);

/* ---- Diagrams -------------------------------------------------------------
   A picture of an idea (a network's nodes and weights, a pipeline of
   layers) drawn by Graphviz from DOT text the chapter writes, so that a
   diagram of a network the chapter builds comes from its own sizes. In
   file mode plot_diagram_begin opens <out>/<stem>.dot, which the book
   build renders to SVG and PDF; in the other modes it returns NULL and
   the chapter writes nothing (test with if). The stem is checked like a
   figure's (no quote, control character or '/'). A file that cannot be
   opened or written is one line on stderr and exit status 1 at the end
   (cli_note_output_failure): plot_diagram_begin returns NULL,
   plot_diagram_end -1. plot_diagram_end closes the file: 0 or -1. */
FILE *plot_diagram_begin(plotter *pl, const char *stem);
int plot_diagram_end(plotter *pl, FILE *dot);

/* The book's house style for diagrams, as DOT default attributes: DejaVu
   Sans everywhere (11 pt, edge labels 9 pt), nodes filled pale blue with
   a blue outline, grey edges with small arrowheads. Write it right after
   the `digraph name {` line; attribute lines after it override it (a
   chapter adds its direction, spacing and node shape). */
void plot_diagram_style(FILE *dot);

/* ---- The end of a run -----------------------------------------------------
   Call once at the end of main (and on an early exit after plot_init).
   In window mode every figure's gnuplot is still running, its window on
   screen, as after matplotlib's plt.show(). plot_close prints one line
   on stderr ("close the figure windows (or press Enter here) to
   finish") and waits until
     - the reader has closed every window (each gnuplot is told `pause
       mouse close`, then `exit`, and ends when its window is closed), or
     - when stdin is the terminal the program runs in (its foreground),
       the reader presses Enter; when stdin is a pipe or a file
       (`echo | chapter`, a script), a line or the end of it comes;
   stdin that is /dev/null or another device is not read (a program
   started from a desktop waits for its windows). Then it stops every
   gnuplot still running, so no window or process is left behind. Runs
   without a display never reach window mode, so tests never wait. In
   the other modes it returns at once. Returns 0, or -1 if a figure
   could not be written (a message was printed for it). */
int plot_close(plotter *pl);

#endif
