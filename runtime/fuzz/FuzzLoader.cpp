//===- FuzzLoader.cpp - libFuzzer target for the binary loader ------------===//
//
// Feeds arbitrary bytes to the loader through the C API, and runs what it
// accepts with zeroed inputs: neither may crash, leak or hang, whatever the
// bytes. Build: cmake -S runtime -B build-fuzz -DLPU_FUZZ=ON with clang
// (docs/binary-format.md, "Fuzzing").
//
//===----------------------------------------------------------------------===//

#include "lpu/Binary.h"
#include "lpu/runtime.h"

#include <cstdint>
#include <vector>

namespace {
/// Issues the simulator would expand the queues into; large programs are
/// loaded but not run, so each input stays fast.
uint64_t countIssues(const lpu::Binary &binary) {
  uint64_t issues = 0;
  for (const lpu::UnitProgram &unit : binary.units)
    for (const lpu::Instruction &inst : unit.instructions)
      if (inst.opcode == lpu::Opcode::Repeat)
        issues += inst.imm & 0xffff;
      else if (inst.opcode != lpu::Opcode::Nop)
        ++issues;
  return issues;
}
} // namespace

/// Loads and, if accepted and small, runs one image.
void loadAndRun(const uint8_t *data, size_t size) {
  lpu_program *program = nullptr;
  if (lpu_program_load_memory(data, size, &program) != LPU_OK)
    return;
  lpu::Binary binary;
  std::string error;
  bool parsed = lpu::readBinary(data, size, binary, error);
  if (parsed && countIssues(binary) <= 100000) {
    lpu_execution *execution = nullptr;
    if (lpu_execution_create(program, &execution) == LPU_OK) {
      for (size_t i = 0; i < lpu_program_num_inputs(program); ++i) {
        lpu_tensor_info info;
        lpu_program_input_info(program, i, &info);
        std::vector<uint8_t> zeros(info.num_elements * info.element_bytes);
        lpu_execution_set_input(execution, i, zeros.data(), info.num_elements);
      }
      if (lpu_execution_run(execution) == LPU_OK) {
        lpu_stats stats;
        lpu_execution_stats(execution, &stats);
      }
      lpu_execution_free(execution);
    }
  }
  lpu_program_free(program);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  loadAndRun(data, size);
  // Mutations almost never keep the size field and checksum right; fix both
  // so the section and instruction validation behind them is fuzzed too.
  constexpr size_t kSizeField = 16, kChecksumBytes = 8;
  if (size >= 32 + kChecksumBytes) {
    std::vector<uint8_t> fixed(data, data + size);
    for (size_t i = 0; i < 8; ++i)
      fixed[kSizeField + i] = static_cast<uint8_t>(uint64_t(size) >> (8 * i));
    uint64_t sum = lpu::computeChecksum(fixed.data(), size);
    for (size_t i = 0; i < 8; ++i)
      fixed[size - kChecksumBytes + i] = static_cast<uint8_t>(sum >> (8 * i));
    loadAndRun(fixed.data(), size);
  }
  return 0;
}
