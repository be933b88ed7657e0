/* weights.c - chapter 9's weights file; the contract is in weights.h. */
#include "weights.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_u32(unsigned char *at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        at[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16
         | (uint32_t)at[3] << 24;
}

// Parameters of a layer of shape s, kh kw in out + out; 0 on overflow.
static size_t layer_params(const uint32_t s[4])
{
    size_t n = 1;
    for (int i = 0; i < 4; i++) {
        if (s[i] == 0 || n > SIZE_MAX / s[i])
            return 0;
        n *= s[i];
    }
    return n > SIZE_MAX - s[3] ? 0 : n + s[3];
}

unsigned char *weights_encode(const weights_file *w, size_t *size)
{
    size_t head = 16 + 16 * (size_t)w->n_layers;
    if (w->n_layers > WEIGHTS_MAX_LAYERS
        || w->n_params > (SIZE_MAX - head) / 4)
        return NULL;
    *size = head + 4 * w->n_params;
    unsigned char *b = malloc(*size), *at = b + 16;
    if (!b)
        return NULL;
    memcpy(b, "NN09", 4);
    put_u32(b + 4, WEIGHTS_VERSION);
    put_u32(b + 8, w->network);
    put_u32(b + 12, w->n_layers);
    for (uint32_t l = 0; l < w->n_layers; l++)
        for (int i = 0; i < 4; i++, at += 4)
            put_u32(at, w->shape[l][i]);
    for (size_t i = 0; i < w->n_params; i++, at += 4) {
        uint32_t bits;
        memcpy(&bits, &w->params[i], 4);
        put_u32(at, bits);
    }
    return b;
}

int weights_decode(weights_file *out, const unsigned char *b, size_t size,
                   const char *path, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (size < 16 || memcmp(b, "NN09", 4) != 0) {
        snprintf(err, err_size, "%s: not a weights file of this chapter "
                 "(it does not start with the magic NN09 and a header)",
                 path);
        return -1;
    }
    uint32_t version = get_u32(b + 4);
    out->network = get_u32(b + 8);
    out->n_layers = get_u32(b + 12);
    if (version != WEIGHTS_VERSION) {
        snprintf(err, err_size, "%s: format version %u, but this program "
                 "reads version %d", path, version, WEIGHTS_VERSION);
        return -1;
    }
    if (out->n_layers < 1 || out->n_layers > WEIGHTS_MAX_LAYERS) {
        snprintf(err, err_size, "%s: claims %u layers with parameters "
                 "(1 to %d make sense)", path, out->n_layers,
                 WEIGHTS_MAX_LAYERS);
        return -1;
    }
    size_t head = 16 + 16 * (size_t)out->n_layers;
    if (size < head) {
        snprintf(err, err_size, "%s: truncated: %zu bytes end inside the "
                 "layer shapes", path, size);
        return -1;
    }
    size_t total = 0;
    for (uint32_t l = 0; l < out->n_layers; l++) {
        for (int i = 0; i < 4; i++)
            out->shape[l][i] = get_u32(b + 16 + 16 * l + 4 * i);
        size_t n = layer_params(out->shape[l]);
        if (n == 0 || total > SIZE_MAX / 4 - n) {
            snprintf(err, err_size, "%s: layer %u has an impossible shape "
                     "%ux%ux%ux%u", path, l + 1, out->shape[l][0],
                     out->shape[l][1], out->shape[l][2],
                     out->shape[l][3]);
            return -1;
        }
        total += n;
    }
    if ((size - head) / 4 != total || (size - head) % 4 != 0) {
        snprintf(err, err_size, (size - head) / 4 < total
                 ? "%s: truncated: %zu bytes, but the layer shapes in "
                   "the header promise %zu"
                 : "%s: %zu bytes, but the layer shapes in the header "
                   "promise %zu (extra bytes at the end)", path, size,
                 total <= (SIZE_MAX - head) / 4 ? head + 4 * total : 0);
        return -1;
    }
    float *p = malloc(total * sizeof *p);
    if (!p) {
        snprintf(err, err_size, "%s: out of memory for %zu weights", path,
                 total);
        return -1;
    }
    const unsigned char *at = b + head;
    for (size_t i = 0; i < total; i++, at += 4) {
        uint32_t bits = get_u32(at);
        memcpy(&p[i], &bits, 4);
        if (!isfinite(p[i])) {
            snprintf(err, err_size, "%s: parameter %zu is not a finite "
                     "number", path, i);
            free(p);
            return -1;
        }
    }
    out->params = p;
    out->n_params = total;
    return 0;
}

void weights_free(weights_file *w)
{
    free(w->params);
    w->params = NULL;
    w->n_params = 0;
}
