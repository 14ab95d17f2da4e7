#!/usr/bin/env python3
"""Writes the media fixtures of the upload tests (sample.png, sample.jpg, sample.mp3).

Kept for provenance: the files are committed, so the tests do not need Python. Each is a
small but complete file of its format, made from scratch here.
"""
import struct
import zlib


def png(path, width=16, height=16):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 16 % 256, y * 16 % 256, 128)) for x in range(width))
        for y in range(height))
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(rows, 9))
    data += chunk(b"IEND", b"")
    open(path, "wb").write(data)


def jpeg(path):
    """A baseline JPEG of one 8x8 mid-grey block: one-symbol Huffman tables, DC 0, EOB."""
    def segment(marker, payload):
        return marker + struct.pack(">H", len(payload) + 2) + payload
    data = b"\xFF\xD8"
    data += segment(b"\xFF\xE0", b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    data += segment(b"\xFF\xDB", b"\x00" + bytes([1] * 64))
    data += segment(b"\xFF\xC0", b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
    data += segment(b"\xFF\xC4", b"\x00" + bytes([1] + [0] * 15) + b"\x00")  # DC: symbol 0, code '0'
    data += segment(b"\xFF\xC4", b"\x10" + bytes([1] + [0] * 15) + b"\x00")  # AC: EOB, code '0'
    data += segment(b"\xFF\xDA", b"\x01\x01\x00\x00\x3F\x00")
    data += b"\x3F"  # DC '0' (difference 0), AC '0' (EOB), padded with ones
    data += b"\xFF\xD9"
    open(path, "wb").write(data)


def mp3(path, frames=20):
    """MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono: silent frames (all-zero side info)."""
    header = b"\xFF\xFB\x90\xC4"
    frame_length = 144 * 128000 // 44100  # 417 bytes, no padding
    open(path, "wb").write((header + b"\x00" * (frame_length - 4)) * frames)


if __name__ == "__main__":
    png("sample.png")
    jpeg("sample.jpg")
    mp3("sample.mp3")
