//===- PixelGroups.cpp - Several output pixels per product ----------------===//

#include "dialects/Tile/Transforms/PixelGroups.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace lpuc::tile;

int64_t lpuc::tile::groupTaps(int64_t pixels, int64_t kernel, int64_t stride,
                              int64_t dilation) {
  return (pixels - 1) * stride + (kernel - 1) * dilation + 1;
}

bool lpuc::tile::servesPixelGroups(Value operand) {
  auto type = cast<RankedTensorType>(operand.getType());
  return operand.getDefiningOp<arith::ConstantOp>() &&
         isPixelInvariantConstant(operand) &&
         (type.getRank() == 4 || type.getNumElements() == 1);
}

Value lpuc::tile::repeatPerPixel(OpBuilder &builder, Location loc,
                                 Value operand, int64_t pixels) {
  auto type = cast<RankedTensorType>(operand.getType());
  if (type.getNumElements() == 1)
    return operand;
  const int64_t F = type.getShape().back();
  return repeatConstant(builder, loc, operand, pixels, 1,
                        {1, 1, 1, pixels * F});
}

/// Every constant of the grouped steps must serve the groups
/// (servesPixelGroups). Grouping
/// MobileNetV2 fp16's 1x1 expansions, whose relu6 bounds are rank-0
/// scalars, measured slower while its depthwise layers kept the VXM busy
/// (75,391 -> 78,754 cycles), and faster once those compute in bands
/// (44,315 -> 41,093). Steps after the groups store the unpacked pixels
/// once more, in f32: not where that copy alone would take an eighth of the
/// SRAM (LR-ASPP's 320x320 16-channel pixels: 62.5 MiB more live, 262 ->
/// 325 MiB).
std::optional<size_t>
lpuc::tile::groupedEpilogueSteps(ConvOp conv, const ::lpu::TargetDesc &target) {
  Chain chain = getChain(conv.getSteps(), conv.getFactors());
  for (auto [index, step] : llvm::enumerate(chain)) {
    if (!step.isOperand())
      continue;
    Value extra = conv.getExtras()[step.operand];
    if (!extra.getDefiningOp<arith::ConstantOp>()) {
      ArrayRef<int64_t> y =
          cast<RankedTensorType>(conv.getResult().getType()).getShape();
      const uint64_t unpackedBytes =
          uint64_t(y[0] * y[1] * y[2]) * llvm::divideCeil(y[3], target.lanes) *
          target.lanes * ::lpu::dtypeHostBytes(::lpu::DType::F32);
      if (unpackedBytes > target.sramBytes() / 8)
        return std::nullopt;
      return index;
    }
    if (!servesPixelGroups(extra))
      return std::nullopt;
  }
  return chain.size();
}

Value lpuc::tile::groupedWeights(OpBuilder &builder, ConvOp conv,
                                 int64_t pixels) {
  auto weightsOp = conv.getWeights().getDefiningOp<arith::ConstantOp>();
  std::optional<std::vector<uint32_t>> words =
      weightsOp ? readConstantWords(weightsOp) : std::nullopt;
  if (!words)
    return {};
  auto weightsType = cast<RankedTensorType>(weightsOp.getType());
  ArrayRef<int64_t> w = weightsType.getShape();
  const int64_t F = w[0], C = w[1], KH = w[2], KW = w[3];
  const int64_t stride = conv.getStrides()[1],
                dilation = conv.getDilations()[1];
  const int64_t taps = groupTaps(pixels, KW, stride, dilation);
  std::vector<uint32_t> grouped(pixels * F * C * KH * taps, 0);
  for (int64_t j = 0; j < pixels; ++j)
    for (int64_t f = 0; f < F; ++f)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t ky = 0; ky < KH; ++ky)
          for (int64_t kx = 0; kx < KW; ++kx) {
            const int64_t column = j * stride + kx * dilation;
            grouped[(((j * F + f) * C + c) * KH + ky) * taps + column] =
                (*words)[((f * C + c) * KH + ky) * KW + kx];
          }
  return constantFromLaneWords(
      builder, conv.getLoc(),
      RankedTensorType::get({pixels * F, C, KH, taps},
                            weightsType.getElementType()),
      grouped);
}

GroupWindow lpuc::tile::groupWindow(ConvOp conv, int64_t pixels) {
  GroupWindow window{SmallVector<int64_t, 2>(conv.getKernel()),
                     SmallVector<int64_t, 2>(conv.getStrides()),
                     SmallVector<int64_t, 2>(conv.getDilations()),
                     SmallVector<int64_t, 2>(conv.getPadBegin())};
  window.kernel[1] = groupTaps(pixels, window.kernel[1], window.strides[1],
                               window.dilations[1]);
  window.strides[1] *= pixels;
  window.dilations[1] = 1;
  return window;
}

namespace {
/// The index tables of a tile.gather between [N, H, ., .] tensors that
/// keeps images and rows: dimensions 0 and 1 filled, 2 and 3 to fill.
using Tables = std::array<SmallVector<int64_t>, 4>;
Tables keepingImagesAndRows(int64_t N, int64_t H) {
  Tables tables;
  for (int64_t n = 0; n < N; ++n)
    tables[0].push_back(n);
  for (int64_t y = 0; y < H; ++y)
    tables[1].push_back(y);
  return tables;
}

Value createGather(OpBuilder &builder, Location loc, Type type, Value input,
                   Value padding, ArrayRef<int64_t> first,
                   ArrayRef<int64_t> count, const Tables &tables) {
  SmallVector<Attribute, 4> tableAttrs;
  for (const SmallVector<int64_t> &table : tables)
    tableAttrs.push_back(builder.getDenseI64ArrayAttr(table));
  return GatherOp::create(builder, loc, type, input, padding,
                          builder.getDenseI64ArrayAttr(first),
                          builder.getDenseI64ArrayAttr(count),
                          builder.getArrayAttr(tableAttrs))
      .getResult();
}

/// Whether `gather`, without padding, reads its input by exactly these
/// `first`, `count` and `tables`.
bool gathersBy(GatherOp gather, ArrayRef<int64_t> first,
               ArrayRef<int64_t> count, const Tables &tables) {
  return !gather.getPadding() && gather.getFirst() == first &&
         gather.getCount() == count &&
         gather.getTables().size() == tables.size() &&
         llvm::all_of(llvm::zip(gather.getTables(), tables), [](auto pair) {
           return cast<DenseI64ArrayAttr>(std::get<0>(pair)).asArrayRef() ==
                  ArrayRef<int64_t>(std::get<1>(pair));
         });
}

/// The tile.gather that unpacks groups of `pixels` of an [N, OH, OW, F]
/// result: output pixel ox is lanes [(ox % pixels) F, ... + F) of group
/// ox / pixels.
constexpr int64_t kUnpackFirst[] = {0, 1, 2, 2};
constexpr int64_t kUnpackCount[] = {1, 1, 1, 2};
Tables unpackTables(ArrayRef<int64_t> y, int64_t pixels) {
  const int64_t OW = y[2], F = y[3];
  Tables tables = keepingImagesAndRows(y[0], y[1]); // then group, lane
  for (int64_t ox = 0; ox < OW; ++ox) {
    tables[2].push_back(ox / pixels);
    for (int64_t f = 0; f < F; ++f)
      tables[3].push_back(ox % pixels * F + f);
  }
  return tables;
}
} // namespace

Value lpuc::tile::unpackPixelGroups(OpBuilder &builder, Location loc,
                                    Value groups, RankedTensorType resultType) {
  const int64_t F = resultType.getShape()[3];
  const int64_t pixels =
      cast<RankedTensorType>(groups.getType()).getShape()[3] / F;
  return createGather(builder, loc, resultType, groups, /*padding=*/Value(),
                      kUnpackFirst, kUnpackCount,
                      unpackTables(resultType.getShape(), pixels));
}

std::optional<int64_t> lpuc::tile::unpackedGroupSize(GatherOp gather) {
  auto x = cast<RankedTensorType>(gather.getInput().getType()).getShape();
  auto y = cast<RankedTensorType>(gather.getResult().getType()).getShape();
  if (gather.getPadding() || x.size() != 4 || y.size() != 4 || x[0] != y[0] ||
      x[1] != y[1] || y[3] == 0 || x[3] % y[3])
    return std::nullopt;
  const int64_t pixels = x[3] / y[3];
  if (pixels < 2 || x[2] != (y[2] + pixels - 1) / pixels)
    return std::nullopt;
  if (!gathersBy(gather, kUnpackFirst, kUnpackCount, unpackTables(y, pixels)))
    return std::nullopt;
  return pixels;
}

Value lpuc::tile::groupPixels(OpBuilder &builder, Location loc, Value pixels,
                              int64_t group) {
  auto type = cast<RankedTensorType>(pixels.getType());
  ArrayRef<int64_t> x = type.getShape();
  const int64_t N = x[0], H = x[1], W = x[2], F = x[3];
  const int64_t groups = llvm::divideCeil(W, group);
  if (auto unpacking = pixels.getDefiningOp<GatherOp>())
    if (unpackedGroupSize(unpacking) == group)
      return unpacking.getInput();
  // Images and rows stay; pixel and channel come from the group's lane.
  Tables tables = keepingImagesAndRows(N, H);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t lane = 0; lane < group * F; ++lane) {
      const int64_t w = g * group + lane / F;
      tables[2].push_back(w < W ? w : -1);
    }
  for (int64_t lane = 0; lane < group * F; ++lane)
    tables[3].push_back(lane % F);
  auto groupsType =
      RankedTensorType::get({N, H, groups, group * F}, type.getElementType());
  const int64_t first[] = {0, 1, 2, 3}, count[] = {1, 1, 2, 1};
  // Once per tensor: another map may have asked for the same groups.
  for (Operation *user : pixels.getUsers()) {
    auto gather = dyn_cast<GatherOp>(user);
    if (gather && gather.getInput() == pixels &&
        gather.getType() == groupsType &&
        gathersBy(gather, first, count, tables))
      return gather.getResult();
  }
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointAfterValue(pixels);
  return createGather(builder, loc, groupsType, pixels, /*padding=*/Value(),
                      first, count, tables);
}

Value lpuc::tile::packTapsOfGroups(OpBuilder &builder, PackTapsOp pack) {
  auto unpacking = pack.getInput().getDefiningOp<GatherOp>();
  std::optional<int64_t> group =
      unpacking ? unpackedGroupSize(unpacking) : std::nullopt;
  auto resultType = cast<RankedTensorType>(pack.getResult().getType());
  if (!group || pack.getDim() != 2 ||
      resultType.getElementType() !=
          getElementTypeOrSelf(unpacking.getInput().getType()))
    return {};
  Type element = resultType.getElementType();
  const int64_t paddingValue = pack.getPaddingValue();
  if (paddingValue != 0 && !element.isInteger(8))
    return {};
  ArrayRef<int64_t> pixels = cast<RankedTensorType>(pack.getInput().getType())
                                 .getShape(),
                    y = resultType.getShape();
  const int64_t N = y[0], H = y[1], OW = y[2], W = pixels[2], F = pixels[3];
  const int64_t taps = pack.getTaps(), stride = pack.getStride(),
                dilation = pack.getDilation(), padBegin = pack.getPadBegin();
  // Tap t of output position j reads pixel j * stride - padBegin + t *
  // dilation: lanes [(w % group) F, ... + F) of group w / group.
  Tables tables = keepingImagesAndRows(N, H);
  for (int64_t j = 0; j < OW; ++j)
    for (int64_t t = 0; t < taps; ++t) {
      const int64_t w = j * stride - padBegin + t * dilation;
      const bool inside = w >= 0 && w < W;
      for (int64_t c = 0; c < F; ++c) {
        tables[2].push_back(inside ? w / *group : -1);
        tables[3].push_back(inside ? w % *group * F + c : -1);
      }
    }
  Location loc = pack.getLoc();
  Value padding;
  if (paddingValue != 0) {
    auto scalar = RankedTensorType::get({1}, element);
    padding = arith::ConstantOp::create(
        builder, loc,
        DenseElementsAttr::get(scalar,
                               builder.getIntegerAttr(element, paddingValue)));
  }
  return createGather(builder, loc, resultType, unpacking.getInput(), padding,
                      {0, 1, 2, 2}, {1, 1, 2, 2}, tables);
}

FailureOr<ConvOp>
lpuc::tile::replaceByPixelGroups(ConvOp conv, int64_t pixels, Value input,
                                 Value weights, const GroupWindow &window,
                                 const ::lpu::TargetDesc &target) {
  OpBuilder b(conv);
  Location loc = conv.getLoc();
  auto resultType = cast<RankedTensorType>(conv.getResult().getType());
  ArrayRef<int64_t> y = resultType.getShape();
  const int64_t N = y[0], OH = y[1], OW = y[2], F = y[3];
  const int64_t groups = llvm::divideCeil(OW, pixels);
  std::optional<size_t> groupedCount = groupedEpilogueSteps(conv, target);
  if (!groupedCount)
    return conv.emitError("cannot group pixels: an epilogue operand differs "
                          "between pixels");
  // Every pixel of a group applies the same epilogue operands; the steps
  // from the first run-time operand on wait for the unpacked pixels.
  Chain chain = getChain(conv.getSteps(), conv.getFactors());
  Chain groupedChain, unpackedChain = {ChainStep::operandStep(0)};
  SmallVector<Value> extras, unpackedInputs;
  DenseMap<int32_t, int32_t> groupedOperand, unpackedOperand;
  for (auto [index, step] : llvm::enumerate(chain)) {
    const bool grouped = index < *groupedCount;
    (grouped ? groupedChain : unpackedChain).push_back(step);
    if (!step.isOperand())
      continue;
    Value extra = conv.getExtras()[step.operand];
    int32_t &operand = (grouped ? groupedChain : unpackedChain).back().operand;
    if (!grouped) {
      auto [it, added] =
          unpackedOperand.try_emplace(step.operand, unpackedInputs.size() + 1);
      if (added)
        unpackedInputs.push_back(extra);
      operand = it->second;
      continue;
    }
    auto [it, added] = groupedOperand.try_emplace(step.operand, extras.size());
    if (added) {
      extras.push_back(repeatPerPixel(b, loc, extra, pixels));
      if (!extras.back())
        return conv.emitError("cannot read an epilogue operand");
    }
    operand = it->second;
  }
  const bool unpackedEpilogue = unpackedChain.size() > 1;
  // The running value of an epilogue is f32 until it is stored.
  Type groupedElementType =
      unpackedEpilogue ? b.getF32Type() : resultType.getElementType();
  auto [groupedSteps, groupedFactors] = getChainAttrs(b, groupedChain);
  auto groupedConv = ConvOp::create(
      b, loc,
      RankedTensorType::get({N, OH, groups, pixels * F}, groupedElementType),
      input, weights, extras, b.getDenseI64ArrayAttr(window.kernel),
      b.getDenseI64ArrayAttr(window.strides),
      b.getDenseI64ArrayAttr(window.dilations),
      b.getDenseI64ArrayAttr(window.padBegin), conv.getGroupAttr(),
      conv.getTransposedAttr(), conv.getTapMajorAttr(), groupedSteps,
      groupedFactors, IntegerAttr(), DenseI32ArrayAttr(),
      conv.getPaddingValueAttr(), conv.getOnVxmAttr(), conv.getVxmPixelsAttr(),
      conv.getSegmentsAttr(), conv.getSeparatePartialsAttr(),
      /*banded_input=*/IntegerAttr());
  // The node's own work, for the physical floor: the groups' products
  // also multiply the zeros between the pixels' windows.
  const int64_t modelWeights =
      cast<RankedTensorType>(conv.getWeights().getType()).getNumElements();
  groupedConv->setAttr(
      kModelWorkAttrName,
      b.getDenseI64ArrayAttr({N * OH * OW * modelWeights, modelWeights}));

  Value result = unpackPixelGroups(b, loc, groupedConv.getResult(),
                                   resultType.clone(groupedElementType));
  if (unpackedEpilogue) {
    unpackedInputs.insert(unpackedInputs.begin(), result);
    auto [steps, factors] = getChainAttrs(b, unpackedChain);
    result = MapOp::create(b, loc, resultType, unpackedInputs, steps, factors);
  }
  replaceAndEraseDead(conv, result, {conv});
  return groupedConv;
}
