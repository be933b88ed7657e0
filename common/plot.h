/* plot.h - figures through gnuplot, over a pipe.

   What it does: a chapter describes a figure as gnuplot commands
   (plot_cmd) and inline data blocks (plot_xy, plot_columns, plot_grid),
   and the plotter shows or writes it according to the mode:
     window  a live gnuplot window (qt, wxt or x11) when a display exists;
             an animation updates in place, frame after frame
     file    <out>/<stem>.svg and <out>/<stem>.pdf; an animation becomes
             <stem>.gif plus <stem>.pdf, a still of a few frames side by
             side (small multiples) for the printed book
     dumb    an ASCII plot on stdout (an animation shows its last frame)
     none    nothing at all
   Every figure runs its own gnuplot process, so ASCII plots appear in
   order with the program's text.

   Failure: plotting never stops a chapter. When gnuplot is not on PATH,
   plot_init prints one warning and switches to 'none'; when gnuplot fails
   on a figure, plot_end warns once and returns -1. plot_init returns -1
   only when the output directory cannot be created (the message is
   printed); the chapter should then exit with status 2.
   All calls accept a NULL figure and do nothing, so a chapter can draw
   unconditionally.

   Memory: plot_begin / plot_anim_begin allocate a figure that plot_end
   frees. The plotter itself lives on the caller's stack. */
#ifndef NN_PLOT_H
#define NN_PLOT_H

#include <stdbool.h>
#include <stdio.h>

typedef enum { PLOT_NONE, PLOT_DUMB, PLOT_FILE, PLOT_WINDOW } plot_mode;

typedef struct {
    plot_mode mode;
    char out_dir[256];
    char window_terminal[8];  // "qt", "wxt" or "x11" in window mode
    bool warned;              // one gnuplot warning per program is enough
} plotter;

typedef struct plot plot;

// window when a display exists, else dumb when stdout is a terminal,
// else none.
plot_mode plot_default_mode(void);
bool plot_parse_mode(const char *word, plot_mode *out);
const char *plot_mode_name(plot_mode mode);

int plot_init(plotter *pl, plot_mode mode, const char *out_dir);

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

#endif
