//===- Convolution.cpp - Conv, ConvTranspose and pooling ------------------===//
//
// Spatial ops work channels last: the conversion transposes their NCHW
// input to [N, H, W, C] and their result back, and tile-assign-layout then
// removes the transposes between spatial ops. Strides, dilations, pads and
// auto_pad become the window's leading padding. A 1-D convolution or pool
// ([N, C, W]) is the 2-D one over a single row ([N, C, 1, W]).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

#include "dialects/ONNX/WindowRules.h"
#include "dialects/Tile/Window.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

namespace {

constexpr int64_t kToChannelsLast[] = {0, 2, 3, 1};
constexpr int64_t kToChannelsFirst[] = {0, 3, 1, 2};

/// Whether a window node is 1-D: its input is [N, C, W].
bool isOneD(Operation *op) {
  return Converter::shapeOf(op->getOperand(0)).size() == 3;
}

/// `shape` with a unit row inserted before its last axis: [N, C, 1, W].
Shape withUnitRow(ArrayRef<int64_t> shape) {
  Shape out(shape);
  out.insert(out.end() - 1, 1);
  return out;
}

/// A window attribute as the 2-D node's: a 1-D node's [w] becomes [1, w],
/// and its pads [begin, end] become [0, begin, 0, end].
SmallVector<int64_t> windowInts(Operation *op, StringRef name) {
  SmallVector<int64_t> values;
  if (auto attr = op->getAttrOfType<ArrayAttr>(name))
    for (Attribute a : attr)
      values.push_back(cast<IntegerAttr>(a).getInt());
  if (!isOneD(op) || values.empty())
    return values;
  if (name == "pads" && values.size() == 2)
    return {0, values[0], 0, values[1]};
  if (values.size() == 1)
    return {name == "kernel_shape" || name == "strides" || name == "dilations"
                ? 1
                : 0,
            values[0]};
  return values;
}

/// What the conversion reads a window node's shapes with: a result of the
/// input's rank, and window attributes with one value per spatial axis
/// (pads two). The import's inference guard checks the attributes when
/// ONNX knows the input's rank; a declared result is otherwise taken on
/// trust (fuzzing finding 15).
LogicalResult checkWindowShapes(Operation *op) {
  Shape x = Converter::shapeOf(op->getOperand(0)),
        y = Converter::shapeOf(op->getResult(0));
  if (x.size() != y.size())
    return op->emitError("the result [")
           << onnx::formatShape(y) << "] has rank " << y.size()
           << ", but the input [" << onnx::formatShape(x) << "] has rank "
           << x.size();
  const size_t spatial = x.size() - 2;
  for (StringRef name :
       {"kernel_shape", "strides", "dilations", "output_padding", "pads"}) {
    auto attr = op->getAttrOfType<ArrayAttr>(name);
    const size_t expected = name == "pads" ? 2 * spatial : spatial;
    if (attr && attr.size() != expected)
      return op->emitError("attribute '")
             << name << "' has " << attr.size() << " values, but an input of "
             << "rank " << x.size() << " takes " << expected;
  }
  return success();
}

int64_t outputPadding(Operation *op, int i) {
  SmallVector<int64_t> values = windowInts(op, "output_padding");
  return values.size() == 2 ? values[i] : 0;
}

/// Kernel, strides, dilations and leading padding of a 2-D window node with
/// input [H, W] `in` and output `out`; `kernel` overrides kernel_shape.
FailureOr<tile::Window> windowOf(Operation *op, ArrayRef<int64_t> in,
                                 ArrayRef<int64_t> out,
                                 std::optional<std::array<int64_t, 2>> kernel) {
  tile::Window w;
  SmallVector<int64_t> k = windowInts(op, "kernel_shape"),
                       s = windowInts(op, "strides"),
                       d = windowInts(op, "dilations"),
                       p = windowInts(op, "pads");
  if (kernel) {
    w.kernel[0] = (*kernel)[0];
    w.kernel[1] = (*kernel)[1];
  } else if (k.size() == 2) {
    w.kernel[0] = k[0];
    w.kernel[1] = k[1];
  } else {
    return op->emitError("needs a 2-D kernel_shape");
  }
  for (int i = 0; i < 2; ++i) {
    if (s.size() == 2)
      w.strides[i] = s[i];
    if (d.size() == 2)
      w.dilations[i] = d[i];
  }
  StringRef autoPad = "NOTSET";
  if (auto attr = op->getAttrOfType<StringAttr>("auto_pad"))
    autoPad = attr.getValue();
  const bool transposed = isa<onnx::ConvTransposeOp>(op);
  for (int i = 0; i < 2; ++i) {
    if (autoPad == "NOTSET") {
      if (p.size() == 4)
        w.padBegin[i] = p[i];
      if (transposed && op->hasAttr("output_shape")) {
        // An explicit output shape decides the padding, the extra at the
        // start.
        const int64_t total = (in[i] - 1) * w.strides[i] +
                              onnx_window::extent(w.kernel[i], w.dilations[i]) -
                              out[i] + outputPadding(op, i);
        // ONNX rounds total / 2 down (a negative total adds outputs at the
        // end).
        w.padBegin[i] = total - llvm::divideFloorSigned(total, 2);
      }
    } else if (onnx_window::isSame(autoPad)) {
      w.padBegin[i] =
          onnx_window::samePads(
              in[i], w.strides[i],
              onnx_window::extent(w.kernel[i], w.dilations[i]), autoPad)
              .first;
      if (transposed) {
        // The padding that makes the declared output size.
        const int64_t total = (in[i] - 1) * w.strides[i] +
                              onnx_window::extent(w.kernel[i], w.dilations[i]) -
                              out[i] + outputPadding(op, i);
        int64_t half = llvm::divideFloorSigned(total, 2);
        w.padBegin[i] = autoPad == "SAME_UPPER" ? half : total - half;
      }
    } else if (autoPad != "VALID") {
      return op->emitError("unknown auto_pad '") << autoPad << "'";
    }
  }
  // What a model can get wrong, each said in its own terms (the window
  // ops' verifiers would otherwise speak of tile ops).
  static const char *const kAxes[] = {"height", "width"};
  for (int i = 0; i < 2; ++i) {
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1)
      return op->emitError("the kernel size, stride and dilation along ")
             << kAxes[i] << " must be at least 1 (they are " << w.kernel[i]
             << ", " << w.strides[i] << ", " << w.dilations[i] << ")";
    if (transposed || (autoPad != "NOTSET" && autoPad != "VALID"))
      continue;
    const int64_t extent = onnx_window::extent(w.kernel[i], w.dilations[i]);
    const bool padded = autoPad == "NOTSET" && p.size() == 4;
    const int64_t begin = padded ? p[i] : 0, end = padded ? p[i + 2] : 0;
    if (begin < 0 || end < 0)
      return op->emitError("pads along ")
             << kAxes[i] << " are " << begin << " and " << end
             << "; they must not be negative";
    if (begin >= extent || end >= extent)
      return op->emitError("pads along ")
             << kAxes[i] << " are " << begin << " and " << end
             << ", not smaller than the window's extent " << extent
             << ": whole windows would lie in the padding";
    if (in[i] + begin + end < extent)
      return op->emitError("the window's extent along ")
             << kAxes[i] << " is " << extent << ", larger than the input's "
             << in[i] << " padded to " << in[i] + begin + end;
  }
  return w;
}

Shape permuted(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
  Shape out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  return out;
}

} // namespace

LogicalResult lpuc::onnx_to_tile::checkWindow(Operation *op) {
  if (!isa<onnx::ConvOp, onnx::MaxPoolOp, onnx::AveragePoolOp>(op))
    return success();
  auto x = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto y = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!x || !y || !x.hasStaticShape() || !y.hasStaticShape() ||
      x.getRank() != 4 || y.getRank() != 4)
    return success();
  // windowOf reads an attribute of another length as absent.
  if (failed(checkWindowShapes(op)))
    return failure();
  std::optional<std::array<int64_t, 2>> kernel;
  if (isa<onnx::ConvOp>(op)) {
    auto w = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
    if (!w || !w.hasStaticShape() || w.getRank() != 4)
      return success();
    kernel = std::array<int64_t, 2>{w.getDimSize(2), w.getDimSize(3)};
  }
  return windowOf(op, {x.getDimSize(2), x.getDimSize(3)},
                  {y.getDimSize(2), y.getDimSize(3)}, kernel);
}

FailureOr<Value> lpuc::onnx_to_tile::emitConvolution(Converter &c,
                                                     Operation *op, Value input,
                                                     Value weights, Value bias,
                                                     int64_t paddingValue) {
  const bool transposed = isa<onnx::ConvTransposeOp>(op);
  const int64_t group = op->getAttrOfType<IntegerAttr>("group")
                            ? op->getAttrOfType<IntegerAttr>("group").getInt()
                            : 1;
  Location loc = op->getLoc();
  const bool oneD = isOneD(op);
  if (Converter::shapeOf(input).size() != 4 && !oneD)
    return op->emitError("only 1-D and 2-D convolutions (3-D and 4-D inputs) "
                         "and 3-D Conv (the loader writes it as 2-D ones) "
                         "are supported");
  if (failed(checkWindowShapes(op)))
    return failure();
  // The import's inference guard refuses weights of another rank when
  // inference knows both ranks; this holds for the others (fuzzing finding 8).
  if (Shape xShape = Converter::shapeOf(input),
      wShape = Converter::shapeOf(weights);
      wShape.size() != xShape.size())
    return op->emitError("the weights [")
           << onnx::formatShape(wShape) << "] have rank " << wShape.size()
           << ", but an input of rank " << xShape.size() << " ["
           << onnx::formatShape(xShape) << "] takes weights of its own rank";
  if (oneD) {
    input = c.reshape(loc, input, withUnitRow(Converter::shapeOf(input)));
    weights = c.reshapeKeepingConstant(
        loc, weights, withUnitRow(Converter::shapeOf(weights)));
  }
  Shape x = Converter::shapeOf(input), w = Converter::shapeOf(weights),
        y = Converter::shapeOf(op->getResult(0));
  if (oneD)
    y = withUnitRow(y);
  const int64_t C = x[1];
  const int64_t F = transposed ? w[1] * group : w[0];
  if (group < 1 || C % group || F % group)
    return op->emitError("group ") << group << " does not divide the " << C
                                   << " input and " << F << " output channels";
  // The import's inference guard checks this whenever inference knows both
  // shapes (fuzzing finding 12: 8 values for 16 channels).
  if (Shape b = bias ? Converter::shapeOf(bias) : Shape{F}; b != Shape{F})
    return op->emitError("the bias [")
           << onnx::formatShape(b) << "] must hold one value per output "
           << "channel, " << F;
  // The weights' input channels: [C, F/group, ...] transposed, else
  // [F, C/group, ...].
  const int64_t weightChannels = transposed ? w[0] : w[1] * group;
  if (weightChannels != C)
    return op->emitError("the input has ")
           << C << " channels but the weights ["
           << onnx::formatShape(Converter::shapeOf(op->getOperand(1)))
           << "] take " << weightChannels
           << (group > 1 ? " (over " + std::to_string(group) + " groups)" : "");
  const bool constantWeights = bool(weights.getDefiningOp<arith::ConstantOp>());
  if (!constantWeights && group != 1)
    return op->emitError("grouped convolution weights must be constant");
  FailureOr<tile::Window> win = windowOf(op, {x[2], x[3]}, {y[2], y[3]},
                                         std::array<int64_t, 2>{w[2], w[3]});
  if (failed(win))
    return failure();
  Value nhwc = c.transpose(loc, input, kToChannelsLast);
  // Weights computed at run time become [KH, KW, C, F], whose rows are the
  // rows of each tap's weight tile.
  if (!constantWeights)
    weights = c.transpose(loc, weights,
                          transposed ? ArrayRef<int64_t>{2, 3, 0, 1}
                                     : ArrayRef<int64_t>{2, 3, 1, 0});
  SmallVector<Value> extras;
  Chain epilogue;
  if (bias) {
    extras.push_back(bias);
    epilogue.push_back(ChainStep::operandStep(0, StepKind::Add));
  }
  auto [steps, factors] = tile::getChainAttrs(c.builder, epilogue);
  Shape outNHWC = permuted(y, kToChannelsLast);
  OpBuilder &b = c.builder;
  Value conv = tile::ConvOp::create(
      b, loc, c.f32Tensor(outNHWC), nhwc, weights, extras,
      b.getDenseI64ArrayAttr(win->kernel), b.getDenseI64ArrayAttr(win->strides),
      b.getDenseI64ArrayAttr(win->dilations),
      b.getDenseI64ArrayAttr(win->padBegin), b.getI64IntegerAttr(group),
      transposed ? b.getUnitAttr() : UnitAttr(),
      /*tap_major=*/constantWeights ? UnitAttr() : b.getUnitAttr(), steps,
      factors, IntegerAttr(), DenseI32ArrayAttr(),
      b.getI64IntegerAttr(paddingValue), /*on_vxm=*/UnitAttr(),
      /*vxm_pixels=*/IntegerAttr(), /*segments=*/IntegerAttr(),
      /*separate_partials=*/UnitAttr(), /*banded_input=*/IntegerAttr());
  Value result = c.transpose(loc, conv, kToChannelsFirst);
  return oneD ? c.reshape(loc, result, Converter::shapeOf(op->getResult(0)))
              : result;
}

LogicalResult lpuc::onnx_to_tile::lowerConvolution(Operation *op,
                                                   Converter &c) {
  FailureOr<bool> quantized = lowerQuantizedConv(op, c);
  if (failed(quantized) || *quantized)
    return failure(failed(quantized));
  Value Bv = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  FailureOr<Value> input = c.get(op->getOperand(0), op),
                   weights = c.get(op->getOperand(1), op);
  FailureOr<Value> bias = Value();
  if (Bv && !isa<NoneType>(Bv.getType()))
    bias = c.get(Bv, op);
  if (failed(input) || failed(weights) || failed(bias))
    return failure();
  FailureOr<Value> result =
      emitConvolution(c, op, *input, *weights, *bias, /*paddingValue=*/0);
  if (failed(result))
    return failure();
  c.set(op->getResult(0), *result);
  return success();
}

/// MaxPool, AveragePool and GlobalAveragePool, channels last.
LogicalResult lpuc::onnx_to_tile::lowerPool(Operation *op, Converter &c) {
  if (auto maxPool = dyn_cast<onnx::MaxPoolOp>(op))
    for (Value indices : maxPool.getIndices())
      if (!indices.use_empty())
        return op->emitError("the MaxPool Indices output is not supported");
  Value X = op->getOperand(0), result = op->getResult(0);
  const bool oneD = isOneD(op);
  if (Converter::shapeOf(X).size() != 4 && !oneD)
    return op->emitError("only 1-D, 2-D and 3-D pooling (3-D to 5-D inputs) "
                         "is supported");
  if (failed(checkWindowShapes(op)))
    return failure();
  Shape x = Converter::shapeOf(X), y = Converter::shapeOf(result);
  Location loc = op->getLoc();
  FailureOr<Value> input = c.get(X, op);
  if (failed(input))
    return failure();
  // Integers of up to 16 bits are exact in f32, where the windows compare.
  const bool integer = Converter::isI32Tensor(X);
  if (integer) {
    if (!isa<onnx::MaxPoolOp>(op) ||
        Converter::declaredElementType(X).getIntOrFloatBitWidth() > 16)
      return op->emitError("pooling of integers is MaxPool of 8- and 16-bit "
                           "integers only (exact in f32)");
    input =
        c.map(loc, {*input},
              {ChainStep::operandStep(0), ChainStep::apply(StepKind::ToF32)},
              c.f32Tensor(x));
  }
  if (oneD) {
    x = withUnitRow(x);
    y = withUnitRow(y);
  }
  Value nhwc = c.transpose(loc, c.reshape(loc, *input, x), kToChannelsLast);
  auto type = c.f32Tensor(permuted(y, kToChannelsLast));
  Value pooled;
  OpBuilder &b = c.builder;
  if (isa<onnx::GlobalAveragePoolOp>(op)) {
    pooled = tile::GlobalPoolOp::create(b, loc, type, nhwc, IntegerAttr(),
                                        DenseI32ArrayAttr(),
                                        /*separate_partials=*/UnitAttr(),
                                        /*on_vxm=*/UnitAttr());
  } else {
    FailureOr<tile::Window> win =
        windowOf(op, {x[2], x[3]}, {y[2], y[3]}, std::nullopt);
    if (failed(win))
      return failure();
    tile::PoolKind kind = tile::PoolKind::Max;
    if (auto average = dyn_cast<onnx::AveragePoolOp>(op))
      kind = average.getCountIncludePad() ? tile::PoolKind::AverageWithPadding
                                          : tile::PoolKind::Average;
    pooled = tile::PoolOp::create(b, loc, type, nhwc,
                                  tile::PoolKindAttr::get(b.getContext(), kind),
                                  b.getDenseI64ArrayAttr(win->kernel),
                                  b.getDenseI64ArrayAttr(win->strides),
                                  b.getDenseI64ArrayAttr(win->dilations),
                                  b.getDenseI64ArrayAttr(win->padBegin));
  }
  Value nchw = c.reshape(loc, c.transpose(loc, pooled, kToChannelsFirst),
                         Converter::shapeOf(result));
  if (integer)
    nchw =
        c.map(loc, {nchw},
              {ChainStep::operandStep(0), ChainStep::apply(StepKind::TruncI32)},
              RankedTensorType::get(Converter::shapeOf(result),
                                    c.builder.getI32Type()));
  c.set(result, nchw);
  return success();
}
