//===- BinaryTest.cpp - The .lpu format: round trips and validation -------===//

#include "TestPrograms.h"

#include <gtest/gtest.h>

#include <functional>
#include <sstream>

using namespace lpu;
using namespace lpu::test;

namespace {

bool parse(const std::vector<uint8_t> &bytes, Binary &out, std::string &error) {
  return readBinary(bytes.data(), bytes.size(), out, error);
}

/// Re-serializes after `mutate`, so the checksum is valid and only the
/// semantic validation can catch the problem.
std::string rejection(const std::function<void(Binary &)> &mutate) {
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

TEST(Layout, RowsOfLaneVectors) {
  TensorLayout l = layoutFor({2, 3, 20}, 16, 4);
  EXPECT_EQ(l.rows, 6);
  EXPECT_EQ(l.rowLength, 20);
  EXPECT_EQ(l.vectorsPerRow, 2);
  EXPECT_EQ(l.numVectors(), 12);
  EXPECT_EQ(l.numAddresses(), 48);
  // Vector 3 (row 1, vector 1) starts four addresses per vector in.
  EXPECT_EQ(PartDeal{}.locate(l, 3).second, 12);
  TensorLayout scalar = layoutFor({}, 16, 1);
  EXPECT_EQ(scalar.numVectors(), 1);
  EXPECT_EQ(scalar.numElements(), 1);
}

TEST(Binary, RoundTripIsExactAndDeterministic) {
  Binary binary = makeAddProgram();
  binary.producer = "unit test";
  binary.provenance = {{"model.sha256", std::string(64, 'a')},
                       {"flags", "--target=lpu-tiny"},
                       {"empty", ""}};
  std::vector<uint8_t> bytes = writeBinary(binary);
  EXPECT_EQ(bytes, writeBinary(binary));
  Binary parsed;
  std::string error;
  ASSERT_TRUE(parse(bytes, parsed, error)) << error;
  EXPECT_EQ(parsed.target, binary.target);
  EXPECT_EQ(parsed.producer, "unit test");
  EXPECT_EQ(parsed.provenance, binary.provenance);
  ASSERT_EQ(parsed.inputs.size(), 1u);
  EXPECT_EQ(parsed.inputs[0].name, "x");
  EXPECT_EQ(parsed.inputs[0].shape, (std::vector<int64_t>{1, 16}));
  ASSERT_EQ(parsed.sram.size(), 1u);
  EXPECT_EQ(parsed.sram[0].addresses, binary.sram[0].addresses);
  EXPECT_EQ(parsed.sramBytes, binary.sramBytes);
  ASSERT_EQ(parsed.units.size(), binary.units.size());
  // The loaded queues share one arena.
  for (const UnitProgram &unit : parsed.units) {
    EXPECT_NE(unit.instructions.get_allocator().arena, nullptr);
    EXPECT_EQ(unit.instructions.get_allocator(),
              parsed.units[0].instructions.get_allocator());
  }
  EXPECT_EQ(writeBinary(parsed), bytes);
  // A copy's queues are its own, and stay valid without the original.
  Binary copy = parsed;
  parsed = Binary();
  EXPECT_EQ(copy.units[0].instructions.get_allocator().arena, nullptr);
  EXPECT_EQ(writeBinary(copy), bytes);
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

// A flipped bit anywhere fails the checksum, which the error names (and
// the checksum is the only thing that catches most of them).
TEST(Binary, EveryCorruptedByteFailsTheChecksum) {
  std::vector<uint8_t> bytes = writeBinary(makeAddProgram());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> corrupted = bytes;
    corrupted[i] ^= 0x40;
    Binary parsed;
    std::string error;
    EXPECT_FALSE(parse(corrupted, parsed, error)) << "byte " << i;
    // The header's own fields are checked before the checksum.
    if (i >= 32)
      EXPECT_NE(error.find("checksum"), std::string::npos)
          << "byte " << i << ": " << error;
  }
}

// With the checksum made valid again, every byte but the checksum's is
// either refused by a check of its own or carried exactly: read and
// written back, the binary is the corrupted bytes. So no corruption slips
// through as a different program than the bytes say.
TEST(Binary, EveryCorruptedByteIsValidatedOrCarried) {
  std::vector<uint8_t> bytes = writeBinary(makeAddProgram());
  size_t refused = 0;
  for (size_t i = 0; i + 8 < bytes.size(); ++i) {
    if (i == 10 || i == 11)
      continue; // the minor version: any is read, as its additions may be
    std::vector<uint8_t> corrupted = bytes;
    corrupted[i] ^= 0x40;
    const uint64_t checksum =
        computeChecksum(corrupted.data(), corrupted.size());
    for (int k = 0; k < 8; ++k)
      corrupted[corrupted.size() - 8 + k] = uint8_t(checksum >> (8 * k));
    Binary parsed;
    std::string error;
    if (!parse(corrupted, parsed, error)) {
      ++refused;
      EXPECT_EQ(error.find("checksum"), std::string::npos)
          << "byte " << i << ": " << error;
      continue;
    }
    EXPECT_EQ(writeBinary(parsed), corrupted) << "byte " << i;
  }
  // Most of a small program's bytes are structure, not free-form data.
  EXPECT_GT(refused, bytes.size() / 2);
}

TEST(Binary, RejectsNewerMajorVersion) {
  std::vector<uint8_t> bytes = writeBinary(makeAddProgram());
  bytes[8] = kFormatMajor + 1;
  Binary parsed;
  std::string error;
  EXPECT_FALSE(parse(bytes, parsed, error));
  EXPECT_NE(error.find("unsupported format version " +
                       std::to_string(kFormatMajor + 1) + "." +
                       std::to_string(kFormatMinor) +
                       " (this runtime "
                       "reads " +
                       std::to_string(kFormatMajor) + ".x)"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsRepeatedOrUnprintableProvenance) {
  std::string error = rejection([](Binary &b) {
    b.provenance = {{"target", "a"}, {"target", "b"}};
  });
  EXPECT_NE(error.find("provenance key 'target' is empty, repeated"),
            std::string::npos)
      << error;
  error = rejection([](Binary &b) { b.provenance = {{"flags", "a\nb"}}; });
  EXPECT_NE(error.find("provenance key 'flags'"), std::string::npos) << error;
  error = rejection([](Binary &b) {
    b.provenance.assign(kMaxProvenanceEntries + 1, {"k", "v"});
  });
  EXPECT_NE(error.find("too many provenance entries: 65"), std::string::npos)
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
        u.instructions.back().src1 = 100;
  });
  EXPECT_NE(error.find("second source stream 100 does not exist"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsLatchesOutsideTheVXMsOwnALUs) {
  // Only the VXM chains: it reads any ALU's latch, writes only its own.
  std::string otherAlu = rejection([](Binary &b) {
    for (UnitProgram &u : b.units)
      if (u.kind == UnitKind::Vxm)
        u.instructions.back().dst = latchField(u.index + 1);
  });
  EXPECT_NE(otherAlu.find("puts its result in another ALU's latch (alu1)"),
            std::string::npos)
      << otherAlu;
  std::string noSuchAlu = rejection([](Binary &b) {
    for (UnitProgram &u : b.units)
      if (u.kind == UnitKind::Vxm)
        u.instructions.back().src1 = latchField(b.target.vxmUnits);
  });
  EXPECT_NE(noSuchAlu.find("is not a VXM ALU latch it can reach"),
            std::string::npos)
      << noSuchAlu;
  std::string fromMem = rejection([](Binary &b) {
    for (UnitProgram &u : b.units)
      if (u.kind == UnitKind::Mem)
        for (Instruction &inst : u.instructions)
          if (inst.opcode == Opcode::Write)
            inst.src0 = latchField(0);
  });
  EXPECT_NE(fromMem.find("'write' first source alu0 is not a VXM ALU latch"),
            std::string::npos)
      << fromMem;
}

TEST(Binary, RejectsTensorsOutsideSRAM) {
  std::string error = rejection([](Binary &b) {
    b.outputs[0].parts[0].address = 4095;
    b.outputs[0].shape = {2, 16};
    b.outputs[0].layout = layoutFor({2, 16}, 16, 4);
  });
  EXPECT_NE(error.find("tensor 'y' part 0: SRAM range [4095, +8) is outside"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsTwoPartsOfATensorOnOneSlice) {
  std::string error = rejection([](Binary &b) {
    b.outputs[0].parts = {{3, 0}, {3, 8}};
  });
  EXPECT_NE(error.find("tensor 'y' has two parts on mem[3]"), std::string::npos)
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

TEST(Binary, RejectsInstallsOfNoRowsOrUnknownFlags) {
  for (uint32_t imm : {0u, 17u, 2u << 16 | 1u}) {
    std::string error = rejection([&](Binary &b) {
      b.units.push_back({UnitKind::MxmWeights, 0, {installWeights(imm)}});
    });
    EXPECT_NE(
        error.find("'iw' rows/flags " + std::to_string(imm) + " are invalid"),
        std::string::npos)
        << error;
  }
}

TEST(Binary, RejectsWeightLoadsPastTheLoadBandwidthOrTheStreams) {
  // lpu-tiny loads 8 bytes per lane a cycle: two f32 rows per lw, from two
  // stream groups of one direction.
  auto load = [](uint8_t src, uint32_t row, uint32_t rows) {
    return inst(Opcode::LoadWeights, kNoStream, src, kNoStream, 0,
                encodeLoad(row, rows));
  };
  std::string error = rejection([&](Binary &b) {
    b.units.push_back({UnitKind::MxmWeights, 0, {load(w(0), 0, 3)}});
  });
  EXPECT_NE(error.find("'lw' rows 0+3 are invalid (at most 2 f32 rows per "
                       "load)"),
            std::string::npos)
      << error;
  error = rejection([&](Binary &b) {
    b.units.push_back({UnitKind::MxmWeights, 0, {load(w(0), 15, 2)}});
  });
  EXPECT_NE(error.find("'lw' rows 15+2 are invalid"), std::string::npos)
      << error;
  error = rejection([&](Binary &b) {
    b.units.push_back({UnitKind::MxmWeights, 0, {load(e(3), 0, 2)}});
  });
  EXPECT_NE(error.find("'lw' loads 2 rows from stream 12 on, past the last "
                       "stream of its direction"),
            std::string::npos)
      << error;
}

TEST(Assembly, PrintsRepeatsAtTheirFirstIssue) {
  Binary binary = ProgramBuilder()
                      .input("x", {3, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, memRead(e(0), 0))
                      .at(UnitKind::Mem, 0, 1, repeat(2, 3, 4))
                      .at(UnitKind::Mem, 0, 7, memRead(e(1), 8))
                      .build();
  std::ostringstream os;
  printAssembly(binary, os);
  EXPECT_NE(os.str().find("  @0       read.f32 [0] -> e0\n"
                          "  @3       repeat 2, every 3, step 4\n"
                          "  @7       read.f32 [8] -> e4\n"),
            std::string::npos)
      << os.str();
}

TEST(Binary, RejectsARepeatWithNothingToRepeat) {
  Binary binary = ProgramBuilder()
                      .input("x", {1, 16}, 0, 0)
                      .at(UnitKind::Mem, 0, 0, repeat(1, 1, 0))
                      .build();
  std::vector<uint8_t> bytes = writeBinary(binary);
  Binary parsed;
  std::string error;
  EXPECT_FALSE(parse(bytes, parsed, error));
  EXPECT_NE(error.find("'repeat' must follow an instruction other than nop "
                       "or repeat"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsATypeTheInstructionCannotUse) {
  std::string error = rejection([](Binary &b) {
    b.units[1].instructions.back().dtype = DType::None; // mem[1]: write
  });
  EXPECT_NE(error.find("'write' cannot operate on element type none"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsMXMRatesOutOfTypeOrder) {
  // The loader checks the embedded description as it checks a target file.
  std::string error = rejection([](Binary &b) {
    std::swap(b.target.mxmRates.front(), b.target.mxmRates.back());
  });
  EXPECT_NE(error.find("invalid target description: mxm.types names"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("out of order"), std::string::npos) << error;
}

TEST(Binary, RejectsProductsOfATypeTheMXMDoesNotMultiply) {
  // A chip like lpu-tiny whose MXM multiplies only i8.
  std::string error = rejection([](Binary &b) {
    b.target.name = "tiny-i8";
    std::vector<MXMRate> rates;
    for (const MXMRate &rate : b.target.mxmRates)
      if (rate.type == DType::I8)
        rates.push_back(rate);
    b.target.mxmRates = rates;
    b.units.push_back({UnitKind::MxmWeights, 0, {installWeights(1)}});
  });
  EXPECT_NE(error.find("'iw' cannot multiply f32: the MXM of tiny-i8 "
                       "multiplies i8"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsInstallsBeyondTheArrayOrOffAWindow) {
  // lpu-tiny's f16 array holds 8 rows, in windows at lanes 0 and 8.
  for (uint32_t imm : {encodeInstall(9, false, 0), encodeInstall(8, false, 4),
                       encodeInstall(1, false, 16)}) {
    std::string error = rejection([&](Binary &b) {
      b.units.push_back(
          {UnitKind::MxmWeights, 0, {typed(installWeights(imm), DType::F16)}});
    });
    EXPECT_NE(error.find("'iw' rows/flags"), std::string::npos) << error;
  }
}

TEST(Binary, RejectsARepeatFasterThanItsInstruction) {
  // An f16 product holds its plane two cycles on lpu-tiny.
  std::string error = rejection([&](Binary &b) {
    b.units.push_back({UnitKind::Mxm,
                       0,
                       {typed(inst(Opcode::MatMul, e(0), w(0)), DType::F16),
                        repeat(1, 1, 0)}});
  });
  EXPECT_NE(error.find("'repeat' issues the previous instruction again "
                       "before it has left its queue"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsAStreamGroupNotStartingAtAMultipleOfItsSize) {
  // An f32 vector takes four streams, so its group starts at 0, 4, 8, ...
  std::string error = rejection([](Binary &b) {
    b.units[1].instructions.back().src0 = w(0) + 2; // mem[1]: write
  });
  EXPECT_NE(error.find("'write' first source stream 18 does not start a "
                       "group of 4 streams (f32)"),
            std::string::npos)
      << error;
}

TEST(Binary, RejectsAVectorRunningPastTheSlice) {
  // An f32 vector at address 4094 would take addresses 4094..4097.
  std::string error = rejection([](Binary &b) {
    b.units[1].instructions.back().address = 4094; // mem[1]: write
  });
  EXPECT_NE(error.find("'write' address 4094 is invalid"), std::string::npos)
      << error;
}

TEST(Binary, RejectsGatherTablesOutsideTheSliceOrWithoutEntries) {
  // lpu-tiny's slices hold 4096 addresses: 1024 f32 entries from 0 fit,
  // 1025 do not; a table needs an entry and a stride.
  auto gather = [](uint32_t address, uint32_t imm) {
    return inst(Opcode::Gather, e(1), e(0), kNoStream, address, imm);
  };
  Binary fits = makeAddProgram(), parsed;
  fits.units.push_back({UnitKind::Mem, 5, {gather(0, 1024 | 1 << 16)}});
  std::string error;
  EXPECT_TRUE(parse(writeBinary(fits), parsed, error)) << error;
  error = rejection([&](Binary &b) {
    b.units.push_back({UnitKind::Mem, 5, {gather(4, 1024 | 1 << 16)}});
  });
  EXPECT_NE(error.find("'gather' table of 1024 entries from address 4 runs "
                       "out of the slice"),
            std::string::npos)
      << error;
  for (uint32_t imm : {1u, 1u << 16, 1u | 1u << 16 | 1u << 26}) {
    error = rejection([&](Binary &b) {
      b.units.push_back({UnitKind::Mem, 5, {gather(0, imm)}});
    });
    EXPECT_NE(
        error.find("'gather' table " + std::to_string(imm) + " is invalid"),
        std::string::npos)
        << error;
  }
}

TEST(Binary, EmbedsTheWholeTargetDescription) {
  Binary binary = makeAddProgram();
  Binary parsed;
  std::string error;
  ASSERT_TRUE(parse(writeBinary(binary), parsed, error)) << error;
  EXPECT_EQ(parsed.target, binary.target);
  EXPECT_EQ(parsed.target.unitColumn(UnitKind::Mxm, 1), 12u);
}

TEST(Assembly, PrintsOneLinePerInstructionWithItsCycle) {
  std::ostringstream os;
  printAssembly(makeAddProgram(), os);
  std::string text = os.str();
  EXPECT_NE(text.find("; input  x : f32[1x16] at mem[0]:0"), std::string::npos)
      << text;
  EXPECT_NE(text.find("vxm[0] (slice 6):\n  @0       nop 6\n"
                      "  @6       vadd.f32 e0, e4 -> w0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("@11      write.f32 w0 -> [0]"), std::string::npos)
      << text;
}

} // namespace
