//===- lpu-opt.cpp - Run lpuc passes on MLIR files ------------------------===//
//
// mlir-opt with lpuc's dialects, passes and pipeline, and the upstream
// passes a pass writer reaches for first (canonicalize, cse, symbol-dce,
// inline, sccp, ...). Options that LLVM's code generators register when
// the library loads are hidden from --help: they do nothing here.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipeline/Pipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  // Everything registered before MlirOptMain adds its own options comes from
  // loading LLVM's libraries; keep only the generic ones.
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::StringRef name = entry.first;
    if (!name.starts_with("help") && name != "version" &&
        !name.starts_with("print-"))
      entry.second->setHiddenFlag(llvm::cl::ReallyHidden);
  }
  mlir::DialectRegistry registry;
  lpuc::registerDialects(registry);
  lpuc::registerPassesAndPipelines();
  mlir::registerTransformsPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "lpuc optimizer driver\n", registry));
}
