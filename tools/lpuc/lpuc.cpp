//===- lpuc.cpp - The lpuc command line -----------------------------------===//
//
// Parses the command line (CLI11) and hands over to the driver library.
// Options starting with --mlir- go to MLIR's own option parser.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"

#include <CLI/CLI.hpp>

int main(int argc, char **argv) {
  lpuc::DriverOptions options;
  CLI::App app{"lpuc: compile an ONNX model into a static LPU program"};
  app.add_option("model", options.inputPath, "The .onnx model")->required();
  app.add_option("-o,--output", options.outputPath,
                 "Output file (default: <model>.lpu for --emit=bin, stdout "
                 "otherwise)");
  app.add_option("--emit", options.emit,
                 "Stop after this phase and print its result: " +
                     lpuc::getEmitChoices())
      ->capture_default_str();
  app.add_option("--target", options.target,
                 "Target description: " + lpuc::getTargetChoices())
      ->capture_default_str();
  app.add_option("--precision", options.precision,
                 "Float type of matrix products on the MXM: fp32, fp16 or "
                 "bf16 (default: the most precise the target multiplies; "
                 "lpu-v1 has no fp32 products, so fp16)");
  app.add_flag("--f64-as-f32", options.f64AsF32,
               "Compute a model's f64 tensors in f32 (the LPU has no f64 "
               "arithmetic); its f64 inputs and outputs stay f64 for the "
               "host, rounded on the way in");
  app.add_option("--shape", options.shapes,
                 "NAME=DIMS: static shape for a graph input, e.g. "
                 "x=1x3x224x224 (repeatable)");
  app.add_option("--input-value", options.inputValues,
                 "NAME=FILE.pb: fix a graph input's value at compile time (a "
                 "serialized TensorProto), e.g. the starts of a Slice or the "
                 "indices of a Gather (repeatable)");
  app.add_option("--state", options.states,
                 "OUTPUT=INPUT: the output is the input's value at the next "
                 "run (a KV cache), kept in the same SRAM, never leaving the "
                 "chip (repeatable)");
  app.add_option("--schedule", options.schedule,
                 "global: the whole graph at once; best: global, placed in "
                 "two orders, the faster kept (twice the scheduling time); "
                 "op-by-op: one ONNX node after another (baseline)")
      ->capture_default_str();
  app.add_option("--report", options.reportPath,
                 "Print a schedule summary (cycles, lower bound, utilization, "
                 "SRAM, per-node spans); with =FILE, write it as JSON")
      ->expected(0, 1)
      ->default_str("-");
  app.add_option("--timeline", options.timelinePath,
                 "Write the schedule as a Chrome/Perfetto trace (one track "
                 "per unit)");
  app.add_option("--max-memory", options.maxMemoryMiB,
                 "The most memory the compile may take, in MiB (0: no "
                 "limit); past it the compile stops with an error")
      ->capture_default_str();
  app.add_option("--max-instructions", options.maxInstructions,
                 "The most instructions the program may have before it is "
                 "scheduled (0: no limit); past it the compile stops with an "
                 "error")
      ->capture_default_str();
  app.add_flag("--print-weights", options.printWeights,
               "Print weight blobs in MLIR output instead of eliding them");
  app.set_version_flag("--version", lpuc::getVersionString());
  app.allow_extras();
  CLI11_PARSE(app, argc, argv);
  for (const std::string &extra : app.remaining()) {
    if (extra.rfind("--mlir-", 0) != 0) {
      std::fprintf(stderr, "lpuc: error: unknown argument '%s' (see --help)\n",
                   extra.c_str());
      return 1;
    }
    options.mlirOptions.push_back(extra);
  }
  return lpuc::runCompiler(options);
}
