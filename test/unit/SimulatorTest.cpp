//===- SimulatorTest.cpp - Reference backend: values and hazards ----------===//
//
// Hand-scheduled lpu-tiny programs; TestPrograms.h lists the floorplan and
// latencies the cycles below follow from.
//
//===----------------------------------------------------------------------===//

#include "TestPrograms.h"

#include "lpu/Binary.h"
#include "lpu/Simulator.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>

#include <numeric>

using namespace lpu;
using namespace lpu::test;

namespace {

std::vector<float> iota16(float start) {
  std::vector<float> v(16);
  std::iota(v.begin(), v.end(), start);
  return v;
}

/// Runs `binary` with every (f32) input set to 0, 1, 2, ...; returns the
/// error.
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

/// Runs `binary`, whose one input and one output are one f32 row, on `x`;
/// returns the output row (empty, with the failure reported, if it fails).
std::vector<float> runOnRow(const Binary &binary, const std::vector<float> &x) {
  Simulator sim(binary);
  std::string error;
  std::vector<float> y(binary.outputs.at(0).layout.numElements());
  if (!sim.setInput(0, x.data(), x.size(), error) || !sim.run(error) ||
      !sim.getOutput(0, y.data(), y.size(), error)) {
    ADD_FAILURE() << error;
    return {};
  }
  return y;
}

/// Runs, through the binary format, a program `copies` that copies x into
/// y, both [3, 16] f32 with rows dealt one at a time over two slices: x's
/// rows 0 and 2 in mem[0], row 1 in mem[1]; y's in mem[2] and mem[3]. mem[k]
/// sits at slice 2 + k, a read lands 2 cycles after issue, and an f32 row
/// takes four addresses and holds both bank ports of its slice for two
/// cycles. Checks that y equals x; returns the cycles.
uint64_t copyRowsDealtOverParts(ProgramBuilder copies) {
  Binary binary =
      copies.input("x", {3, 16}, 0, 0).output("y", {3, 16}, 2, 0).build();
  binary.inputs[0].parts = {{0, 0}, {1, 0}};
  binary.outputs[0].parts = {{2, 0}, {3, 0}};
  Binary loaded;
  std::string error;
  std::vector<uint8_t> bytes = writeBinary(binary);
  EXPECT_TRUE(readBinary(bytes.data(), bytes.size(), loaded, error)) << error;
  Simulator sim(loaded);
  std::vector<float> x(48), y(48);
  std::iota(x.begin(), x.end(), 0.0f);
  EXPECT_TRUE(sim.setInput(0, x.data(), x.size(), error)) << error;
  EXPECT_TRUE(sim.run(error)) << error;
  EXPECT_TRUE(sim.getOutput(0, y.data(), y.size(), error)) << error;
  EXPECT_EQ(y, x);
  return sim.getStats().cycles;
}

TEST(Simulator, ReadsAndWritesTensorsDealtOverParts) {
  copyRowsDealtOverParts(ProgramBuilder()
                             .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                             .at(UnitKind::Mem, 0, 2, memRead(e(0), 4))
                             .at(UnitKind::Mem, 1, 0, memRead(e(1), 0))
                             .at(UnitKind::Mem, 2, 4, memWrite(e(0), 0))
                             .at(UnitKind::Mem, 2, 6, memWrite(e(0), 4))
                             .at(UnitKind::Mem, 3, 4, memWrite(e(1), 0)));
}

TEST(Simulator, IssuesFarApartKeepTheirOrder) {
  // Rows copied after long waits (the proof's calendar of issues holds a
  // ring of cycles; these issues lie several rings apart) and, at cycle
  // 5000, two queues issuing in the same cycle. Row 0 is copied twice; the
  // program ends where its last write lands.
  EXPECT_EQ(copyRowsDealtOverParts(
                ProgramBuilder()
                    .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                    .at(UnitKind::Mem, 2, 4, memWrite(e(0), 0))
                    .at(UnitKind::Mem, 0, 5000, memRead(e(0), 4))
                    .at(UnitKind::Mem, 1, 5000, memRead(e(1), 0))
                    .at(UnitKind::Mem, 3, 5004, memWrite(e(1), 0))
                    .at(UnitKind::Mem, 2, 5004, memWrite(e(0), 4))
                    .at(UnitKind::Mem, 0, 9000, memRead(e(0), 0))
                    .at(UnitKind::Mem, 2, 9004, memWrite(e(0), 0))),
            9005u);
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
  const SimulationStats &stats = sim.getStats();
  EXPECT_EQ(stats.cycles, 12u);
  EXPECT_EQ(stats.instructions, 4u);
  EXPECT_EQ(stats.streamWrites, 3u);
  EXPECT_EQ(stats.streamReads, 3u);
  // x, the constant and y: an f32 vector of 16 lanes is 4 addresses of 16 B.
  EXPECT_EQ(stats.sramBytesUsed, 3u * 4u * 16u);
  EXPECT_EQ(stats.sramBytesTotal, 8u * 4096u * 16u);
  for (const UnitStats &u : stats.units)
    EXPECT_EQ(u.busyCycles, 1u);
}

/// y = x times two weight rows installed on mxm[0], with x = 1, 2, ..., 16.
/// `rows` are the constants at mem[2] (only the first two are loaded), four
/// addresses each. Rows come from mem[2] (slice 4) to mxm[0] (slice 0): read
/// at t, loaded at t+6, two cycles apart (an f32 read holds the slice's
/// banks for two); x comes from mem[0] (slice 2): read at 7, streamed at 11.
std::vector<float>
multiplyByTwoRows(const std::vector<std::vector<float>> &rows, bool transposed,
                  const std::vector<float> &x = iota16(1.0f)) {
  ProgramBuilder builder;
  builder.input("x", {1, 16}, 0, 0).output("y", {1, 16}, 1, 0);
  for (size_t r = 0; r < rows.size(); ++r)
    builder.constant(2, 4 * r, rows[r]);
  Binary binary =
      builder.at(UnitKind::Mem, 2, 0, memRead(w(0), 0))
          .at(UnitKind::Mem, 2, 2, memRead(w(0), 4))
          .at(UnitKind::MxmWeights, 0, 6, loadWeights(w(0), 0))
          .at(UnitKind::MxmWeights, 0, 8, loadWeights(w(0), 1))
          .at(UnitKind::MxmWeights, 0, 9, installWeights(2, transposed))
          .at(UnitKind::Mem, 0, 7, memRead(w(1), 0))
          .at(UnitKind::Mxm, 0, 11, inst(Opcode::MatMul, e(0), w(1)))
          .at(UnitKind::Mem, 1, 18, memWrite(e(0), 0))
          .build();
  Simulator sim(binary);
  std::string error;
  std::vector<float> y(16);
  EXPECT_TRUE(sim.setInput(0, x.data(), x.size(), error)) << error;
  EXPECT_TRUE(sim.run(error)) << error;
  EXPECT_TRUE(sim.getOutput(0, y.data(), y.size(), error)) << error;
  EXPECT_EQ(sim.getStats().cycles, 19u);
  return y;
}

TEST(Simulator, MatMulUsesInstalledRowsAndZeroesTheRest) {
  // Weight row r is r+1 everywhere; only 2 rows are installed, so
  // y[n] = x[0] * 1 + x[1] * 2 = 1 + 4.
  std::vector<float> y = multiplyByTwoRows({std::vector<float>(16, 1.0f),
                                            std::vector<float>(16, 2.0f),
                                            std::vector<float>(16, 3.0f)},
                                           /*transposed=*/false);
  for (float v : y)
    EXPECT_EQ(v, 5.0f);
}

// Weights only in column 0: the other columns still compute x times +0, which
// the simulator skips only where that changes no bit.
TEST(Simulator, MatMulColumnsOfZeroWeightsKeepIEEEResults) {
  std::vector<float> column0(16, 0.0f);
  column0[0] = 1.0f;
  std::vector<float> x = iota16(1.0f);
  for (float &v : x)
    v = -v; // every term of the zero columns is -0: the sum stays +0
  std::vector<float> y = multiplyByTwoRows({column0, column0}, false, x);
  EXPECT_EQ(y[0], -3.0f);
  for (int n = 1; n < 16; ++n)
    EXPECT_TRUE(y[n] == 0.0f && !std::signbit(y[n])) << n;
  x[1] = std::numeric_limits<float>::infinity(); // inf x +0 is NaN
  y = multiplyByTwoRows({column0, column0}, false, x);
  EXPECT_EQ(y[0], std::numeric_limits<float>::infinity()); // -1 + inf
  for (int n = 1; n < 16; ++n)
    EXPECT_TRUE(std::isnan(y[n])) << n;
}

TEST(Simulator, OneLoadTakesRowsFromConsecutiveStreamGroups) {
  // Rows 0 and 1 on mem[2] and mem[3] (slices 4 and 5) reach mxm[0] (slice
  // 0) together on w0..w3 and w4..w7; one lw loads both.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .output("y", {1, 16}, 1, 0)
          .constant(2, 0, std::vector<float>(16, 1.0f))
          .constant(3, 0, std::vector<float>(16, 2.0f))
          .at(UnitKind::Mem, 2, 1, memRead(w(0), 0))
          .at(UnitKind::Mem, 3, 0, memRead(w(1), 0))
          .at(UnitKind::MxmWeights, 0, 7,
              inst(Opcode::LoadWeights, kNoStream, w(0), kNoStream, 0,
                   encodeLoad(0, 2)))
          .at(UnitKind::MxmWeights, 0, 8, installWeights(2))
          .at(UnitKind::Mem, 0, 6, memRead(w(1), 0))
          .at(UnitKind::Mxm, 0, 10, inst(Opcode::MatMul, e(0), w(1)))
          .at(UnitKind::Mem, 1, 17, memWrite(e(0), 0))
          .build();
  for (float v : runOnRow(binary, iota16(1.0f)))
    EXPECT_EQ(v, 5.0f); // x[0] * 1 + x[1] * 2
}

TEST(Simulator, TransposedInstallMakesRowsColumns) {
  // Buffer row n becomes array column n: y[n] = dot(x, row n) for the two
  // rows and 0 past them.
  std::vector<float> y = multiplyByTwoRows(
      {std::vector<float>(16, 1.0f), iota16(0.0f)}, /*transposed=*/true);
  EXPECT_EQ(y[0], 136.0f);  // 1 + 2 + ... + 16
  EXPECT_EQ(y[1], 1360.0f); // 1*0 + 2*1 + ... + 16*15
  for (int n = 2; n < 16; ++n)
    EXPECT_EQ(y[n], 0.0f) << n;
}

TEST(Simulator, F16ArrayMeetsItsWindowOfLanesAndHoldsThePlaneTwoCycles) {
  // lpu-tiny's f16 array holds 8 rows, meeting input lanes [8, 16) with
  // window 8. Weight rows 1 and 2 (f16, from mem[2], slice 4): y[n] =
  // x[8] * 1 + x[9] * 2 = 9 + 20 for x = 1, 2, ..., 16. Each f16 product
  // holds the plane two cycles, so the second one issues at 13.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0, DType::F16)
          .output("y", {2, 16}, 1, 0)
          .constantVector(2, 0, DType::F16,
                          std::vector<uint32_t>(16, f32Bits(1.0f)))
          .constantVector(2, 2, DType::F16,
                          std::vector<uint32_t>(16, f32Bits(2.0f)))
          .at(UnitKind::Mem, 2, 0, typed(memRead(w(0), 0), DType::F16))
          .at(UnitKind::Mem, 2, 1, typed(memRead(w(0), 2), DType::F16))
          .at(UnitKind::MxmWeights, 0, 6,
              typed(loadWeights(w(0), 0), DType::F16))
          .at(UnitKind::MxmWeights, 0, 7,
              typed(loadWeights(w(0), 1), DType::F16))
          .at(UnitKind::MxmWeights, 0, 8,
              typed(inst(Opcode::InstallWeights, kNoStream, kNoStream,
                         kNoStream, 0, encodeInstall(2, false, 8)),
                    DType::F16))
          .at(UnitKind::Mem, 0, 7, typed(memRead(w(1), 0), DType::F16))
          .at(UnitKind::Mem, 0, 9, typed(memRead(w(1), 0), DType::F16))
          .at(UnitKind::Mxm, 0, 11,
              typed(inst(Opcode::MatMul, e(0), w(1)), DType::F16))
          .at(UnitKind::Mxm, 0, 13,
              typed(inst(Opcode::MatMul, e(1), w(1)), DType::F16))
          .at(UnitKind::Mem, 1, 18, memWrite(e(0), 0))
          .at(UnitKind::Mem, 1, 20, memWrite(e(1), 4))
          .build();
  Binary loaded;
  std::string error;
  std::vector<uint8_t> bytes = writeBinary(binary);
  ASSERT_TRUE(readBinary(bytes.data(), bytes.size(), loaded, error)) << error;
  Simulator sim(loaded);
  std::vector<uint16_t> x(16);
  for (int i = 0; i < 16; ++i)
    laneWordToHost(DType::F16, f32Bits(float(i + 1)), &x[i]);
  ASSERT_TRUE(sim.setInput(0, x.data(), 16, error)) << error;
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<float> y(32);
  ASSERT_TRUE(sim.getOutput(0, y.data(), 32, error)) << error;
  for (float v : y)
    EXPECT_EQ(v, 29.0f);
  for (const UnitStats &u : sim.getStats().units) {
    if (u.kind == UnitKind::Mxm) {
      EXPECT_EQ(u.busyCycles, 2u * 2u); // 2 products
    }
    if (u.kind == UnitKind::MxmWeights) {
      EXPECT_EQ(u.busyCycles, 3u); // 2 loads, install
    }
  }
}

TEST(Simulator, MatMulAccumulateAddsTheSecondOperand) {
  // mxm[1] sits at slice 12: from mem[2] (slice 4) a read at t arrives at
  // t+10, from mem[0] (slice 2) at t+12. One stream value feeds both
  // operands of the acc.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .output("y", {1, 16}, 1, 0)
          .constant(2, 0, std::vector<float>(16, 2.0f))
          .at(UnitKind::Mem, 2, 0, memRead(e(0), 0))
          .at(UnitKind::MxmWeights, 1, 10, loadWeights(e(0), 0))
          .at(UnitKind::MxmWeights, 1, 11, installWeights(1))
          .at(UnitKind::Mem, 0, 1, memRead(e(1), 0))
          .at(UnitKind::Mxm, 1, 13, inst(Opcode::MatMulAcc, w(0), e(1), e(1)))
          .at(UnitKind::Mem, 1, 26, memWrite(w(0), 0))
          .build();
  std::vector<float> x = iota16(1.0f), y = runOnRow(binary, x);
  ASSERT_EQ(y.size(), 16u);
  // y[n] = x[n] + x[0] * 2 (only weight row 0 is installed).
  for (int n = 0; n < 16; ++n)
    EXPECT_EQ(y[n], x[n] + 2.0f) << n;
}

TEST(Simulator, DistributeAndShiftMoveLanes) {
  // sxm[0] (slice 1) is one slice west of mem[0]; sxm[1] (slice 11) is nine
  // slices east.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .output("d", {1, 16}, 1, 0)
          .output("s", {1, 16}, 2, 0)
          .at(UnitKind::Mem, 0, 0, memRead(w(0), 0))
          .at(UnitKind::Sxm, 0, 3,
              inst(Opcode::Distribute, e(1), w(0), kNoStream, 0, 3 | (5 << 16)))
          .at(UnitKind::Mem, 1, 7, memWrite(e(1), 0))
          .at(UnitKind::Mem, 0, 2, memRead(e(0), 0))
          .at(UnitKind::Sxm, 1, 13,
              inst(Opcode::Shift, w(1), e(0), kNoStream, 0,
                   static_cast<uint32_t>(-2)))
          .at(UnitKind::Mem, 2, 22, memWrite(w(1), 0))
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

/// y = max(relu(t), t * t) with t = -2 (x - 3), its four intermediate
/// results on the fields `via` names (streams, or ALU latches); the scale
/// runs on vxm[scaleAlu], the square on vxm[squareAlu], the rest on vxm[0].
Binary subScaleReluSquareMax(const std::array<uint8_t, 4> &via,
                             uint32_t scaleAlu, uint32_t squareAlu) {
  return operandsAtTheVXM(std::vector<float>(16, 3.0f))
      .at(UnitKind::Vxm, 0, 6, inst(Opcode::Sub, via[0], e(0), e(1)))
      .at(UnitKind::Vxm, scaleAlu, 8,
          inst(Opcode::Scale, via[1], via[0], kNoStream, 0, f32Bits(-2.0f)))
      .at(UnitKind::Vxm, 0, 10, inst(Opcode::Relu, via[2], via[1]))
      .at(UnitKind::Vxm, squareAlu, 10,
          inst(Opcode::Mul, via[3], via[1], via[1]))
      .at(UnitKind::Vxm, 0, 12, inst(Opcode::Max, w(0), via[2], via[3]))
      .at(UnitKind::Mem, 1, 17, memWrite(w(0), 0))
      .build();
}

void expectSubScaleReluSquareMax(const Binary &binary) {
  std::vector<float> y = runOnRow(binary, iota16(0.0f));
  ASSERT_EQ(y.size(), 16u);
  for (int i = 0; i < 16; ++i) {
    float t = -2.0f * (i - 3.0f);
    EXPECT_EQ(y[i], std::max(std::max(t, 0.0f), t * t)) << i;
  }
}

TEST(Simulator, ScaleAndReluAndSubAndMax) {
  // Results of one VXM op are read by the next at the VXM's own slice in the
  // cycle they land; two ALUs read one stream slot in the same cycle.
  expectSubScaleReluSquareMax(subScaleReluSquareMax({e(2), e(3), w(1), w(2)},
                                                    /*scaleAlu=*/0,
                                                    /*squareAlu=*/1));
}

TEST(Simulator, ChainedALUsPassResultsWithoutStreams) {
  // The same, each intermediate result kept in its producer's ALU latch and
  // read by the next ALU in the cycle it lands; two ALUs read one latch in
  // the same cycle.
  expectSubScaleReluSquareMax(subScaleReluSquareMax(
      {latchField(0), latchField(1), latchField(0), latchField(2)},
      /*scaleAlu=*/1, /*squareAlu=*/2));
}

TEST(Simulator, DividesByAnImmediateAsIEEEDivisionDoes) {
  // x / 3 for the 16 lanes; 0 / 3 stays 0 and 1 / 3 rounds as x / y does.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .output("y", {1, 16}, 1, 0)
          .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
          .at(UnitKind::Vxm, 0, 6,
              inst(Opcode::DivScalar, w(0), e(0), kNoStream, 0, f32Bits(3.0f)))
          .at(UnitKind::Mem, 1, 11, memWrite(w(0), 0))
          .build();
  std::vector<float> x = iota16(0.0f), y = runOnRow(binary, x);
  ASSERT_EQ(y.size(), 16u);
  const volatile float three = 3.0f;
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(y[i], x[i] / three) << i;
}

TEST(Simulator, RepeatReadsAndWritesConsecutiveRows) {
  // One read and one write word each move three rows of four addresses,
  // every other cycle (an f32 access holds the slice's banks for two).
  Binary binary = ProgramBuilder()
                      .input("x", {3, 16}, 0, 0)
                      .output("y", {3, 16}, 1, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Mem, 0, 1, repeat(2, 2, 4))
                      .at(UnitKind::Mem, 1, 3, memWrite(e(0), 0))
                      .at(UnitKind::Mem, 1, 4, repeat(2, 2, 4))
                      .build();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x(48);
  std::iota(x.begin(), x.end(), 0.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), x.size(), error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<float> y(48);
  ASSERT_TRUE(sim.getOutput(0, y.data(), y.size(), error));
  EXPECT_EQ(y, x);
  EXPECT_EQ(sim.getStats().instructions, 6u);
  EXPECT_EQ(sim.getStats().instructionWords, 5u); // a NOP before the write
  EXPECT_EQ(sim.getStats().cycles, 8u);
}

TEST(Simulator, Int8MatMulAccumulatesInInt32) {
  // i8 weights rows 100 and -50; x = (-3, 100, 7, ...): y = -300 - 5000.
  auto word = [](int v) { return static_cast<uint32_t>(v); };
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0, DType::I8)
          .output("y", {1, 16}, 1, 0, DType::I32)
          .constantVector(2, 0, DType::I8, std::vector<uint32_t>(16, word(100)))
          .constantVector(2, 1, DType::I8, std::vector<uint32_t>(16, word(-50)))
          .at(UnitKind::Mem, 2, 0, typed(memRead(w(0), 0), DType::I8))
          .at(UnitKind::Mem, 2, 1, typed(memRead(w(0), 1), DType::I8))
          .at(UnitKind::MxmWeights, 0, 6,
              typed(loadWeights(w(0), 0), DType::I8))
          .at(UnitKind::MxmWeights, 0, 7,
              typed(loadWeights(w(0), 1), DType::I8))
          .at(UnitKind::MxmWeights, 0, 8, typed(installWeights(2), DType::I8))
          .at(UnitKind::Mem, 0, 6, typed(memRead(w(1), 0), DType::I8))
          .at(UnitKind::Mxm, 0, 10,
              typed(inst(Opcode::MatMul, e(0), w(1)), DType::I8))
          .at(UnitKind::Mem, 1, 17, typed(memWrite(e(0), 0), DType::I32))
          .build();
  Simulator sim(binary);
  std::string error;
  std::vector<int8_t> x(16, 7);
  x[0] = -3;
  x[1] = 100;
  ASSERT_TRUE(sim.setInput(0, x.data(), x.size(), error)) << error;
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<int32_t> y(16);
  ASSERT_TRUE(sim.getOutput(0, y.data(), y.size(), error));
  for (int32_t v : y)
    EXPECT_EQ(v, -3 * 100 + 100 * -50);
}

TEST(Simulator, DividesIntegersTowardZeroAndTakesRemainders) {
  // i32 a / b, a mod b (the divisor's sign) and fmod (the dividend's), with
  // RISC-V's answers for a zero divisor: -1 and a.
  Binary binary =
      inputPairAtTheVXM(DType::I32)
          .output("q", {1, 16}, 1, 8, DType::I32)
          .output("m", {1, 16}, 2, 0, DType::I32)
          .output("f", {1, 16}, 3, 0, DType::I32)
          .at(UnitKind::Vxm, 0, 6,
              typed(inst(Opcode::Div, w(0), e(0), e(1)), DType::I32))
          .at(UnitKind::Vxm, 1, 6,
              typed(inst(Opcode::Mod, w(1), e(0), e(1)), DType::I32))
          .at(UnitKind::Vxm, 2, 6,
              typed(inst(Opcode::Mod, w(2), e(0), e(1), 0, 1), DType::I32))
          .at(UnitKind::Mem, 1, 11, typed(memWrite(w(0), 8), DType::I32))
          .at(UnitKind::Mem, 2, 10, typed(memWrite(w(1), 0), DType::I32))
          .at(UnitKind::Mem, 3, 9, typed(memWrite(w(2), 0), DType::I32))
          .build();
  Simulator sim(binary);
  std::string error;
  std::vector<int32_t> a = {7, -7, 7, -7, 5, INT32_MIN, 0, 9},
                       b = {2, 2, -2, -2, 0, -1, 3, 3};
  a.resize(16, 1);
  b.resize(16, 1);
  ASSERT_TRUE(sim.setInput(0, a.data(), 16, error));
  ASSERT_TRUE(sim.setInput(1, b.data(), 16, error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<int32_t> q(16), m(16), f(16);
  ASSERT_TRUE(sim.getOutput(0, q.data(), 16, error));
  ASSERT_TRUE(sim.getOutput(1, m.data(), 16, error));
  ASSERT_TRUE(sim.getOutput(2, f.data(), 16, error));
  EXPECT_EQ(std::vector<int32_t>(q.begin(), q.begin() + 8),
            (std::vector<int32_t>{3, -3, -3, 3, -1, INT32_MIN, 0, 3}));
  EXPECT_EQ(std::vector<int32_t>(m.begin(), m.begin() + 8),
            (std::vector<int32_t>{1, 1, -1, -1, 5, 0, 0, 0}));
  EXPECT_EQ(std::vector<int32_t>(f.begin(), f.begin() + 8),
            (std::vector<int32_t>{1, -1, 1, -1, 5, 0, 0, 0}));
}

TEST(Simulator, ConvertsTowardZeroWhenAsked) {
  // f32 -> i32 with bit 8 of the immediate truncates (ONNX Cast); without
  // it, rounds half to even.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .output("t", {1, 16}, 1, 0, DType::I32)
          .output("r", {1, 16}, 2, 0, DType::I32)
          .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
          .at(UnitKind::Vxm, 0, 6,
              inst(Opcode::Convert, w(0), e(0), kNoStream, 0,
                   static_cast<uint32_t>(DType::I32) | kConvertTowardZero))
          .at(UnitKind::Vxm, 1, 6,
              inst(Opcode::Convert, w(1), e(0), kNoStream, 0,
                   static_cast<uint32_t>(DType::I32)))
          .at(UnitKind::Mem, 1, 11, typed(memWrite(w(0), 0), DType::I32))
          .at(UnitKind::Mem, 2, 10, typed(memWrite(w(1), 0), DType::I32))
          .build();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x = {2.5f, -2.5f, 3.99f, -3.99f, 1e10f, -0.5f};
  x.resize(16, 0.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), 16, error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<int32_t> t(16), r(16);
  ASSERT_TRUE(sim.getOutput(0, t.data(), 16, error));
  ASSERT_TRUE(sim.getOutput(1, r.data(), 16, error));
  EXPECT_EQ(std::vector<int32_t>(t.begin(), t.begin() + 6),
            (std::vector<int32_t>{2, -2, 3, -3, INT32_MAX, 0}));
  EXPECT_EQ(std::vector<int32_t>(r.begin(), r.begin() + 6),
            (std::vector<int32_t>{2, -2, 4, -4, INT32_MAX, 0}));
}

/// y = gather from a table of four f32 entries (entry e: 10 e + lane) in
/// mem[1], by the i32 indices in x; `flags` are the fault bits.
Binary gatherProgram(uint32_t flags, bool writeTable = true) {
  ProgramBuilder builder;
  builder.input("x", {1, 16}, 0, 0, DType::I32).output("y", {1, 16}, 2, 0);
  if (writeTable)
    for (uint32_t e = 0; e < 4; ++e)
      builder.constant(1, 4 * e, iota16(10.0f * e));
  GatherFields f;
  f.count = 4;
  f.stride = 1;
  f.faultBelow = flags & 1;
  f.faultAbove = flags & 2;
  return builder.at(UnitKind::Mem, 0, 0, typed(memRead(e(0), 0), DType::I32))
      .at(UnitKind::Mem, 1, 3,
          inst(Opcode::Gather, e(1), e(0), kNoStream, 0, encodeGather(f)))
      .at(UnitKind::Mem, 2, 6, memWrite(e(1), 0))
      .build();
}

TEST(Simulator, GatherReadsEachLanesEntry) {
  Binary binary = gatherProgram(/*flags=*/3);
  Simulator sim(binary);
  std::string error;
  std::vector<int32_t> x = {2, 0, 3, 1, 3, 3, 3, 3, 0, 0, 0, 0, 1, 2, 1, 2};
  ASSERT_TRUE(sim.setInput(0, x.data(), 16, error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<float> y(16);
  ASSERT_TRUE(sim.getOutput(0, y.data(), 16, error));
  for (int l = 0; l < 16; ++l)
    EXPECT_EQ(y[l], 10.0f * x[l] + l) << l;
}

TEST(Simulator, GatherOutsideItsTableReadsZeroOrFaults) {
  std::vector<int32_t> x(16, 1);
  x[5] = 4;
  x[6] = -1;
  std::string error;
  {
    Binary binary = gatherProgram(/*flags=*/0);
    Simulator sim(binary);
    ASSERT_TRUE(sim.setInput(0, x.data(), 16, error));
    ASSERT_TRUE(sim.run(error)) << error;
    std::vector<float> y(16);
    ASSERT_TRUE(sim.getOutput(0, y.data(), 16, error));
    EXPECT_EQ(y[4], 14.0f);
    EXPECT_EQ(y[5], 0.0f);
    EXPECT_EQ(y[6], 0.0f);
  }
  Binary binary = gatherProgram(/*flags=*/2);
  Simulator sim(binary);
  ASSERT_TRUE(sim.setInput(0, x.data(), 16, error));
  EXPECT_FALSE(sim.run(error));
  EXPECT_EQ(error, "fault at cycle 3: mem[1] 'gather.f32 [0], e0, count 4, "
                   "stride 1, fault above -> e4': lane 5 gathers entry 4 of "
                   "a table of 4");
  std::vector<float> y(16);
  EXPECT_FALSE(sim.getOutput(0, y.data(), 16, error));
}

TEST(Hazard, GatherFromATableNothingWrote) {
  EXPECT_EQ(runExpectingFailure(gatherProgram(0, /*writeTable=*/false)),
            "hazard at cycle 3: mem[1] instruction #1 'gather.f32 [0], e0, "
            "count 4, stride 1 -> e4' issued at cycle 3 gathers from mem[1]:0 "
            "before any write to it has landed");
}

/// A scatter of the constant 100 + lane into the table t of four f32
/// entries (mem[1], an input whose next value, t_next, is its state), by
/// the i32 indices in x; `flags` are the fault bits. The value leaves mem[3]
/// (slice 5) westward and the indices mem[0] (slice 2) eastward, both
/// passing mem[1] (slice 3) at cycle 4.
Binary scatterProgram(uint32_t flags) {
  GatherFields f;
  f.count = 4;
  f.stride = 1;
  f.faultBelow = flags & 1;
  f.faultAbove = flags & 2;
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0, DType::I32)
          .input("t", {4, 16}, 1, 0)
          .output("t_next", {4, 16}, 1, 0)
          .constant(3, 0, iota16(100.0f))
          .at(UnitKind::Mem, 3, 0, memRead(w(0), 0))
          .at(UnitKind::Mem, 0, 1, typed(memRead(e(0), 0), DType::I32))
          .at(UnitKind::Mem, 1, 4,
              inst(Opcode::Scatter, kNoStream, w(0), e(0), 0, encodeGather(f)))
          .build();
  binary.outputs[0].stateOf = 1;
  return binary;
}

TEST(Simulator, ScatterWritesEachLanesEntry) {
  Binary binary = scatterProgram(/*flags=*/0);
  Simulator sim(binary);
  std::string error;
  std::vector<int32_t> x = {2, 0, 3, 1, 3, -1, 4, 3, 0, 0, 0, 0, 1, 2, 1, 2};
  std::vector<float> t(64, -1.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), 16, error));
  ASSERT_TRUE(sim.setInput(1, t.data(), 64, error));
  ASSERT_TRUE(sim.run(error)) << error;
  ASSERT_TRUE(sim.getOutput(0, t.data(), 64, error));
  for (int r = 0; r < 4; ++r)
    for (int l = 0; l < 16; ++l)
      EXPECT_EQ(t[16 * r + l], x[l] == r ? 100.0f + l : -1.0f) << r << " " << l;
}

TEST(Simulator, ScatterOutsideItsTableFaults) {
  Binary binary = scatterProgram(/*flags=*/2);
  Simulator sim(binary);
  std::string error;
  std::vector<int32_t> x(16, 1);
  x[5] = 4;
  ASSERT_TRUE(sim.setInput(0, x.data(), 16, error));
  EXPECT_FALSE(sim.run(error));
  EXPECT_EQ(error, "fault at cycle 4: mem[1] 'scatter.f32 w0, e0, count 4, "
                   "stride 1, fault above -> [0]': lane 5 scatters to entry 4 "
                   "of a table of 4");
}

TEST(Simulator, ConvertsRoundingAndSaturating) {
  // f32 -> f16 rounds to nearest even; f32 -> i8 rounds half to even and
  // saturates.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .output("h", {1, 16}, 1, 0, DType::F16)
          .output("b", {1, 16}, 2, 0, DType::I8)
          .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
          .at(UnitKind::Vxm, 0, 6,
              inst(Opcode::Convert, w(0), e(0), kNoStream, 0,
                   static_cast<uint32_t>(DType::F16)))
          .at(UnitKind::Vxm, 1, 6,
              inst(Opcode::Convert, w(1), e(0), kNoStream, 0,
                   static_cast<uint32_t>(DType::I8)))
          .at(UnitKind::Mem, 1, 11, typed(memWrite(w(0), 0), DType::F16))
          .at(UnitKind::Mem, 2, 10, typed(memWrite(w(1), 0), DType::I8))
          .build();
  Simulator sim(binary);
  std::string error;
  std::vector<float> x = {
      1.0f + 1.0f / 4096, 70000.0f, -200.6f, 2.5f, 3.5f, -0.0f,
      65504.0f,           1e-8f};
  x.resize(16, 0.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), x.size(), error));
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<uint16_t> h(16);
  std::vector<int8_t> b(16);
  ASSERT_TRUE(sim.getOutput(0, h.data(), 16, error));
  ASSERT_TRUE(sim.getOutput(1, b.data(), 16, error));
  EXPECT_EQ(h[0], 0x3c00); // 1 + 2^-12 rounds to 1
  EXPECT_EQ(h[1], 0x7c00); // overflow to +inf
  EXPECT_EQ(h[3], 0x4100); // 2.5
  EXPECT_EQ(h[5], 0x8000); // -0
  EXPECT_EQ(h[6], 0x7bff); // largest half
  EXPECT_EQ(h[7], 0x0000); // underflows to 0
  EXPECT_EQ(std::vector<int8_t>(b.begin(), b.begin() + 6),
            (std::vector<int8_t>{1, 127, -128, 2, 4, 0}));
}

TEST(Simulator, Bfloat16AddRoundsEachResult) {
  // bf16 keeps 8 significant bits: 1 + 2^-8 ties to even (1), and
  // 256 + 1 rounds back to 256.
  Binary binary =
      inputPairAtTheVXM(DType::BF16)
          .output("z", {1, 16}, 2, 0, DType::BF16)
          .at(UnitKind::Vxm, 0, 6,
              typed(inst(Opcode::Add, w(0), e(0), e(1)), DType::BF16))
          .at(UnitKind::Mem, 2, 10, typed(memWrite(w(0), 0), DType::BF16))
          .build();
  Simulator sim(binary);
  std::string error;
  auto bits = [](float f) { return static_cast<uint16_t>(f32Bits(f) >> 16); };
  std::vector<uint16_t> x(16, bits(1.0f)), y(16, bits(0.00390625f));
  x[1] = bits(256.0f);
  y[1] = bits(1.0f);
  ASSERT_TRUE(sim.setInput(0, x.data(), 16, error)) << error;
  ASSERT_TRUE(sim.setInput(1, y.data(), 16, error)) << error;
  ASSERT_TRUE(sim.run(error)) << error;
  std::vector<uint16_t> z(16);
  ASSERT_TRUE(sim.getOutput(0, z.data(), 16, error));
  EXPECT_EQ(z[0], bits(1.0f));
  EXPECT_EQ(z[1], bits(256.0f));
}

// One test per hazard kind; each report names the cycle, the unit, the
// instruction index and, where there is one, the conflicting instruction.

TEST(Hazard, ReadOfAStreamSlotNothingWrote) {
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Vxm, 0, 3, inst(Opcode::Relu, e(1), e(3)))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 3: vxm[0] instruction #1 'vrelu.f32 e12 -> e4' "
            "issued at cycle 3 reads stream e12 at slice 6, where no value is "
            "passing at that cycle");
}

TEST(Hazard, ReadAfterTheValuePassed) {
  // x reaches the VXM at cycle 6; at 7 it has moved on to slice 7.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Vxm, 0, 7, inst(Opcode::Relu, e(1), e(0)))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 7: vxm[0] instruction #1 'vrelu.f32 e0 -> e4' "
            "issued at cycle 7 reads stream e0 at slice 6, where no value is "
            "passing at that cycle");
}

TEST(Hazard, ReadUpstreamOfTheWriter) {
  // Westward from mem[0] (slice 2): the value never reaches the VXM.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(w(0), 0))
                      .at(UnitKind::Vxm, 0, 6, inst(Opcode::Relu, e(1), w(0)))
                      .build();
  EXPECT_NE(runExpectingFailure(binary).find(
                "reads stream w0 at slice 6, where no value is passing"),
            std::string::npos);
}

TEST(Hazard, TwoWritersToOneStreamSlot) {
  // Two VXM ALUs (both at slice 6) put results on e8 in the same cycle.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Vxm, 0, 6, inst(Opcode::Move, e(2), e(0)))
                      .at(UnitKind::Vxm, 1, 6, inst(Opcode::Relu, e(2), e(0)))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 8: vxm[1] instruction #1 'vrelu.f32 e0 -> e8' "
            "issued at cycle 6 writes stream e8 at slice 6 in the same cycle "
            "as vxm[0] instruction #1 'vmov.f32 e0 -> e8' issued at cycle 6");
}

TEST(Hazard, ReadOfALatchOutsideTheCycleItsResultLands) {
  // The relu's result lands in vxm[0]'s latch at cycle 8, not 9.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
          .at(UnitKind::Vxm, 0, 6, inst(Opcode::Relu, latchField(0), e(0)))
          .at(UnitKind::Vxm, 1, 9, inst(Opcode::Relu, e(1), latchField(0)))
          .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 9: vxm[1] instruction #1 'vrelu.f32 alu0 -> e4' "
            "issued at cycle 9 reads the latch of alu0, where no result lands "
            "at that cycle");
}

TEST(Hazard, TwoResultsInOneLatchInOneCycle) {
  // z reaches the VXM at cycle 5, x at 6; vexp takes 3 cycles on lpu-tiny,
  // vrelu 2: both land at cycle 8.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .input("z", {1, 16}, 1, 0)
          .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
          .at(UnitKind::Mem, 1, 0, memRead(e(1), 0))
          .at(UnitKind::Vxm, 0, 5, inst(Opcode::Exp, latchField(0), e(1)))
          .at(UnitKind::Vxm, 0, 6, inst(Opcode::Relu, latchField(0), e(0)))
          .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 8: vxm[0] instruction #2 'vrelu.f32 e0 -> alu0' "
            "issued at cycle 6 puts its result in the latch of alu0 in the "
            "same cycle as vxm[0] instruction #1 'vexp.f32 e4 -> alu0' issued "
            "at cycle 5");
}

TEST(Hazard, StreamValueOverwrittenBeforeAnyoneReadIt) {
  // mem[0]'s value passes slice 3 at cycle 3, where mem[1] puts its own on
  // the same stream: the first value is lost unread.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .input("z", {1, 16}, 1, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Mem, 1, 1, memRead(e(0), 0))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 3: mem[1] instruction #1 'read.f32 [0] -> e0' "
            "issued at cycle 1 overwrites, at slice 3, the value on stream e0 "
            "that nobody has read yet, written by mem[0] instruction #0 "
            "'read.f32 [0] -> e0' issued at cycle 0");
}

TEST(Hazard, StreamGroupCarryingANarrowerValue) {
  // An i8 vector takes one stream; an f32 reader of the group e0..e3 finds
  // it on e0 (and nothing of its own width).
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0, DType::I8)
          .at(UnitKind::Mem, 0, 0, typed(memRead(e(0), 0), DType::I8))
          .at(UnitKind::Vxm, 0, 6, inst(Opcode::Relu, w(0), e(0)))
          .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 6: vxm[0] instruction #1 'vrelu.f32 e0 -> w0' "
            "issued at cycle 6 reads a f32 vector on streams e0..e3, but "
            "stream e0 carries part of a i8 vector from mem[0] instruction #0 "
            "'read.i8 [0] -> e0' issued at cycle 0");
}

TEST(Hazard, BankPortUsedTwiceInACycle) {
  // The write to mem[1]:0 lands at 4 and holds banks 0 and 1 for two
  // cycles; a read of mem[1]:4 (z's second row, banks 0 and 1) at 4 needs
  // the same ports.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .input("z", {3, 16}, 1, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Mem, 1, 3, memWrite(e(0), 0))
                      .at(UnitKind::Mem, 1, 4, memRead(e(1), 4))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 4: mem[1] instruction #2 'read.f32 [4] -> e4' "
            "issued at cycle 4 uses bank 0 of mem[1] at cycle 4, while "
            "mem[1] instruction #1 'write.f32 e0 -> [0]' issued at cycle 3 "
            "holds it");
}

TEST(Hazard, SRAMReadBeforeTheWriteLands) {
  // The write to mem[1]:4 issues at 3 and lands at 4; the read at 6 of the
  // same queue would be fine, the read at 2 sees nothing written.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Mem, 1, 2, memRead(e(1), 4))
                      .at(UnitKind::Mem, 1, 3, memWrite(e(0), 4))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 2: mem[1] instruction #1 'read.f32 [4] -> e4' "
            "issued at cycle 2 reads mem[1]:4 before any write to it has "
            "landed");
}

TEST(Hazard, InstallBeforeTheWeightLoadsLand) {
  // On lpu-v1 (mem[0] at slice 4, mxw[1] at slice 2, read latency 3, lw 2)
  // the row loaded at 5 is in the buffer at 7, so an install at 6 would
  // take a stale row.
  Binary binary = ProgramBuilder("lpu-v1")
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(32, 0))
                      .at(UnitKind::MxmWeights, 1, 5, loadWeights(32, 0))
                      .at(UnitKind::MxmWeights, 1, 6, installWeights(1))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 6: mxw[1] instruction #2 'iw.f32 1' issued at "
            "cycle 6 installs weights while a weight-buffer row load has not "
            "landed (it lands at cycle 7)");
}

TEST(Hazard, MatMulBeforeAnyInstall) {
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(w(0), 0))
                      .at(UnitKind::Mxm, 0, 4, inst(Opcode::MatMul, e(1), w(0)))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 4: mxm[0] instruction #1 'abc.f32 w0 -> e4' "
            "issued at cycle 4 streams activations before any weights were "
            "installed");
}

TEST(Hazard, MatMulWhileWeightsInstall) {
  // Install latency is 2 on lpu-tiny: issued at 5, usable from 7.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(w(0), 0))
                      .at(UnitKind::MxmWeights, 0, 4, loadWeights(w(0), 0))
                      .at(UnitKind::MxmWeights, 0, 5, installWeights(1))
                      .at(UnitKind::Mem, 0, 2, memRead(w(1), 0))
                      .at(UnitKind::Mxm, 0, 6, inst(Opcode::MatMul, e(1), w(1)))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 6: mxm[0] instruction #1 'abc.f32 w4 -> e4' "
            "issued at cycle 6 streams activations while weights are "
            "installing");
}

TEST(Hazard, InstallOfRowsLoadedAsAnotherType) {
  // Row 0 is loaded as f32 (four streams' bytes); an f16 install would
  // read its bytes as halves.
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .at(UnitKind::Mem, 0, 0, memRead(w(0), 0))
          .at(UnitKind::MxmWeights, 0, 4, loadWeights(w(0), 0))
          .at(UnitKind::MxmWeights, 0, 5, typed(installWeights(1), DType::F16))
          .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 5: mxw[0] instruction #2 'iw.f16 1' issued at "
            "cycle 5 installs f16 weights from buffer row 0, loaded as f32");
}

TEST(Hazard, MatMulTypeDiffersFromTheInstalledWeights) {
  Binary binary =
      ProgramBuilder()
          .input("x", {1, 16}, 0, 0)
          .at(UnitKind::Mem, 0, 0, memRead(w(0), 0))
          .at(UnitKind::MxmWeights, 0, 4, loadWeights(w(0), 0))
          .at(UnitKind::MxmWeights, 0, 5, installWeights(1))
          .at(UnitKind::Mem, 0, 3, typed(memRead(w(1), 0), DType::I8))
          .at(UnitKind::Mxm, 0, 7,
              typed(inst(Opcode::MatMul, e(1), w(1)), DType::I8))
          .build();
  EXPECT_NE(runExpectingFailure(binary).find(
                "streams i8 activations through f32 weights"),
            std::string::npos);
}

TEST(Hazard, RepeatSteppingOutOfTheSlice) {
  // x fills the slice's last eight addresses (two f32 rows); the third read
  // would be past them.
  Binary binary = ProgramBuilder()
                      .input("x", {2, 16}, 0, 4088)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 4088))
                      .at(UnitKind::Mem, 0, 1, repeat(2, 2, 4))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "mem[0] instruction #1: repeat steps the address out of the "
            "slice (4096)");
}

TEST(Hazard, RepeatPastWhatTheProgramWrote) {
  // Found by the loader fuzzer: the repeat's last address is outside the
  // slice, the second is inside it but past everything the program touches.
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Mem, 0, 1, repeat(5000, 2, 4))
                      .build();
  EXPECT_EQ(runExpectingFailure(binary),
            "hazard at cycle 2: mem[0] instruction #1 (issue 1 of the repeat) "
            "'read.f32 [4] -> e0' issued at cycle 2 reads mem[0]:4 before any "
            "write to it has landed");
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
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Mem, 1, 3, memWrite(e(0), 0))
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
