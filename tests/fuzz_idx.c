// fuzz_idx.c - a libFuzzer target for the IDX reader.
//
// Build and run it with tools/fuzz.sh (clang -fsanitize=fuzzer,address,
// undefined). Each input goes through:
//   1. the in-memory parsers, as an image file and as a label file (the
//      first input byte picks max_label, so the label check sees every
//      cap); a success must describe the input exactly, a failure must
//      leave *out empty and give a message naming the input;
//   2. the file readers, on the same bytes written to a temporary file:
//      the reader reads them plainly unless they start with the gzip
//      magic 1f 8b, so for plain inputs the verdict and the bytes must
//      equal the memory parser's; gzip inputs exercise the gzip paths;
//   3. the file readers again, on the input gzipped: again the verdict
//      and the bytes must equal the memory parser's.
// A crash, a sanitizer report, a leak or a broken promise (abort) stops
// the fuzzer and saves the input.
#define _POSIX_C_SOURCE 200809L   // mkstemp, close

#include "../common/idx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[4096];

static void remove_temp_file(void)
{
    remove(path);
}

// Write data[size] to the temporary file, gzipped or as it is.
static void write_temp_file(const uint8_t *data, size_t size, int gzipped)
{
    if (path[0] == '\0') {
        // In $FUZZ_IDX_TMPDIR (tools/fuzz.sh makes one in memory-backed
        // /dev/shm, ten times faster than a disk, and removes it after).
        const char *dir = getenv("FUZZ_IDX_TMPDIR");
        snprintf(path, sizeof path, "%s/fuzz_idx.XXXXXX",
                 dir ? dir : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_temp_file);
    }
    if (gzipped) {
        gzFile f = gzopen(path, "wb1");
        if (f == NULL || (size > 0 && gzwrite(f, data, (unsigned)size)
                          != (int)size) || gzclose(f) != Z_OK)
            abort();
        return;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

static int failed_cleanly(const char *err, const char *name)
{
    size_t n = strlen(name);
    return strncmp(err, name, n) == 0 && strncmp(err + n, ": ", 2) == 0
        && strchr(err, '\n') == NULL;
}

// Read the temporary file as images and as labels; when `same`, the
// verdicts and contents must match the memory parser's.
static void check_file(const idx_images *images, int images_rc,
                       const idx_labels *labels, int labels_rc,
                       int max_label, int same)
{
    char err[512];
    idx_images file_images;
    int rc = idx_read_images(&file_images, path, err, sizeof err);
    if (rc != 0 && (file_images.pixels != NULL
                    || !failed_cleanly(err, path)))
        abort();
    if (same && (rc != images_rc || (rc == 0
        && (file_images.count != images->count
            || file_images.rows != images->rows
            || file_images.cols != images->cols
            || memcmp(file_images.pixels, images->pixels,
                      (size_t)images->count * (size_t)images->rows
                      * (size_t)images->cols) != 0))))
        abort();
    idx_free_images(&file_images);

    idx_labels file_labels;
    rc = idx_read_labels(&file_labels, path, max_label, err, sizeof err);
    if (rc != 0 && (file_labels.labels != NULL
                    || !failed_cleanly(err, path)))
        abort();
    if (same && (rc != labels_rc || (rc == 0
        && (file_labels.count != labels->count
            || memcmp(file_labels.labels, labels->labels,
                      (size_t)labels->count) != 0))))
        abort();
    idx_free_labels(&file_labels);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    int plain = !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b);

    idx_images images;
    int images_rc = idx_parse_images(&images, data, size, "fuzz",
                                     err, sizeof err);
    if (images_rc == 0) {
        size_t n = (size_t)images.count * (size_t)images.rows
                 * (size_t)images.cols;
        if (images.count <= 0 || images.rows <= 0 || images.cols <= 0
            || size != 16 + n || memcmp(images.pixels, data + 16, n) != 0)
            abort();
    } else if (images.pixels != NULL || !failed_cleanly(err, "fuzz")) {
        abort();
    }

    int max_label = size > 0 ? data[0] % 12 : 9;
    idx_labels labels;
    int labels_rc = idx_parse_labels(&labels, data, size, max_label,
                                     "fuzz", err, sizeof err);
    if (labels_rc == 0) {
        if (labels.count <= 0 || size != 8 + (size_t)labels.count)
            abort();
        for (int i = 0; i < labels.count; i++)
            if (labels.labels[i] > max_label)
                abort();
    } else if (labels.labels != NULL || !failed_cleanly(err, "fuzz")) {
        abort();
    }

    write_temp_file(data, size, 0);
    check_file(&images, images_rc, &labels, labels_rc, max_label, plain);
    write_temp_file(data, size, 1);
    check_file(&images, images_rc, &labels, labels_rc, max_label, 1);

    idx_free_images(&images);
    idx_free_labels(&labels);
    return 0;
}
