//===- MXMJobs.cpp - The weight installs a tile op makes ------------------===//

#include "dialects/Tile/MXMJobs.h"

#include "dialects/Tile/Window.h"

#include "dialects/LPU/LPUOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <functional>

using namespace mlir;
using namespace lpuc::tile;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// One install of a product (Expander::emitMatMul), in expansion order.
struct ProductInstall {
  int64_t n = 0;           // its output column tile
  int64_t k = 0;           // its K tile
  bool firstWindow = true; // the K tile's first window
  int64_t copy = 0;        // which copy of a short turn
  int64_t rows = 0;        // weight rows installed
  int64_t streamed = 0;    // rows streamed through it
  bool startsTurn = false;
};

/// The installs of one product: for each output column tile, one per window
/// of `windowRows` rows of each K tile it uses, `turn` at a time, a short
/// turn in turnCopies copies that share the `rows` rows (of `rowCycles`
/// plane cycles each).
SmallVector<ProductInstall>
productInstalls(int64_t columnTiles, int64_t kTiles, int64_t turn, int64_t rows,
                int64_t rowCycles, int64_t windowRows,
                function_ref<int64_t(int64_t k)> tileRows,
                function_ref<bool(int64_t k, int64_t n)> used) {
  SmallVector<ProductInstall> all;
  for (int64_t n = 0; n < columnTiles; ++n) {
    SmallVector<ProductInstall> windows;
    for (int64_t k = 0; k < kTiles; ++k)
      if (!used || used(k, n))
        for (int64_t first = 0; first < tileRows(k); first += windowRows)
          windows.push_back({n, k, first == 0, 0,
                             std::min(windowRows, tileRows(k) - first), 0});
    for (size_t first = 0; first < windows.size(); first += turn) {
      const size_t last = std::min(windows.size(), size_t(first + turn));
      const int64_t copies =
          turnCopies(last - first, turn, rows, rowCycles, first > 0);
      for (int64_t c = 0; c < copies; ++c)
        for (size_t i = first; i < last; ++i) {
          ProductInstall install = windows[i];
          install.copy = c;
          install.streamed = rows / copies + (c < rows % copies ? 1 : 0);
          install.startsTurn = c == 0 && i == first;
          all.push_back(install);
        }
    }
  }
  return all;
}

/// The turns of one product, from its installs.
void appendProductTurns(
    SmallVectorImpl<MXMTurn> &turns, int64_t columnTiles, int64_t kTiles,
    int64_t turn, int64_t rows, int64_t rowCycles, int64_t windowRows,
    function_ref<int64_t(int64_t k)> tileRows,
    function_ref<bool(int64_t k, int64_t n)> used = nullptr,
    function_ref<int64_t(int64_t n)> transposedRows = nullptr) {
  for (const ProductInstall &install :
       productInstalls(columnTiles, kTiles, turn, rows, rowCycles, windowRows,
                       tileRows, used)) {
    if (install.startsTurn)
      turns.emplace_back();
    const int64_t installed =
        transposedRows ? transposedRows(install.n) : install.rows;
    turns.back().push_back({installed, installed + install.streamed});
  }
}

/// One job per window of `width` input lanes, each installing `rows` rows
/// and streaming the window's unit vectors or `products` vectors.
void appendWindowJobs(MXMTurn &turn, int64_t width, int64_t windowRows,
                      int64_t rows, std::optional<int64_t> products) {
  for (int64_t first = 0; first < width; first += windowRows)
    turn.push_back(
        {rows, rows + products.value_or(std::min(windowRows, width - first))});
}

::lpu::TensorLayout layoutOf(Value value, const ::lpu::TargetDesc &target) {
  return lpuc::lpu::getLayout(target, cast<ShapedType>(value.getType()));
}

} // namespace

bool lpuc::tile::isGroupTileUsed(int64_t C, int64_t F, int64_t group,
                                 int64_t lanes, int64_t kc, int64_t fc) {
  const int64_t perGroupIn = C / group, perGroupOut = F / group;
  const int64_t firstGroup = fc * lanes / perGroupOut;
  const int64_t lastGroup = (std::min(F, (fc + 1) * lanes) - 1) / perGroupOut;
  const int64_t begin = std::max(firstGroup * perGroupIn, kc * lanes);
  const int64_t end =
      std::min((lastGroup + 1) * perGroupIn, std::min(C, (kc + 1) * lanes));
  return begin < end;
}

namespace {
bool isRowSum(Operation *op) {
  auto reduce = dyn_cast_or_null<ReduceRowsOp>(op);
  return reduce && reduce.getStrategy() == RowStrategy::MXMSum;
}

/// Whether another row sum on the MXM computes row by row beside `op`: one
/// whose rows `op`'s come from, or go to, through element-wise maps (a
/// layer normalization's mean and variance).
bool pipelinesWithRowSum(ReduceRowsOp op) {
  // Maps of maps, a few deep: x - mean, then its square.
  constexpr int kMaxMaps = 3;
  std::function<bool(Value, int)> fromSum = [&](Value v, int depth) {
    Operation *def = v.getDefiningOp();
    if (isRowSum(def))
      return true;
    auto map = dyn_cast_or_null<MapOp>(def);
    return map && depth < kMaxMaps &&
           llvm::any_of(map.getInputs(),
                        [&](Value in) { return fromSum(in, depth + 1); });
  };
  std::function<bool(Value, int)> toSum = [&](Value v, int depth) {
    return llvm::any_of(v.getUsers(), [&](Operation *user) {
      if (isRowSum(user))
        return true;
      auto map = dyn_cast<MapOp>(user);
      return map && depth < kMaxMaps && toSum(map.getResult(), depth + 1);
    });
  };
  return fromSum(op.getInput(), 0) || toSum(op.getResult(), 0);
}
} // namespace

int64_t lpuc::tile::rowSumCopies(ReduceRowsOp op,
                                 const ::lpu::TargetDesc &target) {
  ::lpu::TensorLayout in = layoutOf(op.getInput(), target);
  const int64_t windows = ceilDiv(std::min<int64_t>(in.rowLength, target.lanes),
                                  getMXMRows(op, target));
  const int64_t cycles =
      in.numVectors() * getMXMRowCycles(getMXMType(op, target), target);
  constexpr int64_t kMinCyclesPerCopy = 64;
  const int64_t planes = target.mxmPlanes / (pipelinesWithRowSum(op) ? 2 : 1);
  return std::max<int64_t>(
      1, std::min<int64_t>(
             {planes / windows, cycles / kMinCyclesPerCopy, in.rows}));
}

int64_t lpuc::tile::loadRowsPerCycle(::lpu::DType type,
                                     const ::lpu::TargetDesc &target) {
  return std::max<int64_t>(1,
                           target.mxmLoadBytes / ::lpu::dtypeHostBytes(type));
}

lpuc::tile::RowExtremumCopies
lpuc::tile::rowExtremumCopies(ReduceRowsOp op,
                              const ::lpu::TargetDesc &target) {
  ::lpu::TensorLayout in = layoutOf(op.getInput(), target);
  const int64_t windowRows = getMXMRows(op, target);
  const int64_t elements = std::min<int64_t>(in.rowLength, target.lanes);
  const int64_t windows = ceilDiv(elements, windowRows);
  const ::lpu::DType type = getMXMType(op, target);
  const int64_t vectors = std::min(windowRows, elements);
  RowExtremumCopies plan;
  plan.installCycles = ceilDiv(std::min<int64_t>(in.rows, target.lanes),
                               loadRowsPerCycle(type, target));
  auto streamCycles = [&](int64_t copies) {
    return ceilDiv(vectors, copies) * getMXMRowCycles(type, target);
  };
  plan.copies = std::max<int64_t>(1, target.mxmPlanes / windows);
  while (plan.copies > 1 && streamCycles(plan.copies) < plan.installCycles)
    --plan.copies;
  plan.streamCycles = streamCycles(plan.copies);
  return plan;
}

SmallVector<MXMTurn> lpuc::tile::getMXMTurns(Operation *op,
                                             const ::lpu::TargetDesc &target) {
  const int64_t lanes = target.lanes;
  const int64_t windowRows = getMXMRows(op, target);
  const int64_t rowCycles = getMXMRowCycles(getMXMType(op, target), target);
  SmallVector<MXMTurn> turns;
  TypeSwitch<Operation *>(op)
      .Case([&](MatMulOp op) {
        const int64_t K = op.getK(), N = op.getN();
        // A B stored transposed at run time installs a column tile's rows
        // for each window.
        auto columns = [&](int64_t n) {
          return std::min(lanes, N - n * lanes);
        };
        const bool transposedB = op.installsTransposedB();
        for (size_t i = 0; i < op.getBatches().size(); i += 3)
          appendProductTurns(
              turns, ceilDiv(N, lanes), ceilDiv(K, lanes),
              op.getTurn().value_or(1), op.getM(), rowCycles, windowRows,
              [&](int64_t k) { return std::min(lanes, K - k * lanes); },
              nullptr,
              transposedB ? function_ref<int64_t(int64_t)>(columns) : nullptr);
      })
      .Case([&](ConvOp op) {
        const int64_t pixels = getMXMPixels(op);
        if (!pixels)
          return;
        ArrayRef<int64_t> y =
            cast<RankedTensorType>(op.getResult().getType()).getShape();
        const int64_t C =
            cast<RankedTensorType>(op.getInput().getType()).getShape()[3];
        const int64_t cChunks = ceilDiv(C, lanes);
        const int64_t taps = op.getKernel()[0] * op.getKernel()[1];
        appendProductTurns(
            turns, ceilDiv(y[3], lanes), taps * cChunks,
            op.getTurn().value_or(1), pixels, rowCycles, windowRows,
            [&](int64_t k) {
              return std::min(lanes, C - (k % cChunks) * lanes);
            },
            [&](int64_t k, int64_t n) {
              return isGroupTileUsed(C, y[3], op.getGroup(), lanes, k % cChunks,
                                     n);
            });
      })
      .Case([&](Im2ColOp op) {
        ArrayRef<int64_t> x =
            cast<RankedTensorType>(op.getInput().getType()).getShape();
        ArrayRef<int64_t> y =
            cast<RankedTensorType>(op.getResult().getType()).getShape();
        const bool tapRows = op.getTapRows();
        const int64_t W = x[3], OW = op.getOutputSize()[1],
                      K = tapRows ? y[2] : y[3];
        // The first step's products: one per phase or per window column.
        SmallVector<int64_t> columns(op.getKernel()[1], OW);
        if (std::optional<ColumnPhases> phases =
                Window::of(op).columnPhases(1, W, OW, lanes)) {
          if (phases->sideBySide(lanes))
            columns.assign({llvm::sum_of(phases->widths)});
          else
            columns.assign(phases->widths);
        }
        for (int64_t width : columns)
          appendProductTurns(turns, ceilDiv(width, lanes), ceilDiv(W, lanes),
                             op.getTurn().value_or(1), x[0] * x[1] * x[2],
                             rowCycles, windowRows, [&](int64_t j) {
                               return std::min(lanes, W - j * lanes);
                             });
        // Tap rows are the first step's rows, copied.
        for (int64_t image = 0; !tapRows && image < y[0] * y[1]; ++image)
          for (int64_t q = 0; q * lanes < OW; ++q) {
            MXMTurn windows;
            appendWindowJobs(windows, std::min(lanes, OW - q * lanes),
                             windowRows, K, std::nullopt);
            for (const MXMJob &job : windows)
              turns.push_back({job});
          }
      })
      .Case([&](GlobalPoolOp op) {
        if (op.getOnVxm())
          return;
        ArrayRef<int64_t> x =
            cast<RankedTensorType>(op.getInput().getType()).getShape();
        const int64_t pixels = x[1] * x[2];
        for (int64_t n = 0; n < x[0]; ++n)
          appendProductTurns(turns, ceilDiv(x[3], lanes),
                             ceilDiv(pixels, lanes), op.getTurn().value_or(1),
                             /*rows=*/1, rowCycles, windowRows, [&](int64_t k) {
                               return std::min(lanes, pixels - k * lanes);
                             });
      })
      .Case([&](TransposeOp op) {
        if (!op.movesLanes())
          return;
        ArrayRef<int64_t> from =
            cast<RankedTensorType>(op.getInput().getType()).getShape();
        const int64_t rank = from.size(), a = op.getPerm().back();
        int64_t combinations = 1;
        for (int64_t d = 0; d < rank; ++d)
          if (d != a && d != rank - 1)
            combinations *= from[d];
        // Each window's parts are installed at once, the unit vectors
        // summing them plane to plane.
        const int64_t parts = getMovementParts(op, target);
        for (int64_t c = 0; c < combinations; ++c)
          for (int64_t tile = 0; tile * lanes < from[a]; ++tile) {
            int64_t rows = std::min(lanes, from[a] - tile * lanes);
            for (int64_t j = 0; j * lanes < from[rank - 1]; ++j) {
              MXMTurn windows;
              appendWindowJobs(windows,
                               std::min(lanes, from[rank - 1] - j * lanes),
                               windowRows, rows, std::nullopt);
              for (const MXMJob &job : windows)
                turns.push_back(MXMTurn(parts, job));
            }
          }
      })
      .Case([&](MaxPoolTransposeOp op) {
        const std::array<int64_t, 4> y = op.getOutputImage();
        const int64_t parts = getMovementParts(op, target);
        SmallVector<LaneWindow::Install, 4> installs =
            getLaneWindowInstalls(op, windowRows);
        const auto groups = op.getInstallRows(lanes, target.mxmPlanes);
        for (int64_t n = 0; n < y[0]; ++n)
          for (const auto &group : groups)
            for (int64_t tile = 0; tile * lanes < y[3]; ++tile) {
              const int64_t rows =
                  int64_t(group.size()) * std::min(lanes, y[3] - tile * lanes);
              for (const LaneWindow::Install &install : installs)
                turns.push_back(MXMTurn(
                    parts, {rows, rows + int64_t(install.anchors.size())}));
            }
      })
      .Case([&](ReduceRowsOp op) {
        ::lpu::TensorLayout in = layoutOf(op.getInput(), target);
        const int64_t elements = std::min(in.rowLength, lanes);
        if (op.getStrategy() == RowStrategy::MXMSum) {
          // Every window's install at once, each vector through all: one
          // weight row, or, row-wide, one per element of the window. Each
          // copy streams its share of the rows.
          const int64_t copies = rowSumCopies(op, target);
          MXMTurn windows;
          for (int64_t c = 0; c < copies; ++c) {
            const int64_t rows =
                in.rows / copies + (c < in.rows % copies ? 1 : 0);
            for (int64_t first = 0; first < elements; first += windowRows) {
              const int64_t weightRows =
                  op.broadcasts() ? std::min(windowRows, elements - first) : 1;
              windows.push_back(
                  {weightRows, weightRows + rows * in.vectorsPerRow});
            }
          }
          turns.push_back(std::move(windows));
        } else if (op.getStrategy() == RowStrategy::MXMExtremum) {
          // Per block and window, its copies at once, each streaming its
          // share of the window's unit vectors.
          const int64_t copies = rowExtremumCopies(op, target).copies;
          for (int64_t first = 0; first < in.rows; first += lanes) {
            const int64_t rows = std::min(lanes, in.rows - first);
            for (int64_t window = 0; window < elements; window += windowRows) {
              const int64_t vectors = std::min(windowRows, elements - window);
              MXMTurn turn;
              for (int64_t c = 0; c < copies; ++c)
                turn.push_back(
                    {rows, rows + vectors / copies + (c < vectors % copies)});
              turns.push_back(std::move(turn));
            }
          }
        }
      });
  return turns;
}

BatchMatrices lpuc::tile::getBatchMatrices(MatMulOp op) {
  BatchMatrices matrices;
  ArrayRef<int64_t> batches = op.getBatches();
  for (size_t i = 0; i + 2 < batches.size(); i += 3) {
    auto *it = llvm::find(matrices.firstRows, batches[i + 1]);
    matrices.ofBatch.push_back(it - matrices.firstRows.begin());
    if (it == matrices.firstRows.end())
      matrices.firstRows.push_back(batches[i + 1]);
  }
  return matrices;
}

SmallVector<WeightTile>
lpuc::tile::getWeightTiles(Operation *op, const ::lpu::TargetDesc &target) {
  const int64_t lanes = target.lanes;
  int64_t kTiles = 0, columnTiles = 0;
  std::function<int64_t(int64_t)> tileRows;
  std::function<bool(int64_t, int64_t)> used = [](int64_t, int64_t) {
    return true;
  };
  // Per matrix of B: its batches, the first of them.
  SmallVector<int64_t> matrixInstalls = {1}, firstBatch = {0};
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    if (!matmul.getPackedWeights())
      return {};
    const int64_t K = matmul.getK();
    kTiles = ceilDiv(K, lanes);
    columnTiles = ceilDiv(matmul.getN(), lanes);
    BatchMatrices matrices = getBatchMatrices(matmul);
    matrixInstalls.assign(matrices.firstRows.size(), 0);
    firstBatch.assign(matrices.firstRows.size(), -1);
    for (auto [batch, matrix] : llvm::enumerate(matrices.ofBatch)) {
      ++matrixInstalls[matrix];
      if (firstBatch[matrix] < 0)
        firstBatch[matrix] = batch;
    }
    tileRows = [=](int64_t k) { return std::min(lanes, K - k * lanes); };
  } else if (auto conv = dyn_cast<ConvOp>(op)) {
    if (conv.getTapMajor() || !getMXMPixels(conv))
      return {};
    const int64_t C =
        cast<RankedTensorType>(conv.getInput().getType()).getShape()[3];
    const int64_t F =
        cast<RankedTensorType>(conv.getResult().getType()).getShape()[3];
    const int64_t cChunks = ceilDiv(C, lanes), group = conv.getGroup();
    kTiles = conv.getKernel()[0] * conv.getKernel()[1] * cChunks;
    columnTiles = ceilDiv(F, lanes);
    tileRows = [=](int64_t k) {
      return std::min(lanes, C - (k % cChunks) * lanes);
    };
    used = [=](int64_t k, int64_t n) {
      return isGroupTileUsed(C, F, group, lanes, k % cChunks, n);
    };
  } else {
    return {};
  }
  // Installs go batch by batch, each column tile by column tile
  // (getMXMTurns); `planes` lists them in that order.
  auto planes = op->getAttrOfType<DenseI32ArrayAttr>("planes");
  const int64_t perMatrix = kTiles * columnTiles;
  std::vector<int32_t> planeOf(matrixInstalls.size() * perMatrix, -1);
  // A tile is installed in windows of the MXM's rows; the first's plane
  // stands for it.
  // Its first batch's installs come first (only their order matters here).
  const int64_t windowRows = getMXMRows(op, target);
  int64_t rows = 1, turn = 1;
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    rows = matmul.getM();
    turn = matmul.getTurn().value_or(1);
  } else {
    auto conv = cast<ConvOp>(op);
    rows = getMXMPixels(conv);
    turn = conv.getTurn().value_or(1);
  }
  const int64_t rowCycles = getMXMRowCycles(getMXMType(op, target), target);
  SmallVector<ProductInstall> batchInstalls = productInstalls(
      columnTiles, kTiles, turn, rows, rowCycles, windowRows, tileRows, used);
  for (auto [matrix, batch] : llvm::enumerate(firstBatch))
    for (auto [i, install] : llvm::enumerate(batchInstalls)) {
      const int64_t job = batch * batchInstalls.size() + i;
      if (install.firstWindow && install.copy == 0 && planes &&
          job < int64_t(planes.size()))
        planeOf[matrix * perMatrix + install.k * columnTiles + install.n] =
            planes[job];
    }
  SmallVector<WeightTile> tiles;
  for (auto [matrix, installs] : llvm::enumerate(matrixInstalls))
    for (int64_t k = 0; k < kTiles; ++k)
      for (int64_t n = 0; n < columnTiles; ++n)
        if (used(k, n))
          tiles.push_back({tileRows(k), installs,
                           planeOf[matrix * perMatrix + k * columnTiles + n]});
  return tiles;
}

SmallVector<LaneWindow::Install, 4>
lpuc::tile::getLaneWindowInstalls(MaxPoolTransposeOp op, int64_t windowRows) {
  const int64_t width = op.getImageSize()[1];
  const int64_t outputs =
      cast<RankedTensorType>(op.getResult().getType()).getShape()[2];
  // The verifier saw every window meet the image.
  return Window::of(op).along(1).installs(width, outputs, windowRows).value();
}

int64_t lpuc::tile::getIdentityReads(Operation *op,
                                     const ::lpu::TargetDesc &target,
                                     std::map<int32_t, int64_t> &planeReads) {
  size_t streamingJobs = 0; // the last jobs of the op stream unit vectors
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    if (!transpose.movesLanes())
      return 0;
    streamingJobs = SIZE_MAX;
  } else if (isa<MaxPoolTransposeOp>(op)) {
    streamingJobs = SIZE_MAX;
  } else if (auto reduce = dyn_cast<ReduceRowsOp>(op)) {
    if (reduce.getStrategy() != RowStrategy::MXMExtremum)
      return 0;
    streamingJobs = SIZE_MAX;
  } else if (auto im2col = dyn_cast<Im2ColOp>(op)) {
    if (im2col.getTapRows())
      return 0;
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(im2col.getResult().getType()).getShape();
    // The second step's jobs: a window of each output tile per image row.
    const int64_t lanes = target.lanes, windowRows = getMXMRows(op, target);
    int64_t windows = 0;
    for (int64_t q = 0; q * lanes < y[2]; ++q)
      windows += ceilDiv(std::min(lanes, y[2] - q * lanes), windowRows);
    streamingJobs = y[0] * y[1] * windows;
  } else {
    return 0;
  }
  SmallVector<MXMJob> jobs;
  for (const MXMTurn &turn : getMXMTurns(op, target))
    jobs.append(turn.begin(), turn.end());
  auto planes = op->getAttrOfType<DenseI32ArrayAttr>("planes");
  const size_t first = jobs.size() - std::min(jobs.size(), streamingJobs);
  int64_t reads = 0;
  for (size_t job = first; job < jobs.size(); ++job) {
    const int64_t products = jobs[job].work - jobs[job].rows;
    reads += products;
    if (planes && job < size_t(planes.size()))
      planeReads[planes[job]] += products;
  }
  return reads;
}
