//===- LargeArrayTest.cpp - Arrays of many megabytes ----------------------===//

#include "lpu/LargeArray.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <vector>

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
    if (size) {
      EXPECT_EQ(moved.data()[size - 1], 7);
    }
    ZeroedBytes assigned(1);
    assigned = std::move(moved);
    EXPECT_EQ(assigned.size(), size);
  }
}

TEST(LargeArray, ArenaAlignsAndGrowsPastItsFirstArray) {
  LargeArena arena(64);
  auto *first = static_cast<uint8_t *>(arena.allocate(3, 1));
  auto *second = static_cast<uint8_t *>(arena.allocate(8, 8));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(second) % 8, 0u);
  EXPECT_EQ(second, first + 8); // the same array, aligned up
  // More than the first array holds: a new one, all of it writable.
  auto *big = static_cast<uint8_t *>(arena.allocate(kLargeArrayBytes, 16));
  EXPECT_TRUE(allZero(big, kLargeArrayBytes));
  big[kLargeArrayBytes - 1] = 1;
  EXPECT_NE(arena.allocate(100, 4), nullptr);
}

TEST(LargeArray, ArenaVectorsOutliveTheirCreatorAndCopyOutOfTheArena) {
  using Queue = std::vector<uint32_t, ArenaAllocator<uint32_t>>;
  std::vector<Queue> queues;
  {
    auto arena = std::make_shared<LargeArena>(1 << 12);
    for (uint32_t q = 0; q < 3; ++q) {
      Queue queue{ArenaAllocator<uint32_t>(arena)};
      for (uint32_t i = 0; i < 1000; ++i) // grows past the first array
        queue.push_back(q * 1000 + i);
      queues.push_back(std::move(queue));
    }
  } // the queues hold the arena now
  for (uint32_t q = 0; q < 3; ++q) {
    ASSERT_EQ(queues[q].size(), 1000u);
    EXPECT_EQ(queues[q][999], q * 1000 + 999);
  }
  Queue copy = queues[1];
  EXPECT_EQ(copy.get_allocator().arena, nullptr);
  EXPECT_EQ(copy, queues[1]);
  queues[0] = copy; // takes the copy's allocator
  EXPECT_EQ(queues[0].get_allocator().arena, nullptr);
  queues.clear();
  EXPECT_EQ(copy[0], 1000u);
}

} // namespace
} // namespace lpu
