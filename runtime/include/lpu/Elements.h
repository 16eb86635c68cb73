//===- Elements.h - Element types as lane words -----------------*- C++ -*-===//
//
// Instructions compute on 32-bit lane words (float types as the binary32
// value, integers sign-extended; see DType); hosts and SRAM hold elements as
// their little-endian bytes. These conversions are shared by the simulator,
// the runtime's C API and the compiler's constant encoder.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_ELEMENTS_H
#define LPU_ELEMENTS_H

#include "lpu/ISA.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace lpu {

/// Host element (dtypeHostBytes little-endian bytes) <-> lane word.
uint32_t laneWordFromHost(DType dtype, const void *element);
void laneWordToHost(DType dtype, uint32_t word, void *element);

// The float conversions below are branch-free, so loops over a vector of
// them vectorize: the simulator converts every element it moves.

/// A binary16 value's bits as a binary32 lane word, exactly.
inline uint32_t halfToWord(uint32_t half) {
  const uint32_t magnitude = half & 0x7fff;
  const uint32_t shifted = magnitude << 13;
  // Normal: the exponent rebased from 15 to 127; Inf and NaN: all ones;
  // subnormal (and zero): magnitude * 2^-24, exact in binary32. Each is
  // computed, then one chosen, so the choice is a select, not a branch.
  const uint32_t subnormal =
      floatToWord(float(static_cast<int32_t>(magnitude)) * 0x1p-24f);
  uint32_t word =
      magnitude >= 0x7c00 ? shifted + (224u << 23) : shifted + (112u << 23);
  word = magnitude < 0x400 ? subnormal : word;
  return (half & 0x8000) << 16 | word;
}
/// A binary32 lane word as binary16 bits, rounded to nearest even; a NaN
/// stays a (quiet) NaN.
inline uint32_t wordToHalf(uint32_t word) {
  const uint32_t magnitude = word & 0x7fffffff;
  // Normal: the 13 bits dropped round by adding just under half (plus the
  // kept bit), which may carry into the exponent, up to Inf: correct.
  uint32_t half =
      (magnitude + 0xfff + ((magnitude >> 13) & 1) - (112u << 23)) >> 13;
  // Below the normal range, adding 0.5 rounds to a multiple of 2^-24 (the
  // ulp at 0.5), which leaves the subnormal's bits above 0.5's.
  const uint32_t subnormal =
      floatToWord(wordToFloat(magnitude) + 0.5f) - 0x3f000000u;
  half = magnitude < 0x38800000 ? subnormal : half;
  half = magnitude >= 0x47800000 ? 0x7c00 : half;
  half = magnitude > 0x7f800000 ? 0x7e00 | ((magnitude >> 13) & 0x3ff) : half;
  return (word >> 16 & 0x8000) | half;
}
/// A binary32 lane word as bfloat16 bits, rounded to nearest even; a NaN
/// stays a (quiet) NaN.
inline uint32_t wordToBFloat(uint32_t word) {
  const uint32_t rounded = (word + 0x7fff + ((word >> 16) & 1)) >> 16;
  return (word & 0x7fffffff) > 0x7f800000 ? (word >> 16 | 0x40) : rounded;
}
/// halfToWord(wordToHalf(word)) without leaving binary32: the value rounded
/// to binary16's precision and range.
inline uint32_t roundWordToHalf(uint32_t word) {
  const uint32_t magnitude = word & 0x7fffffff;
  // As wordToHalf: normal values drop 13 bits, rounding to nearest even, up
  // to Inf; smaller ones round to a multiple of 2^-24 through 0.5.
  uint32_t normal = (magnitude + 0xfff + ((magnitude >> 13) & 1)) & ~0x1fffu;
  normal = normal >= 0x47800000 ? 0x7f800000 : normal;
  const uint32_t subnormal =
      floatToWord((wordToFloat(magnitude) + 0.5f) - 0.5f);
  uint32_t rounded = magnitude < 0x38800000 ? subnormal : normal;
  rounded =
      magnitude > 0x7f800000 ? (magnitude | 0x400000) & ~0x1fffu : rounded;
  return (word & 0x80000000) | rounded;
}
/// Rounds a binary32 value to `dtype` (f32, f16 or bf16), as a lane word.
inline uint32_t roundFloatWord(DType dtype, float value) {
  const uint32_t word = floatToWord(value);
  switch (dtype) {
  case DType::F16:
    return roundWordToHalf(word);
  case DType::BF16:
    return wordToBFloat(word) << 16;
  default:
    return word;
  }
}
/// roundFloatWord over `count` lane words; `in` may be `out`.
void roundFloatWords(DType dtype, const uint32_t *in, uint32_t *out,
                     size_t count);
/// Two's-complement wrap of `v` to an integer type, as a lane word.
uint32_t wrapLaneWord(DType dtype, int64_t v);
inline int64_t laneWordToInt(uint32_t word) {
  return static_cast<int32_t>(word);
}
/// The remainder with the divisor's sign (Python's %, ONNX Mod) from the
/// truncated one `r` (C's % and fmod); a float zero takes the divisor's
/// sign too.
template <typename T> T flooredRemainder(T r, T divisor) {
  if (r == 0) {
    if constexpr (std::is_floating_point_v<T>)
      return std::copysign(T(0), divisor);
    return r;
  }
  return (r < 0) != (divisor < 0) ? r + divisor : r;
}

/// A lane word of type `from` converted to `to`: floats round to nearest
/// even (or toward zero, to an integer type), integers saturate, NaN
/// becomes 0.
uint32_t convertLaneWord(DType from, DType to, uint32_t word,
                         bool towardZero = false);
/// convertLaneWord over `count` words.
void convertLaneWords(DType from, DType to, const uint32_t *in, uint32_t *out,
                      size_t count, bool towardZero = false);

} // namespace lpu

#endif // LPU_ELEMENTS_H
