//===- lpu-run.cpp - Run an LPU binary on the reference backend -----------===//
//
// Uses only the runtime's C API. Inputs come from --input name=file or from
// an ONNX test-data directory (input_<i>.pb); outputs are printed, written as
// .npy with --output, and compared with expected tensors on request.
//
//===----------------------------------------------------------------------===//

#include "Generate.h"
#include "TensorIO.h"

#include "lpu/runtime.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
  /// Also accept errors up to this fraction of max |expected| (the
  /// normalized maximum error reduced-precision runs are judged by).
  double scaledTol = 0;
  /// Require the same argmax along the last axis as the expected data.
  bool argmax = false;
  std::string target;
  std::string statsJsonPath;
  size_t printLimit = 32;
  bool quiet = false;
  bool stats = false;
  lpu::GenerateOptions generate;
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

/// Where the largest element of each row (the last axis) of `data` is.
std::vector<size_t> rowArgmax(const std::vector<double> &data,
                              const std::vector<int64_t> &shape) {
  const size_t row =
      shape.empty() ? 1 : size_t(std::max<int64_t>(shape.back(), 1));
  std::vector<size_t> where;
  for (size_t first = 0; first + row <= data.size(); first += row)
    where.push_back(
        std::max_element(data.begin() + first, data.begin() + first + row) -
        data.begin() - first);
  return where;
}

/// numpy.allclose semantics, |actual - expected| <= atol + rtol * |expected|,
/// or within --scaled-tol of max |expected|; and with --argmax, the same
/// argmax in every row.
bool compare(const std::string &name, const std::vector<double> &actual,
             const lpu::HostTensor &expected, const Options &opts) {
  if (expected.data.size() != actual.size()) {
    std::cerr << "lpu-run: mismatch: output '" << name << "' has "
              << actual.size() << " elements, expected " << expected.data.size()
              << "\n";
    return false;
  }
  double maxAbs = 0, scale = 0;
  for (double e : expected.data)
    if (!std::isnan(e))
      scale = std::max(scale, std::fabs(e));
  size_t bad = 0, firstBad = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double a = actual[i], e = expected.data[i];
    double diff = std::fabs(a - e);
    bool ok = diff <= opts.atol + opts.rtol * std::fabs(e) ||
              diff <= opts.scaledTol * scale ||
              (std::isnan(a) && std::isnan(e)) || a == e;
    if (!ok && bad++ == 0)
      firstBad = i;
    if (!std::isnan(diff))
      maxAbs = std::max(maxAbs, diff);
  }
  size_t argmaxDiffer = 0;
  if (opts.argmax) {
    std::vector<size_t> got = rowArgmax(actual, expected.shape),
                        want = rowArgmax(expected.data, expected.shape);
    for (size_t r = 0; r < got.size(); ++r)
      argmaxDiffer += got[r] != want[r];
  }
  std::printf("compare %s: %zu elements, max abs error %.3g (%.2g of max "
              "|expected|), %s (rtol %g, atol %g",
              name.c_str(), actual.size(), maxAbs,
              scale > 0 ? maxAbs / scale : 0.0,
              bad || argmaxDiffer ? "MISMATCH" : "ok", opts.rtol, opts.atol);
  if (opts.scaledTol > 0)
    std::printf(", scaled %g", opts.scaledTol);
  if (opts.argmax)
    std::printf(", argmax");
  std::printf(")\n");
  if (bad)
    std::printf("  %zu elements differ; first at flat index %zu: got %.9g, "
                "expected %.9g\n",
                bad, firstBad, actual[firstBad], expected.data[firstBad]);
  if (argmaxDiffer)
    std::printf("  %zu rows have another argmax\n", argmaxDiffer);
  return bad == 0 && argmaxDiffer == 0;
}

/// Per-run statistics, as text and as JSON (docs/cli.md lists the keys).
void printStats(const lpu_execution *exec, const Options &opts) {
  lpu_stats stats;
  lpu_execution_stats(exec, &stats);
  std::vector<lpu_unit_stats> units(stats.num_units);
  for (size_t i = 0; i < units.size(); ++i)
    lpu_execution_unit_stats(exec, i, &units[i]);
  auto ull = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf("cycles: %llu (%.3f us at %u MHz), instructions: %llu\n",
              ull(stats.cycles), stats.latency_us, stats.clock_mhz,
              ull(stats.instructions));
  if (opts.stats) {
    std::printf("instruction words: %llu\n", ull(stats.instruction_words));
    std::printf("stream values: %llu written, %llu reads\n",
                ull(stats.stream_writes), ull(stats.stream_reads));
    std::printf("sram high-water mark: %llu of %llu bytes (%.2f%%)\n",
                ull(stats.sram_bytes_used), ull(stats.sram_bytes_total),
                100.0 * stats.sram_bytes_used /
                    std::max<uint64_t>(1, stats.sram_bytes_total));
    // One line per unit kind, then every queue.
    std::map<std::string, std::pair<uint64_t, size_t>> byKind;
    for (const lpu_unit_stats &u : units) {
      byKind[u.kind].first += u.busy_cycles;
      ++byKind[u.kind].second;
    }
    for (const auto &[kind, busy] : byKind)
      std::printf("%s: %zu queues used, %llu busy cycles, %.1f%% average "
                  "utilization\n",
                  kind.c_str(), busy.second, ull(busy.first),
                  stats.cycles ? 100.0 * busy.first /
                                     (double(stats.cycles) * busy.second)
                               : 0.0);
    for (const lpu_unit_stats &u : units)
      std::printf("  %s[%u] slice %u: %llu busy cycles, %.1f%%\n", u.kind,
                  u.index, u.slice, ull(u.busy_cycles), 100.0 * u.utilization);
  }
  if (opts.statsJsonPath.empty())
    return;
  std::FILE *out = opts.statsJsonPath == "-"
                       ? stdout
                       : std::fopen(opts.statsJsonPath.c_str(), "w");
  if (!out) {
    error(opts.statsJsonPath + ": cannot create file");
    return;
  }
  std::fprintf(out,
               "{\n  \"cycles\": %llu,\n  \"latency_us\": %.6f,\n"
               "  \"clock_mhz\": %u,\n  \"instructions\": %llu,\n"
               "  \"instruction_words\": %llu,\n  \"stream_writes\": %llu,\n"
               "  \"stream_reads\": %llu,\n  \"sram_bytes_used\": %llu,\n"
               "  \"sram_bytes_total\": %llu,\n  \"units\": [",
               ull(stats.cycles), stats.latency_us, stats.clock_mhz,
               ull(stats.instructions), ull(stats.instruction_words),
               ull(stats.stream_writes), ull(stats.stream_reads),
               ull(stats.sram_bytes_used), ull(stats.sram_bytes_total));
  for (size_t i = 0; i < units.size(); ++i)
    std::fprintf(out,
                 "%s\n    {\"kind\": \"%s\", \"index\": %u, \"slice\": %u, "
                 "\"busy_cycles\": %llu, \"utilization\": %.6f}",
                 i ? "," : "", units[i].kind, units[i].index, units[i].slice,
                 ull(units[i].busy_cycles), units[i].utilization);
  std::fprintf(out, "\n  ]\n}\n");
  if (out != stdout)
    std::fclose(out);
}

int run(const Options &opts) {
  lpu_program *program = nullptr;
  if (lpu_program_load_file(opts.binaryPath.c_str(), &program) != LPU_OK)
    return error(lpu_last_error());
  std::unique_ptr<lpu_program, void (*)(lpu_program *)> programOwner(
      program, lpu_program_free);
  if (!opts.target.empty() &&
      lpu_program_check_target(program, opts.target.c_str()) != LPU_OK)
    return error(lpu_last_error());
  if (opts.generate.tokens || !opts.generate.promptPath.empty())
    return lpu::generate(program, opts.generate);
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
    std::vector<std::string> files;
    for (size_t i = 0;; ++i) {
      fs::path p =
          fs::path(opts.testDataDir) / ("input_" + std::to_string(i) + ".pb");
      if (!fs::exists(p))
        break;
      files.push_back(p.string());
    }
    if (files.size() < numInputs)
      return error(opts.testDataDir + ": " + std::to_string(files.size()) +
                   " input files, but the program has " +
                   std::to_string(numInputs) + " inputs");
    if (files.size() == numInputs) {
      for (size_t i = 0; i < numInputs; ++i)
        inputFiles[i] = files[i];
    } else {
      // Some graph inputs were fixed at compile time (lpuc --input-value):
      // the files feed the program's inputs by tensor name.
      for (const std::string &file : files) {
        lpu::HostTensor tensor;
        std::string readError;
        if (!lpu::readTensorFile(file, tensor, readError))
          return error(readError);
        if (auto it = inputIndex.find(tensor.name); it != inputIndex.end())
          inputFiles[it->second] = file;
      }
      for (size_t i = 0; i < numInputs; ++i)
        if (!inputFiles.count(i))
          return error(opts.testDataDir + ": no input file names input '" +
                       std::string(inputInfo[i].name) + "'");
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
    lpu::interpretHalfBits(tensor, info.dtype);
    std::vector<int64_t> want(info.shape, info.shape + info.rank);
    if (tensor.data.size() != info.num_elements)
      return error(it->second + ": input '" + info.name + "' needs shape " +
                   shapeString(want) + ", the file holds " +
                   shapeString(tensor.shape));
    std::vector<uint8_t> bytes(info.num_elements * info.element_bytes);
    if (lpu_elements_from_f64(info.dtype, tensor.data.data(),
                              tensor.data.size(), bytes.data()) != LPU_OK ||
        lpu_execution_set_input(exec, i, bytes.data(), info.num_elements) !=
            LPU_OK)
      return error(lpu_last_error());
  }

  if (lpu_execution_run(exec) != LPU_OK)
    return error(lpu_last_error());

  // Output files: names the binary cannot steer out of the directory, and
  // an index of which tensor each holds.
  std::vector<std::string> outputFiles;
  if (!opts.outputDir.empty()) {
    std::vector<std::string> names;
    for (const lpu_tensor_info &info : outputInfo)
      names.push_back(info.name);
    outputFiles = lpu::outputFileNames(names);
    std::error_code failed;
    fs::create_directories(opts.outputDir, failed);
    if (failed)
      return error("--output " + opts.outputDir +
                   ": cannot create the directory: " + failed.message());
    std::ofstream index(fs::path(opts.outputDir) / "index.tsv");
    for (size_t i = 0; i < numOutputs; ++i)
      index << outputFiles[i] << "\t" << names[i] << "\n";
    if (!index)
      return error("--output " + opts.outputDir + ": cannot write index.tsv");
  }

  bool allMatch = true;
  for (size_t i = 0; i < numOutputs; ++i) {
    const lpu_tensor_info &info = outputInfo[i];
    std::vector<uint8_t> bytes(info.num_elements * info.element_bytes);
    std::vector<double> data(info.num_elements);
    if (lpu_execution_get_output(exec, i, bytes.data(), info.num_elements) !=
            LPU_OK ||
        lpu_elements_to_f64(info.dtype, bytes.data(), data.size(),
                            data.data()) != LPU_OK)
      return error(lpu_last_error());
    lpu::HostTensor tensor{
        info.name, std::vector<int64_t>(info.shape, info.shape + info.rank),
        data, lpu::npyKindOf(info.dtype)};
    if (!opts.quiet) {
      std::printf("output %s [%s]:", info.name,
                  shapeString(tensor.shape).c_str());
      for (size_t k = 0; k < data.size() && k < opts.printLimit; ++k)
        std::printf(" %.6g", data[k]);
      std::printf("%s\n", data.size() > opts.printLimit ? " ..." : "");
    }
    if (!opts.outputDir.empty()) {
      std::string why;
      if (!lpu::writeNpy((fs::path(opts.outputDir) / outputFiles[i]).string(),
                         tensor, why))
        return error(why);
    }
    auto it = expectedFiles.find(i);
    if (it != expectedFiles.end()) {
      lpu::HostTensor expected;
      std::string why;
      if (!lpu::readTensorFile(it->second, expected, why))
        return error(why);
      lpu::interpretHalfBits(expected, info.dtype);
      allMatch &= compare(info.name, data, expected, opts);
    }
  }

  printStats(exec, opts);
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
  app.add_option("--scaled-tol", opts.scaledTol,
                 "Also accept errors up to this fraction of the largest "
                 "|expected| element (for reduced-precision runs)");
  app.add_flag("--argmax", opts.argmax,
               "Require the same argmax along the last axis as the expected "
               "data");
  app.add_option("--print-limit", opts.printLimit,
                 "Print at most this many elements of each output")
      ->capture_default_str();
  app.add_flag("-q,--quiet", opts.quiet, "Do not print output values");
  app.add_flag("--stats", opts.stats,
               "Print per-unit busy cycles and utilization, stream traffic "
               "and the SRAM high-water mark");
  app.add_option("--stats-json", opts.statsJsonPath,
                 "Write the statistics as JSON to FILE ('-' for stdout)");
  app.add_option("--target", opts.target,
                 "Refuse to run unless the binary was compiled for this "
                 "target (built-in name or target file)");
  app.add_option("--generate", opts.generate.tokens,
                 "Greedy decoding: run a decode-step program with state "
                 "(lpuc --state) on each --prompt token, then on its own "
                 "choices until N tokens are generated; print them, the time "
                 "to first token and the decode rate");
  app.add_option("--prompt", opts.generate.promptPath,
                 "Token ids to start --generate with (.npy or .pb)");
  app.add_option("--token-input", opts.generate.tokenInput,
                 "The input --generate feeds the token to (default: the "
                 "first integer input of one element)");
  app.add_option("--position-input", opts.generate.positionInput,
                 "The input --generate feeds the position to (default: the "
                 "next integer input of one element, if any)");
  app.add_option("--logits-output", opts.generate.logitsOutput,
                 "The output --generate takes the greedy choice from "
                 "(default: the first output that is no state)");
  app.add_option("--context", opts.generate.context,
                 "Positions the --generate program holds (default: its state "
                 "inputs' second-to-last dimension, a KV cache's context)");
  app.add_option("--expect-tokens", opts.generate.expectPath,
                 "Token ids the generated ones must equal (.npy or .pb)");
  CLI11_PARSE(app, argc, argv);
  return run(opts);
}
