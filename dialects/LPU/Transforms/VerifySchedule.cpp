//===- VerifySchedule.cpp - Check a scheduled program ---------------------===//
//
// An independent check of the scheduler's output, run at the end of every
// compile, against the machine model of docs/isa.md: queues issue one
// instruction per cycle, every operand passes its consumer's slice exactly at
// the consumer's issue cycle on a stream flowing the right way, no two values
// share a stream slot along their way, and no SRAM bank port is used twice in
// a cycle. SRAM and MXM ordering are proven again by the simulator.
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
    bool ok = true;
    auto conflict = [&](Operation *op, Operation *other, const Twine &what) {
      InFlightDiagnostic diag = op->emitError(what);
      diag.attachNote(other->getLoc()) << "conflicting instruction";
      ok = false;
    };
    // (kind, unit, cycle) and (slice, bank, cycle) -> first user.
    std::map<std::tuple<unsigned, int64_t, int64_t>, Operation *> slots;
    std::map<std::tuple<int64_t, int64_t, int64_t>, Operation *> ports;
    // (stream, diagonal) -> column intervals [lo, hi] and their producers.
    std::map<std::pair<int64_t, int64_t>,
             std::vector<std::tuple<int64_t, int64_t, Operation *>>>
        streamSlots;
    for (Operation &op : program.getBodyBlock()) {
      auto inst = dyn_cast<InstructionOpInterface>(op);
      if (!inst)
        continue;
      int64_t cycle = *inst.getIssueCycle();
      int64_t unit = *inst.getUnitIndex();
      int64_t column = getColumn(inst, target);
      unsigned kind = static_cast<unsigned>(getQueueKind(inst));
      int64_t occupancy = 1;
      if (auto nop = dyn_cast<NopOp>(op))
        occupancy = nop.getCount();
      for (int64_t c = cycle; c < cycle + occupancy; ++c)
        if (auto [it, inserted] = slots.insert({{kind, unit, c}, &op});
            !inserted)
          conflict(&op, it->second,
                   "issues at cycle " + Twine(c) +
                       " on a unit that is already busy");
      if (isa<ReadOp, WriteOp>(op)) {
        checkProgramOrder(&op, cycle, target, conflict);
        auto [slice, address] = getSramLocation(&op);
        if (slice != unit) {
          op.emitError("accesses mem[")
              << slice << "] but is placed on mem[" << unit << "]";
          ok = false;
        }
        int64_t bank = target.bankOf(address);
        int64_t at = target.bankAccessCycle(inst.getOpcode(), cycle);
        if (auto [it, inserted] = ports.insert({{slice, bank, at}, &op});
            !inserted)
          conflict(&op, it->second,
                   "uses bank " + Twine(bank) + " of mem[" + Twine(slice) +
                       "] at cycle " + Twine(at) + ", as does another access");
      }
      for (auto [i, operand] : llvm::enumerate(op.getOperands())) {
        auto producer = operand.getDefiningOp<InstructionOpInterface>();
        // A value read for two operands is one read of one slot.
        if (!producer ||
            llvm::is_contained(op.getOperands().take_front(i), operand))
          continue;
        int64_t from = getColumn(producer, target);
        int64_t stream = *producer.getResultStream();
        int64_t landed =
            *producer.getIssueCycle() + target.latencyOf(producer.getOpcode());
        int64_t arrives = landed + std::abs(column - from);
        bool east = target.isEastward(stream);
        if ((east && column < from) || (!east && column > from)) {
          op.emitError("reads stream ")
              << stream << " at slice " << column
              << ", upstream of where its producer writes it (slice " << from
              << ")";
          ok = false;
        } else if (arrives != cycle) {
          op.emitError("reads a value at cycle ")
              << cycle << " that passes slice " << column << " at cycle "
              << arrives;
          ok = false;
        }
        streamSlots[{stream, target.streamDiagonal(stream, from, landed)}]
            .emplace_back(std::min(from, column), std::max(from, column),
                          producer.getOperation());
      }
    }
    for (auto &[slot, uses] : streamSlots) {
      llvm::sort(uses, [](const auto &a, const auto &b) {
        return std::get<0>(a) < std::get<0>(b);
      });
      for (size_t i = 1; i < uses.size(); ++i)
        if (std::get<0>(uses[i]) <= std::get<1>(uses[i - 1]))
          conflict(std::get<2>(uses[i]), std::get<2>(uses[i - 1]),
                   "puts a value on stream " + Twine(slot.first) +
                       " where another value still travels to its reader");
    }
    if (!ok)
      signalPassFailure();
  }

  /// What program order says each SRAM cell holds when: a read sees the
  /// last write before it in program order, so that write must have landed
  /// and no later write may land before the read issues.
  struct CellState {
    int64_t landed = -1, lastRead = -1;
    Operation *writer = nullptr, *reader = nullptr;
  };
  std::map<std::pair<int64_t, int64_t>, CellState> cells;

  template <typename ConflictFn>
  void checkProgramOrder(Operation *op, int64_t cycle,
                         const ::lpu::TargetDesc &target,
                         ConflictFn &conflict) {
    auto inst = cast<InstructionOpInterface>(op);
    CellState &cell = cells[getSramLocation(op)];
    if (isa<ReadOp>(op)) {
      if (cell.writer && cycle < cell.landed)
        conflict(op, cell.writer,
                 "reads SRAM at cycle " + Twine(cycle) +
                     " before the write it must see lands (cycle " +
                     Twine(cell.landed) + ")");
      if (cycle > cell.lastRead) {
        cell.lastRead = cycle;
        cell.reader = op;
      }
      return;
    }
    int64_t landed = cycle + target.latencyOf(inst.getOpcode());
    if (cell.reader && landed <= cell.lastRead)
      conflict(op, cell.reader,
               "lands in SRAM at cycle " + Twine(landed) +
                   ", before an earlier read (in program order) at cycle " +
                   Twine(cell.lastRead));
    else if (cell.writer && landed <= cell.landed)
      conflict(op, cell.writer,
               "lands in SRAM at cycle " + Twine(landed) +
                   ", not after the write before it in program order");
    cell.landed = landed;
    cell.writer = op;
  }
};
} // namespace
