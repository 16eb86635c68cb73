#!/usr/bin/python3
"""Adds one to the last latency of the TRGT section of a .lpu file and
re-computes the checksum: a well-formed binary whose description of its
(built-in) target differs from the runtime's.

Usage: patch_latency.py IN.lpu OUT.lpu
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import lpubin  # noqa: E402


def main():
    data = bytearray(open(sys.argv[1], "rb").read())
    offset, size = lpubin.section(data, b"TRGT")
    last = offset + size - 4
    (latency,) = struct.unpack_from("<I", data, last)
    struct.pack_into("<I", data, last, latency + 1)
    lpubin.save_with_checksum(data, sys.argv[2])


if __name__ == "__main__":
    main()
