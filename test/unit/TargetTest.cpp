//===- TargetTest.cpp - Target descriptions and their file format ---------===//

#include "lpu/Target.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace lpu;

namespace {

std::string readShippedFile(const std::string &name) {
  std::ifstream in(std::string(LPU_TARGETS_DIR) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The lpu-tiny file with `from` replaced by `to`, parsed; returns the error.
std::string parseEdited(const std::string &from, const std::string &to) {
  std::string text = readShippedFile("lpu-tiny.json");
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  TargetDesc target;
  std::string error;
  EXPECT_FALSE(parseTargetDescription(text, target, error));
  return error;
}

TEST(Target, BuiltinTargetsAreTheShippedFiles) {
  ASSERT_EQ(builtinTargets().size(), 2u);
  for (const char *name : {"lpu-v1", "lpu-tiny"}) {
    const TargetDesc *builtin = findBuiltinTarget(name);
    ASSERT_NE(builtin, nullptr) << name;
    EXPECT_EQ(builtin->validate(), "");
    TargetDesc fromFile;
    std::string error;
    ASSERT_TRUE(parseTargetDescription(
        readShippedFile(std::string(name) + ".json"), fromFile, error))
        << error;
    EXPECT_EQ(fromFile, *builtin);
  }
  EXPECT_EQ(findBuiltinTarget("lpu-v2"), nullptr);
}

TEST(Target, V1HasTheTSPScaleParameters) {
  const TargetDesc &v1 = *findBuiltinTarget("lpu-v1");
  EXPECT_EQ(v1.lanes, 320u);
  EXPECT_EQ(v1.superlanes, 20u);
  EXPECT_EQ(v1.memSlices, 88u);
  EXPECT_EQ(v1.memAddresses, 8192u);
  EXPECT_EQ(v1.memBanks, 2u);
  EXPECT_EQ(v1.numStreams(), 64u);
  EXPECT_EQ(v1.mxmPlanes, 4u);
  EXPECT_EQ(v1.vxmUnits, 16u);
  EXPECT_EQ(v1.clockMHz, 900u);
  // 220 MiB of SRAM at one byte per lane.
  EXPECT_EQ(uint64_t(v1.memSlices) * v1.memAddresses * v1.lanes,
            220ull * 1024 * 1024);
  // Hemispheres mirror each other around the VXM.
  uint32_t centre = v1.centreColumn();
  EXPECT_EQ(centre, 48u);
  for (uint32_t d = 1; d <= centre; ++d)
    EXPECT_EQ(v1.floorplan[centre - d], v1.floorplan[centre + d]) << d;
  EXPECT_EQ(v1.unitColumn(UnitKind::Mem, 0), 4u);
  EXPECT_EQ(v1.unitColumn(UnitKind::Mem, 44), 49u);
  EXPECT_EQ(v1.unitColumn(UnitKind::Mxm, 3), 95u);
}

TEST(Target, PrintedDescriptionsParseBackEqual) {
  for (const TargetDesc &t : builtinTargets()) {
    TargetDesc again;
    std::string error;
    ASSERT_TRUE(parseTargetDescription(printTargetDescription(t), again, error))
        << error;
    EXPECT_EQ(again, t);
  }
}

TEST(Target, ReportsTheOffendingKey) {
  EXPECT_EQ(parseEdited("\"lanes\": 16", "\"lane\": 16"),
            "missing key 'lanes'");
  EXPECT_EQ(parseEdited("\"banks\": 2", "\"banks\": -2"),
            "'mem.banks' must be an unsigned 32-bit integer");
  EXPECT_EQ(parseEdited("\"MEM*4\"", "\"MEM*x\""),
            "'floorplan.west' entry \"MEM*x\" has a bad repeat count");
  EXPECT_EQ(parseEdited("\"SXM\"", "\"GPU\""),
            "'floorplan.west' entry \"GPU\" names no slice kind (MEM, VXM, "
            "MXM, SXM, C2C)");
  EXPECT_EQ(parseEdited("\"centre\": [\"VXM\"]", "\"centre\": [\"MEM\"]"),
            "the floorplan needs exactly one VXM slice (the centre)");
  EXPECT_EQ(parseEdited("\"abc\": 4,", ""), "missing key 'latency.abc'");
  EXPECT_EQ(parseEdited("\"abc\": 4,", "\"abc\": 4, \"fma\": 3,"),
            "'latency.fma' names no instruction");
  EXPECT_EQ(parseEdited("\"superlanes\": 1", "\"superlanes\": 3"),
            "superlanes must divide lanes");
  EXPECT_EQ(parseEdited("\"format\": \"lpu-target-1\"", "\"format\": 2"),
            "'format' must be \"lpu-target-1\"");
  EXPECT_EQ(parseEdited("{", "["), "not valid JSON");
  EXPECT_EQ(parseEdited("\"clock_mhz\"", "\"clock\""),
            "missing key 'clock_mhz'");
}

TEST(Target, LoadsByNameOrPath) {
  TargetDesc t;
  std::string error;
  ASSERT_TRUE(loadTarget("lpu-tiny", t, error)) << error;
  EXPECT_EQ(t.lanes, 16u);
  ASSERT_TRUE(
      loadTarget(std::string(LPU_TARGETS_DIR) + "/lpu-v1.json", t, error))
      << error;
  EXPECT_EQ(t.lanes, 320u);
  EXPECT_FALSE(loadTarget("no-such-target", t, error));
  EXPECT_EQ(error, "'no-such-target' is neither a built-in target (lpu-v1, "
                   "lpu-tiny) nor a readable target file");
}

} // namespace
