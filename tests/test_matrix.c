/* test_matrix.c - the matrix toolkit against plain reference loops.
   Exit status 0 when every check passes; each failure prints a line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "matrix.h"
#include "rng.h"

#include "check.h"

static matrix random_matrix(rng *r, int rows, int cols)
{
    matrix m = mat_alloc(rows, cols);
    rng_fill_uniform(r, m.data, mat_size(m), -1.0, 1.0);
    return m;
}

// The definition, written out independently of matrix.c.
static double reference_entry(matrix A, bool ta, matrix B, bool tb, int i,
                              int j, int k)
{
    double sum = 0.0;
    for (int p = 0; p < k; p++) {
        double a = ta ? A.data[p * A.cols + i] : A.data[i * A.cols + p];
        double b = tb ? B.data[j * B.cols + p] : B.data[p * B.cols + j];
        sum += a * b;
    }
    return sum;
}

static void check_gemm(rng *r, int m, int n, int k, bool ta, bool tb)
{
    matrix A = ta ? random_matrix(r, k, m) : random_matrix(r, m, k);
    matrix B = tb ? random_matrix(r, n, k) : random_matrix(r, k, n);
    matrix C = random_matrix(r, m, n), C0 = mat_clone(C);
    matrix D = mat_alloc(m, n);
    double alpha = 0.75, beta = -0.5;
    mat_gemm(C, alpha, A, ta, B, tb, beta);          // may use BLAS
    mat_gemm_naive(D, 1.0, A, ta, B, tb, 0.0);       // the plain loop
    double worst = 0.0, worst_naive = 0.0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double ref = reference_entry(A, ta, B, tb, i, j, k);
            double want = alpha * ref + beta * MAT_AT(C0, i, j);
            worst = fmax(worst, fabs(MAT_AT(C, i, j) - want));
            worst_naive = fmax(worst_naive, fabs(MAT_AT(D, i, j) - ref));
        }
    CHECK(worst < 1e-12 * (k + 1), "gemm %dx%dx%d ta=%d tb=%d: error %g",
          m, n, k, ta, tb, worst);
    CHECK(worst_naive < 1e-12 * (k + 1), "naive %dx%dx%d: error %g", m, n,
          k, worst_naive);
    mat_free(&A), mat_free(&B), mat_free(&C), mat_free(&C0), mat_free(&D);
}

static void test_products(void)
{
    rng r;
    rng_seed(&r, 1);
    const int shapes[][3] = {{1, 1, 1},   {1, 7, 1},    {3, 5, 7},
                             {7, 1, 3},   {17, 13, 11}, {37, 29, 41},
                             {64, 65, 63}, {100, 3, 2},  {2, 100, 300}};
    int n_shapes = (int)(sizeof shapes / sizeof shapes[0]);
    for (int s = 0; s < n_shapes; s++)
        for (int t = 0; t < 4; t++)
            check_gemm(&r, shapes[s][0], shapes[s][1], shapes[s][2],
                       t & 1, t & 2);
    // beta = 0 ignores whatever C held, NaN included
    matrix A = random_matrix(&r, 40, 40), C = mat_alloc(40, 40);
    mat_fill(C, NAN);
    mat_mul(C, A, A);
    int finite = 1;
    for (size_t i = 0; i < mat_size(C); i++)
        finite &= isfinite(C.data[i]);
    CHECK(finite, "mat_mul with beta 0 leaked NaN from C");
    mat_free(&A), mat_free(&C);
    // the three named products are the transposes they claim to be
    matrix X = random_matrix(&r, 4, 3), Y = random_matrix(&r, 4, 5);
    matrix P = mat_alloc(3, 5);
    mat_mul_tn(P, X, Y);
    CHECK(fabs(MAT_AT(P, 2, 4) - reference_entry(X, 1, Y, 0, 2, 4, 4)) <
              1e-15, "mat_mul_tn");
    mat_free(&X), mat_free(&Y), mat_free(&P);
}

static void test_softmax(void)
{
    matrix z = mat_alloc(3, 3);
    double logits[9] = {1000, -1000, 0, -1000, -1000, -1000, 1, 2, 3};
    for (int i = 0; i < 9; i++)
        z.data[i] = logits[i];
    mat_softmax_rows(z);
    for (int i = 0; i < 3; i++) {
        double sum = 0.0;
        for (int j = 0; j < 3; j++) {
            CHECK(isfinite(MAT_AT(z, i, j)), "softmax (%d,%d) not finite",
                  i, j);
            sum += MAT_AT(z, i, j);
        }
        CHECK(fabs(sum - 1.0) < 1e-15, "softmax row %d sums to %g", i, sum);
    }
    CHECK(MAT_AT(z, 0, 0) == 1.0, "softmax of +1000 is %g",
          MAT_AT(z, 0, 0));
    CHECK(fabs(MAT_AT(z, 1, 0) - 1.0 / 3) < 1e-15, "uniform row");
    double e = exp(1.0), denominator = e + e * e + e * e * e;
    CHECK(fabs(MAT_AT(z, 2, 2) - e * e * e / denominator) < 1e-15,
          "softmax(1,2,3)[2] = %.17g", MAT_AT(z, 2, 2));
    CHECK(mat_argmax_row(z, 2) == 2, "argmax");
    mat_free(&z);
}

static void test_rows_and_maps(void)
{
    matrix m = mat_alloc(2, 3), v = mat_alloc(1, 3), s = mat_alloc(1, 3);
    for (int i = 0; i < 6; i++)
        m.data[i] = i;                    // [[0 1 2] [3 4 5]]
    v.data[0] = 10, v.data[1] = 20, v.data[2] = 30;
    mat_add_row(m, v);                    // [[10 21 32] [13 24 35]]
    mat_sum_rows(s, m);
    CHECK(s.data[0] == 23 && s.data[1] == 45 && s.data[2] == 67,
          "sum_rows gave %g %g %g", s.data[0], s.data[1], s.data[2]);
    mat_map(m, sqrt);
    CHECK(fabs(MAT_AT(m, 1, 2) - sqrt(35.0)) < 1e-15, "map");
    CHECK(fabs(mat_sum_squares(v) - 1400.0) < 1e-12, "sum_squares");
    mat_axpy(v, 2.0, s);
    CHECK(v.data[2] == 30 + 2 * 67, "axpy");
    mat_scale(v, -0.5);
    CHECK(v.data[0] == -0.5 * (10 + 2 * 23) && v.data[2] == -82,
          "scale gave %g %g", v.data[0], v.data[2]);
    // mat_add_row_sums adds to what out holds (a backward pass adds)
    matrix g = mat_alloc(3, 2), db = mat_alloc(1, 2);
    for (int i = 0; i < 6; i++)
        g.data[i] = i + 1;                // [[1 2] [3 4] [5 6]]
    db.data[0] = 100, db.data[1] = -100;
    mat_add_row_sums(db, g);
    CHECK(db.data[0] == 109 && db.data[1] == -88,
          "add_row_sums gave %g %g", db.data[0], db.data[1]);
    mat_add_row_sums(db, g);              // twice: adds again
    CHECK(db.data[0] == 118 && db.data[1] == -76, "add_row_sums twice");
    mat_free(&m), mat_free(&v), mat_free(&s), mat_free(&g), mat_free(&db);
}

// mat_print's layout: a header line, then one line per row.
static void test_print(void)
{
    fflush(stdout);
    FILE *capture = tmpfile();
    if (!capture) {
        CHECK(0, "tmpfile failed");
        return;
    }
    int saved = dup(STDOUT_FILENO);
    dup2(fileno(capture), STDOUT_FILENO);
    matrix m = mat_alloc(2, 2);
    m.data[0] = 1.5, m.data[3] = -0.25;
    mat_print("m", m);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    char text[256] = "";
    rewind(capture);
    size_t n = fread(text, 1, sizeof text - 1, capture);
    text[n] = '\0';
    fclose(capture);
    const char *want = "m (2, 2)\n   1.500000   0.000000\n"
                       "   0.000000  -0.250000\n";
    CHECK(strcmp(text, want) == 0, "mat_print gave:\n%s", text);
    mat_free(&m);
}

// A shape mismatch must stop the program, in every build.
static void test_shape_check_aborts(void)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        freopen("/dev/null", "w", stderr);
        matrix a = mat_alloc(2, 3), b = mat_alloc(2, 3),
               c = mat_alloc(2, 2);
        mat_mul(c, a, b);                 // (2,3)(2,3): wrong
        _exit(0);                         // reached only if unchecked
    }
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status), "a shape mismatch did not abort");
}

int main(void)
{
    test_products();
    test_softmax();
    test_rows_and_maps();
    test_print();
    test_shape_check_aborts();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "ok", failures);
    return failures ? 1 : 0;
}
