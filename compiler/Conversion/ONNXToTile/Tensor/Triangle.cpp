//===- Triangle.cpp - Trilu -----------------------------------------------===//
//
// Trilu keeps the elements on one side of diagonal k of the last two axes
// and zeroes the others: min(max(x, low), high) with bounds that pass an
// element (-inf, +inf; the integer limits for i32) or pin it to 0 (0, 0).
// One map, exact for every value, infinities included; a zeroed NaN stays
// NaN (a mask product would turn a zeroed infinity into NaN as well).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

#include <limits>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

LogicalResult lpuc::onnx_to_tile::lowerTrilu(onnx::TriluOp op, Converter &c) {
  Location loc = op.getLoc();
  Shape shape = Converter::shapeOf(op.getInput());
  const int64_t rank = shape.size();
  if (rank < 2)
    return op.emitError("Trilu needs at least 2 axes, got ") << rank;
  int64_t k = 0;
  if (Value diagonal = op.getK()) {
    std::optional<SmallVector<int64_t>> values =
        onnx::getConstantIntegers(diagonal);
    if (!values || values->size() != 1)
      return op.emitError("Trilu's k must be a constant scalar (fix it at "
                          "compile time with --input-value)");
    k = (*values)[0];
  }
  FailureOr<Value> input = c.get(op.getInput(), op);
  auto type = c.laneType(op.getOutput(), loc, "output 0");
  if (failed(input) || failed(type))
    return failure();
  const int64_t rows = shape[rank - 2], cols = shape[rank - 1];
  const bool upper = op.getUpper() != 0;
  auto kept = [&](int64_t i, int64_t j) {
    return upper ? j - i >= k : j - i <= k;
  };
  Shape boundShape(rank, 1);
  boundShape[rank - 2] = rows;
  boundShape[rank - 1] = cols;
  Value low, high;
  if (Converter::isI32Tensor(op.getInput())) {
    std::vector<int32_t> lows, highs;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        lows.push_back(kept(i, j) ? std::numeric_limits<int32_t>::min() : 0);
        highs.push_back(kept(i, j) ? std::numeric_limits<int32_t>::max() : 0);
      }
    low = c.integerConstant(loc, ".low", boundShape, lows);
    high = c.integerConstant(loc, ".high", boundShape, highs);
  } else {
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> lows, highs;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        lows.push_back(kept(i, j) ? -inf : 0.0f);
        highs.push_back(kept(i, j) ? inf : 0.0f);
      }
    low = c.constant(loc, ".low", boundShape, lows);
    high = c.constant(loc, ".high", boundShape, highs);
  }
  c.set(op.getOutput(), c.map(loc, {*input, low, high},
                              {ChainStep::operandStep(0),
                               ChainStep::operandStep(1, StepKind::Max),
                               ChainStep::operandStep(2, StepKind::Min)},
                              *type));
  return success();
}
