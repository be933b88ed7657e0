/* rng.h - NumPy's legacy random generator (np.random.RandomState), exactly.

   What it does: a Mersenne Twister (MT19937) seeded like np.random.seed(n)
   for an integer n, and the legacy draws the book needs: rand, randn
   (Marsaglia's polar method, second value cached, as NumPy does),
   uniform, normal, shuffle and permutation. With the same seed and the
   same sequence of calls it returns the same doubles as NumPy 1.24, bit
   for bit, so a chapter can rebuild a tutorial's data and initial
   weights exactly.

   Failure: no call can fail. The state is a plain struct on the caller's
   stack; nothing is allocated, nothing needs freeing.

   Usage:
       rng r;
       rng_seed(&r, 0);                      // np.random.seed(0)
       double u = rng_rand(&r);              // np.random.rand()
       double g = rng_randn(&r);             // np.random.randn()
*/
#ifndef NN_RNG_H
#define NN_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t mt[624];   // the twister's state words
    int index;          // next word to hand out; 624 means "twist first"
    int has_gauss;      // 1 when a second polar-method value is cached
    double gauss;       // that cached value
} rng;

// np.random.seed(seed): MT19937's init_genrand, cache cleared.
void rng_seed(rng *r, uint32_t seed);

// The next raw 32-bit word (NumPy's random_raw).
uint32_t rng_u32(rng *r);

// np.random.rand(): a double in [0, 1) from 53 random bits.
double rng_rand(rng *r);

// np.random.randn(): a standard normal draw, legacy polar method.
double rng_randn(rng *r);

// np.random.uniform(low, high) = low + (high - low) * rand().
double rng_uniform(rng *r, double low, double high);

// np.random.normal(loc, scale) = loc + scale * randn().
double rng_normal(rng *r, double loc, double scale);

// A uniform integer in [0, max], NumPy's masked rejection sampling.
uint32_t rng_interval(rng *r, uint32_t max);

// np.random.shuffle on n items of `size` bytes each, in place.
void rng_shuffle(rng *r, void *items, size_t n, size_t size);

// np.random.permutation(n): writes 0..n-1 shuffled into out[n].
void rng_permutation(rng *r, int *out, int n);

// Fill out[n] with rand() / randn() / uniform(low, high) draws.
void rng_fill_rand(rng *r, double *out, size_t n);
void rng_fill_randn(rng *r, double *out, size_t n);
void rng_fill_uniform(rng *r, double *out, size_t n,
                      double low, double high);

#endif
