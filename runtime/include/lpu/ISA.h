//===- ISA.h - LPU instruction set ------------------------------*- C++ -*-===//
//
// Opcodes, functional-unit kinds and the 16-byte instruction word, expanded
// from ISA.def. Shared by the compiler and the runtime; no MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_ISA_H
#define LPU_ISA_H

#include <cstdint>
#include <cstring>
#include <string_view>

namespace lpu {

/// Functional-unit kinds. The numeric values are part of the binary format.
/// The kinds of instruction queue. Each MXM plane has two: `mxm` streams
/// activations through the array (abc, acc) and `mxw` loads and installs its
/// weights (lw, iw), so the next weights load while the array computes
/// (the TSP has 6 MXM queues per hemisphere of 2 planes).
enum class UnitKind : uint8_t {
  Mem = 0,
  Vxm = 1,
  Mxm = 2,
  Sxm = 3,
  MxmWeights = 4,
  Any = 255
};
constexpr unsigned kNumUnitKinds = 5;

/// Whether a queue of this kind belongs to an MXM plane (its index is the
/// plane's).
inline bool isPlaneQueue(UnitKind kind) {
  return kind == UnitKind::Mxm || kind == UnitKind::MxmWeights;
}

std::string_view unitKindName(UnitKind kind);

/// What an instruction's 32-bit immediate means.
enum class ImmKind : uint8_t {
  None,      // must be zero
  Count,     // a positive count (NOP cycles)
  Install,   // low 16 bits: weight-buffer rows installed; bit 16: install
             // the rows transposed (as array columns); bits 17..28: the
             // first input lane the array's rows meet (its K window)
  Load,      // low 16 bits: the first weight-buffer row loaded; bits
             // 16..23: rows loaded minus one
  F32,       // IEEE-754 binary32 bit pattern
  LaneWidth, // low 16 bits: source lane; high 16 bits: lanes written
  Shift,     // signed lane shift, |shift| < lanes
  DType,     // low byte: an element type (DType numbering); bit 8: round
             // toward zero (kConvertTowardZero)
  Flag,      // 0 or 1
  Gather,    // low 16 bits: table vectors (>= 1); bits 16..23: vectors
             // between entries (>= 1); bit 24: an index below 0 faults;
             // bit 25: an index at or above the count faults (GatherFields)
  Repeat,    // low 16 bits: extra issues (>= 1); high 16 bits: cycles between
             // issues (>= 1). The address field is a signed step added to
             // the repeated instruction's address at each issue.
};

/// Element types, numbered as ONNX's TensorProto.DataType. In SRAM and on
/// streams an element is its little-endian bytes, spread over planes of
/// TargetDesc::laneBytes each (TargetDesc::planesOf). Instructions compute on
/// lane words: float types as the binary32 value (f16/bf16 values are
/// exactly representable), integer types as the sign-extended value.
enum class DType : uint8_t {
  None = 0,
  F32 = 1,
  I8 = 3,
  I32 = 6,
  F16 = 10,
  BF16 = 16,
};
/// "f32", "i8", ...; "none" for DType::None and "?" for invalid bytes.
std::string_view dtypeName(DType dtype);
/// The element type called `name` ("f32", "i8", ...), if any.
bool parseDTypeName(std::string_view name, DType &dtype);
/// Every element type an instruction may name, in DType order.
constexpr DType kElementTypes[] = {DType::F32, DType::I8, DType::I32,
                                   DType::F16, DType::BF16};
bool decodeDType(uint8_t byte, DType &dtype);
inline bool isFloatDType(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}
/// Bytes per element in host buffers (f32 4, f16 2, i8 1, ...).
inline unsigned dtypeHostBytes(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I8:
    return 1;
  case DType::None:
    break;
  }
  return 0;
}

/// A float lane word's binary32 bit pattern, and back (also F32 immediates).
inline uint32_t floatToWord(float value) {
  uint32_t word;
  std::memcpy(&word, &value, 4);
  return word;
}
inline float wordToFloat(uint32_t word) {
  float value;
  std::memcpy(&value, &word, 4);
  return value;
}

/// `gather`'s immediate.
constexpr uint32_t kGatherMaxCount = 0xffff, kGatherMaxStride = 0xff;
struct GatherFields {
  uint32_t count = 0;  // entries in the table
  uint32_t stride = 0; // vectors from one entry to the next
  bool faultBelow = false, faultAbove = false;
  bool valid = false; // reserved bits clear, count and stride >= 1
};
inline GatherFields decodeGather(uint32_t imm) {
  GatherFields f;
  f.count = imm & kGatherMaxCount;
  f.stride = (imm >> 16) & kGatherMaxStride;
  f.faultBelow = imm >> 24 & 1;
  f.faultAbove = imm >> 25 & 1;
  f.valid = (imm >> 26) == 0 && f.count >= 1 && f.stride >= 1;
  return f;
}
inline uint32_t encodeGather(const GatherFields &f) {
  return f.count | f.stride << 16 | uint32_t(f.faultBelow) << 24 |
         uint32_t(f.faultAbove) << 25;
}

/// `vcvt`'s immediate: the result type, and whether floats round toward zero.
constexpr uint32_t kConvertTowardZero = 1u << 8;
inline DType convertResultType(uint32_t imm) {
  return static_cast<DType>(imm & 0xff);
}

/// Which element types an instruction's dtype byte may name.
enum class TypeSet : uint8_t {
  None,   // must be DType::None
  Any,    // f32, f16, bf16, i32, i8: the vector moved, which sets its width
  Arith,  // f32, f16, bf16, i32, i8
  Float,  // f32, f16, bf16
  MatMul, // f32, f16, bf16, i8 (the MXM's input types)
};
bool typeSetContains(TypeSet set, DType dtype);

enum class Opcode : uint8_t {
#define LPU_INSTRUCTION(Name, Mnemonic, Unit, NumSources, HasResult,           \
                        UsesAddress, Imm, Types, Summary)                      \
  Name,
#include "lpu/ISA.def"
};

/// MEM instructions that write SRAM, when they land (write, scatter).
inline bool writesSram(Opcode opcode) {
  return opcode == Opcode::Write || opcode == Opcode::Scatter;
}
/// MEM instructions whose lanes' addresses are values (gather, scatter):
/// they hold every bank of their slice.
inline bool isIndirect(Opcode opcode) {
  return opcode == Opcode::Gather || opcode == Opcode::Scatter;
}

constexpr unsigned kNumOpcodes = 0
#define LPU_INSTRUCTION(Name, Mnemonic, Unit, NumSources, HasResult,           \
                        UsesAddress, Imm, Types, Summary)                      \
  +1
#include "lpu/ISA.def"
    ;

struct InstructionInfo {
  Opcode opcode;
  std::string_view mnemonic;
  UnitKind unit;
  unsigned numSources;
  bool hasResult;
  bool usesAddress;
  ImmKind imm;
  TypeSet types;
  std::string_view summary;
};

/// The type MXM products of `input` accumulate in: i32 for i8, else f32.
inline DType accumulatorType(DType input) {
  return input == DType::I8 ? DType::I32 : DType::F32;
}

/// ISA.def as a table, by opcode (inline: the simulator and the proof ask
/// for every instruction they issue).
inline constexpr InstructionInfo kInstructionTable[] = {
#define LPU_INSTRUCTION(Name, Mnemonic, Unit, NumSources, HasResult,           \
                        UsesAddress, Imm, Types, Summary)                      \
  {Opcode::Name,     Mnemonic,     UnitKind::Unit, NumSources, HasResult != 0, \
   UsesAddress != 0, ImmKind::Imm, TypeSet::Types, Summary},
#include "lpu/ISA.def"
};

/// The row of ISA.def for `opcode`.
inline const InstructionInfo &getInstructionInfo(Opcode opcode) {
  return kInstructionTable[static_cast<unsigned>(opcode)];
}
/// Opcode for a raw byte, or false when the byte names no instruction.
bool decodeOpcode(uint8_t byte, Opcode &opcode);

/// The fields of an `iw` immediate (ImmKind::Install).
struct InstallFields {
  uint32_t rows = 0;
  bool transposed = false;
  uint32_t window = 0; // the first input lane array row 0 meets
  /// Whether bits outside the three fields are zero.
  bool valid = true;
};
inline InstallFields decodeInstall(uint32_t imm) {
  return {imm & 0xffff, ((imm >> 16) & 1) != 0, (imm >> 17) & 0xfff,
          (imm >> 29) == 0};
}
inline uint32_t encodeInstall(uint32_t rows, bool transposed, uint32_t window) {
  return rows | (transposed ? 1u << 16 : 0u) | window << 17;
}

/// The fields of an `lw` immediate (ImmKind::Load): rows [row, row + rows)
/// come from `rows` consecutive stream groups starting at src0.
struct LoadFields {
  uint32_t row = 0;
  uint32_t rows = 1;
  /// Whether bits outside the two fields are zero.
  bool valid = true;
};
inline LoadFields decodeLoad(uint32_t imm) {
  return {imm & 0xffff, ((imm >> 16) & 0xff) + 1, (imm >> 24) == 0};
}
inline uint32_t encodeLoad(uint32_t row, uint32_t rows) {
  return row | (rows - 1) << 16;
}

/// Stream operand field value meaning "no stream".
constexpr uint8_t kNoStream = 0xff;

/// Stream field values from kLatchBase on name VXM ALU latches, not
/// streams: ALUs chain. A VXM instruction on vxm[q] whose result field is
/// latchField(q) keeps its result in that ALU, and a VXM instruction issued
/// in the cycle it lands reads it there (source field latchField(q)), with
/// no stream taken. Streams are numbered below kLatchBase, ALUs below 64
/// (TargetDesc::validateParameters).
constexpr uint8_t kLatchBase = 0x80;
inline bool isLatchField(uint8_t field) {
  return field >= kLatchBase && field != kNoStream;
}
inline uint8_t latchField(uint32_t alu) { return uint8_t(kLatchBase + alu); }
inline uint32_t latchAlu(uint8_t field) { return field - kLatchBase; }

/// One decoded instruction. Encoded little-endian in 16 bytes:
///   [0] opcode [1] dst stream [2] src0 stream [3] src1 stream
///   [4..7] address  [8..11] immediate  [12] element type
///   [13..15] reserved, zero
struct Instruction {
  Opcode opcode = Opcode::Nop;
  uint8_t dst = kNoStream;
  uint8_t src0 = kNoStream;
  uint8_t src1 = kNoStream;
  uint32_t address = 0;
  uint32_t imm = 0;
  DType dtype = DType::None;
};
constexpr unsigned kInstructionBytes = 16;

/// The element type of source `k` and of the result of `inst`: the dtype
/// byte's, except a conversion's result (the immediate's type) and an MXM
/// product's addend and result (accumulatorType).
inline DType sourceType(Opcode opcode, DType dtype, unsigned k) {
  if (k == 1 && (opcode == Opcode::MatMul || opcode == Opcode::MatMulAcc))
    return accumulatorType(dtype);
  if ((opcode == Opcode::Gather && k == 0) ||
      (opcode == Opcode::Scatter && k == 1)) // indices
    return DType::I32;
  return dtype;
}
inline DType sourceType(const Instruction &inst, unsigned k) {
  return sourceType(inst.opcode, inst.dtype, k);
}
inline DType resultType(const Instruction &inst) {
  switch (inst.opcode) {
  case Opcode::Convert:
    return convertResultType(inst.imm);
  case Opcode::MatMul:
  case Opcode::MatMulAcc:
    return accumulatorType(inst.dtype);
  default:
    return getInstructionInfo(inst.opcode).hasResult ? inst.dtype : DType::None;
  }
}

void encodeInstruction(const Instruction &inst, uint8_t *out);
/// Decodes one word; false if the opcode, the dtype or reserved bytes are
/// invalid.
bool decodeInstruction(const uint8_t *in, Instruction &inst);

} // namespace lpu

#endif // LPU_ISA_H
