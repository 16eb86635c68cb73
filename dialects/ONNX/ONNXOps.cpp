//===- ONNXOps.cpp - The onnx dialect -------------------------------------===//

#include "dialects/ONNX/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

#include <cstring>

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

std::string lpuc::onnx::getGraphIOName(FunctionOpInterface graph,
                                       unsigned index, bool isInput) {
  auto name = isInput
                  ? graph.getArgAttrOfType<StringAttr>(index, "onnx.name")
                  : graph.getResultAttrOfType<StringAttr>(index, "onnx.name");
  if (name)
    return name.str();
  return (isInput ? "input" : "output") + std::to_string(index);
}

std::string lpuc::onnx::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  for (int64_t d : shape)
    text += (text.empty() ? "" : "x") + std::to_string(d);
  return text;
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
  // C broadcasts one way, to [M, N]; ONNX's inference does not check it
  // (fuzzing finding 17: C [1x65] for a [3x4] result).
  auto c = getC() ? dyn_cast<RankedTensorType>(getC().getType()) : nullptr;
  if (!c || !c.hasStaticShape())
    return success();
  const int64_t result[2] = {(*a)[getTransA() ? 1 : 0],
                             (*b)[getTransB() ? 0 : 1]};
  ArrayRef<int64_t> shape = c.getShape();
  bool broadcasts = shape.size() <= 2;
  for (size_t i = 0; broadcasts && i < shape.size(); ++i) {
    const int64_t to = result[2 - shape.size() + i];
    broadcasts = shape[i] == 1 || shape[i] == to;
  }
  if (!broadcasts)
    return emitOpError("C has shape [")
           << formatShape(shape)
           << "], which does not broadcast to the result [" << result[0] << "x"
           << result[1] << "]";
  return success();
}

#define GET_OP_CLASSES
#include "dialects/ONNX/ONNXOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Integer products
//===----------------------------------------------------------------------===//

static LogicalResult verifyZeroPoints(Operation *op, ValueRange zeroPoints) {
  if (zeroPoints.size() > 2)
    return op->emitOpError("takes at most two zero points, not ")
           << zeroPoints.size();
  return success();
}

LogicalResult MatMulIntegerOp::verify() {
  return verifyZeroPoints(*this, getZeroPoints());
}
LogicalResult ConvIntegerOp::verify() {
  return verifyZeroPoints(*this, getZeroPoints());
}

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

//===----------------------------------------------------------------------===//
// Constant operands
//===----------------------------------------------------------------------===//

std::optional<SmallVector<int64_t>>
lpuc::onnx::getConstantIntegers(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  auto element = type ? dyn_cast<IntegerType>(type.getElementType()) : nullptr;
  if (!element)
    return std::nullopt;
  SmallVector<int64_t> values;
  const bool isUnsigned = element.isUnsigned();
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue())) {
    for (const APInt &v : dense.getValues<APInt>())
      values.push_back(isUnsigned ? int64_t(v.getZExtValue())
                                  : v.getSExtValue());
    return values;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
  AsmResourceBlob *blob =
      resource ? resource.getRawHandle().getBlob() : nullptr;
  const size_t width = element.getWidth() / 8;
  if (!blob || width == 0 ||
      blob->getData().size() != type.getNumElements() * width)
    return std::nullopt;
  const char *raw = blob->getData().data();
  values.reserve(type.getNumElements());
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, raw + i * width, width); // little-endian host
    if (!isUnsigned && width < 8 && (bits >> (8 * width - 1)) & 1)
      bits |= ~uint64_t(0) << (8 * width);
    values.push_back(int64_t(bits));
  }
  return values;
}

FailureOr<SliceBounds> lpuc::onnx::getSliceBounds(
    ArrayRef<int64_t> shape, ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
    std::optional<ArrayRef<int64_t>> axes,
    std::optional<ArrayRef<int64_t>> steps, std::string &error) {
  const int64_t rank = shape.size();
  SliceBounds bounds;
  bounds.start.assign(rank, 0);
  bounds.step.assign(rank, 1);
  bounds.size.assign(shape.begin(), shape.end());
  if (starts.size() != ends.size() || (axes && axes->size() != starts.size()) ||
      (steps && steps->size() != starts.size())) {
    error = "starts, ends, axes and steps differ in length";
    return failure();
  }
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = axes ? (*axes)[i] : int64_t(i);
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank || seen[axis]) {
      error = "axis " + std::to_string(axes ? (*axes)[i] : int64_t(i)) +
              " is out of range or repeated";
      return failure();
    }
    seen[axis] = true;
    const int64_t dim = shape[axis];
    const int64_t step = steps ? (*steps)[i] : 1;
    if (step == 0) {
      error = "a step is 0";
      return failure();
    }
    auto position = [&](int64_t p) {
      if (p < 0)
        p = p < -dim ? -1 : p + dim; // saturating: INT64_MIN stays negative
      return step > 0 ? std::clamp<int64_t>(p, 0, dim)
                      : std::clamp<int64_t>(p, -1, dim - 1);
    };
    int64_t start = position(starts[i]), end = position(ends[i]);
    if (step > 0 && start < 0)
      start = 0;
    int64_t count = step > 0 ? (end - start + step - 1) / step
                             : (start - end + (-step) - 1) / (-step);
    bounds.start[axis] = start;
    bounds.step[axis] = step;
    bounds.size[axis] = std::max<int64_t>(count, 0);
  }
  return bounds;
}

FailureOr<SliceBounds> lpuc::onnx::getSliceBounds(SliceOp op, bool emitErrors) {
  auto fail = [&](const Twine &message) -> FailureOr<SliceBounds> {
    if (emitErrors)
      return op.emitError(message);
    return failure();
  };
  auto type = dyn_cast<RankedTensorType>(op.getData().getType());
  if (!type || !type.hasStaticShape())
    return fail("Slice needs a statically shaped input");
  auto starts = getConstantIntegers(op.getStarts());
  auto ends = getConstantIntegers(op.getEnds());
  std::optional<SmallVector<int64_t>> axes, steps;
  if (op.getAxes())
    axes = getConstantIntegers(op.getAxes());
  if (op.getSteps())
    steps = getConstantIntegers(op.getSteps());
  if (!starts || !ends || (op.getAxes() && !axes) || (op.getSteps() && !steps))
    return fail("Slice starts, ends, axes and steps must be known at compile "
                "time");
  std::string error;
  auto bounds = getSliceBounds(
      type.getShape(), *starts, *ends,
      axes ? std::optional<ArrayRef<int64_t>>(*axes) : std::nullopt,
      steps ? std::optional<ArrayRef<int64_t>>(*steps) : std::nullopt, error);
  if (failed(bounds))
    return fail("Slice: " + error);
  return bounds;
}
