//===- Simulator.cpp - Cycle-accurate reference backend -------------------===//
//
// Instructions are issued in (cycle, unit) order. Every result is an event
// that lands `latency` cycles after issue; all events due at a cycle land
// before the instructions of that cycle read their operands. Hazards are
// checked where the hardware would silently misbehave.
//
//===----------------------------------------------------------------------===//

#include "lpu/Simulator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <queue>
#include <sstream>

namespace lpu {

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct IssueSlot {
  uint64_t cycle;
  uint32_t unit;  // index into Binary::units
  uint32_t index; // instruction index within the unit's queue
};

enum class LandingKind { Stream, Sram, WeightRow, Install };

struct Landing {
  uint64_t cycle;
  uint64_t sequence;
  LandingKind kind;
  uint32_t a, b; // stream | (slice, address) | (plane, row) | (plane, rows)
  std::vector<float> data;
  IssueSlot writer;

  bool operator>(const Landing &o) const {
    return cycle != o.cycle ? cycle > o.cycle : sequence > o.sequence;
  }
};

struct StreamState {
  std::vector<float> value;
  bool valid = false;
  int64_t landCycle = -1;
  IssueSlot writer{};
};

struct PlaneState {
  std::vector<float> buffer; // lanes x lanes, row-major [row][column]
  std::vector<float> array;
  unsigned pendingLoads = 0;
  unsigned pendingInstalls = 0;
  bool installed = false;
};
} // namespace

struct Simulator::State {
  const Binary &binary;
  const TargetDesc &target;
  uint32_t lanes;
  std::vector<std::vector<float>> sram;
  std::vector<std::vector<int64_t>> writtenAt;
  std::vector<bool> inputSet;
  std::vector<StreamState> streams;
  std::vector<PlaneState> planes;
  std::priority_queue<Landing, std::vector<Landing>, std::greater<Landing>>
      landings;
  uint64_t sequence = 0;
  bool ran = false;
  SimulationStats stats;
  std::string hazard;

  explicit State(const Binary &binary)
      : binary(binary), target(binary.target), lanes(binary.target.lanes) {
    // Size each slice to the highest address the binary can touch, so a
    // large target costs only the memory a program uses.
    std::vector<uint32_t> extent(target.memSlices, 0);
    auto touch = [&](uint32_t slice, uint64_t end) {
      extent[slice] = std::max<uint32_t>(extent[slice], end);
    };
    for (const auto *list : {&binary.inputs, &binary.outputs})
      for (const TensorBinding &b : *list)
        touch(b.slice, b.address + b.layout.numVectors());
    for (const SramSegment &s : binary.sram)
      touch(s.slice, s.address + s.data.size() / lanes);
    for (const UnitProgram &u : binary.units)
      if (u.kind == UnitKind::Mem)
        for (const Instruction &inst : u.instructions)
          if (getInstructionInfo(inst.opcode).usesAddress)
            touch(u.index, inst.address + 1);
    sram.resize(target.memSlices);
    writtenAt.resize(target.memSlices);
    for (uint32_t s = 0; s < target.memSlices; ++s) {
      sram[s].assign(static_cast<size_t>(extent[s]) * lanes, 0.0f);
      writtenAt[s].assign(extent[s], kNever);
    }
    for (const SramSegment &seg : binary.sram) {
      std::copy(seg.data.begin(), seg.data.end(),
                sram[seg.slice].begin() + size_t(seg.address) * lanes);
      std::fill_n(writtenAt[seg.slice].begin() + seg.address,
                  seg.data.size() / lanes, -1);
    }
    inputSet.assign(binary.inputs.size(), false);
    streams.resize(target.numStreams());
    planes.resize(target.mxmPlanes);
    for (PlaneState &p : planes) {
      p.buffer.assign(size_t(lanes) * lanes, 0.0f);
      p.array.assign(size_t(lanes) * lanes, 0.0f);
    }
    for (const UnitProgram &u : binary.units)
      stats.units.push_back({u.kind, u.index, 0});
  }

  std::string describe(const IssueSlot &slot) const {
    const UnitProgram &u = binary.units[slot.unit];
    std::ostringstream os;
    os << unitKindName(u.kind) << "[" << u.index << "] instruction #"
       << slot.index << " ("
       << formatInstruction(target, u.instructions[slot.index]) << ")";
    return os.str();
  }

  void reportHazard(uint64_t cycle, const IssueSlot &slot,
                    const std::string &what) {
    if (!hazard.empty())
      return;
    std::ostringstream os;
    os << "hazard at cycle " << cycle << " on " << describe(slot) << ": "
       << what;
    hazard = os.str();
  }

  float *vectorAt(uint32_t slice, uint32_t address) {
    return sram[slice].data() + size_t(address) * lanes;
  }

  void schedule(uint64_t cycle, LandingKind kind, uint32_t a, uint32_t b,
                std::vector<float> data, const IssueSlot &writer) {
    landings.push(
        Landing{cycle, sequence++, kind, a, b, std::move(data), writer});
  }

  void land(const Landing &ev) {
    switch (ev.kind) {
    case LandingKind::Stream: {
      StreamState &s = streams[ev.a];
      if (s.valid && s.landCycle == static_cast<int64_t>(ev.cycle))
        reportHazard(ev.cycle, ev.writer,
                     "writes stream " + streamName(target, ev.a) +
                         " in the same cycle as " + describe(s.writer));
      s.value = ev.data;
      s.valid = true;
      s.landCycle = static_cast<int64_t>(ev.cycle);
      s.writer = ev.writer;
      break;
    }
    case LandingKind::Sram:
      std::copy(ev.data.begin(), ev.data.end(), vectorAt(ev.a, ev.b));
      writtenAt[ev.a][ev.b] = static_cast<int64_t>(ev.cycle);
      break;
    case LandingKind::WeightRow: {
      PlaneState &p = planes[ev.a];
      std::copy(ev.data.begin(), ev.data.end(),
                p.buffer.begin() + size_t(ev.b) * lanes);
      --p.pendingLoads;
      break;
    }
    case LandingKind::Install: {
      PlaneState &p = planes[ev.a];
      p.array = ev.data;
      p.installed = true;
      --p.pendingInstalls;
      break;
    }
    }
  }

  const std::vector<float> *source(uint64_t cycle, const IssueSlot &slot,
                                   uint8_t stream) {
    StreamState &s = streams[stream];
    if (!s.valid) {
      reportHazard(cycle, slot,
                   "reads stream " + streamName(target, stream) +
                       ", which nothing has written");
      return nullptr;
    }
    return &s.value;
  }

  void execute(const IssueSlot &slot) {
    const UnitProgram &unit = binary.units[slot.unit];
    const Instruction &inst = unit.instructions[slot.index];
    const uint64_t t = slot.cycle;
    const uint64_t done = t + target.latencyOf(inst.opcode);
    const InstructionInfo &info = getInstructionInfo(inst.opcode);
    const std::vector<float> *a = nullptr, *b = nullptr;
    if (info.numSources > 0 && !(a = source(t, slot, inst.src0)))
      return;
    if (info.numSources > 1 && !(b = source(t, slot, inst.src1)))
      return;
    std::vector<float> out;
    auto binary = [&](auto fn) {
      out.resize(lanes);
      for (uint32_t i = 0; i < lanes; ++i)
        out[i] = fn((*a)[i], (*b)[i]);
    };
    auto unary = [&](auto fn) {
      out.resize(lanes);
      for (uint32_t i = 0; i < lanes; ++i)
        out[i] = fn((*a)[i]);
    };
    switch (inst.opcode) {
    case Opcode::Nop:
      return;
    case Opcode::Read: {
      int64_t written = writtenAt[unit.index][inst.address];
      if (written == kNever) {
        reportHazard(t, slot,
                     "reads mem[" + std::to_string(unit.index) +
                         "]:" + std::to_string(inst.address) +
                         " before any write to it has landed");
        return;
      }
      const float *v = vectorAt(unit.index, inst.address);
      out.assign(v, v + lanes);
      break;
    }
    case Opcode::Write:
      schedule(done, LandingKind::Sram, unit.index, inst.address, *a, slot);
      return;
    case Opcode::Add:
      binary([](float x, float y) { return x + y; });
      break;
    case Opcode::Sub:
      binary([](float x, float y) { return x - y; });
      break;
    case Opcode::Mul:
      binary([](float x, float y) { return x * y; });
      break;
    case Opcode::Max:
      binary(
          [](float x, float y) { return std::isnan(x) ? x : std::max(x, y); });
      break;
    case Opcode::Relu:
      unary([](float x) { return x > 0.0f ? x : (std::isnan(x) ? x : 0.0f); });
      break;
    case Opcode::Scale: {
      float factor;
      std::memcpy(&factor, &inst.imm, 4);
      unary([factor](float x) { return x * factor; });
      break;
    }
    case Opcode::LoadWeights:
      ++planes[unit.index].pendingLoads;
      schedule(done, LandingKind::WeightRow, unit.index, inst.imm, *a, slot);
      return;
    case Opcode::InstallWeights: {
      PlaneState &p = planes[unit.index];
      if (p.pendingLoads) {
        reportHazard(t, slot,
                     "installs weights while " +
                         std::to_string(p.pendingLoads) +
                         " weight-buffer row load(s) have not landed");
        return;
      }
      // Rows past `imm` are installed as zero, so padding lanes of the
      // activations never meet stale weights.
      std::vector<float> array(size_t(lanes) * lanes, 0.0f);
      std::copy_n(p.buffer.begin(), size_t(inst.imm) * lanes, array.begin());
      ++p.pendingInstalls;
      schedule(done, LandingKind::Install, unit.index, inst.imm,
               std::move(array), slot);
      return;
    }
    case Opcode::MatMul:
    case Opcode::MatMulAcc: {
      PlaneState &p = planes[unit.index];
      if (!p.installed || p.pendingInstalls) {
        reportHazard(t, slot,
                     p.pendingInstalls
                         ? "streams activations while weights are installing"
                         : "streams activations before any weights were "
                           "installed");
        return;
      }
      if (inst.opcode == Opcode::MatMulAcc)
        out = *b;
      else
        out.assign(lanes, 0.0f);
      for (uint32_t k = 0; k < lanes; ++k) {
        float x = (*a)[k];
        if (x == 0.0f)
          continue;
        const float *row = p.array.data() + size_t(k) * lanes;
        for (uint32_t n = 0; n < lanes; ++n)
          out[n] += x * row[n];
      }
      break;
    }
    case Opcode::Distribute: {
      uint32_t lane = inst.imm & 0xffff, width = inst.imm >> 16;
      out.assign(lanes, 0.0f);
      std::fill_n(out.begin(), width, (*a)[lane]);
      break;
    }
    case Opcode::Shift: {
      int64_t shift = static_cast<int32_t>(inst.imm);
      out.assign(lanes, 0.0f);
      for (int64_t i = 0; i < lanes; ++i) {
        int64_t from = i - shift;
        if (from >= 0 && from < lanes)
          out[i] = (*a)[from];
      }
      break;
    }
    }
    schedule(done, LandingKind::Stream, inst.dst, 0, std::move(out), slot);
  }
};

Simulator::Simulator(const Binary &binary)
    : state(std::make_unique<State>(binary)) {}
Simulator::~Simulator() = default;

bool Simulator::setInput(size_t index, const float *data, size_t count,
                         std::string &error) {
  State &s = *state;
  if (index >= s.binary.inputs.size()) {
    error = "input index " + std::to_string(index) + " out of range";
    return false;
  }
  const TensorBinding &b = s.binary.inputs[index];
  if (count != static_cast<size_t>(b.layout.numElements())) {
    error = "input '" + b.name + "' needs " +
            std::to_string(b.layout.numElements()) + " elements, got " +
            std::to_string(count);
    return false;
  }
  for (int64_t r = 0; r < b.layout.rows; ++r) {
    float *dst = s.vectorAt(b.slice, b.address + r * b.layout.vectorsPerRow);
    std::fill_n(dst, b.layout.vectorsPerRow * s.lanes, 0.0f);
    std::copy_n(data + r * b.layout.rowLength, b.layout.rowLength, dst);
  }
  std::fill_n(s.writtenAt[b.slice].begin() + b.address, b.layout.numVectors(),
              -1);
  s.inputSet[index] = true;
  return true;
}

bool Simulator::run(std::string &error) {
  State &s = *state;
  if (s.ran) {
    error = "a simulator runs its program once";
    return false;
  }
  for (size_t i = 0; i < s.inputSet.size(); ++i)
    if (!s.inputSet[i]) {
      error = "input '" + s.binary.inputs[i].name + "' was not set";
      return false;
    }
  s.ran = true;

  std::vector<IssueSlot> issues;
  for (uint32_t u = 0; u < s.binary.units.size(); ++u) {
    uint64_t cycle = 0;
    const auto &insts = s.binary.units[u].instructions;
    for (uint32_t i = 0; i < insts.size(); ++i) {
      if (insts[i].opcode == Opcode::Nop) {
        cycle += insts[i].imm;
        continue;
      }
      issues.push_back({cycle, u, i});
      ++s.stats.units[u].instructions;
      ++cycle;
    }
  }
  std::sort(issues.begin(), issues.end(),
            [](const IssueSlot &x, const IssueSlot &y) {
              return x.cycle != y.cycle ? x.cycle < y.cycle : x.unit < y.unit;
            });
  s.stats.instructions = issues.size();

  uint64_t lastCycle = 0;
  for (const IssueSlot &slot : issues) {
    while (!s.landings.empty() && s.landings.top().cycle <= slot.cycle) {
      s.land(s.landings.top());
      s.landings.pop();
    }
    s.execute(slot);
    if (!s.hazard.empty())
      break;
    lastCycle = std::max(lastCycle, slot.cycle + 1);
  }
  while (s.hazard.empty() && !s.landings.empty()) {
    lastCycle = std::max(lastCycle, s.landings.top().cycle);
    s.land(s.landings.top());
    s.landings.pop();
  }
  if (!s.hazard.empty()) {
    error = s.hazard;
    return false;
  }
  s.stats.cycles = lastCycle;
  for (const TensorBinding &b : s.binary.outputs)
    for (int64_t v = 0; v < b.layout.numVectors(); ++v)
      if (s.writtenAt[b.slice][b.address + v] == kNever) {
        error = "output '" + b.name + "' was not completely written (vector " +
                std::to_string(v) + " never stored)";
        return false;
      }
  return true;
}

bool Simulator::getOutput(size_t index, float *data, size_t count,
                          std::string &error) const {
  const State &s = *state;
  if (!s.ran || !s.hazard.empty()) {
    error = "outputs are available only after a successful run";
    return false;
  }
  if (index >= s.binary.outputs.size()) {
    error = "output index " + std::to_string(index) + " out of range";
    return false;
  }
  const TensorBinding &b = s.binary.outputs[index];
  if (count != static_cast<size_t>(b.layout.numElements())) {
    error = "output '" + b.name + "' has " +
            std::to_string(b.layout.numElements()) + " elements, asked for " +
            std::to_string(count);
    return false;
  }
  for (int64_t r = 0; r < b.layout.rows; ++r)
    std::copy_n(s.sram[b.slice].data() +
                    (b.address + r * b.layout.vectorsPerRow) * size_t(s.lanes),
                b.layout.rowLength, data + r * b.layout.rowLength);
  return true;
}

const SimulationStats &Simulator::getStats() const { return state->stats; }

} // namespace lpu
