#!/usr/bin/python3
"""Adds one to the last latency of the TRGT section of a .lpu file and
re-computes the checksum: a well-formed binary whose description of its
(built-in) target differs from the runtime's.

Usage: patch_latency.py IN.lpu OUT.lpu
"""
import struct
import sys


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    data = bytearray(open(sys.argv[1], "rb").read())
    (count,) = struct.unpack_from("<I", data, 12)
    for i in range(count):
        tag, _, offset, size = struct.unpack_from("<4sIQQ", data, 32 + 24 * i)
        if tag == b"TRGT":
            last = offset + size - 4
            (latency,) = struct.unpack_from("<I", data, last)
            struct.pack_into("<I", data, last, latency + 1)
            struct.pack_into("<Q", data, len(data) - 8, fnv1a64(data[:-8]))
            open(sys.argv[2], "wb").write(data)
            return
    sys.exit("no TRGT section")


if __name__ == "__main__":
    main()
