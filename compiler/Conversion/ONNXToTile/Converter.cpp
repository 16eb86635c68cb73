//===- Converter.cpp - ONNX graphs to tile ops ----------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"
#include "lpu/Layout.h"

#include "compiler/Conversion/Passes.h"
#include "dialects/LPU/LPUOps.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/TypeSwitch.h"

namespace lpuc {
#define GEN_PASS_DEF_CONVERTONNXTOTILE
#include "compiler/Conversion/Passes.h.inc"
} // namespace lpuc

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

Converter::Converter(func::FuncOp func, const ::lpu::TargetDesc &target)
    : func(func), target(target), builder(func.getContext()) {}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

namespace {
/// The element type of a static, non-empty tensor value; null otherwise.
Type staticElementType(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() == 0)
    return nullptr;
  return type.getElementType();
}

/// Booleans are carried as f32 0.0 / 1.0, int32 and int64 as i32 (the
/// host checks that int64 inputs fit).
RankedTensorType laneTensorType(RankedTensorType type) {
  Type element = type.getElementType();
  if (element.isInteger(1))
    return RankedTensorType::get(type.getShape(),
                                 Float32Type::get(type.getContext()));
  if (element.isInteger())
    return RankedTensorType::get(type.getShape(),
                                 IntegerType::get(type.getContext(), 32));
  return type;
}

/// Integers of any width and signedness the LPU computes in i32.
bool isRunTimeInteger(Type element) {
  return element.isInteger() && !element.isInteger(1) &&
         llvm::is_contained({8u, 16u, 32u, 64u},
                            element.getIntOrFloatBitWidth());
}
} // namespace

FailureOr<RankedTensorType> Converter::laneType(Value value, Location loc,
                                                const Twine &what) {
  auto ranked = dyn_cast<RankedTensorType>(value.getType());
  if (!ranked)
    return emitError(loc) << what << " has type " << value.getType()
                          << " whose shape ONNX shape inference could not "
                             "determine";
  if (!ranked.hasStaticShape())
    return emitError(loc) << what << " has dynamic shape " << ranked
                          << "; fix the graph inputs' sizes with --shape";
  // Before anything of the tensor's size is made: a tensor larger than the
  // whole SRAM, even at one byte an element, can never be stored.
  const uint64_t capacity =
      uint64_t(target.memSlices) * target.memAddresses * target.planeBytes();
  const int64_t elements = ::lpu::checkedElementCount(ranked.getShape().data(),
                                                      ranked.getShape().size());
  if (elements < 0 || uint64_t(elements) > capacity)
    return emitError(loc) << what << " ["
                          << onnx::formatShape(ranked.getShape()) << "] holds "
                          << (elements < 0 ? std::string("more than 2^40")
                                           : std::to_string(elements))
                          << " elements: even at one byte each, more than all "
                          << "of " << target.name << "'s SRAM ("
                          << ::lpu::formatBytes(capacity) << ")";
  Type element = ranked.getElementType();
  if (element.isF64())
    return emitError(loc) << what << " has element type 'f64', which the LPU "
                          << "does not compute in; pass --f64-as-f32 to "
                             "compute the model in f32";
  if (!element.isF32() && !element.isInteger(1) && !isRunTimeInteger(element))
    return emitError(loc) << what << " has element type " << element
                          << ", which is not supported (f32, bool and "
                             "integers; f16 and bf16 through Cast)";
  if (ranked.getNumElements() == 0)
    return emitError(loc) << what << " is empty (" << ranked << ")";
  return laneTensorType(ranked);
}

LogicalResult Converter::checkNodeTypes(Operation *op) {
  for (auto [i, v] : llvm::enumerate(op->getOperands()))
    if (!isa<NoneType>(v.getType()) &&
        failed(laneType(v, op->getLoc(), "input " + std::to_string(i))))
      return failure();
  // Results nobody reads (e.g. a dropout mask) need no tensor.
  for (auto [i, v] : llvm::enumerate(op->getResults()))
    if ((i == 0 || !v.use_empty()) &&
        failed(laneType(v, op->getLoc(), "output " + std::to_string(i))))
      return failure();
  return success();
}

LogicalResult Converter::checkDataTypes(Operation *op) {
  if (failed(laneType(op->getOperand(0), op->getLoc(), "input 0")))
    return failure();
  return laneType(op->getResult(0), op->getLoc(), "output 0");
}

bool Converter::isCastHalf(Value value) {
  Type element = staticElementType(value);
  if (!element || !(element.isF16() || element.isBF16()))
    return false;
  if (value.getDefiningOp<onnx::CastOp>())
    return true;
  return !value.use_empty() &&
         llvm::all_of(value.getUsers(),
                      [](Operation *user) { return isa<onnx::CastOp>(user); });
}

bool Converter::isIndexTensor(Value value) {
  Type element = staticElementType(value);
  if (!element || !element.isInteger() || element.isInteger(1))
    return false;
  return value.getDefiningOp<onnx::ArgMaxOp>() ||
         value.getDefiningOp<onnx::ArgMinOp>() ||
         value.getDefiningOp<onnx::MatMulIntegerOp>() ||
         value.getDefiningOp<onnx::ConvIntegerOp>();
}

bool Converter::isI32Tensor(Value value) {
  return isa<TensorType>(value.getType()) &&
         isRunTimeInteger(getElementTypeOrSelf(value.getType())) &&
         !isIndexTensor(value);
}

std::optional<std::vector<float>> Converter::constantFloats(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  Type element = staticElementType(value);
  if (!constant || !element || !element.isF32())
    return std::nullopt;
  std::optional<std::vector<uint32_t>> words =
      lpuc::lpu::readLaneWords(cast<ElementsAttr>(constant.getValue()));
  if (!words)
    return std::nullopt;
  std::vector<float> values;
  for (uint32_t word : *words)
    values.push_back(::lpu::wordToFloat(word));
  return values;
}

//===----------------------------------------------------------------------===//
// Values and builders
//===----------------------------------------------------------------------===//

/// A constant's name: its node's (or "constant"), and `suffix`.
static std::string constantName(Location loc, StringRef suffix) {
  StringRef node = onnx::getNodeName(loc);
  return ((node.empty() ? "constant" : node) + suffix).str();
}

Value Converter::constant(Location loc, StringRef suffix,
                          ArrayRef<int64_t> shape, ArrayRef<float> data) {
  MLIRContext *context = builder.getContext();
  std::string name = constantName(loc, suffix);
  // Small constants print inline; larger ones as blobs, like initializers.
  return arith::ConstantOp::create(
      builder, NameLoc::get(StringAttr::get(context, name), loc),
      f32Tensor(shape),
      cast<TypedAttr>(lpu::getF32Elements(context, name, shape, data)));
}

Value Converter::integerConstant(Location loc, StringRef suffix,
                                 ArrayRef<int64_t> shape,
                                 ArrayRef<int32_t> data) {
  auto type = RankedTensorType::get(shape, builder.getI32Type());
  return arith::ConstantOp::create(
      builder,
      NameLoc::get(builder.getStringAttr(constantName(loc, suffix)), loc), type,
      DenseIntElementsAttr::get(type, data));
}

Value Converter::map(Location loc, ValueRange inputs, ArrayRef<ChainStep> chain,
                     Type resultType) {
  auto [steps, factors] = tile::getChainAttrs(builder, chain);
  // A scalar constant ([1]) joins a rank-0 result as a rank-0 value.
  SmallVector<Value> operands(inputs);
  if (cast<RankedTensorType>(resultType).getRank() == 0)
    for (Value &operand : operands)
      if (shapeOf(operand) == ArrayRef<int64_t>{1})
        operand = reshapeKeepingConstant(loc, operand, {});
  return tile::MapOp::create(builder, loc, resultType, operands, steps,
                             factors);
}

Value Converter::matmul(Location loc, Value a, Value b, int64_t m, int64_t k,
                        int64_t n, ArrayRef<int64_t> batches, bool transposeB,
                        RankedTensorType type) {
  auto [steps, factors] = tile::getChainAttrs(builder, {});
  return tile::MatMulOp::create(
      builder, loc, type, a, b, ValueRange(), builder.getI64IntegerAttr(m),
      builder.getI64IntegerAttr(k), builder.getI64IntegerAttr(n),
      builder.getDenseI64ArrayAttr(batches),
      transposeB ? builder.getUnitAttr() : UnitAttr(), steps, factors,
      IntegerAttr(), /*packed_weights=*/UnitAttr(), DenseI32ArrayAttr(),
      /*separate_partials=*/UnitAttr());
}

Value Converter::reshape(Location loc, Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return tile::ReshapeOp::create(
      builder, loc, RankedTensorType::get(shape, type.getElementType()), value);
}

Value Converter::reshapeKeepingConstant(Location loc, Value value,
                                        ArrayRef<int64_t> shape) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return reshape(loc, value, shape);
  auto type =
      RankedTensorType::get(shape, getElementTypeOrSelf(constant.getType()));
  TypedAttr attr;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
    attr = dense.reshape(type);
  else if (auto blob = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
    attr = DenseResourceElementsAttr::get(type, blob.getRawHandle());
  else
    return reshape(loc, value, shape);
  auto reshaped = arith::ConstantOp::create(builder, constant.getLoc(), attr);
  reshaped->setDiscardableAttrs(constant->getDiscardableAttrDictionary());
  return reshaped;
}

Value Converter::transpose(Location loc, Value value, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  Shape shape;
  for (int64_t p : perm)
    shape.push_back(type.getShape()[p]);
  return tile::TransposeOp::create(
      builder, loc, RankedTensorType::get(shape, type.getElementType()), value,
      builder.getDenseI64ArrayAttr(perm), DenseI32ArrayAttr());
}

Value Converter::reduceRows(Location loc, Value value, tile::ReduceKind kind,
                            float scale, RankedTensorType type) {
  return tile::ReduceRowsOp::create(
      builder, loc, type, value,
      tile::ReduceKindAttr::get(builder.getContext(), kind),
      builder.getF32FloatAttr(scale), tile::RowStrategyAttr(),
      DenseI32ArrayAttr());
}

Value Converter::reduceLeading(Location loc, Value value, tile::ReduceKind kind,
                               ArrayRef<int64_t> axes, RankedTensorType type) {
  return tile::ReduceLeadingOp::create(
      builder, loc, type, value,
      tile::ReduceKindAttr::get(builder.getContext(), kind),
      builder.getDenseI64ArrayAttr(axes));
}

int64_t Converter::eightBitLaneOffset(Type element) {
  return element.isUnsignedInteger(8) ? 128 : 0;
}

Type Converter::declaredElementType(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value))
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      if (auto host = func.getArgAttrOfType<TypeAttr>(arg.getArgNumber(),
                                                      tile::kHostTypeAttrName))
        return host.getValue();
  return getElementTypeOrSelf(value.getType());
}

FailureOr<Value> Converter::get(Value value, Operation *user) {
  if (auto it = values.find(value); it != values.end()) {
    Value tileValue = it->second;
    if (!getElementTypeOrSelf(tileValue.getType()).isInteger(8))
      return tileValue;
    // An 8-bit tensor in int8 lanes (a QuantizeLinear's): its integers.
    Value &exact = exactIntegers[value];
    if (!exact) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointAfterValue(tileValue);
      Location loc = tileValue.getLoc();
      SmallVector<Value> inputs = {tileValue};
      Chain chain = {ChainStep::operandStep(0)};
      if (int64_t offset = eightBitLaneOffset(declaredElementType(value))) {
        inputs.push_back(scalar(loc, ".offset", float(offset)));
        chain.push_back(ChainStep::operandStep(1, StepKind::Add));
      }
      chain.push_back(ChainStep::apply(StepKind::TruncI32));
      exact = map(loc, inputs, chain,
                  RankedTensorType::get(shapeOf(value), builder.getI32Type()));
    }
    return exact;
  }
  auto constantOp = value.getDefiningOp<arith::ConstantOp>();
  if (!constantOp)
    return user->emitError("operand was not converted");
  if (!isa<ElementsAttr>(constantOp.getValue()))
    return constantOp.emitError("constant is not a tensor");
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointAfter(constantOp);
  Location loc = constantOp.getLoc();
  auto type = laneType(value, loc, "constant");
  if (succeeded(type) && type->getElementType().isSignlessInteger(32) &&
      !getElementTypeOrSelf(value.getType()).isSignlessInteger(32)) {
    // An int64 constant as i32: every value must fit.
    std::optional<SmallVector<int64_t>> integers =
        onnx::getConstantIntegers(value);
    if (!integers)
      return constantOp.emitError("integer constant is not dense");
    SmallVector<int32_t> data;
    for (int64_t v : *integers) {
      if (v != int64_t(int32_t(v)))
        return user->emitError("an int64 constant operand holds ")
               << v << ", outside the int32 range the LPU computes in";
      data.push_back(int32_t(v));
    }
    return values[value] = integerConstant(loc, "", shapeOf(value), data);
  }
  if (failed(type))
    return failure();
  if (getElementTypeOrSelf(value.getType()).isInteger(1)) {
    auto bits = dyn_cast<DenseElementsAttr>(constantOp.getValue());
    if (!bits)
      return constantOp.emitError("boolean constant is not dense");
    SmallVector<float> data;
    for (bool b : bits.getValues<bool>())
      data.push_back(b ? 1.0f : 0.0f);
    return values[value] = constant(loc, "", shapeOf(value), data);
  }
  return values[value] = value;
}

FailureOr<Value> Converter::getEightBitLanes(Value value, Operation *user) {
  if (auto it = values.find(value);
      it != values.end() &&
      getElementTypeOrSelf(it->second.getType()).isInteger(8))
    return it->second;
  FailureOr<Value> exact = get(value, user);
  if (failed(exact))
    return failure();
  Value &lanes = laneValues[value];
  if (!lanes) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointAfterValue(*exact);
    Location loc = exact->getLoc();
    SmallVector<Value> inputs = {*exact};
    Chain chain = {ChainStep::operandStep(0)};
    if (int64_t offset = eightBitLaneOffset(declaredElementType(value))) {
      inputs.push_back(integerConstant(loc, ".offset", {1}, {int32_t(offset)}));
      chain.push_back(ChainStep::operandStep(1, StepKind::Sub));
    }
    lanes = map(loc, inputs, chain,
                RankedTensorType::get(shapeOf(value), builder.getI8Type()));
  }
  return lanes;
}

FailureOr<SmallVector<Value>> Converter::getOperands(Operation *user) {
  SmallVector<Value> values;
  for (Value v : user->getOperands()) {
    FailureOr<Value> value = get(v, user);
    if (failed(value))
      return failure();
    values.push_back(*value);
  }
  return values;
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

LogicalResult Converter::convertOutputs() {
  Location loc = func.getLoc();
  auto ioName = [&](unsigned index, bool isInput) {
    return onnx::getGraphIOName(func, index, isInput);
  };
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    if (isCastHalf(value))
      continue;
    auto type = laneType(value, loc, "graph output '" + ioName(i, false) + "'");
    if (failed(type))
      return failure();
    Type element = getElementTypeOrSelf(value.getType());
    if (element != type->getElementType() &&
        !func.getResultAttr(i, tile::kHostTypeAttrName))
      func.setResultAttr(i, tile::kHostTypeAttrName, TypeAttr::get(element));
  }
  return success();
}

LogicalResult Converter::convertInputs() {
  Location loc = func.getLoc();
  auto ioName = [&](unsigned index, bool isInput) {
    return onnx::getGraphIOName(func, index, isInput);
  };
  for (BlockArgument arg : func.getArguments()) {
    std::string name = ioName(arg.getArgNumber(), /*isInput=*/true);
    values[arg] = arg;
    if (isCastHalf(arg))
      continue;
    Type element = getElementTypeOrSelf(arg.getType());
    auto type = laneType(arg, loc, "graph input '" + name + "'");
    if (failed(type))
      return failure();
    arg.setType(*type);
    if (element != type->getElementType() &&
        !func.getArgAttr(arg.getArgNumber(), tile::kHostTypeAttrName))
      func.setArgAttr(arg.getArgNumber(), tile::kHostTypeAttrName,
                      TypeAttr::get(element));
  }
  return success();
}

namespace {
/// An int32 or int64 tensor the LPU computes at run time (as i32).
bool isRunTimeI32(Value v) {
  return Converter::isI32Tensor(v) && !v.getDefiningOp<arith::ConstantOp>();
}

/// Nodes whose lowering computes or moves i32 tensors exactly.
bool takesIntegers(Operation *op) {
  return isElementwiseNode(op) ||
         isa<onnx::CastOp, onnx::WhereOp, onnx::SliceOp, onnx::SplitOp,
             onnx::ExpandOp, onnx::TileOp, onnx::PadOp, onnx::GatherOp,
             onnx::ReshapeOp, onnx::FlattenOp, onnx::SqueezeOp,
             onnx::UnsqueezeOp, onnx::ConcatOp, onnx::TransposeOp,
             onnx::ScatterNDOp, onnx::GatherElementsOp, onnx::TriluOp,
             onnx::OneHotOp, onnx::QuantizeLinearOp, onnx::DequantizeLinearOp,
             onnx::QLinearConvOp, onnx::QLinearMatMulOp, onnx::ConvIntegerOp,
             onnx::MatMulIntegerOp, onnx::MaxPoolOp>(op);
}
} // namespace

LogicalResult Converter::lowerOp(Operation *op) {
  if (isa<arith::ConstantOp, onnx::NoValueOp>(op))
    return success(); // constants convert on first use
  if (isa<onnx::NodeOp>(op))
    return op->emitError("operator '")
           << onnx::getOperatorType(op)
           << "' is not supported by the LPU lowering yet";
  if (!takesIntegers(op) && (llvm::any_of(op->getOperands(), isRunTimeI32) ||
                             llvm::any_of(op->getResults(), isRunTimeI32)))
    return op->emitError("'")
           << onnx::getOperatorType(op)
           << "' of integer tensors is not supported (the LPU computes "
              "integers element-wise, and moves them)";
  builder.setInsertionPoint(op);
  if (isa<onnx::ReshapeOp, onnx::FlattenOp, onnx::SqueezeOp, onnx::UnsqueezeOp>(
          op))
    return lowerReshape(op, *this);
  if (isa<onnx::ReduceMaxOp, onnx::ReduceMinOp, onnx::ReduceSumOp,
          onnx::ReduceMeanOp, onnx::ReduceSumSquareOp, onnx::ReduceL1Op,
          onnx::ReduceL2Op, onnx::ReduceLogSumOp, onnx::ReduceLogSumExpOp>(op))
    return lowerReduce(op, *this);
  if (isa<onnx::SliceOp, onnx::SplitOp, onnx::ExpandOp, onnx::TileOp,
          onnx::PadOp, onnx::GatherOp, onnx::GatherElementsOp>(op))
    return lowerDataMovement(op, *this);
  if (auto resize = dyn_cast<onnx::ResizeOp>(op))
    return lowerResize(resize, *this);
  if (auto scatter = dyn_cast<onnx::ScatterNDOp>(op))
    return lowerScatterND(scatter, *this);
  // Its depth fixes the result's shape: checked before the result's type.
  if (auto oneHot = dyn_cast<onnx::OneHotOp>(op))
    return lowerOneHot(oneHot, *this);
  if (auto argMax = dyn_cast<onnx::ArgMaxOp>(op))
    return lowerArgMax(argMax, *this);
  if (auto argMin = dyn_cast<onnx::ArgMinOp>(op))
    return lowerArgMin(argMin, *this);
  if (auto cast = dyn_cast<onnx::CastOp>(op))
    return lowerCast(cast, *this);
  if (auto quantize = dyn_cast<onnx::QuantizeLinearOp>(op))
    return lowerQuantizeLinear(quantize, *this);
  if (auto dequantize = dyn_cast<onnx::DequantizeLinearOp>(op))
    return lowerDequantizeLinear(dequantize, *this);
  if (isa<onnx::QLinearConvOp, onnx::QLinearMatMulOp, onnx::ConvIntegerOp,
          onnx::MatMulIntegerOp>(op))
    return lowerIntegerProduct(op, *this);
  if (failed(checkWindow(op)) || failed(checkNodeTypes(op)))
    return failure();
  if (isElementwiseNode(op))
    return lowerElementwise(op, *this);
  if (isActivationNode(op))
    return lowerActivation(op, *this);
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](onnx::SoftmaxOp op) {
        return lowerSoftmax(op, op.getAxis(), /*logarithm=*/false, *this);
      })
      .Case([&](onnx::LogSoftmaxOp op) {
        return lowerSoftmax(op, op.getAxis(), /*logarithm=*/true, *this);
      })
      .Case([&](onnx::MatMulOp op) { return lowerMatMul(op, *this); })
      .Case([&](onnx::GemmOp op) { return lowerGemm(op, *this); })
      .Case([&](onnx::TransposeOp op) { return lowerTranspose(op, *this); })
      .Case([&](onnx::LayerNormalizationOp op) {
        return lowerLayerNorm(op, *this);
      })
      .Case<onnx::ConvOp, onnx::ConvTransposeOp>(
          [&](Operation *op) { return lowerConvolution(op, *this); })
      .Case<onnx::MaxPoolOp, onnx::AveragePoolOp, onnx::GlobalAveragePoolOp>(
          [&](Operation *op) { return lowerPool(op, *this); })
      .Case([&](onnx::BatchNormalizationOp op) {
        return lowerBatchNorm(op, *this);
      })
      .Case([&](onnx::ConcatOp op) { return lowerConcat(op, *this); })
      .Case([&](onnx::WhereOp op) { return lowerWhere(op, *this); })
      .Case([&](onnx::HardmaxOp op) { return lowerHardmax(op, *this); })
      .Case([&](onnx::GlobalMaxPoolOp op) {
        return lowerGlobalMaxPool(op, *this);
      })
      .Case([&](onnx::TriluOp op) { return lowerTrilu(op, *this); })
      .Case<onnx::DepthToSpaceOp, onnx::SpaceToDepthOp>(
          [&](Operation *op) { return lowerDepthToSpace(op, *this); })
      .Case([&](onnx::InstanceNormalizationOp op) {
        return lowerInstanceNorm(op, *this);
      })
      .Default([&](Operation *op) {
        return op->emitError("operator '")
               << onnx::getOperatorType(op)
               << "' is not supported by the LPU lowering yet";
      });
}

LogicalResult Converter::run() {
  if (failed(convertInputs()))
    return failure();
  Block &body = func.getBody().front();
  SmallVector<Operation *> nodes;
  for (Operation &op : body.without_terminator())
    nodes.push_back(&op);
  for (Operation *op : nodes)
    if (failed(lowerOp(op)))
      return failure();
  if (failed(convertOutputs()))
    return failure();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  SmallVector<Value> results;
  for (Value value : ret.getOperands()) {
    FailureOr<Value> result = get(value, ret);
    if (failed(result))
      return failure();
    // Integers carried as f32 (an ArgMax's) leave as the i32 the host reads.
    Type element = getElementTypeOrSelf(value.getType());
    if (isRunTimeInteger(element) &&
        !getElementTypeOrSelf(result->getType()).isSignlessInteger(32)) {
      builder.setInsertionPoint(ret);
      result = map(value.getLoc(), {*result}, {ChainStep::operandStep(0)},
                   RankedTensorType::get(shapeOf(value), builder.getI32Type()));
    }
    results.push_back(*result);
  }
  ret->setOperands(results);
  // The ONNX nodes, and constants only they read, go.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (op.getName().getDialectNamespace() ==
            onnx::ONNXDialect::getDialectNamespace() ||
        (isa<arith::ConstantOp>(op) && op.use_empty()))
      op.erase();
  func.setType(FunctionType::get(func.getContext(), body.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
  return success();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
struct ConvertONNXToTilePass
    : public lpuc::impl::ConvertONNXToTileBase<ConvertONNXToTilePass> {
  using ConvertONNXToTileBase::ConvertONNXToTileBase;

  /// The `precision` option as the MXM's float type, which the target must
  /// multiply.
  FailureOr<Type> parsePrecision(ModuleOp module,
                                 const ::lpu::TargetDesc &target) {
    Builder b(&getContext());
    ::lpu::DType dtype = tile::getDefaultMXMFloatType(target);
    if (precision == "fp32")
      dtype = ::lpu::DType::F32;
    else if (precision == "fp16")
      dtype = ::lpu::DType::F16;
    else if (precision == "bf16")
      dtype = ::lpu::DType::BF16;
    else if (!precision.empty())
      return module.emitError("unknown precision '")
             << precision << "' (fp32, fp16 or bf16)";
    if (target.mxmRate(dtype))
      return lpuc::lpu::getElementType(&getContext(), dtype);
    std::string others;
    for (const ::lpu::MXMRate &rate : target.mxmRates)
      if (::lpu::isFloatDType(rate.type))
        others += std::string(others.empty() ? "" : " or ") +
                  "--precision=" + tile::getPrecisionName(rate.type).str();
    InFlightDiagnostic diag =
        module.emitError("the MXM of ")
        << target.name << " has no "
        << (dtype == ::lpu::DType::None ? "float"
                                        : ::lpu::dtypeName(dtype).data())
        << " products (it multiplies " << target.mxmTypeList() << ")";
    if (!others.empty())
      diag << ": compile with " << others;
    return failure();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const ::lpu::TargetDesc *target = lpuc::lpu::findTarget(this->target);
    if (!target) {
      module.emitError("unknown target '") << this->target << "'";
      return signalPassFailure();
    }
    auto func = module.lookupSymbol<func::FuncOp>("main");
    if (!func || func.isExternal()) {
      module.emitError("expected an imported graph: func.func @main");
      return signalPassFailure();
    }
    module->setAttr(tile::kTargetAttrName,
                    StringAttr::get(&getContext(), target->name));
    FailureOr<Type> precision = parsePrecision(module, *target);
    if (failed(precision))
      return signalPassFailure();
    module->setAttr(tile::kPrecisionAttrName, TypeAttr::get(*precision));
    if (failed(Converter(func, *target).run()))
      return signalPassFailure();
  }
};
} // namespace
