#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the crafted images and query texts of issue 11 into this folder (deterministic; Python standard library
only). See README.md for what each one does."""

import struct
import zlib


def png_chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)


def zeros_zlib(count):
    """A zlib stream of `count` zero bytes, built from one compressed MiB repeated: full flushes make the pieces
    byte-aligned and independent, so a 1 GB stream costs no more to make than a 1 MB one."""
    piece_size = 1 << 20
    compressor = zlib.compressobj(9)
    piece = compressor.compress(bytes(piece_size)) + compressor.flush(zlib.Z_FULL_FLUSH)
    header, piece = piece[:2], piece[2:]
    tail = zlib.compressobj(9)
    tail_bytes = tail.compress(bytes(count % piece_size)) + tail.flush(zlib.Z_FINISH)
    # The tail's raw deflate data without its own zlib header and Adler-32; the stream's checksum covers all zeros:
    # a stays 1, b grows by 1 per byte.
    tail_deflate = tail_bytes[2:-4]
    adler = (((count % 65521) << 16) | 1) & 0xFFFFFFFF
    return header + piece * (count // piece_size) + tail_deflate + struct.pack('>I', adler)


def png_of_zeros(width, height, bit_depth, color_type, channels):
    row_bytes = (width * channels * bit_depth + 7) // 8
    ihdr = struct.pack('>IIBBBBB', width, height, bit_depth, color_type, 0, 0, 0)
    idat = zeros_zlib(height * (1 + row_bytes))  # filter byte 0 and black pixels: all zeros
    return b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', ihdr) + png_chunk(b'IDAT', idat) + png_chunk(b'IEND', b'')


def tiff_gray(entries_for, width, height):
    """A little-endian TIFF holding one deflate-compressed strip of width x height gray pixels (value 128), with the
    IFD entries that entries_for(strip_offset, strip_bytes) lists, in that order."""
    strip = zlib.compress(bytes([128]) * (width * height), 9)
    strip_offset = 8
    ifd_offset = strip_offset + len(strip) + (len(strip) & 1)
    entries = entries_for(strip_offset, len(strip))
    ifd = struct.pack('<H', len(entries))
    for tag, kind, count, value in entries:
        if kind == 3:  # SHORT: the value sits in the first two bytes of the field
            ifd += struct.pack('<HHIHH', tag, kind, count, value, 0)
        else:
            ifd += struct.pack('<HHII', tag, kind, count, value)
    ifd += struct.pack('<I', 0)
    return b'II*\x00' + struct.pack('<I', ifd_offset) + strip + b'\x00' * (len(strip) & 1) + ifd


def tiff_common(height, strip_offset, strip_bytes):
    return [(258, 3, 1, 8), (259, 3, 1, 8), (262, 3, 1, 1), (273, 4, 1, strip_offset), (277, 3, 1, 1),
            (278, 4, 1, height), (279, 4, 1, strip_bytes)]


def write(name, data):
    with open(name, 'wb') as f:
        f.write(data)


def main():
    # TIFF: the size given twice, 64 x 8 and 2048 x 2048 (the strip holds 2048 x 2048 pixels).
    write('tiff-duplicate-size.tif', tiff_gray(
        lambda offset, size: [(256, 3, 1, 64), (257, 3, 1, 8), (256, 4, 1, 2048), (257, 4, 1, 2048)]
        + tiff_common(2048, offset, size), 2048, 2048))
    write('tiff-duplicate-size-big-first.tif', tiff_gray(
        lambda offset, size: [(256, 4, 1, 2048), (257, 4, 1, 2048), (256, 3, 1, 64), (257, 3, 1, 8)]
        + tiff_common(2048, offset, size), 2048, 2048))

    # JPEG: a second start-of-frame segment claiming 60000 x 60000 before the real one (8 x 8, one gray component).
    with open('../images/gray_800x600.jpg', 'rb') as f:
        jpeg = f.read()
    fake_frame = b'\xff\xc0' + struct.pack('>HBHHB', 11, 8, 60000, 60000, 1) + b'\x01\x11\x00'
    write('jpeg-two-frames.jpg', jpeg[:2] + fake_frame + jpeg[2:])

    # PNG decompression bombs: black pixels, a few KB to a few hundred KB on disk.
    write('png-bomb-gray-14000.png', png_of_zeros(14000, 14000, 1, 0, 1))      # 196 MP, 1-bit gray: 24 KB
    write('png-over-limit-15000.png', png_of_zeros(15000, 15000, 1, 0, 1))    # 225 MP: over the 200 MP limit

    # BMP and PNG sizes past 2^31 (found by fuzzing, fuzz/fuzz_image.cpp). The BMP is the fuzzer's input as it was:
    # width and height 0xBBBBBBBB, which BMP's signed fields make negative; ClipFind read them as 3,149,642,683 and
    # then multiplied them in 64 bits for the message (signed overflow). The PNG's 2^32-1 x 2^32-1 overflows the same.
    write('bmp-negative-size.bmp', b'BM' + b'\xbb' * 70 + b'\x89')
    ihdr = struct.pack('>IIBBBBB', 0xFFFFFFFF, 0xFFFFFFFF, 8, 2, 0, 0, 0)
    write('png-size-2e32.png', b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', ihdr) + png_chunk(b'IEND', b''))
    # A valid top-down BMP (negative height), 4 x 2, 24 bits: top row red, green, blue, white; bottom row black.
    # The same sign bug read its height as 4,294,967,294 and refused it as too large.
    rows = bytes([0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255]) + bytes(12)  # BGR, 12 bytes a row: no padding
    info = struct.pack('<IiiHHIIiiII', 40, 4, -2, 1, 24, 0, len(rows), 2835, 2835, 0, 0)
    write('bmp-top-down-4x2.bmp', b'BM' + struct.pack('<IHHI', 14 + len(info) + len(rows), 0, 0, 14 + len(info))
          + info + rows)

    # Query texts: '<' escaped 16,383 times (one level undone per ftfy round: the 17-second query), and two words
    # around a 65,530-space run (the query parser looked ahead from every space of a run).
    write('nested-escapes-64k.txt', ('&' + 'amp;' * 16382 + 'lt;').encode())
    write('space-run-64k.txt', ('red' + ' ' * 65530 + 'car').encode())


if __name__ == '__main__':
    main()
