//===- FuzzLoader.cpp - libFuzzer target for the binary loader ------------===//
//
// Feeds arbitrary bytes to the loader through the C API, and runs what it
// accepts with zeroed inputs: neither may crash, leak or hang, whatever the
// bytes. Build: cmake -S runtime -B build-fuzz -DLPU_FUZZ=ON with clang
// (docs/binary-format.md, "Fuzzing").
//
//===----------------------------------------------------------------------===//

#include "FuzzRun.h"

#include <cstdint>
#include <string>
#include <vector>

namespace {
/// Loads and, if accepted, runs one image (runWithZeroInputs keeps it small).
void loadAndRun(const uint8_t *data, size_t size) {
  lpu_program *program = nullptr;
  if (lpu_program_load_memory(data, size, &program) != LPU_OK)
    return;
  lpu::Binary binary;
  std::string error;
  if (lpu::readBinary(data, size, binary, error))
    (void)lpu::fuzz::runWithZeroInputs(program, binary);
  lpu_program_free(program);
}
} // namespace

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
