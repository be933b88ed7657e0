// test_datasets.c - data_spiral and data_moons against NumPy, bit for bit.
//
// usage: test_datasets REFERENCE_DIR
//
// REFERENCE_DIR holds spiral-seed0.txt and moons-seed0.txt (tests/
// reference/): the sets NumPy 1.24 and scikit-learn 1.2 make after
// np.random.seed(0), one point a line, "x y class", every float printed
// with %.17g so that strtod gives back the very same double. We make the
// same sets with the toolkit and compare every coordinate with ==, every
// label exactly, and then the next randn() after each set, which shows
// that the generator was consumed exactly as NumPy consumes it (the
// chapters draw their initial weights from that same stream).
// Prints one line per check; exit status 0 only if every check passed.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/data.h"
#include "../common/matrix.h"
#include "../common/rng.h"

static int passed, failed;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok)
        passed++;
    else
        failed++;
}

// Read up to n lines "x y class" from dir/name into X (n, 2) and y (n).
// Returns the number of points read, or -1 (and says why) when the file
// cannot be opened or a line does not parse.
static int read_reference(const char *dir, const char *name, double *X,
                          int *y, int n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("FAIL: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[256];
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        char *end, *p = line;
        if (count == n) {
            printf("FAIL: %s has more than %d points\n", path, n);
            count = -1;
            break;
        }
        double a = strtod(p, &end);
        double b = end != p ? strtod(p = end, &end) : 0.0;
        long label = end != p ? strtol(p = end, &end, 10) : -1;
        if (end == p || label < 0) {
            printf("FAIL: %s:%d does not read as 'x y class'\n", path,
                   count + 1);
            count = -1;
            break;
        }
        X[2 * count] = a;
        X[2 * count + 1] = b;
        y[count] = (int)label;
        count++;
    }
    fclose(f);
    return count;
}

// Compare n points; print the first difference in full.
static void compare(const char *what, const double *X, const int *y,
                    const double *X_ref, const int *y_ref, int n)
{
    int first_bad = -1, bad = 0;
    for (int i = 0; i < n; i++) {
        int same = X[2 * i] == X_ref[2 * i]
                   && X[2 * i + 1] == X_ref[2 * i + 1] && y[i] == y_ref[i];
        if (!same) {
            bad++;
            if (first_bad < 0)
                first_bad = i;
        }
    }
    if (first_bad >= 0) {
        int i = first_bad;
        printf("     first difference at point %d: ours %.17g %.17g %d, "
               "NumPy's %.17g %.17g %d (%d points differ)\n", i,
               X[2 * i], X[2 * i + 1], y[i], X_ref[2 * i],
               X_ref[2 * i + 1], y_ref[i], bad);
    }
    char message[200];
    snprintf(message, sizeof message, "%s: all %d points equal NumPy's "
             "to the last bit", what, n);
    check(bad == 0, message);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_datasets REFERENCE_DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    enum { SPIRAL_N = 100, SPIRAL_K = 3, MOONS_N = 200 };
    double X[2 * 300], X_ref[2 * 300];
    int y[300], y_ref[300];
    rng r;

    // The spiral: np.random.seed(0); 3 arms of 100 points.
    int n = read_reference(dir, "spiral-seed0.txt", X_ref, y_ref, 300);
    check(n == SPIRAL_N * SPIRAL_K, "spiral-seed0.txt has 300 points");
    if (n == SPIRAL_N * SPIRAL_K) {
        rng_seed(&r, 0);
        data_spiral(&r, X, y, SPIRAL_N, SPIRAL_K);
        compare("spiral", X, y, X_ref, y_ref, n);
        // NumPy: np.random.randn() right after the data loop.
        double next = rng_randn(&r);
        printf("     next randn after the spiral: %.17g\n", next);
        check(next == -1.3065268517353166,
              "spiral: the stream continues where NumPy's does "
              "(next randn -1.3065268517353166)");
    }

    // The moons: np.random.seed(0); make_moons(200, noise=0.20).
    n = read_reference(dir, "moons-seed0.txt", X_ref, y_ref, 300);
    check(n == MOONS_N, "moons-seed0.txt has 200 points");
    if (n == MOONS_N) {
        rng_seed(&r, 0);
        data_moons(&r, X, y, MOONS_N, 0.20);
        compare("moons", X, y, X_ref, y_ref, n);
        double next = rng_randn(&r);
        printf("     next randn after the moons: %.17g\n", next);
        check(next == -0.68417536644592614,
              "moons: the stream continues where NumPy's does "
              "(next randn -0.68417536644592614)");
    }

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
