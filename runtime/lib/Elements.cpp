//===- Elements.cpp - Element types as lane words -------------------------===//

#include "lpu/Elements.h"

#include "VectorClones.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

namespace lpu {

namespace {

int64_t saturate(DType dtype, int64_t v) {
  int64_t lo = dtype == DType::I8 ? -128 : INT32_MIN;
  int64_t hi = dtype == DType::I8 ? 127 : INT32_MAX;
  return std::clamp(v, lo, hi);
}

} // namespace

LPU_VECTOR_CLONES
void roundFloatWords(DType dtype, const uint32_t *in, uint32_t *out,
                     size_t count) {
  // One loop per type, so each vectorizes.
  switch (dtype) {
  case DType::F16:
    for (size_t i = 0; i < count; ++i)
      out[i] = roundWordToHalf(in[i]);
    return;
  case DType::BF16:
    for (size_t i = 0; i < count; ++i)
      out[i] = wordToBFloat(in[i]) << 16;
    return;
  default:
    if (in != out)
      std::copy_n(in, count, out);
    return;
  }
}

LPU_VECTOR_CLONES
void convertLaneWords(DType from, DType to, const uint32_t *in, uint32_t *out,
                      size_t count, bool towardZero) {
  if (isFloatDType(from) && isFloatDType(to)) {
    roundFloatWords(to, in, out, count);
    return;
  }
  if (isFloatDType(from) && towardZero) {
    for (size_t i = 0; i < count; ++i)
      out[i] = convertLaneWord(from, to, in[i], /*towardZero=*/true);
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
  if (!isFloatDType(from) && isFloatDType(to)) {
    // Exact for i8; an i32 rounds to binary32, then to the type, as
    // convertLaneWord does.
    for (size_t i = 0; i < count; ++i)
      out[i] = floatToWord(static_cast<float>(static_cast<int32_t>(in[i])));
    roundFloatWords(to, out, out, count);
    return;
  }
  if (!isFloatDType(from) && to == DType::I8) {
    for (size_t i = 0; i < count; ++i)
      out[i] = static_cast<uint32_t>(
          std::clamp(static_cast<int32_t>(in[i]), -128, 127));
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
    const uint16_t h = static_cast<uint16_t>(wordToHalf(word));
    std::memcpy(element, &h, 2);
    return;
  }
  case DType::BF16: {
    const uint16_t h = static_cast<uint16_t>(wordToBFloat(word));
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

uint32_t convertLaneWord(DType from, DType to, uint32_t w, bool towardZero) {
  if (isFloatDType(from)) {
    float f = wordToFloat(w);
    if (isFloatDType(to))
      return roundFloatWord(to, f);
    if (std::isnan(f))
      return 0;
    double r = towardZero ? std::trunc(double(f))
                          : std::nearbyint(double(f)); // ties to even
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
