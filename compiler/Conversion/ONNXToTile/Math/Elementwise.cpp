//===- Elementwise.cpp - Element-wise nodes, Cast and Where as chains -----===//
//
// Add/Sub/Mul/Div/Pow, variadic Max/Min/Sum/Mean, the unary functions, Neg,
// Identity, Dropout (inference), LeakyRelu, Clip, HardSigmoid, HardSwish,
// the comparisons and And/Or/Xor are each one tile.map; booleans are f32
// 0.0 / 1.0. Integers compute in i32; a result of fewer bits is wrapped to
// its type in the same map.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

bool lpuc::onnx_to_tile::isElementwiseNode(Operation *op) {
  return isa<onnx::AddOp, onnx::SubOp, onnx::MulOp, onnx::DivOp, onnx::PowOp,
             onnx::MaxOp, onnx::MinOp, onnx::SumOp, onnx::MeanOp, onnx::ReluOp,
             onnx::AbsOp, onnx::ExpOp, onnx::LogOp, onnx::TanhOp,
             onnx::SigmoidOp, onnx::ErfOp, onnx::SqrtOp, onnx::ReciprocalOp,
             onnx::NegOp, onnx::IdentityOp, onnx::DropoutOp, onnx::LeakyReluOp,
             onnx::HardSigmoidOp, onnx::HardSwishOp, onnx::ClipOp,
             onnx::EqualOp, onnx::LessOp, onnx::GreaterOp, onnx::NotOp,
             onnx::ModOp, onnx::LessOrEqualOp, onnx::GreaterOrEqualOp,
             onnx::AndOp, onnx::OrOp, onnx::XorOp>(op);
}

namespace {

LogicalResult checkInferenceDropout(onnx::DropoutOp op) {
  if (!op.getMask().empty() && !op.getMask().front().use_empty())
    return op.emitError("the dropout mask output is not supported");
  // Inference: training_mode must be absent or a constant false.
  if (op.getOptions().size() > 1) {
    Value mode = op.getOptions()[1];
    auto constant = mode.getDefiningOp<arith::ConstantOp>();
    auto value = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                          : DenseElementsAttr();
    if (!isa<NoneType>(mode.getType()) &&
        (!value || !value.isSplat() || value.getSplatValue<bool>()))
      return op.emitError("dropout in training mode is not supported");
  }
  return success();
}

/// Builds the chain of one element-wise node over its operands (operand 0
/// first) and the scalar constants some nodes add.
class ChainBuilder {
public:
  ChainBuilder(Operation *op, Converter &c) : op(op), c(c) {}

  SmallVector<Value> inputs;
  Chain chain;

  /// Operand `v` as input i (each value once).
  FailureOr<int32_t> input(Value v) {
    FailureOr<Value> value = c.get(v, op);
    if (failed(value))
      return failure();
    auto it = llvm::find(inputs, *value);
    if (it != inputs.end())
      return int32_t(it - inputs.begin());
    inputs.push_back(*value);
    return int32_t(inputs.size() - 1);
  }
  LogicalResult start(float factor = 1.0f) {
    FailureOr<int32_t> first = input(op->getOperand(0));
    if (failed(first))
      return failure();
    chain.push_back(ChainStep::operandStep(*first, StepKind::First, factor));
    return success();
  }
  LogicalResult operand(Value v, StepKind kind, float factor = 1.0f) {
    FailureOr<int32_t> index = input(v);
    if (failed(index))
      return failure();
    chain.push_back(ChainStep::operandStep(*index, kind, factor));
    return success();
  }
  void constant(StringRef suffix, float value, StepKind kind) {
    inputs.push_back(c.scalar(op->getLoc(), suffix, value));
    chain.push_back(ChainStep::operandStep(inputs.size() - 1, kind));
  }
  void integerConstant(StringRef suffix, int32_t value, StepKind kind) {
    inputs.push_back(c.integerConstant(op->getLoc(), suffix, {1}, {value}));
    chain.push_back(ChainStep::operandStep(inputs.size() - 1, kind));
  }
  void apply(StepKind kind) { chain.push_back(ChainStep::apply(kind)); }
  /// Wraps the running i32 value to an integer type narrower than 32 bits
  /// (two's complement, as ONNX's integer arithmetic overflows): modulo
  /// 2^width, shifted by half of it for a signed type.
  void wrapTo(Type element) {
    if (!element.isInteger() || element.isInteger(1) ||
        element.getIntOrFloatBitWidth() >= 32)
      return;
    const unsigned width = element.getIntOrFloatBitWidth();
    const int32_t modulus = int32_t(1) << width, half = modulus / 2;
    if (element.isUnsignedInteger()) {
      integerConstant(".modulus", modulus, StepKind::Mod);
      return;
    }
    integerConstant(".half", half, StepKind::Add);
    const int32_t halfInput = int32_t(inputs.size()) - 1;
    integerConstant(".modulus", modulus, StepKind::Mod);
    chain.push_back(ChainStep::operandStep(halfInput, StepKind::Sub));
  }

private:
  Operation *op;
  Converter &c;
};

/// The node's chain: ((op_0 (x) op_1) (x) op_2) ... for the variadic ones,
/// op_0 through lane functions for the unary ones.
LogicalResult buildChain(Operation *op, ChainBuilder &b) {
  // Integer chains compute in i32, with no factors (the VXM scales floats).
  const bool integer = Converter::isI32Tensor(op->getOperand(0));
  if (integer &&
      isa<onnx::PowOp, onnx::MeanOp, onnx::ExpOp, onnx::LogOp, onnx::TanhOp,
          onnx::SigmoidOp, onnx::ErfOp, onnx::SqrtOp, onnx::ReciprocalOp,
          onnx::LeakyReluOp, onnx::HardSigmoidOp, onnx::HardSwishOp>(op))
    return op->emitError("'")
           << op->getName().stripDialect() << "' of integers is not supported";
  // Comparisons of integers give i32 0 / 1: booleans are f32.
  auto compare = [&](StepKind kind) -> LogicalResult {
    if (failed(b.start()) || failed(b.operand(op->getOperand(1), kind)))
      return failure();
    if (integer)
      b.apply(StepKind::ToF32);
    return success();
  };
  auto variadic = [&](StepKind kind, float factor = 1.0f) -> LogicalResult {
    if (failed(b.start(factor)))
      return failure();
    for (Value v : op->getOperands().drop_front())
      if (failed(b.operand(v, kind, factor)))
        return failure();
    return success();
  };
  auto unary = [&](StepKind kind) -> LogicalResult {
    if (failed(b.start()))
      return failure();
    b.apply(kind);
    return success();
  };
  // max(0, min(1, alpha x + beta)), times x for HardSwish.
  auto hardSigmoid = [&](float alpha, float beta,
                         bool timesInput) -> LogicalResult {
    if (failed(b.start(alpha)))
      return failure();
    b.constant(".beta", beta, StepKind::Add);
    b.constant(".zero", 0.0f, StepKind::Max);
    b.constant(".one", 1.0f, StepKind::Min);
    if (timesInput)
      return b.operand(op->getOperand(0), StepKind::Mul);
    return success();
  };
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](onnx::AddOp) { return variadic(StepKind::Add); })
      .Case([&](onnx::SubOp) { return variadic(StepKind::Sub); })
      .Case([&](onnx::MulOp) { return variadic(StepKind::Mul); })
      .Case([&](onnx::DivOp) { return variadic(StepKind::Div); })
      .Case([&](onnx::PowOp) { return variadic(StepKind::Pow); })
      .Case([&](onnx::MaxOp) { return variadic(StepKind::Max); })
      .Case([&](onnx::MinOp) { return variadic(StepKind::Min); })
      .Case([&](onnx::SumOp) { return variadic(StepKind::Add); })
      .Case([&](onnx::MeanOp) {
        return variadic(StepKind::Add, 1.0f / op->getNumOperands());
      })
      .Case([&](onnx::ModOp op) -> LogicalResult {
        if (!integer && !op.getFmod())
          return op.emitError("Mod of floats needs fmod = 1");
        return variadic(op.getFmod() ? StepKind::FMod : StepKind::Mod);
      })
      .Case([&](onnx::EqualOp) { return compare(StepKind::Equal); })
      .Case([&](onnx::LessOp) { return compare(StepKind::Less); })
      .Case([&](onnx::GreaterOp) { return compare(StepKind::Greater); })
      // Booleans are 0.0 / 1.0: and is the minimum, or the maximum, xor
      // the distance.
      .Case([&](onnx::AndOp) { return variadic(StepKind::Min); })
      .Case([&](onnx::OrOp) { return variadic(StepKind::Max); })
      .Case([&](onnx::XorOp) -> LogicalResult {
        if (failed(variadic(StepKind::Sub)))
          return failure();
        b.apply(StepKind::Abs);
        return success();
      })
      .Case([&](onnx::ReluOp) { return unary(StepKind::Relu); })
      .Case([&](onnx::AbsOp) { return unary(StepKind::Abs); })
      .Case([&](onnx::ExpOp) { return unary(StepKind::Exp); })
      .Case([&](onnx::LogOp) { return unary(StepKind::Log); })
      .Case([&](onnx::TanhOp) { return unary(StepKind::Tanh); })
      .Case([&](onnx::SigmoidOp) { return unary(StepKind::Sigmoid); })
      .Case([&](onnx::ErfOp) { return unary(StepKind::Erf); })
      .Case([&](onnx::SqrtOp) { return unary(StepKind::Sqrt); })
      .Case([&](onnx::ReciprocalOp) { return unary(StepKind::Reciprocal); })
      .Case([&](onnx::NegOp) -> LogicalResult {
        if (!integer)
          return b.start(-1.0f);
        if (failed(b.start()))
          return failure();
        b.integerConstant(".minus_one", -1, StepKind::Mul);
        return success();
      })
      .Case([&](onnx::IdentityOp) { return b.start(); })
      .Case([&](onnx::NotOp) -> LogicalResult { // 1 - x on 0.0 / 1.0
        if (failed(b.start(-1.0f)))
          return failure();
        b.constant(".one", 1.0f, StepKind::Add);
        return success();
      })
      .Case([&](onnx::DropoutOp op) -> LogicalResult {
        if (failed(checkInferenceDropout(op)))
          return failure();
        return b.start();
      })
      .Case([&](onnx::LeakyReluOp op) -> LogicalResult {
        // max(x, alpha x) for alpha <= 1, min(x, alpha x) above.
        float alpha = op.getAlpha().convertToFloat();
        if (failed(b.start()))
          return failure();
        return b.operand(op.getX(),
                         alpha <= 1.0f ? StepKind::Max : StepKind::Min, alpha);
      })
      .Case([&](onnx::HardSigmoidOp op) {
        return hardSigmoid(op.getAlpha().convertToFloat(),
                           op.getBeta().convertToFloat(),
                           /*timesInput=*/false);
      })
      .Case([&](onnx::HardSwishOp) {
        return hardSigmoid(1.0f / 6.0f, 0.5f, /*timesInput=*/true);
      })
      .Case([&](onnx::ClipOp op) -> LogicalResult {
        if (failed(b.start()))
          return failure();
        for (auto [i, bound] : llvm::enumerate(op.getBounds()))
          if (!isa<NoneType>(bound.getType()) && // omitted
              failed(b.operand(bound, i == 0 ? StepKind::Max : StepKind::Min)))
            return failure();
        return success();
      })
      .Default([&](Operation *op) {
        return op->emitError("not an element-wise node");
      });
}

} // namespace

/// A <= B and A >= B: [A < B] (or >) plus [A = B], two maps, so that a NaN
/// compares false as ONNX says.
static LogicalResult lowerOrEqual(Operation *op, Converter &c) {
  const bool less = isa<onnx::LessOrEqualOp>(op);
  const bool integer = Converter::isI32Tensor(op->getOperand(0));
  FailureOr<SmallVector<Value>> in = c.getOperands(op);
  if (failed(in))
    return failure();
  auto type = c.laneType(op->getResult(0), op->getLoc(), "output 0");
  if (failed(type))
    return failure();
  auto compare = [&](StepKind kind, std::optional<Value> plus) {
    SmallVector<Value> inputs(*in);
    Chain chain = {ChainStep::operandStep(0), ChainStep::operandStep(1, kind)};
    if (integer)
      chain.push_back(ChainStep::apply(StepKind::ToF32));
    if (plus) {
      inputs.push_back(*plus);
      chain.push_back(ChainStep::operandStep(2, StepKind::Add));
    }
    return c.map(op->getLoc(), inputs, chain, *type);
  };
  Value equal = compare(StepKind::Equal, std::nullopt);
  c.set(op->getResult(0),
        compare(less ? StepKind::Less : StepKind::Greater, equal));
  return success();
}

LogicalResult lpuc::onnx_to_tile::lowerElementwise(Operation *op,
                                                   Converter &c) {
  if (isa<onnx::LessOrEqualOp, onnx::GreaterOrEqualOp>(op))
    return lowerOrEqual(op, c);
  ChainBuilder b(op, c);
  if (failed(buildChain(op, b)))
    return failure();
  Value result = op->getResult(0);
  auto type = c.laneType(result, op->getLoc(), "output 0");
  if (failed(type))
    return failure();
  b.wrapTo(getElementTypeOrSelf(result.getType()));
  c.set(result, c.map(op->getLoc(), b.inputs, b.chain, *type));
  return success();
}

LogicalResult lpuc::onnx_to_tile::lowerCopy(Operation *op, Converter &c) {
  FailureOr<Value> input = c.get(op->getOperand(0), op);
  if (failed(input))
    return failure();
  Value result = op->getResult(0);
  c.set(result,
        c.map(op->getLoc(), {*input}, {ChainStep::operandStep(0)},
              RankedTensorType::get(Converter::shapeOf(result),
                                    getElementTypeOrSelf(input->getType()))));
  return success();
}

/// Between f32, f16, bool (f32 0 / 1) and the integers (i32): the chain
/// converts between float and integer lanes (floats toward zero, as ONNX
/// casts), and the write rounds f32 to f16.
LogicalResult lpuc::onnx_to_tile::lowerCast(onnx::CastOp op, Converter &c) {
  Value in = op.getInput(), out = op.getOutput();
  for (Value v : {in, out}) {
    if (v == in && Converter::isIndexTensor(v))
      continue; // integers carried as f32
    if (Converter::isCastHalf(v))
      continue;
    if (failed(c.laneType(v, op.getLoc(), v == in ? "input 0" : "output 0")))
      return op.emitError("Cast from ")
             << getElementTypeOrSelf(in.getType()) << " to "
             << getElementTypeOrSelf(out.getType())
             << " is not supported (f32, f16, bf16, bool and integers)";
  }
  const bool fromInteger = Converter::isI32Tensor(in),
             toInteger = Converter::isI32Tensor(out);
  const bool toBool = getElementTypeOrSelf(out.getType()).isInteger(1);
  ChainBuilder b(op, c);
  if (failed(b.start()))
    return failure();
  if (toBool && !getElementTypeOrSelf(in.getType()).isInteger(1)) {
    // 1 - [x == 0].
    if (fromInteger) {
      b.integerConstant(".zero", 0, StepKind::Equal);
      b.apply(StepKind::ToF32);
    } else {
      b.constant(".zero", 0.0f, StepKind::Equal);
    }
    b.apply(StepKind::Scale);
    b.chain.back().factor = -1.0f;
    b.constant(".one", 1.0f, StepKind::Add);
  } else if (fromInteger && !toInteger) {
    b.apply(StepKind::ToF32);
  } else if (!fromInteger && toInteger) {
    b.apply(StepKind::TruncI32);
  }
  if (toInteger)
    b.wrapTo(getElementTypeOrSelf(out.getType()));
  Type element = getElementTypeOrSelf(out.getType());
  if (element.isInteger(1))
    element = c.f32();
  else if (toInteger)
    element = c.builder.getI32Type();
  c.set(out, c.map(op.getLoc(), b.inputs, b.chain,
                   RankedTensorType::get(Converter::shapeOf(out), element)));
  return success();
}

/// Where(c, x, y) = c x + (1 - c) y for c in {0, 1}, exact for finite x and
/// y: t = c x, then -((c y - y) - t).
LogicalResult lpuc::onnx_to_tile::lowerWhere(onnx::WhereOp op, Converter &c) {
  FailureOr<SmallVector<Value>> operands = c.getOperands(op);
  if (failed(operands))
    return failure();
  ArrayRef<Value> in = *operands;
  auto type = c.laneType(op.getOutput(), op.getLoc(), "output 0");
  if (failed(type))
    return failure();
  Location loc = op.getLoc();
  if (Converter::isI32Tensor(op.getX())) {
    // y + c (x - y): exact in wrapping i32 arithmetic, c converted to i32.
    c.set(op.getOutput(), c.map(loc, {in[1], in[2], in[0]},
                                {ChainStep::operandStep(0),
                                 ChainStep::operandStep(1, StepKind::Sub),
                                 ChainStep::operandStep(2, StepKind::Mul),
                                 ChainStep::operandStep(1, StepKind::Add)},
                                *type));
    return success();
  }
  Value picked = c.map(
      loc, {in[0], in[1]},
      {ChainStep::operandStep(0), ChainStep::operandStep(1, StepKind::Mul)},
      *type);
  c.set(op.getOutput(), c.map(loc, {in[0], in[2], picked},
                              {ChainStep::operandStep(0),
                               ChainStep::operandStep(1, StepKind::Mul),
                               ChainStep::operandStep(1, StepKind::Sub),
                               ChainStep::operandStep(2, StepKind::Sub),
                               ChainStep::apply(StepKind::Scale, -1.0f)},
                              *type));
  return success();
}
