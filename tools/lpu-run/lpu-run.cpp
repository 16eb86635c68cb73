//===- lpu-run.cpp - Run an LPU binary on the reference backend -----------===//
//
// Uses only the runtime's C API. Inputs come from --input name=file or from
// an ONNX test-data directory (input_<i>.pb); outputs are printed, written as
// .npy with --output, and compared with expected tensors on request.
//
//===----------------------------------------------------------------------===//

#include "TensorIO.h"

#include "lpu/runtime.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

namespace fs = std::filesystem;

namespace {

struct Options {
  std::string binaryPath;
  std::vector<std::string> inputs;
  std::vector<std::string> expected;
  std::string testDataDir;
  std::string outputDir;
  double rtol = 1e-3;
  double atol = 1e-5;
  size_t printLimit = 32;
  bool quiet = false;
};

int error(const std::string &message) {
  std::cerr << "lpu-run: error: " << message << "\n";
  return 1;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

bool splitBinding(const std::string &arg, std::string &name,
                  std::string &path) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    return false;
  name = arg.substr(0, eq);
  path = arg.substr(eq + 1);
  return true;
}

/// numpy.allclose semantics: |actual - expected| <= atol + rtol * |expected|.
bool compare(const std::string &name, const std::vector<float> &actual,
             const lpu::HostTensor &expected, const Options &opts) {
  if (expected.data.size() != actual.size()) {
    std::cerr << "lpu-run: mismatch: output '" << name << "' has "
              << actual.size() << " elements, expected " << expected.data.size()
              << "\n";
    return false;
  }
  double maxAbs = 0;
  size_t bad = 0, firstBad = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double a = actual[i], e = expected.data[i];
    double diff = std::fabs(a - e);
    bool ok = diff <= opts.atol + opts.rtol * std::fabs(e) ||
              (std::isnan(a) && std::isnan(e)) || a == e;
    if (!ok && bad++ == 0)
      firstBad = i;
    if (!std::isnan(diff))
      maxAbs = std::max(maxAbs, diff);
  }
  std::printf("compare %s: %zu elements, max abs error %.3g, %s (rtol %g, "
              "atol %g)\n",
              name.c_str(), actual.size(), maxAbs, bad ? "MISMATCH" : "ok",
              opts.rtol, opts.atol);
  if (bad)
    std::printf("  %zu elements differ; first at flat index %zu: got %.9g, "
                "expected %.9g\n",
                bad, firstBad, actual[firstBad], expected.data[firstBad]);
  return bad == 0;
}

int run(const Options &opts) {
  lpu_program *program = nullptr;
  if (lpu_program_load_file(opts.binaryPath.c_str(), &program) != LPU_OK)
    return error(lpu_last_error());
  std::unique_ptr<lpu_program, void (*)(lpu_program *)> programOwner(
      program, lpu_program_free);
  lpu_execution *exec = nullptr;
  if (lpu_execution_create(program, &exec) != LPU_OK)
    return error(lpu_last_error());
  std::unique_ptr<lpu_execution, void (*)(lpu_execution *)> execOwner(
      exec, lpu_execution_free);

  size_t numInputs = lpu_program_num_inputs(program);
  size_t numOutputs = lpu_program_num_outputs(program);
  std::map<std::string, size_t> inputIndex, outputIndex;
  std::vector<lpu_tensor_info> inputInfo(numInputs), outputInfo(numOutputs);
  for (size_t i = 0; i < numInputs; ++i) {
    lpu_program_input_info(program, i, &inputInfo[i]);
    inputIndex[inputInfo[i].name] = i;
  }
  for (size_t i = 0; i < numOutputs; ++i) {
    lpu_program_output_info(program, i, &outputInfo[i]);
    outputIndex[outputInfo[i].name] = i;
  }

  // Gather input files and expected outputs, by name.
  std::map<size_t, std::string> inputFiles;
  std::map<size_t, std::string> expectedFiles;
  if (!opts.testDataDir.empty()) {
    for (size_t i = 0; i < numInputs; ++i) {
      fs::path p =
          fs::path(opts.testDataDir) / ("input_" + std::to_string(i) + ".pb");
      if (!fs::exists(p))
        return error(p.string() + ": missing (the program has " +
                     std::to_string(numInputs) + " inputs)");
      inputFiles[i] = p.string();
    }
    for (size_t i = 0; i < numOutputs; ++i) {
      fs::path p =
          fs::path(opts.testDataDir) / ("output_" + std::to_string(i) + ".pb");
      if (fs::exists(p))
        expectedFiles[i] = p.string();
    }
  }
  auto bind = [&](const std::vector<std::string> &args,
                  std::map<std::string, size_t> &index,
                  std::map<size_t, std::string> &files, const char *what) {
    for (const std::string &arg : args) {
      std::string name, path;
      if (!splitBinding(arg, name, path))
        return error(std::string("expected NAME=FILE for ") + what + ", got '" +
                     arg + "'");
      auto it = index.find(name);
      if (it == index.end())
        return error(std::string("the program has no ") + what + " named '" +
                     name + "'");
      files[it->second] = path;
    }
    return 0;
  };
  if (int rc = bind(opts.inputs, inputIndex, inputFiles, "input"))
    return rc;
  if (int rc = bind(opts.expected, outputIndex, expectedFiles, "output"))
    return rc;

  for (size_t i = 0; i < numInputs; ++i) {
    const lpu_tensor_info &info = inputInfo[i];
    auto it = inputFiles.find(i);
    if (it == inputFiles.end())
      return error(std::string("no data for input '") + info.name +
                   "' (use --input " + info.name + "=FILE)");
    lpu::HostTensor tensor;
    std::string why;
    if (!lpu::readTensorFile(it->second, tensor, why))
      return error(why);
    std::vector<int64_t> want(info.shape, info.shape + info.rank);
    if (tensor.data.size() != info.num_elements)
      return error(it->second + ": input '" + info.name + "' needs shape " +
                   shapeString(want) + ", the file holds " +
                   shapeString(tensor.shape));
    if (lpu_execution_set_input(exec, i, tensor.data.data(),
                                tensor.data.size()) != LPU_OK)
      return error(lpu_last_error());
  }

  if (lpu_execution_run(exec) != LPU_OK)
    return error(lpu_last_error());

  bool allMatch = true;
  for (size_t i = 0; i < numOutputs; ++i) {
    const lpu_tensor_info &info = outputInfo[i];
    std::vector<float> data(info.num_elements);
    if (lpu_execution_get_output(exec, i, data.data(), data.size()) != LPU_OK)
      return error(lpu_last_error());
    lpu::HostTensor tensor{
        info.name, std::vector<int64_t>(info.shape, info.shape + info.rank),
        data};
    if (!opts.quiet) {
      std::printf("output %s [%s]:", info.name,
                  shapeString(tensor.shape).c_str());
      for (size_t k = 0; k < data.size() && k < opts.printLimit; ++k)
        std::printf(" %.6g", data[k]);
      std::printf("%s\n", data.size() > opts.printLimit ? " ..." : "");
    }
    if (!opts.outputDir.empty()) {
      std::string why;
      fs::create_directories(opts.outputDir);
      if (!lpu::writeNpy(
              (fs::path(opts.outputDir) / (std::string(info.name) + ".npy"))
                  .string(),
              tensor, why))
        return error(why);
    }
    auto it = expectedFiles.find(i);
    if (it != expectedFiles.end()) {
      lpu::HostTensor expected;
      std::string why;
      if (!lpu::readTensorFile(it->second, expected, why))
        return error(why);
      allMatch &= compare(info.name, data, expected, opts);
    }
  }

  lpu_stats stats;
  lpu_execution_stats(exec, &stats);
  std::printf("cycles: %llu (%.3f us at %u MHz), instructions: %llu\n",
              static_cast<unsigned long long>(stats.cycles),
              static_cast<double>(stats.cycles) / stats.clock_mhz,
              stats.clock_mhz,
              static_cast<unsigned long long>(stats.instructions));
  if (!allMatch)
    return error("outputs do not match the expected values");
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Options opts;
  CLI::App app{"Run an LPU binary on the cycle-accurate reference backend"};
  app.add_option("binary", opts.binaryPath, "The .lpu file")->required();
  app.add_option("-i,--input", opts.inputs,
                 "NAME=FILE: input data (.npy or ONNX TensorProto .pb)");
  app.add_option("--test-data", opts.testDataDir,
                 "ONNX test-data directory: input_<i>.pb feed the inputs in "
                 "order, output_<i>.pb are compared with the outputs");
  app.add_option("-e,--expect", opts.expected,
                 "NAME=FILE: compare an output with expected data");
  app.add_option("-o,--output", opts.outputDir,
                 "Write each output to DIR/<name>.npy");
  app.add_option("--rtol", opts.rtol, "Relative tolerance for comparisons")
      ->capture_default_str();
  app.add_option("--atol", opts.atol, "Absolute tolerance for comparisons")
      ->capture_default_str();
  app.add_option("--print-limit", opts.printLimit,
                 "Print at most this many elements of each output")
      ->capture_default_str();
  app.add_flag("-q,--quiet", opts.quiet, "Do not print output values");
  CLI11_PARSE(app, argc, argv);
  return run(opts);
}
