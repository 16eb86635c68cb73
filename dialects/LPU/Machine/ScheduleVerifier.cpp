//===- ScheduleVerifier.cpp - Check a scheduled program -------------------===//
//
// An independent check of the scheduler's output against the machine rules
// (lpu/MachineRules.h): queues issue one instruction per cycle, each MEM
// instruction runs on the slice it addresses, every operand passes its
// consumer's slice exactly at the consumer's issue cycle on a stream flowing
// the right way or, from one VXM ALU to another, in the producer's latch
// (one result per latch and cycle), no two values share a stream slot along
// their way, no SRAM
// bank port is used twice in a cycle, and every read sees the write program
// order gives it. The simulator proves the rest again at run time.
//
// Queues and bank ports are bitsets over cycles; stream slots are bucketed
// by diagonal. The check is linear in the instructions and the cycles, and a
// conflict's other instruction is looked up only when there is one.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/Scheduling.h"
#include "dialects/LPU/Machine/SramCellTable.h"

#include "llvm/ADT/BitVector.h"

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
    for (unsigned k = 0; k < ::lpu::kNumUnitKinds; ++k)
      queueBusy[k].assign(target.unitCount(static_cast<::lpu::UnitKind>(k)),
                          llvm::BitVector());
    bankBusy.assign(size_t(target.memSlices) * target.memBanks,
                    llvm::BitVector());
    cells.reset(program.numSramCells());
    written.resize(program.buffers.size());
    for (InstrId id = 0, e = program.instrs.size(); id < e; ++id)
      visit(id);
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
    checkQueue(id);
    if (inst.stream >= 0 && ::lpu::isLatchField(uint8_t(inst.stream))) {
      if (!::lpu::mayKeepInLatch(inst.queueKind, uint32_t(inst.unit),
                                 uint8_t(inst.stream)))
        violations.push_back(
            {id, "keeps its result in the latch of ALU " +
                     std::to_string(::lpu::latchAlu(uint8_t(inst.stream))) +
                     ", which is not its own VXM ALU"});
      auto [other, fresh] = latchLandings.try_emplace(
          {inst.unit, ::lpu::landingCycle(target, inst.opcode, inst.cycle)},
          id);
      if (!fresh)
        violations.push_back({id,
                              "puts its result in its ALU's latch in the "
                              "cycle another result lands there",
                              other->second});
    }
    if (inst.accessesSram()) {
      const int64_t slice = program.sramLocation(inst).first;
      if (slice != inst.unit)
        violations.push_back({id, "accesses mem[" + std::to_string(slice) +
                                      "] but is placed on mem[" +
                                      std::to_string(inst.unit) + "]"});
      const int64_t portCycles =
          target.memPortCycles(target.planesOf(inst.dtype));
      program.forEachBankHeld(inst, [&](int64_t bank) {
        checkBankPort(id, slice, bank, portCycles);
      });
      program.forEachCell(inst,
                          [&](int64_t cell) { checkProgramOrder(id, cell); });
    }
    // An `lw` names only its first row's stream group: the others follow.
    if (inst.opcode == Opcode::LoadWeights)
      for (unsigned k = 1; k < inst.numOperands(); ++k) {
        const int64_t first = program.instrs[inst.operands[0]].stream;
        const int64_t want = first + k * target.planesOf(inst.dtype);
        if (program.instrs[inst.operands[k]].stream != want)
          violations.push_back(
              {id, "loads row " + std::to_string(k) + " from stream " +
                       std::to_string(program.instrs[inst.operands[k]].stream) +
                       ", not " + std::to_string(want) +
                       " (the group after the previous row's)"});
      }
    for (unsigned k = 0; k < inst.numOperands(); ++k) {
      InstrId producerId = inst.operands[k];
      // A value read for two operands is one read of one slot.
      if (inst.repeatsOperand(k))
        continue;
      const MachineInstr &producer = program.instrs[producerId];
      int64_t from = program.column(producer);
      int64_t stream = producer.stream;
      int64_t landed =
          ::lpu::landingCycle(target, producer.opcode, producer.cycle);
      int64_t arrives = ::lpu::arrivalCycle(target, producer.opcode,
                                            producer.cycle, from, column);
      // The runtime reads as many streams as the operand's type takes.
      const ::lpu::DType read = ::lpu::sourceType(
          inst.opcode, inst.dtype, inst.opcode == Opcode::LoadWeights ? 0 : k);
      const bool chained = stream >= 0 && ::lpu::isLatchField(uint8_t(stream));
      if (chained && !::lpu::chainsInVxm(producer.queueKind, inst.queueKind)) {
        violations.push_back(
            {id, "reads an ALU latch, which only a VXM instruction can"});
        continue;
      }
      if (target.planesOf(read) != target.planesOf(producer.resultType))
        violations.push_back(
            {id, "reads a " + std::string(::lpu::dtypeName(read)) +
                     " vector as operand " + std::to_string(k) +
                     ", but its producer yields a " +
                     std::string(::lpu::dtypeName(producer.resultType)) +
                     " vector (another stream width)"});
      else if (chained) {
        if (landed != inst.cycle)
          violations.push_back(
              {id, "reads a value at cycle " + std::to_string(inst.cycle) +
                       " that lands in its ALU's latch at cycle " +
                       std::to_string(landed)});
        continue; // no stream slot
      } else if (stream % target.planesOf(producer.resultType) != 0)
        violations.push_back(
            {producerId,
             "puts a " + std::string(::lpu::dtypeName(producer.resultType)) +
                 " vector on stream " + std::to_string(stream) +
                 ", which does not start a group of " +
                 std::to_string(target.planesOf(producer.resultType)) +
                 " streams"});
      else if (!::lpu::streamReaches(target, stream, from, column))
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
      // A vector of several planes takes a slot on each stream of its group.
      for (int64_t s = stream;
           s < stream + target.planesOf(producer.resultType); ++s)
        slotUses.push_back({target.streamDiagonal(s, from, landed), int16_t(s),
                            int16_t(std::min(from, column)),
                            int16_t(std::max(from, column)), producerId});
    }
  }

  /// A read of a tensor the program computes must come after (in program
  /// order) a write of the same vector: otherwise it reads whatever the
  /// cell held, perhaps another tensor sharing the address.
  void checkWrittenBefore(InstrId id) {
    const MachineInstr &inst = program.instrs[id];
    const MachineBuffer &buffer = program.bufferOf(inst);
    const MachineInstr::VectorRange range = inst.vectorRange();
    if (inst.offset < 0 ||
        inst.offset + (range.count - 1) * range.step >= buffer.numVectors()) {
      violations.push_back({id, "accesses vector " +
                                    std::to_string(inst.offset) + " of '" +
                                    buffer.name + "', which has " +
                                    std::to_string(buffer.numVectors())});
      return;
    }
    // The host writes inputs and a state output's SRAM (its input's).
    if (buffer.kind == BufferKind::Input ||
        buffer.kind == BufferKind::Constant || buffer.stateOf >= 0)
      return;
    llvm::BitVector &vectors = written[inst.buffer];
    if (vectors.empty())
      vectors.resize(buffer.numVectors());
    if (::lpu::writesSram(inst.opcode)) { // a scatter: perhaps any entry
      for (int64_t e = 0; e < range.count; ++e)
        vectors.set(inst.offset + e * range.step);
      return;
    }
    for (int64_t e = 0; e < range.count; ++e) {
      const int64_t offset = inst.offset + e * range.step;
      if (!vectors.test(offset)) {
        violations.push_back({id, "reads vector " + std::to_string(offset) +
                                      " of '" + buffer.name +
                                      "', which nothing before it writes"});
        return;
      }
    }
  }

  /// What program order says each SRAM cell holds when: a read sees the
  /// last write before it in program order, so that write must have landed
  /// and no later write may land before the read issues.
  void checkProgramOrder(InstrId id, int64_t cell) {
    const MachineInstr &inst = program.instrs[id];
    CellState &state = cells[cell];
    if (inst.readsSram()) {
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

  /// Marks cycles [from, to) of `busy`; returns the first already marked,
  /// or -1.
  static int64_t claim(llvm::BitVector &busy, int64_t from, int64_t to) {
    if (busy.size() < size_t(to))
      busy.resize(std::max<size_t>(to, 2 * busy.size()));
    int64_t clash = busy.find_first_in(from, to);
    busy.set(from, to);
    return clash;
  }

  /// Each queue issues at most one instruction per cycle (a NOP holds it
  /// for its count).
  void checkQueue(InstrId id) {
    const MachineInstr &inst = program.instrs[id];
    const int64_t end = inst.cycle + inst.span(target);
    int64_t clash =
        claim(queueBusy[unsigned(inst.queueKind)][inst.unit], inst.cycle, end);
    if (clash < 0)
      return;
    InstrId other = findOther(id, [&](const MachineInstr &o) {
      return o.queueKind == inst.queueKind && o.unit == inst.unit &&
             o.cycle <= clash && clash < o.cycle + o.span(target);
    });
    violations.push_back({id,
                          "issues at cycle " + std::to_string(inst.cycle) +
                              " on a unit that is already busy",
                          other});
  }

  /// A bank port moves one address per cycle: an access holds the banks
  /// it touches for `cycles` cycles from its access cycle.
  void checkBankPort(InstrId id, int64_t slice, int64_t bank, int64_t cycles) {
    const MachineInstr &inst = program.instrs[id];
    const int64_t cycle = target.bankAccessCycle(inst.opcode, inst.cycle);
    const int64_t clash =
        claim(bankBusy[slice * target.memBanks + bank], cycle, cycle + cycles);
    if (clash < 0)
      return;
    InstrId other = findOther(id, [&](const MachineInstr &o) {
      if (!o.accessesSram())
        return false;
      const int64_t at = target.bankAccessCycle(o.opcode, o.cycle);
      bool touches = false;
      program.forEachBankHeld(o, [&](int64_t b) { touches |= b == bank; });
      return program.sramLocation(o).first == slice && touches && at <= clash &&
             clash < at + target.memPortCycles(target.planesOf(o.dtype));
    });
    violations.push_back({id,
                          "uses bank " + std::to_string(bank) + " of mem[" +
                              std::to_string(slice) + "] at cycle " +
                              std::to_string(clash) +
                              ", as does another access",
                          other});
  }

  /// The first instruction before `id` (checked already) that `matches`,
  /// for the note of a conflict: a linear search, made for the first few.
  InstrId findOther(InstrId id,
                    llvm::function_ref<bool(const MachineInstr &)> matches) {
    if (++conflictsLookedUp > kMaxConflictLookups)
      return kNoInstr;
    for (InstrId other = 0; other < id; ++other)
      if (matches(program.instrs[other]))
        return other;
    return kNoInstr;
  }
  static constexpr int kMaxConflictLookups = 20;

  /// A stream slot (stream, diagonal) carries one value over a column
  /// interval from its producer to its reader; intervals must not overlap.
  /// Uses are bucketed by diagonal (a counting sort), then each diagonal's
  /// few are sorted.
  void checkStreamSlots() {
    if (slotUses.empty())
      return;
    int64_t lowest = slotUses.front().diagonal, highest = lowest;
    for (const SlotUse &use : slotUses) {
      lowest = std::min(lowest, use.diagonal);
      highest = std::max(highest, use.diagonal);
    }
    std::vector<uint32_t> start(highest - lowest + 2, 0);
    for (const SlotUse &use : slotUses)
      ++start[use.diagonal - lowest + 1];
    for (size_t d = 1; d < start.size(); ++d)
      start[d] += start[d - 1];
    std::vector<SlotUse> byDiagonal(slotUses.size());
    {
      std::vector<uint32_t> next(start.begin(), start.end() - 1);
      for (const SlotUse &use : slotUses)
        byDiagonal[next[use.diagonal - lowest]++] = use;
    }
    slotUses.clear();
    slotUses.shrink_to_fit();
    for (size_t d = 0; d + 1 < start.size(); ++d) {
      auto first = byDiagonal.begin() + start[d],
           last = byDiagonal.begin() + start[d + 1];
      std::sort(first, last);
      for (auto i = first; i != last;) {
        auto end = i + 1;
        int64_t reach = i->hi;
        InstrId reacher = i->producer;
        for (; end != last && end->stream == i->stream; ++end) {
          if (end->lo <= reach && end->producer != reacher)
            violations.push_back({end->producer,
                                  "puts a value on stream " +
                                      std::to_string(end->stream) +
                                      " where another value still travels "
                                      "to its reader",
                                  reacher});
          if (end->hi > reach) {
            reach = end->hi;
            reacher = end->producer;
          }
        }
        i = end;
      }
    }
  }

  struct SlotUse {
    int64_t diagonal;
    int16_t stream, lo, hi;
    InstrId producer;
    bool operator<(const SlotUse &o) const {
      return std::tie(stream, lo, hi, producer) <
             std::tie(o.stream, o.lo, o.hi, o.producer);
    }
  };
  struct CellState {
    ::lpu::CellTimeline timeline;
    InstrId writer = kNoInstr, reader = kNoInstr;
  };

  const MachineProgram &program;
  const ::lpu::TargetDesc &target;
  std::vector<llvm::BitVector> queueBusy[::lpu::kNumUnitKinds];
  std::vector<llvm::BitVector> bankBusy; // [slice * banks + bank]
  std::vector<SlotUse> slotUses;
  /// (VXM unit, landing cycle) of each result kept in an ALU latch.
  llvm::DenseMap<std::pair<int64_t, int64_t>, InstrId> latchLandings;
  SramCellTable<CellState> cells;
  std::vector<llvm::BitVector> written; // per buffer: vectors written
  std::vector<Violation> violations;
  int conflictsLookedUp = 0;
};

} // namespace

LogicalResult lpuc::lpu::verifySchedule(const MachineProgram &program) {
  assert(program.cycles && "verifies a scheduled program");
  return Verifier(program).run();
}
