//===- ScheduleProof.cpp - Proving a schedule hazard-free -----------------===//
//
// Every queue's instructions (repeats expanded) are issued in (cycle, queue)
// order. Each result is an event that lands `latency` cycles after issue;
// all events due at a cycle land before the instructions of that cycle read
// their operands.
//
// Streams are spatial: a value that lands on stream s at floorplan column x
// at cycle t is at column x+d (eastward streams) or x-d (westward) at cycle
// t+d, until a unit further along writes the same stream slot. A stream slot
// is therefore identified by its stream and its diagonal (t - x eastward,
// t + x westward); readers find the nearest writer upstream on that diagonal.
//
// No value is computed here: which result each operand reads, whether a cell
// was written, which type a weight row holds and whether a bank port is free
// follow from the instructions alone.
//
//===----------------------------------------------------------------------===//

#include "ScheduleProof.h"

#include "IssueCalendar.h"

#include "lpu/MachineRules.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <queue>
#include <set>
#include <sstream>
#include <tuple>

namespace lpu {

unsigned numStreamOperands(const Instruction &inst) {
  if (inst.opcode == Opcode::LoadWeights)
    return decodeLoad(inst.imm).rows;
  return getInstructionInfo(inst.opcode).numSources;
}

namespace {

/// One issue of one instruction, as hazard messages describe it.
struct IssueSlot {
  uint64_t cycle;
  uint32_t unit;      // index into Binary::units
  uint32_t index;     // word index within the unit's queue
  uint32_t iteration; // 0, or which extra issue of a repeat
  Instruction inst;   // with the repeat's address step applied
};

enum class LandingKind { Stream, Sram, SramIndirect, WeightRow, Install };

struct Landing {
  uint64_t cycle;
  LandingKind kind;
  uint32_t a, b; // stream | (slice, address) | (plane, row) | plane
  uint32_t step; // the writer's
};

/// Landings by cycle, each cycle's in the order they were issued. Every one
/// lands within the longest latency of its issue, and issues come in cycle
/// order, so a ring of that many cycles holds them all.
class LandingCalendar {
public:
  explicit LandingCalendar(const TargetDesc &target) {
    uint32_t longest = 1;
    for (uint32_t latency : target.latency)
      longest = std::max(longest, latency);
    size_t size = 1;
    while (size < size_t(longest) + 2)
      size *= 2;
    buckets.resize(size);
  }
  void push(const Landing &landing) {
    buckets[landing.cycle & (buckets.size() - 1)].push_back(landing);
    ++pending;
  }
  bool empty() const { return pending == 0; }
  /// Lands, through `land`, everything due by `cycle`, in order.
  template <typename Fn> void landUntil(uint64_t cycle, Fn land) {
    for (uint64_t c = next; c <= cycle && pending; ++c) {
      std::vector<Landing> &bucket = buckets[c & (buckets.size() - 1)];
      for (const Landing &landing : bucket)
        land(landing);
      pending -= bucket.size();
      bucket.clear();
    }
    next = std::max(next, cycle + 1);
  }

private:
  std::vector<std::vector<Landing>> buckets;
  size_t pending = 0;
  uint64_t next = 0; // the first cycle not landed yet
};

/// A value on a stream: who wrote it where, and whether anyone read it. A
/// vector of several planes is one value on each stream of its group.
struct StreamValue {
  int64_t column;
  uint32_t step; // the writer's
  uint64_t reads;
  DType dtype;
  uint8_t group; // the group's first stream
};

/// The values written on one stream, by diagonal. Only diagonals that pass
/// the chip at or after the current cycle can be read, fewer than the
/// floorplan's columns, so a ring of twice that many entries holds every
/// live one: an entry that holds another diagonal holds nothing for this.
class StreamRing {
public:
  explicit StreamRing(uint32_t columns) {
    size_t size = 64;
    while (size < 2 * size_t(columns))
      size *= 2;
    entries.resize(size);
  }
  std::vector<StreamValue> *find(int64_t diag) {
    Entry &e = entries[size_t(diag) & (entries.size() - 1)];
    return e.diag == diag ? &e.values : nullptr;
  }
  std::vector<StreamValue> &insert(int64_t diag) {
    Entry &e = entries[size_t(diag) & (entries.size() - 1)];
    if (e.diag != diag) {
      e.diag = diag;
      e.values.clear();
    }
    return e.values;
  }

private:
  struct Entry {
    int64_t diag = std::numeric_limits<int64_t>::min();
    std::vector<StreamValue> values; // in landing order
  };
  std::vector<Entry> entries;
};

/// The result an ALU latch holds: readable only in the cycle it lands.
struct LatchValue {
  int64_t landed = -1;
  uint32_t step = 0; // the writer's
  DType dtype = DType::None;
};

struct PlaneState {
  std::vector<DType> rowTypes;   // each buffer row's type; None: never loaded
  DType installed = DType::None; // of the last install that landed
  PlaneTimeline timeline;
};

struct BankUse {
  int64_t busyUntil = 0; // the port is free from this cycle on
  uint32_t step = 0;     // of the access holding it
};

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

class Prover {
public:
  explicit Prover(const Binary &binary, ScheduleProof &proof)
      : binary(binary), target(binary.target), proof(proof) {
    // Size each slice to the highest address the binary can touch.
    std::vector<uint64_t> extent = sramExtent(binary);
    size_t cells = 0;
    for (uint32_t s = 0; s < target.memSlices; ++s) {
      sliceStart.push_back(cells);
      cells += extent[s];
    }
    writtenAt.assign(cells, kNever);
    banks.assign(target.memSlices, std::vector<BankUse>(target.memBanks));
    for (const SramSegment &seg : binary.sram)
      std::fill_n(writtenAtCell(seg.slice, seg.address), seg.addresses, -1);
    // Every input is set before a run.
    for (const TensorBinding &b : binary.inputs)
      for (int64_t v = 0; v < b.layout.numVectors(); ++v) {
        auto [slice, address] = b.locate(v);
        std::fill_n(writtenAtCell(slice, address), b.layout.vectorAddresses,
                    -1);
      }
    streams.assign(target.numStreams(), StreamRing(target.numColumns()));
    latches.resize(target.vxmUnits);
    planes.resize(target.mxmPlanes);
    for (PlaneState &p : planes)
      p.rowTypes.assign(target.lanes, DType::None);
    SimulationStats &stats = proof.stats;
    stats.clockMHz = target.clockMHz;
    stats.sramBytesTotal = target.sramBytes();
    for (const UnitProgram &u : binary.units) {
      stats.units.push_back({u.kind, u.index, 0});
      stats.instructionWords += u.instructions.size();
    }
  }

  bool run(std::string &error);

private:
  const Binary &binary;
  const TargetDesc &target;
  ScheduleProof &proof;
  /// The cycle each cell's last write landed (-1: before the run, kNever:
  /// never), slice after slice in one array.
  LargeVector<int64_t> writtenAt;
  std::vector<size_t> sliceStart; // each slice's first cell in writtenAt
  std::vector<std::vector<BankUse>> banks; // [slice][bank]
  std::vector<StreamRing> streams;
  std::vector<LatchValue> latches; // [VXM unit]
  std::vector<PlaneState> planes;
  /// Each step's word index in its queue and issue of a repeat.
  LargeVector<std::pair<uint32_t, uint32_t>> where;
  LandingCalendar landings{target};
  std::string hazard;

  int64_t *writtenAtCell(uint32_t slice, uint32_t address) {
    return &writtenAt[sliceStart[slice] + address];
  }

  /// The floorplan column of queue `unit` (an index into Binary::units).
  int64_t columnOf(uint32_t unit) const {
    const UnitProgram &u = binary.units[unit];
    return target.unitColumn(u.kind, u.index);
  }

  std::string unitName(uint32_t u) const {
    return std::string(unitKindName(binary.units[u].kind)) + "[" +
           std::to_string(binary.units[u].index) + "]";
  }

  /// The issue `step` was, for messages.
  IssueSlot slotOf(uint32_t step) const {
    const TraceStep &s = proof.steps[step];
    return {s.cycle, s.unit, where[step].first, where[step].second, s.inst};
  }
  std::string describe(uint32_t step) const { return describe(slotOf(step)); }
  std::string describe(const IssueSlot &slot) const {
    std::ostringstream os;
    os << unitName(slot.unit) << " instruction #" << slot.index;
    if (slot.iteration)
      os << " (issue " << slot.iteration << " of the repeat)";
    os << " '" << formatInstruction(target, slot.inst) << "' issued at cycle "
       << slot.cycle;
    return os.str();
  }

  void reportHazard(uint64_t cycle, const IssueSlot &issue,
                    const std::string &what) {
    if (!hazard.empty())
      return;
    std::ostringstream os;
    os << "hazard at cycle " << cycle << ": " << describe(issue) << " " << what;
    hazard = os.str();
  }

  void schedule(uint64_t cycle, LandingKind kind, uint32_t a, uint32_t b,
                uint32_t step) {
    landings.push(Landing{cycle, kind, a, b, step});
  }

  /// The value nearest upstream of `column` on the diagonal, or nullptr.
  StreamValue *valueAt(uint8_t stream, int64_t column, int64_t diag) {
    std::vector<StreamValue> *values = streams[stream].find(diag);
    if (!values)
      return nullptr;
    StreamValue *best = nullptr;
    for (StreamValue &v : *values)
      if (streamReaches(target, stream, v.column, column) &&
          (!best || streamReaches(target, stream, best->column, v.column)))
        best = &v;
    return best;
  }

  /// Bank ports: each moves one address per cycle, so an access of several
  /// planes holds the banks it touches for memPortCycles. Accesses come in
  /// cycle order (reads at issue, writes as they land).
  void useBanks(uint32_t slice, uint32_t address, DType dtype, int64_t cycle,
                uint32_t step) {
    const uint32_t planesOf = target.planesOf(dtype);
    for (uint32_t k = 0; k < target.memBanksTouched(planesOf); ++k)
      if (!holdBank(slice, target.bankOf(address + k), planesOf, cycle, step))
        return;
  }
  /// A gather's lanes read addresses that are values: it holds every bank.
  void useAllBanks(uint32_t slice, DType dtype, int64_t cycle, uint32_t step) {
    for (uint32_t bank = 0; bank < target.memBanks; ++bank)
      if (!holdBank(slice, bank, target.planesOf(dtype), cycle, step))
        return;
  }
  bool holdBank(uint32_t slice, uint32_t bank, uint32_t planesOf, int64_t cycle,
                uint32_t step) {
    BankUse &use = banks[slice][bank];
    if (cycle < use.busyUntil) {
      reportHazard(cycle, slotOf(step),
                   "uses bank " + std::to_string(bank) + " of mem[" +
                       std::to_string(slice) + "] at cycle " +
                       std::to_string(cycle) + ", while " + describe(use.step) +
                       " holds it");
      return false;
    }
    use = {cycle + int64_t(target.memPortCycles(planesOf)), step};
    return true;
  }
  /// The first address of the table a gather reads that no write has
  /// reached, if any. A table found written stays written: each is checked
  /// once.
  std::optional<uint32_t> unwrittenGatherAddress(uint32_t slice,
                                                 const Instruction &inst) {
    const GatherFields f = decodeGather(inst.imm);
    const uint32_t planesOf = target.planesOf(inst.dtype);
    auto key = std::make_tuple(slice, inst.address, inst.imm, planesOf);
    if (writtenTables.count(key))
      return std::nullopt;
    for (uint32_t e = 0; e < f.count; ++e)
      for (uint32_t p = 0; p < planesOf; ++p) {
        const uint32_t address = inst.address + e * f.stride * planesOf + p;
        if (*writtenAtCell(slice, address) == kNever)
          return address;
      }
    writtenTables.insert(key);
    return std::nullopt;
  }
  std::set<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>> writtenTables;

  void land(const Landing &ev);
  bool source(const IssueSlot &slot, uint8_t group, DType dtype);
  void issue(const IssueSlot &slot, uint32_t step);

  /// Where one queue is: the next word, its cycle, and an unfinished repeat.
  struct QueueCursor {
    uint32_t unit = 0;
    size_t word = 0;
    uint64_t cycle = 0;
    IssueSlot last{};         // the instruction a repeat issues again
    uint32_t repeatsLeft = 0; // issues of the current repeat still to come
  };
  bool nextIssue(QueueCursor &q, IssueSlot &out);
};

} // namespace

std::vector<uint64_t> sramExtent(const Binary &binary) {
  const TargetDesc &target = binary.target;
  std::vector<uint64_t> extent(target.memSlices, 0);
  auto touch = [&](uint32_t slice, uint64_t end) {
    extent[slice] = std::max(extent[slice], end);
  };
  for (const auto *list : {&binary.inputs, &binary.outputs})
    for (const TensorBinding &b : *list)
      for (size_t i = 0; i < b.parts.size(); ++i)
        touch(b.parts[i].slice,
              b.parts[i].address + b.deal().partAddresses(b.layout, i));
  for (const SramSegment &s : binary.sram)
    touch(s.slice, s.address + s.addresses);
  for (const UnitProgram &u : binary.units) {
    if (u.kind != UnitKind::Mem)
      continue;
    uint32_t last = 0, planes = 1;
    for (const Instruction &inst : u.instructions) {
      if (getInstructionInfo(inst.opcode).usesAddress) {
        last = inst.address;
        planes = target.planesOf(inst.dtype);
        touch(u.index, uint64_t(last) + planes);
      } else if (inst.opcode == Opcode::Repeat) {
        // Issues stepping out of the slice are refused when they come up;
        // the ones before them stay inside [0, memAddresses).
        int64_t end = int64_t(last) + int64_t(inst.imm & 0xffff) *
                                          static_cast<int32_t>(inst.address);
        end = std::clamp<int64_t>(
            end, 0,
            std::max<int64_t>(0, int64_t(target.memAddresses) - planes));
        touch(u.index, uint64_t(end) + planes);
      }
    }
  }
  return extent;
}

namespace {

void Prover::land(const Landing &ev) {
  switch (ev.kind) {
  case LandingKind::Stream: {
    // The writer's issue is rebuilt (slotOf) only for a hazard's message.
    const TraceStep &writer = proof.steps[ev.step];
    const DType dtype = resultType(writer.inst);
    if (isLatchField(uint8_t(ev.a))) {
      LatchValue &latch = latches[latchAlu(uint8_t(ev.a))];
      if (latch.landed == int64_t(ev.cycle))
        reportHazard(ev.cycle, slotOf(ev.step),
                     "puts its result in the latch of " +
                         streamName(target, uint8_t(ev.a)) +
                         " in the same cycle as " + describe(latch.step));
      latch = {int64_t(ev.cycle), ev.step, dtype};
      break;
    }
    const uint8_t group = static_cast<uint8_t>(ev.a);
    const int64_t column = columnOf(writer.unit);
    for (uint8_t stream = group; stream < group + target.planesOf(dtype);
         ++stream) {
      int64_t diag = target.streamDiagonal(stream, column, ev.cycle);
      if (StreamValue *v = valueAt(stream, column, diag)) {
        if (v->column == column)
          reportHazard(ev.cycle, slotOf(ev.step),
                       "writes stream " + streamName(target, stream) +
                           " at slice " + std::to_string(column) +
                           " in the same cycle as " + describe(v->step));
        else if (v->reads == 0)
          reportHazard(
              ev.cycle, slotOf(ev.step),
              "overwrites, at slice " + std::to_string(column) +
                  ", the value on stream " + streamName(target, stream) +
                  " that nobody has read yet, written by " + describe(v->step));
      }
      streams[stream].insert(diag).push_back(
          {column, ev.step, 0, dtype, group});
    }
    ++proof.stats.streamWrites;
    break;
  }
  case LandingKind::Sram: {
    const DType dtype = proof.steps[ev.step].inst.dtype;
    useBanks(ev.a, ev.b, dtype, ev.cycle, ev.step);
    std::fill_n(writtenAtCell(ev.a, ev.b), target.planesOf(dtype),
                static_cast<int64_t>(ev.cycle));
    break;
  }
  case LandingKind::SramIndirect:
    // Which entries a scatter writes is a value: it holds every bank, and
    // marks nothing written (its table must be written otherwise first, as
    // a KV cache is, by the host).
    useAllBanks(ev.a, proof.steps[ev.step].inst.dtype, ev.cycle, ev.step);
    break;
  case LandingKind::WeightRow:
    planes[ev.a].rowTypes[ev.b] = proof.steps[ev.step].inst.dtype;
    break;
  case LandingKind::Install:
    planes[ev.a].installed = proof.steps[ev.step].inst.dtype;
    break;
  }
}

/// Finds the vector of `dtype` on the stream group starting at `group` and
/// records its producer (a value of another type of the same width is
/// reinterpreted bit for bit by the value pass).
bool Prover::source(const IssueSlot &slot, uint8_t group, DType dtype) {
  if (isLatchField(group)) {
    const LatchValue &latch = latches[latchAlu(group)];
    if (latch.landed != int64_t(slot.cycle)) {
      reportHazard(slot.cycle, slot,
                   "reads the latch of " + streamName(target, group) +
                       ", where no result lands at that cycle");
      return false;
    }
    if (target.planesOf(latch.dtype) != target.planesOf(dtype)) {
      reportHazard(slot.cycle, slot,
                   "reads a " + std::string(dtypeName(dtype)) +
                       " vector from the latch of " +
                       streamName(target, group) + ", which holds a " +
                       std::string(dtypeName(latch.dtype)) + " vector from " +
                       describe(latch.step));
      return false;
    }
    ++proof.steps[latch.step].readers;
    proof.producers.push_back(latch.step);
    return true;
  }
  int64_t column = columnOf(slot.unit);
  StreamValue *first = nullptr;
  for (uint8_t stream = group; stream < group + target.planesOf(dtype);
       ++stream) {
    StreamValue *v = valueAt(stream, column,
                             target.streamDiagonal(stream, column, slot.cycle));
    if (!v) {
      reportHazard(slot.cycle, slot,
                   "reads stream " + streamName(target, stream) + " at slice " +
                       std::to_string(column) +
                       ", where no value is passing at that cycle");
      return false;
    }
    if (v->group != group ||
        target.planesOf(v->dtype) != target.planesOf(dtype) ||
        (first && v->step != first->step)) {
      reportHazard(
          slot.cycle, slot,
          "reads a " + std::string(dtypeName(dtype)) + " vector on streams " +
              streamName(target, group) + ".." +
              streamName(target, uint8_t(group + target.planesOf(dtype) - 1)) +
              ", but stream " + streamName(target, stream) +
              " carries part of a " + std::string(dtypeName(v->dtype)) +
              " vector from " + describe(v->step));
      return false;
    }
    ++v->reads;
    first = v;
  }
  ++proof.stats.streamReads;
  ++proof.steps[first->step].readers;
  proof.producers.push_back(first->step);
  return true;
}

void Prover::issue(const IssueSlot &slot, uint32_t step) {
  const UnitProgram &unit = binary.units[slot.unit];
  const Instruction &inst = slot.inst;
  const uint64_t t = slot.cycle;
  const uint64_t done = landingCycle(target, inst.opcode, t);
  const InstructionInfo &info = getInstructionInfo(inst.opcode);
  const DType dtype = inst.dtype;
  if (info.numSources > 0 && !source(slot, inst.src0, sourceType(inst, 0)))
    return;
  if (info.numSources > 1 && !source(slot, inst.src1, sourceType(inst, 1)))
    return;
  switch (inst.opcode) {
  case Opcode::Nop:
  case Opcode::Repeat:
    return;
  case Opcode::Read:
    useBanks(unit.index, inst.address, dtype, t, step);
    for (uint32_t p = 0; p < target.planesOf(dtype); ++p)
      if (*writtenAtCell(unit.index, inst.address + p) == kNever) {
        reportHazard(t, slot,
                     "reads mem[" + std::to_string(unit.index) +
                         "]:" + std::to_string(inst.address + p) +
                         " before any write to it has landed");
        return;
      }
    break;
  case Opcode::Gather:
    useAllBanks(unit.index, dtype, t, step);
    if (std::optional<uint32_t> address =
            unwrittenGatherAddress(unit.index, inst)) {
      reportHazard(t, slot,
                   "gathers from mem[" + std::to_string(unit.index) +
                       "]:" + std::to_string(*address) +
                       " before any write to it has landed");
      return;
    }
    break;
  case Opcode::Write:
    schedule(done, LandingKind::Sram, unit.index, inst.address, step);
    return;
  case Opcode::Scatter:
    schedule(done, LandingKind::SramIndirect, unit.index, inst.address, step);
    return;
  case Opcode::LoadWeights: {
    // Row r + i arrives on the i-th stream group from src0.
    const LoadFields f = decodeLoad(inst.imm);
    const uint32_t planesPerRow = target.planesOf(dtype);
    planes[unit.index].timeline.recordLoad(done);
    schedule(done, LandingKind::WeightRow, unit.index, f.row, step);
    for (uint32_t i = 1; i < f.rows; ++i) {
      if (!source(slot, uint8_t(inst.src0 + i * planesPerRow), dtype))
        return;
      schedule(done, LandingKind::WeightRow, unit.index, f.row + i, step);
    }
    return;
  }
  case Opcode::InstallWeights: {
    PlaneState &p = planes[unit.index];
    if (p.timeline.installMeetsPendingLoad(t)) {
      reportHazard(t, slot,
                   "installs weights while a weight-buffer row load has "
                   "not landed (it lands at cycle " +
                       std::to_string(p.timeline.loadsLanded) + ")");
      return;
    }
    // The buffer holds bytes of the type its rows were loaded as.
    for (uint32_t r = 0; r < decodeInstall(inst.imm).rows; ++r)
      if (p.rowTypes[r] != DType::None && p.rowTypes[r] != dtype) {
        reportHazard(t, slot,
                     "installs " + std::string(dtypeName(dtype)) +
                         " weights from buffer row " + std::to_string(r) +
                         ", loaded as " +
                         std::string(dtypeName(p.rowTypes[r])));
        return;
      }
    p.timeline.recordInstall(t, done);
    schedule(done, LandingKind::Install, unit.index, inst.imm, step);
    return;
  }
  case Opcode::MatMul:
  case Opcode::MatMulAcc: {
    PlaneState &p = planes[unit.index];
    if (!p.timeline.hasInstalled() ||
        p.timeline.productMeetsPendingInstall(t)) {
      reportHazard(t, slot,
                   p.timeline.hasInstalled()
                       ? "streams activations while weights are installing"
                       : "streams activations before any weights were "
                         "installed");
      return;
    }
    if (p.installed != dtype) {
      reportHazard(t, slot,
                   "streams " + std::string(dtypeName(dtype)) +
                       " activations through " +
                       std::string(dtypeName(p.installed)) + " weights");
      return;
    }
    break;
  }
  default:
    break;
  }
  schedule(done, LandingKind::Stream, inst.dst, 0, step);
}

/// The next issue of `q`, or false at the end of its queue (or on a bad
/// repeat, with `hazard` set).
bool Prover::nextIssue(QueueCursor &q, IssueSlot &out) {
  const auto &words = binary.units[q.unit].instructions;
  while (q.repeatsLeft == 0 && q.word < words.size()) {
    const Instruction &inst = words[q.word];
    if (inst.opcode == Opcode::Nop) {
      q.cycle += inst.imm;
      ++q.word;
    } else if (inst.opcode == Opcode::Repeat) {
      // The loader guarantees a repeat follows a real instruction.
      q.repeatsLeft = inst.imm & 0xffff;
      break;
    } else {
      out = q.last = {q.cycle, q.unit, static_cast<uint32_t>(q.word), 0, inst};
      q.cycle += queueCycles(target, inst);
      ++q.word;
      return true;
    }
  }
  if (q.repeatsLeft == 0)
    return false;
  const Instruction &repeat = words[q.word];
  uint32_t count = repeat.imm & 0xffff, stride = repeat.imm >> 16;
  uint32_t k = count - --q.repeatsLeft;
  out = q.last;
  out.cycle = q.last.cycle + uint64_t(k) * stride;
  out.index = static_cast<uint32_t>(q.word);
  out.iteration = k;
  if (getInstructionInfo(out.inst.opcode).usesAddress) {
    int64_t address = int64_t(q.last.inst.address) +
                      int64_t(k) * static_cast<int32_t>(repeat.address);
    if (address < 0 ||
        address + target.planesOf(out.inst.dtype) > target.memAddresses) {
      hazard = unitName(q.unit) + " instruction #" + std::to_string(q.word) +
               ": repeat steps the address out of the slice (" +
               std::to_string(address) + ")";
      return false;
    }
    out.inst.address = static_cast<uint32_t>(address);
  }
  if (q.repeatsLeft == 0) {
    q.cycle = q.last.cycle + uint64_t(count) * stride +
              queueCycles(target, q.last.inst);
    ++q.word;
  }
  return true;
}

bool Prover::run(std::string &error) {
  // Merge the queues in (cycle, queue) order: each queue issues in order, so
  // a calendar of every queue's next issue is all the look-ahead needed.
  // It holds (cycle, queue) keys; each queue's cursor and next issue wait
  // beside it.
  IssueCalendar ready(binary.units.size());
  std::vector<QueueCursor> cursors(binary.units.size());
  std::vector<IssueSlot> nextSlots(binary.units.size());
  for (uint32_t u = 0; u < binary.units.size(); ++u) {
    cursors[u].unit = u;
    if (nextIssue(cursors[u], nextSlots[u]))
      ready.push(nextSlots[u].cycle, u);
  }
  size_t words = 0;
  for (const UnitProgram &u : binary.units)
    words += u.instructions.size();
  proof.steps.reserve(words);
  where.reserve(words);

  SimulationStats &stats = proof.stats;
  uint64_t lastCycle = 0;
  auto landOne = [&](const Landing &landing) { land(landing); };
  while (hazard.empty() && !ready.empty()) {
    const uint32_t unit = ready.pop().second;
    const IssueSlot slot = nextSlots[unit];
    const uint64_t cycle = slot.cycle;
    landings.landUntil(cycle, landOne);
    if (!hazard.empty())
      break;
    const uint32_t step = static_cast<uint32_t>(proof.steps.size());
    proof.steps.push_back({cycle, slot.inst, slot.unit, 0});
    where.push_back({slot.index, slot.iteration});
    issue(slot, step);
    stats.units[slot.unit].busyCycles += queueCycles(target, slot.inst);
    ++stats.instructions;
    lastCycle = std::max(lastCycle, cycle + 1);
    if (nextIssue(cursors[unit], nextSlots[unit]))
      ready.push(nextSlots[unit].cycle, unit);
  }
  for (uint64_t cycle = lastCycle; hazard.empty() && !landings.empty(); ++cycle)
    landings.landUntil(cycle, [&](const Landing &landing) {
      lastCycle = std::max<uint64_t>(lastCycle, landing.cycle);
      land(landing);
    });
  if (!hazard.empty()) {
    error = hazard;
    return false;
  }
  stats.cycles = lastCycle;
  for (int64_t at : writtenAt)
    stats.sramBytesUsed += at != kNever ? target.planeBytes() : 0;
  for (const TensorBinding &b : binary.outputs)
    for (int64_t v = 0; v < b.layout.numVectors(); ++v)
      if (auto [slice, address] = b.locate(v);
          *writtenAtCell(slice, address) == kNever) {
        error = "output '" + b.name + "' was not completely written (vector " +
                std::to_string(v) + " never stored)";
        return false;
      }
  return true;
}

} // namespace

std::shared_ptr<const ScheduleProof> proveSchedule(const Binary &binary,
                                                   std::string &error) {
  auto proof = std::make_shared<ScheduleProof>();
  Prover prover(binary, *proof);
  if (!prover.run(error))
    return nullptr;
  return proof;
}

} // namespace lpu
