//===- Chain.cpp - Element-wise chains of tile ops ------------------------===//
//
// Chains' keywords, their parsing and printing, what each step does to
// padding and order, and the checks every op with a chain makes.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Chain.h"
#include "dialects/Tile/TileOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace lpuc::tile;

namespace {
constexpr std::pair<StepKind, llvm::StringLiteral> kStepKeywords[] = {
    {StepKind::First, "in"},
    {StepKind::Add, "add"},
    {StepKind::Sub, "sub"},
    {StepKind::Mul, "mul"},
    {StepKind::Max, "max"},
    {StepKind::Min, "min"},
    {StepKind::Div, "div"},
    {StepKind::Pow, "pow"},
    {StepKind::Equal, "eq"},
    {StepKind::Less, "lt"},
    {StepKind::Greater, "gt"},
    {StepKind::Relu, "relu"},
    {StepKind::Abs, "abs"},
    {StepKind::Exp, "exp"},
    {StepKind::Log, "log"},
    {StepKind::Tanh, "tanh"},
    {StepKind::Sigmoid, "sigmoid"},
    {StepKind::Erf, "erf"},
    {StepKind::Sqrt, "sqrt"},
    {StepKind::Reciprocal, "reciprocal"},
    {StepKind::Scale, "scale"},
    {StepKind::RoundI8, "round_i8"},
    {StepKind::Mod, "mod"},
    {StepKind::FMod, "fmod"},
    {StepKind::ToF32, "to_f32"},
    {StepKind::TruncI32, "trunc_i32"},
    {StepKind::RoundI32, "round_i32"},
};
} // namespace

StringRef lpuc::tile::stringifyStepKind(StepKind kind) {
  for (const auto &[k, keyword] : kStepKeywords)
    if (k == kind)
      return keyword;
  return "?";
}

std::optional<StepKind> lpuc::tile::symbolizeStepKind(StringRef keyword) {
  for (const auto &[k, word] : kStepKeywords)
    if (word == keyword)
      return k;
  return std::nullopt;
}

bool lpuc::tile::guardsPadding(const ChainStep &step, Padding before,
                               std::optional<float> immediate) {
  switch (step.kind) {
  case StepKind::Div: // x / (divisor + guard): padding x / 1
    return !immediate && before != Padding::Any && std::isfinite(step.factor);
  case StepKind::Reciprocal: // 1 / (0 + 1)
  case StepKind::Log:        // log(0 + 1)
    return before == Padding::Zero;
  default:
    return false;
  }
}

Padding lpuc::tile::paddingAfter(const ChainStep &step, Padding before,
                                 std::optional<float> immediate) {
  if (guardsPadding(step, before, immediate))
    return step.kind == StepKind::Reciprocal ? Padding::Finite : before;
  // A finite value times a factor may overflow: only zeros stay known.
  const Padding zeroOrAny =
      before == Padding::Zero ? Padding::Zero : Padding::Any;
  if (immediate) {
    const float c = *immediate;
    if (step.kind == StepKind::Mul) {
      if (!std::isfinite(c))
        return Padding::Any;
      if (c == 0.0f) // a finite value times 0
        return before == Padding::Any ? Padding::Any : Padding::Zero;
      return zeroOrAny;
    }
    // Division: by 0 or NaN gives NaN, by another value keeps zeros.
    return c == 0.0f || std::isnan(c) ? Padding::Any : zeroOrAny;
  }
  switch (step.kind) {
  case StepKind::First:
    return Padding::Zero;
  case StepKind::Add:
  case StepKind::Sub:
  case StepKind::Max:
  case StepKind::Min:
  case StepKind::Relu:
  case StepKind::Abs:
  case StepKind::Tanh:
  case StepKind::Erf:
  case StepKind::RoundI8:
  case StepKind::ToF32:
    return before;
  case StepKind::TruncI32: // NaN becomes 0
  case StepKind::RoundI32:
    return before == Padding::Any ? Padding::Finite : before;
  case StepKind::Mul: // a finite value times 0 (SiLU: x * sigmoid(x))
    return before == Padding::Any ? Padding::Any : Padding::Zero;
  case StepKind::Less: // 0 < 0 is 0; anything else compares to 0 or 1
  case StepKind::Greater:
    return before == Padding::Zero ? Padding::Zero : Padding::Finite;
  case StepKind::Equal: // 1 or 0
  case StepKind::Pow:   // x to the power 0 is 1, NaN included
    return Padding::Finite;
  case StepKind::Sigmoid:
    return before == Padding::Any ? Padding::Any : Padding::Finite;
  case StepKind::Exp:
    return before == Padding::Zero ? Padding::Finite : Padding::Any;
  case StepKind::Scale:
  case StepKind::Sqrt:
    return zeroOrAny;
  case StepKind::Div: // by 0
  case StepKind::Mod:
  case StepKind::FMod:
  case StepKind::Log:
  case StepKind::Reciprocal:
    return Padding::Any;
  }
  return Padding::Any;
}

bool lpuc::tile::preservesOrder(const ChainStep &step, ValueRange operands) {
  switch (step.kind) {
  case StepKind::Add:
  case StepKind::Sub:
  case StepKind::Max:
  case StepKind::Min:
  case StepKind::Relu:
  case StepKind::RoundI8:
  case StepKind::ToF32:
  case StepKind::TruncI32:
  case StepKind::RoundI32:
    return true;
  case StepKind::Scale:
    return step.factor >= 0.0f && std::isfinite(step.factor);
  case StepKind::Mul:
  case StepKind::Div: {
    const bool strictly = step.kind == StepKind::Div;
    auto allowed = [&](double v) {
      return std::isfinite(v) && (strictly ? v > 0.0 : v >= 0.0);
    };
    if (!allowed(step.factor))
      return false;
    Value operand = operands[step.operand];
    DenseFPElementsAttr floats;
    if (matchPattern(operand, m_Constant(&floats)))
      return llvm::all_of(floats.getValues<APFloat>(), [&](const APFloat &v) {
        return allowed(v.convertToDouble());
      });
    DenseIntElementsAttr ints;
    if (matchPattern(operand, m_Constant(&ints)))
      return llvm::all_of(ints.getValues<APInt>(), [&](const APInt &v) {
        return allowed(double(v.getSExtValue()));
      });
    return false;
  }
  default:
    return false;
  }
}

Chain lpuc::tile::getChain(ArrayRef<int32_t> steps, ArrayRef<float> factors) {
  Chain chain;
  for (size_t i = 0; 2 * i + 1 < steps.size() && i < factors.size(); ++i)
    chain.push_back(
        {static_cast<StepKind>(steps[2 * i]), steps[2 * i + 1], factors[i]});
  return chain;
}

std::pair<DenseI32ArrayAttr, DenseF32ArrayAttr>
lpuc::tile::getChainAttrs(Builder &builder, ArrayRef<ChainStep> chain) {
  SmallVector<int32_t> steps;
  SmallVector<float> factors;
  for (const ChainStep &step : chain) {
    steps.append({static_cast<int32_t>(step.kind), step.operand});
    factors.push_back(step.factor);
  }
  return {builder.getDenseI32ArrayAttr(steps),
          builder.getDenseF32ArrayAttr(factors)};
}

LogicalResult lpuc::tile::verifyChain(Operation *op, ArrayRef<ChainStep> chain,
                                      unsigned numOperands, bool isEpilogue) {
  for (auto [i, step] : llvm::enumerate(chain)) {
    if (step.kind < StepKind::First || step.kind > StepKind::RoundI32)
      return op->emitOpError("chain step ") << i << " has no valid kind";
    bool first = step.kind == StepKind::First;
    if (first != (!isEpilogue && i == 0))
      return op->emitOpError(isEpilogue
                                 ? "an epilogue continues the product's value: "
                                   "no step may start a chain"
                                 : "a chain starts with one operand (`inN`) "
                                   "and only there");
    if (step.isOperand() &&
        (step.operand < 0 || step.operand >= int32_t(numOperands)))
      return op->emitOpError("chain step ")
             << i << " names operand " << step.operand << " of " << numOperands;
    if (!step.isOperand() && step.operand != -1)
      return op->emitOpError("chain step ") << i << " takes no operand";
  }
  if (!isEpilogue && chain.empty())
    return op->emitOpError("needs a chain of at least one step");
  return success();
}

ParseResult parseChain(OpAsmParser &parser, DenseI32ArrayAttr &steps,
                       DenseF32ArrayAttr &factors) {
  Chain chain;
  auto parseStep = [&]() -> ParseResult {
    StringRef keyword;
    SMLoc at = parser.getCurrentLocation();
    if (parser.parseKeyword(&keyword))
      return failure();
    // `in0` lexes as one keyword: the operand that starts the chain.
    unsigned number;
    std::optional<StepKind> kind =
        keyword.starts_with("in") &&
                !keyword.drop_front(2).getAsInteger(10, number)
            ? std::optional(StepKind::First)
            : symbolizeStepKind(keyword);
    if (!kind || keyword == "in")
      return parser.emitError(at, "unknown chain step '") << keyword << "'";
    ChainStep step;
    step.kind = *kind;
    if (*kind == StepKind::Scale) {
      double factor;
      if (parser.parseFloat(factor))
        return failure();
      step.factor = float(factor);
    } else if (step.isOperand()) {
      // `inN` starts a chain; a combining step names its operand after it.
      StringRef name = keyword;
      if (*kind != StepKind::First) {
        SMLoc operandAt = parser.getCurrentLocation();
        if (parser.parseKeyword(&name))
          return failure();
        if (!name.starts_with("in"))
          return parser.emitError(operandAt, "expected an operand `inN`");
      }
      if (name.drop_front(2).getAsInteger(10, step.operand))
        return parser.emitError(at, "expected an operand number after `in`");
      if (succeeded(parser.parseOptionalStar())) {
        double factor;
        if (parser.parseFloat(factor))
          return failure();
        step.factor = float(factor);
      }
    }
    chain.push_back(step);
    return success();
  };
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, parseStep))
    return failure();
  Builder builder(parser.getContext());
  std::tie(steps, factors) = getChainAttrs(builder, chain);
  return success();
}

void printChain(OpAsmPrinter &printer, Operation *, DenseI32ArrayAttr steps,
                DenseF32ArrayAttr factors) {
  printer << "[";
  llvm::interleaveComma(getChain(steps.asArrayRef(), factors.asArrayRef()),
                        printer, [&](const ChainStep &step) {
                          if (step.kind == StepKind::First) {
                            printer << "in" << step.operand;
                          } else {
                            printer << stringifyStepKind(step.kind);
                            if (step.isOperand())
                              printer << " in" << step.operand;
                          }
                          if (step.kind == StepKind::Scale ||
                              (step.isOperand() && step.factor != 1.0f)) {
                            printer
                                << (step.kind == StepKind::Scale ? " " : " * ");
                            printer.printFloat(APFloat(step.factor));
                          }
                        });
  printer << "]";
}
