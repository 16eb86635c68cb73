//===- ONNXOps.cpp - The onnx dialect -------------------------------------===//

#include "dialects/ONNX/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace lpuc::onnx;

#include "dialects/ONNX/ONNXDialect.cpp.inc"

void ONNXDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/ONNX/ONNXOps.cpp.inc"
      >();
}

llvm::StringRef lpuc::onnx::getOperatorType(Operation *op) {
  if (auto node = dyn_cast<NodeOp>(op))
    return node.getOpType();
  return op->getName().stripDialect();
}

llvm::StringRef lpuc::onnx::getNodeName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().getValue();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (llvm::StringRef name = getNodeName(inner); !name.empty())
        return name;
  return {};
}

Location lpuc::onnx::getNodeLocation(MLIRContext *context,
                                     llvm::StringRef nodeName,
                                     llvm::StringRef opType,
                                     llvm::StringRef file) {
  Location fileLoc = FileLineColLoc::get(context, file, 0, 0);
  Location typed =
      FusedLoc::get(context, {fileLoc}, StringAttr::get(context, opType));
  return NameLoc::get(StringAttr::get(context, nodeName), typed);
}

/// Static ranked 2-D shape, or nothing.
static std::optional<ArrayRef<int64_t>> matrixShape(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || ranked.getRank() != 2 || !ranked.hasStaticShape())
    return std::nullopt;
  return ranked.getShape();
}

LogicalResult MatMulOp::verify() {
  auto a = dyn_cast<RankedTensorType>(getA().getType());
  auto b = dyn_cast<RankedTensorType>(getB().getType());
  if (!a || !b)
    return success(); // Shapes unknown here; lowering requires them.
  if (a.getRank() == 0 || b.getRank() == 0)
    return emitOpError("operands must not be scalars");
  int64_t k1 = a.getShape().back();
  int64_t k2 =
      b.getRank() == 1 ? b.getShape()[0] : b.getShape()[b.getRank() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOpError("contraction dimensions differ: ") << k1 << " vs " << k2;
  return success();
}

LogicalResult GemmOp::verify() {
  auto a = matrixShape(getA().getType());
  auto b = matrixShape(getB().getType());
  if (!a || !b)
    return success(); // Shapes unknown here; lowering requires them.
  int64_t k1 = (*a)[getTransA() ? 0 : 1];
  int64_t k2 = (*b)[getTransB() ? 1 : 0];
  if (k1 != k2)
    return emitOpError("contraction dimensions differ: ") << k1 << " vs " << k2;
  return success();
}

#define GET_OP_CLASSES
#include "dialects/ONNX/ONNXOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Variadic element-wise ops and Clip
//===----------------------------------------------------------------------===//

static LogicalResult verifyVariadic(Operation *op) {
  if (op->getNumOperands() == 0)
    return op->emitOpError("needs at least one input");
  return success();
}

LogicalResult MaxOp::verify() { return verifyVariadic(*this); }
LogicalResult MinOp::verify() { return verifyVariadic(*this); }
LogicalResult SumOp::verify() { return verifyVariadic(*this); }
LogicalResult MeanOp::verify() { return verifyVariadic(*this); }

LogicalResult ClipOp::verify() {
  if (getBounds().size() > 2)
    return emitOpError("takes at most two bounds (min, max), got ")
           << getBounds().size();
  for (Value bound : getBounds())
    if (auto type = dyn_cast<ShapedType>(bound.getType());
        type && type.hasRank() && type.getRank() != 0 &&
        !(type.getRank() == 1 && type.getDimSize(0) == 1))
      return emitOpError("bounds must be scalars, got ") << bound.getType();
  return success();
}
