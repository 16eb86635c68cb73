//===- lpu-objdump.cpp - Print an LPU binary as assembly ------------------===//

#include "lpu/Binary.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

int main(int argc, char **argv) {
  std::string path;
  bool isa = false, targets = false, info = false;
  CLI::App app{"Print a .lpu binary: target, tensors, SRAM image and the "
               "per-unit instruction queues with issue cycles"};
  app.add_option("binary", path, "The .lpu file");
  app.add_flag("--info", info,
               "Print only what the binary was made from and holds: target, "
               "producer and provenance, inputs, outputs and SRAM image");
  app.add_flag("--isa", isa,
               "Print the instruction table (Markdown, as in docs/isa.md)");
  app.add_flag("--targets", targets,
               "Print the built-in targets' parameters (Markdown)");
  CLI11_PARSE(app, argc, argv);
  if (isa || targets) {
    if (isa)
      lpu::printInstructionTable(std::cout);
    if (targets)
      lpu::printTargetTables(lpu::builtinTargets(), std::cout);
    return 0;
  }
  if (path.empty()) {
    std::cerr << "lpu-objdump: error: no binary given (see --help)\n";
    return 1;
  }

  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "lpu-objdump: error: " << path << ": cannot open file\n";
    return 1;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  lpu::Binary binary;
  std::string error;
  if (!lpu::readBinary(bytes.data(), bytes.size(), binary, error)) {
    std::cerr << "lpu-objdump: error: " << path
              << ": invalid LPU binary: " << error << "\n";
    return 1;
  }
  if (info)
    lpu::printSummary(binary, std::cout);
  else
    lpu::printAssembly(binary, std::cout);
  return 0;
}
