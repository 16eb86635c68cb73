//===- LargeArrayTest.cpp - Arrays of many megabytes ----------------------===//

#include "lpu/LargeArray.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>

namespace lpu {
namespace {

bool allZero(const uint8_t *bytes, size_t size) {
  return std::all_of(bytes, bytes + size, [](uint8_t b) { return b == 0; });
}

TEST(LargeArray, LargeArraysStartOnHugePagesAndAreZero) {
  for (size_t size :
       {kLargeArrayBytes, kLargeArrayBytes + 1, size_t(5) << 20}) {
    auto *bytes = static_cast<uint8_t *>(allocateLargeArray(size));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(bytes) % (size_t(2) << 20), 0u);
    EXPECT_TRUE(allZero(bytes, size));
    bytes[size - 1] = 1; // the whole size is writable
    freeLargeArray(bytes, size);
  }
}

TEST(LargeArray, VectorsKeepTheirElementsAcrossTheThreshold) {
  LargeVector<uint32_t> values;
  const uint32_t count = 3 * kLargeArrayBytes / sizeof(uint32_t);
  for (uint32_t i = 0; i < count; ++i)
    values.push_back(i);
  std::vector<uint32_t> expected(count);
  std::iota(expected.begin(), expected.end(), 0u);
  EXPECT_TRUE(std::equal(values.begin(), values.end(), expected.begin()));
  LargeVector<uint32_t> copy = values;
  EXPECT_EQ(copy, values);
  values.resize(10);
  values.shrink_to_fit();
  EXPECT_EQ(values.size(), 10u);
}

TEST(LargeArray, ZeroedBytesAreZeroAtAnySizeAndMove) {
  for (size_t size : {size_t(0), size_t(17), kLargeArrayBytes * 3}) {
    ZeroedBytes bytes(size);
    ASSERT_EQ(bytes.size(), size);
    EXPECT_TRUE(allZero(bytes.data(), size));
    if (size)
      bytes.data()[size - 1] = 7;
    ZeroedBytes moved(std::move(bytes));
    EXPECT_EQ(moved.size(), size);
    EXPECT_EQ(bytes.size(), 0u);
    if (size)
      EXPECT_EQ(moved.data()[size - 1], 7);
    ZeroedBytes assigned(1);
    assigned = std::move(moved);
    EXPECT_EQ(assigned.size(), size);
  }
}

} // namespace
} // namespace lpu
