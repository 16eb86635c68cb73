//===- MXMJobs.cpp - The weight installs a tile op makes ------------------===//

#include "dialects/Tile/MXMJobs.h"

#include "dialects/LPU/LPUOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <functional>

using namespace mlir;
using namespace lpuc::tile;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The turns of one product (Expander::emitMatMul): for each output column
/// tile, the K tiles it uses `turn` at a time; every install streams `rows`
/// rows.
void appendProductTurns(
    SmallVectorImpl<MXMTurn> &turns, int64_t columnTiles, int64_t kTiles,
    int64_t turn, int64_t rows, function_ref<int64_t(int64_t k)> tileRows,
    function_ref<bool(int64_t k, int64_t n)> used = nullptr) {
  for (int64_t n = 0; n < columnTiles; ++n) {
    SmallVector<int64_t> ks;
    for (int64_t k = 0; k < kTiles; ++k)
      if (!used || used(k, n))
        ks.push_back(k);
    for (size_t first = 0; first < ks.size(); first += turn) {
      MXMTurn group;
      for (size_t i = first; i < std::min(ks.size(), size_t(first + turn)); ++i)
        group.push_back({tileRows(ks[i]), tileRows(ks[i]) + rows});
      turns.push_back(std::move(group));
    }
  }
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

SmallVector<MXMTurn> lpuc::tile::getMXMTurns(Operation *op,
                                             const ::lpu::TargetDesc &target) {
  const int64_t lanes = target.lanes;
  SmallVector<MXMTurn> turns;
  TypeSwitch<Operation *>(op)
      .Case([&](MatMulOp op) {
        const int64_t K = op.getK();
        for (size_t i = 0; i < op.getBatches().size(); i += 3)
          appendProductTurns(
              turns, ceilDiv(op.getN(), lanes), ceilDiv(K, lanes),
              op.getTurn().value_or(1), op.getM(),
              [&](int64_t k) { return std::min(lanes, K - k * lanes); });
      })
      .Case([&](ConvOp op) {
        ArrayRef<int64_t> y =
            cast<RankedTensorType>(op.getResult().getType()).getShape();
        const int64_t C =
            cast<RankedTensorType>(op.getInput().getType()).getShape()[3];
        const int64_t cChunks = ceilDiv(C, lanes);
        const int64_t taps = op.getKernel()[0] * op.getKernel()[1];
        appendProductTurns(
            turns, ceilDiv(y[3], lanes), taps * cChunks,
            op.getTurn().value_or(1), y[0] * y[1] * y[2],
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
        const int64_t W = x[3], OW = y[2], K = y[3];
        for (int64_t kx = 0; kx < op.getKernel()[1]; ++kx)
          appendProductTurns(
              turns, ceilDiv(OW, lanes), ceilDiv(W, lanes),
              op.getTurn().value_or(1), x[0] * x[1] * x[2],
              [&](int64_t j) { return std::min(lanes, W - j * lanes); });
        for (int64_t image = 0; image < y[0] * y[1]; ++image)
          for (int64_t q = 0; q * lanes < OW; ++q)
            turns.push_back({{K, K + std::min(lanes, OW - q * lanes)}});
      })
      .Case([&](GlobalPoolOp op) {
        ArrayRef<int64_t> x =
            cast<RankedTensorType>(op.getInput().getType()).getShape();
        const int64_t pixels = x[1] * x[2];
        for (int64_t n = 0; n < x[0]; ++n)
          appendProductTurns(turns, ceilDiv(x[3], lanes),
                             ceilDiv(pixels, lanes), op.getTurn().value_or(1),
                             /*rows=*/1, [&](int64_t k) {
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
        for (int64_t c = 0; c < combinations; ++c)
          for (int64_t tile = 0; tile * lanes < from[a]; ++tile) {
            int64_t rows = std::min(lanes, from[a] - tile * lanes);
            for (int64_t j = 0; j * lanes < from[rank - 1]; ++j) {
              int64_t width = std::min(lanes, from[rank - 1] - j * lanes);
              turns.push_back({{rows, rows + width}});
            }
          }
      })
      .Case([&](ReduceRowsOp op) {
        ::lpu::TensorLayout in = layoutOf(op.getInput(), target);
        if (op.getStrategy() == RowStrategy::MXMSum) {
          turns.push_back({{1, 1 + in.numVectors()}});
        } else if (op.getStrategy() == RowStrategy::MXMExtremum) {
          const int64_t elements = std::min(in.rowLength, lanes);
          for (int64_t first = 0; first < in.rows; first += lanes) {
            int64_t rows = std::min(lanes, in.rows - first);
            turns.push_back({{rows, rows + elements}});
          }
        }
      });
  return turns;
}

SmallVector<WeightTile>
lpuc::tile::getWeightTiles(Operation *op, const ::lpu::TargetDesc &target) {
  const int64_t lanes = target.lanes;
  int64_t kTiles = 0, columnTiles = 0, installs = 1;
  std::function<int64_t(int64_t)> tileRows;
  std::function<bool(int64_t, int64_t)> used = [](int64_t, int64_t) {
    return true;
  };
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    if (!matmul.getPackedWeights())
      return {};
    const int64_t K = matmul.getK();
    kTiles = ceilDiv(K, lanes);
    columnTiles = ceilDiv(matmul.getN(), lanes);
    installs = std::max<int64_t>(1, matmul.getBatches().size() / 3);
    tileRows = [=](int64_t k) { return std::min(lanes, K - k * lanes); };
  } else if (auto conv = dyn_cast<ConvOp>(op)) {
    if (conv.getTapMajor())
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
  // Installs go column tile by column tile (getMXMTurns); `planes` lists
  // them in that order.
  auto planes = op->getAttrOfType<DenseI32ArrayAttr>("planes");
  std::vector<int32_t> planeOf(kTiles * columnTiles, -1);
  int64_t job = 0;
  for (int64_t n = 0; n < columnTiles; ++n)
    for (int64_t k = 0; k < kTiles; ++k)
      if (used(k, n)) {
        if (planes && job < planes.size())
          planeOf[k * columnTiles + n] = planes[job];
        ++job;
      }
  SmallVector<WeightTile> tiles;
  for (int64_t k = 0; k < kTiles; ++k)
    for (int64_t n = 0; n < columnTiles; ++n)
      if (used(k, n))
        tiles.push_back({tileRows(k), installs, planeOf[k * columnTiles + n]});
  return tiles;
}

int64_t lpuc::tile::getIdentityReads(Operation *op,
                                     const ::lpu::TargetDesc &target,
                                     std::map<int32_t, int64_t> &planeReads) {
  size_t streamingJobs = 0; // the last jobs of the op stream unit vectors
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    if (!transpose.movesLanes())
      return 0;
    streamingJobs = SIZE_MAX;
  } else if (auto reduce = dyn_cast<ReduceRowsOp>(op)) {
    if (reduce.getStrategy() != RowStrategy::MXMExtremum)
      return 0;
    streamingJobs = SIZE_MAX;
  } else if (auto im2col = dyn_cast<Im2ColOp>(op)) {
    ArrayRef<int64_t> y =
        cast<RankedTensorType>(im2col.getResult().getType()).getShape();
    streamingJobs = y[0] * y[1] * ceilDiv(y[2], target.lanes);
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
