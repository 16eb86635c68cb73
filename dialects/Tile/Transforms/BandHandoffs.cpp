//===- BandHandoffs.cpp - Transposes that write a convolution's bands -----===//

#include "dialects/Tile/Transforms/Passes.h"

namespace lpuc::tile {
#define GEN_PASS_DEF_BANDHANDOFFS
#include "dialects/Tile/Transforms/Passes.h.inc"
} // namespace lpuc::tile

using namespace mlir;
using namespace lpuc::tile;

namespace {

struct BandHandoffsPass
    : public lpuc::tile::impl::BandHandoffsBase<BandHandoffsPass> {
  void runOnOperation() override {
    const ::lpu::TargetDesc *target = nullptr;
    SmallVector<ConvOp> convs;
    getOperation().walk([&](ConvOp conv) {
      auto transpose = conv.getInput().getDefiningOp<MaxPoolTransposeOp>();
      if (conv.getOnVxm() && conv.getSegments().value_or(1) > 1 &&
          !conv.getBandedInput() && transpose && transpose->hasOneUse() &&
          transpose.getBandCount() == 1)
        convs.push_back(conv);
    });
    if (!convs.empty() && !(target = getTarget(getOperation())))
      return signalPassFailure();
    for (ConvOp conv : convs) {
      auto transpose = conv.getInput().getDefiningOp<MaxPoolTransposeOp>();
      auto type = cast<RankedTensorType>(transpose.getResult().getType());
      ArrayRef<int64_t> y = type.getShape();
      const int64_t S = *conv.getSegments(), OH = y[1];
      if (S * y[3] > target->lanes)
        continue;
      OpBuilder b(conv);
      transpose.getResult().setType(RankedTensorType::get(
          {y[0], (OH + S - 1) / S, y[2], S * y[3]}, type.getElementType()));
      transpose.setBandsAttr(b.getDenseI64ArrayAttr({S, OH}));
      conv.setBandedInputAttr(b.getI64IntegerAttr(OH));
    }
  }
};

} // namespace
