//===- Pipeline.h - lpuc's named compilation phases -------------*- C++ -*-===//

#ifndef LPU_COMPILER_PIPELINE_PIPELINE_H
#define LPU_COMPILER_PIPELINE_PIPELINE_H

#include "dialects/LPU/Machine/Scheduling.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include <optional>
#include <string>

namespace lpuc {

/// The phases a compile can stop after, in pipeline order. Each is a point
/// where the IR can be printed (`lpuc --emit=NAME`).
enum class Phase {
  ONNX,     // imported graph, onnx dialect
  Tile,     // tile ops with every decision made
  ISel,     // lpu.program with unplaced instructions
  Alloc,    // buffers have SRAM addresses
  Schedule, // every instruction has a unit, cycle and stream; verified
  Asm,      // assembly text of the binary
  Bin,      // the .lpu binary
};

std::optional<Phase> parsePhase(llvm::StringRef name);
llvm::StringRef getPhaseName(Phase phase);
/// "onnx|tile|lpu-isel|lpu-alloc|lpu|asm|bin", for help texts.
std::string getPhaseNames();

/// What a lowering is for and how it schedules.
struct LoweringOptions {
  std::string target = "lpu-v1";
  /// fp32, fp16 or bf16 for MXM products; empty: the target's default.
  std::string precision;
  /// Compute f64 tensors in f32 (onnx-demote-f64); otherwise they are
  /// refused.
  bool f64AsF32 = false;
  /// Schedule one ONNX node after another (the baseline of the benchmarks)
  /// instead of the whole graph at once.
  bool opByOp = false;
  /// The order lpu-schedule places trees in (Best: tries two).
  lpu::TreeOrder treeOrder = lpu::TreeOrder::CriticalPath;
};

/// Adds the passes that take an imported module up to `stopAfter`.
void buildLoweringPipeline(mlir::OpPassManager &pm,
                           const LoweringOptions &options, Phase stopAfter);

/// The phases after instruction selection, on the compact form of the
/// selected program: SRAM allocation (Alloc), then scheduling and its
/// verification (Schedule), up to `stopAfter`. The same steps as the
/// pipeline's lpu.program passes; each step is timed under `timing`, and
/// `afterStep` (if given) sees the program after each, with the step's pass
/// name.
mlir::LogicalResult runMachinePhases(
    lpu::MachineProgram &program, const LoweringOptions &options,
    Phase stopAfter, mlir::TimingScope &timing,
    llvm::function_ref<void(llvm::StringRef, const lpu::MachineProgram &)>
        afterStep = {});

/// Every dialect lpuc's IR can contain.
void registerDialects(mlir::DialectRegistry &registry);
/// Every lpuc pass and the `lpuc-lowering` pipeline, for lpu-opt.
void registerPassesAndPipelines();

} // namespace lpuc

#endif // LPU_COMPILER_PIPELINE_PIPELINE_H
