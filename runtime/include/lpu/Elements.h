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

#include <cstddef>
#include <cstdint>

namespace lpu {

/// Host element (dtypeHostBytes little-endian bytes) <-> lane word.
uint32_t laneWordFromHost(DType dtype, const void *element);
void laneWordToHost(DType dtype, uint32_t word, void *element);
/// A binary16 value's bits as a binary32 lane word (exact), and the table
/// of all 65536 of them.
uint32_t halfToWord(uint16_t half);
const uint32_t *halfWordTable();
/// Rounds a binary32 value to `dtype` (f32, f16 or bf16), as a lane word.
uint32_t roundFloatWordSlow(DType dtype, float value);
inline uint32_t roundFloatWord(DType dtype, float value) {
  const uint32_t x = floatToWord(value);
  if (dtype == DType::F32)
    return x;
  // Most values are binary16 already: a zero, or a normal one with at most
  // 10 significand bits.
  const uint32_t exponent = (x >> 23) & 0xff;
  if (dtype == DType::F16 &&
      (((x & 0x1fff) == 0 && exponent >= 113 && exponent <= 142) ||
       (x & 0x7fffffff) == 0))
    return x;
  return roundFloatWordSlow(dtype, value);
}
/// Two's-complement wrap of `v` to an integer type, as a lane word.
uint32_t wrapLaneWord(DType dtype, int64_t v);
inline int64_t laneWordToInt(uint32_t word) {
  return static_cast<int32_t>(word);
}
/// A lane word of type `from` converted to `to`: floats round to nearest
/// even, integers saturate, NaN becomes 0.
uint32_t convertLaneWord(DType from, DType to, uint32_t word);
/// convertLaneWord over `count` words.
void convertLaneWords(DType from, DType to, const uint32_t *in, uint32_t *out,
                      size_t count);

} // namespace lpu

#endif // LPU_ELEMENTS_H
