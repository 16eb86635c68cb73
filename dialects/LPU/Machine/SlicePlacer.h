//===- SlicePlacer.h - Where tensors go in SRAM ------------------*- C++
//-*-===//
//
// The one placement rule for SRAM, used by tile-allocate-sram for the
// tensors of the graph (with tile-op lifetimes and estimated traffic) and by
// lpu-allocate-sram for what only the expansion knows (weights, partial
// sums, staging; with instruction lifetimes and counted traffic).
//
// A tensor is dealt over one or more parts on distinct MEM slices (blocks of
// rows, lpu/Layout.h). How many: at least what its layout asks for (the rows
// windows read together), what its size needs, and, for a scratch tensor,
// one per kAccessesPerPart accesses up to a quarter of the slices, so its
// reads and writes do not queue on one MEM unit. Which slices: for
// parallelism first and distance second: the slice with the least traffic
// from tensors accessed at the same time (all their lives, or in the window
// a request gives: a weight tile is loaded by its product only; a MEM queue
// issues one access per cycle; traffic compared in steps of
// kAccessesPerPart / 2, so small differences do not send a tensor far),
// among those the one nearest the units at the other end of its accesses,
// then the emptiest. Which addresses: above every tensor placed before, if
// that ends in the slice's lower half, else the lowest where nothing live
// at the same time is (a reused address orders the new writes after the old
// reads).
//
//===----------------------------------------------------------------------===//

#ifndef LPU_DIALECTS_LPU_MACHINE_SLICEPLACER_H
#define LPU_DIALECTS_LPU_MACHINE_SLICEPLACER_H

#include "lpu/Layout.h"
#include "lpu/Target.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <map>
#include <optional>
#include <vector>

namespace lpuc::lpu {

/// (slice, first address) of each part of a placed tensor.
using Placement = llvm::SmallVector<std::pair<int32_t, int32_t>, 1>;

/// What placement needs to know about one tensor.
struct PlacementRequest {
  ::lpu::TensorLayout layout;
  int64_t blockRows = 1;       // rows dealt together
  int64_t minParts = 1;        // parts its layout asks for
  bool spread = false;         // spread over slices for its traffic
  int64_t first = 0, last = 0; // live range, in the caller's positions
  // When its accesses happen, if only within part of its live range (the
  // weight tiles one product loads, stored from the start): it then avoids
  // the slices of other traffic at that time, not all its life.
  std::optional<std::pair<int64_t, int64_t>> accessed;
  int64_t accesses = 0;
  std::map<int64_t, int64_t> peerColumns; // column -> accesses from there

  std::pair<int64_t, int64_t> accessWindow() const {
    return accessed.value_or(std::make_pair(first, last));
  }
  ::lpu::PartDeal deal(int64_t parts) const { return {parts, blockRows}; }
  int64_t partAddresses(int64_t parts, int64_t i) const {
    return deal(parts).partAddresses(layout, i);
  }
};

/// The parts, on distinct slices and one row at a time, a tensor of `rows`
/// rows that the MXM loads as weights of `type` asks for: one weight load
/// then finds each of its rows on another MEM slice, whose reads can issue
/// in the same cycle. A tile taller than one install of `type` (an f16
/// tile of 320 rows: two windows of 160) is loaded by as many planes at
/// once, each at a full weight load per cycle.
inline int64_t weightRowParts(const ::lpu::TargetDesc &target, int64_t rows,
                              ::lpu::DType type) {
  const ::lpu::MXMRate *rate = target.mxmRate(type);
  const int64_t windows =
      rate && rate->rows > 0 ? (rows + rate->rows - 1) / rate->rows : 1;
  return std::min<int64_t>(rows, target.loadRowsOf(type) * windows);
}

/// What placing a tensor books: its addresses (later tensors avoid them
/// while it lives), its traffic (later tensors prefer other slices), or both.
enum class Booking { Addresses = 1, Load = 2, Both = 3 };

class SlicePlacer {
public:
  /// `roundRobin`: the benchmarks' baseline, the next slice with room.
  SlicePlacer(const ::lpu::TargetDesc &target, bool roundRobin = false);

  /// The most addresses one slice would hold with the tensor dealt over every
  /// slice; more than a slice's addresses means it can never fit.
  int64_t smallestLargestPart(const PlacementRequest &request) const;

  /// Places `request`, or nothing if SRAM has no room while it lives.
  std::optional<Placement> place(const PlacementRequest &request,
                                 Booking booking = Booking::Both);

  /// Records a tensor placed elsewhere.
  void reserve(const PlacementRequest &request,
               llvm::ArrayRef<std::pair<int32_t, int32_t>> placement,
               Booking booking = Booking::Both);

  /// Accesses per part of a spread tensor.
  static constexpr int64_t kAccessesPerPart = 64;

private:
  struct Placed {
    int64_t begin, end; // addresses [begin, end)
    int64_t first, last;
  };

  int64_t partsFor(const PlacementRequest &request) const;
  int64_t partsThatFit(const PlacementRequest &request, int64_t parts) const;
  int64_t largestGap(unsigned slice, const PlacementRequest &request) const;
  std::optional<int64_t> lowestFit(unsigned slice,
                                   const PlacementRequest &request,
                                   int64_t addresses) const;
  std::optional<std::pair<unsigned, int64_t>>
  choose(const PlacementRequest &request, int64_t addresses,
         llvm::ArrayRef<unsigned> taken);

  const ::lpu::TargetDesc &target;
  const bool roundRobin;
  unsigned nextSlice = 0;
  std::vector<std::vector<Placed>> placed;
  struct Traffic {
    int64_t accesses;
    int64_t first, last;
  };
  /// The accesses booked on `slice` by tensors live while `request` is.
  int64_t loadWhile(unsigned slice, const PlacementRequest &request) const;
  std::vector<std::vector<Traffic>> traffic;
  std::vector<int64_t> sliceAddresses;
  /// Per slice, the end of the highest addresses ever placed there: above
  /// it, addresses are fresh.
  std::vector<int64_t> highWater;
};

} // namespace lpuc::lpu

#endif // LPU_DIALECTS_LPU_MACHINE_SLICEPLACER_H
