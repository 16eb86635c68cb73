//===- AllocateSRAM.cpp - The lpu-allocate-sram pass ----------------------===//

#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Transforms/Passes.h"

namespace lpuc::lpu {
#define GEN_PASS_DEF_ALLOCATESRAM
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;

namespace {
struct AllocateSRAMPass
    : public lpuc::lpu::impl::AllocateSRAMBase<AllocateSRAMPass> {
  using AllocateSRAMBase::AllocateSRAMBase;

  void runOnOperation() override {
    MachineProgram program = importProgram(getOperation());
    if (failed(allocateSRAM(program, opByOp)))
      return signalPassFailure();
    materializeProgram(program, getOperation());
  }
};
} // namespace
