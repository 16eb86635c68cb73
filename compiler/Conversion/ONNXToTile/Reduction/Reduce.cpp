//===- Reduce.cpp - Reductions, Softmax, ArgMax and ArgMin ----------------===//
//
// Leading axes reduce lane-wise (tile.reduce_leading), the innermost axis
// row by row (tile.reduce_rows); squares, |x| or exp come before, sqrt or
// log after, as maps; a result whose innermost dimension was dropped is laid
// out at the end.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

#include <type_traits>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;
using tile::ReduceKind;

Value lpuc::onnx_to_tile::emitReduction(Converter &c, Location loc,
                                        Value source, ArrayRef<int64_t> axes,
                                        ReduceKind kind, bool mean,
                                        std::optional<StepKind> after,
                                        RankedTensorType resultType) {
  Shape shape = Converter::shapeOf(source);
  const int64_t rank = shape.size();
  int64_t count = 1;
  Shape kept(shape), keptLeading(shape);
  SmallVector<int64_t> leadingAxes;
  for (int64_t axis : axes) {
    count *= shape[axis];
    kept[axis] = 1;
    if (axis != rank - 1) {
      keptLeading[axis] = 1;
      leadingAxes.push_back(axis);
    }
  }
  const bool innermost = llvm::is_contained(axes, rank - 1);
  const bool leading = !leadingAxes.empty();
  const float scale = mean ? 1.0f / float(count) : 1.0f;
  ArrayRef<int64_t> outShape = resultType.getShape();
  // The result has the kept shape's layout unless keepdims = 0 dropped the
  // innermost dimension; then it is laid out at the end.
  const bool sameLayout =
      (outShape.empty() ? 1 : outShape.back()) == kept.back();
  auto reduceRows = [&](Value in, float factor, RankedTensorType type) {
    return c.reduceRows(loc, in, kind, factor, type);
  };
  auto reduceLeading = [&](Value in, RankedTensorType type) {
    return c.reduceLeading(loc, in, kind, leadingAxes, type);
  };
  if (!leading && innermost && !after && sameLayout)
    return c.reshape(loc, reduceRows(source, scale, c.f32Tensor(kept)),
                     outShape);
  if (leading && !innermost && !after && scale == 1.0f && sameLayout)
    return c.reshape(loc, reduceLeading(source, c.f32Tensor(keptLeading)),
                     outShape);
  if (leading)
    source = reduceLeading(source, c.f32Tensor(keptLeading));
  if (innermost)
    source = reduceRows(source, 1.0f, c.f32Tensor(kept));
  Chain chain = {ChainStep::operandStep(0, StepKind::First, scale)};
  if (after)
    chain.push_back(ChainStep::apply(*after));
  Value finished = c.map(loc, {source}, chain, c.f32Tensor(kept));
  return c.reshape(loc, finished, outShape);
}

LogicalResult lpuc::onnx_to_tile::lowerReduce(Operation *op, Converter &c) {
  Location loc = op->getLoc();
  Value data = op->getOperand(0), result = op->getResult(0);
  if (failed(c.checkDataTypes(op)))
    return failure();
  Shape shape = Converter::shapeOf(data);
  if (shape.empty())
    return op->emitError("reducing a scalar is not supported");
  // Axes: the attribute, or (ReduceSum) a constant input; none means all.
  SmallVector<int64_t> axes;
  if (auto attr = op->getAttrOfType<ArrayAttr>("axes")) {
    for (Attribute a : attr)
      axes.push_back(cast<IntegerAttr>(a).getInt());
  } else if (op->getNumOperands() > 1 &&
             !isa<NoneType>(op->getOperand(1).getType())) {
    std::optional<SmallVector<int64_t>> values =
        onnx::getConstantIntegers(op->getOperand(1));
    if (!values)
      return op->emitError("axes must be a constant");
    axes = *values;
  }
  const int64_t rank = shape.size();
  if (axes.empty()) {
    auto noop = op->getAttrOfType<IntegerAttr>("noop_with_empty_axes");
    if (noop && noop.getInt())
      return lowerCopy(op, c);
    for (int64_t d = 0; d < rank; ++d)
      if (d == rank - 1 || shape[d] != 1)
        axes.push_back(d);
  }
  for (int64_t &axis : axes) {
    if (axis < -rank || axis >= rank)
      return op->emitError("axis ") << axis << " is out of range";
    axis = (axis + rank) % rank;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  FailureOr<Value> input = c.get(data, op);
  if (failed(input))
    return failure();
  // Sum-based reductions: a lane function before, one after.
  std::optional<StepKind> before, after;
  if (isa<onnx::ReduceL1Op>(op))
    before = StepKind::Abs;
  if (isa<onnx::ReduceLogSumExpOp>(op))
    before = StepKind::Exp;
  if (isa<onnx::ReduceL2Op>(op))
    after = StepKind::Sqrt;
  if (isa<onnx::ReduceLogSumOp, onnx::ReduceLogSumExpOp>(op))
    after = StepKind::Log;
  const bool squares = isa<onnx::ReduceSumSquareOp, onnx::ReduceL2Op>(op);
  ReduceKind kind = isa<onnx::ReduceMaxOp>(op)   ? ReduceKind::Max
                    : isa<onnx::ReduceMinOp>(op) ? ReduceKind::Min
                                                 : ReduceKind::Sum;
  Value source = *input;
  if (before || squares) {
    Chain chain = {ChainStep::operandStep(0)};
    if (squares)
      chain.push_back(ChainStep::operandStep(0, StepKind::Mul));
    if (before)
      chain.push_back(ChainStep::apply(*before));
    source = c.map(loc, {source}, chain, c.f32Tensor(shape));
  }
  c.set(result, emitReduction(c, loc, source, axes, kind,
                              /*mean=*/isa<onnx::ReduceMeanOp>(op), after,
                              c.f32Tensor(Converter::shapeOf(result))));
  return success();
}

/// Softmax and LogSoftmax: the max over the axes, exp(x - max), their sum,
/// then a divide (or x - max - log sum). From opset 13 the axes are `axis`
/// alone; before, the input is coerced to 2-D at `axis`, i.e. every axis
/// from `axis` on.
LogicalResult lpuc::onnx_to_tile::lowerSoftmax(Operation *op, int64_t axis,
                                               bool logarithm, Converter &c) {
  Location loc = op->getLoc();
  Value x = op->getOperand(0);
  Shape shape = Converter::shapeOf(x);
  FailureOr<Value> input = c.get(x, op);
  if (failed(input))
    return failure();
  Value source = *input;
  if (shape.empty()) {
    shape = {1};
    source = c.reshape(loc, source, shape);
  }
  const int64_t rank = shape.size();
  if (axis < -rank || axis >= rank)
    return op->emitError("axis ") << axis << " is out of range";
  axis = (axis + rank) % rank;
  auto opset = c.func->getAttrOfType<IntegerAttr>("onnx.opset");
  const bool coerced = opset && opset.getInt() < 13;
  SmallVector<int64_t> axes = {axis};
  for (int64_t d = axis + 1; coerced && d < rank; ++d)
    axes.push_back(d);
  Shape kept(shape);
  for (int64_t d : axes)
    kept[d] = 1;
  auto type = c.f32Tensor(shape), keptType = c.f32Tensor(kept);
  Value max = emitReduction(c, loc, source, axes, ReduceKind::Max, false,
                            std::nullopt, keptType);
  Value exps = c.map(loc, {source, max},
                     {ChainStep::operandStep(0),
                      ChainStep::operandStep(1, StepKind::Sub),
                      ChainStep::apply(StepKind::Exp)},
                     type);
  Value sum = emitReduction(c, loc, exps, axes, ReduceKind::Sum, false,
                            std::nullopt, keptType);
  Value result;
  if (!logarithm) {
    result = c.map(
        loc, {exps, sum},
        {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Div)},
        type);
  } else {
    Value logSum = c.map(
        loc, {sum},
        {ChainStep::operandStep(0), ChainStep::apply(StepKind::Log)}, keptType);
    result = c.map(loc, {source, max, logSum},
                   {ChainStep::operandStep(0),
                    ChainStep::operandStep(1, StepKind::Sub),
                    ChainStep::operandStep(2, StepKind::Sub)},
                   type);
  }
  c.set(op->getResult(0),
        c.reshape(loc, result, Converter::shapeOf(op->getResult(0))));
  return success();
}

/// The indices 0 .. n - 1 along `axis` of a tensor shaped `shape`, as f32,
/// 1 along every other axis.
static Value axisIndices(Converter &c, Location loc, ArrayRef<int64_t> shape,
                         int64_t axis) {
  Shape iotaShape(shape.size(), 1);
  iotaShape[axis] = shape[axis];
  std::vector<float> indices(shape[axis]);
  for (int64_t i = 0; i < shape[axis]; ++i)
    indices[i] = float(i);
  return c.constant(loc, ".indices", iotaShape, indices);
}

/// The first (or last) index of the maximum (or minimum) of `source` along
/// `axis`, as f32 of `resultType` (the kept shape, or that without the
/// axis), `indices` being axisIndices': m = the extremum, then the candidates i
/// + B (1 - [x == m]) (or i - B (1 - [x == m])) reduced with min (or max), B =
/// 2^23 so every value is an exact f32 integer.
static FailureOr<Value> extremumIndex(Operation *op, StringRef name,
                                      Value source, int64_t axis, bool isMax,
                                      bool last, Value indices,
                                      RankedTensorType resultType,
                                      Converter &c) {
  Location loc = op->getLoc();
  Shape shape = Converter::shapeOf(source);
  constexpr float kBig = 8388608.0f; // 2^23
  if (shape[axis] >= (int64_t(1) << 22))
    return op->emitError(name) << " over " << shape[axis]
                               << " elements: indices would not be exact";
  Shape kept(shape);
  kept[axis] = 1;
  Value extremum = emitReduction(c, loc, source, {axis},
                                 isMax ? ReduceKind::Max : ReduceKind::Min,
                                 false, std::nullopt, c.f32Tensor(kept));
  Value candidates = c.map(
      loc, {source, extremum, c.scalar(loc, ".big", kBig), indices},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Equal),
       ChainStep::apply(StepKind::Scale, last ? kBig : -kBig),
       ChainStep::operandStep(2, last ? StepKind::Sub : StepKind::Add),
       ChainStep::operandStep(3, StepKind::Add)},
      c.f32Tensor(shape));
  return emitReduction(c, loc, candidates, {axis},
                       last ? ReduceKind::Max : ReduceKind::Min, false,
                       std::nullopt, resultType);
}

/// `axis` of a tensor of rank `rank`, made non-negative; failure (with the
/// node named) if it is out of range.
static FailureOr<int64_t> normalizedAxis(Operation *op, int64_t axis,
                                         int64_t rank) {
  if (rank == 0 || axis < -rank || axis >= rank)
    return op->emitError("axis ") << axis << " is out of range";
  return (axis + rank) % rank;
}

template <typename ArgOp>
static LogicalResult lowerArgExtremum(ArgOp op, Converter &c) {
  constexpr bool isMax = std::is_same_v<ArgOp, onnx::ArgMaxOp>;
  const char *name = isMax ? "ArgMax" : "ArgMin";
  if (failed(c.laneType(op.getData(), op.getLoc(), "input 0")))
    return failure();
  auto resultType = dyn_cast<RankedTensorType>(op.getReduced().getType());
  if (!resultType || !resultType.hasStaticShape())
    return op.emitError(name) << " needs a static result shape";
  FailureOr<int64_t> axis =
      normalizedAxis(op, op.getAxis(), Converter::shapeOf(op.getData()).size());
  FailureOr<Value> input = c.get(op.getData(), op);
  if (failed(axis) || failed(input))
    return failure();
  FailureOr<Value> index = extremumIndex(
      op, name, *input, *axis, isMax, op.getSelectLastIndex() != 0,
      axisIndices(c, op.getLoc(), Converter::shapeOf(op.getData()), *axis),
      c.f32Tensor(Converter::shapeOf(op.getReduced())), c);
  if (failed(index))
    return failure();
  c.set(op.getReduced(), *index);
  return success();
}

/// Hardmax: 1 where the index along `axis` is the first maximum's. Before
/// opset 13 the input is coerced to 2-D at `axis`, as Softmax's.
LogicalResult lpuc::onnx_to_tile::lowerHardmax(onnx::HardmaxOp op,
                                               Converter &c) {
  Location loc = op.getLoc();
  Shape shape = Converter::shapeOf(op.getInput());
  FailureOr<int64_t> axis = normalizedAxis(op, op.getAxis(), shape.size());
  FailureOr<Value> input = c.get(op.getInput(), op);
  if (failed(axis) || failed(input))
    return failure();
  Value source = *input;
  auto opset = c.func->getAttrOfType<IntegerAttr>("onnx.opset");
  if (opset && opset.getInt() < 13) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < int64_t(shape.size()); ++d)
      (d < *axis ? outer : inner) *= shape[d];
    shape = {outer, inner};
    source = c.reshape(loc, source, shape);
    axis = 1;
  }
  Shape kept(shape);
  kept[*axis] = 1;
  Value indices = axisIndices(c, loc, shape, *axis);
  FailureOr<Value> index =
      extremumIndex(op, "Hardmax", source, *axis, /*isMax=*/true,
                    /*last=*/false, indices, c.f32Tensor(kept), c);
  if (failed(index))
    return failure();
  Value oneHot = c.map(
      loc, {indices, *index},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Equal)},
      c.f32Tensor(shape));
  c.set(op.getOutput(),
        c.reshape(loc, oneHot, Converter::shapeOf(op.getOutput())));
  return success();
}

/// GlobalMaxPool: the maximum over every axis after N and C.
LogicalResult lpuc::onnx_to_tile::lowerGlobalMaxPool(onnx::GlobalMaxPoolOp op,
                                                     Converter &c) {
  FailureOr<Value> input = c.get(op.getX(), op);
  if (failed(input))
    return failure();
  const int64_t rank = Converter::shapeOf(op.getX()).size();
  if (rank < 3)
    return op.emitError("GlobalMaxPool needs spatial axes, got rank ") << rank;
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  c.set(op.getY(), emitReduction(c, op.getLoc(), *input, axes, ReduceKind::Max,
                                 false, std::nullopt,
                                 c.f32Tensor(Converter::shapeOf(op.getY()))));
  return success();
}

LogicalResult lpuc::onnx_to_tile::lowerArgMax(onnx::ArgMaxOp op, Converter &c) {
  return lowerArgExtremum(op, c);
}

LogicalResult lpuc::onnx_to_tile::lowerArgMin(onnx::ArgMinOp op, Converter &c) {
  return lowerArgExtremum(op, c);
}
