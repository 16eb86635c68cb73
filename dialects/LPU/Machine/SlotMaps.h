//===- SlotMaps.h - What the scheduler has taken, as bit maps ---*- C++ -*-===//
//
// The scheduler's record of taken queue cycles, bank port cycles and stream
// slots, shaped for its root search: each answers "which of the next 64
// roots are free" in a few word operations.
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_LPU_MACHINE_SLOTMAPS_H
#define LPU_DIALECTS_LPU_MACHINE_SLOTMAPS_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/bit.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace lpuc::lpu::detail {

/// Which cycles of one resource are taken: a bit per cycle, and a bit per
/// 64 cycles that are all taken, so a busy stretch is skipped 4096 cycles
/// per word read. Grows on demand. (A bit per cycle keeps the hundreds of
/// queues and bank ports of a large program in a few megabytes.)
class Occupancy {
public:
  bool isFree(int64_t cycle) const {
    const size_t word = size_t(cycle) >> 6;
    return word >= taken.size() || !((taken[word] >> (cycle & 63)) & 1);
  }
  void take(int64_t cycle) {
    const size_t word = size_t(cycle) >> 6;
    if (word >= taken.size())
      grow(word + 1);
    taken[word] |= uint64_t(1) << (cycle & 63);
    if (taken[word] == ~uint64_t(0))
      full[word >> 6] |= uint64_t(1) << (word & 63);
  }
  /// Bit i set: cycle `cycle + i` is free (64 cycles at once).
  uint64_t freeMask(int64_t cycle) const {
    const size_t word = size_t(cycle) >> 6;
    const unsigned bit = cycle & 63;
    uint64_t low = word < taken.size() ? taken[word] : 0;
    if (bit == 0)
      return ~low;
    uint64_t high = word + 1 < taken.size() ? taken[word + 1] : 0;
    return ~((low >> bit) | (high << (64 - bit)));
  }
  /// The first cycle from `cycle` on that starts `span` free cycles.
  int64_t nextFree(int64_t cycle, int64_t span = 1) const {
    for (;;) {
      cycle = firstFree(cycle);
      int64_t run = 1;
      while (run < span && isFree(cycle + run))
        ++run;
      if (run == span)
        return cycle;
      cycle += run;
    }
  }

private:
  /// Bits below `bit` set.
  static uint64_t below(int64_t bit) { return (uint64_t(1) << bit) - 1; }

  int64_t firstFree(int64_t cycle) const {
    size_t word = size_t(cycle) >> 6;
    if (word >= taken.size())
      return cycle;
    uint64_t bits = taken[word] | below(cycle & 63);
    if (bits != ~uint64_t(0))
      return int64_t(word << 6) + llvm::countr_one(bits);
    // The next word not all taken, 64 words per summary word.
    for (size_t next = word + 1;; next = (next | 63) + 1) {
      if (next >= taken.size())
        return int64_t(next << 6);
      uint64_t summary = full[next >> 6] | below(next & 63);
      if (summary != ~uint64_t(0)) {
        next = (next & ~size_t(63)) + llvm::countr_one(summary);
        if (next >= taken.size())
          return int64_t(next << 6);
        return int64_t(next << 6) + llvm::countr_one(taken[next]);
      }
    }
  }
  void grow(size_t words) {
    taken.resize(std::max(words, 2 * taken.size()), 0);
    full.resize((taken.size() + 63) >> 6, 0);
  }

  std::vector<uint64_t> taken; // bit c % 64 of word c / 64: cycle c
  std::vector<uint64_t> full;  // bit w % 64 of word w / 64: word w all taken
};

/// Which columns of each stream's diagonals carry a value: a bit per column,
/// the words of every stream of one diagonal side by side. A value's
/// candidate streams in one direction share its diagonal, so choosing one
/// reads one contiguous run, and successive trial roots probe successive
/// runs. Pages of diagonals are allocated as the schedule grows, so growing
/// copies nothing.
///
/// Beside the bits, how many streams each direction has taken at the
/// columns where values converge (the units other than MEM): a value whose
/// end column has fewer streams free than it takes cannot be placed, which
/// rules out 64 roots at a time.
class StreamSlots {
public:
  /// Diagonals start at -`minDiagonal`.
  StreamSlots(int64_t minDiagonal, int64_t columns, int64_t streams)
      : bias(minDiagonal), columns(columns), words((columns + 63) / 64),
        perDiagonal(streams * words), takenAt(2 * columns) {}

  /// Columns lo..hi of one diagonal: the words they fall in and their bits
  /// in the first and last of those.
  struct Slot {
    size_t diagonal; // biased
    int64_t wordLo, wordHi;
    uint64_t maskLo, maskHi;
  };
  Slot slot(int64_t diagonal, int64_t lo, int64_t hi) const {
    Slot slot{size_t(diagonal + bias), lo / 64, hi / 64,
              ~uint64_t(0) << (lo % 64), ~uint64_t(0) >> (63 - hi % 64)};
    if (slot.wordLo == slot.wordHi)
      slot.maskLo = slot.maskHi = slot.maskLo & slot.maskHi;
    return slot;
  }
  /// Whether `stream` leaves `slot` free, `later` diagonals on.
  bool isFree(const Slot &slot, int64_t stream, int64_t later = 0) const {
    const uint64_t *row = rowOf(slot.diagonal + later);
    if (!row)
      return true;
    row += stream * words;
    if (row[slot.wordLo] & slot.maskLo)
      return false;
    for (int64_t w = slot.wordLo + 1; w < slot.wordHi; ++w)
      if (row[w])
        return false;
    return !(row[slot.wordHi] & slot.maskHi);
  }
  /// Bit i set: `stream` leaves `slot` free i diagonals on. Only the bits of
  /// `wanted` are looked at; the others come back clear.
  uint64_t freeMask(const Slot &slot, int64_t stream, uint64_t wanted) const {
    uint64_t free = 0;
    for (; wanted; wanted &= wanted - 1) {
      int later = llvm::countr_zero(wanted);
      if (isFree(slot, stream, later))
        free |= uint64_t(1) << later;
    }
    return free;
  }

  /// A word and its bits before a trial took some.
  using Undo = llvm::SmallVector<std::pair<uint64_t *, uint64_t>, 32>;

  /// Takes `slot` on `stream`; with `undo`, records what `rollBack` restores.
  void take(const Slot &slot, int64_t stream, Undo *undo = nullptr) {
    size_t page = slot.diagonal / kPageDiagonals;
    if (page >= pages.size())
      pages.resize(page + 1);
    if (!pages[page])
      pages[page] = std::make_unique<uint64_t[]>(kPageDiagonals * perDiagonal);
    uint64_t *row = pages[page].get() +
                    (slot.diagonal % kPageDiagonals) * perDiagonal +
                    stream * words;
    for (int64_t w = slot.wordLo; w <= slot.wordHi; ++w) {
      if (undo)
        undo->push_back({&row[w], row[w]});
      row[w] |= (w == slot.wordLo ? slot.maskLo : ~uint64_t(0)) &
                (w == slot.wordHi ? slot.maskHi : ~uint64_t(0));
    }
  }
  void rollBack(Undo &undo) {
    for (auto [word, old] : llvm::reverse(undo))
      *word = old;
    undo.clear();
  }

  /// Counts streams taken at `column` from now on (before any is taken).
  void countAt(int64_t column) { countedColumns.push_back(column); }
  /// Counts `streams` more streams of `direction` (0 east, 1 west) taken
  /// on `diagonal` at the counted columns in lo..hi (placed values only,
  /// not trials).
  void countTaken(int64_t direction, int64_t diagonal, int64_t lo, int64_t hi,
                  int64_t streams) {
    size_t at = diagonal + bias;
    for (int64_t c : countedColumns) {
      if (c < lo || c > hi)
        continue;
      std::vector<uint8_t> &taken = takenAt[direction * columns + c];
      if (at >= taken.size())
        taken.resize(std::max(at + 1, taken.size() * 3 / 2), 0);
      taken[at] += streams;
    }
  }
  /// Bit i set: more than `limit` streams of `direction` are taken at
  /// `column` on diagonal `diagonal + i` (none, if `column` is not counted).
  uint64_t crowded(int64_t direction, int64_t column, int64_t diagonal,
                   int64_t limit) const {
    const std::vector<uint8_t> &taken = takenAt[direction * columns + column];
    size_t at = diagonal + bias;
    if (at >= taken.size())
      return 0;
    const uint8_t *counts = taken.data() + at;
    const size_t n = std::min<size_t>(64, taken.size() - at);
    // Eight counts at a time: counts and limit are below 128, so adding
    // 127 - limit to each byte sets its top bit exactly when it is over.
    const uint64_t bytes = 0x0101010101010101;
    const uint64_t add = bytes * uint64_t(127 - limit);
    uint64_t over = 0;
    for (size_t i = 0; i < n; i += 8) {
      uint64_t eight = 0;
      std::memcpy(&eight, counts + i, std::min<size_t>(8, n - i));
      uint64_t tops = ((eight + add) >> 7) & bytes;
      over |= ((tops * 0x0102040810204080) >> 56) << i;
    }
    return over;
  }

private:
  static constexpr size_t kPageDiagonals = 1024;

  /// The words of a (biased) diagonal, or null if none is taken yet.
  const uint64_t *rowOf(size_t diagonal) const {
    size_t page = diagonal / kPageDiagonals;
    if (page >= pages.size() || !pages[page])
      return nullptr;
    return pages[page].get() + (diagonal % kPageDiagonals) * perDiagonal;
  }

  int64_t bias;
  int64_t columns;
  int64_t words;
  int64_t perDiagonal;
  // [diagonal / kPageDiagonals][diagonal % kPageDiagonals][stream][word]
  std::vector<std::unique_ptr<uint64_t[]>> pages;
  // [direction * columns + column][diagonal + bias]: streams taken, at
  // the counted columns.
  std::vector<std::vector<uint8_t>> takenAt;
  llvm::SmallVector<int64_t, 16> countedColumns;
};

} // namespace lpuc::lpu::detail

#endif // LPU_DIALECTS_LPU_MACHINE_SLOTMAPS_H
