//===- BundleWeightLoads.cpp - The lpu-bundle-weight-loads pass -----------===//

#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Transforms/Passes.h"

namespace lpuc::lpu {
#define GEN_PASS_DEF_BUNDLEWEIGHTLOADS
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;

namespace {
struct BundleWeightLoadsPass
    : public lpuc::lpu::impl::BundleWeightLoadsBase<BundleWeightLoadsPass> {
  void runOnOperation() override {
    MachineProgram program = importProgram(getOperation());
    if (failed(bundleWeightLoads(program)))
      return signalPassFailure();
    materializeProgram(program, getOperation());
  }
};
} // namespace
