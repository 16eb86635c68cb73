//===- Shape.cpp - Reshapes, Transpose, Concat, DepthToSpace ------------===//

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
  // ONNX shape inference takes a Reshape's target as given.
  auto in = cast<ShapedType>(op->getOperand(0).getType()),
       out = cast<ShapedType>(result.getType());
  if (in.getNumElements() != out.getNumElements()) {
    return op->emitError("cannot reshape [")
           << onnx::formatShape(in.getShape()) << "] (" << in.getNumElements()
           << " elements) to [" << onnx::formatShape(out.getShape()) << "] ("
           << out.getNumElements() << " elements)";
  }
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

/// DepthToSpace and SpaceToDepth: a reshape to 6-D, a transpose that moves
/// the block axes, and a reshape back to 4-D.
LogicalResult lpuc::onnx_to_tile::lowerDepthToSpace(Operation *op,
                                                    Converter &c) {
  Location loc = op->getLoc();
  Shape shape = Converter::shapeOf(op->getOperand(0));
  if (shape.size() != 4)
    return op->emitError("needs a 4-D input, got rank ") << shape.size();
  const int64_t n = shape[0], channels = shape[1], h = shape[2], w = shape[3];
  Shape blocks;
  SmallVector<int64_t> perm;
  if (auto toSpace = dyn_cast<onnx::DepthToSpaceOp>(op)) {
    const int64_t b = toSpace.getBlocksize();
    if (b <= 0 || channels % (b * b) != 0)
      return op->emitError("blocksize ")
             << b << " squared does not divide the " << channels << " channels";
    if (toSpace.getMode() == "DCR") {
      blocks = {n, b, b, channels / (b * b), h, w};
      perm = {0, 3, 4, 1, 5, 2};
    } else if (toSpace.getMode() == "CRD") {
      blocks = {n, channels / (b * b), b, b, h, w};
      perm = {0, 1, 4, 2, 5, 3};
    } else {
      return op->emitError("unknown mode '") << toSpace.getMode() << "'";
    }
  } else {
    const int64_t b = cast<onnx::SpaceToDepthOp>(op).getBlocksize();
    if (b <= 0 || h % b != 0 || w % b != 0)
      return op->emitError("blocksize ")
             << b << " does not divide the " << h << "x" << w << " image";
    blocks = {n, channels, h / b, b, w / b, b};
    perm = {0, 3, 5, 1, 2, 4};
  }
  if (Converter::isI32Tensor(op->getOperand(0)))
    return op->emitError("int32 and int64 tensors are not supported (the "
                         "transpose moves the innermost axis)");
  FailureOr<Value> input = c.get(op->getOperand(0), op);
  if (failed(input))
    return failure();
  Value moved = c.transpose(loc, c.reshape(loc, *input, blocks), perm);
  Value result = op->getResult(0);
  c.set(result, c.reshape(loc, moved, Converter::shapeOf(result)));
  return success();
}
