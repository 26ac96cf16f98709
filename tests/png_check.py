#!/usr/bin/env python3
"""png_check.py: looks at a rendered plot. Decodes an 8-bit RGB/RGBA PNG
with zlib alone and checks its size and that it is neither blank nor
flooded: the share of dark pixels (text, lines, marks) must lie in a range.
Usage: png_check.py FILE.png WIDTH HEIGHT [MIN_DARK MAX_DARK]
Prints 'png: ok W x H, dark D%' or why not, exits 0/1."""
import struct, sys, zlib

def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("unsupported PNG (depth %d, type %d)" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

def main(argv):
    path, want_w, want_h = argv[0], int(argv[1]), int(argv[2])
    lo, hi = (float(argv[3]), float(argv[4])) if len(argv) > 4 else (0.5, 40.0)
    w, h, bpp, rows = decode(path)
    if (w, h) != (want_w, want_h):
        print("png: %s is %d x %d, expected %d x %d" % (path, w, h, want_w, want_h))
        return 1
    dark = sum(1 for r in rows for x in range(0, w * bpp, bpp)
               if r[x] + r[x + 1] + r[x + 2] < 384 and (bpp == 3 or r[x + 3] > 128))
    share = 100.0 * dark / (w * h)
    if not lo <= share <= hi:
        print("png: %s has %.2f%% dark pixels, expected %g..%g" % (path, share, lo, hi))
        return 1
    print("png: ok %d x %d, dark %.2f%%" % (w, h, share))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
