//===- Reduce.cpp - Row and leading-axis reductions -----------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"
#include "dialects/Tile/MXMJobs.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;
using tile::ReduceKind;

namespace {

StepKind foldOf(ReduceKind kind) {
  return kind == ReduceKind::Sum   ? StepKind::Add
         : kind == ReduceKind::Max ? StepKind::Max
                                   : StepKind::Min;
}

/// Writes a row's value to `out`: `first`, its first vector, and, when the
/// reduction is row-wide over more than one vector, copies of that vector
/// read back, spread over the last one's width.
void writeRowValue(Expander &x, InstrId first, const RowStore &out,
                   int64_t row) {
  const int64_t lanes = x.target.lanes;
  x.writeRow(first, out, row, 0);
  for (int64_t j = 1; j < out.vectorsPerRow; ++j) {
    const int64_t width = std::min(lanes, out.rowLength - j * lanes);
    InstrId v = x.readRow(out, row, 0);
    if (width < lanes)
      v = x.distribute(v, 0, width);
    x.writeRow(v, out, row, j);
  }
}

/// Stages partial reductions `chains` (VXM chains over parts of one
/// reduction), each in row `firstRow + c` of `stage`, and reads them back:
/// each is then a tree of its own for the scheduler, free to interleave
/// with the others, and ends where it is staged (before the installs that
/// follow it on its plane, in program order).
void stageChains(Expander &x, SmallVectorImpl<InstrId> &chains, int32_t stage,
                 int64_t firstRow) {
  llvm::erase(chains, lpuc::lpu::kNoInstr);
  for (auto [c, chain] : llvm::enumerate(chains)) {
    x.write(chain, stage, firstRow + c);
    chain = x.read(stage, firstRow + c);
  }
}

/// One value from `values` by a balanced tree of combines.
InstrId joinTree(Expander &x, StepKind fold, SmallVectorImpl<InstrId> &values) {
  for (size_t step = 1; step < values.size(); step *= 2)
    for (size_t i = 0; i + step < values.size(); i += 2 * step)
      values[i] = x.combine(fold, values[i], values[i + step]);
  return values.front();
}

/// stageChains, then joinTree.
InstrId joinStagedChains(Expander &x, StepKind fold,
                         SmallVectorImpl<InstrId> &chains, int32_t stage,
                         int64_t firstRow) {
  stageChains(x, chains, stage, firstRow);
  return joinTree(x, fold, chains);
}

/// Sums each row of `in` into lane 0 of the same row of `out`, times
/// `scale`, on the MXM: one weight row of `scale`s installed transposed is
/// column 0 of the array (the rest zero), so one matmul sums a window of a
/// vector into lane 0; every window is installed on its own plane, and a
/// row's vectors accumulate through them all. Row-wide, `scale` fills the
/// array's first min(L, lanes) columns instead (a weight row per element
/// of the window, dealt over slices), and the sum lands in every one of
/// those lanes. Rows are dealt over copies of the installs
/// (tile::rowSumCopies).
void emitRowSum(Expander &x, tile::ReduceRowsOp op, const RowStore &in,
                const RowStore &out, float scale, PlaneCursor &planes) {
  const int64_t lanes = x.target.lanes;
  const int64_t width = std::min(in.rowLength, lanes);
  const int64_t columns = std::min(out.rowLength, lanes);
  const bool rowWide = columns > 1;
  const int64_t weightRows = rowWide ? std::min(x.mxmRows, width) : 1;
  SmallVector<float> weightValues(weightRows * lanes, 0.0f);
  // Zero past the row's width: an input's padding lanes add nothing, even
  // when they hold finite values (a softmax's exponentials).
  for (int64_t r = 0; r < weightRows; ++r)
    for (int64_t c = 0; c < (rowWide ? columns : width); ++c)
      weightValues[r * lanes + c] = scale;
  int32_t weights =
      rowWide ? x.constant(".sum", {weightRows, lanes}, weightValues, x.mxmType)
              : x.constant(".sum", {lanes}, weightValues, x.mxmType);
  if (rowWide)
    x.dealWeightRows(weights);
  // Copy c of the windows' installs sums rows c, c + copies, ...
  const int64_t copies = tile::rowSumCopies(op, x.target);
  SmallVector<SmallVector<int32_t>> windowPlanes(copies);
  for (int64_t c = 0; c < copies; ++c)
    for (int64_t first = 0; first < width; first += x.mxmRows) {
      windowPlanes[c].push_back(planes.next());
      x.loadAndInstall(
          windowPlanes[c].back(),
          rowWide ? std::min(x.mxmRows, width - first) : 1,
          /*transposed=*/!rowWide,
          [&](int64_t r) { return x.read(weights, r); }, first);
    }
  for (int64_t row = 0; row < in.rows; ++row) {
    InstrId acc = lpuc::lpu::kNoInstr;
    for (int64_t j = 0; j < in.vectorsPerRow; ++j)
      for (int32_t plane : windowPlanes[row % copies])
        acc = x.matmul(plane, x.readRow(in, row, j), acc);
    writeRowValue(x, acc, out, row);
  }
}

/// A row's vectors combined lane-wise into one, its padding lanes (when
/// the row only partly fills its last vector) first taking lane 0's value
/// so they change no maximum or minimum.
InstrId combineRowVectors(Expander &x, const RowStore &in, int64_t row,
                          StepKind fold) {
  const int64_t lanes = x.target.lanes;
  InstrId acc = lpuc::lpu::kNoInstr;
  for (int64_t j = 0; j < in.vectorsPerRow; ++j) {
    int64_t width = std::min(lanes, in.rowLength - j * lanes);
    InstrId v = x.readRow(in, row, j);
    if (width < lanes && in.vectorsPerRow > 1) {
      InstrId first = x.distribute(v, 0, lanes);
      v = x.combine(StepKind::Add, v, x.shift(first, width));
    }
    acc = acc == lpuc::lpu::kNoInstr ? v : x.combine(fold, acc, v);
  }
  return acc;
}

/// Max or min of each row into lane 0 of `out`'s row (every element of it,
/// row-wide), for blocks of up to
/// `lanes` rows at a time on the MXM: the block's rows are installed
/// transposed, so streaming unit vector e_k gives lane n = element k of
/// row n, and VXM chains over k leave every row's extremum in its lane;
/// one `sxm.distribute` per row moves it to lane 0. (Elements must be
/// finite: the MXM multiplies the other rows' elements by zero.) Columns
/// are dealt over enough chains that together they keep up with the
/// products (a VXM latency per step, a product every row cycles); each
/// chain is staged in SRAM and a tree joins them: one chain of 128 f16
/// columns took 512 cycles, most of a transformer softmax's share of the
/// critical path. (Staged, each chain is a tree of its own for the
/// scheduler, free to interleave with the others.)
void emitRowExtremum(Expander &x, tile::ReduceRowsOp op, const RowStore &in,
                     ReduceKind kind, const RowStore &out, float scale,
                     PlaneCursor &planes) {
  const int64_t lanes = x.target.lanes;
  const StepKind fold = foldOf(kind);
  const int64_t elements = std::min(in.rowLength, lanes);
  int32_t unit = x.identity();
  const int64_t blocks = llvm::divideCeil(in.rows, lanes);
  const int64_t chains = std::min<int64_t>(
      elements,
      2 * llvm::divideCeil(x.target.latencyOf(::lpu::Opcode::Max),
                           tile::getMXMRowCycles(x.mxmType, x.target)));
  // A chain ends with its window: one over two installs (of one plane)
  // would need the second install inside its own tree. Each window's
  // unit vectors are dealt over the copies of its install.
  const int64_t windows = llvm::divideCeil(elements, x.mxmRows);
  const int64_t copies = tile::rowExtremumCopies(op, x.target).copies;
  int32_t chainStage = x.scratch({blocks * windows * chains, lanes}, ".chains");
  for (int64_t block = 0; block < blocks; ++block) {
    const int64_t first = block * lanes;
    const int64_t rows = std::min(lanes, in.rows - first);
    SmallVector<InstrId> all;
    // One install per window of the elements' lanes, on each of its copies'
    // planes; unit vector k goes to copy k % copies.
    for (int64_t window = 0; window < elements; window += x.mxmRows) {
      SmallVector<InstrId> acc(chains, lpuc::lpu::kNoInstr);
      SmallVector<int32_t> copyPlanes;
      const int64_t windowIndex = window / x.mxmRows;
      for (int64_t c = 0; c < copies; ++c) {
        copyPlanes.push_back(planes.next());
        x.loadAndInstall(
            copyPlanes.back(), rows, /*transposed=*/true,
            [&](int64_t b) {
              return combineRowVectors(x, in, first + b, fold);
            },
            window);
      }
      for (int64_t k = window; k < std::min(elements, window + x.mxmRows);
           ++k) {
        InstrId column =
            x.matmul(copyPlanes[(k - window) % copies], x.read(unit, k));
        InstrId &chain = acc[k % chains];
        chain = chain == lpuc::lpu::kNoInstr ? column
                                             : x.combine(fold, chain, column);
      }
      // Staged before the next window's installs, which may take the same
      // planes.
      stageChains(x, acc, chainStage, (block * windows + windowIndex) * chains);
      all.append(acc);
    }
    InstrId extrema = joinTree(x, fold, all);
    // The block's extrema, staged (a streamed value reaches one consumer)
    // and copied over slices for the rows' reads.
    RowStore staged = x.wholeStore(x.scratch({1, lanes}, ".extrema"));
    x.writeRow(extrema, staged, 0, 0);
    const int64_t spread = x.spreadComputedRows(staged, rows);
    for (int64_t b = 0; b < rows; ++b) {
      InstrId v = x.distribute(x.readRow(staged, b % spread, 0), b,
                               std::min(out.rowLength, lanes));
      if (scale != 1.0f)
        v = x.scaled(v, scale);
      writeRowValue(x, v, out, first + b);
    }
  }
}

/// Max, min or sum of each row with log2(lanes) shift-and-combine steps on
/// the SXM and VXM; padding lanes first take lane 0's value (max, min). The
/// result is distributed from lane 0 over `out`'s row.
void emitRowTree(Expander &x, const RowStore &in, ReduceKind kind,
                 const RowStore &out, float scale) {
  const int64_t lanes = x.target.lanes;
  const StepKind fold = foldOf(kind);
  // One staging buffer per step, so the steps' SRAM traffic spreads over as
  // many MEM slices.
  const int64_t treeSteps = llvm::Log2_64_Ceil(lanes);
  SmallVector<int32_t> tree;
  for (int64_t i = 0; i < treeSteps; ++i)
    tree.push_back(x.scratch({in.rows, lanes}, ".tree" + std::to_string(i)));
  for (int64_t row = 0; row < in.rows; ++row) {
    InstrId acc = lpuc::lpu::kNoInstr;
    for (int64_t j = 0; j < in.vectorsPerRow; ++j) {
      int64_t width = std::min(lanes, in.rowLength - j * lanes);
      InstrId v = x.readRow(in, row, j);
      if (kind != ReduceKind::Sum && width < lanes) {
        InstrId first = x.distribute(v, 0, lanes);
        v = x.combine(StepKind::Add, v, x.shift(first, width));
      }
      acc = acc == lpuc::lpu::kNoInstr ? v : x.combine(fold, acc, v);
    }
    // Lane i covers lanes [i, i + span) after each step. Each step's input
    // is staged in SRAM and read twice, since a value on a stream reaches
    // one consumer (the scheduler would otherwise recompute the whole tree
    // below it for the shifted copy).
    int64_t span = 1, stepIndex = 0;
    auto step = [&](int64_t amount) {
      int32_t stage = tree[stepIndex++];
      x.write(acc, stage, row);
      InstrId kept = x.read(stage, row); // sequenced: a fixed op order
      acc = x.combine(fold, kept, x.shift(x.read(stage, row), amount));
    };
    for (; 2 * span <= lanes; span *= 2)
      step(-span);
    if (span < lanes) // sums must not count a lane twice; max/min may
      step(kind == ReduceKind::Sum ? -span : span - lanes);
    if (scale != 1.0f)
      acc = x.scaled(acc, scale);
    writeRowValue(x, x.distribute(acc, 0, std::min(out.rowLength, lanes)), out,
                  row);
  }
}

} // namespace

LogicalResult lpuc::tile_to_lpu::expandReduceRows(tile::ReduceRowsOp op,
                                                  Expander &x) {
  if (!op.getStrategy())
    return op.emitError("has no `strategy`; run tile-choose-tiling first");
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  const float scale = op.getScale().convertToFloat();
  PlaneCursor planes(op, op.getPlanes());
  switch (*op.getStrategy()) {
  case tile::RowStrategy::MXMSum:
  case tile::RowStrategy::MXMExtremum:
    if (!op.getPlanes())
      return op.emitError("has no `planes`; run tile-assign-planes first");
    if (*op.getStrategy() == tile::RowStrategy::MXMSum)
      emitRowSum(x, op, *input, out, scale, planes);
    else
      emitRowExtremum(x, op, *input, op.getKind(), out, scale, planes);
    return planes.finish();
  case tile::RowStrategy::ShiftTree:
    emitRowTree(x, *input, op.getKind(), out, scale);
    return success();
  }
  return success();
}

/// Each output vector is a reduction over the input rows that differ only
/// along the reduced axes: up to kShortChain of them one VXM chain, more
/// dealt round-robin over about sqrt(n) chains (staged, then joined), so
/// rows that arrive one after another keep every chain busy and the last
/// one costs a few steps, not n (a transposed softmax's 128 rows took 512
/// cycles in one chain).
LogicalResult lpuc::tile_to_lpu::expandReduceLeading(tile::ReduceLeadingOp op,
                                                     Expander &x) {
  constexpr int64_t kShortChain = 8;
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  Shape shape = Expander::shapeOf(op.getInput());
  const int64_t rank = shape.size();
  const StepKind fold = foldOf(op.getKind());
  Shape kept(shape);
  int64_t terms = 1;
  for (int64_t axis : op.getAxes()) {
    kept[axis] = 1;
    terms *= shape[axis];
  }
  const int64_t chains =
      terms <= kShortChain ? 1 : int64_t(std::ceil(std::sqrt(double(terms))));
  RowStore out = x.resultStore(op.getResult());
  int32_t stage =
      chains > 1
          ? x.scratch({out.rows * out.vectorsPerRow * chains, x.target.lanes},
                      ".chains",
                      lpu::getDType(x.buffer(out.buffer).type.getElementType()))
          : -1;
  for (int64_t row = 0; row < out.rows; ++row) {
    Shape index = Expander::rowIndex(kept, row);
    for (int64_t j = 0; j < out.vectorsPerRow; ++j) {
      SmallVector<InstrId> acc(chains, lpuc::lpu::kNoInstr);
      Shape at(index);
      for (int64_t term = 0; term < terms; ++term) {
        int64_t inRow = 0;
        for (int64_t d = 0; d + 1 < rank; ++d)
          inRow = inRow * shape[d] + at[d];
        InstrId v = x.readRow(*input, inRow, j);
        InstrId &chain = acc[term % chains];
        chain = chain == lpuc::lpu::kNoInstr ? v : x.combine(fold, chain, v);
        for (int64_t i = int64_t(op.getAxes().size()) - 1; i >= 0; --i) {
          int64_t d = op.getAxes()[i];
          if (++at[d] < shape[d])
            break;
          at[d] = 0;
        }
      }
      InstrId result =
          chains == 1
              ? acc.front()
              : joinStagedChains(x, fold, acc, stage,
                                 (row * out.vectorsPerRow + j) * chains);
      x.writeRow(result, out, row, j);
    }
  }
  return success();
}
