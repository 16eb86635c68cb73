//===- RowTaps.cpp - A window row's taps side by side in lanes ------------===//
//
// One result vector per (n, y, ox): tap kx's input pixel vector shifted by
// kx * C lanes on the SXM, the taps joined by VXM adds in a chain (whose
// reads, from one tensor, then come a VXM latency apart). Padding lanes are
// zero, so the shifted vectors never overlap and the adds are exact. A tap
// in the padding adds a constant vector holding a quantized input's zero
// point in its own lanes, or nothing.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/Tile/Window.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

LogicalResult lpuc::tile_to_lpu::expandPackRowTaps(tile::PackRowTapsOp op,
                                                   Expander &x) {
  Shape in = Expander::shapeOf(op.getInput()),
        y = Expander::shapeOf(op.getResult());
  const int64_t N = in[0], H = in[1], W = in[2], C = in[3];
  const int64_t OW = y[2], taps = op.getTaps();
  const int64_t lanes = x.target.lanes;
  if (taps * C > lanes)
    return op.emitError("packs ")
           << taps * C << " values into a row, more than the " << lanes
           << " lanes of " << x.target.name;
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  // The horizontal window: tap kx of output x reads tapPosition(1, W, x, kx).
  tile::Window window;
  window.kernel[1] = taps;
  window.strides[1] = op.getStride();
  window.dilations[1] = op.getDilation();
  window.padBegin[1] = op.getPadBegin();
  // Tap kx's padding: the zero point in lanes [kx * C, (kx + 1) * C), made
  // for the taps that meet the padding.
  const int64_t paddingValue = op.getPaddingValue();
  SmallVector<int32_t> padding(taps, -1);
  auto paddingOf = [&](int64_t kx) {
    if (padding[kx] < 0) {
      SmallVector<float> values(lanes, 0.0f);
      std::fill_n(values.begin() + kx * C, C, float(paddingValue));
      padding[kx] = x.constant((".padding" + Twine(kx)).str(), {lanes}, values,
                               ::lpu::DType::I8);
    }
    return x.read(padding[kx], 0);
  };
  for (int64_t n = 0; n < N; ++n)
    for (int64_t row = 0; row < H; ++row)
      for (int64_t ox = 0; ox < OW; ++ox) {
        InstrId acc = lpu::kNoInstr;
        for (int64_t kx = 0; kx < taps; ++kx) {
          InstrId v = lpu::kNoInstr;
          if (std::optional<int64_t> at = window.tapPosition(1, W, ox, kx)) {
            v = x.readRow(*input, (n * H + row) * W + *at, 0);
            if (kx > 0)
              v = x.shift(v, kx * C);
          } else if (paddingValue) {
            v = paddingOf(kx);
          } else {
            continue;
          }
          acc =
              acc == lpu::kNoInstr ? v : x.combine(tile::StepKind::Add, acc, v);
        }
        if (acc == lpu::kNoInstr)
          acc = x.zero();
        x.writeRow(acc, out, (n * H + row) * OW + ox, 0);
      }
  return success();
}
