//===- Binary.h - The .lpu binary format ------------------------*- C++ -*-===//
//
// In-memory form of a .lpu file, its writer and its validating reader. The
// byte layout is specified in docs/binary-format.md.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_BINARY_H
#define LPU_BINARY_H

#include "lpu/HostType.h"
#include "lpu/ISA.h"
#include "lpu/LargeArray.h"
#include "lpu/Layout.h"
#include "lpu/Target.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lpu {

constexpr char kMagic[8] = {'L', 'P', 'U', 'B', 'I', 'N', '\r', '\n'};
constexpr uint16_t kFormatMajor = 12;
constexpr uint16_t kFormatMinor = 1;

/// One part of a tensor: a range of addresses on one MEM slice.
struct SramPart {
  uint32_t slice = 0;
  uint32_t address = 0;
  bool operator==(const SramPart &o) const {
    return slice == o.slice && address == o.address;
  }
};

/// The longest tensor name a binary may hold, in bytes.
constexpr size_t kMaxTensorNameBytes = 4096;
/// Whether `name` may name an input or output: 1 to kMaxTensorNameBytes
/// bytes, none a control character (tools print names and write them into
/// listings; file names are derived from them separately).
inline bool hasControlCharacter(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f)
      return true;
  return false;
}
inline bool isValidTensorName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxTensorNameBytes &&
         !hasControlCharacter(name);
}

/// Limits on a binary's provenance: entries, key and value bytes.
constexpr size_t kMaxProvenanceEntries = 64;
constexpr size_t kMaxProvenanceKeyBytes = 64;
constexpr size_t kMaxProvenanceValueBytes = 1 << 16;

/// A program input or output: where the host puts or finds it in SRAM. Its
/// rows are dealt in blocks of `blockRows` over `parts` (lpu/Layout.h).
struct TensorBinding {
  std::string name;
  DType dtype = DType::F32; // on the chip
  /// The host's element type (the model's): the chip holds integers as i32
  /// and bool, f64, f16 and bf16 as f32 (holdsHostType); the runtime
  /// converts, checking that every value fits.
  HostType host = HostType::F32;
  std::vector<int64_t> shape;
  TensorLayout layout;
  int64_t blockRows = 1;
  std::vector<SramPart> parts;
  /// An output that is state (a KV cache): the index of the input it is the
  /// next run's value of. Both lie in the same SRAM, so it never leaves the
  /// chip; -1 for other tensors.
  int32_t stateOf = -1;

  PartDeal deal() const { return {int64_t(parts.size()), blockRows}; }
  /// Bytes per element in host buffers.
  unsigned hostBytes() const { return hostTypeBytes(host); }
  /// The slice and address of vector `offset`.
  std::pair<uint32_t, uint32_t> locate(int64_t offset) const {
    auto [part, local] = deal().locate(layout, offset);
    return {parts[part].slice, parts[part].address + uint32_t(local)};
  }
};

/// Initial SRAM contents: `addresses` whole addresses from `address` on,
/// whose bytes (TargetDesc::planeBytes per address) start at `offset` in
/// Binary::sramBytes.
struct SramSegment {
  uint32_t slice = 0;
  uint32_t address = 0;
  uint32_t addresses = 0;
  size_t offset = 0;
};

/// A unit's instructions. A loaded binary's queues share one LargeArena: a
/// model has hundreds of queues of some hundred KiB each.
using InstructionQueue = std::vector<Instruction, ArenaAllocator<Instruction>>;

/// The instruction queue of one functional unit, NOPs included.
struct UnitProgram {
  UnitKind kind = UnitKind::Mem;
  uint32_t index = 0;
  InstructionQueue instructions;
};

/// What a binary was made from, as (key, value) pairs in the order the
/// compiler records them: the model's and the target's SHA-256, the
/// precision and the flags that change the output (docs/binary-format.md).
using Provenance = std::vector<std::pair<std::string, std::string>>;

struct Binary {
  TargetDesc target;
  /// The compiler and its version, e.g. "lpuc 0.1.0".
  std::string producer;
  Provenance provenance;
  std::vector<TensorBinding> inputs;
  std::vector<TensorBinding> outputs;
  std::vector<SramSegment> sram;
  /// Every segment's bytes, one after another: a real model's weights are
  /// tens of MB, kept in one array.
  LargeVector<uint8_t> sramBytes;
  std::vector<UnitProgram> units;

  /// Appends a segment of zeroed bytes; returns its offset in sramBytes.
  size_t addSramSegment(uint32_t slice, uint32_t address, uint32_t addresses);
  uint8_t *segmentBytes(const SramSegment &segment) {
    return sramBytes.data() + segment.offset;
  }
  const uint8_t *segmentBytes(const SramSegment &segment) const {
    return sramBytes.data() + segment.offset;
  }
  size_t segmentSize(const SramSegment &segment) const {
    return size_t(segment.addresses) * target.planeBytes();
  }
};

/// The checksum a file image of `size` bytes must end with: the CRC-32
/// (zlib's) of all bytes before the last 8, as a u64.
uint64_t computeChecksum(const uint8_t *data, size_t size);

/// The `TRGT` section's bytes for `target`: a canonical form of the
/// description (what a binary's target hash is computed over).
std::vector<uint8_t> encodeTarget(const TargetDesc &target);

/// Serializes `binary`; the result is a function of its contents only.
std::vector<uint8_t> writeBinary(const Binary &binary);

/// Parses and validates a whole file image. On failure returns false and sets
/// `error` to one line naming the offending section, offset or field.
bool readBinary(const uint8_t *data, size_t size, Binary &binary,
                std::string &error);

/// Prints what the binary holds but its code, as assembly comments: the
/// target, producer and provenance, the inputs and outputs, the SRAM image.
void printSummary(const Binary &binary, std::ostream &os);

/// Prints the program as assembly: the summary, then one line per
/// instruction with its cycle.
void printAssembly(const Binary &binary, std::ostream &os);

/// One instruction in assembly syntax, e.g. "vadd e0, e1 -> w2".
std::string formatInstruction(const TargetDesc &target,
                              const Instruction &inst);

/// The instruction table of docs/isa.md, as Markdown, from ISA.def.
void printInstructionTable(std::ostream &os);
/// The target parameter and latency tables of docs/isa.md, as Markdown.
void printTargetTables(const std::vector<TargetDesc> &targets,
                       std::ostream &os);

/// Formats a stream index as "e<i>" (eastward) or "w<i>" (westward).
std::string streamName(const TargetDesc &target, uint8_t stream);

} // namespace lpu

#endif // LPU_BINARY_H
