//===- DataMovement.cpp - Gathers, reshapes, concatenation, transposes ----===//
//
// Element maps: each output vector gathers its runs of consecutive input
// elements, each moved into place by SXM shifts and joined by VXM adds;
// rows that map to whole rows are plain copies. Transposes that move the
// innermost dimension run on the MXM.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "lpu/Elements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

namespace {

/// Writes `out` (of `outShape`) from `in` (of `inShape`) by multi-indices:
/// `map(outIndex, inIndex)` fills the input index, or returns false for
/// padding, which is zero or lane `lane` of `padding` (a row of equal
/// values).
void emitIndexMap(
    Expander &x, const RowStore &in, ArrayRef<int64_t> inShape,
    const RowStore &out, ArrayRef<int64_t> outShape,
    function_ref<bool(ArrayRef<int64_t>, MutableArrayRef<int64_t>)> map,
    const RowStore *padding = nullptr) {
  Shape outIndex(outShape.size()), inIndex(inShape.size());
  x.emitElementMap(
      out, [&](int64_t flat, int64_t lane) -> std::optional<RowElement> {
        for (int64_t d = int64_t(outShape.size()) - 1; d >= 0; --d) {
          outIndex[d] = flat % outShape[d];
          flat /= outShape[d];
        }
        if (!map(outIndex, inIndex)) {
          if (!padding)
            return std::nullopt;
          return RowElement{padding, 0, lane};
        }
        int64_t element = 0;
        for (size_t d = 0; d < inShape.size(); ++d)
          element = element * inShape[d] + inIndex[d];
        return RowElement{&in, element / in.rowLength, element % in.rowLength};
      });
}

/// Copies `in` into `out`, which holds the same elements in the same order:
/// output row r holds the flat elements [r * rowLength, (r + 1) *
/// rowLength).
void emitRelayout(Expander &x, const RowStore &in, const RowStore &out) {
  const int64_t lanes = x.target.lanes;
  for (int64_t row = 0; row < out.rows; ++row)
    for (int64_t j = 0; j < out.vectorsPerRow; ++j) {
      int64_t width = std::min(lanes, out.rowLength - j * lanes);
      int64_t flat = row * out.rowLength + j * lanes;
      InstrId gathered =
          x.gatherLanes(width, [&](int64_t lane) -> std::optional<RowElement> {
            return RowElement{&in, (flat + lane) / in.rowLength,
                              (flat + lane) % in.rowLength};
          });
      x.writeRow(gathered, out, row, j);
    }
}

} // namespace

LogicalResult lpuc::tile_to_lpu::expandGather(tile::GatherOp op, Expander &x) {
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  // A non-zero pad value fills a row of lanes the padding copies from, in
  // the result's type: a constant, or the run-time scalar spread over the
  // lanes once.
  std::optional<RowStore> padding;
  if (Value value = op.getPadding()) {
    const int64_t lanes = x.target.lanes;
    const ::lpu::DType type =
        lpuc::lpu::getDType(getElementTypeOrSelf(op.getResult().getType()));
    auto constant = value.getDefiningOp<arith::ConstantOp>();
    std::optional<std::vector<uint32_t>> fill;
    if (constant)
      fill = lpuc::lpu::readLaneWords(cast<ElementsAttr>(constant.getValue()));
    if (fill) {
      const ::lpu::DType source =
          lpuc::lpu::getDType(getElementTypeOrSelf(constant.getType()));
      SmallVector<float> row(lanes,
                             ::lpu::wordToFloat(::lpu::convertLaneWord(
                                 source, ::lpu::DType::F32, (*fill)[0])));
      padding = x.wholeStore(x.constant(".pad", {lanes}, row, type));
    } else {
      FailureOr<RowStore> scalar = x.store(value);
      if (failed(scalar))
        return failure();
      int32_t spread = x.scratch({lanes}, ".pad", type);
      x.write(x.distribute(x.readRow(*scalar, 0, 0), 0, lanes), spread, 0);
      padding = x.wholeStore(spread);
    }
  }
  Shape in = Expander::shapeOf(op.getInput()),
        outShape = Expander::shapeOf(op.getResult());
  ArrayRef<int64_t> first = op.getFirst(), count = op.getCount();
  SmallVector<ArrayRef<int64_t>> tables;
  for (Attribute table : op.getTables())
    tables.push_back(cast<DenseI64ArrayAttr>(table).asArrayRef());
  RowStore out = x.resultStore(op.getResult());
  emitIndexMap(
      x, *input, in, out, outShape,
      [&](ArrayRef<int64_t> o, MutableArrayRef<int64_t> i) {
        for (size_t d = 0; d < in.size(); ++d) {
          int64_t flat = 0;
          for (int64_t e = first[d]; e < first[d] + count[d]; ++e)
            flat = flat * outShape[e] + o[e];
          i[d] = tables[d][flat];
          if (i[d] < 0)
            return false;
        }
        return true;
      },
      padding ? &*padding : nullptr);
  return success();
}

/// A reshape that keeps the innermost dimension keeps every row: its result
/// is the same store (copied only into a graph output of its own).
LogicalResult lpuc::tile_to_lpu::expandReshape(tile::ReshapeOp op,
                                               Expander &x) {
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  if (op.keepsRows() && x.alias(op.getResult(), op.getInput()))
    return success();
  emitRelayout(x, *input, x.resultStore(op.getResult()));
  return success();
}

/// Along the innermost axis each output vector gathers its segments from the
/// inputs; along another axis whole rows are copied.
LogicalResult lpuc::tile_to_lpu::expandConcat(tile::ConcatOp op, Expander &x) {
  Shape out = Expander::shapeOf(op.getResult());
  const int64_t rank = out.size(), lanes = x.target.lanes;
  const int64_t axis = op.getAxis();
  SmallVector<RowStore> inputs;
  SmallVector<Shape> shapes;
  for (Value input : op.getInputs()) {
    FailureOr<RowStore> store = x.store(input);
    if (failed(store))
      return failure();
    inputs.push_back(*store);
    shapes.push_back(Expander::shapeOf(input));
  }
  RowStore result = x.resultStore(op.getResult());
  // Which input holds position p along the axis, and where in it.
  auto locateOnAxis = [&](int64_t p) {
    size_t i = 0;
    while (p >= shapes[i][axis]) {
      p -= shapes[i][axis];
      ++i;
    }
    return std::make_pair(i, p);
  };
  auto rowOf = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> index) {
    int64_t row = 0;
    for (int64_t d = 0; d + 1 < rank; ++d)
      row = row * shape[d] + index[d];
    return row;
  };
  for (int64_t row = 0; row < result.rows; ++row) {
    Shape index = Expander::rowIndex(out, row);
    if (axis != rank - 1) {
      auto [i, p] = locateOnAxis(index[axis]);
      Shape inIndex(index);
      inIndex[axis] = p;
      int64_t inRow = rowOf(shapes[i], inIndex);
      for (int64_t j = 0; j < result.vectorsPerRow; ++j)
        x.writeRow(x.readRow(inputs[i], inRow, j), result, row, j);
      continue;
    }
    for (int64_t j = 0; j < result.vectorsPerRow; ++j) {
      int64_t width = std::min(lanes, out.back() - j * lanes);
      InstrId gathered =
          x.gatherLanes(width, [&](int64_t lane) -> std::optional<RowElement> {
            auto [i, element] = locateOnAxis(j * lanes + lane);
            return RowElement{&inputs[i], rowOf(shapes[i], index), element};
          });
      x.writeRow(gathered, result, row, j);
    }
  }
  return success();
}

/// One that keeps the innermost dimension copies whole rows.
LogicalResult lpuc::tile_to_lpu::expandTranspose(tile::TransposeOp op,
                                                 Expander &x) {
  Shape from = Expander::shapeOf(op.getInput()),
        to = Expander::shapeOf(op.getResult());
  ArrayRef<int64_t> perm = op.getPerm();
  const int64_t rank = from.size();
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  if (rank > 0 && op.movesLanes()) {
    if (op.getType().getElementType().isInteger(32))
      return op.emitError("a transpose of integers that moves the innermost "
                          "dimension is not supported (the MXM, which moves "
                          "values between lanes, has no exact i32 path)");
    if (!op.getPlanes())
      return op.emitError("has no `planes`; run tile-assign-planes first");
    PlaneCursor planes(op, op.getPlanes());
    x.emitTransposeOnMXM(*input, from, perm, out, to, planes);
    return planes.finish();
  }
  const Shape inStride = Expander::rowStrides(from);
  for (int64_t row = 0; row < out.rows; ++row) {
    Shape index = rank ? Expander::rowIndex(to, row) : Shape();
    int64_t inRow = 0;
    for (int64_t d = 0; d + 1 < rank; ++d)
      inRow += index[d] * inStride[perm[d]];
    for (int64_t j = 0; j < out.vectorsPerRow; ++j)
      x.writeRow(x.readRow(*input, inRow, j), out, row, j);
  }
  return success();
}

namespace {

/// A table read or written row by row at indices known only at run time:
/// one MEM gather or scatter per block of its rows (each in order on one
/// slice) and row vector, from the index broadcast to every lane.
struct TableBlocks {
  Expander &x;
  RowStore table, indices;
  int64_t blockRows = 1, blocks = 1;
  /// The indices relative to each block's first row: block k's copy of
  /// index vector v is vector k * (index vectors) + v (block 0: the indices).
  RowStore relative;

  TableBlocks(Expander &x, const RowStore &table, const RowStore &indices)
      : x(x), table(table), indices(indices), relative(indices) {
    blockRows = std::min<int64_t>(x.buffer(table.buffer).blockRows,
                                  ::lpu::kGatherMaxCount);
    blocks = llvm::divideCeil(table.rows, blockRows);
    if (blocks == 1)
      return;
    const int64_t lanes = x.target.lanes;
    relative = x.wholeStore(
        x.scratch({blocks, indices.rows, indices.vectorsPerRow * lanes},
                  ".rows", ::lpu::DType::I32));
    for (int64_t k = 0; k < blocks; ++k) {
      const int32_t start =
          k ? x.constant(".block" + std::to_string(k), {lanes},
                         SmallVector<float>(lanes, float(k * blockRows)),
                         ::lpu::DType::I32)
            : -1;
      for (int64_t v = 0; v < indexVectors(); ++v) {
        InstrId index = x.read(indices.buffer, v);
        if (k)
          index = x.combine(StepKind::Sub, index, x.read(start, 0));
        x.write(index, relative.buffer, k * indexVectors() + v);
      }
    }
  }
  int64_t indexVectors() const { return indices.rows * indices.vectorsPerRow; }
  /// Index t (in row-major order), relative to block k, in every lane.
  InstrId broadcast(int64_t t, int64_t k) {
    const int64_t lanes = x.target.lanes;
    const int64_t row = t / indices.rowLength, element = t % indices.rowLength;
    const int64_t vector = row * indices.vectorsPerRow + element / lanes;
    return x.distribute(x.read(relative.buffer, k * indexVectors() + vector),
                        element % lanes, lanes);
  }
  /// Vector j of the table row index t names: the blocks' gathers added
  /// (those the index is not in read zeros).
  InstrId gatherRow(int64_t t, int64_t j) {
    InstrId sum = lpuc::lpu::kNoInstr;
    for (int64_t k = 0; k < blocks; ++k) {
      InstrId part =
          x.gather(broadcast(t, k), table.buffer, offset(k, j), fields(k));
      sum = sum == lpuc::lpu::kNoInstr ? part
                                       : x.combine(StepKind::Add, sum, part);
    }
    return sum;
  }
  /// Block k's table; an index below the first block or past the last
  /// faults, one in another block reads 0 or writes nothing.
  ::lpu::GatherFields fields(int64_t k) const {
    ::lpu::GatherFields f;
    f.count = uint32_t(std::min(blockRows, table.rows - k * blockRows));
    f.stride = uint32_t(table.vectorsPerRow);
    f.faultBelow = k == 0;
    f.faultAbove = k == blocks - 1;
    return f;
  }
  /// Vector j of block k's first row.
  int64_t offset(int64_t k, int64_t j) const {
    return k * blockRows * table.vectorsPerRow + j;
  }
  LogicalResult checkStride(Operation *op) const {
    if (table.vectorsPerRow <= ::lpu::kGatherMaxStride)
      return success();
    return op->emitError("table rows of ")
           << table.rowLength << " elements take " << table.vectorsPerRow
           << " vectors; a gather or scatter steps at most "
           << ::lpu::kGatherMaxStride;
  }
};

/// Update n of a tile.scatter_rows with columns: row rows[n] gathered
/// vector by vector, updates[n] blended in at lane columns[n] (1 there, 0
/// elsewhere: the lanes' own column numbers compared with it), and the
/// vector scattered back, update after update, so updates to one row all
/// land.
LogicalResult scatterElements(tile::ScatterRowsOp op, Expander &x,
                              TableBlocks &blocks, const RowStore &updates) {
  FailureOr<RowStore> columns = x.store(op.getColumns());
  if (failed(columns))
    return failure();
  const int64_t lanes = x.target.lanes;
  const RowStore &out = blocks.table;
  SmallVector<int32_t> laneColumns;
  for (int64_t j = 0; j < out.vectorsPerRow; ++j) {
    SmallVector<float> numbers(lanes);
    std::iota(numbers.begin(), numbers.end(), float(j * lanes));
    laneColumns.push_back(x.constant(".columns" + std::to_string(j), {lanes},
                                     numbers, ::lpu::DType::I32));
  }
  const int32_t staged = x.scratch({2, lanes}, ".row", ::lpu::DType::F32);
  const int32_t one =
      x.constant(".one", {lanes}, SmallVector<float>(lanes, 1.0f));
  for (int64_t n = 0; n < updates.rows; ++n) {
    InstrId column =
        x.distribute(x.read(columns->buffer, n / lanes), n % lanes, lanes);
    InstrId value = x.convert(x.distribute(x.readRow(updates, n, 0), 0, lanes),
                              ::lpu::DType::F32);
    for (int64_t j = 0; j < out.vectorsPerRow; ++j) {
      // Staged, as a lookup's row is: the gathers' tree ends in a write.
      x.write(blocks.gatherRow(n, j), staged, 0);
      InstrId old = x.convert(x.read(staged, 0), ::lpu::DType::F32);
      InstrId at = x.convert(
          x.combine(StepKind::Equal, x.read(laneColumns[j], 0), column),
          ::lpu::DType::F32);
      // old * (1 - at) + value * at: either exactly.
      InstrId blended =
          x.combine(StepKind::Add,
                    x.combine(StepKind::Mul, old,
                              x.combine(StepKind::Sub, x.read(one, 0), at)),
                    x.combine(StepKind::Mul, value, at));
      if (blocks.blocks == 1) {
        x.scatter(blended, blocks.broadcast(n, 0), out.buffer,
                  blocks.offset(0, j), blocks.fields(0));
        continue;
      }
      // Staged again for the scatter of each block.
      x.write(blended, staged, 1);
      for (int64_t k = 0; k < blocks.blocks; ++k)
        x.scatter(x.read(staged, 1), blocks.broadcast(n, k), out.buffer,
                  blocks.offset(k, j), blocks.fields(k));
    }
  }
  return success();
}

} // namespace

LogicalResult lpuc::tile_to_lpu::expandLookup(tile::LookupOp op, Expander &x) {
  FailureOr<RowStore> table = x.store(op.getTable());
  FailureOr<RowStore> indices = x.store(op.getIndices());
  if (failed(table) || failed(indices))
    return failure();
  TableBlocks blocks(x, *table, *indices);
  if (failed(blocks.checkStride(op)))
    return failure();
  // Row t of the result: each lane reads its own lane of row indices[t];
  // the blocks the index is not in read zeros.
  RowStore out = x.resultStore(op.getResult());
  for (int64_t t = 0; t < out.rows; ++t)
    for (int64_t j = 0; j < out.vectorsPerRow; ++j)
      x.writeRow(blocks.gatherRow(t, j), out, t, j);
  return success();
}

LogicalResult lpuc::tile_to_lpu::expandScatterRows(tile::ScatterRowsOp op,
                                                   Expander &x) {
  FailureOr<RowStore> data = x.store(op.getData());
  FailureOr<RowStore> rows = x.store(op.getRows());
  FailureOr<RowStore> updates = x.store(op.getUpdates());
  if (failed(data) || failed(rows) || failed(updates))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  // A state output in its input's SRAM holds the data already: only the
  // new rows are written. Otherwise the data is copied first.
  if (x.buffer(out.buffer).stateOf != data->buffer)
    x.emitCopy(*data, Expander::shapeOf(op.getData()), out);
  TableBlocks blocks(x, out, *rows);
  if (failed(blocks.checkStride(op)))
    return failure();
  if (op.getColumns())
    return scatterElements(op, x, blocks, *updates);
  for (int64_t n = 0; n < updates->rows; ++n)
    for (int64_t k = 0; k < blocks.blocks; ++k) {
      InstrId index = blocks.broadcast(n, k);
      for (int64_t j = 0; j < out.vectorsPerRow; ++j)
        x.scatter(x.readRow(*updates, n, j), index, out.buffer,
                  blocks.offset(k, j), blocks.fields(k));
    }
  return success();
}

LogicalResult lpuc::tile_to_lpu::expandGatherElements(tile::GatherElementsOp op,
                                                      Expander &x) {
  FailureOr<RowStore> data = x.store(op.getData());
  FailureOr<RowStore> indices = x.store(op.getIndices());
  if (failed(data) || failed(indices))
    return failure();
  const Shape in = Expander::shapeOf(op.getData());
  const Shape at = Expander::shapeOf(op.getIndices());
  const int64_t axis = op.getAxis(), rank = in.size();
  const Shape rowStride = Expander::rowStrides(in);
  const int64_t stride = rowStride[axis] * data->vectorsPerRow;
  if (in[axis] > int64_t(::lpu::kGatherMaxCount) ||
      stride > int64_t(::lpu::kGatherMaxStride))
    return op.emitError("gathers along a dimension of ")
           << in[axis] << " entries " << stride
           << " vectors apart; a MEM gather reaches at most "
           << ::lpu::kGatherMaxCount << " entries at most "
           << ::lpu::kGatherMaxStride << " apart";
  // Each gather's entries must lie in order on one slice: in one block of
  // the data's rows. Data dealt otherwise is copied into such blocks.
  const int64_t blockRows = op.getBlockRows();
  const lpuc::lpu::MachineBuffer &held = x.buffer(data->buffer);
  if (held.blockRows % blockRows && held.blockRows < data->rows) {
    RowStore copy = x.splitScratch(
        cast<RankedTensorType>(op.getData().getType()), blockRows);
    x.emitCopy(*data, in, copy);
    data = copy;
  }
  ::lpu::GatherFields fields;
  fields.count = uint32_t(in[axis]);
  fields.stride = uint32_t(stride);
  fields.faultBelow = fields.faultAbove = true;
  RowStore out = x.resultStore(op.getResult());
  for (int64_t row = 0; row < out.rows; ++row) {
    // The data row of entry 0: the result row's index, 0 along the axis.
    const Shape index = Expander::rowIndex(at, row);
    int64_t first = 0;
    for (int64_t d = 0; d + 1 < rank; ++d)
      if (d != axis)
        first += index[d] * rowStride[d];
    for (int64_t j = 0; j < out.vectorsPerRow; ++j)
      x.writeRow(x.gather(x.readRow(*indices, row, j), data->buffer,
                          first * data->vectorsPerRow + j, fields),
                 out, row, j);
  }
  return success();
}
