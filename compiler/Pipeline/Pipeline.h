//===- Pipeline.h - lpuc's named compilation phases -------------*- C++ -*-===//

#ifndef LPU_COMPILER_PIPELINE_PIPELINE_H
#define LPU_COMPILER_PIPELINE_PIPELINE_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

#include <optional>
#include <string>

namespace lpuc {

/// The phases a compile can stop after, in pipeline order. Each is a point
/// where the IR can be printed (`lpuc --emit=NAME`).
enum class Phase {
  ONNX,     // imported graph, onnx dialect
  ISel,     // lpu.program with unplaced instructions
  Alloc,    // buffers have SRAM addresses
  Schedule, // every instruction has a unit, cycle and stream; verified
  Asm,      // assembly text of the binary
  Bin,      // the .lpu binary
};

std::optional<Phase> parsePhase(llvm::StringRef name);
llvm::StringRef getPhaseName(Phase phase);
/// "onnx|lpu-isel|lpu-alloc|lpu|asm|bin", for help texts.
std::string getPhaseNames();

/// Adds the passes that take an imported module up to `stopAfter`.
void buildLoweringPipeline(mlir::OpPassManager &pm, llvm::StringRef target,
                           Phase stopAfter);

/// Every dialect lpuc's IR can contain.
void registerDialects(mlir::DialectRegistry &registry);
/// Every lpuc pass and the `lpuc-lowering` pipeline, for lpu-opt.
void registerPassesAndPipelines();

} // namespace lpuc

#endif // LPU_COMPILER_PIPELINE_PIPELINE_H
