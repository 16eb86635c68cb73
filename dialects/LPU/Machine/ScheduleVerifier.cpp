//===- ScheduleVerifier.cpp - Check a scheduled program -------------------===//
//
// An independent check of the scheduler's output against the machine rules
// (lpu/MachineRules.h): queues issue one instruction per cycle, each MEM
// instruction runs on the slice it addresses, every operand passes its
// consumer's slice exactly at the consumer's issue cycle on a stream flowing
// the right way, no two values share a stream slot along their way, no SRAM
// bank port is used twice in a cycle, and every read sees the write program
// order gives it. The simulator proves the rest again at run time.
//
// Facts are gathered into flat lists and sorted, so the check costs
// O(n log n) on millions of instructions.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/Scheduling.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace lpuc::lpu;
using ::lpu::Opcode;

namespace {

/// One problem: the instruction at fault, what is wrong, and the other
/// instruction involved, if any.
struct Violation {
  InstrId at;
  std::string message;
  InstrId other = kNoInstr;
};

class Verifier {
public:
  explicit Verifier(const MachineProgram &program)
      : program(program), target(*program.target) {}

  LogicalResult run() {
    for (InstrId id = 0, e = program.instrs.size(); id < e; ++id)
      visit(id);
    checkQueues();
    checkBankPorts();
    checkStreamSlots();
    llvm::stable_sort(violations, [](const Violation &a, const Violation &b) {
      return a.at < b.at;
    });
    for (const Violation &v : violations) {
      InFlightDiagnostic diag =
          emitError(program.locationOf(program.instrs[v.at]), v.message);
      if (v.other != kNoInstr)
        diag.attachNote(program.locationOf(program.instrs[v.other]))
            << "conflicting instruction";
    }
    return success(violations.empty());
  }

private:
  void visit(InstrId id) {
    const MachineInstr &inst = program.instrs[id];
    const int64_t column = program.column(inst);
    if (inst.accessesSram())
      checkWrittenBefore(id);
    queueUses.push_back({unsigned(inst.queueKind), inst.unit, inst.cycle,
                         inst.cycle + inst.span(), id});
    if (inst.accessesSram()) {
      auto [slice, address] = program.sramLocation(inst);
      if (slice != inst.unit)
        violations.push_back({id, "accesses mem[" + std::to_string(slice) +
                                      "] but is placed on mem[" +
                                      std::to_string(inst.unit) + "]"});
      bankUses.push_back({slice, target.bankOf(address),
                          int64_t(target.bankAccessCycle(inst.opcode,
                                                         inst.cycle)),
                          id});
      checkProgramOrder(id, slice * int64_t(target.memAddresses) + address);
    }
    for (unsigned k = 0; k < inst.numOperands(); ++k) {
      InstrId producerId = inst.operands[k];
      // A value read for two operands is one read of one slot.
      if (k == 1 && producerId == inst.operands[0])
        continue;
      const MachineInstr &producer = program.instrs[producerId];
      int64_t from = program.column(producer);
      int64_t stream = producer.stream;
      int64_t landed =
          ::lpu::landingCycle(target, producer.opcode, producer.cycle);
      int64_t arrives = ::lpu::arrivalCycle(target, producer.opcode,
                                            producer.cycle, from, column);
      if (!::lpu::streamReaches(target, stream, from, column))
        violations.push_back(
            {id, "reads stream " + std::to_string(stream) + " at slice " +
                     std::to_string(column) +
                     ", upstream of where its producer writes it (slice " +
                     std::to_string(from) + ")"});
      else if (arrives != inst.cycle)
        violations.push_back(
            {id, "reads a value at cycle " + std::to_string(inst.cycle) +
                     " that passes slice " + std::to_string(column) +
                     " at cycle " + std::to_string(arrives)});
      slotUses.push_back({stream, target.streamDiagonal(stream, from, landed),
                          std::min(from, column), std::max(from, column),
                          producerId});
    }
  }

  /// A read of a tensor the program computes must come after (in program
  /// order) a write of the same vector: otherwise it reads whatever the
  /// cell held, perhaps another tensor sharing the address.
  void checkWrittenBefore(InstrId id) {
    const MachineInstr &inst = program.instrs[id];
    const MachineBuffer &buffer = program.bufferOf(inst);
    if (inst.offset < 0 || inst.offset >= buffer.numVectors()) {
      violations.push_back({id, "accesses vector " +
                                    std::to_string(inst.offset) + " of '" +
                                    buffer.name + "', which has " +
                                    std::to_string(buffer.numVectors())});
      return;
    }
    if (buffer.kind == BufferKind::Input || buffer.kind == BufferKind::Constant)
      return;
    std::pair<int32_t, int32_t> vector = {inst.buffer, inst.offset};
    if (inst.opcode == Opcode::Write)
      written.insert(vector);
    else if (!written.count(vector))
      violations.push_back({id, "reads vector " + std::to_string(inst.offset) +
                                    " of '" + buffer.name +
                                    "', which nothing before it writes"});
  }

  /// What program order says each SRAM cell holds when: a read sees the
  /// last write before it in program order, so that write must have landed
  /// and no later write may land before the read issues.
  void checkProgramOrder(InstrId id, int64_t cell) {
    const MachineInstr &inst = program.instrs[id];
    CellState &state = cells[cell];
    if (inst.opcode == Opcode::Read) {
      if (state.writer != kNoInstr &&
          inst.cycle < state.timeline.earliestRead())
        violations.push_back(
            {id,
             "reads SRAM at cycle " + std::to_string(inst.cycle) +
                 " before the write it must see lands (cycle " +
                 std::to_string(state.timeline.earliestRead()) + ")",
             state.writer});
      if (inst.cycle > state.timeline.lastReadIssue)
        state.reader = id;
      state.timeline.recordRead(inst.cycle);
      return;
    }
    int64_t landed = ::lpu::landingCycle(target, inst.opcode, inst.cycle);
    if (state.reader != kNoInstr && landed <= state.timeline.lastReadIssue)
      violations.push_back(
          {id,
           "lands in SRAM at cycle " + std::to_string(landed) +
               ", before an earlier read (in program order) at cycle " +
               std::to_string(state.timeline.lastReadIssue),
           state.reader});
    else if (state.writer != kNoInstr && landed <= state.timeline.visibleAt)
      violations.push_back(
          {id,
           "lands in SRAM at cycle " + std::to_string(landed) +
               ", not after the write before it in program order",
           state.writer});
    state.timeline.recordWrite(landed);
    state.writer = id;
  }

  /// Each queue issues at most one instruction per cycle (a NOP holds it
  /// for its count).
  void checkQueues() {
    llvm::sort(queueUses);
    for (size_t i = 0; i < queueUses.size();) {
      size_t end = i;
      InstrId holder = queueUses[i].id;
      int64_t busyUntil = queueUses[i].end;
      for (++end; end < queueUses.size() &&
                  queueUses[end].kind == queueUses[i].kind &&
                  queueUses[end].unit == queueUses[i].unit;
           ++end) {
        const QueueUse &use = queueUses[end];
        if (use.start < busyUntil) {
          InstrId first = std::min(holder, use.id);
          InstrId second = std::max(holder, use.id);
          violations.push_back({second,
                                "issues at cycle " + std::to_string(use.start) +
                                    " on a unit that is already busy",
                                first});
        }
        if (use.end > busyUntil) {
          busyUntil = use.end;
          holder = use.id;
        }
      }
      i = end;
    }
  }

  void checkBankPorts() {
    llvm::sort(bankUses);
    for (size_t i = 1; i < bankUses.size(); ++i) {
      const BankUse &a = bankUses[i - 1], &b = bankUses[i];
      if (a.slice == b.slice && a.bank == b.bank && a.cycle == b.cycle)
        violations.push_back({b.id,
                              "uses bank " + std::to_string(b.bank) +
                                  " of mem[" + std::to_string(b.slice) +
                                  "] at cycle " + std::to_string(b.cycle) +
                                  ", as does another access",
                              a.id});
    }
  }

  /// A stream slot (stream, diagonal) carries one value over a column
  /// interval from its producer to its reader; intervals must not overlap.
  void checkStreamSlots() {
    llvm::sort(slotUses);
    for (size_t i = 0; i < slotUses.size();) {
      size_t end = i + 1;
      int64_t reach = slotUses[i].hi;
      InstrId reacher = slotUses[i].producer;
      for (; end < slotUses.size() &&
             slotUses[end].stream == slotUses[i].stream &&
             slotUses[end].diagonal == slotUses[i].diagonal;
           ++end) {
        const SlotUse &use = slotUses[end];
        if (use.lo <= reach && use.producer != reacher)
          violations.push_back({use.producer,
                                "puts a value on stream " +
                                    std::to_string(use.stream) +
                                    " where another value still travels to "
                                    "its reader",
                                reacher});
        if (use.hi > reach) {
          reach = use.hi;
          reacher = use.producer;
        }
      }
      i = end;
    }
  }

  struct QueueUse {
    unsigned kind;
    int64_t unit, start, end;
    InstrId id;
    bool operator<(const QueueUse &o) const {
      return std::tie(kind, unit, start, id) <
             std::tie(o.kind, o.unit, o.start, o.id);
    }
  };
  struct BankUse {
    int64_t slice, bank, cycle;
    InstrId id;
    bool operator<(const BankUse &o) const {
      return std::tie(slice, bank, cycle, id) <
             std::tie(o.slice, o.bank, o.cycle, o.id);
    }
  };
  struct SlotUse {
    int64_t stream, diagonal, lo, hi;
    InstrId producer;
    bool operator<(const SlotUse &o) const {
      return std::tie(stream, diagonal, lo, hi, producer) <
             std::tie(o.stream, o.diagonal, o.lo, o.hi, o.producer);
    }
  };
  struct CellState {
    ::lpu::CellTimeline timeline;
    InstrId writer = kNoInstr, reader = kNoInstr;
  };

  const MachineProgram &program;
  const ::lpu::TargetDesc &target;
  std::vector<QueueUse> queueUses;
  std::vector<BankUse> bankUses;
  std::vector<SlotUse> slotUses;
  llvm::DenseMap<int64_t, CellState> cells;
  llvm::DenseSet<std::pair<int32_t, int32_t>> written; // (buffer, vector)
  std::vector<Violation> violations;
};

} // namespace

LogicalResult lpuc::lpu::verifySchedule(const MachineProgram &program) {
  assert(program.cycles && "verifies a scheduled program");
  return Verifier(program).run();
}
