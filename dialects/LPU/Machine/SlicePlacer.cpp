//===- SlicePlacer.cpp - Where tensors go in SRAM -------------------------===//

#include "dialects/LPU/Machine/SlicePlacer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <tuple>

using namespace lpuc::lpu;
using ::lpu::UnitKind;

SlicePlacer::SlicePlacer(const ::lpu::TargetDesc &target, bool roundRobin)
    : target(target), roundRobin(roundRobin), placed(target.memSlices),
      traffic(target.memSlices), sliceAddresses(target.memSlices, 0),
      highWater(target.memSlices, 0) {}

int64_t
SlicePlacer::smallestLargestPart(const PlacementRequest &request) const {
  return request.deal(target.memSlices).largestPart(request.layout);
}

std::optional<Placement> SlicePlacer::place(const PlacementRequest &request,
                                            Booking booking) {
  const int64_t parts = partsThatFit(request, partsFor(request));
  Placement where;
  llvm::SmallVector<unsigned> taken;
  for (int64_t i = 0; i < parts; ++i) {
    std::optional<std::pair<unsigned, int64_t>> part =
        choose(request, request.partAddresses(parts, i), taken);
    if (!part)
      return std::nullopt;
    where.push_back({int32_t(part->first), int32_t(part->second)});
    taken.push_back(part->first);
  }
  reserve(request, where, booking);
  return where;
}

void SlicePlacer::reserve(const PlacementRequest &request,
                          llvm::ArrayRef<std::pair<int32_t, int32_t>> where,
                          Booking booking) {
  const int64_t parts = where.size();
  for (int64_t i = 0; i < parts; ++i) {
    auto [slice, address] = where[i];
    const int64_t addresses = request.partAddresses(parts, i);
    if (unsigned(booking) & unsigned(Booking::Addresses)) {
      placed[slice].push_back(
          {address, address + addresses, request.first, request.last});
      highWater[slice] = std::max(highWater[slice], address + addresses);
    }
    if (unsigned(booking) & unsigned(Booking::Load)) {
      // Bank-port cycles: a vector of several planes holds its banks longer.
      auto [first, last] = request.accessWindow();
      traffic[slice].push_back(
          {request.accesses / parts *
               target.memPortCycles(request.layout.vectorAddresses),
           first, last});
      sliceAddresses[slice] += addresses;
    }
  }
}

int64_t SlicePlacer::partsFor(const PlacementRequest &request) const {
  const int64_t blocks =
      llvm::divideCeil(request.layout.rows, request.blockRows);
  int64_t parts = request.minParts;
  if (!roundRobin && request.spread) {
    const int64_t maxParts = std::max<int64_t>(1, target.memSlices / 4);
    parts = std::max(
        parts,
        std::min<int64_t>(llvm::divideCeil(request.accesses, kAccessesPerPart),
                          maxParts));
  }
  parts = std::clamp<int64_t>(parts, 1,
                              std::min<int64_t>(blocks, target.memSlices));
  while (parts < target.memSlices &&
         request.deal(parts).largestPart(request.layout) > target.memAddresses)
    ++parts;
  return parts;
}

/// The number of parts nearest `parts` (more first: smaller parts fit into
/// the gaps other tensors leave) whose largest part fits in the largest free
/// stretch of as many slices while `request` lives; `parts` if none does.
int64_t SlicePlacer::partsThatFit(const PlacementRequest &request,
                                  int64_t parts) const {
  const int64_t maxParts = std::min<int64_t>(
      llvm::divideCeil(request.layout.rows, request.blockRows),
      target.memSlices);
  std::vector<int64_t> gaps;
  for (unsigned slice = 0; slice < target.memSlices; ++slice)
    gaps.push_back(largestGap(slice, request));
  llvm::sort(gaps, std::greater<int64_t>());
  auto fits = [&](int64_t p) {
    return gaps[p - 1] >= request.deal(p).largestPart(request.layout);
  };
  for (int64_t p = parts; p <= maxParts; ++p)
    if (fits(p))
      return p;
  for (int64_t p = std::min(parts, maxParts) - 1; p >= 1; --p)
    if (fits(p))
      return p;
  return parts;
}

/// The longest run of addresses of `slice` free while `request` lives.
int64_t SlicePlacer::largestGap(unsigned slice,
                                const PlacementRequest &request) const {
  llvm::SmallVector<std::pair<int64_t, int64_t>> live;
  for (const Placed &p : placed[slice])
    if (p.first <= request.last && request.first <= p.last)
      live.push_back({p.begin, p.end});
  llvm::sort(live);
  int64_t gap = 0, address = 0;
  for (auto [begin, end] : live) {
    gap = std::max(gap, begin - address);
    address = std::max(address, end);
  }
  return std::max(gap, int64_t(target.memAddresses) - address);
}

/// Above everything placed on `slice` so far, if that ends in the slice's
/// lower half; else the lowest address where `addresses` addresses overlap
/// nothing live at the same time as `request`. An address another tensor
/// used makes the scheduler land the new writes after the old reads: a
/// false dependence that can hold a layer back (the encoder layer: 5,953
/// cycles reusing the lowest free address, 5,626 with fresh ones first).
/// The upper half is left to reuse, which packs tightly: fresh addresses
/// anywhere left ViT-B/16 int8's slices too fragmented for the expansion's
/// buffers.
std::optional<int64_t> SlicePlacer::lowestFit(unsigned slice,
                                              const PlacementRequest &request,
                                              int64_t addresses) const {
  if (highWater[slice] + addresses <= target.memAddresses / 2)
    return highWater[slice];
  llvm::SmallVector<const Placed *> live;
  for (const Placed &p : placed[slice])
    if (p.first <= request.last && request.first <= p.last)
      live.push_back(&p);
  llvm::sort(live, [](const Placed *a, const Placed *b) {
    return a->begin < b->begin;
  });
  int64_t address = 0;
  for (const Placed *p : live) {
    if (p->begin >= address + addresses)
      break;
    address = std::max(address, p->end);
  }
  if (address + addresses > target.memAddresses)
    return std::nullopt;
  return address;
}

/// Where `addresses` addresses of `request` go, on a slice not in `taken`.
std::optional<std::pair<unsigned, int64_t>>
SlicePlacer::choose(const PlacementRequest &request, int64_t addresses,
                    llvm::ArrayRef<unsigned> taken) {
  if (roundRobin) {
    for (unsigned i = 0; i < target.memSlices; ++i) {
      unsigned slice = (nextSlice + i) % target.memSlices;
      if (llvm::is_contained(taken, slice))
        continue;
      if (std::optional<int64_t> address =
              lowestFit(slice, request, addresses)) {
        nextSlice = (slice + 1) % target.memSlices;
        return std::make_pair(slice, *address);
      }
    }
    return std::nullopt;
  }
  std::optional<std::pair<unsigned, int64_t>> best;
  int64_t bestLoad = 0, bestTravel = 0, bestUsed = 0;
  for (unsigned slice = 0; slice < target.memSlices; ++slice) {
    if (llvm::is_contained(taken, slice))
      continue;
    std::optional<int64_t> address = lowestFit(slice, request, addresses);
    if (!address)
      continue;
    const int64_t column = target.unitColumn(UnitKind::Mem, slice);
    int64_t travel = 0;
    for (auto [peer, count] : request.peerColumns)
      travel += count * std::abs(column - peer);
    const int64_t load = loadWhile(slice, request) / (kAccessesPerPart / 2),
                  used = sliceAddresses[slice];
    if (!best || std::tie(load, travel, used) <
                     std::tie(bestLoad, bestTravel, bestUsed)) {
      best = {slice, *address};
      bestLoad = load;
      bestTravel = travel;
      bestUsed = used;
    }
  }
  return best;
}

int64_t SlicePlacer::loadWhile(unsigned slice,
                               const PlacementRequest &request) const {
  auto [first, last] = request.accessWindow();
  int64_t load = 0;
  for (const Traffic &t : traffic[slice])
    if (t.first <= last && first <= t.last)
      load += t.accesses;
  return load;
}
