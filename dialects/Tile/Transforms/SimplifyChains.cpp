//===- SimplifyChains.cpp - Fewer steps in chains with i8 results ---------===//
//
// A chain whose result is i8 ends in a conversion that rounds to nearest
// even and saturates to [-128, 127]. A clamp before it (relu, or max / min
// with a constant) is then often redundant: a quantized ReLU's zero point
// is -128, a ReLU6's 6 lands at 127. Every step after the clamp that this
// pass looks through is monotone non-decreasing in the running value (an
// add or subtract of a constant, a multiply or divide by a positive one,
// another clamp), and so is rounding, so clamp and later steps commute:
// sat(round(g(max(x, lo)))) = sat(round(max(g(x), g(lo)))). When g(lo)
// rounds to -128 or below for every element, the max changes nothing; a
// min likewise when g(hi) rounds to 127 or above. The bound goes through g
// in binary32, as the VXM computes it, so the result is the same bits.
//
// Affine runs fold afterwards, where rounding to i8 makes the binary32
// reassociation matter only at ties: quantized outputs are only ever
// compared to within a step.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "dialects/LPU/LPUOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lpuc::tile {
#define GEN_PASS_DEF_SIMPLIFYCHAINS
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

/// Values over a broadcast shape (right-aligned, NumPy style), enough to
/// hold every element a chain's constants can differ in.
struct Bound {
  SmallVector<int64_t> shape;
  std::vector<float> values;
};

/// A constant operand's elements as binary32, as the chain reads them (i8
/// and i32 values converted, exactly for i8), with its shape.
std::optional<Bound> constantOf(Value value) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto type = cast<ShapedType>(attr.getType());
  Type element = type.getElementType();
  if (!element.isF32() && !element.isInteger(8) && !element.isInteger(32))
    return std::nullopt;
  std::optional<std::vector<uint32_t>> words = lpuc::lpu::readLaneWords(attr);
  if (!words)
    return std::nullopt;
  Bound bound{SmallVector<int64_t>(type.getShape()), {}};
  for (uint32_t word : *words)
    bound.values.push_back(element.isF32() ? ::lpu::wordToFloat(word)
                                           : float(static_cast<int32_t>(word)));
  return bound;
}

/// What operand step `step` combines into the running value: its constant
/// operand times the step's factor (as the VXM scales it), or nothing.
std::optional<Bound> operandOf(const ChainStep &step, ValueRange operands) {
  std::optional<Bound> operand = constantOf(operands[step.operand]);
  if (operand)
    for (float &v : operand->values)
      v *= step.factor;
  return operand;
}

/// `f(a, b)` elementwise over the broadcast of both shapes.
Bound combine(const Bound &a, const Bound &b,
              llvm::function_ref<float(float, float)> f) {
  const size_t rank = std::max(a.shape.size(), b.shape.size());
  auto dim = [&](const Bound &x, size_t d) -> int64_t {
    const size_t pad = rank - x.shape.size();
    return d < pad ? 1 : x.shape[d - pad];
  };
  Bound out;
  for (size_t d = 0; d < rank; ++d)
    out.shape.push_back(std::max(dim(a, d), dim(b, d)));
  int64_t count = 1;
  for (int64_t n : out.shape)
    count *= n;
  // Row-major index of an output element in an operand (size-1 dims
  // repeat).
  auto at = [&](const Bound &x, int64_t flat) {
    int64_t index = 0, stride = 1;
    for (size_t d = rank; d-- > 0;) {
      const int64_t coordinate = flat % out.shape[d];
      flat /= out.shape[d];
      if (dim(x, d) != 1)
        index += coordinate * stride;
      stride *= dim(x, d);
    }
    return x.values[index];
  };
  for (int64_t i = 0; i < count; ++i)
    out.values.push_back(f(at(a, i), at(b, i)));
  return out;
}

/// `value` combined with `operand` by an add, subtract, multiply or divide
/// (`kind`), as the VXM computes it.
Bound applyArithmetic(StepKind kind, const Bound &value, const Bound &operand) {
  switch (kind) {
  case StepKind::Add:
    return combine(value, operand, [](float x, float y) { return x + y; });
  case StepKind::Sub:
    return combine(value, operand, [](float x, float y) { return x - y; });
  case StepKind::Mul:
    return combine(value, operand, [](float x, float y) { return x * y; });
  default:
    assert(kind == StepKind::Div && "an arithmetic step");
    return combine(value, operand, [](float x, float y) { return x / y; });
  }
}

/// Whether `bound`, the clamp at step `at` of `chain` (a lower bound when
/// `lower`), still decides any element after the steps that follow and the
/// conversion to i8: false only when every step after it is monotone
/// non-decreasing with constant operands and g(bound) saturates.
bool clampMatters(ArrayRef<ChainStep> chain, size_t at, ValueRange operands,
                  Bound bound, bool lower) {
  for (const ChainStep &step : chain.drop_front(at + 1)) {
    if (!preservesOrder(step, operands))
      return true;
    if (step.kind == StepKind::Relu) {
      bound = combine(bound, Bound{{}, {0.0f}},
                      [](float x, float) { return x > 0.0f ? x : 0.0f; });
      continue;
    }
    if (step.kind == StepKind::Scale) {
      bound = applyArithmetic(StepKind::Mul, bound, Bound{{}, {step.factor}});
      continue;
    }
    if (step.kind == StepKind::RoundI8) {
      for (float &v : bound.values)
        v = std::clamp(std::nearbyint(v), -128.0f, 127.0f);
      continue;
    }
    std::optional<Bound> operand = operandOf(step, operands);
    if (!operand)
      return true;
    switch (step.kind) {
    case StepKind::Max:
      bound = combine(bound, *operand,
                      [](float x, float y) { return std::max(x, y); });
      break;
    case StepKind::Min:
      bound = combine(bound, *operand,
                      [](float x, float y) { return std::min(x, y); });
      break;
    default:
      bound = applyArithmetic(step.kind, bound, *operand);
      break;
    }
  }
  // Rounding to nearest even then saturating: -127.5 rounds to -128, and
  // anything above 126.5 to 127 or more.
  return !llvm::all_of(
      bound.values, [&](float v) { return lower ? v <= -127.5f : v > 126.5f; });
}

/// Drops the redundant clamps of a chain that ends in i8; returns whether
/// any was dropped.
bool dropSaturatedClamps(Chain &chain, ValueRange operands) {
  bool changed = false;
  for (size_t i = chain.size(); i-- > 0;) {
    const ChainStep &step = chain[i];
    std::optional<Bound> bound;
    bool lower = true;
    if (step.kind == StepKind::Relu) {
      bound = Bound{{}, {0.0f}};
    } else if (step.kind == StepKind::Max || step.kind == StepKind::Min) {
      bound = operandOf(step, operands);
      lower = step.kind == StepKind::Max;
    }
    if (!bound || clampMatters(chain, i, operands, *bound, lower))
      continue;
    chain.erase(chain.begin() + i);
    changed = true;
  }
  return changed;
}

/// Whether step `step` maps the running value x to a x + b with constant
/// a and b (per element of its operand).
bool isAffine(const ChainStep &step, ValueRange operands) {
  switch (step.kind) {
  case StepKind::Scale:
    return std::isfinite(step.factor);
  case StepKind::Add:
  case StepKind::Sub:
  case StepKind::Mul:
  case StepKind::Div: {
    std::optional<Bound> operand = operandOf(step, operands);
    return operand && llvm::all_of(operand->values, [&](float v) {
             return std::isfinite(v) && (step.kind != StepKind::Div || v != 0);
           });
  }
  default:
    return false;
  }
}

/// A run of affine steps (isAffine) as x a + b, composed in binary32 as the
/// VXM computes it: an add or subtract moves b, a multiply or divide (an
/// immediate scale multiplies) both.
struct AffineRun {
  Bound scale{{}, {1.0f}}, shift{{}, {0.0f}};
};
AffineRun composeAffineRun(ArrayRef<ChainStep> run, ValueRange operands) {
  AffineRun affine;
  for (const ChainStep &step : run) {
    const bool immediate = step.kind == StepKind::Scale;
    const StepKind kind = immediate ? StepKind::Mul : step.kind;
    const Bound operand =
        immediate ? Bound{{}, {step.factor}} : *operandOf(step, operands);
    if (kind == StepKind::Mul || kind == StepKind::Div)
      affine.scale = applyArithmetic(kind, affine.scale, operand);
    affine.shift = applyArithmetic(kind, affine.shift, operand);
  }
  return affine;
}

/// Moves each run of affine steps whose scale is one number a (not zero)
/// past an add or subtract of a run-time operand right after it, whose
/// factor is divided by a: (x a + b) + g y = (x + (g / a) y) a + b. Where
/// another affine run follows, the two then fold into one (foldAffineRuns):
/// a quantized residual sum [round_i8, sub z, mul s, add y, scale k, add c]
/// takes four steps instead of six. Returns whether the chain changed.
bool commuteAffineRuns(Chain &chain, ValueRange operands) {
  bool changed = false;
  for (size_t at = 1; at < chain.size(); ++at) {
    const ChainStep step = chain[at];
    if (!step.isOperand() ||
        (step.kind != StepKind::Add && step.kind != StepKind::Sub) ||
        isAffine(step, operands))
      continue;
    size_t begin = at;
    while (begin > 0 && chain[begin - 1].kind != StepKind::First &&
           isAffine(chain[begin - 1], operands))
      --begin;
    size_t end = at + 1;
    while (end < chain.size() && isAffine(chain[end], operands))
      ++end;
    // Worth it only if the joined run folds into fewer steps.
    if (begin == at || (at - begin) + (end - at - 1) < 3)
      continue;
    const Bound scale =
        composeAffineRun(ArrayRef(chain).slice(begin, at - begin), operands)
            .scale;
    if (scale.values.size() != 1 || scale.values[0] == 0.0f ||
        !std::isfinite(step.factor / scale.values[0]))
      continue;
    ChainStep moved = step;
    moved.factor = step.factor / scale.values[0];
    chain.erase(chain.begin() + at);
    chain.insert(chain.begin() + begin, moved);
    changed = true;
  }
  return changed;
}

/// A binary32 constant of `bound`'s shape and values.
Value constantFrom(OpBuilder &builder, Location loc, const Bound &bound) {
  auto type = RankedTensorType::get(bound.shape, builder.getF32Type());
  return arith::ConstantOp::create(
      builder, loc, type,
      DenseElementsAttr::get(type, ArrayRef<float>(bound.values)));
}

/// Replaces each run of affine steps in `chain` by one multiply and one add
/// (x a + b, with a and b composed at compile time) where that takes fewer
/// steps: a requantizing epilogue [mul s, add b, div o, add z] becomes [mul
/// s/o, add b/o + z]. New constants are appended to `operands`. Returns
/// whether the chain changed.
bool foldAffineRuns(Chain &chain, SmallVectorImpl<Value> &operands,
                    OpBuilder &builder, Location loc) {
  bool changed = false;
  for (size_t begin = 0; begin < chain.size(); ++begin) {
    size_t end = begin;
    while (end < chain.size() && isAffine(chain[end], operands))
      ++end;
    if (end - begin < 3) {
      begin = end;
      continue;
    }
    ArrayRef<ChainStep> run = ArrayRef(chain).slice(begin, end - begin);
    const auto [scale, shift] = composeAffineRun(run, operands);
    // The folded constants are read as the run's were: dealt over slices
    // if one of those was (tile-pack-conv-taps' rows).
    Attribute splitRows;
    for (const ChainStep &step : run)
      if (Operation *def = step.isOperand()
                               ? operands[step.operand].getDefiningOp()
                               : nullptr)
        if (Attribute split = def->getAttr(kSplitRowsAttrName))
          splitRows = split;
    SmallVector<ChainStep, 2> folded;
    auto operandStep = [&](const Bound &value, StepKind kind) {
      folded.push_back(ChainStep::operandStep(operands.size(), kind));
      operands.push_back(constantFrom(builder, loc, value));
      if (splitRows)
        operands.back().getDefiningOp()->setAttr(kSplitRowsAttrName, splitRows);
    };
    if (scale.values.size() == 1)
      folded.push_back(ChainStep::apply(StepKind::Scale, scale.values[0]));
    else
      operandStep(scale, StepKind::Mul);
    if (llvm::any_of(shift.values, [](float v) { return v != 0.0f; }))
      operandStep(shift, StepKind::Add);
    chain.erase(chain.begin() + begin, chain.begin() + end);
    chain.insert(chain.begin() + begin, folded.begin(), folded.end());
    begin += folded.size() - 1;
    changed = true;
  }
  return changed;
}

/// `op` with `chain` and, of `operands` (its chain's, from operand
/// `firstChainOperand` on, and any added after them), only those the chain
/// still reads.
void setChain(Operation *op, Chain chain, unsigned firstChainOperand,
              ArrayRef<Value> chainOperands) {
  SmallVector<Value> kept;
  SmallVector<int32_t> index(chainOperands.size(), -1);
  for (ChainStep &step : chain) {
    if (!step.isOperand())
      continue;
    int32_t &slot = index[step.operand];
    if (slot < 0) {
      slot = kept.size();
      kept.push_back(chainOperands[step.operand]);
    }
    step.operand = slot;
  }
  SmallVector<Value> operands(op->getOperands().take_front(firstChainOperand));
  operands.append(kept);
  op->setOperands(operands);
  Builder builder(op->getContext());
  auto [steps, factors] = getChainAttrs(builder, chain);
  op->setAttr("steps", steps);
  op->setAttr("factors", factors);
}

struct SimplifyChainsPass
    : public lpuc::tile::impl::SimplifyChainsBase<SimplifyChainsPass> {
  void runOnOperation() override {
    getOperation().walk([&](Operation *op) {
      Chain chain;
      unsigned first = 0;
      if (auto map = dyn_cast<MapOp>(op)) {
        chain = getChain(map);
      } else if (auto product = dyn_cast<MatMulOp>(op)) {
        chain = getEpilogue(product);
        first = 2;
      } else if (auto conv = dyn_cast<ConvOp>(op)) {
        chain = getEpilogue(conv);
        first = 2;
      } else {
        return;
      }
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      if (!type.getElementType().isInteger(8))
        return;
      SmallVector<Value> operands(op->getOperands().drop_front(first));
      OpBuilder builder(op);
      bool changed = dropSaturatedClamps(chain, operands);
      changed |= commuteAffineRuns(chain, operands);
      changed |= foldAffineRuns(chain, operands, builder, op->getLoc());
      if (changed)
        setChain(op, chain, first, operands);
    });
  }
};

} // namespace
