//===- PackRowTaps.cpp - A window row's taps side by side in lanes --------===//
//
// The estimate compares issue cycles per queue: the convolution's products
// spread over the MXM planes, against those of the packed one or the shifts
// and adds the packing makes, spread over the SXM and VXM queues. Packing
// streams its rows to the products as it makes them, so the packed
// convolution takes the longest of the three.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "dialects/Tile/Window.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_PACKROWTAPS
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

// Weights [F, C, KH, KW] to [F, KW, C, KH], then [F, KW * C, KH, 1]: row
// kx * C + c of tap ky is input channel c of tap (ky, kx).
constexpr int64_t kToRowMajorTaps[] = {0, 3, 1, 2};

struct PackRowTapsPass
    : public lpuc::tile::impl::PackRowTapsBase<PackRowTapsPass> {
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    SmallVector<ConvOp> convs;
    getOperation().walk([&](ConvOp conv) {
      if (worthPacking(conv, *target))
        convs.push_back(conv);
    });
    for (ConvOp conv : convs)
      if (failed(pack(conv)))
        return signalPassFailure();
  }

  /// The SXM shifts and VXM adds that make one pixel's result vectors: a tap
  /// moves to its lanes in every vector it meets (unless it starts one), and
  /// a vector's taps are joined by adds.
  static std::pair<int64_t, int64_t> packingSteps(int64_t taps, int64_t C,
                                                  int64_t lanes) {
    int64_t shifts = 0, adds = 0;
    for (int64_t j = 0, e = llvm::divideCeil(taps * C, lanes); j < e; ++j) {
      int64_t parts = 0;
      for (int64_t kx = 0; kx < taps; ++kx) {
        std::optional<int64_t> shift = packedTapShift(kx, C, j, lanes);
        if (!shift)
          continue;
        ++parts;
        shifts += *shift != 0;
      }
      adds += parts - 1;
    }
    return {shifts, adds};
  }

  static bool worthPacking(ConvOp conv, const ::lpu::TargetDesc &target) {
    if (conv.getTransposed() || conv.getTapMajor() || conv.getGroup() != 1 ||
        conv.getOnVxm() ||
        !conv.getWeights().getDefiningOp<arith::ConstantOp>())
      return false;
    ArrayRef<int64_t> x =
        cast<RankedTensorType>(conv.getInput().getType()).getShape();
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t N = x[0], H = x[1], C = x[3];
    const int64_t OH = y[1], OW = y[2];
    const int64_t KH = conv.getKernel()[0], KW = conv.getKernel()[1];
    const int64_t lanes = target.lanes;
    if (KW < 2 || C > lanes)
      return false;
    const int64_t rows = getMXMRows(conv, target);
    auto windows = [&](int64_t k) { return llvm::divideCeil(k, rows); };
    if (windows(KW * C) >= KW * windows(C))
      return false;
    const int64_t rowCycles = getMXMRowCycles(getMXMType(conv, target), target);
    auto productCycles = [&](int64_t windowsPerPixel) {
      return N * OH * OW * windowsPerPixel * rowCycles /
             std::max<int64_t>(target.mxmPlanes, 1);
    };
    auto [shifts, adds] = packingSteps(KW, C, lanes);
    const int64_t pixels = N * H * OW;
    const int64_t packed =
        std::max({productCycles(KH * windows(KW * C)),
                  pixels * shifts / std::max<int64_t>(target.sxmUnits, 1),
                  pixels * adds / std::max<int64_t>(target.vxmUnits, 1)});
    return packed < productCycles(KH * KW * windows(C));
  }

  LogicalResult pack(ConvOp conv) {
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    auto inputType = cast<RankedTensorType>(conv.getInput().getType());
    ArrayRef<int64_t> x = inputType.getShape();
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t C = x[3], F = y[3];
    const int64_t KH = conv.getKernel()[0], KW = conv.getKernel()[1];
    auto packedType = RankedTensorType::get({x[0], x[1], y[2], KW * C},
                                            inputType.getElementType());
    auto packed = PackRowTapsOp::create(
        b, loc, packedType, conv.getInput(), b.getI64IntegerAttr(KW),
        b.getI64IntegerAttr(conv.getStrides()[1]),
        b.getI64IntegerAttr(conv.getDilations()[1]),
        b.getI64IntegerAttr(conv.getPadBegin()[1]),
        b.getI64IntegerAttr(conv.getPaddingValue()));
    // The KH x 1 convolution's windows read its rows as the original's read
    // the input's: from different slices.
    packed->setAttr(kSplitRowsAttrName, b.getI64IntegerAttr(1));
    Value weights =
        permuteConstant(b, conv.getWeights().getDefiningOp<arith::ConstantOp>(),
                        4, kToRowMajorTaps, {F, KW * C, KH, 1});
    if (!weights)
      return conv.emitError("cannot read the convolution's weights");
    Operation *oldWeights = conv.getWeights().getDefiningOp();
    conv.getInputMutable().assign(packed.getResult());
    conv.getWeightsMutable().assign(weights);
    conv.setKernel({KH, 1});
    conv.setStrides({conv.getStrides()[0], 1});
    conv.setDilations({conv.getDilations()[0], 1});
    conv.setPadBegin({conv.getPadBegin()[0], 0});
    if (oldWeights->use_empty())
      oldWeights->erase();
    return success();
  }
};

} // namespace
