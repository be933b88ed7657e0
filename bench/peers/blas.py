#!/usr/bin/python3
"""Which BLAS does NumPy (or a program) run with here?

    /usr/bin/python3 bench/peers/blas.py            NumPy's, after import
    /usr/bin/python3 bench/peers/blas.py LIBRARY    that library's

Prints one line: for OpenBLAS its configuration and the kernels it picks
on this processor ("OpenBLAS 0.3.21 ... Haswell ...; kernels for
Haswell"), else the library's file ("/usr/lib/.../libblas.so.3.11.0, not
OpenBLAS"). NumPy's BLAS is the libblas.so (or libcblas.so) mapped into
this process, else the first mapped BLAS that exports cblas_dgemm. Used by bench/spiral-moons.sh and by the test
that keeps chapter 7's recorded NumPy run honest.
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


def numpy_blas():
    import numpy  # noqa: F401  (maps NumPy's BLAS into this process)
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


def main():
    if len(sys.argv) > 2:
        sys.exit('usage: blas.py [LIBRARY]')
    path = sys.argv[1] if len(sys.argv) == 2 else numpy_blas()
    print(describe(path) if path else 'no BLAS found')


if __name__ == '__main__':
    main()
