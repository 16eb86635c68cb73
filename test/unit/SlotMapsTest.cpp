//===- SlotMapsTest.cpp - The scheduler's bit maps against plain models ---===//
//
// The root search is exact only if every mask answers exactly what a plain
// per-cycle, per-column model would: a mask bit wrongly clear skips a
// feasible root (a worse schedule), wrongly set tries a taken one.
//
//===----------------------------------------------------------------------===//

#include "dialects/LPU/Machine/SlotMaps.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

using lpuc::lpu::detail::Occupancy;
using lpuc::lpu::detail::StreamSlots;

namespace {

TEST(Occupancy, MasksAndNextFreeMatchAPlainSet) {
  std::mt19937 random(7);
  Occupancy busy;
  std::vector<bool> taken(9200, false);
  // Dense stretches (whole words taken, skipped by the summary) and gaps.
  for (int64_t c = 0; c < 9000; ++c)
    if ((c >= 4096 && c < 8320) || random() % 3 == 0) {
      busy.take(c);
      taken[c] = true;
    }
  for (int64_t cycle = 0; cycle < 9100; cycle += 1 + random() % 5) {
    uint64_t expected = 0;
    for (int i = 0; i < 64; ++i)
      if (!taken[cycle + i])
        expected |= uint64_t(1) << i;
    ASSERT_EQ(busy.freeMask(cycle), expected) << "at " << cycle;
    for (int64_t span : {1, 2, 3}) {
      int64_t next = cycle;
      auto fits = [&](int64_t at) {
        for (int64_t c = at; c < at + span; ++c)
          if (taken[c])
            return false;
        return true;
      };
      while (!fits(next))
        ++next;
      ASSERT_EQ(busy.nextFree(cycle, span), next)
          << "at " << cycle << " span " << span;
    }
  }
}

/// lpu-v1's shape: 97 columns (two words per stream), 32 + 32 streams.
constexpr int64_t kColumns = 97, kStreams = 64;

struct Use {
  int64_t stream, diagonal, lo, hi;
};

bool overlapsAny(const std::vector<Use> &uses, int64_t stream, int64_t diagonal,
                 int64_t lo, int64_t hi) {
  for (const Use &u : uses)
    if (u.stream == stream && u.diagonal == diagonal && u.lo <= hi &&
        lo <= u.hi)
      return true;
  return false;
}

TEST(StreamSlots, FreeAndFreeMaskMatchAPlainListOfUses) {
  std::mt19937 random(11);
  StreamSlots slots(kColumns, kColumns, kStreams);
  std::vector<Use> uses;
  for (int i = 0; i < 3000; ++i) {
    int64_t lo = random() % kColumns, hi = random() % kColumns;
    Use use{int64_t(random() % kStreams), int64_t(random() % 2500) - kColumns,
            std::min(lo, hi), std::max(lo, hi)};
    slots.take(slots.slot(use.diagonal, use.lo, use.hi), use.stream);
    uses.push_back(use);
  }
  for (int i = 0; i < 400; ++i) {
    int64_t lo = random() % kColumns, hi = lo + random() % (kColumns - lo);
    int64_t diagonal = int64_t(random() % 2600) - kColumns;
    int64_t stream = random() % kStreams;
    StreamSlots::Slot slot = slots.slot(diagonal, lo, hi);
    uint64_t expected = 0;
    for (int later = 0; later < 64; ++later)
      if (!overlapsAny(uses, stream, diagonal + later, lo, hi))
        expected |= uint64_t(1) << later;
    ASSERT_EQ(slots.isFree(slot, stream), bool(expected & 1));
    uint64_t wanted = (uint64_t(random()) << 32) | random();
    ASSERT_EQ(slots.freeMask(slot, stream, wanted), expected & wanted);
  }
}

TEST(StreamSlots, RollBackGivesBackATrialsSlots) {
  StreamSlots slots(kColumns, kColumns, kStreams);
  StreamSlots::Slot placed = slots.slot(10, 3, 70);
  slots.take(placed, 5);
  StreamSlots::Undo undo;
  StreamSlots::Slot trial = slots.slot(10, 60, 96);
  slots.take(trial, 5, &undo);
  slots.take(slots.slot(5000, 0, 0), 6, &undo); // on a page of its own
  EXPECT_FALSE(slots.isFree(trial, 5));
  slots.rollBack(undo);
  EXPECT_TRUE(undo.empty());
  EXPECT_TRUE(slots.isFree(slots.slot(10, 71, 96), 5));
  EXPECT_FALSE(slots.isFree(slots.slot(10, 70, 70), 5));
  EXPECT_TRUE(slots.isFree(slots.slot(5000, 0, 0), 6));
}

TEST(StreamSlots, CrowdedCountsEveryDiagonalAndLimit) {
  std::mt19937 random(3);
  StreamSlots slots(kColumns, kColumns, kStreams);
  const int64_t unit = 48; // a counted column
  slots.countAt(unit);
  std::map<int64_t, int64_t> taken; // diagonal -> streams east at `unit`
  for (int i = 0; i < 4000; ++i) {
    int64_t diagonal = random() % 300, streams = 1 << (random() % 3);
    if (taken[diagonal] + streams > 32)
      continue;
    slots.countTaken(0, diagonal, unit - 5, unit, streams);
    taken[diagonal] += streams;
  }
  slots.countTaken(1, 7, 0, 96, 4); // west: counted apart
  slots.countTaken(0, 7, 0, 40, 4); // misses the counted column
  for (int64_t limit : {0, 1, 16, 28, 31, 32})
    for (int64_t diagonal = -kColumns; diagonal < 320; diagonal += 13) {
      uint64_t expected = 0;
      for (int i = 0; i < 64; ++i)
        if (taken.count(diagonal + i) && taken[diagonal + i] > limit)
          expected |= uint64_t(1) << i;
      ASSERT_EQ(slots.crowded(0, unit, diagonal, limit), expected)
          << "diagonal " << diagonal << " limit " << limit;
    }
  EXPECT_EQ(slots.crowded(0, 20, 0, 0), 0u); // not counted
}

} // namespace
