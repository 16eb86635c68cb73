//===- PhysicalFloorTest.cpp - The model's floor on a target --------------===//

#include "dialects/LPU/Analysis/PhysicalFloor.h"

#include <gtest/gtest.h>

using namespace lpuc::lpu;
using ::lpu::DType;

namespace {

const ::lpu::TargetDesc &v1() { return *::lpu::findBuiltinTarget("lpu-v1"); }

// The published rates: 409,600 int8 MACs per cycle (750 TOPS at 900 MHz), a
// quarter of that in fp16, and 409,600 weight bytes in 40 cycles.
TEST(PhysicalFloor, PublishedRatesOfLpuV1) {
  EXPECT_EQ(macsPerCycle(v1(), DType::I8), 409600);
  EXPECT_EQ(macsPerCycle(v1(), DType::F16), 102400);
  EXPECT_EQ(macsPerCycle(v1(), DType::BF16), 102400);
  EXPECT_EQ(macsPerCycle(v1(), DType::F32), 0); // no f32 matrix unit
  EXPECT_EQ(weightBytesPerCycle(v1()) * 40, 409600);
}

TEST(PhysicalFloor, NodeFloorIsItsLargerCount) {
  // A 1x1 convolution 256 -> 256 channels on 7x7 pixels in i8: 3.2 M MACs
  // (8 cycles), 65,536 weight bytes (7 cycles).
  NodeWork conv{"c", "Conv", DType::I8, 49 * 256 * 256, 256 * 256};
  FloorCycles floor = floorOf(conv, v1());
  EXPECT_EQ(floor.mac, 8);
  EXPECT_EQ(floor.weight, 7);
  EXPECT_EQ(floor.cycles(), 8);
  EXPECT_STREQ(floor.limit(), "mxm");
  // In f16 the same weights take twice the bytes and the MACs four times
  // the cycles.
  conv.mxmType = DType::F16;
  floor = floorOf(conv, v1());
  EXPECT_EQ(floor.mac, 32);
  EXPECT_EQ(floor.weight, 13);
}

TEST(PhysicalFloor, ModelSumsBeforeRounding) {
  // Two nodes of half a cycle each need one cycle together, not two.
  ModelWork work;
  work.nodes.push_back({"a", "MatMul", DType::I8, 204800, 0});
  work.nodes.push_back({"b", "MatMul", DType::I8, 204800, 0});
  // A decode step streams its weights: 1 MiB of i8 is 103 cycles.
  work.nodes.push_back({"w", "Gemm", DType::I8, 1024, 1 << 20});
  work.ioBytes = 88 * 2 * 320 * 3; // three cycles of every bank port
  FloorCycles floor = floorOf(work, v1());
  EXPECT_EQ(floor.mac, 2); // 410,624 MACs
  EXPECT_EQ(floor.weight, 103);
  EXPECT_EQ(floor.io, 3);
  EXPECT_STREQ(floor.limit(), "weights");
}

} // namespace
