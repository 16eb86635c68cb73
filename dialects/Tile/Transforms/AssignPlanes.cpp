//===- AssignPlanes.cpp - MXM planes for weight installs ------------------===//

#include "dialects/Tile/MXMJobs.h"
#include "dialects/Tile/Transforms/Passes.h"

#include <algorithm>
#include <numeric>

namespace lpuc::tile {
#define GEN_PASS_DEF_ASSIGNPLANES
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {
/// Which side of the VXM a plane lies on (0 west, 1 east).
int64_t sideOf(const ::lpu::TargetDesc &target, int64_t plane) {
  return target.unitColumn(::lpu::UnitKind::Mxm, uint32_t(plane)) >
         target.centreColumn();
}

struct AssignPlanesPass
    : public lpuc::tile::impl::AssignPlanesBase<AssignPlanesPass> {
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = getTarget(getOperation());
    if (!target)
      return signalPassFailure();
    // Issue cycles given to each plane so far (weight rows + products).
    SmallVector<int64_t> work(target->mxmPlanes, 0);
    Builder builder(&getContext());
    getOperation().walk([&](Operation *op) {
      if (!isa<MatMulOp, ConvOp, Im2ColOp, GlobalPoolOp, TransposeOp,
               MaxPoolTransposeOp, ReduceRowsOp>(op))
        return;
      SmallVector<int32_t> planes;
      for (const MXMTurn &turn : getMXMTurns(op, *target)) {
        // The planes, least work first (ties in plane order), take the
        // turn's tiles, largest first.
        SmallVector<int64_t> byWork(work.size());
        std::iota(byWork.begin(), byWork.end(), 0);
        llvm::stable_sort(
            byWork, [&](int64_t a, int64_t b) { return work[a] < work[b]; });
        // A row sum's windows add up product after product: on planes of
        // one side of the chip, or each partial sum crosses it (about 120
        // cycles on lpu-v1, against 25).
        if (isa<ReduceRowsOp>(op) && turn.size() > 1) {
          const int64_t side = sideOf(*target, byWork.front());
          std::stable_partition(
              byWork.begin(), byWork.end(),
              [&](int64_t plane) { return sideOf(*target, plane) == side; });
        }
        SmallVector<int64_t> bySize(turn.size());
        std::iota(bySize.begin(), bySize.end(), 0);
        llvm::stable_sort(bySize, [&](int64_t a, int64_t b) {
          return turn[a].rows > turn[b].rows;
        });
        SmallVector<int32_t> planeOf(turn.size());
        for (auto [rank, i] : llvm::enumerate(bySize)) {
          planeOf[i] = byWork[rank];
          work[byWork[rank]] += turn[i].work;
        }
        planes.append(planeOf.begin(), planeOf.end());
      }
      if (planes.empty())
        op->removeAttr("planes");
      else
        op->setAttr("planes", builder.getDenseI32ArrayAttr(planes));
    });
  }
};
} // namespace
