// make_bad_idx.c - write data set directories, one good and many broken,
// for testing a chapter's `--data DIR`.
//
// usage: make_bad_idx OUT_DIR
//
// Creates OUT_DIR (if missing) and in it one directory per case, each
// holding train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz, the
// names idx_load_dataset looks for:
//
//   good/            40 images of 28x28, labels 0..9, plus a t10k pair
//                    of 10: loads (a chapter should run on it)
//   wrong-magic/     the image file starts 0x12345678
//   truncated/       the image file stops 100 bytes short
//   huge-count/      the image header claims 2^31 images of 28x28
//   label-10/        label 10 at index 7
//   trailing/        5 bytes after the image data
//   empty/           an empty image file
//   count-mismatch/  40 images, 39 labels
//   no-labels/       the image file only
//   test-size/       the good training pair, and a t10k pair of 10
//                    images of 56x56 (the test set must match 28x28)
//   gzip-garbage/    7 bytes of garbage after the image file's gzip data
//   gzip-cut/        the image file's gzip data cut to 15 bytes
//   fifo/            train-images-idx3-ubyte is a FIFO (nothing writes
//                    to it: a reader that opens it blindly hangs)
//
// Every case but good/ must make idx_load_dataset fail, so a chapter run
// with `--data OUT_DIR/CASE` must print one line and exit 2.
//
// tests/idx.cmake builds this program and runs it as the test
// make_bad_idx, a CTest fixture named bad_idx_dirs, writing the cases to
// ${CMAKE_BINARY_DIR}/bad_idx/. A chapter's tests.cmake uses them so:
//
//   add_test(NAME ${CHAPTER}.truncated-idx
//            COMMAND ${CHAPTER_BIN} --quick --plot none
//                    --data ${CMAKE_BINARY_DIR}/bad_idx/truncated)
//   set_tests_properties(${CHAPTER}.truncated-idx PROPERTIES
//            FIXTURES_REQUIRED bad_idx_dirs WILL_FAIL TRUE)
//
// (or through a wrapper that checks for status 2 exactly). Exit status
// 0, or 1 if a file cannot be written.
#define _POSIX_C_SOURCE 200809L   // mkdir, mkfifo, truncate

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum { GOOD_COUNT = 40, TEST_COUNT = 10, SIDE = 28, PIXELS = SIDE * SIDE };

static const char *out_dir;

static void put_u32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

// Write bytes[size] gzipped to OUT_DIR/dir/name; 0 or -1.
static int write_gz(const char *dir, const char *name,
                    const unsigned char *bytes, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, dir);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "make_bad_idx: cannot create %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, dir, name);
    gzFile f = gzopen(path, "wb9");
    int ok = f != NULL
          && (size == 0 || gzwrite(f, bytes, (unsigned)size) == (int)size);
    ok = f != NULL && gzclose(f) == Z_OK && ok;
    if (!ok)
        fprintf(stderr, "make_bad_idx: cannot write %s\n", path);
    return ok ? 0 : -1;
}

// count images of 28x28: a bright square whose place depends on i.
static size_t image_file(unsigned char *buf, int count)
{
    put_u32(buf, 0x00000803);
    put_u32(buf + 4, (unsigned long)count);
    put_u32(buf + 8, SIDE);
    put_u32(buf + 12, SIDE);
    unsigned char *pixels = buf + 16;
    memset(pixels, 0, (size_t)count * PIXELS);
    for (int i = 0; i < count; i++)
        for (int r = 4 + i % 10; r < 12 + i % 10; r++)
            for (int c = 6 + i % 7; c < 14 + i % 7; c++)
                pixels[i * PIXELS + r * SIDE + c] = 255;
    return 16 + (size_t)count * PIXELS;
}

// count labels, label i = i mod 10.
static size_t label_file(unsigned char *buf, int count)
{
    put_u32(buf, 0x00000801);
    put_u32(buf + 4, (unsigned long)count);
    for (int i = 0; i < count; i++)
        buf[8 + i] = (unsigned char)(i % 10);
    return 8 + (size_t)count;
}

static unsigned char images[16 + GOOD_COUNT * PIXELS + 8];
static unsigned char labels[8 + GOOD_COUNT];

static const char *const IMAGES = "train-images-idx3-ubyte.gz";
static const char *const LABELS = "train-labels-idx1-ubyte.gz";

// A case directory: the good pair, with the image file cut or extended
// to image_size bytes (it may have been altered first).
static int write_case(const char *dir, size_t image_size, int label_count)
{
    size_t label_size = label_file(labels, GOOD_COUNT);
    put_u32(labels + 4, (unsigned long)label_count);
    label_size -= (size_t)(GOOD_COUNT - label_count);
    if (write_gz(dir, IMAGES, images, image_size) != 0)
        return -1;
    if (label_count > 0 && write_gz(dir, LABELS, labels, label_size) != 0)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_bad_idx OUT_DIR\n");
        return 1;
    }
    out_dir = argv[1];
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "make_bad_idx: cannot create %s: %s\n", out_dir,
                strerror(errno));
        return 1;
    }
    size_t size = image_file(images, GOOD_COUNT);
    int failures = 0;

    failures += write_case("good", size, GOOD_COUNT);
    failures += write_gz("good", "t10k-images-idx3-ubyte.gz", images,
                         image_file(images, TEST_COUNT));
    failures += write_gz("good", "t10k-labels-idx1-ubyte.gz", labels,
                         label_file(labels, TEST_COUNT));
    size = image_file(images, GOOD_COUNT);

    put_u32(images, 0x12345678);
    failures += write_case("wrong-magic", size, GOOD_COUNT);
    put_u32(images, 0x00000803);

    failures += write_case("truncated", size - 100, GOOD_COUNT);

    put_u32(images + 4, 1UL << 31);
    failures += write_case("huge-count", size, GOOD_COUNT);
    put_u32(images + 4, GOOD_COUNT);

    memcpy(images + size, "extra", 5);
    failures += write_case("trailing", size + 5, GOOD_COUNT);
    failures += write_case("empty", 0, GOOD_COUNT);
    failures += write_case("count-mismatch", size, GOOD_COUNT - 1);
    failures += write_case("no-labels", size, 0);

    // label-10: the good images, one label out of range.
    failures += write_gz("label-10", IMAGES, images, size);
    size_t label_size = label_file(labels, GOOD_COUNT);
    labels[8 + 7] = 10;
    failures += write_gz("label-10", LABELS, labels, label_size);

    // test-size: t10k images of 56x56 beside 28x28 training images.
    size = image_file(images, GOOD_COUNT);
    failures += write_case("test-size", size, GOOD_COUNT);
    size_t big = 16 + (size_t)TEST_COUNT * 4 * PIXELS;
    memset(images, 0, big);
    put_u32(images, 0x00000803);
    put_u32(images + 4, TEST_COUNT);
    put_u32(images + 8, 2 * SIDE);
    put_u32(images + 12, 2 * SIDE);
    failures += write_gz("test-size", "t10k-images-idx3-ubyte.gz", images,
                         big);
    failures += write_gz("test-size", "t10k-labels-idx1-ubyte.gz", labels,
                         label_file(labels, TEST_COUNT));

    // gzip-garbage, gzip-cut: the gzip file itself damaged.
    size = image_file(images, GOOD_COUNT);
    char path[4096];
    failures += write_case("gzip-garbage", size, GOOD_COUNT);
    snprintf(path, sizeof path, "%s/gzip-garbage/%s", out_dir, IMAGES);
    FILE *f = fopen(path, "ab");
    if (f == NULL || fwrite("garbage", 1, 7, f) != 7 || fclose(f) != 0) {
        fprintf(stderr, "make_bad_idx: cannot append to %s\n", path);
        failures++;
    }
    failures += write_case("gzip-cut", size, GOOD_COUNT);
    snprintf(path, sizeof path, "%s/gzip-cut/%s", out_dir, IMAGES);
    if (truncate(path, 15) != 0) {
        fprintf(stderr, "make_bad_idx: cannot cut %s: %s\n", path,
                strerror(errno));
        failures++;
    }

    // fifo: the image file is a named pipe nobody writes to.
    failures += write_case("fifo", size, GOOD_COUNT);
    snprintf(path, sizeof path, "%s/fifo/%s", out_dir, IMAGES);
    remove(path);
    snprintf(path, sizeof path, "%s/fifo/train-images-idx3-ubyte",
             out_dir);
    if (mkfifo(path, 0644) != 0 && errno != EEXIST) {
        fprintf(stderr, "make_bad_idx: cannot make the FIFO %s: %s\n",
                path, strerror(errno));
        failures++;
    }

    return failures == 0 ? 0 : 1;
}
