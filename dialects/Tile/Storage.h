//===- Storage.h - Which tile tensors SRAM holds, and when ------*- C++ -*-===//
//
// The expansion gives every graph input, graph output and op result its own
// SRAM tensor, except that a reshape keeping rows is its input's tensor and
// a result computed for a graph output is computed into it (also through
// reshapes that keep rows). tile-check-capacity, tile-allocate-sram and the
// expansion (which buffers it creates, which reshapes share one) all use
// this one description.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_TILE_STORAGE_H
#define LPU_DIALECTS_TILE_STORAGE_H

#include "dialects/Tile/TileOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <map>
#include <optional>
#include <vector>

namespace lpuc::tile {

/// One SRAM tensor of the graph.
struct StoredTensor {
  /// The graph input or op result that writes it (for a graph output, the
  /// op result computed into it).
  mlir::Value owner;
  int output = -1; // the graph output it is, if any
  int64_t vectors = 0;
  int64_t addresses = 0; // vectors times the planes of its element type
  int64_t blockRows = 1, minParts = 1; // how windows want its rows dealt
  int64_t first = 0, last = 0; // positions of its writer and last reader
  /// Estimated reads and writes, and how many of them each MXM plane
  /// makes; the rest meet the VXM.
  int64_t accesses = 0;
  std::map<int32_t, int64_t> planeAccesses;
};

/// The SRAM tensors of a tile-level function in the order of their birth.
/// Positions count the body's ops from 1; graph inputs are born at 0, graph
/// outputs live to `end`. Constants are left out: whether the expansion
/// stores one whole or as weight tiles is isStoredWhole's and
/// getWeightTiles' (MXMJobs.h) to say. Sizes saturate, so absurd shapes
/// cannot wrap.
/// Traffic (`accesses`, `planeAccesses`) is estimated only if asked: it
/// costs time in proportion to the MXM installs.
struct StoragePlan {
  std::vector<StoredTensor> tensors;
  int64_t end = 0;
  /// The tensor each stored value is (reshapes that keep rows included).
  llvm::DenseMap<mlir::Value, size_t> tensorOf;
};
StoragePlan planStorage(mlir::func::FuncOp func,
                        const ::lpu::TargetDesc &target, bool estimateTraffic);

/// Whether the expansion stores constant operand `index` of `user` in its
/// own layout (`tile.sram` on the constant), not as weight tiles.
bool isStoredWhole(mlir::Operation *user, unsigned index);

/// Estimated reads of operand `index` of `user` (see Storage.cpp), adding
/// those each MXM plane makes to `planeReads`.
int64_t estimateReads(mlir::Operation *user, unsigned index,
                      const ::lpu::TargetDesc &target,
                      std::map<int32_t, int64_t> &planeReads);

/// Sizes that saturate at INT64_MAX instead of wrapping around.
int64_t saturatingAdd(int64_t a, int64_t b);
int64_t saturatingMultiply(int64_t a, int64_t b);

/// Vectors a tensor of `value`'s shape takes in its row layout, and the
/// SRAM addresses they take on `target`, saturated.
int64_t getStoredVectors(mlir::Value value, int64_t lanes);
int64_t getStoredAddresses(mlir::Value value, const ::lpu::TargetDesc &target);

/// How `value`'s rows are dealt when its op asks (`tile.split_rows`): blocks
/// of that many rows, over as many parts as there are blocks (up to every
/// slice); nothing if the op does not ask.
std::optional<std::pair<int64_t, int64_t>>
getSplitRows(mlir::Value value, const ::lpu::TargetDesc &target);

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_STORAGE_H
