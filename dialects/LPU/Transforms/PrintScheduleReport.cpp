//===- PrintScheduleReport.cpp - Report a schedule on stdout --------------===//

#include "dialects/LPU/Analysis/ScheduleReport.h"
#include "dialects/LPU/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"

namespace lpuc::lpu {
#define GEN_PASS_DEF_PRINTSCHEDULEREPORT
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;

namespace {
struct PrintScheduleReportPass
    : public lpuc::lpu::impl::PrintScheduleReportBase<PrintScheduleReportPass> {
  using PrintScheduleReportBase::PrintScheduleReportBase;

  void runOnOperation() override {
    ProgramOp program = getOperation();
    if (!program.getCycles()) {
      program.emitError("program is not scheduled; run lpu-schedule first");
      return signalPassFailure();
    }
    MachineProgram machine = importProgram(program);
    switch (format) {
    case ReportFormat::Text:
      printScheduleReport(buildScheduleReport(machine), llvm::outs());
      break;
    case ReportFormat::Json:
      llvm::outs() << llvm::formatv("{0:2}",
                                    toJSON(buildScheduleReport(machine)))
                   << "\n";
      break;
    case ReportFormat::Timeline:
      writeTimeline(machine, llvm::outs());
      break;
    }
    markAllAnalysesPreserved();
  }
};
} // namespace
