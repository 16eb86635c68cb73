//===- Generate.h - Greedy decoding with a program's state ------*- C++ -*-===//
//
// `lpu-run --generate N --prompt ids.npy` runs a decode-step program (one
// token in, logits and its state, a KV cache, out) once per prompt token,
// then N - 1 more times on its own greedy choices, the state staying in
// SRAM from run to run.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_TOOLS_GENERATE_H
#define LPU_TOOLS_GENERATE_H

#include "lpu/runtime.h"

#include <cstddef>
#include <string>

namespace lpu {

struct GenerateOptions {
  size_t tokens = 0;         // to generate after the prompt
  std::string promptPath;    // .npy or .pb of token ids
  std::string tokenInput;    // empty: the first integer input of 1 element
  std::string positionInput; // empty: the next such input, if any
  std::string logitsOutput;  // empty: the first output that is no state
  std::string expectPath;    // token ids the generated ones must equal
  /// Positions the program holds; 0: the state inputs' second-to-last
  /// dimension (a KV cache's [..., context, head size]).
  size_t context = 0;
};

/// Runs the generation and prints the tokens, the time to first token and
/// the decode rate at the target clock. Returns the process exit code (1
/// after printing an error).
int generate(lpu_program *program, const GenerateOptions &options);

} // namespace lpu

#endif // LPU_TOOLS_GENERATE_H
