"""Reading and patching .lpu files in tests (docs/binary-format.md): the
section table, instruction words and the checksum, so a test can make a
well-formed file that only the loader's semantic checks can refuse."""
import struct
import zlib

HEADER_BYTES = 32
SECTION_ENTRY_BYTES = 24
INSTRUCTION_BYTES = 16


def sections(data):
    """Yields (tag, payload offset, payload size) per section."""
    (count,) = struct.unpack_from("<I", data, 12)
    for i in range(count):
        tag, _, offset, size = struct.unpack_from(
            "<4sIQQ", data, HEADER_BYTES + SECTION_ENTRY_BYTES * i)
        yield tag, offset, size


def section(data, wanted):
    for tag, offset, size in sections(data):
        if tag == wanted:
            return offset, size
    raise SystemExit(f"no {wanted.decode()} section")


def instruction_words(data):
    """Yields the file offset of every instruction word in CODE."""
    offset, _ = section(data, b"CODE")
    (units,) = struct.unpack_from("<I", data, offset)
    at = offset + 4
    for _ in range(units):
        _kind, _, _, _index, n = struct.unpack_from("<BBHII", data, at)
        at += 12
        for k in range(n):
            yield at + INSTRUCTION_BYTES * k
        at += INSTRUCTION_BYTES * n


def save_with_checksum(data, path):
    struct.pack_into("<Q", data, len(data) - 8, zlib.crc32(data[:-8]))
    open(path, "wb").write(data)
