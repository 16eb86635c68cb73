//===- FuseElementwise.cpp - Element-wise maps into their producer's chain ===//

#include "dialects/Tile/Transforms/Passes.h"
#include "dialects/Tile/Transforms/PixelGroups.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
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

/// The most steps fusion gives one chain: past a few hundred steps a longer
/// chain saves nothing, and each fusion copies the chain, so a graph of
/// 100,000 element-wise nodes would fuse in quadratic time and memory.
constexpr size_t kMaxFusedSteps = 512;

/// The map that can join `producer`'s chain, with how it continues it.
std::optional<std::pair<MapOp, Continuation>> fusibleUser(Operation *producer) {
  Value value = producer->getResult(0);
  auto steps = producer->getAttrOfType<DenseF32ArrayAttr>("factors");
  if (!value.hasOneUse())
    return std::nullopt; // read twice, or a graph output as well
  auto map = dyn_cast<MapOp>(*value.user_begin());
  if (!map)
    return std::nullopt;
  // The map may quantize the f32 value to i8 on its way to SRAM. A value
  // already quantized, which the map reads rounded, goes on through a
  // round_i8 step instead of through SRAM (a quantized model's
  // QuantizeLinear, then DequantizeLinear and a residual sum).
  auto type = cast<RankedTensorType>(value.getType());
  auto mapType = map.getResult().getType();
  const bool quantized = type.getElementType().isInteger(8);
  auto isF32OrI8 = [](Type t) { return t.isF32() || t.isInteger(8); };
  if (mapType != type && (mapType.getShape() != type.getShape() ||
                          !isF32OrI8(type.getElementType()) ||
                          !isF32OrI8(mapType.getElementType())))
    return std::nullopt; // broadcasts the value, or converts it otherwise
  std::optional<Continuation> next = continuationOf(map, value);
  if (!next || !steps ||
      size_t(steps.size()) + next->steps.size() + 1 > kMaxFusedSteps)
    return std::nullopt;
  if (quantized)
    next->steps.insert(next->steps.begin(),
                       ChainStep::apply(StepKind::RoundI8));
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

/// A copy of product or convolution `producer` with epilogue `chain` over
/// `extras` (its operands are the two fixed ones, then the extras) and
/// result type `type`, at the rewriter's insertion point.
Operation *withEpilogue(IRRewriter &rewriter, Operation *producer,
                        ValueRange extras, ArrayRef<ChainStep> chain,
                        Type type) {
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
  return rewriter.create(state);
}

/// The epilogue of product or convolution `producer`.
Chain epilogueOf(Operation *producer) {
  return isa<MatMulOp>(producer) ? getEpilogue(cast<MatMulOp>(producer))
                                 : getEpilogue(cast<ConvOp>(producer));
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
    // chain.
    SmallVector<Value> extras(producer->getOperands().drop_front(2));
    Chain chain = extendChain(epilogueOf(producer), extras, next);
    fused = withEpilogue(rewriter, producer, extras, chain, type);
  }
  rewriter.replaceOp(map, fused->getResults());
  rewriter.eraseOp(producer);
  return fused;
}

/// Whether operand `value` of a chain after a pool's input holds one value
/// per pooling window: it has size 1 in the pooled dimensions (H and W of
/// [N, H, W, C], right-aligned).
bool isSameOverWindows(Value value) {
  ArrayRef<int64_t> shape = cast<ShapedType>(value.getType()).getShape();
  for (int64_t d : {1, 2}) {
    const int64_t at = int64_t(shape.size()) - 4 + d;
    if (at >= 0 && shape[at] != 1)
      return false;
  }
  return true;
}

/// Whether `steps`, continuing a running value with `operands`, never give
/// a smaller result for a larger running value, element by element, with
/// operands that do not vary over a pool's windows. Such a chain commutes
/// with a max pool.
bool commutesWithMaxPool(ArrayRef<ChainStep> steps, ValueRange operands) {
  return llvm::all_of(steps, [&](const ChainStep &step) {
    return (!step.isOperand() || isSameOverWindows(operands[step.operand])) &&
           preservesOrder(step, operands);
  });
}

/// Moves the chain of a max pool's input -- a product's or convolution's
/// epilogue, or a map of the same type -- past the pool when the chain
/// commutes with it: the chain then runs on the pooled pixels only (a
/// quarter of them behind ResNet's stem), as a map that can join the pool's
/// reader.
void sinkBelowMaxPool(IRRewriter &rewriter, PoolOp pool) {
  if (pool.getKind() != PoolKind::Max)
    return;
  Operation *producer = pool.getInput().getDefiningOp();
  if (!producer || !pool.getInput().hasOneUse())
    return;
  // The chain after the running value, over `operands`, and the value the
  // pool reads instead.
  Chain rest;
  SmallVector<Value> operands;
  Value pooled;
  rewriter.setInsertionPoint(producer);
  if (auto map = dyn_cast<MapOp>(producer)) {
    Chain chain = getChain(map);
    const int32_t running = chain.front().operand;
    Value input = map.getInputs()[running];
    if (input.getType() != map.getResult().getType() ||
        chain.front().factor < 0.0f ||
        llvm::count_if(chain, [&](const ChainStep &s) {
          return s.isOperand() && s.operand == running;
        }) != 1)
      return;
    // Every other operand, read or not, must broadcast to the pooled shape.
    operands.assign(map.getInputs().begin(), map.getInputs().end());
    if (!llvm::all_of(llvm::enumerate(operands),
                      [&](auto operand) {
                        return int32_t(operand.index()) == running ||
                               isSameOverWindows(operand.value());
                      }) ||
        !commutesWithMaxPool(llvm::drop_begin(chain), operands))
      return;
    pooled = input;
    rest = std::move(chain);
  } else if (isa<MatMulOp, ConvOp>(producer)) {
    Chain epilogue = epilogueOf(producer);
    operands.push_back(Value()); // the pooled product, below
    llvm::append_range(operands, producer->getOperands().drop_front(2));
    // Without an epilogue a product gives f32 (i8 products too): one that
    // quantizes keeps its epilogue.
    auto type = cast<RankedTensorType>(producer->getResult(0).getType());
    if (epilogue.empty() || !type.getElementType().isF32() ||
        !commutesWithMaxPool(epilogue, ValueRange(operands).drop_front()))
      return;
    rest.push_back(ChainStep::operandStep(0));
    for (ChainStep step : epilogue) {
      if (step.isOperand())
        ++step.operand;
      rest.push_back(step);
    }
    // The same product without its epilogue (i8 products still give f32).
    pooled = withEpilogue(rewriter, producer, {}, {}, type)->getResult(0);
  } else {
    return;
  }
  rewriter.setInsertionPoint(pool);
  Operation *newPool = rewriter.clone(*pool);
  newPool->setOperand(0, pooled);
  const int32_t running = rest.front().operand;
  operands[running] = newPool->getResult(0);
  auto [steps, factors] = getChainAttrs(rewriter, rest);
  auto sunk = MapOp::create(rewriter, producer->getLoc(), pool.getType(),
                            operands, steps, factors);
  rewriter.replaceOp(pool, sunk->getResults());
  rewriter.eraseOp(producer);
}

/// A reshape that only adds leading size-1 dimensions to the result of a
/// map or product that nothing else reads goes: the producer gives that
/// shape itself (its operands still broadcast to it), so the map that reads
/// the reshape can join its chain (torch's transformer layers reshape an
/// output projection before the residual add).
void absorbLeadingUnitReshape(ReshapeOp reshape) {
  Operation *producer = reshape.getInput().getDefiningOp();
  if (!isa_and_nonnull<MapOp, MatMulOp>(producer) ||
      !reshape.getInput().hasOneUse())
    return;
  ArrayRef<int64_t> in = reshape.getInput().getType().getShape(),
                    out = reshape.getResult().getType().getShape();
  if (out.size() < in.size() || !llvm::equal(in, out.take_back(in.size())) ||
      llvm::any_of(out.drop_back(in.size()), [](int64_t d) { return d != 1; }))
    return;
  reshape.getInput().setType(reshape.getResult().getType());
  reshape.getResult().replaceAllUsesWith(reshape.getInput());
  reshape.erase();
}

/// A map that alone reads the unpacking of pixel groups (PixelGroups.h)
/// runs on the groups instead: it can then join the groups' producer, and
/// computes a pixels-th as many vectors. Its other operands are constants
/// the same for every pixel, repeated per pixel, or tensors of pixels
/// computed at run time (a residual), read as groups (groupPixels: the
/// groups they unpack, or a gather into groups, once per tensor). Returns
/// the new unpacking.
FailureOr<GatherOp> hoistAboveUnpacking(MapOp map, GatherOp gather) {
  std::optional<int64_t> pixels = unpackedGroupSize(gather);
  auto type = cast<RankedTensorType>(map.getResult().getType());
  if (!pixels || map.getInputs().front() != gather.getResult() ||
      type.getShape() !=
          cast<RankedTensorType>(gather.getResult().getType()).getShape())
    return failure();
  auto isPixels = [&](Value operand) {
    return !operand.getDefiningOp<arith::ConstantOp>() &&
           cast<RankedTensorType>(operand.getType()).getShape() ==
               type.getShape();
  };
  if (!llvm::all_of(map.getInputs().drop_front(), [&](Value operand) {
        return servesPixelGroups(operand) || isPixels(operand);
      }))
    return failure();
  OpBuilder b(map);
  Location loc = map.getLoc();
  // The repeated constants go before the groups' producer, which the new
  // map may then join.
  OpBuilder constants(map);
  if (Operation *producer = gather.getInput().getDefiningOp())
    constants.setInsertionPoint(producer);
  SmallVector<Value> inputs = {gather.getInput()};
  for (Value operand : map.getInputs().drop_front()) {
    inputs.push_back(isPixels(operand)
                         ? groupPixels(b, loc, operand, *pixels)
                         : repeatPerPixel(constants, loc, operand, *pixels));
    if (!inputs.back()) {
      for (Value made : ArrayRef<Value>(inputs).drop_front())
        if (made.use_empty() && !llvm::is_contained(map.getInputs(), made))
          made.getDefiningOp()->erase();
      return failure();
    }
  }
  auto groups =
      MapOp::create(b, loc,
                    cast<RankedTensorType>(gather.getInput().getType())
                        .clone(type.getElementType()),
                    inputs, map.getStepsAttr(), map.getFactorsAttr());
  Value unpacked = unpackPixelGroups(b, loc, groups.getResult(), type);
  map.getResult().replaceAllUsesWith(unpacked);
  map.erase();
  gather.erase();
  return unpacked.getDefiningOp<GatherOp>();
}

/// Packs `pack`'s taps from the pixel groups its input unpacks
/// (packTapsOfGroups) where the unpacking then goes: when every reader of
/// the unpacked pixels is such a packing. Where the unpacking stays, a
/// gather from the groups can cost more shifts than one from the pixels,
/// whose taps each start at lane 0.
void packTapsFromGroups(PackTapsOp pack) {
  auto unpacking = pack.getInput().getDefiningOp<GatherOp>();
  if (!unpacking || !llvm::all_of(unpacking->getUsers(), [](Operation *user) {
        return isa<PackTapsOp>(user);
      }))
    return;
  OpBuilder b(pack);
  Value packed = packTapsOfGroups(b, pack); // null unless it unpacks groups
  if (!packed)
    return;
  // Its storage (rows dealt over slices for the window) stays.
  packed.getDefiningOp()->setDiscardableAttrs(
      pack->getDiscardableAttrDictionary());
  pack.getResult().replaceAllUsesWith(packed);
  pack.erase();
  if (unpacking->use_empty())
    unpacking.erase();
}

/// The VXM maxima a max pool must save by pooling rows on pixel groups to
/// pay for the extra pass through SRAM it adds to the critical path, in
/// cycles of all the VXM's queues: ResNet-18 int8's stem pool saves 1,000
/// (25,946 -> 25,218 cycles), a 32x32 16-filter stem's 28 measured slower
/// (2,152 -> 2,298).
constexpr int64_t kMinPoolCyclesSaved = 256;

/// A max pool that alone reads `gather`, the unpacking of pixel groups,
/// pools its window rows on the groups, whose vectors hold several pixels
/// each, and its window columns after the unpacking (max is separable):
/// behind ResNet's stem, 5 pixels per vector and 2 maxima per row window
/// instead of 8 per window on every pixel's vector.
void poolRowsAboveUnpacking(PoolOp pool, GatherOp gather,
                            const ::lpu::TargetDesc &target) {
  ArrayRef<int64_t> kernel = pool.getKernel();
  if (pool.getKind() != PoolKind::Max || kernel[0] == 1 || !gather->hasOneUse())
    return;
  ArrayRef<int64_t> strides = pool.getStrides(),
                    dilations = pool.getDilations(),
                    padBegin = pool.getPadBegin();
  auto groupsType = cast<RankedTensorType>(gather.getInput().getType());
  auto type = cast<RankedTensorType>(pool.getResult().getType());
  const int64_t N = type.getShape()[0], OH = type.getShape()[1],
                OW = type.getShape()[2];
  const int64_t groups = groupsType.getShape()[2];
  const int64_t direct = N * OH * OW * (kernel[0] * kernel[1] - 1);
  const int64_t separate =
      N * OH * (groups * (kernel[0] - 1) + OW * (kernel[1] - 1));
  if (target.vxmUnits <= 0 ||
      (direct - separate) / target.vxmUnits < kMinPoolCyclesSaved)
    return;
  OpBuilder b(pool);
  Location loc = pool.getLoc();
  auto rows =
      PoolOp::create(b, loc,
                     RankedTensorType::get({groupsType.getShape()[0], OH,
                                            groupsType.getShape()[2],
                                            groupsType.getShape()[3]},
                                           groupsType.getElementType()),
                     gather.getInput(), pool.getKindAttr(),
                     b.getDenseI64ArrayAttr({kernel[0], 1}),
                     b.getDenseI64ArrayAttr({strides[0], 1}),
                     b.getDenseI64ArrayAttr({dilations[0], 1}),
                     b.getDenseI64ArrayAttr({padBegin[0], 0}));
  ArrayRef<int64_t> unpackedShape =
      cast<RankedTensorType>(gather.getResult().getType()).getShape();
  Value result = unpackPixelGroups(
      b, loc, rows.getResult(),
      RankedTensorType::get(
          {unpackedShape[0], OH, unpackedShape[2], unpackedShape[3]},
          groupsType.getElementType()));
  if (kernel[1] != 1 || strides[1] != 1 || padBegin[1] != 0)
    result = PoolOp::create(b, loc, type, result, pool.getKindAttr(),
                            b.getDenseI64ArrayAttr({1, kernel[1]}),
                            b.getDenseI64ArrayAttr({1, strides[1]}),
                            b.getDenseI64ArrayAttr({1, dilations[1]}),
                            b.getDenseI64ArrayAttr({0, padBegin[1]}));
  pool.getResult().replaceAllUsesWith(result);
  pool.erase();
  gather.erase();
}

/// A map that computes scale * x + offset from one tensor x of its shape
/// with constants whose elements are all equal (a dequantization,
/// (x - zero point) * scale): x, scale and offset.
struct AffineMap {
  Value input;
  double scale = 1.0, offset = 0.0;
};
std::optional<AffineMap> affineOfOneInput(MapOp map) {
  Chain chain = getChain(map);
  const int32_t running = chain.front().operand;
  AffineMap affine{map.getInputs()[running], chain.front().factor};
  if (cast<RankedTensorType>(affine.input.getType()).getShape() !=
      map.getResult().getType().getShape())
    return std::nullopt;
  for (const ChainStep &step : llvm::drop_begin(chain)) {
    if (step.kind == StepKind::Scale) {
      affine.scale *= step.factor;
      affine.offset *= step.factor;
      continue;
    }
    std::optional<float> constant =
        step.isOperand() && step.operand != running
            ? getSplatValue(map.getInputs()[step.operand])
            : std::nullopt;
    if (!constant)
      return std::nullopt;
    const double c = double(*constant) * step.factor;
    switch (step.kind) {
    case StepKind::Add:
      affine.offset += c;
      break;
    case StepKind::Sub:
      affine.offset -= c;
      break;
    case StepKind::Mul:
      affine.scale *= c;
      affine.offset *= c;
      break;
    case StepKind::Div:
      if (c == 0.0)
        return std::nullopt;
      affine.scale /= c;
      affine.offset /= c;
      break;
    default:
      return std::nullopt;
    }
  }
  if (!std::isfinite(affine.scale) || !std::isfinite(affine.offset) ||
      float(affine.scale) == 0.0f)
    return std::nullopt;
  return affine;
}

/// Rewrites `chain` over `operands` so that an operand added or subtracted
/// that only this chain reads and that is an affine map of one tensor
/// (affineOfOneInput) reads that tensor instead: acc + (a x + b) becomes
/// acc + a x, then + b (a constant step, when b is not zero). A quantized
/// model's residual sum then reads the i8 tensor, where it read a
/// dequantized f32 copy written for it alone. Returns the maps no longer
/// read.
SmallVector<MapOp> inlineAffineOperands(Chain &chain,
                                        SmallVectorImpl<Value> &operands,
                                        OpBuilder &constants) {
  SmallVector<MapOp> replaced;
  for (size_t i = 1; i < chain.size(); ++i) {
    ChainStep step = chain[i];
    if (!step.isOperand() ||
        (step.kind != StepKind::Add && step.kind != StepKind::Sub))
      continue;
    Value value = operands[step.operand];
    auto map = value.getDefiningOp<MapOp>();
    if (!map || !value.hasOneUse() ||
        llvm::count_if(chain, [&](const ChainStep &s) {
          return s.isOperand() && s.operand == step.operand;
        }) != 1)
      continue;
    std::optional<AffineMap> affine = affineOfOneInput(map);
    if (!affine || llvm::is_contained(operands, affine->input))
      continue;
    operands[step.operand] = affine->input;
    chain[i].factor = float(step.factor * affine->scale);
    replaced.push_back(map);
    const float offset = float(step.factor * affine->offset);
    if (offset == 0.0f)
      continue;
    operands.push_back(arith::ConstantOp::create(
        constants, map.getLoc(),
        DenseElementsAttr::get(
            RankedTensorType::get({1}, constants.getF32Type()), offset)));
    chain.insert(
        chain.begin() + i + 1,
        ChainStep::operandStep(int32_t(operands.size() - 1), step.kind));
    ++i;
  }
  return replaced;
}

/// inlineAffineOperands on a map's chain or a product's epilogue.
void inlineAffineOperands(IRRewriter &rewriter, Operation *op) {
  OpBuilder constants(op->getContext());
  constants.setInsertionPointToStart(op->getBlock());
  SmallVector<MapOp> replaced;
  if (auto map = dyn_cast<MapOp>(op)) {
    Chain chain = getChain(map);
    SmallVector<Value> inputs(map.getInputs());
    replaced = inlineAffineOperands(chain, inputs, constants);
    if (replaced.empty())
      return;
    rewriter.setInsertionPoint(map);
    auto [steps, factors] = getChainAttrs(rewriter, chain);
    rewriter.replaceOp(map, MapOp::create(rewriter, map.getLoc(),
                                          map.getResult().getType(), inputs,
                                          steps, factors));
  } else {
    Chain chain = epilogueOf(op);
    SmallVector<Value> extras(op->getOperands().drop_front(2));
    replaced = inlineAffineOperands(chain, extras, constants);
    if (replaced.empty())
      return;
    rewriter.setInsertionPoint(op);
    rewriter.replaceOp(op, withEpilogue(rewriter, op, extras, chain,
                                        op->getResult(0).getType()));
  }
  for (MapOp map : replaced)
    rewriter.eraseOp(map);
}

/// A map of one combining step (x - mean) that only maps continue, several
/// of them, is computed again in each, right before it: each can then join
/// it, and the value never goes through SRAM. A layer normalization's x -
/// mean feeds both its square and the division by the deviation, and costs
/// one VXM instruction per vector more than it saves a write, a read and
/// a trip between them.
void recomputeForEachReader(MapOp map) {
  Chain chain = getChain(map);
  if (map->hasOneUse() || map->use_empty() || chain.size() != 2 ||
      !chain[1].isOperand())
    return;
  for (OpOperand &use : map->getUses()) {
    auto user = dyn_cast<MapOp>(use.getOwner());
    if (!user || !continuationOf(user, map.getResult()) ||
        user.getResult().getType() != map.getResult().getType())
      return;
  }
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : map->getUses())
    uses.push_back(&use);
  for (OpOperand *use : uses) {
    OpBuilder b(use->getOwner());
    use->set(b.clone(*map)->getResult(0));
  }
  map.erase();
}

struct FuseElementwisePass
    : public lpuc::tile::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<ReshapeOp> reshapes;
    getOperation().walk([&](ReshapeOp op) { reshapes.push_back(op); });
    for (ReshapeOp reshape : reshapes)
      absorbLeadingUnitReshape(reshape);
    SmallVector<PoolOp> pools;
    getOperation().walk([&](PoolOp pool) { pools.push_back(pool); });
    for (PoolOp pool : pools)
      sinkBelowMaxPool(rewriter, pool);
    // The target's VXM is asked only where a pool reads an unpacking.
    SmallVector<std::pair<PoolOp, GatherOp>> pooledUnpackings;
    getOperation().walk([&](PoolOp pool) {
      auto gather = pool.getInput().getDefiningOp<GatherOp>();
      if (gather && unpackedGroupSize(gather))
        pooledUnpackings.push_back({pool, gather});
    });
    const ::lpu::TargetDesc *target =
        pooledUnpackings.empty() ? nullptr : getTarget(getOperation());
    if (!pooledUnpackings.empty() && !target)
      return signalPassFailure();
    for (auto [pool, gather] : pooledUnpackings)
      poolRowsAboveUnpacking(pool, gather, *target);
    // Until none moves: a map that reads an unpacking as its operand and
    // moves onto groups leaves that unpacking with one reader fewer.
    for (bool moved = true; moved;) {
      moved = false;
      SmallVector<GatherOp> unpackings;
      getOperation().walk(
          [&](GatherOp gather) { unpackings.push_back(gather); });
      for (GatherOp gather : unpackings)
        while (gather->hasOneUse()) {
          auto map = dyn_cast<MapOp>(*gather->user_begin());
          if (!map)
            break;
          FailureOr<GatherOp> next = hoistAboveUnpacking(map, gather);
          if (failed(next))
            break;
          gather = *next;
          moved = true;
        }
    }
    // Unpackings whose readers all took the groups instead.
    getOperation().walk([](GatherOp gather) {
      if (gather->use_empty() && unpackedGroupSize(gather))
        gather.erase();
    });
    // A packing of window taps from unpacked pixels packs the groups.
    SmallVector<PackTapsOp> packs;
    getOperation().walk([&](PackTapsOp pack) { packs.push_back(pack); });
    for (PackTapsOp pack : packs)
      packTapsFromGroups(pack);
    auto fuseAll = [&] {
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
    };
    fuseAll();
    // Then the maps still shared (those that joined a producer, a product's
    // bias, are not copied), and the copies join their readers.
    SmallVector<MapOp> shared;
    getOperation().walk([&](MapOp map) { shared.push_back(map); });
    for (MapOp map : shared)
      recomputeForEachReader(map);
    fuseAll();
    SmallVector<Operation *> chains;
    getOperation().walk([&](Operation *op) {
      if (isa<MapOp, MatMulOp, ConvOp>(op))
        chains.push_back(op);
    });
    for (Operation *op : chains)
      inlineAffineOperands(rewriter, op);
  }
};

} // namespace
