//===- FuzzImporter.cpp - libFuzzer target for the whole compile ----------===//
//
// Feeds arbitrary bytes to lpuc as an ONNX file: loading (protobuf, the ONNX
// checker and shape inference), import, folding, the lowering pipeline and
// binary emission. Whatever the bytes, lpuc must exit 0 or 1 without a
// crash, leak or hang; and a binary it writes must pass the runtime's
// validation and run hazard-free (with zeroed inputs, when small).
// Build and run: scripts/fuzz.sh importer (docs/fuzzing.md).
//
//===----------------------------------------------------------------------===//

#include "FuzzRun.h"
#include "compiler/Driver/Driver.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sanitizer/common_interface_defs.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {
/// Where each input is written for the driver to read; one directory per
/// process, so parallel jobs (-jobs, -fork) do not share files.
std::string workDir;

/// A finding: said where sanitizer reports go (stderr may be closed by
/// -close_fd_mask), then an abort that libFuzzer records as a crash.
[[noreturn]] void fail(const char *what, const std::string &detail) {
  std::string message =
      std::string("lpu-fuzz-importer: ") + what + ": " + detail;
  __sanitizer_report_error_summary(message.c_str());
  std::abort();
}

bool writeFile(const std::string &path, const uint8_t *data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(data), std::streamsize(size));
  return bool(out);
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  const char *base = std::getenv("TMPDIR");
  workDir = std::string(base && *base ? base : "/tmp") + "/lpu-fuzz-importer." +
            std::to_string(::getpid());
  std::string command = "mkdir -p '" + workDir + "'";
  if (std::system(command.c_str()) != 0)
    fail("cannot create", workDir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lpuc::DriverOptions options;
  options.inputPath = workDir + "/model.onnx";
  // Both built-in chips, chosen by the input itself so that a reproducer
  // compiles the same way again: lpu-tiny for most inputs (small SRAM, fast),
  // lpu-v1 (fp16 products, the full chip) for one in four.
  options.target = size % 4 == 3 ? "lpu-v1" : "lpu-tiny";
  options.f64AsF32 = true;
  // A model that trips an internal verifier instead of a check of its own
  // is a finding too (issue 16: users see only user-facing errors).
  options.abortOnInternalError = true;
  // libFuzzer's -rss_limit_mb and -malloc_limit_mb cap memory; an address
  // space limit would break ASan's shadow memory.
  options.maxMemoryMiB = 0;
  // Allocating and scheduling take time in proportion to the program (about
  // 20 us an instruction under ASan): larger programs stop there, so that
  // mutants of the largest models do not set the pace. Scheduling code is
  // still covered by the 98% of seeds below the cap.
  options.maxInstructions = 10000;
  if (!writeFile(options.inputPath, data, size))
    fail("cannot write", options.inputPath);

  std::vector<uint8_t> image;
  const int exitCode = lpuc::compileToBinary(options, image);
  if (exitCode == 1)
    return 0;
  if (exitCode != 0)
    fail("lpuc exit code", std::to_string(exitCode));

  lpu_program *program = nullptr;
  if (lpu_program_load_memory(image.data(), image.size(), &program) != LPU_OK)
    fail("the runtime rejects the binary lpuc made", lpu_last_error());
  lpu::Binary binary;
  std::string error;
  if (!lpu::readBinary(image.data(), image.size(), binary, error))
    fail("the binary does not read back", error);
  if (lpu::fuzz::runWithZeroInputs(program, binary) != LPU_OK) {
    // A gather or scatter index outside its table stops a run by design
    // (docs/isa.md): the model's data chose it (the fuzzer made a KV cache's
    // constant head index 251 of 2). Anything else, a hazard above all, is
    // lpuc's bug.
    const std::string error = lpu_last_error();
    if (error.rfind("fault at cycle ", 0) != 0)
      fail("the compiled program fails to run", error);
  }
  lpu_program_free(program);
  return 0;
}
