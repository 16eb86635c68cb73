//===- Simulator.cpp - Cycle-accurate reference backend -------------------===//
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
//===----------------------------------------------------------------------===//

#include "lpu/Simulator.h"

#include "lpu/Elements.h"
#include "lpu/MachineRules.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <queue>
#include <sstream>

namespace lpu {

namespace {

/// The lane function of a unary float VXM instruction, in binary32.
float (*floatFunction(Opcode opcode))(float) {
  switch (opcode) {
  case Opcode::Exp:
    return [](float x) { return std::exp(x); };
  case Opcode::Log:
    return [](float x) { return std::log(x); };
  case Opcode::Tanh:
    return [](float x) { return std::tanh(x); };
  case Opcode::Sigmoid:
    return [](float x) { return 1.0f / (1.0f + std::exp(-x)); };
  case Opcode::Erf:
    return [](float x) { return std::erf(x); };
  case Opcode::Sqrt:
    return [](float x) { return std::sqrt(x); };
  case Opcode::Reciprocal:
    return [](float x) { return 1.0f / x; };
  default:
    return [](float x) { return x; };
  }
}

//===----------------------------------------------------------------------===//
// Machine state
//===----------------------------------------------------------------------===//

using Vector = std::vector<uint32_t>;
using VectorRef = std::shared_ptr<const Vector>;

/// One issue of one instruction (a repeat issues its predecessor again).
struct IssueSlot {
  uint64_t cycle;
  uint32_t unit;      // index into Binary::units
  uint32_t index;     // word index within the unit's queue
  uint32_t iteration; // 0, or which extra issue of a repeat
  Instruction inst;   // with the repeat's address step applied
};

enum class LandingKind { Stream, Sram, WeightRow, Install };

struct Landing {
  uint64_t cycle;
  uint64_t sequence;
  LandingKind kind;
  uint32_t a, b; // stream | (slice, address) | (plane, row) | (plane, iw imm)
  VectorRef data;
  IssueSlot writer;

  bool operator>(const Landing &o) const {
    return cycle != o.cycle ? cycle > o.cycle : sequence > o.sequence;
  }
};

/// A value on a stream: who wrote it where, and whether anyone read it. A
/// vector of several planes is one value on each stream of its group.
struct StreamValue {
  int64_t column;
  IssueSlot writer;
  uint64_t reads;
  VectorRef data;
  DType dtype;
  uint8_t group; // the group's first stream
};

struct PlaneState {
  Vector buffer; // lanes x lanes lane words, row-major [row][column]
  std::vector<DType> rowTypes; // each buffer row's type; None: never loaded
  // The installed array: `arrayRows` rows of lanes weights; row i meets
  // input lane window + i.
  std::vector<float> floatArray;
  std::vector<int32_t> intArray;
  uint32_t arrayRows = 0;
  uint32_t window = 0;
  DType installed = DType::None; // of the last install that landed
  PlaneTimeline timeline;
};

struct BankUse {
  int64_t busyUntil = 0; // the port is free from this cycle on
  IssueSlot user{};
};

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
} // namespace

struct Simulator::State {
  const Binary &binary;
  const TargetDesc &target;
  uint32_t lanes;
  uint32_t planeBytes;
  std::vector<std::vector<uint8_t>> sram; // [slice][address * planeBytes]
  std::vector<std::vector<int64_t>> writtenAt;
  std::vector<std::vector<BankUse>> banks; // [slice][bank]
  std::vector<bool> inputSet;
  /// Per stream: diagonal -> values written on it, in landing order.
  std::vector<std::map<int64_t, std::vector<StreamValue>>> streams;
  std::vector<PlaneState> planes;
  std::priority_queue<Landing, std::vector<Landing>, std::greater<Landing>>
      landings;
  uint64_t sequence = 0;
  bool ran = false;
  SimulationStats stats;
  std::string hazard;

  explicit State(const Binary &binary)
      : binary(binary), target(binary.target), lanes(binary.target.lanes),
        planeBytes(binary.target.planeBytes()) {
    // Size each slice to the highest address the binary can touch, so a
    // large target costs only the memory a program uses.
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
      touch(s.slice, s.address + s.data.size() / planeBytes);
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
    sram.resize(target.memSlices);
    writtenAt.resize(target.memSlices);
    banks.assign(target.memSlices, std::vector<BankUse>(target.memBanks));
    for (uint32_t s = 0; s < target.memSlices; ++s) {
      sram[s].assign(static_cast<size_t>(extent[s]) * planeBytes, 0);
      writtenAt[s].assign(extent[s], kNever);
    }
    for (const SramSegment &seg : binary.sram) {
      std::copy(seg.data.begin(), seg.data.end(),
                sram[seg.slice].begin() + size_t(seg.address) * planeBytes);
      std::fill_n(writtenAt[seg.slice].begin() + seg.address,
                  seg.data.size() / planeBytes, -1);
    }
    inputSet.assign(binary.inputs.size(), false);
    streams.resize(target.numStreams());
    planes.resize(target.mxmPlanes);
    for (PlaneState &p : planes) {
      p.buffer.assign(size_t(lanes) * lanes, 0);
      p.rowTypes.assign(lanes, DType::None);
    }
    stats.clockMHz = target.clockMHz;
    stats.sramBytesTotal = target.sramBytes();
    for (const UnitProgram &u : binary.units) {
      stats.units.push_back({u.kind, u.index, 0});
      stats.instructionWords += u.instructions.size();
    }
  }

  int64_t columnOf(const IssueSlot &slot) const {
    const UnitProgram &u = binary.units[slot.unit];
    return target.unitColumn(u.kind, u.index);
  }

  std::string describe(const IssueSlot &slot) const {
    const UnitProgram &u = binary.units[slot.unit];
    std::ostringstream os;
    os << unitKindName(u.kind) << "[" << u.index << "] instruction #"
       << slot.index;
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

  /// Element `lane` of the vector of `dtype` at `address`.
  void storeElement(uint32_t slice, uint32_t address, uint32_t lane,
                    DType dtype, const uint8_t *element) {
    storeLaneElement(target, dtype, element, lane,
                     sram[slice].data() + size_t(address) * planeBytes);
  }
  void loadElement(uint32_t slice, uint32_t address, uint32_t lane, DType dtype,
                   uint8_t *element) const {
    loadLaneElement(target, dtype,
                    sram[slice].data() + size_t(address) * planeBytes, lane,
                    element);
  }
  void storeVector(uint32_t slice, uint32_t address, DType dtype,
                   const Vector &words) {
    uint8_t element[4];
    for (uint32_t l = 0; l < lanes; ++l) {
      laneWordToHost(dtype, words[l], element);
      storeElement(slice, address, l, dtype, element);
    }
  }
  void loadVector(uint32_t slice, uint32_t address, DType dtype,
                  Vector &words) const {
    uint8_t element[4];
    words.resize(lanes);
    for (uint32_t l = 0; l < lanes; ++l) {
      loadElement(slice, address, l, dtype, element);
      words[l] = laneWordFromHost(dtype, element);
    }
  }

  void schedule(uint64_t cycle, LandingKind kind, uint32_t a, uint32_t b,
                VectorRef data, const IssueSlot &writer) {
    landings.push(
        Landing{cycle, sequence++, kind, a, b, std::move(data), writer});
  }

  /// The value nearest upstream of `column` on the diagonal, or nullptr.
  StreamValue *valueAt(uint8_t stream, int64_t column, int64_t diag) {
    auto it = streams[stream].find(diag);
    if (it == streams[stream].end())
      return nullptr;
    StreamValue *best = nullptr;
    for (StreamValue &v : it->second)
      if (streamReaches(target, stream, v.column, column) &&
          (!best || streamReaches(target, stream, best->column, v.column)))
        best = &v;
    return best;
  }

  /// Bank ports: each moves one address per cycle, so an access of several
  /// planes holds the banks it touches for memPortCycles. Accesses come in
  /// cycle order (reads at issue, writes as they land).
  void useBanks(uint32_t slice, uint32_t address, DType dtype, int64_t cycle,
                const IssueSlot &issue) {
    const uint32_t planes = target.planesOf(dtype);
    for (uint32_t k = 0; k < target.memBanksTouched(planes); ++k) {
      uint32_t bank = target.bankOf(address + k);
      BankUse &use = banks[slice][bank];
      if (cycle < use.busyUntil) {
        reportHazard(cycle, issue,
                     "uses bank " + std::to_string(bank) + " of mem[" +
                         std::to_string(slice) + "] at cycle " +
                         std::to_string(cycle) + ", while " +
                         describe(use.user) + " holds it");
        return;
      }
      use = {cycle + target.memPortCycles(planes), issue};
    }
  }

  void land(const Landing &ev) {
    switch (ev.kind) {
    case LandingKind::Stream: {
      const IssueSlot &slot = ev.writer;
      const DType dtype = resultType(slot.inst);
      const uint8_t group = static_cast<uint8_t>(ev.a);
      int64_t column = columnOf(slot);
      for (uint8_t stream = group; stream < group + target.planesOf(dtype);
           ++stream) {
        int64_t diag = target.streamDiagonal(stream, column, ev.cycle);
        if (StreamValue *v = valueAt(stream, column, diag)) {
          if (v->column == column)
            reportHazard(ev.cycle, ev.writer,
                         "writes stream " + streamName(target, stream) +
                             " at slice " + std::to_string(column) +
                             " in the same cycle as " + describe(v->writer));
          else if (v->reads == 0)
            reportHazard(ev.cycle, ev.writer,
                         "overwrites, at slice " + std::to_string(column) +
                             ", the value on stream " +
                             streamName(target, stream) +
                             " that nobody has read yet, written by " +
                             describe(v->writer));
        }
        streams[stream][diag].push_back(
            {column, ev.writer, 0, ev.data, dtype, group});
      }
      ++stats.streamWrites;
      break;
    }
    case LandingKind::Sram: {
      const DType dtype = ev.writer.inst.dtype;
      useBanks(ev.a, ev.b, dtype, ev.cycle, ev.writer);
      storeVector(ev.a, ev.b, dtype, *ev.data);
      std::fill_n(writtenAt[ev.a].begin() + ev.b, target.planesOf(dtype),
                  static_cast<int64_t>(ev.cycle));
      break;
    }
    case LandingKind::WeightRow: {
      PlaneState &p = planes[ev.a];
      std::copy(ev.data->begin(), ev.data->end(),
                p.buffer.begin() + size_t(ev.b) * lanes);
      p.rowTypes[ev.b] = ev.writer.inst.dtype;
      break;
    }
    case LandingKind::Install: {
      PlaneState &p = planes[ev.a];
      DType dtype = ev.writer.inst.dtype;
      const InstallFields f = decodeInstall(ev.b);
      p.arrayRows = target.mxmRate(dtype)->rows; // the loader checked it
      p.window = f.window;
      const size_t n = size_t(p.arrayRows) * lanes;
      // Rows (columns, transposed) past `rows` are installed as zero, so
      // padding lanes never meet stale weights. Element i of the array,
      // row i / lanes and column i % lanes, is buffer row r, lane l.
      auto source = [&](size_t i) -> std::optional<uint32_t> {
        size_t row = i / lanes, column = i % lanes;
        size_t r = f.transposed ? column : row;
        size_t l = f.transposed ? f.window + row : column;
        if (r >= f.rows || l >= lanes)
          return std::nullopt;
        return (*ev.data)[r * lanes + l];
      };
      if (dtype == DType::I8) {
        p.intArray.assign(n, 0);
        for (size_t i = 0; i < n; ++i)
          if (auto word = source(i))
            p.intArray[i] = static_cast<int8_t>(*word);
      } else {
        p.floatArray.assign(n, 0.0f);
        for (size_t i = 0; i < n; ++i)
          if (auto word = source(i))
            p.floatArray[i] =
                wordToFloat(roundFloatWord(dtype, wordToFloat(*word)));
      }
      p.installed = dtype;
      break;
    }
    }
  }

  /// Drops diagonals that have left the chip.
  void retireStreams(int64_t now) {
    int64_t lastColumn = int64_t(target.numColumns()) - 1;
    for (uint32_t s = 0; s < streams.size(); ++s) {
      auto &diags = streams[s];
      // Eastward diagonal k is at column now - k; westward at k - now.
      int64_t limit = target.isEastward(s) ? now - lastColumn : now;
      while (!diags.empty() && diags.begin()->first < limit)
        diags.erase(diags.begin());
    }
  }

  /// The vector of `dtype` on the stream group starting at `group`, as
  /// `dtype` reads it (a value of another type of the same width is
  /// reinterpreted bit for bit).
  const Vector *source(const IssueSlot &slot, uint8_t group, DType dtype,
                       Vector &scratch) {
    int64_t column = columnOf(slot);
    StreamValue *first = nullptr;
    for (uint8_t stream = group; stream < group + target.planesOf(dtype);
         ++stream) {
      StreamValue *v = valueAt(
          stream, column, target.streamDiagonal(stream, column, slot.cycle));
      if (!v) {
        reportHazard(slot.cycle, slot,
                     "reads stream " + streamName(target, stream) +
                         " at slice " + std::to_string(column) +
                         ", where no value is passing at that cycle");
        return nullptr;
      }
      if (v->group != group ||
          target.planesOf(v->dtype) != target.planesOf(dtype) ||
          (first && v->data != first->data)) {
        reportHazard(
            slot.cycle, slot,
            "reads a " + std::string(dtypeName(dtype)) + " vector on streams " +
                streamName(target, group) + ".." +
                streamName(target,
                           uint8_t(group + target.planesOf(dtype) - 1)) +
                ", but stream " + streamName(target, stream) +
                " carries part of a " + std::string(dtypeName(v->dtype)) +
                " vector from " + describe(v->writer));
        return nullptr;
      }
      ++v->reads;
      first = v;
    }
    ++stats.streamReads;
    if (first->dtype == dtype)
      return first->data.get();
    scratch.resize(lanes);
    uint8_t element[4] = {};
    for (uint32_t l = 0; l < lanes; ++l) {
      laneWordToHost(first->dtype, (*first->data)[l], element);
      scratch[l] = laneWordFromHost(dtype, element);
    }
    return &scratch;
  }

  void execute(const IssueSlot &slot) {
    const IssueSlot &issue = slot;
    const UnitProgram &unit = binary.units[slot.unit];
    const Instruction &inst = slot.inst;
    const uint64_t t = slot.cycle;
    const uint64_t done = landingCycle(target, inst.opcode, t);
    const InstructionInfo &info = getInstructionInfo(inst.opcode);
    const DType dtype = inst.dtype;
    const Vector *a = nullptr, *b = nullptr;
    Vector scratch[2];
    if (info.numSources > 0 &&
        !(a = source(issue, inst.src0, sourceType(inst, 0), scratch[0])))
      return;
    if (info.numSources > 1 &&
        !(b = source(issue, inst.src1, sourceType(inst, 1), scratch[1])))
      return;
    auto out = std::make_shared<Vector>();
    auto binaryOp = [&](auto floatFn, auto intFn) {
      out->resize(lanes);
      if (isFloatDType(dtype))
        for (uint32_t i = 0; i < lanes; ++i)
          (*out)[i] = roundFloatWord(
              dtype, floatFn(wordToFloat((*a)[i]), wordToFloat((*b)[i])));
      else
        for (uint32_t i = 0; i < lanes; ++i)
          (*out)[i] = wrapLaneWord(
              dtype, intFn(laneWordToInt((*a)[i]), laneWordToInt((*b)[i])));
    };
    switch (inst.opcode) {
    case Opcode::Nop:
    case Opcode::Repeat:
      return;
    case Opcode::Read: {
      useBanks(unit.index, inst.address, dtype, t, issue);
      for (uint32_t p = 0; p < target.planesOf(dtype); ++p)
        if (writtenAt[unit.index][inst.address + p] == kNever) {
          reportHazard(t, issue,
                       "reads mem[" + std::to_string(unit.index) +
                           "]:" + std::to_string(inst.address + p) +
                           " before any write to it has landed");
          return;
        }
      loadVector(unit.index, inst.address, dtype, *out);
      break;
    }
    case Opcode::Write:
      schedule(done, LandingKind::Sram, unit.index, inst.address,
               std::make_shared<Vector>(*a), issue);
      return;
    case Opcode::Add:
      binaryOp([](float x, float y) { return x + y; },
               [](int64_t x, int64_t y) { return x + y; });
      break;
    case Opcode::Sub:
      binaryOp([](float x, float y) { return x - y; },
               [](int64_t x, int64_t y) { return x - y; });
      break;
    case Opcode::Mul:
      binaryOp([](float x, float y) { return x * y; },
               [](int64_t x, int64_t y) { return x * y; });
      break;
    case Opcode::Max:
      binaryOp(
          [](float x, float y) { return std::isnan(x) ? x : std::max(x, y); },
          [](int64_t x, int64_t y) { return std::max(x, y); });
      break;
    case Opcode::Equal:
      binaryOp([](float x, float y) { return x == y ? 1.0f : 0.0f; },
               [](int64_t x, int64_t y) { return int64_t(x == y); });
      break;
    case Opcode::Less:
      binaryOp([](float x, float y) { return x < y ? 1.0f : 0.0f; },
               [](int64_t x, int64_t y) { return int64_t(x < y); });
      break;
    case Opcode::Greater:
      binaryOp([](float x, float y) { return x > y ? 1.0f : 0.0f; },
               [](int64_t x, int64_t y) { return int64_t(x > y); });
      break;
    case Opcode::Min:
      binaryOp(
          [](float x, float y) { return std::isnan(x) ? x : std::min(x, y); },
          [](int64_t x, int64_t y) { return std::min(x, y); });
      break;
    case Opcode::Div:
      binaryOp([](float x, float y) { return x / y; },
               [](int64_t x, int64_t) { return x; }); // float types only
      break;
    case Opcode::Pow:
      binaryOp([](float x, float y) { return std::pow(x, y); },
               [](int64_t x, int64_t) { return x; }); // float types only
      break;
    case Opcode::Abs:
      b = a;
      binaryOp([](float x, float) { return std::fabs(x); },
               [](int64_t x, int64_t) { return x < 0 ? -x : x; });
      break;
    case Opcode::Exp:
    case Opcode::Log:
    case Opcode::Tanh:
    case Opcode::Sigmoid:
    case Opcode::Erf:
    case Opcode::Sqrt:
    case Opcode::Reciprocal: {
      float (*fn)(float) = floatFunction(inst.opcode);
      b = a;
      binaryOp([fn](float x, float) { return fn(x); },
               [](int64_t x, int64_t) { return x; }); // float types only
      break;
    }
    case Opcode::Relu:
      b = a;
      binaryOp([](float x,
                  float) { return x > 0.0f ? x : (std::isnan(x) ? x : 0.0f); },
               [](int64_t x, int64_t) { return std::max<int64_t>(x, 0); });
      break;
    case Opcode::Scale: {
      float factor = wordToFloat(inst.imm);
      b = a;
      binaryOp([factor](float x, float) { return x * factor; },
               [](int64_t x, int64_t) { return x; });
      break;
    }
    case Opcode::Move:
      out->assign(a->begin(), a->end());
      break;
    case Opcode::Convert: {
      DType to = static_cast<DType>(inst.imm);
      out->resize(lanes);
      for (uint32_t i = 0; i < lanes; ++i)
        (*out)[i] = convertLaneWord(dtype, to, (*a)[i]);
      break;
    }
    case Opcode::LoadWeights: {
      // Row r + i arrives on the i-th stream group from src0.
      const LoadFields f = decodeLoad(inst.imm);
      const uint32_t planesPerRow = target.planesOf(dtype);
      planes[unit.index].timeline.recordLoad(done);
      schedule(done, LandingKind::WeightRow, unit.index, f.row,
               std::make_shared<Vector>(*a), issue);
      for (uint32_t i = 1; i < f.rows; ++i) {
        const Vector *row = source(issue, uint8_t(inst.src0 + i * planesPerRow),
                                   dtype, scratch[1]);
        if (!row)
          return;
        schedule(done, LandingKind::WeightRow, unit.index, f.row + i,
                 std::make_shared<Vector>(*row), issue);
      }
      return;
    }
    case Opcode::InstallWeights: {
      PlaneState &p = planes[unit.index];
      if (p.timeline.installMeetsPendingLoad(t)) {
        reportHazard(t, issue,
                     "installs weights while a weight-buffer row load has "
                     "not landed (it lands at cycle " +
                         std::to_string(p.timeline.loadsLanded) + ")");
        return;
      }
      // The buffer holds bytes of the type its rows were loaded as.
      for (uint32_t r = 0; r < decodeInstall(inst.imm).rows; ++r)
        if (p.rowTypes[r] != DType::None && p.rowTypes[r] != dtype) {
          reportHazard(t, issue,
                       "installs " + std::string(dtypeName(dtype)) +
                           " weights from buffer row " + std::to_string(r) +
                           ", loaded as " +
                           std::string(dtypeName(p.rowTypes[r])));
          return;
        }
      p.timeline.recordInstall(t, done);
      schedule(done, LandingKind::Install, unit.index, inst.imm,
               std::make_shared<Vector>(p.buffer), issue);
      return;
    }
    case Opcode::MatMul:
    case Opcode::MatMulAcc: {
      PlaneState &p = planes[unit.index];
      if (!p.timeline.hasInstalled() ||
          p.timeline.productMeetsPendingInstall(t)) {
        reportHazard(t, issue,
                     p.timeline.hasInstalled()
                         ? "streams activations while weights are installing"
                         : "streams activations before any weights were "
                           "installed");
        return;
      }
      if (p.installed != dtype) {
        reportHazard(t, issue,
                     "streams " + std::string(dtypeName(dtype)) +
                         " activations through " +
                         std::string(dtypeName(p.installed)) + " weights");
        return;
      }
      out->assign(lanes, 0);
      if (dtype == DType::I8) {
        std::vector<int64_t> acc(lanes, 0);
        if (b)
          for (uint32_t n = 0; n < lanes; ++n)
            acc[n] = laneWordToInt((*b)[n]);
        for (uint32_t k = 0; k < p.arrayRows && p.window + k < lanes; ++k) {
          int64_t x = static_cast<int8_t>((*a)[p.window + k]);
          if (x == 0)
            continue;
          const int32_t *row = p.intArray.data() + size_t(k) * lanes;
          for (uint32_t n = 0; n < lanes; ++n)
            acc[n] += x * row[n];
        }
        for (uint32_t n = 0; n < lanes; ++n)
          (*out)[n] = wrapLaneWord(DType::I32, acc[n]);
      } else {
        std::vector<float> acc(lanes, 0.0f);
        if (b)
          for (uint32_t n = 0; n < lanes; ++n)
            acc[n] = wordToFloat((*b)[n]);
        for (uint32_t k = 0; k < p.arrayRows && p.window + k < lanes; ++k) {
          float x = wordToFloat(
              roundFloatWord(dtype, wordToFloat((*a)[p.window + k])));
          if (x == 0.0f)
            continue;
          const float *row = p.floatArray.data() + size_t(k) * lanes;
          for (uint32_t n = 0; n < lanes; ++n)
            acc[n] += x * row[n];
        }
        for (uint32_t n = 0; n < lanes; ++n)
          (*out)[n] = floatToWord(acc[n]);
      }
      break;
    }
    case Opcode::Distribute: {
      uint32_t lane = inst.imm & 0xffff, width = inst.imm >> 16;
      out->assign(lanes, 0);
      std::fill_n(out->begin(), width, (*a)[lane]);
      break;
    }
    case Opcode::Shift: {
      int64_t shift = static_cast<int32_t>(inst.imm);
      out->assign(lanes, 0);
      for (int64_t i = 0; i < lanes; ++i) {
        int64_t from = i - shift;
        if (from >= 0 && from < lanes)
          (*out)[i] = (*a)[from];
      }
      break;
    }
    }
    schedule(done, LandingKind::Stream, inst.dst, 0, std::move(out), issue);
  }

  /// Where one queue is: the next word, its cycle, and an unfinished repeat.
  struct QueueCursor {
    uint32_t unit = 0;
    size_t word = 0;
    uint64_t cycle = 0;
    IssueSlot last{};         // the instruction a repeat issues again
    uint32_t repeatsLeft = 0; // issues of the current repeat still to come
  };

  /// The next issue of `q`, or false at the end of its queue (or on a bad
  /// repeat, with `hazard` set).
  bool nextIssue(QueueCursor &q, IssueSlot &out) {
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
        out =
            q.last = {q.cycle, q.unit, static_cast<uint32_t>(q.word), 0, inst};
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

  std::string unitName(uint32_t u) const {
    return std::string(unitKindName(binary.units[u].kind)) + "[" +
           std::to_string(binary.units[u].index) + "]";
  }
};

Simulator::Simulator(const Binary &binary)
    : state(std::make_unique<State>(binary)) {}
Simulator::~Simulator() = default;

bool Simulator::setInput(size_t index, const void *data, size_t count,
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
  const auto *bytes = static_cast<const uint8_t *>(data);
  const unsigned size = dtypeHostBytes(b.dtype);
  const TensorLayout &layout = b.layout;
  const uint8_t zero[4] = {};
  for (int64_t r = 0; r < layout.rows; ++r)
    for (int64_t j = 0; j < layout.vectorsPerRow; ++j) {
      auto [slice, address] = b.locate(r * layout.vectorsPerRow + j);
      for (uint32_t l = 0; l < s.lanes; ++l) {
        int64_t i = j * s.lanes + l;
        s.storeElement(slice, address, l, b.dtype,
                       i < layout.rowLength
                           ? bytes + (r * layout.rowLength + i) * size
                           : zero);
      }
      std::fill_n(s.writtenAt[slice].begin() + address, layout.vectorAddresses,
                  -1);
    }
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

  // Merge the queues in (cycle, queue) order: each queue issues in order, so
  // a heap of every queue's next issue is all the look-ahead needed.
  using Next = std::pair<IssueSlot, State::QueueCursor>;
  auto later = [](const Next &x, const Next &y) {
    return x.first.cycle != y.first.cycle ? x.first.cycle > y.first.cycle
                                          : x.first.unit > y.first.unit;
  };
  std::priority_queue<Next, std::vector<Next>, decltype(later)> ready(later);
  for (uint32_t u = 0; u < s.binary.units.size(); ++u) {
    State::QueueCursor cursor;
    cursor.unit = u;
    IssueSlot first;
    if (s.nextIssue(cursor, first))
      ready.push({first, cursor});
  }

  uint64_t lastCycle = 0, retiredAt = 0;
  while (s.hazard.empty() && !ready.empty()) {
    auto [slot, cursor] = ready.top();
    ready.pop();
    uint64_t cycle = slot.cycle;
    while (!s.landings.empty() && s.landings.top().cycle <= cycle) {
      s.land(s.landings.top());
      s.landings.pop();
    }
    if (cycle >= retiredAt + 64) {
      s.retireStreams(static_cast<int64_t>(cycle));
      retiredAt = cycle;
    }
    if (!s.hazard.empty())
      break;
    s.execute(slot);
    s.stats.units[slot.unit].busyCycles += queueCycles(s.target, slot.inst);
    ++s.stats.instructions;
    lastCycle = std::max(lastCycle, cycle + 1);
    IssueSlot next;
    if (s.nextIssue(cursor, next))
      ready.push({next, cursor});
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
  for (const auto &slice : s.writtenAt)
    for (int64_t at : slice)
      s.stats.sramBytesUsed += at != kNever ? s.planeBytes : 0;
  for (const TensorBinding &b : s.binary.outputs)
    for (int64_t v = 0; v < b.layout.numVectors(); ++v)
      if (auto [slice, address] = b.locate(v);
          s.writtenAt[slice][address] == kNever) {
        error = "output '" + b.name + "' was not completely written (vector " +
                std::to_string(v) + " never stored)";
        return false;
      }
  return true;
}

bool Simulator::getOutput(size_t index, void *data, size_t count,
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
  auto *bytes = static_cast<uint8_t *>(data);
  const unsigned size = dtypeHostBytes(b.dtype);
  const TensorLayout &layout = b.layout;
  for (int64_t r = 0; r < layout.rows; ++r)
    for (int64_t i = 0; i < layout.rowLength; ++i) {
      auto [slice, address] = b.locate(r * layout.vectorsPerRow + i / s.lanes);
      s.loadElement(slice, address, i % s.lanes, b.dtype,
                    bytes + (r * layout.rowLength + i) * size);
    }
  return true;
}

const SimulationStats &Simulator::getStats() const { return state->stats; }

} // namespace lpu
