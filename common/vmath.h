/* vmath.h - e^x in a form the compiler can vectorise, and the marks
   that compile a function for several vector widths (NN_CLONES_*).

   What it does: vector_exp(x) returns e^x computed with multiplications,
   additions and a shift only, so that a loop that calls it for many x can
   do several at once in vector instructions. The C library's exp is a
   function call, one x at a time, and a call inside a loop keeps the
   compiler from vectorising the loop. How it works (x = k ln 2 + r,
   e^x = 2^k e^r, e^r by its Taylor series, 2^k written into a double's
   exponent bits) is explained in chapter 6's "Making it fast"; chapters
   6, 7 and 8 use it.

   Accuracy: within about one unit in the last place of exp(x) for x in
   [-708, 709] (chapter 6 prints the largest relative difference on
   [-708, 0], and a test holds it to two units); e^0 is exactly 1. Outside
   that range x is clamped: e^-708 (about 3e-308, never 0) below it, e^709
   (about 8e307, never infinity) above it. A NaN gives a NaN. The same x
   gives the same bits one at a time and in vectors of any width: the
   book's build (GCC, ISO C) keeps every a * b + c as two roundings, never
   a fused multiply-add.

   Vectorising: the clamps are ?: choices, which GCC vectorises only when
   it may assume that no one looks at the floating-point exception flags.
   So vector_exp is compiled with -fno-trapping-math (GCC's optimize
   pragma below), and GCC inlines it only into functions compiled the same
   way: put a loop that calls it between the same pragmas,

       #pragma GCC push_options
       #pragma GCC optimize("no-trapping-math")
       ... the loop's function ...
       #pragma GCC pop_options

   as chapters 6, 7 and 8 do (guarded by __GNUC__ and not __clang__).
   Called from anywhere else it gives the same numbers, one call each.
   Other compilers get the plain function.

   Failure: none. No state, nothing allocated. */
#ifndef NN_VMATH_H
#define NN_VMATH_H

#include <stdint.h>
#include <string.h>

/* Clones: a function marked NN_CLONES_AVX2 is compiled twice, for every
   x86-64 processor (SSE2) and for AVX2; one marked NN_CLONES_AVX512
   three times, for AVX-512 as well. The program runs the version that
   suits the processor, chosen when it starts (GCC's target_clones, on
   x86-64 Linux; elsewhere both macros are empty and the portable version
   is all there is). The versions do the same multiplications and
   additions in the same order (no fused multiply-add, see above), so
   they give the same bits. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
    && defined(__linux__)
#define NN_CLONES_AVX2 __attribute__((target_clones("avx2", "default")))
#define NN_CLONES_AVX512 \
    __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NN_CLONES_AVX2
#define NN_CLONES_AVX512
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

// e^x for any x, within about one unit in the last place for x in
// [-708, 709] (outside, e^-708 or e^709): x = k ln 2 + r, e^x = 2^k e^r,
// e^r by its Taylor series to r^13 / 13!, 2^k written into the exponent
// bits of a double. Only multiplications, additions and a shift, which
// the compiler can do on several x at once; e^0 is exactly 1.
static inline double vector_exp(double x)
{
    const double shift = 0x1.8p52;    // + shift rounds to an integer
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.0 ? 709.0 : x;
    double kd = x * 0x1.71547652b82fep0 + shift;   // x / ln 2, rounded
    uint64_t bits;                    // k in the lowest bits
    memcpy(&bits, &kd, sizeof bits);
    kd -= shift;                      // k
    double r = x - kd * 0x1.62e42fee00000p-1        // x - k ln 2, with
                 - kd * 0x1.a39ef35793c76p-33;      // ln 2 = hi + lo
    double p = 1.0 / 6227020800.0;                  // 1 / 13!
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;                                // e^r
    bits = (bits << 52) + ((uint64_t)1023 << 52);   // 2^k
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

#endif
