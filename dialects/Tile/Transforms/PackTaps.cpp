//===- PackTaps.cpp - A window's taps side by side in lanes ---------------===//
//
// Per convolution, the estimate tries packing its window rows, its window
// columns, both (rows first, then the columns of the result), the window
// rows of several output pixels at once, Winograd's F(2x2, 3x3) form (a 3x3
// convolution with stride 1 over floats), or nothing, and keeps the
// cheapest. Each compares issue cycles per queue: the convolution's
// products spread over the MXM planes, the shifts of every pack (and
// unpack) spread over the SXM queues and their adds over the VXM queues.
// Packing streams its rows to the products as it makes them, so a choice
// takes the longest of the three.
//
// Several output pixels per product pay off when few channels leave most
// of the array idle: a 3x3 convolution over 64 channels packs the 5 input
// columns of 3 neighbouring output pixels into 320 lanes, and weights whose
// columns hold those 3 pixels' 64 filters make 3 pixels' results in one
// product per window row, where packing each pixel's window row made one.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"
#include "dialects/Tile/Transforms/PixelGroups.h"

#include "dialects/Tile/Window.h"
#include "dialects/Tile/Winograd.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_PACKTAPS
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

/// Which of a convolution's window dimensions to pack, and how many
/// neighbouring output pixels of a window row each product makes.
struct TapPacking {
  bool rows = false, columns = false;
  int64_t pixels = 1;
  bool winograd = false; // F(2x2, 3x3) instead (dialects/Tile/Winograd.h)
};

/// Whether `conv` has Winograd's F(2x2, 3x3) form: a 3x3 window with
/// stride and dilation 1 over floats, constant weights, no groups, and
/// every output's window meeting the input (tile.winograd_input's rule).
bool hasWinogradForm(ConvOp conv) {
  auto ones = [](ArrayRef<int64_t> a) {
    return llvm::all_of(a, [](int64_t v) { return v == 1; });
  };
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(conv.getInput().getType()).getShape();
  ArrayRef<int64_t> y =
      cast<RankedTensorType>(conv.getResult().getType()).getShape();
  for (int d = 0; d < 2; ++d)
    if (!winograd::windowsMeetInput(conv.getPadBegin()[d], y[1 + d], x[1 + d]))
      return false;
  return !conv.getTransposed() && !conv.getTapMajor() && conv.getGroup() == 1 &&
         !conv.getOnVxm() &&
         conv.getWeights().getDefiningOp<arith::ConstantOp>() &&
         isa<FloatType>(getElementTypeOrSelf(conv.getInput().getType())) &&
         conv.getKernel() ==
             ArrayRef<int64_t>{winograd::kKernel, winograd::kKernel} &&
         ones(conv.getStrides()) && ones(conv.getDilations());
}

/// The cycles a plane takes to load one install of `rows` weight rows of
/// `type`.
int64_t loadCycles(int64_t rows, ::lpu::DType type,
                   const ::lpu::TargetDesc &target) {
  return llvm::divideCeil(rows * ::lpu::dtypeHostBytes(type),
                          std::max<int64_t>(target.mxmLoadBytes, 1));
}

/// How many of the T tiles of a Winograd convolution's products go through
/// all 16 positions before the next ones start: whole rows of tiles, as few
/// as stream long enough to hide loading the next position's weights (the
/// output transform then follows row by row, not after the last position);
/// a divisor of T, since every batch of a product has as many rows.
int64_t winogradBlockTiles(ConvOp conv, const ::lpu::TargetDesc &target) {
  ArrayRef<int64_t> y =
      cast<RankedTensorType>(conv.getResult().getType()).getShape();
  const winograd::Tiles tiles(y[0], y[1], y[2]);
  const int64_t TW = tiles.columns, tileRows = tiles.images * tiles.rows;
  const ::lpu::DType type = getMXMType(conv, target);
  const int64_t load = loadCycles(getMXMRows(conv, target), type, target);
  const int64_t rowCycles = getMXMRowCycles(type, target);
  for (int64_t r = 1; r < tileRows; ++r)
    if (tileRows % r == 0 && r * TW * rowCycles >= load)
      return r * TW;
  return tileRows * TW;
}

struct PackTapsPass : public lpuc::tile::impl::PackTapsBase<PackTapsPass> {
  using PackTapsBase::PackTapsBase;
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    SmallVector<std::pair<ConvOp, TapPacking>> convs;
    getOperation().walk([&](ConvOp conv) {
      TapPacking packing = choosePacking(conv, *target, maxPixels, winograd);
      if (packing.rows || packing.columns || packing.pixels > 1 ||
          packing.winograd)
        convs.push_back({conv, packing});
    });
    for (auto [conv, packing] : convs)
      if ((packing.winograd && failed(rewriteAsWinograd(conv, *target))) ||
          (packing.pixels > 1 &&
           failed(packPixels(conv, packing.pixels, *target))) ||
          (packing.rows && failed(packAlong(conv, /*dim=*/2))) ||
          (packing.columns && failed(packAlong(conv, /*dim=*/1))))
        return signalPassFailure();
  }

  /// The SXM shifts and VXM adds that make one pixel's result vectors: each
  /// vector of a tap moves to its lanes in every result vector it meets
  /// (unless it starts one), and a result vector's parts are joined by adds.
  static std::pair<int64_t, int64_t> packingSteps(int64_t taps, int64_t C,
                                                  int64_t lanes) {
    int64_t shifts = 0, adds = 0;
    const int64_t pieces = llvm::divideCeil(C, lanes);
    for (int64_t j = 0, e = llvm::divideCeil(taps * C, lanes); j < e; ++j) {
      int64_t parts = 0;
      for (int64_t t = 0; t < taps; ++t)
        for (int64_t p = 0; p < pieces; ++p) {
          std::optional<int64_t> shift = packedPieceShift(t, p, C, j, lanes);
          if (!shift)
            continue;
          ++parts;
          shifts += *shift != 0;
        }
      adds += parts - 1;
    }
    return {shifts, adds};
  }

  static TapPacking choosePacking(ConvOp conv, const ::lpu::TargetDesc &target,
                                  int64_t maxPixels, bool winograd) {
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
    // Each pack is a pass through SRAM before the products can start: about
    // two thirds of a trip across the chip (MEM to the SXM at its edge, to
    // the VXM at its centre, back to MEM) that the next layer waits for.
    const int64_t packFill = int64_t(target.numColumns()) * 2 / 3;
    // The cycles of a choice: its products, the packs that make `pixels`
    // pixels from `channels`-wide ones, `taps` each, and `moreShifts`.
    struct Pack {
      int64_t pixels, taps, channels;
    };
    auto choiceCycles = [&](int64_t products, ArrayRef<Pack> packs,
                            int64_t moreShifts) {
      int64_t shifts = moreShifts, adds = 0;
      for (const Pack &pack : packs) {
        auto [s, a] = packingSteps(pack.taps, pack.channels, lanes);
        shifts += pack.pixels * s;
        adds += pack.pixels * a;
      }
      const int64_t fill = packFill * int64_t(packs.size());
      return fill + std::max({perQueue(products * rowCycles, target.mxmPlanes),
                              perQueue(shifts, target.sxmUnits),
                              perQueue(adds, target.vxmUnits)});
    };
    // ... with `windowsPerPixel` K windows per output pixel.
    auto cycles = [&](int64_t windowsPerPixel, ArrayRef<Pack> packs) {
      return choiceCycles(N * OH * OW * windowsPerPixel, packs, 0);
    };
    TapPacking best;
    int64_t bestCycles = cycles(KH * KW * windows(C), {});
    auto consider = [&](TapPacking packing, int64_t candidate) {
      if (candidate < bestCycles) {
        best = packing;
        bestCycles = candidate;
      }
    };
    // Winograd: 16 products of the tiles per K window, and the weights of
    // 16 positions loaded once per block of tiles where the direct form
    // loads 9 taps' once; the transforms' chains on the VXM (per tile, 16
    // of 4 terms in, 4 of 9 out, every term converted to f32 on the way
    // in).
    const int64_t F = y[3];
    if (winograd && hasWinogradForm(conv)) {
      const int64_t tiles = winograd::Tiles(N, OH, OW).count();
      const int64_t blocks = tiles / winogradBlockTiles(conv, target);
      const int64_t installs = windows(C) * llvm::divideCeil(F, lanes);
      const int64_t moreLoads =
          (blocks * winograd::kPositions - KH * KW) * installs *
          loadCycles(rows, getMXMType(conv, target), target);
      const int64_t sums =
          tiles * (winograd::kPositions * (4 + 3) * llvm::divideCeil(C, lanes) +
                   4 * 8 * llvm::divideCeil(F, lanes));
      consider({false, false, 1, true},
               std::max(perQueue(winograd::kPositions * tiles * windows(C) *
                                         rowCycles +
                                     moreLoads,
                                 target.mxmPlanes),
                        perQueue(sums, target.vxmUnits)));
    }
    if (C > lanes)
      return best;
    const Pack rowPack{N * H * OW, KW, C};
    if (KW > 1)
      consider({true, false}, cycles(KH * windows(KW * C), {rowPack}));
    if (KH > 1)
      consider({false, true},
               cycles(KW * windows(KH * C), {Pack{N * OH * W, KH, C}}));
    if (KW > 1 && KH > 1)
      consider({true, true}, cycles(windows(KH * KW * C),
                                    {rowPack, Pack{N * OH * OW, KH, KW * C}}));
    // `pixels` outputs per product: their window rows' columns are packed
    // once per group, and every output but a group's first moves to lane 0.
    const int64_t strideW = conv.getStrides()[1],
                  dilationW = conv.getDilations()[1];
    if (groupedEpilogueSteps(conv, target))
      for (int64_t pixels = 2; pixels * F <= lanes && pixels <= OW &&
                               (maxPixels == 0 || pixels <= maxPixels);
           ++pixels) {
        const int64_t taps = groupTaps(pixels, KW, strideW, dilationW);
        if (taps * C > lanes)
          break;
        const int64_t groups = llvm::divideCeil(OW, pixels);
        consider({false, false, pixels},
                 choiceCycles(N * OH * groups * KH * windows(taps * C),
                              {Pack{N * H * groups, taps, C}},
                              N * OH * (OW - groups)));
      }
    return best;
  }

  /// Makes `conv` a convolution of `pixels`-pixel groups: a tile.pack_taps
  /// of each group's input columns (along W, by `pixels` strides), a
  /// convolution with one column over them whose `pixels` * F results are
  /// the group's pixels' filters side by side, and a tile.gather of each
  /// pixel's F lanes.
  LogicalResult packPixels(ConvOp conv, int64_t pixels,
                           const ::lpu::TargetDesc &target) {
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    auto inputType = cast<RankedTensorType>(conv.getInput().getType());
    ArrayRef<int64_t> x = inputType.getShape();
    const int64_t N = x[0], H = x[1], C = x[3];
    const int64_t F =
        cast<RankedTensorType>(conv.getResult().getType()).getShape()[3];
    GroupWindow window = groupWindow(conv, pixels);
    const int64_t KH = window.kernel[0], taps = window.kernel[1];
    const int64_t groups = llvm::divideCeil(
        cast<RankedTensorType>(conv.getResult().getType()).getShape()[2],
        pixels);
    auto packed = PackTapsOp::create(
        b, loc,
        RankedTensorType::get({N, H, groups, taps * C},
                              inputType.getElementType()),
        conv.getInput(), b.getI64IntegerAttr(2), b.getI64IntegerAttr(taps),
        b.getI64IntegerAttr(window.strides[1]), b.getI64IntegerAttr(1),
        b.getI64IntegerAttr(window.padBegin[1]),
        b.getI64IntegerAttr(conv.getPaddingValue()));
    packed->setAttr(kSplitRowsAttrName, b.getI64IntegerAttr(1));
    // The packed columns are channels: weights [pixels * F, C, KH, taps] to
    // [pixels * F, taps * C, KH, 1].
    Value grouped = groupedWeights(b, conv, pixels);
    Value weights =
        grouped
            ? permuteConstant(b, grouped.getDefiningOp<arith::ConstantOp>(), 4,
                              {0, 3, 1, 2}, {pixels * F, taps * C, KH, 1})
            : Value();
    if (grouped)
      grouped.getDefiningOp()->erase();
    if (!weights)
      return conv.emitError("cannot read the convolution's weights");
    window.kernel[1] = window.strides[1] = 1;
    window.padBegin[1] = 0;
    return replaceByPixelGroups(conv, pixels, packed, weights, window, target);
  }

  /// Rewrites `conv` into Winograd's F(2x2, 3x3) form: its input tiles
  /// transformed, a product per position with the transformed weights
  /// ([16 C, F]: row p C + c of column f is position p of G g G^T for
  /// filter f's channel c), and the output transform with the epilogue.
  LogicalResult rewriteAsWinograd(ConvOp conv,
                                  const ::lpu::TargetDesc &target) {
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    ArrayRef<int64_t>
        x = cast<RankedTensorType>(conv.getInput().getType()).getShape(),
        y = cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t N = x[0], C = x[3], OH = y[1], OW = y[2], F = y[3];
    const int64_t T = winograd::Tiles(N, OH, OW).count();
    const int64_t P = winograd::kPositions, K = winograd::kKernel;
    auto weightsOp = conv.getWeights().getDefiningOp<arith::ConstantOp>();
    std::optional<std::vector<uint32_t>> words = readConstantWords(weightsOp);
    if (!words)
      return conv.emitError("cannot read the convolution's weights");
    const auto &g = winograd::kFilterTransform;
    std::vector<uint32_t> transformed(P * C * F);
    for (int64_t f = 0; f < F; ++f)
      for (int64_t c = 0; c < C; ++c) {
        const uint32_t *kernel = &(*words)[(f * C + c) * K * K];
        for (int64_t a = 0; a < winograd::kInputTile; ++a)
          for (int64_t e = 0; e < winograd::kInputTile; ++e) {
            double sum = 0;
            for (int64_t ky = 0; ky < K; ++ky)
              for (int64_t kx = 0; kx < K; ++kx)
                sum += double(g[a][ky]) * g[e][kx] *
                       ::lpu::wordToFloat(kernel[ky * K + kx]);
            const int64_t p = a * winograd::kInputTile + e;
            transformed[(p * C + c) * F + f] = ::lpu::floatToWord(float(sum));
          }
      }
    Value weights = constantFromLaneWords(
        b, loc, RankedTensorType::get({P * C, F}, b.getF32Type()), transformed);
    auto tiles = WinogradInputOp::create(
        b, loc, RankedTensorType::get({P, T, C}, b.getF32Type()),
        conv.getInput(), conv.getPadBeginAttr(),
        b.getDenseI64ArrayAttr({OH, OW}));
    // The products are stored as the MXM's float type multiplies (f16 or
    // bf16 on lpu-v1), as a product's streamed input is: the output
    // transform reads each more than once (with a one-stage transform,
    // ResNet-18 fp16 54,885 -> 51,293 cycles against f32; its outputs as
    // close to torch's as without Winograd). The weights' lane words are
    // binary32 whatever their type.
    Type productType = b.getF32Type();
    if (::lpu::DType type = getMXMFloatType(conv, target);
        type == ::lpu::DType::F16)
      productType = b.getF16Type();
    else if (type == ::lpu::DType::BF16)
      productType = b.getBF16Type();
    // Block by block of tiles, every position's product.
    const int64_t block = winogradBlockTiles(conv, target);
    SmallVector<int64_t> batches;
    for (int64_t first = 0; first < T; first += block)
      for (int64_t p = 0; p < P; ++p)
        batches.append({p * T + first, p * C, p * T + first});
    auto [noSteps, noFactors] = getChainAttrs(b, {});
    auto products = MatMulOp::create(
        b, loc, RankedTensorType::get({P, T, F}, productType), tiles, weights,
        ValueRange{}, b.getI64IntegerAttr(block), b.getI64IntegerAttr(C),
        b.getI64IntegerAttr(F), b.getDenseI64ArrayAttr(batches),
        /*transpose_b=*/UnitAttr(), noSteps, noFactors, /*turn=*/IntegerAttr(),
        /*packed_weights=*/UnitAttr(), /*planes=*/DenseI32ArrayAttr(),
        /*separate_partials=*/UnitAttr());
    const int64_t modelWeights = F * C * K * K;
    products->setAttr(
        kModelWorkAttrName,
        b.getDenseI64ArrayAttr({N * OH * OW * modelWeights, modelWeights}));
    auto output = WinogradOutputOp::create(
        b, loc, conv.getResult().getType(), products, conv.getExtras(),
        conv.getStepsAttr(), conv.getFactorsAttr());
    replaceAndEraseDead(conv, output.getResult(), {conv});
    return success();
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
