//===- Simulator.cpp - Cycle-accurate reference backend -------------------===//
//
// The value pass. The schedule is proven first (ScheduleProof.cpp), which
// fixes the order of every issue and which result each stream operand reads;
// this pass computes the values along that order. Results live in a pool of
// vector slots, each freed when its last reader has run, so nothing is
// allocated per instruction. Effects that land later than they issue (SRAM
// writes, weight-row loads, installs) wait in queues and land, in issue
// order, before the first issue of their landing cycle: as on the chip, an
// instruction sees every effect that landed by its cycle.
//
//===----------------------------------------------------------------------===//

#include "lpu/Simulator.h"

#include "Products.h"
#include "ScheduleProof.h"
#include "lpu/Elements.h"
#include "lpu/HostType.h"
#include "lpu/LargeArray.h"
#include "lpu/MachineRules.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

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

constexpr uint32_t kNoSlot = std::numeric_limits<uint32_t>::max();

/// A queue of effects in landing order, reusing its storage.
template <typename T> class LandingQueue {
public:
  bool due(uint64_t cycle) const {
    return head < items.size() && items[head].cycle <= cycle;
  }
  const T &front() const { return items[head]; }
  void pop() {
    if (++head == items.size()) {
      items.clear();
      head = 0;
    }
  }
  void push(const T &item) { items.push_back(item); }
  /// Pushes an item that may land before items pushed earlier (a scatter
  /// and a write of other latencies), keeping landing order.
  void insert(const T &item) {
    size_t at = items.size();
    while (at > head && items[at - 1].cycle > item.cycle)
      --at;
    items.insert(items.begin() + at, item);
  }

private:
  std::vector<T> items;
  size_t head = 0;
};

struct PendingWrite {
  uint64_t cycle;
  uint32_t slice, address;
  DType dtype;
  uint32_t slot;
  /// A scatter's: its indices' slot and its table (GatherFields); kNoSlot
  /// for a write.
  uint32_t indexSlot;
  uint32_t table = 0;
};

struct PendingRow {
  uint64_t cycle;
  uint32_t plane, row;
  uint32_t slot;
};

struct PendingInstall {
  uint64_t cycle;
  uint32_t plane;
  uint32_t array; // index into PlaneValues::arrays
};

/// A product waiting in its plane's batch, with the slots of its operands
/// (b: kNoSlot for none) and of its result.
struct BatchedProduct {
  uint32_t a, b, out;
};

struct PlaneValues {
  std::vector<uint32_t> buffer; // lanes x lanes lane words [row][column]
  /// Arrays: the active one and those installing; reused.
  std::vector<InstalledArray> arrays;
  uint32_t active = kNoSlot;
  std::vector<uint32_t> spare; // arrays free for the next install
  /// Products through the active array not computed yet, in issue order,
  /// none reading another's result; and the planes whose batches hold
  /// operands of these (bit q: plane q), to be computed first.
  std::vector<BatchedProduct> batch;
  uint64_t dependsOn = 0;
};

/// Products batched per plane at most: enough that an array row is reused
/// while it is in cache, few enough that their sums stay there too.
constexpr uint32_t kMaxBatch = ProductScratch::kMaxProducts;

} // namespace

struct Simulator::State {
  const Binary &binary;
  const TargetDesc &target;
  const uint32_t lanes;
  const uint32_t planeBytes;
  /// Every slice's cells, in one array.
  ZeroedBytes sram{0};
  std::vector<size_t> sliceOffset; // bytes before each slice's cells
  std::vector<bool> inputSet;
  bool ran = false;
  std::shared_ptr<const ScheduleProof> proof;
  /// The first fault of the run (a gather index outside its table); the
  /// run stops there.
  std::string fault;

  // Results: slot s holds lanes words at words[s * lanes]; refs[s] counts
  // the reads still to come.
  std::vector<uint32_t> words;
  std::vector<uint32_t> gatherScratch;
  std::vector<uint32_t> refs;
  std::vector<uint32_t> freeSlots;
  LargeVector<uint32_t> stepSlot;

  LandingQueue<PendingWrite> writes;
  LandingQueue<PendingRow> rows;
  LandingQueue<PendingInstall> installs;
  std::vector<PlaneValues> planes;
  std::vector<uint32_t> converted[2];
  std::vector<uint32_t> installRow; // one array row as it is converted
  /// Per slot, the plane whose batch will compute it, or kNoSlot.
  std::vector<uint32_t> slotPlane;
  ProductScratch productScratch;
  std::vector<Product> products;
  /// Whether products wait in batches (the planes fit a dependence mask).
  const bool batching;

  /// A run's state, in fresh SRAM or in `reused`, the SRAM a run of the
  /// same binary left.
  explicit State(const Binary &binary, ZeroedBytes reused = ZeroedBytes(0))
      : binary(binary), target(binary.target), lanes(binary.target.lanes),
        planeBytes(binary.target.planeBytes()),
        productScratch(binary.target.lanes, kMaxBatch),
        batching(binary.target.mxmPlanes <= 64) {
    // Size each slice to the highest address the binary can touch, so a
    // large target costs only the memory a program uses.
    std::vector<uint64_t> extent = sramExtent(binary);
    size_t bytes = 0;
    for (uint32_t s = 0; s < target.memSlices; ++s) {
      sliceOffset.push_back(bytes);
      bytes += static_cast<size_t>(extent[s]) * planeBytes;
    }
    sram = reused.size() == bytes ? std::move(reused) : ZeroedBytes(bytes);
    for (const SramSegment &seg : binary.sram)
      std::copy_n(binary.segmentBytes(seg), binary.segmentSize(seg),
                  cell(seg.slice, seg.address));
    // A state starts as zeros (SRAM's); each run leaves its next value.
    inputSet.assign(binary.inputs.size(), false);
    for (const TensorBinding &out : binary.outputs)
      if (out.stateOf >= 0)
        inputSet[out.stateOf] = true;
    planes.resize(target.mxmPlanes);
    for (PlaneValues &p : planes)
      p.buffer.assign(size_t(lanes) * lanes, 0);
    for (auto &c : converted)
      c.resize(lanes);
    installRow.resize(lanes);
  }

  size_t cellOffset(uint32_t slice, uint32_t address) const {
    return sliceOffset[slice] + size_t(address) * planeBytes;
  }
  uint8_t *cell(uint32_t slice, uint32_t address) {
    return sram.data() + cellOffset(slice, address);
  }
  const uint8_t *cell(uint32_t slice, uint32_t address) const {
    return sram.data() + cellOffset(slice, address);
  }

  uint32_t allocate(uint32_t readers) {
    if (freeSlots.empty()) {
      const uint32_t slot = refs.size();
      refs.push_back(readers);
      slotPlane.push_back(kNoSlot);
      words.resize(words.size() + lanes);
      return slot;
    }
    uint32_t slot = freeSlots.back();
    freeSlots.pop_back();
    refs[slot] = readers;
    return slot;
  }
  uint32_t *slotWords(uint32_t slot) {
    return words.data() + size_t(slot) * lanes;
  }
  void release(uint32_t slot) {
    if (--refs[slot] == 0)
      freeSlots.push_back(slot);
  }

  /// Operand `k` of `step` as `dtype` reads it: the producer's words, or
  /// their bits as that type when the producer's type differs. Valid until
  /// the next allocate().
  const uint32_t *operand(uint32_t producer, DType dtype, unsigned k) {
    ensureComputed(stepSlot[producer]);
    const uint32_t *data = slotWords(stepSlot[producer]);
    const DType written = resultType(proof->steps[producer].inst);
    if (written == dtype)
      return data;
    uint32_t *out = converted[k].data();
    for (uint32_t l = 0; l < lanes; ++l) {
      uint8_t element[4] = {};
      laneWordToHost(written, data[l], element);
      out[l] = laneWordFromHost(dtype, element);
    }
    return out;
  }

  void landUntil(uint64_t cycle) {
    while (writes.due(cycle)) {
      const PendingWrite &w = writes.front();
      ensureComputed(w.slot);
      if (w.indexSlot == kNoSlot)
        storeVectorWords(target, w.dtype, slotWords(w.slot),
                         cell(w.slice, w.address));
      else
        scatter(w);
      release(w.slot);
      writes.pop();
    }
    while (rows.due(cycle)) {
      const PendingRow &r = rows.front();
      ensureComputed(r.slot);
      std::copy_n(slotWords(r.slot), lanes,
                  planes[r.plane].buffer.begin() + size_t(r.row) * lanes);
      release(r.slot);
      rows.pop();
    }
    while (installs.due(cycle)) {
      const PendingInstall &i = installs.front();
      PlaneValues &p = planes[i.plane];
      computeBatch(i.plane); // with the weights it was issued for
      if (p.active != kNoSlot)
        p.spare.push_back(p.active);
      p.active = i.array;
      installs.pop();
    }
  }

  void install(uint32_t plane, const Instruction &inst, uint64_t lands);
  void ensureComputed(uint32_t slot) {
    if (slotPlane[slot] != kNoSlot)
      computeBatch(slotPlane[slot]);
  }
  void computeBatch(uint32_t plane);
  /// Planes whose batches `plane`'s batch waits for, directly or not.
  uint64_t batchesBefore(uint32_t plane) const {
    uint64_t all = planes[plane].dependsOn, before;
    do {
      before = all;
      for (uint32_t q = 0; q < planes.size(); ++q)
        if (before >> q & 1)
          all |= planes[q].dependsOn;
    } while (all != before);
    return all;
  }
  bool readsAsWritten(const Instruction &inst, const uint32_t *producers) {
    const unsigned sources = getInstructionInfo(inst.opcode).numSources;
    for (unsigned k = 0; k < sources; ++k)
      if (resultType(proof->steps[producers[k]].inst) != sourceType(inst, k))
        return false;
    return true;
  }
  void multiplyLater(uint32_t plane, uint32_t a, uint32_t b, uint32_t out);
  void gather(const TraceStep &step, const uint32_t *indices, uint32_t *out);
  /// Whether a gather or scatter's `indices` fault (set `fault` if so).
  bool indicesFault(const TraceStep &step, const uint32_t *indices);
  void scatter(const PendingWrite &w);
  void execute(uint32_t step, const uint32_t *producers);
  void run();
};

/// Copies the buffer into an array, as the install's immediate says, when it
/// issues; the array multiplies from its landing on.
void Simulator::State::install(uint32_t plane, const Instruction &inst,
                               uint64_t lands) {
  PlaneValues &p = planes[plane];
  uint32_t index;
  if (p.spare.empty()) {
    index = p.arrays.size();
    p.arrays.emplace_back();
  } else {
    index = p.spare.back();
    p.spare.pop_back();
  }
  InstalledArray &array = p.arrays[index];
  const DType dtype = inst.dtype;
  const InstallFields f = decodeInstall(inst.imm);
  array.dtype = dtype;
  array.rows = target.mxmRate(dtype)->rows; // the loader checked it
  array.window = f.window;
  array.columns = 0;
  array.floats.assign(size_t(array.rows) * lanes, 0.0f);
  // Rows (columns, transposed) past `rows` are installed as zero, so padding
  // lanes never meet stale weights. Array row i is buffer row i, or, when
  // transposed, lane window + i of every buffer row.
  uint32_t *row = installRow.data();
  for (uint32_t i = 0; i < array.rows; ++i) {
    const bool transposed = f.transposed;
    if (transposed ? f.window + i >= lanes : i >= f.rows)
      break;
    const uint32_t width = transposed ? std::min(f.rows, lanes) : lanes;
    if (transposed)
      for (uint32_t c = 0; c < width; ++c)
        row[c] = p.buffer[size_t(c) * lanes + f.window + i];
    else
      std::copy_n(p.buffer.data() + size_t(i) * lanes, width, row);
    // i8 weights as floats; float ones rounded to the type, any but +0
    // (-0 included) widening the columns products compute.
    if (dtype == DType::I8)
      for (uint32_t c = 0; c < width; ++c)
        row[c] = floatToWord(static_cast<int8_t>(row[c]));
    else
      roundFloatWords(dtype, row, row, width);
    uint32_t columns = width;
    while (columns > 0 && row[columns - 1] == 0)
      --columns;
    std::memcpy(array.floats.data() + size_t(i) * lanes, row,
                sizeof(uint32_t) * width);
    array.columns = std::max(array.columns, columns);
  }
  installs.push({lands, plane, index});
}

/// Computes the products waiting on `plane`, after those they read.
void Simulator::State::computeBatch(uint32_t plane) {
  PlaneValues &p = planes[plane];
  if (p.batch.empty())
    return;
  uint64_t dependsOn = p.dependsOn;
  p.dependsOn = 0;
  for (uint32_t q = 0; dependsOn; ++q, dependsOn >>= 1)
    if (dependsOn & 1)
      computeBatch(q);
  products.clear();
  for (const BatchedProduct &item : p.batch)
    products.push_back({slotWords(item.a),
                        item.b == kNoSlot ? nullptr : slotWords(item.b),
                        slotWords(item.out)});
  const InstalledArray &array = p.arrays[p.active];
  multiply(array, array.dtype, lanes, products.data(), products.size(),
           productScratch);
  for (const BatchedProduct &item : p.batch) {
    slotPlane[item.out] = kNoSlot;
    release(item.a);
    if (item.b != kNoSlot)
      release(item.b);
  }
  p.batch.clear();
  for (PlaneValues &other : planes)
    other.dependsOn &= ~(uint64_t(1) << plane);
}

/// Queues a product on `plane`'s batch. An operand another plane's batch
/// will compute makes this batch depend on that one, unless that one
/// already depends on this (then it is computed now); an operand of this
/// batch is computed now, so that a batch's products never read each other.
void Simulator::State::multiplyLater(uint32_t plane, uint32_t a, uint32_t b,
                                     uint32_t out) {
  PlaneValues &p = planes[plane];
  for (uint32_t operand : {a, b}) {
    if (operand == kNoSlot || slotPlane[operand] == kNoSlot)
      continue;
    const uint32_t q = slotPlane[operand];
    if (q == plane || (batchesBefore(q) >> plane & 1) || !batching)
      computeBatch(q);
    else
      p.dependsOn |= uint64_t(1) << q | planes[q].dependsOn;
  }
  p.batch.push_back({a, b, out});
  slotPlane[out] = plane;
  if (!batching || p.batch.size() == kMaxBatch)
    computeBatch(plane);
}

bool Simulator::State::indicesFault(const TraceStep &step,
                                    const uint32_t *indices) {
  const Instruction &inst = step.inst;
  const GatherFields f = decodeGather(inst.imm);
  for (uint32_t l = 0; l < lanes; ++l) {
    const int64_t index = static_cast<int32_t>(indices[l]);
    if ((index < 0 && f.faultBelow) ||
        (index >= int64_t(f.count) && f.faultAbove)) {
      if (fault.empty())
        fault =
            "fault at cycle " + std::to_string(step.cycle) + ": mem[" +
            std::to_string(binary.units[step.unit].index) + "] '" +
            formatInstruction(target, inst) + "': lane " + std::to_string(l) +
            (inst.opcode == Opcode::Gather ? " gathers entry "
                                           : " scatters to entry ") +
            std::to_string(index) + " of a table of " + std::to_string(f.count);
      return true;
    }
  }
  return false;
}

/// Lane l of the table entry lane l's index names; lanes reading one entry
/// (an embedding lookup's broadcast id) load it once.
void Simulator::State::gather(const TraceStep &step, const uint32_t *indices,
                              uint32_t *out) {
  const Instruction &inst = step.inst;
  const uint32_t slice = binary.units[step.unit].index;
  const GatherFields f = decodeGather(inst.imm);
  const uint32_t planesOf = target.planesOf(inst.dtype);
  std::vector<uint32_t> &entry = gatherScratch;
  entry.resize(lanes);
  int64_t loaded = -1;
  if (indicesFault(step, indices))
    return;
  for (uint32_t l = 0; l < lanes; ++l) {
    const int64_t index = static_cast<int32_t>(indices[l]);
    if (index < 0 || index >= int64_t(f.count)) {
      out[l] = 0;
      continue;
    }
    if (index != loaded) {
      loadVectorWords(
          target, inst.dtype,
          cell(slice, inst.address + uint32_t(index) * f.stride * planesOf),
          entry.data());
      loaded = index;
    }
    out[l] = entry[l];
  }
}

/// Lane l of the value into lane l of the table entry lane l's index
/// names; indices outside the table write nothing.
void Simulator::State::scatter(const PendingWrite &w) {
  ensureComputed(w.indexSlot);
  const uint32_t *value = slotWords(w.slot);
  const uint32_t *indices = slotWords(w.indexSlot);
  const GatherFields f = decodeGather(w.table);
  const uint32_t planesOf = target.planesOf(w.dtype);
  for (uint32_t l = 0; l < lanes; ++l) {
    const int64_t index = static_cast<int32_t>(indices[l]);
    if (index < 0 || index >= int64_t(f.count))
      continue;
    uint8_t element[4] = {};
    laneWordToHost(w.dtype, value[l], element);
    storeLaneElement(
        target, w.dtype, element, l,
        cell(w.slice, w.address + uint32_t(index) * f.stride * planesOf));
  }
  release(w.indexSlot);
}

void Simulator::State::execute(uint32_t step, const uint32_t *producers) {
  const TraceStep &s = proof->steps[step];
  const Instruction &inst = s.inst;
  const UnitProgram &unit = binary.units[s.unit];
  const uint64_t done = landingCycle(target, inst.opcode, s.cycle);
  const DType dtype = inst.dtype;
  switch (inst.opcode) {
  case Opcode::Write:
    // The operand's slot stays until the write lands.
    writes.push({done, unit.index, inst.address, dtype, stepSlot[producers[0]],
                 kNoSlot});
    return;
  case Opcode::Scatter:
    // Faults are found now; the value and indices land together.
    ensureComputed(stepSlot[producers[1]]);
    if (indicesFault(s, slotWords(stepSlot[producers[1]])))
      return;
    writes.insert({done, unit.index, inst.address, dtype,
                   stepSlot[producers[0]], stepSlot[producers[1]], inst.imm});
    return;
  case Opcode::LoadWeights: {
    const LoadFields f = decodeLoad(inst.imm);
    for (uint32_t i = 0; i < f.rows; ++i)
      rows.push({done, unit.index, f.row + i, stepSlot[producers[i]]});
    return;
  }
  case Opcode::InstallWeights:
    install(unit.index, inst, done);
    return;
  default:
    break;
  }
  const InstructionInfo &info = getInstructionInfo(inst.opcode);
  if (!info.hasResult || s.readers == 0) {
    // Nobody reads the result: it changes nothing.
    for (unsigned k = 0; k < info.numSources; ++k)
      release(stepSlot[producers[k]]);
    return;
  }
  const uint32_t slot = allocate(s.readers);
  stepSlot[step] = slot;
  // The proof checked that an array of this type has landed. A product
  // whose operands were written in the types it reads them in waits in its
  // plane's batch; one that reinterprets an operand is computed now.
  if ((inst.opcode == Opcode::MatMul || inst.opcode == Opcode::MatMulAcc) &&
      readsAsWritten(inst, producers)) {
    multiplyLater(unit.index, stepSlot[producers[0]],
                  info.numSources > 1 ? stepSlot[producers[1]] : kNoSlot, slot);
    return;
  }
  const uint32_t *a = nullptr, *b = nullptr;
  if (info.numSources > 0)
    a = operand(producers[0], sourceType(inst, 0), 0);
  if (info.numSources > 1)
    b = operand(producers[1], sourceType(inst, 1), 1);
  uint32_t *out = slotWords(slot);
  auto binaryOp = [&](auto floatFn, auto intFn) {
    if (isFloatDType(dtype)) {
      for (uint32_t i = 0; i < lanes; ++i)
        out[i] = floatToWord(floatFn(wordToFloat(a[i]), wordToFloat(b[i])));
      roundFloatWords(dtype, out, out, lanes);
    } else
      for (uint32_t i = 0; i < lanes; ++i)
        out[i] = wrapLaneWord(dtype,
                              intFn(laneWordToInt(a[i]), laneWordToInt(b[i])));
  };
  switch (inst.opcode) {
  case Opcode::Read:
    loadVectorWords(target, dtype, cell(unit.index, inst.address), out);
    break;
  case Opcode::Gather:
    gather(s, a, out);
    break;
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
             [](int64_t x, int64_t y) { return y ? x / y : int64_t(-1); });
    break;
  case Opcode::Mod:
    if (inst.imm) // truncated: the dividend's sign
      binaryOp([](float x, float y) { return std::fmod(x, y); },
               [](int64_t x, int64_t y) { return y ? x % y : x; });
    else // floored: the divisor's sign
      binaryOp(
          [](float x, float y) { return flooredRemainder(std::fmod(x, y), y); },
          [](int64_t x, int64_t y) {
            return y ? flooredRemainder(x % y, y) : x;
          });
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
  case Opcode::DivScalar: {
    float divisor = wordToFloat(inst.imm);
    b = a;
    binaryOp([divisor](float x, float) { return x / divisor; },
             [](int64_t x, int64_t) { return x; }); // float types only
    break;
  }
  case Opcode::Move:
    std::copy_n(a, lanes, out);
    break;
  case Opcode::Convert: {
    convertLaneWords(dtype, convertResultType(inst.imm), a, out, lanes,
                     inst.imm & kConvertTowardZero);
    break;
  }
  case Opcode::MatMul:
  case Opcode::MatMulAcc: {
    const PlaneValues &p = planes[unit.index];
    const Product product{a, b, out};
    multiply(p.arrays[p.active], dtype, lanes, &product, 1, productScratch);
    break;
  }
  case Opcode::Distribute: {
    uint32_t lane = inst.imm & 0xffff, width = inst.imm >> 16;
    std::fill_n(out, lanes, 0);
    std::fill_n(out, width, a[lane]);
    break;
  }
  case Opcode::Shift: {
    int64_t shift = static_cast<int32_t>(inst.imm);
    for (int64_t i = 0; i < lanes; ++i) {
      int64_t from = i - shift;
      out[i] = from >= 0 && from < lanes ? a[from] : 0;
    }
    break;
  }
  default:
    break;
  }
  for (unsigned k = 0; k < info.numSources; ++k)
    release(stepSlot[producers[k]]);
}

void Simulator::State::run() {
  const LargeVector<TraceStep> &steps = proof->steps;
  stepSlot.assign(steps.size(), kNoSlot);
  const uint32_t *producers = proof->producers.data();
  for (uint32_t step = 0; step < steps.size() && fault.empty(); ++step) {
    landUntil(steps[step].cycle);
    execute(step, producers);
    producers += numStreamOperands(steps[step].inst);
  }
  if (!fault.empty())
    return;
  landUntil(std::numeric_limits<uint64_t>::max());
  for (uint32_t plane = 0; plane < planes.size(); ++plane)
    computeBatch(plane);
}

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
  // Elements of another type than the chip's are converted first.
  std::vector<uint8_t> converted;
  if (hostTypeOf(b.dtype) != b.host) {
    converted.resize(count * dtypeHostBytes(b.dtype));
    if (!hostToChipElements(b.host, b.dtype, data, count, converted.data(),
                            error)) {
      error = "input '" + b.name + "' " + error;
      return false;
    }
    bytes = converted.data();
  }
  const unsigned size = dtypeHostBytes(b.dtype);
  const TensorLayout &layout = b.layout;
  for (int64_t r = 0; r < layout.rows; ++r)
    for (int64_t j = 0; j < layout.vectorsPerRow; ++j) {
      auto [slice, address] = b.locate(r * layout.vectorsPerRow + j);
      const int64_t first = j * s.lanes;
      storeVectorElements(
          s.target, b.dtype, bytes + (r * layout.rowLength + first) * size,
          size, uint32_t(std::min<int64_t>(s.lanes, layout.rowLength - first)),
          s.cell(slice, address));
    }
  s.inputSet[index] = true;
  return true;
}

void Simulator::startNextRun() {
  State &last = *state;
  auto next = std::make_unique<State>(last.binary, std::move(last.sram));
  for (size_t index = 0; index < last.inputSet.size(); ++index)
    next->inputSet[index] = next->inputSet[index] || last.inputSet[index];
  state = std::move(next);
}

bool Simulator::run(std::string &error) {
  std::shared_ptr<const ScheduleProof> proof =
      proveSchedule(state->binary, error);
  return proof && run(std::move(proof), error);
}

bool Simulator::run(std::shared_ptr<const ScheduleProof> proof,
                    std::string &error) {
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
  if (!proof) {
    error = "no proof of the schedule";
    return false;
  }
  s.ran = true;
  s.proof = std::move(proof);
  s.run();
  if (!s.fault.empty()) {
    error = s.fault;
    return false;
  }
  return true;
}

bool Simulator::getOutput(size_t index, void *data, size_t count,
                          std::string &error) const {
  const State &s = *state;
  if (!s.ran || !s.fault.empty()) {
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
  // Elements of another type than the chip's are converted last.
  const bool convert = hostTypeOf(b.dtype) != b.host;
  std::vector<uint8_t> chipElements;
  if (convert)
    chipElements.resize(count * dtypeHostBytes(b.dtype));
  auto *bytes = convert ? chipElements.data() : static_cast<uint8_t *>(data);
  const unsigned size = dtypeHostBytes(b.dtype);
  const TensorLayout &layout = b.layout;
  for (int64_t r = 0; r < layout.rows; ++r)
    for (int64_t j = 0; j < layout.vectorsPerRow; ++j) {
      auto [slice, address] = b.locate(r * layout.vectorsPerRow + j);
      const int64_t first = j * s.lanes;
      const uint32_t lanes =
          uint32_t(std::min<int64_t>(s.lanes, layout.rowLength - first));
      loadVectorElements(s.target, b.dtype, s.cell(slice, address), lanes,
                         bytes + (r * layout.rowLength + first) * size, size);
    }
  if (convert &&
      !chipToHostElements(b.dtype, b.host, bytes, count, data, error)) {
    error = "output '" + b.name + "' " + error;
    return false;
  }
  return true;
}

const SimulationStats &Simulator::getStats() const {
  static const SimulationStats none;
  return state->proof ? state->proof->stats : none;
}

} // namespace lpu
