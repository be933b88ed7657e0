/* weights.h - chapter 9's weights file, encoded and decoded.

   What it does: the bytes of a trained network's file, and back. The
   format, every number little-endian whatever the machine:
       4        the magic "NN09"
       4        format version, 1
       4        the network: 0 the dense net, 1 LeNet-5
       4        L, the number of layers with parameters (1 to 64)
       16 L     per layer: kernel rows, kernel columns, inputs, outputs
       4 P      the P parameters, 32-bit floats, in the block's order
   A layer with shape (kh, kw, in, out) holds kh kw in out weights and
   out biases; P is their sum over the layers.

   Failure: weights_decode checks everything the bytes claim (magic,
   version, layer count, shapes, that exactly 4 P bytes follow, that
   every weight is a finite number) and returns -1 with one line in err
   naming `path` and what is wrong; 0 on success. It knows nothing of
   the networks: whether the shapes are those of the network the program
   builds is the caller's check. It never reads past bytes[size].

   Memory: weights_decode allocates out->params (n_params floats);
   weights_free releases it. weights_encode's result is the caller's
   to free(). This unit uses only the C library, so a fuzzer links it
   alone (tests/fuzz_weights.c). */
#ifndef NN09_WEIGHTS_H
#define NN09_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

enum { WEIGHTS_VERSION = 1, WEIGHTS_MAX_LAYERS = 64 };

typedef struct {
    uint32_t network;                        // 0 mlp, 1 lenet5
    uint32_t n_layers;                       // layers with parameters
    uint32_t shape[WEIGHTS_MAX_LAYERS][4];   // (kh, kw, in, out) each
    size_t n_params;                         // floats in params
    float *params;                           // (n_params)
} weights_file;

// The file's bytes for w; *size gets their number. NULL when out of
// memory or when w's sizes overflow.
unsigned char *weights_encode(const weights_file *w, size_t *size);

// Parse bytes[size] into *out (see above). 0, or -1 with err.
int weights_decode(weights_file *out, const unsigned char *bytes,
                   size_t size, const char *path, char *err,
                   size_t err_size);

void weights_free(weights_file *w);

#endif
