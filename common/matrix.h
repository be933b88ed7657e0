/* matrix.h - a small dense matrix of doubles, row-major.

   What it does: a matrix is {rows, cols, data} with element (i, j) at
   data[i * cols + j]. The calls below allocate and free matrices, multiply
   them (either operand may be transposed), apply element-wise maps, add a
   row vector to every row (a bias), sum over rows, and take a numerically
   safe softmax of every row.

   Shapes are checked on every call, in every build: a mismatch is a bug
   in the caller, so it prints the call, the two shapes and the source line,
   and aborts. That is the only way these calls fail, apart from memory.

   Memory: mat_alloc returns a zeroed matrix that the caller owns and
   releases with mat_free (which also resets it, so a double free is
   harmless). nn_alloc is calloc (and nn_realloc realloc) that never
   returns NULL: when memory runs out it prints one line naming the size
   and exits with status 1 - the one place the toolkit stops the program,
   as llm.c's mallocCheck does, because no chapter can do anything useful
   without its arrays.

   Speed: mat_mul has a plain triple loop as the reference (read it first)
   and, when built with NN_USE_CBLAS (the default build links OpenBLAS),
   hands large products to cblas_dgemm. Both give the same result up to
   the order of the additions. */
#ifndef NN_MATRIX_H
#define NN_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int rows, cols;
    double *data;   // (rows, cols), row-major
} matrix;

// Element (i, j), usable on both sides of '='.
#define MAT_AT(m, i, j) ((m).data[(size_t)(i) * (size_t)(m).cols + (j)])

// calloc that prints and exits on failure (see above). Free with free().
void *nn_alloc(size_t count, size_t size);
// realloc of p (NULL or from nn_alloc/nn_realloc) to count * size bytes,
// with the same stop on failure and on a count * size that overflows.
// The old contents are kept; new bytes are NOT zeroed.
void *nn_realloc(void *p, size_t count, size_t size);

matrix mat_alloc(int rows, int cols);       // zero-filled
void mat_free(matrix *m);
matrix mat_clone(matrix src);
void mat_copy(matrix dst, matrix src);      // same shapes
void mat_fill(matrix m, double value);
// rows * cols. Inline, so that a loop bounded by it can be vectorised.
static inline size_t mat_size(matrix m)
{
    return (size_t)m.rows * (size_t)m.cols;
}

// C = alpha * op(A) op(B) + beta * C, op(X) = X or X^T.
// With beta = 0, C's old contents are ignored (NaN included).
void mat_gemm(matrix C, double alpha, matrix A, bool transpose_a,
              matrix B, bool transpose_b, double beta);
// C = A B, C = A^T B, C = A B^T: the three products backprop needs.
void mat_mul(matrix C, matrix A, matrix B);
void mat_mul_tn(matrix C, matrix A, matrix B);
void mat_mul_nt(matrix C, matrix A, matrix B);
// The reference: the plain loop, never BLAS. Used by the tests.
void mat_gemm_naive(matrix C, double alpha, matrix A, bool transpose_a,
                    matrix B, bool transpose_b, double beta);

// m[i][j] += v[j] for every row i; v is (1, cols).
void mat_add_row(matrix m, matrix v);
// out[j] = sum_i m[i][j]; out is (1, cols). Overwrites out.
void mat_sum_rows(matrix out, matrix m);
// out[j] += sum_i m[i][j]; out is (1, cols). Adds, as a backward pass
// does: the gradient of a bias b added to every row (mat_add_row) is
// the column sums of the upstream gradient.
void mat_add_row_sums(matrix out, matrix m);
// y += alpha * x, element-wise, same shapes.
void mat_axpy(matrix y, double alpha, matrix x);
// m = alpha * m, element-wise.
void mat_scale(matrix m, double alpha);
// m[i] = f(m[i]) for every element.
void mat_map(matrix m, double (*f)(double));
// Sum of squares of every element (for L2 penalties).
double mat_sum_squares(matrix m);

// Row-wise softmax in place: p_ij = exp(z_ij - max_k z_ik) / sum_k (...).
// Subtracting the row maximum keeps exp() finite for any finite logits.
void mat_softmax_rows(matrix m);
// Index of the largest element of row i (the first one on ties).
int mat_argmax_row(matrix m, int i);

// How many threads the BLAS behind mat_gemm may use. Only OpenBLAS has
// the knob; with another BLAS, or none, this does nothing. A chapter
// that runs its own threads sets it to 1 so the two do not compete.
void mat_blas_threads(int threads);

// Print "name (rows, cols)" and then each row, %10.6f per element, on
// stdout: for debugging and for small examples in the exercises.
void mat_print(const char *name, matrix m);

#endif
