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
  // The published byte model: 320-byte streams and SRAM addresses, 220 MiB,
  // an f32 vector takes a group of four streams and four addresses, f16 two,
  // i8 one; a slice's two bank ports move 640 bytes a cycle.
  EXPECT_EQ(v1.laneBytes, 1u);
  EXPECT_EQ(v1.planeBytes(), 320u);
  EXPECT_EQ(v1.sramBytes(), 220ull * 1024 * 1024);
  EXPECT_EQ(v1.planesOf(DType::I8), 1u);
  EXPECT_EQ(v1.planesOf(DType::F16), 2u);
  EXPECT_EQ(v1.planesOf(DType::BF16), 2u);
  EXPECT_EQ(v1.planesOf(DType::F32), 4u);
  EXPECT_EQ(v1.planesOf(DType::I32), 4u);
  EXPECT_EQ(v1.memPortCycles(v1.planesOf(DType::F32)), 2u);
  EXPECT_EQ(v1.memPortCycles(v1.planesOf(DType::I8)), 1u);
  EXPECT_EQ(v1.memBanksTouched(v1.planesOf(DType::I8)), 1u);
  // MXM rates (ISCA 2022): i8 K = 320 at a vector a cycle, 409,600 MACs a
  // cycle on four planes; f16 and bf16 K = 160 every two cycles, a quarter.
  ASSERT_NE(v1.mxmRate(DType::I8), nullptr);
  EXPECT_EQ(v1.mxmRate(DType::I8)->rows, 320u);
  EXPECT_EQ(v1.mxmRate(DType::I8)->cycles, 1u);
  for (DType half : {DType::F16, DType::BF16}) {
    ASSERT_NE(v1.mxmRate(half), nullptr);
    EXPECT_EQ(v1.mxmRate(half)->rows, 160u);
    EXPECT_EQ(v1.mxmRate(half)->cycles, 2u);
  }
  // Weight install (the facts file): 409,600 bytes into four planes in 40
  // cycles, 32 bytes per lane a cycle chip-wide: 8 i8 or 4 f16 rows per lw.
  EXPECT_EQ(v1.mxmLoadBytes * v1.mxmPlanes, 32u);
  EXPECT_EQ(v1.loadRowsOf(DType::I8), 8u);
  EXPECT_EQ(v1.loadRowsOf(DType::F16), 4u);
  EXPECT_EQ(v1.mxmRate(DType::I8)->rows / v1.loadRowsOf(DType::I8), 40u);
  EXPECT_EQ(v1.mxmRate(DType::F16)->rows / v1.loadRowsOf(DType::F16), 40u);
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
  EXPECT_EQ(parseEdited("\"f16\": { \"rows\": 8", "\"f64\": { \"rows\": 8"),
            "'mxm.types.f64' names no element type (f32, f16, bf16, i32, i8)");
  EXPECT_EQ(parseEdited("\"i8\": { \"rows\": 16", "\"i8\": { \"rows\": 17"),
            "mxm.types.i8.rows must be in [1, lanes]");
  EXPECT_EQ(parseEdited("\"i8\": { \"rows\": 16, \"cycles\": 1 }",
                        "\"i32\": { \"rows\": 16, \"cycles\": 1 }"),
            "mxm.types.i32: the MXM multiplies f32, f16, bf16 or i8");
  EXPECT_EQ(parseEdited("\"types\": [\"f32\"", "\"types\": [\"f31\""),
            "'vxm.types' names no element type (f32, f16, bf16, i32, i8)");
  EXPECT_EQ(parseEdited("\"lane_bytes\": 1", "\"lane_bytes\": 3"),
            "lane_bytes must be 1, 2 or 4");
  EXPECT_EQ(parseEdited("\"streams_per_direction\": 16",
                        "\"streams_per_direction\": 6"),
            "streams_per_direction must be a multiple of the streams an f32 "
            "vector takes (4)");
  // Stream fields from 128 on name VXM ALU latches.
  EXPECT_EQ(parseEdited("\"streams_per_direction\": 16",
                        "\"streams_per_direction\": 68"),
            "streams_per_direction must be in [1, 64]");
  EXPECT_EQ(parseEdited("\"load_bytes\": 8", "\"load_bytes\": 2"),
            "mxm.load_bytes must hold one weight row of every MXM type (f32 "
            "takes 4)");
  EXPECT_EQ(parseEdited("\"load_bytes\": 8", "\"load_bytes\": 17"),
            "mxm.load_bytes must be at most the bytes per lane of one "
            "direction's streams (16)");
  EXPECT_EQ(parseEdited("\"banks\": 2", "\"banks\": 2, \"ports\": 1"),
            "unknown key 'mem.ports'");
  EXPECT_EQ(parseEdited("\"queues_per_slice\": 1",
                        "\"queues_per_slice\": 1, \"width\": 2"),
            "unknown key 'sxm.width'");
}

TEST(Target, ElementsAreStoredPlaneByPlane) {
  // lpu-tiny: 16 lanes of one byte. Lane 2 of an f32 vector keeps byte p of
  // its element in plane p, at offset 2 of each 16-byte plane.
  const TargetDesc &tiny = *findBuiltinTarget("lpu-tiny");
  std::vector<uint8_t> planes(4 * 16, 0xee);
  const uint8_t element[4] = {0x11, 0x22, 0x33, 0x44};
  storeLaneElement(tiny, DType::F32, element, 2, planes.data());
  for (int p = 0; p < 4; ++p)
    EXPECT_EQ(planes[16 * p + 2], element[p]) << p;
  EXPECT_EQ(planes[3], 0xee);
  uint8_t back[4] = {};
  loadLaneElement(tiny, DType::F32, planes.data(), 2, back);
  EXPECT_EQ(std::vector<uint8_t>(back, back + 4),
            std::vector<uint8_t>(element, element + 4));
  // With four bytes a lane, an i8 element fills the low byte of its lane and
  // the other three are zero.
  TargetDesc wide = tiny;
  wide.laneBytes = 4;
  std::vector<uint8_t> plane(16 * 4, 0xee);
  storeLaneElement(wide, DType::I8, element, 1, plane.data());
  EXPECT_EQ(std::vector<uint8_t>(plane.begin() + 4, plane.begin() + 8),
            (std::vector<uint8_t>{0x11, 0, 0, 0}));
}

TEST(Target, VectorsOfElementsMoveAsTheirLanesDo) {
  // storeVectorElements and loadVectorElements are storeLaneElement and
  // loadLaneElement over lanes [0, count), from elements `stride` bytes
  // apart (an int64 host tensor's low four bytes for i32), the other lanes
  // zero; on one and on four bytes a lane.
  TargetDesc narrow = *findBuiltinTarget("lpu-tiny");
  TargetDesc wide = narrow;
  wide.laneBytes = 4;
  for (const TargetDesc *target : {&narrow, &wide})
    for (DType dtype : {DType::I8, DType::F16, DType::F32, DType::I32}) {
      const unsigned size = dtypeHostBytes(dtype);
      const size_t stride = dtype == DType::I32 ? 8 : size;
      const uint32_t count = target->lanes - 3;
      std::vector<uint8_t> elements(target->lanes * stride);
      for (size_t i = 0; i < elements.size(); ++i)
        elements[i] = uint8_t(i * 37 + 5);
      const size_t bytes = target->planesOf(dtype) * target->planeBytes();
      std::vector<uint8_t> byLane(bytes, 0xee), byVector(bytes, 0xee);
      const uint8_t zero[4] = {};
      for (uint32_t lane = 0; lane < target->lanes; ++lane)
        storeLaneElement(*target, dtype,
                         lane < count ? &elements[lane * stride] : zero, lane,
                         byLane.data());
      storeVectorElements(*target, dtype, elements.data(), stride, count,
                          byVector.data());
      EXPECT_EQ(byVector, byLane) << dtypeName(dtype) << target->laneBytes;
      std::vector<uint8_t> back(elements.size(), 0);
      loadVectorElements(*target, dtype, byVector.data(), count, back.data(),
                         stride);
      for (uint32_t lane = 0; lane < count; ++lane)
        EXPECT_EQ(std::vector<uint8_t>(&back[lane * stride],
                                       &back[lane * stride] + size),
                  std::vector<uint8_t>(&elements[lane * stride],
                                       &elements[lane * stride] + size))
            << dtypeName(dtype) << " lane " << lane;
      EXPECT_EQ(back[count * stride], 0) << "lanes past count are not read";
    }
}

TEST(Target, FormatsByteSizes) {
  EXPECT_EQ(formatBytes(512), "512 B");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(formatBytes(220ull << 20), "220.00 MiB");
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
