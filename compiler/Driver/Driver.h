//===- Driver.h - The lpuc compiler driver ----------------------*- C++ -*-===//
//
// The whole compile behind one call. This header exposes no MLIR, ONNX or
// protobuf types, so the command-line front end (built with exceptions for
// CLI11) and the MLIR code (built without) meet only here.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_COMPILER_DRIVER_DRIVER_H
#define LPU_COMPILER_DRIVER_DRIVER_H

#include <cstdint>
#include <string>
#include <vector>

namespace lpuc {

struct DriverOptions {
  std::string inputPath;
  /// Output file; empty means stdout for text phases and <input>.lpu for
  /// binaries.
  std::string outputPath;
  /// A phase name from getPhaseNames(): onnx, lpu-isel, lpu-alloc, lpu, asm,
  /// bin.
  std::string emit = "bin";
  std::string target = "lpu-v1";
  /// fp32, fp16 or bf16: the float type of MXM products; empty: the
  /// target's default.
  std::string precision;
  /// Compute f64 models in f32 (otherwise they are refused).
  bool f64AsF32 = false;
  /// NAME=DxDxD static input shapes.
  std::vector<std::string> shapes;
  /// NAME=FILE.pb input values fixed at compile time.
  std::vector<std::string> inputValues;
  /// OUTPUT=INPUT: the output is state, the input's value at the next run
  /// (a KV cache), kept in the same SRAM.
  std::vector<std::string> states;
  /// Print weight blobs in MLIR output instead of eliding large ones.
  bool printWeights = false;
  /// Abort (after the usual diagnostic) when an internal check fails, so a
  /// fuzzer records it as a finding; otherwise it is an error, exit code 1.
  bool abortOnInternalError = false;
  /// "global" (default) or "op-by-op" (the benchmarks' baseline).
  std::string schedule = "global";
  /// Write the schedule report as JSON here; "-" prints the human summary.
  std::string reportPath;
  /// Write the schedule as a Chrome/Perfetto trace here.
  std::string timelinePath;
  /// The most memory (address space) the compile may take, in MiB; 0: no
  /// limit. Past it the compile stops with an error.
  uint64_t maxMemoryMiB = kDefaultMaxMemoryMiB;
  static constexpr uint64_t kDefaultMaxMemoryMiB = 16384;
  /// The most instructions the selected program may have (the compile's
  /// time grows with them); 0: no limit. Past it instruction selection stops
  /// with an error, before SRAM allocation and scheduling.
  uint64_t maxInstructions = 0;
  /// Extra MLIR options (e.g. --mlir-print-ir-after-all), passed to llvm::cl.
  std::vector<std::string> mlirOptions;
};

/// "lpuc X.Y.Z", as recorded in every binary it writes.
std::string getVersionString();

/// Valid values of --emit, separated by '|'.
std::string getEmitChoices();
/// Names of the built-in targets, separated by '|'.
std::string getTargetChoices();

/// Runs the compiler. Returns the process exit code: 0 on success, 1 after
/// printing diagnostics for bad input or a failed compile.
int runCompiler(const DriverOptions &options);

/// Runs the compiler into memory: `binary` receives the .lpu image and no
/// file is written (options.outputPath is not used). Same exit codes and
/// diagnostics as runCompiler; options.emit must be "bin", with no report or
/// timeline.
int compileToBinary(const DriverOptions &options, std::vector<uint8_t> &binary);

/// Whether an error message comes from an op verifier of the compiler's own
/// levels (tile, lpu or upstream dialects): a bug in lpuc, which the driver
/// says so. Checks on the model name its ONNX nodes and operators instead,
/// never an internal op.
bool isInternalCheck(const std::string &message);

} // namespace lpuc

#endif // LPU_COMPILER_DRIVER_DRIVER_H
