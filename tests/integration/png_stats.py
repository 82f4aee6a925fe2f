#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Decodes a PNG (8-bit greyscale, RGB or RGBA, not interlaced: what Chromium writes) with the
standard library only and prints what tells a blank screenshot from a page:
    width height colours background_share ink_left ink_top ink_right ink_bottom
colours: distinct pixel values; background_share: the fraction of pixels of the commonest
value; ink_*: the box of the pixels that differ from it (-1 when none).
    png_stats.py FILE [--crop TOP BOTTOM OUT.png]   (--crop writes rows TOP..BOTTOM-1)
"""
import struct
import sys
import zlib
from collections import Counter


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"{path}: depth {depth}, colour type {colour}, interlace {interlace}")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def write_png(path, width, channels, rows):
    colour = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + r for r in rows)

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows), 8, colour, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def main(argv):
    width, height, channels, rows = read_png(argv[1])
    if len(argv) == 6 and argv[2] == "--crop":
        write_png(argv[5], width, channels, rows[int(argv[3]):int(argv[4])])
        return 0
    counts = Counter()
    for r in rows:
        counts.update(r[i:i + channels] for i in range(0, len(r), channels))
    background, n = counts.most_common(1)[0]
    left, top, right, bottom = width, height, -1, -1
    for y, r in enumerate(rows):
        xs = [i // channels for i in range(0, len(r), channels) if r[i:i + channels] != background]
        if xs:
            top, bottom = min(top, y), y
            left, right = min(left, xs[0]), max(right, xs[-1])
    if right < 0:
        left = top = -1
    print(width, height, len(counts), f"{n / (width * height):.4f}", left, top, right, bottom)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
