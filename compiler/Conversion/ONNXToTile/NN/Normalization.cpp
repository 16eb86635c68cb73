//===- Normalization.cpp - Batch, layer and instance normalization -------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

namespace {
bool isInferenceBatchNorm(onnx::BatchNormalizationOp op) {
  return op.getTrainingMode() == 0 &&
         llvm::all_of(op.getRunning(), [](Value v) { return v.use_empty(); });
}

/// Each row's (innermost axis's) mean, the rows centred on it, and
/// 1 / sqrt(variance + epsilon) per row.
struct RowMoments {
  Value mean, centered, inverseStd;
};
RowMoments rowMoments(Converter &c, Location loc, Value rows, float epsilon) {
  Shape shape = Converter::shapeOf(rows), rowShape = shape;
  rowShape.back() = 1;
  auto meanOfRows = [&](Value in) {
    return c.reduceRows(loc, in, tile::ReduceKind::Sum,
                        1.0f / float(shape.back()), c.f32Tensor(rowShape));
  };
  RowMoments moments;
  moments.mean = meanOfRows(rows);
  moments.centered = c.map(
      loc, {rows, moments.mean},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Sub)},
      c.f32Tensor(shape));
  Value squares = c.map(
      loc, {moments.centered},
      {ChainStep::operandStep(0), ChainStep::operandStep(0, StepKind::Mul)},
      c.f32Tensor(shape));
  moments.inverseStd = c.map(
      loc, {meanOfRows(squares), c.scalar(loc, ".epsilon", epsilon)},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Add),
       ChainStep::apply(StepKind::Sqrt),
       ChainStep::apply(StepKind::Reciprocal)},
      c.f32Tensor(rowShape));
  return moments;
}
} // namespace

/// Inference batch normalization on NCHW (channels on dimension 1): a
/// per-channel multiply-add, the parameters broadcast as [C, 1, ...]. With
/// constant parameters a = scale / sqrt(var + epsilon) and c = B - mean a
/// are computed at compile time (after a convolution, the map then moves
/// channels last and into its epilogue); otherwise (x - mean) (scale /
/// sqrt(var + epsilon)) + B on the chip.
LogicalResult lpuc::onnx_to_tile::lowerBatchNorm(onnx::BatchNormalizationOp op,
                                                 Converter &c) {
  if (!isInferenceBatchNorm(op))
    return op.emitError("batch normalization in training mode is not "
                        "supported");
  Location loc = op.getLoc();
  Shape shape = Converter::shapeOf(op.getX());
  if (shape.size() < 2)
    return op.emitError("needs an input of rank 2 or more");
  Shape channel(shape.size() - 1, 1);
  channel[0] = shape[1];
  FailureOr<Value> x = c.get(op.getX(), op);
  if (failed(x))
    return failure();
  auto type = c.f32Tensor(Converter::shapeOf(op.getY()));
  auto scale = Converter::constantFloats(op.getScale()),
       bias = Converter::constantFloats(op.getB());
  auto mean = Converter::constantFloats(op.getInputMean()),
       var = Converter::constantFloats(op.getInputVar());
  const float epsilon = op.getEpsilon().convertToFloat();
  if (scale && bias && mean && var) {
    std::vector<float> a(scale->size()), shift(scale->size());
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = (*scale)[i] / std::sqrt((*var)[i] + epsilon);
      shift[i] = (*bias)[i] - (*mean)[i] * a[i];
    }
    // Sequenced, so the constants come in the same order with every
    // compiler.
    Value aValue = c.constant(loc, ".scale", channel, a);
    Value shiftValue = c.constant(loc, ".shift", channel, shift);
    c.set(op.getY(), c.map(loc, {*x, aValue, shiftValue},
                           {ChainStep::operandStep(0),
                            ChainStep::operandStep(1, StepKind::Mul),
                            ChainStep::operandStep(2, StepKind::Add)},
                           type));
    return success();
  }
  SmallVector<Value> params;
  for (Value v :
       {op.getScale(), op.getB(), op.getInputMean(), op.getInputVar()}) {
    FailureOr<Value> param = c.get(v, op);
    if (failed(param))
      return failure();
    params.push_back(c.reshape(loc, *param, channel));
  }
  Value inverse = c.map(
      loc, {params[3], c.scalar(loc, ".epsilon", epsilon), params[0]},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Add),
       ChainStep::apply(StepKind::Sqrt), ChainStep::apply(StepKind::Reciprocal),
       ChainStep::operandStep(2, StepKind::Mul)},
      c.f32Tensor(channel));
  c.set(op.getY(), c.map(loc, {*x, params[2], inverse, params[1]},
                         {ChainStep::operandStep(0),
                          ChainStep::operandStep(1, StepKind::Sub),
                          ChainStep::operandStep(2, StepKind::Mul),
                          ChainStep::operandStep(3, StepKind::Add)},
                         type));
  return success();
}

/// Normalizes over the axes from `axis` on, seen as one row: mean and
/// variance by row reductions, then (x - mean) * (1 / sqrt(var + epsilon))
/// * Scale + B. When the normalized axes are more than the innermost one, X,
/// Scale and B are first laid out as [outer, inner] rows, and the result
/// back.
LogicalResult lpuc::onnx_to_tile::lowerLayerNorm(onnx::LayerNormalizationOp op,
                                                 Converter &c) {
  Location loc = op.getLoc();
  Shape shape = Converter::shapeOf(op.getX());
  const int64_t rank = shape.size();
  int64_t axis = op.getAxis();
  if (axis < -rank || axis >= rank)
    return op.emitError("axis ") << axis << " is out of range";
  axis = (axis + rank) % rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= shape[d];
  const Shape rows = {outer, inner}, rowShape = {outer, 1};
  // Scale and B as one row of the normalized shape, or one value for all.
  auto withoutLeadingOnes = [](ArrayRef<int64_t> dims) {
    while (!dims.empty() && dims.front() == 1)
      dims = dims.drop_front();
    return dims;
  };
  const Shape normalizedShape(shape.begin() + axis, shape.end());
  auto getRow = [&](Value param, StringRef name) -> FailureOr<Value> {
    Shape paramShape = Converter::shapeOf(param);
    const int64_t count = ShapedType::getNumElements(paramShape);
    if (count != 1 &&
        withoutLeadingOnes(paramShape) != withoutLeadingOnes(normalizedShape))
      return op.emitError()
             << name << " has shape [" << onnx::formatShape(paramShape)
             << "]; it must have the normalized shape ["
             << onnx::formatShape(normalizedShape) << "] (X from axis " << axis
             << ") or hold one value";
    FailureOr<Value> value = c.get(param, op);
    if (failed(value))
      return failure();
    return c.reshape(loc, *value, {count});
  };
  FailureOr<Value> x = c.get(op.getX(), op);
  if (failed(x))
    return failure();
  Value xRows = c.reshape(loc, *x, rows);
  FailureOr<Value> scaleRow = getRow(op.getScale(), "Scale");
  if (failed(scaleRow))
    return failure();
  std::optional<Value> bias;
  if (Value b = op.getB()) {
    FailureOr<Value> row = getRow(b, "B");
    if (failed(row))
      return failure();
    bias = *row;
  }
  // Mean and InvStdDev, when used, are outputs with one value per row.
  auto setStatistic = [&](unsigned i, Value value) {
    auto stats = op.getStatistics();
    if (i < stats.size() && !stats[i].use_empty())
      c.set(stats[i], c.reshape(loc, value, Converter::shapeOf(stats[i])));
  };
  RowMoments moments =
      rowMoments(c, loc, xRows, op.getEpsilon().convertToFloat());
  Value centered = moments.centered, inverseStd = moments.inverseStd;
  setStatistic(0, moments.mean);
  setStatistic(1, inverseStd);
  // Over the innermost axis alone, [outer, inner] is X's own layout and the
  // last chain is computed in X's shape, so its consumers can fuse.
  const bool innermost = axis == rank - 1;
  Shape chainShape = innermost ? shape : rows;
  Shape chainRowShape(chainShape);
  chainRowShape.back() = 1;
  SmallVector<Value> inputs = {c.reshape(loc, centered, chainShape),
                               c.reshape(loc, inverseStd, chainRowShape),
                               *scaleRow};
  Chain chain = {ChainStep::operandStep(0),
                 ChainStep::operandStep(1, StepKind::Mul),
                 ChainStep::operandStep(2, StepKind::Mul)};
  if (bias) {
    inputs.push_back(*bias);
    chain.push_back(ChainStep::operandStep(3, StepKind::Add));
  }
  Value normalized = c.map(loc, inputs, chain, c.f32Tensor(chainShape));
  c.set(op.getY(), c.reshape(loc, normalized, Converter::shapeOf(op.getY())));
  return success();
}

/// InstanceNormalization: each image's channel normalized over its spatial
/// positions, as rows [N, C, positions], then scale and B per channel.
LogicalResult
lpuc::onnx_to_tile::lowerInstanceNorm(onnx::InstanceNormalizationOp op,
                                      Converter &c) {
  Location loc = op.getLoc();
  Shape shape = Converter::shapeOf(op.getInput());
  if (shape.size() < 3)
    return op.emitError("needs an input with spatial axes, got rank ")
           << shape.size();
  int64_t positions = 1;
  for (size_t d = 2; d < shape.size(); ++d)
    positions *= shape[d];
  const Shape rows = {shape[0], shape[1], positions}, channel = {shape[1], 1};
  // The import's inference guard checks this whenever inference knows the
  // shapes (fuzzing finding 13: a scale of 8 values for 32 channels).
  for (auto [param, name] :
       {std::pair(op.getScale(), "scale"), std::pair(op.getB(), "B")})
    if (Shape given = Converter::shapeOf(param); given != Shape{shape[1]})
      return op.emitError(name)
             << " has shape [" << onnx::formatShape(given)
             << "]; it must hold one value per input channel, " << shape[1];
  FailureOr<Value> x = c.get(op.getInput(), op),
                   scale = c.get(op.getScale(), op),
                   bias = c.get(op.getB(), op);
  if (failed(x) || failed(scale) || failed(bias))
    return failure();
  RowMoments moments = rowMoments(c, loc, c.reshape(loc, *x, rows),
                                  op.getEpsilon().convertToFloat());
  Value normalized = c.map(
      loc,
      {moments.centered, moments.inverseStd, c.reshape(loc, *scale, channel),
       c.reshape(loc, *bias, channel)},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Mul),
       ChainStep::operandStep(2, StepKind::Mul),
       ChainStep::operandStep(3, StepKind::Add)},
      c.f32Tensor(rows));
  c.set(op.getOutput(), c.reshape(loc, normalized, shape));
  return success();
}
