//===- PackConvTaps.cpp - Few-channel convolutions as packed products -----===//
//
// The estimates count MXM issue cycles (weight rows loaded plus products
// streamed), what tile-assign-planes balances, with the expansions of
// tile.conv, tile.im2col and tile.matmul in mind.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_PACKCONVTAPS
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

constexpr int64_t kToChannelsLast[] = {0, 2, 3, 1};
// Weights [F, C, KH, KW] to [KH, KW, C, F]: row (ky * KW + kx) * C + c.
constexpr int64_t kToTapMajor[] = {2, 3, 1, 0};

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The channels-first tensor `conv` reads transposed, if it has one.
Value channelsFirstInput(ConvOp conv) {
  auto transpose = conv.getInput().getDefiningOp<TransposeOp>();
  if (!transpose || transpose.getPerm() != ArrayRef<int64_t>(kToChannelsLast))
    return {};
  return transpose.getInput();
}

struct PackConvTapsPass
    : public lpuc::tile::impl::PackConvTapsBase<PackConvTapsPass> {
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    SmallVector<ConvOp> convs;
    getOperation().walk([&](ConvOp conv) {
      if (worthPacking(conv, target->lanes))
        convs.push_back(conv);
    });
    for (ConvOp conv : convs)
      if (failed(pack(conv)))
        return signalPassFailure();
  }

  static bool worthPacking(ConvOp conv, int64_t lanes) {
    if (conv.getTransposed() || conv.getTapMajor() || conv.getGroup() != 1 ||
        !conv.getWeights().getDefiningOp<arith::ConstantOp>())
      return false;
    Value source = channelsFirstInput(conv);
    if (!source)
      return false;
    ArrayRef<int64_t> x = cast<RankedTensorType>(source.getType()).getShape();
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t N = x[0], C = x[1], H = x[2], W = x[3];
    const int64_t OH = y[1], OW = y[2], F = y[3];
    const int64_t taps = conv.getKernel()[0] * conv.getKernel()[1];
    const int64_t KW = conv.getKernel()[1], K = taps * C;
    if (taps == 1 || K > lanes)
      return false;
    const int64_t pixels = N * OH * OW, fTiles = ceilDiv(F, lanes);
    const int64_t convWork = fTiles * taps * (C + pixels);
    const int64_t inTiles = ceilDiv(W, lanes), outTiles = ceilDiv(OW, lanes);
    const int64_t packWork =
        KW * outTiles * inTiles * (std::min(W, lanes) + N * C * H) +
        N * OH * (outTiles * K + OW);
    return packWork + fTiles * (K + pixels) < convWork;
  }

  LogicalResult pack(ConvOp conv) {
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    Value source = channelsFirstInput(conv);
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t C = cast<RankedTensorType>(source.getType()).getShape()[1];
    const int64_t K = conv.getKernel()[0] * conv.getKernel()[1] * C;
    auto elementType =
        cast<RankedTensorType>(source.getType()).getElementType();
    auto packedType = RankedTensorType::get({y[0], y[1], y[2], K}, elementType);
    Value packed = Im2ColOp::create(
        b, loc, packedType, source, conv.getKernelAttr(), conv.getStridesAttr(),
        conv.getDilationsAttr(), conv.getPadBeginAttr(), IntegerAttr(),
        DenseI32ArrayAttr(), conv.getPaddingValueAttr());
    // Each packed row is read once, by one product; rows dealt one by one
    // over the slices let products on several planes read at once.
    packed.getDefiningOp()->setAttr(kSplitRowsAttrName, b.getI64IntegerAttr(1));
    Value weights =
        permuteConstant(b, conv.getWeights().getDefiningOp<arith::ConstantOp>(),
                        4, kToTapMajor, {K, y[3]});
    if (!weights)
      return conv.emitError("cannot read the convolution's weights");
    auto product = MatMulOp::create(
        b, loc, conv.getResult().getType(), packed, weights, conv.getExtras(),
        b.getI64IntegerAttr(y[0] * y[1] * y[2]), b.getI64IntegerAttr(K),
        b.getI64IntegerAttr(y[3]), b.getDenseI64ArrayAttr({0, 0, 0}),
        /*transpose_b=*/UnitAttr(), conv.getStepsAttr(), conv.getFactorsAttr(),
        /*turn=*/IntegerAttr(), /*packed_weights=*/UnitAttr(),
        /*planes=*/DenseI32ArrayAttr(), /*separate_partials=*/UnitAttr());
    // Layout hints (how the result is stored) stay with the result.
    for (NamedAttribute attr : conv->getDiscardableAttrs())
      product->setAttr(attr.getName(), attr.getValue());
    Operation *transpose = conv.getInput().getDefiningOp();
    Operation *oldWeights = conv.getWeights().getDefiningOp();
    conv.getResult().replaceAllUsesWith(product.getResult());
    conv.erase();
    for (Operation *dead : {transpose, oldWeights})
      if (dead->use_empty())
        dead->erase();
    return success();
  }
};

} // namespace
