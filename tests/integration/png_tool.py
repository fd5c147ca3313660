#!/usr/bin/env python3
"""Tiny PNG reader (8-bit RGB/RGBA, non-interlaced: what Chromium writes),
stdlib only. Used by the report tests to check a screenshot is not blank.

  png_tool.py colors FILE          prints the number of distinct colours
                                   and the share of the most common one
  png_tool.py crop FILE OUT Y0 Y1  writes rows [Y0, Y1) to OUT (for a human
                                   to look at part of a tall screenshot)
"""
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG file" % path)
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("%s: unsupported PNG (depth %d, colour type %d)"
                         % (path, depth, ctype))
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        ft, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def write_png(path, w, bpp, rows):
    raw = b"".join(b"\x00" + r for r in rows)

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    ctype = 6 if bpp == 4 else 2
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, len(rows), 8,
                                           ctype, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "colors":
        w, h, bpp, rows = read_png(sys.argv[2])
        counts = {}
        for r in rows[::2]:
            for x in range(0, w * bpp, bpp * 2):
                px = r[x:x + 3]
                counts[px] = counts.get(px, 0) + 1
        top = max(counts.values())
        print("%d %.4f" % (len(counts), top / sum(counts.values())))
    elif len(sys.argv) == 6 and sys.argv[1] == "crop":
        w, h, bpp, rows = read_png(sys.argv[2])
        y0, y1 = int(sys.argv[4]), min(int(sys.argv[5]), h)
        write_png(sys.argv[3], w, bpp, rows[y0:y1])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
