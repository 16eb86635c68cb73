//===- Chains.cpp - Element-wise chains and lane gathers for expansion ----===//
//
// The Expander's element-wise chains (an op's steps resolved to stores,
// prepared once, emitted per output vector) and lane gathers.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;
using ::lpu::DType;

namespace {
/// What a step multiplies or divides every lane by, as an immediate: its
/// operand's value (`splat`, when the operand's elements are all equal)
/// times its factor.
std::optional<float> immediateOf(const ChainStep &step,
                                 std::optional<float> splat) {
  if (!splat || (step.kind != StepKind::Mul && step.kind != StepKind::Div))
    return std::nullopt;
  return *splat * step.factor;
}
std::optional<float> immediateOf(const ResolvedStep &step) {
  return immediateOf(step.step, step.splat);
}
} // namespace

//===----------------------------------------------------------------------===//
// Chains
//===----------------------------------------------------------------------===//

FailureOr<std::vector<ResolvedStep>>
Expander::resolveChain(ArrayRef<ChainStep> chain, ValueRange operands) {
  std::vector<ResolvedStep> steps;
  for (const ChainStep &step : chain) {
    ResolvedStep resolved{step, {}, {}};
    if (step.isOperand()) {
      Value operand = operands[step.operand];
      FailureOr<RowStore> operandStore = store(operand);
      if (failed(operandStore))
        return failure();
      resolved.operand = *operandStore;
      resolved.shape = shapeOf(operand);
      resolved.splat = tile::getSplatValue(operand);
    }
    steps.push_back(std::move(resolved));
  }
  return steps;
}

PreparedChain Expander::prepareChain(ArrayRef<ResolvedStep> steps,
                                     ArrayRef<int64_t> outShape) {
  PreparedChain chain;
  chain.shape = outShape.empty() ? Shape{1} : Shape(outShape);
  const size_t rank = chain.shape.size();
  for (const ResolvedStep &step : steps) {
    PreparedStep p{step, {}, {}};
    p.guardsPadding =
        tile::guardsPadding(step.step, chain.padding, immediateOf(step));
    chain.padding =
        tile::paddingAfter(step.step, chain.padding, immediateOf(step));
    if (step.step.isOperand()) {
      // Broadcasting guarantees operand rank <= output rank.
      size_t padding = rank - std::min(rank, step.shape.size());
      p.shape.assign(padding, 1);
      p.shape.append(step.shape.begin(), step.shape.end());
      p.rowStride = rowStrides(p.shape);
      p.laneBroadcast = p.shape.back() == 1 && chain.shape.back() > 1;
      copyBroadcastRow(p, chain.shape);
    }
    chain.steps.push_back(std::move(p));
  }
  return chain;
}

tile::Padding Expander::paddingOf(tile::MapOp op) {
  tile::Padding padding = tile::Padding::Zero;
  for (const ChainStep &step : tile::getChain(op)) {
    std::optional<float> splat;
    if (step.isOperand())
      splat = tile::getSplatValue(op.getInputs()[step.operand]);
    padding = tile::paddingAfter(step, padding, immediateOf(step, splat));
  }
  return padding;
}

void Expander::copyBroadcastRow(PreparedStep &p, ArrayRef<int64_t> outShape) {
  // A per-channel scale or bias that every output row reads keeps one
  // slice's bank ports busy once per row (two cycles for an f32 vector),
  // while the planes finish up to one row each per cycle: copies on several
  // slices share the reads. A constant's copies cost only SRAM, so even a
  // few rows get many; a value computed at run time is copied by
  // spreadComputedRows, which costs a read and a write per copy. An operand
  // of several rows, each read by many output rows (a softmax's maximum per
  // head), gets copies of each.
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < outShape.size(); ++d)
    rows *= outShape[d];
  if (p.laneBroadcast && p.step.splat && !immediateOf(p.step)) {
    // A scalar added or compared: rows of its value, zero past the row's
    // width like any operand, read instead of spread by the SXM per vector
    // (a distribute is one SXM issue, and those queues are few).
    const int64_t width = outShape.back(),
                  parts = std::max<int64_t>(constantRowCopies(rows), 1);
    const int32_t index = constant(
        ".splat" + std::to_string(p.step.operand.buffer), {parts, width},
        SmallVector<float>(parts * width, *p.step.splat));
    dealRows(index, parts);
    p.step.operand = wholeStore(index);
    p.copies = parts;
    p.shape.assign(p.shape.size(), 1);
    p.laneBroadcast = false;
    return;
  }
  // Each operand row is read by rows / operandRows output rows.
  const int64_t operandRows = p.step.operand.rows;
  const int64_t copies = constantRowCopies(rows / operandRows);
  const lpuc::lpu::MachineBuffer &source = buffer(p.step.operand.buffer);
  if (copies < 2 || p.laneBroadcast)
    return;
  if (source.kind == lpuc::lpu::BufferKind::Scratch) {
    // Computed at run time (a squeeze-excitation scale).
    p.copies = spreadComputedRows(p.step.operand, rows / operandRows);
    return;
  }
  // A constant of several rows (a banded layout's per-channel rows) is
  // already read from as many places.
  if (source.kind != lpuc::lpu::BufferKind::Constant || !source.init ||
      !source.type.getElementType().isF32() || operandRows != 1)
    return;
  std::optional<std::vector<uint32_t>> words =
      lpuc::lpu::readLaneWords(source.init);
  if (!words)
    return;
  const int64_t width = words->size();
  SmallVector<float> data(copies * width);
  for (int64_t c = 0; c < copies; ++c)
    for (int64_t i = 0; i < width; ++i)
      data[c * width + i] = ::lpu::wordToFloat((*words)[i]);
  const int32_t index = constant(
      ".copies" + std::to_string(p.step.operand.buffer), {copies, width}, data);
  dealRows(index, copies);
  p.step.operand = wholeStore(index);
  p.copies = copies;
}

int64_t Expander::spreadComputedRows(RowStore &rows, int64_t readersPerRow) {
  // A copy costs a read and a write, worth it only over many readers
  // (EfficientNet-B0 fp16: 114,173 cycles with a copy per 64 readers,
  // 113,026 per 16; per 8 or 4 the same within 0.1%).
  constexpr int64_t kReadersPerCopy = 16;
  const int64_t copies =
      std::min<int64_t>(target.memSlices / 8, readersPerRow / kReadersPerCopy);
  if (copies < 2)
    return 1;
  const lpuc::lpu::MachineBuffer &source = buffer(rows.buffer);
  const RowStore original = rows;
  const int32_t index =
      scratch({original.rows * copies, original.rowLength},
              ".copies" + std::to_string(original.buffer),
              lpuc::lpu::getDType(source.type.getElementType()));
  dealRows(index, copies);
  rows = wholeStore(index);
  for (int64_t r = 0; r < original.rows; ++r)
    for (int64_t c = 0; c < copies; ++c)
      for (int64_t j = 0; j < original.vectorsPerRow; ++j)
        writeRow(readRow(original, r, j), rows, r * copies + c, j);
  return copies;
}

int64_t Expander::constantRowCopies(int64_t rows) const {
  constexpr int64_t kRowsPerConstantCopy = 4;
  return std::min<int64_t>(target.memSlices / 4, rows / kRowsPerConstantCopy);
}

InstrId Expander::laneMask(LaneMask mask, int64_t width, int64_t row,
                           int64_t rows) {
  const int64_t copies = std::max<int64_t>(1, constantRowCopies(rows));
  auto [it, inserted] =
      laneMasks.insert({{static_cast<int>(mask), width, copies}, -1});
  if (inserted) {
    const int64_t lanes = target.lanes;
    const bool keep = mask == LaneMask::Keep;
    SmallVector<float> values(copies * lanes);
    for (int64_t c = 0; c < copies; ++c)
      for (int64_t l = 0; l < lanes; ++l)
        values[c * lanes + l] =
            l < width ? (keep ? 1.0f : -0.0f) : (keep ? 0.0f : 1.0f);
    it->second = constant(keep ? ".keep" + std::to_string(width)
                               : ".guard" + std::to_string(width),
                          {copies, lanes}, values);
    dealRows(it->second, copies);
  }
  return readRow(wholeStore(it->second), row % copies, 0);
}

Shape Expander::rowIndex(ArrayRef<int64_t> shape, int64_t row) {
  Shape index(shape.size() - 1, 0);
  for (int64_t d = int64_t(index.size()) - 1; d >= 0; --d) {
    index[d] = row % shape[d];
    row /= shape[d];
  }
  return index;
}

Shape Expander::rowStrides(ArrayRef<int64_t> shape) {
  Shape stride(std::max<int64_t>(int64_t(shape.size()) - 1, 0), 1);
  for (int64_t d = int64_t(stride.size()) - 2; d >= 0; --d)
    stride[d] = stride[d + 1] * shape[d + 1];
  return stride;
}

void Expander::emitCopy(const RowStore &from, ArrayRef<int64_t> shape,
                        const RowStore &to) {
  ResolvedStep copy{ChainStep::operandStep(0), from, Shape(shape)};
  emitElementwise(prepareChain({copy}, shape), to);
}

InstrId Expander::emitChainVector(const PreparedChain &chain,
                                  ArrayRef<int64_t> index, int64_t j,
                                  InstrId initial) {
  const size_t rank = chain.shape.size();
  const int64_t width =
      std::min<int64_t>(target.lanes, chain.shape.back() - j * target.lanes);
  InstrId acc = initial;
  int64_t flatRow = 0; // the output row, flat
  for (size_t d = 0; d + 1 < rank; ++d)
    flatRow = flatRow * chain.shape[d] + index[d];
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < rank; ++d)
    rows *= chain.shape[d];
  const bool partial = width < int64_t(target.lanes);
  // The masks are f32, as the VXM computes floats; integer chains (a
  // comparison's) keep the shifts, and their steps need no guard.
  auto isFloat = [&](InstrId value) {
    return program.instrs[value].resultType == DType::F32;
  };
  auto guard = [&](InstrId value) {
    if (!isFloat(value))
      return value;
    return combine(StepKind::Add, value,
                   laneMask(LaneMask::GuardOnes, width, flatRow, rows));
  };
  for (const PreparedStep &p : chain.steps) {
    const ChainStep &step = p.step.step;
    if (!step.isOperand()) {
      if (p.guardsPadding && partial)
        acc = guard(acc);
      acc = apply(step.kind, step.factor, acc);
      continue;
    }
    int64_t opRow = 0;
    for (size_t d = 0; d + 1 < rank; ++d)
      opRow += (p.shape[d] == 1 ? 0 : index[d]) * p.rowStride[d];
    // Copies of each operand row are consecutive rows: output row r reads
    // copy r % copies.
    opRow = opRow * p.copies + flatRow % p.copies;
    InstrId v;
    // An immediate is an f32 factor: integer chains read their operand.
    if (std::optional<float> value = immediateOf(p.step);
        value && isFloat(acc)) {
      acc = step.kind == StepKind::Mul ? scaled(acc, *value)
                                       : emit(::lpu::Opcode::DivScalar, {acc},
                                              ::lpu::floatToWord(*value));
      continue;
    }
    if (p.laneBroadcast) {
      v = distribute(readRow(p.step.operand, opRow, 0), 0, width);
    } else {
      v = readRow(p.step.operand, opRow, j);
    }
    // Quantized (i8) values are stored, not computed on; later operands
    // join the running value's type (an integer chain's 0 / 1 booleans).
    if (program.instrs[v].resultType == DType::I8)
      v = convert(v, DType::F32);
    if (acc != lpuc::lpu::kNoInstr)
      v = convert(v, program.instrs[acc].resultType);
    if (step.factor != 1.0f)
      v = scaled(v, step.factor);
    if (p.guardsPadding && partial)
      v = guard(v);
    acc = step.kind == StepKind::First ? v : combine(step.kind, acc, v);
  }
  if (chain.padding == tile::Padding::Finite && chain.paddingRead && partial &&
      isFloat(acc)) {
    // Finite times +0 is a zero; the row's lanes times 1 are themselves.
    acc = combine(StepKind::Mul, acc,
                  laneMask(LaneMask::Keep, width, flatRow, rows));
  } else if (chain.padding != tile::Padding::Zero && chain.paddingRead &&
             partial) {
    // Up and back down by the padding: lanes past `width` shift in 0 (a
    // product would keep a NaN).
    int64_t pad = target.lanes - width;
    acc = shift(shift(acc, pad), -pad);
  }
  return acc;
}

void Expander::emitElementwise(const PreparedChain &chain,
                               const RowStore &out) {
  for (int64_t row = 0; row < out.rows; ++row) {
    Shape index = rowIndex(chain.shape, row);
    for (int64_t j = 0; j < out.vectorsPerRow; ++j)
      writeRow(emitChainVector(chain, index, j, lpuc::lpu::kNoInstr), out, row,
               j);
  }
}

//===----------------------------------------------------------------------===//
// Lane gathers
//===----------------------------------------------------------------------===//

namespace {
/// Copies lanes [from, from + count) of `v` to lanes [to, to + count),
/// zeroing every other lane, with SXM shifts. `width` is how many low lanes
/// of `v` may be non-zero (the rest are padding).
InstrId moveLanes(Expander &x, InstrId v, int64_t from, int64_t count,
                  int64_t to, int64_t width) {
  const int64_t lanes = x.target.lanes;
  auto shift = [&](InstrId value, int64_t amount) {
    return amount ? x.shift(value, amount) : value;
  };
  // Lanes above the segment vanish when there are none, or when it ends at
  // the top of the result (they shift out); lanes below it when there are
  // none, or when it starts at lane 0 of the result.
  const bool noneAbove = from + count >= width || to + count >= lanes;
  const bool noneBelow = from == 0 || to == 0;
  if (noneAbove)
    return noneBelow ? shift(v, to - from) : shift(shift(v, -from), to);
  // Push the lanes above out at the top, then bring the segment down to
  // `to`, through lane 0 if lanes below it must drop out too.
  v = shift(v, lanes - from - count);
  if (from == 0)
    return shift(v, to + count - lanes);
  return shift(shift(v, count - lanes), to);
}
} // namespace

InstrId Expander::gatherLanes(
    int64_t width,
    function_ref<std::optional<RowElement>(int64_t lane)> source) {
  const int64_t lanes = target.lanes;
  // Every lane reading one element (a broadcast along the innermost axis):
  // one distribute.
  if (std::optional<RowElement> at = width > 1 ? source(0) : std::nullopt) {
    bool same = true;
    for (int64_t lane = 1; lane < width && same; ++lane) {
      std::optional<RowElement> next = source(lane);
      same = next && next->store == at->store && next->row == at->row &&
             next->element == at->element;
    }
    if (same)
      return distribute(readRow(*at->store, at->row, at->element / lanes),
                        at->element % lanes, width);
  }
  InstrId acc = lpuc::lpu::kNoInstr;
  for (int64_t done = 0; done < width;) {
    std::optional<RowElement> at = source(done);
    if (!at) {
      ++done;
      continue;
    }
    const RowStore &in = *at->store;
    int64_t inVector = at->element / lanes, lane = at->element % lanes;
    int64_t inWidth = std::min(lanes, in.rowLength - inVector * lanes);
    int64_t count = 1;
    for (int64_t limit = std::min(width - done, inWidth - lane); count < limit;
         ++count) {
      std::optional<RowElement> next = source(done + count);
      if (!next || next->store != at->store || next->row != at->row ||
          next->element != at->element + count)
        break;
    }
    InstrId v = readRow(in, at->row, inVector);
    v = moveLanes(*this, v, lane, count, done, inWidth);
    acc = acc == lpuc::lpu::kNoInstr ? v : combine(StepKind::Add, acc, v);
    done += count;
  }
  if (acc == lpuc::lpu::kNoInstr)
    acc = zero();
  return acc;
}

void Expander::emitElementMap(
    const RowStore &out,
    function_ref<std::optional<RowElement>(int64_t, int64_t)> source) {
  const int64_t lanes = target.lanes;
  for (int64_t row = 0; row < out.rows; ++row)
    for (int64_t j = 0; j < out.vectorsPerRow; ++j) {
      int64_t width = std::min(lanes, out.rowLength - j * lanes);
      int64_t flat = row * out.rowLength + j * lanes;
      InstrId gathered = gatherLanes(
          width, [&](int64_t lane) { return source(flat + lane, lane); });
      writeRow(gathered, out, row, j);
    }
}
