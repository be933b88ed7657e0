// fuzz_idx.c - a libFuzzer target for the IDX reader.
//
// Build and run it with tools/fuzz.sh (clang -fsanitize=fuzzer,address,
// undefined). Each input goes through:
//   1. the in-memory parsers, as an image file and as a label file (the
//      first input byte picks max_label, so the label check sees every
//      cap); a success must describe the input exactly, a failure must
//      leave *out empty and give a message naming the input;
//   2. the file readers, on the same bytes written to a temporary file:
//      zlib's gzread reads them plainly unless they start with the gzip
//      magic 1f 8b, so for plain inputs the verdict and the bytes must
//      equal the memory parser's; gzip inputs exercise the gzip paths.
// A crash, a sanitizer report, a leak or a broken promise (abort) stops
// the fuzzer and saves the input.
#define _POSIX_C_SOURCE 200809L   // mkstemp, close

#include "../common/idx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void remove_temp_file(void)
{
    remove(path);
}

static void write_temp_file(const uint8_t *data, size_t size)
{
    if (path[0] == '\0') {
        // Memory-backed /dev/shm is ten times faster than a disk's /tmp.
        snprintf(path, sizeof path, "/dev/shm/fuzz_idx.XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0) {
            snprintf(path, sizeof path, "/tmp/fuzz_idx.XXXXXX");
            fd = mkstemp(path);
        }
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_temp_file);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    int plain = !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b);
    write_temp_file(data, size);

    idx_images images, from_file;
    int rc = idx_parse_images(&images, data, size, "fuzz", err, sizeof err);
    size_t n = 0;
    if (rc == 0) {
        n = (size_t)images.count * (size_t)images.rows
          * (size_t)images.cols;
        if (images.count <= 0 || images.rows <= 0 || images.cols <= 0
            || size != 16 + n || memcmp(images.pixels, data + 16, n) != 0)
            abort();
    } else if (images.pixels != NULL || !failed_cleanly(err, "fuzz")) {
        abort();
    }
    int file_rc = idx_read_images(&from_file, path, err, sizeof err);
    if (file_rc != 0 && (from_file.pixels != NULL
                         || !failed_cleanly(err, path)))
        abort();
    if (plain && (file_rc != rc || (rc == 0
        && (from_file.count != images.count || from_file.rows != images.rows
            || from_file.cols != images.cols
            || memcmp(from_file.pixels, images.pixels, n) != 0))))
        abort();
    idx_free_images(&images);
    idx_free_images(&from_file);

    int max_label = size > 0 ? data[0] % 12 : 9;
    idx_labels labels, labels_from_file;
    rc = idx_parse_labels(&labels, data, size, max_label, "fuzz",
                          err, sizeof err);
    if (rc == 0) {
        if (labels.count <= 0 || size != 8 + (size_t)labels.count)
            abort();
        for (int i = 0; i < labels.count; i++)
            if (labels.labels[i] > max_label)
                abort();
    } else if (labels.labels != NULL || !failed_cleanly(err, "fuzz")) {
        abort();
    }
    file_rc = idx_read_labels(&labels_from_file, path, max_label,
                              err, sizeof err);
    if (file_rc != 0 && (labels_from_file.labels != NULL
                         || !failed_cleanly(err, path)))
        abort();
    if (plain && (file_rc != rc || (rc == 0
        && (labels_from_file.count != labels.count
            || memcmp(labels_from_file.labels, labels.labels,
                      (size_t)labels.count) != 0))))
        abort();
    idx_free_labels(&labels);
    idx_free_labels(&labels_from_file);
    return 0;
}
