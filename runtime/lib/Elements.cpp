//===- Elements.cpp - Element types as lane words -------------------------===//

#include "lpu/Elements.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

namespace lpu {

namespace {
/// binary32 -> binary16 bits, round to nearest even.
uint16_t floatToHalf(float value) {
  uint32_t x = floatToWord(value);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t exp = (x >> 23) & 0xff;
  uint32_t mant = x & 0x7fffff;
  if (exp >= 113 && exp <= 142) {
    // Normal: round the 13 bits dropped to nearest even by adding just under
    // half (plus the kept bit), which may carry into the exponent, up to
    // infinity: correct.
    uint32_t rounded = (x & 0x7fffffff) + 0xfff + ((x >> 13) & 1);
    return sign | ((rounded >> 13) - (112 << 10));
  }
  if (exp == 0xff) // Inf or NaN (keep NaN quiet)
    return sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0);
  int32_t e = int32_t(exp) - 127 + 15;
  if (e >= 31)
    return sign | 0x7c00;
  if (e <= 0) { // subnormal or zero
    if (e < -10)
      return sign;
    mant |= 0x800000;
    uint32_t shift = 14 - e;
    uint32_t half = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1)))
      ++half;
    return sign | half;
  }
  uint32_t half = (uint32_t(e) << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent, up to infinity: correct
  return sign | half;
}

float halfToFloatSlow(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  if (exp == 0x1f)
    return wordToFloat(sign | 0x7f800000 | (mant << 13));
  if (exp == 0) {
    float f = std::ldexp(float(mant), -24);
    return sign ? -f : f;
  }
  return wordToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

/// Every binary16 value as binary32: conversions run per element on every
/// vector the simulator moves.
struct HalfTable {
  uint32_t words[1 << 16];
  HalfTable() {
    for (uint32_t h = 0; h < (1u << 16); ++h)
      words[h] = floatToWord(halfToFloatSlow(static_cast<uint16_t>(h)));
  }
};

uint16_t floatToBFloat(float value) {
  uint32_t x = floatToWord(value);
  if ((x & 0x7fffffff) > 0x7f800000)
    return static_cast<uint16_t>((x >> 16) | 0x40);
  uint32_t rounding = 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

int64_t saturate(DType dtype, int64_t v) {
  int64_t lo = dtype == DType::I8 ? -128 : INT32_MIN;
  int64_t hi = dtype == DType::I8 ? 127 : INT32_MAX;
  return std::clamp(v, lo, hi);
}

} // namespace

const uint32_t *halfWordTable() {
  static const HalfTable table;
  return table.words;
}

uint32_t halfToWord(uint16_t half) { return halfWordTable()[half]; }

void convertLaneWords(DType from, DType to, const uint32_t *in, uint32_t *out,
                      size_t count) {
  if (isFloatDType(from) && isFloatDType(to)) {
    for (size_t i = 0; i < count; ++i)
      out[i] = roundFloatWord(to, wordToFloat(in[i]));
    return;
  }
  if (isFloatDType(from) && to == DType::I8) {
    // Requantization: clamped first (which changes no result), a value is
    // small enough that adding and removing 1.5 * 2^23 rounds it to the
    // nearest integer, ties to even, as nearbyint does.
    for (size_t i = 0; i < count; ++i) {
      const float f = wordToFloat(in[i]);
      if (std::isnan(f)) {
        out[i] = 0;
        continue;
      }
      const float shifted = std::clamp(f, -129.0f, 128.0f) + 12582912.0f;
      const float rounded = std::clamp(shifted - 12582912.0f, -128.0f, 127.0f);
      out[i] = wrapLaneWord(DType::I8, static_cast<int64_t>(rounded));
    }
    return;
  }
  for (size_t i = 0; i < count; ++i)
    out[i] = convertLaneWord(from, to, in[i]);
}

uint32_t wrapLaneWord(DType dtype, int64_t v) {
  if (dtype == DType::I8)
    return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v)));
  return static_cast<uint32_t>(v);
}

uint32_t roundFloatWordSlow(DType dtype, float value) {
  switch (dtype) {
  case DType::F16:
    return halfToWord(floatToHalf(value));
  case DType::BF16:
    return uint32_t(floatToBFloat(value)) << 16;
  default:
    return floatToWord(value);
  }
}

uint32_t laneWordFromHost(DType dtype, const void *element) {
  switch (dtype) {
  case DType::F32:
  case DType::I32: {
    uint32_t w;
    std::memcpy(&w, element, 4);
    return w;
  }
  case DType::F16: {
    uint16_t h;
    std::memcpy(&h, element, 2);
    return halfToWord(h);
  }
  case DType::BF16: {
    uint16_t h;
    std::memcpy(&h, element, 2);
    return uint32_t(h) << 16;
  }
  case DType::I8:
    return wrapLaneWord(DType::I8, *static_cast<const int8_t *>(element));
  case DType::None:
    break;
  }
  return 0;
}

void laneWordToHost(DType dtype, uint32_t word, void *element) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    std::memcpy(element, &word, 4);
    return;
  case DType::F16: {
    uint16_t h = floatToHalf(wordToFloat(word));
    std::memcpy(element, &h, 2);
    return;
  }
  case DType::BF16: {
    uint16_t h = floatToBFloat(wordToFloat(word));
    std::memcpy(element, &h, 2);
    return;
  }
  case DType::I8:
    *static_cast<int8_t *>(element) = static_cast<int8_t>(word);
    return;
  case DType::None:
    return;
  }
}

uint32_t convertLaneWord(DType from, DType to, uint32_t w) {
  if (isFloatDType(from)) {
    float f = wordToFloat(w);
    if (isFloatDType(to))
      return roundFloatWord(to, f);
    if (std::isnan(f))
      return 0;
    double r = std::nearbyint(double(f)); // ties to even (default mode)
    r = std::clamp(r, to == DType::I8 ? -128.0 : -2147483648.0,
                   to == DType::I8 ? 127.0 : 2147483647.0);
    return wrapLaneWord(to, static_cast<int64_t>(r));
  }
  int64_t v = laneWordToInt(w);
  if (isFloatDType(to))
    return roundFloatWord(to, static_cast<float>(v));
  return wrapLaneWord(to, saturate(to, v));
}

} // namespace lpu
