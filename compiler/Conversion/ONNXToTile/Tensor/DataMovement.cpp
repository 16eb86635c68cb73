//===- DataMovement.cpp - Slice, Split, Expand, Tile, Pad, Gather, Resize -===//
//
// Each output element copies one input element or is padding, and the
// input index along every dimension is a table of the output index along
// one or a few output dimensions: a tile.gather. Bounds, pads, repeats and
// indices must be constants after onnx-fold-constants. Resize of the last
// two axes is a product with a resampling matrix per axis.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

namespace {

/// The tables of a gather, built per input dimension.
struct GatherTables {
  Shape first, count;
  SmallVector<SmallVector<int64_t>> tables;

  /// Input dimension d reads output dimension `out` through `table`.
  void add(int64_t out, SmallVector<int64_t> table) {
    first.push_back(out);
    count.push_back(1);
    tables.push_back(std::move(table));
  }
  /// Input dimension d is output dimension `out`, of `size` entries.
  void addIdentity(int64_t out, int64_t size) {
    SmallVector<int64_t> table(size);
    std::iota(table.begin(), table.end(), 0);
    add(out, std::move(table));
  }
  /// Input dimension d reads `dims` output dimensions (flattened) at once.
  void addGroup(int64_t out, int64_t dims, SmallVector<int64_t> table) {
    first.push_back(out);
    count.push_back(dims);
    tables.push_back(std::move(table));
  }
};

Value createGather(Converter &c, Location loc, Value input, Value padding,
                   const GatherTables &g, RankedTensorType type) {
  OpBuilder &b = c.builder;
  SmallVector<Attribute> tables;
  for (const SmallVector<int64_t> &table : g.tables)
    tables.push_back(b.getDenseI64ArrayAttr(table));
  return tile::GatherOp::create(
      b, loc, type, input, padding, b.getDenseI64ArrayAttr(g.first),
      b.getDenseI64ArrayAttr(g.count), b.getArrayAttr(tables));
}

/// Tables mapping output index o along dimension d to `f(d, o)`, each input
/// dimension reading the output dimension of the same number.
GatherTables perAxis(ArrayRef<int64_t> out,
                     function_ref<int64_t(int64_t d, int64_t o)> f) {
  GatherTables g;
  for (int64_t d = 0; d < int64_t(out.size()); ++d) {
    SmallVector<int64_t> table;
    for (int64_t o = 0; o < out[d]; ++o)
      table.push_back(f(d, o));
    g.add(d, std::move(table));
  }
  return g;
}

/// GatherElements' indices have the data's rank and, but along the axis, no
/// larger dimensions.
LogicalResult checkGatherElementsShapes(onnx::GatherElementsOp op,
                                        int64_t axis) {
  const Shape in = Converter::shapeOf(op.getData());
  const Shape at = Converter::shapeOf(op.getIndices());
  if (at.size() != in.size())
    return op.emitError("GatherElements indices must have the data's rank ")
           << in.size() << ", not " << at.size();
  for (int64_t d = 0; d < int64_t(in.size()); ++d)
    if (d != axis && at[d] > in[d])
      return op.emitError("GatherElements indices dimension ")
             << d << " (" << at[d] << ") exceeds the data's (" << in[d] << ")";
  return success();
}

} // namespace

LogicalResult lpuc::onnx_to_tile::lowerDataMovement(Operation *op,
                                                    Converter &c) {
  Location loc = op->getLoc();
  Value data = op->getOperand(0);
  if (failed(c.laneType(data, loc, "input 0")))
    return failure();
  for (auto [i, result] : llvm::enumerate(op->getResults()))
    if (failed(c.laneType(result, loc, "output " + std::to_string(i))))
      return failure();
  FailureOr<Value> input = c.get(data, op);
  if (failed(input))
    return failure();
  const Shape in = Converter::shapeOf(data);
  const int64_t rank = in.size();
  auto constantOperand =
      [&](Value v, StringRef what) -> FailureOr<SmallVector<int64_t>> {
    if (auto values = onnx::getConstantIntegers(v))
      return *values;
    return op->emitError() << what
                           << " must be known at compile time (a constant, "
                              "or computed from constants and shapes)";
  };
  // Constant indices along a dimension of `size`, from the end when
  // negative, made non-negative.
  auto normalizeIndices = [&](MutableArrayRef<int64_t> indices, int64_t size,
                              StringRef node) -> LogicalResult {
    for (int64_t &index : indices) {
      if (index < -size || index >= size)
        return op->emitError(node)
               << " index " << index << " is out of range for a dimension of "
               << size;
      index = (index + size) % size;
    }
    return success();
  };
  auto normalizeAxis = [&](int64_t axis) -> FailureOr<int64_t> {
    if (axis < -rank || axis >= rank)
      return op->emitError("axis ") << axis << " is out of range";
    return (axis + rank) % rank;
  };
  // Lanes move as they are: i32 stays i32.
  auto gather = [&](Value result, const GatherTables &g, Value padding = {}) {
    c.set(result, createGather(c, loc, *input, padding, g,
                               RankedTensorType::get(
                                   Converter::shapeOf(result),
                                   getElementTypeOrSelf(input->getType()))));
  };
  Value result = op->getResult(0);
  const Shape out = Converter::shapeOf(result);
  if (auto slice = dyn_cast<onnx::SliceOp>(op)) {
    FailureOr<onnx::SliceBounds> bounds = onnx::getSliceBounds(slice);
    if (failed(bounds))
      return failure();
    if (bounds->size != out)
      return op->emitError("the graph gives the Slice result another shape");
    gather(result, perAxis(out, [&](int64_t d, int64_t o) {
             return bounds->start[d] + o * bounds->step[d];
           }));
    return success();
  }
  if (auto split = dyn_cast<onnx::SplitOp>(op)) {
    FailureOr<int64_t> axis = normalizeAxis(split.getAxis());
    if (failed(axis))
      return failure();
    int64_t offset = 0;
    for (Value part : split.getOutputs()) {
      gather(part, perAxis(Converter::shapeOf(part), [&](int64_t d, int64_t o) {
               return d == *axis ? o + offset : o;
             }));
      offset += Converter::shapeOf(part)[*axis];
    }
    if (offset != in[*axis])
      return op->emitError("the parts' sizes add up to ")
             << offset << ", not " << in[*axis];
    return success();
  }
  if (isa<onnx::ExpandOp>(op)) {
    const int64_t lead = int64_t(out.size()) - rank;
    if (lead < 0)
      return op->emitError("Expand to a lower rank");
    GatherTables g;
    for (int64_t d = 0; d < rank; ++d) {
      SmallVector<int64_t> table;
      for (int64_t o = 0; o < out[lead + d]; ++o)
        table.push_back(in[d] == 1 ? 0 : o);
      g.add(lead + d, std::move(table));
    }
    gather(result, g);
    return success();
  }
  if (isa<onnx::TileOp>(op)) {
    gather(result,
           perAxis(out, [&](int64_t d, int64_t o) { return o % in[d]; }));
    return success();
  }
  if (auto pad = dyn_cast<onnx::PadOp>(op)) {
    auto pads = constantOperand(pad.getPads(), "pads");
    if (failed(pads))
      return failure();
    if (int64_t(pads->size()) != 2 * rank)
      return op->emitError("pads has ")
             << pads->size() << " values, not " << 2 * rank;
    StringRef mode = pad.getMode();
    if (mode != "constant" && mode != "edge" && mode != "reflect")
      return op->emitError("pad mode '") << mode << "' is not supported";
    // A non-zero pad value: a constant, or a scalar computed at run time.
    Value padding;
    if (Value value = pad.getConstantValue();
        value && !isa<NoneType>(value.getType())) {
      if (cast<ShapedType>(value.getType()).getNumElements() != 1 ||
          failed(c.laneType(value, loc, "the pad value")))
        return op->emitError("the pad value must be an f32 scalar");
      std::optional<std::vector<float>> fill = Converter::constantFloats(value);
      if (!fill || (*fill)[0] != 0.0f) {
        FailureOr<Value> scalar = c.get(value, op);
        if (failed(scalar))
          return failure();
        padding = *scalar;
      }
    }
    gather(result,
           perAxis(out,
                   [&](int64_t d, int64_t o) -> int64_t {
                     int64_t p = o - (*pads)[d], n = in[d];
                     if (p >= 0 && p < n)
                       return p;
                     if (mode == "constant")
                       return -1;
                     if (mode == "edge" || n == 1)
                       return std::clamp<int64_t>(p, 0, n - 1);
                     // reflect, about the first and last elements
                     int64_t period = 2 * (n - 1);
                     p = ((p % period) + period) % period;
                     return p < n ? p : period - p;
                   }),
           padding);
    return success();
  }
  if (auto elements = dyn_cast<onnx::GatherElementsOp>(op)) {
    FailureOr<int64_t> axis = normalizeAxis(elements.getAxis());
    if (failed(axis) || failed(checkGatherElementsShapes(elements, *axis)))
      return failure();
    std::optional<SmallVector<int64_t>> indices =
        onnx::getConstantIntegers(elements.getIndices());
    if (!indices)
      return lowerGatherElements(elements, *axis, *input, c);
    // Known indices: the axis's index is a table of every output dimension.
    if (failed(normalizeIndices(*indices, in[*axis], "GatherElements")))
      return failure();
    GatherTables g;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == *axis)
        g.addGroup(0, rank, *indices);
      else
        g.addIdentity(d, out[d]);
    }
    gather(result, g);
    return success();
  }
  auto gatherOp = cast<onnx::GatherOp>(op);
  FailureOr<int64_t> axis = normalizeAxis(gatherOp.getAxis());
  if (failed(axis))
    return failure();
  if (!onnx::getConstantIntegers(gatherOp.getIndices()))
    return lowerLookup(gatherOp, *axis, *input, c);
  auto indices = constantOperand(gatherOp.getIndices(), "Gather indices");
  if (failed(indices))
    return failure();
  if (failed(normalizeIndices(*indices, in[*axis], "Gather")))
    return failure();
  const int64_t q = Converter::shapeOf(gatherOp.getIndices()).size();
  GatherTables g;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == *axis) {
      g.addGroup(*axis, q, *indices);
      continue;
    }
    int64_t o = d < *axis ? d : d + q - 1;
    g.addIdentity(o, out[o]);
  }
  gather(result, g);
  return success();
}

namespace {
int64_t elementCount(ArrayRef<int64_t> shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// Indices along a dimension of `size` made non-negative as ONNX counts
/// them (from the end when negative): `id + size * (id < 0)`. One still
/// outside [0, size) faults where it is used.
Value nonNegativeIndices(Converter &c, Location loc, Value ids, int64_t size) {
  Value zero = c.integerConstant(loc, ".zero", {1}, {0});
  Value count = c.integerConstant(loc, ".size", {1}, {int32_t(size)});
  return c.map(loc, {ids, zero, count},
               {ChainStep::operandStep(0),
                ChainStep::operandStep(1, StepKind::Less),
                ChainStep::operandStep(2, StepKind::Mul),
                ChainStep::operandStep(0, StepKind::Add)},
               ids.getType());
}
} // namespace

/// Rows of the data picked by indices known only at run time (an embedding
/// lookup): the data flattened to a [V, D] table, the indices made
/// non-negative (ONNX counts those from the end), one tile.lookup.
LogicalResult lpuc::onnx_to_tile::lowerLookup(onnx::GatherOp op, int64_t axis,
                                              Value data, Converter &c) {
  Location loc = op.getLoc();
  Value indices = op.getIndices();
  if (axis != 0)
    return op.emitError("Gather with indices known only at run time looks up "
                        "rows: it needs axis 0, not ")
           << axis;
  if (!Converter::isI32Tensor(indices))
    return op.emitError("Gather indices known only at run time must be int32 "
                        "or int64");
  FailureOr<Value> ids = c.get(indices, op);
  if (failed(ids))
    return failure();
  const Shape in = Converter::shapeOf(op.getData());
  const int64_t rows = in[0];
  const int64_t rowLength = elementCount(ArrayRef<int64_t>(in).drop_front());
  if (rows > std::numeric_limits<int32_t>::max())
    return op.emitError("a table of ") << rows << " rows is too long";
  Value table = c.reshape(loc, data, {rows, rowLength});
  Value index = nonNegativeIndices(c, loc, *ids, rows);
  Shape shape = Converter::shapeOf(indices);
  shape.push_back(rowLength);
  Type element = getElementTypeOrSelf(data.getType());
  Value rowsOut = tile::LookupOp::create(
      c.builder, loc, RankedTensorType::get(shape, element), table, index);
  c.set(op.getResult(),
        c.reshape(loc, rowsOut, Converter::shapeOf(op.getResult())));
  return success();
}

/// GatherElements by indices known only at run time: one tile.gather_elements
/// along an axis other than the innermost (whose lanes stay where they are).
/// The innermost axis is first made the second-innermost: each data element
/// broadcast over a new innermost dimension as long as the indices', which
/// become its lanes.
LogicalResult lpuc::onnx_to_tile::lowerGatherElements(onnx::GatherElementsOp op,
                                                      int64_t axis, Value data,
                                                      Converter &c) {
  Location loc = op.getLoc();
  if (!Converter::isI32Tensor(op.getIndices()))
    return op.emitError("GatherElements indices must be int32 or int64");
  FailureOr<Value> ids = c.get(op.getIndices(), op);
  if (failed(ids))
    return failure();
  Shape in = Converter::shapeOf(op.getData());
  Shape at = Converter::shapeOf(op.getIndices());
  const int64_t rank = in.size();
  if (in[axis] > std::numeric_limits<int32_t>::max())
    return op.emitError("a dimension of ") << in[axis] << " is too long";
  Type element = getElementTypeOrSelf(data.getType());
  Value index = nonNegativeIndices(c, loc, *ids, in[axis]);
  if (axis == rank - 1) {
    // data'[..., n, m] = data[..., n]; indices'[..., 0, m] = indices[..., m]
    // (the data's leading dimensions cut to the indices').
    Shape wide = at;
    wide.insert(wide.end() - 1, in.back());
    GatherTables g;
    for (int64_t d = 0; d < rank; ++d)
      g.addIdentity(d, wide[d]);
    data =
        createGather(c, loc, data, {}, g, RankedTensorType::get(wide, element));
    Shape narrow = at;
    narrow.insert(narrow.end() - 1, 1);
    index = c.reshape(loc, index, narrow);
    in = wide;
    at = narrow;
  } else if (at.back() < in.back()) {
    // Lanes past the indices' width would gather into the result's padding.
    Shape sliced = in;
    sliced.back() = at.back();
    data = createGather(c, loc, data, {},
                        perAxis(sliced, [](int64_t, int64_t o) { return o; }),
                        RankedTensorType::get(sliced, element));
  }
  Value result = tile::GatherElementsOp::create(
      c.builder, loc, RankedTensorType::get(at, element), data, index,
      c.builder.getI64IntegerAttr(axis));
  c.set(op.getOutput(),
        c.reshape(loc, result, Converter::shapeOf(op.getOutput())));
  return success();
}

LogicalResult lpuc::onnx_to_tile::lowerScatterND(onnx::ScatterNDOp op,
                                                 Converter &c) {
  Location loc = op.getLoc();
  if (op.getReduction() != "none")
    return op.emitError("ScatterND with reduction '")
           << op.getReduction() << "' is not supported";
  const Shape in = Converter::shapeOf(op.getData());
  const Shape at = Converter::shapeOf(op.getIndices());
  const int64_t rank = in.size();
  if (rank < 1 || at.empty() || at.back() < 1 || at.back() > rank)
    return op.emitError("ScatterND indices need 1 to rank(data) = ")
           << rank << " components, not " << (at.empty() ? 0 : at.back());
  if (!Converter::isI32Tensor(op.getIndices()))
    return op.emitError("ScatterND indices must be int32 or int64");
  // One update per index: the slice of data it names.
  Shape expected(at.begin(), at.end() - 1);
  expected.append(in.begin() + at.back(), in.end());
  if (Converter::shapeOf(op.getUpdates()) != expected)
    return op.emitError("ScatterND updates have shape [")
           << onnx::formatShape(Converter::shapeOf(op.getUpdates()))
           << "], but indices [" << onnx::formatShape(at) << "] into data ["
           << onnx::formatShape(in) << "] name slices of shape ["
           << onnx::formatShape(expected) << "]";
  if (failed(c.laneType(op.getData(), loc, "input 0")) ||
      failed(c.laneType(op.getOutput(), loc, "output 0")))
    return failure();
  FailureOr<SmallVector<Value>> operands = c.getOperands(op);
  if (failed(operands))
    return failure();
  // The data is a [rows, D] table. An index of every component names one
  // element: its last component is the column. Fewer name whole rows: a
  // block of consecutive ones, those of the dimensions it leaves out.
  const int64_t rowLength = in.back(), components = at.back();
  const bool elements = components == rank;
  const int64_t rowComponents = elements ? rank - 1 : components;
  const int64_t rows = elementCount(ArrayRef<int64_t>(in).drop_back());
  const int64_t updates = elementCount(ArrayRef<int64_t>(at).drop_back());
  const int64_t blockRows =
      elements ? 1
               : elementCount(
                     ArrayRef<int64_t>(in).drop_front(components).drop_back());
  if (rows > std::numeric_limits<int32_t>::max() / 2)
    return op.emitError("a table of ") << rows << " rows is too long";
  Value table = c.reshape(loc, (*operands)[0], {rows, rowLength});
  Value index = c.reshape(loc, (*operands)[1], {updates, components});
  Value values = c.reshape(loc, (*operands)[2],
                           {updates * blockRows, elements ? 1 : rowLength});
  Type i32 = c.builder.getI32Type();
  auto indexType = RankedTensorType::get({updates}, i32);
  SmallVector<int64_t> each(updates);
  std::iota(each.begin(), each.end(), 0);
  // Component k of every index, a vector of its own.
  auto component = [&](int64_t k) {
    GatherTables g;
    g.add(0, each);
    g.addGroup(0, 0, {k});
    return createGather(c, loc, index, {}, g, indexType);
  };
  // Row = ((i0 * d1 + i1) * d2 + i2) ... (0 without row components).
  SmallVector<Value> inputs;
  Chain chain;
  for (int64_t k = 0; k < rowComponents; ++k) {
    if (k) {
      inputs.push_back(c.integerConstant(loc, ".dim" + std::to_string(k), {1},
                                         {int32_t(in[k])}));
      chain.push_back(ChainStep::operandStep(inputs.size() - 1, StepKind::Mul));
    }
    inputs.push_back(component(k));
    chain.push_back(ChainStep::operandStep(
        inputs.size() - 1, k ? StepKind::Add : StepKind::First));
  }
  Value rowIds = rowComponents
                     ? c.map(loc, inputs, chain, indexType)
                     : c.integerConstant(loc, ".rows", {updates},
                                         SmallVector<int32_t>(updates, 0));
  Value columns;
  if (elements) {
    // A column outside [0, D) moves its row past the table, where it faults:
    // row + rows * max(column < 0, column > D - 1).
    columns = component(rank - 1);
    Value zero = c.integerConstant(loc, ".zero", {1}, {0});
    Value last = c.integerConstant(loc, ".last", {1}, {int32_t(rowLength - 1)});
    Value count = c.integerConstant(loc, ".rows", {1}, {int32_t(rows)});
    Value above = c.map(loc, {columns, last},
                        {ChainStep::operandStep(0),
                         ChainStep::operandStep(1, StepKind::Greater)},
                        indexType);
    rowIds = c.map(loc, {columns, zero, above, count, rowIds},
                   {ChainStep::operandStep(0),
                    ChainStep::operandStep(1, StepKind::Less),
                    ChainStep::operandStep(2, StepKind::Max),
                    ChainStep::operandStep(3, StepKind::Mul),
                    ChainStep::operandStep(4, StepKind::Add)},
                   indexType);
  } else if (blockRows > 1) {
    // Row n * B + r of the updates goes to row (block n) * B + r.
    GatherTables g;
    g.add(0, each);
    Value spread =
        createGather(c, loc, rowIds, {}, g,
                     RankedTensorType::get({updates, blockRows}, i32));
    SmallVector<int32_t> offsets(blockRows);
    std::iota(offsets.begin(), offsets.end(), 0);
    rowIds = c.map(
        loc,
        {spread, c.integerConstant(loc, ".block", {1}, {int32_t(blockRows)}),
         c.integerConstant(loc, ".offsets", {1, blockRows}, offsets)},
        {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Mul),
         ChainStep::operandStep(2, StepKind::Add)},
        RankedTensorType::get({updates, blockRows}, i32));
    rowIds = c.reshape(loc, rowIds, {updates * blockRows});
  }
  Value result = tile::ScatterRowsOp::create(c.builder, loc, table.getType(),
                                             table, rowIds, values, columns);
  c.set(op.getOutput(), c.reshape(loc, result, in));
  return success();
}

namespace {

/// The input positions and weights that output position o along one axis
/// reads.
using Taps = SmallVector<std::pair<int64_t, double>, 4>;

/// ONNX's cubic convolution weights for the four positions around a source
/// point at fraction `t` past the floor.
std::array<double, 4> cubicWeights(double t, double a) {
  auto near = [&](double x) { return ((a + 2) * x - (a + 3)) * x * x + 1; };
  auto far = [&](double x) {
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  };
  return {far(t + 1), near(t), near(1 - t), far(2 - t)};
}

/// Resize as a product per resized axis: out = in x R along the lanes, and
/// R^T x (each [H, W] plane) along the rows. `axisMatrix(d)` is R for axis d
/// ([in, out]).
Value resizeByProducts(Converter &c, Location loc, Value input,
                       ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                       function_ref<std::vector<float>(int64_t d)> axisMatrix,
                       bool rowAxis, bool laneAxis, int64_t lanes) {
  const int64_t rank = in.size(), h = rank - 2, w = rank - 1;
  auto tiles = [&](int64_t n) { return (n + lanes - 1) / lanes; };
  // MXM issue cycles of each pass (weight rows plus products).
  auto laneWork = [&](int64_t rows) {
    return tiles(in[w]) * tiles(out[w]) * (rows + std::min(in[w], lanes));
  };
  auto rowWork = [&](int64_t planes, int64_t width) {
    return planes * tiles(in[h]) * tiles(width) *
           (std::min(in[h], lanes) + out[h]);
  };
  Shape shape(in);
  auto lanePass = [&](Value value) {
    const int64_t rows = elementCount(shape) / shape[w];
    std::vector<float> r = axisMatrix(w);
    Value matrix =
        c.constant(loc, ".resize" + std::to_string(w), {in[w], out[w]}, r);
    shape[w] = out[w];
    return c.matmul(loc, value, matrix, rows, in[w], out[w], {0, 0, 0},
                    /*transposeB=*/false, c.f32Tensor(shape));
  };
  auto rowPass = [&](Value value) {
    const int64_t planes = elementCount(shape) / (shape[h] * shape[w]);
    std::vector<float> r = axisMatrix(h), transposed(r.size());
    for (int64_t i = 0; i < in[h]; ++i)
      for (int64_t o = 0; o < out[h]; ++o)
        transposed[o * in[h] + i] = r[i * out[h] + o];
    Value matrix = c.constant(loc, ".resize" + std::to_string(h),
                              {out[h], in[h]}, transposed);
    SmallVector<int64_t> batches;
    for (int64_t p = 0; p < planes; ++p)
      batches.append({0, p * in[h], p * out[h]});
    shape[h] = out[h];
    return c.matmul(loc, matrix, value, out[h], in[h], shape[w], batches,
                    /*transposeB=*/false, c.f32Tensor(shape));
  };
  if (!rowAxis)
    return lanePass(input);
  if (!laneAxis)
    return rowPass(input);
  const int64_t planes = elementCount(in) / (in[h] * in[w]);
  const bool rowsFirst = rowWork(planes, in[w]) + laneWork(planes * out[h]) <=
                         laneWork(planes * in[h]) + rowWork(planes, out[w]);
  return rowsFirst ? lanePass(rowPass(input)) : rowPass(lanePass(input));
}

} // namespace

/// Every mode reads, along each resized axis, a few input positions around
/// the output position's source coordinate (ONNX's
/// coordinate_transformation_mode) with weights: one (nearest), two
/// (linear) or four (cubic). The result is separable: when only the last
/// two axes change, it is a product along each (a resampling matrix), which
/// the MXM computes in one pass; otherwise nearest is a gather and linear a
/// sum of one gather per corner of the source point.
LogicalResult lpuc::onnx_to_tile::lowerResize(onnx::ResizeOp op, Converter &c) {
  Location loc = op.getLoc();
  if (failed(c.laneType(op.getX(), loc, "input 0")) ||
      failed(c.laneType(op.getY(), loc, "output 0")))
    return failure();
  auto params = op.getRoiScalesSizes();
  if (params.size() < 2)
    return op.emitError("Resize before opset 11 (X, scales) is not "
                        "supported");
  const Shape in = Converter::shapeOf(op.getX()),
              out = Converter::shapeOf(op.getY());
  const int64_t rank = in.size();
  StringRef mode = op.getMode(),
            transform = op.getCoordinateTransformationMode();
  StringRef nearestMode = op.getNearestMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return op.emitError("Resize mode '") << mode << "' is not supported";
  if (transform != "half_pixel" && transform != "pytorch_half_pixel" &&
      transform != "align_corners" && transform != "asymmetric" &&
      transform != "tf_half_pixel_for_nn")
    return op.emitError("coordinate_transformation_mode '")
           << transform << "' is not supported";
  if (nearestMode != "round_prefer_floor" &&
      nearestMode != "round_prefer_ceil" && nearestMode != "floor" &&
      nearestMode != "ceil")
    return op.emitError("nearest_mode '")
           << nearestMode << "' is not supported";
  // Per axis: the scale, from `scales` or output / input sizes.
  SmallVector<double> scale(rank);
  Value scalesValue = params.size() > 1 ? params[1] : Value();
  std::optional<std::vector<float>> scales;
  if (scalesValue && !isa<NoneType>(scalesValue.getType()) &&
      cast<ShapedType>(scalesValue.getType()).getNumElements() > 0) {
    scales = Converter::constantFloats(scalesValue);
    if (!scales || int64_t(scales->size()) != rank)
      return op.emitError("Resize scales must be a constant with one value "
                          "per axis");
  }
  for (int64_t d = 0; d < rank; ++d)
    scale[d] = scales ? double((*scales)[d]) : double(out[d]) / double(in[d]);
  // The source coordinate of output position x along axis d.
  auto source = [&](int64_t d, int64_t x) -> double {
    double lengthOut = scale[d] * in[d];
    // ONNX measures the output in input units times the scale (2.4 for
    // 0.6 x 4), not in whole output elements.
    if (transform == "align_corners")
      return lengthOut == 1.0 ? 0.0 : x * double(in[d] - 1) / (lengthOut - 1.0);
    if (transform == "asymmetric")
      return x / scale[d];
    if (transform == "tf_half_pixel_for_nn")
      return (x + 0.5) / scale[d];
    if (transform == "pytorch_half_pixel" && lengthOut <= 1.0)
      return -0.5;
    return (x + 0.5) / scale[d] - 0.5;
  };
  auto clampIndex = [&](int64_t d, int64_t i) {
    return std::clamp<int64_t>(i, 0, in[d] - 1);
  };
  auto nearest = [&](int64_t d, int64_t o) {
    double x = source(d, o);
    double base = std::floor(x), ratio = x - base;
    bool up =
        ratio > 0.0 && (nearestMode == "ceil" ||
                        (nearestMode == "round_prefer_floor" && ratio > 0.5) ||
                        (nearestMode == "round_prefer_ceil" && ratio >= 0.5));
    return clampIndex(d, int64_t(base) + (up ? 1 : 0));
  };
  // Positions outside the input read the edge, or with exclude_outside
  // weigh nothing (the others renormalized).
  auto taps = [&](int64_t d, int64_t o) {
    Taps result;
    if (mode == "nearest") {
      result.push_back({nearest(d, o), 1.0});
      return result;
    }
    double x = source(d, o), base = std::floor(x);
    SmallVector<double, 4> weights;
    int64_t first = int64_t(base);
    if (mode == "linear") {
      weights = {1.0 - (x - base), x - base};
    } else {
      std::array<double, 4> cubic =
          cubicWeights(x - base, op.getCubicCoeffA().convertToDouble());
      weights.assign(cubic.begin(), cubic.end());
      first -= 1;
    }
    double total = 0.0;
    for (auto [i, weight] : llvm::enumerate(weights)) {
      int64_t position = first + int64_t(i);
      if (op.getExcludeOutside() && (position < 0 || position >= in[d]))
        continue;
      position = clampIndex(d, position);
      total += weight;
      auto same = llvm::find_if(
          result, [&](const auto &tap) { return tap.first == position; });
      if (same != result.end())
        same->second += weight;
      else
        result.push_back({position, weight});
    }
    if (op.getExcludeOutside() && total != 0.0)
      for (auto &tap : result)
        tap.second /= total;
    llvm::erase_if(result, [](const auto &tap) { return tap.second == 0.0; });
    return result;
  };
  // Axes the resize changes: an axis of one input element gives that
  // element whatever the weights.
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < rank; ++d)
    for (int64_t o = 0; o < out[d] && in[d] > 1; ++o) {
      Taps t = taps(d, o);
      if (in[d] != out[d] || t.size() != 1 || t[0].first != o ||
          t[0].second != 1.0) {
        axes.push_back(d);
        break;
      }
    }
  FailureOr<Value> input = c.get(op.getX(), op);
  if (failed(input))
    return failure();
  auto type = c.f32Tensor(out);
  if (axes.empty()) {
    c.set(op.getY(), c.reshape(loc, *input, out));
    return success();
  }
  const bool lastTwo = rank >= 2 && axes.front() >= rank - 2;
  const bool rowsOnly = axes.size() == 1 && axes.front() == rank - 2;
  if (lastTwo && !(mode == "nearest" && rowsOnly)) {
    auto axisMatrix = [&](int64_t d) {
      std::vector<float> matrix(in[d] * out[d], 0.0f);
      for (int64_t o = 0; o < out[d]; ++o)
        for (auto [i, weight] : taps(d, o))
          matrix[i * out[d] + o] = float(weight);
      return matrix;
    };
    c.set(op.getY(),
          resizeByProducts(c, loc, *input, in, out, axisMatrix,
                           llvm::is_contained(axes, rank - 2),
                           llvm::is_contained(axes, rank - 1), c.target.lanes));
    return success();
  }
  if (mode == "nearest") {
    c.set(op.getY(),
          createGather(c, loc, *input, {}, perAxis(out, nearest), type));
    return success();
  }
  if (mode == "cubic")
    return op.emitError("cubic Resize of axes other than the last two is "
                        "not supported");
  if (axes.size() > 3)
    return op.emitError("linear Resize of more than 3 axes is not supported");
  // Linear over other axes: one gather per corner of the source point, times
  // the corner's weight, summed.
  Shape weightShape(rank, 1);
  for (int64_t d : axes)
    weightShape[d] = out[d];
  int64_t points = 1;
  for (int64_t d : weightShape)
    points *= d;
  const int64_t corners = int64_t(1) << axes.size();
  Value sum;
  for (int64_t corner = 0; corner < corners; ++corner) {
    auto upAlong = [&](size_t k) { return (corner >> k) & 1; };
    Value values = createGather(
        c, loc, *input, {},
        perAxis(out,
                [&](int64_t d, int64_t o) {
                  auto k = llvm::find(axes, d);
                  if (k == axes.end())
                    return o;
                  int64_t base = int64_t(std::floor(source(d, o)));
                  return clampIndex(d, base + upAlong(k - axes.begin()));
                }),
        type);
    // weight(point) = product over axes of ratio or 1 - ratio.
    std::vector<float> weights(points);
    for (int64_t p = 0; p < points; ++p) {
      double w = 1.0;
      int64_t rest = p;
      SmallVector<int64_t> index(rank);
      for (int64_t d = rank - 1; d >= 0; --d) {
        index[d] = rest % weightShape[d];
        rest /= weightShape[d];
      }
      for (size_t k = 0; k < axes.size(); ++k) {
        double x = source(axes[k], index[axes[k]]);
        double ratio = x - std::floor(x);
        w *= upAlong(k) ? ratio : 1.0 - ratio;
      }
      weights[p] = float(w);
    }
    Value weight = c.constant(loc, ".weight" + std::to_string(corner),
                              weightShape, weights);
    SmallVector<Value> inputs = {values, weight};
    Chain chain = {ChainStep::operandStep(0),
                   ChainStep::operandStep(1, StepKind::Mul)};
    if (sum) {
      inputs.push_back(sum);
      chain.push_back(ChainStep::operandStep(2, StepKind::Add));
    }
    sum = c.map(loc, inputs, chain, type);
  }
  c.set(op.getY(), sum);
  return success();
}
