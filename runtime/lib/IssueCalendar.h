//===- IssueCalendar.h - Queues' next issues in cycle order -----*- C++ -*-===//
//
// The schedule proof issues every queue's instructions in (cycle, queue)
// order; this is the order it takes them in, faster than a heap for the
// common case of issues a few cycles apart.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_RUNTIME_LIB_ISSUECALENDAR_H
#define LPU_RUNTIME_LIB_ISSUECALENDAR_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

namespace lpu {

/// The queues' next issues in (cycle, queue) order. Issues come in cycle
/// order and mostly a few cycles ahead, so a ring of cycles, each a bit set
/// of queues, holds them; the rare one further ahead (after a long nop)
/// waits in a heap until the ring reaches it. A push is never earlier than
/// the last pop.
class IssueCalendar {
public:
  explicit IssueCalendar(size_t queues)
      : words((queues + 63) / 64), bits(kRing * words, 0) {}
  bool empty() const { return inRing == 0 && far.empty(); }
  void push(uint64_t cycle, uint32_t queue) {
    if (cycle >= now + kRing) {
      far.push({cycle, queue});
      return;
    }
    bits[(cycle & (kRing - 1)) * words + queue / 64] |= uint64_t(1)
                                                        << (queue % 64);
    ++inRing;
  }
  /// The earliest (cycle, queue), removed.
  std::pair<uint64_t, uint32_t> pop() {
    if (inRing == 0)
      now = std::max(now, far.top().first);
    for (;; ++now) {
      while (!far.empty() && far.top().first < now + kRing) {
        auto [cycle, queue] = far.top();
        far.pop();
        push(cycle, queue);
      }
      uint64_t *bucket = &bits[(now & (kRing - 1)) * words];
      for (size_t w = 0; w < words; ++w)
        if (bucket[w]) {
          const uint32_t queue =
              uint32_t(w * 64) + uint32_t(__builtin_ctzll(bucket[w]));
          bucket[w] &= bucket[w] - 1;
          --inRing;
          return {now, queue};
        }
    }
  }

  static constexpr uint64_t kRing = 1024;

private:
  const size_t words;
  std::vector<uint64_t> bits; // [cycle % kRing][queue / 64]
  size_t inRing = 0;
  uint64_t now = 0; // no issue is earlier
  using Entry = std::pair<uint64_t, uint32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> far;
};

} // namespace lpu

#endif // LPU_RUNTIME_LIB_ISSUECALENDAR_H
