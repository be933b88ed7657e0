#!/usr/bin/env python3
"""How many colours a PNG screenshot has (8-bit RGB/RGBA/grey, as
headless Chromium writes them), and whether it is blank.

    png-colours.py FILE.png [MIN_COLOURS]

Prints "FILE: WxH, N colours" and exits 1 when the image has fewer than
MIN_COLOURS (default 2) distinct colours: a page that rendered blank.
Standard library only (zlib), no imaging package needed."""
import struct
import sys
import zlib


def pixels(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError("only 8-bit, non-interlaced grey/RGB(A) PNGs")
    raw = zlib.decompress(b"".join(idat))
    stride, bpp = width * channels, channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    path = sys.argv[1]
    minimum = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    width, height, channels, rows = pixels(path)
    colours = set()
    for row in rows[::4]:
        for x in range(0, len(row), channels * 2):
            colours.add(row[x:x + channels])
        if len(colours) > 1000:
            break
    print("%s: %dx%d, %s colours" % (path, width, height,
                                     len(colours) if len(colours) <= 1000
                                     else "over 1000"))
    if len(colours) < minimum:
        print("FAIL: %s is blank (%d colour%s)" %
              (path, len(colours), "" if len(colours) == 1 else "s"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
