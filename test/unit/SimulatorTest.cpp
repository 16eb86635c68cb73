//===- SimulatorTest.cpp - Reference backend: values and hazards ----------===//

#include "TestPrograms.h"

#include "lpu/Simulator.h"

#include <gtest/gtest.h>

#include <numeric>

using namespace lpu;
using namespace lpu::test;

namespace {

std::vector<float> iota16(float start) {
  std::vector<float> v(16);
  std::iota(v.begin(), v.end(), start);
  return v;
}

/// Runs `binary` with every input set to 0, 1, 2, ...; returns the error.
std::string runExpectingFailure(const Binary &binary) {
  Simulator sim(binary);
  std::string error;
  for (size_t i = 0; i < binary.inputs.size(); ++i) {
    std::vector<float> data(binary.inputs[i].layout.numElements());
    std::iota(data.begin(), data.end(), 0.0f);
    EXPECT_TRUE(sim.setInput(i, data.data(), data.size(), error)) << error;
  }
  EXPECT_FALSE(sim.run(error));
  return error;
}

TEST(Simulator, AddsAndCountsCycles) {
  Binary binary = makeAddProgram();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x = iota16(0.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), x.size(), error)) << error;
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<float> y(16);
  ASSERT_TRUE(sim.getOutput(0, y.data(), y.size(), error)) << error;
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(y[i], 100.0f + 2 * i);
  // Write issued at 4 lands at 5 (write latency 1 on lpu-tiny).
  EXPECT_EQ(sim.getStats().cycles, 5u);
  EXPECT_EQ(sim.getStats().instructions, 4u);
}

TEST(Simulator, MatMulUsesInstalledRowsAndZeroesTheRest) {
  // Weights: row r of W is (r+1) in every column; only 2 rows installed.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .output("y", {1, 16}, 1, 0)
                      .constant(2, 0, std::vector<float>(16, 1.0f))
                      .constant(2, 1, std::vector<float>(16, 2.0f))
                      .constant(2, 2, std::vector<float>(16, 3.0f))
                      .at(UnitKind::Mem, 2, 0, memRead(0, 0))
                      .at(UnitKind::Mem, 2, 1, memRead(1, 1))
                      .at(UnitKind::Mxm, 0, 2, loadWeights(0, 0))
                      .at(UnitKind::Mxm, 0, 3, loadWeights(1, 1))
                      .at(UnitKind::Mxm, 0, 4, installWeights(2))
                      .at(UnitKind::Mem, 0, 4, memRead(2, 0))
                      .at(UnitKind::Mxm, 0, 6, inst(Opcode::MatMul, 3, 2))
                      .at(UnitKind::Mem, 1, 10, memWrite(3, 0))
                      .build();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x = iota16(1.0f); // 1, 2, 3, ...
  ASSERT_TRUE(sim.setInput(0, x.data(), x.size(), error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<float> y(16);
  ASSERT_TRUE(sim.getOutput(0, y.data(), y.size(), error));
  // y[n] = x[0] * 1 + x[1] * 2 = 1 + 4.
  for (float v : y)
    EXPECT_EQ(v, 5.0f);
  EXPECT_EQ(sim.getStats().cycles, 11u);
}

TEST(Simulator, MatMulAccumulateAddsTheSecondOperand) {
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .output("y", {1, 16}, 1, 0)
                      .constant(2, 0, std::vector<float>(16, 2.0f))
                      .at(UnitKind::Mem, 2, 0, memRead(0, 0))
                      .at(UnitKind::Mxm, 1, 2, loadWeights(0, 0))
                      .at(UnitKind::Mxm, 1, 3, installWeights(1))
                      .at(UnitKind::Mem, 0, 3, memRead(1, 0))
                      .at(UnitKind::Mxm, 1, 5, inst(Opcode::MatMulAcc, 2, 1, 1))
                      .at(UnitKind::Mem, 1, 9, memWrite(2, 0))
                      .build();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x = iota16(1.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), x.size(), error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<float> y(16);
  ASSERT_TRUE(sim.getOutput(0, y.data(), y.size(), error));
  // y[n] = x[n] + x[0] * 2 (only weight row 0 is installed).
  for (int n = 0; n < 16; ++n)
    EXPECT_EQ(y[n], x[n] + 2.0f) << n;
}

TEST(Simulator, DistributeAndShiftMoveLanes) {
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .output("d", {1, 16}, 1, 0)
          .output("s", {1, 16}, 2, 0)
          .at(UnitKind::Mem, 0, 0, memRead(0, 0))
          .at(UnitKind::Sxm, 0, 2,
              inst(Opcode::Distribute, 1, 0, kNoStream, 0, 3 | (5 << 16)))
          .at(UnitKind::Sxm, 1, 2,
              inst(Opcode::Shift, 2, 0, kNoStream, 0,
                   static_cast<uint32_t>(-2)))
          .at(UnitKind::Mem, 1, 4, memWrite(1, 0))
          .at(UnitKind::Mem, 2, 4, memWrite(2, 0))
          .build();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x = iota16(10.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), x.size(), error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<float> d(16), s(16);
  ASSERT_TRUE(sim.getOutput(0, d.data(), 16, error));
  ASSERT_TRUE(sim.getOutput(1, s.data(), 16, error));
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(d[i], i < 5 ? 13.0f : 0.0f) << i;
    EXPECT_EQ(s[i], i < 14 ? 12.0f + i : 0.0f) << i;
  }
}

TEST(Simulator, ScaleAndReluAndSubAndMax) {
  std::vector<float> c(16, 3.0f);
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .output("y", {1, 16}, 1, 0)
          .constant(2, 0, c)
          .at(UnitKind::Mem, 0, 0, memRead(0, 0))
          .at(UnitKind::Mem, 2, 0, memRead(1, 0))
          .at(UnitKind::Vxm, 0, 2, inst(Opcode::Sub, 2, 0, 1)) // x - 3
          .at(UnitKind::Vxm, 0, 4,
              inst(Opcode::Scale, 3, 2, kNoStream, 0, f32Bits(-2.0f)))
          .at(UnitKind::Vxm, 0, 6, inst(Opcode::Relu, 4, 3)) // max(., 0)
          .at(UnitKind::Vxm, 1, 6, inst(Opcode::Mul, 5, 3, 3))
          .at(UnitKind::Vxm, 0, 8, inst(Opcode::Max, 6, 4, 5))
          .at(UnitKind::Mem, 1, 10, memWrite(6, 0))
          .build();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x = iota16(0.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), x.size(), error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<float> y(16);
  ASSERT_TRUE(sim.getOutput(0, y.data(), 16, error));
  for (int i = 0; i < 16; ++i) {
    float t = -2.0f * (i - 3.0f);
    EXPECT_EQ(y[i], std::max(std::max(t, 0.0f), t * t)) << i;
  }
}

// One test per hazard kind: each names the cycle, unit and instruction.

TEST(Hazard, ReadOfAStreamNothingWrote) {
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Vxm, 0, 3, inst(Opcode::Relu, 1, 7))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 3 on vxm[0] instruction #1 (vrelu e7 -> e1): "
            "reads stream e7, which nothing has written");
}

TEST(Hazard, ReadBeforeTheValueLands) {
  // The read's result lands at cycle 2; the add issues at 1.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(0, 0))
                      .at(UnitKind::Vxm, 0, 1, inst(Opcode::Relu, 1, 0))
                      .build();
  EXPECT_NE(runExpectingFailure(binary).find(
                "hazard at cycle 1 on vxm[0] instruction #1 (vrelu e0 -> e1): "
                "reads stream e0, which nothing has written"),
            std::string::npos);
}

TEST(Hazard, TwoWritersToOneStreamSlot) {
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .input("z", {1, 16}, 1, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(4, 0))
                      .at(UnitKind::Mem, 1, 0, memRead(4, 0))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 2 on mem[1] instruction #0 (read [0] -> e4): "
            "writes stream e4 in the same cycle as mem[0] instruction #0 "
            "(read [0] -> e4)");
}

TEST(Hazard, SRAMReadBeforeTheWriteLands) {
  // The write issues at 2 and lands at 3; the read at 3 would be fine, at 2
  // it sees an address nothing was ever written to.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(0, 0))
                      .at(UnitKind::Mem, 1, 2, memWrite(0, 5))
                      .at(UnitKind::Mem, 1, 3, memRead(1, 6))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 3 on mem[1] instruction #2 (read [6] -> e1): "
            "reads mem[1]:6 before any write to it has landed");
}

TEST(Hazard, InstallBeforeTheWeightLoadsLand) {
  // On lpu-v1 a weight-row load lands 2 cycles after issue: loaded at 3, the
  // row is in the buffer at 5, so an install at 4 would take a stale row.
  Binary binary = ProgramBuilder("lpu-v1")
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(0, 0))
                      .at(UnitKind::Mxm, 1, 3, loadWeights(0, 0))
                      .at(UnitKind::Mxm, 1, 4, installWeights(1))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 4 on mxm[1] instruction #2 (iw 1): installs "
            "weights while 1 weight-buffer row load(s) have not landed");
}

TEST(Hazard, MatMulBeforeAnyInstall) {
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(0, 0))
                      .at(UnitKind::Mxm, 0, 2, inst(Opcode::MatMul, 1, 0))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 2 on mxm[0] instruction #1 (abc e0 -> e1): "
            "streams activations before any weights were installed");
}

TEST(Hazard, MatMulWhileWeightsInstall) {
  // Install latency is 2 on lpu-tiny: issued at 3, usable from 5.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(0, 0))
                      .at(UnitKind::Mxm, 0, 2, loadWeights(0, 0))
                      .at(UnitKind::Mxm, 0, 3, installWeights(1))
                      .at(UnitKind::Mxm, 0, 4, inst(Opcode::MatMul, 1, 0))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 4 on mxm[0] instruction #3 (abc e0 -> e1): "
            "streams activations while weights are installing");
}

TEST(Simulator, RefusesToRunWithoutInputs) {
  Binary binary = makeAddProgram();
  Simulator sim(binary);
  std::string error;
  EXPECT_FALSE(sim.run(error));
  EXPECT_EQ(error, "input 'x' was not set");
}

TEST(Simulator, ReportsOutputsNeverWritten) {
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .output("y", {2, 16}, 1, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(0, 0))
                      .at(UnitKind::Mem, 1, 2, memWrite(0, 0))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "output 'y' was not completely written (vector 1 never stored)");
}

TEST(Simulator, RejectsWrongInputSizes) {
  Binary binary = makeAddProgram();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x(15);
  EXPECT_FALSE(sim.setInput(0, x.data(), x.size(), error));
  EXPECT_EQ(error, "input 'x' needs 16 elements, got 15");
}

} // namespace
