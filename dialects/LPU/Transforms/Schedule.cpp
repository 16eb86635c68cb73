//===- Schedule.cpp - Static list scheduling and stream assignment --------===//
//
// Instructions are placed in program order. Each unit issues at most one
// instruction per cycle, so a unit's next free cycle only grows. Reads from
// SRAM (and VXM/SXM work fed only by them) have no placed operands and would
// otherwise issue long before their users, holding streams meanwhile; they
// are held back and placed just in time for their first user.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Transforms/Passes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <queue>
#include <set>

namespace lpuc::lpu {
#define GEN_PASS_DEF_SCHEDULE
#include "dialects/LPU/Transforms/Passes.h.inc"
} // namespace lpuc::lpu

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::Opcode;
using ::lpu::UnitKind;

namespace {

/// One SRAM vector: a buffer and an offset into it.
using Cell = std::pair<Operation *, int64_t>;

struct CellState {
  int64_t visibleAt = 0; // cycle from which the last write is readable
  int64_t lastReadIssue = -1;
};

struct PlaneState {
  int64_t loadsLanded = 0; // cycle by which all weight-row loads landed
  int64_t arrayReady = 0;  // cycle from which installed weights are usable
};

class Scheduler {
public:
  Scheduler(ProgramOp program)
      : program(program), target(program.getTargetDesc()) {
    for (unsigned k = 0; k < ::lpu::kNumUnitKinds; ++k)
      unitFree[k].assign(target.unitCount(static_cast<UnitKind>(k)), 0);
    planes.resize(target.mxmPlanes);
  }

  LogicalResult run() {
    for (Operation &op : program.getBodyBlock()) {
      auto inst = dyn_cast<InstructionOpInterface>(op);
      if (!inst)
        continue;
      if (isDeferrable(inst)) {
        deferred.insert(&op);
        continue;
      }
      if (auto write = dyn_cast<WriteOp>(op))
        flushReadsOf(cellOf(write));
      place(inst, /*wantReady=*/0);
    }
    // Values nobody uses are still computed; place them last.
    while (!deferred.empty())
      place(cast<InstructionOpInterface>(deferred.front()), 0);
    return assignStreams();
  }

  int64_t getTotalCycles() const { return totalCycles; }

private:
  Cell cellOf(Operation *memOp) {
    int64_t offset =
        TypeSwitch<Operation *, int64_t>(memOp).Case<ReadOp, WriteOp>(
            [](auto op) { return op.getOffset(); });
    return {getAccessedBuffer(memOp), offset};
  }

  int64_t latency(InstructionOpInterface inst) {
    return target.latencyOf(inst.getOpcode());
  }

  int64_t &freeCycle(UnitKind kind, int64_t unit) {
    return unitFree[static_cast<unsigned>(kind)][unit];
  }

  /// Records `inst` at `cycle` on `unit` and updates the state it changes.
  void commit(InstructionOpInterface inst, int64_t cycle, int64_t unit) {
    Operation *op = inst.getOperation();
    inst.setPlacement(cycle, unit);
    UnitKind kind = getQueueKind(inst);
    int64_t occupancy = 1;
    if (auto nop = dyn_cast<NopOp>(op))
      occupancy = nop.getCount();
    freeCycle(kind, unit) = cycle + occupancy;
    int64_t done = cycle + latency(inst);
    totalCycles =
        std::max(totalCycles, isa<NopOp>(op) ? cycle + occupancy : done);
    for (Value result : op->getResults())
      ready[result] = done;
    if (isa<ReadOp>(op)) {
      CellState &cell = cells[cellOf(op)];
      cell.lastReadIssue = std::max(cell.lastReadIssue, cycle);
    } else if (isa<WriteOp>(op)) {
      cells[cellOf(op)].visibleAt = done;
    } else if (isa<LoadWeightsOp>(op)) {
      PlaneState &plane = planes[unit];
      plane.loadsLanded = std::max(plane.loadsLanded, done);
    } else if (isa<InstallWeightsOp>(op)) {
      planes[unit].arrayReady = done;
    }
  }

  /// Reads, and VXM/SXM work fed only by deferred values, wait until their
  /// first user is placed, so their results do not sit on streams.
  bool isDeferrable(InstructionOpInterface inst) {
    Operation *op = inst.getOperation();
    if (isa<ReadOp>(op))
      return true;
    UnitKind kind = inst.getUnitKind();
    if ((kind != UnitKind::Vxm && kind != UnitKind::Sxm) ||
        op->getNumOperands() == 0)
      return false;
    return llvm::all_of(op->getOperands(), [&](Value v) {
      Operation *def = v.getDefiningOp();
      return def && deferred.contains(def);
    });
  }

  /// Writes must not overtake earlier reads of the same cell.
  void flushReadsOf(Cell cell) {
    for (Operation *op : llvm::to_vector(deferred))
      if (auto read = dyn_cast<ReadOp>(op); read && cellOf(read) == cell)
        place(read, 0);
  }

  /// Constraints that do not depend on operands: SRAM ordering and MXM
  /// weight state. Returns the lower bound on the issue cycle.
  int64_t stateBound(Operation *op, int64_t unit) {
    if (auto read = dyn_cast<ReadOp>(op)) {
      auto it = cells.find(cellOf(read));
      return it == cells.end() ? 0 : it->second.visibleAt;
    }
    if (auto write = dyn_cast<WriteOp>(op)) {
      // The write must land after earlier reads issued and after the
      // previous write landed, so program order of accesses is kept.
      auto it = cells.find(cellOf(write));
      if (it == cells.end())
        return 0;
      int64_t lw = target.latencyOf(Opcode::Write);
      return std::max<int64_t>({0, it->second.lastReadIssue + 1 - lw,
                                it->second.visibleAt + 1 - lw});
    }
    if (isa<InstallWeightsOp>(op))
      return planes[unit].loadsLanded;
    if (isa<MatMulOp, MatMulAccOp>(op))
      return planes[unit].arrayReady;
    return 0;
  }

  /// Fixed units: MEM ops run on their buffer's slice, MXM/NOP ops on the
  /// unit they name. VXM and SXM work goes to the queue free first.
  int64_t chooseUnit(InstructionOpInterface inst, int64_t bound) {
    Operation *op = inst.getOperation();
    if (auto buffer = getAccessedBuffer(op))
      return *buffer.getSlice();
    if (auto unit = inst.getUnitIndex())
      return *unit;
    UnitKind kind = getQueueKind(inst);
    auto &queues = unitFree[static_cast<unsigned>(kind)];
    int64_t best = 0;
    for (int64_t u = 1, e = queues.size(); u < e; ++u)
      if (std::max(bound, queues[u]) < std::max(bound, queues[best]))
        best = u;
    return best;
  }

  /// Places `inst` at the first cycle its operands, unit and state allow,
  /// aiming for its result to land at `wantReady` when it is deferred work
  /// placed for a user. Deferred operands are placed first, just in time.
  void place(InstructionOpInterface inst, int64_t wantReady) {
    Operation *op = inst.getOperation();
    deferred.remove(op);
    int64_t bound = std::max<int64_t>(0, wantReady - latency(inst));
    llvm::SmallVector<InstructionOpInterface> held;
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if (def && deferred.contains(def)) {
        held.push_back(cast<InstructionOpInterface>(def));
        continue;
      }
      if (isa<lpuc::lpu::VectorType>(operand.getType()))
        bound = std::max(bound, ready.lookup(operand));
    }
    int64_t unit = chooseUnit(inst, bound);
    UnitKind kind = getQueueKind(inst);
    bound = std::max({bound, freeCycle(kind, unit), stateBound(op, unit)});
    for (InstructionOpInterface operand : held) {
      if (deferred.contains(operand.getOperation()))
        place(operand, bound);
      bound = std::max(bound, ready.lookup(operand->getResult(0)));
    }
    // Placing operands may have used this unit (a copy reads and writes one
    // slice), so look again.
    bound = std::max(bound, freeCycle(kind, unit));
    commit(inst, bound, unit);
  }

  /// Interval colouring: a value occupies its stream from the cycle it
  /// lands until its last read.
  LogicalResult assignStreams() {
    struct Lifetime {
      int64_t start, end;
      unsigned order;
      Operation *op;
    };
    std::vector<Lifetime> lifetimes;
    unsigned order = 0;
    for (Operation &op : program.getBodyBlock()) {
      ++order;
      if (op.getNumResults() != 1 ||
          !isa<lpuc::lpu::VectorType>(op.getResult(0).getType()))
        continue;
      Value result = op.getResult(0);
      int64_t start = ready.lookup(result), end = start;
      for (Operation *user : result.getUsers())
        end =
            std::max(end, *cast<InstructionOpInterface>(user).getIssueCycle());
      lifetimes.push_back({start, end, order, &op});
    }
    llvm::sort(lifetimes, [](const Lifetime &a, const Lifetime &b) {
      return std::tie(a.start, a.order) < std::tie(b.start, b.order);
    });
    using Busy = std::pair<int64_t, int64_t>; // (end, stream)
    std::priority_queue<Busy, std::vector<Busy>, std::greater<Busy>> busy;
    std::set<int64_t> freeStreams;
    for (int64_t s = 0, e = target.numStreams(); s < e; ++s)
      freeStreams.insert(s);
    for (const Lifetime &life : lifetimes) {
      while (!busy.empty() && busy.top().first < life.start) {
        freeStreams.insert(busy.top().second);
        busy.pop();
      }
      if (freeStreams.empty())
        return life.op->emitError("more than ")
               << target.numStreams() << " values are in flight at cycle "
               << life.start << "; the schedule needs more stream registers";
      int64_t stream = *freeStreams.begin();
      freeStreams.erase(freeStreams.begin());
      busy.push({life.end, stream});
      cast<InstructionOpInterface>(life.op).setResultStream(stream);
    }
    return success();
  }

  ProgramOp program;
  const ::lpu::TargetDesc &target;
  std::vector<int64_t> unitFree[::lpu::kNumUnitKinds];
  std::vector<PlaneState> planes;
  llvm::DenseMap<Value, int64_t> ready;
  llvm::DenseMap<Cell, CellState> cells;
  llvm::SetVector<Operation *> deferred;
  int64_t totalCycles = 0;
};

struct SchedulePass : public lpuc::lpu::impl::ScheduleBase<SchedulePass> {
  void runOnOperation() override {
    ProgramOp program = getOperation();
    for (BufferOp buffer : program.getBodyBlock().getOps<BufferOp>())
      if (!buffer.isAllocated()) {
        buffer.emitError("buffer '")
            << buffer.getName()
            << "' has no SRAM address; run lpu-allocate-sram first";
        return signalPassFailure();
      }
    Scheduler scheduler(program);
    if (failed(scheduler.run()))
      return signalPassFailure();
    program.setCyclesAttr(
        Builder(&getContext()).getI64IntegerAttr(scheduler.getTotalCycles()));
  }
};

} // namespace
