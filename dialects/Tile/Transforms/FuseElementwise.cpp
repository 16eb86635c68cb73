//===- FuseElementwise.cpp - Element-wise maps into their producer's chain ===//

#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

/// How a map continues a chain whose value is one of its operands: the steps
/// to append and the map's other operands they read (operand indices are
/// into that list).
struct Continuation {
  Chain steps;
  SmallVector<Value> operands;
};

/// `map`'s steps after its `value` operand, if it reads `value` exactly once:
/// as the start of its chain (times a factor), or as the second operand of a
/// commutative binary chain.
std::optional<Continuation> continuationOf(MapOp map, Value value) {
  Chain chain = getChain(map);
  OperandRange inputs = map.getInputs();
  if (llvm::count(inputs, value) != 1)
    return std::nullopt;
  const int32_t index = llvm::find(inputs, value) - inputs.begin();
  if (llvm::count_if(chain, [&](const ChainStep &s) {
        return s.isOperand() && s.operand == index;
      }) != 1)
    return std::nullopt;
  Continuation result;
  SmallVector<int32_t> newIndex(inputs.size(), -1);
  for (auto [i, input] : llvm::enumerate(inputs))
    if (int32_t(i) != index) {
      newIndex[i] = result.operands.size();
      result.operands.push_back(input);
    }
  auto remap = [&](ChainStep step) {
    if (step.isOperand())
      step.operand = newIndex[step.operand];
    return step;
  };
  if (chain.front().operand == index) {
    if (chain.front().factor != 1.0f)
      result.steps.push_back(
          ChainStep::apply(StepKind::Scale, chain.front().factor));
    for (const ChainStep &step : llvm::drop_begin(chain))
      result.steps.push_back(remap(step));
    return result;
  }
  bool commutative = chain.size() == 2 && chain[1].operand == index &&
                     chain[0].factor == 1.0f && chain[1].factor == 1.0f &&
                     llvm::is_contained({StepKind::Add, StepKind::Mul,
                                         StepKind::Max, StepKind::Min},
                                        chain[1].kind);
  if (!commutative)
    return std::nullopt;
  result.steps.push_back(
      ChainStep::operandStep(newIndex[chain[0].operand], chain[1].kind));
  return result;
}

/// The map that can join `producer`'s chain, with how it continues it.
std::optional<std::pair<MapOp, Continuation>> fusibleUser(Operation *producer) {
  Value value = producer->getResult(0);
  if (!value.hasOneUse())
    return std::nullopt; // read twice, or a graph output as well
  auto map = dyn_cast<MapOp>(*value.user_begin());
  if (!map)
    return std::nullopt;
  // The map may quantize the f32 value to i8 on its way to SRAM; a value
  // already quantized is read rounded, so nothing fuses after it.
  auto type = cast<RankedTensorType>(value.getType());
  auto mapType = map.getResult().getType();
  const bool quantizes = mapType.getShape() == type.getShape() &&
                         type.getElementType().isF32() &&
                         mapType.getElementType().isInteger(8);
  if (type.getElementType().isInteger(8) || (mapType != type && !quantizes))
    return std::nullopt; // broadcasts the value, or converts it otherwise
  std::optional<Continuation> next = continuationOf(map, value);
  if (!next)
    return std::nullopt;
  // The map's other operands must exist where the producer runs.
  for (Value operand : next->operands) {
    Operation *def = operand.getDefiningOp();
    if (def && def->getBlock() == producer->getBlock() &&
        !def->isBeforeInBlock(producer))
      return std::nullopt;
  }
  return std::make_pair(map, std::move(*next));
}

/// `chain` with `next` appended, `next`'s operands added after `operands`
/// (reusing an operand already there).
Chain extendChain(ArrayRef<ChainStep> chain, SmallVectorImpl<Value> &operands,
                  const Continuation &next) {
  Chain result(chain.begin(), chain.end());
  SmallVector<int32_t> index;
  for (Value operand : next.operands) {
    auto it = llvm::find(operands, operand);
    index.push_back(it - operands.begin());
    if (it == operands.end())
      operands.push_back(operand);
  }
  for (ChainStep step : next.steps) {
    if (step.isOperand())
      step.operand = index[step.operand];
    result.push_back(step);
  }
  return result;
}

/// Replaces `producer` and `map` by one op computing both, where the
/// producer was; returns it.
Operation *fuse(IRRewriter &rewriter, Operation *producer, MapOp map,
                const Continuation &next) {
  rewriter.setInsertionPoint(producer);
  Type type = map.getResult().getType();
  Operation *fused = nullptr;
  if (auto p = dyn_cast<MapOp>(producer)) {
    SmallVector<Value> inputs(p.getInputs());
    Chain chain = extendChain(getChain(p), inputs, next);
    auto [steps, factors] = getChainAttrs(rewriter, chain);
    fused = MapOp::create(rewriter, p.getLoc(), type, inputs, steps, factors);
  } else {
    // A product's epilogue: the same op with more extras and a longer
    // chain. Its operands are the two fixed ones, then the extras.
    bool isMatMul = isa<MatMulOp>(producer);
    SmallVector<Value> extras(producer->getOperands().drop_front(2));
    Chain chain = extendChain(isMatMul ? getEpilogue(cast<MatMulOp>(producer))
                                       : getEpilogue(cast<ConvOp>(producer)),
                              extras, next);
    auto [steps, factors] = getChainAttrs(rewriter, chain);
    NamedAttrList attrs(producer->getDiscardableAttrDictionary());
    attrs.append(
        cast<DictionaryAttr>(producer->getPropertiesAsAttribute()).getValue());
    attrs.set("steps", steps);
    attrs.set("factors", factors);
    OperationState state(producer->getLoc(), producer->getName());
    state.addOperands(producer->getOperands().take_front(2));
    state.addOperands(extras);
    state.addTypes(type);
    state.addAttributes(attrs);
    fused = rewriter.create(state);
  }
  rewriter.replaceOp(map, fused->getResults());
  rewriter.eraseOp(producer);
  return fused;
}

struct FuseElementwisePass
    : public lpuc::tile::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> candidates;
    getOperation().walk([&](Operation *op) {
      if (isa<MapOp, MatMulOp, ConvOp>(op))
        candidates.push_back(op);
    });
    DenseSet<Operation *> erased;
    for (Operation *producer : candidates) {
      if (erased.contains(producer))
        continue;
      while (auto user = fusibleUser(producer)) {
        erased.insert(user->first);
        erased.insert(producer);
        producer = fuse(rewriter, producer, user->first, user->second);
      }
    }
  }
};

} // namespace
