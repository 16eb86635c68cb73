//===- Window.h - 2-D windows of convolutions and pooling -------*- C++ -*-===//

#ifndef LPU_DIALECTS_TILE_WINDOW_H
#define LPU_DIALECTS_TILE_WINDOW_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace lpuc::tile {

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
/// `lanes` (tile.pack_taps), the shift that moves tap `tap` of an input
/// pixel vector into its lanes of result vector `vector`, or nothing if the
/// tap has no lanes there.
inline std::optional<int64_t> packedTapShift(int64_t tap, int64_t channels,
                                             int64_t vector, int64_t lanes) {
  const int64_t shift = tap * channels - vector * lanes;
  if (shift >= lanes || shift + channels <= 0)
    return std::nullopt;
  return shift;
}

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_WINDOW_H
