//===- ElementsTest.cpp - Element conversions against references ----------===//
//
// The simulator converts every element it moves; its fast paths must give
// the bits the plain definitions give.
//
//===----------------------------------------------------------------------===//

#include "lpu/Elements.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace lpu;

namespace {

/// binary32 -> binary16 -> binary32, round to nearest even, in exact double
/// arithmetic.
double roundToHalf(float f) {
  const double a = std::fabs(double(f));
  double q;
  if (a >= 65520.0) // halfway between the largest half and 2^16 rounds up
    q = std::numeric_limits<double>::infinity();
  else if (a < std::ldexp(1.0, -14)) // subnormal: multiples of 2^-24
    q = std::nearbyint(a * std::ldexp(1.0, 24)) * std::ldexp(1.0, -24);
  else {
    int exponent;
    std::frexp(a, &exponent); // a = m * 2^exponent, m in [0.5, 1)
    const double ulp = std::ldexp(1.0, exponent - 11);
    q = std::nearbyint(a / ulp) * ulp;
  }
  return std::signbit(f) ? -q : q;
}

TEST(Elements, RoundingToHalfMatchesTheDefinition) {
  // Every 4099th bit pattern (about a million, all exponents) and the
  // neighbourhoods of the half range's edges and of ties.
  std::vector<uint32_t> words;
  for (uint64_t w = 0; w <= 0xffffffffu; w += 4099)
    words.push_back(uint32_t(w));
  for (float edge : {65504.0f, 65520.0f, 6.103515625e-05f, 5.9604645e-08f,
                     1.0f + 1.0f / 2048, 1.0f + 3.0f / 2048})
    for (int d = -3; d <= 3; ++d)
      words.push_back(floatToWord(edge) + d);
  for (uint32_t w : words) {
    const float f = wordToFloat(w);
    if (std::isnan(f))
      continue;
    EXPECT_EQ(double(wordToFloat(roundFloatWord(DType::F16, f))),
              roundToHalf(f))
        << std::hexfloat << f;
  }
}

TEST(Elements, VectorConversionsMatchElementConversions) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> values = {
      0.0f,    -0.0f,  0.5f,          1.5f,    2.5f,    -0.5f,   -1.5f, 126.5f,
      127.49f, 127.5f, 128.5f,        -127.5f, -128.5f, -129.0f, 1e9f,  -1e9f,
      inf,     -inf,   std::nanf(""), 3.25f,   -7.75f,  1e-30f};
  for (int i = -300; i <= 300; ++i)
    values.push_back(i * 0.37f);
  std::vector<uint32_t> in, out(values.size());
  for (float v : values)
    in.push_back(floatToWord(v));
  for (DType to : {DType::I8, DType::I32, DType::F16, DType::BF16}) {
    convertLaneWords(DType::F32, to, in.data(), out.data(), in.size());
    for (size_t i = 0; i < in.size(); ++i)
      EXPECT_EQ(out[i], convertLaneWord(DType::F32, to, in[i]))
          << values[i] << " to " << dtypeName(to);
  }
}

} // namespace
