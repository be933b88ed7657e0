/* fuzz_weights.c - libFuzzer target for chapter 9's weights decoder.

   Build (clang): clang -g -O1 -fsanitize=fuzzer,address,undefined
       -Ichapters/09-lenet5 tests/fuzz_weights.c
       chapters/09-lenet5/weights.c -lm -o fuzz_weights
   Every input must give 0 or -1 from weights_decode with no sanitizer
   report; a decoded file must survive re-encoding byte for byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "weights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    weights_file w;
    char err[512];
    if (weights_decode(&w, data, size, "fuzz", err, sizeof err) != 0)
        return 0;
    size_t again_size;
    unsigned char *again = weights_encode(&w, &again_size);
    if (!again || again_size != size || memcmp(again, data, size) != 0)
        abort();                    // decode and encode must agree
    free(again);
    weights_free(&w);
    return 0;
}
