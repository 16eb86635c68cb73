//===- TileOps.cpp - The tile dialect -------------------------------------===//

#include "dialects/Tile/TileOps.h"
#include "dialects/Tile/Window.h"
#include "lpu/Elements.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

#include "dialects/LPU/LPUOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace lpuc::tile;

#include "dialects/Tile/TileDialect.cpp.inc"
#include "dialects/Tile/TileEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Tile/TileAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/Tile/TileOps.cpp.inc"

void TileDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Tile/TileAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Tile/TileOps.cpp.inc"
      >();
}

/// A placement lists (slice, address) pairs; the expansion checks them
/// against the tensor and the target.
static LogicalResult verifySRAMAttr(Operation *op, NamedAttribute attr) {
  auto parts = dyn_cast<DenseI32ArrayAttr>(attr.getValue());
  if (!parts || parts.empty() || parts.size() % 2 ||
      llvm::any_of(parts.asArrayRef(), [](int32_t v) { return v < 0; }))
    return op->emitError("'") << attr.getName().getValue()
                              << "' lists (slice, address) pairs: "
                                 "array<i32: ...> of an even, non-zero length";
  return success();
}

std::optional<SmallVector<ArrayRef<int32_t>>>
lpuc::tile::splitWeightPlacements(ArrayRef<int32_t> list) {
  SmallVector<ArrayRef<int32_t>> tiles;
  while (!list.empty()) {
    const int64_t parts = list.front();
    if (parts < 1 || int64_t(list.size()) < 1 + 2 * parts)
      return std::nullopt;
    ArrayRef<int32_t> pairs = list.slice(1, 2 * parts);
    if (llvm::any_of(pairs, [](int32_t v) { return v < 0; }))
      return std::nullopt;
    tiles.push_back(pairs);
    list = list.drop_front(1 + 2 * parts);
  }
  return tiles;
}

/// Graph inputs and outputs carry placements and host types.
static LogicalResult verifyIOAttr(Operation *op, NamedAttribute attr) {
  if (attr.getName() == kSRAMAttrName)
    return verifySRAMAttr(op, attr);
  if (attr.getName() == kHostTypeAttrName) {
    if (!isa<TypeAttr>(attr.getValue()))
      return op->emitError("'") << kHostTypeAttrName << "' is an element type";
    return success();
  }
  if (attr.getName() == kSplitRowsAttrName) {
    auto rows = dyn_cast<IntegerAttr>(attr.getValue());
    if (!rows || rows.getInt() < 1)
      return op->emitError("'")
             << kSplitRowsAttrName << "' is a positive row count";
    return success();
  }
  return op->emitError("unknown tile attribute '")
         << attr.getName() << "' on a graph input or output";
}

LogicalResult TileDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                    unsigned,
                                                    NamedAttribute attr) {
  return verifyIOAttr(op, attr);
}

LogicalResult TileDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                       unsigned result,
                                                       NamedAttribute attr) {
  if (attr.getName() != kStateOfAttrName)
    return verifyIOAttr(op, attr);
  auto func = dyn_cast<FunctionOpInterface>(op);
  auto input = dyn_cast<IntegerAttr>(attr.getValue());
  if (!func || !input || input.getInt() < 0 ||
      input.getInt() >= int64_t(func.getNumArguments()))
    return op->emitError("'")
           << kStateOfAttrName << "' names a graph input by its index";
  if (func.getArgumentTypes()[input.getInt()] != func.getResultTypes()[result])
    return op->emitError("state result ")
           << result << " has type " << func.getResultTypes()[result]
           << ", not that of input " << input.getInt() << ", "
           << func.getArgumentTypes()[input.getInt()];
  return success();
}

LogicalResult TileDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  if (attr.getName() == kTargetAttrName) {
    if (!isa<ModuleOp>(op) || !isa<StringAttr>(attr.getValue()))
      return op->emitError("'")
             << kTargetAttrName << "' names a target on a module";
    return success();
  }
  if (attr.getName() == kPrecisionAttrName) {
    auto type = dyn_cast<TypeAttr>(attr.getValue());
    if (!isa<ModuleOp>(op) || !type ||
        !isa<Float32Type, Float16Type, BFloat16Type>(type.getValue()))
      return op->emitError("'")
             << kPrecisionAttrName << "' is f32, f16 or bf16 on a module";
    auto name = op->getAttrOfType<StringAttr>(kTargetAttrName);
    const ::lpu::TargetDesc *target =
        name ? lpuc::lpu::findTarget(name.getValue()) : nullptr;
    if (target && !target->mxmRate(lpuc::lpu::getDType(type.getValue())))
      return op->emitError("the MXM of ")
             << target->name << " multiplies " << target->mxmTypeList()
             << ", not " << type.getValue();
    return success();
  }
  if (attr.getName() == kSplitRowsAttrName) {
    auto rows = dyn_cast<IntegerAttr>(attr.getValue());
    if (!rows || rows.getInt() < 1 || op->getNumResults() != 1 ||
        !isa<RankedTensorType>(op->getResult(0).getType()))
      return op->emitError("'")
             << kSplitRowsAttrName
             << "' is a positive row count on an op with one tensor result";
    return success();
  }
  if (attr.getName() == kIdentitySRAMAttrName) {
    if (failed(verifySRAMAttr(op, attr)))
      return failure();
    if (!isa<FunctionOpInterface>(op))
      return op->emitError("'")
             << kIdentitySRAMAttrName << "' is on the graph's function";
    return success();
  }
  if (attr.getName() == kWeightSRAMAttrName) {
    auto list = dyn_cast<DenseI32ArrayAttr>(attr.getValue());
    if (!list || list.empty() || !splitWeightPlacements(list.asArrayRef()))
      return op->emitError("'")
             << kWeightSRAMAttrName
             << "' lists, per weight tile, a part count P >= 1 then P "
                "(slice, address) pairs";
    if (!isa<MatMulOp, ConvOp>(op))
      return op->emitError("'")
             << kWeightSRAMAttrName << "' is on a tile.matmul or tile.conv";
    return success();
  }
  if (attr.getName() == kModelWorkAttrName) {
    auto work = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    if (!work || work.size() != 2 || work[0] < 0 || work[1] < 0 ||
        !isa<MatMulOp, ConvOp>(op))
      return op->emitError("'") << kModelWorkAttrName
                                << "' is array<i64: macs, weight elements> "
                                   "on a tile.matmul or tile.conv";
    return success();
  }
  if (attr.getName() == kSRAMAttrName) {
    if (failed(verifySRAMAttr(op, attr)))
      return failure();
    if (op->getNumResults() != 1 ||
        !isa<RankedTensorType>(op->getResult(0).getType()))
      return op->emitError("'")
             << kSRAMAttrName << "' is on an op with one tensor result";
    return success();
  }
  return op->emitError("unknown tile attribute '") << attr.getName() << "'";
}

llvm::StringRef lpuc::tile::getPrecisionName(::lpu::DType dtype) {
  switch (dtype) {
  case ::lpu::DType::F32:
    return "fp32";
  case ::lpu::DType::F16:
    return "fp16";
  case ::lpu::DType::BF16:
    return "bf16";
  default:
    return "none";
  }
}

::lpu::DType lpuc::tile::getDefaultMXMFloatType(const ::lpu::TargetDesc &t) {
  for (::lpu::DType type :
       {::lpu::DType::F32, ::lpu::DType::F16, ::lpu::DType::BF16})
    if (t.mxmRate(type))
      return type;
  return ::lpu::DType::None;
}

::lpu::DType lpuc::tile::getMXMFloatType(Operation *op,
                                         const ::lpu::TargetDesc &target) {
  auto module =
      isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  if (auto type = module ? module->getAttrOfType<TypeAttr>(kPrecisionAttrName)
                         : TypeAttr())
    return lpuc::lpu::getDType(type.getValue());
  return getDefaultMXMFloatType(target);
}

int64_t lpuc::tile::getMovementParts(Operation *op,
                                     const ::lpu::TargetDesc &target) {
  if (!isa<TransposeOp, MaxPoolTransposeOp>(op) ||
      !getElementTypeOrSelf(op->getOperand(0).getType()).isF32() ||
      target.mxmRate(::lpu::DType::F32) || !target.mxmRate(::lpu::DType::BF16))
    return 1;
  return onlyProductsRead(op->getResult(0)) ? 1 : 3;
}

bool lpuc::tile::onlyProductsRead(Value value) {
  // Reshapes copy values exactly, so their readers count. A worklist, not
  // recursion: a chain of reshapes may be long.
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Value next = worklist.pop_back_val();
    for (OpOperand &use : next.getUses()) {
      Operation *user = use.getOwner();
      if (auto reshape = dyn_cast<ReshapeOp>(user)) {
        worklist.push_back(reshape.getResult());
        continue;
      }
      if (!isa<MatMulOp, ConvOp>(user) || use.getOperandNumber() >= 2)
        return false;
    }
  }
  return true;
}

::lpu::DType lpuc::tile::getMXMType(Operation *op,
                                    const ::lpu::TargetDesc &target) {
  if (op->getNumOperands() &&
      getElementTypeOrSelf(op->getOperand(0).getType()).isInteger(8))
    return ::lpu::DType::I8;
  if (getMovementParts(op, target) > 1)
    return ::lpu::DType::BF16;
  return getMXMFloatType(op, target);
}

int64_t lpuc::tile::getMXMRows(Operation *op, const ::lpu::TargetDesc &target) {
  const ::lpu::MXMRate *rate = target.mxmRate(getMXMType(op, target));
  return rate ? rate->rows : target.lanes;
}

int64_t lpuc::tile::getMXMRowCycles(::lpu::DType type,
                                    const ::lpu::TargetDesc &target) {
  const ::lpu::MXMRate *rate = target.mxmRate(type);
  return rate ? std::max<int64_t>(1, rate->cycles) : 1;
}

const ::lpu::TargetDesc *lpuc::tile::getTarget(Operation *op) {
  auto module =
      isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  auto name = module ? module->getAttrOfType<StringAttr>(kTargetAttrName)
                     : StringAttr();
  if (!name) {
    op->emitError("the module names no target (attribute '")
        << kTargetAttrName << "'; convert-onnx-to-tile sets it)";
    return nullptr;
  }
  const ::lpu::TargetDesc *target = lpuc::lpu::findTarget(name.getValue());
  if (!target)
    op->emitError("unknown target '") << name.getValue() << "'";
  return target;
}

bool lpuc::tile::isPixelInvariantConstant(Value operand) {
  auto type = cast<RankedTensorType>(operand.getType());
  return operand.getDefiningOp<arith::ConstantOp>() &&
         (type.getNumElements() == 1 ||
          (type.getRank() >= 1 && type.getRank() <= 4 &&
           llvm::all_of(type.getShape().drop_back(),
                        [](int64_t d) { return d == 1; })));
}

std::optional<std::vector<uint32_t>>
lpuc::tile::readConstantWords(arith::ConstantOp constant) {
  return lpuc::lpu::readLaneWords(cast<ElementsAttr>(constant.getValue()));
}

std::optional<float> lpuc::tile::getSplatValue(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!constant || !type || !type.getElementType().isF32() ||
      type.getNumElements() > 4096)
    return std::nullopt;
  std::optional<std::vector<uint32_t>> words = readConstantWords(constant);
  if (!words || words->empty() ||
      llvm::any_of(*words, [&](uint32_t w) { return w != words->front(); }))
    return std::nullopt;
  return ::lpu::wordToFloat(words->front());
}

Value lpuc::tile::constantFromLaneWords(OpBuilder &builder, Location loc,
                                        RankedTensorType type,
                                        ArrayRef<uint32_t> words) {
  const ::lpu::DType dtype = lpuc::lpu::getDType(type.getElementType());
  const size_t width = ::lpu::dtypeHostBytes(dtype);
  std::vector<char> bytes(words.size() * width);
  for (size_t i = 0; i < words.size(); ++i)
    ::lpu::laneWordToHost(dtype, words[i], bytes.data() + i * width);
  auto attr = DenseElementsAttr::getFromRawBuffer(type, bytes);
  return arith::ConstantOp::create(builder, loc, type, cast<TypedAttr>(attr));
}

Value lpuc::tile::repeatConstant(OpBuilder &builder, Location loc,
                                 Value operand, int64_t outer, int64_t inner,
                                 ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(operand.getType());
  if (type.getNumElements() == 1)
    return operand;
  auto constant = operand.getDefiningOp<arith::ConstantOp>();
  std::optional<std::vector<uint32_t>> values =
      constant ? readConstantWords(constant) : std::nullopt;
  if (!values)
    return {};
  std::vector<uint32_t> words;
  for (int64_t o = 0; o < outer; ++o)
    for (uint32_t value : *values)
      words.insert(words.end(), inner, value);
  return constantFromLaneWords(
      builder, loc, RankedTensorType::get(shape, type.getElementType()), words);
}

Value lpuc::tile::permuteConstant(OpBuilder &builder,
                                  arith::ConstantOp constant, int64_t rank,
                                  ArrayRef<int64_t> perm,
                                  ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(constant.getType());
  std::optional<std::vector<uint32_t>> words = readConstantWords(constant);
  if (!words)
    return {};
  SmallVector<int64_t> from(rank - type.getRank(), 1);
  from.append(type.getShape().begin(), type.getShape().end());
  SmallVector<int64_t> to(rank), stride(rank, 1);
  for (int64_t d = 0; d < rank; ++d)
    to[d] = from[perm[d]];
  for (int64_t d = rank - 2; d >= 0; --d)
    stride[d] = stride[d + 1] * from[d + 1];
  std::vector<uint32_t> data(words->size());
  SmallVector<int64_t> index(rank, 0); // into `to`
  for (size_t flat = 0; flat < data.size(); ++flat) {
    int64_t at = 0;
    for (int64_t d = 0; d < rank; ++d)
      at += index[d] * stride[perm[d]];
    data[flat] = (*words)[at];
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == to[d]; --d)
      index[d] = 0;
  }
  auto newType = RankedTensorType::get(
      shape.empty() ? ArrayRef<int64_t>(to) : shape, type.getElementType());
  return constantFromLaneWords(builder, constant.getLoc(), newType, data);
}

Chain lpuc::tile::getChain(MapOp op) {
  return getChain(op.getSteps(), op.getFactors());
}
Chain lpuc::tile::getEpilogue(MatMulOp op) {
  return getChain(op.getSteps(), op.getFactors());
}
Chain lpuc::tile::getEpilogue(ConvOp op) {
  return getChain(op.getSteps(), op.getFactors());
}
int64_t lpuc::tile::getMXMPixels(ConvOp op) {
  ArrayRef<int64_t> y =
      cast<RankedTensorType>(op.getResult().getType()).getShape();
  const int64_t pixels = y[0] * y[1] * y[2];
  if (!op.getOnVxm())
    return pixels;
  return pixels - op.getVxmPixels().value_or(pixels);
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

bool lpuc::tile::broadcastsTo(ArrayRef<int64_t> shape, ArrayRef<int64_t> to) {
  if (shape.size() > to.size())
    return false;
  size_t lead = to.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] != 1 && shape[d] != to[lead + d])
      return false;
  return true;
}

namespace {

LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> kernel,
                           ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations,
                           ArrayRef<int64_t> padBegin) {
  for (ArrayRef<int64_t> a : {kernel, strides, dilations, padBegin})
    if (a.size() != 2)
      return op->emitOpError("window attributes have two values (H, W)");
  for (int i = 0; i < 2; ++i)
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1)
      return op->emitOpError("kernel, strides and dilations must be positive");
  return success();
}

LogicalResult verifyNHWC(Operation *op, Value value, StringRef what) {
  if (shapeOf(value).size() != 4)
    return op->emitOpError(what) << " must be [N, H, W, C]";
  return success();
}

} // namespace

/// A padding value other than 0 pads a quantized (i8) input.
static LogicalResult verifyPaddingValue(Operation *op, Value input,
                                        int64_t value) {
  if (value != 0 && !getElementTypeOrSelf(input.getType()).isInteger(8))
    return op->emitOpError("pads with a value other than 0 only in i8");
  if (value < -128 || value > 127)
    return op->emitOpError("padding value ") << value << " is not an i8 value";
  return success();
}

/// The MXM multiplies i8 by i8 or floats by floats.
static LogicalResult verifyProductTypes(Operation *op, Value input,
                                        Value weights) {
  const bool int8 = getElementTypeOrSelf(input.getType()).isInteger(8);
  if (int8 != getElementTypeOrSelf(weights.getType()).isInteger(8))
    return op->emitOpError("multiplies i8 only by i8: operands of types ")
           << input.getType() << " and " << weights.getType();
  if (!int8 && (getElementTypeOrSelf(input.getType()).isInteger() ||
                getElementTypeOrSelf(weights.getType()).isInteger()))
    return op->emitOpError("multiplies floats or i8, not ")
           << input.getType() << " by " << weights.getType();
  return success();
}

LogicalResult MapOp::verify() {
  if (getSteps().size() != 2 * getFactors().size())
    return emitOpError("needs two `steps` entries per factor");
  if (failed(verifyChain(*this, getChain(*this), getInputs().size(),
                         /*isEpilogue=*/false)))
    return failure();
  for (Value input : getInputs())
    if (!broadcastsTo(shapeOf(input), shapeOf(getResult())))
      return emitOpError("operand of type ")
             << input.getType() << " does not broadcast to "
             << getResult().getType();
  return success();
}

LogicalResult MatMulOp::verify() {
  if (getSteps().size() != 2 * getFactors().size())
    return emitOpError("needs two `steps` entries per factor");
  if (failed(verifyChain(*this, getEpilogue(*this), getExtras().size(),
                         /*isEpilogue=*/true)))
    return failure();
  if (failed(verifyProductTypes(*this, getA(), getB())))
    return failure();
  const int64_t m = getM(), k = getK(), n = getN();
  auto elements = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getNumElements();
  };
  ArrayRef<int64_t> a = shapeOf(getA()), b = shapeOf(getB());
  if (a.empty() || a.back() != k)
    return emitOpError("A's rows must have k = ") << k << " elements";
  const int64_t aRows = elements(getA()) / k;
  const bool transposed = getTransposeB();
  const int64_t bRows = elements(getB()) / (transposed ? k : n);
  if (b.size() < 2 ||
      (transposed ? b.back() != k || b[b.size() - 2] != n : b.back() != n))
    return emitOpError(
        "B must be [..., k, n] (or [..., n, k] with transpose_b)");
  const int64_t outRows = elements(getResult()) / n;
  if (shapeOf(getResult()).back() != n)
    return emitOpError("the result's rows must have n = ") << n << " elements";
  ArrayRef<int64_t> batches = getBatches();
  if (batches.empty() || batches.size() % 3)
    return emitOpError("`batches` lists (a, b, out) row triples");
  for (size_t i = 0; i < batches.size(); i += 3)
    if (batches[i] < 0 || batches[i] + m > aRows || batches[i + 1] < 0 ||
        batches[i + 1] + (transposed ? n : k) > bRows || batches[i + 2] < 0 ||
        batches[i + 2] + m > outRows)
      return emitOpError("batch ") << i / 3 << " is outside its operands";
  for (Value extra : getExtras())
    if (!broadcastsTo(shapeOf(extra), shapeOf(getResult())))
      return emitOpError("epilogue operand of type ")
             << extra.getType() << " does not broadcast to the result";
  return success();
}

LogicalResult ConvOp::verify() {
  if (getSteps().size() != 2 * getFactors().size())
    return emitOpError("needs two `steps` entries per factor");
  if (failed(verifyChain(*this, getEpilogue(*this), getExtras().size(),
                         /*isEpilogue=*/true)) ||
      failed(verifyNHWC(*this, getInput(), "the input")) ||
      failed(verifyNHWC(*this, getResult(), "the result")) ||
      failed(verifyWindow(*this, getKernel(), getStrides(), getDilations(),
                          getPadBegin())))
    return failure();
  if (failed(verifyProductTypes(*this, getInput(), getWeights())))
    return failure();
  if (failed(verifyPaddingValue(*this, getInput(), getPaddingValue())))
    return failure();
  if (std::optional<int64_t> rows = getBandedInput()) {
    ArrayRef<int64_t> in = shapeOf(getInput());
    const int64_t S = getSegments().value_or(0);
    if (!getOnVxm() || S < 2 || *rows < S || in[3] % S ||
        in[1] != (*rows + S - 1) / S)
      return emitOpError("banded_input ")
             << *rows << " needs `on_vxm`, `segments` S > 1 and an input of "
             << "ceil(" << *rows << " / S) rows of S bands";
  }
  const std::array<int64_t, 4> image = getInputImage();
  ArrayRef<int64_t> x = image, y = shapeOf(getResult()),
                    w = shapeOf(getWeights());
  const int64_t C = x[3], F = y[3], g = getGroup();
  if (g < 1 || C % g || F % g)
    return emitOpError("group ") << g << " does not divide the " << C
                                 << " input and " << F << " output channels";
  SmallVector<int64_t> want;
  if (getTapMajor())
    want = {getKernel()[0], getKernel()[1], C, F};
  else if (getTransposed())
    want = {C, F / g, getKernel()[0], getKernel()[1]};
  else
    want = {F, C / g, getKernel()[0], getKernel()[1]};
  if (w != ArrayRef<int64_t>(want))
    return emitOpError("weights must be [")
           << llvm::make_range(want.begin(), want.end()) << "]";
  if (getTapMajor() && g != 1)
    return emitOpError("weights computed at run time need group 1");
  if (getOnVxm() && (g != C || g != F || getTransposed() || getTapMajor() ||
                     ((getTurn() || getPlanes()) && !getVxmPixels())))
    return emitOpError("on the VXM must be depthwise (group = input = output "
                       "channels), with constant weights and no `turn` or "
                       "`planes` unless it shares its pixels with the MXM");
  if (std::optional<int64_t> shared = getVxmPixels()) {
    const int64_t pixels = y[0] * y[1] * y[2];
    if (!getOnVxm() || *shared < 1 || *shared >= pixels)
      return emitOpError("vxm_pixels ")
             << *shared << " must be on a VXM convolution and between 1 and "
             << pixels - 1 << " (the pixels but one)";
  }
  if (std::optional<int64_t> segments = getSegments()) {
    const int64_t S = *segments, H = x[1], OH = y[1];
    if (!getOnVxm() || getVxmPixels())
      return emitOpError("segments need every pixel on the VXM");
    const int64_t bandRows = llvm::divideCeil(H, S);
    const int64_t outBandRows = llvm::divideCeil(OH, S);
    const bool exact = H % S == 0 && OH % S == 0;
    if (S < 2 || (S - 1) * bandRows >= H ||
        bandRows != getStrides()[0] * outBandRows ||
        (!exact && getPaddingValue() != 0))
      return emitOpError("segments ")
             << S << " must cut the input and output heights (" << H << ", "
             << OH << ") into bands whose rows line up (ceil(H / S) = stride "
             << "* ceil(OH / S)), exactly when the padding is not zero";
  }
  if (x[0] != y[0])
    return emitOpError("input and result batch sizes differ");
  for (Value extra : getExtras())
    if (!broadcastsTo(shapeOf(extra), y))
      return emitOpError("epilogue operand of type ")
             << extra.getType() << " does not broadcast to the result";
  return success();
}

std::array<int64_t, 4> ConvOp::getInputImage() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  std::array<int64_t, 4> image = {x[0], x[1], x[2], x[3]};
  if (std::optional<int64_t> rows = getBandedInput()) {
    image[1] = *rows;
    image[3] = x[3] / std::max<int64_t>(getSegments().value_or(1), 1);
  }
  return image;
}

LogicalResult Im2ColOp::verify() {
  if (shapeOf(getInput()).size() != 4)
    return emitOpError("the input must be [N, C, H, W]");
  if (failed(verifyNHWC(*this, getResult(), "the result")) ||
      failed(verifyWindow(*this, getKernel(), getStrides(), getDilations(),
                          getPadBegin())) ||
      failed(verifyPaddingValue(*this, getInput(), getPaddingValue())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(getInput()), y = shapeOf(getResult());
  const int64_t K = getKernel()[0] * getKernel()[1] * x[1];
  if (getTapRows() ? x[0] != y[0] || y[2] != K : x[0] != y[0] || y[3] != K)
    return emitOpError(getTapRows()
                           ? "with `tap_rows`, the result must be [N, OH, KH "
                             "* KW * C, OW] for an [N, C, H, W] input"
                           : "the result must be [N, OH, OW, KH * KW * C] for "
                             "an [N, C, H, W] input");
  const int64_t segments = getSegments();
  if (segments < 1 || (segments > 1 && !getTapRows()))
    return emitOpError("only tap rows have `segments`, at least 1");
  if (segments > 1 && (y[3] % segments || getPaddingValue() != 0))
    return emitOpError("with ")
           << segments << " segments, the rows' " << y[3]
           << " lanes must split evenly and the padding value be 0";
  return success();
}

std::array<int64_t, 2> Im2ColOp::getOutputSize() {
  ArrayRef<int64_t> y = shapeOf(getResult());
  if (!getTapRows())
    return {y[1], y[2]};
  const int64_t segments = std::max<int64_t>(getSegments(), 1);
  return {y[1] * segments, y[3] / segments};
}

std::array<int64_t, 2> MaxPoolTransposeOp::getImageSize() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  const int64_t segments = std::max<int64_t>(getSegments(), 1);
  return {x[1] * segments, x[3] / segments};
}

std::array<int64_t, 4> MaxPoolTransposeOp::getOutputImage() {
  ArrayRef<int64_t> y = shapeOf(getResult());
  std::array<int64_t, 4> image = {y[0], y[1], y[2], y[3]};
  if (const int64_t S = getBandCount(); S > 1) {
    image[1] = (*getBands())[1];
    image[3] = y[3] / S;
  }
  return image;
}

int64_t MaxPoolTransposeOp::getBandCount() {
  std::optional<ArrayRef<int64_t>> bands = getBands();
  return bands && bands->size() == 2 ? std::max<int64_t>((*bands)[0], 1) : 1;
}

SmallVector<SmallVector<int64_t, 8>>
MaxPoolTransposeOp::getInstallRows(int64_t lanes, int64_t planes) {
  const std::array<int64_t, 4> y = getOutputImage();
  const int64_t OH = y[1], S = getBandCount();
  SmallVector<SmallVector<int64_t, 8>> groups;
  if (S > 1) {
    const int64_t B = llvm::divideCeil(OH, S);
    for (int64_t b = 0; b < B; ++b) {
      SmallVector<int64_t, 8> &rows = groups.emplace_back();
      for (int64_t s = 0; s < S && s * B + b < OH; ++s)
        rows.push_back(s * B + b);
    }
    return groups;
  }
  const int64_t group = LaneWindow::rowsPerInstall(y[3], lanes, OH, planes);
  for (int64_t first = 0; first < OH; first += group) {
    SmallVector<int64_t, 8> &rows = groups.emplace_back();
    for (int64_t oy = first; oy < std::min(OH, first + group); ++oy)
      rows.push_back(oy);
  }
  return groups;
}

LogicalResult MaxPoolTransposeOp::verify() {
  if (shapeOf(getInput()).size() != 4 || shapeOf(getResult()).size() != 4)
    return emitOpError("the input must be [N, P, F, S * W] and the result "
                       "[N, OH, OW, F]");
  if (failed(verifyWindow(*this, getKernel(), getStrides(), getDilations(),
                          getPadBegin())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(getInput());
  const int64_t segments = getSegments();
  if (segments < 1 || x[3] % segments)
    return emitOpError("the rows' ")
           << x[3] << " lanes must hold a whole number of segments, not "
           << segments;
  if (std::optional<ArrayRef<int64_t>> bands = getBands()) {
    ArrayRef<int64_t> r = shapeOf(getResult());
    if (bands->size() != 2 || (*bands)[0] < 2 || (*bands)[1] < (*bands)[0] ||
        r[1] != ((*bands)[1] + (*bands)[0] - 1) / (*bands)[0] ||
        r[3] != (*bands)[0] * x[2])
      return emitOpError("bands [S, OH] need S > 1 and a result of ceil(OH "
                         "/ S) rows of S bands of the filters");
  }
  const std::array<int64_t, 4> out = getOutputImage();
  ArrayRef<int64_t> y = out;
  if (x[0] != y[0] || x[2] != y[3])
    return emitOpError("the result must keep the batch and filter sizes");
  auto [H, W] = getImageSize();
  const Window window = Window::of(*this);
  if (!window.along(0).installs(H, y[1], std::max<int64_t>(H, 1)) ||
      !window.along(1).installs(W, y[2], std::max<int64_t>(W, 1)))
    return emitOpError("every window must meet the ")
           << H << "x" << W << " image";
  return success();
}

LogicalResult PackTapsOp::verify() {
  if (failed(verifyNHWC(*this, getInput(), "the input")) ||
      failed(verifyNHWC(*this, getResult(), "the result")) ||
      failed(verifyPaddingValue(*this, getInput(), getPaddingValue())))
    return failure();
  // The attributes' getters are unsigned: read them as the signed values
  // they hold.
  const int64_t dim = getDim(), taps = getTaps();
  if (dim != 1 && dim != 2)
    return emitOpError("packs taps along dimension 1 (H) or 2 (W), not ")
           << dim;
  if (taps < 1 || int64_t(getStride()) < 1 || int64_t(getDilation()) < 1 ||
      int64_t(getPadBegin()) < 0)
    return emitOpError("needs taps, stride and dilation of at least 1 and a "
                       "padding of at least 0");
  ArrayRef<int64_t> x = shapeOf(getInput()), y = shapeOf(getResult());
  const int64_t kept = dim == 2 ? 1 : 2;
  if (x[0] != y[0] || x[kept] != y[kept] || y[3] != taps * x[3])
    return emitOpError(dim == 2
                           ? "the result must be [N, H, OW, taps * C] for an "
                             "[N, H, W, C] input packed along W"
                           : "the result must be [N, OH, W, taps * C] for an "
                             "[N, H, W, C] input packed along H");
  Type from = getElementTypeOrSelf(getInput().getType()),
       to = getElementTypeOrSelf(getResult().getType());
  if (from != to &&
      !(isa<FloatType>(from) && isa<FloatType>(to) &&
        to.getIntOrFloatBitWidth() <= from.getIntOrFloatBitWidth()))
    return emitOpError("may only narrow a float input's type");
  return success();
}

LogicalResult GlobalPoolOp::verify() {
  if (failed(verifyNHWC(*this, getInput(), "the input")))
    return failure();
  ArrayRef<int64_t> x = shapeOf(getInput()), y = shapeOf(getResult());
  if (y != ArrayRef<int64_t>({x[0], 1, 1, x[3]}))
    return emitOpError("the result must be [N, 1, 1, C]");
  return success();
}

LogicalResult PoolOp::verify() {
  if (failed(verifyNHWC(*this, getInput(), "the input")) ||
      failed(verifyNHWC(*this, getResult(), "the result")) ||
      failed(verifyWindow(*this, getKernel(), getStrides(), getDilations(),
                          getPadBegin())))
    return failure();
  ArrayRef<int64_t> x = shapeOf(getInput()), y = shapeOf(getResult());
  if (x[0] != y[0] || x[3] != y[3])
    return emitOpError("pooling keeps the batch and channel sizes");
  return success();
}

bool TransposeOp::movesLanes() {
  return getPerm().back() != int64_t(getPerm().size()) - 1;
}

LogicalResult TransposeOp::verify() {
  ArrayRef<int64_t> perm = getPerm(), in = shapeOf(getInput()),
                    out = shapeOf(getResult());
  if (perm.size() != in.size() || out.size() != in.size())
    return emitOpError("`perm` must name every dimension once");
  SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= int64_t(perm.size()) || seen[p])
      return emitOpError("`perm` must name every dimension once");
    seen[p] = true;
  }
  for (auto [i, p] : llvm::enumerate(perm))
    if (out[i] != in[p])
      return emitOpError("result dimension ")
             << i << " must be input dimension " << p;
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = llvm::all_of(llvm::enumerate(perm), [](auto p) {
    return int64_t(p.index()) == p.value();
  });
  if (identity && getInput().getType() == getResult().getType())
    return getInput();
  // transpose(transpose(x, p), q) is one transpose of x.
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(inner.getPerm()[p]);
    setPerm(composed);
    getInputMutable().assign(inner.getInput());
    if (llvm::all_of(llvm::enumerate(composed),
                     [](auto p) { return int64_t(p.index()) == p.value(); }))
      return getInput();
    return getResult();
  }
  return {};
}

bool ReshapeOp::keepsRows() {
  auto in = getInput().getType(), out = getResult().getType();
  return (in.getRank() ? in.getShape().back() : 1) ==
         (out.getRank() ? out.getShape().back() : 1);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  // A reshape of a reshape is one reshape of the first input.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getResult().getType());
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("keeps the number of elements");
  return success();
}

LogicalResult ConcatOp::verify() {
  ArrayRef<int64_t> out = shapeOf(getResult());
  const int64_t rank = out.size(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range";
  int64_t total = 0;
  for (Value input : getInputs()) {
    ArrayRef<int64_t> in = shapeOf(input);
    if (int64_t(in.size()) != rank)
      return emitOpError("inputs have the result's rank");
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && in[d] != out[d])
        return emitOpError("inputs differ from the result off the axis");
    total += in[axis];
  }
  if (total != out[axis])
    return emitOpError("the inputs add up to ")
           << total << " along the axis, not " << out[axis];
  return success();
}

LogicalResult ReduceRowsOp::verify() {
  SmallVector<int64_t> want(shapeOf(getInput()));
  if (want.empty())
    return emitOpError("reduces the rows of a tensor of rank 1 or more");
  want.back() = 1;
  if (shapeOf(getResult()) != ArrayRef<int64_t>(want) && !broadcasts())
    return emitOpError("the result keeps every dimension but the last, "
                       "which is 1 or the input's");
  return success();
}

bool ReduceRowsOp::broadcasts() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  return in.back() > 1 && shapeOf(getResult()) == in;
}

LogicalResult ReduceLeadingOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  SmallVector<int64_t> want(in);
  int64_t last = -1;
  for (int64_t axis : getAxes()) {
    if (axis <= last || axis >= int64_t(in.size()) - 1)
      return emitOpError("axes must be increasing leading dimensions");
    want[axis] = 1;
    last = axis;
  }
  if (shapeOf(getResult()) != ArrayRef<int64_t>(want))
    return emitOpError("the result keeps the reduced axes as size 1");
  return success();
}

void lpuc::tile::replaceAndEraseDead(Operation *replaced, Value replacement,
                                     ArrayRef<Operation *> dead) {
  for (NamedAttribute attr : replaced->getDiscardableAttrs())
    replacement.getDefiningOp()->setAttr(attr.getName(), attr.getValue());
  replaced->getResult(0).replaceAllUsesWith(replacement);
  // Each feeder once, and none of `dead` itself (erased here already).
  llvm::SetVector<Operation *> feeders;
  for (Operation *op : dead)
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp();
          def && !llvm::is_contained(dead, def))
        feeders.insert(def);
  for (Operation *op : dead)
    op->erase();
  for (Operation *op : feeders)
    if (isa<arith::ConstantOp, TransposeOp>(op) && op->use_empty())
      op->erase();
}
