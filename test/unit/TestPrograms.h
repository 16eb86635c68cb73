//===- TestPrograms.h - Hand-built LPU binaries for unit tests --*- C++ -*-===//

#ifndef LPU_TEST_UNIT_TESTPROGRAMS_H
#define LPU_TEST_UNIT_TESTPROGRAMS_H

#include "lpu/Binary.h"

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
  return i;
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
inline Instruction installWeights(uint32_t rows) {
  return inst(Opcode::InstallWeights, kNoStream, kNoStream, kNoStream, 0, rows);
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
                        uint32_t slice, uint32_t address) {
    binary.inputs.push_back(binding(name, std::move(shape), slice, address));
    return *this;
  }
  ProgramBuilder &output(const std::string &name, std::vector<int64_t> shape,
                         uint32_t slice, uint32_t address) {
    binary.outputs.push_back(binding(name, std::move(shape), slice, address));
    return *this;
  }
  /// One vector of SRAM initialised with `values` (zero padded).
  ProgramBuilder &constant(uint32_t slice, uint32_t address,
                           std::vector<float> values) {
    values.resize(binary.target.lanes, 0.0f);
    binary.sram.push_back({slice, address, std::move(values)});
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
        cycle = issue + 1;
      }
      result.units.push_back(std::move(program));
    }
    return result;
  }

private:
  TensorBinding binding(const std::string &name, std::vector<int64_t> shape,
                        uint32_t slice, uint32_t address) {
    TensorBinding b;
    b.name = name;
    b.shape = shape;
    b.slice = slice;
    b.address = address;
    b.layout = layoutFor(shape, binary.target.lanes);
    return b;
  }

  Binary binary;
  std::map<std::pair<unsigned, uint32_t>, std::map<uint64_t, Instruction>>
      queues;
};

/// y = x + c on lpu-tiny: read x and c in cycle 0, add in cycle 2, write in
/// cycle 4; the result lands in cycle 5.
inline Binary makeAddProgram() {
  std::vector<float> c(16);
  for (int i = 0; i < 16; ++i)
    c[i] = 100.0f + i;
  return ProgramBuilder()
      .input("x", {1, 16}, 0, 0)
      .output("y", {1, 16}, 1, 0)
      .constant(2, 0, c)
      .at(UnitKind::Mem, 0, 0, memRead(0, 0))
      .at(UnitKind::Mem, 2, 0, memRead(1, 0))
      .at(UnitKind::Vxm, 0, 2, inst(Opcode::Add, 2, 0, 1))
      .at(UnitKind::Mem, 1, 4, memWrite(2, 0))
      .build();
}

} // namespace lpu::test

#endif // LPU_TEST_UNIT_TESTPROGRAMS_H
