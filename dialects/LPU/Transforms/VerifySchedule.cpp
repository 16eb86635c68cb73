//===- VerifySchedule.cpp - The lpu-verify-schedule pass ------------------===//

#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Transforms/Passes.h"

namespace lpuc::lpu {
#define GEN_PASS_DEF_VERIFYSCHEDULE
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;

namespace {
struct VerifySchedulePass
    : public lpuc::lpu::impl::VerifyScheduleBase<VerifySchedulePass> {
  void runOnOperation() override {
    ProgramOp program = getOperation();
    if (!program.getCycles()) {
      program.emitError("program is not scheduled");
      return signalPassFailure();
    }
    if (failed(verifySchedule(importProgram(program))))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }
};
} // namespace
