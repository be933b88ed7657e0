/* test_ink.c - the ink lists' products against plain loops, bit for bit.

   ink_times and ink_times_add_t (ink.c) cut their work into strips,
   blocks and threads and run vector loops, but promise to add each
   list's entries one by one in the list's order, starting from zero.
   The plain loops below do exactly that, with no strips, blocks,
   threads or vectors, so the results must be the same bytes: for
   matrices with empty rows and columns, shapes that span several
   blocks, outputs that fill less than one strip, exactly one, and
   more than two, on one thread and on three, with lists packed (values
   of a byte, like a scanned pixel's) and wide (too many distinct
   values to pack). Exit status 1 on any difference. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ink.h"
#include "matrix.h"
#include "rng.h"

// z = W a over a's nonzeros, each sum from 0 in the order of rising p.
// z is (n_out, cols), W is (n_out, rows), a is (rows, cols).
static void plain_times(matrix z, matrix W, matrix a)
{
    for (int h = 0; h < z.rows; h++)
        for (int i = 0; i < a.cols; i++) {
            double sum = 0.0;
            for (int p = 0; p < a.rows; p++)
                if (MAT_AT(a, p, i) != 0.0)
                    sum += MAT_AT(a, p, i) * MAT_AT(W, h, p);
            MAT_AT(z, h, i) = sum;
        }
}

// dW += dz a^T over a's nonzeros, each sum from 0 in the order of rising
// i, then added. dW is (n_out, rows), dz is (n_out, cols).
static void plain_times_add_t(matrix dW, matrix dz, matrix a)
{
    for (int h = 0; h < dW.rows; h++)
        for (int p = 0; p < a.rows; p++) {
            double sum = 0.0;
            for (int i = 0; i < a.cols; i++)
                if (MAT_AT(a, p, i) != 0.0)
                    sum += MAT_AT(a, p, i) * MAT_AT(dz, h, i);
            MAT_AT(dW, h, p) += sum;
        }
}

static bool same_bytes(matrix x, matrix y)
{
    return memcmp(x.data, y.data, mat_size(x) * sizeof(double)) == 0;
}

// A (rows, cols) matrix with about `density` of its entries in (0, 1),
// multiples of 1/255 if `bytes`, row 0 all ones (the bias), and row 1
// and the last column all zeros.
static matrix sparse_matrix(rng *r, int rows, int cols, double density,
                            bool bytes)
{
    matrix a = mat_alloc(rows, cols);
    for (int p = 0; p < rows; p++)
        for (int i = 0; i < cols; i++) {
            double u = rng_uniform(r, 0.0, 1.0);
            double v = rng_uniform(r, 0.0, 1.0);
            if (bytes)
                v = (1 + (int)(v * 254)) / 255.0;
            MAT_AT(a, p, i) = p == 0 ? 1.0
                              : p == 1 || i == cols - 1 ? 0.0
                              : u < density ? v : 0.0;
        }
    return a;
}

static int packed_runs, wide_runs;

static void check_shape(rng *r, int rows, int cols, bool bytes,
                        int n_out, int threads)
{
    matrix a = sparse_matrix(r, rows, cols, 0.3, bytes);
    matrix W = mat_alloc(n_out, rows), dz = mat_alloc(n_out, cols);
    rng_fill_uniform(r, W.data, mat_size(W), -1.0, 1.0);
    rng_fill_uniform(r, dz.data, mat_size(dz), -1.0, 1.0);
    matrix z = mat_alloc(n_out, cols), z_plain = mat_alloc(n_out, cols);
    matrix dW = mat_alloc(n_out, rows), dW_plain = mat_alloc(n_out, rows);
    rng_fill_uniform(r, dW.data, mat_size(dW), -1.0, 1.0);  // += onto
    memcpy(dW_plain.data, dW.data, mat_size(dW) * sizeof(double));
    mat_fill(z, 7.0);                                       // overwritten

    ink_matrix ink;
    ink_build(&ink, a, n_out, threads);
    ink_times(z, W, &ink);
    ink_times_add_t(dW, dz, &ink);
    plain_times(z_plain, W, a);
    plain_times_add_t(dW_plain, dz, a);
    CHECK(same_bytes(z, z_plain), "W a, a (%d, %d), %d outputs, %d "
          "threads: not the plain loop's bytes", rows, cols, n_out,
          threads);
    CHECK(same_bytes(dW, dW_plain), "dW += dz a^T, a (%d, %d), %d "
          "outputs, %d threads: not the plain loop's bytes", rows, cols,
          n_out, threads);
    // twice in a row: nothing is left over from the first product
    ink_times(z, W, &ink);
    CHECK(same_bytes(z, z_plain), "W a a second time: other bytes");
    printf("a (%4d, %4d), %2d outputs, %d threads: %d blocks by column, "
           "%d by row, %s\n", rows, cols, n_out, threads,
           ink.by_col.n_blocks, ink.by_row.n_blocks,
           ink.table ? "packed" : "wide");
    *(ink.table ? &packed_runs : &wide_runs) += 1;
    ink_free(&ink);
    mat_free(&a), mat_free(&W), mat_free(&dz), mat_free(&z);
    mat_free(&z_plain), mat_free(&dW), mat_free(&dW_plain);
}

int main(void)
{
    rng r;
    rng_seed(&r, 8);
    // rows, columns, values of a byte (packed) or not (wide)
    int shapes[][3] = {{5, 3, 0}, {401, 700, 1}, {401, 700, 0},
                       {1000, 250, 0}, {130, 2000, 1}};
    int outputs[] = {1, 25, 32, 33, 70};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (size_t o = 0; o < sizeof outputs / sizeof outputs[0]; o++)
            for (int threads = 1; threads <= 3; threads += 2)
                check_shape(&r, shapes[s][0], shapes[s][1],
                            shapes[s][2], outputs[o], threads);
    CHECK(packed_runs > 0 && wide_runs > 0, "packed lists in %d cases, "
          "wide in %d: both kinds must be tested", packed_runs,
          wide_runs);
    printf("%s\n", failures ? "FAILED" : "ok: the same bytes as the "
           "plain loops");
    return failures ? 1 : 0;
}
