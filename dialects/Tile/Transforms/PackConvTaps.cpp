//===- PackConvTaps.cpp - Few-channel convolutions as packed products -----===//
//
// The estimates count MXM issue cycles (weight rows loaded plus products
// streamed), what tile-assign-planes balances, with the expansions of
// tile.conv, tile.im2col and tile.matmul in mind.
//
//===----------------------------------------------------------------------===//

#include "dialects/Tile/Transforms/Passes.h"
#include "dialects/Tile/Transforms/PixelGroups.h"

#include "dialects/Tile/MXMJobs.h"
#include "dialects/Tile/Window.h"

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

/// The sizes the estimates read: the result's [N, OH, OW, F] and the
/// channels of the channels-first input.
struct ConvSizes {
  int64_t N, OH, OW, F, C;
  static ConvSizes of(ConvOp conv) {
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    return {y[0], y[1], y[2], y[3],
            cast<RankedTensorType>(channelsFirstInput(conv).getType())
                .getShape()[1]};
  }
};

struct PackConvTapsPass
    : public lpuc::tile::impl::PackConvTapsBase<PackConvTapsPass> {
  using PackConvTapsBase::PackConvTapsBase;
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    SmallVector<ConvOp> convs;
    getOperation().walk([&](ConvOp conv) {
      if (worthPacking(conv, target->lanes))
        convs.push_back(conv);
    });
    for (ConvOp conv : convs) {
      std::optional<TapRowsChain> chain =
          tapRows ? tapRowsChain(conv, *target) : std::nullopt;
      const int64_t segments = segmentsOf(conv, *target);
      const RowsChoice rows = chooseWindowsAsRows(conv, maxPixels, *target);
      if (chain && preferTapRows(conv, *chain, segments, rows.work, *target)) {
        if (failed(packTapRows(conv, *chain, segments)))
          return signalPassFailure();
        continue;
      }
      if (rows.pixels > 1) {
        OpBuilder b(conv);
        Value weights = groupedWeights(b, conv, rows.pixels);
        if (!weights) {
          conv.emitError("cannot read the convolution's weights");
          return signalPassFailure();
        }
        FailureOr<ConvOp> grouped =
            replaceByPixelGroups(conv, rows.pixels, conv.getInput(), weights,
                                 groupWindow(conv, rows.pixels), *target);
        if (failed(grouped))
          return signalPassFailure();
        conv = *grouped;
      }
      if (failed(pack(conv)))
        return signalPassFailure();
    }
  }

  /// How to pack windows as rows: `pixels` neighbouring outputs per row
  /// (PixelGroups.h), and the MXM issue cycles that takes, all planes'.
  struct RowsChoice {
    int64_t pixels = 1;
    int64_t work = 0;
  };

  /// The MXM issue cycles of tile.im2col's first step for `window`, with
  /// `outputs` windows along a row: a product per input row and phase of
  /// the stride (all phases in one when they fit the lanes side by side),
  /// or per window column.
  static int64_t columnsWork(ConvOp conv, const GroupWindow &window,
                             int64_t outputs, const ::lpu::TargetDesc &target) {
    ArrayRef<int64_t> x =
        cast<RankedTensorType>(channelsFirstInput(conv).getType()).getShape();
    const int64_t W = x[3], lanes = target.lanes;
    Window columns = Window::of(conv);
    columns.kernel[1] = window.kernel[1];
    columns.strides[1] = window.strides[1];
    columns.dilations[1] = window.dilations[1];
    std::optional<ColumnPhases> phases =
        columns.columnPhases(1, W, outputs, lanes);
    const int64_t products = !phases ? window.kernel[1]
                             : phases->sideBySide(lanes)
                                 ? 1
                                 : int64_t(phases->residues.size());
    return products * ceilDiv(W, lanes) * ceilDiv(outputs, lanes) * x[0] *
           x[1] * x[2] * getMXMRowCycles(getMXMType(conv, target), target);
  }

  /// The MXM issue cycles of windows as rows, `pixels` outputs per row:
  /// the first step (columnsWork), a transposed install and a unit vector
  /// per row of groups, and the products; none if a group's window exceeds
  /// the lanes or its filters the columns.
  static std::optional<int64_t>
  windowsAsRowsWork(ConvOp conv, int64_t pixels,
                    const ::lpu::TargetDesc &target) {
    const auto [N, OH, OW, F, C] = ConvSizes::of(conv);
    const int64_t lanes = target.lanes;
    const GroupWindow window = groupWindow(conv, pixels);
    const int64_t K = window.kernel[0] * window.kernel[1] * C;
    if (K > lanes || (pixels > 1 && pixels * F > lanes))
      return std::nullopt;
    const int64_t groups = ceilDiv(OW, pixels);
    const ::lpu::DType type = getMXMType(conv, target);
    const int64_t rowCycles = getMXMRowCycles(type, target);
    const int64_t loadRows = loadRowsPerCycle(type, target);
    const int64_t kWindows = ceilDiv(K, getMXMRows(conv, target));
    return columnsWork(conv, window, groups, target) +
           N * OH *
               (ceilDiv(groups, lanes) * ceilDiv(K, loadRows) +
                groups * rowCycles) +
           N * OH * groups * kWindows * rowCycles;
  }

  /// The pixels per row of windows with the fewest cycles: the MXM's work
  /// over its planes, or the SXM shifts that move every pixel but a
  /// group's first to its own vector, over the SXM's queues.
  static RowsChoice chooseWindowsAsRows(ConvOp conv, int64_t maxPixels,
                                        const ::lpu::TargetDesc &target) {
    // worthPacking saw one pixel's window fit the lanes.
    RowsChoice best{1, *windowsAsRowsWork(conv, 1, target)};
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t pixelsOut = y[0] * y[1] * y[2];
    auto cycles = [&](int64_t pixels, int64_t work) {
      const int64_t shifts = pixelsOut - pixelsOut / pixels;
      return std::max(work / std::max<int64_t>(target.mxmPlanes, 1),
                      shifts / std::max<int64_t>(target.sxmUnits, 1));
    };
    int64_t bestCycles = cycles(1, best.work);
    if (!groupedEpilogueSteps(conv, target))
      return best;
    for (int64_t pixels = 2;
         pixels <= y[2] && (maxPixels == 0 || pixels <= maxPixels); ++pixels) {
      std::optional<int64_t> work = windowsAsRowsWork(conv, pixels, target);
      if (!work)
        break;
      if (cycles(pixels, *work) < bestCycles) {
        best = {pixels, *work};
        bestCycles = cycles(pixels, *work);
      }
    }
    return best;
  }

  static bool pixelInvariant(ValueRange operands) {
    return llvm::all_of(operands, isPixelInvariantConstant);
  }

  static bool isI8(Value value) {
    return getElementTypeOrSelf(value.getType()).isInteger(8);
  }

  /// What a convolution of tap rows moves with it before the move to
  /// channels last: the element-wise maps that alone read its result (their
  /// other operands the same for every pixel) up to an i8 result, and the
  /// max pool that alone reads the result or one of those maps (pooled as
  /// the rows move, after every map; an i8 result needs one); or up to an
  /// f32 result that only f16 (bf16) products read.
  struct TapRowsChain {
    SmallVector<Operation *> ops; // maps and the pool, in order
    PoolOp pool;
    /// What the move carries: i8, or the f16 or bf16 that every reader
    /// of an f32 result multiplies it in (rounding commutes with max, and
    /// tile-store-product-inputs would store it so).
    Type movedType;
  };

  /// The one narrower float type every reader of `value` streams it into
  /// products in, if there is one.
  static Type productInputType(Value value, const ::lpu::TargetDesc &target) {
    std::optional<::lpu::DType> type;
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (use.getOperandNumber() != 0 || !isa<ConvOp, MatMulOp>(user))
        return {};
      ::lpu::DType userType = getMXMType(user, target);
      if (type && *type != userType)
        return {};
      type = userType;
    }
    if (!type)
      return {};
    MLIRContext *context = value.getContext();
    if (*type == ::lpu::DType::F16)
      return Float16Type::get(context);
    if (*type == ::lpu::DType::BF16)
      return BFloat16Type::get(context);
    return {};
  }

  static std::optional<TapRowsChain>
  tapRowsChain(ConvOp conv, const ::lpu::TargetDesc &target) {
    if (!pixelInvariant(conv.getExtras()))
      return std::nullopt;
    TapRowsChain chain;
    Value value = conv.getResult();
    auto soleUser = [](Value v) -> Operation * {
      return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
    };
    auto followMaps = [&] {
      while (!isI8(value)) {
        auto map = dyn_cast_or_null<MapOp>(soleUser(value));
        if (!map || map.getInputs().front() != value ||
            llvm::count(map.getInputs(), value) != 1 ||
            !pixelInvariant(map.getInputs().drop_front()) ||
            cast<RankedTensorType>(map.getType()).getShape() !=
                cast<RankedTensorType>(value.getType()).getShape())
          return;
        chain.ops.push_back(map);
        value = map.getResult();
      }
    };
    followMaps();
    // tile.max_pool_transpose pools rows that fit a vector.
    auto pool = dyn_cast_or_null<PoolOp>(soleUser(value));
    if (pool && pool.getKind() == PoolKind::Max &&
        cast<RankedTensorType>(value.getType()).getShape()[2] <= target.lanes) {
      chain.pool = pool;
      chain.ops.push_back(pool);
      value = pool.getResult();
      followMaps();
    }
    // Without a pool, the transpose moves every row the product made: i8
    // rows measured slower (MobileNetV2 int8's stem: 68,920 -> 71,291
    // cycles), the estimate decides for wider ones.
    if (!chain.pool && isI8(value))
      return std::nullopt;
    chain.movedType = isI8(value) ? getElementTypeOrSelf(value.getType())
                                  : productInputType(value, target);
    if (!chain.movedType)
      return std::nullopt;
    return chain;
  }

  /// How many output image rows share a row of tap rows' lanes (tile.im2col's
  /// `segments`): as many as fit, if they split the image rows evenly and
  /// the padding is zero.
  static int64_t segmentsOf(ConvOp conv, const ::lpu::TargetDesc &target) {
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    if (conv.getPaddingValue() != 0)
      return 1;
    for (int64_t segments = target.lanes / std::max<int64_t>(y[2], 1);
         segments > 1; --segments)
      if (y[1] % segments == 0)
        return segments;
    return 1;
  }

  /// The MXM work of moving `rows` rows of F filter rows over `width`
  /// columns to channels last, `window` picking `outputs` columns of each
  /// (the rows that share installs sharing the unit vectors too).
  static std::optional<int64_t>
  movingWork(int64_t rows, int64_t width, int64_t outputs,
             const LaneWindow &window, int64_t F, int64_t windowRows,
             int64_t lanes, int64_t planes,
             function_ref<int64_t(int64_t)> install, int64_t rowCycles) {
    std::optional<SmallVector<LaneWindow::Install, 4>> installs =
        window.installs(width, outputs, windowRows);
    if (!installs)
      return std::nullopt;
    const int64_t group = LaneWindow::rowsPerInstall(F, lanes, rows, planes);
    return ceilDiv(rows, group) *
           (int64_t(installs->size()) * install(group * F) +
            outputs * rowCycles);
  }

  /// Whether the product of each row of `segments` output image rows' tap
  /// rows with the weights (filters as rows, then moved, `chain` along) takes
  /// fewer MXM cycles than transposing each pixel's window into a row for
  /// the weights: fewer filters than output columns.
  static bool preferTapRows(ConvOp conv, const TapRowsChain &chain,
                            int64_t segments, int64_t asRows,
                            const ::lpu::TargetDesc &target) {
    const auto [N, OH, OW, F, C] = ConvSizes::of(conv);
    const int64_t K = conv.getKernel()[0] * conv.getKernel()[1] * C;
    const ::lpu::DType type = getMXMType(conv, target);
    const int64_t rowCycles = getMXMRowCycles(type, target);
    const int64_t loadRows = loadRowsPerCycle(type, target);
    const int64_t outTiles = ceilDiv(OW, target.lanes);
    auto install = [&](int64_t rows) { return ceilDiv(rows, loadRows); };
    // Tap rows: an install and F products per row of `segments` image rows,
    // then per pooled image row a transposed install per class of windows
    // along the lanes and a unit vector per pooled column.
    LaneWindow columns; // a column each
    int64_t outRows = OH, outColumns = OW;
    if (PoolOp pool = chain.pool) {
      ArrayRef<int64_t> pooled =
          cast<RankedTensorType>(pool.getType()).getShape();
      outRows = pooled[1];
      outColumns = pooled[2];
      columns = Window::of(pool).along(1);
    }
    std::optional<int64_t> moving = movingWork(
        N * outRows, OW, outColumns, columns, F, getMXMRows(conv, target),
        target.lanes, target.mxmPlanes, install, rowCycles);
    if (!moving)
      return false;
    const int64_t asTapRows =
        columnsWork(conv, groupWindow(conv, 1), OW, target) +
        N * OH / segments * outTiles * (install(K) + F * rowCycles) + *moving;
    return asTapRows < asRows;
  }

  /// `operands`, each [1, 1, 1, F] one as [1, 1, F, W]: its value along
  /// each filter's row.
  static FailureOr<SmallVector<Value>>
  alongRows(OpBuilder &b, Location loc, ValueRange operands, int64_t W) {
    SmallVector<Value> rows;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      const int64_t F = type.getRank() ? type.getShape().back() : 1;
      rows.push_back(repeatConstant(b, loc, operand, 1, W, {1, 1, F, W}));
      if (!rows.back())
        return failure();
      // Every output image row reads each row: on different slices, they
      // share the reads.
      if (rows.back() != operand)
        rows.back().getDefiningOp()->setAttr(kSplitRowsAttrName,
                                             b.getI64IntegerAttr(1));
    }
    return rows;
  }

  /// `conv` as a tile.im2col with `tap_rows` (`segments` image rows side by
  /// side) and a product per row of them of the weights [F, K] with its tap
  /// rows: its filters as rows, [N, OH / S, F, S * OW]. Its chain's maps
  /// follow in that layout up to the moved type, then a
  /// tile.max_pool_transpose moves it to channels last and pools it (or a
  /// tile.transpose, one image row per row and no pool).
  LogicalResult packTapRows(ConvOp conv, TapRowsChain chain, int64_t segments) {
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    Value source = channelsFirstInput(conv);
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(conv.getResult().getType()).getShape();
    const int64_t N = y[0], OH = y[1], OW = y[2], F = y[3];
    const int64_t C = cast<RankedTensorType>(source.getType()).getShape()[1];
    const int64_t K = conv.getKernel()[0] * conv.getKernel()[1] * C;
    const int64_t P = OH / segments, W = segments * OW;
    auto tapRows = Im2ColOp::create(
        b, loc,
        RankedTensorType::get(
            {N, P, K, W},
            cast<RankedTensorType>(source.getType()).getElementType()),
        source, conv.getKernelAttr(), conv.getStridesAttr(),
        conv.getDilationsAttr(), conv.getPadBeginAttr(), IntegerAttr(),
        DenseI32ArrayAttr(), conv.getPaddingValueAttr(), b.getUnitAttr(),
        b.getI64IntegerAttr(segments));
    // Weights [F, C, KH, KW] to [F, KH, KW, C]: column (ky * KW + kx) * C + c
    // of filter f's row.
    Value weights =
        permuteConstant(b, conv.getWeights().getDefiningOp<arith::ConstantOp>(),
                        4, {0, 2, 3, 1}, {F, K});
    FailureOr<SmallVector<Value>> extras =
        alongRows(b, loc, conv.getExtras(), W);
    if (!weights || failed(extras))
      return conv.emitError("cannot read the convolution's constants");
    // Every row of tap rows streams each filter's row: on different slices,
    // they share the reads.
    weights.getDefiningOp()->setAttr(kSplitRowsAttrName,
                                     b.getI64IntegerAttr(1));
    SmallVector<int64_t> batches;
    for (int64_t row = 0; row < N * P; ++row)
      batches.append({0, row * K, row * F});
    auto rowsType = [&](Value like) {
      return RankedTensorType::get({N, P, F, W},
                                   getElementTypeOrSelf(like.getType()));
    };
    // Rows dealt one by one over the slices: an install loads several at
    // once, and a window's rows come from different slices.
    tapRows->setAttr(kSplitRowsAttrName, b.getI64IntegerAttr(1));
    Value rows = MatMulOp::create(
        b, loc, rowsType(conv.getResult()), weights, tapRows, *extras,
        b.getI64IntegerAttr(F), b.getI64IntegerAttr(K), b.getI64IntegerAttr(W),
        b.getDenseI64ArrayAttr(batches),
        /*transpose_b=*/UnitAttr(), conv.getStepsAttr(), conv.getFactorsAttr(),
        /*turn=*/IntegerAttr(), /*packed_weights=*/UnitAttr(),
        /*planes=*/DenseI32ArrayAttr(), /*separate_partials=*/UnitAttr());
    for (NamedAttribute attr : conv->getDiscardableAttrs())
      rows.getDefiningOp()->setAttr(attr.getName(), attr.getValue());
    // Constants go before the product, so that tile-fuse-elementwise can
    // fold the maps that read them into its epilogue. The maps after the
    // pool run before it: max commutes with each (and with rounding).
    OpBuilder constants(tapRows);
    for (Operation *op : chain.ops) {
      auto map = dyn_cast<MapOp>(op);
      if (!map)
        continue;
      FailureOr<SmallVector<Value>> operands =
          alongRows(constants, map.getLoc(), map.getInputs().drop_front(), W);
      if (failed(operands))
        return map.emitError("cannot read an operand");
      operands->insert(operands->begin(), rows);
      rows = MapOp::create(b, map.getLoc(), rowsType(map), *operands,
                           map.getStepsAttr(), map.getFactorsAttr());
      for (NamedAttribute attr : op->getDiscardableAttrs())
        rows.getDefiningOp()->setAttr(attr.getName(), attr.getValue());
    }
    // Rows of f32 values are rounded to the type their readers multiply
    // them in.
    if (getElementTypeOrSelf(rows.getType()) != chain.movedType) {
      auto [steps, factors] = getChainAttrs(b, {ChainStep::operandStep(0)});
      rows = MapOp::create(b, loc, rowsType(rows).clone(chain.movedType),
                           ValueRange{rows}, steps, factors);
    }
    Operation *replaced = chain.ops.empty() ? conv : chain.ops.back();
    auto resultType = cast<RankedTensorType>(replaced->getResult(0).getType())
                          .clone(chain.movedType);
    Operation *moved;
    if (PoolOp pool = chain.pool) {
      moved = MaxPoolTransposeOp::create(
          b, pool.getLoc(), resultType, rows, pool.getKernelAttr(),
          pool.getStridesAttr(), pool.getDilationsAttr(),
          pool.getPadBeginAttr(), b.getI64IntegerAttr(segments),
          DenseI32ArrayAttr(), /*bands=*/DenseI64ArrayAttr());
    } else if (segments > 1) {
      moved = MaxPoolTransposeOp::create(
          b, loc, resultType, rows, b.getDenseI64ArrayAttr({1, 1}),
          b.getDenseI64ArrayAttr({1, 1}), b.getDenseI64ArrayAttr({1, 1}),
          b.getDenseI64ArrayAttr({0, 0}), b.getI64IntegerAttr(segments),
          DenseI32ArrayAttr(), /*bands=*/DenseI64ArrayAttr());
    } else {
      moved = TransposeOp::create(b, loc, resultType, rows,
                                  b.getDenseI64ArrayAttr({0, 1, 3, 2}),
                                  DenseI32ArrayAttr());
    }
    // Its readers' windows read pixels from different slices.
    moved->setAttr(kSplitRowsAttrName, b.getI64IntegerAttr(1));
    SmallVector<Operation *> dead(chain.ops.rbegin(), chain.ops.rend());
    dead.push_back(conv);
    replaceAndEraseDead(replaced, moved->getResult(0), dead);
    return success();
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
    // The first step's products: one per phase of the stride or per window
    // column.
    std::optional<ColumnPhases> phases =
        Window::of(conv).columnPhases(1, W, OW, lanes);
    const int64_t columnProducts = phases ? phases->residues.size() : KW;
    const int64_t packWork =
        columnProducts * outTiles * inTiles * (std::min(W, lanes) + N * C * H) +
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
    replaceAndEraseDead(conv, product.getResult(), {conv});
    return success();
  }
};

} // namespace
