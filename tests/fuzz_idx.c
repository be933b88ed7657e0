// fuzz_idx.c - a libFuzzer target for the IDX parser.
//
// Build and run it with tools/fuzz.sh (clang -fsanitize=fuzzer,address,
// undefined). Each input is handed to the in-memory parsers, the same
// checks the file readers run: once as an image file, once as a label
// file. The first input byte picks max_label, so the label check sees
// every cap. A crash, a sanitizer report, a leak or a parse that claims
// success with inconsistent results stops the fuzzer.
#include "../common/idx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    idx_images images;
    if (idx_parse_images(&images, data, size, "fuzz", err, sizeof err)
        == 0) {
        size_t n = (size_t)images.count * (size_t)images.rows
                 * (size_t)images.cols;
        // Success means the input was exactly a header and its pixels.
        if (images.count <= 0 || images.rows <= 0 || images.cols <= 0
            || size != 16 + n || memcmp(images.pixels, data + 16, n) != 0)
            abort();
    } else if (images.pixels != NULL || strncmp(err, "fuzz: ", 6) != 0) {
        abort();   // a failure must leave *out empty and say why
    }
    idx_free_images(&images);

    int max_label = size > 0 ? data[0] % 12 : 9;
    idx_labels labels;
    if (idx_parse_labels(&labels, data, size, max_label, "fuzz",
                         err, sizeof err) == 0) {
        if (labels.count <= 0 || size != 8 + (size_t)labels.count)
            abort();
        for (int i = 0; i < labels.count; i++)
            if (labels.labels[i] > max_label)
                abort();
    } else if (labels.labels != NULL || strncmp(err, "fuzz: ", 6) != 0) {
        abort();
    }
    idx_free_labels(&labels);
    return 0;
}
