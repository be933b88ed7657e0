/* test_plot.c - the plot and cli toolkit where a chapter run cannot look:
   the ASCII panels of dumb mode, a gnuplot that dies or never finishes,
   SIGPIPE, the output-path guard and the atomic file helpers.

       test_plot FAKE_GNUPLOT_DIR

   FAKE_GNUPLOT_DIR holds exits/gnuplot (ends at once, reading nothing)
   and sleeps/gnuplot (never ends). Exit status 0 when every check
   passes; each failure prints a line. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"
#include "progress.h"

#include "check.h"

static const char *fake_dir;
static char scratch[] = "/tmp/test_plot.XXXXXX";

// Run fn in a child with stdout (and stderr, if err_path) sent to files;
// the child's wait status.
static int run_child(void (*fn)(void), const char *out_path,
                     const char *err_path)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (out_path && !freopen(out_path, "w", stdout))
            _exit(99);
        if (err_path && !freopen(err_path, "w", stderr))
            _exit(99);
        fn();
        fflush(stdout);
        fflush(stderr);
        _exit(0);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    return status;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return calloc(1, 1);
    char *text = calloc(1, 1 << 20);
    size_t n = fread(text, 1, (1 << 20) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (const char *c = text; *c; c++)
        n += *c == '\n';
    return n;
}

static int widest_line(const char *text)
{
    int widest = 0, len = 0;
    for (const char *c = text; *c; c++) {
        if (*c == '\n') {
            widest = len > widest ? len : widest;
            len = 0;
        } else {
            len++;
        }
    }
    return widest;
}

/* ---- Dumb-mode panels ----------------------------------------------- */

static void draw_panels(void)
{
    plotter pl;
    setenv("PATH", "/nonexistent", 1);   // panels need no gnuplot
    if (!freopen("/dev/null", "w", stderr))   // nor its warning
        _exit(3);
    if (plot_init(&pl, "dumb", scratch) != 0)
        _exit(3);
    plot *line = plot_begin(&pl, "a-line-plot", 0, 0);   // skipped
    plot_cmd(line, "plot sin(x)");
    plot_end(line);
    plot *p = plot_begin(&pl, "panels", 0, 0);
    double image[28 * 28];   // a bright square in a dark frame
    for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++)
            image[r * 28 + c] = (r >= 8 && r < 20 && c >= 8 && c < 20);
    plot_ascii_image(p, "square", image, 28, 28, 0.0, 1.0);
    plot_ascii_image(p, "square, reversed", image, 28, 28, 1.0, 0.0);
    // a 2-class map with one point of each class inside the other region
    int cells[20 * 40];
    for (int r = 0; r < 20; r++)
        for (int c = 0; c < 40; c++)
            cells[r * 40 + c] = c < 20 ? 0 : 1;
    cells[4 * 40 + 30] = 2;
    cells[15 * 40 + 5] = 3;
    plot_ascii_cells(p, "regions", cells, 20, 40, ".,ox",
                     "o class 0   x class 1   . region of 0   , region "
                     "of 1");
    static double wide[10 * 500];   // needs shrinking to fit
    for (int i = 0; i < 10 * 500; i++)
        wide[i] = (i % 500) / 499.0;
    plot_ascii_image(p, "wide", wide, 10, 500, 0.0, 1.0);
    plot_ascii_note(p, "NOTE the surface has no ASCII form; see it with "
                    "--plot file or --plot window, which draw it in full "
                    "with its colour scale and its contour lines");
    plot_end(p);
    plot_close(&pl);
}

static void test_panels(void)
{
    char out[300];
    snprintf(out, sizeof out, "%s/panels.txt", scratch);
    int status = run_child(draw_panels, out, NULL);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "drawing panels: status %d", status);
    char *text = slurp(out);
    CHECK(widest_line(text) <= 80, "a panel line of %d columns",
          widest_line(text));
    // the two 28-wide squares side by side, titles on one line
    const char *titles = strstr(text, "square");
    CHECK(titles && strstr(titles, "square, reversed") &&
              strchr(titles, '\n') > strstr(titles, "square, reversed"),
          "the two images are not side by side");
    // 28 rows become 14 lines: the square is 12 rows = 6 lines of '@'
    int full = 0, blank_in_reversed = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, "|        @@@@@@@@@@@@        |", 30) == 0) {
            full++;
            blank_in_reversed += strstr(line + 30, "|@@@@@@@@        "
                                        "    @@@@@@@@|") != NULL;
        }
        line = nl ? nl + 1 : NULL;
    }
    CHECK(full == 6, "the square spans %d lines, expected 6", full);
    CHECK(blank_in_reversed == 6, "reversed scale: %d lines right",
          blank_in_reversed);
    CHECK(strstr(text, "0 [ .:-=+*#%@] 1") &&
              strstr(text, "1 [ .:-=+*#%@] 0"),
          "the shade legend is missing");
    // points win over the region they sit in
    CHECK(strstr(text, "|....................,,,,,,,,,,o,,,,,,,,,|"),
          "the class-0 point is hidden");
    CHECK(strstr(text, "|.....x..............,,,,,,,,,,,,,,,,,,,,|"),
          "the class-1 point is hidden");
    CHECK(strstr(text, "o class 0   x class 1"), "the key is missing");
    CHECK(strstr(text, "1 char = 7x14 values"), "no shrink note");
    CHECK(strstr(text, "NOTE the surface has no ASCII form"), "no note");
    free(text);
}

/* ---- Broken gnuplots ------------------------------------------------- */

static void draw_with_fake(const char *kind)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s:/usr/bin:/bin", fake_dir, kind);
    setenv("PATH", path, 1);
    setenv("NN_GNUPLOT_TIMEOUT", "1", 1);
    plotter pl;
    char out[300];
    snprintf(out, sizeof out, "%s/figures", scratch);
    if (plot_init(&pl, "file", out) != 0)
        _exit(3);
    plot *p = plot_begin(&pl, "big", 0, 0);
    static double x[20000], y[20000];   // more than a pipe holds
    plot_xy(p, "$data", x, y, 20000);
    plot_cmd(p, "plot $data");
    int drawn = plot_end(p);
    printf("plot_end %d\n", drawn);
}

static void draw_with_dead_gnuplot(void) { draw_with_fake("exits"); }
static void draw_with_sleepy_gnuplot(void) { draw_with_fake("sleeps"); }

static void test_broken_gnuplot(void)
{
    char out[300], err[300];
    snprintf(out, sizeof out, "%s/dead.txt", scratch);
    snprintf(err, sizeof err, "%s/dead.err", scratch);
    // Before the program ignored SIGPIPE for good; now it must survive a
    // dead gnuplot with SIGPIPE at its default action.
    int status = run_child(draw_with_dead_gnuplot, out, err);
    char *text = slurp(out), *warn = slurp(err);
    CHECK(WIFEXITED(status), "a dead gnuplot killed the program (signal "
          "%d)", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    CHECK(strstr(text, "plot_end -1"), "dead gnuplot: plot_end gave %s",
          text);
    CHECK(count_lines(warn) == 1, "dead gnuplot: %d warning lines: %s",
          count_lines(warn), warn);
    free(text), free(warn);

    snprintf(out, sizeof out, "%s/sleepy.txt", scratch);
    snprintf(err, sizeof err, "%s/sleepy.err", scratch);
    double start = nn_seconds();
    status = run_child(draw_with_sleepy_gnuplot, out, err);
    double took = nn_seconds() - start;
    text = slurp(out), warn = slurp(err);
    CHECK(took < 10, "a gnuplot that never ends held us %.1f s", took);
    CHECK(WIFEXITED(status), "sleepy gnuplot: status %d", status);
    CHECK(strstr(text, "plot_end -1"), "sleepy gnuplot: plot_end gave %s",
          text);
    CHECK(count_lines(warn) == 1 && strstr(warn, "stopped it"),
          "sleepy gnuplot: warnings: %s", warn);
    free(text), free(warn);
}

/* ---- SIGPIPE: a reader who stopped reading stops us ------------------- */

static void write_into_closed_pipe(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        _exit(3);
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    signal(SIGPIPE, SIG_IGN);   // as an old plot_init did
    cli_common common;
    char *argv[] = {"test_plot", NULL};
    cli_option none[1];
    if (cli_parse(&common, none, 0, 1, argv, "test") != CLI_CONTINUE)
        _exit(4);
    printf("a result line\n");
    fflush(stdout);
    _exit(5);   // only reached when SIGPIPE did not stop us
}

static void test_sigpipe(void)
{
    char err[300];
    snprintf(err, sizeof err, "%s/sigpipe.err", scratch);
    int status = run_child(write_into_closed_pipe, NULL, err);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
          "writing to a closed pipe did not stop the program quietly "
          "(status %d)", status);
    char *warn = slurp(err);
    CHECK(warn[0] == '\0', "SIGPIPE: stderr says %s", warn);
    free(warn);
}

/* ---- Output paths and atomic files ------------------------------------ */

static void test_output_paths(void)
{
    cli_common c = {.program = "test_plot"};
    char path[512], dir[300];
    snprintf(dir, sizeof dir, "%s/dir", scratch);
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/weights.bin", dir);
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w");   // the refusals print a line each
    CHECK(cli_check_output_path(&c, path, "--save") == CLI_CONTINUE,
          "a plain file name in a directory was refused");
    CHECK(cli_check_output_path(&c, dir, "--save") == 2,
          "a directory was accepted as a file");
    CHECK(cli_check_output_path(&c, "", "--save") == 2, "empty accepted");
    CHECK(cli_check_output_path(&c, "a\nb", "--save") == 2,
          "a newline was accepted");
    snprintf(path, sizeof path, "%s/no/such/dir/w.bin", scratch);
    CHECK(cli_check_output_path(&c, path, "--save") == 2,
          "a missing directory was accepted");
    char long_name[400];
    memset(long_name, 'x', 300);
    long_name[300] = '\0';
    CHECK(cli_check_output_path(&c, long_name, "--save") == 2,
          "a 300-character name was accepted");

    // a committed file appears whole, no temporary is left
    char tmp[512];
    snprintf(path, sizeof path, "%s/atomic.txt", dir);
    FILE *f = nn_create_atomic(path, tmp, sizeof tmp);
    CHECK(f != NULL, "nn_create_atomic failed");
    if (f) {
        fprintf(f, "hello\n");
        CHECK(access(path, F_OK) != 0, "the final name exists too early");
        CHECK(nn_commit_atomic(f, tmp, path) == 0, "commit failed");
        char *text = slurp(path);
        CHECK(strcmp(text, "hello\n") == 0, "committed text: %s", text);
        free(text);
        CHECK(access(tmp, F_OK) != 0, "the temporary file was left");
    }
    // a commit that cannot rename leaves nothing behind
    snprintf(path, sizeof path, "%s/atomic2.txt", dir);
    f = nn_create_atomic(path, tmp, sizeof tmp);
    if (f) {
        fprintf(f, "half\n");
        char elsewhere[512];
        snprintf(elsewhere, sizeof elsewhere, "%s/gone/atomic2.txt", dir);
        CHECK(nn_commit_atomic(f, tmp, elsewhere) == -1,
              "a failed rename was reported as success");
        CHECK(access(tmp, F_OK) != 0, "a failed commit left its temp");
    }
    fclose(stderr);
    stderr = saved;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_plot FAKE_GNUPLOT_DIR\n");
        return 2;
    }
    fake_dir = argv[1];
    if (!mkdtemp(scratch)) {
        perror("mkdtemp");
        return 2;
    }
    test_panels();
    test_broken_gnuplot();
    test_sigpipe();
    test_output_paths();
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf '%s'", scratch);
    if (system(rm) != 0)
        printf("note: could not remove %s\n", scratch);
    if (failures == 0)
        printf("all plot and cli checks passed\n");
    return failures ? 1 : 0;
}
