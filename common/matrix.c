/* matrix.c - dense row-major matrices. The contract is in matrix.h. */
#include "matrix.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef NN_USE_CBLAS
#include <cblas.h>
#endif

void *nn_alloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "error: out of memory allocating %zu x %zu bytes; "
                "try a smaller run (--quick or smaller sizes)\n",
                count, size);
        exit(1);
    }
    return p;
}

void *nn_realloc(void *p, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        fprintf(stderr, "error: out of memory: %zu x %zu bytes do not fit "
                "in a size; try a smaller run (--quick or smaller sizes)\n",
                count, size);
        exit(1);
    }
    size_t bytes = count * size;
    void *grown = realloc(p, bytes ? bytes : 1);
    if (!grown) {
        fprintf(stderr, "error: out of memory growing a block to %zu x %zu "
                "bytes; try a smaller run (--quick or smaller sizes)\n",
                count, size);
        exit(1);
    }
    return grown;
}

// Shape checks stay on in release builds: a wrong shape is a bug, and a
// silent one would compute garbage. Report the caller's line and abort.
#define SHAPE_CHECK(cond, what, a, b)                                      \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: %s: shape mismatch: (%d, %d) vs "      \
                    "(%d, %d)\n", __FILE__, __LINE__, what,                \
                    (a).rows, (a).cols, (b).rows, (b).cols);               \
            abort();                                                       \
        }                                                                  \
    } while (0)

matrix mat_alloc(int rows, int cols)
{
    if (rows < 0 || cols < 0) {
        fprintf(stderr, "mat_alloc: negative shape (%d, %d)\n", rows, cols);
        abort();
    }
    matrix m = {rows, cols, NULL};
    m.data = nn_alloc((size_t)rows * (size_t)cols, sizeof(double));
    return m;
}

void mat_free(matrix *m)
{
    free(m->data);
    m->data = NULL;
    m->rows = m->cols = 0;
}

matrix mat_clone(matrix src)
{
    matrix m = mat_alloc(src.rows, src.cols);
    mat_copy(m, src);
    return m;
}

void mat_copy(matrix dst, matrix src)
{
    SHAPE_CHECK(dst.rows == src.rows && dst.cols == src.cols, "mat_copy",
                dst, src);
    for (size_t i = 0; i < mat_size(src); i++)
        dst.data[i] = src.data[i];
}

void mat_fill(matrix m, double value)
{
    for (size_t i = 0; i < mat_size(m); i++)
        m.data[i] = value;
}

// Shapes of op(A) and op(B), then the check that C = op(A) op(B) fits.
static void gemm_shapes(matrix C, matrix A, bool ta, matrix B, bool tb,
                        int *m, int *n, int *k)
{
    int a_rows = ta ? A.cols : A.rows, a_cols = ta ? A.rows : A.cols;
    int b_rows = tb ? B.cols : B.rows, b_cols = tb ? B.rows : B.cols;
    SHAPE_CHECK(a_cols == b_rows, "mat_gemm: op(A) op(B)", A, B);
    SHAPE_CHECK(C.rows == a_rows && C.cols == b_cols, "mat_gemm: C", C,
                ((matrix){a_rows, b_cols, NULL}));
    *m = a_rows;
    *n = b_cols;
    *k = a_cols;
}

void mat_gemm_naive(matrix C, double alpha, matrix A, bool transpose_a,
                    matrix B, bool transpose_b, double beta)
{
    int m, n, k;
    gemm_shapes(C, A, transpose_a, B, transpose_b, &m, &n, &k);
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            // C_ij = alpha * sum_p op(A)_ip op(B)_pj + beta * C_ij
            double sum = 0.0;
            for (int p = 0; p < k; p++) {
                double a = transpose_a ? MAT_AT(A, p, i) : MAT_AT(A, i, p);
                double b = transpose_b ? MAT_AT(B, j, p) : MAT_AT(B, p, j);
                sum += a * b;
            }
            double old = beta == 0.0 ? 0.0 : beta * MAT_AT(C, i, j);
            MAT_AT(C, i, j) = alpha * sum + old;
        }
    }
}

void mat_gemm(matrix C, double alpha, matrix A, bool transpose_a,
              matrix B, bool transpose_b, double beta)
{
#ifdef NN_USE_CBLAS
    int m, n, k;
    gemm_shapes(C, A, transpose_a, B, transpose_b, &m, &n, &k);
    // Tiny products cost more to hand over than to compute.
    if ((double)m * n * k >= 4096.0 && m > 0 && n > 0 && k > 0) {
        if (beta == 0.0)
            mat_fill(C, 0.0);   // BLAS may read C even when beta is 0
        cblas_dgemm(CblasRowMajor,
                    transpose_a ? CblasTrans : CblasNoTrans,
                    transpose_b ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, A.data, A.cols, B.data, B.cols,
                    beta, C.data, C.cols);
        return;
    }
#endif
    mat_gemm_naive(C, alpha, A, transpose_a, B, transpose_b, beta);
}

void mat_blas_threads(int threads)
{
#if defined(NN_USE_CBLAS) && defined(OPENBLAS_VERSION)
    openblas_set_num_threads(threads);
#else
    (void)threads;
#endif
}

void mat_mul(matrix C, matrix A, matrix B)
{
    mat_gemm(C, 1.0, A, false, B, false, 0.0);
}

void mat_mul_tn(matrix C, matrix A, matrix B)
{
    mat_gemm(C, 1.0, A, true, B, false, 0.0);
}

void mat_mul_nt(matrix C, matrix A, matrix B)
{
    mat_gemm(C, 1.0, A, false, B, true, 0.0);
}

void mat_add_row(matrix m, matrix v)
{
    SHAPE_CHECK(v.rows == 1 && v.cols == m.cols, "mat_add_row", m, v);
    for (int i = 0; i < m.rows; i++)
        for (int j = 0; j < m.cols; j++)
            MAT_AT(m, i, j) += v.data[j];
}

void mat_sum_rows(matrix out, matrix m)
{
    SHAPE_CHECK(out.rows == 1 && out.cols == m.cols, "mat_sum_rows", out,
                m);
    for (int j = 0; j < m.cols; j++)
        out.data[j] = 0.0;
    for (int i = 0; i < m.rows; i++)
        for (int j = 0; j < m.cols; j++)
            out.data[j] += MAT_AT(m, i, j);
}

void mat_add_row_sums(matrix out, matrix m)
{
    SHAPE_CHECK(out.rows == 1 && out.cols == m.cols, "mat_add_row_sums",
                out, m);
    for (int i = 0; i < m.rows; i++)
        for (int j = 0; j < m.cols; j++)
            out.data[j] += MAT_AT(m, i, j);
}

void mat_axpy(matrix y, double alpha, matrix x)
{
    SHAPE_CHECK(y.rows == x.rows && y.cols == x.cols, "mat_axpy", y, x);
    for (size_t i = 0; i < mat_size(y); i++)
        y.data[i] += alpha * x.data[i];
}

void mat_scale(matrix m, double alpha)
{
    for (size_t i = 0; i < mat_size(m); i++)
        m.data[i] *= alpha;
}

void mat_map(matrix m, double (*f)(double))
{
    for (size_t i = 0; i < mat_size(m); i++)
        m.data[i] = f(m.data[i]);
}

double mat_sum_squares(matrix m)
{
    double sum = 0.0;
    for (size_t i = 0; i < mat_size(m); i++)
        sum += m.data[i] * m.data[i];
    return sum;
}

void mat_softmax_rows(matrix m)
{
    for (int i = 0; i < m.rows; i++) {
        double *row = &MAT_AT(m, i, 0);
        double max = row[0];
        for (int j = 1; j < m.cols; j++)
            if (row[j] > max)
                max = row[j];
        double sum = 0.0;
        for (int j = 0; j < m.cols; j++) {
            row[j] = exp(row[j] - max);   // largest term is exp(0) = 1
            sum += row[j];
        }
        for (int j = 0; j < m.cols; j++)
            row[j] /= sum;
    }
}

int mat_argmax_row(matrix m, int i)
{
    int best = 0;
    for (int j = 1; j < m.cols; j++)
        if (MAT_AT(m, i, j) > MAT_AT(m, i, best))
            best = j;
    return best;
}

void mat_print(const char *name, matrix m)
{
    printf("%s (%d, %d)\n", name, m.rows, m.cols);
    for (int i = 0; i < m.rows; i++) {
        for (int j = 0; j < m.cols; j++)
            printf(" %10.6f", MAT_AT(m, i, j));
        printf("\n");
    }
}
