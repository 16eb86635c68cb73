//===- Pipeline.cpp - lpuc's named compilation phases ---------------------===//

#include "compiler/Pipeline/Pipeline.h"

#include "compiler/Conversion/Passes.h"
#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Transforms/Passes.h"
#include "dialects/ONNX/ONNXOps.h"
#include "dialects/ONNX/Transforms/Passes.h"
#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace lpuc {

namespace {
struct PhaseName {
  Phase phase;
  const char *name;
};
constexpr PhaseName kPhases[] = {
    {Phase::ONNX, "onnx"},     {Phase::Tile, "tile"},
    {Phase::ISel, "lpu-isel"}, {Phase::Alloc, "lpu-alloc"},
    {Phase::Schedule, "lpu"},  {Phase::Asm, "asm"},
    {Phase::Bin, "bin"},
};
} // namespace

std::optional<Phase> parsePhase(llvm::StringRef name) {
  for (const PhaseName &p : kPhases)
    if (name == p.name)
      return p.phase;
  return std::nullopt;
}

llvm::StringRef getPhaseName(Phase phase) {
  for (const PhaseName &p : kPhases)
    if (p.phase == phase)
      return p.name;
  return "";
}

std::string getPhaseNames() {
  std::string names;
  for (const PhaseName &p : kPhases)
    names += (names.empty() ? "" : "|") + std::string(p.name);
  return names;
}

void buildLoweringPipeline(OpPassManager &pm, const LoweringOptions &options,
                           Phase stopAfter) {
  if (stopAfter < Phase::Tile)
    return;
  if (options.f64AsF32)
    pm.addNestedPass<func::FuncOp>(onnx::createDemoteF64());
  pm.addNestedPass<func::FuncOp>(onnx::createWidenHalf());
  pm.addNestedPass<func::FuncOp>(onnx::createFoldConstants());
  ConvertONNXToTileOptions conversion;
  conversion.target = options.target;
  conversion.precision = options.precision;
  pm.addPass(createConvertONNXToTile(conversion));
  OpPassManager &graph = pm.nest<func::FuncOp>();
  // The baseline computes every node on its own, as the ONNX graph says.
  // Otherwise maps join first (x * sigmoid(x) is then one map, which moves
  // through transposes whole), and then into the products and convolutions
  // that layout assignment has put next to them.
  if (!options.opByOp)
    graph.addPass(tile::createFuseElementwise());
  graph.addPass(tile::createAssignLayout());
  if (!options.opByOp) {
    graph.addPass(tile::createPackConvTaps());
    graph.addPass(tile::createFuseElementwise());
  }
  if (!options.opByOp) {
    graph.addPass(tile::createSimplifyChains());
    graph.addPass(tile::createPackTaps());
    graph.addPass(tile::createFuseElementwise());
    graph.addPass(tile::createStoreProductInputs());
    graph.addPass(tile::createBroadcastReductions());
  }
  tile::ChooseTilingOptions tiling;
  tiling.opByOp = options.opByOp;
  graph.addPass(tile::createChooseTiling(tiling));
  graph.addPass(tile::createBandHandoffs());
  graph.addPass(tile::createAssignPlanes());
  graph.addPass(tile::createCheckCapacity());
  // The baseline places every buffer at the machine level, round-robin.
  if (!options.opByOp)
    graph.addPass(tile::createAllocateSRAM());
  if (stopAfter < Phase::ISel)
    return;
  pm.addPass(createConvertTileToLPU());
  if (stopAfter < Phase::Alloc)
    return;
  OpPassManager &program = pm.nest<lpu::ProgramOp>();
  lpu::AllocateSRAMOptions allocateOptions;
  allocateOptions.opByOp = options.opByOp;
  program.addPass(lpu::createAllocateSRAM(allocateOptions));
  if (stopAfter < Phase::Schedule)
    return;
  program.addPass(lpu::createBundleWeightLoads());
  lpu::ScheduleOptions scheduleOptions;
  scheduleOptions.opByOp = options.opByOp;
  program.addPass(lpu::createSchedule(scheduleOptions));
  program.addPass(lpu::createVerifySchedule());
}

LogicalResult runMachinePhases(
    lpu::MachineProgram &program, const LoweringOptions &options,
    Phase stopAfter, TimingScope &timing,
    llvm::function_ref<void(StringRef, const lpu::MachineProgram &)>
        afterStep) {
  auto step = [&](StringRef name, auto run) {
    {
      TimingScope scope = timing.nest(name);
      if (failed(run()))
        return failure();
    }
    if (afterStep)
      afterStep(name, program);
    return success();
  };
  if (stopAfter < Phase::Alloc)
    return success();
  if (failed(step("lpu-allocate-sram",
                  [&] { return lpu::allocateSRAM(program, options.opByOp); })))
    return failure();
  if (stopAfter < Phase::Schedule)
    return success();
  if (failed(step("lpu-bundle-weight-loads",
                  [&] { return lpu::bundleWeightLoads(program); })))
    return failure();
  if (failed(step("lpu-schedule", [&] {
        return lpu::scheduleProgram(program, options.opByOp, options.treeOrder);
      })))
    return failure();
  return step("lpu-verify-schedule",
              [&] { return lpu::verifySchedule(program); });
}

void registerDialects(DialectRegistry &registry) {
  registry.insert<onnx::ONNXDialect, tile::TileDialect, lpu::LPUDialect,
                  func::FuncDialect, arith::ArithDialect>();
}

namespace {
struct LoweringPipelineOptions
    : public PassPipelineOptions<LoweringPipelineOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("Target description"),
                             llvm::cl::init("lpu-v1")};
  Option<std::string> precision{
      *this, "precision",
      llvm::cl::desc("fp32, fp16 or bf16 for MXM products (default: the "
                     "target's most precise)"),
      llvm::cl::init("")};
  Option<bool> f64AsF32{*this, "f64-as-f32",
                        llvm::cl::desc("Compute f64 tensors in f32"),
                        llvm::cl::init(false)};
  Option<bool> opByOp{*this, "op-by-op",
                      llvm::cl::desc("Schedule one ONNX node after another"),
                      llvm::cl::init(false)};
};
} // namespace

void registerPassesAndPipelines() {
  registerConversionPasses();
  lpu::registerLPUPasses();
  onnx::registerONNXPasses();
  tile::registerTilePasses();
  PassPipelineRegistration<LoweringPipelineOptions>(
      "lpuc-lowering",
      "The whole lpuc lowering: ONNX graph to a scheduled lpu.program",
      [](OpPassManager &pm, const LoweringPipelineOptions &options) {
        buildLoweringPipeline(pm,
                              {options.target, options.precision,
                               options.f64AsF32, options.opByOp},
                              Phase::Schedule);
      });
}

} // namespace lpuc
