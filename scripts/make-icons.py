#!/usr/bin/env python3
"""Draws Saqta's icon (a page with a highlighted line) as PNGs, without dependencies."""
import struct, zlib, os

def png(size, path):
    def px(x, y):
        u, v = x / size, y / size
        # rounded dark-blue square
        r = 0.18
        cx = min(max(u, r), 1 - r); cy = min(max(v, r), 1 - r)
        if (u - cx) ** 2 + (v - cy) ** 2 > r * r:
            return (0, 0, 0, 0)
        # page
        if 0.24 < u < 0.76 and 0.16 < v < 0.84:
            # highlighted line
            if 0.30 < u < 0.70 and 0.44 < v < 0.56:
                return (255, 214, 10, 255)
            for top in (0.26, 0.64, 0.72):
                if 0.30 < u < 0.70 and top < v < top + 0.04:
                    return (120, 130, 150, 255)
            return (255, 255, 255, 255)
        return (18, 52, 110, 255)
    raw = b''.join(b'\x00' + b''.join(struct.pack('BBBB', *px(x, y)) for x in range(size)) for y in range(size))
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    open(path, 'wb').write(data)

here = os.path.dirname(os.path.abspath(__file__))
for s in (16, 32, 48, 96, 128):
    png(s, os.path.join(here, '..', 'public', 'icon', f'{s}.png'))
