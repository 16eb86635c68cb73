//===- WindowRules.h - ONNX's window arithmetic, per spatial axis -*- C++
//-*-===//
//
// Conv, ConvTranspose and the pools slide a window along each spatial axis.
// How far it reaches and how auto_pad SAME pads are ONNX's rules, used by
// result shapes (the onnx dialect), the 3-D window rewrite (the loader, on
// ONNX protobufs) and the conversion to tile ops. Plain integers, so every
// level can include it.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_ONNX_WINDOWRULES_H
#define LPU_DIALECTS_ONNX_WINDOWRULES_H

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>

// Not lpuc::onnx: the loader, which includes it, names ONNX's protobuf
// namespace `onnx` from inside lpuc.
namespace lpuc::onnx_window {

/// Input positions a window of `kernel` taps `dilation` apart covers.
inline int64_t extent(int64_t kernel, int64_t dilation) {
  return (kernel - 1) * dilation + 1;
}

/// Whether auto_pad asks for SAME padding (SAME_UPPER or SAME_LOWER).
inline bool isSame(std::string_view autoPad) {
  return autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
}

/// The (leading, trailing) pads auto_pad SAME gives a window of `extent`
/// stepping `stride` over `in` positions: enough for ceil(in / stride)
/// outputs, the odd one at the end for SAME_UPPER, at the start for
/// SAME_LOWER.
inline std::pair<int64_t, int64_t>
samePads(int64_t in, int64_t stride, int64_t extent, std::string_view autoPad) {
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + extent - in, 0);
  const int64_t begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
  return {begin, total - begin};
}

} // namespace lpuc::onnx_window

#endif // LPU_DIALECTS_ONNX_WINDOWRULES_H
