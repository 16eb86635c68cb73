//===- WinogradOps.cpp - Verifiers of the Winograd transform ops ----------===//

#include "dialects/Tile/TileOps.h"
#include "dialects/Tile/Winograd.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace lpuc::tile;

namespace {

/// A [16, T, lanes] tensor of transformed tiles, T those of `outputPixels`
/// ([N, OH, OW]).
LogicalResult verifyTiles(Operation *op, Value tiles, StringRef what,
                          ArrayRef<int64_t> outputPixels, int64_t channels) {
  ArrayRef<int64_t> shape = shapeOf(tiles);
  const int64_t T =
      winograd::Tiles(outputPixels[0], outputPixels[1], outputPixels[2])
          .count();
  if (shape != ArrayRef<int64_t>({winograd::kPositions, T, channels}))
    return op->emitOpError(what)
           << " must be [" << winograd::kPositions << ", " << T << ", "
           << channels << "]: the tiles of " << outputPixels[0] << "x"
           << outputPixels[1] << "x" << outputPixels[2] << " output pixels";
  return success();
}

} // namespace

LogicalResult WinogradInputOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() != 4)
    return emitOpError("the input must be [N, H, W, C]");
  ArrayRef<int64_t> pad = getPadBegin(), size = getOutputSize();
  if (pad.size() != 2 || size.size() != 2)
    return emitOpError("pad_begin and output_size have two values (H, W)");
  for (int d = 0; d < 2; ++d)
    if (!winograd::windowsMeetInput(pad[d], size[d], x[1 + d]))
      return emitOpError("a 3x3 window with padding ")
             << pad[d] << " cannot make " << size[d] << " outputs from "
             << x[1 + d] << " inputs";
  if (!isa<FloatType>(getElementTypeOrSelf(getInput().getType())) ||
      !isa<FloatType>(getElementTypeOrSelf(getResult().getType())))
    return emitOpError("transforms floats only");
  return verifyTiles(*this, getResult(), "the result", {x[0], size[0], size[1]},
                     x[3]);
}

LogicalResult WinogradOutputOp::verify() {
  if (getSteps().size() != 2 * getFactors().size())
    return emitOpError("needs two `steps` entries per factor");
  if (failed(verifyChain(*this, getChain(getSteps(), getFactors()),
                         getExtras().size(), /*isEpilogue=*/true)))
    return failure();
  ArrayRef<int64_t> y = shapeOf(getResult());
  if (y.size() != 4)
    return emitOpError("the result must be [N, OH, OW, F]");
  if (!isa<FloatType>(getElementTypeOrSelf(getInput().getType())))
    return emitOpError("transforms floats only");
  for (Value extra : getExtras())
    if (!broadcastsTo(shapeOf(extra), y))
      return emitOpError("epilogue operand of type ")
             << extra.getType() << " does not broadcast to the result";
  return verifyTiles(*this, getInput(), "the input", y.take_front(3), y[3]);
}
