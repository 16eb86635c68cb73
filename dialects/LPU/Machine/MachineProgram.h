//===- MachineProgram.h - An LPU program as compact arrays ------*- C++ -*-===//
//
// A whole program is millions of instructions. The SRAM allocator, the
// scheduler, the schedule verifier, the report and the binary encoder work on
// this form -- plain arrays of buffers and instructions, operands as indices
// -- rather than on one MLIR op per instruction. `lpu.program` is the same
// program in MLIR: importProgram and materializeProgram convert between the
// two, so every step still runs, prints and is tested as a pass in lpu-opt.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_LPU_MACHINE_MACHINEPROGRAM_H
#define LPU_DIALECTS_LPU_MACHINE_MACHINEPROGRAM_H

#include "dialects/LPU/LPUOps.h"

#include "lpu/LargeArray.h"
#include "lpu/MachineRules.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace lpuc::lpu {

/// Index of an instruction in MachineProgram::instrs.
using InstrId = int32_t;
constexpr InstrId kNoInstr = -1;

/// A tensor in SRAM: rows of lane vectors (lpu/Layout.h), stored in one or
/// more parts on distinct MEM slices, blocks of `blockRows` rows dealt
/// round-robin over the parts.
struct MachineBuffer {
  BufferKind kind = BufferKind::Scratch;
  std::string name;
  mlir::RankedTensorType type;
  mlir::ElementsAttr init; // constants only
  int32_t origin = 0;      // index into MachineProgram::origins
  ::lpu::TensorLayout layout;
  /// (slice, first address) of each part; empty until allocated.
  llvm::SmallVector<std::pair<int32_t, int32_t>, 1> parts;
  int64_t blockRows = 1;
  /// An input or output's host element type if it differs from `type`'s
  /// (BufferOp's `host_type`), else null.
  mlir::Type hostType;
  /// A state output (a KV cache): the input buffer whose SRAM it shares
  /// and whose next value it is; -1 otherwise.
  int32_t stateOf = -1;
  /// The parts the expansion asks for (a tensor windows read is spread so
  /// their rows come from several slices); fewer only if SRAM is too
  /// fragmented.
  int64_t minParts = 1;
  /// The instruction this buffer is listed before (program order; -1:
  /// before every buffer): where printing puts it, and how allocation
  /// orders buffers born together.
  InstrId position = 0;

  bool isAllocated() const { return !parts.empty(); }
  int64_t numVectors() const { return layout.numVectors(); }
  int64_t numAddresses() const { return layout.numAddresses(); }
  /// How the rows are dealt over `parts` parts.
  ::lpu::PartDeal deal(int64_t parts) const { return {parts, blockRows}; }
  /// Addresses part i takes when the rows are dealt over `parts` parts.
  int64_t partAddresses(int64_t parts, int64_t i) const {
    return deal(parts).partAddresses(layout, i);
  }
  /// The (slice, address) of vector `offset`.
  std::pair<int64_t, int64_t> locate(int64_t offset) const;
};

/// One instruction. Placement (`unit`, `cycle`, `stream`) is -1 until
/// scheduled; MXM instructions name their plane from the start.
struct MachineInstr {
  ::lpu::Opcode opcode = ::lpu::Opcode::Nop;
  /// The queue kind: the opcode's unit, or the unit a NOP idles.
  ::lpu::UnitKind queueKind = ::lpu::UnitKind::Any;
  /// The element type the instruction word names (ISA.def's Types).
  ::lpu::DType dtype = ::lpu::DType::None;
  /// The element type of the result vector (None without a result).
  ::lpu::DType resultType = ::lpu::DType::None;
  /// Producers of the source operands, in order: ISA.def's count, except
  /// an `lw` of n rows, which reads one vector per row.
  llvm::SmallVector<InstrId, 2> operands;
  int32_t buffer = -1; // MEM instructions: the buffer and vector accessed
  int32_t offset = 0;
  uint32_t imm = 0; // encoded as in the binary (see ISA.def)
  int32_t origin = 0;
  int32_t unit = -1;
  int16_t stream = -1;
  int64_t cycle = -1;

  MachineInstr() = default;
  MachineInstr(const MachineInstr &) = default;
  MachineInstr &operator=(const MachineInstr &) = default;
  // Moves that cannot throw, so that a growing std::vector of millions of
  // instructions (a real model's program) moves them instead of copying.
  MachineInstr(MachineInstr &&) noexcept = default;
  MachineInstr &operator=(MachineInstr &&) noexcept = default;

  const ::lpu::InstructionInfo &info() const {
    return ::lpu::getInstructionInfo(opcode);
  }
  unsigned numOperands() const { return operands.size(); }
  /// Whether operand k repeats an earlier one (one value read twice is one
  /// read of one stream slot).
  bool repeatsOperand(unsigned k) const {
    return llvm::is_contained(llvm::ArrayRef(operands).take_front(k),
                              operands[k]);
  }
  bool hasResult() const { return info().hasResult; }
  bool accessesSram() const { return buffer >= 0; }
  /// Whether the instruction reads SRAM (a read or a gather; the others
  /// write it).
  bool readsSram() const {
    return accessesSram() && !::lpu::writesSram(opcode);
  }
  /// The vectors of its buffer a MEM instruction accesses: `offset`, then
  /// every `step` vectors after (a gather's or scatter's table entries).
  struct VectorRange {
    int64_t count = 1, step = 0;
  };
  VectorRange vectorRange() const {
    if (!::lpu::isIndirect(opcode))
      return {};
    const ::lpu::GatherFields f = ::lpu::decodeGather(imm);
    return {int64_t(f.count), int64_t(f.stride)};
  }
  bool isPlaced() const { return cycle >= 0 && unit >= 0; }
  /// Cycles the instruction holds its queue.
  int64_t span(const ::lpu::TargetDesc &target) const {
    return int64_t(::lpu::queueCycles(target, opcode, imm, dtype));
  }
};

struct MachineProgram {
  explicit MachineProgram(const ::lpu::TargetDesc &target) : target(&target) {}

  const ::lpu::TargetDesc *target;
  std::string name = "main";
  std::vector<MachineBuffer> buffers;
  /// Program order. A real model has millions: on huge pages.
  ::lpu::LargeVector<MachineInstr> instrs;
  /// Where instructions and buffers come from (ONNX node locations, or the
  /// lines of a hand-written program); diagnostics point there. The first
  /// is the program's own.
  std::vector<mlir::Location> origins;
  /// Set once scheduled: the cycle the last result lands.
  std::optional<int64_t> cycles;

  int32_t addOrigin(mlir::Location loc);
  mlir::Location location() const { return origins.front(); }
  mlir::Location locationOf(const MachineInstr &inst) const {
    return origins[inst.origin];
  }

  const MachineBuffer &bufferOf(const MachineInstr &inst) const {
    return buffers[inst.buffer];
  }
  /// The (slice, address) a MEM instruction accesses (buffers allocated).
  std::pair<int64_t, int64_t> sramLocation(const MachineInstr &inst) const {
    return bufferOf(inst).locate(inst.offset);
  }
  /// The chip-wide index of an SRAM address (slice after slice).
  int64_t sramCell(int64_t slice, int64_t address) const {
    return slice * int64_t(target->memAddresses) + address;
  }
  /// How many chip-wide SRAM cell indices there are.
  int64_t numSramCells() const {
    return int64_t(target->memSlices) * target->memAddresses;
  }
  /// The chip-wide index of the first SRAM address a MEM instruction
  /// accesses (its other planes follow).
  int64_t sramCell(const MachineInstr &inst) const {
    auto [slice, address] = sramLocation(inst);
    return sramCell(slice, address);
  }
  /// Calls `fn(cell)` for every chip-wide SRAM cell a MEM instruction
  /// accesses: each plane of its vector, or of each entry of a gather's or
  /// scatter's table (stored in order on one slice).
  template <typename Fn>
  void forEachCell(const MachineInstr &inst, Fn fn) const {
    const int64_t first = sramCell(inst);
    const int64_t planes = target->planesOf(inst.dtype);
    const MachineInstr::VectorRange range = inst.vectorRange();
    for (int64_t e = 0; e < range.count; ++e)
      for (int64_t p = 0; p < planes; ++p)
        fn(first + e * range.step * planes + p);
  }
  /// Calls `fn(bank)` for each bank of its slice a MEM instruction holds:
  /// those its planes touch, or every bank for a gather or scatter, whose
  /// lanes' addresses are values.
  template <typename Fn>
  void forEachBankHeld(const MachineInstr &inst, Fn fn) const {
    if (::lpu::isIndirect(inst.opcode)) {
      for (int64_t bank = 0; bank < int64_t(target->memBanks); ++bank)
        fn(bank);
      return;
    }
    const int64_t address = sramLocation(inst).second;
    for (int64_t k = 0,
                 e = target->memBanksTouched(target->planesOf(inst.dtype));
         k < e; ++k)
      fn(int64_t(target->bankOf(address + k)));
  }
  /// The floorplan column of a placed instruction's queue.
  int64_t column(const MachineInstr &inst) const {
    return target->unitColumn(inst.queueKind, uint32_t(inst.unit));
  }

private:
  llvm::DenseMap<mlir::Location, int32_t> originIndex;
};

/// For each instruction, the instructions that read its result, in program
/// order (an instruction reading it twice is listed once).
std::vector<llvm::SmallVector<InstrId, 1>>
computeUsers(const MachineProgram &program);

/// After the instructions were renumbered (`newIndex[old]`, kNoInstr for
/// those erased; `count` kept), lists each buffer before the first kept
/// instruction at or after its old position.
void renumberBufferPositions(MachineProgram &program,
                             llvm::ArrayRef<InstrId> newIndex, InstrId count);

/// The ONNX node an instruction or buffer came from, by its location:
/// (name, operator type). The importer writes loc("name"(fused<"Op">[...])).
std::pair<std::string, std::string> getNodeOfLocation(mlir::Location loc);

/// Reads a verified lpu.program.
MachineProgram importProgram(ProgramOp program);

/// Replaces the body of `program` by `machine`'s buffers and instructions in
/// program order, with their placements, and sets or clears `cycles`.
void materializeProgram(const MachineProgram &machine, ProgramOp program);

} // namespace lpuc::lpu

#endif // LPU_DIALECTS_LPU_MACHINE_MACHINEPROGRAM_H
