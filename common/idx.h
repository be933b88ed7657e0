/* idx.h - read MNIST-style IDX files (plain or gzip) and whole data sets.

   What it does: IDX is the file format of MNIST and Fashion-MNIST. A file
   is a 4-byte magic number - two zero bytes, an element type (0x08 for
   unsigned bytes) and the number of dimensions - then one big-endian
   32-bit size per dimension, then the elements, row-major:

       images  0x00000803  count, rows, cols   then count*rows*cols pixels
       labels  0x00000801  count               then count labels

   The readers open plain and gzip-compressed files alike (zlib's gzread
   tells them apart), check everything the header claims against what the
   file holds, and keep the bytes as they are: pixels 0..255, labels as
   digits. idx_parse_* run the same checks on a file already in memory
   (the fuzzer drives them).

   Checks, each failing with its own message: the magic number (not IDX,
   element type not unsigned byte, wrong number of dimensions); every
   size > 0; the payload below IDX_MAX_BYTES, checked before anything is
   allocated, so a header that claims 2^31 images is refused, not obeyed
   (memory then grows with the data actually read: a short file that
   claims 1 GiB costs what it holds); the payload length (short:
   truncated; long: trailing bytes); gzip errors; and every label <=
   max_label (the message names the index).

   Failure: every call returns 0 on success and -1 on failure. On failure
   it writes one line, without a newline, into err[err_size] naming the
   file and the problem, e.g.

       data/x.gz: truncated: header promises 10000 images of 28x28
       (7840000 bytes) but only 123456 follow

   (one line in reality) - and leaves *out zeroed. err may be NULL. The
   library never prints and never exits; what to do is the caller's call
   (a chapter prints err to stderr and returns 2).

   Memory: on success the pixels/labels arrays are malloc'ed and owned by
   the caller; release them with idx_free_images / idx_free_labels /
   idx_free_dataset, which also zero the struct, so freeing twice or
   freeing a failed result is harmless.

   Usage:
       idx_dataset d;
       char err[512];
       if (idx_load_dataset(&d, "mnist", err, sizeof err) != 0) {
           fprintf(stderr, "%s\n", err);
           return 2;
       }
       // image i is d.train_images.pixels + i * 28 * 28,
       // its digit is d.train_labels.labels[i]
       idx_free_dataset(&d);
*/
#ifndef NN_IDX_H
#define NN_IDX_H

#include <stddef.h>

// The largest payload (pixels or labels) accepted: 1 GiB. The full MNIST
// training images are 47 MB.
#define IDX_MAX_BYTES ((size_t)1 << 30)

typedef struct {
    int count, rows, cols;
    unsigned char *pixels;  // (count, rows * cols), row-major, 0..255
} idx_images;

typedef struct {
    int count;
    unsigned char *labels;  // (count), each 0..max_label
} idx_labels;

// Read an image file (magic 0x00000803) from path, plain or gzip.
int idx_read_images(idx_images *out, const char *path,
                    char *err, size_t err_size);

// Read a label file (magic 0x00000801); every label must be <= max_label
// (9 for digits; 255 accepts any byte).
int idx_read_labels(idx_labels *out, const char *path, int max_label,
                    char *err, size_t err_size);

// The same checks on a whole uncompressed file already in memory,
// bytes[size]; name is only used in messages. The result is a copy.
int idx_parse_images(idx_images *out, const unsigned char *bytes,
                     size_t size, const char *name,
                     char *err, size_t err_size);
int idx_parse_labels(idx_labels *out, const unsigned char *bytes,
                     size_t size, int max_label, const char *name,
                     char *err, size_t err_size);

void idx_free_images(idx_images *images);
void idx_free_labels(idx_labels *labels);

// A training set and, when the files exist, a test set. Labels are 0..9;
// images and labels are checked to come in equal numbers.
typedef struct {
    idx_images train_images, test_images;
    idx_labels train_labels, test_labels;
    int has_test;   // 0: no t10k files, test_* are empty
} idx_dataset;

/* Load a data set by name or from a directory:

   "mnist"    the official MNIST: 60,000 training and 10,000 test
              digits of 28x28 in their original order, as `make deps`
              installs them (verified against data/SHA256SUMS) in the
              repository's data/mnist/. Looked for in $NN_DATA_DIR/mnist
              only, if NN_DATA_DIR (a data/ directory) is set; else in
              NN_SOURCE_DIR/data/mnist when the build defines
              NN_SOURCE_DIR as the repository's root, then ./data/mnist.
              Missing, or not 60,000 + 10,000 of 28x28: an error that
              says to run `make deps`.
   "fashion"  Fashion-MNIST, 60,000 + 10,000, as Debian's
              dataset-fashion-mnist installs it in
              /usr/share/datasets/fashion-mnist/.
   a path     a directory holding the standard names:
                  train-images-idx3-ubyte   train-labels-idx1-ubyte
                  t10k-images-idx3-ubyte    t10k-labels-idx1-ubyte
              each plain or with .gz (a '.' before "idx" is accepted
              too, as some copies name them); the t10k pair is optional. */
int idx_load_dataset(idx_dataset *out, const char *name_or_dir,
                     char *err, size_t err_size);

void idx_free_dataset(idx_dataset *dataset);

#endif
