//===- ChooseTiling.cpp - How products and reductions are cut -------------===//

#include "dialects/Tile/Transforms/Passes.h"

#include "dialects/Tile/MXMJobs.h"
#include "dialects/Tile/Storage.h"

#include "dialects/LPU/LPUOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_CHOOSETILING
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

/// Issue cycles of a depthwise convolution with constant weights per output
/// vector: as VXM multiply-adds (a multiply per tap and an add per tap but
/// the first, plus a widening to i32 per tap for quantized values, over the
/// VXM queues) and as MXM products (a product per tap and window of rows,
/// holding a plane for the type's cycles, over the planes). Nothing for
/// other convolutions.
struct DepthwiseCost {
  double vxm, mxm;
};
std::optional<DepthwiseCost> depthwiseCost(ConvOp conv,
                                           const ::lpu::TargetDesc &target) {
  ArrayRef<int64_t> x = conv.getInput().getType().getShape();
  ArrayRef<int64_t> y = conv.getResult().getType().getShape();
  const int64_t C = x[3], F = y[3];
  if (int64_t(conv.getGroup()) != C || F != C || conv.getTransposed() ||
      conv.getTapMajor() ||
      !conv.getWeights().getDefiningOp<arith::ConstantOp>())
    return std::nullopt;
  const ::lpu::DType type = getMXMType(conv, target);
  const ::lpu::MXMRate *rate = target.mxmRate(type);
  // Quantized values are widened to i32 first: one more op per tap.
  const bool quantized = type == ::lpu::DType::I8;
  if (!rate || !target.vxmUnits ||
      (quantized && !target.vxmComputes(::lpu::DType::I32)))
    return std::nullopt;
  const double taps = conv.getKernel()[0] * conv.getKernel()[1];
  // A product meets one window of the type's rows at a time (160 f16 lanes
  // of 320 on lpu-v1): a chunk of channels takes one per window.
  const double windows =
      llvm::divideCeil(std::min<int64_t>(C, target.lanes), int64_t(rate->rows));
  return DepthwiseCost{((quantized ? 3 : 2) * taps - 1) / target.vxmUnits,
                       taps * windows * rate->cycles / target.mxmPlanes};
}

/// Output rows a band must have at least. The first band row needs an
/// input row of every band, nearly the whole input, and an output image
/// row is done only when every band has reached it, so bands stop the
/// convolution from running beside its producer and its consumer: a 12x20
/// image in 12 bands of one row took 3,181 cycles against 2,753 without
/// (test/models stem, lpu-v1 fp16), with 3 of 4 rows 3,155. MobileNetV2
/// and EfficientNet-B0 fp16 are as fast with 8 as with 1.
constexpr int64_t kMinBandRows = 8;

/// How many bands of image rows a depthwise convolution on the VXM computes
/// side by side (tile.conv `segments`), or 1: as many as fit the lanes and
/// line up (ceil(H / S) = stride * ceil(OH / S), S dividing both unless the
/// padding is zero, at least kMinBandRows output rows each), at least 2
/// (strided ones too, though moving the input into bands costs a read, a
/// shift and an add per input pixel, four per output pixel: MobileNetV2
/// int8 48,639 -> 46,171 cycles with 2 bands of its 96-channel layer).
/// Each output vector's taps then compute S pixels: MobileNetV2's first
/// block, 32 channels at 112x112 in 10 bands, a tenth of the multiply-adds
/// (MobileNetV2 fp16: 63,281 -> 44,315 cycles). Needs epilogue operands the
/// same for every pixel (they are repeated per band).
int64_t bandSegments(ConvOp conv, const ::lpu::TargetDesc &target) {
  ArrayRef<int64_t> x = conv.getInput().getType().getShape();
  ArrayRef<int64_t> y = conv.getResult().getType().getShape();
  const int64_t H = x[1], C = x[3], OH = y[1];
  const int64_t stride = conv.getStrides()[0];
  if (!llvm::all_of(conv.getExtras(), isPixelInvariantConstant))
    return 1;
  for (int64_t S = target.lanes / std::max<int64_t>(C, 1); S >= 2; --S) {
    // The last band may be shorter, its rows past the image zero padding.
    const int64_t bandRows = llvm::divideCeil(H, S);
    const int64_t outBandRows = llvm::divideCeil(OH, S);
    const bool exact = H % S == 0 && OH % S == 0;
    if ((S - 1) * bandRows < H && bandRows == stride * outBandRows &&
        (exact || conv.getPaddingValue() == 0) && outBandRows >= kMinBandRows)
      return S;
  }
  return 1;
}

/// The share of a VXM convolution's pixels the MXM must take for the two to
/// share it: less is not worth the products' weights and the planes taken
/// from the neighbouring products (an fp16 3x3 layer's 19% on lpu-v1 made
/// MobileNetV2 fp16 slower).
constexpr double kMinShare = 0.3;

/// The most pixel vectors a global pool sums on the VXM rather than
/// installing them on the MXM: the VXM's adds follow each image row as it
/// is made, where an install waits for the last pixel (an SE block's mean
/// then comes some 250 cycles sooner), but a large image's adds would take
/// the VXM from the convolutions around it (EfficientNet's first block,
/// 12,544 vectors, stays on the MXM: on the VXM, EfficientNet-B0 fp16 took
/// 72,046 cycles instead of 71,047).
constexpr int64_t kMaxVxmPoolVectors = 4096;

/// Whether a product's turns should leave their partial sums apart: when
/// streaming its rows through a turn takes less than a partial sum's way
/// from the turn's first plane, across the chip and through SRAM to the
/// next turn's first product, the next turn would wait for it (ResNet's
/// last stages: 49 pixels a turn).
bool separatesPartials(int64_t rows, ::lpu::DType type, int64_t turn,
                       const ::lpu::TargetDesc &target) {
  const int64_t roundTrip = turn * target.latencyOf(::lpu::Opcode::MatMulAcc) +
                            2 * target.numColumns() +
                            target.latencyOf(::lpu::Opcode::Write) +
                            target.latencyOf(::lpu::Opcode::Read);
  return rows * getMXMRowCycles(type, target) < roundTrip;
}

/// The planes a turn of `op`, which keeps its turns' partial sums apart,
/// takes. Where a row streams in one cycle (i8 on lpu-v1), such a product's
/// turns are short next to their partial sums' way from plane to plane, and
/// every plane of a turn must have installed its tile before the first row:
/// turns of two planes wait less (ResNet-50 int8: 45,078 -> 43,965 cycles;
/// ResNet-18 int8 30,470 -> 29,827; MobileNetV2 int8 69,067 -> 68,799).
/// Rows that hold a plane longer (f16) measured faster on every plane
/// (ResNet-50 fp16: 101,648; with pairs 103,911).
template <typename OpTy>
void narrowSeparateTurn(OpTy op, const ::lpu::TargetDesc &target) {
  IntegerAttr turn = op.getTurnAttr();
  if (!op.getSeparatePartials() || !turn || turn.getInt() <= 2 ||
      getMXMRowCycles(getMXMType(op, target), target) != 1)
    return;
  op.setTurnAttr(Builder(op).getI64IntegerAttr(2));
}

/// Whether a row extremum on the MXM gives what `reduce` needs. The
/// products multiply in their type: an f32 row in f16 or bf16 products is
/// rounded, so its maximum may be no element of it. That is exact enough
/// only where a softmax subtracts it from its row before exp, which any
/// value near the row's maximum serves as well (in f16, within 2^-11 of it).
/// A ReduceMax, or an ArgMax comparing each element with it, needs it
/// exact: i8 rows in i8 products, or f32 products.
bool extremumOnMXMIsExactEnough(ReduceRowsOp reduce,
                                const ::lpu::TargetDesc &target) {
  const ::lpu::DType type = getMXMType(reduce, target);
  const Type input = getElementTypeOrSelf(reduce.getInput().getType());
  if ((type == ::lpu::DType::I8 && input.isInteger(8)) ||
      (type == ::lpu::DType::F32 && input.isF32()))
    return true;
  Value value = reduce.getResult();
  return llvm::all_of(value.getUsers(), [&](Operation *user) {
    auto map = dyn_cast<MapOp>(user);
    if (!map)
      return false;
    Chain chain = getChain(map.getSteps(), map.getFactors());
    return chain.size() >= 3 &&
           map.getInputs()[chain[0].operand] == reduce.getInput() &&
           chain[1].kind == StepKind::Sub && chain[1].factor == 1.0f &&
           map.getInputs()[chain[1].operand] == value &&
           chain[2].kind == StepKind::Exp;
  });
}

/// Whether a row extremum's installs, in copies (rowExtremumCopies), stream
/// their unit vectors in less than half a shift tree's time: log2(lanes)
/// steps, each a round trip from the VXM to the chip's edge (about as many
/// cycles as the floorplan has columns).
bool extremumCopiesBeatTree(ReduceRowsOp reduce,
                            const ::lpu::TargetDesc &target) {
  const RowExtremumCopies copies = rowExtremumCopies(reduce, target);
  const int64_t tree =
      int64_t(llvm::Log2_64_Ceil(target.lanes)) * target.numColumns();
  return 2 * (copies.installCycles + copies.streamCycles) < tree;
}

struct ChooseTilingPass
    : public lpuc::tile::impl::ChooseTilingBase<ChooseTilingPass> {
  using ChooseTilingBase::ChooseTilingBase;

  /// A product whose rows are another product's results (directly or
  /// through element-wise maps, which go at the same pace) streams them as
  /// that one makes them, beside it. When the producer streams at least as
  /// many rows, its last turn leaves planes idle (a 3x3 convolution's three
  /// K windows on four planes) and `op` fits one turn on those planes, `op`
  /// takes only them: spread in copies over every plane, three quarters of
  /// its rows would wait for the producer to finish (ResNet-50 int8: each
  /// bottleneck's last 1x1 convolution, 59,619 -> 56,933 cycles; the next
  /// bottleneck's first one, through the quantization of the sum, 56,329).
  /// A shorter producer does not run beside it for long (EfficientNet-B0's
  /// squeeze-excitation products: 13% slower without that test).
  /// tile-assign-planes gives `op` the planes with the least work, which are
  /// the idle ones: the producer has just added its turn's work to the
  /// others.
  template <typename OpTy>
  static void pipelineWithProducer(OpTy op, const ::lpu::TargetDesc &target) {
    Operation *producer = op->getOperand(0).getDefiningOp();
    while (auto map = dyn_cast_or_null<MapOp>(producer))
      producer = map->getOperand(0).getDefiningOp();
    if (!producer || !isa<ConvOp, MatMulOp>(producer) ||
        !producer->hasAttr(op.getTurnAttrName()))
      return;
    // The rows a product streams in all (every batch of a matmul, one after
    // another): how long it runs beside whatever streams its results.
    auto streamedRows = [](Operation *product) -> int64_t {
      if (auto conv = dyn_cast<ConvOp>(product))
        return getMXMPixels(conv);
      auto matmul = cast<MatMulOp>(product);
      return matmul.getM() * int64_t(matmul.getBatches().size() / 3);
    };
    if (streamedRows(producer) < streamedRows(op))
      return;
    SmallVector<MXMTurn> producerTurns = getMXMTurns(producer, target);
    if (producerTurns.empty())
      return;
    const int64_t idle =
        target.mxmPlanes - int64_t(producerTurns.back().size());
    if (idle <= 0)
      return;
    IntegerAttr full = op.getTurnAttr();
    op.setTurnAttr(Builder(op).getI64IntegerAttr(idle));
    if (getMXMTurns(op, target).size() != 1)
      op.setTurnAttr(full);
  }

  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    Builder b(&getContext());
    // Partial sums flow through every plane at once, or (the baseline)
    // through SRAM after each K tile.
    IntegerAttr turn = b.getI64IntegerAttr(opByOp ? 1 : target->mxmPlanes);
    // Whether product `op`, streaming `rows` rows, keeps its turns' partial
    // sums apart (never in the baseline).
    auto separates = [&](Operation *op, int64_t rows) {
      return !opByOp && separatesPartials(rows, getMXMType(op, *target),
                                          turn.getInt(), *target);
    };
    // Whether a product keeps its turns' partial sums apart, and then the
    // turn of two planes an i8 one takes (narrowSeparateTurn).
    auto keepPartialsApart = [&](auto product, int64_t rows) {
      product.setSeparatePartials(separates(product, rows));
      narrowSeparateTurn(product, *target);
      // One row (a classifier's matrix-vector product) streams nothing worth
      // chaining: each K tile on its own plane keeps the weight loads, its
      // whole cost, back to back (ResNet-50 fp16's last layer: about 1,150
      // -> 950 cycles).
      if (product.getSeparatePartials() && rows == 1)
        product.setTurnAttr(b.getI64IntegerAttr(1));
    };
    getOperation().walk([&](Operation *op) {
      if (auto matmul = dyn_cast<MatMulOp>(op)) {
        matmul.setTurnAttr(turn);
        if (!opByOp)
          pipelineWithProducer(matmul, *target);
        keepPartialsApart(matmul, matmul.getM());
        // Tile by tile: a tile's rows are then consecutive (alternating
        // banks) and tiles land on different slices, so planes load at
        // once. A transposed constant B must be repacked anyway.
        bool constant = matmul.getB().getDefiningOp<arith::ConstantOp>();
        bool matrix =
            cast<RankedTensorType>(matmul.getB().getType()).getRank() == 2;
        matmul.setPackedWeights(constant && matrix &&
                                (matmul.getTransposeB() || !opByOp));
      } else if (auto conv = dyn_cast<ConvOp>(op)) {
        std::optional<DepthwiseCost> cost =
            opByOp ? std::nullopt : depthwiseCost(conv, *target);
        // In bands, a vector's multiply-adds compute `segments` pixels, and
        // moving the input into bands costs an add per input pixel.
        const int64_t segments = cost ? bandSegments(conv, *target) : 1;
        if (cost && segments > 1) {
          const int64_t stride = conv.getStrides()[0] * conv.getStrides()[1];
          cost->vxm = (cost->vxm + double(stride) / target->vxmUnits) /
                      double(segments);
        }
        if (!cost || cost->vxm >= cost->mxm) {
          conv.setTurnAttr(turn);
          if (!opByOp)
            pipelineWithProducer(conv, *target);
          keepPartialsApart(conv, getMXMPixels(conv));
          return;
        }
        // On the VXM, which takes fewer cycles; the MXM computes the last
        // pixels at the same time when the two then finish together. In
        // bands, the VXM takes a fraction of the multiply-adds: all of them.
        conv.setOnVxm(true);
        conv.removeTurnAttr();
        conv.removePlanesAttr();
        if (segments > 1) {
          conv.setSegments(segments);
          return;
        }
        ArrayRef<int64_t> y = conv.getResult().getType().getShape();
        const int64_t pixels = y[0] * y[1] * y[2];
        const double share = cost->mxm / (cost->vxm + cost->mxm);
        const int64_t onVxm = std::llround(pixels * share);
        if (1.0 - share < kMinShare || onVxm < 1 || onVxm >= pixels)
          return;
        conv.setVxmPixels(onVxm);
        conv.setTurnAttr(turn);
        keepPartialsApart(conv, getMXMPixels(conv));
      } else if (auto pool = dyn_cast<GlobalPoolOp>(op)) {
        if (!opByOp && getStoredVectors(pool.getInput(), target->lanes) <=
                           kMaxVxmPoolVectors) {
          pool.setOnVxm(true);
          return;
        }
        pool.setTurnAttr(turn);
        // One row: every turn would wait for the previous one's sum.
        pool.setSeparatePartials(separates(pool, 1));
      } else if (auto im2col = dyn_cast<Im2ColOp>(op)) {
        im2col.setTurnAttr(turn);
      } else if (auto reduce = dyn_cast<ReduceRowsOp>(op)) {
        ::lpu::TensorLayout layout = lpuc::lpu::getLayout(
            *target, cast<ShapedType>(reduce.getInput().getType()));
        RowStrategy strategy = RowStrategy::ShiftTree;
        if (!opByOp && reduce.getKind() == ReduceKind::Sum)
          strategy = RowStrategy::MXMSum;
        // Maxima and minima on the MXM stream one unit vector per element
        // of a block of rows: worth it with enough rows, or with rows that
        // one install holds, or when the install's copies stream few enough
        // each. A shift tree's every step crosses from the VXM at the
        // chip's centre to an SXM at its edge and back (about 110 cycles on
        // lpu-v1): gpt2-small's softmax over 65 positions took 8,523 cycles
        // a step so, 7,111 on the MXM; gpt2's over 257 positions in 8 rows,
        // two copies per window, 38,446 -> 35,931.
        else if (!opByOp && extremumOnMXMIsExactEnough(reduce, *target) &&
                 (4 * layout.rows >=
                      std::min<int64_t>(layout.rowLength, target->lanes) ||
                  layout.rowLength <= getMXMRows(reduce, *target) ||
                  extremumCopiesBeatTree(reduce, *target)))
          strategy = RowStrategy::MXMExtremum;
        reduce.setStrategy(strategy);
      }
    });
  }
};
} // namespace
