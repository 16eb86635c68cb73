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

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

namespace {
/// binary32 -> binary16 bits, round to nearest even.
uint16_t floatToHalf(float value) {
  uint32_t x = floatToWord(value);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t exp = (x >> 23) & 0xff;
  uint32_t mant = x & 0x7fffff;
  if (exp == 0xff) // Inf or NaN (keep NaN quiet)
    return sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0);
  int32_t e = int32_t(exp) - 127 + 15;
  if (e >= 31)
    return sign | 0x7c00;
  if (e <= 0) { // subnormal or zero
    if (e < -10)
      return sign;
    mant |= 0x800000;
    uint32_t shift = 14 - e;
    uint32_t half = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1)))
      ++half;
    return sign | half;
  }
  uint32_t half = (uint32_t(e) << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent, up to infinity: correct
  return sign | half;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  if (exp == 0x1f)
    return wordToFloat(sign | 0x7f800000 | (mant << 13));
  if (exp == 0) {
    float f = std::ldexp(float(mant), -24);
    return sign ? -f : f;
  }
  return wordToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

uint16_t floatToBFloat(float value) {
  uint32_t x = floatToWord(value);
  if ((x & 0x7fffffff) > 0x7f800000)
    return static_cast<uint16_t>((x >> 16) | 0x40);
  uint32_t rounding = 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

int64_t saturate(DType dtype, int64_t v) {
  int64_t lo = dtype == DType::I8 ? -128 : INT32_MIN;
  int64_t hi = dtype == DType::I8 ? 127 : INT32_MAX;
  return std::clamp(v, lo, hi);
}

/// Two's-complement wrap to the integer type, as a sign-extended lane word.
uint32_t wrapInt(DType dtype, int64_t v) {
  if (dtype == DType::I8)
    return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v)));
  return static_cast<uint32_t>(v);
}
int64_t wordToInt(uint32_t w) { return static_cast<int32_t>(w); }
} // namespace

uint32_t roundFloatWord(DType dtype, float value) {
  switch (dtype) {
  case DType::F16:
    return floatToWord(halfToFloat(floatToHalf(value)));
  case DType::BF16:
    return uint32_t(floatToBFloat(value)) << 16;
  default:
    return floatToWord(value);
  }
}

uint32_t laneWordFromHost(DType dtype, const void *element) {
  switch (dtype) {
  case DType::F32:
  case DType::I32: {
    uint32_t w;
    std::memcpy(&w, element, 4);
    return w;
  }
  case DType::F16: {
    uint16_t h;
    std::memcpy(&h, element, 2);
    return floatToWord(halfToFloat(h));
  }
  case DType::BF16: {
    uint16_t h;
    std::memcpy(&h, element, 2);
    return uint32_t(h) << 16;
  }
  case DType::I8:
    return wrapInt(DType::I8, *static_cast<const int8_t *>(element));
  case DType::None:
    break;
  }
  return 0;
}

void laneWordToHost(DType dtype, uint32_t word, void *element) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    std::memcpy(element, &word, 4);
    return;
  case DType::F16: {
    uint16_t h = floatToHalf(wordToFloat(word));
    std::memcpy(element, &h, 2);
    return;
  }
  case DType::BF16: {
    uint16_t h = floatToBFloat(wordToFloat(word));
    std::memcpy(element, &h, 2);
    return;
  }
  case DType::I8:
    *static_cast<int8_t *>(element) = static_cast<int8_t>(word);
    return;
  case DType::None:
    return;
  }
}

namespace {

uint32_t convertWord(DType from, DType to, uint32_t w) {
  if (isFloatDType(from)) {
    float f = wordToFloat(w);
    if (isFloatDType(to))
      return roundFloatWord(to, f);
    if (std::isnan(f))
      return 0;
    double r = std::nearbyint(double(f)); // ties to even (default mode)
    r = std::clamp(r, to == DType::I8 ? -128.0 : -2147483648.0,
                   to == DType::I8 ? 127.0 : 2147483647.0);
    return wrapInt(to, static_cast<int64_t>(r));
  }
  int64_t v = wordToInt(w);
  if (isFloatDType(to))
    return roundFloatWord(to, static_cast<float>(v));
  return wrapInt(to, saturate(to, v));
}

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

/// A value on a stream: who wrote it where, and whether anyone read it.
struct StreamValue {
  int64_t column;
  IssueSlot writer;
  uint64_t reads;
  VectorRef data;
};

struct PlaneState {
  Vector buffer; // lanes x lanes lane words, row-major [row][column]
  std::vector<float> floatArray;
  std::vector<int32_t> intArray;
  DType installed = DType::None; // of the last install that landed
  PlaneTimeline timeline;
};

struct BankUse {
  int64_t cycle = -1;
  IssueSlot user{};
};

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
} // namespace

struct Simulator::State {
  const Binary &binary;
  const TargetDesc &target;
  uint32_t lanes;
  std::vector<Vector> sram;
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
      : binary(binary), target(binary.target), lanes(binary.target.lanes) {
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
                b.parts[i].address + b.deal().partVectors(b.layout, i));
    for (const SramSegment &s : binary.sram)
      touch(s.slice, s.address + s.data.size() / lanes);
    for (const UnitProgram &u : binary.units) {
      if (u.kind != UnitKind::Mem)
        continue;
      uint32_t last = 0;
      for (const Instruction &inst : u.instructions) {
        if (getInstructionInfo(inst.opcode).usesAddress) {
          last = inst.address;
          touch(u.index, uint64_t(last) + 1);
        } else if (inst.opcode == Opcode::Repeat) {
          // Issues stepping out of the slice are refused when they come up;
          // the ones before them stay inside [0, memAddresses).
          int64_t end = int64_t(last) + int64_t(inst.imm & 0xffff) *
                                            static_cast<int32_t>(inst.address);
          end = std::clamp<int64_t>(end, 0, int64_t(target.memAddresses) - 1);
          touch(u.index, uint64_t(end) + 1);
        }
      }
    }
    sram.resize(target.memSlices);
    writtenAt.resize(target.memSlices);
    banks.assign(target.memSlices, std::vector<BankUse>(target.memBanks));
    for (uint32_t s = 0; s < target.memSlices; ++s) {
      sram[s].assign(static_cast<size_t>(extent[s]) * lanes, 0);
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
    for (PlaneState &p : planes)
      p.buffer.assign(size_t(lanes) * lanes, 0);
    stats.clockMHz = target.clockMHz;
    stats.sramVectorsTotal = uint64_t(target.memSlices) * target.memAddresses;
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

  uint32_t *vectorAt(uint32_t slice, uint32_t address) {
    return sram[slice].data() + size_t(address) * lanes;
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

  /// Bank ports: one access per bank per cycle.
  void useBank(uint32_t slice, uint32_t address, int64_t cycle,
               const IssueSlot &issue) {
    BankUse &use = banks[slice][target.bankOf(address)];
    if (use.cycle == cycle) {
      reportHazard(cycle, issue,
                   "uses bank " + std::to_string(target.bankOf(address)) +
                       " of mem[" + std::to_string(slice) + "] at cycle " +
                       std::to_string(cycle) + ", as does " +
                       describe(use.user));
      return;
    }
    use = {cycle, issue};
  }

  void land(const Landing &ev) {
    switch (ev.kind) {
    case LandingKind::Stream: {
      const IssueSlot &slot = ev.writer;
      uint8_t stream = static_cast<uint8_t>(ev.a);
      int64_t column = columnOf(slot);
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
      streams[stream][diag].push_back({column, ev.writer, 0, ev.data});
      ++stats.streamWrites;
      break;
    }
    case LandingKind::Sram:
      useBank(ev.a, ev.b, ev.cycle, ev.writer);
      std::copy(ev.data->begin(), ev.data->end(), vectorAt(ev.a, ev.b));
      writtenAt[ev.a][ev.b] = static_cast<int64_t>(ev.cycle);
      break;
    case LandingKind::WeightRow: {
      PlaneState &p = planes[ev.a];
      std::copy(ev.data->begin(), ev.data->end(),
                p.buffer.begin() + size_t(ev.b) * lanes);
      break;
    }
    case LandingKind::Install: {
      PlaneState &p = planes[ev.a];
      DType dtype = ev.writer.inst.dtype;
      const size_t n = size_t(lanes) * lanes, rows = size_t(ev.b) & 0xffff;
      const bool transposed = (ev.b >> 16) & 1;
      // Rows (columns, transposed) past `rows` are installed as zero, so
      // padding lanes never meet stale weights. Element i of the array is
      // buffer row r, lane l.
      auto source = [&](size_t i) -> std::optional<uint32_t> {
        size_t r = transposed ? i % lanes : i / lanes;
        size_t l = transposed ? i / lanes : i % lanes;
        if (r >= rows)
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

  const Vector *source(const IssueSlot &slot, uint8_t stream) {
    const IssueSlot &issue = slot;
    int64_t column = columnOf(slot);
    StreamValue *v = valueAt(stream, column,
                             target.streamDiagonal(stream, column, slot.cycle));
    if (!v) {
      reportHazard(slot.cycle, issue,
                   "reads stream " + streamName(target, stream) + " at slice " +
                       std::to_string(column) +
                       ", where no value is passing at that cycle");
      return nullptr;
    }
    ++v->reads;
    ++stats.streamReads;
    return v->data.get();
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
    if (info.numSources > 0 && !(a = source(issue, inst.src0)))
      return;
    if (info.numSources > 1 && !(b = source(issue, inst.src1)))
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
          (*out)[i] =
              wrapInt(dtype, intFn(wordToInt((*a)[i]), wordToInt((*b)[i])));
    };
    switch (inst.opcode) {
    case Opcode::Nop:
    case Opcode::Repeat:
      return;
    case Opcode::Read: {
      useBank(unit.index, inst.address, t, issue);
      int64_t written = writtenAt[unit.index][inst.address];
      if (written == kNever) {
        reportHazard(t, issue,
                     "reads mem[" + std::to_string(unit.index) +
                         "]:" + std::to_string(inst.address) +
                         " before any write to it has landed");
        return;
      }
      const uint32_t *v = vectorAt(unit.index, inst.address);
      out->assign(v, v + lanes);
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
        (*out)[i] = convertWord(dtype, to, (*a)[i]);
      break;
    }
    case Opcode::LoadWeights:
      planes[unit.index].timeline.recordLoad(done);
      schedule(done, LandingKind::WeightRow, unit.index, inst.imm,
               std::make_shared<Vector>(*a), issue);
      return;
    case Opcode::InstallWeights: {
      PlaneState &p = planes[unit.index];
      if (p.timeline.installMeetsPendingLoad(t)) {
        reportHazard(t, issue,
                     "installs weights while a weight-buffer row load has "
                     "not landed (it lands at cycle " +
                         std::to_string(p.timeline.loadsLanded) + ")");
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
            acc[n] = wordToInt((*b)[n]);
        for (uint32_t k = 0; k < lanes; ++k) {
          int64_t x = static_cast<int8_t>((*a)[k]);
          if (x == 0)
            continue;
          const int32_t *row = p.intArray.data() + size_t(k) * lanes;
          for (uint32_t n = 0; n < lanes; ++n)
            acc[n] += x * row[n];
        }
        for (uint32_t n = 0; n < lanes; ++n)
          (*out)[n] = wrapInt(DType::I32, acc[n]);
      } else {
        std::vector<float> acc(lanes, 0.0f);
        if (b)
          for (uint32_t n = 0; n < lanes; ++n)
            acc[n] = wordToFloat((*b)[n]);
        for (uint32_t k = 0; k < lanes; ++k) {
          float x = wordToFloat(roundFloatWord(dtype, wordToFloat((*a)[k])));
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
        ++q.cycle;
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
      if (address < 0 || address >= target.memAddresses) {
        hazard = unitName(q.unit) + " instruction #" + std::to_string(q.word) +
                 ": repeat steps the address out of the slice (" +
                 std::to_string(address) + ")";
        return false;
      }
      out.inst.address = static_cast<uint32_t>(address);
    }
    if (q.repeatsLeft == 0) {
      q.cycle = q.last.cycle + uint64_t(count) * stride + 1;
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
  for (int64_t r = 0; r < layout.rows; ++r)
    for (int64_t j = 0; j < layout.vectorsPerRow; ++j) {
      auto [slice, address] = b.locate(r * layout.vectorsPerRow + j);
      uint32_t *dst = s.vectorAt(slice, address);
      std::fill_n(dst, s.lanes, 0);
      for (int64_t i = j * s.lanes;
           i < std::min<int64_t>(layout.rowLength, (j + 1) * s.lanes); ++i)
        dst[i - j * s.lanes] = laneWordFromHost(
            b.dtype, bytes + (r * layout.rowLength + i) * size);
      s.writtenAt[slice][address] = -1;
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
    ++s.stats.units[slot.unit].busyCycles;
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
      s.stats.sramVectorsUsed += at != kNever;
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
      auto [slice, address] =
          b.locate(r * layout.vectorsPerRow + i / s.lanes);
      const uint32_t *src =
          s.sram[slice].data() + size_t(address) * s.lanes;
      laneWordToHost(b.dtype, src[i % s.lanes],
                     bytes + (r * layout.rowLength + i) * size);
    }
  return true;
}

const SimulationStats &Simulator::getStats() const { return state->stats; }

} // namespace lpu
