//===- ResultShapes.cpp - Static result shapes of onnx ops ----------------===//
//
// The rules follow the ONNX operator specifications (opset 11-17). Each
// returns nothing rather than guess: a result left dynamic is reported by
// lowering with the node's name.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/ResultShapes.h"

#include "dialects/ONNX/ONNXOps.h"
#include "dialects/ONNX/WindowRules.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace lpuc::onnx;

using Shape = SmallVector<int64_t>;

namespace {

std::optional<ArrayRef<int64_t>> staticShape(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return type.getShape();
}

bool isAbsent(Value v) { return !v || isa<NoneType>(v.getType()); }

SmallVector<int64_t> intsOf(Operation *op, StringRef name) {
  SmallVector<int64_t> values;
  if (auto attr = op->getAttrOfType<ArrayAttr>(name))
    for (Attribute a : attr)
      if (auto i = dyn_cast<IntegerAttr>(a))
        values.push_back(i.getInt());
  return values;
}

int64_t intOf(Operation *op, StringRef name, int64_t otherwise) {
  auto attr = op->getAttrOfType<IntegerAttr>(name);
  return attr ? attr.getInt() : otherwise;
}

/// The elements of a dense floating-point constant.
std::optional<SmallVector<double>> constantFloats(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<double> values;
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(f.convertToDouble());
  return values;
}

/// The output size of a window sliding over `in` positions, per ONNX's
/// Conv and pooling rules; nothing for a window larger than the input.
std::optional<int64_t> windowOutput(int64_t in, int64_t kernel, int64_t stride,
                                    int64_t dilation, int64_t padBegin,
                                    int64_t padTotal, StringRef autoPad,
                                    bool ceilMode) {
  if (stride < 1 || dilation < 1 || kernel < 1)
    return std::nullopt;
  if (lpuc::onnx_window::isSame(autoPad))
    return llvm::divideCeil(in, stride);
  const int64_t span = in + (autoPad == "VALID" ? 0 : padTotal) -
                       lpuc::onnx_window::extent(kernel, dilation);
  if (span < 0)
    return std::nullopt;
  int64_t out = (ceilMode ? llvm::divideCeil(span, stride) : span / stride) + 1;
  // A ceil-mode window must start inside the input or its leading padding.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

/// N, C and the spatial sizes of Conv, ConvTranspose and the pools.
std::optional<Shape> windowShape(Operation *op, int64_t channels,
                                 ArrayRef<int64_t> kernel, bool transposed) {
  auto in = staticShape(op->getOperand(0));
  if (!in || in->size() < 3 || kernel.size() != in->size() - 2)
    return std::nullopt;
  const size_t spatial = in->size() - 2;
  SmallVector<int64_t> strides = intsOf(op, "strides"),
                       dilations = intsOf(op, "dilations"),
                       pads = intsOf(op, "pads"),
                       outputPadding = intsOf(op, "output_padding"),
                       outputShape = intsOf(op, "output_shape");
  StringRef autoPad = "NOTSET";
  if (auto attr = op->getAttrOfType<StringAttr>("auto_pad"))
    autoPad = attr.getValue();
  auto at = [&](ArrayRef<int64_t> values, size_t i, int64_t otherwise) {
    return values.size() == spatial ? values[i] : otherwise;
  };
  Shape out = {(*in)[0], channels};
  for (size_t i = 0; i < spatial; ++i) {
    const int64_t size = (*in)[2 + i], stride = at(strides, i, 1),
                  dilation = at(dilations, i, 1);
    const bool padded = pads.size() == 2 * spatial;
    const int64_t padBegin = padded ? pads[i] : 0;
    const int64_t padTotal = padded ? pads[i] + pads[spatial + i] : 0;
    if (!transposed) {
      auto n = windowOutput(size, kernel[i], stride, dilation, padBegin,
                            padTotal, autoPad, intOf(op, "ceil_mode", 0) != 0);
      if (!n)
        return std::nullopt;
      out.push_back(*n);
    } else if (outputShape.size() == spatial) {
      out.push_back(outputShape[i]);
    } else if (lpuc::onnx_window::isSame(autoPad)) {
      out.push_back(size * stride);
    } else {
      out.push_back(stride * (size - 1) + at(outputPadding, i, 0) +
                    lpuc::onnx_window::extent(kernel[i], dilation) -
                    (autoPad == "VALID" ? 0 : padTotal));
    }
  }
  return out;
}

std::optional<Shape> convShape(Operation *op, bool transposed) {
  auto weights = staticShape(op->getOperand(1));
  if (!weights || weights->size() < 3)
    return std::nullopt;
  SmallVector<int64_t> kernel = intsOf(op, "kernel_shape");
  if (kernel.empty())
    kernel.assign(weights->begin() + 2, weights->end());
  const int64_t channels =
      transposed ? (*weights)[1] * intOf(op, "group", 1) : (*weights)[0];
  return windowShape(op, channels, kernel, transposed);
}

std::optional<Shape> poolShape(Operation *op) {
  auto in = staticShape(op->getOperand(0));
  if (!in || in->size() < 3)
    return std::nullopt;
  return windowShape(op, (*in)[1], intsOf(op, "kernel_shape"),
                     /*transposed=*/false);
}

std::optional<Shape> concatShape(ConcatOp op) {
  std::optional<Shape> out;
  int64_t axis = op.getAxis();
  for (Value input : op.getInputs()) {
    auto in = staticShape(input);
    if (!in)
      return std::nullopt;
    const int64_t rank = in->size();
    const int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
      return std::nullopt;
    if (!out) {
      out = Shape(*in);
      continue;
    }
    if (int64_t(out->size()) != rank)
      return std::nullopt;
    for (int64_t i = 0; i < rank; ++i)
      if (i != a && (*out)[i] != (*in)[i])
        return std::nullopt;
    (*out)[a] += (*in)[a];
  }
  return out;
}

std::optional<Shape> resizeShape(ResizeOp op) {
  auto in = staticShape(op.getX());
  auto params = op.getRoiScalesSizes(); // roi, scales, sizes
  auto given = [&](size_t i) {
    if (i >= params.size() || isAbsent(params[i]))
      return false;
    auto type = dyn_cast<ShapedType>(params[i].getType());
    return type && type.hasStaticShape() && type.getNumElements() > 0;
  };
  if (!in)
    return std::nullopt;
  if (given(2)) {
    auto sizes = getConstantIntegers(params[2]);
    if (sizes && sizes->size() == in->size())
      return Shape(*sizes);
  } else if (given(1)) {
    auto scales = constantFloats(params[1]);
    if (scales && scales->size() == in->size()) {
      Shape out;
      for (auto [d, scale] : llvm::zip(*in, *scales))
        out.push_back(int64_t(std::floor(double(d) * scale)));
      return out;
    }
  }
  return std::nullopt;
}

std::optional<Shape> reshapeShape(ReshapeOp op) {
  auto in = staticShape(op.getData());
  if (!in || op.getShapeInputs().size() != 1)
    return std::nullopt;
  auto target = getConstantIntegers(op.getShapeInputs()[0]);
  if (!target)
    return std::nullopt;
  const bool allowZero = intOf(op, "allowzero", 0) != 0;
  int64_t total = 1, known = 1;
  for (int64_t d : *in)
    total *= d;
  Shape out;
  int64_t inferred = -1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (i >= in->size())
        return std::nullopt;
      d = (*in)[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = out.size();
      out.push_back(1);
      continue;
    }
    if (d < 0 || llvm::MulOverflow(known, d, known))
      return std::nullopt;
    out.push_back(d);
  }
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return std::nullopt;
    out[inferred] = total / known;
  } else if (known != total) {
    return std::nullopt;
  }
  return out;
}

/// Unsqueeze inserts, Squeeze removes, size-1 dimensions at `axes` (an
/// input from opset 13, an attribute before; Squeeze without: every 1).
std::optional<Shape> squeezeShape(Operation *op, bool insert) {
  auto in = staticShape(op->getOperand(0));
  if (!in)
    return std::nullopt;
  SmallVector<int64_t> axes = intsOf(op, "axes");
  if (op->getNumOperands() > 1 && !isAbsent(op->getOperand(1))) {
    auto constant = getConstantIntegers(op->getOperand(1));
    if (!constant)
      return std::nullopt;
    axes.assign(constant->begin(), constant->end());
  }
  const int64_t rank =
      int64_t(in->size()) + (insert ? int64_t(axes.size()) : 0);
  for (int64_t &axis : axes) {
    if (axis < -rank || axis >= rank)
      return std::nullopt;
    axis = (axis + rank) % rank;
  }
  Shape out;
  if (insert) {
    for (int64_t d = 0, next = 0; d < rank; ++d)
      out.push_back(llvm::is_contained(axes, d) ? 1 : (*in)[next++]);
    return out;
  }
  for (int64_t d = 0; d < int64_t(in->size()); ++d)
    if (axes.empty() ? (*in)[d] != 1 : !llvm::is_contained(axes, d))
      out.push_back((*in)[d]);
  return out;
}

std::optional<Shape> transposeShape(TransposeOp op) {
  auto in = staticShape(op.getData());
  if (!in)
    return std::nullopt;
  SmallVector<int64_t> perm = intsOf(op, "perm");
  if (perm.empty())
    for (int64_t i = in->size() - 1; i >= 0; --i)
      perm.push_back(i);
  if (perm.size() != in->size())
    return std::nullopt;
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= int64_t(in->size()))
      return std::nullopt;
    out.push_back((*in)[p]);
  }
  return out;
}

/// Results of the same shape as the first operand (normalizations, softmax,
/// element-wise ops with scalar parameters).
std::optional<Shape> sameAsFirst(Operation *op) {
  if (auto in = staticShape(op->getOperand(0)))
    return Shape(*in);
  return std::nullopt;
}

std::optional<Shape> broadcastOperands(Operation *op) {
  Shape out;
  for (Value operand : op->getOperands()) {
    auto in = staticShape(operand);
    if (!in)
      return std::nullopt;
    auto b = broadcastShapes(out, *in);
    if (!b)
      return std::nullopt;
    out = *b;
  }
  return out;
}

} // namespace

std::optional<Shape> lpuc::onnx::broadcastShapes(ArrayRef<int64_t> a,
                                                 ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x != y && x != 1 && y != 1)
      return std::nullopt;
    out[i] = x == 1 ? y : x;
  }
  return out;
}

std::optional<Shape> lpuc::onnx::inferResultShape(Operation *op) {
  if (op->getNumResults() == 0 || op->getNumOperands() == 0)
    return std::nullopt;
  return llvm::TypeSwitch<Operation *, std::optional<Shape>>(op)
      .Case([](SliceOp slice) -> std::optional<Shape> {
        FailureOr<SliceBounds> bounds =
            getSliceBounds(slice, /*emitErrors=*/false);
        if (failed(bounds))
          return std::nullopt;
        return bounds->size;
      })
      .Case([](ExpandOp expand) -> std::optional<Shape> {
        auto in = staticShape(expand.getInput());
        auto target = getConstantIntegers(expand.getShape());
        if (!in || !target)
          return std::nullopt;
        return broadcastShapes(*in, *target);
      })
      .Case([](TileOp tile) -> std::optional<Shape> {
        auto in = staticShape(tile.getInput());
        auto repeats = getConstantIntegers(tile.getRepeats());
        if (!in || !repeats || repeats->size() != in->size())
          return std::nullopt;
        Shape out;
        for (auto [d, r] : llvm::zip(*in, *repeats)) {
          int64_t n;
          if (r < 0 || llvm::MulOverflow(d, r, n))
            return std::nullopt;
          out.push_back(n);
        }
        return out;
      })
      .Case([](ResizeOp op) { return resizeShape(op); })
      .Case([](ConvOp op) { return convShape(op, /*transposed=*/false); })
      .Case(
          [](ConvTransposeOp op) { return convShape(op, /*transposed=*/true); })
      .Case<MaxPoolOp, AveragePoolOp>(
          [](Operation *op) { return poolShape(op); })
      .Case<GlobalAveragePoolOp, GlobalMaxPoolOp>(
          [](Operation *op) -> std::optional<Shape> {
            auto in = staticShape(op->getOperand(0));
            if (!in || in->size() < 2)
              return std::nullopt;
            Shape out(in->begin(), in->end());
            std::fill(out.begin() + 2, out.end(), 1);
            return out;
          })
      .Case([](ConcatOp op) { return concatShape(op); })
      .Case([](ReshapeOp op) { return reshapeShape(op); })
      .Case([](TransposeOp op) { return transposeShape(op); })
      .Case([](UnsqueezeOp op) { return squeezeShape(op, /*insert=*/true); })
      .Case([](SqueezeOp op) { return squeezeShape(op, /*insert=*/false); })
      .Case<BatchNormalizationOp, LayerNormalizationOp, SoftmaxOp, LogSoftmaxOp,
            DropoutOp, ClipOp, LeakyReluOp, HardSigmoidOp, CastOp, IsNaNOp,
            IsInfOp, HardmaxOp, TriluOp, EyeLikeOp, InstanceNormalizationOp>(
          [](Operation *op) { return sameAsFirst(op); })
      .Default([](Operation *op) -> std::optional<Shape> {
        if (op->hasTrait<OpTrait::ResultsBroadcastableShape>() ||
            isa<WhereOp, MaxOp, MinOp, SumOp, MeanOp, PowOp>(op))
          return broadcastOperands(op);
        if (op->hasTrait<OpTrait::SameOperandsAndResultElementType>() &&
            op->getNumOperands() == 1)
          return sameAsFirst(op);
        return std::nullopt;
      });
}
