//===- FuzzRun.h - Running a fuzzed or fuzz-compiled program ----*- C++ -*-===//
//
// Shared by the loader's and the importer's fuzz targets: a loaded program is
// run with zeroed inputs when it is small enough to keep each input fast.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_RUNTIME_FUZZ_FUZZRUN_H
#define LPU_RUNTIME_FUZZ_FUZZRUN_H

#include "lpu/Binary.h"
#include "lpu/runtime.h"

#include <cstdint>
#include <vector>

namespace lpu::fuzz {

/// Programs that issue more instructions than this are loaded, not run.
constexpr uint64_t kMaxIssuesToRun = 100000;

/// Issues the simulator would expand the queues into.
inline uint64_t countIssues(const Binary &binary) {
  uint64_t issues = 0;
  for (const UnitProgram &unit : binary.units)
    for (const Instruction &inst : unit.instructions)
      if (inst.opcode == Opcode::Repeat)
        issues += inst.imm & 0xffff;
      else if (inst.opcode != Opcode::Nop)
        ++issues;
  return issues;
}

/// Runs `program`, loaded from `binary`, with zeroed inputs if it issues at
/// most kMaxIssuesToRun instructions. Returns the run's status (LPU_OK when
/// it was too large to run).
inline lpu_status runWithZeroInputs(lpu_program *program,
                                    const Binary &binary) {
  if (countIssues(binary) > kMaxIssuesToRun)
    return LPU_OK;
  lpu_execution *execution = nullptr;
  lpu_status status = lpu_execution_create(program, &execution);
  if (status != LPU_OK)
    return status;
  for (size_t i = 0; i < lpu_program_num_inputs(program); ++i) {
    lpu_tensor_info info;
    lpu_program_input_info(program, i, &info);
    std::vector<uint8_t> zeros(info.num_elements * info.element_bytes);
    lpu_execution_set_input(execution, i, zeros.data(), info.num_elements);
  }
  status = lpu_execution_run(execution);
  if (status == LPU_OK) {
    lpu_stats stats;
    lpu_execution_stats(execution, &stats);
  }
  lpu_execution_free(execution);
  return status;
}

} // namespace lpu::fuzz

#endif // LPU_RUNTIME_FUZZ_FUZZRUN_H
