//===- PackTaps.cpp - A window's taps side by side in lanes ---------------===//
//
// Result vector j of a pixel holds lanes [j * lanes, (j + 1) * lanes) of its
// taps side by side (along a window row or column): every tap t whose lanes
// [t * C, (t + 1) * C) meet them contributes its input pixel's vectors (one,
// or several when C exceeds the lanes) shifted into place on the SXM
// (tile::packedPieceShift; a vector that straddles two result vectors is
// read and shifted once for each), the parts joined by VXM adds in a chain
// (whose reads, from one tensor, then come a VXM latency apart). Padding lanes
// are zero and shifts fill with zeros, so the shifted vectors never overlap and
// the adds are exact. A tap in the padding adds a constant vector holding a
// quantized input's zero point in its own lanes, or nothing.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/Tile/Window.h"

#include <map>

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

LogicalResult lpuc::tile_to_lpu::expandPackTaps(tile::PackTapsOp op,
                                                Expander &x) {
  Shape in = Expander::shapeOf(op.getInput()),
        y = Expander::shapeOf(op.getResult());
  const int64_t N = in[0], H = in[1], W = in[2], C = in[3];
  const int64_t OH = y[1], OW = y[2], taps = op.getTaps();
  const int dim = op.getDim() == 1 ? 0 : 1; // the window's H or W
  const int64_t lanes = x.target.lanes;
  const int64_t pieces = llvm::divideCeil(C, lanes);
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  const int64_t vectors = llvm::divideCeil(taps * C, lanes);
  // Tap t of output position p along `dim` reads tapPosition(dim, size, p, t).
  tile::Window window;
  window.kernel[dim] = taps;
  window.strides[dim] = op.getStride();
  window.dilations[dim] = op.getDilation();
  window.padBegin[dim] = op.getPadBegin();
  // Tap t's padding in result vector j: the zero point in its lanes there,
  // made for the taps that meet the padding.
  const int64_t paddingValue = op.getPaddingValue();
  std::map<std::pair<int64_t, int64_t>, int32_t> padding;
  auto paddingOf = [&](int64_t t, int64_t j) {
    auto [it, inserted] = padding.insert({{t, j}, -1});
    if (inserted) {
      SmallVector<float> values(lanes, 0.0f);
      for (int64_t lane = 0; lane < lanes; ++lane) {
        const int64_t channel = j * lanes + lane - t * C;
        if (channel >= 0 && channel < C)
          values[lane] = float(paddingValue);
      }
      it->second = x.constant((".padding" + Twine(t) + "." + Twine(j)).str(),
                              {lanes}, values, ::lpu::DType::I8);
    }
    return x.read(it->second, 0);
  };
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t j = 0; j < vectors; ++j) {
          InstrId acc = lpu::kNoInstr;
          auto add = [&](InstrId v) {
            acc = acc == lpu::kNoInstr ? v
                                       : x.combine(tile::StepKind::Add, acc, v);
          };
          for (int64_t t = 0; t < taps; ++t) {
            // Tap t's lanes in result vector j, if any.
            if (t * C >= (j + 1) * lanes || (t + 1) * C <= j * lanes)
              continue;
            std::optional<int64_t> at = dim == 0
                                            ? window.tapPosition(0, H, oy, t)
                                            : window.tapPosition(1, W, ox, t);
            if (!at) {
              if (paddingValue)
                add(paddingOf(t, j));
              continue;
            }
            const int64_t row = dim == 0 ? *at : oy, col = dim == 0 ? ox : *at;
            for (int64_t p = 0; p < pieces; ++p) {
              std::optional<int64_t> shift =
                  tile::packedPieceShift(t, p, C, j, lanes);
              if (!shift)
                continue;
              InstrId v = x.readRow(*input, (n * H + row) * W + col, p);
              add(*shift != 0 ? x.shift(v, *shift) : v);
            }
          }
          if (acc == lpu::kNoInstr)
            acc = x.zero();
          x.writeRow(acc, out, (n * OH + oy) * OW + ox, j);
        }
  return success();
}
