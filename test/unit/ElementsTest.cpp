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

/// A binary16 value by its definition: sign, 5-bit exponent, 10-bit
/// significand.
double halfValue(uint32_t h) {
  const double sign = h & 0x8000 ? -1.0 : 1.0;
  const int exponent = (h >> 10) & 0x1f;
  const double significand = h & 0x3ff;
  if (exponent == 0x1f)
    return significand ? std::nan("") : sign * HUGE_VAL;
  if (exponent == 0)
    return sign * std::ldexp(significand, -24);
  return sign * std::ldexp(1024.0 + significand, exponent - 25);
}

TEST(Elements, EveryHalfConvertsExactlyAndBack) {
  for (uint32_t h = 0; h < (1u << 16); ++h) {
    const uint32_t word = halfToWord(h);
    const double expected = halfValue(h);
    if (std::isnan(expected)) {
      // A NaN stays a NaN with its sign and payload, made quiet.
      EXPECT_TRUE(std::isnan(wordToFloat(word))) << std::hex << h;
      EXPECT_EQ(wordToHalf(word), h | 0x200) << std::hex << h;
      continue;
    }
    EXPECT_EQ(double(wordToFloat(word)), expected) << std::hex << h;
    EXPECT_EQ(std::signbit(wordToFloat(word)), (h & 0x8000) != 0);
    EXPECT_EQ(wordToHalf(word), h) << std::hex << h;
  }
}

TEST(Elements, RoundingInBinary32IsTheRoundTripThroughBinary16) {
  // roundWordToHalf never forms the binary16 bits; it must give what the
  // round trip gives, NaNs included. (Checked for all 2^32 words when it was
  // written; here every 65521st word and the edges of the ranges.)
  std::vector<uint32_t> words;
  for (uint64_t w = 0; w <= 0xffffffffu; w += 65521)
    words.push_back(uint32_t(w));
  for (uint32_t edge :
       {0x38800000u, 0x38000000u, 0x477fe000u, 0x47800000u, 0x7f800000u,
        0x7f800001u, 0x7fc00000u, 0x33000000u, 0x00000001u, 0x00800000u})
    for (uint32_t sign : {0u, 0x80000000u})
      for (int d = -4099; d <= 4099; d += 7)
        words.push_back((edge + d) ^ sign);
  std::vector<uint32_t> rounded(words.size());
  roundFloatWords(DType::F16, words.data(), rounded.data(), words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(roundWordToHalf(words[i]), halfToWord(wordToHalf(words[i])))
        << std::hex << words[i];
    EXPECT_EQ(rounded[i], roundWordToHalf(words[i])) << std::hex << words[i];
  }
  roundFloatWords(DType::BF16, words.data(), rounded.data(), words.size());
  for (size_t i = 0; i < words.size(); ++i)
    EXPECT_EQ(rounded[i], wordToBFloat(words[i]) << 16) << std::hex << words[i];
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
  // Integer sources: i32 values that binary32, binary16 and i8 cannot hold
  // exactly, and i8 ones (sign-extended lane words).
  std::vector<uint32_t> ints;
  for (int64_t v :
       {0LL, 1LL, -1LL, 127LL, 128LL, -128LL, -129LL, 2049LL, 65519LL, 65520LL,
        16777217LL, -16777219LL, 2147483647LL, -2147483647LL - 1})
    ints.push_back(static_cast<uint32_t>(static_cast<int32_t>(v)));
  for (int i = -128; i < 128; ++i)
    ints.push_back(wrapLaneWord(DType::I8, i));
  out.resize(ints.size());
  for (DType from : {DType::I32, DType::I8})
    for (DType to :
         {DType::F32, DType::F16, DType::BF16, DType::I8, DType::I32}) {
      convertLaneWords(from, to, ints.data(), out.data(), ints.size());
      for (size_t i = 0; i < ints.size(); ++i)
        EXPECT_EQ(out[i], convertLaneWord(from, to, ints[i]))
            << int32_t(ints[i]) << " from " << dtypeName(from) << " to "
            << dtypeName(to);
    }
}

} // namespace
