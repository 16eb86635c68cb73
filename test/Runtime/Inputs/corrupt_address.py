#!/usr/bin/python3
"""Sets the address of the first MEM read in a .lpu file to ADDRESS and
re-computes the checksum, so only the loader's semantic validation can tell.

Usage: corrupt_address.py IN.lpu OUT.lpu ADDRESS
"""
import struct
import sys

READ_OPCODE = 2  # the row of "read" in runtime/include/lpu/ISA.def


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    src, dst, address = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = bytearray(open(src, "rb").read())
    (count,) = struct.unpack_from("<I", data, 12)
    for i in range(count):
        tag, _, offset, _size = struct.unpack_from("<4sIQQ", data, 32 + 24 * i)
        if tag != b"CODE":
            continue
        (units,) = struct.unpack_from("<I", data, offset)
        at = offset + 4
        for _ in range(units):
            _kind, _, _, _index, n = struct.unpack_from("<BBHII", data, at)
            at += 12
            for k in range(n):
                word = at + 16 * k
                if data[word] == READ_OPCODE:
                    struct.pack_into("<I", data, word + 4, address)
                    struct.pack_into("<Q", data, len(data) - 8,
                                     fnv1a64(data[:-8]))
                    open(dst, "wb").write(data)
                    print(f"patched instruction at offset {word}")
                    return
            at += 16 * n
    sys.exit("no read instruction found")


if __name__ == "__main__":
    main()
