//===- IssueCalendarTest.cpp - The proof's order of issues ----------------===//
//
// The calendar must give the order a heap of (cycle, queue) pairs gives,
// for issues a cycle apart, in one cycle, and several rings apart.
//
//===----------------------------------------------------------------------===//

#include "IssueCalendar.h"

#include <gtest/gtest.h>

#include <random>

using namespace lpu;

namespace {

TEST(IssueCalendar, PopsInCycleThenQueueOrderLikeAHeap) {
  constexpr uint32_t kQueues = 130; // three words of queue bits
  std::mt19937_64 rng(7);
  IssueCalendar calendar(kQueues);
  using Entry = std::pair<uint64_t, uint32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
  // Every queue starts somewhere in the first two rings; each pop schedules
  // that queue's next issue 1 to 8 cycles on, or, now and then, up to five
  // rings on (a long nop), or never again.
  for (uint32_t q = 0; q < kQueues; ++q) {
    const uint64_t cycle = rng() % (2 * IssueCalendar::kRing);
    calendar.push(cycle, q);
    heap.push({cycle, q});
  }
  for (int pops = 0; !heap.empty(); ++pops) {
    ASSERT_FALSE(calendar.empty());
    const Entry expected = heap.top();
    heap.pop();
    ASSERT_EQ(calendar.pop(), expected) << "pop " << pops;
    if (pops > 200000 || rng() % 50 == 0)
      continue;
    const uint64_t gap =
        rng() % 40 == 0 ? rng() % (5 * IssueCalendar::kRing) : 1 + rng() % 8;
    calendar.push(expected.first + gap, expected.second);
    heap.push({expected.first + gap, expected.second});
  }
  EXPECT_TRUE(calendar.empty());
}

} // namespace
