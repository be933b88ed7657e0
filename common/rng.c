/* rng.c - NumPy's legacy RandomState. The contract is in rng.h. */
#include "rng.h"

#include <math.h>
#include <string.h>

enum { MT_N = 624, MT_M = 397 };

void rng_seed(rng *r, uint32_t seed)
{
    // init_genrand: mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >> 30)) + i
    r->mt[0] = seed;
    for (int i = 1; i < MT_N; i++) {
        uint32_t prev = r->mt[i - 1];
        r->mt[i] = 1812433253u * (prev ^ (prev >> 30)) + (uint32_t)i;
    }
    r->index = MT_N;
    r->has_gauss = 0;
    r->gauss = 0.0;
}

// Regenerate all 624 words at once (the "twist").
static void mt_twist(rng *r)
{
    const uint32_t upper = 0x80000000u, lower = 0x7fffffffu;
    const uint32_t matrix_a = 0x9908b0dfu;
    for (int i = 0; i < MT_N; i++) {
        uint32_t y = (r->mt[i] & upper) | (r->mt[(i + 1) % MT_N] & lower);
        uint32_t next = r->mt[(i + MT_M) % MT_N] ^ (y >> 1);
        r->mt[i] = (y & 1u) ? next ^ matrix_a : next;
    }
    r->index = 0;
}

uint32_t rng_u32(rng *r)
{
    if (r->index >= MT_N)
        mt_twist(r);
    uint32_t y = r->mt[r->index++];
    // tempering
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

double rng_rand(rng *r)
{
    // 27 high bits of one word and 26 of the next make 53 bits:
    // (a * 2^26 + b) / 2^53
    uint32_t a = rng_u32(r) >> 5, b = rng_u32(r) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

double rng_randn(rng *r)
{
    if (r->has_gauss) {
        r->has_gauss = 0;
        return r->gauss;
    }
    // Polar method: a point uniform in the unit disc gives two normals,
    // f*x1 and f*x2 with f = sqrt(-2 ln(r2) / r2). NumPy returns the
    // second and keeps the first for the next call.
    double x1, x2, r2;
    do {
        x1 = 2.0 * rng_rand(r) - 1.0;
        x2 = 2.0 * rng_rand(r) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}

double rng_uniform(rng *r, double low, double high)
{
    return low + (high - low) * rng_rand(r);
}

double rng_normal(rng *r, double loc, double scale)
{
    return loc + scale * rng_randn(r);
}

uint32_t rng_interval(rng *r, uint32_t max)
{
    if (max == 0)
        return 0;
    // smallest all-ones mask covering max, then reject draws above max
    uint32_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    uint32_t value;
    do {
        value = rng_u32(r) & mask;
    } while (value > max);
    return value;
}

void rng_shuffle(rng *r, void *items, size_t n, size_t size)
{
    // Fisher-Yates from the end, as RandomState.shuffle does.
    unsigned char *bytes = items, tmp[64];
    for (size_t i = n > 0 ? n - 1 : 0; i >= 1; i--) {
        size_t j = rng_interval(r, (uint32_t)i);
        if (j == i)
            continue;
        for (size_t done = 0; done < size; done += sizeof tmp) {
            size_t chunk = size - done < sizeof tmp ? size - done
                                                    : sizeof tmp;
            memcpy(tmp, bytes + i * size + done, chunk);
            memcpy(bytes + i * size + done, bytes + j * size + done, chunk);
            memcpy(bytes + j * size + done, tmp, chunk);
        }
    }
}

void rng_permutation(rng *r, int *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = i;
    rng_shuffle(r, out, (size_t)n, sizeof out[0]);
}

void rng_fill_rand(rng *r, double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = rng_rand(r);
}

void rng_fill_randn(rng *r, double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = rng_randn(r);
}

void rng_fill_uniform(rng *r, double *out, size_t n,
                      double low, double high)
{
    for (size_t i = 0; i < n; i++)
        out[i] = rng_uniform(r, low, high);
}
