//===- Window.h - 2-D windows of convolutions and pooling -------*- C++ -*-===//

#ifndef LPU_DIALECTS_TILE_WINDOW_H
#define LPU_DIALECTS_TILE_WINDOW_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace lpuc::tile {

/// How the values each window column reads from an input row are picked out
/// of it (tile.im2col's first step) when the row and the outputs fit a
/// vector each: one MXM product per residue ("phase") of the input positions
/// modulo the stride lays that phase's positions side by side, and a window
/// column is its phase shifted on the SXM. A stride-2 7x7 stem then makes
/// two products per input row instead of seven.
struct ColumnPhases {
  struct Column {
    int64_t phase; // index into `residues`
    int64_t shift; // column[o] = phase[o + shift], padding outside it
  };
  llvm::SmallVector<int64_t, 4> residues;
  llvm::SmallVector<Column, 8> columns;
  /// Phase p holds input positions residues[p] + j * stride, j < width.
  llvm::SmallVector<int64_t, 4> widths;

  /// Where each phase starts in one row of them all side by side (one
  /// product per input row makes every phase), if there are several and
  /// they fit `lanes`; else nothing (a product per phase, from lane 0).
  std::optional<llvm::SmallVector<int64_t, 4>> sideBySide(int64_t lanes) const {
    if (widths.size() < 2)
      return std::nullopt;
    llvm::SmallVector<int64_t, 4> offsets;
    int64_t total = 0;
    for (int64_t width : widths) {
      offsets.push_back(total);
      total += width;
    }
    if (total > lanes)
      return std::nullopt;
    return offsets;
  }
};

/// A max window along a row's lanes (tile.max_pool_transpose's): output
/// j reads positions j * stride - padBegin + t * dilation, t < kernel, those
/// inside the row. Outputs reading the same taps share a class: one vector
/// per input row holds, at each output's anchor (the position of its first
/// tap read), the maximum of its window, made with SXM shifts and VXM
/// maxima; installed transposed, the anchors' unit vectors pick the outputs.
struct LaneWindow {
  int64_t kernel = 1, stride = 1, padBegin = 0, dilation = 1;

  /// How many of `rows` output rows of `filters` filter rows each share the
  /// installs (all their filter rows side by side as columns): a unit vector
  /// then picks a pixel of every one, shifted apart on the SXM. No more than
  /// leave an install for each of `planes` planes: an install waits for all
  /// its rows (cnn-small's 16 pooled rows in one: 2,671 -> 2,776 cycles).
  static int64_t rowsPerInstall(int64_t filters, int64_t lanes, int64_t rows,
                                int64_t planes) {
    const int64_t fit = lanes / std::max<int64_t>(filters, 1);
    const int64_t perPlane = (rows + std::max<int64_t>(planes, 1) - 1) /
                             std::max<int64_t>(planes, 1);
    return std::max<int64_t>(1, std::min(fit, perPlane));
  }

  int64_t position(int64_t output, int64_t tap) const {
    return output * stride - padBegin + tap * dilation;
  }

  /// One install of a class's vectors: the taps its outputs read, the
  /// install's window of lanes and, per output in it, the output and its
  /// anchor lane.
  struct Install {
    int64_t firstTap, lastTap;
    int64_t firstLane;
    llvm::SmallVector<std::pair<int64_t, int64_t>, 8> anchors;
  };

  /// The installs that give `outputs` outputs of a row of `size` positions,
  /// `windowLanes` lanes installed at once; nothing if an output's window
  /// misses the row.
  std::optional<llvm::SmallVector<Install, 4>>
  installs(int64_t size, int64_t outputs, int64_t windowLanes) const {
    llvm::SmallVector<Install, 4> result;
    for (int64_t j = 0; j < outputs; ++j) {
      int64_t first = -1, last = -1;
      for (int64_t t = 0; t < kernel; ++t)
        if (position(j, t) >= 0 && position(j, t) < size) {
          if (first < 0)
            first = t;
          last = t;
        }
      if (first < 0)
        return std::nullopt;
      const int64_t anchor = position(j, first);
      const int64_t lane = anchor / windowLanes * windowLanes;
      Install *install = llvm::find_if(result, [&](const Install &i) {
        return i.firstTap == first && i.lastTap == last && i.firstLane == lane;
      });
      if (install == result.end()) {
        result.push_back({first, last, lane, {}});
        install = &result.back();
      }
      install->anchors.push_back({j, anchor});
    }
    return result;
  }
};

/// Kernel, strides, dilations and leading padding of a 2-D window op, per
/// dimension (H, W).
struct Window {
  int64_t kernel[2] = {1, 1}, strides[2] = {1, 1}, dilations[2] = {1, 1};
  int64_t padBegin[2] = {0, 0};
  bool transposed = false; // ConvTranspose: out = in * stride - pad + tap

  template <typename OpTy> static Window of(OpTy op) {
    Window w;
    for (int i = 0; i < 2; ++i) {
      w.kernel[i] = op.getKernel()[i];
      w.strides[i] = op.getStrides()[i];
      w.dilations[i] = op.getDilations()[i];
      w.padBegin[i] = op.getPadBegin()[i];
    }
    return w;
  }

  /// The window along dimension `dim` (0: H, 1: W) alone.
  LaneWindow along(int dim) const {
    return {kernel[dim], strides[dim], padBegin[dim], dilations[dim]};
  }

  /// Along dimension `dim` (0: H, 1: W), the input position that tap `tap`
  /// of output position `at` reads, or nothing in the padding (or,
  /// transposed, between strided input positions). `size` is the input's.
  std::optional<int64_t> tapPosition(int dim, int64_t size, int64_t at,
                                     int64_t tap) const {
    int64_t position;
    if (!transposed) {
      position = at * strides[dim] - padBegin[dim] + tap * dilations[dim];
    } else {
      // out = in * stride - pad + tap * dilation, solved for in.
      int64_t scaled = at + padBegin[dim] - tap * dilations[dim];
      if (scaled < 0 || scaled % strides[dim])
        return std::nullopt;
      position = scaled / strides[dim];
    }
    if (position < 0 || position >= size)
      return std::nullopt;
    return position;
  }

  /// Along dimension `dim`, the phases of an input of `size` positions read
  /// by `outputs` outputs, if both fit `lanes` and there are fewer phases
  /// than window columns (else one product per column is as cheap).
  std::optional<ColumnPhases>
  columnPhases(int dim, int64_t size, int64_t outputs, int64_t lanes) const {
    const int64_t stride = strides[dim];
    if (transposed || size > lanes || outputs > lanes || stride > size)
      return std::nullopt;
    ColumnPhases phases;
    for (int64_t tap = 0; tap < kernel[dim]; ++tap) {
      const int64_t offset = tap * dilations[dim] - padBegin[dim];
      const int64_t residue = ((offset % stride) + stride) % stride;
      const int64_t *found = llvm::find(phases.residues, residue);
      const int64_t phase = found - phases.residues.begin();
      if (found == phases.residues.end()) {
        phases.residues.push_back(residue);
        phases.widths.push_back((size - residue + stride - 1) / stride);
      }
      const int64_t shift = (offset - residue) / stride;
      // Its values must land in the outputs' lanes (tile.im2col's shifts).
      if (outputs + shift <= 0 || shift >= lanes)
        return std::nullopt;
      phases.columns.push_back({phase, shift});
    }
    if (int64_t(phases.residues.size()) >= kernel[dim])
      return std::nullopt;
    return phases;
  }

  /// The input pixel (y, x) that tap (ky, kx) of output pixel (oy, ox)
  /// reads, or nothing in the padding. `in` is the input's [H, W].
  std::optional<std::pair<int64_t, int64_t>>
  tapPixel(llvm::ArrayRef<int64_t> in, int64_t oy, int64_t ox, int64_t ky,
           int64_t kx) const {
    std::optional<int64_t> y = tapPosition(0, in[0], oy, ky);
    std::optional<int64_t> x = y ? tapPosition(1, in[1], ox, kx) : std::nullopt;
    if (!x)
      return std::nullopt;
    return std::make_pair(*y, *x);
  }
};

/// With a pixel's taps of `channels` lanes each side by side over vectors of
/// `lanes` (tile.pack_taps), tap `tap`'s input pixel vector `piece` (its
/// channels [piece * lanes, ...), several vectors when `channels` exceeds
/// `lanes`) goes to result lanes [tap * channels + piece * lanes, ...): the
/// shift that moves it into its lanes of result vector `vector`, or nothing
/// if it has none there. One shift is exact: lanes of a whole vector that
/// move past either end belong to the neighbouring result vector, which
/// reads it again, and a shorter one is zero above its channels.
inline std::optional<int64_t> packedPieceShift(int64_t tap, int64_t piece,
                                               int64_t channels, int64_t vector,
                                               int64_t lanes) {
  const int64_t width = std::min(lanes, channels - piece * lanes);
  const int64_t shift = tap * channels + piece * lanes - vector * lanes;
  if (shift >= lanes || shift + width <= 0)
    return std::nullopt;
  return shift;
}

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_WINDOW_H
