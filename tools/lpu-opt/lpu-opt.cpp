//===- lpu-opt.cpp - Run lpuc passes on MLIR files ------------------------===//

#include "compiler/Pipeline/Pipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  lpuc::registerDialects(registry);
  lpuc::registerPassesAndPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "lpuc optimizer driver\n", registry));
}
