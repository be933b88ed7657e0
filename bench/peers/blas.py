#!/usr/bin/python3
"""Which BLAS does NumPy (or PyTorch, or a program) run with here?

    /usr/bin/python3 bench/peers/blas.py            NumPy's, after import
    /usr/bin/python3 bench/peers/blas.py --torch    PyTorch's, after a product
    /usr/bin/python3 bench/peers/blas.py LIBRARY    that library's

Prints one line: for OpenBLAS its configuration and the kernels it picks
on this processor ("OpenBLAS 0.3.21 ... Haswell ...; kernels for
Haswell"), else the library's file ("/usr/lib/.../libblas.so.3.11.0, not
OpenBLAS"). NumPy's BLAS is the libblas.so (or libcblas.so) mapped into
this process, else the first mapped BLAS that exports cblas_dgemm;
PyTorch's is found the same way after it has multiplied two matrices
(Debian's torch is built with BLAS_INFO=generic: it calls the system's
libblas.so.3, whichever BLAS the alternatives system points it at).
The kernels are those chosen under this process's environment
(OPENBLAS_CORETYPE and friends), so run it in the environment of the
program it speaks for. Used by bench/spiral-moons.sh, bench/lenet5.sh,
bench/peers/lenet5_torch.py and by the test that keeps chapter 7's
recorded NumPy run honest.
"""
import ctypes
import os
import sys


def describe(path):
    lib = ctypes.CDLL(path)
    try:
        for name in ('openblas_get_config', 'openblas_get_corename'):
            getattr(lib, name).restype = ctypes.c_char_p
        return '%s; kernels for %s' % (lib.openblas_get_config().decode(),
                                       lib.openblas_get_corename().decode())
    except AttributeError:
        return '%s, not OpenBLAS' % os.path.realpath(path)


def blas_threads(path):
    """The threads an OpenBLAS library will use (its pool's size, which
    OPENBLAS_NUM_THREADS sets), or None for another BLAS."""
    try:
        return ctypes.CDLL(path).openblas_get_num_threads()
    except AttributeError:
        return None


def mapped_blas():
    """The BLAS mapped into this process: libblas.so (or libcblas.so)
    first, failing those any mapped library named *blas* that has
    cblas_dgemm; None if there is none."""
    seen = []
    with open('/proc/self/maps') as maps:
        for line in maps:
            path = line.split()[-1]
            if path.startswith('/') and path not in seen:
                seen.append(path)
    # NumPy links libblas.so.3 (Debian) or libcblas: that file decides;
    # failing those, any mapped BLAS that has cblas_dgemm
    names = sorted(seen, key=lambda p: not os.path.basename(p).startswith(
        ('libblas.so', 'libcblas.so')))
    for path in names:
        if 'blas' in os.path.basename(path):
            try:
                if hasattr(ctypes.CDLL(path), 'cblas_dgemm'):
                    return path
            except OSError:
                pass
    return None


def numpy_blas():
    import numpy  # noqa: F401  (maps NumPy's BLAS into this process)
    return mapped_blas()


def torch_blas():
    import torch
    a = torch.ones(64, 64)
    (a @ a).sum().item()    # a product loads the BLAS if it is lazy
    return mapped_blas()


def main():
    if len(sys.argv) > 2:
        sys.exit('usage: blas.py [--torch | LIBRARY]')
    if len(sys.argv) == 1:
        path = numpy_blas()
    elif sys.argv[1] == '--torch':
        path = torch_blas()
    else:
        path = sys.argv[1]
    print(describe(path) if path else 'no BLAS found')


if __name__ == '__main__':
    main()
