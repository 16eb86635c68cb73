//===- BinaryTest.cpp - The .lpu format: round trips and validation -------===//

#include "TestPrograms.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace lpu;
using namespace lpu::test;

namespace {

bool parse(const std::vector<uint8_t> &bytes, Binary &out, std::string &error) {
  return readBinary(bytes.data(), bytes.size(), out, error);
}

/// Re-serializes after `mutate`, so the checksum is valid and only the
/// semantic validation can catch the problem.
std::string rejection(void (*mutate)(Binary &)) {
  Binary binary = makeAddProgram();
  mutate(binary);
  std::vector<uint8_t> bytes = writeBinary(binary);
  Binary parsed;
  std::string error;
  EXPECT_FALSE(parse(bytes, parsed, error));
  return error;
}

TEST(ISA, EveryOpcodeRoundTripsThroughItsEncoding) {
  for (unsigned op = 0; op < kNumOpcodes; ++op) {
    Instruction in =
        inst(static_cast<Opcode>(op), 3, 4, 5, 0x01020304, 0xdeadbeef);
    uint8_t word[kInstructionBytes];
    encodeInstruction(in, word);
    Instruction out;
    ASSERT_TRUE(decodeInstruction(word, out));
    EXPECT_EQ(out.opcode, in.opcode);
    EXPECT_EQ(out.dst, 3);
    EXPECT_EQ(out.src0, 4);
    EXPECT_EQ(out.src1, 5);
    EXPECT_EQ(out.address, 0x01020304u);
    EXPECT_EQ(out.imm, 0xdeadbeefu);
    EXPECT_EQ(getInstructionInfo(static_cast<Opcode>(op)).opcode, in.opcode);
  }
  uint8_t bad[kInstructionBytes] = {static_cast<uint8_t>(kNumOpcodes)};
  Instruction out;
  EXPECT_FALSE(decodeInstruction(bad, out));
}

TEST(Target, BuiltinTargetsAreValid) {
  ASSERT_NE(findBuiltinTarget("lpu-v1"), nullptr);
  ASSERT_NE(findBuiltinTarget("lpu-tiny"), nullptr);
  EXPECT_EQ(findBuiltinTarget("lpu-v2"), nullptr);
  for (const TargetDesc &t : builtinTargets())
    EXPECT_EQ(t.validate(), "") << t.name;
  const TargetDesc &v1 = *findBuiltinTarget("lpu-v1");
  EXPECT_EQ(v1.lanes, 320u);
  EXPECT_EQ(v1.memSlices, 88u);
  EXPECT_EQ(v1.memAddresses, 8192u);
  EXPECT_EQ(v1.numStreams(), 64u);
  EXPECT_EQ(v1.mxmPlanes, 4u);
  EXPECT_EQ(v1.clockMHz, 900u);
}

TEST(Layout, RowsOfLaneVectors) {
  TensorLayout l = layoutFor({2, 3, 20}, 16);
  EXPECT_EQ(l.rows, 6);
  EXPECT_EQ(l.rowLength, 20);
  EXPECT_EQ(l.vectorsPerRow, 2);
  EXPECT_EQ(l.numVectors(), 12);
  TensorLayout scalar = layoutFor({}, 16);
  EXPECT_EQ(scalar.numVectors(), 1);
  EXPECT_EQ(scalar.numElements(), 1);
}

TEST(Binary, RoundTripIsExactAndDeterministic) {
  Binary binary = makeAddProgram();
  binary.producer = "unit test";
  std::vector<uint8_t> bytes = writeBinary(binary);
  EXPECT_EQ(bytes, writeBinary(binary));
  Binary parsed;
  std::string error;
  ASSERT_TRUE(parse(bytes, parsed, error)) << error;
  EXPECT_EQ(parsed.target, binary.target);
  EXPECT_EQ(parsed.producer, "unit test");
  ASSERT_EQ(parsed.inputs.size(), 1u);
  EXPECT_EQ(parsed.inputs[0].name, "x");
  EXPECT_EQ(parsed.inputs[0].shape, (std::vector<int64_t>{1, 16}));
  ASSERT_EQ(parsed.sram.size(), 1u);
  EXPECT_EQ(parsed.sram[0].data, binary.sram[0].data);
  ASSERT_EQ(parsed.units.size(), binary.units.size());
  EXPECT_EQ(writeBinary(parsed), bytes);
}

TEST(Binary, EveryTruncationIsRejected) {
  std::vector<uint8_t> bytes = writeBinary(makeAddProgram());
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
    Binary parsed;
    std::string error;
    EXPECT_FALSE(parse(prefix, parsed, error)) << "prefix of " << n;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Binary, EveryCorruptedByteIsRejected) {
  std::vector<uint8_t> bytes = writeBinary(makeAddProgram());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> corrupted = bytes;
    corrupted[i] ^= 0x40;
    Binary parsed;
    std::string error;
    EXPECT_FALSE(parse(corrupted, parsed, error)) << "byte " << i;
  }
}

TEST(Binary, RejectsNewerMajorVersion) {
  std::vector<uint8_t> bytes = writeBinary(makeAddProgram());
  bytes[8] = kFormatMajor + 1;
  Binary parsed;
  std::string error;
  EXPECT_FALSE(parse(bytes, parsed, error));
  EXPECT_NE(error.find("unsupported format version 2.0"), std::string::npos)
      << error;
}

TEST(Binary, RejectsAddressesOutsideSRAM) {
  std::string error = rejection([](Binary &b) {
    b.units[0].instructions.back().address = b.target.memAddresses;
  });
  EXPECT_NE(error.find("address 4096 is invalid"), std::string::npos) << error;
}

TEST(Binary, RejectsInstructionsOnTheWrongUnit) {
  std::string error = rejection([](Binary &b) {
    for (UnitProgram &u : b.units)
      if (u.kind == UnitKind::Vxm)
        u.kind = UnitKind::Mxm;
  });
  EXPECT_NE(error.find("'vadd' cannot run on a mxm unit"), std::string::npos)
      << error;
}

TEST(Binary, RejectsStreamsTheTargetLacks) {
  std::string error = rejection([](Binary &b) {
    for (UnitProgram &u : b.units)
      if (u.kind == UnitKind::Vxm)
        u.instructions.back().src1 = 200;
  });
  EXPECT_NE(error.find("second source stream 200 does not exist"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsTensorsOutsideSRAM) {
  std::string error = rejection([](Binary &b) {
    b.outputs[0].address = 4095;
    b.outputs[0].shape = {2, 16};
    b.outputs[0].layout = layoutFor({2, 16}, 16);
  });
  EXPECT_NE(error.find("tensor 'y': SRAM range [4095, +2) is outside"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsUnitsTheTargetLacks) {
  std::string error = rejection([](Binary &b) { b.units[0].index = 99; });
  EXPECT_NE(error.find("does not exist or appears twice"), std::string::npos)
      << error;
}

TEST(Binary, RejectsInvalidTargets) {
  std::string error = rejection([](Binary &b) { b.target.lanes = 0; });
  EXPECT_NE(error.find("invalid target description: lanes"), std::string::npos)
      << error;
}

TEST(Binary, RejectsZeroLengthNops) {
  std::string error = rejection([](Binary &b) {
    b.units[0].instructions.insert(b.units[0].instructions.begin(),
                                   inst(Opcode::Nop));
  });
  EXPECT_NE(error.find("'nop' count 0 is invalid"), std::string::npos) << error;
}

TEST(Assembly, PrintsOneLinePerInstructionWithItsCycle) {
  std::ostringstream os;
  printAssembly(makeAddProgram(), os);
  std::string text = os.str();
  EXPECT_NE(text.find("; input  x : f32[1x16] at mem[0]:0"), std::string::npos)
      << text;
  EXPECT_NE(text.find("@2       vadd e0, e1 -> e2"), std::string::npos) << text;
  EXPECT_NE(text.find("@0       nop 4"), std::string::npos) << text;
  EXPECT_NE(text.find("@4       write e2 -> [0]"), std::string::npos) << text;
}

} // namespace
