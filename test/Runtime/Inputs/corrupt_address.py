#!/usr/bin/python3
"""Sets the address of the first MEM read in a .lpu file to ADDRESS and
re-computes the checksum, so only the loader's semantic validation can tell.

Usage: corrupt_address.py IN.lpu OUT.lpu ADDRESS
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Inputs"))
import lpubin  # noqa: E402

READ_OPCODE = 2  # the row of "read" in runtime/include/lpu/ISA.def


def main():
    src, dst, address = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = bytearray(open(src, "rb").read())
    for word in lpubin.instruction_words(data):
        if data[word] == READ_OPCODE:
            struct.pack_into("<I", data, word + 4, address)
            lpubin.save_with_checksum(data, dst)
            print(f"patched instruction at offset {word}")
            return
    sys.exit("no read instruction found")


if __name__ == "__main__":
    main()
