//===- RuntimeAPI.cpp - C API over the loader and simulator ---------------===//

#include "lpu/runtime.h"

#include "lpu/Binary.h"
#include "lpu/Simulator.h"

#include <fstream>
#include <iterator>
#include <new>

struct lpu_program {
  lpu::Binary binary;
};

struct lpu_execution {
  const lpu_program *program;
  lpu::Simulator simulator;
  bool ran = false;
  explicit lpu_execution(const lpu_program *program)
      : program(program), simulator(program->binary) {}
};

namespace {
thread_local std::string lastError;

lpu_status fail(lpu_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

lpu_status tensorInfo(const std::vector<lpu::TensorBinding> &list, size_t index,
                      lpu_tensor_info *info) {
  if (!info || index >= list.size())
    return fail(LPU_ERROR_INVALID_ARGUMENT, "tensor index out of range");
  const lpu::TensorBinding &b = list[index];
  info->name = b.name.c_str();
  info->dtype = LPU_DTYPE_F32;
  info->rank = b.shape.size();
  info->shape = b.shape.data();
  info->num_elements = static_cast<size_t>(b.layout.numElements());
  return LPU_OK;
}
} // namespace

extern "C" {

const char *lpu_last_error(void) { return lastError.c_str(); }

lpu_status lpu_program_load_memory(const void *data, size_t size,
                                   lpu_program **program) {
  if (!data || !program)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  auto *p = new (std::nothrow) lpu_program();
  if (!p)
    return fail(LPU_ERROR_INVALID_BINARY, "out of memory");
  std::string error;
  if (!lpu::readBinary(static_cast<const uint8_t *>(data), size, p->binary,
                       error)) {
    delete p;
    return fail(LPU_ERROR_INVALID_BINARY, "invalid LPU binary: " + error);
  }
  *program = p;
  return LPU_OK;
}

lpu_status lpu_program_load_file(const char *path, lpu_program **program) {
  if (!path || !program)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(LPU_ERROR_IO, std::string(path) + ": cannot open file");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  if (in.bad())
    return fail(LPU_ERROR_IO, std::string(path) + ": read error");
  lpu_status status =
      lpu_program_load_memory(bytes.data(), bytes.size(), program);
  if (status != LPU_OK)
    lastError = std::string(path) + ": " + lastError;
  return status;
}

void lpu_program_free(lpu_program *program) { delete program; }

const char *lpu_program_target(const lpu_program *program) {
  return program ? program->binary.target.name.c_str() : "";
}
size_t lpu_program_num_inputs(const lpu_program *program) {
  return program ? program->binary.inputs.size() : 0;
}
size_t lpu_program_num_outputs(const lpu_program *program) {
  return program ? program->binary.outputs.size() : 0;
}
lpu_status lpu_program_input_info(const lpu_program *program, size_t index,
                                  lpu_tensor_info *info) {
  if (!program)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null program");
  return tensorInfo(program->binary.inputs, index, info);
}
lpu_status lpu_program_output_info(const lpu_program *program, size_t index,
                                   lpu_tensor_info *info) {
  if (!program)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null program");
  return tensorInfo(program->binary.outputs, index, info);
}

lpu_status lpu_execution_create(const lpu_program *program,
                                lpu_execution **execution) {
  if (!program || !execution)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  *execution = new (std::nothrow) lpu_execution(program);
  return *execution ? LPU_OK : fail(LPU_ERROR_EXECUTION, "out of memory");
}

void lpu_execution_free(lpu_execution *execution) { delete execution; }

lpu_status lpu_execution_set_input(lpu_execution *execution, size_t index,
                                   const float *data, size_t num_elements) {
  if (!execution || !data)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  std::string error;
  if (!execution->simulator.setInput(index, data, num_elements, error))
    return fail(LPU_ERROR_INVALID_ARGUMENT, error);
  return LPU_OK;
}

lpu_status lpu_execution_run(lpu_execution *execution) {
  if (!execution)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null execution");
  std::string error;
  if (!execution->simulator.run(error))
    return fail(LPU_ERROR_EXECUTION, error);
  execution->ran = true;
  return LPU_OK;
}

lpu_status lpu_execution_get_output(const lpu_execution *execution,
                                    size_t index, float *data,
                                    size_t num_elements) {
  if (!execution || !data)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  std::string error;
  if (!execution->simulator.getOutput(index, data, num_elements, error))
    return fail(LPU_ERROR_INVALID_ARGUMENT, error);
  return LPU_OK;
}

lpu_status lpu_execution_stats(const lpu_execution *execution,
                               lpu_stats *stats) {
  if (!execution || !stats)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  if (!execution->ran)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "the execution has not run");
  const lpu::SimulationStats &s = execution->simulator.getStats();
  stats->cycles = s.cycles;
  stats->instructions = s.instructions;
  stats->clock_mhz = execution->program->binary.target.clockMHz;
  return LPU_OK;
}

} // extern "C"
