/* digits.h - chapter 8's data: MNIST digits as the network reads them.

   What it does: load_digits reads an IDX data set (idx.h), takes the
   first n_train / 10 images of each digit from its training file and
   the first n_test images of its test file, shrinks them from their
   side to `side` pixels by area averaging, and stores each set as the
   network reads it: one column per image, a first row of ones for the
   bias, pixel values byte / 255 averaged over areas, one-hot targets.
   scaling_check runs the area averaging on synthetic images whose
   averages are known without the code.

   Failure: load_digits returns CLI_CONTINUE, or the status main() must
   return (2) after one line on stderr: a file missing or failing idx.h's
   checks, no test set, images not square, test images of another size
   than the training images, `side` larger than the images, or more
   memory than the budget (cli_check_memory). On failure the sets are
   left empty.

   Memory: the sets own their matrices and labels (and ink lists, once
   built): free_digits releases them and leaves the set empty, so
   freeing twice is harmless. */
#ifndef CH8_DIGITS_H
#define CH8_DIGITS_H

#include "cli.h"
#include "ink.h"
#include "matrix.h"

// A set of images as the network reads them: one column per image.
typedef struct {
    int m;              // number of images
    matrix inputs;      // (n_in + 1, m): row 0 all ones, then pixels
    matrix targets;     // (n_out, m): the labels, one-hot
    int *labels;        // (m): the digits, 0..9
    ink_matrix ink;     // inputs' nonzeros; empty with --dense
} digit_set;

// Up to n_train training images (n_train / 10 of each digit) and n_test
// test images of data set `data` (idx_load_dataset's name or
// directory), shrunk to side x side; `hidden` sizes the memory check.
// Prints two lines saying what it took.
int load_digits(digit_set *train_set, digit_set *test_set,
                const char *data, int n_train, int n_test, int side,
                int hidden, const cli_common *common);
void free_digits(digit_set *set);

// targets[d][i] = 1 when labels[i] == d, else 0; targets is (n_out, m).
void one_hot(matrix targets, const int *labels);

// The largest differences between shrunk synthetic images and their
// known averages: a constant image, the left 7 of 28 columns, one
// inked pixel, and a 28 -> 14 shrink against 2x2 block means.
void scaling_check(double worst[4]);

#endif
