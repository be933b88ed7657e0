// test_idx.c - the IDX reader against good, bad and real files.
//
// usage: test_idx [SCRATCH_DIR]
//        test_idx --load DIR     load one data set, as a chapter would
//
// Writes small IDX files, plain and gzipped, into SCRATCH_DIR (created if
// missing; a fresh mkdtemp directory when none is given), reads them
// back, and checks that every kind of damage is refused with a message
// that names the file and the problem. Then loads the official MNIST
// ("mnist", installed by `make deps`) and Fashion-MNIST ("fashion").
// Prints one line per check; exit status 0 only if every check passed.
#define _POSIX_C_SOURCE 200809L   // mkdtemp, mkdir, setenv

#include "../common/idx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static int passed, failed;
static char scratch[1024];

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok)
        passed++;
    else
        failed++;
}

// ---- Writing test files -----------------------------------------------

static const char *scratch_path(const char *name)
{
    static char path[2][1400];
    static int which;
    which = !which;   // two live results, enough for one call
    snprintf(path[which], sizeof path[which], "%s/%s", scratch, name);
    return path[which];
}

// Write bytes[size] to path, gzipped when the name ends in ".gz".
static void write_file(const char *path, const unsigned char *bytes,
                       size_t size)
{
    size_t n = strlen(path);
    int gz = n > 3 && strcmp(path + n - 3, ".gz") == 0;
    int ok;
    if (gz) {
        gzFile f = gzopen(path, "wb9");
        ok = f != NULL && (size == 0
             || gzwrite(f, bytes, (unsigned)size) == (int)size);
        ok = f != NULL && gzclose(f) == Z_OK && ok;
    } else {
        FILE *f = fopen(path, "wb");
        ok = f != NULL && fwrite(bytes, 1, size, f) == size;
        ok = f != NULL && fclose(f) == 0 && ok;
    }
    if (!ok) {
        fprintf(stderr, "test_idx: cannot write %s\n", path);
        exit(1);
    }
}

static void put_u32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

// An image file of `count` images of rows x cols, pixel k of the whole
// payload = (7k + 3) mod 256. Returns its size; buf must be big enough.
static size_t image_file(unsigned char *buf, unsigned long count,
                         unsigned long rows, unsigned long cols)
{
    put_u32(buf, 0x00000803);
    put_u32(buf + 4, count);
    put_u32(buf + 8, rows);
    put_u32(buf + 12, cols);
    size_t n = (size_t)(count * rows * cols);
    for (size_t k = 0; k < n; k++)
        buf[16 + k] = (unsigned char)((7 * k + 3) % 256);
    return 16 + n;
}

// A label file of `count` labels, label i = i mod 10.
static size_t label_file(unsigned char *buf, unsigned long count)
{
    put_u32(buf, 0x00000801);
    put_u32(buf + 4, count);
    for (size_t i = 0; i < count; i++)
        buf[8 + i] = (unsigned char)(i % 10);
    return 8 + count;
}

// ---- Checking results -------------------------------------------------

static int has(const char *text, const char *part)
{
    return part == NULL || strstr(text, part) != NULL;
}

// Reading `name` (in the scratch dir) as images must fail, and the
// message must name the file and contain part1 and part2.
static void expect_image_error(const char *name, const char *part1,
                               const char *part2)
{
    const char *path = scratch_path(name);
    idx_images images;
    char err[512] = "";
    int rc = idx_read_images(&images, path, err, sizeof err);
    int ok = rc == -1 && images.pixels == NULL && images.count == 0
          && has(err, path) && has(err, part1) && has(err, part2)
          && strchr(err, '\n') == NULL;
    char what[800];
    snprintf(what, sizeof what, "%s refused: %s", name, err);
    check(ok, what);
    idx_free_images(&images);
}

static void expect_label_error(const char *name, int max_label,
                               const char *part1, const char *part2)
{
    const char *path = scratch_path(name);
    idx_labels labels;
    char err[512] = "";
    int rc = idx_read_labels(&labels, path, max_label, err, sizeof err);
    int ok = rc == -1 && labels.labels == NULL && labels.count == 0
          && has(err, path) && has(err, part1) && has(err, part2);
    char what[800];
    snprintf(what, sizeof what, "%s refused: %s", name, err);
    check(ok, what);
    idx_free_labels(&labels);
}

// ---- The tests --------------------------------------------------------

static unsigned char buf[64 * 1024];

static void test_good_files(void)
{
    size_t size = image_file(buf, 3, 4, 5);
    write_file(scratch_path("good-images"), buf, size);
    write_file(scratch_path("good-images.gz"), buf, size);
    const char *names[] = { "good-images", "good-images.gz" };
    for (int i = 0; i < 2; i++) {
        idx_images images;
        char err[512] = "", what[600];
        int rc = idx_read_images(&images, scratch_path(names[i]),
                                 err, sizeof err);
        int ok = rc == 0 && images.count == 3 && images.rows == 4
              && images.cols == 5
              && memcmp(images.pixels, buf + 16, 60) == 0;
        snprintf(what, sizeof what, "%s: 3 images of 4x5, right bytes %s",
                 names[i], err);
        check(ok, what);
        idx_free_images(&images);
        idx_free_images(&images);   // a second free is harmless
    }

    size = label_file(buf, 12);
    write_file(scratch_path("good-labels.gz"), buf, size);
    idx_labels labels;
    char err[512] = "";
    int rc = idx_read_labels(&labels, scratch_path("good-labels.gz"), 9,
                             err, sizeof err);
    check(rc == 0 && labels.count == 12 && labels.labels[11] == 1
          && memcmp(labels.labels, buf + 8, 12) == 0,
          "good-labels.gz: 12 labels, right bytes");
    idx_free_labels(&labels);

    // From memory, the entry point the fuzzer uses.
    idx_images images;
    size = image_file(buf, 2, 3, 3);
    rc = idx_parse_images(&images, buf, size, "memory", err, sizeof err);
    check(rc == 0 && images.count == 2 && images.rows == 3
          && memcmp(images.pixels, buf + 16, 18) == 0,
          "idx_parse_images: 2 images of 3x3 from memory");
    idx_free_images(&images);
    rc = idx_parse_images(&images, buf, size - 1, "memory", err,
                          sizeof err);
    check(rc == -1 && has(err, "memory: truncated"),
          "idx_parse_images: one byte short is truncated");
    rc = idx_parse_images(&images, buf, 0, "memory", err, sizeof err);
    check(rc == -1 && has(err, "memory: empty"),
          "idx_parse_images: zero bytes is empty");
    size = label_file(buf, 11);
    buf[8 + 10] = 10;
    rc = idx_parse_labels(&labels, buf, size, 9, "memory", err,
                          sizeof err);
    check(rc == -1
          && has(err, "memory: label 10 at index 10 is outside 0..9"),
          "idx_parse_labels: label 10 from memory");
}

static void test_bad_headers(void)
{
    size_t size = image_file(buf, 3, 4, 5);

    buf[0] = 0x12;
    buf[1] = 0x34;
    write_file(scratch_path("wrong-magic.gz"), buf, size);
    expect_image_error("wrong-magic.gz", "not an IDX file",
                       "magic number 0x12340803, expected 0x00000803");
    buf[0] = buf[1] = 0;

    buf[2] = 0x0D;   // IDX's code for float
    write_file(scratch_path("float-type"), buf, size);
    expect_image_error("float-type", "element type 0x0d", "unsigned byte");
    buf[2] = 0x08;

    buf[3] = 2;
    write_file(scratch_path("two-dims"), buf, size);
    expect_image_error("two-dims", "dimension count 2",
                       "image file has 3");
    buf[3] = 3;

    size_t label_size = label_file(buf + 1000, 10);
    write_file(scratch_path("labels-as-images"), buf + 1000, label_size);
    expect_image_error("labels-as-images", "dimension count 1",
                       "is this a label file?");
    write_file(scratch_path("images-as-labels"), buf, size);
    expect_label_error("images-as-labels", 9, "dimension count 3",
                       "is this an image file?");

    write_file(scratch_path("short-header"), buf, 10);
    expect_image_error("short-header", "truncated",
                       "header stops after 10 of its 16 bytes");
    write_file(scratch_path("three-bytes"), buf, 3);
    expect_image_error("three-bytes", "only 3 bytes", "too short");

    put_u32(buf + 8, 0);
    write_file(scratch_path("zero-rows"), buf, size);
    expect_image_error("zero-rows", "dimension 1 is 0", NULL);
    put_u32(buf + 8, 4);

    // 2^31 images of 28x28: 1.7 TB. Refused from the header alone.
    put_u32(buf + 4, 1UL << 31);
    put_u32(buf + 8, 28);
    put_u32(buf + 12, 28);
    write_file(scratch_path("huge-count.gz"), buf, size);
    expect_image_error("huge-count.gz",
                       "header claims 2147483648 images of 28x28 "
                       "(1683627180032 bytes)", "more than the");
    // The largest sizes the format can state, where a naive product
    // overflows even 64 bits.
    put_u32(buf + 4, 0xFFFFFFFFUL);
    put_u32(buf + 8, 0xFFFFFFFFUL);
    put_u32(buf + 12, 0xFFFFFFFFUL);
    write_file(scratch_path("max-dims"), buf, size);
    expect_image_error("max-dims", "more than the", NULL);
}

static void test_bad_lengths(void)
{
    size_t size = image_file(buf, 3, 4, 5);
    write_file(scratch_path("truncated"), buf, size - 10);
    expect_image_error("truncated", "truncated: header promises 3 images "
                       "of 4x5 (60 bytes) but only 50 follow", NULL);
    write_file(scratch_path("truncated.gz"), buf, size - 10);
    expect_image_error("truncated.gz", "truncated", "only 50 follow");

    // The header promises 10000 digits; the file holds 2.
    size = image_file(buf, 2, 28, 28);
    put_u32(buf + 4, 10000);
    write_file(scratch_path("more-promised.gz"), buf, size);
    expect_image_error("more-promised.gz", "truncated: header promises "
                       "10000 images of 28x28 (7840000 bytes) but only "
                       "1568 follow", NULL);

    size = image_file(buf, 3, 4, 5);
    memcpy(buf + size, "abc", 3);
    write_file(scratch_path("trailing"), buf, size + 3);
    expect_image_error("trailing", "3 trailing bytes after the 3 images "
                       "of 4x5 (60 bytes)", NULL);
    write_file(scratch_path("trailing.gz"), buf, size + 3);
    expect_image_error("trailing.gz", "3 trailing bytes", NULL);

    write_file(scratch_path("empty"), buf, 0);
    expect_image_error("empty", "empty file", NULL);
    write_file(scratch_path("empty.gz"), buf, 0);
    expect_image_error("empty.gz", "empty file", NULL);
    expect_image_error("missing", "cannot open", "No such file");
    mkdir(scratch_path("a-directory"), 0755);
    expect_image_error("a-directory", "not a regular file", "directory");

    // A gzip stream cut in half: the gzip layer notices.
    size = image_file(buf, 30, 28, 28);
    write_file(scratch_path("whole.gz"), buf, size);
    FILE *f = fopen(scratch_path("whole.gz"), "rb");
    size_t gz_size = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    write_file(scratch_path("cut-gzip"), buf, gz_size / 2);
    expect_image_error("cut-gzip", "truncated", "gzip");
    // A damaged byte in the middle of the compressed data.
    buf[gz_size / 2] ^= 0x55;
    write_file(scratch_path("damaged-gzip"), buf, gz_size);
    expect_image_error("damaged-gzip", "damaged gzip data", NULL);
}

// Past 1 MiB the reader grows its buffer as data arrives; check the
// sizes on both sides of each step.
static void test_big_files(void)
{
    static unsigned char big[16 + 2000 * 784 + 8];
    size_t size = image_file(big, 2000, 28, 28);   // 1568016 bytes
    write_file(scratch_path("big.gz"), big, size);
    idx_images images;
    char err[512] = "";
    int rc = idx_read_images(&images, scratch_path("big.gz"), err,
                             sizeof err);
    check(rc == 0 && images.count == 2000
          && memcmp(images.pixels, big + 16, 2000 * 784) == 0,
          "big.gz: 2000 images of 28x28 (1.5 MB), right bytes");
    idx_free_images(&images);

    write_file(scratch_path("big-truncated.gz"), big, 16 + 1500 * 784);
    expect_image_error("big-truncated.gz", "header promises 2000 images "
                       "of 28x28 (1568000 bytes) but only 1176000 follow",
                       NULL);
    memcpy(big + size, "12345678", 8);
    write_file(scratch_path("big-trailing"), big, size + 8);
    expect_image_error("big-trailing", "8 trailing bytes", NULL);
}

static void test_labels(void)
{
    size_t size = label_file(buf, 12);
    buf[8 + 7] = 10;
    write_file(scratch_path("label-10.gz"), buf, size);
    expect_label_error("label-10.gz", 9,
                       "label 10 at index 7 is outside 0..9", NULL);
    idx_labels labels;
    int rc = idx_read_labels(&labels, scratch_path("label-10.gz"), 255,
                             NULL, 0);
    check(rc == 0 && labels.labels[7] == 10,
          "label-10.gz accepted with max_label 255 (and err NULL)");
    idx_free_labels(&labels);
}

// A data set directory holding the given pair of files.
static void make_dataset(const char *dir, unsigned long images,
                         unsigned long labels, int with_test)
{
    mkdir(scratch_path(dir), 0755);
    char name[256];
    snprintf(name, sizeof name, "%s/train-images-idx3-ubyte.gz", dir);
    write_file(scratch_path(name), buf, image_file(buf, images, 28, 28));
    snprintf(name, sizeof name, "%s/train-labels-idx1-ubyte", dir);
    write_file(scratch_path(name), buf, label_file(buf, labels));
    if (with_test) {
        snprintf(name, sizeof name, "%s/t10k-images.idx3-ubyte", dir);
        write_file(scratch_path(name), buf, image_file(buf, 5, 28, 28));
        snprintf(name, sizeof name, "%s/t10k-labels-idx1-ubyte.gz", dir);
        write_file(scratch_path(name), buf, label_file(buf, 5));
    }
}

static void expect_dataset_error(const char *name_or_dir,
                                 const char *part1, const char *part2)
{
    idx_dataset d;
    char err[512] = "", what[800];
    int rc = idx_load_dataset(&d, name_or_dir, err, sizeof err);
    snprintf(what, sizeof what, "data set %s refused: %s", name_or_dir,
             err);
    check(rc == -1 && d.train_images.pixels == NULL
          && d.train_labels.labels == NULL && has(err, part1)
          && has(err, part2), what);
    idx_free_dataset(&d);
}

static void test_datasets(void)
{
    idx_dataset d;
    char err[512] = "";

    make_dataset("set-train", 20, 20, 0);
    int rc = idx_load_dataset(&d, scratch_path("set-train"), err,
                              sizeof err);
    check(rc == 0 && d.train_images.count == 20 && d.train_labels.count
          == 20 && !d.has_test && d.test_images.pixels == NULL,
          "a directory with the train pair (one .gz, one plain)");
    idx_free_dataset(&d);

    make_dataset("set-both", 20, 20, 1);
    rc = idx_load_dataset(&d, scratch_path("set-both"), err, sizeof err);
    check(rc == 0 && d.has_test && d.test_images.count == 5
          && d.test_labels.count == 5,
          "a directory with train and t10k pairs ('.' spelling too)");
    idx_free_dataset(&d);

    make_dataset("set-mismatch", 20, 19, 0);
    expect_dataset_error(scratch_path("set-mismatch"),
                         "train-labels-idx1-ubyte: 19 labels, but ",
                         "train-images-idx3-ubyte.gz holds 20 images");

    make_dataset("set-half-test", 20, 20, 0);
    write_file(scratch_path("set-half-test/t10k-images-idx3-ubyte"), buf,
               image_file(buf, 5, 28, 28));
    expect_dataset_error(scratch_path("set-half-test"),
                         "t10k-labels-idx1-ubyte: not found", NULL);

    expect_dataset_error(scratch_path("no-such-dir"),
                         "no-such-dir/train-images-idx3-ubyte: not found",
                         NULL);

    // A bad file inside a data set: its error comes through unchanged.
    make_dataset("set-label-10", 20, 20, 0);
    label_file(buf, 20);
    buf[8 + 3] = 10;
    write_file(scratch_path("set-label-10/train-labels-idx1-ubyte"), buf,
               28);
    expect_dataset_error(scratch_path("set-label-10"),
                         "label 10 at index 3 is outside 0..9", NULL);

    // NN_DATA_DIR is where "mnist" is looked for, and it must be the
    // official 60,000 + 10,000: a set of 30 found there is refused,
    // naming that directory and the command that installs the real one.
    const char *saved = getenv("NN_DATA_DIR");
    char old_value[1024];
    snprintf(old_value, sizeof old_value, "%s", saved ? saved : "");
    mkdir(scratch_path("data-dir"), 0755);
    make_dataset("data-dir/mnist", 30, 30, 1);
    setenv("NN_DATA_DIR", scratch_path("data-dir"), 1);
    rc = idx_load_dataset(&d, "mnist", err, sizeof err);
    check(rc != 0 && strstr(err, "data-dir/mnist: holds 30 + 5 images")
          && strstr(err, "make deps"),
          "\"mnist\" is looked for in $NN_DATA_DIR/mnist and must be "
          "60000 + 10000");
    printf("  %s\n", err);
    mkdir(scratch_path("data-dir2"), 0755);
    make_dataset("data-dir2/mnist", 30, 30, 0);
    setenv("NN_DATA_DIR", scratch_path("data-dir2"), 1);
    rc = idx_load_dataset(&d, "mnist", err, sizeof err);
    check(rc != 0 && strstr(err, "no t10k-images") && strstr(err,
          "make deps"), "\"mnist\" without its test set: run make deps");
    printf("  %s\n", err);
    if (saved)
        setenv("NN_DATA_DIR", old_value, 1);
    else
        unsetenv("NN_DATA_DIR");
}

// Issue 11's findings on data files, each of which this test failed
// before idx.c was fixed: a test set of another image size (#1), a FIFO
// (#6: the reader used to block on it forever; CTest's timeout catches a
// regression), an unreadable file reported as "not found", a gzip file
// cut to 15 bytes reported as "empty file", and garbage after the end of
// a gzip stream accepted (#7).
static void test_hardening(void)
{
    idx_dataset d;
    char err[512] = "";

    // #1: train 28x28, t10k 56x56 and 14x14: refused, naming the sizes.
    const unsigned long sides[2] = { 56, 14 };
    for (int k = 0; k < 2; k++) {
        char dir[64], name[128];
        snprintf(dir, sizeof dir, "set-test-%lu", sides[k]);
        make_dataset(dir, 20, 20, 0);
        snprintf(name, sizeof name, "%s/t10k-images-idx3-ubyte", dir);
        write_file(scratch_path(name), buf,
                   image_file(buf, 5, sides[k], sides[k]));
        snprintf(name, sizeof name, "%s/t10k-labels-idx1-ubyte", dir);
        write_file(scratch_path(name), buf, label_file(buf, 5));
        char part[64];
        snprintf(part, sizeof part, "the test images are %lux%lu, but "
                 "the training images are 28x28", sides[k], sides[k]);
        expect_dataset_error(scratch_path(dir), part, "t10k-images");
    }

    // #6: a FIFO as a data file is refused at once.
    make_dataset("set-fifo", 20, 20, 0);
    remove(scratch_path("set-fifo/train-images-idx3-ubyte.gz"));
    mkfifo(scratch_path("set-fifo/train-images-idx3-ubyte"), 0644);
    expect_dataset_error(scratch_path("set-fifo"),
                         "train-images-idx3-ubyte: not a regular file",
                         "FIFO");
    mkfifo(scratch_path("a-fifo"), 0644);
    expect_image_error("a-fifo", "not a regular file", "FIFO");

    // #7: a file we may not read says so, keeping errno's word for it.
    // Root reads everything, so as root the check runs as "nobody".
    make_dataset("set-unreadable", 20, 20, 0);
    const char *unreadable =
        scratch_path("set-unreadable/train-labels-idx1-ubyte");
    chmod(unreadable, 0);
    int was_root = geteuid() == 0;
    if (was_root && seteuid(65534) != 0) {
        check(0, "seteuid(nobody) for the permission test");
    } else {
        int rc = idx_load_dataset(&d, scratch_path("set-unreadable"), err,
                                  sizeof err);
        if (was_root && seteuid(0) != 0) {
            fprintf(stderr, "test_idx: cannot become root again\n");
            exit(1);
        }
        char what[700];
        snprintf(what, sizeof what, "an unreadable file: %s", err);
        check(rc != 0 && strstr(err, "Permission denied") != NULL
              && strstr(err, "not found") == NULL, what);
        idx_free_dataset(&d);
    }

    // #7: a gzip file cut to 15 bytes is a truncated gzip, not empty.
    size_t size = image_file(buf, 3, 4, 5);
    write_file(scratch_path("whole-15.gz"), buf, size);
    FILE *f = fopen(scratch_path("whole-15.gz"), "rb");
    unsigned char gz[4096];
    size_t gz_size = f ? fread(gz, 1, sizeof gz, f) : 0;
    if (f)
        fclose(f);
    write_file(scratch_path("cut-15"), gz, 15);
    expect_image_error("cut-15", "truncated gzip", NULL);

    // #7: bytes after the end of the gzip stream are refused like bytes
    // after the payload of a plain file.
    memcpy(gz + gz_size, "garbage", 7);
    write_file(scratch_path("gzip-garbage"), gz, gz_size + 7);
    expect_image_error("gzip-garbage", "7 trailing bytes after the end "
                       "of the gzip data", NULL);
    // ... but a second gzip member is data, as gzip itself reads it.
    size_t label_size = label_file(buf, 6);
    write_file(scratch_path("two-members.gz"), buf, 8);
    f = fopen(scratch_path("two-members.gz"), "ab");
    gzFile second = f ? gzdopen(dup(fileno(f)), "ab") : NULL;
    int ok = second != NULL && gzwrite(second, buf + 8, 6) == 6
             && gzclose(second) == Z_OK;
    if (f)
        fclose(f);
    idx_labels labels;
    ok = ok && idx_read_labels(&labels, scratch_path("two-members.gz"), 9,
                               err, sizeof err) == 0
         && labels.count == 6 && label_size == 14
         && memcmp(labels.labels, buf + 8, 6) == 0;
    check(ok, "a gzip file of two members reads as their concatenation");
    idx_free_labels(&labels);
}

// The official MNIST as `make deps` installs it (tools/mnist.sh; the
// test mnist_matches_sha256sums checks its bytes): the published label
// counts, the original order, training image 0 is the famous 5.
static void test_installed_mnist(void)
{
    static const int train_counts[10] = { 5923, 6742, 5958, 6131, 5842,
                                          5421, 5918, 6265, 5851, 5949 };
    static const int test_counts[10] = { 980, 1135, 1032, 1010, 982,
                                         892, 958, 1028, 974, 1009 };
    idx_dataset d;
    char err[512] = "";
    int rc = idx_load_dataset(&d, "mnist", err, sizeof err);
    if (rc != 0) {
        check(0, err);
        return;
    }
    check(d.has_test && d.train_images.count == 60000
          && d.test_images.count == 10000 && d.test_images.rows == 28
          && d.test_images.cols == 28,
          "mnist: 60000 training and 10000 test images of 28x28");

    int train[10] = { 0 }, test[10] = { 0 }, same = 1;
    for (int i = 0; i < d.train_labels.count; i++)
        train[d.train_labels.labels[i]]++;
    for (int i = 0; i < d.test_labels.count; i++)
        test[d.test_labels.labels[i]]++;
    for (int digit = 0; digit < 10; digit++)
        same = same && train[digit] == train_counts[digit]
               && test[digit] == test_counts[digit];
    check(same, "mnist: the published label counts, train and test");

    // The original order: the first labels of each file, as every
    // tutorial prints them, and row 5 of training image 0 (a 5).
    static const unsigned char first_train[5] = { 5, 0, 4, 1, 9 };
    static const unsigned char first_test[5] = { 7, 2, 1, 0, 4 };
    static const unsigned char row5[12] = { 3, 18, 18, 18, 126, 136, 175,
                                            26, 166, 255, 247, 127 };
    check(memcmp(d.train_labels.labels, first_train, 5) == 0
          && memcmp(d.test_labels.labels, first_test, 5) == 0
          && memcmp(d.train_images.pixels + 5 * 28 + 12, row5, 12) == 0,
          "mnist: the original order (5 0 4 1 9 / 7 2 1 0 4)");
    idx_free_dataset(&d);
}

static void test_fashion(void)
{
    FILE *f = fopen("/usr/share/datasets/fashion-mnist/"
                    "train-labels-idx1-ubyte.gz", "rb");
    if (f == NULL) {
        check(0, "fashion: not installed (run `make deps`)");
        return;
    }
    fclose(f);
    idx_dataset d;
    char err[512] = "";
    int rc = idx_load_dataset(&d, "fashion", err, sizeof err);
    int balanced = rc == 0;
    for (int i = 0; balanced && i < 10; i++) {
        int train = 0, test = 0;
        for (int k = 0; k < d.train_labels.count; k++)
            train += d.train_labels.labels[k] == i;
        for (int k = 0; k < d.test_labels.count; k++)
            test += d.test_labels.labels[k] == i;
        balanced = train == 6000 && test == 1000;
    }
    char what[600];
    snprintf(what, sizeof what, "fashion: 60000 + 10000 of 28x28, 6000 + "
             "1000 per class %s", err);
    check(rc == 0 && d.has_test && d.train_images.count == 60000
          && d.test_images.count == 10000 && d.train_images.rows == 28
          && d.test_images.cols == 28 && balanced, what);
    idx_free_dataset(&d);
}

int main(int argc, char **argv)
{
    // test_idx --load DIR: load a data set as a chapter's --data does:
    // one line and exit 2 if it is refused (tests/idx.cmake runs this on
    // every case of make_bad_idx).
    if (argc == 3 && strcmp(argv[1], "--load") == 0) {
        idx_dataset d;
        char err[512];
        if (idx_load_dataset(&d, argv[2], err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
        printf("%d training images, %d test images\n",
               d.train_images.count, d.test_images.count);
        idx_free_dataset(&d);
        return 0;
    }
    if (argc > 1) {
        snprintf(scratch, sizeof scratch, "%s", argv[1]);
        if (mkdir(scratch, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "test_idx: cannot create %s\n", scratch);
            return 1;
        }
    } else {
        snprintf(scratch, sizeof scratch, "/tmp/test_idx.XXXXXX");
        if (mkdtemp(scratch) == NULL) {
            fprintf(stderr, "test_idx: cannot create a temp dir\n");
            return 1;
        }
    }
    test_good_files();
    test_bad_headers();
    test_bad_lengths();
    test_big_files();
    test_labels();
    test_datasets();
    test_hardening();
    test_installed_mnist();
    test_fashion();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
