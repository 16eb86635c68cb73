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

  /// The input pixel (y, x) that tap (ky, kx) of output pixel (oy, ox)
  /// reads, or nothing in the padding (or, transposed, between strided
  /// input pixels). `in` is the input's [H, W].
  std::optional<std::pair<int64_t, int64_t>>
  tapPixel(llvm::ArrayRef<int64_t> in, int64_t oy, int64_t ox, int64_t ky,
           int64_t kx) const {
    int64_t at[2] = {oy, ox}, tap[2] = {ky, kx}, pixel[2];
    for (int i = 0; i < 2; ++i) {
      if (!transposed) {
        pixel[i] = at[i] * strides[i] - padBegin[i] + tap[i] * dilations[i];
      } else {
        // out = in * stride - pad + tap * dilation, solved for in.
        int64_t scaled = at[i] + padBegin[i] - tap[i] * dilations[i];
        if (scaled < 0 || scaled % strides[i])
          return std::nullopt;
        pixel[i] = scaled / strides[i];
      }
      if (pixel[i] < 0 || pixel[i] >= in[i])
        return std::nullopt;
    }
    return std::make_pair(pixel[0], pixel[1]);
  }
};

} // namespace lpuc::tile

#endif // LPU_DIALECTS_TILE_WINDOW_H
