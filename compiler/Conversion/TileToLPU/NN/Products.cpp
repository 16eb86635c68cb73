//===- Products.cpp - Matrix products, convolutions, global pooling -------===//
//
// Each is a set of ProductPlans for Expander::emitMatMul: for every output
// column tile, K tiles installed `turn` at a time on the planes the op lists,
// every output row's partial sum flowing plane to plane, and the epilogue on
// the way to SRAM.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/ONNX/ONNXOps.h"
#include "dialects/Tile/MXMJobs.h"
#include "dialects/Tile/Window.h"
#include "lpu/Elements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

namespace {

/// The decisions a product needs from the tile passes.
LogicalResult requireTiling(Operation *op, std::optional<int64_t> turn,
                            std::optional<ArrayRef<int32_t>> planes) {
  if (!turn || !planes)
    return op->emitError("has no `turn` or `planes`; run tile-choose-tiling "
                         "and tile-assign-planes first");
  return success();
}

/// A constant weight tile as a buffer of its own, in the MXM's type:
/// `rows` x `cols` elements, (r, c) the lane word `at(r, c)` of the
/// weights' element type (f32, or i8 for quantized weights).
int32_t weightTileBuffer(Expander &x, Value weights, StringRef suffix,
                         int64_t rows, int64_t cols,
                         function_ref<uint32_t(int64_t, int64_t)> at) {
  const ::lpu::DType source =
      lpuc::lpu::getDType(getElementTypeOrSelf(weights.getType()));
  std::vector<float> tile(rows * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      tile[r * cols + c] = ::lpu::wordToFloat(
          ::lpu::convertLaneWord(source, ::lpu::DType::F32, at(r, c)));
  std::string base = onnx::getNodeName(weights.getLoc()).str();
  std::string name = (base.empty() ? "constant" : base) + suffix.str();
  ElementsAttr data = lpuc::lpu::getFloatElements(x.context, name, x.mxmType,
                                                  {rows, cols}, tile);
  int32_t index = x.createBuffer(lpuc::lpu::BufferKind::Constant, name,
                                 cast<RankedTensorType>(data.getType()), data);
  x.dealWeightRows(index);
  return index;
}

} // namespace

//===----------------------------------------------------------------------===//
// tile.matmul
//===----------------------------------------------------------------------===//

LogicalResult lpuc::tile_to_lpu::expandMatMul(tile::MatMulOp op, Expander &x) {
  if (failed(requireTiling(op, op.getTurn(), op.getPlanes())))
    return failure();
  FailureOr<RowStore> a = x.store(op.getA());
  if (failed(a))
    return failure();
  const int64_t lanes = x.target.lanes, K = op.getK(), N = op.getN();
  const int64_t columnTiles = llvm::divideCeil(N, lanes),
                kTiles = llvm::divideCeil(K, lanes);
  // The right operand: tile by tile (each matrix the batches multiply by),
  // or where it is.
  SmallVector<int32_t> tiles;
  tile::BatchMatrices matrices = tile::getBatchMatrices(op);
  RowStore whole;
  if (op.getPackedWeights()) {
    auto key = std::make_pair(op.getB(), unsigned(op.getTransposeB()));
    const bool shared = matrices.shareable();
    if (auto it = x.weightTiles.find(key);
        shared && it != x.weightTiles.end()) {
      tiles = it->second;
    } else {
      FailureOr<std::vector<uint32_t>> data =
          constantWords(op, op.getB(), "packed weights");
      if (failed(data))
        return failure();
      const bool transposed = op.getTransposeB();
      for (auto [matrix, firstRowOf] : llvm::enumerate(matrices.firstRows))
        for (int64_t k = 0; k < kTiles; ++k)
          for (int64_t n = 0; n < columnTiles; ++n) {
            const int64_t firstRow = firstRowOf;
            std::string name = ((transposed ? ".T" : "") +
                                (matrix ? ".b" + Twine(firstRow) : Twine()) +
                                ".k" + Twine(k) + "n" + Twine(n))
                                   .str();
            tiles.push_back(weightTileBuffer(
                x, op.getB(), name, std::min(lanes, K - k * lanes),
                std::min(lanes, N - n * lanes), [&](int64_t r, int64_t c) {
                  int64_t kk = k * lanes + r, nn = n * lanes + c;
                  return (*data)[transposed ? (firstRow + nn) * K + kk
                                            : (firstRow + kk) * N + nn];
                }));
          }
      x.placeWeightTiles(tiles, op);
      if (shared)
        x.weightTiles[key] = tiles;
    }
  } else {
    FailureOr<RowStore> b = x.store(op.getB());
    if (failed(b))
      return failure();
    whole = *b;
  }
  auto epilogue = x.resolveChain(tile::getEpilogue(op), op.getExtras());
  if (failed(epilogue))
    return failure();
  Shape outShape = Expander::shapeOf(op.getResult());
  PreparedChain chain = x.prepareChain(*epilogue, outShape);
  RowStore out = x.resultStore(op.getResult());
  PlaneCursor planes(op, op.getPlanes());
  ArrayRef<int64_t> batches = op.getBatches();
  for (size_t i = 0; i < batches.size(); i += 3) {
    const int64_t aRow = batches[i], bRow = batches[i + 1];
    const int64_t firstTile = matrices.ofBatch[i / 3] * kTiles * columnTiles;
    ProductPlan plan;
    plan.a = *a;
    plan.rows = op.getM();
    plan.kTiles = llvm::divideCeil(K, lanes);
    plan.firstOutRow = batches[i + 2];
    plan.turn = *op.getTurn();
    plan.separateTurns = op.getSeparatePartials();
    plan.tileRows = [&](int64_t k) { return std::min(lanes, K - k * lanes); };
    const bool transposedB = op.installsTransposedB();
    plan.weightRow = [&](int64_t k, int64_t n, int64_t r) {
      if (!tiles.empty())
        return x.read(tiles[firstTile + k * columnTiles + n], r);
      if (transposedB)
        return x.readRow(whole, bRow + n * lanes + r, k);
      return x.readRow(whole, bRow + k * lanes + r, n);
    };
    if (transposedB)
      plan.transposedRows = [&](int64_t n) {
        return std::min(lanes, N - n * lanes);
      };
    plan.aVector =
        [&](int64_t m,
            int64_t k) -> std::optional<std::pair<int64_t, int64_t>> {
      return std::make_pair(aRow + m, k);
    };
    x.emitMatMul(plan, chain, out, planes);
  }
  return planes.finish();
}

//===----------------------------------------------------------------------===//
// tile.conv
//===----------------------------------------------------------------------===//

LogicalResult lpuc::tile_to_lpu::expandConv(tile::ConvOp op, Expander &x) {
  // A depthwise convolution on the VXM may leave its last pixels to the MXM
  // (vxm_pixels); both write one result.
  std::optional<RowStore> sharedOut;
  const int64_t mxmPixels = tile::getMXMPixels(op);
  if (op.getOnVxm()) {
    sharedOut = x.resultStore(op.getResult());
    Shape y = Expander::shapeOf(op.getResult());
    if (failed(
            expandConvOnVXM(op, x, *sharedOut, y[0] * y[1] * y[2] - mxmPixels)))
      return failure();
    if (!mxmPixels)
      return success();
  }
  if (failed(requireTiling(op, op.getTurn(), op.getPlanes())))
    return failure();
  Shape in = Expander::shapeOf(op.getInput()),
        w = Expander::shapeOf(op.getWeights()),
        y = Expander::shapeOf(op.getResult());
  const int64_t N = in[0], H = in[1], W = in[2], C = in[3];
  const int64_t OH = y[1], OW = y[2], F = y[3];
  const int64_t KH = op.getKernel()[0], KW = op.getKernel()[1];
  const int64_t group = op.getGroup();
  tile::Window window = tile::Window::of(op);
  window.transposed = op.getTransposed();
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  const int64_t lanes = x.target.lanes, taps = KH * KW;
  const int64_t cChunks = llvm::divideCeil(C, lanes);
  const int64_t fChunks = llvm::divideCeil(F, lanes);
  const int64_t perGroupIn = C / group, perGroupOut = F / group;
  // Weight tile (tap, c chunk, f chunk) is [channels in, channels out]:
  // constants cut into tile buffers (block-diagonal for groups), weights
  // computed at run time read from their tap-major [KH, KW, C, F] rows.
  SmallVector<int32_t> tiles;
  RowStore runtimeWeights;
  if (op.getTapMajor()) {
    FailureOr<RowStore> weights = x.store(op.getWeights());
    if (failed(weights))
      return failure();
    runtimeWeights = *weights;
  } else {
    FailureOr<std::vector<uint32_t>> data =
        constantWords(op, op.getWeights(), "convolution weights");
    if (failed(data))
      return failure();
    const bool transposed = op.getTransposed();
    for (int64_t tap = 0; tap < taps; ++tap)
      for (int64_t kc = 0; kc < cChunks; ++kc)
        for (int64_t fc = 0; fc < fChunks; ++fc)
          tiles.push_back(
              !tile::isGroupTileUsed(C, F, group, lanes, kc, fc)
                  ? -1
                  : weightTileBuffer(
                        x, op.getWeights(),
                        (".t" + Twine(tap) + "c" + Twine(kc) + "f" + Twine(fc))
                            .str(),
                        std::min(lanes, C - kc * lanes),
                        std::min(lanes, F - fc * lanes),
                        [&](int64_t r, int64_t c) -> uint32_t {
                          int64_t inC = kc * lanes + r, outF = fc * lanes + c;
                          int64_t g = outF / perGroupOut;
                          if (inC / perGroupIn != g)
                            return 0;
                          return transposed ? (*data)[(inC * perGroupOut +
                                                       outF - g * perGroupOut) *
                                                          taps +
                                                      tap]
                                            : (*data)[(outF * perGroupIn + inC -
                                                       g * perGroupIn) *
                                                          taps +
                                                      tap];
                        }));
    x.placeWeightTiles(tiles, op);
  }
  auto epilogue = x.resolveChain(tile::getEpilogue(op), op.getExtras());
  if (failed(epilogue))
    return failure();
  PreparedChain chain = x.prepareChain(*epilogue, y);
  RowStore out = sharedOut ? *sharedOut : x.resultStore(op.getResult());
  PlaneCursor planes(op, op.getPlanes());
  ProductPlan plan;
  plan.a = *input;
  plan.rows = mxmPixels;
  plan.firstOutRow = N * OH * OW - mxmPixels;
  plan.kTiles = taps * cChunks;
  plan.turn = *op.getTurn();
  plan.separateTurns = op.getSeparatePartials();
  plan.tileRows = [&](int64_t k) {
    return std::min(lanes, C - (k % cChunks) * lanes);
  };
  plan.weightRow = [&](int64_t k, int64_t n, int64_t r) {
    if (!tiles.empty())
      return x.read(tiles[k * fChunks + n], r);
    int64_t tap = k / cChunks, c = (k % cChunks) * lanes + r;
    return x.readRow(runtimeWeights, tap * C + c, n);
  };
  plan.tileUsed = [&](int64_t k, int64_t n) {
    return tile::isGroupTileUsed(C, F, group, lanes, k % cChunks, n);
  };
  if (const int64_t value = op.getPaddingValue()) {
    int32_t padding =
        x.constant(".padding", {lanes}, SmallVector<float>(lanes, float(value)),
                   ::lpu::DType::I8);
    plan.padding = [&x, padding](int64_t) { return x.read(padding, 0); };
  }
  plan.aVector = [&](int64_t m,
                     int64_t k) -> std::optional<std::pair<int64_t, int64_t>> {
    m += plan.firstOutRow;
    int64_t n = m / (OH * OW), oy = m / OW % OH, ox = m % OW;
    int64_t tap = k / cChunks, kc = k % cChunks;
    auto pixel = window.tapPixel({H, W}, oy, ox, tap / KW, tap % KW);
    if (!pixel)
      return std::nullopt;
    return std::make_pair((n * H + pixel->first) * W + pixel->second, kc);
  };
  x.emitMatMul(plan, chain, out, planes);
  return planes.finish();
}

//===----------------------------------------------------------------------===//
// tile.global_pool
//===----------------------------------------------------------------------===//

/// The sum of `values` as a chain of adds: reads of one tensor then come a
/// VXM latency apart and never compete for a slice, as tile.pool's.
static InstrId addChain(Expander &x, ArrayRef<InstrId> values) {
  InstrId sum = lpuc::lpu::kNoInstr;
  for (InstrId value : values)
    sum = sum == lpuc::lpu::kNoInstr ? value
                                     : x.combine(StepKind::Add, sum, value);
  return sum == lpuc::lpu::kNoInstr ? x.zero() : sum;
}

/// tile.global_pool `on_vxm`: per image and vector of channels, each image
/// row's pixels summed (in f32) as soon as the row exists, stored, then
/// the rows' sums, scaled by the mean's factor.
static LogicalResult expandGlobalPoolOnVXM(tile::GlobalPoolOp op, Expander &x) {
  Shape in = Expander::shapeOf(op.getInput());
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  const int64_t N = in[0], H = in[1], W = in[2];
  const int64_t vectors = input->vectorsPerRow;
  RowStore rowSums = x.wholeStore(
      x.scratch({N * H * vectors, x.target.lanes}, ".rows", ::lpu::DType::F32));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t j = 0; j < vectors; ++j) {
      SmallVector<InstrId> rows;
      for (int64_t y = 0; y < H; ++y) {
        SmallVector<InstrId> pixels;
        for (int64_t px = 0; px < W; ++px)
          pixels.push_back(x.convert(x.readRow(*input, (n * H + y) * W + px, j),
                                     ::lpu::DType::F32));
        const int64_t row = (n * H + y) * vectors + j;
        x.writeRow(addChain(x, pixels), rowSums, row, 0);
        rows.push_back(x.readRow(rowSums, row, 0));
      }
      x.writeRow(x.scaled(addChain(x, rows), 1.0f / float(H * W)), out, n, j);
    }
  return success();
}

LogicalResult lpuc::tile_to_lpu::expandGlobalPool(tile::GlobalPoolOp op,
                                                  Expander &x) {
  if (op.getOnVxm())
    return expandGlobalPoolOnVXM(op, x);
  if (failed(requireTiling(op, op.getTurn(), op.getPlanes())))
    return failure();
  Shape in = Expander::shapeOf(op.getInput());
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  const int64_t lanes = x.target.lanes, pixels = in[1] * in[2];
  SmallVector<float> mean(lanes, 1.0f / float(pixels));
  RowStore meanStore = x.wholeStore(x.constant(".mean", {lanes}, mean));
  Shape outShape = Expander::shapeOf(op.getResult());
  RowStore out = x.resultStore(op.getResult());
  PreparedChain none = x.prepareChain({}, outShape);
  PlaneCursor planes(op, op.getPlanes());
  for (int64_t n = 0; n < in[0]; ++n) {
    ProductPlan plan;
    plan.a = meanStore;
    plan.rows = 1;
    plan.kTiles = llvm::divideCeil(pixels, lanes);
    plan.firstOutRow = n;
    plan.turn = *op.getTurn();
    plan.separateTurns = op.getSeparatePartials();
    plan.tileRows = [&](int64_t k) {
      return std::min(lanes, pixels - k * lanes);
    };
    plan.weightRow = [&](int64_t k, int64_t j, int64_t r) {
      return x.readRow(*input, n * pixels + k * lanes + r, j);
    };
    plan.aVector = [](int64_t,
                      int64_t) -> std::optional<std::pair<int64_t, int64_t>> {
      return std::make_pair(int64_t(0), int64_t(0));
    };
    x.emitMatMul(plan, none, out, planes);
  }
  return planes.finish();
}

FailureOr<std::vector<uint32_t>>
lpuc::tile_to_lpu::constantWords(Operation *op, Value value, StringRef what) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  std::optional<std::vector<uint32_t>> data;
  if (constant)
    data = lpuc::lpu::readLaneWords(cast<ElementsAttr>(constant.getValue()));
  if (!data)
    return op->emitError() << what << " must be a constant";
  return *data;
}
