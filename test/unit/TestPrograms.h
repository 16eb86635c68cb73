//===- TestPrograms.h - Hand-built LPU binaries for unit tests --*- C++ -*-===//

#ifndef LPU_TEST_UNIT_TESTPROGRAMS_H
#define LPU_TEST_UNIT_TESTPROGRAMS_H

#include "lpu/Binary.h"
#include "lpu/MachineRules.h"
#include "lpu/Simulator.h"

#include <cstring>
#include <map>

namespace lpu::test {

inline Instruction inst(Opcode op, uint8_t dst = kNoStream,
                        uint8_t src0 = kNoStream, uint8_t src1 = kNoStream,
                        uint32_t address = 0, uint32_t imm = 0) {
  Instruction i;
  i.opcode = op;
  i.dst = dst;
  i.src0 = src0;
  i.src1 = src1;
  i.address = address;
  i.imm = imm;
  // Typed instructions compute in f32 unless a test says otherwise.
  if (getInstructionInfo(op).types != TypeSet::None)
    i.dtype = DType::F32;
  return i;
}

inline Instruction typed(Instruction i, DType dtype) {
  i.dtype = dtype;
  return i;
}

/// `repeat count, every stride, step`: issue the previous instruction again.
inline Instruction repeat(uint32_t count, uint32_t stride, int32_t step) {
  return inst(Opcode::Repeat, kNoStream, kNoStream, kNoStream,
              static_cast<uint32_t>(step), count | (stride << 16));
}

/// The instructions with fixed operand roles, spelled out once.
inline Instruction memRead(uint8_t dst, uint32_t address) {
  return inst(Opcode::Read, dst, kNoStream, kNoStream, address);
}
inline Instruction memWrite(uint8_t src, uint32_t address) {
  return inst(Opcode::Write, kNoStream, src, kNoStream, address);
}
inline Instruction loadWeights(uint8_t src, uint32_t row) {
  return inst(Opcode::LoadWeights, kNoStream, src, kNoStream, 0, row);
}
inline Instruction installWeights(uint32_t rows, bool transposed = false) {
  return inst(Opcode::InstallWeights, kNoStream, kNoStream, kNoStream, 0,
              rows | (transposed ? 1u << 16 : 0u));
}

inline uint32_t f32Bits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

/// Builds a binary for a built-in target (lpu-tiny by default) from (unit,
/// cycle, instruction) triples, inserting the NOPs between issue cycles.
class ProgramBuilder {
public:
  explicit ProgramBuilder(const std::string &target = "lpu-tiny") {
    binary.target = *findBuiltinTarget(target);
  }

  ProgramBuilder &input(const std::string &name, std::vector<int64_t> shape,
                        uint32_t slice, uint32_t address,
                        DType dtype = DType::F32) {
    binary.inputs.push_back(
        binding(name, std::move(shape), slice, address, dtype));
    return *this;
  }
  ProgramBuilder &output(const std::string &name, std::vector<int64_t> shape,
                         uint32_t slice, uint32_t address,
                         DType dtype = DType::F32) {
    binary.outputs.push_back(
        binding(name, std::move(shape), slice, address, dtype));
    return *this;
  }
  /// One vector of SRAM initialised with f32 `values` (zero padded).
  ProgramBuilder &constant(uint32_t slice, uint32_t address,
                           const std::vector<float> &values) {
    std::vector<uint32_t> words;
    for (float v : values)
      words.push_back(f32Bits(v));
    return constantWords(slice, address, std::move(words));
  }
  /// One vector of SRAM initialised with lane words (zero padded).
  ProgramBuilder &constantWords(uint32_t slice, uint32_t address,
                                std::vector<uint32_t> words) {
    words.resize(binary.target.lanes, 0u);
    return constantVector(slice, address, DType::F32, words);
  }
  /// One vector of `dtype` in SRAM from lane words, stored plane by plane.
  ProgramBuilder &constantVector(uint32_t slice, uint32_t address, DType dtype,
                                 const std::vector<uint32_t> &words) {
    const TargetDesc &t = binary.target;
    std::vector<uint8_t> planes(t.planesOf(dtype) * t.planeBytes(), 0);
    for (uint32_t l = 0; l < words.size(); ++l) {
      uint8_t element[4];
      laneWordToHost(dtype, words[l], element);
      storeLaneElement(t, dtype, element, l, planes.data());
    }
    const size_t offset =
        binary.addSramSegment(slice, address, t.planesOf(dtype));
    std::copy(planes.begin(), planes.end(), binary.sramBytes.begin() + offset);
    return *this;
  }
  ProgramBuilder &at(UnitKind kind, uint32_t unit, uint64_t cycle,
                     Instruction instruction) {
    queues[{static_cast<unsigned>(kind), unit}][cycle] = instruction;
    return *this;
  }

  Binary build() const {
    Binary result = binary;
    for (const auto &[key, byCycle] : queues) {
      UnitProgram program;
      program.kind = static_cast<UnitKind>(key.first);
      program.index = key.second;
      uint64_t cycle = 0;
      for (const auto &[issue, instruction] : byCycle) {
        if (issue > cycle)
          program.instructions.push_back(
              inst(Opcode::Nop, kNoStream, kNoStream, kNoStream, 0,
                   static_cast<uint32_t>(issue - cycle)));
        program.instructions.push_back(instruction);
        cycle = issue + queueCycles(result.target, instruction);
      }
      result.units.push_back(std::move(program));
    }
    return result;
  }

private:
  TensorBinding binding(const std::string &name, std::vector<int64_t> shape,
                        uint32_t slice, uint32_t address, DType dtype) {
    TensorBinding b;
    b.name = name;
    b.dtype = dtype;
    b.host = hostTypeOf(dtype);
    b.shape = shape;
    b.parts = {{slice, address}};
    b.layout = layoutFor(binary.target, shape, dtype);
    return b;
  }

  Binary binary;
  std::map<std::pair<unsigned, uint32_t>, std::map<uint64_t, Instruction>>
      queues;
};

// lpu-tiny's floorplan, west to east: mxm[0] 0, sxm[0] 1, mem[0..3] 2..5,
// VXM 6, mem[4..7] 7..10, sxm[1] 11, mxm[1] 12. Latencies: read 2, write 1,
// VXM 2, lw 1, iw 2, abc/acc 4, SXM 2. Streams 0..15 flow east, 16..31 west;
// a value moves one slice per cycle. An f32 vector takes a group of four
// streams: e(g) and w(g) are the g-th such group eastward and westward.
constexpr uint8_t kWest = 16;
constexpr uint8_t e(unsigned group) { return uint8_t(4 * group); }
constexpr uint8_t w(unsigned group) { return uint8_t(kWest + 4 * group); }

/// A program on lpu-tiny with input x (mem[0], slice 2), output y (mem[1],
/// slice 3) and the constant row `c` (mem[2], slice 4), both operands on
/// their way to the VXM (slice 6): x read at 0 lands at 2 and passes it on
/// e(0) at 6, c read at 2 on e(1) at 6 too.
inline ProgramBuilder operandsAtTheVXM(const std::vector<float> &c) {
  ProgramBuilder builder;
  builder.input("x", {1, 16}, 0, 0)
      .output("y", {1, 16}, 1, 0)
      .constant(2, 0, c)
      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
      .at(UnitKind::Mem, 2, 2, memRead(e(1), 0));
  return builder;
}

/// Inputs x (mem[0]) and y (mem[1]) of `dtype`, read so that both reach the
/// VXM at cycle 6, on e(0) and e(1).
inline ProgramBuilder inputPairAtTheVXM(DType dtype) {
  ProgramBuilder builder;
  builder.input("x", {1, 16}, 0, 0, dtype)
      .input("y", {1, 16}, 1, 0, dtype)
      .at(UnitKind::Mem, 0, 0, typed(memRead(e(0), 0), dtype))
      .at(UnitKind::Mem, 1, 1, typed(memRead(e(1), 0), dtype));
  return builder;
}

/// y = x + c: the sum lands at 8 and reaches mem[1] (slice 3) westward at
/// 11; the write lands at 12.
inline Binary makeAddProgram() {
  std::vector<float> c(16);
  for (int i = 0; i < 16; ++i)
    c[i] = 100.0f + i;
  return operandsAtTheVXM(c)
      .at(UnitKind::Vxm, 0, 6, inst(Opcode::Add, w(0), e(0), e(1)))
      .at(UnitKind::Mem, 1, 11, memWrite(w(0), 0))
      .build();
}

} // namespace lpu::test

#endif // LPU_TEST_UNIT_TESTPROGRAMS_H
