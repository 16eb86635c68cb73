//===- OneHot.cpp - OneHot ------------------------------------------------===//
//
// [position == index] along the new axis, scaled from values[0] to
// values[1]: the indices (truncated, a negative one counted from depth) are
// compared with a table of the axis' positions. depth and values must be
// constants.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

/// One value of a constant of any number type, as f32 values.
static std::optional<std::vector<float>> constantNumbers(Value value) {
  if (auto floats = Converter::constantFloats(value))
    return floats;
  if (auto ints = onnx::getConstantIntegers(value))
    return std::vector<float>(ints->begin(), ints->end());
  return std::nullopt;
}

LogicalResult lpuc::onnx_to_tile::lowerOneHot(onnx::OneHotOp op, Converter &c) {
  Location loc = op.getLoc();
  std::optional<std::vector<float>> depthValue = constantNumbers(op.getDepth()),
                                    values = constantNumbers(op.getValues());
  if (!depthValue || depthValue->size() != 1 || !values || values->size() != 2)
    return op.emitError("OneHot's depth and values must be constants (fix "
                        "them at compile time with --input-value)");
  const int64_t depth = int64_t((*depthValue)[0]);
  if (depth < 1 || depth >= (int64_t(1) << 24))
    return op.emitError("depth ")
           << depth << " is outside [1, " << (int64_t(1) << 24) << ")";
  Shape out = Converter::shapeOf(op.getOutput());
  const int64_t rank = out.size();
  int64_t axis = op.getAxis();
  if (axis < -rank || axis >= rank)
    return op.emitError("axis ") << axis << " is out of range";
  axis = (axis + rank) % rank;
  FailureOr<Value> indices = c.get(op.getIndices(), op);
  auto type = c.laneType(op.getOutput(), loc, "output 0");
  if (failed(indices) || failed(type))
    return failure();
  Shape indexShape(out);
  indexShape[axis] = 1;
  // The indices as whole f32 numbers (exact below 2^24), those below 0
  // counted from depth.
  const bool integers = Converter::isI32Tensor(op.getIndices());
  Value whole = c.map(loc, {*indices},
                      integers ? Chain{ChainStep::operandStep(0),
                                       ChainStep::apply(StepKind::ToF32)}
                               : Chain{ChainStep::operandStep(0),
                                       ChainStep::apply(StepKind::TruncI32),
                                       ChainStep::apply(StepKind::ToF32)},
                      c.f32Tensor(Converter::shapeOf(op.getIndices())));
  Value negative = c.map(
      loc, {whole, c.scalar(loc, ".zero", 0.0f)},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Less)},
      c.f32Tensor(Converter::shapeOf(op.getIndices())));
  Value index =
      c.reshape(loc,
                c.map(loc, {negative, whole},
                      {ChainStep::operandStep(0),
                       ChainStep::apply(StepKind::Scale, float(depth)),
                       ChainStep::operandStep(1, StepKind::Add)},
                      c.f32Tensor(Converter::shapeOf(op.getIndices()))),
                indexShape);
  Shape positionShape(rank, 1);
  positionShape[axis] = depth;
  std::vector<float> positions(depth);
  for (int64_t i = 0; i < depth; ++i)
    positions[i] = float(i);
  const float off = (*values)[0], on = (*values)[1];
  Chain chain = {ChainStep::operandStep(0),
                 ChainStep::operandStep(1, StepKind::Equal),
                 ChainStep::apply(StepKind::Scale, on - off),
                 ChainStep::operandStep(2, StepKind::Add)};
  if (Converter::isI32Tensor(op.getOutput()))
    chain.push_back(ChainStep::apply(StepKind::TruncI32));
  c.set(op.getOutput(),
        c.map(loc,
              {c.constant(loc, ".positions", positionShape, positions), index,
               c.scalar(loc, ".off", off)},
              chain, *type));
  return success();
}
