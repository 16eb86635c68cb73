//===- Activations.cpp - Activations built from several maps -------------===//
//
// Elu, Selu, Softplus, Softsign, ThresholdedRelu, Shrink, PRelu, Sign,
// IsNaN, IsInf, Floor, Ceil, Round and the hyperbolic functions, from the VXM's
// lane functions (exp, log, sqrt, reciprocal) and comparisons. A chain carries
// one running value, so a function that needs its input twice in different
// forms is a few maps, which tile-fuse-elementwise joins where it can.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/ONNXToTile/Converter.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::onnx_to_tile;

bool lpuc::onnx_to_tile::isActivationNode(Operation *op) {
  return isa<onnx::EluOp, onnx::SeluOp, onnx::SoftplusOp, onnx::SoftsignOp,
             onnx::ThresholdedReluOp, onnx::ShrinkOp, onnx::SignOp,
             onnx::SinhOp, onnx::CoshOp, onnx::AsinhOp, onnx::AcoshOp,
             onnx::AtanhOp, onnx::PReluOp, onnx::IsNaNOp, onnx::IsInfOp,
             onnx::FloorOp, onnx::CeilOp, onnx::RoundOp>(op);
}

LogicalResult lpuc::onnx_to_tile::lowerActivation(Operation *op, Converter &c) {
  Location loc = op->getLoc();
  FailureOr<Value> input = c.get(op->getOperand(0), op);
  if (failed(input))
    return failure();
  auto type = c.laneType(op->getResult(0), loc, "output 0");
  if (failed(type))
    return failure();
  using S = StepKind;
  auto in = [](int32_t index, S kind = S::First, float factor = 1.0f) {
    return ChainStep::operandStep(index, kind, factor);
  };
  auto fn = [](S kind, float factor = 1.0f) {
    return ChainStep::apply(kind, factor);
  };
  auto map = [&](ArrayRef<Value> inputs, ArrayRef<ChainStep> chain) {
    return c.map(loc, inputs, chain, *type);
  };
  auto scalar = [&](StringRef suffix, float value) {
    return c.scalar(loc, suffix, value);
  };
  const Value x = *input;
  // factor * (exp(min(x, 0)) - 1): the negative side of Elu and Selu, which
  // is 0 where x > 0.
  auto negativeSide = [&](float factor) {
    return map({x, scalar(".zero", 0.0f), scalar(".minus_one", -1.0f)},
               {in(0), in(1, S::Min), fn(S::Exp), in(2, S::Add),
                fn(S::Scale, factor)});
  };
  // 1 where x > 0, -1 where x < 0, else 0.
  auto sign = [&] {
    Value zero = scalar(".zero", 0.0f);
    Value positive = map({x, zero}, {in(0), in(1, S::Greater)});
    return map({x, zero, positive},
               {in(0), in(1, S::Less), in(2, S::Sub), fn(S::Scale, -1.0f)});
  };
  // e^x +- e^-x, halved.
  auto halfExpSum = [&](float sign) {
    Value exp = map({x}, {in(0), fn(S::Exp)});
    return map({x, exp}, {in(0, S::First, -1.0f), fn(S::Exp),
                          fn(S::Scale, 0.5f * sign), in(1, S::Add, 0.5f)});
  };
  // trunc(x) (or round(x), halves to even), exact for every float:
  // x - (u - trunc(u)) with u = x clamped to +-2^23, beyond which every
  // float is an integer (so the conversion to i32 never saturates, and the
  // difference is exact).
  auto integral = [&](StepKind toInteger) {
    constexpr float kIntegral = 8388608.0f; // 2^23
    Value clamped =
        map({x, scalar(".low", -kIntegral), scalar(".high", kIntegral)},
            {in(0), in(1, S::Max), in(2, S::Min)});
    Value fraction = map({clamped}, {in(0), fn(toInteger), fn(S::ToF32),
                                     in(0, S::Sub), fn(S::Scale, -1.0f)});
    return map({x, fraction}, {in(0), in(1, S::Sub)});
  };
  auto truncated = [&] { return integral(S::TruncI32); };
  Value result =
      TypeSwitch<Operation *, Value>(op)
          .Case([&](onnx::FloorOp) {
            // trunc(x) - [trunc(x) > x].
            Value t = truncated();
            return map({t, x}, {in(0), in(1, S::Greater), fn(S::Scale, -1.0f),
                                in(0, S::Add)});
          })
          .Case([&](onnx::RoundOp) { return integral(S::RoundI32); })
          .Case([&](onnx::CeilOp) {
            // trunc(x) + [trunc(x) < x].
            Value t = truncated();
            return map({t, x}, {in(0), in(1, S::Less), in(0, S::Add)});
          })
          .Case([&](onnx::EluOp op) {
            return map({x, negativeSide(op.getAlpha().convertToFloat())},
                       {in(0), fn(S::Relu), in(1, S::Add)});
          })
          .Case([&](onnx::SeluOp op) {
            const float gamma = op.getGamma().convertToFloat();
            return map(
                {x, negativeSide(gamma * op.getAlpha().convertToFloat())},
                {in(0), fn(S::Relu), fn(S::Scale, gamma), in(1, S::Add)});
          })
          .Case([&](onnx::SoftplusOp) {
            // max(x, 0) + log(1 + e^-|x|): e^x would overflow for x > 88.
            Value tail = map({x, scalar(".one", 1.0f)},
                             {in(0), fn(S::Abs), fn(S::Scale, -1.0f),
                              fn(S::Exp), in(1, S::Add), fn(S::Log)});
            return map({x, tail}, {in(0), fn(S::Relu), in(1, S::Add)});
          })
          .Case([&](onnx::SoftsignOp) {
            return map({x, scalar(".one", 1.0f)},
                       {in(0), fn(S::Abs), in(1, S::Add), fn(S::Reciprocal),
                        in(0, S::Mul)});
          })
          .Case([&](onnx::ThresholdedReluOp op) {
            // m [m > alpha] with m = max(x, alpha): finite where x is not
            // taken, so -inf gives 0, not -inf * 0.
            Value alpha = scalar(".alpha", op.getAlpha().convertToFloat());
            Value kept = map({x, alpha}, {in(0), in(1, S::Max)});
            return map({kept, alpha},
                       {in(0), in(1, S::Greater), in(0, S::Mul)});
          })
          .Case([&](onnx::ShrinkOp op) {
            // [p > lambd] (p - bias) + [q < -lambd] (q + bias), with
            // p = max(x, lambd) and q = min(x, -lambd), finite where not
            // taken.
            const float lambd = op.getLambd().convertToFloat();
            const float bias = op.getBias().convertToFloat();
            auto side = [&](float bound, S clamp, S test, float shift) {
              Value limit = scalar(".lambd", bound);
              Value clamped = map({x, limit}, {in(0), in(1, clamp)});
              Value shifted = map({clamped, scalar(".bias", shift)},
                                  {in(0), in(1, S::Add)});
              return map({clamped, limit, shifted},
                         {in(0), in(1, test), in(2, S::Mul)});
            };
            Value above = side(lambd, S::Max, S::Greater, -bias);
            Value below = side(-lambd, S::Min, S::Less, bias);
            return map({above, below}, {in(0), in(1, S::Add)});
          })
          .Case([&](onnx::PReluOp op) -> Value {
            // relu(x) + slope min(x, 0).
            FailureOr<Value> slope = c.get(op.getSlope(), op);
            if (failed(slope))
              return Value();
            Value negative = map({x, scalar(".zero", 0.0f), *slope},
                                 {in(0), in(1, S::Min), in(2, S::Mul)});
            return map({x, negative}, {in(0), fn(S::Relu), in(1, S::Add)});
          })
          .Case([&](onnx::IsNaNOp) {
            // 1 - [x == x].
            return map(
                {x, scalar(".one", 1.0f)},
                {in(0), in(0, S::Equal), fn(S::Scale, -1.0f), in(1, S::Add)});
          })
          .Case([&](onnx::IsInfOp op) {
            auto equals = [&](float infinity, std::optional<Value> plus) {
              SmallVector<Value> inputs = {x, scalar(".inf", infinity)};
              Chain chain = {in(0), in(1, S::Equal)};
              if (plus) {
                inputs.push_back(*plus);
                chain.push_back(in(2, S::Add));
              }
              return map(inputs, chain);
            };
            const float inf = std::numeric_limits<float>::infinity();
            std::optional<Value> found;
            if (op.getDetectPositive())
              found = equals(inf, std::nullopt);
            if (op.getDetectNegative())
              found = equals(-inf, found);
            // Neither sign: [x == x] 0, zeros even where x is NaN.
            return found
                       ? *found
                       : map({x}, {in(0), in(0, S::Equal), fn(S::Scale, 0.0f)});
          })
          .Case([&](onnx::SignOp) { return sign(); })
          .Case([&](onnx::SinhOp) { return halfExpSum(-1.0f); })
          .Case([&](onnx::CoshOp) { return halfExpSum(1.0f); })
          .Case([&](onnx::AsinhOp) {
            // sign(x) log(|x| + sqrt(x^2 + 1)): no cancellation for x < 0.
            Value magnitude = map({x}, {in(0), fn(S::Abs)});
            Value positive = map({magnitude, scalar(".one", 1.0f)},
                                 {in(0), in(0, S::Mul), in(1, S::Add),
                                  fn(S::Sqrt), in(0, S::Add), fn(S::Log)});
            return map({positive, sign()}, {in(0), in(1, S::Mul)});
          })
          .Case([&](onnx::AcoshOp) {
            // log(x + sqrt((x - 1)(x + 1))): x^2 - 1 loses digits near 1.
            Value one = scalar(".one", 1.0f);
            Value below = map({x, one}, {in(0), in(1, S::Sub)});
            return map({x, one, below},
                       {in(0), in(1, S::Add), in(2, S::Mul), fn(S::Sqrt),
                        in(0, S::Add), fn(S::Log)});
          })
          .Case([&](onnx::AtanhOp) {
            // log((1 + x) / (1 - x)) / 2.
            Value one = scalar(".one", 1.0f);
            Value below =
                map({x, one}, {in(0, S::First, -1.0f), in(1, S::Add)});
            return map({x, one, below}, {in(0), in(1, S::Add), in(2, S::Div),
                                         fn(S::Log), fn(S::Scale, 0.5f)});
          });
  if (!result)
    return failure();
  c.set(op->getResult(0), result);
  return success();
}
