//===- Shape.cpp - Reshapes, Transpose, Concat ----------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

/// Reshape, Flatten, Squeeze and Unsqueeze keep the element order.
LogicalResult lpuc::onnx_to_tile::lowerReshape(Operation *op, Converter &c) {
  if (failed(c.checkDataTypes(op)))
    return failure();
  FailureOr<Value> input = c.get(op->getOperand(0), op);
  if (failed(input))
    return failure();
  Value result = op->getResult(0);
  c.set(result,
        tile::ReshapeOp::create(
            c.builder, op->getLoc(),
            RankedTensorType::get(Converter::shapeOf(result),
                                  getElementTypeOrSelf(input->getType())),
            *input));
  return success();
}

LogicalResult lpuc::onnx_to_tile::lowerTranspose(onnx::TransposeOp op,
                                                 Converter &c) {
  Shape from = Converter::shapeOf(op.getData());
  const int64_t rank = from.size();
  if (rank == 0)
    return lowerCopy(op, c);
  SmallVector<int64_t> perm;
  if (auto attr = op.getPerm())
    for (Attribute a : *attr)
      perm.push_back(cast<IntegerAttr>(a).getInt());
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  // A transpose that moves lanes is a product on the MXM, which multiplies
  // no i32.
  if (perm.back() != rank - 1 && Converter::isI32Tensor(op.getData()))
    return op.emitError("a Transpose of int32 or int64 tensors that moves the "
                        "innermost axis is not supported yet");
  FailureOr<Value> input = c.get(op.getData(), op);
  if (failed(input))
    return failure();
  c.set(op.getTransposed(), c.transpose(op.getLoc(), *input, perm));
  return success();
}

LogicalResult lpuc::onnx_to_tile::lowerConcat(onnx::ConcatOp op, Converter &c) {
  Shape out = Converter::shapeOf(op.getConcatResult());
  const int64_t rank = out.size();
  int64_t axis = op.getAxis();
  if (rank == 0 || axis < -rank || axis >= rank)
    return op.emitError("axis ") << axis << " is out of range";
  axis = (axis + rank) % rank;
  SmallVector<Value> inputs;
  for (Value input : op.getInputs()) {
    FailureOr<Value> value = c.get(input, op);
    if (failed(value))
      return failure();
    inputs.push_back(*value);
  }
  auto type = c.laneType(op.getConcatResult(), op.getLoc(), "output 0");
  if (failed(type))
    return failure();
  c.set(op.getConcatResult(),
        tile::ConcatOp::create(c.builder, op.getLoc(), *type, inputs,
                               c.builder.getI64IntegerAttr(axis)));
  return success();
}
