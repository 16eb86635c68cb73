//===- Schedule.cpp - The lpu-schedule pass -------------------------------===//

#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Transforms/Passes.h"

namespace lpuc::lpu {
#define GEN_PASS_DEF_SCHEDULE
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;

namespace {
struct SchedulePass : public lpuc::lpu::impl::ScheduleBase<SchedulePass> {
  using ScheduleBase::ScheduleBase;

  void runOnOperation() override {
    MachineProgram program = importProgram(getOperation());
    if (failed(scheduleProgram(program, opByOp, order)))
      return signalPassFailure();
    materializeProgram(program, getOperation());
  }
};
} // namespace
