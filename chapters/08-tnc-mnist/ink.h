/* ink.h - products with a matrix of images that skip its zeros.

   What it does: a matrix a of images, one image per column (row 0 the
   bias input 1, then the pixels), is mostly zeros: blank paper. ink_build
   lists its nonzeros twice, by column (each image's inked pixels) and by
   row (the images in which each pixel is inked), and the two products a
   network needs with a are then sums over those lists alone:

       ink_times(z, W, ink)          z  = W a        (the forward pass)
       ink_times_add_t(dW, dz, ink)  dW += dz a^T    (the weights' gradient)

   The results are the sums mat_gemm computes, without their zero terms:
   equal up to the order of the additions. --threads shares the lists
   out; each list is always summed by one thread in one order, so the
   bytes of the result do not depend on the number of threads.

   Threads: ink_build starts threads - 1 workers once; they sleep
   between products and take their share of each one, the calling
   thread taking the first share; ink_free stops them.

   Failure: none. A worker that cannot be started leaves its share to
   the calling thread. Memory comes from nn_alloc, which stops the
   program with one line when memory runs out.

   Memory: ink_build allocates the lists (packed when they fit 16
   bits), where each list's entries of each block of rows begin, and a
   scratch area for products with at most max_outputs rows of W;
   nothing is allocated per product. ink_free releases them (and zeroes
   the struct, so freeing twice is harmless). The matrix a is not kept:
   the lists are a copy of its nonzeros. An ink_matrix must not be
   copied while in use (the workers know its address); a copy with the
   fields zeroed is an empty one. */
#ifndef CH8_INK_H
#define CH8_INK_H

#include <stdint.h>

#include "matrix.h"

// The nonzeros of a matrix as lists: list j holds start[j+1] - start[j]
// entries (index, value), indices rising, stored one of two ways:
// packed, two 16-bit numbers each (index16, and code: the value is
// the matrix's table[code]), when the indices and the distinct values
// both fit; else wide (index, value), and index16 and code are NULL.
// The indices are cut into n_blocks blocks of block_size; list j's
// entries of block b are cut[j * (n_blocks + 1) + b] up to
// cut[j * (n_blocks + 1) + b + 1].
typedef struct {
    int n_lists;        // columns (by column) or rows (by row)
    int *start;         // (n_lists + 1)
    int *index;         // (entries): a row, or a column; NULL if packed
    double *value;      // (entries): its value; NULL if packed
    uint16_t *index16;  // (entries): the index, packed
    uint16_t *code;     // (entries): the value's place in the table
    int n_blocks;       // blocks of indices
    int block_size;     // indices per block (the last may have fewer)
    int *cut;           // (n_lists, n_blocks + 1)
} ink_lists;

typedef struct {
    int rows, cols;     // the shape of the matrix a described
    int max_outputs;    // the most rows of W a product may have
    ink_lists by_col;   // each image's inked inputs (index: the row)
    ink_lists by_row;   // each input's inked images (index: the column)
    double *table;      // (n_table): a's distinct nonzeros, rising, when
    int n_table;        // the lists are packed; else NULL and 0
    int threads;        // how many threads share a product
    double *scratch;    // (2 * strips * 32 * max(rows, cols)),
                        // aligned to 64 bytes
    void *scratch_block;  // what nn_alloc returned, for free
    struct ink_pool *pool;  // the sleeping workers, or NULL
} ink_matrix;

// The lists of a's nonzeros, a (rows, cols); products with W of up to
// max_outputs rows, shared by `threads` threads (1 to 16).
void ink_build(ink_matrix *ink, matrix a, int max_outputs, int threads);
void ink_free(ink_matrix *ink);

// The share of a's entries that are not zero, 0 to 1.
double ink_density(const ink_matrix *ink);

// z = W a. z is (n_out, cols), W is (n_out, rows), n_out <= max_outputs.
void ink_times(matrix z, matrix W, const ink_matrix *ink);

// dW += dz a^T. dW is (n_out, rows), dz is (n_out, cols).
void ink_times_add_t(matrix dW, matrix dz, const ink_matrix *ink);

#endif
