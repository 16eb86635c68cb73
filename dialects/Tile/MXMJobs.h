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

/// The installs `op`'s expansion makes, in order; empty for an op that does
/// not use the MXM. Products need their `turn` set.
llvm::SmallVector<MXMTurn> getMXMTurns(mlir::Operation *op,
                                       const ::lpu::TargetDesc &target);

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_MXMJOBS_H
