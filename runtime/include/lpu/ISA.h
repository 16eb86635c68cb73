//===- ISA.h - LPU instruction set ------------------------------*- C++ -*-===//
//
// Opcodes, functional-unit kinds and the 16-byte instruction word, expanded
// from ISA.def. Shared by the compiler and the runtime; no MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_ISA_H
#define LPU_ISA_H

#include <cstdint>
#include <string_view>

namespace lpu {

/// Functional-unit kinds. The numeric values are part of the binary format.
enum class UnitKind : uint8_t { Mem = 0, Vxm = 1, Mxm = 2, Sxm = 3, Any = 255 };
constexpr unsigned kNumUnitKinds = 4;

std::string_view unitKindName(UnitKind kind);

/// What an instruction's 32-bit immediate means.
enum class ImmKind : uint8_t {
  None,      // must be zero
  Count,     // a positive count (NOP cycles, installed weight rows)
  Row,       // a weight-buffer row, < lanes
  F32,       // IEEE-754 binary32 bit pattern
  LaneWidth, // low 16 bits: source lane; high 16 bits: lanes written
  Shift,     // signed lane shift, |shift| < lanes
};

enum class Opcode : uint8_t {
#define LPU_INSTRUCTION(Name, Mnemonic, Unit, NumSources, HasResult,           \
                        UsesAddress, Imm)                                      \
  Name,
#include "lpu/ISA.def"
};

constexpr unsigned kNumOpcodes = 0
#define LPU_INSTRUCTION(Name, Mnemonic, Unit, NumSources, HasResult,           \
                        UsesAddress, Imm)                                      \
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
};

/// The row of ISA.def for `opcode`.
const InstructionInfo &getInstructionInfo(Opcode opcode);
/// Opcode for a raw byte, or false when the byte names no instruction.
bool decodeOpcode(uint8_t byte, Opcode &opcode);

/// Stream operand field value meaning "no stream".
constexpr uint8_t kNoStream = 0xff;

/// One decoded instruction. Encoded little-endian in 16 bytes:
///   [0] opcode [1] dst stream [2] src0 stream [3] src1 stream
///   [4..7] address  [8..11] immediate  [12..15] reserved, zero
struct Instruction {
  Opcode opcode = Opcode::Nop;
  uint8_t dst = kNoStream;
  uint8_t src0 = kNoStream;
  uint8_t src1 = kNoStream;
  uint32_t address = 0;
  uint32_t imm = 0;
};
constexpr unsigned kInstructionBytes = 16;

void encodeInstruction(const Instruction &inst, uint8_t *out);
/// Decodes one word; false if the opcode byte or reserved bytes are invalid.
bool decodeInstruction(const uint8_t *in, Instruction &inst);

} // namespace lpu

#endif // LPU_ISA_H
