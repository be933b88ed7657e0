/* test_rng.c - the generator against NumPy 1.24's own output.
   argv[1] is tests/reference/numpy-rng-seed0.txt: one line per call,
   np.random.seed(0) before each, values printed with %.17g. Exact
   equality is required: these are the bits the chapters rely on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

static int failures = 0, checked = 0;

static void compare(const char *what, int i, double got, double want)
{
    checked++;
    if (got != want) {
        printf("FAIL %s[%d]: got %.17g, NumPy %.17g\n", what, i, got, want);
        failures++;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_rng numpy-rng-seed0.txt\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char line[8192];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *name = strtok(line, " \n");
        if (!name)
            continue;
        double want[64];
        int n = 0;
        // the name may hold spaces, "normal(scale=0.2, size=5)": keep
        // only the tokens that are numbers through and through
        for (char *tok; n < 64 && (tok = strtok(NULL, " \n"));) {
            char *end;
            double v = strtod(tok, &end);
            if (*end == '\0')
                want[n++] = v;
        }
        rng r;
        rng_seed(&r, 0);
        lines++;
        if (strcmp(name, "random_raw") == 0) {
            for (int i = 0; i < n; i++)
                compare(name, i, rng_u32(&r), want[i]);
        } else if (strcmp(name, "rand") == 0) {
            for (int i = 0; i < n; i++)
                compare(name, i, rng_rand(&r), want[i]);
        } else if (strcmp(name, "randn") == 0) {
            for (int i = 0; i < n; i++)
                compare(name, i, rng_randn(&r), want[i]);
            // the same draws through rng_fill_randn, odd and even counts
            // (the polar method caches every second value)
            double filled[64];
            for (int split = 1; split <= 2 && n > 2; split++) {
                rng_seed(&r, 0);
                rng_fill_randn(&r, filled, (size_t)split);
                rng_fill_randn(&r, filled + split, (size_t)(n - split));
                for (int i = 0; i < n; i++)
                    compare("rng_fill_randn", i, filled[i], want[i]);
            }
        } else if (strncmp(name, "uniform", 7) == 0) {
            for (int i = 0; i < n; i++)
                compare(name, i, rng_uniform(&r, -0.5, 0.5), want[i]);
        } else if (strncmp(name, "shuffle", 7) == 0) {
            int items[64];
            for (int i = 0; i < n; i++)
                items[i] = i;
            rng_shuffle(&r, items, (size_t)n, sizeof items[0]);
            for (int i = 0; i < n; i++)
                compare(name, i, items[i], want[i]);
        } else if (strncmp(name, "permutation", 11) == 0) {
            int items[64];
            rng_permutation(&r, items, n);
            for (int i = 0; i < n; i++)
                compare(name, i, items[i], want[i]);
        } else if (strncmp(name, "normal", 6) == 0) {
            for (int i = 0; i < n; i++)
                compare(name, i, rng_normal(&r, 0.0, 0.2), want[i]);
        } else {
            printf("FAIL: unknown reference line '%s'\n", name);
            failures++;
        }
    }
    fclose(f);
    if (lines < 7) {
        printf("FAIL: only %d reference lines read\n", lines);
        failures++;
    }
    printf("%s: %d values compared, %d differ\n", failures ? "FAIL" : "ok",
           checked, failures);
    return failures ? 1 : 0;
}
