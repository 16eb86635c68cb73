//===- RuntimeAPI.cpp - C API over the loader and simulator ---------------===//

#include "lpu/runtime.h"

#include "lpu/Binary.h"
#include "lpu/Simulator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct lpu_program {
  lpu::Binary binary;
  /// The schedule's proof, made by the first run and shared by all (a
  /// failed proof fails every run with the same message).
  mutable std::mutex proofMutex;
  mutable bool proved = false;
  mutable std::shared_ptr<const lpu::ScheduleProof> proof;
  mutable std::string proofError;

  std::shared_ptr<const lpu::ScheduleProof> getProof(std::string &error) const {
    std::lock_guard<std::mutex> lock(proofMutex);
    if (!proved) {
      proof = lpu::proveSchedule(binary, proofError);
      proved = true;
    }
    error = proofError;
    return proof;
  }
};

struct lpu_execution {
  const lpu_program *program;
  /// The last run's simulator, or the next one's.
  std::unique_ptr<lpu::Simulator> simulator;
  bool ran = false;
  explicit lpu_execution(const lpu_program *program)
      : program(program),
        simulator(std::make_unique<lpu::Simulator>(program->binary)) {}
  /// The simulator inputs go to: after a run, the next run's, which starts
  /// from the inputs in SRAM (each state input holding its output's value).
  lpu::Simulator &next() {
    if (ran) {
      simulator->startNextRun();
      ran = false;
    }
    return *simulator;
  }
};

namespace {
thread_local std::string lastError;

/// A whole file's bytes: mapped where the system can (a real model's binary
/// is tens of MB, read once by the checksum and once by the decoder: no
/// copy), read into memory otherwise (pipes, special files).
class FileBytes {
public:
  static std::optional<FileBytes> open(const char *path, std::string &error) {
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = "cannot open file";
      return std::nullopt;
    }
    std::optional<FileBytes> file = FileBytes();
    struct stat info;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
      void *mapped = ::mmap(nullptr, size_t(info.st_size), PROT_READ,
                            MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (mapped != MAP_FAILED) {
        file->mapped = static_cast<const uint8_t *>(mapped);
        file->mappedSize = size_t(info.st_size);
      }
    }
    uint8_t chunk[1 << 16];
    while (!file->mapped) {
      const ssize_t n = ::read(fd, chunk, sizeof(chunk));
      if (n > 0) {
        file->bytes.insert(file->bytes.end(), chunk, chunk + n);
      } else if (n == 0) {
        break;
      } else if (errno != EINTR) {
        ::close(fd);
        error = "read error";
        return std::nullopt;
      }
    }
    ::close(fd);
    return file;
  }
  FileBytes(FileBytes &&other) noexcept
      : mapped(std::exchange(other.mapped, nullptr)),
        mappedSize(std::exchange(other.mappedSize, 0)),
        bytes(std::move(other.bytes)) {}
  FileBytes &operator=(FileBytes &&) = delete;
  ~FileBytes() {
    if (mapped)
      ::munmap(const_cast<uint8_t *>(mapped), mappedSize);
  }
  /// Never null, so that an empty file is an invalid binary, not a null
  /// argument.
  const uint8_t *data() const {
    static const uint8_t none = 0;
    return mapped ? mapped : bytes.empty() ? &none : bytes.data();
  }
  size_t size() const { return mapped ? mappedSize : bytes.size(); }

private:
  FileBytes() = default;
  const uint8_t *mapped = nullptr;
  size_t mappedSize = 0;
  std::vector<uint8_t> bytes;
};

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
  info->dtype = static_cast<lpu_dtype>(b.host);
  info->element_bytes = b.hostBytes();
  info->rank = b.shape.size();
  info->shape = b.shape.data();
  info->num_elements = static_cast<size_t>(b.layout.numElements());
  return LPU_OK;
}
} // namespace

extern "C" {

const char *lpu_last_error(void) { return lastError.c_str(); }

lpu_status lpu_elements_from_f64(lpu_dtype dtype, const double *in, size_t n,
                                 void *out) {
  lpu::HostType type;
  if ((!in && n) || (!out && n) ||
      !lpu::decodeHostType(static_cast<uint8_t>(dtype), type))
    return fail(LPU_ERROR_INVALID_ARGUMENT, "bad dtype or null buffer");
  lpu::hostElementsFromDoubles(type, in, n, out);
  return LPU_OK;
}

lpu_status lpu_elements_to_f64(lpu_dtype dtype, const void *in, size_t n,
                               double *out) {
  lpu::HostType type;
  if ((!in && n) || (!out && n) ||
      !lpu::decodeHostType(static_cast<uint8_t>(dtype), type))
    return fail(LPU_ERROR_INVALID_ARGUMENT, "bad dtype or null buffer");
  lpu::hostElementsToDoubles(type, in, n, out);
  return LPU_OK;
}

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
  const lpu::TargetDesc &target = p->binary.target;
  if (const lpu::TargetDesc *builtin = lpu::findBuiltinTarget(target.name);
      builtin && *builtin != target) {
    std::string message = "the binary's description of target '" + target.name +
                          "' differs from this runtime's; recompile it";
    delete p;
    return fail(LPU_ERROR_TARGET_MISMATCH, message);
  }
  *program = p;
  return LPU_OK;
}

lpu_status lpu_program_load_file(const char *path, lpu_program **program) {
  if (!path || !program)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  std::string error;
  std::optional<FileBytes> file = FileBytes::open(path, error);
  if (!file)
    return fail(LPU_ERROR_IO, std::string(path) + ": " + error);
  lpu_status status =
      lpu_program_load_memory(file->data(), file->size(), program);
  if (status != LPU_OK)
    lastError = std::string(path) + ": " + lastError;
  return status;
}

void lpu_program_free(lpu_program *program) { delete program; }

const char *lpu_program_target(const lpu_program *program) {
  return program ? program->binary.target.name.c_str() : "";
}
lpu_status lpu_program_check_target(const lpu_program *program,
                                    const char *name_or_path) {
  if (!program || !name_or_path)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  lpu::TargetDesc wanted;
  std::string error;
  if (!lpu::loadTarget(name_or_path, wanted, error))
    return fail(LPU_ERROR_INVALID_ARGUMENT, error);
  if (wanted != program->binary.target)
    return fail(
        LPU_ERROR_TARGET_MISMATCH,
        "the binary was compiled for target '" + program->binary.target.name +
            "', not for '" + wanted.name + "'" +
            (wanted.name == program->binary.target.name ? " as described here"
                                                        : ""));
  return LPU_OK;
}

const char *lpu_program_producer(const lpu_program *program) {
  return program ? program->binary.producer.c_str() : "";
}
size_t lpu_program_num_provenance(const lpu_program *program) {
  return program ? program->binary.provenance.size() : 0;
}
lpu_status lpu_program_provenance(const lpu_program *program, size_t index,
                                  const char **key, const char **value) {
  if (!program || !key || !value)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  if (index >= program->binary.provenance.size())
    return fail(LPU_ERROR_INVALID_ARGUMENT,
                "provenance index " + std::to_string(index) + " out of range");
  *key = program->binary.provenance[index].first.c_str();
  *value = program->binary.provenance[index].second.c_str();
  return LPU_OK;
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

int64_t lpu_program_state_output(const lpu_program *program,
                                 size_t input_index) {
  if (!program)
    return -1;
  const auto &outputs = program->binary.outputs;
  for (size_t k = 0; k < outputs.size(); ++k)
    if (outputs[k].stateOf >= 0 && size_t(outputs[k].stateOf) == input_index)
      return int64_t(k);
  return -1;
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
                                   const void *data, size_t num_elements) {
  if (!execution || !data)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  std::string error;
  if (!execution->next().setInput(index, data, num_elements, error))
    return fail(LPU_ERROR_INVALID_ARGUMENT, error);
  return LPU_OK;
}

lpu_status lpu_execution_run(lpu_execution *execution) {
  if (!execution)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null execution");
  std::string error;
  std::shared_ptr<const lpu::ScheduleProof> proof =
      execution->program->getProof(error);
  if (!proof || !execution->next().run(std::move(proof), error))
    return fail(LPU_ERROR_EXECUTION, error);
  execution->ran = true;
  return LPU_OK;
}

lpu_status lpu_execution_get_output(const lpu_execution *execution,
                                    size_t index, void *data,
                                    size_t num_elements) {
  if (!execution || !data)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  std::string error;
  if (!execution->simulator->getOutput(index, data, num_elements, error))
    return fail(LPU_ERROR_INVALID_ARGUMENT, error);
  return LPU_OK;
}

lpu_status lpu_execution_stats(const lpu_execution *execution,
                               lpu_stats *stats) {
  if (!execution || !stats)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  if (!execution->ran)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "the execution has not run");
  const lpu::SimulationStats &s = execution->simulator->getStats();
  stats->cycles = s.cycles;
  stats->instructions = s.instructions;
  stats->instruction_words = s.instructionWords;
  stats->clock_mhz = s.clockMHz;
  stats->latency_us = s.latencyMicroseconds();
  stats->stream_writes = s.streamWrites;
  stats->stream_reads = s.streamReads;
  stats->sram_bytes_used = s.sramBytesUsed;
  stats->sram_bytes_total = s.sramBytesTotal;
  stats->num_units = s.units.size();
  return LPU_OK;
}

lpu_status lpu_execution_unit_stats(const lpu_execution *execution,
                                    size_t index, lpu_unit_stats *stats) {
  if (!execution || !stats)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "null argument");
  if (!execution->ran)
    return fail(LPU_ERROR_INVALID_ARGUMENT, "the execution has not run");
  const lpu::SimulationStats &s = execution->simulator->getStats();
  if (index >= s.units.size())
    return fail(LPU_ERROR_INVALID_ARGUMENT, "unit index out of range");
  const lpu::UnitStats &u = s.units[index];
  stats->kind = lpu::unitKindName(u.kind).data();
  stats->index = u.index;
  stats->slice = execution->program->binary.target.unitColumn(u.kind, u.index);
  stats->busy_cycles = u.busyCycles;
  stats->utilization = s.cycles ? double(u.busyCycles) / double(s.cycles) : 0;
  return LPU_OK;
}

} // extern "C"
