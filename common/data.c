/* data.c - synthetic data sets. The contract is in data.h. */
#include "data.h"

#include <math.h>
#include <stdlib.h>

#include "matrix.h"   // nn_alloc

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* sin and cos as NumPy 1.24 computes them on this kind of machine.

   np.sin and np.cos on float64 arrays do not call the C library: on a
   CPU with AVX-512 (AVX512_SKX) NumPy 1.22-1.24 hands them to Intel's
   SVML, whose "la" (low accuracy, < 4 ulp) kernels return a different
   last bit from glibc's correctly rounded sin and cos for about half of
   all arguments. The reference data sets were made that way, so to
   match them bit for bit we redo SVML's arithmetic here, operation for
   operation, each fma() rounded once as the vector instruction is:

     sin: N = round(x / pi), R = x - N pi (pi in three parts),
          sin x = (-1)^N (R + R^3 P(R^2)), P of degree 6;
     cos: N = floor(|x| / pi), R = (N + 1/2) pi - |x|,
          cos x = (-1)^N (R + R^3 Q(R^2)), Q of degree 6.

   The constants are SVML's, bit for bit. Arguments beyond 2^24 (where
   SVML switches to a long reduction we do not copy), infinities and NaN
   go to the C library; the data sets never come near them. Checked
   against np.sin and np.cos on 260,000 arguments: no difference. */
static const double svml_inv_pi = 0x1.45f306dc9c883p-2;   // 1/pi
static const double svml_pi[3] = {                        // pi = sum
    0x1.921fb54442d18p+1, 0x1.1a62633145c06p-53, 0x1.c1cd129024e09p-106};

static double numpy_sin(double x)
{
    if (!(fabs(x) < 0x1p24))
        return sin(x);
    if (x == 0.0)
        return x;
    // N = round(x / pi): adding 1.5 * 2^52 rounds to an integer
    const double shifter = 0x1.8p52;
    double n = fma(x, svml_inv_pi, shifter) - shifter;
    double r = fma(-n, svml_pi[0], x);          // R = x - N pi
    r = fma(-n, svml_pi[1], r);
    double r2 = r * r;
    r = fma(-n, svml_pi[2], r);
    double p = fma(-0x1.9f1517e9f65f0p-41, r2, 0x1.60e6bee01d83ep-33);
    p = fma(r2, p, -0x1.ae6355aaa4a53p-26);
    p = fma(r2, p, 0x1.71de3806add1ap-19);
    p = fma(r2, p, -0x1.a01a019a659ddp-13);
    p = fma(r2, p, 0x1.111111110a573p-7);
    p = fma(r2, p, -0x1.55555555554a8p-3);
    p = fma(r2 * r, p, r);                      // sin R
    return ((long long)n & 1) ? -p : p;         // (-1)^N sin R
}

static double numpy_cos(double x)
{
    double a = fabs(x);
    if (!(a < 0x1p24))
        return cos(x);
    if (a < 0x1p-27)
        return 1.0;
    // N = floor(|x| / pi) of the exact product (SVML rounds towards
    // zero): |x| / pi = hi + lo exactly; hi + lo drops below an integer
    // hi only when lo < 0.
    double hi = a * svml_inv_pi, lo = fma(a, svml_inv_pi, -hi);
    double n = floor(hi);
    if (n == hi && lo < 0.0)
        n -= 1.0;
    double half = n + 0.5;
    double r = fma(half, svml_pi[0], -a);       // R = (N + 1/2) pi - |x|
    r = fma(svml_pi[1], half, r);
    double r2 = r * r;
    r = fma(svml_pi[2], half, r);
    if ((long long)n & 1)
        r = -r;
    double p = fma(-0x1.9f0d60811aac8p-41, r2, 0x1.60e6857a2f220p-33);
    p = fma(r2, p, -0x1.ae63546002231p-26);
    p = fma(r2, p, 0x1.71de38030fea0p-19);
    p = fma(r2, p, -0x1.a01a019a5b87bp-13);
    p = fma(r2, p, 0x1.111111110a4a8p-7);
    p = fma(r2, p, -0x1.55555555554a7p-3);
    return fma(r * r2, p, r);                   // (-1)^N sin R
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void data_beans(rng *r, double *x, double *y, int n)
{
    rng_fill_rand(r, x, (size_t)n);
    qsort(x, (size_t)n, sizeof x[0], compare_doubles);
    for (int i = 0; i < n; i++)
        y[i] = 1.2 * x[i] + rng_rand(r) / 10.0;
}

void data_beans_labelled(rng *r, double *x, double *label, int n)
{
    rng_fill_rand(r, x, (size_t)n);
    qsort(x, (size_t)n, sizeof x[0], compare_doubles);
    for (int i = 0; i < n; i++) {
        double toxicity = 0.7 * x[i] + (0.5 - rng_rand(r)) / 50.0 + 0.5;
        label[i] = toxicity > 0.8 ? 1.0 : 0.0;
    }
}

void data_linspace(double *out, double start, double stop, int n)
{
    if (n == 1) {
        out[0] = start;
        return;
    }
    double step = (stop - start) / (n - 1);
    for (int i = 0; i < n; i++)
        out[i] = i * step + start;
    out[n - 1] = stop;
}

void data_spiral(rng *r, double *X, int *y, int n, int K)
{
    double *radius = nn_alloc((size_t)n, sizeof *radius);
    double *angle = nn_alloc((size_t)n, sizeof *angle);
    data_linspace(radius, 0.0, 1.0, n);
    for (int j = 0; j < K; j++) {
        data_linspace(angle, 4.0 * j, 4.0 * (j + 1), n);
        for (int i = 0; i < n; i++) {
            // NumPy adds the whole randn(N) * 0.2 vector; the same values
            double t = angle[i] + rng_randn(r) * 0.2;
            int row = j * n + i;
            X[2 * row] = radius[i] * numpy_sin(t);
            X[2 * row + 1] = radius[i] * numpy_cos(t);
            y[row] = j;
        }
    }
    free(radius);
    free(angle);
}

void data_moons(rng *r, double *X, int *y, int n, double noise)
{
    int n_out = n / 2, n_in = n - n_out;
    double *t_out = nn_alloc((size_t)n_out, sizeof *t_out);
    double *t_in = nn_alloc((size_t)n_in, sizeof *t_in);
    data_linspace(t_out, 0.0, M_PI, n_out);
    data_linspace(t_in, 0.0, M_PI, n_in);
    double *moons = nn_alloc((size_t)n * 2, sizeof *moons);   // (n, 2)
    int *labels = nn_alloc((size_t)n, sizeof *labels);
    for (int i = 0; i < n_out; i++) {          // the upper half circle
        moons[2 * i] = numpy_cos(t_out[i]);
        moons[2 * i + 1] = numpy_sin(t_out[i]);
        labels[i] = 0;
    }
    for (int i = 0; i < n_in; i++) {           // the lower, shifted one
        int row = n_out + i;
        moons[2 * row] = 1.0 - numpy_cos(t_in[i]);
        moons[2 * row + 1] = 1.0 - numpy_sin(t_in[i]) - 0.5;
        labels[row] = 1;
    }
    // sklearn.utils.shuffle: shuffle an index vector, then gather rows
    int *order = nn_alloc((size_t)n, sizeof *order);
    rng_permutation(r, order, n);
    for (int i = 0; i < n; i++) {
        X[2 * i] = moons[2 * order[i]];
        X[2 * i + 1] = moons[2 * order[i] + 1];
        y[i] = labels[order[i]];
    }
    // X += normal(scale=noise, size=(n, 2)), row by row
    for (int i = 0; i < 2 * n; i++)
        X[i] += rng_normal(r, 0.0, noise);
    free(t_out);
    free(t_in);
    free(moons);
    free(labels);
    free(order);
}

// One arm of seed 003's genSpiral.
static void spiral_arm(rng *r, double *X, double *y, int count,
                       double delta, double label)
{
    for (int i = 0; i < count; i++) {
        double radius = (double)i / count * 5.0;
        double t = 1.75 * i / count * 2.0 * M_PI + delta;
        X[2 * i] = radius * sin(t) + rng_uniform(r, -0.1, 0.1);
        X[2 * i + 1] = radius * cos(t) + rng_uniform(r, -0.1, 0.1);
        y[i] = label;
    }
}

void data_two_spirals(rng *r, double *X, double *y, int n)
{
    int half = n / 2;
    spiral_arm(r, X, y, half, 0.0, 1.0);
    spiral_arm(r, X + 2 * half, y + half, half, M_PI, 0.0);
}

// One ring (or disc) of classifyCircleData.
static void circle_part(rng *r, double *X, double *y, int count,
                        double r_min, double r_max, double noise)
{
    for (int i = 0; i < count; i++) {
        double radius = rng_uniform(r, r_min, r_max);
        double angle = rng_uniform(r, 0.0, 2.0 * M_PI);
        double px = radius * sin(angle), py = radius * cos(angle);
        double nx = rng_uniform(r, -1.0, 1.0) * noise;
        double ny = rng_uniform(r, -1.0, 1.0) * noise;
        double dist = sqrt((px + nx) * (px + nx) + (py + ny) * (py + ny));
        X[2 * i] = px + 1.0;
        X[2 * i + 1] = py + 1.0;
        y[i] = dist < 0.5 ? 1.0 : 0.0;
    }
}

void data_circle(rng *r, double *X, double *y, int n, double noise)
{
    int half = n / 2;
    circle_part(r, X, y, half, 0.0, 0.5, noise);
    circle_part(r, X + 2 * half, y + half, half, 0.7, 1.0, noise);
}
