//===- MXMJobs.h - The weight installs a tile op makes ----------*- C++ -*-===//
//
// Which MXM plane holds which weights is decided by tile-assign-planes and
// followed by the expansion. Both need the same list of installs per op:
// this is it, in expansion order.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_TILE_MXMJOBS_H
#define LPU_DIALECTS_TILE_MXMJOBS_H

#include "dialects/Tile/TileOps.h"
#include "dialects/Tile/Window.h"

#include <map>

namespace lpuc::tile {

/// One weight install and the products that stream through it.
struct MXMJob {
  int64_t rows = 0; // weight rows installed
  int64_t work = 0; // issue cycles on the plane: loads and products
};
/// Installs made at once, each on a different plane (a turn of K tiles
/// whose partial sums flow from plane to plane).
using MXMTurn = llvm::SmallVector<MXMJob, 4>;

/// Whether weight tile (channels in chunk `kc`, out chunk `fc`) of a
/// convolution with `group` groups, C inputs and F outputs, cut into chunks
/// of `lanes`, has any weight: an input channel only meets the outputs of
/// its own group, so most tiles of a grouped convolution are zero and are
/// neither stored nor installed.
bool isGroupTileUsed(int64_t C, int64_t F, int64_t group, int64_t lanes,
                     int64_t kc, int64_t fc);

/// How many copies of a turn's `installs` installs a product makes, out of
/// `turnWidth` planes, when it streams `rows` rows of `rowCycles` plane
/// cycles each (getMXMRowCycles). A turn streams one row per product time
/// however many planes it chains, so a short turn (a product's only one, as
/// a packed stem's one K tile, or the last of a longer product) leaves
/// planes idle for as long as it runs; each copy streams every copies-th row
/// instead. The next product cannot take those planes: it reads this one's
/// results, which come at the short turn's pace. `afterOthers`: the turn
/// follows other turns of the same output columns.
inline int64_t turnCopies(int64_t installs, int64_t turnWidth, int64_t rows,
                          int64_t rowCycles, bool afterOthers) {
  // A copy's weight rows are loaded again; a turn that runs alone for less
  // than this shares the planes with its neighbours anyway (from 768 cycles:
  // MobileNetV2 int8 69,407 -> 68,920, ResNet-50 int8 56,329 -> 56,230,
  // others unchanged; 512 slows both by 2%). The last of
  // several turns (`afterOthers`: the ninth tap of a 3x3 convolution on four
  // planes) completes the product's sums, for which the next product waits,
  // so it is copied from 384 cycles (ResNet-50 int8 62,451 -> 61,605 cycles,
  // fp16 137,641 -> 135,102 for 196 f16 rows; EfficientNet-B0 fp16 +0.4%).
  // From 256, MobileNetV2 int8 slows by 0.9%: its depthwise products share
  // the work with the VXM and leave no plane idle.
  const int64_t kMinCycles = afterOthers ? 384 : 768;
  if (installs <= 0 || installs >= turnWidth || rows * rowCycles < kMinCycles)
    return 1;
  return std::max<int64_t>(1, std::min(turnWidth / installs, rows));
}

/// How many copies of its windows' installs a row sum on the MXM makes,
/// each copy summing every copies-th row: as many as the planes hold (half
/// of them when another row sum runs beside it row by row, as a layer
/// normalization's mean and variance do: sharing planes, the second would
/// wait for the first's last row), while each copy streams at least 64 plane
/// cycles. A sum installs one weight row per window (or a window's worth,
/// row-wide), and the maps of a softmax or a layer normalization wait for
/// it row by row: on one plane, a transformer's 512 softmax rows of f16
/// took 1,024 cycles.
int64_t rowSumCopies(ReduceRowsOp op, const ::lpu::TargetDesc &target);

/// The weight rows of `type` a plane loads per cycle.
int64_t loadRowsPerCycle(::lpu::DType type, const ::lpu::TargetDesc &target);

/// How many planes each window of a row extremum on the MXM (`mxm_extremum`)
/// installs its block of rows on (`copies`): its unit vectors are dealt over
/// the copies, each streaming at least as long as its install takes, all the
/// windows' copies within the planes. A softmax over a decode step's 257
/// positions in 8 rows then streams 80 or 49 unit vectors per plane, not
/// 160 and 97. With what one copy takes: `installCycles` to load a block of
/// rows, `streamCycles` to stream its share of a window's unit vectors.
struct RowExtremumCopies {
  int64_t copies = 1;
  int64_t installCycles = 0;
  int64_t streamCycles = 0;
};
RowExtremumCopies rowExtremumCopies(ReduceRowsOp op,
                                    const ::lpu::TargetDesc &target);

/// The installs `op`'s expansion makes, in order; empty for an op that does
/// not use the MXM. Products need their `turn` set.
llvm::SmallVector<MXMTurn> getMXMTurns(mlir::Operation *op,
                                       const ::lpu::TargetDesc &target);

/// One constant weight tile the expansion stores for a product: `rows`
/// vectors, installed `installs` times, by `plane` the first time (-1 if
/// planes are not assigned yet).
struct WeightTile {
  int64_t rows = 0;
  int64_t installs = 1;
  int32_t plane = -1;
};

/// The matrices of a tile.matmul's B its batches multiply by: their first
/// rows, in the order batches first use them, and for each batch the index
/// of its matrix there.
struct BatchMatrices {
  llvm::SmallVector<int64_t> firstRows;
  llvm::SmallVector<int64_t> ofBatch;
  /// Whether every product that reads a constant B the same way (the same
  /// transposition) can share these packed tiles: one matrix, from row 0.
  bool shareable() const { return firstRows == llvm::ArrayRef<int64_t>{0}; }
};
BatchMatrices getBatchMatrices(MatMulOp op);

/// The weight tiles `op` stores, in the order its expansion creates them:
/// a tile.matmul's packed B by (matrix, K tile, column tile), one matrix
/// per distinct B row its batches start at, a tile.conv's constant
/// weights by (tap, channel chunk, output chunk), all-zero tiles of grouped
/// convolutions left out. Empty for other ops.
llvm::SmallVector<WeightTile> getWeightTiles(mlir::Operation *op,
                                             const ::lpu::TargetDesc &target);

/// The installs per output row and filter tile of a tile.max_pool_transpose,
/// its image rows `windowRows` lanes at once, in expansion order.
llvm::SmallVector<LaneWindow::Install, 4>
getLaneWindowInstalls(MaxPoolTransposeOp op, int64_t windowRows);

/// How many unit vectors (rows of the program's one identity constant) the
/// expansion of `op` streams through the MXM — transposes that move lanes,
/// row extrema on the MXM, an im2col's second step — adding those of each
/// plane to `planeReads`.
int64_t getIdentityReads(mlir::Operation *op, const ::lpu::TargetDesc &target,
                         std::map<int32_t, int64_t> &planeReads);

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_MXMJOBS_H
