//===- lpu-objdump.cpp - Print an LPU binary as assembly ------------------===//

#include "lpu/Binary.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

int main(int argc, char **argv) {
  std::string path;
  CLI::App app{"Print a .lpu binary: target, tensors, SRAM image and the "
               "per-unit instruction queues with issue cycles"};
  app.add_option("binary", path, "The .lpu file")->required();
  CLI11_PARSE(app, argc, argv);

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
  lpu::printAssembly(binary, std::cout);
  return 0;
}
