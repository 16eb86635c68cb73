//===- SlicePlacerTest.cpp - The SRAM placement rule ----------------------===//

#include "dialects/LPU/Machine/SlicePlacer.h"

#include <gtest/gtest.h>

using namespace lpuc::lpu;

namespace {

// lpu-tiny: 8 MEM slices of 4096 addresses of 16 bytes (an f32 vector takes
// 4); mem[3] and mem[4] are
// the slices next to the VXM.
const ::lpu::TargetDesc &tiny() {
  return *::lpu::findBuiltinTarget("lpu-tiny");
}

/// A tensor of `rows` x 16 f32 read and written next to the VXM.
PlacementRequest tensor(int64_t rows, int64_t first, int64_t last,
                        int64_t accesses) {
  PlacementRequest request;
  request.layout = ::lpu::layoutFor(tiny(), {rows, 16}, ::lpu::DType::F32);
  request.first = first;
  request.last = last;
  request.accesses = accesses;
  request.peerColumns[tiny().centreColumn()] = accesses;
  return request;
}

TEST(SlicePlacer, BusyTensorsLiveTogetherGoToDifferentSlices) {
  SlicePlacer placer(tiny());
  std::optional<Placement> a = placer.place(tensor(4, 0, 10, 100));
  std::optional<Placement> b = placer.place(tensor(4, 5, 20, 100));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->front().first, b->front().first);
}

TEST(SlicePlacer, TrafficCountsOnlyWhileATensorIsAccessed) {
  // Busy tensors live together, but each accessed at one time (weight tiles
  // stored from the start, each loaded by its own product). Two accessed at
  // time 5 take the slices next to the VXM; a third goes there too if it is
  // accessed at another time, and elsewhere if at the same time or all its
  // life (no window).
  for (auto [access, nearVXM] : {std::pair{std::optional<int64_t>(15), true},
                                 {std::optional<int64_t>(5), false},
                                 {std::optional<int64_t>(), false}}) {
    SlicePlacer placer(tiny());
    for (int i = 0; i < 2; ++i) {
      PlacementRequest early = tensor(4, 0, 20, 100);
      early.accessed = {5, 5};
      ASSERT_TRUE(placer.place(early));
    }
    PlacementRequest third = tensor(4, 0, 20, 100);
    if (access)
      third.accessed = {*access, *access};
    std::optional<Placement> placed = placer.place(third);
    ASSERT_TRUE(placed);
    const int32_t slice = placed->front().first;
    EXPECT_EQ(slice == 3 || slice == 4, nearVXM) << (access ? *access : -1);
  }
}

TEST(SlicePlacer, LaterTensorsTakeFreshAddressesFirst) {
  // A dead tensor's addresses would order the new writes after its reads.
  SlicePlacer placer(tiny());
  std::optional<Placement> a = placer.place(tensor(4, 0, 10, 0));
  PlacementRequest later = tensor(8, 11, 20, 0);
  later.minParts = 8; // one row on every slice, a's included
  std::optional<Placement> b = placer.place(later);
  ASSERT_TRUE(a && b);
  const int32_t aSlice = a->front().first;
  for (auto [slice, address] : *b)
    EXPECT_EQ(address, slice == aSlice ? 16 : 0) << "slice " << slice;
}

TEST(SlicePlacer, TensorsNeverLiveTogetherShareAddressesPastHalfASlice) {
  // Fresh addresses only in a slice's lower half: a tensor that would end
  // past it takes a dead tensor's instead.
  SlicePlacer placer(tiny());
  std::optional<Placement> a = placer.place(tensor(400, 0, 10, 0));
  PlacementRequest later = tensor(8 * 400, 11, 20, 0);
  later.minParts = 8; // 400 rows (1,600 addresses) on every slice
  std::optional<Placement> b = placer.place(later);
  ASSERT_TRUE(a && b);
  for (auto [slice, address] : *b)
    EXPECT_EQ(address, 0) << "slice " << slice;
}

TEST(SlicePlacer, QuietTensorsStayNearTheirUnits) {
  // Traffic less than one step apart counts as equal: the third quiet
  // tensor still goes next to the VXM, the third busy one does not.
  for (int64_t accesses : {8, 100}) {
    SlicePlacer placer(tiny());
    std::optional<Placement> placed;
    for (int i = 0; i < 3; ++i)
      placed = placer.place(tensor(4, 0, 10, accesses));
    ASSERT_TRUE(placed);
    const int32_t slice = placed->front().first;
    EXPECT_EQ(slice == 3 || slice == 4, accesses == 8) << accesses;
  }
}

TEST(SlicePlacer, ReservedAddressesAreAvoidedWhileLive) {
  SlicePlacer placer(tiny());
  PlacementRequest kept = tensor(4, 0, 10, 0);
  const std::pair<int32_t, int32_t> where[] = {{3, 0}};
  placer.reserve(kept, where, Booking::Addresses);
  PlacementRequest everywhere = tensor(8, 5, 20, 0);
  everywhere.minParts = 8; // one row on every slice
  std::optional<Placement> placed = placer.place(everywhere);
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->size(), 8u);
  for (auto [slice, address] : *placed)
    EXPECT_EQ(address, slice == 3 ? 16 : 0) << "slice " << slice; // 4 rows
}

TEST(SlicePlacer, BusyScratchIsSpreadOverAQuarterOfTheSlices) {
  SlicePlacer placer(tiny());
  PlacementRequest scratch = tensor(40, 0, 10, 280);
  scratch.spread = true;
  std::optional<Placement> placed = placer.place(scratch);
  ASSERT_TRUE(placed);
  EXPECT_EQ(placed->size(), 2u); // 280 / 64 accesses, at most 8 / 4 slices
}

TEST(SlicePlacer, NothingFitsWhenSRAMIsFull) {
  SlicePlacer placer(tiny());
  for (int slice = 0; slice < 8; ++slice) // 1024 f32 rows fill a slice
    ASSERT_TRUE(placer.place(tensor(1024, 0, 10, 0)));
  EXPECT_FALSE(placer.place(tensor(1, 5, 6, 0)));
  EXPECT_TRUE(placer.place(tensor(1, 11, 12, 0))); // all dead by then
}

TEST(SlicePlacer, WeightRowsSpreadForEveryPlaneThatLoadsThemAtOnce) {
  // lpu-v1 loads 8 i8 rows or 4 f16 rows per cycle into a plane. An f16
  // tile of 320 rows is two installs of 160, loaded by two planes at once:
  // its rows go to 8 slices, as an i8 tile's do; one install's worth, to 4.
  const ::lpu::TargetDesc &v1 = *::lpu::findBuiltinTarget("lpu-v1");
  EXPECT_EQ(weightRowParts(v1, 320, ::lpu::DType::I8), 8);
  EXPECT_EQ(weightRowParts(v1, 320, ::lpu::DType::F16), 8);
  EXPECT_EQ(weightRowParts(v1, 160, ::lpu::DType::BF16), 4);
  EXPECT_EQ(weightRowParts(v1, 3, ::lpu::DType::F16), 3);
}

} // namespace
