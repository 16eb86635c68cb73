//===- PackTaps.cpp - A window's taps side by side in lanes ---------------===//
//
// Per convolution, the estimate tries packing its window rows, its window
// columns, both (rows first, then the columns of the result) or neither,
// and keeps the cheapest. Each compares issue cycles per queue: the
// convolution's products spread over the MXM planes, the shifts of every
// pack spread over the SXM queues and their adds over the VXM queues.
// Packing streams its rows to the products as it makes them, so a choice
// takes the longest of the three.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "dialects/Tile/Window.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_PACKTAPS
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

/// Which of a convolution's window dimensions to pack.
struct TapPacking {
  bool rows = false, columns = false;
};

struct PackTapsPass : public lpuc::tile::impl::PackTapsBase<PackTapsPass> {
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    SmallVector<std::pair<ConvOp, TapPacking>> convs;
    getOperation().walk([&](ConvOp conv) {
      TapPacking packing = choosePacking(conv, *target);
      if (packing.rows || packing.columns)
        convs.push_back({conv, packing});
    });
    for (auto [conv, packing] : convs)
      if ((packing.rows && failed(packAlong(conv, /*dim=*/2))) ||
          (packing.columns && failed(packAlong(conv, /*dim=*/1))))
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
      for (int64_t t = 0; t < taps; ++t) {
        std::optional<int64_t> shift = packedTapShift(t, C, j, lanes);
        if (!shift)
          continue;
        ++parts;
        shifts += *shift != 0;
      }
      adds += parts - 1;
    }
    return {shifts, adds};
  }

  static TapPacking choosePacking(ConvOp conv,
                                  const ::lpu::TargetDesc &target) {
    if (conv.getTransposed() || conv.getTapMajor() || conv.getGroup() != 1 ||
        conv.getOnVxm() ||
        !conv.getWeights().getDefiningOp<arith::ConstantOp>())
      return {};
    ArrayRef<int64_t> x =
        cast<RankedTensorType>(conv.getInput().getType()).getShape();
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t N = x[0], H = x[1], W = x[2], C = x[3];
    const int64_t OH = y[1], OW = y[2];
    const int64_t KH = conv.getKernel()[0], KW = conv.getKernel()[1];
    const int64_t lanes = target.lanes;
    const int64_t rows = getMXMRows(conv, target);
    const int64_t rowCycles = getMXMRowCycles(getMXMType(conv, target), target);
    auto windows = [&](int64_t k) { return llvm::divideCeil(k, rows); };
    auto perQueue = [](int64_t work, int64_t queues) {
      return work / std::max<int64_t>(queues, 1);
    };
    // The cycles of a choice: its products (`windowsPerPixel` K windows per
    // output pixel) and the packs that make `pixels` pixels from
    // `channels`-wide ones, `taps` each.
    struct Pack {
      int64_t pixels, taps, channels;
    };
    auto cycles = [&](int64_t windowsPerPixel, ArrayRef<Pack> packs) {
      int64_t shifts = 0, adds = 0;
      for (const Pack &pack : packs) {
        auto [s, a] = packingSteps(pack.taps, pack.channels, lanes);
        shifts += pack.pixels * s;
        adds += pack.pixels * a;
      }
      return std::max({perQueue(N * OH * OW * windowsPerPixel * rowCycles,
                                target.mxmPlanes),
                       perQueue(shifts, target.sxmUnits),
                       perQueue(adds, target.vxmUnits)});
    };
    TapPacking best;
    int64_t bestCycles = cycles(KH * KW * windows(C), {});
    auto consider = [&](TapPacking packing, int64_t candidate) {
      if (candidate < bestCycles) {
        best = packing;
        bestCycles = candidate;
      }
    };
    if (C > lanes)
      return {};
    const Pack rowPack{N * H * OW, KW, C};
    if (KW > 1)
      consider({true, false}, cycles(KH * windows(KW * C), {rowPack}));
    if (KH > 1)
      consider({false, true},
               cycles(KW * windows(KH * C), {Pack{N * OH * W, KH, C}}));
    if (KW > 1 && KH > 1 && KW * C <= lanes)
      consider({true, true}, cycles(windows(KH * KW * C),
                                    {rowPack, Pack{N * OH * OW, KH, KW * C}}));
    return best;
  }

  /// Packs `conv`'s taps along `dim` (1: H, 2: W) into a tile.pack_taps and
  /// leaves it a convolution with one tap along `dim` over taps * C channels.
  LogicalResult packAlong(ConvOp conv, int64_t dim) {
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    auto inputType = cast<RankedTensorType>(conv.getInput().getType());
    ArrayRef<int64_t> x = inputType.getShape();
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t C = x[3], F = y[3];
    const unsigned axis = dim - 1; // in the kernel's [KH, KW]
    SmallVector<int64_t> kernel(conv.getKernel()), strides(conv.getStrides()),
        dilations(conv.getDilations()), padBegin(conv.getPadBegin());
    const int64_t taps = kernel[axis];
    SmallVector<int64_t> packedShape(x);
    packedShape[dim] = y[dim];
    packedShape[3] = taps * C;
    auto packed = PackTapsOp::create(
        b, loc, RankedTensorType::get(packedShape, inputType.getElementType()),
        conv.getInput(), b.getI64IntegerAttr(dim), b.getI64IntegerAttr(taps),
        b.getI64IntegerAttr(strides[axis]),
        b.getI64IntegerAttr(dilations[axis]),
        b.getI64IntegerAttr(padBegin[axis]),
        b.getI64IntegerAttr(conv.getPaddingValue()));
    // The convolution's windows read its rows as the original's read the
    // input's: from different slices.
    packed->setAttr(kSplitRowsAttrName, b.getI64IntegerAttr(1));
    // Weights [F, C, KH, KW] to [F, KW, C, KH] then [F, KW * C, KH, 1] (row
    // kx * C + c of tap ky is channel c of tap (ky, kx)), or to
    // [F, KH, C, KW] then [F, KH * C, 1, KW].
    static constexpr int64_t kRowTaps[] = {0, 3, 1, 2};
    static constexpr int64_t kColumnTaps[] = {0, 2, 1, 3};
    SmallVector<int64_t> weightShape = {F, taps * C, kernel[0], kernel[1]};
    weightShape[2 + axis] = 1;
    Value weights = permuteConstant(
        b, conv.getWeights().getDefiningOp<arith::ConstantOp>(), 4,
        dim == 2 ? ArrayRef<int64_t>(kRowTaps) : ArrayRef<int64_t>(kColumnTaps),
        weightShape);
    if (!weights)
      return conv.emitError("cannot read the convolution's weights");
    Operation *oldWeights = conv.getWeights().getDefiningOp();
    conv.getInputMutable().assign(packed.getResult());
    conv.getWeightsMutable().assign(weights);
    kernel[axis] = strides[axis] = dilations[axis] = 1;
    padBegin[axis] = 0;
    conv.setKernel(kernel);
    conv.setStrides(strides);
    conv.setDilations(dilations);
    conv.setPadBegin(padBegin);
    if (oldWeights->use_empty())
      oldWeights->erase();
    return success();
  }
};

} // namespace
