//===- VerifySchedule.cpp - Check a scheduled program ---------------------===//
//
// An independent check of the scheduler's output, run at the end of every
// compile. SRAM and MXM ordering are proven again by the simulator.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Transforms/Passes.h"

#include <map>

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
    const ::lpu::TargetDesc &target = program.getTargetDesc();
    if (!program.getCycles()) {
      program.emitError("program is not scheduled");
      return signalPassFailure();
    }
    // (kind, unit, cycle) -> instruction occupying that issue slot.
    std::map<std::tuple<unsigned, int64_t, int64_t>, Operation *> slots;
    // stream -> (landing cycle, last read cycle, producer), per value.
    std::map<int64_t, std::vector<std::tuple<int64_t, int64_t, Operation *>>>
        streamUse;
    bool ok = true;
    for (Operation &op : program.getBodyBlock()) {
      auto inst = dyn_cast<InstructionOpInterface>(op);
      if (!inst)
        continue;
      int64_t cycle = *inst.getIssueCycle();
      int64_t unit = *inst.getUnitIndex();
      unsigned kind = static_cast<unsigned>(getQueueKind(inst));
      int64_t occupancy = 1;
      if (auto nop = dyn_cast<NopOp>(op))
        occupancy = nop.getCount();
      for (int64_t c = cycle; c < cycle + occupancy; ++c) {
        auto [it, inserted] = slots.insert({{kind, unit, c}, &op});
        if (!inserted) {
          InFlightDiagnostic diag = op.emitError()
                                    << "issues at cycle " << c
                                    << " on a unit that is already busy";
          diag.attachNote(it->second->getLoc()) << "busy with this instruction";
          ok = false;
        }
      }
      for (Value operand : op.getOperands()) {
        auto producer = operand.getDefiningOp<InstructionOpInterface>();
        if (!producer)
          continue;
        int64_t landed =
            *producer.getIssueCycle() + target.latencyOf(producer.getOpcode());
        if (landed > cycle) {
          op.emitError("reads a value at cycle ")
              << cycle << " that lands at cycle " << landed;
          ok = false;
        }
      }
      if (op.getNumResults() == 1) {
        int64_t landed = cycle + target.latencyOf(inst.getOpcode());
        int64_t lastRead = landed;
        for (Operation *user : op.getResult(0).getUsers())
          lastRead = std::max(
              lastRead, *cast<InstructionOpInterface>(user).getIssueCycle());
        streamUse[*inst.getResultStream()].emplace_back(landed, lastRead, &op);
      }
    }
    for (auto &[stream, uses] : streamUse) {
      llvm::sort(uses, [](const auto &a, const auto &b) {
        return std::get<0>(a) < std::get<0>(b);
      });
      for (size_t i = 1; i < uses.size(); ++i) {
        auto [prevLand, prevLast, prevOp] = uses[i - 1];
        auto [land, last, thisOp] = uses[i];
        if (land <= prevLast) {
          InFlightDiagnostic diag =
              thisOp->emitError()
              << "lands on stream " << stream << " at cycle " << land
              << " while it still holds a value read until cycle " << prevLast;
          diag.attachNote(prevOp->getLoc()) << "that value is produced here";
          ok = false;
        }
      }
    }
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
