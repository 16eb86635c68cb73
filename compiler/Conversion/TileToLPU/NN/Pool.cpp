//===- Pool.cpp - Max and average pooling windows -------------------------===//
//
// Channels across lanes: a VXM chain over each window's pixel vectors. A
// chain rather than a tree: its reads, all from one tensor, then come one
// VXM latency apart and never compete for a slice.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/Tile/Window.h"

using namespace mlir;
using namespace lpuc;
using namespace lpuc::tile_to_lpu;

LogicalResult lpuc::tile_to_lpu::expandPool(tile::PoolOp op, Expander &x) {
  Shape in = Expander::shapeOf(op.getInput()),
        y = Expander::shapeOf(op.getResult());
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  const tile::Window window = tile::Window::of(op);
  const int64_t H = in[1], W = in[2], OH = y[1], OW = y[2];
  const tile::PoolKind kind = op.getKind();
  const StepKind fold =
      kind == tile::PoolKind::Max ? StepKind::Max : StepKind::Add;
  for (int64_t n = 0; n < y[0]; ++n)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t j = 0; j < input->vectorsPerRow; ++j) {
          InstrId acc = lpuc::lpu::kNoInstr;
          int64_t terms = 0;
          for (int64_t ky = 0; ky < window.kernel[0]; ++ky)
            for (int64_t kx = 0; kx < window.kernel[1]; ++kx)
              if (auto pixel = window.tapPixel({H, W}, oy, ox, ky, kx)) {
                InstrId v = x.readRow(
                    *input, (n * H + pixel->first) * W + pixel->second, j);
                acc = acc == lpuc::lpu::kNoInstr ? v : x.combine(fold, acc, v);
                ++terms;
              }
          int64_t count = kind == tile::PoolKind::AverageWithPadding
                              ? window.kernel[0] * window.kernel[1]
                              : terms;
          if (acc == lpuc::lpu::kNoInstr)
            acc = x.zero();
          else if (kind != tile::PoolKind::Max && count > 1)
            acc = x.scaled(acc, 1.0f / float(count));
          x.writeRow(acc, out, (n * OH + oy) * OW + ox, j);
        }
  return success();
}
