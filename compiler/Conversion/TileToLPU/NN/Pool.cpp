//===- Pool.cpp - Max and average pooling windows -------------------------===//
//
// Channels across lanes: a VXM chain over each window's pixel vectors. A
// chain rather than a tree: its reads, all from one tensor, then come one
// VXM latency apart and never compete for a slice. Filters across rows
// (tile.max_pool_transpose): SXM shifts and VXM maxima within the rows,
// then the MXM moves the windows' maxima to channels last.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/TileToLPU/Expander.h"

#include "dialects/Tile/MXMJobs.h"
#include "dialects/Tile/Window.h"

#include <map>

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

/// Per output row and filter tile: each filter row's maximum over the
/// window's image rows, brought to lanes [0, W); per class of lane windows,
/// each window's maximum at its first lane, installed transposed (the filter
/// rows of several output rows side by side when they fit) with the
/// windows' unit vectors streamed through.
LogicalResult
lpuc::tile_to_lpu::expandMaxPoolTranspose(tile::MaxPoolTransposeOp op,
                                          Expander &x) {
  if (!op.getPlanes())
    return op.emitError("has no `planes`; run tile-assign-planes first");
  Shape in = Expander::shapeOf(op.getInput());
  const int64_t lanes = x.target.lanes;
  if (in[3] > lanes)
    return op.emitError("pools rows of ")
           << in[3] << " elements, more than the " << lanes << " lanes of "
           << x.target.name;
  FailureOr<RowStore> input = x.store(op.getInput());
  if (failed(input))
    return failure();
  RowStore out = x.resultStore(op.getResult());
  const std::array<int64_t, 2> image = op.getImageSize();
  const int64_t H = image[0], W = image[1];
  const std::array<int64_t, 4> outImage = op.getOutputImage();
  const int64_t P = in[1], N = outImage[0], OH = outImage[1], OW = outImage[2],
                F = outImage[3];
  const int64_t bands = op.getBandCount();
  if (bands * F > lanes && bands > 1)
    return op.emitError("puts ")
           << bands << " bands of " << F << " filters in a vector, more than "
           << "the " << lanes << " lanes of " << x.target.name;
  const tile::Window window = tile::Window::of(op);
  const tile::LaneWindow alongRows = window.along(0),
                         alongLanes = window.along(1);
  SmallVector<tile::LaneWindow::Install, 4> installs =
      tile::getLaneWindowInstalls(op, x.mxmRows);
  // Each filter row's window maximum is staged: its classes of lane windows
  // read it at several offsets, and a value has one reader.
  const Type element = getElementTypeOrSelf(op.getInput().getType());
  RowStore staged =
      x.splitScratch(RankedTensorType::get({N * OH * F, W}, element), 1);
  // Several output rows share each install, their filter rows side by side:
  // a unit vector's product holds a pixel of each. In bands that is the
  // result's vector as it is; otherwise each pixel is staged, then shifted
  // to lanes [0, F) with the rest shifted out.
  const auto groups = op.getInstallRows(lanes, x.target.mxmPlanes);
  size_t group = 1;
  for (const auto &rows : groups)
    group = std::max(group, rows.size());
  RowStore picked;
  if (group > 1 && bands == 1)
    picked = x.splitScratch(
        RankedTensorType::get({N * OH * OW, int64_t(group) * F},
                              getElementTypeOrSelf(op.getResult().getType())),
        1);
  PlaneCursor planes(op, op.getPlanes());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t groupIndex = 0; groupIndex < int64_t(groups.size());
         ++groupIndex) {
      const auto &groupRows = groups[groupIndex];
      const int64_t count = groupRows.size();
      for (int64_t tile = 0; tile * lanes < F; ++tile) {
        const int64_t rows = std::min(lanes, F - tile * lanes);
        auto stagedRow = [&](int64_t oy, int64_t r) {
          return (n * OH + oy) * F + tile * lanes + r;
        };
        for (int64_t oy : groupRows) {
          SmallVector<int64_t> imageRows;
          for (int64_t t = 0; t < alongRows.kernel; ++t) {
            const int64_t row = alongRows.position(oy, t);
            if (row >= 0 && row < H)
              imageRows.push_back(row);
          }
          // Image row s * P + p sits in lanes [s * W, (s + 1) * W) of row p.
          for (int64_t r = 0; r < rows; ++r) {
            InstrId max = lpuc::lpu::kNoInstr;
            for (int64_t row : imageRows) {
              const int64_t segment = row / P, p = row % P;
              InstrId v =
                  x.readRow(*input, (n * P + p) * F + tile * lanes + r, 0);
              if (segment)
                v = x.shift(v, -segment * W);
              max = max == lpuc::lpu::kNoInstr
                        ? v
                        : x.combine(StepKind::Max, max, v);
            }
            x.writeRow(max, staged, stagedRow(oy, r), 0);
          }
        }
        // Lane x of a class's vector: the maximum over its taps t of lane
        // x + (t - firstTap) * dilation; column k * rows + r of an install
        // is filter row r of output row first + k.
        std::map<std::pair<int64_t, int64_t>, SmallVector<InstrId>> classes;
        for (const tile::LaneWindow::Install &install : installs) {
          SmallVector<InstrId> &maxima =
              classes[{install.firstTap, install.lastTap}];
          for (int64_t c = maxima.size(); c < count * rows; ++c) {
            const int64_t row = stagedRow(groupRows[c / rows], c % rows);
            InstrId max = x.readRow(staged, row, 0);
            for (int64_t t = install.firstTap + 1; t <= install.lastTap; ++t)
              max = x.combine(
                  StepKind::Max, max,
                  x.shift(x.readRow(staged, row, 0),
                          -(t - install.firstTap) * alongLanes.dilation));
            maxima.push_back(max);
          }
          x.emitTransposedPicks(
              planes, count * rows, install.firstLane,
              [&](int64_t c) { return maxima[c]; }, install.anchors,
              [&](int64_t ox, InstrId sum) {
                if (bands > 1) {
                  x.writeRow(
                      sum, out,
                      (n * int64_t(groups.size()) + groupIndex) * OW + ox, 0);
                  return;
                }
                const int64_t first = groupRows.front();
                if (count == 1) {
                  x.writeRow(sum, out, (n * OH + first) * OW + ox, tile);
                  return;
                }
                const int64_t pickedRow = (n * OH + first) * OW + ox;
                x.writeRow(sum, picked, pickedRow, 0);
                for (int64_t k = 0; k < count; ++k) {
                  // Lanes [k F, (k + 1) F) to [0, F), the rest out.
                  InstrId pixel = x.gatherLanes(F, [&](int64_t lane) {
                    return std::optional<RowElement>(
                        RowElement{&picked, pickedRow, k * F + lane});
                  });
                  x.writeRow(pixel, out, (n * OH + first + k) * OW + ox, tile);
                }
              });
        }
      }
    }
  return planes.finish();
}
