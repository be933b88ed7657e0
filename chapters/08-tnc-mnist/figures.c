/**
## Figures

The tutorial's `plot_hidden_layer` shows what each hidden unit looks
for: its 400 weights, arranged as the 20x20 image they multiply. (The
tutorial transposes each one because Octave stored the course's images
column by column; MNIST's bytes are row by row, so we do not.) Where
the tutorial lets every tile pick its own grey scale, we use one scale
for all 25, symmetric about zero, with a key: zero is the same white in
every tile, red is positive and blue negative, and two tiles can be
compared. The other figures show test digits with the network's
answers, the confusion between digits (in the same form as chapter
9's), and the cost against the evaluations spent by each method. In
`--plot dumb` the images become characters; the confusion matrix is the
table the program prints anyway.
*/
#include "figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Rows x cols tiles of side x side pixels as one image for gnuplot's
// `with image`: a 1-pixel gap around each tile and `below` more pixels
// under it (room for a label). Tile t's pixels are tiles[t * side *
// side ...]. Gaps are NaN, which gnuplot leaves blank.
static void plot_tiles(plot *p, const char *name, const double *tiles,
                       int n_tiles, int rows, int cols, int side, int below)
{
    int width = cols * (side + 1) + 1;
    int height = rows * (side + 1 + below) + 1;
    double *image = nn_alloc((size_t)width * height, sizeof *image);
    for (size_t k = 0; k < (size_t)width * height; k++)
        image[k] = NAN;
    for (int t = 0; t < n_tiles; t++) {
        int top = 1 + (t / cols) * (side + 1 + below);
        int left = 1 + (t % cols) * (side + 1);
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
                image[(size_t)(top + r) * width + left + c] =
                    tiles[((size_t)t * side + r) * side + c];
    }
    // the picture's row 0 at the top: y runs from height - 1 down to 0
    plot_grid(p, name, image, width, height, 0, width - 1, height - 1, 0);
    plot_cmd(p, "set xrange [-0.5:%g]", width - 0.5);
    plot_cmd(p, "set yrange [-0.5:%g]", height - 0.5);
    free(image);
}

static void image_style(plot *p)
{
    plot_cmd(p, "unset xtics; unset ytics; unset key; unset border");
    plot_cmd(p, "set size ratio -1");
}

// The tutorial's plot_hidden_layer: each hidden unit's weights on the
// pixels as a picture, all on one colour scale symmetric about zero.
// In dumb mode, the first three units in characters.
void draw_hidden_units(plotter *pl, matrix Theta1, int side)
{
    int n_hidden = Theta1.rows, n_in = Theta1.cols - 1;
    int cols = (int)ceil(sqrt(n_hidden));
    int rows = (n_hidden + cols - 1) / cols;
    double *tiles = nn_alloc((size_t)n_hidden * n_in, sizeof *tiles);
    double reach = 1e-300;                  // the largest |weight|
    for (int h = 0; h < n_hidden; h++)
        for (int k = 1; k <= n_in; k++) {
            tiles[(size_t)h * n_in + k - 1] = MAT_AT(Theta1, h, k);
            reach = fmax(reach, fabs(MAT_AT(Theta1, h, k)));
        }
    plot *p = plot_begin(pl, "hidden-units", 5.6, 5);
    image_style(p);
    plot_tiles(p, "$units", tiles, n_hidden, rows, cols, side, 0);
    plot_cmd(p, "set palette defined (-1 '#2166ac', 0 'white', "
             "1 '#b2182b')");
    plot_cmd(p, "set cbrange [%g:%g]", -reach, reach);
    plot_cmd(p, "set cblabel 'weight'; set colorbox");
    plot_cmd(p, "set title 'the %d hidden units: weights on each pixel'",
             n_hidden);
    plot_cmd(p, "plot $units with image");
    enum { SHOWN = 3 };                     // side by side in 80 columns
    int shown = n_hidden < SHOWN ? n_hidden : SHOWN;
    int width = shown * (side + 1);
    int *cells = nn_alloc((size_t)side * width, sizeof *cells);
    for (int r = 0; r < side; r++)
        for (int c = 0; c < width; c++) {
            int h = c / (side + 1), k = c % (side + 1);
            double w = k < side ? tiles[(size_t)h * n_in + r * side + k]
                                / reach : 0.0;
            cells[r * width + c] = k == side ? -1
                                 : w < -0.5 ? 0 : w < -0.15 ? 1
                                 : w <= 0.15 ? -1 : w <= 0.5 ? 2 : 3;
        }
    char title[64];
    snprintf(title, sizeof title, "hidden units 1-%d of %d", shown,
             n_hidden);
    plot_ascii_cells(p, title, cells, side, width, "=-+#",
                     "=: w < -r/2  -: w < -0.15r  +: w > 0.15r  "
                     "#: w > r/2  (r: largest |w|)");
    plot_end(p);
    free(cells);
    free(tiles);
}

// Test digits with the network's answer under each: the first 30 of
// the test set, then the first 10 mistakes after them (in red, "answer
// (label)", as chapter 9 marks them). Black ink on white paper.
void draw_predictions(plotter *pl, const digit_set *test,
                             const int *predicted, int side)
{
    enum { COLS = 10, SAMPLE = 30, BELOW = 9 };
    int picked[SAMPLE + COLS], n = 0;
    for (int i = 0; i < test->m && n < SAMPLE; i++)
        picked[n++] = i;
    for (int i = n; i < test->m && n < SAMPLE + COLS; i++)
        if (predicted[i] != test->labels[i])
            picked[n++] = i;
    int rows = (n + COLS - 1) / COLS, pixels = side * side;
    double *tiles = nn_alloc((size_t)n * pixels, sizeof *tiles);
    for (int t = 0; t < n; t++)
        for (int k = 0; k < pixels; k++)
            tiles[(size_t)t * pixels + k] =
                MAT_AT(test->inputs, k + 1, picked[t]);
    plot *p = plot_begin(pl, "predictions", 6.5, 0.85 * rows);
    image_style(p);
    plot_cmd(p, "unset colorbox; set palette gray negative");
    plot_cmd(p, "set cbrange [0:1]; set margins 0, 0, 0, 2");
    plot_tiles(p, "$digits", tiles, n, rows, COLS, side, BELOW);
    int height = rows * (side + 1 + BELOW) + 1;
    for (int t = 0; t < n; t++) {
        int i = picked[t];
        double x = 1 + (t % COLS) * (side + 1) + side / 2.0;
        double y = height - 1
                   - ((t / COLS) * (side + 1 + BELOW) + side + 1 + 4.5);
        if (predicted[i] != test->labels[i])
            plot_cmd(p, "set label '%d (%d)' at %g,%g center front "
                     "textcolor rgb '#d62728'", predicted[i],
                     test->labels[i], x, y);
        else
            plot_cmd(p, "set label '%d' at %g,%g center front",
                     predicted[i], x, y);
    }
    plot_cmd(p, "plot $digits with image");
    enum { SHOWN = 3 };
    int width = SHOWN * (side + 1);
    double *strip = nn_alloc((size_t)side * width, sizeof *strip);
    for (int r = 0; r < side; r++)
        for (int c = 0; c < width && c / (side + 1) < n; c++)
            strip[r * width + c] = c % (side + 1) == side ? 0.0
                : tiles[(size_t)(c / (side + 1)) * pixels + r * side
                        + c % (side + 1)];
    char title[80];
    snprintf(title, sizeof title, "test digits 1-3, answers %d %d %d",
             predicted[0], n > 1 ? predicted[1] : 0,
             n > 2 ? predicted[2] : 0);
    plot_ascii_image(p, title, strip, side, width, 0.0, 1.0);
    plot_end(p);
    free(strip);
    free(tiles);
}

// counts[label][answer] as a 10 x 10 picture in chapter 9's form: a
// row per label, a column per answer, each cell coloured by its count
// on a log scale (white: none) and the count written in.
void draw_confusion(plotter *pl, const int counts[10][10],
                           int n_test)
{
    double count[100];
    int most = 1;
    for (int l = 0; l < 10; l++)
        for (int a = 0; a < 10; a++) {
            count[l * 10 + a] = counts[l][a];
            most = counts[l][a] > most ? counts[l][a] : most;
        }
    plot *p = plot_begin(pl, "confusion", 5, 4.4);
    plot_grid(p, "$count", count, 10, 10, 0, 9, 0, 9);
    plot_cmd(p, "set xlabel 'the network''s answer'");
    plot_cmd(p, "set ylabel 'the label'");
    plot_cmd(p, "set xrange [-0.5:9.5]; set yrange [9.5:-0.5]");
    plot_cmd(p, "set xtics 0,1,9 scale 0; set ytics 0,1,9 scale 0");
    plot_cmd(p, "set size ratio -1; unset key");
    plot_cmd(p, "set palette defined (0 'white', 1 '#1f77b4')");
    plot_cmd(p, "set logscale cb; set cbrange [1:%d]", most > 1 ? most : 2);
    plot_cmd(p, "set cblabel 'images (log scale)'");
    plot_cmd(p, "set title 'the network: %d test images, label against "
             "answer'", n_test);
    for (int k = 0; k < 100; k++)
        if (count[k] > 0)
            plot_cmd(p, "set label '%d' at %d,%d center front font ',8' "
                     "textcolor rgb '%s'", (int)count[k], k % 10, k / 10,
                     log(count[k]) > 0.6 * log(most) ? "white" : "black");
    plot_cmd(p, "plot $count using 1:2:($3 > 0 ? $3 : NaN) with image "
             "pixels");
    plot_ascii_note(p, "confusion matrix: the table printed above");
    plot_end(p);
}

// The cost after each step of every run, against evaluations spent,
// on a log scale with ticks at 1, 2 and 5 times the powers of ten.
void draw_costs(plotter *pl, const run_result *runs,
                       const char *const *names, int n_runs, int evals)
{
    plot *p = plot_begin(pl, "cost-vs-evaluations", 6.5, 4.2);
    char name[16];
    for (int r = 0; r < n_runs; r++) {
        snprintf(name, sizeof name, "$run%d", r);
        plot_xy(p, name, runs[r].trace_evals, runs[r].trace_cost,
                runs[r].n_trace);
    }
    double lo = INFINITY, hi = 0.0;
    for (int r = 0; r < n_runs; r++)
        for (int k = 0; k < runs[r].n_trace; k++)
            if (isfinite(runs[r].trace_cost[k])) {
                lo = fmin(lo, runs[r].trace_cost[k]);
                hi = fmax(hi, runs[r].trace_cost[k]);
            }
    plot_cmd(p, "set logscale y");
    if (lo > 0 && hi >= lo)
        plot_cmd(p, "set yrange [%g:%g]", 0.85 * lo, 1.15 * hi);
    plot_cmd(p, "set ytics ('0.2' 0.2, '0.3' 0.3, '0.5' 0.5, '1' 1, "
             "'2' 2, '3' 3, '5' 5, '10' 10, '20' 20)");
    plot_cmd(p, "set xrange [0:%d]", evals);
    plot_cmd(p, "set xlabel 'evaluations of cost and gradient (or their "
             "equivalent)'");
    plot_cmd(p, "set ylabel 'cost J on the training images'");
    plot_cmd(p, "set key top right box opaque");
    plot_cmd(p, "set grid ytics xtics");
    // the first two runs nearly coincide: the first is drawn as a wide
    // pale band under the second, so that both stay visible
    const char *styles[] = {"lw 7 lc rgb '#9ecae1' pt 7 ps 1.3",
                            "lw 1.5 lc rgb '#d62728' pt 5 ps 0.5",
                            "lw 1.5 lc rgb '#2ca02c' pt 9 ps 0.7",
                            "lw 2 lc rgb '#9467bd' pt 6 ps 0.7 dt 2",
                            "lw 1.5 lc rgb '#7f7f7f' pt -1",
                            "lw 2 lc rgb '#ff7f0e' pt 4 ps 0.6 dt 4"};
    char command[1536] = "plot";
    for (int r = 0; r < n_runs; r++) {
        char part[200];
        snprintf(part, sizeof part, "%s $run%d with linespoints "
                 "%s title '%s'", r ? "," : "", r, styles[r % 6],
                 names[r]);
        strncat(command, part, sizeof command - strlen(command) - 1);
    }
    plot_cmd(p, "%s", command);
    plot_end(p);
}

// The network as a Graphviz diagram, from its own sizes: one node for
// each layer (with its count) and its bias unit, an edge for each
// weight matrix, labelled with its shape.
void draw_network(plotter *pl, int n_in, int n_hidden, int n_out,
                  int side)
{
    FILE *dot = plot_diagram_begin(pl, "network");
    if (!dot)
        return;
    fprintf(dot, "digraph network {\n");
    plot_diagram_style(dot);              // the book's fonts and colours
    fprintf(dot, "  graph [rankdir=LR, nodesep=0.25, ranksep=0.6];\n"
            "  node [shape=circle];\n");
    fprintf(dot, "  image [shape=box, label=\"%dx%d image\"];\n", side,
            side);
    fprintf(dot, "  inputs [shape=box, height=1.6, label=\"%d inputs\\n"
            "(ink, 0 to 1)\"];\n", n_in);
    fprintf(dot, "  hidden [shape=box, height=1.1, label=\"%d hidden\\n"
            "sigmoid\"];\n", n_hidden);
    fprintf(dot, "  outputs [shape=box, height=0.8, label=\"%d outputs\\n"
            "sigmoid\"];\n", n_out);
    fprintf(dot, "  bias1 [label=\"1\", width=0.3, fixedsize=true];\n"
            "  bias2 [label=\"1\", width=0.3, fixedsize=true];\n");
    fprintf(dot, "  image -> inputs [label=\"row by row\"];\n");
    fprintf(dot, "  inputs -> hidden [label=\"Theta1\\n%d x %d\"];\n",
            n_hidden, n_in + 1);
    fprintf(dot, "  bias1 -> hidden;\n");
    fprintf(dot, "  hidden -> outputs [label=\"Theta2\\n%d x %d\"];\n",
            n_out, n_hidden + 1);
    fprintf(dot, "  bias2 -> outputs;\n");
    fprintf(dot, "  { rank=same; inputs; bias1; }\n"
            "  { rank=same; hidden; bias2; }\n");
    fprintf(dot, "  label=\"%d + %d = %d weights\";\n",
            n_hidden * (n_in + 1), n_out * (n_hidden + 1),
            n_hidden * (n_in + 1) + n_out * (n_hidden + 1));
    fprintf(dot, "}\n");
    plot_diagram_end(pl, dot);
}

