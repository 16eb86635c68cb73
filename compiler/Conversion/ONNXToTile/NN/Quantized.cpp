//===- Quantized.cpp - QDQ and QLinear nodes as int8 products -------------===//
//
// An ONNX 8-bit tensor is an i8 tile tensor: int8 values as they are, uint8
// values minus 128, so that both are what the MXM multiplies; zero points
// move into that domain with them. QuantizeLinear is a map whose result is
// i8 (the write rounds half to even and saturates), DequantizeLinear a map
// back to f32, or, of a constant, a constant.
//
// A product of dequantized operands (QDQ around Conv, MatMul and Gemm; the
// QLinear and Integer nodes) runs in int8 with int32 sums:
//   sum_k (x_k - zx)(w_k - zw) = sum_k x_k w'_k - zx sum_k w'_k,
// with w' = w - zw computed at compile time (it must fit int8) and zx per
// tensor. The correction and the scales sx sw[f] are a per-channel map
// after the product, which tile-fuse-elementwise folds into its epilogue.
// A convolution's padding holds zx, so every output pixel has the same
// correction.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

#include "dialects/LPU/LPUOps.h"

#include <cmath>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

namespace {

bool isEightBit(Type element) { return element.isInteger(8); }

/// real = (q - zero) * scale, per tensor or per slice along `axis`; the
/// zero points are in the lane domain (minus Converter::eightBitLaneOffset).
struct Quantization {
  SmallVector<float> scales;
  SmallVector<int64_t> zeros;
  int64_t axis = 0;

  bool perTensor() const { return scales.size() == 1; }
  float scale(int64_t slice) const { return scales[perTensor() ? 0 : slice]; }
  int64_t zero(int64_t slice) const { return zeros[perTensor() ? 0 : slice]; }
  bool hasZeros() const {
    return llvm::any_of(zeros, [](int64_t z) { return z != 0; });
  }
  /// The real values of `lanes`, a tensor of `shape` in the lane domain,
  /// times `factor`.
  std::vector<float> realValues(ArrayRef<int64_t> lanes,
                                ArrayRef<int64_t> shape,
                                float factor = 1.0f) const {
    // Flat element i is in slice i / inner % shape[axis].
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
      inner *= shape[d];
    std::vector<float> real(lanes.size());
    for (size_t i = 0; i < lanes.size(); ++i) {
      const int64_t slice = perTensor() ? 0 : int64_t(i) / inner % shape[axis];
      real[i] = float(lanes[i] - zero(slice)) * scale(slice) * factor;
    }
    return real;
  }
};

/// The quantization of `data` (8-bit, or i32 for a bias) by `op`'s
/// constant `scale` (null: 1, as for the Integer nodes) and `zeroPoint`
/// (null or none: 0) along `axis`.
FailureOr<Quantization> readQuantization(Operation *op, Value data, Value scale,
                                         Value zeroPoint, int64_t axis,
                                         const Twine &what) {
  auto type = dyn_cast<RankedTensorType>(data.getType());
  if (!type || !type.hasStaticShape())
    return op->emitError() << what << " needs a static shape";
  const bool hasZeroPoint = zeroPoint && !isa<NoneType>(zeroPoint.getType());
  std::optional<SmallVector<int64_t>> zeros;
  if (hasZeroPoint) {
    zeros = onnx::getConstantIntegers(zeroPoint);
    if (!zeros || zeros->empty())
      return op->emitError()
             << what << " zero point must be a constant integer tensor";
  }
  std::optional<std::vector<float>> scales;
  if (scale) {
    scales = Converter::constantFloats(scale);
    if (!scales || scales->empty())
      return op->emitError() << what
                             << " scale must be a constant f32 tensor (scales "
                                "computed at run time are not supported)";
  } else {
    scales = std::vector<float>(zeros ? zeros->size() : 1, 1.0f);
  }
  const int64_t rank = type.getRank();
  if (axis < 0)
    axis += rank;
  if (scales->size() != 1 && (axis < 0 || axis >= rank ||
                              int64_t(scales->size()) != type.getShape()[axis]))
    return op->emitError() << what << " has " << scales->size()
                           << " scales or zero points: expected one, or one "
                              "per element of axis "
                           << axis << " of " << type;
  if (zeros && zeros->size() != scales->size())
    return op->emitError() << what << " has " << zeros->size()
                           << " zero points for " << scales->size()
                           << " scales";
  for (float s : *scales)
    if (!(s > 0.0f) || !std::isfinite(s))
      return op->emitError()
             << what << " scale " << s << " is not positive and finite";
  Quantization q;
  q.scales.assign(scales->begin(), scales->end());
  q.axis = axis;
  const int64_t offset =
      Converter::eightBitLaneOffset(Converter::declaredElementType(data));
  if (zeros)
    for (int64_t z : *zeros)
      q.zeros.push_back(z - offset);
  else
    q.zeros.assign(scales->size(), -offset);
  return q;
}

/// Values per slice along `axis` of a rank-`rank` tensor as a constant that
/// broadcasts like them ([n, 1, ..., 1]), or a scalar.
Value sliceConstant(Converter &c, Location loc, StringRef suffix,
                    ArrayRef<float> values, int64_t rank, int64_t axis) {
  if (values.size() == 1)
    return c.scalar(loc, suffix, values.front());
  Shape shape(rank - axis, 1);
  shape.front() = values.size();
  return c.constant(loc, suffix, shape, values);
}

SmallVector<float> toFloats(ArrayRef<int64_t> values) {
  return SmallVector<float>(values.begin(), values.end());
}

/// `value` (i8 lanes) as real numbers: (value - zero) * scale.
Value dequantize(Converter &c, Location loc, Value value,
                 const Quantization &q) {
  const int64_t rank = Converter::shapeOf(value).size();
  SmallVector<Value> inputs = {value};
  Chain chain = {ChainStep::operandStep(0)};
  if (q.hasZeros()) {
    inputs.push_back(
        sliceConstant(c, loc, ".zero", toFloats(q.zeros), rank, q.axis));
    chain.push_back(ChainStep::operandStep(1, StepKind::Sub));
  }
  inputs.push_back(sliceConstant(c, loc, ".scale", q.scales, rank, q.axis));
  chain.push_back(ChainStep::operandStep(inputs.size() - 1, StepKind::Mul));
  return c.map(loc, inputs, chain, c.f32Tensor(Converter::shapeOf(value)));
}

/// Real numbers `value` (f32) quantized: saturate(round(value / scale) +
/// zero) as i8 lanes; the write rounds half to even and saturates.
Value quantize(Converter &c, Location loc, Value value, const Quantization &q) {
  Shape shape = Converter::shapeOf(value);
  SmallVector<Value> inputs = {
      value, sliceConstant(c, loc, ".scale", q.scales, shape.size(), q.axis)};
  Chain chain = {ChainStep::operandStep(0),
                 ChainStep::operandStep(1, StepKind::Div)};
  if (q.hasZeros()) {
    inputs.push_back(sliceConstant(c, loc, ".zero", toFloats(q.zeros),
                                   shape.size(), q.axis));
    chain.push_back(ChainStep::operandStep(2, StepKind::Add));
  }
  return c.map(loc, inputs, chain,
               RankedTensorType::get(shape, c.builder.getI8Type()));
}

/// The lane values of a constant 8-bit or i32 tensor (uint8 minus 128).
std::optional<SmallVector<int64_t>> laneIntegers(Value value) {
  std::optional<SmallVector<int64_t>> values = onnx::getConstantIntegers(value);
  const int64_t offset =
      Converter::eightBitLaneOffset(getElementTypeOrSelf(value.getType()));
  if (values && offset)
    for (int64_t &v : *values)
      v -= offset;
  return values;
}

/// The tile value of an 8-bit ONNX value computed at run time.
FailureOr<Value> laneValue(Converter &c, Operation *op, Value value,
                           const Twine &what) {
  Type element = Converter::declaredElementType(value);
  if (!isEightBit(element))
    return op->emitError() << what << " has element type " << element
                           << ": only int8 and uint8 are supported";
  if (value.getDefiningOp<arith::ConstantOp>())
    return op->emitError() << what << " is a constant; only weights may be";
  return c.getEightBitLanes(value, op);
}

//===----------------------------------------------------------------------===//
// Products of dequantized operands
//===----------------------------------------------------------------------===//

enum class ProductKind { Conv, MatMul, Gemm };

/// A product of an 8-bit input computed at run time and constant 8-bit
/// weights, as real numbers plus a bias.
struct RealProduct {
  Operation *op;
  ProductKind kind;
  Value x, w; // the ONNX 8-bit values
  Quantization xq, wq;
  /// The tile value added to the product (f32, per output channel or one),
  /// or null.
  Value bias;
  /// Gemm: B is [N, K].
  bool transposeB = false;
  float alpha = 1.0f;

  /// Flat element i of the weights is in output channel
  /// i / channelStride() % channels().
  int64_t channelStride() const {
    Shape shape = Converter::shapeOf(w);
    if (kind == ProductKind::Conv)
      return shape[1] * shape[2] * shape[3];
    return transposeB ? shape[1] : 1;
  }
  int64_t channels() const {
    Shape shape = Converter::shapeOf(w);
    return kind == ProductKind::Conv ? shape[0] : shape[transposeB ? 0 : 1];
  }
  /// The weights' axis that is the output channel.
  int64_t channelAxis() const {
    return kind == ProductKind::Conv || transposeB ? 0 : 1;
  }
};

/// Weights as the MXM multiplies them: w - zw, all within int8.
struct Int8Weights {
  std::vector<float> values; // in the ONNX weights' layout
  SmallVector<int64_t> sums; // per output channel
};

/// The weights w - zw with each output channel's sum, or nothing if a value
/// leaves int8 or the scale is neither per tensor nor per output channel.
std::optional<Int8Weights> int8Weights(const RealProduct &p) {
  if (!p.wq.perTensor() && p.wq.axis != p.channelAxis())
    return std::nullopt;
  std::optional<SmallVector<int64_t>> values = laneIntegers(p.w);
  if (!values)
    return std::nullopt;
  const int64_t channels = p.channels(), stride = p.channelStride();
  Int8Weights result;
  result.sums.assign(channels, 0);
  result.values.resize(values->size());
  for (size_t i = 0; i < values->size(); ++i) {
    // The weights' quantization slices are their output channels.
    const int64_t channel = int64_t(i) / stride % channels;
    const int64_t v = (*values)[i] - p.wq.zero(channel);
    if (v < -128 || v > 127)
      return std::nullopt;
    result.sums[channel] += v;
    result.values[i] = float(v);
  }
  return result;
}

/// The weights as an i8 constant named after them.
Value int8Constant(Converter &c, const RealProduct &p, ArrayRef<float> values) {
  Location loc = p.w.getLoc();
  StringRef node = onnx::getNodeName(loc);
  std::string name = ((node.empty() ? "weights" : node) + ".int8").str();
  ElementsAttr attr = lpuc::lpu::getFloatElements(
      c.builder.getContext(), name, ::lpu::DType::I8, Converter::shapeOf(p.w),
      values);
  return arith::ConstantOp::create(
      c.builder, NameLoc::get(c.builder.getStringAttr(name), loc),
      cast<TypedAttr>(attr));
}

/// `product` (sums of i8 products) as real numbers: times sx sw[f], minus
/// the input zero point's share, plus the bias.
FailureOr<Value> scaleSums(Converter &c, const RealProduct &p, Value product,
                           ArrayRef<int64_t> sums) {
  Location loc = p.op->getLoc();
  const int64_t channels = p.channels();
  Shape shape = Converter::shapeOf(product);
  const int64_t rank = shape.size();
  const int64_t axis = p.kind == ProductKind::Conv ? 1 : rank - 1;
  std::optional<std::vector<float>> bias;
  if (p.bias) {
    bias = Converter::constantFloats(p.bias);
    if (bias && bias->size() != 1 && int64_t(bias->size()) != channels)
      bias.reset();
  }
  SmallVector<float> scales(channels), offsets(channels);
  for (int64_t f = 0; f < channels; ++f) {
    scales[f] = p.alpha * p.xq.scale(0) * p.wq.scale(p.wq.perTensor() ? 0 : f);
    offsets[f] = -float(p.xq.zero(0)) * float(sums[f]) * scales[f];
    if (bias)
      offsets[f] += (*bias)[bias->size() == 1 ? 0 : f];
  }
  SmallVector<Value> inputs = {product};
  Chain chain = {ChainStep::operandStep(0)};
  if (llvm::any_of(scales, [](float s) { return s != 1.0f; })) {
    inputs.push_back(sliceConstant(c, loc, ".scale", scales, rank, axis));
    chain.push_back(ChainStep::operandStep(1, StepKind::Mul));
  }
  if (p.xq.hasZeros() || bias) {
    inputs.push_back(sliceConstant(c, loc, ".offset", offsets, rank, axis));
    chain.push_back(ChainStep::operandStep(inputs.size() - 1, StepKind::Add));
  }
  if (p.bias && !bias) {
    inputs.push_back(p.bias);
    chain.push_back(ChainStep::operandStep(inputs.size() - 1, StepKind::Add));
  }
  return c.map(loc, inputs, chain, c.f32Tensor(shape));
}

/// The product's tile op over tile values `x` and `w`, f32 result.
FailureOr<Value> emitProduct(Converter &c, const RealProduct &p, Value x,
                             Value w, Value bias, int64_t paddingValue) {
  Location loc = p.op->getLoc();
  if (p.kind == ProductKind::Conv)
    return emitConvolution(c, p.op, x, w, bias, paddingValue);
  Shape aShape = Converter::shapeOf(x),
        outShape = Converter::shapeOf(p.op->getResult(0));
  const int64_t K = aShape.back(), N = outShape.back();
  const int64_t rows = cast<ShapedType>(x.getType()).getNumElements() / K;
  Value product = c.matmul(loc, x, w, rows, K, N, {0, 0, 0}, p.transposeB,
                           c.f32Tensor(outShape));
  if (!bias)
    return product;
  return c.map(
      loc, {product, bias},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Add)},
      c.f32Tensor(outShape));
}

/// The product as real numbers: in int8 if its weights fit (`int8`, when
/// the caller has them already), else in the float precision on dequantized
/// operands.
FailureOr<Value> emitRealProduct(Converter &c, const RealProduct &p,
                                 std::optional<Int8Weights> int8 = {}) {
  Location loc = p.op->getLoc();
  FailureOr<Value> x = laneValue(c, p.op, p.x, "the input");
  if (failed(x))
    return failure();
  if (!int8 && p.xq.perTensor())
    int8 = int8Weights(p);
  if (int8) {
    FailureOr<Value> sums = emitProduct(
        c, p, *x, int8Constant(c, p, int8->values), Value(), p.xq.zero(0));
    if (failed(sums))
      return failure();
    return scaleSums(c, p, *sums, int8->sums);
  }
  // Dequantized operands, multiplied like float ones.
  std::optional<SmallVector<int64_t>> values = laneIntegers(p.w);
  if (!values)
    return p.op->emitError("the weights must be a constant 8-bit tensor");
  Shape wShape = Converter::shapeOf(p.w);
  Value weights = c.constant(p.w.getLoc(), ".real", wShape,
                             p.wq.realValues(*values, wShape, p.alpha));
  return emitProduct(c, p, dequantize(c, loc, *x, p.xq), weights, p.bias, 0);
}

/// A DequantizeLinear of an 8-bit tensor, with its quantization.
std::optional<std::pair<Value, Quantization>> matchDequantized(Value value) {
  auto dq = value.getDefiningOp<onnx::DequantizeLinearOp>();
  if (!dq || !isEightBit(Converter::declaredElementType(dq.getX())))
    return std::nullopt;
  FailureOr<Quantization> q =
      readQuantization(dq, dq.getX(), dq.getXScale(), dq.getXZeroPoint(),
                       dq.getAxis(), "the input");
  if (failed(q))
    return std::nullopt;
  return std::make_pair(dq.getX(), *q);
}

Value optionalOperand(Operation *op, unsigned index) {
  if (index >= op->getNumOperands() ||
      isa<NoneType>(op->getOperand(index).getType()))
    return {};
  return op->getOperand(index);
}

} // namespace

/// A QuantizeLinear whose scale or zero point is computed at run time (as
/// DynamicQuantizeLinear's are): one map into the integers, per tensor.
LogicalResult quantizeAtRunTime(onnx::QuantizeLinearOp op, Converter &c) {
  Location loc = op.getLoc();
  Type element = getElementTypeOrSelf(op.getY().getType());
  auto oneElement = [](Value v) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return type && type.hasStaticShape() && type.getNumElements() == 1;
  };
  Value zeroPoint = optionalOperand(op, 2);
  if (!oneElement(op.getYScale()) || (zeroPoint && !oneElement(zeroPoint)))
    return op.emitError("a scale or zero point computed at run time must be "
                        "one value (per-axis ones must be constants)");
  FailureOr<Value> x = c.get(op.getX(), op);
  FailureOr<Value> scale = c.get(op.getYScale(), op);
  if (failed(x) || failed(scale))
    return failure();
  const Shape shape = Converter::shapeOf(op.getX());
  SmallVector<Value> inputs = {*x, c.reshape(loc, *scale, {1})};
  // round(x / scale) + zero, saturated: an integer (get() gives the int8
  // lanes to whatever wants them).
  Chain chain = {ChainStep::operandStep(0),
                 ChainStep::operandStep(1, StepKind::Div),
                 ChainStep::apply(StepKind::RoundI32)};
  if (zeroPoint) {
    FailureOr<Value> zero = c.get(zeroPoint, op);
    if (failed(zero))
      return failure();
    inputs.push_back(c.reshape(loc, *zero, {1}));
    chain.push_back(ChainStep::operandStep(2, StepKind::Add));
  }
  const int64_t low = element.isUnsignedInteger(8) ? 0 : -128;
  inputs.push_back(c.integerConstant(loc, ".low", {1}, {int32_t(low)}));
  chain.push_back(ChainStep::operandStep(inputs.size() - 1, StepKind::Max));
  inputs.push_back(c.integerConstant(loc, ".high", {1}, {int32_t(low + 255)}));
  chain.push_back(ChainStep::operandStep(inputs.size() - 1, StepKind::Min));
  c.set(op.getY(), c.map(loc, inputs, chain,
                         RankedTensorType::get(shape, c.builder.getI32Type())));
  return success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

LogicalResult lpuc::onnx_to_tile::lowerQuantizeLinear(onnx::QuantizeLinearOp op,
                                                      Converter &c) {
  Location loc = op.getLoc();
  if (!isEightBit(getElementTypeOrSelf(op.getY().getType())))
    return op.emitError("quantizes to ")
           << getElementTypeOrSelf(op.getY().getType())
           << ": only int8 and uint8 are supported";
  if (failed(c.laneType(op.getX(), loc, "input 0")))
    return failure();
  Value zeroPoint = optionalOperand(op, 2);
  if (!op.getYScale().getDefiningOp<arith::ConstantOp>() ||
      (zeroPoint && !zeroPoint.getDefiningOp<arith::ConstantOp>()))
    return quantizeAtRunTime(op, c);
  FailureOr<Quantization> q =
      readQuantization(op, op.getY(), op.getYScale(), op.getYZeroPoint(),
                       op.getAxis(), "the output");
  FailureOr<Value> x = c.get(op.getX(), op);
  if (failed(q) || failed(x))
    return failure();
  c.set(op.getY(), quantize(c, loc, *x, *q));
  return success();
}

LogicalResult
lpuc::onnx_to_tile::lowerDequantizeLinear(onnx::DequantizeLinearOp op,
                                          Converter &c) {
  Location loc = op.getLoc();
  Value x = op.getX();
  Type element = Converter::declaredElementType(x);
  FailureOr<Quantization> q = readQuantization(
      op, x, op.getXScale(), op.getXZeroPoint(), op.getAxis(), "the input");
  if (failed(q))
    return failure();
  if (std::optional<SmallVector<int64_t>> values = laneIntegers(x)) {
    // Weights and biases: real numbers at compile time.
    if (!isEightBit(element) && !element.isSignlessInteger(32))
      return op.emitError("dequantizes ")
             << element << ": only int8, uint8 and int32 are supported";
    Shape shape = Converter::shapeOf(x);
    c.set(op.getY(), c.constant(loc, "", shape, q->realValues(*values, shape)));
    return success();
  }
  FailureOr<Value> value = laneValue(c, op, x, "input 0");
  if (failed(value))
    return failure();
  c.set(op.getY(), dequantize(c, loc, *value, *q));
  return success();
}

namespace {

/// The tile value of optional operand `index` of `op`, or null.
FailureOr<Value> optionalTileOperand(Converter &c, Operation *op,
                                     unsigned index) {
  Value value = optionalOperand(op, index);
  if (!value)
    return Value();
  return c.get(value, op);
}

/// `p` as an int8 product, its bias node operand `biasIndex` (if any): true,
/// or false if its input is not quantized per tensor or its weights do not
/// fit int8 (it then runs on the dequantized values).
FailureOr<bool> lowerIfInt8(Converter &c, RealProduct p,
                            std::optional<unsigned> biasIndex) {
  if (!p.xq.perTensor())
    return false;
  std::optional<Int8Weights> weights = int8Weights(p);
  if (!weights)
    return false;
  if (biasIndex) {
    FailureOr<Value> bias = optionalTileOperand(c, p.op, *biasIndex);
    if (failed(bias))
      return failure();
    p.bias = *bias;
  }
  FailureOr<Value> y = emitRealProduct(c, p, std::move(weights));
  if (failed(y))
    return failure();
  c.set(p.op->getResult(0), *y);
  return true;
}

/// An int32 bias of scale sx sw[f] as a real f32 constant.
FailureOr<Value> realBias(Converter &c, const RealProduct &p, Value bias) {
  std::optional<SmallVector<int64_t>> values = onnx::getConstantIntegers(bias);
  if (!values || int64_t(values->size()) != p.channels())
    return p.op->emitError("the bias must be a constant of ")
           << p.channels() << " integers";
  SmallVector<float> real;
  for (auto [f, v] : llvm::enumerate(*values))
    real.push_back(float(v) * p.xq.scale(0) * p.wq.scale(f));
  return c.constant(p.op->getLoc(), ".bias", {p.channels()}, real);
}

} // namespace

FailureOr<bool> lpuc::onnx_to_tile::lowerQuantizedConv(Operation *op,
                                                       Converter &c) {
  auto conv = dyn_cast<onnx::ConvOp>(op);
  if (!conv)
    return false;
  auto x = matchDequantized(conv.getX()), w = matchDequantized(conv.getW());
  if (!x || !w || x->first.getDefiningOp<arith::ConstantOp>() ||
      !w->first.getDefiningOp<arith::ConstantOp>())
    return false;
  return lowerIfInt8(c,
                     RealProduct{op, ProductKind::Conv, x->first, w->first,
                                 x->second, w->second},
                     /*biasIndex=*/2);
}

FailureOr<bool> lpuc::onnx_to_tile::lowerQuantizedMatMul(Operation *op,
                                                         Converter &c) {
  auto x = matchDequantized(op->getOperand(0)),
       w = matchDequantized(op->getOperand(1));
  if (!x || !w || x->first.getDefiningOp<arith::ConstantOp>() ||
      !w->first.getDefiningOp<arith::ConstantOp>() ||
      Converter::shapeOf(w->first).size() != 2 ||
      Converter::shapeOf(x->first).size() < 2)
    return false;
  RealProduct p{op,       ProductKind::MatMul, x->first,
                w->first, x->second,           w->second};
  if (auto gemm = dyn_cast<onnx::GemmOp>(op)) {
    // Gemm: A not transposed, C (if any) added as it is.
    if (gemm.getTransA() || Converter::shapeOf(x->first).size() != 2 ||
        (gemm.getC() && gemm.getBeta().convertToFloat() != 1.0f))
      return false;
    p.kind = ProductKind::Gemm;
    p.transposeB = gemm.getTransB();
    p.alpha = gemm.getAlpha().convertToFloat();
  }
  return lowerIfInt8(c, p,
                     p.kind == ProductKind::Gemm ? std::optional<unsigned>(2)
                                                 : std::nullopt);
}

/// QLinearConv, QLinearMatMul: the real product of dequantized operands,
/// quantized. ConvInteger, MatMulInteger: the exact sums, carried as f32
/// integers (exact up to 2^24).
LogicalResult lpuc::onnx_to_tile::lowerIntegerProduct(Operation *op,
                                                      Converter &c) {
  const bool isConv = isa<onnx::QLinearConvOp, onnx::ConvIntegerOp>(op);
  const bool qlinear = isa<onnx::QLinearConvOp, onnx::QLinearMatMulOp>(op);
  // Operand indices: x, its scale and zero point, w, its scale and zero
  // point (scales absent for the Integer nodes).
  const unsigned wIndex = qlinear ? 3 : 1;
  Value xValue = op->getOperand(0), wValue = op->getOperand(wIndex);
  Value xScale = qlinear ? op->getOperand(1) : Value();
  Value wScale = qlinear ? op->getOperand(4) : Value();
  Value xZero = optionalOperand(op, 2);
  Value wZero = optionalOperand(op, qlinear ? 5 : 3);
  if (!wValue.getDefiningOp<arith::ConstantOp>() ||
      !isEightBit(getElementTypeOrSelf(wValue.getType())))
    return op->emitError("the weights must be a constant int8 or uint8 "
                         "tensor (weights computed at run time are not "
                         "supported yet)");
  if (!isConv && Converter::shapeOf(wValue).size() != 2)
    return op->emitError("the right operand must be 2-D");
  if (!isConv && cast<ShapedType>(xValue.getType()).getRank() < 2)
    return op->emitError("the left operand must have rank 2 or more");
  FailureOr<Quantization> xq =
      readQuantization(op, xValue, xScale, xZero, 1, "the input");
  FailureOr<Quantization> wq = readQuantization(op, wValue, wScale, wZero,
                                                isConv ? 0 : 1, "the weights");
  if (failed(xq) || failed(wq))
    return failure();
  if (!xq->perTensor())
    return op->emitError("the input's scale and zero point must be one per "
                         "tensor (per-row input quantization is not "
                         "supported)");
  RealProduct p{op,     isConv ? ProductKind::Conv : ProductKind::MatMul,
                xValue, wValue,
                *xq,    *wq};
  if (auto qconv = dyn_cast<onnx::QLinearConvOp>(op); qconv && qconv.getB()) {
    FailureOr<Value> bias = realBias(c, p, qconv.getB());
    if (failed(bias))
      return failure();
    p.bias = *bias;
  }
  FailureOr<Value> real = emitRealProduct(c, p);
  if (failed(real))
    return failure();
  if (!qlinear) {
    c.set(op->getResult(0), *real);
    return success();
  }
  FailureOr<Quantization> yq =
      readQuantization(op, op->getResult(0), op->getOperand(6),
                       op->getOperand(7), isConv ? 1 : -1, "the output");
  if (failed(yq))
    return failure();
  if (!yq->perTensor())
    return op->emitError("the output's scale and zero point must be one per "
                         "tensor");
  if (!isEightBit(getElementTypeOrSelf(op->getResult(0).getType())))
    return op->emitError("the output must be int8 or uint8");
  c.set(op->getResult(0), quantize(c, op->getLoc(), *real, *yq));
  return success();
}
