//===- Generate.cpp - Greedy decoding with a program's state --------------===//

#include "Generate.h"

#include "TensorIO.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

namespace {

int fail(const std::string &message) {
  std::cerr << "lpu-run: error: " << message << "\n";
  return 1;
}

/// Whether the program's input `index` is state (some output carries it).
bool isState(const lpu_program *program, size_t index) {
  return lpu_program_state_output(program, index) >= 0;
}

bool isStateOutput(const lpu_program *program, size_t output) {
  for (size_t i = 0, e = lpu_program_num_inputs(program); i < e; ++i)
    if (lpu_program_state_output(program, i) == int64_t(output))
      return true;
  return false;
}

bool isIndex(const lpu_tensor_info &info) {
  return (info.dtype == LPU_DTYPE_I32 || info.dtype == LPU_DTYPE_I64) &&
         info.num_elements == 1;
}

} // namespace

int lpu::generate(lpu_program *program, const GenerateOptions &options) {
  // The inputs: the token, perhaps its position, and state.
  const size_t numInputs = lpu_program_num_inputs(program);
  std::vector<lpu_tensor_info> inputs(numInputs);
  long token = -1, position = -1;
  bool anyState = false;
  for (size_t i = 0; i < numInputs; ++i)
    anyState |= isState(program, i);
  if (!anyState)
    return fail("--generate needs a program with state (lpuc --state "
                "OUTPUT=INPUT): this one keeps nothing from run to run");
  for (size_t i = 0; i < numInputs; ++i) {
    lpu_program_input_info(program, i, &inputs[i]);
    if (isState(program, i))
      continue;
    const std::string name = inputs[i].name;
    if (name == options.tokenInput ||
        (options.tokenInput.empty() && token < 0 && isIndex(inputs[i]) &&
         name != options.positionInput))
      token = long(i);
    else if (name == options.positionInput ||
             (options.positionInput.empty() && position < 0 &&
              isIndex(inputs[i])))
      position = long(i);
    else
      return fail("--generate feeds a token, its position and state; input '" +
                  name +
                  "' is none of them (--token-input and "
                  "--position-input name the first two)");
  }
  if (token < 0 || !isIndex(inputs[token]) ||
      (position >= 0 && !isIndex(inputs[position])))
    return fail("--generate needs an int32 or int64 token input of one "
                "element (and so a position, if any)");
  // The logits: the first output that is no state, or the one named.
  long logits = -1;
  lpu_tensor_info logitsInfo{};
  for (size_t k = 0, e = lpu_program_num_outputs(program); k < e; ++k) {
    lpu_tensor_info info;
    lpu_program_output_info(program, k, &info);
    if (options.logitsOutput.empty() ? !isStateOutput(program, k) && logits < 0
                                     : options.logitsOutput == info.name) {
      logits = long(k);
      logitsInfo = info;
    }
  }
  if (logits < 0 || logitsInfo.rank == 0)
    return fail("no logits output" +
                (options.logitsOutput.empty()
                     ? std::string()
                     : " named '" + options.logitsOutput + "'"));
  HostTensor prompt;
  std::string why;
  if (!readTensorFile(options.promptPath, prompt, why))
    return fail(why);
  if (prompt.data.empty() || options.tokens == 0)
    return fail("--generate needs a prompt of at least one token and N >= 1");
  // Each step takes a position of the cache: refuse what cannot fit before
  // running anything (the step past the end would fault on the chip).
  std::string contextFrom = "--context";
  size_t context = options.context;
  for (size_t i = 0; i < numInputs && !context; ++i)
    if (isState(program, i) && inputs[i].rank >= 2) {
      context = size_t(inputs[i].shape[inputs[i].rank - 2]);
      contextFrom = "state '" + std::string(inputs[i].name) +
                    "' holds; --context overrides";
    }
  if (context && prompt.data.size() > context)
    return fail("the prompt has " + std::to_string(prompt.data.size()) +
                " tokens, more than the program's context of " +
                std::to_string(context) + " (" + contextFrom + ")");
  if (context && prompt.data.size() + options.tokens - 1 > context)
    return fail("a prompt of " + std::to_string(prompt.data.size()) +
                " tokens and " + std::to_string(options.tokens) +
                " more take " +
                std::to_string(prompt.data.size() + options.tokens - 1) +
                " positions, more than the program's context of " +
                std::to_string(context) + " (" + contextFrom + ")");

  lpu_execution *exec = nullptr;
  if (lpu_execution_create(program, &exec) != LPU_OK)
    return fail(lpu_last_error());
  std::unique_ptr<lpu_execution, void (*)(lpu_execution *)> owner(
      exec, lpu_execution_free);
  auto setScalar = [&](long input, double value) {
    std::vector<uint8_t> bytes(inputs[input].element_bytes);
    return lpu_elements_from_f64(inputs[input].dtype, &value, 1,
                                 bytes.data()) == LPU_OK &&
           lpu_execution_set_input(exec, size_t(input), bytes.data(), 1) ==
               LPU_OK;
  };
  // The vocabulary is the last axis; the last row is the newest token's.
  const size_t vocab = size_t(logitsInfo.shape[logitsInfo.rank - 1]);
  std::vector<uint8_t> bytes(logitsInfo.num_elements *
                             logitsInfo.element_bytes);
  std::vector<double> values(logitsInfo.num_elements);
  std::vector<long> generated;
  uint64_t promptCycles = 0, decodeCycles = 0;
  uint32_t clockMHz = 0;
  const size_t steps = prompt.data.size() + options.tokens - 1;
  double next = prompt.data[0];
  for (size_t step = 0; step < steps; ++step) {
    if (!setScalar(token, next) ||
        (position >= 0 && !setScalar(position, double(step))) ||
        lpu_execution_run(exec) != LPU_OK)
      return fail("step " + std::to_string(step) + ": " + lpu_last_error());
    lpu_stats stats;
    lpu_execution_stats(exec, &stats);
    clockMHz = stats.clock_mhz;
    (step < prompt.data.size() ? promptCycles : decodeCycles) += stats.cycles;
    if (step + 1 < prompt.data.size()) {
      next = prompt.data[step + 1];
      continue;
    }
    if (lpu_execution_get_output(exec, size_t(logits), bytes.data(),
                                 logitsInfo.num_elements) != LPU_OK ||
        lpu_elements_to_f64(logitsInfo.dtype, bytes.data(), values.size(),
                            values.data()) != LPU_OK)
      return fail(lpu_last_error());
    auto row = values.end() - long(vocab);
    next = double(std::max_element(row, values.end()) - row);
    generated.push_back(long(next));
  }

  std::printf("tokens:");
  for (long t : generated)
    std::printf(" %ld", t);
  std::printf("\n");
  const double mhz = clockMHz ? double(clockMHz) : 1.0;
  std::printf("time to first token: %.3f us (%zu prompt steps, %llu cycles "
              "at %u MHz)\n",
              double(promptCycles) / mhz, prompt.data.size(),
              static_cast<unsigned long long>(promptCycles), clockMHz);
  const size_t decodeSteps = options.tokens - 1;
  if (decodeSteps)
    std::printf("decode: %.1f tokens/s per user (%llu cycles a step)\n",
                double(decodeSteps) * mhz * 1e6 / double(decodeCycles),
                static_cast<unsigned long long>(decodeCycles / decodeSteps));
  if (options.expectPath.empty())
    return 0;
  HostTensor expected;
  if (!readTensorFile(options.expectPath, expected, why))
    return fail(why);
  for (size_t k = 0; k < std::max(expected.data.size(), generated.size()); ++k)
    if (k >= expected.data.size() || k >= generated.size() ||
        double(generated[k]) != expected.data[k])
      return fail("generated token " + std::to_string(k) + " is " +
                  (k < generated.size() ? std::to_string(generated[k])
                                        : std::string("missing")) +
                  ", expected " +
                  (k < expected.data.size()
                       ? std::to_string(long(expected.data[k]))
                       : std::string("none")));
  std::printf("generated tokens match %s\n", options.expectPath.c_str());
  return 0;
}
